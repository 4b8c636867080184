//! The topic bar of the shown channel (scripts set it with `/topic`).

use crate::ui::view::View;

/// Draws the topic bar above the message view.
pub fn show(ui: &mut egui::Ui, view: &View) {
    let topic = view.active_net().and_then(|n| {
        n.channels
            .iter()
            .find(|c| crate::ui::view::fold(&c.name) == view.active.1)
    });
    let Some(chan) = topic else {
        return;
    };
    egui::Panel::top("topic_bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong(&chan.name);
            ui.separator();
            let job = crate::ui::panels::buffer::layout_line(ui, &chan.topic, None);
            ui.label(job);
        });
    });
}
