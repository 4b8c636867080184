//! The options dialog: where the config file and data folder are, and the settings read from
//! the config file (the file is the place to change them; the client reads it at start).

use crate::ui::Options;

/// Draws the options dialog.
pub fn show(ctx: &egui::Context, open: &mut bool, options: &Options) {
    if !*open {
        return;
    }
    egui::Window::new("Options").open(open).show(ctx, |ui| {
        ui.label(format!("Data folder: {}", options.data.display()));
        match &options.config_file {
            Some(p) => {
                ui.label(format!("Config file: {}", p.display()));
                match std::fs::read_to_string(p) {
                    Ok(t) => {
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            ui.monospace(t);
                        });
                    }
                    Err(_) => {
                        ui.label(
                            "(the file does not exist yet; Server → Connect adds networks to it)",
                        );
                    }
                }
            }
            None => {
                ui.label("No config file.");
            }
        }
    });
}
