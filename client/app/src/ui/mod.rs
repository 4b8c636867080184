//! The desktop window (eframe, glow renderer): a view over the client running on its own
//! thread ([`bridge`]). Each frame drains the core's updates into the [`View`], draws the
//! panels (one per file in [`panels`]), and sends what the user asked for ([`Act`]) back to
//! the core as commands. Nothing here decides anything about IRC or scripts.
//!
//! [`App`] builds without `eframe::run_native`, so tests drive it through `egui_kittest`.

pub mod alerts;
pub mod bridge;
pub mod mirc;
pub mod panels;
pub mod screenshot;
pub mod view;

use bridge::{Core, Setup, Update};
use panels::editor::EditorState;
use panels::input::InputState;
use panels::manager::ManagerState;
use rustirc_core::permissions::Decision;
use std::path::PathBuf;
use view::{Key, View};

/// What the user asked for in a panel, carried out by [`App`] after the panels are drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Act {
    /// Show this buffer.
    Select(Key),
    /// A line typed into the input line of buffer (cid, window name).
    Type {
        /// The connection.
        cid: u32,
        /// The window's name.
        window: String,
        /// The line.
        text: String,
    },
    /// Tab in the input line: complete the word before `cursor`.
    Complete {
        /// The connection.
        cid: u32,
        /// The window's name.
        window: String,
        /// The line.
        line: String,
        /// The cursor (byte offset).
        cursor: usize,
    },
    /// Apply (load or reload) the script `file` with this text.
    Apply {
        /// The file.
        file: PathBuf,
        /// Its text.
        text: String,
    },
    /// Check the text of an editor tab (its title names the language).
    Check {
        /// The tab's title.
        file: String,
        /// Its text.
        text: String,
    },
    /// Answer a permission request.
    Decide {
        /// The script.
        script: String,
        /// The permission.
        permission: String,
        /// The answer.
        decision: Decision,
    },
    /// Connect to a server (the connect dialog).
    Connect {
        /// `host:port` (`host:+port` for TLS).
        server: String,
        /// The nick.
        nick: String,
        /// Channels to join, separated by commas.
        channels: String,
    },
    /// Load the script at this path into the client (the manager installed or enabled it).
    Load(PathBuf),
    /// Unload the script at this path (the manager disabled or removed it).
    Unload(PathBuf),
    /// Forget the kept permission answers of this script (`None`: of every script).
    ResetPermissions(Option<String>),
    /// Run a command line on connection `cid` (menus, the nick list's context menu).
    Command {
        /// The connection.
        cid: u32,
        /// The command.
        line: String,
    },
    /// Something the user did in the script dialog `name`.
    Dialog {
        /// The dialog's name.
        name: String,
        /// What they did.
        action: panels::dialogs::DialogAction,
    },
    /// A popup menu opened: evaluate its items.
    OpenMenu(panels::popup::MenuKey),
    /// The user picked item `id` of the popup menu open on connection `cid`.
    MenuPick {
        /// The connection.
        cid: u32,
        /// The item.
        id: u64,
    },
    /// A function key (`F1`, `sF1`, `cF1`) was pressed with buffer `window` of `cid` shown.
    FunctionKey {
        /// The connection.
        cid: u32,
        /// The window shown.
        window: String,
        /// The key.
        key: String,
    },
    /// A click on line `line` (0-based) of custom window `window`'s list box (of its text
    /// when it has none): it is selected, and the window's `event` menu item (`lbclick`,
    /// `sclick`, `dclick`) runs.
    WindowClick {
        /// The connection.
        cid: u32,
        /// The window.
        window: String,
        /// The line.
        line: usize,
        /// `lbclick`, `sclick` or `dclick`.
        event: String,
    },
    /// Copy what an import found into the data folder and load it.
    ImportLoad(Box<rustirc_core::import::ImportReport>),
}

/// Where the window keeps its things and what it starts with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The data folder.
    pub data: PathBuf,
    /// The config file (the connect dialog adds networks to it); `None`: not saved.
    pub config_file: Option<PathBuf>,
    /// The repository settings for the manager window.
    pub repository: rustirc_core::repo::RepositorySettings,
    /// How the window calls for attention (the options dialog changes them).
    pub alerts: rustirc_core::settings::AlertSettings,
}

/// The window.
pub struct App {
    /// The client, on its own thread.
    pub core: Core,
    /// What the window shows.
    pub view: View,
    /// The input line.
    pub input: InputState,
    /// The script editor pane.
    pub editor: EditorState,
    /// The script manager window.
    pub manager: ManagerState,
    /// The connect dialog.
    pub connect: panels::connect::ConnectState,
    /// The options dialog.
    pub options_open: bool,
    /// What the options dialog is editing.
    pub options_edit: panels::options::OptionsState,
    /// The scrollback search.
    pub search: panels::buffer::SearchState,
    /// The popup menu open now.
    pub popup: panels::popup::MenuState,
    /// The import window.
    pub import: panels::import::ImportState,
    /// Carries out desktop notifications and sounds.
    pub signaller: alerts::Signaller,
    /// The window's title (`/titlebar` changes it).
    pub title: String,
    /// The mouse as it is this frame, handed to the client with each click (`$mouse`).
    mouse: rustirc_core::client::Mouse,
    /// Highlights and private messages waiting to be notified.
    notices: Vec<(String, String)>,
    /// When the last notification was shown.
    last_notice: Option<std::time::Instant>,
    /// Where things are.
    pub options: Options,
    /// Why the core thread ended, once it has.
    pub ended: Option<String>,
    /// `--screenshot FILE`: where to save a picture of the window, and when to take it.
    pub screenshot: Option<(PathBuf, std::time::Instant)>,
    /// The open script dialogs' typing and tabs.
    pub dialogs: panels::dialogs::DialogsState,
    /// The scripts' questions (`$?`) waiting for an answer.
    pub prompts: panels::prompt::PromptState,
    acts: Vec<Act>,
}

impl App {
    /// A window over a client that `setup` builds on the core thread. `repaint` is the egui
    /// context the core wakes when there is news (`None` in tests, which step the frames).
    pub fn new(setup: Setup, options: Options, repaint: Option<egui::Context>) -> App {
        App {
            core: Core::start(setup, repaint),
            view: View::new(),
            input: InputState::default(),
            editor: EditorState::new(&options.data),
            manager: ManagerState::default(),
            connect: panels::connect::ConnectState::default(),
            options_open: false,
            options_edit: panels::options::OptionsState::default(),
            search: panels::buffer::SearchState::default(),
            popup: panels::popup::MenuState::default(),
            import: panels::import::ImportState::default(),
            signaller: alerts::desktop(),
            title: "RustIRC".to_string(),
            notices: Vec::new(),
            mouse: rustirc_core::client::Mouse::default(),
            last_notice: None,
            options,
            ended: None,
            screenshot: None,
            dialogs: panels::dialogs::DialogsState::default(),
            prompts: panels::prompt::PromptState::default(),
            acts: Vec::new(),
        }
    }

    /// Takes what the core thread sent since the last frame.
    pub fn logic(&mut self) {
        for u in self.core.drain() {
            match u {
                Update::Output { cid, outbox, at_ms } => {
                    self.editor.note_output(&outbox);
                    self.view.apply_output(cid, outbox, at_ms);
                }
                Update::State(s) => self.view.apply_snapshot(*s),
                Update::Completion {
                    window,
                    line,
                    completion,
                } => self.input.completed(&window, &line, completion),
                Update::Applied { file, result } => self.editor.applied(&file, result),
                Update::Checked {
                    file,
                    text,
                    diagnostics,
                } => self.editor.checked(&file, &text, diagnostics),
                Update::Menu { key, items } => self.popup.answered(&key, items),
                Update::Imported(r) => self.import.loaded(r),
                Update::Ended(why) => self.ended = Some(why),
            }
        }
        self.prompts.arrived(self.core.prompts());
    }

    /// Draws the whole window into `ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.logic();
        self.mouse = ui.ctx().input(|i| {
            let at = i.pointer.latest_pos().unwrap_or_default();
            let m = i.modifiers;
            // A click has just happened when its act is carried out: the left button counts
            // as down, as it is in mIRC while the click's code runs.
            let key = 1
                | if m.ctrl || m.command { 2 } else { 0 }
                | if m.shift { 4 } else { 0 }
                | if m.alt { 8 } else { 0 }
                | if i.pointer.secondary_down() { 16 } else { 0 };
            rustirc_core::client::Mouse {
                x: at.x as i64,
                y: at.y as i64,
                key,
                window: self
                    .view
                    .active_buffer()
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                list_line: 0,
            }
        });
        let acts = &mut self.acts;
        panels::menu::show(
            ui,
            panels::menu::Menus {
                editor: &mut self.editor,
                manager: &mut self.manager,
                connect: &mut self.connect,
                options_open: &mut self.options_open,
                import: &mut self.import,
                popup: &mut self.popup,
                core: &self.core,
                prompts: &mut self.prompts,
                cid: self.view.active.0,
            },
            acts,
        );
        panels::status::show(ui, &self.view, self.ended.as_deref());
        if self.editor.open {
            panels::editor::show(ui, &mut self.editor, acts);
        }
        panels::tree::show(ui, &self.view, acts);
        panels::nicklist::show(ui, &self.view, &mut self.popup, acts);
        panels::topic::show(ui, &self.view);
        panels::input::show(ui, &self.view, &mut self.input, acts);
        let cid = self.view.active.0;
        let popup = &mut self.popup;
        egui::CentralPanel::default().show(ui, |ui| {
            for chan in panels::buffer::show(ui, &self.view, &mut self.search, popup, acts) {
                acts.push(Act::Command {
                    cid,
                    line: format!("/join {chan}"),
                });
            }
        });
        panels::permission::show(ui.ctx(), &self.view, acts);
        panels::dialogs::show(ui.ctx(), &self.view.snap.dialogs, &mut self.dialogs, acts);
        panels::prompt::show(ui.ctx(), &mut self.prompts);
        panels::manager::show(ui.ctx(), &mut self.manager, &self.view, &self.options, acts);
        panels::connect::show(ui.ctx(), &mut self.connect, &self.options, acts);
        panels::options::show(
            ui.ctx(),
            &mut self.options_open,
            &mut self.options_edit,
            &mut self.options,
        );
        panels::import::show(ui.ctx(), &mut self.import, acts);
        self.popup.end_frame();
        self.function_keys(ui.ctx());
        self.call_attention(ui.ctx());
        if self.view.flash {
            self.view.flash = false;
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::RequestUserAttention(
                    egui::UserAttentionType::Informational,
                ));
        }
        let acts = std::mem::take(&mut self.acts);
        for a in acts {
            self.act(a);
        }
        self.take_screenshot(ui.ctx());
    }

    /// Highlights and private messages that arrived while the window was not in front
    /// become desktop notifications and sounds, as the `[alerts]` settings say; `/beep`
    /// plays the bell.
    fn call_attention(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| i.focused);
        let arrived = std::mem::take(&mut self.view.notices);
        if !focused {
            self.notices.extend(arrived);
            self.notices.truncate(50);
        }
        // One notification every two seconds at most: what arrives meanwhile is gathered
        // into the next one.
        let due = self
            .last_notice
            .is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(2));
        if !due && !self.notices.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        }
        let notices = if due {
            std::mem::take(&mut self.notices)
        } else {
            Vec::new()
        };
        let alerts = &self.options.alerts;
        if !notices.is_empty() {
            self.last_notice = Some(std::time::Instant::now());
            if alerts.desktop() {
                let (title, text) = match &notices[..] {
                    [(title, text)] => (title.clone(), text.clone()),
                    many => (
                        format!("{} new messages", many.len()),
                        many.iter()
                            .take(5)
                            .map(|(w, t)| format!("{w}: {t}"))
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                };
                (self.signaller)(&alerts::Signal::Notify { title, text });
            }
            if alerts.sound() {
                let file = alerts
                    .sound_file
                    .as_ref()
                    .map(|f| self.options.data.join(f));
                (self.signaller)(&alerts::Signal::Sound(file));
            }
        }
        // What scripts asked for with the `ui` permission: always carried out.
        for s in std::mem::take(&mut self.view.signals) {
            (self.signaller)(&s);
        }
        if let Some(t) = self.view.title.take() {
            let title = if t.is_empty() {
                "RustIRC".to_string()
            } else {
                format!("RustIRC - {}", crate::ui::mirc::strip(&t))
            };
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        // A few beeps at most, however many a script asked for.
        for _ in 0..std::mem::take(&mut self.view.beeps).min(3) {
            (self.signaller)(&alerts::Signal::Sound(None));
        }
    }

    /// F1 to F12 (with Shift or Ctrl) run the scripts' `alias F1`, `alias sF1`, `alias cF1`.
    fn function_keys(&mut self, ctx: &egui::Context) {
        const KEYS: [egui::Key; 12] = [
            egui::Key::F1,
            egui::Key::F2,
            egui::Key::F3,
            egui::Key::F4,
            egui::Key::F5,
            egui::Key::F6,
            egui::Key::F7,
            egui::Key::F8,
            egui::Key::F9,
            egui::Key::F10,
            egui::Key::F11,
            egui::Key::F12,
        ];
        let pressed: Vec<String> = ctx.input(|i| {
            KEYS.iter()
                .enumerate()
                .filter(|(_, k)| i.key_pressed(**k))
                .map(|(n, _)| {
                    let prefix = if i.modifiers.shift {
                        "s"
                    } else if i.modifiers.command || i.modifiers.ctrl {
                        "c"
                    } else {
                        ""
                    };
                    format!("{prefix}F{}", n + 1)
                })
                .collect()
        });
        let (cid, window) = self.view.active.clone();
        for key in pressed {
            self.act(Act::FunctionKey {
                cid,
                window: window.clone(),
                key,
            });
        }
    }

    /// `--screenshot`: once the time has come, asks for a picture of the next frame; the
    /// callback saves it and closes the window.
    fn take_screenshot(&mut self, ctx: &egui::Context) {
        let Some((_, when)) = &self.screenshot else {
            return;
        };
        if std::time::Instant::now() < *when {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        }
        let Some((path, _)) = self.screenshot.take() else {
            return;
        };
        let c = ctx.clone();
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
            egui::ScreenshotCallback::new(move |image| {
                if let Err(e) = screenshot::save(&image, &path) {
                    eprintln!("rustirc: {}: {e}", path.display());
                }
                c.send_viewport_cmd(egui::ViewportCommand::Close);
                c.request_repaint();
            }),
        ));
        ctx.request_repaint();
    }
    /// Carries out one thing the user asked for.
    fn act(&mut self, a: Act) {
        match a {
            Act::Select(key) => self.view.select(key),
            Act::Type { cid, window, text } => {
                self.core.call(move |c| {
                    c.select(cid);
                    c.type_line(&window, &text);
                    None
                });
            }
            Act::Complete {
                cid,
                window,
                line,
                cursor,
            } => self.core.call(move |c| {
                c.select(cid);
                let completion = c.complete(&window, &line, cursor);
                Some(Update::Completion {
                    window,
                    line,
                    completion,
                })
            }),
            Act::Apply { file, text } => {
                if let Err(e) = std::fs::write(&file, &text) {
                    self.editor
                        .log_error(&format!("cannot save {}: {e}", file.display()));
                    return;
                }
                let name = file.display().to_string();
                self.core.call(move |c| {
                    let result = match c.apply_script(&name, &text) {
                        Ok(applied) => {
                            if let rustirc_core::client::Applied::Replaced(_) = applied {
                                c.out
                                    .shown
                                    .push(("status".into(), format!("* Reloaded script '{name}'")));
                            }
                            Ok(c.diagnostics(&name, &text))
                        }
                        Err(errors) => Err(errors),
                    };
                    Some(Update::Applied { file: name, result })
                });
            }
            Act::Check { file, text } => self.core.call(move |c| {
                let diagnostics = c.diagnostics(&file, &text);
                Some(Update::Checked {
                    file,
                    text,
                    diagnostics,
                })
            }),
            Act::Decide {
                script,
                permission,
                decision,
            } => {
                self.view
                    .permission_requests
                    .retain(|r| !(r.script == script && r.permission == permission));
                self.core.call(move |c| {
                    if let Err(e) = c.decide(&script, &permission, decision) {
                        c.out.shown.push(("status".into(), format!("* {e}")));
                    }
                    None
                });
            }
            Act::Connect {
                server,
                nick,
                channels,
            } => {
                if let Err(e) = panels::connect::save(&self.options, &server, &nick, &channels) {
                    self.connect.error = Some(e);
                }
                self.core.call(move |c| {
                    let chans: Vec<&str> = channels
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .collect();
                    if c.net.is_connected() {
                        // A connection of its own, joining the channels once registered.
                        let joins = if chans.is_empty() {
                            String::new()
                        } else {
                            format!(" -j {}", chans.join(","))
                        };
                        c.run_command(&format!("/server -m {server}{joins}"));
                    } else {
                        c.net.set_nick(&nick);
                        for chan in chans {
                            c.input(rustirc_core::state::Input::Intent(
                                rustirc_core::state::Intent::Join {
                                    channel: chan.to_string(),
                                    key: None,
                                },
                            ));
                        }
                        c.run_command(&format!("/server {server}"));
                    }
                    None
                });
            }
            Act::Load(path) => {
                self.core.call(move |c| {
                    match std::fs::read(&path) {
                        Ok(b) => {
                            c.load_script(&path.display().to_string(), &b);
                        }
                        Err(e) => c
                            .out
                            .shown
                            .push(("status".into(), format!("* {}: {e}", path.display()))),
                    }
                    None
                });
            }
            Act::Unload(path) => {
                let name = path.display().to_string();
                self.core.call(move |c| {
                    if c.scripts.iter().any(|(_, f)| *f == name) {
                        c.run_command(&format!("/unload -rs \"{name}\""));
                    }
                    None
                });
            }
            Act::ResetPermissions(name) => self.core.call(move |c| {
                if let Err(e) = c.permissions.reset(name.as_deref()) {
                    c.out.shown.push(("status".into(), format!("* {e}")));
                }
                None
            }),
            Act::Command { cid, line } => self.core.call(move |c| {
                c.select(cid);
                c.run_command(&line);
                None
            }),
            Act::Dialog { name, action } => {
                let mut mouse = self.mouse.clone();
                mouse.window.clone_from(&name);
                self.core.call(move |c| {
                    c.set_mouse(mouse);
                    if let Err(e) = action.apply(c, &name) {
                        c.out.shown.push(("status".into(), format!("* {e}")));
                    }
                    None
                });
            }
            Act::OpenMenu(key) => self.core.call(move |c| {
                c.select(key.cid);
                let selected: Vec<&str> = key.selected.iter().map(String::as_str).collect();
                let items = c.menu(&key.context, &key.window, &selected);
                Some(Update::Menu { key, items })
            }),
            Act::MenuPick { cid, id } => {
                let mouse = self.mouse.clone();
                self.core.call(move |c| {
                    c.select(cid);
                    c.set_mouse(mouse);
                    if let Err(e) = c.menu_select(id) {
                        c.out.shown.push(("status".into(), format!("* {e}")));
                    }
                    None
                });
            }
            Act::FunctionKey { cid, window, key } => {
                // The window's name as shown (the view keys buffers by the folded name).
                let window = self
                    .view
                    .buffers
                    .get(&(cid, window.clone()))
                    .map_or(window, |b| b.name.clone());
                self.core.call(move |c| {
                    c.select(cid);
                    let before = std::mem::replace(&mut c.active, window.clone());
                    // A key without an alias does nothing.
                    let _ = c.function_key(&key);
                    if c.active == window {
                        c.active = before;
                    }
                    None
                });
            }
            Act::WindowClick {
                cid,
                window,
                line,
                event,
            } => {
                self.view.buffer_mut(cid, &window).selected = vec![line];
                let mut mouse = self.mouse.clone();
                mouse.window.clone_from(&window);
                if event == "lbclick" {
                    mouse.list_line = line + 1;
                }
                self.core.call(move |c| {
                    c.select(cid);
                    c.set_mouse(mouse);
                    let r = c
                        .window_select(&window, &[line])
                        .and_then(|()| c.window_click(&window, &event));
                    if let Err(e) = r {
                        c.out.shown.push(("status".into(), format!("* {e}")));
                    }
                    None
                });
            }
            Act::ImportLoad(report) => self.core.call(move |c| {
                // `loading` is set by the window until this answer arrives.
                let r = c.load_import(&report);
                if let Err(e) = &r {
                    c.out
                        .shown
                        .push(("status".into(), format!("* import: {e}")));
                }
                Some(Update::Imported(r))
            }),
        }
    }
}

impl Drop for App {
    /// A script waiting in `$?` gets no answer (`$null`) rather than holding up the client's
    /// shutdown until its time limit.
    fn drop(&mut self) {
        self.prompts = panels::prompt::PromptState::default();
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }
}

/// What to do as the window opens.
#[derive(Clone, Debug, Default)]
pub struct Opening {
    /// Scripts to open in the editor pane (`--open FILE`).
    pub open: Vec<PathBuf>,
    /// `--screenshot FILE`: save a picture of the window after a few seconds, then close.
    pub screenshot: Option<PathBuf>,
    /// `--import PATH`: open the import window with the report of PATH (a script file or a
    /// mIRC folder; several separated by `;`).
    pub import: Option<String>,
}

/// `rustirc` with no arguments: opens the window. Returns the exit code.
pub fn run(setup: Setup, options: Options, opening: Opening) -> i32 {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("RustIRC")
            .with_inner_size([1200.0, 760.0]),
        renderer: eframe::Renderer::Glow,
        ..eframe::NativeOptions::default()
    };
    let r = eframe::run_native(
        "RustIRC",
        native,
        Box::new(move |cc| {
            let mut app = App::new(setup, options, Some(cc.egui_ctx.clone()));
            for f in &opening.open {
                if let Err(e) = app.editor.open_file(f) {
                    eprintln!("rustirc: {e}");
                }
            }
            if let Some(p) = opening.import {
                app.import.open = true;
                app.import.path = p;
                app.import.check();
            }
            app.screenshot = opening.screenshot.map(|p| {
                (
                    p,
                    std::time::Instant::now() + std::time::Duration::from_secs(4),
                )
            });
            Ok(Box::new(app))
        }),
    );
    match r {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("rustirc: cannot open the window: {e}");
            1
        }
    }
}
