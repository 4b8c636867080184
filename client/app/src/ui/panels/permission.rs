//! Permission prompts (grant once, always, or deny) for what a script tried and was not
//! allowed, and the permissions window: the kept answers per script, reset, and the audit log.

use crate::ui::view::View;
use crate::ui::Act;
use rustirc_core::permissions::Decision;
use std::path::Path;

/// Draws one prompt window per waiting request.
pub fn show(ctx: &egui::Context, view: &View, acts: &mut Vec<Act>) {
    for (i, r) in view.permission_requests.iter().enumerate() {
        egui::Window::new(format!("Permission for {}", r.script))
            .id(egui::Id::unique(("permission_prompt", i)))
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(format!(
                    "The script {} ({}) tried to {}.",
                    r.script, r.file, r.attempt
                ));
                ui.label(format!("It needs the permission: {}", r.permission));
                ui.horizontal(|ui| {
                    for (label, decision) in [
                        ("Grant once", Decision::Once),
                        ("Grant always", Decision::Always),
                        ("Deny", Decision::Deny),
                    ] {
                        if ui.button(label).clicked() {
                            acts.push(Act::Decide {
                                script: r.script.clone(),
                                permission: r.permission.clone(),
                                decision,
                            });
                        }
                    }
                });
            });
    }
}

/// The permissions window's state.
#[derive(Default)]
pub struct PermissionsWindow {
    /// It is shown.
    pub open: bool,
    /// The audit log as last read.
    pub audit: Vec<String>,
}

/// Draws the permissions window: per script, what is granted and denied, with a reset; then
/// the audit log (read from the data folder's `audit.log`).
pub fn window(
    ctx: &egui::Context,
    st: &mut PermissionsWindow,
    view: &View,
    data: &Path,
    acts: &mut Vec<Act>,
) {
    let mut open = st.open;
    egui::Window::new("Permissions")
        .open(&mut open)
        .default_size([520.0, 400.0])
        .show(ctx, |ui| {
            if view.snap.decisions.is_empty() {
                ui.label("No answers are kept.");
            }
            egui::Grid::new("perm_grid").striped(true).show(ui, |ui| {
                for (name, always, denied) in &view.snap.decisions {
                    ui.strong(name);
                    ui.label(format!("granted: {}", join(always)));
                    ui.label(format!("denied: {}", join(denied)));
                    if ui.button("Reset").clicked() {
                        acts.push(Act::ResetPermissions(Some(name.clone())));
                    }
                    ui.end_row();
                }
            });
            if ui.button("Reset every script").clicked() {
                acts.push(Act::ResetPermissions(None));
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong("Audit log");
                if ui.button("Refresh").clicked() || st.audit.is_empty() {
                    let path = data.join(rustirc_core::permissions::AUDIT_FILE);
                    st.audit = std::fs::read_to_string(path)
                        .map(|t| t.lines().map(str::to_string).collect())
                        .unwrap_or_default();
                }
            });
            egui::ScrollArea::vertical()
                .id_salt("audit_scroll")
                .show(ui, |ui| {
                    for l in st.audit.iter().rev().take(500) {
                        ui.monospace(l);
                    }
                });
        });
    st.open = open;
}

fn join(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}
