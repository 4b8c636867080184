//! The menu bar: File (new, open, import), Server (connect), View (editor pane), Commands
//! (the scripts' `menu menubar` items), Tools (script manager, options, stop script).

use super::connect::ConnectState;
use super::editor::EditorState;
use super::import::ImportState;
use super::manager::ManagerState;
use super::popup::{MenuKey, MenuState};
use crate::ui::bridge::Core;
use crate::ui::Act;

/// What the menu bar opens and changes.
pub struct Menus<'a> {
    /// The script editor pane.
    pub editor: &'a mut EditorState,
    /// The script manager window.
    pub manager: &'a mut ManagerState,
    /// The connect dialog.
    pub connect: &'a mut ConnectState,
    /// The options dialog.
    pub options_open: &'a mut bool,
    /// The import window.
    pub import: &'a mut ImportState,
    /// The popup menu open now (Commands is the scripts' `menubar` menu).
    pub popup: &'a mut MenuState,
    /// The core thread (Stop script reaches it at once).
    pub core: &'a Core,
    /// The questions scripts wait on (Stop script withdraws them).
    pub prompts: &'a mut super::prompt::PromptState,
    /// The connection shown.
    pub cid: u32,
}

/// Draws the menu bar at the top of the window; Ctrl+Pause (Ctrl+Break) also stops the
/// running script, as in mIRC.
pub fn show(ui: &mut egui::Ui, m: Menus<'_>, acts: &mut Vec<Act>) {
    let stop_key = ui.input(|i| i.modifiers.ctrl && i.key_pressed(egui::Key::Pause));
    if stop_key {
        m.core.stop_script();
        m.prompts.cancel_all();
    }
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New script").clicked() {
                    m.editor.open = true;
                    m.editor.new_tab();
                    ui.close();
                }
                if ui.button("Open script…").clicked() {
                    m.editor.open = true;
                    m.editor.prompt_open();
                    ui.close();
                }
                if ui.button("Import mIRC script…").clicked() {
                    m.import.open = true;
                    ui.close();
                }
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Server", |ui| {
                if ui.button("Connect…").clicked() {
                    m.connect.open = true;
                    ui.close();
                }
            });
            ui.menu_button("View", |ui| {
                if ui.checkbox(&mut m.editor.open, "Script editor").clicked() {
                    ui.close();
                }
            });
            ui.menu_button("Commands", |ui| {
                let key = MenuKey {
                    cid: m.cid,
                    context: "menubar".into(),
                    window: "status".into(),
                    selected: Vec::new(),
                };
                super::popup::items(ui, m.popup, key, Some("(no script adds commands)"), acts);
            });
            ui.menu_button("Tools", |ui| {
                if ui.button("Script manager").clicked() {
                    m.manager.open = true;
                    ui.close();
                }
                if ui.button("Options").clicked() {
                    *m.options_open = true;
                    ui.close();
                }
                if ui
                    .button("Stop running script")
                    .on_hover_text("Ends the mSL script running now (Ctrl+Pause)")
                    .clicked()
                {
                    m.core.stop_script();
                    m.prompts.cancel_all();
                    ui.close();
                }
            });
        });
    });
}
