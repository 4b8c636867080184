//! The script manager window over the client's repository manager
//! (`rustirc_core::repo::Manager`, the same actions as `rustirc script …`): installed and
//! available scripts and plugins with search and filters (kind, status), details, and
//! install, uninstall, enable, disable, update, rollback and view source. The actions run on
//! a thread of their own (they download), and a script installed or enabled is loaded into
//! the running client at once; one disabled or removed is unloaded.

use crate::ui::{Act, Options};
use rustirc_core::repo::{Index, Installed, Manager};
use std::path::PathBuf;
use std::sync::mpsc;

/// What a manager action gives back.
struct Done {
    /// What happened, in a line per package.
    message: String,
    installed: Option<Installed>,
    index: Option<Index>,
    /// Load (`true`) or unload (`false`) these scripts in the client.
    scripts: Vec<(PathBuf, bool)>,
}

/// An action of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read what is installed and fetch the index.
    Refresh,
    /// Install the newest version.
    Install(String),
    /// Uninstall.
    Remove(String),
    /// Enable.
    Enable(String),
    /// Disable.
    Disable(String),
    /// Update to the newest version.
    Update(String),
    /// Go back to the previous version.
    Rollback(String),
}

/// Which packages the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every one.
    #[default]
    All,
    /// Installed ones.
    Installed,
    /// Not installed ones.
    Available,
    /// Installed and enabled.
    Enabled,
    /// Installed and disabled.
    Disabled,
}

/// The window's state.
#[derive(Default)]
pub struct ManagerState {
    /// It is shown.
    pub open: bool,
    /// The search words.
    pub query: String,
    /// The kind shown (`mrc`, `lua`, `py`, `native`); empty: every kind.
    pub kind: String,
    /// The status shown.
    pub status: StatusFilter,
    /// What is installed.
    pub installed: Installed,
    /// The repository's index, once fetched.
    pub index: Option<Index>,
    /// The package whose details are shown.
    pub selected: Option<String>,
    /// The last action's outcome.
    pub message: String,
    /// The source of a package being viewed: (title, text).
    pub source: Option<(String, String)>,
    /// The permissions window.
    pub permissions: super::permission::PermissionsWindow,
    running: Option<mpsc::Receiver<Result<Done, String>>>,
    started: bool,
}

/// A row of the list.
struct Row {
    id: String,
    name: String,
    kind: String,
    version: String,
    installed: Option<(String, bool)>,
    description: String,
}

impl ManagerState {
    /// Whether an action is under way.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Starts `action` on a thread of its own.
    pub fn start(&mut self, options: &Options, action: Action) {
        if self.running.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let m = Manager::new(&options.data, options.repository.clone());
        std::thread::spawn(move || {
            let _ = tx.send(run(&m, &action));
        });
        self.running = Some(rx);
        self.message = "Working…".into();
    }

    /// Takes the outcome of a finished action; the scripts to load or unload come back as
    /// acts.
    pub fn poll(&mut self) -> Vec<Act> {
        let Some(rx) = &self.running else {
            return Vec::new();
        };
        let r = match rx.try_recv() {
            Ok(r) => r,
            Err(mpsc::TryRecvError::Empty) => return Vec::new(),
            Err(mpsc::TryRecvError::Disconnected) => Err("the action stopped".into()),
        };
        self.running = None;
        match r {
            Ok(d) => {
                self.message = d.message;
                if let Some(i) = d.installed {
                    self.installed = i;
                }
                if d.index.is_some() {
                    self.index = d.index;
                }
                d.scripts
                    .into_iter()
                    .map(|(p, load)| if load { Act::Load(p) } else { Act::Unload(p) })
                    .collect()
            }
            Err(e) => {
                self.message = e;
                Vec::new()
            }
        }
    }

    fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        if let Some(index) = &self.index {
            let mut ids: Vec<&str> = index.packages.iter().map(|p| p.id.as_str()).collect();
            ids.dedup();
            for id in ids {
                if rows.iter().any(|r| r.id == id) {
                    continue;
                }
                if let Some(p) = index.latest(id) {
                    rows.push(Row {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        kind: p.kind.name().to_string(),
                        version: p.version.clone(),
                        installed: None,
                        description: p.description.clone(),
                    });
                }
            }
        }
        for (id, p) in &self.installed.packages {
            let state = Some((p.version.clone(), p.enabled));
            match rows.iter_mut().find(|r| r.id == *id) {
                Some(r) => r.installed = state,
                None => rows.push(Row {
                    id: id.clone(),
                    name: p.name.clone(),
                    kind: p.kind.name().to_string(),
                    version: p.version.clone(),
                    installed: state,
                    description: String::new(),
                }),
            }
        }
        let words: Vec<String> = self
            .query
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        rows.retain(|r| {
            let hay = format!("{} {} {}", r.id, r.name, r.description).to_lowercase();
            words.iter().all(|w| hay.contains(w))
                && (self.kind.is_empty() || r.kind == self.kind)
                && match self.status {
                    StatusFilter::All => true,
                    StatusFilter::Installed => r.installed.is_some(),
                    StatusFilter::Available => r.installed.is_none(),
                    StatusFilter::Enabled => r.installed.as_ref().is_some_and(|i| i.1),
                    StatusFilter::Disabled => r.installed.as_ref().is_some_and(|i| !i.1),
                }
        });
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        rows
    }
}

/// The main file of installed package `id`.
fn main_of(m: &Manager, inst: &Installed, id: &str) -> Option<PathBuf> {
    let p = inst.packages.get(id)?;
    Some(m.version_dir(id, &p.version).join(&p.main))
}

/// Runs one action (on the manager's thread).
fn run(m: &Manager, action: &Action) -> Result<Done, String> {
    let before = m.installed()?;
    let mut scripts = Vec::new();
    let mut index = None;
    let mut progress = |_: &rustirc_core::repo::Package, _: u64, _: u64| {};
    let message = match action {
        Action::Refresh => {
            let f = m.fetch_index()?;
            index = Some(f.index);
            "Index fetched".to_string()
        }
        Action::Install(id) => {
            let f = m.fetch_index()?;
            let lines = m.install(&f, id, None, false, &mut progress)?;
            index = Some(f.index);
            let after = m.installed()?;
            for id in after
                .packages
                .keys()
                .filter(|k| !before.packages.contains_key(*k))
            {
                if after.packages[id].enabled {
                    scripts.extend(main_of(m, &after, id).map(|p| (p, true)));
                }
            }
            lines.join("\n")
        }
        Action::Update(id) => {
            let f = m.fetch_index()?;
            let old = main_of(m, &before, id);
            let lines = m.update(&f, Some(id), &mut progress)?;
            index = Some(f.index);
            let after = m.installed()?;
            scripts.extend(old.map(|p| (p, false)));
            scripts.extend(main_of(m, &after, id).map(|p| (p, true)));
            lines.join("\n")
        }
        Action::Remove(id) => {
            scripts.extend(main_of(m, &before, id).map(|p| (p, false)));
            m.remove(id, false)?
        }
        Action::Enable(id) => {
            let msg = m.set_enabled(id, true)?;
            scripts.extend(main_of(m, &m.installed()?, id).map(|p| (p, true)));
            msg
        }
        Action::Disable(id) => {
            scripts.extend(main_of(m, &before, id).map(|p| (p, false)));
            m.set_enabled(id, false)?
        }
        Action::Rollback(id) => {
            let old = main_of(m, &before, id);
            let msg = m.rollback(id)?;
            scripts.extend(old.map(|p| (p, false)));
            scripts.extend(main_of(m, &m.installed()?, id).map(|p| (p, true)));
            msg
        }
    };
    Ok(Done {
        message,
        installed: Some(m.installed()?),
        index,
        scripts,
    })
}

/// Draws the manager window (and the permissions window it opens).
pub fn show(
    ctx: &egui::Context,
    st: &mut ManagerState,
    view: &crate::ui::view::View,
    options: &Options,
    acts: &mut Vec<Act>,
) {
    acts.extend(st.poll());
    if st.permissions.open {
        super::permission::window(ctx, &mut st.permissions, view, &options.data, acts);
    }
    if !st.open {
        return;
    }
    if !st.started {
        st.started = true;
        if let Ok(i) = Manager::new(&options.data, options.repository.clone()).installed() {
            st.installed = i;
        }
        if options.repository.url.is_some() {
            st.start(options, Action::Refresh);
        }
    }
    let mut open = true;
    let mut action = None;
    egui::Window::new("Script manager")
        .open(&mut open)
        .default_size([640.0, 460.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("Search:");
                ui.add(
                    egui::TextEdit::singleline(&mut st.query)
                        .id_salt("manager_search")
                        .desired_width(160.0),
                )
                .labelled_by(l.id);
                egui::ComboBox::from_label("Kind")
                    .selected_text(if st.kind.is_empty() {
                        "any"
                    } else {
                        st.kind.as_str()
                    })
                    .show_ui(ui, |ui| {
                        for k in ["", "mrc", "lua", "py", "native"] {
                            ui.selectable_value(
                                &mut st.kind,
                                k.to_string(),
                                if k.is_empty() { "any" } else { k },
                            );
                        }
                    });
                egui::ComboBox::from_label("Status")
                    .selected_text(format!("{:?}", st.status))
                    .show_ui(ui, |ui| {
                        for s in [
                            StatusFilter::All,
                            StatusFilter::Installed,
                            StatusFilter::Available,
                            StatusFilter::Enabled,
                            StatusFilter::Disabled,
                        ] {
                            ui.selectable_value(&mut st.status, s, format!("{s:?}"));
                        }
                    });
                if ui
                    .add_enabled(!st.busy(), egui::Button::new("Refresh"))
                    .clicked()
                {
                    action = Some(Action::Refresh);
                }
                if ui.button("Permissions…").clicked() {
                    st.permissions.open = true;
                }
            });
            if !st.message.is_empty() {
                ui.label(&st.message);
            }
            ui.separator();
            let rows = st.rows();
            ui.columns(2, |cols| {
                egui::ScrollArea::vertical()
                    .id_salt("manager_list")
                    .show(&mut cols[0], |ui| {
                        for r in &rows {
                            let status = match &r.installed {
                                Some((v, true)) => format!("[on] enabled {v}"),
                                Some((v, false)) => format!("[off] disabled {v}"),
                                None => format!("available {}", r.version),
                            };
                            let label = format!("{} [{}] — {status}", r.id, r.kind);
                            if ui
                                .selectable_label(st.selected.as_deref() == Some(&r.id), label)
                                .clicked()
                            {
                                st.selected = Some(r.id.clone());
                            }
                        }
                        if rows.is_empty() {
                            ui.label("Nothing to show.");
                        }
                    });
                let ui = &mut cols[1];
                if let Some(id) = st.selected.clone() {
                    details(ui, st, &id, options, &mut action);
                }
            });
        });
    if let Some(a) = action {
        st.start(options, a);
    }
    if !open {
        st.open = false;
    }
    if let Some((title, text)) = &st.source {
        let mut keep = true;
        egui::Window::new(format!("Source of {title}"))
            .open(&mut keep)
            .show(ctx, |ui| {
                egui::ScrollArea::both().show(ui, |ui| {
                    ui.monospace(text);
                });
            });
        if !keep {
            st.source = None;
        }
    }
}

/// The details of package `id` and its actions.
fn details(
    ui: &mut egui::Ui,
    st: &mut ManagerState,
    id: &str,
    options: &Options,
    action: &mut Option<Action>,
) {
    let latest = st.index.as_ref().and_then(|i| i.latest(id)).cloned();
    let inst = st.installed.packages.get(id).cloned();
    ui.heading(id);
    let (name, version, author, description, perms, deps) = match (&latest, &inst) {
        (_, Some(p)) => (
            p.name.clone(),
            p.version.clone(),
            latest
                .as_ref()
                .map(|l| l.author.clone())
                .unwrap_or_default(),
            latest
                .as_ref()
                .map(|l| l.description.clone())
                .unwrap_or_default(),
            p.permissions.clone(),
            p.dependencies.clone(),
        ),
        (Some(l), None) => (
            l.name.clone(),
            l.version.clone(),
            l.author.clone(),
            l.description.clone(),
            l.permissions.clone(),
            l.dependencies.clone(),
        ),
        (None, None) => Default::default(),
    };
    egui::Grid::new("manager_details").show(ui, |ui| {
        for (k, v) in [
            ("Name", name),
            ("Version", version),
            ("Author", author),
            ("Description", description),
            ("Permissions", perms.join(", ")),
            (
                "Dependencies",
                deps.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ] {
            ui.label(k);
            ui.label(v);
            ui.end_row();
        }
        if let Some(newer) = latest
            .as_ref()
            .filter(|l| inst.as_ref().is_some_and(|i| i.version != l.version))
        {
            ui.label("Update");
            ui.label(format!("{} available", newer.version));
            ui.end_row();
        }
    });
    let busy = st.busy();
    ui.horizontal_wrapped(|ui| {
        let mut b = |ui: &mut egui::Ui, label: &str, a: Action| {
            if ui.add_enabled(!busy, egui::Button::new(label)).clicked() {
                *action = Some(a);
            }
        };
        match &inst {
            None => b(ui, "Install", Action::Install(id.to_string())),
            Some(p) => {
                b(ui, "Uninstall", Action::Remove(id.to_string()));
                if p.enabled {
                    b(ui, "Disable", Action::Disable(id.to_string()));
                } else {
                    b(ui, "Enable", Action::Enable(id.to_string()));
                }
                b(ui, "Update", Action::Update(id.to_string()));
                if p.previous.is_some() {
                    b(ui, "Rollback", Action::Rollback(id.to_string()));
                }
            }
        }
    });
    if let Some(p) = &inst {
        ui.horizontal(|ui| {
            if ui.button("View source").clicked() {
                let m = Manager::new(&options.data, options.repository.clone());
                let path = m.version_dir(id, &p.version).join(&p.main);
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| format!("cannot read {}: {e}", path.display()));
                st.source = Some((id.to_string(), text));
            }
            if ui.button("Configure permissions").clicked() {
                st.permissions.open = true;
            }
        });
    }
}
