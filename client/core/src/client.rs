//! One client session without I/O: a [`Network`] state machine per connection, the
//! [`EventTable`], the mSL engine, the windows' text and the timers, driven by received lines,
//! typed input and clock ticks. The headless bot, the desktop app and `rustirc replay` all drive this same type;
//! only where lines come from and where they go differs.
//!
//! Every received line becomes [`Event`]s; each event runs its `^` handlers, then the default
//! display unless halted, then the other handlers. Scripts reach IRC through
//! [`ScriptHost`], which turns `/msg`, `/join` … into network intents and answers `$nick`,
//! `$chan` … from the event and the network state.

use crate::events::{EngineId, EventCtx, EventTable, Outcome, Phase, Place};
use crate::host::engine::{CommandEntry, ScriptEngine};
use crate::host::msl::MslEngine;
use crate::permissions::Permissions;
use crate::persist::{parse_vars, vars_text, write_atomic};
use crate::proto::{Ctcp, Message, Prefix};
use crate::sockets::Sockets;
use crate::state::{Config, Effect, Event, Input, Intent, Network};
use crate::users::{self, UserList};
use rustirc_lang::wild::wildmatch;
use rustirc_lang::{Host, Limits, LoadReport, Relay, RunError, Value};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::rc::Rc;

mod commands;
mod complete;
mod conns;
mod custom;
mod dcc;
mod desktop;
mod dialogs;
mod dns;
mod editor;
mod engines;
mod extras;
mod fserve;
mod idents;
mod lifecycle;
mod menus;
mod modes;
mod parseline;
mod perms;
mod prompt;
mod screen;
mod scripts;
mod sock;
pub mod stats;
mod watch;
mod windows;

/// Every identifier the script host answers (without `$`), beyond the language's own
/// (`rustirc_lang::names`): what [`ScriptHost`]'s `identifier` and the modules it delegates to
/// match. `client/core/tests/script_names.rs` checks that each is answered and that no other
/// mIRC identifier is.
pub const HOST_IDENTIFIERS: &[&str] = &[
    "?",
    "active",
    "activecid",
    "address",
    "anick",
    "away",
    "awaymsg",
    "awaytime",
    "banmask",
    "bnick",
    "cd",
    "chan",
    "chanmodes",
    "chat",
    "chantypes",
    "cid",
    "comchan",
    "dccport",
    "devent",
    "dialog",
    "did",
    "dname",
    "dns",
    "event",
    "filename",
    "fserv",
    "fulladdress",
    "get",
    "hnick",
    "iaddress",
    "ial",
    "ialchan",
    "idle",
    "ignore",
    "input",
    "knick",
    "level",
    "line",
    "ltimer",
    "me",
    "modespl",
    "mouse",
    "msgtags",
    "naddress",
    "network",
    "newnick",
    "nick",
    "nickmode",
    "notify",
    "numeric",
    "online",
    "opnick",
    "parseline",
    "parsetype",
    "parseutf",
    "port",
    "prefix",
    "query",
    "raddress",
    "rawmsg",
    "scid",
    "scon",
    "send",
    "server",
    "servertarget",
    "signal",
    "sline",
    "site",
    "snicks",
    "sock",
    "sockbr",
    "sockerr",
    "sockname",
    "status",
    "target",
    "timer",
    "titlebar",
    "ulist",
    "uptime",
    "usermode",
    "vnick",
    "wildsite",
    "window",
];

/// Every command the script host runs (without `/`), beyond the language's own: what
/// [`ScriptHost`]'s `command` and the modules it delegates to match. `timer` stands for
/// `/timerNAME` too.
pub const HOST_COMMANDS: &[&str] = &[
    "action",
    "aline",
    "ame",
    "amsg",
    "auser",
    "away",
    "ban",
    "beep",
    "clear",
    "close",
    "ctcp",
    "ctcpreply",
    "dcc",
    "dccserver",
    "deop",
    "dialog",
    "did",
    "describe",
    "devoice",
    "disable",
    "disconnect",
    "dline",
    "dns",
    "dop",
    "enable",
    "exit",
    "flash",
    "fserve",
    "guser",
    "help",
    "hop",
    "ignore",
    "iline",
    "invite",
    "j",
    "join",
    "kick",
    "list",
    "load",
    "markline",
    "me",
    "mode",
    "msg",
    "names",
    "nick",
    "notice",
    "notify",
    "op",
    "parseline",
    "part",
    "privmsg",
    "query",
    "quit",
    "quote",
    "raw",
    "reload",
    "rline",
    "run",
    "ruser",
    "say",
    "scripts",
    "server",
    "signal",
    "sline",
    "sockaccept",
    "sockclose",
    "socklisten",
    "sockmark",
    "sockopen",
    "sockpause",
    "sockread",
    "sockrename",
    "sockudp",
    "sockwrite",
    "splay",
    "timer",
    "timers",
    "tip",
    "titlebar",
    "topic",
    "unload",
    "voice",
    "wallops",
    "who",
    "whois",
    "window",
];

pub use complete::Completion;
pub use conns::Connect;
pub use custom::{CustomWindow, WindowEvent, WindowState};
pub use dialogs::{Control, ControlKind, DialogModel};
pub use editor::Applied;
pub use engines::ENGINE_SCRIPTS_FROM;
pub use extras::Extras;
pub use menus::{MenuItem, Mouse};
pub use prompt::{channel_prompter, Prompt, PromptKind, PromptRequest, Prompter};
pub use stats::ScriptStats;

/// What the client has sent and shown, in order.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// Lines written to the server.
    pub sent: Vec<String>,
    /// Lines shown, as `(window, text)`; `status` is the status window.
    pub shown: Vec<(String, String)>,
    /// The connection is to be closed, and why (`/disconnect`, a ping timeout); the network
    /// layer closes it and reports [`Input::Disconnected`].
    pub disconnect: Option<String>,
    /// `/exit`: the client is to quit; the network layer closes the connections and calls
    /// [`Client::exit`].
    pub exit: bool,
    /// Indices in `shown` of the lines marked as highlights (`/markline`), in order.
    pub marked: Vec<usize>,
    /// `/beep` and `/flash` requests, in order.
    pub alerts: Vec<Alert>,
    /// Permissions scripts lacked, for the GUI to ask the user about (answered with
    /// [`Client::decide`]); the attempt itself has already failed.
    pub permission_requests: Vec<crate::permissions::PermissionRequest>,
    /// Changes to windows (custom windows opened, lines added, windows cleared …), in
    /// order, for a GUI to apply ([`Client::take_window_events`]).
    pub windows: Vec<WindowEvent>,
}

/// A request for the user's attention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// `/beep N`: the sound alert, N times.
    Beep(u32),
    /// `/flash window text`: the window flashes, with this text.
    Flash {
        /// The window.
        window: String,
        /// The text (may be empty).
        text: String,
    },
    /// `/titlebar TEXT`: the text after the client's name in the window's title.
    Titlebar(String),
    /// `/splay FILE`: play this sound file (resolved to an absolute path).
    Sound(std::path::PathBuf),
    /// `/tip`: a desktop notification.
    Notify {
        /// The notification's title: the script's manifest name (`RustIRC` for the user's
        /// own `/tip`), or `-t TITLE`.
        title: String,
        /// Its text.
        text: String,
    },
}

impl Timer {
    /// The request to stop timer `name` (`reps` of `u64::MAX` marks it), applied with the
    /// pending timers.
    fn cancel(name: String, cid: u32) -> Timer {
        Timer {
            name,
            reps: u64::MAX,
            interval_ms: 0,
            millis: false,
            hires: false,
            offline: false,
            paused: None,
            due: 0,
            command: String::new(),
            cid,
            owner: None,
            callback: None,
        }
    }
}

impl Outbox {
    fn show(&mut self, window: &str, text: String) {
        self.shown.push((window.to_string(), text));
    }
}

/// A `/timer`.
#[derive(Clone, Debug)]
struct Timer {
    name: String,
    /// Repetitions left; 0 repeats forever.
    reps: u64,
    interval_ms: u64,
    /// The interval was given in milliseconds (`-m`, `-h`).
    millis: bool,
    /// `-h`: a high-resolution timer (`.mmt`); it runs like a `-m` one.
    hires: bool,
    /// `-o`, or made while not connected: it keeps running across a disconnect; other
    /// timers stop when their connection closes.
    offline: bool,
    /// `-p`: paused, with this many ms left until it fires; `-r` resumes it.
    paused: Option<u64>,
    due: u64,
    command: String,
    /// The connection it runs on (`$cid` of its command).
    cid: u32,
    /// The script that made it (its command runs as that script); `None`: the user.
    owner: Option<u32>,
    /// A script engine's callback (engine, handle) to call instead of running `command`.
    callback: Option<(EngineId, u64)>,
}

/// The identifiers an event fills (`$nick`, `$chan`, `$1-` …).
#[derive(Clone, Debug, Default)]
pub struct EventInfo {
    /// Upper-case event name.
    pub name: String,
    /// `raw` numeric/command, `signal` name.
    pub key: Option<String>,
    /// `$1-` and the match subject.
    pub text: String,
    /// `$nick` and its address.
    pub from: Option<Prefix>,
    /// `$chan`.
    pub chan: Option<String>,
    /// `$target`.
    pub target: Option<String>,
    /// `$knick`, `$newnick`, `$opnick`…
    pub other_nick: Option<String>,
    /// `$rawmsg`.
    pub raw: Option<String>,
    /// What match texts are tested against when it is not `text` (a signal's name).
    pub subject: Option<String>,
    /// `$banmask` of BAN and UNBAN (the user list is searched with it for the level field).
    pub banmask: Option<String>,
    /// QUIT: the channels shared with the nick before it quit, which `$comchan($nick, N)`
    /// gives while the event runs (the nick has left them by then).
    pub quit_chans: Vec<String>,
}

/// The session.
pub struct Client {
    /// The network's protocol state.
    pub net: Network,
    /// Every engine's handlers.
    pub table: EventTable,
    /// The mSL engine.
    pub msl: MslEngine,
    /// What was sent and shown.
    pub out: Outbox,
    /// The active window.
    pub active: String,
    timers: Vec<Timer>,
    now: u64,
    /// Loaded scripts by table id, with their file names.
    pub scripts: Vec<(u32, String)>,
    /// Signals raised without `-n`, delivered once the running script is over.
    signals: VecDeque<(String, String)>,
    /// The queue is being delivered (so a nested entry point leaves it alone).
    delivering: bool,
    /// How deep `/signal -n` deliveries are nested.
    signal_depth: u32,
    /// Whether the client answers CTCP VERSION, PING, TIME and CLIENTINFO (when no handler
    /// halted the request); the network's own automatic replies are off.
    ctcp_replies: bool,
    /// The user list (`/auser`, `on 5:TEXT`), kept in `users.ini`.
    pub users: UserList,
    /// Where `users.ini`, `vars.ini` and scripts' files live; `None` keeps nothing on disk.
    data_dir: Option<PathBuf>,
    /// The global variables' change count as last saved to (or loaded from) `vars.ini`.
    vars_saved: u64,
    /// When the changed variables are to be saved.
    vars_due: Option<u64>,
    /// When [`stats::STATS_FILE`] is written next.
    stats_due: u64,
    /// Records kept for IRC commands and identifiers.
    pub extras: Extras,
    /// The connections other than the current one (`net`), and their ids.
    conns: conns::Conns,
    /// The scripts' sockets (`/sockopen` …).
    pub sockets: Sockets,
    /// What each script may do beyond IRC (`[permissions]` in `config.toml`).
    pub permissions: Permissions,
    /// The script whose handler, timer or `LOAD` event runs; `None` while the user's own
    /// command does.
    running: Option<u32>,
    /// Script engines beside mSL; engine `n` is `engines[n - 1]`.
    engines: Vec<Rc<dyn ScriptEngine>>,
    /// Commands scripts of those engines registered, by lower-case name.
    commands: BTreeMap<String, CommandEntry>,
    /// Which engine loaded each of their scripts.
    engine_scripts: Vec<(u32, EngineId)>,
    /// The id the next engine script gets.
    next_engine_script: u32,
    /// The event text as a handler changed it, for the default display.
    rewritten: Option<String>,
    /// The manifests of the loaded mSL scripts.
    metas: Vec<crate::host::engine::ScriptMeta>,
    /// What each script's handlers have cost, by script id.
    stats: BTreeMap<u32, ScriptStats>,
    /// What the items of the menu last opened run, by item id.
    menu_actions: Vec<menus::MenuAction>,
    /// Who answers `$?` (see [`Client::set_prompter`]).
    prompter: Option<Prompter>,
    /// The "stop script" button (see [`Client::stop_signal`]).
    stop: rustirc_lang::host::StopSignal,
}

/// Milliseconds between a change to a global variable and saving `vars.ini`: changes in a
/// burst (a loop of `/set`s, a busy channel counting words) cost one write, and a crash loses
/// at most this much.
pub const VARS_SAVE_DELAY_MS: u64 = 2000;

/// How deeply `/signal -n` may nest (a handler raising its own signal would otherwise recurse
/// without end; mIRC stops at about the same depth).
const MAX_SIGNAL_DEPTH: u32 = 24;

/// How many queued signals one delivery round may run before it gives up: a handler that
/// raises its own signal again would otherwise keep the client busy for ever.
const MAX_QUEUED_SIGNALS: usize = 10_000;

impl Client {
    /// A disconnected client for `config` with the clock at `now_ms`.
    pub fn new(mut config: Config, limits: Limits, now_ms: u64) -> Client {
        // The client sends the automatic CTCP replies itself, after the handlers have had the
        // chance to halt them.
        let ctcp_replies = std::mem::replace(&mut config.ctcp_replies, false);
        Client {
            ctcp_replies,
            net: Network::new(config, now_ms),
            table: EventTable::new(),
            msl: MslEngine::new(limits),
            out: Outbox::default(),
            active: "status".to_string(),
            timers: Vec::new(),
            now: now_ms,
            scripts: Vec::new(),
            signals: VecDeque::new(),
            delivering: false,
            signal_depth: 0,
            users: UserList::default(),
            data_dir: None,
            vars_saved: 0,
            vars_due: None,
            stats_due: stats::STATS_SAVE_INTERVAL_MS,
            extras: Extras::new(now_ms),
            conns: conns::Conns::new(),
            sockets: Sockets::default(),
            permissions: Permissions::default(),
            running: None,
            engines: Vec::new(),
            commands: BTreeMap::new(),
            engine_scripts: Vec::new(),
            next_engine_script: ENGINE_SCRIPTS_FROM,
            rewritten: None,
            metas: Vec::new(),
            stats: BTreeMap::new(),
            menu_actions: Vec::new(),
            prompter: None,
            stop: rustirc_lang::host::StopSignal::default(),
        }
    }

    /// Uses `dir` as the data folder (created if missing): global variables are read from its
    /// `vars.ini`, the user list from its `users.ini`, the notify and ignore lists from
    /// `notify.ini` and `ignore.ini`, and scripts' relative file paths
    /// (`/write`, `/hsave`, `$read`) point into it. Call it before loading scripts.
    ///
    /// # Errors
    /// When the folder cannot be created or a file in it cannot be read.
    pub fn set_data_dir(&mut self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let dir = std::fs::canonicalize(dir)?;
        let read = |name: &str| match std::fs::read(dir.join(name)) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        if let Some(text) = read("users.ini")? {
            self.users = UserList::parse(&text);
        }
        if let Some(text) = read("vars.ini")? {
            let globals = &mut self.msl.engine.vm.st.globals;
            for (name, value) in parse_vars(&text) {
                globals.set(&name, Value::from_string(value));
            }
        }
        self.vars_saved = self.msl.engine.vm.st.globals.changes();
        self.vars_due = None;
        self.msl.engine.vm.st.files_root = Some(dir.clone());
        self.load_lists(&dir)?;
        self.sockets.dcc.data_dir = Some(dir.clone());
        self.permissions
            .set_dir(&dir)
            .map_err(std::io::Error::other)?;
        self.data_dir = Some(dir);
        Ok(())
    }

    /// The data folder, when there is one.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Saves what has not been saved yet (the global variables; the user list is saved as it
    /// changes). The network loop calls this when the client quits.
    pub fn save(&mut self) {
        if self.msl.engine.vm.st.globals.changes() != self.vars_saved {
            self.save_vars();
        }
        if !self.scripts.is_empty() {
            self.save_stats();
        }
    }

    /// Writes `vars.ini` (atomically); a failure is shown in the status window.
    fn save_vars(&mut self) {
        self.vars_due = None;
        let Some(dir) = &self.data_dir else {
            return;
        };
        let globals = &self.msl.engine.vm.st.globals;
        let text = vars_text(globals.iter_saved().map(|(n, v)| {
            // One line per variable: a line break in a value would end it early.
            (n, v.as_str().replace(['\r', '\n'], " "))
        }));
        let changes = globals.changes();
        let path = dir.join("vars.ini");
        match write_atomic(&path, text.as_bytes()) {
            Ok(()) => self.vars_saved = changes,
            Err(e) => self.out.show(
                "status",
                format!("* Could not save {}: {e}", path.display()),
            ),
        }
    }

    /// Schedules saving `vars.ini` when a script changed a global variable.
    fn note_var_changes(&mut self) {
        if self.vars_due.is_none()
            && self.data_dir.is_some()
            && self.msl.engine.vm.st.globals.changes() != self.vars_saved
        {
            self.vars_due = Some(self.now + VARS_SAVE_DELAY_MS);
        }
    }

    /// Writes `users.ini` (atomically); a failure is shown in the status window.
    fn save_users(&mut self) {
        let Some(dir) = &self.data_dir else {
            return;
        };
        let path = dir.join("users.ini");
        if let Err(e) = write_atomic(&path, self.users.to_ini().as_bytes()) {
            self.out.show(
                "status",
                format!("* Could not save {}: {e}", path.display()),
            );
        }
    }

    /// Takes what was sent and shown since the last call (the network loop writes and prints
    /// it; the replay harness keeps it instead).
    pub fn take_output(&mut self) -> Outbox {
        std::mem::take(&mut self.out)
    }

    /// The clock, in milliseconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Loads an mSL script: registers its handlers, runs its `LOAD` and `START` events, and
    /// shows its diagnostics in the status window.
    ///
    /// A file another engine [handles](ScriptEngine::handles) (`.lua`) loads into that engine.
    pub fn load_script(&mut self, file: &str, bytes: &[u8]) -> LoadReport {
        if let Some(engine) = self.engine_for(file) {
            return self.load_engine_script(engine, file, bytes);
        }
        let mut meta = crate::manifest::parse_mrc(file, bytes);
        if let Err(e) = crate::manifest::check_requires(&meta) {
            self.out.show("status", format!("* {e}"));
            return LoadReport {
                kind: "script",
                diagnostics: vec![rustirc_lang::engine::FileDiagnostic {
                    severity: rustirc_syntax::diag::Severity::Error,
                    line: 1,
                    col: 1,
                    message: e.clone(),
                    rendered: format!("{e}\n"),
                }],
                ..LoadReport::default()
            };
        }
        let loaded = self.msl.load(file, bytes);
        meta.script = loaded.script;
        self.register_script(&meta);
        for d in &loaded.report.diagnostics {
            self.out.show("status", d.rendered.trim_end().to_string());
        }
        self.table.add(0, loaded.script, loaded.handlers);
        // `#name off`: its handlers wait for `/enable #name`.
        for (group, _) in loaded.report.groups.iter().filter(|(_, on)| !on) {
            self.table.set_group(Some(loaded.script), group, false);
        }
        self.scripts.push((loaded.script, file.to_string()));
        self.sync_dialog_tables();
        let info = EventInfo::default();
        let outer = self.running.replace(loaded.script);
        let mut host = ScriptHost::new(self, &info);
        let errors = host_engine_load(&mut host, loaded.script);
        let pending = host.finish();
        self.running = outer;
        for e in errors {
            self.out.show("status", e.to_string());
        }
        self.after(pending);
        self.deliver_signals();
        loaded.report
    }

    /// Feeds one input to the network and handles everything that follows.
    pub fn input(&mut self, input: Input) {
        if input == Input::Connected {
            self.log_on();
        } else {
            let effects = self.net.handle(input);
            self.apply(effects);
        }
        self.deliver_signals();
    }

    /// `/signal name params` from outside a script (the client itself, a plugin): queued, and
    /// delivered before this returns unless a delivery is already under way.
    pub fn signal(&mut self, name: &str, params: &str) {
        self.signals
            .push_back((name.to_string(), params.to_string()));
        self.deliver_signals();
    }

    /// Delivers queued signals, oldest first, including those their handlers raise.
    fn deliver_signals(&mut self) {
        if self.delivering {
            return;
        }
        self.delivering = true;
        let mut n = 0;
        while let Some((name, params)) = self.signals.pop_front() {
            n += 1;
            if n > MAX_QUEUED_SIGNALS {
                self.signals.clear();
                self.out.show(
                    "status",
                    format!("* /signal: more than {MAX_QUEUED_SIGNALS} signals in a row; dropped the rest (is a SIGNAL handler raising its own signal?)"),
                );
                break;
            }
            self.raise_signal(&name, &params);
        }
        self.delivering = false;
    }

    /// Runs the `on SIGNAL` handlers whose name field matches `name`, with `params` as `$1-`.
    fn raise_signal(&mut self, name: &str, params: &str) {
        let info = EventInfo {
            name: "SIGNAL".to_string(),
            key: Some(name.to_string()),
            text: params.to_string(),
            subject: Some(name.to_string()),
            ..EventInfo::default()
        };
        self.run_phase(&info, Phase::Normal, false);
    }

    /// A line from the server (PARSELINE handlers see it first).
    pub fn recv_line(&mut self, line: &str) {
        self.recv_parsed(line);
    }

    /// Handles a line from the server.
    fn handle_line(&mut self, line: &str) {
        match Message::parse(line) {
            Ok(m) => {
                self.extras.line_tags = Some(m.tags.clone());
                self.input(Input::Line(m));
                self.extras.line_tags = None;
            }
            Err(e) => self
                .out
                .show("status", format!("unreadable line from the server: {e:?}")),
        }
    }

    /// The clock moves to `now_ms`: queued lines go out, due timers fire.
    pub fn tick(&mut self, now_ms: u64) {
        self.now = now_ms;
        for cid in self.cids() {
            self.on_connection(cid, |c| c.input(Input::Tick(now_ms)));
        }
        while let Some(i) = self
            .timers
            .iter()
            .enumerate()
            .filter(|(_, t)| t.due <= now_ms && t.paused.is_none())
            .min_by_key(|(_, t)| t.due)
            .map(|(i, _)| i)
        {
            let t = &mut self.timers[i];
            t.due += t.interval_ms.max(1);
            self.fire_timer(i);
        }
        if self.vars_due.is_some_and(|t| t <= now_ms) {
            self.save_vars();
        }
        if self.stats_due <= now_ms && !self.scripts.is_empty() {
            self.save_stats();
        }
        self.dcc_tick();
    }

    /// Runs the command of timer `i` once (it is due, or `/timer -e` asked), counting the
    /// repetition; the last one removes the timer.
    fn fire_timer(&mut self, i: usize) {
        let t = &mut self.timers[i];
        let (command, cid, owner, callback) = (t.command.clone(), t.cid, t.owner, t.callback);
        if t.reps == 1 {
            self.timers.remove(i);
        } else if t.reps > 1 {
            t.reps -= 1;
        }
        let outer = std::mem::replace(&mut self.running, owner);
        // Each run starts with full fuel: what is left after it tells what it spent (all of
        // it is left when no mSL ran).
        self.msl.engine.vm.st.fuel = self.fuel_start();
        if let Some(o) = owner {
            self.stats.entry(o).or_default().timers += 1;
        }
        if let Some((engine, handle)) = callback {
            if self.network(cid).is_some() {
                self.on_connection(cid, |c| c.fire_engine_timer(engine, handle));
            } else {
                self.fire_engine_timer(engine, handle);
            }
        } else if self.network(cid).is_some() {
            self.on_connection(cid, |c| c.run_command(&command));
        } else {
            self.run_command(&command);
        }
        if let (Some(o), None) = (owner, callback) {
            let spent = self.fuel_start().saturating_sub(self.msl.engine.vm.st.fuel);
            self.stats.entry(o).or_default().spent(spent, None);
        }
        self.running = outer;
    }

    /// The user typed `text` into `window` (which becomes active, and whose highlight state
    /// is cleared): `/command` runs as a script command, `//command` is evaluated first,
    /// anything else is said to the window.
    pub fn type_line(&mut self, window: &str, text: &str) {
        self.active = window.to_string();
        self.conns.active = self.conns.cid;
        self.extras.typed = self.now;
        // The user is looking at the window: its highlight state (`/window -g`) is seen.
        self.extras.set_window_state(self.conns.cid, window, 0);
        let (halted, rewritten) = self.input_event(window, text);
        let text = rewritten.as_deref().unwrap_or(text);
        if halted || self.dcc_typed(window, text) {
            return;
        }
        if text.starts_with('/') {
            self.run_command(text);
        } else if window.starts_with('@') {
            // Text typed into a custom window goes to its `on INPUT` handlers only.
        } else if !text.is_empty() {
            if window.eq_ignore_ascii_case("status") {
                self.out
                    .show("status", "* You are not on a channel".to_string());
                return;
            }
            let me = self.net.me().to_string();
            self.out.show(window, format!("<{me}> {text}"));
            if !self.net.is_channel(window) {
                self.note_query(window);
            }
            self.input(Input::Intent(Intent::Privmsg {
                target: window.to_string(),
                text: text.to_string(),
            }));
        }
    }

    /// Runs one command line as if typed (`/msg #c hi`, `//echo -a $me`).
    pub fn run_command(&mut self, line: &str) {
        if let Some(rest) = line
            .strip_prefix("/scripts")
            .filter(|r| r.is_empty() || r.starts_with(' '))
        {
            self.scripts_command(rest);
            return;
        }
        let info = EventInfo::default();
        // `/name args` of a command another engine's script registered runs it directly
        // (literally, as one slash means), so that script can still call into mSL.
        let direct = self.engine_command_line(line);
        let mut host = ScriptHost::new(self, &info);
        let r = match direct {
            Some((name, args)) => host
                .engine_command(&name, &args)
                .unwrap_or(Ok(()))
                .map_err(|e| format!("* {e}")),
            None => host.run_line(line).map_err(|e| e.to_string()),
        };
        let pending = host.finish();
        if let Err(e) = r {
            self.out.show("status", e);
        }
        self.after(pending);
        self.deliver_signals();
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Send(m) => self.send_line(m.to_line()),
                Effect::Event(ev) => self.dispatch(ev),
                Effect::Disconnect { reason } => {
                    self.out
                        .show("status", format!("* Disconnected ({reason})"));
                    self.out.disconnect = Some(reason);
                }
            }
        }
    }

    fn after(&mut self, mut pending: Pending) {
        for (script, error) in std::mem::take(&mut pending.command_runs) {
            let stats = self.stats.entry(script).or_default();
            stats.commands += 1;
            stats.spent(0, error.as_deref());
        }
        // What the script did on other connections is applied on each of them.
        let elsewhere = std::mem::take(&mut pending.elsewhere);
        self.apply_servers(std::mem::take(&mut pending.servers));
        if pending.users_changed {
            self.save_users();
        }
        if pending.lists_changed {
            self.save_lists();
        }
        self.note_var_changes();
        if pending.disconnect.is_some() {
            self.out.disconnect = pending.disconnect;
        }
        self.out.exit |= pending.exit;
        if let Some(w) = pending.active.take() {
            self.active = w;
            self.conns.active = self.conns.cid;
        }
        for line in pending.sent {
            self.send_line(line);
        }
        for (w, t) in pending.shown {
            self.out.show(&w, t);
        }
        for w in pending.marks {
            let last = self
                .out
                .shown
                .iter()
                .rposition(|(win, _)| win.eq_ignore_ascii_case(&w));
            if let Some(i) = last.filter(|i| !self.out.marked.contains(i)) {
                self.out.marked.push(i);
            }
        }
        self.out.alerts.extend(pending.alerts);
        self.out.windows.extend(pending.windows);
        self.out
            .permission_requests
            .extend(self.permissions.take_requests());
        for t in pending.timers {
            self.timers
                .retain(|x| !x.name.eq_ignore_ascii_case(&t.name));
            if t.reps != u64::MAX {
                self.extras.last_timer.clone_from(&t.name);
                self.timers.push(t);
            }
        }
        for name in pending.timer_runs {
            if let Some(i) = self
                .timers
                .iter()
                .position(|t| t.name.eq_ignore_ascii_case(&name))
            {
                self.fire_timer(i);
            }
        }
        self.apply_table_ops(std::mem::take(&mut pending.table_ops));
        for (script, group, on) in pending.groups {
            self.table.set_group(script, &group, on);
        }
        for (now, name, params) in pending.signals {
            if !now {
                self.signals.push_back((name, params));
            } else if self.signal_depth >= MAX_SIGNAL_DEPTH {
                self.out.show(
                    "status",
                    format!("* /signal -n {name}: signals nested more than {MAX_SIGNAL_DEPTH} deep; not delivered"),
                );
            } else {
                self.signal_depth += 1;
                self.raise_signal(&name, &params);
                self.signal_depth -= 1;
            }
        }
        self.apply(pending.effects);
        for r in pending.scripts {
            self.script_request(r);
        }
        for (cid, p) in elsewhere {
            self.on_connection(cid, |c| c.after(p));
        }
        self.apply_parselines(pending.parselines);
        for name in pending.window_opens {
            let info = EventInfo {
                name: "OPEN".to_string(),
                target: Some(name),
                ..EventInfo::default()
            };
            self.run_phase(&info, Phase::Normal, false);
        }
        for name in pending.window_closes {
            let info = EventInfo {
                name: "CLOSE".to_string(),
                target: Some(name),
                ..EventInfo::default()
            };
            self.run_phase(&info, Phase::Normal, false);
        }
        for (name, event, id) in pending.dialog_events {
            self.dialog_event(&name, &event, id);
            if event == "close" {
                self.extras
                    .dialogs
                    .retain(|d| !d.name.eq_ignore_ascii_case(&name));
            }
        }
    }

    /// Runs one event through the table: `^` handlers, the default display, the rest; then,
    /// for a CTCP request nobody halted, the automatic reply.
    pub fn dispatch(&mut self, mut ev: Event) {
        if !self.screen(&mut ev) {
            return;
        }
        if let Some((infos, display)) = self.mode_events(&ev) {
            self.dispatch_group(&infos, display);
            return;
        }
        if let Event::Disconnected { .. } = &ev {
            // Online timers end with their connection.
            let cid = self.conns.cid;
            self.timers.retain(|t| t.offline || t.cid != cid);
        }
        if let Event::Nick { who, new_nick, .. } = &ev {
            let cid = self.conns.cid;
            self.extras.rename_query(cid, &who.nick, new_nick);
        }
        for (mut info, mut display) in self.describe(&ev) {
            let pre = self.run_phase(&info, Phase::Pre, false);
            if let Some(text) = self.rewritten.take() {
                // A `pre` handler changed the text: the display and later handlers see it.
                if let Some((_, line)) = display.as_mut() {
                    if let Some(head) = line.strip_suffix(info.text.as_str()) {
                        *line = format!("{head}{text}");
                    }
                }
                info.text = text;
            }
            if !pre.halt_default {
                if let Some((w, text)) = &display {
                    let private = matches!(info.name.as_str(), "TEXT" | "ACTION")
                        && info.chan.is_none()
                        && info.from.as_ref().is_some_and(|p| p.nick == *w);
                    // A private message from someone without a query window: `on OPEN`
                    // first, where `^` and `halt` keep the window (and the line) away.
                    let open = !private
                        || self.extras.query(self.conns.cid, w).is_some()
                        || self.open_event(w, &info);
                    if open {
                        self.out.show(w, text.clone());
                        if private {
                            self.note_query(w);
                        }
                    }
                }
            }
            // A `pre` handler that stopped later handlers (Lua's `irc.HALT`) stops these too.
            let all = if pre.stop_later {
                pre
            } else {
                pre.merge(self.run_phase(&info, Phase::Normal, pre.halt_default))
            };
            if let Event::Ctcp { from, ctcp, .. } = &ev {
                if ctcp.command == "DCC" && !all.halt_default {
                    self.dcc_offer(from, ctcp.args.as_deref().unwrap_or(""));
                }
                if self.ctcp_replies && !all.halt_default {
                    if let Some(reply) = self.net.ctcp_reply_due(&from.nick, ctcp) {
                        let effects = self.net.handle(Input::Intent(Intent::Send(reply)));
                        self.apply(effects);
                    }
                }
            }
        }
    }

    /// Runs the handlers of one phase; `halted` is whether an earlier phase halted the
    /// event. Each handler sees in `$halted` whether an earlier one halted it.
    fn run_phase(&mut self, info: &EventInfo, phase: Phase, halted: bool) -> Outcome {
        self.rewritten = None;
        let me = self.net.me().to_string();
        let by_me = info
            .from
            .as_ref()
            .is_some_and(|p| p.nick.eq_ignore_ascii_case(&me));
        let chan_folded = info.chan.as_deref().map(str::to_ascii_lowercase);
        let window_folded = info
            .target
            .as_deref()
            .filter(|t| t.starts_with('@'))
            .map(crate::events::fold_name);
        let place = match (&chan_folded, info.name.as_str()) {
            (Some(c), _) => Place::Channel(c),
            (None, "INPUT" | "TABCOMP" | "CLOSE" | "OPEN") if window_folded.is_some() => {
                Place::Window(window_folded.as_deref().unwrap_or(""))
            }
            (None, "TEXT" | "ACTION" | "NOTICE" | "CTCP" | "CTCPREPLY" | "OPEN") => Place::Private,
            // A line typed into the status window or a query.
            (None, "INPUT" | "TABCOMP")
                if info
                    .target
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("status")) =>
            {
                Place::Status
            }
            // `=nick` is a file server session's window when there is no chat with nick.
            (None, "INPUT" | "TABCOMP")
                if info.target.as_deref().is_some_and(|t| t.starts_with('=')) =>
            {
                let nick = info.target.as_deref().map_or("", |t| &t[1..]);
                let dcc = &self.sockets.dcc;
                if dcc.chat(nick).is_none() && dcc.fserve(nick).is_some() {
                    Place::Fserve
                } else {
                    Place::Dcc
                }
            }
            (None, "INPUT" | "TABCOMP") => Place::Private,
            _ => Place::None,
        };
        let me_op = info.chan.as_deref().is_some_and(|c| self.net.is_op(&me, c));
        let from_levels = info
            .from
            .as_ref()
            .map(|p| self.users.levels_of(&p.to_string()))
            .unwrap_or_default();
        // BAN and UNBAN test the level of the user the mask names; the banner's level is
        // what comparison prefixes (`on >=5:BAN`) test it against.
        let (user_levels, banner_levels) = match &info.banmask {
            Some(mask) => (
                self.users
                    .matching(mask, None)
                    .first()
                    .map(|e| e.user_levels())
                    .unwrap_or_default(),
                Some(from_levels.as_slice()),
            ),
            None => (from_levels.clone(), None),
        };
        let ctx = EventCtx {
            event: &info.name,
            key: info.key.as_deref(),
            text: info.subject.as_deref().unwrap_or(&info.text),
            place,
            by_me,
            me_op,
            user_levels: &user_levels,
            banner_levels,
            default_level: self.users.default_level,
        };
        let mut outcome = Outcome {
            halt_default: halted,
            stop_later: false,
        };
        // Dynamic fields are evaluated with a host that sees this event.
        let selected = {
            let table = &self.table;
            let mut host = ScriptHost::detached(
                &self.net,
                &self.users,
                &self.extras,
                info,
                &self.active,
                self.now,
                &self.conns,
            );
            let msl = &mut self.msl;
            table.select(&ctx, phase, halted, &mut |_, f| {
                msl.eval_field(f, &mut host)
            })
        };
        // A handler of another engine may change the event's text for those after it.
        let mut changed: Option<EventInfo> = None;
        for idx in selected {
            let Some(entry) = self.table.entry(idx) else {
                continue;
            };
            // `&` handlers skip an event a handler of this same phase has just halted, too.
            if entry.decl.prefixes.skip_halted && outcome.halt_default {
                continue;
            }
            let handle = entry.decl.handle;
            if entry.engine != 0 {
                let (engine, script) = (entry.engine, entry.script);
                let outer = self.running.replace(script);
                let info = changed.as_ref().unwrap_or(info);
                let (r, pending) = self.call_engine(
                    engine,
                    handle,
                    info,
                    outcome.halt_default,
                    phase == Phase::Pre,
                );
                self.running = outer;
                let fault = r.as_ref().err().cloned();
                self.stats
                    .entry(script)
                    .or_default()
                    .record(0, fault.as_deref());
                match r {
                    Ok(h) => {
                        outcome = outcome.merge(h.outcome);
                        if let Some(text) = h.text {
                            let mut new = info.clone();
                            new.text.clone_from(&text);
                            changed = Some(new);
                            self.rewritten = Some(text);
                        }
                    }
                    Err(e) => self.out.show("status", format!("* {e}")),
                }
                self.after(pending);
                if outcome.stop_later {
                    break;
                }
                continue;
            }
            let info = changed.as_ref().unwrap_or(info);
            let owner = entry.script;
            let outer = self.running.replace(owner);
            let regex = self.msl.regex_of(handle);
            let mut host = ScriptHost::new(self, info);
            if let Some(re) = regex {
                // Fill `$regml` the way `$regex` would, without evaluating the message.
                host.regex_values(&info.text, &re);
            }
            let r = host.call(handle, &info.text, outcome.halt_default);
            let pending = host.finish();
            self.running = outer;
            let spent = self.fuel_start().saturating_sub(self.msl.engine.vm.st.fuel);
            let fault = r.as_ref().err().map(ToString::to_string);
            self.stats
                .entry(owner)
                .or_default()
                .record(spent, fault.as_deref());
            match r {
                Ok(o) => outcome = outcome.merge(o),
                Err(e) => self.out.show("status", e.to_string()),
            }
            self.after(pending);
            if outcome.stop_later {
                break;
            }
        }
        outcome
    }

    /// The events (usually one) an [`Event`] raises, each with its default display line.
    fn describe(&self, ev: &Event) -> Vec<(EventInfo, Option<(String, String)>)> {
        let me = self.net.me().to_string();
        let mut out = Vec::new();
        let info = |name: &str| EventInfo {
            name: name.to_string(),
            ..EventInfo::default()
        };
        match ev {
            Event::Raw(m) => {
                let key = m.command.clone();
                let params = m.params.get(1..).unwrap_or(&[]).join(" ");
                let mut i = info("RAW");
                i.key = Some(key);
                i.text = format!("{} {}", m.params.first().map_or("", String::as_str), params)
                    .trim()
                    .to_string();
                i.raw = Some(m.to_line());
                i.from = m.prefix.clone();
                // Numerics are shown in the status window by default.
                let display = m.numeric().map(|_| ("status".to_string(), params.clone()));
                out.push((i, display));
            }
            Event::Connected => {
                out.push((info("CONNECT"), None));
            }
            Event::Disconnected { reason } => {
                let mut i = info("DISCONNECT");
                i.text = reason.clone();
                out.push((
                    i,
                    Some(("status".into(), format!("* Disconnected ({reason})"))),
                ));
            }
            Event::Text(m) | Event::Action(m) | Event::Notice(m) => {
                let name = match ev {
                    Event::Text(_) => "TEXT",
                    Event::Action(_) => "ACTION",
                    _ => "NOTICE",
                };
                let chan = self.net.is_channel(m.target.trim_start_matches(['@', '+']));
                let mut i = info(name);
                i.text = m.text.clone();
                i.from = Some(m.from.clone());
                i.target = Some(m.target.clone());
                let window = if chan {
                    let c = m.target.trim_start_matches(['@', '+']).to_string();
                    i.chan = Some(c.clone());
                    c
                } else {
                    m.from.nick.clone()
                };
                let n = &m.from.nick;
                let line = match name {
                    "TEXT" => format!("<{n}> {}", m.text),
                    "ACTION" => format!("* {n} {}", m.text),
                    _ => format!("-{n}- {}", m.text),
                };
                let window = if name == "NOTICE" && !chan {
                    self.active.clone()
                } else {
                    window
                };
                out.push((i, Some((window, line))));
            }
            Event::Ctcp {
                from, target, ctcp, ..
            } => {
                let mut i = info("CTCP");
                i.text = ctcp_text(ctcp);
                i.from = Some(from.clone());
                i.target = Some(target.clone());
                if self.net.is_channel(target) {
                    i.chan = Some(target.clone());
                }
                let line = format!("[{} {}]", from.nick, i.text);
                out.push((i, Some(("status".into(), line))));
            }
            Event::CtcpReply { from, ctcp, .. } => {
                let mut i = info("CTCPREPLY");
                i.text = ctcp_text(ctcp);
                i.from = Some(from.clone());
                let line = format!("[{} {} reply]", from.nick, i.text);
                out.push((i, Some(("status".into(), line))));
            }
            Event::Join { who, channel, .. } => {
                let mut i = info("JOIN");
                i.from = Some(who.clone());
                i.chan = Some(channel.clone());
                let line = if who.nick.eq_ignore_ascii_case(&me) {
                    format!("* Now talking in {channel}")
                } else {
                    format!("* {} ({}) has joined {channel}", who.nick, addr(who))
                };
                out.push((i, Some((channel.clone(), line))));
            }
            Event::Part {
                who,
                channel,
                reason,
                ..
            } => {
                let mut i = info("PART");
                i.from = Some(who.clone());
                i.chan = Some(channel.clone());
                i.text = reason.clone().unwrap_or_default();
                let line = format!("* {} ({}) has left {channel}", who.nick, addr(who));
                out.push((i, Some((channel.clone(), line))));
            }
            Event::Kick {
                by,
                channel,
                kicked,
                reason,
                ..
            } => {
                let mut i = info("KICK");
                i.from = Some(by.clone());
                i.chan = Some(channel.clone());
                i.other_nick = Some(kicked.clone());
                i.text = reason.clone().unwrap_or_default();
                let line = format!(
                    "* {kicked} was kicked by {} ({})",
                    by.nick,
                    reason.as_deref().unwrap_or("")
                );
                out.push((i, Some((channel.clone(), line))));
            }
            Event::Quit {
                who,
                reason,
                channels,
                ..
            } => {
                let mut i = info("QUIT");
                i.from = Some(who.clone());
                i.quit_chans.clone_from(channels);
                i.text = reason.clone().unwrap_or_default();
                let line = format!("* {} has quit IRC ({})", who.nick, i.text);
                let w = channels.first().cloned().unwrap_or_else(|| "status".into());
                out.push((i, Some((w, line))));
            }
            Event::Nick {
                who,
                new_nick,
                channels,
                ..
            } => {
                let mut i = info("NICK");
                i.from = Some(who.clone());
                i.other_nick = Some(new_nick.clone());
                let line = format!("* {} is now known as {new_nick}", who.nick);
                let w = channels.first().cloned().unwrap_or_else(|| "status".into());
                out.push((i, Some((w, line))));
            }
            Event::Topic {
                by, channel, topic, ..
            } => {
                let mut i = info("TOPIC");
                i.from = Some(by.clone());
                i.chan = Some(channel.clone());
                i.text = topic.clone();
                let line = format!("* {} changes topic to '{topic}'", by.nick);
                out.push((i, Some((channel.clone(), line))));
            }
            Event::UserMode { by, raw, .. } => {
                let mut i = info("USERMODE");
                i.from = Some(by.clone());
                i.text = raw.clone();
                let line = format!("* {} sets mode: {raw}", by.nick);
                out.push((i, Some(("status".into(), line))));
            }
            Event::Invite { by, channel } => {
                let mut i = info("INVITE");
                i.from = Some(by.clone());
                i.chan = Some(channel.clone());
                let line = format!("* {} invites you to join {channel}", by.nick);
                out.push((i, Some((self.active.clone(), line))));
            }
            Event::Ping { token } => {
                let mut i = info("PING");
                i.text = token.clone();
                out.push((i, None));
            }
            Event::Error { message } => {
                let mut i = info("ERROR");
                i.text = message.clone();
                out.push((i, Some(("status".into(), format!("* ERROR {message}")))));
            }
            Event::Wallops { from, text } => {
                let mut i = info("WALLOPS");
                i.from = Some(from.clone());
                i.text = text.clone();
                out.push((
                    i,
                    Some(("status".into(), format!("!{}! {text}", from.nick))),
                ));
            }
            Event::ServerNotice { text, .. } => {
                let mut i = info("SNOTICE");
                i.text = text.clone();
                out.push((i, Some(("status".into(), text.clone()))));
            }
            other => out.extend(self.describe_more(other)),
        }
        out
    }
}

fn ctcp_text(c: &Ctcp) -> String {
    match &c.args {
        Some(a) => format!("{} {a}", c.command),
        None => c.command.clone(),
    }
}

fn addr(p: &Prefix) -> String {
    p.address().unwrap_or_default()
}

/// Effects of a script run, applied once the run is over.
#[derive(Default)]
struct Pending {
    sent: Vec<String>,
    shown: Vec<(String, String)>,
    effects: Vec<Effect>,
    timers: Vec<Timer>,
    groups: Vec<(Option<u32>, String, bool)>,
    /// `/signal`s raised: `(-n given, name, params)`.
    signals: Vec<(bool, String, String)>,
    /// The user list changed (save it).
    users_changed: bool,
    /// `/disconnect`: close the connection, for this reason.
    disconnect: Option<String>,
    /// `/exit`: quit the client.
    exit: bool,
    /// `/load`, `/unload`, `/reload`, in order.
    scripts: Vec<scripts::ScriptRequest>,
    /// The notify or ignore list changed (save them).
    lists_changed: bool,
    /// What was done on other connections (by `/scid`), by connection id.
    elsewhere: Vec<(u32, Pending)>,
    /// `/server` requests.
    servers: Vec<conns::ServerRequest>,
    /// The window made active (`/query`, or `/close` of the active query).
    active: Option<String>,
    /// Timers whose command is to run now (`/timer -e`), by name.
    timer_runs: Vec<String>,
    /// Lines `/parseline` changed or queued.
    parselines: Vec<parseline::ParseRequest>,
    /// Handlers engines registered or removed, in order.
    table_ops: Vec<engines::TableOp>,
    /// Runs of commands scripts added: the owner, and the error when it failed.
    command_runs: Vec<(u32, Option<String>)>,
    /// Windows whose last shown line `/markline` marks.
    marks: Vec<String>,
    /// `/beep` and `/flash` requests.
    alerts: Vec<Alert>,
    /// Changes to windows, in order.
    windows: Vec<WindowEvent>,
    /// Custom windows closed: their `on CLOSE:@name:` runs once the script is over.
    window_closes: Vec<String>,
    /// Custom windows opened, for `on OPEN:@` once the script is over.
    window_opens: Vec<String>,
    /// DIALOG events to run once the script is over: `(dialog, event, id)`.
    dialog_events: Vec<(String, String, u32)>,
}

fn host_engine_load(host: &mut ScriptHost<'_>, script: u32) -> Vec<RunError> {
    let Some(msl) = host.msl.take() else {
        return Vec::new();
    };
    let errors = msl.engine.run_load_events(script as usize, host);
    host.msl = Some(msl);
    errors
}

/// The command registry of a host that only reads.
static NO_COMMANDS: BTreeMap<String, CommandEntry> = BTreeMap::new();

/// What scripts see of the client while one of them runs.
pub struct ScriptHost<'a> {
    net: Ref<'a, Network>,
    users: Ref<'a, UserList>,
    extras: Ref<'a, Extras>,
    msl: Option<&'a mut MslEngine>,
    info: &'a EventInfo,
    active: String,
    now: u64,
    pending: Pending,
    /// The client's timers when the host was made (for `/timers` and unnamed timer numbers).
    timers: Vec<Timer>,
    /// The connection the script is on, and the others.
    conns: conns::HostConns<'a>,
    /// The script whose code runs (`None`: the user's own command).
    runner: Option<u32>,
    /// The sockets, with the permissions to check (`None` while only reading).
    sock: Option<sock::SockCx<'a>>,
    /// The script engines beside mSL.
    engines: &'a [Rc<dyn ScriptEngine>],
    /// The commands their scripts registered.
    commands: Ref<'a, BTreeMap<String, CommandEntry>>,
    /// The data folder.
    data_dir: Option<PathBuf>,
    /// Who answers `$?`.
    prompter: Option<&'a mut Prompter>,
    /// The "stop script" button, and its mark when this host was made.
    stop: Option<(rustirc_lang::host::StopSignal, u64)>,
}

/// Client state a host may change, or only read (for evaluating `$(…)` event fields).
enum Ref<'a, T> {
    Mut(&'a mut T),
    Shared(&'a T),
}

impl<T> Ref<'_, T> {
    fn get(&self) -> &T {
        match self {
            Ref::Mut(n) => n,
            Ref::Shared(n) => n,
        }
    }

    fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Ref::Mut(n) => Some(n),
            Ref::Shared(_) => None,
        }
    }
}

impl<'a> ScriptHost<'a> {
    fn new(c: &'a mut Client, info: &'a EventInfo) -> ScriptHost<'a> {
        ScriptHost {
            net: Ref::Mut(&mut c.net),
            users: Ref::Mut(&mut c.users),
            extras: Ref::Mut(&mut c.extras),
            msl: Some(&mut c.msl),
            info,
            active: c.active.clone(),
            now: c.now,
            pending: Pending::default(),
            timers: c.timers.clone(),
            conns: conns::HostConns::new(&mut c.conns),
            runner: c.running,
            sock: Some(sock::SockCx::new(
                &mut c.sockets,
                &c.permissions,
                &c.scripts,
            )),
            engines: &c.engines,
            commands: Ref::Mut(&mut c.commands),
            data_dir: c.data_dir.clone(),
            prompter: c.prompter.as_mut(),
            stop: Some((c.stop.clone(), c.stop.mark())),
        }
    }

    /// A host that can read but not act (for evaluating `$(…)` event fields).
    fn detached(
        net: &'a Network,
        users: &'a UserList,
        extras: &'a Extras,
        info: &'a EventInfo,
        active: &str,
        now: u64,
        conns: &conns::Conns,
    ) -> ScriptHost<'a> {
        ScriptHost {
            net: Ref::Shared(net),
            users: Ref::Shared(users),
            extras: Ref::Shared(extras),
            msl: None,
            info,
            active: active.to_string(),
            now,
            pending: Pending::default(),
            timers: Vec::new(),
            conns: conns::HostConns::detached(conns),
            runner: None,
            sock: None,
            engines: &[],
            commands: Ref::Shared(&NO_COMMANDS),
            data_dir: None,
            prompter: None,
            stop: None,
        }
    }

    fn finish(mut self) -> Pending {
        let elsewhere = self.finish_connections();
        let mut p = self.pending;
        p.elsewhere = elsewhere;
        p
    }

    fn run_line(&mut self, line: &str) -> Result<(), RunError> {
        let Some(msl) = self.msl.take() else {
            return Ok(());
        };
        let r = msl.engine.run_command(line, self).map(|_| ());
        self.msl = Some(msl);
        r
    }

    fn regex_values(&mut self, text: &str, re: &str) {
        if let Some(msl) = self.msl.as_mut() {
            let _ = rustirc_lang::registry::idents::regex::regex_values(
                &mut msl.engine.vm.st,
                text,
                re,
            );
        }
    }

    fn call(&mut self, handle: u64, text: &str, halted: bool) -> Result<Outcome, RunError> {
        let Some(msl) = self.msl.take() else {
            return Ok(Outcome::default());
        };
        let r = msl.call(handle, text, halted, self);
        self.msl = Some(msl);
        r
    }

    fn intent(&mut self, intent: Intent) {
        if let Some(net) = self.net.get_mut() {
            let effects = net.handle(Input::Intent(intent));
            for e in effects {
                match e {
                    Effect::Send(m) => self.pending.sent.push(m.to_line()),
                    other => self.pending.effects.push(other),
                }
            }
        }
    }

    fn show(&mut self, window: &str, text: String) {
        self.pending.shown.push((window.to_string(), text));
    }

    fn me(&self) -> String {
        self.net.get().me().to_string()
    }

    /// `/signal [-n] name [params]`: delivered when the running script is over, or with `-n`
    /// as soon as the running handler or command returns.
    fn signal(&mut self, args: &str) -> Result<(), String> {
        let (now, rest) = match args.strip_prefix("-n") {
            Some(r) if r.is_empty() || r.starts_with(' ') => (true, r.trim_start()),
            _ => (false, args),
        };
        let (name, params) = rest.split_once(' ').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err("/signal: insufficient parameters".to_string());
        }
        self.pending
            .signals
            .push((now, name.to_string(), params.trim().to_string()));
        Ok(())
    }

    /// A nick's full address from the internal address list; anything else as given.
    fn user_address(&self, who: &str) -> String {
        if who.contains(['!', '@', '*', '?']) {
            return who.to_string();
        }
        match self.net.get().address(who) {
            Some(a) => format!(
                "{}!{}@{}",
                a.nick,
                a.user.as_deref().unwrap_or("*"),
                a.host.as_deref().unwrap_or("*")
            ),
            None => who.to_string(),
        }
    }

    /// `/auser [-a] levels nick|mask [info]`, `/guser [-a] levels nick [type] [info]`.
    fn add_user(&mut self, name: &str, args: &str) -> Result<(), String> {
        let (append, rest) = match args.strip_prefix("-a ") {
            Some(r) => (true, r.trim_start()),
            None => (false, args),
        };
        let mut w = rest.splitn(3, ' ');
        let (levels, who, more) = (w.next().unwrap_or(""), w.next().unwrap_or(""), w.next());
        if who.is_empty() {
            return Err(format!("/{name}: insufficient parameters"));
        }
        let (mask, info) = if name == "guser" {
            let (ty, info) = match more.map(|m| m.split_once(' ').unwrap_or((m, ""))) {
                Some((t, i)) if t.parse::<u32>().is_ok() => (t.parse().unwrap_or(6), i),
                Some(_) => (6, more.unwrap_or("")),
                None => (6, ""),
            };
            let address = self.user_address(who);
            if !address.contains('@') {
                return Err(format!(
                    "/guser: the address of {who} is not known (not on a common channel)"
                ));
            }
            let mask = users::mask(&address, ty)
                .ok_or_else(|| format!("/guser: bad address type {ty}"))?;
            (mask, info.to_string())
        } else {
            (who.to_string(), more.unwrap_or("").to_string())
        };
        if let Some(list) = self.users.get_mut() {
            list.add(levels, &mask, info.trim(), append);
            self.pending.users_changed = true;
        }
        Ok(())
    }

    /// `/ruser [levels] nick[!]|mask [type]`: removes the entry with that mask, the entries
    /// of `nick!*@*` for `nick!`, or the entry matching a nick's address (as a `$mask` of
    /// `type` when given); with levels, only those levels.
    fn remove_user(&mut self, args: &str) -> Result<(), String> {
        let w: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let is_num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let (levels, who, ty) = match w.as_slice() {
            [] => return Err("/ruser: insufficient parameters".to_string()),
            [who] => (None, *who, None),
            [who, t] if is_num(t) => (None, *who, t.parse::<u32>().ok()),
            [l, who, rest @ ..] => (Some(*l), *who, rest.first().and_then(|t| t.parse().ok())),
        };
        let address = self.user_address(who);
        let exact = match (ty, who.strip_suffix('!')) {
            (_, Some(nick)) => format!("{nick}!*@*"),
            (Some(t), None) => users::mask(&address, t).unwrap_or_else(|| who.to_string()),
            (None, None) => who.to_string(),
        };
        let Some(list) = self.users.get_mut() else {
            return Ok(());
        };
        let changed = if who.ends_with('!') {
            let nick = who.trim_end_matches('!');
            list.remove(levels, |e| {
                users::full_mask(&e.mask)
                    .split_once('!')
                    .is_some_and(|(n, _)| n.eq_ignore_ascii_case(nick))
            })
        } else if list
            .entries()
            .iter()
            .any(|e| e.mask.eq_ignore_ascii_case(&exact))
        {
            list.remove(levels, |e| e.mask.eq_ignore_ascii_case(&exact))
        } else {
            let first = list.find(&address).map(|e| e.mask.clone());
            first.is_some_and(|m| list.remove(levels, |e| e.mask == m))
        };
        self.pending.users_changed |= changed;
        Ok(())
    }

    /// The timers as they will be once this host's changes apply.
    fn live_timers(&self) -> Vec<&Timer> {
        let mut live: Vec<&Timer> = self.timers.iter().collect();
        for t in &self.pending.timers {
            live.retain(|x| !x.name.eq_ignore_ascii_case(&t.name));
            if t.reps != u64::MAX {
                live.push(t);
            }
        }
        live
    }

    /// The lowest number no timer is named, across the client (mIRC numbers unnamed timers so).
    fn free_timer_number(&self) -> String {
        let live = self.live_timers();
        (1u64..)
            .map(|n| n.to_string())
            .find(|n| !live.iter().any(|t| t.name == *n))
            .unwrap_or_default()
    }

    /// `/timers [off]`: lists the active timers, or stops them all.
    fn timers_command(&mut self, args: &str) -> Result<(), String> {
        let names: Vec<String> = self.live_timers().iter().map(|t| t.name.clone()).collect();
        if args.eq_ignore_ascii_case("off") {
            for name in names {
                self.pending
                    .timers
                    .push(Timer::cancel(name, self.conns.cid));
            }
            self.show("status", "* All timers halted".to_string());
            return Ok(());
        }
        if !args.is_empty() {
            return Err("/timers: invalid parameters".to_string());
        }
        let lines: Vec<String> = self
            .live_timers()
            .iter()
            .map(|t| {
                let reps = if t.reps == 0 {
                    "0".to_string()
                } else {
                    t.reps.to_string()
                };
                format!(
                    "* Timer {} {}time(s) {}ms delay {}",
                    t.name, reps, t.interval_ms, t.command
                )
            })
            .collect();
        if lines.is_empty() {
            self.show("status", "* No active timers".to_string());
        } else {
            self.show("status", "* Active timers:".to_string());
            for l in lines {
                self.show("status", l);
            }
        }
        Ok(())
    }

    /// `/timer[name] [-ohm] reps delay command`, `/timerNAME off`, `/timerNAME -p|-r|-e`.
    fn timer(&mut self, name: &str, args: &str) -> Result<(), String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let (mut millis, mut hires, mut offline, mut act) = (false, false, false, None);
        while let Some(sw) = words.first().and_then(|w| w.strip_prefix('-')) {
            if sw.is_empty() || sw.bytes().all(|b| b.is_ascii_digit()) {
                break;
            }
            for c in sw.chars() {
                match c {
                    'm' => millis = true,
                    'h' => (millis, hires) = (true, true),
                    'o' => offline = true,
                    // Catch-up, order and the active connection: timers here fire on the
                    // client's clock, in order, on the connection they were made on.
                    'c' | 'd' | 'i' => {}
                    'p' | 'P' | 'r' | 'e' => act = Some(c),
                    _ => return Err(format!("/timer: unknown switch -{c}")),
                }
            }
            words.remove(0);
        }
        if let Some(act) = act {
            return self.timer_action(name, act, &words);
        }
        let name = if name.is_empty() {
            self.free_timer_number()
        } else {
            name.to_string()
        };
        if words.first().is_some_and(|w| w.eq_ignore_ascii_case("off")) {
            self.pending
                .timers
                .push(Timer::cancel(name, self.conns.cid));
            return Ok(());
        }
        if words.len() < 3 {
            return Err("/timer: insufficient parameters".to_string());
        }
        let reps: u64 = words[0].parse().map_err(|_| "/timer: bad repetitions")?;
        let delay: f64 = words[1].parse().map_err(|_| "/timer: bad delay")?;
        let interval_ms = if millis { delay } else { delay * 1000.0 } as u64;
        self.pending.timers.push(Timer {
            name,
            reps,
            interval_ms,
            millis,
            hires,
            // A timer made while not connected is an offline one, as in mIRC.
            offline: offline || !self.net.get().is_connected(),
            paused: None,
            due: self.now + interval_ms,
            command: words[2..].join(" "),
            cid: self.conns.cid,
            owner: self.runner,
            callback: None,
        });
        Ok(())
    }

    /// `/timerNAME -p` (or `-P`) pauses the timers the name matches (a wildcard), `-r`
    /// resumes them, `-e` runs their command now (a repetition is used up). The name may
    /// also follow the switch: `/timer -p NAME`.
    fn timer_action(&mut self, name: &str, act: char, words: &[&str]) -> Result<(), String> {
        let pattern = match (name, words.first()) {
            ("", Some(w)) => (*w).to_string(),
            ("", None) => return Err(format!("/timer: -{act} needs a timer name")),
            (n, _) => n.to_string(),
        };
        let matched: Vec<Timer> = self
            .live_timers()
            .into_iter()
            .filter(|t| wildmatch(&pattern, &t.name, false))
            .cloned()
            .collect();
        if matched.is_empty() {
            return Err(format!("/timer: no such timer {pattern}"));
        }
        let now = self.now;
        for mut t in matched {
            match act {
                'e' => self.pending.timer_runs.push(t.name.clone()),
                'r' => {
                    if let Some(left) = t.paused.take() {
                        t.due = now + left;
                    }
                    self.pending.timers.push(t);
                }
                _ => {
                    if t.paused.is_none() {
                        t.paused = Some(t.due.saturating_sub(now));
                    }
                    self.pending.timers.push(t);
                }
            }
        }
        Ok(())
    }
}

fn target_text(args: &str) -> Option<(&str, &str)> {
    let (t, rest) = args.split_once(' ')?;
    Some((t, rest))
}

impl Host for ScriptHost<'_> {
    fn stop_requested(&mut self) -> bool {
        self.stop.as_ref().is_some_and(|(s, mark)| s.since(*mark))
    }

    fn file_access(
        &mut self,
        script: Option<usize>,
        path: &Path,
        write: bool,
    ) -> Option<Result<(), String>> {
        // As for commands: a loaded script's code runs as that script, unless another
        // engine's script called it (the caller's rule).
        let outer = self.runner;
        let engine_caller = outer.is_some_and(|r| r >= ENGINE_SCRIPTS_FROM);
        if let Some(s) = script.filter(|_| !engine_caller) {
            self.runner = u32::try_from(s).ok();
        }
        let r = self.file_permit(path, write);
        self.runner = outer;
        Some(r)
    }

    fn is_window(&self, name: &str) -> bool {
        self.is_query_window(name) || self.is_custom_window(name)
    }

    fn echo(&mut self, window: &str, text: &str) {
        let w = match window {
            "active" => self.active.clone(),
            "status" | "single" => "status".to_string(),
            other => other.to_string(),
        };
        if w.starts_with('@') && self.echo_custom(&w, text) {
            return;
        }
        self.show(&w, text.to_string());
    }

    fn identifier(
        &mut self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        if name.starts_with("sock") {
            if let Some(r) = self.sock_identifier(name, args, prop) {
                return Some(r);
            }
        }
        if let Some(r) = self.dns_identifier(name, args, prop) {
            return Some(r);
        }
        if let Some(r) = self.dcc_identifier(name, args, prop) {
            return Some(r);
        }
        if name.starts_with('?') || name == "input" {
            if let Some(r) = self.prompt_identifier(name, args) {
                return Some(r);
            }
        }
        if matches!(name, "did" | "dialog" | "dname" | "devent") {
            if let Some(r) = self.dialog_identifier(name, args, prop) {
                return Some(r);
            }
        }
        if name.starts_with("parse") && args.is_empty() {
            if let Some(v) = self.parse_identifier(name) {
                return Some(Ok(v));
            }
        }
        let net = self.net.get();
        let info = self.info;
        let text = |s: Option<&str>| Some(Ok(s.map_or(Value::Null, Value::text)));
        let from = info.from.as_ref();
        match (name, args.len()) {
            ("me", 0) => text(Some(net.me())),
            ("nick", 0) => text(from.map(|p| p.nick.as_str())),
            ("chan", 0) => text(info.chan.as_deref()),
            ("target", 0) => text(info.target.as_deref().or(info.chan.as_deref())),
            ("address", 0) => text(from.and_then(Prefix::address).as_deref()),
            ("fulladdress", 0) => text(from.map(ToString::to_string).as_deref()),
            ("site", 0) => text(from.and_then(|p| p.host.as_deref())),
            ("wildsite", 0) => text(
                from.and_then(|p| p.host.as_deref())
                    .map(|h| format!("*!*@{h}"))
                    .as_deref(),
            ),
            ("knick" | "newnick" | "opnick" | "vnick" | "hnick", 0) => {
                text(info.other_nick.as_deref())
            }
            ("banmask", 0) => text(info.banmask.as_deref()),
            ("bnick", 0) => text(
                info.other_nick
                    .as_deref()
                    .filter(|_| info.banmask.is_some()),
            ),
            ("event", 0) => text(Some(&info.name.to_ascii_lowercase())),
            ("signal", 0) => text(info.key.as_deref().filter(|_| info.name == "SIGNAL")),
            ("level", 1) => {
                let users = self.users.get();
                let who = self.user_address(&args[0].as_str());
                Some(Ok(match users.find(&who) {
                    Some(e) => Value::from_string(e.levels.join(",")),
                    None => Value::Int(i64::from(users.default_level)),
                }))
            }
            ("ulist", 1..=3) => {
                let (level, n) = match args.len() {
                    1 => (None, 1),
                    2 => (None, args[1].to_i64_lenient()),
                    _ => {
                        let l = args[1].as_str().into_owned();
                        ((!l.is_empty()).then_some(l), args[2].to_i64_lenient())
                    }
                };
                let found = self
                    .users
                    .get()
                    .matching(&args[0].as_str(), level.as_deref());
                if n == 0 {
                    return Some(Ok(Value::Int(found.len() as i64)));
                }
                let e = usize::try_from(n - 1).ok().and_then(|i| found.get(i));
                text(e.map(|e| {
                    if prop.is_some_and(|p| p.eq_ignore_ascii_case("info")) {
                        e.info.as_str()
                    } else {
                        e.mask.as_str()
                    }
                }))
            }
            ("numeric", 0) => text(Some(
                info.key
                    .as_deref()
                    .filter(|k| k.bytes().all(|b| b.is_ascii_digit()))
                    .unwrap_or("0"),
            )),
            ("rawmsg", 0) => text(info.raw.as_deref()),
            ("server", 0) => text(net.server()),
            ("network", 0) => text(net.network()),
            ("active", 0) => text(Some(&self.active)),
            ("away", 0) => Some(Ok(Value::bool(net.away().is_some()))),
            ("awaymsg", 0) => text(net.away()),
            ("chan", 1) => {
                let a = args[0].as_str();
                let c = if net.is_channel(&a) {
                    net.channel(&a)
                } else {
                    let n = args[0].to_i64_lenient();
                    if n == 0 {
                        return Some(Ok(Value::Int(net.channels().count() as i64)));
                    }
                    usize::try_from(n - 1)
                        .ok()
                        .and_then(|i| net.channels().nth(i))
                };
                let Some(c) = c else {
                    return text(None);
                };
                match prop.map(str::to_ascii_lowercase).as_deref() {
                    None => text(Some(&c.name)),
                    Some("topic") => text(c.topic.as_deref()),
                    Some("key") => text(c.modes.get(&'k').cloned().flatten().as_deref()),
                    Some("limit") => text(c.modes.get(&'l').cloned().flatten().as_deref()),
                    Some("mode") => {
                        let mut flags = String::from("+");
                        let mut params = Vec::new();
                        for (m, p) in &c.modes {
                            flags.push(*m);
                            if let Some(p) = p {
                                params.push(p.as_str());
                            }
                        }
                        if flags.len() == 1 {
                            return text(None);
                        }
                        params.insert(0, &flags);
                        text(Some(&params.join(" ")))
                    }
                    Some(_) => text(None),
                }
            }
            ("nick", 2..=4) => {
                let chan = args[0].as_str();
                let include = args
                    .get(2)
                    .map(|a| a.as_str().into_owned())
                    .unwrap_or_default();
                let exclude = args
                    .get(3)
                    .map(|a| a.as_str().into_owned())
                    .unwrap_or_default();
                let nicks = net.nicks(&chan, &include, &exclude);
                let who = args[1].as_str();
                let m = if who.parse::<i64>().is_ok() {
                    let n = args[1].to_i64_lenient();
                    if n == 0 {
                        return Some(Ok(Value::Int(nicks.len() as i64)));
                    }
                    usize::try_from(n - 1).ok().and_then(|i| nicks.get(i))
                } else {
                    nicks.iter().find(|m| m.nick.eq_ignore_ascii_case(&who))
                };
                let Some(m) = m else {
                    return text(None);
                };
                if prop.is_some_and(|p| p.eq_ignore_ascii_case("pnick")) {
                    text(Some(&format!("{}{}", m.prefixes, m.nick)))
                } else {
                    text(Some(&m.nick))
                }
            }
            ("address", 2) => {
                let a = net.address(&args[0].as_str()).map(|a| {
                    format!(
                        "{}!{}@{}",
                        a.nick,
                        a.user.as_deref().unwrap_or("*"),
                        a.host.as_deref().unwrap_or("*")
                    )
                });
                let ty = u32::try_from(args[1].to_i64_lenient()).ok();
                text(a.and_then(|a| users::mask(&a, ty?)).as_deref())
            }
            ("op:ison", 2) => Some(Ok(Value::bool(
                net.is_on(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("op:isop", 2) => Some(Ok(Value::bool(
                net.is_op(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("op:ishop", 2) => Some(Ok(Value::bool(
                net.is_hop(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("op:isvoice" | "op:isvo", 2) => Some(Ok(Value::bool(
                net.is_voice(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("op:isreg", 2) => Some(Ok(Value::bool(
                net.is_reg(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("op:ischan", 2) => Some(Ok(Value::bool(net.channel(&args[0].as_str()).is_some()))),
            ("op:isban", 2) => Some(Ok(Value::bool(
                net.is_ban(&args[0].as_str(), &args[1].as_str()),
            ))),
            ("query", 1) => self.window_identifier(name, args),
            ("window", 1) => self
                .custom_window_identifier(args, prop)
                .or_else(|| self.window_state_identifier(args, prop)),
            ("line", 2..=3) => self.line_identifier(args),
            ("sline", 2) => self.sline_identifier(args, prop),
            ("snicks", 0) => Some(self.snicks()),
            ("mouse", 0) => {
                let m = &self.extras.get().mouse;
                Some(Ok(match prop.map(str::to_ascii_lowercase).as_deref() {
                    Some("x" | "mx" | "dx") => Value::Int(m.x),
                    Some("y" | "my" | "dy") => Value::Int(m.y),
                    Some("key") => Value::Int(i64::from(m.key)),
                    Some("win") => Value::text(&m.window),
                    Some("lb") => Value::Int(m.list_line as i64),
                    _ => Value::Null,
                }))
            }
            _ => match self.irc_identifier(name, args, prop) {
                Some(v) => Some(v),
                None => self.conn_identifier(name, args, prop),
            },
        }
    }

    fn command(&mut self, name: &str, args: &str, silent: bool) -> Option<Result<(), String>> {
        let name = name.to_ascii_lowercase();
        if let Some(r) = self.engine_command(&name, args) {
            return Some(r);
        }
        if name.starts_with("sock") {
            // Untrimmed: a line sent ends with the $crlf the script put there.
            if let Some(r) = self.sock_command(&name, args) {
                return Some(r);
            }
        }
        if name == "dns" {
            return Some(self.dns_command(args));
        }
        if name == "help" {
            return Some(self.help_command(args.trim()));
        }
        if let Some(r) = self.dcc_command(&name, args) {
            return Some(r);
        }
        if let Some(r) = self.dialog_command(&name, args) {
            return Some(r);
        }
        if name == "parseline" {
            // Untrimmed: the line keeps its spacing.
            return Some(self.parseline_command(args));
        }
        if name == "run" {
            return Some(self.run_program(args));
        }
        let me = self.me();
        let active = self.active.clone();
        let args = args.trim();
        if name == "timers" {
            return Some(self.timers_command(args));
        }
        if let Some(tname) = name.strip_prefix("timer") {
            return Some(self.timer(tname, args));
        }
        let r = match name.as_str() {
            "msg" | "privmsg" => match target_text(args) {
                Some((t, text)) => {
                    for target in t.split(',') {
                        if !silent {
                            let w = target.to_string();
                            self.show(&w, format!("<{me}> {text}"));
                        }
                        self.intent(Intent::Privmsg {
                            target: target.to_string(),
                            text: text.to_string(),
                        });
                    }
                    Ok(())
                }
                None => Err("/msg: insufficient parameters".to_string()),
            },
            "say" | "me" if active.eq_ignore_ascii_case("status") => Err(format!(
                "/{name}: the active window is the status window, not a channel or query"
            )),
            "say" => {
                self.show(&active, format!("<{me}> {args}"));
                self.intent(Intent::Privmsg {
                    target: active,
                    text: args.to_string(),
                });
                Ok(())
            }
            "notice" => match target_text(args) {
                Some((t, text)) => {
                    if !silent {
                        self.show(&active, format!("-> -{t}- {text}"));
                    }
                    self.intent(Intent::Notice {
                        target: t.to_string(),
                        text: text.to_string(),
                    });
                    Ok(())
                }
                None => Err("/notice: insufficient parameters".to_string()),
            },
            "me" | "describe" => {
                let (target, text) = if name == "me" {
                    (active.as_str(), args)
                } else {
                    target_text(args).unwrap_or(("", ""))
                };
                if target.is_empty() {
                    return Some(Err(format!("/{name}: insufficient parameters")));
                }
                let target = target.to_string();
                self.show(&target, format!("* {me} {text}"));
                self.intent(Intent::Action {
                    target: target.clone(),
                    text: text.to_string(),
                });
                Ok(())
            }
            "ctcp" => match target_text(args) {
                Some((t, rest)) => {
                    let (cmd, a) = rest
                        .split_once(' ')
                        .map_or((rest, None), |(c, a)| (c, Some(a)));
                    self.intent(Intent::Ctcp {
                        target: t.to_string(),
                        ctcp: Ctcp::new(cmd, a),
                    });
                    Ok(())
                }
                None => Err("/ctcp: insufficient parameters".to_string()),
            },
            "ctcpreply" => match target_text(args) {
                Some((t, rest)) => {
                    let (cmd, a) = rest
                        .split_once(' ')
                        .map_or((rest, None), |(c, a)| (c, Some(a)));
                    self.intent(Intent::CtcpReply {
                        target: t.to_string(),
                        ctcp: Ctcp::new(cmd, a),
                    });
                    Ok(())
                }
                None => Err("/ctcpreply: insufficient parameters".to_string()),
            },
            "join" | "j" => {
                let mut w = args.split(' ');
                let chans = w.next().unwrap_or("");
                let keys = w.next();
                if chans.is_empty() {
                    return Some(Err("/join: insufficient parameters".to_string()));
                }
                for (i, c) in chans.split(',').enumerate() {
                    let c = if self.net.get().is_channel(c) {
                        c.to_string()
                    } else {
                        format!("#{c}")
                    };
                    let key = keys.and_then(|k| k.split(',').nth(i)).map(str::to_string);
                    self.intent(Intent::Join { channel: c, key });
                }
                Ok(())
            }
            "part" => {
                let (c, reason) = args
                    .split_once(' ')
                    .map_or((args, None), |(c, r)| (c, Some(r.to_string())));
                let c = if c.is_empty() { active.as_str() } else { c };
                self.intent(Intent::Part {
                    channel: c.to_string(),
                    reason,
                });
                Ok(())
            }
            "quit" => {
                self.intent(Intent::Quit {
                    reason: (!args.is_empty()).then(|| args.to_string()),
                });
                Ok(())
            }
            "nick" => {
                self.intent(Intent::Nick(args.to_string()));
                Ok(())
            }
            "raw" | "quote" => {
                let line = args.strip_prefix("-q ").unwrap_or(args);
                self.intent(Intent::Raw(line.to_string()));
                Ok(())
            }
            "kick" => {
                let mut w = args.splitn(3, ' ');
                let (c, n, r) = (w.next().unwrap_or(""), w.next().unwrap_or(""), w.next());
                let mut params = vec![c.to_string(), n.to_string()];
                if let Some(r) = r {
                    params.push(r.to_string());
                }
                self.intent(Intent::Send(Message::new("KICK", params)));
                Ok(())
            }
            "mode" => {
                let params: Vec<String> = args.split(' ').map(str::to_string).collect();
                self.intent(Intent::Send(Message::new("MODE", params)));
                Ok(())
            }
            "topic" => {
                let (c, t) = args.split_once(' ').unwrap_or((args, ""));
                let mut params = vec![c.to_string()];
                if !t.is_empty() {
                    params.push(t.to_string());
                }
                self.intent(Intent::Send(Message::new("TOPIC", params)));
                Ok(())
            }
            "invite" => {
                let params: Vec<String> = args.split(' ').map(str::to_string).collect();
                self.intent(Intent::Send(Message::new("INVITE", params)));
                Ok(())
            }
            "away" => {
                self.intent(Intent::Away((!args.is_empty()).then(|| args.to_string())));
                Ok(())
            }
            "signal" => self.signal(args),
            "server" => self.server_command(args),
            "auser" | "guser" => self.add_user(&name, args),
            "ruser" => self.remove_user(args),
            "enable" | "disable" => {
                for g in args.split(' ').filter(|g| g.starts_with('#')) {
                    self.pending
                        .groups
                        .push((None, g.to_string(), name == "enable"));
                }
                Ok(())
            }
            _ => return self.irc_command(&name, args, silent),
        };
        Some(r)
    }

    fn connections(&mut self, name: &str, args: &str) -> Option<Result<Relay, String>> {
        Some(self.connections_command(name, args))
    }

    fn switch_connection(&mut self, cid: u64) -> u64 {
        let back = u64::from(self.conns.cid);
        if let Ok(cid) = u32::try_from(cid) {
            self.switch_to(cid);
        }
        back
    }

    fn now_ms(&mut self) -> i64 {
        i64::try_from(self.now).unwrap_or(0)
    }

    fn ticks_ms(&mut self) -> i64 {
        i64::try_from(self.now).unwrap_or(0)
    }

    fn take_var_writes(&mut self) -> Vec<(String, Value)> {
        self.sock_take_writes()
    }

    fn script_command(
        &mut self,
        script: Option<usize>,
        name: &str,
        args: &str,
        silent: bool,
    ) -> Option<Result<(), String>> {
        // A loaded script's code runs as that script; a typed line or a timer's command as
        // whoever runs it (the user, or the script that made the timer).
        // mSL code another engine's script runs (`irc.command`, an alias it calls) runs with
        // that script's permissions: the caller's.
        let outer = self.runner;
        let engine_caller = outer.is_some_and(|r| r >= ENGINE_SCRIPTS_FROM);
        if let Some(s) = script.filter(|_| !engine_caller) {
            self.runner = u32::try_from(s).ok();
        }
        let r = self.command(name, args, silent);
        self.runner = outer;
        r
    }
}
