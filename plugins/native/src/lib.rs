//! `rustirc-native`: native plugins (shared libraries with the C ABI of
//! [`rustirc_plugin_abi`]) on RustIRC's event table.
//!
//! The engine is called `plugin`, so the client answers `/plugin load|unload|reload|enable|
//! disable|list|info`. A plugin file is checked from its header before it is opened
//! ([`inspect`]: format, architecture, required exports), then opened and checked again in a
//! fixed order ([`loader`]: symbols, ABI version, duplicate name, `plugin_init`). Its hooks,
//! commands and timers go into the client's one event table, command registry and timer
//! list, like any script's; unloading removes them all.
//!
//! A plugin runs in the client's process (trusted code: a crash in it is a crash of the
//! client) unless it is isolated ([`Options::isolated`], `/plugin load -isolated FILE`, or
//! `[plugins] isolated` in the config): then it runs in a `rustirc-native-host` process under
//! address-space and CPU-time limits, spoken to with the worker protocol of
//! [`rustirc_plugin_proto`] that the Python engine uses. When that process dies, the client
//! says so, stays up, and starts it again after 1, 2, 4, 8 and 16 seconds
//! ([`restart_delay`]); a plugin that crashes again after the fifth restart is disabled with
//! a notice.
//!
//! Each in-process load opens a fresh copy of the file (in the temporary folder, removed once
//! opened), so `/plugin reload` picks up a rebuilt file even when the C library keeps the old
//! one mapped (glibc does for a Rust cdylib that registered thread-local destructors).

pub mod inspect;
pub mod loader;
pub mod testing;

use loader::{Calls, Loaded};
use rustirc_core::events::{EngineId, HandlerDecl, ScriptId};
use rustirc_core::host::engine::{
    set_script_enabled, sorted_metas, CommandSpec, EngineEvent, EngineHost, Handled, ScriptEngine,
    ScriptMeta,
};
use rustirc_plugin_proto::process::{Failure, Names, Worker};
use rustirc_plugin_proto::{Event, HostCall, Meta, Reply, ToWorker};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// The environment variable naming the isolated plugin host program.
pub const HOST_ENV: &str = "RUSTIRC_NATIVE_HOST";
/// The host program's file name.
pub const HOST_NAME: &str = "rustirc-native-host";
/// The environment variable that sets the backoff unit in milliseconds (1000 by default; the
/// tests shorten it).
pub const BACKOFF_ENV: &str = "RUSTIRC_PLUGIN_BACKOFF_MS";
/// How many restarts an isolated plugin gets in a row before a crash disables it.
pub const MAX_RESTARTS: u32 = 5;
/// How long (in backoff units: a minute by default) an isolated plugin must run without a
/// crash for its restart count to start afresh.
pub const STABLE_UNITS: u64 = 60;
/// How many errors in a row disable an in-process plugin.
pub const MAX_ERRORS_IN_A_ROW: u32 = 5;

/// How the engine runs plugins.
#[derive(Clone, Debug)]
pub struct Options {
    /// Plugins to isolate, by name or file name.
    pub isolated: Vec<String>,
    /// The restart backoff's unit: the delays are 1, 2, 4, 8 and 16 units.
    pub backoff_unit_ms: u64,
    /// An isolated plugin's address-space limit (RLIMIT_AS), in MiB.
    pub memory_mb: u64,
    /// An isolated plugin's CPU-time limit (RLIMIT_CPU), in seconds of CPU for the life of
    /// its host process.
    pub cpu_secs: u64,
    /// How long an isolated plugin may take over an event, command or timer.
    pub deadline_ms: u64,
    /// How long starting an isolated plugin may take.
    pub load_ms: u64,
    /// The host program; `None`: [`host_path`].
    pub host: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            isolated: Vec::new(),
            backoff_unit_ms: std::env::var(BACKOFF_ENV)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(1000),
            memory_mb: 512,
            cpu_secs: 3600,
            deadline_ms: 2000,
            load_ms: 5000,
            host: None,
        }
    }
}

/// The delay before restart number `n` (1-based) of a crashed isolated plugin: 1, 2, 4, 8,
/// 16 units; `None` from the sixth on (the plugin is disabled instead).
pub fn restart_delay(n: u32, unit_ms: u64) -> Option<Duration> {
    (1..=MAX_RESTARTS)
        .contains(&n)
        .then(|| Duration::from_millis(unit_ms << (n - 1)))
}

/// Where the isolated plugin host program is: `$RUSTIRC_NATIVE_HOST`, else next to the
/// running program or in the folder above it.
///
/// # Errors
/// When it is in neither place.
pub fn host_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(HOST_ENV) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    let name = format!("{HOST_NAME}{}", std::env::consts::EXE_SUFFIX);
    [
        dir.join(&name),
        dir.parent().map(|d| d.join(&name)).unwrap_or_default(),
    ]
    .into_iter()
    .find(|c| c.is_file())
    .ok_or_else(|| {
        format!(
            "the plugin host {name} is not in {} and {HOST_ENV} is not set",
            dir.display()
        )
    })
}

/// Where a client handle leads.
#[derive(Clone)]
struct Route {
    script: ScriptId,
    local: u64,
    kind: RouteKind,
}

#[derive(Clone, PartialEq, Eq)]
enum RouteKind {
    Hook(String),
    Command(String),
    Timer,
    Restart,
}

/// What one plugin registered, by its local numbers.
#[derive(Default)]
struct Regs {
    handlers: HashMap<u64, u64>,
    command_names: Vec<String>,
    timers: HashMap<u64, (u64, String)>,
}

enum Runner {
    InProcess(Box<Loaded>),
    Isolated(Option<Worker>),
}

/// One loaded plugin.
struct Plugin {
    id: ScriptId,
    file: String,
    isolated: bool,
    meta: RefCell<ScriptMeta>,
    abi: Cell<(u32, u32)>,
    runner: RefCell<Runner>,
    regs: RefCell<Regs>,
    errors: Cell<u32>,
    restarts: Cell<u32>,
    restarting: Cell<bool>,
    started: Cell<Option<std::time::Instant>>,
    disabled: Cell<bool>,
    storage: RefCell<Option<Storage>>,
    header: Vec<String>,
}

/// A plugin's stored values (`storage_get`, `storage_set`), in `plugins/NAME.json` in the
/// data folder (in memory only without one).
struct Storage {
    path: Option<PathBuf>,
    map: BTreeMap<String, String>,
}

impl Storage {
    fn open(dir: Option<PathBuf>, name: &str) -> Storage {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.map(|d| d.join("plugins").join(format!("{safe}.json")));
        let map = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Storage { path, map }
    }

    fn save(&self) -> Result<(), String> {
        let Some(p) = &self.path else { return Ok(()) };
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)
                .map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        }
        let tmp = p.with_extension("json.tmp");
        let body = serde_json::to_vec_pretty(&self.map).map_err(|e| e.to_string())?;
        std::fs::write(&tmp, body).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, p).map_err(|e| format!("cannot write {}: {e}", p.display()))
    }
}

/// The native plugin engine.
pub struct NativeEngine {
    id: Cell<EngineId>,
    opts: Options,
    next: Cell<u64>,
    copies: Cell<u64>,
    plugins: RefCell<HashMap<ScriptId, Rc<Plugin>>>,
    routes: RefCell<HashMap<u64, Route>>,
    isolate_next: RefCell<HashSet<String>>,
}

fn base(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

/// The host calls of a call into an in-process plugin, carried out through the client.
struct EngineCalls<'a, 'h> {
    engine: &'a NativeEngine,
    plugin: &'a Plugin,
    host: &'a mut (dyn EngineHost + 'h),
}

impl Calls for EngineCalls<'_, '_> {
    fn call(&mut self, call: HostCall) -> Result<Value, String> {
        self.engine.host_call(self.plugin, call, self.host)
    }

    fn log(&mut self, level: &str, text: &str) {
        log_line(self.host, &self.plugin.meta.borrow().name, level, text);
    }
}

fn log_line(host: &mut dyn EngineHost, name: &str, level: &str, text: &str) {
    host.echo("status", &format!("[{level}] plugin {name}: {text}"));
}

impl Default for NativeEngine {
    fn default() -> Self {
        NativeEngine::new(Options::default())
    }
}

impl NativeEngine {
    /// An engine with `opts`.
    pub fn new(opts: Options) -> NativeEngine {
        NativeEngine {
            id: Cell::new(0),
            opts,
            next: Cell::new(0),
            copies: Cell::new(0),
            plugins: RefCell::default(),
            routes: RefCell::default(),
            isolate_next: RefCell::default(),
        }
    }

    fn handle(&self) -> u64 {
        let h = self.next.get() + 1;
        self.next.set(h);
        h
    }

    fn plugin(&self, id: ScriptId) -> Option<Rc<Plugin>> {
        self.plugins.borrow().get(&id).cloned()
    }

    fn route(&self, handle: u64) -> Option<(Route, Rc<Plugin>)> {
        let r = self.routes.borrow().get(&handle).cloned()?;
        let p = self.plugin(r.script)?;
        Some((r, p))
    }

    fn wants_isolation(&self, file: &str) -> bool {
        let b = base(file);
        let stem = plugin_stem(b);
        if self
            .isolate_next
            .borrow_mut()
            .remove(&b.to_ascii_lowercase())
        {
            return true;
        }
        self.opts
            .isolated
            .iter()
            .any(|n| n.eq_ignore_ascii_case(b) || n.eq_ignore_ascii_case(&stem) || n == file)
    }

    /// Carries out a host call of plugin `p`.
    fn host_call(
        &self,
        p: &Plugin,
        call: HostCall,
        host: &mut dyn EngineHost,
    ) -> Result<Value, String> {
        let engine = self.id.get();
        match call {
            HostCall::Command { name, args } => match host.command(&name, &args, false) {
                Some(Ok(())) => Ok(Value::Null),
                Some(Err(e)) => Err(e),
                None => Err(format!("unknown command /{name}")),
            },
            HostCall::Identifier { name, args } => {
                let args: Vec<rustirc_lang::Value> =
                    args.into_iter().map(rustirc_lang::Value::from_string).collect();
                match host.identifier(&name, &args, None) {
                    Some(Ok(v)) => Ok(Value::String(v.as_str().into_owned())),
                    Some(Err(e)) => Err(e),
                    None => Ok(Value::Null),
                }
            }
            HostCall::Echo { window, text } => {
                let window = if window == "active" { host.active() } else { window };
                host.echo(&window, &text);
                Ok(Value::Null)
            }
            HostCall::Eval { text } => host.eval(&text).map(Value::String),
            HostCall::RunLine { line } => host.run_line(&line).map(|()| Value::Null),
            HostCall::Channels => Ok(json!(host.channels())),
            HostCall::Users { channel } => Ok(Value::Array(
                host.users(&channel)
                    .into_iter()
                    .map(|(nick, prefix, address)| json!({"nick": nick, "prefix": prefix, "address": address}))
                    .collect(),
            )),
            HostCall::Active => Ok(Value::String(host.active())),
            HostCall::Servers => Ok(Value::Array(Vec::new())),
            HostCall::On { handle, event, priority, pre, channel, matcher, key } => {
                let g = self.handle();
                let mut decl = HandlerDecl::new(&event, g);
                decl.priority = priority;
                decl.prefixes.pre = pre;
                if let Some(c) = channel {
                    decl.target = rustirc_core::events::TargetFilter::parse(&c);
                }
                if let Some(m) = matcher {
                    decl.matcher = rustirc_core::events::Matcher::wild(&m);
                }
                decl.key = key;
                self.routes.borrow_mut().insert(
                    g,
                    Route { script: p.id, local: handle, kind: RouteKind::Hook(event) },
                );
                p.regs.borrow_mut().handlers.insert(handle, g);
                host.add_handler(engine, p.id, decl);
                Ok(Value::Null)
            }
            HostCall::Off { handle } => {
                let g = p.regs.borrow_mut().handlers.remove(&handle);
                let Some(g) = g else {
                    return Err(format!("the plugin has no hook {handle}"));
                };
                self.routes.borrow_mut().remove(&g);
                host.remove_handler(engine, g);
                Ok(Value::Null)
            }
            HostCall::AddCommand { handle, name, help, usage, .. } => {
                let g = self.handle();
                host.add_command(
                    engine,
                    p.id,
                    g,
                    CommandSpec { name: name.clone(), help, usage, complete: None },
                )?;
                p.regs.borrow_mut().command_names.push(name.clone());
                self.routes.borrow_mut().insert(
                    g,
                    Route { script: p.id, local: handle, kind: RouteKind::Command(name) },
                );
                Ok(Value::Null)
            }
            HostCall::RemoveCommand { name } => {
                let g = host.remove_command(p.id, &name);
                if let Some(g) = g {
                    self.routes.borrow_mut().remove(&g);
                }
                p.regs.borrow_mut().command_names.retain(|n| !n.eq_ignore_ascii_case(&name));
                Ok(Value::Bool(g.is_some()))
            }
            HostCall::AddTimer { handle, ms, count } => {
                let g = self.handle();
                let name = host.add_timer(engine, p.id, g, ms, count);
                self.routes.borrow_mut().insert(
                    g,
                    Route { script: p.id, local: handle, kind: RouteKind::Timer },
                );
                p.regs.borrow_mut().timers.insert(handle, (g, name.clone()));
                Ok(Value::String(name))
            }
            HostCall::CancelTimer { name } => {
                let g = {
                    let mut regs = p.regs.borrow_mut();
                    let local = regs.timers.iter().find(|(_, (_, n))| *n == name).map(|(l, _)| *l);
                    local.and_then(|l| regs.timers.remove(&l)).map(|(g, _)| g)
                };
                if let Some(g) = g {
                    self.routes.borrow_mut().remove(&g);
                }
                host.cancel_timer(&name);
                Ok(Value::Null)
            }
            HostCall::Http { .. } => Err(
                "HTTP requests are not part of the native plugin ABI (a plugin makes its own)"
                    .to_string(),
            ),
            HostCall::StorageGet { key } => {
                let mut st = p.storage.borrow_mut();
                let st = st.get_or_insert_with(|| Storage::open(host.data_dir(), &p.meta.borrow().name));
                Ok(st.map.get(&key).map_or(Value::Null, |v| Value::String(v.clone())))
            }
            HostCall::StorageSet { key, value } => {
                let mut st = p.storage.borrow_mut();
                let st = st.get_or_insert_with(|| Storage::open(host.data_dir(), &p.meta.borrow().name));
                match value {
                    Some(v) => st.map.insert(key, v),
                    None => st.map.remove(&key),
                };
                st.save().map(|()| Value::Null)
            }
        }
    }

    /// Takes back everything `p` registered (when its host process died, or it goes).
    fn forget(&self, p: &Plugin, host: Option<&mut dyn EngineHost>) {
        let regs = std::mem::take(&mut *p.regs.borrow_mut());
        self.routes
            .borrow_mut()
            .retain(|_, r| r.script != p.id || r.kind == RouteKind::Restart);
        if let Some(host) = host {
            let engine = self.id.get();
            for g in regs.handlers.values() {
                host.remove_handler(engine, *g);
            }
            for name in &regs.command_names {
                host.remove_command(p.id, name);
            }
            for (_, name) in regs.timers.values() {
                host.cancel_timer(name);
            }
        }
    }

    /// Writes `bytes` to a fresh file to open, so that a rebuilt plugin is never mistaken
    /// for the copy the C library still has mapped.
    fn fresh_copy(&self, file: &str, bytes: &[u8]) -> Result<PathBuf, String> {
        let dir = std::env::temp_dir().join(format!("rustirc-plugins-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let n = self.copies.get() + 1;
        self.copies.set(n);
        let path = dir.join(format!("{n}-{}", base(file)));
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot copy {file} to {}: {e}", path.display()))?;
        Ok(path)
    }

    fn taken(&self, except: ScriptId) -> Vec<String> {
        self.plugins
            .borrow()
            .values()
            .filter(|p| p.id != except)
            .map(|p| p.meta.borrow().name.clone())
            .collect()
    }

    /// Loads `p` in-process.
    fn load_in_process(
        &self,
        p: &Rc<Plugin>,
        bytes: &[u8],
        host: &mut dyn EngineHost,
    ) -> Result<Meta, String> {
        let copy = self.fresh_copy(&p.file, bytes)?;
        let opened = loader::open(&copy, &p.file);
        // Linux and macOS keep an opened file mapped after it is removed; Windows does not
        // allow removing it, so the copy stays there until the temporary folder is cleaned.
        if !cfg!(windows) {
            let _ = std::fs::remove_file(&copy);
        }
        let opened = opened?;
        let name = opened.info.name.clone();
        if let Some(other) = self
            .plugins
            .borrow()
            .values()
            .find(|o| o.id != p.id && o.meta.borrow().name.eq_ignore_ascii_case(&name))
        {
            return Err(format!(
                "a plugin named '{name}' is already loaded ({}): unload it first, or /plugin reload it",
                other.file
            ));
        }
        p.meta.borrow_mut().name = name;
        p.abi.set(opened.info.abi);
        let loaded = {
            let mut calls = EngineCalls {
                engine: self,
                plugin: p,
                host: &mut *host,
            };
            opened.init(&mut calls)?
        };
        let meta = loaded.meta();
        *p.runner.borrow_mut() = Runner::InProcess(Box::new(loaded));
        Ok(meta)
    }

    /// Starts `p`'s host process and loads the plugin into it.
    fn start_isolated(&self, p: &Plugin, host: &mut dyn EngineHost) -> Result<Meta, String> {
        let exe = match &self.opts.host {
            Some(h) => h.clone(),
            None => host_path()?,
        };
        let mut cmd = std::process::Command::new(&exe);
        cmd.arg("--memory-mb")
            .arg(self.opts.memory_mb.to_string())
            .arg("--cpu-secs")
            .arg(self.opts.cpu_secs.to_string());
        let mut w = Worker::spawn(cmd, Names::new("plugin host", "process"), self.opts.load_ms)?;
        let seq = w.next_seq();
        let msg = ToWorker::LoadNative {
            seq,
            script: p.id,
            file: p.file.clone(),
            taken: self.taken(p.id),
            deadline_ms: self.opts.load_ms,
        };
        let r = self.exchange(p, &mut w, &msg, seq, self.opts.load_ms, host);
        match r {
            Ok(Reply::Loaded { meta }) => {
                *p.runner.borrow_mut() = Runner::Isolated(Some(w));
                p.started.set(Some(std::time::Instant::now()));
                Ok(meta)
            }
            Ok(other) => Err(format!(
                "the plugin host answered {other:?} to loading {}",
                p.file
            )),
            Err(Failure::Script(e)) => Err(e.message),
            Err(Failure::Dead(why)) => Err(format!("{}: {why} (loading it)", p.file)),
        }
    }

    fn exchange(
        &self,
        p: &Plugin,
        w: &mut Worker,
        msg: &ToWorker,
        seq: u64,
        wait_ms: u64,
        host: &mut dyn EngineHost,
    ) -> Result<Reply, Failure> {
        let name = p.meta.borrow().name.clone();
        let cell = RefCell::new(host);
        w.exchange(
            msg,
            seq,
            wait_ms,
            500,
            &mut |call| {
                let mut h = cell.borrow_mut();
                self.host_call(p, call, &mut **h)
            },
            &mut |level, text| {
                let mut h = cell.borrow_mut();
                log_line(&mut **h, &name, level, text);
            },
        )
    }

    /// Sends `ev` (hook `local`) to `p`, wherever it runs.
    fn deliver(
        &self,
        p: &Plugin,
        local: u64,
        ev: &Event,
        label: &str,
        host: &mut dyn EngineHost,
    ) -> Result<Reply, String> {
        let name = p.meta.borrow().name.clone();
        let Ok(mut runner) = p.runner.try_borrow_mut() else {
            return Err(format!(
                "plugin {name} is busy (a call into it is under way) (in {label})"
            ));
        };
        let r = match &mut *runner {
            Runner::InProcess(loaded) => {
                let mut calls = EngineCalls {
                    engine: self,
                    plugin: p,
                    host: &mut *host,
                };
                loaded
                    .deliver(local, ev, &mut calls)
                    .map_err(|e| format!("plugin {name}: {} (in {label} of {})", e.message, p.file))
            }
            Runner::Isolated(slot) => {
                let Some(w) = slot.as_mut() else {
                    return Ok(Reply::Done);
                };
                let seq = w.next_seq();
                let msg = ToWorker::Event {
                    seq,
                    handle: local,
                    event: ev.clone(),
                    deadline_ms: self.opts.deadline_ms,
                };
                match self.exchange(p, w, &msg, seq, self.opts.deadline_ms, host) {
                    Ok(r) => Ok(r),
                    Err(Failure::Script(e)) => Err(format!(
                        "plugin {name}: {} (in {label} of {})",
                        e.message, p.file
                    )),
                    Err(Failure::Dead(why)) => {
                        *slot = None;
                        drop(runner);
                        return Err(self.crashed(p, &why, label, host));
                    }
                }
            }
        };
        drop(runner);
        match &r {
            Ok(_) => p.errors.set(0),
            Err(_) if !p.isolated => {
                let n = p.errors.get() + 1;
                p.errors.set(n);
                if n >= MAX_ERRORS_IN_A_ROW {
                    p.disabled.set(true);
                    p.meta.borrow_mut().disabled = true;
                    host.echo(
                        "status",
                        &format!("* plugin: {name} ({}) disabled after {n} errors in a row; /plugin enable {name} to run it again", p.file),
                    );
                }
            }
            Err(_) => {}
        }
        r
    }

    /// An isolated plugin's host process died: take back its registrations, and schedule a
    /// restart with backoff, or disable it. What happened, to show.
    fn crashed(&self, p: &Plugin, why: &str, label: &str, host: &mut dyn EngineHost) -> String {
        let name = p.meta.borrow().name.clone();
        self.forget(p, Some(&mut *host));
        // A plugin that ran a good while since its last restart starts its count afresh.
        let stable = Duration::from_millis(self.opts.backoff_unit_ms.saturating_mul(STABLE_UNITS));
        if p.started.get().is_some_and(|t| t.elapsed() >= stable) {
            p.restarts.set(0);
        }
        let n = p.restarts.get() + 1;
        p.restarts.set(n);
        let msg = format!("plugin {name} ({}) crashed: {why} (in {label})", p.file);
        match restart_delay(n, self.opts.backoff_unit_ms) {
            Some(delay) => {
                let g = self.handle();
                self.routes.borrow_mut().insert(
                    g,
                    Route {
                        script: p.id,
                        local: 0,
                        kind: RouteKind::Restart,
                    },
                );
                p.restarting.set(true);
                let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                host.add_timer(self.id.get(), p.id, g, ms, 1);
                format!("{msg}; restarting in {ms} ms (restart {n} of {MAX_RESTARTS})")
            }
            None => {
                p.restarting.set(false);
                p.disabled.set(true);
                p.meta.borrow_mut().disabled = true;
                format!(
                    "{msg}; plugin {name} ({}) disabled: it crashed again after {MAX_RESTARTS} restarts in a row; /plugin enable {name} starts it again",
                    p.file
                )
            }
        }
    }

    /// A scheduled restart of `p` is due.
    fn restart(&self, p: &Plugin, host: &mut dyn EngineHost) {
        p.restarting.set(false);
        if p.disabled.get() {
            return;
        }
        let name = p.meta.borrow().name.clone();
        match self.start_isolated(p, host) {
            Ok(_) => host.echo(
                "status",
                &format!(
                    "* plugin {name} restarted (restart {} of {MAX_RESTARTS})",
                    p.restarts.get()
                ),
            ),
            Err(e) => {
                let msg = self.crashed(p, &e, "its restart", host);
                host.echo("status", &format!("* {msg}"));
            }
        }
    }

    fn event_for(&self, p: &Plugin, kind: &RouteKind, args: &str, host: &dyn EngineHost) -> Event {
        let _ = p;
        match kind {
            RouteKind::Command(name) => Event {
                name: "COMMAND".into(),
                key: Some(name.clone()),
                text: args.to_string(),
                target: Some(host.active()),
                ..Event::default()
            },
            _ => Event {
                name: "TIMER".into(),
                ..Event::default()
            },
        }
    }
}

/// A plugin file's name without `lib` and the extension (`librainbow.so` → `rainbow`).
pub fn plugin_stem(file: &str) -> String {
    let b = base(file);
    let stem = Path::new(b)
        .file_stem()
        .map_or_else(|| b.to_string(), |s| s.to_string_lossy().into_owned());
    stem.strip_prefix("lib")
        .map_or(stem.clone(), str::to_string)
}

fn to_event(ev: &EngineEvent) -> Event {
    Event {
        name: ev.name.clone(),
        key: ev.key.clone(),
        text: ev.text.clone(),
        nick: ev.nick.clone(),
        address: ev.address.clone(),
        channel: ev.channel.clone(),
        target: ev.target.clone(),
        other_nick: ev.other_nick.clone(),
        raw: ev.raw.clone(),
        server: ev.server.clone(),
        network: ev.network.clone(),
        halted: ev.halted,
        pre: ev.pre,
    }
}

/// The lines `rustirc plugin info` and `/plugin info` show for a file's header.
pub fn header_lines(ins: &inspect::Inspection) -> Vec<String> {
    vec![
        format!("format: {} {}", ins.format, ins.kind),
        format!("architecture: {}", ins.arch),
        format!(
            "symbols: {}{}",
            ins.present.join(" "),
            if ins.missing.is_empty() {
                String::new()
            } else {
                format!(" (missing: {})", ins.missing.join(" "))
            }
        ),
    ]
}

impl ScriptEngine for NativeEngine {
    fn name(&self) -> &'static str {
        "plugin"
    }

    fn handles(&self, file: &str) -> bool {
        Path::new(file).extension().is_some_and(|e| {
            ["so", "dylib", "dll"]
                .iter()
                .any(|x| e.eq_ignore_ascii_case(x))
        })
    }

    fn attach(&self, id: EngineId) {
        self.id.set(id);
    }

    fn check(&self, file: &str, bytes: &[u8]) -> Vec<String> {
        match inspect::inspect(file, bytes) {
            Ok(ins) => ins.refusal.into_iter().collect(),
            Err(e) => vec![e],
        }
    }

    fn load(
        &self,
        script: ScriptId,
        file: &str,
        bytes: &[u8],
        host: &mut dyn EngineHost,
    ) -> Result<ScriptMeta, String> {
        let ins = inspect::inspect(file, bytes).map_err(|e| format!("plugin: {e}"))?;
        if let Some(r) = &ins.refusal {
            return Err(format!("plugin: {r}"));
        }
        let isolated = self.wants_isolation(file);
        let p = Rc::new(Plugin {
            id: script,
            file: file.to_string(),
            isolated,
            meta: RefCell::new(ScriptMeta {
                script,
                file: file.to_string(),
                name: plugin_stem(file),
                ..ScriptMeta::default()
            }),
            abi: Cell::new((0, 0)),
            runner: RefCell::new(Runner::Isolated(None)),
            regs: RefCell::default(),
            errors: Cell::new(0),
            restarts: Cell::new(0),
            restarting: Cell::new(false),
            started: Cell::new(None),
            disabled: Cell::new(false),
            storage: RefCell::default(),
            header: header_lines(&ins),
        });
        self.plugins.borrow_mut().insert(script, p.clone());
        let r = if isolated {
            self.start_isolated(&p, host)
        } else {
            self.load_in_process(&p, bytes, host)
        };
        match r {
            Ok(m) => {
                if isolated {
                    host.echo(
                        "status",
                        &format!(
                            "* plugin {} runs isolated in its own process ({} MiB address space, {} s CPU)",
                            m.name, self.opts.memory_mb, self.opts.cpu_secs
                        ),
                    );
                }
                let mut meta = p.meta.borrow_mut();
                meta.name = m.name;
                meta.version = m.version;
                meta.author = m.author;
                meta.description = m.description;
                meta.permissions = m.permissions;
                Ok(meta.clone())
            }
            Err(e) => {
                self.forget(&p, Some(host));
                self.plugins.borrow_mut().remove(&script);
                *p.runner.borrow_mut() = Runner::Isolated(None);
                Err(if e.starts_with("plugin") {
                    e
                } else {
                    format!("plugin: {e}")
                })
            }
        }
    }

    fn unload(&self, script: ScriptId) {
        let Some(p) = self.plugins.borrow_mut().remove(&script) else {
            return;
        };
        self.forget(&p, None);
        self.routes.borrow_mut().retain(|_, r| r.script != script);
        let Ok(mut runner) = p.runner.try_borrow_mut() else {
            return;
        };
        match std::mem::replace(&mut *runner, Runner::Isolated(None)) {
            Runner::InProcess(mut loaded) => loaded.deinit(&mut loader::NoCalls),
            Runner::Isolated(Some(mut w)) => {
                let seq = w.next_seq();
                let msg = ToWorker::Unload {
                    seq,
                    deadline_ms: self.opts.deadline_ms,
                };
                let _ = w.exchange(
                    &msg,
                    seq,
                    self.opts.deadline_ms,
                    200,
                    &mut |_| Err("unloading".into()),
                    &mut |_, _| {},
                );
            }
            Runner::Isolated(None) => {}
        }
    }

    fn call(
        &self,
        handle: u64,
        event: &EngineEvent,
        host: &mut dyn EngineHost,
    ) -> Result<Handled, String> {
        let Some((route, p)) = self.route(handle) else {
            return Ok(Handled::default());
        };
        if p.disabled.get() || p.restarting.get() {
            return Ok(Handled::default());
        }
        let label = match &route.kind {
            RouteKind::Hook(e) => format!("its {e} hook"),
            _ => "an event".to_string(),
        };
        let reply = self.deliver(&p, route.local, &to_event(event), &label, host)?;
        let mut h = Handled::default();
        if let Reply::Handled {
            halt_default,
            stop_later,
            text,
        } = reply
        {
            h.outcome.halt_default = halt_default;
            h.outcome.stop_later = stop_later;
            h.text = text;
        }
        Ok(h)
    }

    fn command(&self, handle: u64, args: &str, host: &mut dyn EngineHost) -> Result<(), String> {
        let Some((route, p)) = self.route(handle) else {
            return Err("this command's plugin is gone".to_string());
        };
        let name = p.meta.borrow().name.clone();
        if p.disabled.get() {
            return Err(format!(
                "plugin {name} is disabled; /plugin enable {name} runs it again"
            ));
        }
        if p.restarting.get() {
            return Err(format!(
                "plugin {name} is restarting after a crash; try again shortly"
            ));
        }
        let RouteKind::Command(cmd) = &route.kind else {
            return Ok(());
        };
        let ev = self.event_for(&p, &route.kind, args, host);
        let label = format!("/{cmd}");
        self.deliver(&p, route.local, &ev, &label, host).map(|_| ())
    }

    fn timer(&self, handle: u64, host: &mut dyn EngineHost) -> Result<(), String> {
        let Some((route, p)) = self.route(handle) else {
            return Ok(());
        };
        if route.kind == RouteKind::Restart {
            self.routes.borrow_mut().remove(&handle);
            self.restart(&p, host);
            return Ok(());
        }
        if p.disabled.get() || p.restarting.get() {
            return Ok(());
        }
        let ev = self.event_for(&p, &route.kind, "", host);
        self.deliver(&p, route.local, &ev, "a timer", host)
            .map(|_| ())
    }

    fn scripts(&self) -> Vec<ScriptMeta> {
        sorted_metas(self.plugins.borrow().values().map(|p| &p.meta))
    }

    fn set_enabled(&self, script: ScriptId, on: bool) -> bool {
        let Some(p) = self.plugin(script) else {
            return false;
        };
        set_script_enabled(&p.meta, &p.disabled, &p.errors, on);
        true
    }

    fn set_enabled_with(&self, script: ScriptId, on: bool, host: &mut dyn EngineHost) -> bool {
        if !self.set_enabled(script, on) {
            return false;
        }
        let Some(p) = self.plugin(script) else {
            return false;
        };
        let stopped = matches!(&*p.runner.borrow(), Runner::Isolated(None));
        if on && p.isolated && stopped {
            // An isolated plugin disabled after its crashes starts again at once, its restart
            // count afresh.
            p.restarts.set(0);
            p.restarting.set(false);
            let name = p.meta.borrow().name.clone();
            if let Err(e) = self.start_isolated(&p, host) {
                host.echo("status", &format!("* plugin {name}: {e}"));
            }
        }
        true
    }

    fn info(&self, script: ScriptId) -> Vec<String> {
        let Some(p) = self.plugin(script) else {
            return Vec::new();
        };
        let (major, minor) = p.abi.get();
        let mut lines = p.header.clone();
        if major > 0 || minor > 0 {
            lines.push(format!(
                "ABI: {major}.{minor} (client {}.{})",
                rustirc_plugin_abi::sys::ABI_MAJOR,
                rustirc_plugin_abi::sys::ABI_MINOR
            ));
        }
        let mode = if p.isolated {
            format!(
                "isolated (own process, {} MiB address space, {} s CPU); restarts in a row: {}",
                self.opts.memory_mb,
                self.opts.cpu_secs,
                p.restarts.get()
            )
        } else {
            "in-process".to_string()
        };
        lines.push(format!("runs: {mode}"));
        let regs = p.regs.borrow();
        lines.push(format!(
            "registered: {} hooks, {} commands, {} timers",
            regs.handlers.len(),
            regs.command_names.len(),
            regs.timers.len()
        ));
        lines
    }

    fn load_switch(&self, file: &str, switch: &str) -> Result<(), String> {
        match switch.to_ascii_lowercase().as_str() {
            "isolated" | "i" => {
                self.isolate_next.borrow_mut().insert(base(file).to_ascii_lowercase());
                Ok(())
            }
            other => Err(format!("-{other} is not a switch of /plugin load (-isolated runs the plugin in its own process)")),
        }
    }
}
