//! `rustirc-lua`: Lua 5.4 scripts on RustIRC's event table.
//!
//! Each script gets a Lua state of its own ([`sandbox`]: restricted libraries, an instruction
//! budget per callback, a memory limit) with the `irc` table ([`api`]). A script registers
//! handlers with `irc.on`, commands with `irc.add_command` and timers with `irc.timer`; the
//! engine hands them to the client ([`EngineHost`]), which puts them in the one event table,
//! command registry and timer list beside mSL's, and calls back into the engine when they
//! fire. Everything a script does to IRC is a host call, so it behaves exactly as the same
//! mSL command would.
//!
//! This crate does not match events, order handlers or send anything itself; the client
//! does. It does not know the app either: the app creates a [`LuaEngine`] and adds it to its
//! client.
//!
//! ```
//! use rustirc_core::client::Client;
//! use rustirc_core::state::Config;
//! use std::rc::Rc;
//!
//! let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
//! client.add_engine(Rc::new(rustirc_lua::LuaEngine::new(rustirc_lang::Limits::default())));
//! client.load_script("hello.lua", br#"irc.add_command("hello", function() return "hi" end)"#);
//! client.type_line("status", "/hello");
//! assert!(client.out.shown.iter().any(|(_, t)| t == "hi"));
//! ```

pub mod api;
pub mod sandbox;
mod storage;

use mlua::{ChunkMode, Function, Lua, Value};
use rustirc_core::events::{EngineId, ScriptId};
use rustirc_core::host::engine::{
    set_script_enabled, sorted_metas, EngineEvent, EngineHost, Handled, ScriptEngine, ScriptMeta,
};
use rustirc_lang::Limits;
use sandbox::{plain_error, Budget};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// How many errors in a row disable a script (a handler failing on every message would
/// otherwise fill the status window).
pub const MAX_ERRORS_IN_A_ROW: u32 = 5;

/// The memory a script's state may use, as a multiple of [`Limits::string_len`] (16 MiB by
/// default, so 64 MiB). Stops table and string bombs before they take the client's memory.
pub const MEMORY_PER_STRING_LIMIT: usize = 4;

/// A registered Lua function: handler, command or timer callback.
struct Callback {
    script: ScriptId,
    func: Function,
    /// What it is, for error messages (`'message' handler`, `/greet`, `timer`).
    label: String,
    /// Timers: firings left (0: until cancelled).
    left: Cell<u64>,
}

/// One loaded script.
struct Script {
    lua: Lua,
    file: String,
    meta: RefCell<ScriptMeta>,
    budget: Rc<Budget>,
    errors: Cell<u32>,
    disabled: Cell<bool>,
}

/// What every state of the engine shares.
pub(crate) struct Shared {
    id: Cell<EngineId>,
    limits: Limits,
    next: Cell<u64>,
    scripts: RefCell<HashMap<ScriptId, Rc<Script>>>,
    callbacks: RefCell<HashMap<u64, Rc<Callback>>>,
}

impl Shared {
    fn handle(&self) -> u64 {
        let h = self.next.get() + 1;
        self.next.set(h);
        h
    }
}

/// Per-state data: which script it is, and the way back to the engine.
pub(crate) struct Ctx {
    pub(crate) script: ScriptId,
    pub(crate) file: String,
    pub(crate) shared: Weak<Shared>,
    pub(crate) storage: RefCell<Option<storage::Store>>,
}

/// A host request from an `irc` function, run by the host function of the current call.
type HostReq = Box<dyn FnOnce(&mut dyn EngineHost) -> Box<dyn Any>>;

/// The request and its answer, passed through the state's app data.
#[derive(Default)]
struct HostCall {
    req: RefCell<Option<HostReq>>,
    out: RefCell<Option<Box<dyn Any>>>,
}

const HOST_KEY: &str = "rustirc.host";

/// Runs `f` with the client's host of the callback under way.
///
/// # Errors
/// When no callback is under way (a coroutine kept past its callback), or `f`'s answer is
/// lost.
pub(crate) fn with_host<R: 'static>(
    lua: &Lua,
    f: impl FnOnce(&mut dyn EngineHost) -> R + 'static,
) -> mlua::Result<R> {
    let hf: Value = lua.named_registry_value(HOST_KEY)?;
    let Value::Function(hf) = hf else {
        return Err(mlua::Error::runtime(
            "the client is not reachable here (outside a handler, command or timer)",
        ));
    };
    {
        let call = lua
            .app_data_ref::<HostCall>()
            .ok_or_else(|| mlua::Error::runtime("no host"))?;
        *call.req.borrow_mut() = Some(Box::new(move |h| Box::new(f(h)) as Box<dyn Any>));
    }
    hf.call::<()>(())?;
    let out = lua
        .app_data_ref::<HostCall>()
        .and_then(|c| c.out.borrow_mut().take())
        .ok_or_else(|| mlua::Error::runtime("host call lost"))?;
    out.downcast::<R>()
        .map(|b| *b)
        .map_err(|_| mlua::Error::runtime("host call answered with the wrong type"))
}

/// Runs `f` with the state's memory limit lifted. With a limit set, mlua protects every
/// value it pushes against allocation errors, which makes building an event table about
/// five times dearer; what is built here (the host function, the event table) is small and
/// bounded, and the script's own code always runs under the limit.
fn unlimited<R>(lua: &Lua, f: impl FnOnce() -> mlua::Result<R>) -> mlua::Result<R> {
    let limit = lua.set_memory_limit(0)?;
    let r = f();
    lua.set_memory_limit(limit)?;
    r
}

/// Runs `body` with `host` reachable through [`with_host`], counting the budget.
fn run_with_host<R>(
    script: &Script,
    host: &mut dyn EngineHost,
    body: impl FnOnce(&Lua) -> mlua::Result<R>,
) -> mlua::Result<R> {
    let lua = &script.lua;
    script.budget.enter();
    let r = lua.scope(|scope| {
        let cell = RefCell::new(host);
        let f = scope.create_function(move |lua, ()| {
            let req = lua
                .app_data_ref::<HostCall>()
                .and_then(|c| c.req.borrow_mut().take());
            if let Some(req) = req {
                let mut h = cell
                    .try_borrow_mut()
                    .map_err(|_| mlua::Error::runtime("host busy"))?;
                let out = req(&mut **h);
                if let Some(c) = lua.app_data_ref::<HostCall>() {
                    *c.out.borrow_mut() = Some(out);
                }
            }
            Ok(())
        })?;
        let prev: Value = unlimited(lua, || {
            let prev: Value = lua.named_registry_value(HOST_KEY)?;
            lua.set_named_registry_value(HOST_KEY, f)?;
            Ok(prev)
        })?;
        let r = body(lua);
        unlimited(lua, || lua.set_named_registry_value(HOST_KEY, prev))?;
        r
    });
    script.budget.leave();
    r
}

/// The Lua engine.
pub struct LuaEngine {
    shared: Rc<Shared>,
}

impl LuaEngine {
    /// An engine whose scripts run within `limits` (the same limits mSL runs use).
    pub fn new(limits: Limits) -> LuaEngine {
        LuaEngine {
            shared: Rc::new(Shared {
                id: Cell::new(0),
                limits,
                next: Cell::new(0),
                scripts: RefCell::new(HashMap::new()),
                callbacks: RefCell::new(HashMap::new()),
            }),
        }
    }

    fn memory(&self) -> usize {
        self.shared
            .limits
            .string_len
            .saturating_mul(MEMORY_PER_STRING_LIMIT)
            .max(8 << 20)
    }

    fn script(&self, id: ScriptId) -> Option<Rc<Script>> {
        self.shared.scripts.borrow().get(&id).cloned()
    }

    fn callback(&self, handle: u64) -> Option<(Rc<Callback>, Rc<Script>)> {
        let cb = self.shared.callbacks.borrow().get(&handle).cloned()?;
        let script = self.script(cb.script)?;
        Some((cb, script))
    }

    /// Runs a callback; counts errors in a row and disables a script that keeps failing.
    fn guarded<R: Default>(
        &self,
        cb: &Callback,
        script: &Script,
        host: &mut dyn EngineHost,
        body: impl FnOnce(&Lua, &Function) -> mlua::Result<R>,
    ) -> Result<R, String> {
        if script.disabled.get() {
            return Ok(R::default());
        }
        match run_with_host(script, host, |lua| body(lua, &cb.func)) {
            Ok(r) => {
                script.errors.set(0);
                Ok(r)
            }
            Err(e) => {
                let n = script.errors.get() + 1;
                script.errors.set(n);
                let msg = format!(
                    "lua: {} (in {} of {})",
                    self.describe_error(&e),
                    cb.label,
                    script.file
                );
                if n >= MAX_ERRORS_IN_A_ROW {
                    script.disabled.set(true);
                    script.meta.borrow_mut().disabled = true;
                    host.echo(
                        "status",
                        &format!(
                            "* lua: {} disabled after {n} errors in a row; /lua enable {} to run it again",
                            script.file,
                            script.meta.borrow().name
                        ),
                    );
                }
                Err(msg)
            }
        }
    }

    fn describe_error(&self, e: &mlua::Error) -> String {
        let text = plain_error(e);
        if matches!(innermost(e), mlua::Error::MemoryError(_)) {
            return format!(
                "memory limit reached (limit is {} MiB per script)",
                self.memory() >> 20
            );
        }
        text
    }
}

fn innermost(e: &mlua::Error) -> &mlua::Error {
    match e {
        mlua::Error::CallbackError { cause, .. } | mlua::Error::WithContext { cause, .. } => {
            innermost(cause)
        }
        other => other,
    }
}

/// Compares two dotted versions part by part, numerically (`0.10` is newer than `0.9`; a
/// missing part counts as 0, so `1` is `1.0.0`). `None` when a part is not a number.
pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let parts = |v: &str| -> Option<Vec<u64>> {
        v.trim()
            .split('.')
            .map(|p| p.trim().parse::<u64>().ok())
            .collect()
    };
    let (mut a, mut b) = (parts(a)?, parts(b)?);
    let n = a.len().max(b.len());
    a.resize(n, 0);
    b.resize(n, 0);
    Some(a.cmp(&b))
}

/// Whether this client is new enough for `meta.requires`; the error names the script, its
/// file, the version it requires and ours.
fn check_requires(meta: &ScriptMeta) -> Result<(), String> {
    let req = meta.requires.as_str();
    if req.is_empty() {
        return Ok(());
    }
    let ours = rustirc_core::VERSION;
    match compare_versions(req, ours) {
        Some(std::cmp::Ordering::Greater) => Err(format!(
            "lua: {} ({}) requires RustIRC {req} or later; this is RustIRC {ours}",
            meta.name, meta.file
        )),
        Some(_) => Ok(()),
        None => Err(format!(
            "lua: {} ({}): requires = \"{req}\" is not a version (numbers separated by dots, like \"0.2\")",
            meta.name, meta.file
        )),
    }
}

/// Reads the script's metadata table.
fn read_meta(id: ScriptId, file: &str, v: &Value) -> ScriptMeta {
    let stem = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .trim_end_matches(".lua")
        .to_string();
    let mut meta = ScriptMeta {
        script: id,
        file: file.to_string(),
        name: stem,
        ..ScriptMeta::default()
    };
    if let Value::Table(t) = v {
        let s = |k: &str| t.get::<Option<String>>(k).ok().flatten();
        let list = |k: &str| -> Vec<String> {
            t.get::<Option<Vec<String>>>(k)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        if let Some(n) = s("name") {
            meta.name = n;
        }
        meta.version = s("version").unwrap_or_default();
        meta.author = s("author").unwrap_or_default();
        meta.description = s("description").unwrap_or_default();
        meta.permissions = list("permissions");
        meta.requires = match t.get::<Value>("requires") {
            Ok(Value::String(v)) => v.to_string_lossy().trim().to_string(),
            Ok(Value::Integer(n)) => n.to_string(),
            Ok(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
    }
    meta
}

impl ScriptEngine for LuaEngine {
    fn name(&self) -> &'static str {
        "lua"
    }

    fn handles(&self, file: &str) -> bool {
        std::path::Path::new(file)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("lua"))
    }

    fn attach(&self, id: EngineId) {
        self.shared.id.set(id);
    }

    fn check(&self, file: &str, bytes: &[u8]) -> Vec<String> {
        let lua = Lua::new_with(mlua::StdLib::NONE, mlua::LuaOptions::default());
        let Ok(lua) = lua else {
            return vec![format!("{file}: cannot start Lua")];
        };
        match lua
            .load(bytes)
            .set_name(format!("@{file}"))
            .set_mode(ChunkMode::Text)
            .into_function()
        {
            Ok(_) => Vec::new(),
            Err(e) => vec![plain_error(&e)],
        }
    }

    fn load(
        &self,
        script: ScriptId,
        file: &str,
        bytes: &[u8],
        host: &mut dyn EngineHost,
    ) -> Result<ScriptMeta, String> {
        let limits = &self.shared.limits;
        let budget = Rc::new(Budget::new(limits));
        let lua = sandbox::new_state(limits, self.memory(), &budget)
            .map_err(|e| format!("lua: cannot start a state for {file}: {e}"))?;
        lua.set_app_data(HostCall::default());
        lua.set_app_data(Ctx {
            script,
            file: file.to_string(),
            shared: Rc::downgrade(&self.shared),
            storage: RefCell::new(None),
        });
        api::install(&lua).map_err(|e| format!("lua: {file}: {e}"))?;
        let s = Rc::new(Script {
            lua,
            file: file.to_string(),
            meta: RefCell::new(read_meta(script, file, &Value::Nil)),
            budget,
            errors: Cell::new(0),
            disabled: Cell::new(false),
        });
        self.shared.scripts.borrow_mut().insert(script, s.clone());
        let r = run_with_host(&s, host, |lua| {
            let f = lua
                .load(bytes)
                .set_name(format!("@{file}"))
                .set_mode(ChunkMode::Text)
                .into_function()?;
            f.call::<Value>(())
        });
        match r {
            Ok(v) => {
                let meta = read_meta(script, file, &v);
                if let Err(e) = check_requires(&meta) {
                    self.unload(script);
                    return Err(e);
                }
                *s.meta.borrow_mut() = meta.clone();
                Ok(meta)
            }
            Err(e) => {
                self.unload(script);
                Err(format!("lua: {} (loading {file})", self.describe_error(&e)))
            }
        }
    }

    fn unload(&self, script: ScriptId) {
        self.shared.scripts.borrow_mut().remove(&script);
        self.shared
            .callbacks
            .borrow_mut()
            .retain(|_, c| c.script != script);
    }

    fn call(
        &self,
        handle: u64,
        event: &EngineEvent,
        host: &mut dyn EngineHost,
    ) -> Result<Handled, String> {
        let Some((cb, script)) = self.callback(handle) else {
            return Ok(Handled::default());
        };
        self.guarded(&cb, &script, host, |lua, f| {
            let t = unlimited(lua, || api::event_table(lua, event))?;
            let before = event.text.clone();
            let r: Value = f.call(t.clone())?;
            let mut h = Handled::default();
            if let Value::Integer(code) = r {
                h.outcome.halt_default = code == api::HALT || code == api::HALTDEF;
                h.outcome.stop_later = code == api::HALT;
            }
            let after: Option<String> = t.get("text")?;
            if let Some(after) = after {
                if after != before {
                    h.text = Some(after);
                }
            }
            Ok(h)
        })
    }

    fn command(&self, handle: u64, args: &str, host: &mut dyn EngineHost) -> Result<(), String> {
        let Some((cb, script)) = self.callback(handle) else {
            return Err("this command's script is gone".to_string());
        };
        if script.disabled.get() {
            let name = script.meta.borrow().name.clone();
            return Err(format!(
                "lua: {name} is disabled; /lua enable {name} runs it again (in {} of {})",
                cb.label, script.file
            ));
        }
        let args = args.to_string();
        let shown = self.guarded(&cb, &script, host, move |lua, f| {
            let words = lua.create_sequence_from(args.split_whitespace())?;
            let r: Value = f.call((words, args))?;
            Ok(match r {
                Value::String(s) => Some(s.to_str()?.to_string()),
                Value::Integer(_) | Value::Number(_) => lua
                    .coerce_string(r)?
                    .map(|s| s.to_str().map(|s| s.to_string()).unwrap_or_default()),
                _ => None,
            })
        })?;
        if let Some(text) = shown {
            host.echo("active", &text);
        }
        Ok(())
    }

    fn complete(
        &self,
        handle: u64,
        args: &str,
        word: &str,
        host: &mut dyn EngineHost,
    ) -> Result<Vec<String>, String> {
        let Some((cb, script)) = self.callback(handle) else {
            return Ok(Vec::new());
        };
        let (args, word) = (args.to_string(), word.to_string());
        self.guarded(&cb, &script, host, move |lua, f| {
            let words = lua.create_sequence_from(args.split_whitespace())?;
            let r: Value = f.call((words, word))?;
            let Value::Table(t) = r else {
                return Ok(Vec::new());
            };
            t.sequence_values::<Value>()
                .filter_map(|v| match v {
                    Ok(v) => lua
                        .coerce_string(v)
                        .transpose()
                        .map(|s| s.and_then(|s| Ok(s.to_str()?.to_string()))),
                    Err(e) => Some(Err(e)),
                })
                .collect()
        })
    }

    fn timer(&self, handle: u64, host: &mut dyn EngineHost) -> Result<(), String> {
        let Some((cb, script)) = self.callback(handle) else {
            return Ok(());
        };
        if script.disabled.get() {
            return Ok(());
        }
        match cb.left.get() {
            0 => {}
            1 => {
                self.shared.callbacks.borrow_mut().remove(&handle);
            }
            n => cb.left.set(n - 1),
        }
        self.guarded(&cb, &script, host, |_, f| f.call::<()>(()))
    }

    fn scripts(&self) -> Vec<ScriptMeta> {
        sorted_metas(self.shared.scripts.borrow().values().map(|s| &s.meta))
    }

    fn instructions(&self, script: ScriptId) -> Option<u64> {
        self.script(script).map(|s| s.budget.total())
    }

    fn set_enabled(&self, script: ScriptId, on: bool) -> bool {
        let Some(s) = self.script(script) else {
            return false;
        };
        set_script_enabled(&s.meta, &s.disabled, &s.errors, on);
        true
    }
}
