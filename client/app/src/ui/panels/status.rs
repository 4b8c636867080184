//! The status bar: the connection of the shown buffer, my nick, lag and away state.

use crate::ui::view::View;

/// Draws the status bar at the bottom of the window.
pub fn show(ui: &mut egui::Ui, view: &View, ended: Option<&str>) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(why) = ended {
                ui.colored_label(egui::Color32::RED, format!("Client stopped: {why}"));
                return;
            }
            match view.active_net() {
                Some(n) => {
                    ui.label(format!("{} — {}", n.name, n.me));
                    ui.separator();
                    let lag = match (n.registered, n.lag_ms) {
                        (false, _) => "not connected".to_string(),
                        (true, Some(ms)) => format!("lag {:.2}s", ms as f64 / 1000.0),
                        (true, None) => "lag ?".to_string(),
                    };
                    ui.label(lag);
                    ui.separator();
                    match &n.away {
                        Some(m) => ui.label(format!("away: {m}")),
                        None => ui.label("here"),
                    };
                }
                None => {
                    ui.label("not connected");
                }
            }
        });
    });
}
