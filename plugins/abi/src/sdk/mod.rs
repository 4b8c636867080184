//! The safe side of the plugin ABI: implement [`Plugin`] and call [`export_plugin!`].
//!
//! ```
//! use rustirc_plugin_abi::sdk::{Event, Host, Outcome, Plugin};
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn init(host: &Host) -> Result<Hello, String> {
//!         host.register_command("hello", "Says hello", "/hello [NAME]")?;
//!         Ok(Hello)
//!     }
//!     fn on_event(&mut self, host: &Host, event: &Event) -> Outcome {
//!         if event.kind == "COMMAND" {
//!             let _ = host.print(None, &format!("hello, {}", event.text));
//!         }
//!         Outcome::Continue
//!     }
//! }
//!
//! rustirc_plugin_abi::export_plugin!(Hello, name = "hello", author = "me", description = "Says hello");
//! ```
//!
//! A plugin that needs more than IRC and its own storage says so, as a script's manifest does
//! (`permissions = "run"` after the description): the client shows what it asks for, and
//! refuses a host call the user did not grant (see `docs/permissions.md`).
//!
//! The macro writes the four exported functions. A panic in `init`, `on_event` or `deinit`
//! is caught at the boundary, logged through the host with its message, and reported to the
//! client as an error; it never unwinds into the client.

use crate::sys;
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

/// What a handler asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to stop.
    Continue,
    /// Stop the default action.
    HaltDefault,
    /// Stop later handlers and the default action.
    Halt,
    /// The handler failed; the text is logged.
    Error(String),
}

/// An event, command or timer, with its strings copied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// `TEXT`, `JOIN` …, `COMMAND` or `TIMER`.
    pub kind: String,
    /// The id of the hook, command or timer.
    pub hook: u64,
    /// A command's name, a `RAW` numeric.
    pub key: Option<String>,
    /// The text; a command's arguments.
    pub text: String,
    /// Who caused it.
    pub nick: Option<String>,
    /// Their `user@host`.
    pub address: Option<String>,
    /// The channel.
    pub channel: Option<String>,
    /// Where it was sent.
    pub target: Option<String>,
    /// The other nick (kicked, new nick …).
    pub other_nick: Option<String>,
    /// The raw line.
    pub raw: Option<String>,
    /// The server's name.
    pub server: Option<String>,
    /// The network's name.
    pub network: Option<String>,
    /// Whether an earlier handler halted the default action.
    pub halted: bool,
}

fn opt(p: *const c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the host passes NUL-terminated strings valid for the call (sys docs).
    Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

impl Event {
    /// Copies a raw event.
    ///
    /// # Safety
    /// `ev` points to a valid event whose strings are NUL-terminated or NULL.
    pub unsafe fn from_raw(ev: *const sys::Event) -> Event {
        // SAFETY: the caller promises `ev` is valid.
        let ev = unsafe { &*ev };
        Event {
            kind: opt(ev.kind).unwrap_or_default(),
            hook: ev.hook,
            key: opt(ev.key),
            text: opt(ev.text).unwrap_or_default(),
            nick: opt(ev.nick),
            address: opt(ev.address),
            channel: opt(ev.channel),
            target: opt(ev.target),
            other_nick: opt(ev.other_nick),
            raw: opt(ev.raw),
            server: opt(ev.server),
            network: opt(ev.network),
            halted: ev.halted != 0,
        }
    }
}

/// The client, as a plugin reaches it: a safe wrapper over the host function table.
pub struct Host {
    raw: *const sys::Host,
}

fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

impl Host {
    /// Wraps the table `plugin_init` was given.
    ///
    /// # Safety
    /// `raw` is the table from `plugin_init`, valid until `plugin_deinit` returns.
    pub unsafe fn from_raw(raw: *const sys::Host) -> Host {
        Host { raw }
    }

    fn t(&self) -> &sys::Host {
        // SAFETY: valid from init to deinit (from_raw's contract).
        unsafe { &*self.raw }
    }

    /// The client's ABI version (major, minor).
    pub fn abi(&self) -> (u32, u32) {
        (self.t().abi_major, self.t().abi_minor)
    }

    fn take(&self, p: *mut c_char) -> Option<String> {
        if p.is_null() {
            return None;
        }
        // SAFETY: a string the host returned, NUL-terminated and ours until freed.
        let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        // SAFETY: released once, with the host's own function.
        unsafe { (self.t().free_string)(self.t().ctx, p) };
        Some(s)
    }

    fn error(&self) -> String {
        // SAFETY: a table function called with its own context.
        let p = unsafe { (self.t().last_error)(self.t().ctx) };
        self.take(p)
            .unwrap_or_else(|| "the host refused the call".to_string())
    }

    fn check(&self, rc: c_int) -> Result<(), String> {
        if rc == sys::RUSTIRC_OK {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn id(&self, id: u64) -> Result<u64, String> {
        if id == 0 {
            Err(self.error())
        } else {
            Ok(id)
        }
    }

    /// Shows `text` in `window` (`None`: the active window).
    ///
    /// # Errors
    /// The host's reason.
    pub fn print(&self, window: Option<&str>, text: &str) -> Result<(), String> {
        let w = window.map(cstring);
        let text = cstring(text);
        let wp = w.as_ref().map_or(std::ptr::null(), |w| w.as_ptr());
        // SAFETY: valid strings for the duration of the call.
        self.check(unsafe { (self.t().print)(self.t().ctx, wp, text.as_ptr()) })
    }

    /// Runs a command line as if typed.
    ///
    /// # Errors
    /// The command's error.
    pub fn command(&self, line: &str) -> Result<(), String> {
        let l = cstring(line);
        // SAFETY: a valid string for the call.
        self.check(unsafe { (self.t().command)(self.t().ctx, l.as_ptr()) })
    }

    /// Sends a raw line to the server.
    ///
    /// # Errors
    /// The host's reason (not connected …).
    pub fn send_raw(&self, line: &str) -> Result<(), String> {
        let l = cstring(line);
        // SAFETY: a valid string for the call.
        self.check(unsafe { (self.t().send_raw)(self.t().ctx, l.as_ptr()) })
    }

    /// Sends a message.
    ///
    /// # Errors
    /// The host's reason.
    pub fn privmsg(&self, target: &str, text: &str) -> Result<(), String> {
        let (t, x) = (cstring(target), cstring(text));
        // SAFETY: valid strings for the call.
        self.check(unsafe { (self.t().privmsg)(self.t().ctx, t.as_ptr(), x.as_ptr()) })
    }

    /// Sends a notice.
    ///
    /// # Errors
    /// The host's reason.
    pub fn notice(&self, target: &str, text: &str) -> Result<(), String> {
        let (t, x) = (cstring(target), cstring(text));
        // SAFETY: valid strings for the call.
        self.check(unsafe { (self.t().notice)(self.t().ctx, t.as_ptr(), x.as_ptr()) })
    }

    /// Adds `/name`; returns its id (an `Event` of kind `COMMAND` with it as `hook`).
    ///
    /// # Errors
    /// Why the name was refused.
    pub fn register_command(&self, name: &str, help: &str, usage: &str) -> Result<u64, String> {
        let (n, h, u) = (cstring(name), cstring(help), cstring(usage));
        // SAFETY: valid strings for the call.
        self.id(unsafe {
            (self.t().register_command)(self.t().ctx, n.as_ptr(), h.as_ptr(), u.as_ptr())
        })
    }

    /// Removes `/name`.
    ///
    /// # Errors
    /// When the plugin has no such command.
    pub fn unregister_command(&self, name: &str) -> Result<(), String> {
        let n = cstring(name);
        // SAFETY: a valid string for the call.
        self.check(unsafe { (self.t().unregister_command)(self.t().ctx, n.as_ptr()) })
    }

    /// Hooks `event` (`TEXT`, `JOIN` …) at `priority`; returns the hook's id.
    ///
    /// # Errors
    /// Why it was refused.
    pub fn hook_event(&self, event: &str, priority: i32) -> Result<u64, String> {
        let e = cstring(event);
        // SAFETY: a valid string for the call.
        self.id(unsafe { (self.t().hook_event)(self.t().ctx, e.as_ptr(), priority) })
    }

    /// Removes a hook.
    ///
    /// # Errors
    /// When there is no such hook.
    pub fn unhook_event(&self, hook: u64) -> Result<(), String> {
        // SAFETY: plain values.
        self.check(unsafe { (self.t().unhook_event)(self.t().ctx, hook) })
    }

    /// My nick.
    pub fn nick(&self) -> String {
        // SAFETY: a table function with its context.
        self.take(unsafe { (self.t().get_nick)(self.t().ctx) })
            .unwrap_or_default()
    }

    /// The network's name.
    pub fn network(&self) -> String {
        // SAFETY: a table function with its context.
        self.take(unsafe { (self.t().get_network)(self.t().ctx) })
            .unwrap_or_default()
    }

    /// The active window.
    pub fn channel(&self) -> String {
        // SAFETY: a table function with its context.
        self.take(unsafe { (self.t().get_channel)(self.t().ctx) })
            .unwrap_or_default()
    }

    /// The channels I am on.
    pub fn channels(&self) -> Vec<String> {
        // SAFETY: a table function with its context.
        lines(self.take(unsafe { (self.t().get_channels)(self.t().ctx) }))
    }

    /// The nicks on `channel`, with their prefixes.
    pub fn nicks(&self, channel: &str) -> Vec<String> {
        let c = cstring(channel);
        // SAFETY: a valid string for the call.
        lines(self.take(unsafe { (self.t().get_nicks)(self.t().ctx, c.as_ptr()) }))
    }

    /// The stored value of `key`.
    pub fn storage_get(&self, key: &str) -> Option<String> {
        let k = cstring(key);
        // SAFETY: a valid string for the call.
        self.take(unsafe { (self.t().storage_get)(self.t().ctx, k.as_ptr()) })
    }

    /// Stores `value` under `key` (`None` removes it).
    ///
    /// # Errors
    /// The host's reason (no data folder …).
    pub fn storage_set(&self, key: &str, value: Option<&str>) -> Result<(), String> {
        let k = cstring(key);
        let v = value.map(cstring);
        let vp = v.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
        // SAFETY: valid strings for the call.
        self.check(unsafe { (self.t().storage_set)(self.t().ctx, k.as_ptr(), vp) })
    }

    /// Starts a timer; returns its id.
    ///
    /// # Errors
    /// The host's reason.
    pub fn add_timer(&self, ms: u64, count: u64) -> Result<u64, String> {
        // SAFETY: plain values.
        self.id(unsafe { (self.t().add_timer)(self.t().ctx, ms, count) })
    }

    /// Stops a timer.
    ///
    /// # Errors
    /// When there is no such timer.
    pub fn remove_timer(&self, timer: u64) -> Result<(), String> {
        // SAFETY: plain values.
        self.check(unsafe { (self.t().remove_timer)(self.t().ctx, timer) })
    }

    /// Writes a line to the client's log at a `RUSTIRC_LOG_*` level.
    pub fn log(&self, level: c_int, text: &str) {
        let t = cstring(text);
        // SAFETY: a valid string for the call.
        unsafe { (self.t().log)(self.t().ctx, level, t.as_ptr()) };
    }
}

fn lines(s: Option<String>) -> Vec<String> {
    s.unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A native plugin.
pub trait Plugin: Sized + 'static {
    /// Sets the plugin up: register commands, hook events, start timers.
    ///
    /// # Errors
    /// Why it cannot start (the load fails with this message).
    fn init(host: &Host) -> Result<Self, String>;

    /// An event it hooked, a command it registered (`COMMAND`) or a timer (`TIMER`).
    fn on_event(&mut self, host: &Host, event: &Event) -> Outcome;

    /// It is being unloaded (the client removes its hooks, commands and timers itself).
    fn deinit(&mut self, host: &Host) {
        let _ = host;
    }
}

/// The plugin's strings, for `plugin_get_info`.
pub struct StaticInfo(pub sys::PluginInfo);

// SAFETY: the pointers are to static, immutable strings.
unsafe impl Sync for StaticInfo {}

impl StaticInfo {
    /// Info from NUL-terminated static strings (`export_plugin!` adds the NULs); the
    /// permissions comma-separated (`"network, run\0"`), or `""` … `"\0"` for none.
    pub const fn new(
        name: &'static str,
        version: &'static str,
        author: &'static str,
        description: &'static str,
        permissions: &'static str,
    ) -> StaticInfo {
        StaticInfo(sys::PluginInfo {
            abi_major: sys::ABI_MAJOR,
            abi_minor: sys::ABI_MINOR,
            name: name.as_ptr().cast(),
            version: version.as_ptr().cast(),
            author: author.as_ptr().cast(),
            description: description.as_ptr().cast(),
            permissions: permissions.as_ptr().cast(),
        })
    }
}

/// Where `export_plugin!` keeps the plugin between calls. Calls come on one thread at a
/// time (the threading model); a call that re-enters the plugin while it runs (its command
/// runs its own command) is refused rather than aliased.
pub struct Slot<T> {
    busy: AtomicBool,
    value: UnsafeCell<Option<(Host, T)>>,
}

// SAFETY: access is serialised by `busy`.
unsafe impl<T> Sync for Slot<T> {}

impl<T> Slot<T> {
    /// An empty slot.
    pub const fn new() -> Slot<T> {
        Slot {
            busy: AtomicBool::new(false),
            value: UnsafeCell::new(None),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Option<(Host, T)>) -> R) -> Option<R> {
        if self.busy.swap(true, Ordering::Acquire) {
            return None;
        }
        // SAFETY: `busy` makes this the only reference.
        let r = f(unsafe { &mut *self.value.get() });
        self.busy.store(false, Ordering::Release);
        Some(r)
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot::new()
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// `plugin_init` for `P` (used by [`export_plugin!`]).
///
/// # Safety
/// `host` is the table the client passed to `plugin_init`.
pub unsafe fn init<P: Plugin>(slot: &Slot<P>, host: *const sys::Host) -> c_int {
    if host.is_null() {
        return sys::RUSTIRC_ERROR;
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller's contract.
        let h = unsafe { Host::from_raw(host) };
        match P::init(&h) {
            Ok(p) => {
                slot.with(|s| *s = Some((h, p)));
                sys::RUSTIRC_OK
            }
            Err(e) => {
                h.log(sys::RUSTIRC_LOG_ERROR, &format!("init failed: {e}"));
                sys::RUSTIRC_ERROR
            }
        }
    }));
    r.unwrap_or_else(|p| {
        // SAFETY: as above.
        let h = unsafe { Host::from_raw(host) };
        h.log(
            sys::RUSTIRC_LOG_ERROR,
            &format!("panicked in init: {}", panic_text(&*p)),
        );
        sys::RUSTIRC_ERROR
    })
}

/// `plugin_on_event` for `P` (used by [`export_plugin!`]).
///
/// # Safety
/// `ev` is the event the client passed.
pub unsafe fn on_event<P: Plugin>(slot: &Slot<P>, ev: *const sys::Event) -> c_int {
    if ev.is_null() {
        return sys::RUSTIRC_ERROR;
    }
    // SAFETY: the caller's contract.
    let event = unsafe { Event::from_raw(ev) };
    let r = slot.with(|s| {
        let Some((host, p)) = s.as_mut() else {
            return sys::RUSTIRC_ERROR;
        };
        let out = catch_unwind(AssertUnwindSafe(|| p.on_event(host, &event)));
        match out {
            Ok(Outcome::Continue) => sys::RUSTIRC_OK,
            Ok(Outcome::HaltDefault) => sys::RUSTIRC_HALTDEF,
            Ok(Outcome::Halt) => sys::RUSTIRC_HALT,
            Ok(Outcome::Error(e)) => {
                host.log(sys::RUSTIRC_LOG_ERROR, &e);
                sys::RUSTIRC_ERROR
            }
            Err(panic) => {
                host.log(
                    sys::RUSTIRC_LOG_ERROR,
                    &format!(
                        "panicked in {} handler: {}",
                        event.kind,
                        panic_text(&*panic)
                    ),
                );
                sys::RUSTIRC_ERROR
            }
        }
    });
    r.unwrap_or(sys::RUSTIRC_ERROR)
}

/// `plugin_deinit` for `P` (used by [`export_plugin!`]).
pub fn deinit<P: Plugin>(slot: &Slot<P>) {
    slot.with(|s| {
        if let Some((host, mut p)) = s.take() {
            let r = catch_unwind(AssertUnwindSafe(|| p.deinit(&host)));
            if let Err(panic) = r {
                host.log(
                    sys::RUSTIRC_LOG_ERROR,
                    &format!("panicked in deinit: {}", panic_text(&*panic)),
                );
            }
            // Dropped here, with panics caught as well.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(p)));
        }
    });
}

/// Writes the four exported functions of a plugin: `export_plugin!(Type, name = "x",
/// author = "…", description = "…")`, optionally followed by `permissions = "network, run"`
/// (what it asks for, as an mSL manifest's `; permissions:` line). The version is the
/// crate's (`CARGO_PKG_VERSION`).
#[macro_export]
macro_rules! export_plugin {
    ($ty:ty, name = $name:literal, author = $author:literal, description = $desc:literal $(,)?) => {
        $crate::export_plugin!(
            $ty,
            name = $name,
            author = $author,
            description = $desc,
            permissions = ""
        );
    };
    ($ty:ty, name = $name:literal, author = $author:literal, description = $desc:literal, permissions = $perms:literal $(,)?) => {
        static __RUSTIRC_PLUGIN_INFO: $crate::sdk::StaticInfo = $crate::sdk::StaticInfo::new(
            concat!($name, "\0"),
            concat!(env!("CARGO_PKG_VERSION"), "\0"),
            concat!($author, "\0"),
            concat!($desc, "\0"),
            concat!($perms, "\0"),
        );
        static __RUSTIRC_PLUGIN_SLOT: $crate::sdk::Slot<$ty> = $crate::sdk::Slot::new();

        /// Exported: what this plugin is and the ABI it was built against.
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn plugin_get_info() -> *const $crate::sys::PluginInfo {
            &__RUSTIRC_PLUGIN_INFO.0
        }

        /// Exported: starts the plugin.
        ///
        /// # Safety
        /// Called by the client with its host table.
        #[allow(unsafe_code)]
        #[no_mangle]
        pub unsafe extern "C" fn plugin_init(host: *const $crate::sys::Host) -> ::std::ffi::c_int {
            // SAFETY: the client passes its table, valid until plugin_deinit.
            unsafe { $crate::sdk::init::<$ty>(&__RUSTIRC_PLUGIN_SLOT, host) }
        }

        /// Exported: stops the plugin.
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn plugin_deinit() {
            $crate::sdk::deinit::<$ty>(&__RUSTIRC_PLUGIN_SLOT)
        }

        /// Exported: delivers an event, command or timer.
        ///
        /// # Safety
        /// Called by the client with a valid event.
        #[allow(unsafe_code)]
        #[no_mangle]
        pub unsafe extern "C" fn plugin_on_event(
            ev: *const $crate::sys::Event,
        ) -> ::std::ffi::c_int {
            // SAFETY: the client passes a valid event for the call.
            unsafe { $crate::sdk::on_event::<$ty>(&__RUSTIRC_PLUGIN_SLOT, ev) }
        }
    };
}
