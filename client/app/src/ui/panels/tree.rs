//! The tree of networks and their buffers (status, channels, queries, custom windows), with
//! unread counts and highlight markers.

use crate::ui::view::View;
use crate::ui::Act;

/// Draws the tree in a left panel.
pub fn show(ui: &mut egui::Ui, view: &View, acts: &mut Vec<Act>) {
    egui::Panel::left("network_tree")
        .resizable(true)
        .default_size(170.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                for cid in view.cids() {
                    let name = view
                        .snap
                        .nets
                        .iter()
                        .find(|n| n.cid == cid)
                        .map_or_else(|| format!("connection {cid}"), |n| n.name.clone());
                    egui::CollapsingHeader::new(egui::RichText::new(name).strong())
                        .id_salt(("net", cid))
                        .default_open(true)
                        .show(ui, |ui| {
                            for (key, b) in view.buffers_of(cid) {
                                let mut text = b.name.clone();
                                if b.unread > 0 {
                                    text.push_str(&format!(" ({})", b.unread));
                                }
                                let mut rich = egui::RichText::new(text);
                                if b.highlighted {
                                    rich =
                                        rich.color(egui::Color32::from_rgb(230, 60, 60)).strong();
                                } else if b.unread > 0 {
                                    rich = rich.strong();
                                }
                                if ui.selectable_label(*key == view.active, rich).clicked() {
                                    acts.push(Act::Select(key.clone()));
                                }
                            }
                        });
                }
            });
        });
}
