//! The nick list of the shown channel, with prefixes and a context menu.

use super::popup::{MenuKey, MenuState};
use crate::ui::view::{fold, View};
use crate::ui::Act;

/// Draws the nick list in a right panel when a channel is shown. Its context menu has the
/// scripts' `menu nicklist` items (with the nick as `$1`), then the usual actions.
pub fn show(ui: &mut egui::Ui, view: &View, popup: &mut MenuState, acts: &mut Vec<Act>) {
    let Some(net) = view.active_net() else {
        return;
    };
    let Some(chan) = net.channels.iter().find(|c| fold(&c.name) == view.active.1) else {
        return;
    };
    egui::Panel::right("nick_list")
        .resizable(true)
        .default_size(140.0)
        .show(ui, |ui| {
            ui.label(format!("{} users", chan.nicks.len()));
            ui.separator();
            let row = ui.text_style_height(&egui::TextStyle::Body);
            egui::ScrollArea::vertical().show_rows(ui, row, chan.nicks.len(), |ui, range| {
                for (prefix, nick) in &chan.nicks[range] {
                    let shown = format!(
                        "{}{nick}",
                        prefix.chars().next().map(String::from).unwrap_or_default()
                    );
                    let colour = crate::ui::mirc::rgb(crate::ui::mirc::nick_colour(nick));
                    let r = ui.add(
                        egui::Label::new(
                            egui::RichText::new(shown)
                                .color(egui::Color32::from_rgb(colour[0], colour[1], colour[2])),
                        )
                        .sense(egui::Sense::click()),
                    );
                    let cid = net.cid;
                    if r.double_clicked() {
                        acts.push(Act::Command {
                            cid,
                            line: format!("/query {nick}"),
                        });
                    }
                    r.context_menu(|ui| {
                        let key = MenuKey {
                            cid,
                            context: "nicklist".into(),
                            window: chan.name.clone(),
                            selected: vec![nick.clone()],
                        };
                        if super::popup::items(ui, popup, key, None, acts) {
                            ui.separator();
                        }
                        let items = [
                            ("Query", format!("/query {nick}")),
                            ("Whois", format!("/whois {nick}")),
                            ("Op", format!("/mode {} +o {nick}", chan.name)),
                            ("Deop", format!("/mode {} -o {nick}", chan.name)),
                            ("Voice", format!("/mode {} +v {nick}", chan.name)),
                            ("Kick", format!("/kick {} {nick}", chan.name)),
                            ("CTCP version", format!("/ctcp {nick} VERSION")),
                        ];
                        for (label, line) in items {
                            if ui.button(label).clicked() {
                                acts.push(Act::Command { cid, line });
                                ui.close();
                            }
                        }
                    });
                }
            });
        });
}
