//! File → Import mIRC script: a script file (`.mrc`, a remote, alias or popup `.ini`) or a
//! whole mIRC folder is checked ([`rustirc_core::import::import`]), the report lists what
//! loads and what is skipped and why, with line numbers, and Load copies it into the data
//! folder and loads it ([`rustirc_core::client::Client::load_import`]).

use crate::ui::Act;
use rustirc_core::import::ImportReport;
use std::path::PathBuf;

/// The import window.
#[derive(Default)]
pub struct ImportState {
    /// Whether it is shown.
    pub open: bool,
    /// The file or folder typed in.
    pub path: String,
    /// The report of the last check.
    pub report: Option<ImportReport>,
    /// Why the last check or load failed.
    pub error: Option<String>,
    /// The scripts the last load brought in.
    pub loaded: Vec<PathBuf>,
    /// Load was pressed and the client has not answered yet.
    pub loading: bool,
}

impl ImportState {
    /// Checks the file or folder in `path` (paths may be separated by `;`).
    pub fn check(&mut self) {
        let paths: Vec<PathBuf> = self
            .path
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect();
        self.loaded.clear();
        if paths.is_empty() {
            self.error = Some("name a script file or a mIRC folder".into());
            self.report = None;
            return;
        }
        match rustirc_core::import::import(&paths) {
            Ok(r) => {
                self.report = Some(r);
                self.error = None;
            }
            Err(e) => {
                self.report = None;
                self.error = Some(e);
            }
        }
    }

    /// The core's answer to Load.
    pub fn loaded(&mut self, result: Result<Vec<PathBuf>, String>) {
        self.loading = false;
        match result {
            Ok(files) => {
                self.loaded = files;
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }
}

/// Draws the import window.
pub fn show(ctx: &egui::Context, state: &mut ImportState, acts: &mut Vec<Act>) {
    if !state.open {
        return;
    }
    let mut open = state.open;
    let mut load = None;
    egui::Window::new("Import mIRC script")
        .open(&mut open)
        .default_width(560.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("File or mIRC folder:");
                let r = ui
                    .add(
                        egui::TextEdit::singleline(&mut state.path)
                            .desired_width(320.0)
                            .id_salt("import_path"),
                    )
                    .labelled_by(l.id);
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button("Check").clicked() || enter {
                    state.check();
                }
            });
            if let Some(e) = &state.error {
                ui.colored_label(egui::Color32::from_rgb(220, 80, 80), e);
            }
            let Some(report) = &state.report else {
                return;
            };
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| report_ui(ui, report));
            ui.separator();
            if state.loaded.is_empty() {
                let label = if report.ok() {
                    "Load"
                } else {
                    "Load what loads"
                };
                if ui
                    .add_enabled(
                        !report.files.is_empty() && !state.loading,
                        egui::Button::new(label),
                    )
                    .clicked()
                {
                    load = Some(report.clone());
                }
            } else {
                ui.label(format!("Loaded {} scripts.", state.loaded.len()));
                for f in &state.loaded {
                    ui.monospace(f.display().to_string());
                }
            }
        });
    state.open = open;
    if let Some(report) = load {
        state.loading = true;
        acts.push(Act::ImportLoad(Box::new(report)));
    }
}

/// The report: one row per file in load order, the folder's other data, then each problem.
fn report_ui(ui: &mut egui::Ui, r: &ImportReport) {
    ui.strong("Scripts, in load order");
    egui::Grid::new("import_files")
        .striped(true)
        .show(ui, |ui| {
            for f in &r.files {
                let name = f.path.file_name().map_or_else(
                    || f.path.display().to_string(),
                    |n| n.to_string_lossy().into(),
                );
                ui.monospace(name);
                ui.label(&f.kind);
                ui.label(format!(
                    "{} aliases, {} events, {} menus, {} dialogs",
                    f.aliases, f.events, f.menus, f.dialogs
                ));
                ui.end_row();
            }
        });
    if !r.variables.is_empty() {
        ui.label(format!("vars.ini: {} variables", r.variables.len()));
    }
    if !r.users.entries().is_empty() {
        ui.label(format!("users.ini: {} users", r.users.entries().len()));
    }
    if !r.servers.is_empty() {
        ui.label(format!("servers.ini: {} servers", r.servers.len()));
    }
    let skipped = r.problems.iter().filter(|p| p.skipped).count();
    if r.problems.is_empty() {
        ui.label("Everything loads.");
        return;
    }
    ui.add_space(6.0);
    let warnings = r.problems.len() - skipped;
    ui.strong(format!(
        "{skipped} skipped, {warnings} warning{}",
        if warnings == 1 { "" } else { "s" }
    ));
    for p in &r.problems {
        let file = p.file.file_name().map_or_else(
            || p.file.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let (what, colour) = if p.skipped {
            ("skipped", egui::Color32::from_rgb(220, 80, 80))
        } else {
            ("warning", egui::Color32::from_rgb(220, 170, 60))
        };
        ui.horizontal_wrapped(|ui| {
            ui.monospace(format!("{file}:{}", p.line));
            ui.colored_label(colour, what);
            ui.label(&p.message);
        });
    }
}
