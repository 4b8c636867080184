//! Opening a plugin library and calling into it: the host function table, the events, and
//! the checks in their fixed order (symbols, ABI version, duplicate name, init).
//!
//! This is the one place where the client's code and the plugin's meet. The same loader runs
//! in the client (plugins loaded in-process) and in `rustirc-native-host` (isolated plugins);
//! what a plugin asks of the host becomes a [`HostCall`], handed to the [`Calls`] of the call
//! under way: the engine's, which carries it out through the client, or the host process's,
//! which sends it over the socket.
#![allow(unsafe_code)]

use rustirc_plugin_abi::sys::{
    self, DeinitFn, GetInfoFn, InitFn, OnEventFn, PluginInfo, ABI_MAJOR, ABI_MINOR,
};
use rustirc_plugin_proto::{Event, HostCall, Meta, Reply, ScriptError};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::path::Path;

/// What a plugin's host calls go to while the client calls into it.
pub trait Calls {
    /// Carries out a host call; the JSON answer as [`HostCall`] documents it, or the error.
    ///
    /// # Errors
    /// Why the client refused or failed it.
    fn call(&mut self, call: HostCall) -> Result<Value, String>;

    /// A line for the log, at `debug`, `info`, `warn` or `error`.
    fn log(&mut self, level: &str, text: &str);
}

thread_local! {
    /// The [`Calls`] of the call into a plugin under way on this thread.
    static SINK: Cell<Option<*mut (dyn Calls + 'static)>> = const { Cell::new(None) };
}

/// Runs `f` with `calls` receiving the host calls made on this thread meanwhile.
fn with_sink<R>(calls: &mut dyn Calls, f: impl FnOnce() -> R) -> R {
    let p: *mut (dyn Calls + '_) = calls;
    // SAFETY: only the lifetime is erased. The pointer is removed again below, before
    // `calls` can go out of scope, so it is never used after the borrow ends.
    let p: *mut (dyn Calls + 'static) = unsafe { std::mem::transmute(p) };
    let prev = SINK.with(|s| s.replace(Some(p)));
    struct Restore(Option<*mut (dyn Calls + 'static)>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SINK.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(prev);
    f()
}

/// Per-plugin state behind the table's `ctx`.
struct Ctx {
    next: Cell<u64>,
    commands: RefCell<HashMap<u64, String>>,
    timers: RefCell<HashMap<u64, String>>,
    last_error: RefCell<Option<String>>,
}

impl Ctx {
    fn next(&self) -> u64 {
        let n = self.next.get() + 1;
        self.next.set(n);
        n
    }
}

/// Runs `f` with the plugin's context and the sink of the call under way; an error (also
/// "no call under way") is kept for `last_error`.
fn with_ctx<R>(
    ctx: *mut c_void,
    fail: R,
    f: impl FnOnce(&Ctx, &mut dyn Calls) -> Result<R, String>,
) -> R {
    if ctx.is_null() {
        return fail;
    }
    // SAFETY: `ctx` is the Box<Ctx> the loader put in this plugin's table; it lives until
    // the plugin is dropped, after plugin_deinit.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    let Some(sink) = SINK.with(Cell::get) else {
        *ctx.last_error.borrow_mut() = Some(
            "a host function was called outside a call into the plugin, or from another thread"
                .to_string(),
        );
        return fail;
    };
    // SAFETY: the sink is valid while the call into the plugin that set it runs (with_sink),
    // and host functions only run inside that call on this thread.
    let sink = unsafe { &mut *sink };
    match f(ctx, sink) {
        Ok(r) => {
            *ctx.last_error.borrow_mut() = None;
            r
        }
        Err(e) => {
            *ctx.last_error.borrow_mut() = Some(e);
            fail
        }
    }
}

fn arg(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the ABI says string arguments are NUL-terminated and valid for the call.
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

fn need(p: *const c_char, what: &str) -> Result<String, String> {
    arg(p).ok_or_else(|| format!("{what} is NULL"))
}

fn out(s: String) -> *mut c_char {
    CString::new(s.replace('\0', ""))
        .unwrap_or_default()
        .into_raw()
}

fn rc(r: Result<(), String>) -> Result<c_int, String> {
    r.map(|()| sys::RUSTIRC_OK)
}

fn unit(v: Result<Value, String>) -> Result<(), String> {
    v.map(|_| ())
}

fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

unsafe extern "C" fn h_print(ctx: *mut c_void, window: *const c_char, t: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        let window = arg(window)
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "active".into());
        rc(unit(s.call(HostCall::Echo {
            window,
            text: need(t, "text")?,
        })))
    })
}

unsafe extern "C" fn h_command(ctx: *mut c_void, line: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        let line = need(line, "line")?;
        let line = if line.starts_with('/') {
            line
        } else {
            format!("/{line}")
        };
        rc(unit(s.call(HostCall::RunLine { line })))
    })
}

fn command(s: &mut dyn Calls, name: &str, args: String) -> Result<c_int, String> {
    rc(unit(s.call(HostCall::Command {
        name: name.to_string(),
        args,
    })))
}

unsafe extern "C" fn h_send_raw(ctx: *mut c_void, line: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        command(s, "raw", need(line, "line")?)
    })
}

unsafe extern "C" fn h_privmsg(ctx: *mut c_void, target: *const c_char, t: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        command(
            s,
            "msg",
            format!("{} {}", need(target, "target")?, need(t, "text")?),
        )
    })
}

unsafe extern "C" fn h_notice(ctx: *mut c_void, target: *const c_char, t: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        command(
            s,
            "notice",
            format!("{} {}", need(target, "target")?, need(t, "text")?),
        )
    })
}

unsafe extern "C" fn h_register_command(
    ctx: *mut c_void,
    name: *const c_char,
    help: *const c_char,
    usage: *const c_char,
) -> u64 {
    with_ctx(ctx, 0, |c, s| {
        let name = need(name, "name")?
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let handle = c.next();
        s.call(HostCall::AddCommand {
            handle,
            name: name.clone(),
            help: arg(help).unwrap_or_default(),
            usage: arg(usage).unwrap_or_default(),
            complete: None,
        })?;
        c.commands.borrow_mut().insert(handle, name);
        Ok(handle)
    })
}

unsafe extern "C" fn h_unregister_command(ctx: *mut c_void, name: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |c, s| {
        let name = need(name, "name")?
            .trim_start_matches('/')
            .to_ascii_lowercase();
        match s.call(HostCall::RemoveCommand { name: name.clone() })? {
            Value::Bool(true) => {
                c.commands.borrow_mut().retain(|_, n| *n != name);
                Ok(sys::RUSTIRC_OK)
            }
            _ => Err(format!("the plugin has no command /{name}")),
        }
    })
}

unsafe extern "C" fn h_hook_event(ctx: *mut c_void, event: *const c_char, priority: c_int) -> u64 {
    with_ctx(ctx, 0, |c, s| {
        let event = need(event, "event")?.to_ascii_uppercase();
        if event.is_empty() || event.contains(' ') {
            return Err(format!("'{event}' is not an event name"));
        }
        let handle = c.next();
        s.call(HostCall::On {
            handle,
            event,
            priority,
            pre: false,
            channel: None,
            matcher: None,
            key: None,
        })?;
        Ok(handle)
    })
}

unsafe extern "C" fn h_unhook_event(ctx: *mut c_void, hook: u64) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        rc(unit(s.call(HostCall::Off { handle: hook })))
    })
}

fn ident(s: &mut dyn Calls, name: &str) -> Result<*mut c_char, String> {
    s.call(HostCall::Identifier {
        name: name.to_string(),
        args: Vec::new(),
    })
    .map(|v| out(text(v)))
}

unsafe extern "C" fn h_get_nick(ctx: *mut c_void) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| ident(s, "me"))
}

unsafe extern "C" fn h_get_network(ctx: *mut c_void) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| ident(s, "network"))
}

unsafe extern "C" fn h_get_channel(ctx: *mut c_void) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| {
        s.call(HostCall::Active).map(|v| out(text(v)))
    })
}

unsafe extern "C" fn h_get_channels(ctx: *mut c_void) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| {
        let v = s.call(HostCall::Channels)?;
        let names: Vec<String> = v
            .as_array()
            .map(|a| a.iter().map(|x| text(x.clone())).collect())
            .unwrap_or_default();
        Ok(out(names.join("\n")))
    })
}

unsafe extern "C" fn h_get_nicks(ctx: *mut c_void, channel: *const c_char) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| {
        let v = s.call(HostCall::Users {
            channel: need(channel, "channel")?,
        })?;
        let nicks: Vec<String> = v
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|u| {
                        let p = u["prefix"].as_str().unwrap_or("");
                        let n = u["nick"].as_str().unwrap_or("");
                        format!(
                            "{}{n}",
                            p.chars().next().map(String::from).unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(out(nicks.join("\n")))
    })
}

unsafe extern "C" fn h_storage_get(ctx: *mut c_void, key: *const c_char) -> *mut c_char {
    with_ctx(ctx, std::ptr::null_mut(), |_, s| {
        match s.call(HostCall::StorageGet {
            key: need(key, "key")?,
        })? {
            Value::String(v) => Ok(out(v)),
            _ => Ok(std::ptr::null_mut()),
        }
    })
}

unsafe extern "C" fn h_storage_set(
    ctx: *mut c_void,
    key: *const c_char,
    value: *const c_char,
) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        rc(unit(s.call(HostCall::StorageSet {
            key: need(key, "key")?,
            value: arg(value),
        })))
    })
}

unsafe extern "C" fn h_add_timer(ctx: *mut c_void, ms: u64, count: u64) -> u64 {
    with_ctx(ctx, 0, |c, s| {
        if ms == 0 {
            return Err("a timer's interval is at least 1 ms".to_string());
        }
        let handle = c.next();
        let name = text(s.call(HostCall::AddTimer { handle, ms, count })?);
        c.timers.borrow_mut().insert(handle, name);
        Ok(handle)
    })
}

unsafe extern "C" fn h_remove_timer(ctx: *mut c_void, timer: u64) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |c, s| {
        let Some(name) = c.timers.borrow_mut().remove(&timer) else {
            return Err(format!("the plugin has no timer {timer}"));
        };
        rc(unit(s.call(HostCall::CancelTimer { name })))
    })
}

unsafe extern "C" fn h_log(ctx: *mut c_void, level: c_int, t: *const c_char) -> c_int {
    with_ctx(ctx, sys::RUSTIRC_ERROR, |_, s| {
        let level = match level {
            sys::RUSTIRC_LOG_DEBUG => "debug",
            sys::RUSTIRC_LOG_INFO => "info",
            sys::RUSTIRC_LOG_WARN => "warn",
            _ => "error",
        };
        s.log(level, &need(t, "text")?);
        Ok(sys::RUSTIRC_OK)
    })
}

unsafe extern "C" fn h_free_string(_ctx: *mut c_void, p: *mut c_char) {
    if !p.is_null() {
        // SAFETY: every string the host returns comes from CString::into_raw (`out`), and the
        // ABI says each is released once, with this function.
        drop(unsafe { CString::from_raw(p) });
    }
}

unsafe extern "C" fn h_last_error(ctx: *mut c_void) -> *mut c_char {
    if ctx.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: as in with_ctx: the plugin's own live context.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    ctx.last_error
        .borrow()
        .clone()
        .map_or(std::ptr::null_mut(), out)
}

fn table(ctx: *mut c_void) -> sys::Host {
    sys::Host {
        abi_major: ABI_MAJOR,
        abi_minor: ABI_MINOR,
        ctx,
        print: h_print,
        command: h_command,
        send_raw: h_send_raw,
        privmsg: h_privmsg,
        notice: h_notice,
        register_command: h_register_command,
        unregister_command: h_unregister_command,
        hook_event: h_hook_event,
        unhook_event: h_unhook_event,
        get_nick: h_get_nick,
        get_network: h_get_network,
        get_channel: h_get_channel,
        get_channels: h_get_channels,
        get_nicks: h_get_nicks,
        storage_get: h_storage_get,
        storage_set: h_storage_set,
        add_timer: h_add_timer,
        remove_timer: h_remove_timer,
        log: h_log,
        free_string: h_free_string,
        last_error: h_last_error,
    }
}

/// What a plugin said about itself, copied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// The ABI it was built against.
    pub abi: (u32, u32),
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its author.
    pub author: String,
    /// Its description.
    pub description: String,
    /// The permissions it asks for (ABI 1.1 on; none from a 1.0 plugin).
    pub permissions: Vec<String>,
}

/// A library opened and checked (symbols, ABI version), not yet initialised.
pub struct Opened {
    lib: libloading::Library,
    /// What it says about itself.
    pub info: Info,
    init: InitFn,
    deinit: DeinitFn,
    on_event: OnEventFn,
}

/// Opens the library at `path` (running its constructors) and checks, in order, that it has
/// the required symbols and that its ABI version is one this client can load.
///
/// # Errors
/// What is wrong and what to do: a missing symbol, an ABI mismatch naming both versions and
/// what to rebuild.
pub fn open(path: &Path, file: &str) -> Result<Opened, String> {
    // SAFETY: opening a library runs its initialisers; the header was checked first
    // (inspect), and the user chose to load it in-process (see the plugin guide on isolation).
    let lib = unsafe { libloading::Library::new(path) }
        .map_err(|e| format!("{file} cannot be opened as a library: {e}"))?;
    let mut missing = Vec::new();
    // SAFETY: the symbols have the ABI's signatures by the plugin contract; the pointers are
    // only used while `lib` stays loaded (they are stored beside it).
    let get_info = unsafe { lib.get::<GetInfoFn>(b"plugin_get_info\0") }
        .map(|s| *s)
        .map_err(|_| missing.push("plugin_get_info"));
    // SAFETY: as above.
    let init = unsafe { lib.get::<InitFn>(b"plugin_init\0") }
        .map(|s| *s)
        .map_err(|_| missing.push("plugin_init"));
    // SAFETY: as above.
    let deinit = unsafe { lib.get::<DeinitFn>(b"plugin_deinit\0") }
        .map(|s| *s)
        .map_err(|_| missing.push("plugin_deinit"));
    // SAFETY: as above.
    let on_event = unsafe { lib.get::<OnEventFn>(b"plugin_on_event\0") }
        .map(|s| *s)
        .map_err(|_| missing.push("plugin_on_event"));
    let (Ok(get_info), Ok(init), Ok(deinit), Ok(on_event)) = (get_info, init, deinit, on_event)
    else {
        return Err(format!(
            "{file} does not export {}: a plugin exports {}",
            missing.join(", "),
            sys::REQUIRED_EXPORTS.join(", ")
        ));
    };
    // SAFETY: the plugin's own function, with no arguments.
    let raw = unsafe { get_info() };
    if raw.is_null() {
        return Err(format!("{file}: plugin_get_info returned NULL"));
    }
    let info = read_info(raw);
    check_abi(&info, file)?;
    if info.name.trim().is_empty() {
        return Err(format!(
            "{file}: the plugin gives no name in plugin_get_info"
        ));
    }
    Ok(Opened {
        lib,
        info,
        init,
        deinit,
        on_event,
    })
}

/// Copies what a plugin's `plugin_get_info` returned. The fields a minor version appended are
/// read only from a plugin built against that minor or a later one: a 1.0 plugin's struct
/// ends before `permissions`, so that field is never read from it.
fn read_info(raw: *const PluginInfo) -> Info {
    /// The fields every 1.x plugin has, in the order of the ABI.
    #[repr(C)]
    struct InfoV10 {
        abi_major: u32,
        abi_minor: u32,
        name: *const c_char,
        version: *const c_char,
        author: *const c_char,
        description: *const c_char,
    }
    // SAFETY: a non-NULL pointer to the plugin's static info (the ABI's contract); every 1.x
    // plugin's struct starts with these fields.
    let v10: &InfoV10 = unsafe { &*raw.cast::<InfoV10>() };
    let s = |p: *const c_char| arg(p).unwrap_or_default();
    let permissions = if v10.abi_major == ABI_MAJOR && v10.abi_minor >= 1 {
        // SAFETY: a plugin built against 1.1 or later has the whole 1.1 struct.
        let full: &PluginInfo = unsafe { &*raw };
        split_permissions(&s(full.permissions))
    } else {
        Vec::new()
    };
    Info {
        abi: (v10.abi_major, v10.abi_minor),
        name: s(v10.name),
        version: s(v10.version),
        author: s(v10.author),
        description: s(v10.description),
        permissions,
    }
}

/// A comma-separated list of permissions, as a manifest writes it.
pub fn split_permissions(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a plugin built against `info.abi` loads in this client: the same major, and a
/// minor no newer than ours.
///
/// # Errors
/// What to rebuild or update.
pub fn check_abi(info: &Info, file: &str) -> Result<(), String> {
    let (major, minor) = info.abi;
    if major != ABI_MAJOR {
        return Err(format!(
            "ABI mismatch for plugin '{}' ({file}; client {ABI_MAJOR}.{ABI_MINOR}, plugin {major}.{minor}): rebuild it against rustirc-plugin-abi {ABI_MAJOR}.x (include/rustirc_plugin.h of this client)",
            info.name
        ));
    }
    if minor > ABI_MINOR {
        return Err(format!(
            "plugin '{}' ({file}) needs ABI {major}.{minor} but this client has {ABI_MAJOR}.{ABI_MINOR}: update the client, or rebuild the plugin against rustirc-plugin-abi {ABI_MAJOR}.{ABI_MINOR}",
            info.name
        ));
    }
    Ok(())
}

/// A plugin after a successful `plugin_init`.
pub struct Loaded {
    // Field order matters: the table and context go after deinit (Drop), the library last.
    ctx: Box<Ctx>,
    table: Box<sys::Host>,
    /// What it says about itself.
    pub info: Info,
    deinit: DeinitFn,
    on_event: OnEventFn,
    deinited: bool,
    lib: Option<libloading::Library>,
}

impl Opened {
    /// Runs `plugin_init`, its host calls going to `calls`.
    ///
    /// # Errors
    /// When it returns an error: with the plugin's last logged error, if any.
    pub fn init(self, calls: &mut dyn Calls) -> Result<Loaded, String> {
        let ctx = Box::new(Ctx {
            next: Cell::new(0),
            commands: RefCell::default(),
            timers: RefCell::default(),
            last_error: RefCell::default(),
        });
        let table = Box::new(table(std::ptr::from_ref::<Ctx>(&ctx) as *mut c_void));
        let mut loaded = Loaded {
            ctx,
            table,
            info: self.info,
            deinit: self.deinit,
            on_event: self.on_event,
            deinited: false,
            lib: Some(self.lib),
        };
        let init = self.init;
        let tp: *const sys::Host = &*loaded.table;
        // SAFETY: the plugin's init with a table that outlives it (kept in `loaded`).
        let r = with_sink(calls, || unsafe { init(tp) });
        if r != sys::RUSTIRC_OK {
            // A failed init gets no deinit (the plugin cleaned up or holds nothing).
            loaded.deinited = true;
            return Err(format!(
                "plugin '{}' failed to start: plugin_init returned {r}",
                loaded.info.name
            ));
        }
        Ok(loaded)
    }
}

fn cs(s: &Option<String>) -> Option<CString> {
    s.as_ref()
        .map(|s| CString::new(s.replace('\0', "")).unwrap_or_default())
}

fn ptr(c: &Option<CString>) -> *const c_char {
    c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

impl Loaded {
    /// Delivers an event, command (`COMMAND`) or timer (`TIMER`) to `plugin_on_event`.
    ///
    /// # Errors
    /// When the plugin returns `RUSTIRC_ERROR` (or a code it should not).
    pub fn deliver(
        &self,
        hook: u64,
        ev: &Event,
        calls: &mut dyn Calls,
    ) -> Result<Reply, ScriptError> {
        let kind = cs(&Some(ev.name.clone()));
        let key = cs(&ev.key);
        let text = cs(&Some(ev.text.clone()));
        let nick = cs(&ev.nick);
        let address = cs(&ev.address);
        let channel = cs(&ev.channel);
        let target = cs(&ev.target);
        let other = cs(&ev.other_nick);
        let raw = cs(&ev.raw);
        let server = cs(&ev.server);
        let network = cs(&ev.network);
        let e = sys::Event {
            kind: ptr(&kind),
            hook,
            key: ptr(&key),
            text: ptr(&text),
            nick: ptr(&nick),
            address: ptr(&address),
            channel: ptr(&channel),
            target: ptr(&target),
            other_nick: ptr(&other),
            raw: ptr(&raw),
            server: ptr(&server),
            network: ptr(&network),
            halted: c_int::from(ev.halted),
        };
        let f = self.on_event;
        // SAFETY: the plugin's handler with an event whose strings outlive the call.
        let r = with_sink(calls, || unsafe { f(&e) });
        match r {
            sys::RUSTIRC_OK => Ok(Reply::Handled {
                halt_default: false,
                stop_later: false,
                text: None,
            }),
            sys::RUSTIRC_HALTDEF => Ok(Reply::Handled {
                halt_default: true,
                stop_later: false,
                text: None,
            }),
            sys::RUSTIRC_HALT => Ok(Reply::Handled {
                halt_default: true,
                stop_later: true,
                text: None,
            }),
            other => Err(ScriptError {
                message: if other == sys::RUSTIRC_ERROR {
                    format!(
                        "plugin '{}' returned an error from its {} handler",
                        self.info.name, ev.name
                    )
                } else {
                    format!(
                        "plugin '{}' returned {other} from its {} handler (RUSTIRC_OK, HALTDEF, HALT or ERROR expected)",
                        self.info.name, ev.name
                    )
                },
                kind: "error".to_string(),
                ..ScriptError::default()
            }),
        }
    }

    /// The name of command `handle`, as the plugin registered it.
    pub fn command_name(&self, handle: u64) -> Option<String> {
        self.ctx.commands.borrow().get(&handle).cloned()
    }

    /// Runs `plugin_deinit` (once), its host calls going to `calls`.
    pub fn deinit(&mut self, calls: &mut dyn Calls) {
        if !self.deinited {
            self.deinited = true;
            let f = self.deinit;
            // SAFETY: the plugin's deinit, once, while its table is alive.
            with_sink(calls, || unsafe { f() });
        }
    }

    /// The plugin's metadata for the client.
    pub fn meta(&self) -> Meta {
        meta(&self.info)
    }
}

/// A plugin's info as script metadata.
pub fn meta(info: &Info) -> Meta {
    Meta {
        name: info.name.clone(),
        version: info.version.clone(),
        author: info.author.clone(),
        description: info.description.clone(),
        permissions: info.permissions.clone(),
        requires: String::new(),
    }
}

/// Calls that go nowhere (a deinit when the client is gone).
pub struct NoCalls;

impl Calls for NoCalls {
    fn call(&mut self, _call: HostCall) -> Result<Value, String> {
        Err("the client is not reachable here".to_string())
    }
    fn log(&mut self, _level: &str, _text: &str) {}
}

impl Drop for Loaded {
    fn drop(&mut self) {
        self.deinit(&mut NoCalls);
        // The library is closed here; the context and table are freed after, so nothing the
        // plugin could still reach is freed while its code is mapped.
        drop(self.lib.take());
    }
}
