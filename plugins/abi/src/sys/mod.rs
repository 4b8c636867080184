//! The raw C ABI of native plugins.
//!
//! A plugin is a shared library (`.so`, `.dylib`, `.dll`) exporting four functions:
//!
//! ```c
//! const rustirc_plugin_info *plugin_get_info(void);
//! int plugin_init(const rustirc_host *host);
//! void plugin_deinit(void);
//! int plugin_on_event(const rustirc_event *event);
//! ```
//!
//! The client calls `plugin_get_info` first and compares the ABI version it returns with its
//! own ([`ABI_MAJOR`], [`ABI_MINOR`]) before anything else runs; then `plugin_init` with the
//! host function table ([`Host`]); then `plugin_on_event` for every hooked event, command the
//! plugin registered and timer it started; and `plugin_deinit` when it is unloaded.
//!
//! # Ownership of strings
//!
//! - Strings the plugin passes to a host function are borrowed for the duration of that call;
//!   the host copies what it keeps.
//! - Strings a host function returns (`char *`) belong to the plugin, which must release each
//!   with the table's `free_string` (never with its own `free`). `NULL` means no value.
//! - The strings of a [`Event`] belong to the host and are valid until `plugin_on_event`
//!   returns; copy what you keep.
//! - The strings of [`PluginInfo`] belong to the plugin and must stay valid while it is
//!   loaded (static strings).
//! - The [`Host`] table is valid from `plugin_init` until `plugin_deinit` returns.
//!
//! # Threads
//!
//! Host functions may only be called on the thread that called into the plugin, while that
//! call runs (from `plugin_init`, `plugin_on_event` or `plugin_deinit`). A call from another
//! thread or after the callback returned fails with [`RUSTIRC_ERROR`].

use core::ffi::{c_char, c_int, c_void};

/// The ABI's major version: a plugin built against another major is refused.
pub const ABI_MAJOR: u32 = 1;
/// The ABI's minor version: grows by one for each function appended to [`Host`] or field
/// appended to [`PluginInfo`]. A plugin built against a minor up to this one loads.
///
/// - 1.0: the first.
/// - 1.1: [`PluginInfo::permissions`].
pub const ABI_MINOR: u32 = 1;

/// Success; for an event: nothing to stop.
pub const RUSTIRC_OK: c_int = 0;
/// Stop the event's default action (mSL `haltdef`).
pub const RUSTIRC_HALTDEF: c_int = 1;
/// Stop later handlers and the default action (mSL `halt`).
pub const RUSTIRC_HALT: c_int = 2;
/// Failure.
pub const RUSTIRC_ERROR: c_int = -1;

/// `log` level: debugging detail.
pub const RUSTIRC_LOG_DEBUG: c_int = 0;
/// `log` level: information.
pub const RUSTIRC_LOG_INFO: c_int = 1;
/// `log` level: a warning.
pub const RUSTIRC_LOG_WARN: c_int = 2;
/// `log` level: an error.
pub const RUSTIRC_LOG_ERROR: c_int = 3;

/// The names of the functions every plugin exports.
pub const REQUIRED_EXPORTS: [&str; 4] = [
    "plugin_get_info",
    "plugin_init",
    "plugin_deinit",
    "plugin_on_event",
];

/// `plugin_get_info`.
pub type GetInfoFn = unsafe extern "C" fn() -> *const PluginInfo;
/// `plugin_init`: [`RUSTIRC_OK`] or [`RUSTIRC_ERROR`].
pub type InitFn = unsafe extern "C" fn(host: *const Host) -> c_int;
/// `plugin_deinit`.
pub type DeinitFn = unsafe extern "C" fn();
/// `plugin_on_event`: [`RUSTIRC_OK`], [`RUSTIRC_HALTDEF`], [`RUSTIRC_HALT`] or
/// [`RUSTIRC_ERROR`].
pub type OnEventFn = unsafe extern "C" fn(event: *const Event) -> c_int;

/// One field of a C struct, for the header: name, Rust type as written, doc.
pub type CField = (&'static str, &'static str, &'static str);

macro_rules! c_struct {
    ($(#[doc = $sdoc:literal])* $name:ident => $cname:literal, $fields_const:ident {
        $($(#[doc = $doc:literal])* $field:ident : $ty:ty,)*
    }) => {
        $(#[doc = $sdoc])*
        #[repr(C)]
        #[derive(Debug)]
        pub struct $name {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }
        /// The fields of the struct as the C header declares them.
        pub const $fields_const: (&str, &str, &[CField]) = (
            $cname,
            concat!($($sdoc, "\n"),*),
            &[$((stringify!($field), stringify!($ty), concat!($($doc, "\n"),*)),)*],
        );
    };
}

c_struct! {
    /// What a plugin says about itself (`plugin_get_info`). Its strings are the plugin's and
    /// stay valid while it is loaded. Append-only, like the host table: a field is only ever
    /// added at the end (and RUSTIRC_ABI_MINOR grows), and the client reads a field only from
    /// a plugin whose abi_minor is at least the minor that added it.
    PluginInfo => "rustirc_plugin_info", PLUGIN_INFO_FIELDS {
        /// RUSTIRC_ABI_MAJOR as the plugin was built.
        abi_major: u32,
        /// RUSTIRC_ABI_MINOR as the plugin was built.
        abi_minor: u32,
        /// Its name, unique among loaded plugins (UTF-8).
        name: *const c_char,
        /// Its version (`1.0.0`).
        version: *const c_char,
        /// Who wrote it.
        author: *const c_char,
        /// One line on what it does.
        description: *const c_char,
        /// The permissions it asks for, comma-separated like an mSL manifest's
        /// `; permissions:` line (`network, run`); NULL or "" for none. Since 1.1: the client
        /// reads it only from a plugin whose abi_minor is at least 1.
        permissions: *const c_char,
    }
}

c_struct! {
    /// One event, command or timer delivered to `plugin_on_event`. The strings belong to the
    /// host and are valid until `plugin_on_event` returns; a field that does not apply is
    /// NULL.
    Event => "rustirc_event", EVENT_FIELDS {
        /// The event's upper-case name (`TEXT`, `JOIN`, `RAW` …), `COMMAND` for a command the
        /// plugin registered, `TIMER` for one of its timers.
        kind: *const c_char,
        /// The id `hook_event`, `register_command` or `add_timer` returned.
        hook: u64,
        /// A `COMMAND`'s name; a `RAW` numeric or command.
        key: *const c_char,
        /// The message, reason or modes; a `COMMAND`'s arguments.
        text: *const c_char,
        /// Who caused it.
        nick: *const c_char,
        /// Their `user@host`.
        address: *const c_char,
        /// The channel; NULL for private events.
        channel: *const c_char,
        /// Where it was sent (a channel or my nick), or the window a command was typed in.
        target: *const c_char,
        /// The other nick: kicked, the new nick, the one opped.
        other_nick: *const c_char,
        /// The whole line from the server (`RAW`).
        raw: *const c_char,
        /// The server's name.
        server: *const c_char,
        /// The network's name.
        network: *const c_char,
        /// 1 when a handler before this one halted the default action.
        halted: c_int,
    }
}

macro_rules! host_table {
    ($($(#[doc = $doc:literal])* fn $name:ident($($arg:ident : $ty:ty),*) -> $ret:ty;)*) => {
        /// The host function table handed to `plugin_init`. Append-only: a function is only
        /// ever added at the end (and RUSTIRC_ABI_MINOR grows); a plugin may call a function
        /// only when `abi_minor` is at least the minor that added it. Every function takes
        /// `ctx` first.
        #[repr(C)]
        #[derive(Debug)]
        pub struct Host {
            /// The client's RUSTIRC_ABI_MAJOR.
            pub abi_major: u32,
            /// The client's RUSTIRC_ABI_MINOR: which functions the table has.
            pub abi_minor: u32,
            /// The host's handle for this plugin; pass it to every function.
            pub ctx: *mut c_void,
            $($(#[doc = $doc])* pub $name: unsafe extern "C" fn($($arg: $ty),*) -> $ret,)*
        }

        /// The table's functions as the C header declares them: name, return type, arguments
        /// (name, Rust type), doc.
        pub const HOST_FUNCTIONS: &[(&str, &str, &[(&str, &str)], &str)] = &[
            $((stringify!($name), stringify!($ret), &[$((stringify!($arg), stringify!($ty)),)*],
               concat!($($doc, "\n"),*)),)*
        ];
    };
}

host_table! {
    /// Shows `text` in `window` (a channel, a nick, `status`; NULL or "" for the active
    /// window). RUSTIRC_OK or RUSTIRC_ERROR. Since 1.0.
    fn print(ctx: *mut c_void, window: *const c_char, text: *const c_char) -> c_int;
    /// Runs a command line as if typed (`/join #rust`; the slash may be left out).
    /// RUSTIRC_OK or RUSTIRC_ERROR (last_error says why). Since 1.0.
    fn command(ctx: *mut c_void, line: *const c_char) -> c_int;
    /// Sends a raw line to the server (`MODE #c +o bob`). Since 1.0.
    fn send_raw(ctx: *mut c_void, line: *const c_char) -> c_int;
    /// Sends a message to a channel or nick. Since 1.0.
    fn privmsg(ctx: *mut c_void, target: *const c_char, text: *const c_char) -> c_int;
    /// Sends a notice to a channel or nick. Since 1.0.
    fn notice(ctx: *mut c_void, target: *const c_char, text: *const c_char) -> c_int;
    /// Adds the command `/name` with a line of help and its usage (`/rainbow TEXT`); typing
    /// it delivers a `COMMAND` event with the returned id as `hook`, `name` as `key` and the
    /// arguments as `text`. 0 when refused (a built-in command, or another script's). Since
    /// 1.0.
    fn register_command(ctx: *mut c_void, name: *const c_char, help: *const c_char, usage: *const c_char) -> u64;
    /// Removes a command the plugin added. Since 1.0.
    fn unregister_command(ctx: *mut c_void, name: *const c_char) -> c_int;
    /// Hooks an event by its table name (`TEXT`, `JOIN`, `PART`, `NICK`, `RAW` …); higher
    /// `priority` runs first. Returns the hook's id (delivered as `hook`), 0 when refused.
    /// Since 1.0.
    fn hook_event(ctx: *mut c_void, event: *const c_char, priority: c_int) -> u64;
    /// Removes a hook. Since 1.0.
    fn unhook_event(ctx: *mut c_void, hook: u64) -> c_int;
    /// My nick on the current connection; release with free_string. Since 1.0.
    fn get_nick(ctx: *mut c_void) -> *mut c_char;
    /// The current network's name (empty when unknown); release with free_string. Since 1.0.
    fn get_network(ctx: *mut c_void) -> *mut c_char;
    /// The active window (a channel, a nick or `status`); release with free_string. Since 1.0.
    fn get_channel(ctx: *mut c_void) -> *mut c_char;
    /// The channels I am on, one per line; release with free_string. Since 1.0.
    fn get_channels(ctx: *mut c_void) -> *mut c_char;
    /// The nicks on `channel` with their prefixes (`@bob`), one per line; release with
    /// free_string. Since 1.0.
    fn get_nicks(ctx: *mut c_void, channel: *const c_char) -> *mut c_char;
    /// The plugin's stored value for `key`, NULL when there is none; release with
    /// free_string. Values are kept across restarts of the client. Since 1.0.
    fn storage_get(ctx: *mut c_void, key: *const c_char) -> *mut c_char;
    /// Stores `value` under `key` (NULL removes it). Since 1.0.
    fn storage_set(ctx: *mut c_void, key: *const c_char, value: *const c_char) -> c_int;
    /// Starts a timer delivering a `TIMER` event every `ms` milliseconds, `count` times (0:
    /// until removed). Returns its id (delivered as `hook`), 0 on error. Since 1.0.
    fn add_timer(ctx: *mut c_void, ms: u64, count: u64) -> u64;
    /// Stops a timer. Since 1.0.
    fn remove_timer(ctx: *mut c_void, timer: u64) -> c_int;
    /// Writes a line to the client's log (shown in the status window) at a RUSTIRC_LOG_*
    /// level. Since 1.0.
    fn log(ctx: *mut c_void, level: c_int, text: *const c_char) -> c_int;
    /// Releases a string a host function returned. Since 1.0.
    fn free_string(ctx: *mut c_void, s: *mut c_char) -> ();
    /// Why the last host function that returned RUSTIRC_ERROR or 0 failed (NULL when none
    /// did); release with free_string. Since 1.0.
    fn last_error(ctx: *mut c_void) -> *mut c_char;
}

/// The C spelling of a Rust type as written in this module.
fn c_type(rust: &str) -> String {
    let t = rust.split_whitespace().collect::<Vec<_>>().join(" ");
    let base = |b: &str| match b {
        "c_char" => "char".to_string(),
        "c_int" => "int".to_string(),
        "c_void" | "()" => "void".to_string(),
        "u32" => "uint32_t".to_string(),
        "u64" => "uint64_t".to_string(),
        "PluginInfo" => "rustirc_plugin_info".to_string(),
        "Event" => "rustirc_event".to_string(),
        "Host" => "rustirc_host".to_string(),
        other => panic!("no C spelling for {other}"),
    };
    if let Some(b) = t.strip_prefix("*const ") {
        format!("const {} *", base(b))
    } else if let Some(b) = t.strip_prefix("*mut ") {
        format!("{} *", base(b))
    } else {
        format!("{} ", base(&t))
    }
}

fn comment(out: &mut String, indent: &str, doc: &str) {
    let lines: Vec<&str> = doc.lines().map(str::trim).collect();
    if lines.iter().all(|l| l.is_empty()) {
        return;
    }
    out.push_str(indent);
    out.push_str("/*");
    for l in &lines {
        out.push('\n');
        out.push_str(indent);
        out.push_str(" * ");
        out.push_str(l);
    }
    out.push('\n');
    out.push_str(indent);
    out.push_str(" */\n");
}

fn declare(out: &mut String, (cname, doc, fields): (&str, &str, &[CField])) {
    comment(out, "", doc);
    out.push_str(&format!("typedef struct {cname} {{\n"));
    for (name, ty, doc) in fields {
        comment(out, "    ", doc);
        out.push_str(&format!("    {}{name};\n", c_type(ty)));
    }
    out.push_str(&format!("}} {cname};\n\n"));
}

/// The text of `include/rustirc_plugin.h`, generated from this module's declarations.
pub fn c_header() -> String {
    let mut out = String::new();
    out.push_str(
        "/* rustirc_plugin.h: the C ABI of RustIRC native plugins.\n \
         *\n \
         * Generated by rustirc-plugin-abi (sys::c_header); do not edit. Regenerate with\n \
         *   RUSTIRC_UPDATE_HEADER=1 cargo test -p rustirc-plugin-abi --test header\n \
         * and see docs/plugin-guide.md for the API and the ownership rules.\n */\n\
         #ifndef RUSTIRC_PLUGIN_H\n#define RUSTIRC_PLUGIN_H\n\n\
         #include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n",
    );
    let consts: [(&str, String); 10] = [
        ("RUSTIRC_ABI_MAJOR", ABI_MAJOR.to_string()),
        ("RUSTIRC_ABI_MINOR", ABI_MINOR.to_string()),
        ("RUSTIRC_OK", RUSTIRC_OK.to_string()),
        ("RUSTIRC_HALTDEF", RUSTIRC_HALTDEF.to_string()),
        ("RUSTIRC_HALT", RUSTIRC_HALT.to_string()),
        ("RUSTIRC_ERROR", format!("({RUSTIRC_ERROR})")),
        ("RUSTIRC_LOG_DEBUG", RUSTIRC_LOG_DEBUG.to_string()),
        ("RUSTIRC_LOG_INFO", RUSTIRC_LOG_INFO.to_string()),
        ("RUSTIRC_LOG_WARN", RUSTIRC_LOG_WARN.to_string()),
        ("RUSTIRC_LOG_ERROR", RUSTIRC_LOG_ERROR.to_string()),
    ];
    for (name, value) in consts {
        out.push_str(&format!("#define {name} {value}\n"));
    }
    out.push('\n');
    declare(&mut out, PLUGIN_INFO_FIELDS);
    declare(&mut out, EVENT_FIELDS);
    comment(
        &mut out,
        "",
        "The host function table handed to plugin_init. Append-only: a function is only ever\n\
         added at the end (and RUSTIRC_ABI_MINOR grows); call a function only when abi_minor is\n\
         at least the minor that added it. Every function takes ctx first.",
    );
    out.push_str("typedef struct rustirc_host {\n");
    out.push_str("    /* The client's RUSTIRC_ABI_MAJOR. */\n    uint32_t abi_major;\n");
    out.push_str("    /* The client's RUSTIRC_ABI_MINOR: which functions the table has. */\n    uint32_t abi_minor;\n");
    out.push_str(
        "    /* The host's handle for this plugin; pass it to every function. */\n    void *ctx;\n",
    );
    for (name, ret, args, doc) in HOST_FUNCTIONS {
        comment(&mut out, "    ", doc);
        let args: Vec<String> = args
            .iter()
            .map(|(n, t)| format!("{}{n}", c_type(t)))
            .collect();
        out.push_str(&format!(
            "    {}(*{name})({});\n",
            c_type(ret),
            args.join(", ")
        ));
    }
    out.push_str("} rustirc_host;\n\n");
    out.push_str(
        "/* The four functions every plugin exports. */\n\
         const rustirc_plugin_info *plugin_get_info(void);\n\
         int plugin_init(const rustirc_host *host);\n\
         void plugin_deinit(void);\n\
         int plugin_on_event(const rustirc_event *event);\n\n\
         #ifdef __cplusplus\n}\n#endif\n\n#endif /* RUSTIRC_PLUGIN_H */\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_have_c_spellings() {
        assert_eq!(c_type("*const c_char"), "const char *");
        assert_eq!(c_type("*mut c_void"), "void *");
        assert_eq!(c_type("u64"), "uint64_t ");
        assert_eq!(c_type("()"), "void ");
    }

    #[test]
    fn the_table_starts_with_its_version_and_context() {
        // The loader and old plugins rely on this layout never moving.
        assert_eq!(core::mem::offset_of!(Host, abi_major), 0);
        assert_eq!(core::mem::offset_of!(Host, abi_minor), 4);
        assert_eq!(core::mem::offset_of!(Host, ctx), 8);
        assert_eq!(
            core::mem::offset_of!(Host, print),
            8 + core::mem::size_of::<usize>()
        );
        assert_eq!(HOST_FUNCTIONS[0].0, "print");
    }
}
