//! The options dialog: the alerts (applied at once), the scripts' limits, and the config file
//! itself. Every change is checked as the client reads the file ([`set_value`],
//! [`Settings::parse`]) before it is written, so a mistake is reported with its line and
//! column and the file on disk stays as it was. Limits and networks take effect the next
//! time the client starts.

use crate::ui::Options;
use rustirc_core::settings::{set_value, SettingValue, Settings};

/// What the dialog is editing.
#[derive(Default)]
pub struct OptionsState {
    /// The config file's text as last read or saved (`None`: not read yet).
    pub text: Option<String>,
    /// The text being edited in the "Config file" section.
    pub draft: String,
    /// Instructions per run, as typed.
    pub instructions: String,
    /// Milliseconds per run, as typed.
    pub wall_ms: String,
    /// The sound file, as typed.
    pub sound_file: String,
    /// What the last save said (`Ok`: saved; `Err`: why not).
    pub status: Option<Result<String, String>>,
}

impl OptionsState {
    /// Reads the config file (an absent one is empty).
    fn load(&mut self, options: &Options) {
        let text = options
            .config_file
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default();
        let s = Settings::parse(&text).unwrap_or_default();
        self.instructions = s
            .limits
            .instructions
            .map(|n| n.to_string())
            .unwrap_or_default();
        self.wall_ms = s.limits.wall_ms.map(|n| n.to_string()).unwrap_or_default();
        self.sound_file = options
            .alerts
            .sound_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.draft.clone_from(&text);
        self.text = Some(text);
    }
}

/// The config file's text as it is on disk now (an absent file is empty).
fn on_disk(options: &Options) -> Result<String, String> {
    let Some(path) = &options.config_file else {
        return Ok(String::new());
    };
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes `text` to the config file once it parses; keeps the editing state in step (the
/// "Config file" box keeps unsaved edits).
fn save(state: &mut OptionsState, options: &mut Options, text: String) {
    let Some(path) = options.config_file.clone() else {
        state.status = Some(Err("no config file (start with --config FILE)".into()));
        return;
    };
    let parsed = match Settings::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            state.status = Some(Err(format!("{}: {e}", path.display())));
            return;
        }
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    match rustirc_core::persist::write_atomic(&path, text.as_bytes()) {
        Ok(()) => {
            options.alerts = parsed.alerts;
            let dirty = state.text.as_deref().is_some_and(|t| t != state.draft);
            if !dirty {
                state.draft.clone_from(&text);
            }
            state.text = Some(text);
            state.status = Some(Ok(format!("Saved {}", path.display())));
        }
        Err(e) => state.status = Some(Err(format!("{}: {e}", path.display()))),
    }
}

/// Applies one change to the file as it is on disk now (another window, or an editor, may
/// have changed it since the dialog opened) and saves it.
fn change(
    state: &mut OptionsState,
    options: &mut Options,
    section: &str,
    key: &str,
    v: SettingValue,
) {
    let text = match on_disk(options) {
        Ok(t) => t,
        Err(e) => {
            state.status = Some(Err(e));
            return;
        }
    };
    match set_value(&text, section, key, v) {
        Ok(t) => save(state, options, t),
        Err(e) => state.status = Some(Err(e)),
    }
}

/// A whole number typed into a field: empty unsets it.
fn number(typed: &str) -> Result<SettingValue, String> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(SettingValue::Unset);
    }
    t.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(SettingValue::Int)
        .ok_or_else(|| format!("'{t}' is not a positive whole number"))
}

/// Draws the options dialog.
pub fn show(ctx: &egui::Context, open: &mut bool, state: &mut OptionsState, options: &mut Options) {
    if !*open {
        state.text = None;
        return;
    }
    if state.text.is_none() {
        state.load(options);
        state.status = None;
    }
    egui::Window::new("Options")
        .open(open)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.label(format!("Data folder: {}", options.data.display()));
            match &options.config_file {
                Some(p) => ui.label(format!("Config file: {}", p.display())),
                None => ui.label("No config file: changes cannot be saved."),
            };
            ui.separator();
            ui.strong("Alerts");
            let mut desktop = options.alerts.desktop();
            if ui
                .checkbox(
                    &mut desktop,
                    "Desktop notifications for highlights and private messages",
                )
                .changed()
            {
                change(
                    state,
                    options,
                    "alerts",
                    "desktop",
                    SettingValue::Bool(desktop),
                );
            }
            let mut sound = options.alerts.sound();
            if ui.checkbox(&mut sound, "Play a sound").changed() {
                change(state, options, "alerts", "sound", SettingValue::Bool(sound));
            }
            ui.horizontal(|ui| {
                let l = ui.label("Sound file:");
                ui.add(egui::TextEdit::singleline(&mut state.sound_file).id_salt("opt_sound"))
                    .labelled_by(l.id);
                if ui.button("Set").clicked() {
                    let v = if state.sound_file.trim().is_empty() {
                        SettingValue::Unset
                    } else {
                        SettingValue::Text(state.sound_file.trim().to_string())
                    };
                    change(state, options, "alerts", "sound_file", v);
                }
            });
            ui.separator();
            ui.strong("Script limits (from the next start)");
            let mut limits = None;
            egui::Grid::new("opt_limits").show(ui, |ui| {
                let l = ui.label("Instructions per run:");
                ui.add(egui::TextEdit::singleline(&mut state.instructions).id_salt("opt_instr"))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Milliseconds per run:");
                ui.add(egui::TextEdit::singleline(&mut state.wall_ms).id_salt("opt_wall"))
                    .labelled_by(l.id);
                ui.end_row();
            });
            if ui.button("Save limits").clicked() {
                limits = Some((number(&state.instructions), number(&state.wall_ms)));
            }
            if let Some((instr, wall)) = limits {
                match (instr, wall) {
                    (Ok(i), Ok(w)) => {
                        let text = on_disk(options).unwrap_or_default();
                        match set_value(&text, "limits", "instructions", i)
                            .and_then(|t| set_value(&t, "limits", "wall_ms", w))
                        {
                            Ok(t) => save(state, options, t),
                            Err(e) => state.status = Some(Err(e)),
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => state.status = Some(Err(e)),
                }
            }
            ui.separator();
            egui::CollapsingHeader::new("Config file").show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut state.draft)
                                .code_editor()
                                .desired_rows(10)
                                .desired_width(f32::INFINITY)
                                .id_salt("opt_text"),
                        );
                    });
                ui.horizontal(|ui| {
                    if ui.button("Save file").clicked() {
                        let draft = state.draft.clone();
                        match on_disk(options) {
                            Ok(now) if Some(&now) != state.text.as_ref() => {
                                state.status = Some(Err("the file changed since it was opened here: Revert shows it as it is now (your text is still in the box until then)".into()));
                            }
                            Ok(_) => save(state, options, draft),
                            Err(e) => state.status = Some(Err(e)),
                        }
                    }
                    if ui.button("Revert").clicked() {
                        let now = on_disk(options).unwrap_or_default();
                        state.draft.clone_from(&now);
                        state.text = Some(now);
                        state.status = None;
                    }
                });
            });
            match &state.status {
                Some(Ok(m)) => {
                    ui.label(m);
                }
                Some(Err(e)) => {
                    ui.colored_label(egui::Color32::from_rgb(220, 80, 80), e);
                }
                None => {}
            }
        });
}
