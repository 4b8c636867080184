//! `rustirc-python`: Python scripts on RustIRC's event table, each in a worker process.
//!
//! CPython cannot be confined from the inside, so this crate does not embed it (the client
//! does not link libpython). Each script runs in its own `rustirc-python-worker` process,
//! started on demand and spoken to over a socket pair with the framed protocol of
//! [`rustirc_plugin_proto`]. The worker runs the script's code; every `irc.*` function the
//! script calls comes back here as a [`HostCall`], which this engine carries out through
//! the client's [`EngineHost`], the same path the Lua engine takes, so a Python
//! `irc.privmsg` behaves exactly as mSL's `/msg`.
//!
//! Every request has a deadline ([`Options::deadline_ms`], 1 s by default): the worker
//! interrupts the script when it passes, and when the worker does not answer within a grace
//! period more (a C loop, a regex), this engine kills it, starts a new one and reloads the
//! script. A worker that crashed or was killed from outside is replaced the same way at the
//! next call; restarts back off when they come too often.
//!
//! The worker is found through the `RUSTIRC_PYTHON_WORKER` environment variable, else next
//! to the running program (or one folder up, where `cargo test` puts test programs).

use rustirc_core::events::{EngineId, HandlerDecl, Matcher, ScriptId, TargetFilter};
use rustirc_core::host::engine::{
    set_script_enabled, sorted_metas, CommandSpec, EngineEvent, EngineHost, Handled, ScriptEngine,
    ScriptMeta,
};
use rustirc_lang::Limits;
use rustirc_plugin_proto::process::{Failure, Names, Worker};
use rustirc_plugin_proto::{Event, HostCall, Meta, Reply, ScriptError, ToWorker};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The environment variable naming the worker program.
pub const WORKER_ENV: &str = "RUSTIRC_PYTHON_WORKER";

/// The worker program's file name.
pub const WORKER_NAME: &str = "rustirc-python-worker";

/// The largest answer `irc.http` reads (bytes).
pub const HTTP_MAX_BYTES: u64 = 4 << 20;

/// How many errors in a row disable a script.
pub const MAX_ERRORS_IN_A_ROW: u32 = 5;

/// How the engine runs its workers.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long a handler, command or timer may run (milliseconds).
    pub deadline_ms: u64,
    /// How much longer the worker has to answer after it was told to interrupt the script,
    /// before it is killed.
    pub grace_ms: u64,
    /// How long loading a script may take (its module code and `on_load`).
    pub load_ms: u64,
    /// The worker's address-space limit, in MiB.
    pub memory_mb: u64,
    /// The CPU time a worker may use over its life, in seconds (0: no limit). A worker that
    /// reaches it is ended by the kernel and replaced, and its script is loaded again.
    pub cpu_seconds: u64,
    /// The worker program; `None`: [`worker_path`].
    pub worker: Option<PathBuf>,
    /// Scripts that share one worker (file names, like `a.py`, or names without `.py`):
    /// trusted scripts that may see each other, for the memory one worker saves. Every other
    /// script has a worker of its own.
    pub shared: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            deadline_ms: 1000,
            grace_ms: 500,
            load_ms: 5000,
            memory_mb: 512,
            cpu_seconds: 3600,
            worker: None,
            shared: Vec::new(),
        }
    }
}

/// Where the worker program is: `$RUSTIRC_PYTHON_WORKER`, else `rustirc-python-worker` next
/// to the running program or in the folder above it.
///
/// # Errors
/// When it is in neither place, saying where it was looked for.
pub fn worker_path() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(WORKER_ENV) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    let candidates = [
        dir.join(WORKER_NAME),
        dir.parent()
            .map(|d| d.join(WORKER_NAME))
            .unwrap_or_default(),
    ];
    candidates
        .iter()
        .find(|c| c.is_file())
        .cloned()
        .ok_or_else(|| {
            format!(
                "the Python worker {WORKER_NAME} is not in {} and {WORKER_ENV} is not set",
                dir.display()
            )
        })
}

/// Why a worker was stopped when it did not answer within `wait_ms` and the grace after it:
/// it was told to interrupt the script at its deadline and did not.
fn stuck(wait_ms: u64) -> String {
    format!(
        "did not return within {wait_ms} ms and could not be interrupted (a loop in C code, \
         a regular expression?); its worker was stopped"
    )
}

/// What one script registered, by the worker's numbers.
#[derive(Default)]
struct Regs {
    handlers: HashMap<u64, u64>,
    commands: HashMap<u64, u64>,
    command_names: Vec<String>,
    timers: HashMap<u64, (u64, String)>,
}

/// One loaded script.
struct Script {
    id: ScriptId,
    file: String,
    source: String,
    data_dir: Option<String>,
    meta: RefCell<ScriptMeta>,
    /// Its own worker, or the one the shared scripts use.
    worker: Rc<RefCell<Option<Worker>>>,
    /// Whether `worker` is the shared one.
    shared: bool,
    regs: RefCell<Regs>,
    errors: Cell<u32>,
    disabled: Cell<bool>,
    restarts: RefCell<Vec<Instant>>,
}

/// Where a client handle leads.
#[derive(Clone)]
struct Route {
    script: ScriptId,
    local: u64,
    label: String,
}

/// The Python engine.
pub struct PythonEngine {
    id: Cell<EngineId>,
    opts: Options,
    next: Cell<u64>,
    scripts: RefCell<HashMap<ScriptId, Rc<Script>>>,
    routes: RefCell<HashMap<u64, Route>>,
    /// The worker of the scripts named in [`Options::shared`].
    shared: Rc<RefCell<Option<Worker>>>,
}

/// Python event names by the event table's names.
const EVENTS: &[(&str, &str)] = &[
    ("message", "TEXT"),
    ("action", "ACTION"),
    ("notice", "NOTICE"),
    ("ctcpreply", "CTCPREPLY"),
];

fn py_event(table: &str) -> String {
    EVENTS
        .iter()
        .find(|(_, t)| *t == table)
        .map_or_else(|| table.to_ascii_lowercase(), |(p, _)| (*p).to_string())
}

impl PythonEngine {
    /// An engine with the default [`Options`]. `limits` are the client's script limits (the
    /// same the mSL and Lua engines get); the worker's own limits are in [`Options`].
    pub fn new(limits: Limits) -> PythonEngine {
        let _ = limits;
        PythonEngine::with_options(Options::default())
    }

    /// An engine with `opts`.
    pub fn with_options(opts: Options) -> PythonEngine {
        PythonEngine {
            id: Cell::new(0),
            opts,
            next: Cell::new(0),
            scripts: RefCell::new(HashMap::new()),
            routes: RefCell::new(HashMap::new()),
            shared: Rc::default(),
        }
    }

    fn handle(&self) -> u64 {
        let h = self.next.get() + 1;
        self.next.set(h);
        h
    }

    fn script(&self, id: ScriptId) -> Option<Rc<Script>> {
        self.scripts.borrow().get(&id).cloned()
    }

    /// Starts a worker, reading its hello. `shared_root`: the worker is shared, and its
    /// sandbox opens this folder (holding the scripts' folders) for writing.
    fn spawn(&self, shared_root: Option<&str>) -> Result<Worker, String> {
        let exe = match &self.opts.worker {
            Some(p) => p.clone(),
            None => worker_path()?,
        };
        let mut cmd = Command::new(&exe);
        cmd.arg("--memory-mb")
            .arg(self.opts.memory_mb.to_string())
            .arg("--cpu-seconds")
            .arg(self.opts.cpu_seconds.to_string())
            .args(
                shared_root
                    .map(|r| ["--shared-root", r])
                    .into_iter()
                    .flatten(),
            )
            .env_clear()
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONNOUSERSITE", "1")
            .env("PYTHONSAFEPATH", "1")
            .env("PYTHONIOENCODING", "utf-8")
            .env("LANG", "C.UTF-8");
        let names = Names {
            what: format!("Python worker {}", exe.display()),
            noun: "worker",
            stuck,
        };
        Worker::spawn(cmd, names, self.opts.load_ms)
    }

    /// Sends `msg` and serves the worker's host calls (through `host`, when there is one)
    /// and log lines until its reply.
    fn exchange(
        &self,
        s: &Script,
        w: &mut Worker,
        msg: &ToWorker,
        seq: u64,
        wait_ms: u64,
        host: Option<&mut dyn EngineHost>,
    ) -> Result<Reply, Failure> {
        let host = RefCell::new(host);
        w.exchange(
            msg,
            seq,
            wait_ms,
            self.opts.grace_ms,
            &mut |call| match host.borrow_mut().as_deref_mut() {
                Some(h) => self.host_call(s, call, h),
                None => Err("the client is not reachable here".to_string()),
            },
            &mut |level, text| {
                if let Some(h) = host.borrow_mut().as_deref_mut() {
                    h.echo("status", &format!("[{level}] {}: {text}", base(&s.file)));
                }
            },
        )
    }

    /// Carries out a host call for script `s`.
    #[allow(clippy::too_many_lines)]
    fn host_call(
        &self,
        s: &Script,
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
                let args: Vec<rustirc_lang::Value> = args
                    .into_iter()
                    .map(rustirc_lang::Value::from_string)
                    .collect();
                match host.identifier(&name, &args, None) {
                    Some(Ok(v)) => Ok(Value::String(v.as_str().into_owned())),
                    Some(Err(e)) => Err(e),
                    None => Ok(Value::Null),
                }
            }
            HostCall::Echo { window, text } => {
                host.echo(&window, &text);
                Ok(Value::Null)
            }
            HostCall::Eval { text } => host.eval(&text).map(Value::String),
            HostCall::RunLine { line } => host.run_line(&line).map(|()| Value::Null),
            HostCall::Channels => Ok(json!(host.channels())),
            HostCall::Users { channel } => Ok(Value::Array(
                host.users(&channel)
                    .into_iter()
                    .map(|(nick, prefix, address)| {
                        json!({"nick": nick, "prefix": prefix, "address": address})
                    })
                    .collect(),
            )),
            HostCall::Active => Ok(Value::String(host.active())),
            HostCall::Servers => Ok(servers(host)),
            HostCall::On {
                handle,
                event,
                priority,
                pre,
                channel,
                matcher,
                key,
            } => {
                let g = self.handle();
                let mut decl = HandlerDecl::new(&event, g);
                decl.priority = priority;
                decl.prefixes.pre = pre;
                if let Some(c) = channel {
                    decl.target = TargetFilter::parse(&c);
                }
                if let Some(m) = matcher {
                    decl.matcher = Matcher::wild(&m);
                }
                decl.key = key;
                self.routes.borrow_mut().insert(
                    g,
                    Route {
                        script: s.id,
                        local: handle,
                        label: format!("'{}' handler", py_event(&event)),
                    },
                );
                s.regs.borrow_mut().handlers.insert(handle, g);
                host.add_handler(engine, s.id, decl);
                Ok(Value::Null)
            }
            HostCall::Off { handle } => {
                let g = s.regs.borrow_mut().handlers.remove(&handle);
                if let Some(g) = g {
                    self.routes.borrow_mut().remove(&g);
                    host.remove_handler(engine, g);
                }
                Ok(Value::Null)
            }
            HostCall::AddCommand {
                handle,
                name,
                help,
                usage,
                complete,
            } => {
                let existing = s.regs.borrow().commands.get(&handle).copied();
                let g = existing.unwrap_or_else(|| self.handle());
                let completer = complete.map(|local| {
                    let cg = s
                        .regs
                        .borrow()
                        .commands
                        .get(&local)
                        .copied()
                        .unwrap_or_else(|| self.handle());
                    s.regs.borrow_mut().commands.insert(local, cg);
                    self.routes.borrow_mut().insert(
                        cg,
                        Route {
                            script: s.id,
                            local,
                            label: format!("/{name} completer"),
                        },
                    );
                    cg
                });
                host.add_command(
                    engine,
                    s.id,
                    g,
                    CommandSpec {
                        name: name.clone(),
                        help,
                        usage,
                        complete: completer,
                    },
                )?;
                let mut regs = s.regs.borrow_mut();
                regs.commands.insert(handle, g);
                regs.command_names.push(name.clone());
                self.routes.borrow_mut().entry(g).or_insert(Route {
                    script: s.id,
                    local: handle,
                    label: format!("/{name}"),
                });
                Ok(Value::Null)
            }
            HostCall::RemoveCommand { name } => {
                let had = host.remove_command(s.id, &name).is_some();
                s.regs
                    .borrow_mut()
                    .command_names
                    .retain(|n| !n.eq_ignore_ascii_case(&name));
                Ok(Value::Bool(had))
            }
            HostCall::AddTimer { handle, ms, count } => {
                let g = self.handle();
                let name = host.add_timer(engine, s.id, g, ms, count);
                self.routes.borrow_mut().insert(
                    g,
                    Route {
                        script: s.id,
                        local: handle,
                        label: "timer".to_string(),
                    },
                );
                s.regs
                    .borrow_mut()
                    .timers
                    .insert(handle, (g, name.clone()));
                Ok(Value::String(name))
            }
            HostCall::CancelTimer { name } => {
                host.cancel_timer(&name);
                Ok(Value::Null)
            }
            HostCall::Http {
                method,
                url,
                headers,
                body,
                timeout_ms,
            } => {
                // The wait counts against the call's deadline, so it cannot outlast it.
                let req = rustirc_core::repo::http::Request {
                    method,
                    url,
                    headers,
                    body: body.into_bytes(),
                    timeout: Duration::from_millis(timeout_ms.clamp(1, self.opts.deadline_ms)),
                    max_bytes: HTTP_MAX_BYTES,
                };
                let a = host.http(&req)?;
                Ok(json!({
                    "status": a.status,
                    "headers": a.headers,
                    "body": String::from_utf8_lossy(&a.body),
                    "url": a.url,
                }))
            }
            HostCall::StorageGet { .. } | HostCall::StorageSet { .. } => Err(
                "native plugin storage is not for Python scripts (they have their data folder)"
                    .to_string(),
            ),
        }
    }

    /// Takes back everything `s` registered (before a reload into a new worker, or when it
    /// goes).
    fn forget(&self, s: &Script, host: Option<&mut dyn EngineHost>) {
        let regs = std::mem::take(&mut *s.regs.borrow_mut());
        self.routes.borrow_mut().retain(|_, r| r.script != s.id);
        if let Some(host) = host {
            let engine = self.id.get();
            for g in regs.handlers.values() {
                host.remove_handler(engine, *g);
            }
            for name in &regs.command_names {
                host.remove_command(s.id, name);
            }
            for (_, name) in regs.timers.values() {
                host.cancel_timer(name);
            }
        }
    }

    /// Starts `s`'s worker (a shared script joins the shared worker when it runs) and loads
    /// the script into it.
    fn start(
        &self,
        s: &Script,
        slot: &mut Option<Worker>,
        host: &mut dyn EngineHost,
    ) -> Result<ScriptMeta, String> {
        let live = s.shared && slot.as_mut().is_some_and(|w| w.exit().is_none());
        if !live {
            let root = s
                .data_dir
                .as_deref()
                .filter(|_| s.shared)
                .and_then(|d| std::path::Path::new(d).parent())
                .map(|p| p.display().to_string());
            *slot = Some(self.spawn(root.as_deref())?);
        }
        let Some(w) = slot.as_mut() else {
            return Err(format!("python: {} has no worker", s.file));
        };
        let seq = w.next_seq();
        let msg = ToWorker::Load {
            seq,
            script: s.id,
            file: s.file.clone(),
            source: s.source.clone(),
            data_dir: s.data_dir.clone(),
            grants: host.grants(&s.file),
            deadline_ms: self.opts.load_ms,
        };
        let r = self.exchange(s, w, &msg, seq, self.opts.load_ms, Some(host));
        let keep = s.shared && !matches!(r, Err(Failure::Dead(_)));
        if !keep && !matches!(r, Ok(Reply::Loaded { .. })) {
            *slot = None;
        }
        match r {
            Ok(Reply::Loaded { meta }) => Ok(self.meta(s, meta)),
            Ok(other) => Err(format!(
                "python: the worker answered {other:?} to loading {}",
                s.file
            )),
            Err(Failure::Script(e)) => Err(format!(
                "python: {} (loading {})",
                self.describe(&e, self.opts.load_ms),
                s.file
            )),
            Err(Failure::Dead(why)) => Err(format!("python: {}: {why} (loading it)", s.file)),
        }
    }

    fn meta(&self, s: &Script, m: Meta) -> ScriptMeta {
        ScriptMeta {
            script: s.id,
            file: s.file.clone(),
            name: m.name,
            version: m.version,
            author: m.author,
            description: m.description,
            permissions: m.permissions,
            requires: m.requires,
            disabled: s.disabled.get(),
        }
    }

    fn describe(&self, e: &ScriptError, wait_ms: u64) -> String {
        if e.kind == "timeout" {
            let place = match (&e.file, e.line) {
                (Some(f), Some(l)) => format!("{f}:{l}: "),
                _ => String::new(),
            };
            return format!("{place}took longer than {wait_ms} ms and was interrupted");
        }
        e.to_string()
    }

    /// Replaces `s`'s worker after it died or was stopped: takes back what the script
    /// registered, starts a new worker and loads the script again. Backs off when restarts
    /// come often (three in a minute: 1 s, then 2 s, 4 s … up to a minute).
    fn restart(
        &self,
        s: &Script,
        slot: &mut Option<Worker>,
        why: &str,
        host: &mut dyn EngineHost,
    ) -> Result<(), String> {
        *slot = None;
        let now = Instant::now();
        {
            let mut r = s.restarts.borrow_mut();
            r.retain(|t| now.duration_since(*t) < Duration::from_secs(60));
            if r.len() >= 3 {
                let exp = u32::try_from(r.len() - 3).unwrap_or(6).min(6);
                let wait = Duration::from_secs(1u64 << exp);
                let last = r.last().copied().unwrap_or(now);
                if now.duration_since(last) < wait {
                    let left = wait - now.duration_since(last);
                    return Err(format!(
                        "python: {}: {why}; it restarted {} times in a minute, next try in {} ms",
                        s.file,
                        r.len(),
                        left.as_millis()
                    ));
                }
            }
            r.push(now);
        }
        self.forget(s, Some(&mut *host));
        host.echo(
            "status",
            &format!(
                "* python: {}: {why}; starting a new worker and reloading the script",
                s.file
            ),
        );
        // The other scripts of a shared worker went with it: they load into the new one.
        let others: Vec<Rc<Script>> = if s.shared {
            let mut o: Vec<Rc<Script>> = self
                .scripts
                .borrow()
                .values()
                .filter(|o| o.shared && o.id != s.id)
                .cloned()
                .collect();
            o.sort_by_key(|o| o.id);
            o
        } else {
            Vec::new()
        };
        let r = match self.start(s, slot, host) {
            Ok(meta) => {
                *s.meta.borrow_mut() = meta;
                Ok(())
            }
            Err(e) => {
                host.echo("status", &format!("* {e}"));
                Err(e)
            }
        };
        for o in others {
            self.forget(&o, Some(&mut *host));
            host.echo(
                "status",
                &format!(
                    "* python: {}: its shared worker was replaced; reloading the script",
                    o.file
                ),
            );
            match self.start(&o, slot, host) {
                Ok(meta) => *o.meta.borrow_mut() = meta,
                Err(e) => host.echo("status", &format!("* {e}")),
            }
        }
        r
    }

    /// Sends a request to `s`'s worker (replacing a worker that is gone first) and returns
    /// its reply; errors name the script, its file and line, and `label`.
    fn request(
        &self,
        s: &Script,
        label: &str,
        host: &mut dyn EngineHost,
        make: impl Fn(u64) -> ToWorker,
    ) -> Result<Reply, String> {
        let Ok(mut slot) = s.worker.try_borrow_mut() else {
            return Err(format!(
                "python: {} is busy (a call into it is under way) (in {label} of {})",
                s.meta.borrow().name,
                s.file
            ));
        };
        let gone = match slot.as_mut() {
            None => Some("its worker is not running".to_string()),
            Some(w) => w.exit(),
        };
        if let Some(why) = gone {
            self.restart(s, &mut slot, &why, host)?;
        }
        let Some(w) = slot.as_mut() else {
            return Err(format!("python: {} has no worker", s.file));
        };
        let seq = w.next_seq();
        let wait = self.opts.deadline_ms;
        let r = self.exchange(s, w, &make(seq), seq, wait, Some(&mut *host));
        let err = match r {
            Ok(reply) => {
                s.errors.set(0);
                return Ok(reply);
            }
            Err(Failure::Script(e)) => {
                format!(
                    "python: {} (in {label} of {})",
                    self.describe(&e, wait),
                    s.file
                )
            }
            Err(Failure::Dead(why)) => {
                let msg = format!("python: {}: {why} (in {label})", s.file);
                let _ = self.restart(s, &mut slot, &why, host);
                msg
            }
        };
        let n = s.errors.get() + 1;
        s.errors.set(n);
        if n >= MAX_ERRORS_IN_A_ROW {
            s.disabled.set(true);
            s.meta.borrow_mut().disabled = true;
            let name = s.meta.borrow().name.clone();
            host.echo(
                "status",
                &format!(
                    "* python: {} disabled after {n} errors in a row; /py enable {name} to run it again",
                    s.file
                ),
            );
        }
        Err(err)
    }

    fn route(&self, handle: u64) -> Option<(Route, Rc<Script>)> {
        let r = self.routes.borrow().get(&handle).cloned()?;
        let s = self.script(r.script)?;
        Some((r, s))
    }
}

/// The CPU time (user and system) process `pid` has used, in milliseconds, from
/// `/proc/PID/stat` (Linux; the kernel counts in ticks of 10 ms).
fn worker_cpu_ms(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10)
}

fn base(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

/// The connections, as `irc.servers()` gives them.
fn servers(h: &mut dyn EngineHost) -> Value {
    use rustirc_lang::Value as MslValue;
    let text = |h: &mut dyn EngineHost, n: &str, a: &[MslValue]| {
        h.identifier(n, a, None)
            .and_then(Result::ok)
            .map(|v| v.as_str().into_owned())
            .unwrap_or_default()
    };
    let count: usize = text(h, "scon", &[MslValue::Int(0)]).parse().unwrap_or(0);
    let mut out = Vec::new();
    for i in 1..=count.max(1) {
        let cid: u64 = if count == 0 {
            text(h, "cid", &[]).parse().unwrap_or(1)
        } else {
            let n = i64::try_from(i).unwrap_or(0);
            text(h, "scon", &[MslValue::Int(n)]).parse().unwrap_or(0)
        };
        let back = h.switch_connection(cid);
        out.push(json!({
            "id": cid,
            "server": text(h, "server", &[]),
            "network": text(h, "network", &[]),
            "nick": text(h, "me", &[]),
        }));
        h.switch_connection(back);
    }
    Value::Array(out)
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

impl ScriptEngine for PythonEngine {
    fn name(&self) -> &'static str {
        "py"
    }

    fn handles(&self, file: &str) -> bool {
        std::path::Path::new(file)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("py"))
    }

    fn attach(&self, id: EngineId) {
        self.id.set(id);
    }

    fn check(&self, file: &str, bytes: &[u8]) -> Vec<String> {
        let source = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(e) => return vec![format!("{file}: not UTF-8 text ({e})")],
        };
        let mut w = match self.spawn(None) {
            Ok(w) => w,
            Err(e) => return vec![format!("{file}: {e}")],
        };
        let s = Script {
            id: 0,
            file: file.to_string(),
            source: String::new(),
            data_dir: None,
            meta: RefCell::default(),
            worker: Rc::default(),
            shared: false,
            regs: RefCell::default(),
            errors: Cell::new(0),
            disabled: Cell::new(false),
            restarts: RefCell::default(),
        };
        let seq = w.next_seq();
        let msg = ToWorker::Check {
            seq,
            file: file.to_string(),
            source,
        };
        match self.exchange(&s, &mut w, &msg, seq, self.opts.load_ms, None) {
            Ok(Reply::Checked { diagnostics }) => diagnostics,
            Ok(other) => vec![format!("{file}: the worker answered {other:?}")],
            Err(Failure::Script(e)) => vec![e.to_string()],
            Err(Failure::Dead(why)) => vec![format!("{file}: {why}")],
        }
    }

    fn load(
        &self,
        script: ScriptId,
        file: &str,
        bytes: &[u8],
        host: &mut dyn EngineHost,
    ) -> Result<ScriptMeta, String> {
        let source = String::from_utf8(bytes.to_vec())
            .map_err(|e| format!("python: {file}: not UTF-8 text ({e})"))?;
        let stem = std::path::Path::new(file).file_stem().map_or_else(
            || "script".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let shared = self.opts.shared.iter().any(|n| {
            let n = n.strip_suffix(".py").unwrap_or(n);
            n.eq_ignore_ascii_case(&stem)
        });
        let data_dir = host
            .data_dir()
            .map(|d| d.join("python").join(&stem).display().to_string());
        let s = Rc::new(Script {
            id: script,
            file: file.to_string(),
            source,
            data_dir,
            meta: RefCell::new(ScriptMeta {
                script,
                file: file.to_string(),
                ..ScriptMeta::default()
            }),
            worker: if shared {
                self.shared.clone()
            } else {
                Rc::default()
            },
            shared,
            regs: RefCell::default(),
            errors: Cell::new(0),
            disabled: Cell::new(false),
            restarts: RefCell::default(),
        });
        self.scripts.borrow_mut().insert(script, s.clone());
        let r = match s.worker.try_borrow_mut() {
            Ok(mut slot) => self.start(&s, &mut slot, host),
            Err(_) => Err(format!(
                "python: {file}: its shared worker is busy (a call into it is under way)"
            )),
        };
        match r {
            Ok(meta) => {
                *s.meta.borrow_mut() = meta.clone();
                Ok(meta)
            }
            Err(e) => {
                self.unload(script);
                Err(e)
            }
        }
    }

    fn unload(&self, script: ScriptId) {
        let Some(s) = self.scripts.borrow_mut().remove(&script) else {
            return;
        };
        self.forget(&s, None);
        let Ok(mut slot) = s.worker.try_borrow_mut() else {
            return;
        };
        if s.shared {
            // The others stay in the worker; the last one out stops it.
            let live = slot.as_mut().is_some_and(|w| w.exit().is_none());
            if let Some(w) = slot.as_mut().filter(|_| live) {
                let seq = w.next_seq();
                let msg = ToWorker::UnloadScript {
                    seq,
                    script: s.id,
                    deadline_ms: self.opts.deadline_ms,
                };
                let _ = self.exchange(&s, w, &msg, seq, self.opts.deadline_ms, None);
            }
            if !self.scripts.borrow().values().any(|o| o.shared) {
                *slot = None;
            }
            return;
        }
        if let Some(mut w) = slot.take() {
            if w.exit().is_none() {
                let seq = w.next_seq();
                let msg = ToWorker::Unload {
                    seq,
                    deadline_ms: self.opts.deadline_ms,
                };
                let _ = self.exchange(&s, &mut w, &msg, seq, self.opts.deadline_ms, None);
            }
        }
    }

    fn call(
        &self,
        handle: u64,
        event: &EngineEvent,
        host: &mut dyn EngineHost,
    ) -> Result<Handled, String> {
        let Some((route, s)) = self.route(handle) else {
            return Ok(Handled::default());
        };
        if s.disabled.get() {
            return Ok(Handled::default());
        }
        let event = to_event(event);
        let reply = self.request(&s, &route.label, host, |seq| ToWorker::Event {
            seq,
            handle: route.local,
            event: event.clone(),
            deadline_ms: self.opts.deadline_ms,
        })?;
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
        let Some((route, s)) = self.route(handle) else {
            return Err("this command's script is gone".to_string());
        };
        if s.disabled.get() {
            let name = s.meta.borrow().name.clone();
            return Err(format!(
                "python: {name} is disabled; /py enable {name} runs it again (in {} of {})",
                route.label, s.file
            ));
        }
        let reply = self.request(&s, &route.label, host, |seq| ToWorker::Command {
            seq,
            handle: route.local,
            args: args.to_string(),
            deadline_ms: self.opts.deadline_ms,
        })?;
        if let Reply::Shown { text } = reply {
            host.echo("active", &text);
        }
        Ok(())
    }

    fn timer(&self, handle: u64, host: &mut dyn EngineHost) -> Result<(), String> {
        let Some((route, s)) = self.route(handle) else {
            return Ok(());
        };
        if s.disabled.get() {
            return Ok(());
        }
        self.request(&s, &route.label, host, |seq| ToWorker::Timer {
            seq,
            handle: route.local,
            deadline_ms: self.opts.deadline_ms,
        })
        .map(|_| ())
    }

    fn complete(
        &self,
        handle: u64,
        args: &str,
        word: &str,
        host: &mut dyn EngineHost,
    ) -> Result<Vec<String>, String> {
        let Some((route, s)) = self.route(handle) else {
            return Ok(Vec::new());
        };
        if s.disabled.get() {
            return Ok(Vec::new());
        }
        let reply = self.request(&s, &route.label, host, |seq| ToWorker::Complete {
            seq,
            handle: route.local,
            args: args.to_string(),
            word: word.to_string(),
            deadline_ms: self.opts.deadline_ms,
        })?;
        Ok(match reply {
            Reply::Completions { words } => words,
            _ => Vec::new(),
        })
    }

    fn cpu_ms(&self, script: ScriptId) -> Option<u64> {
        let s = self.script(script)?;
        let slot = s.worker.try_borrow().ok()?;
        let pid = slot.as_ref()?.id();
        worker_cpu_ms(pid)
    }

    fn scripts(&self) -> Vec<ScriptMeta> {
        sorted_metas(self.scripts.borrow().values().map(|s| &s.meta))
    }

    fn set_enabled(&self, script: ScriptId, on: bool) -> bool {
        let Some(s) = self.script(script) else {
            return false;
        };
        set_script_enabled(&s.meta, &s.disabled, &s.errors, on);
        true
    }
}
