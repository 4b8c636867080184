//! The menu bar: File (new, open, import), View (editor pane), Tools (script manager,
//! options), Server (connect).

use super::connect::ConnectState;
use super::editor::EditorState;
use super::manager::ManagerState;

/// Draws the menu bar at the top of the window.
pub fn show(
    ui: &mut egui::Ui,
    editor: &mut EditorState,
    manager: &mut ManagerState,
    connect: &mut ConnectState,
    options_open: &mut bool,
) {
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New script").clicked() {
                    editor.open = true;
                    editor.new_tab();
                    ui.close();
                }
                if ui.button("Open script…").clicked() {
                    editor.open = true;
                    editor.prompt_open();
                    ui.close();
                }
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Server", |ui| {
                if ui.button("Connect…").clicked() {
                    connect.open = true;
                    ui.close();
                }
            });
            ui.menu_button("View", |ui| {
                if ui.checkbox(&mut editor.open, "Script editor").clicked() {
                    ui.close();
                }
            });
            ui.menu_button("Tools", |ui| {
                if ui.button("Script manager").clicked() {
                    manager.open = true;
                    ui.close();
                }
                if ui.button("Options").clicked() {
                    *options_open = true;
                    ui.close();
                }
            });
        });
    });
}
