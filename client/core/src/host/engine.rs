//! What every script engine other than the built-in mSL one implements (Lua today; Python and
//! native plugins later), and what the client offers it in return.
//!
//! An engine only loads scripts and runs their code. It never matches events, orders
//! handlers, sends lines or shows text itself: it declares handlers, commands and timers
//! through [`EngineHost`], and the client puts them in the one event table, the command
//! registry and the timer list, where they sit beside mSL's. Everything a script does to IRC
//! goes through the same [`rustirc_lang::Host`] the mSL engine uses (`host.command("msg", …)`,
//! `host.identifier("me", …)`), so every engine has the same semantics, permissions and
//! window routing.
//!
//! The mSL engine is engine 0 and is built into the client ([`crate::host::msl`]); engines
//! added with [`crate::client::Client::add_engine`] are numbered from 1. An engine is shared
//! (`Rc`) and its methods take `&self`, because a call into it may come back into it: a Lua
//! command run from an mSL alias run from another Lua command.
//!
//! This module does not know any engine; the app registers them (core does not depend on
//! them).

use crate::events::{EngineId, HandlerDecl, Outcome, ScriptId};
use std::path::PathBuf;

/// One occurrence of an event, as an engine's handler sees it.
#[derive(Clone, Debug, Default)]
pub struct EngineEvent {
    /// The table's upper-case event name (`TEXT`, `JOIN`, `RAW` …).
    pub name: String,
    /// `RAW` numeric or command, `SIGNAL` name.
    pub key: Option<String>,
    /// The event's text: the message, a part, kick or quit reason, the modes, the raw
    /// parameters, a signal's parameters.
    pub text: String,
    /// Who caused it.
    pub nick: Option<String>,
    /// Their `user@host`.
    pub address: Option<String>,
    /// The channel; `None` for private events.
    pub channel: Option<String>,
    /// Where it was sent (a channel or my nick), or the window a line was typed into.
    pub target: Option<String>,
    /// The other nick: kicked, the new nick, the one opped or voiced, the one a ban names.
    pub other_nick: Option<String>,
    /// The whole line from the server, for `RAW`.
    pub raw: Option<String>,
    /// The server's name.
    pub server: Option<String>,
    /// The network's name (ISUPPORT `NETWORK`).
    pub network: Option<String>,
    /// Whether a handler before this one halted the default action.
    pub halted: bool,
    /// Whether this handler runs before the default action (a `pre` handler).
    pub pre: bool,
}

/// What one handler asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handled {
    /// Halt the default, stop later handlers.
    pub outcome: Outcome,
    /// The new event text, when a handler changed it (later handlers and the default
    /// display see it).
    pub text: Option<String>,
}

/// The manifests of an engine's scripts (their `meta` cells), in load order: what
/// [`ScriptEngine::scripts`] returns.
pub fn sorted_metas<'a>(
    metas: impl Iterator<Item = &'a std::cell::RefCell<ScriptMeta>>,
) -> Vec<ScriptMeta> {
    let mut all: Vec<ScriptMeta> = metas.map(|m| m.borrow().clone()).collect();
    all.sort_by_key(|m| m.script);
    all
}

/// [`ScriptEngine::set_enabled`] for an engine that keeps, per script, its manifest, a
/// disabled flag and an error count: enabling clears the count, so a script disabled for its
/// errors starts afresh.
pub fn set_script_enabled(
    meta: &std::cell::RefCell<ScriptMeta>,
    disabled: &std::cell::Cell<bool>,
    errors: &std::cell::Cell<u32>,
    on: bool,
) {
    disabled.set(!on);
    meta.borrow_mut().disabled = !on;
    if on {
        errors.set(0);
    }
}

/// A loaded script as an engine describes it (`/lua list`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptMeta {
    /// The client's id of the script.
    pub script: ScriptId,
    /// The file it was loaded from.
    pub file: String,
    /// `name` from the script's metadata (the file name when it gives none).
    pub name: String,
    /// `version`.
    pub version: String,
    /// `author`.
    pub author: String,
    /// `description`.
    pub description: String,
    /// `permissions` it declares.
    pub permissions: Vec<String>,
    /// `requires`: the oldest client version it runs on (`0.2`), empty when it gives none.
    pub requires: String,
    /// None of its handlers, commands and timers run (`/lua disable`, or it kept failing);
    /// its state stays.
    pub disabled: bool,
}

/// A command a script registered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandSpec {
    /// Lower-case name, without `/`.
    pub name: String,
    /// One line of help.
    pub help: String,
    /// How to call it (`/greet [nick]`).
    pub usage: String,
    /// The engine's handle of its argument completer ([`ScriptEngine::complete`]), if it
    /// has one.
    pub complete: Option<u64>,
}

/// A command in the client's registry: which engine and script own it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandEntry {
    /// The engine that runs it.
    pub engine: EngineId,
    /// The script that registered it.
    pub script: ScriptId,
    /// The engine's handle for it.
    pub handle: u64,
    /// Help and usage.
    pub spec: CommandSpec,
}

/// What the client offers an engine while one of its scripts runs. Beyond
/// [`rustirc_lang::Host`] (identifiers, commands, echo), an engine may evaluate mSL, run a
/// typed command line, read channel state in one go, and register handlers, commands and
/// timers.
pub trait EngineHost: rustirc_lang::Host {
    /// Evaluates mSL text as `//echo -a TEXT` would (`$me`, `$upper(x)`).
    ///
    /// # Errors
    /// The mSL error, or that the mSL engine is busy (an mSL alias is running this code).
    fn eval(&mut self, text: &str) -> Result<String, String>;

    /// Runs a command line as if typed (`/msg #c hi`, `//echo -a $me`).
    ///
    /// # Errors
    /// The command's error.
    fn run_line(&mut self, line: &str) -> Result<(), String>;

    /// The channels I am on, in join order.
    fn channels(&self) -> Vec<String>;

    /// The users on `channel`: `(nick, prefix characters, address if known)`.
    fn users(&self, channel: &str) -> Vec<(String, String, Option<String>)>;

    /// The active window.
    fn active(&self) -> String;

    /// The data folder, when there is one.
    fn data_dir(&self) -> Option<PathBuf>;

    /// The permissions granted to the script loaded from `file` (`network`,
    /// `file-read:/path`, `run` …, as [`crate::permissions::Grant`] prints them): what an
    /// engine that confines its scripts itself (the Python worker) lets them do. The checks
    /// of host calls are the client's.
    fn grants(&self, file: &str) -> Vec<String> {
        let _ = file;
        Vec::new()
    }

    /// Carries out an HTTP request for the running script (`irc.http`); the client checks
    /// the script's network permission for the URL's host and port first, as it does for a
    /// socket.
    ///
    /// # Errors
    /// The refusal (the script lacks the permission), a bad URL, or why the request failed;
    /// any status the server answers is an answer, not an error.
    fn http(
        &mut self,
        req: &crate::repo::http::Request,
    ) -> Result<crate::repo::http::Answer, String> {
        let _ = req;
        Err("HTTP requests are not available here".to_string())
    }

    /// Registers a handler of `script` in the event table (after the running code returns).
    fn add_handler(&mut self, engine: EngineId, script: ScriptId, decl: HandlerDecl);

    /// Removes the handler `handle` of `engine` from the event table.
    fn remove_handler(&mut self, engine: EngineId, handle: u64);

    /// Registers a command.
    ///
    /// # Errors
    /// When another script owns a command of that name, or it names a built-in command.
    fn add_command(
        &mut self,
        engine: EngineId,
        script: ScriptId,
        handle: u64,
        spec: CommandSpec,
    ) -> Result<(), String>;

    /// Removes a command `script` registered; returns its handle.
    fn remove_command(&mut self, script: ScriptId, name: &str) -> Option<u64>;

    /// Starts a timer that calls the engine's [`ScriptEngine::timer`] with `handle` every
    /// `ms` milliseconds, `count` times (0: until cancelled); returns its name (as `/timers`
    /// lists it).
    fn add_timer(
        &mut self,
        engine: EngineId,
        script: ScriptId,
        handle: u64,
        ms: u64,
        count: u64,
    ) -> String;

    /// Stops the timer `name`.
    fn cancel_timer(&mut self, name: &str);
}

/// A script engine on the event table.
pub trait ScriptEngine {
    /// Its name, which is also its command (`lua` → `/lua load|unload|reload|enable|disable|list`).
    fn name(&self) -> &'static str;

    /// Whether it runs `file` (by its extension).
    fn handles(&self, file: &str) -> bool;

    /// Tells the engine its number in the client (before any load).
    fn attach(&self, id: EngineId);

    /// Checks a script's syntax without running it; the diagnostics as
    /// `file:line: message`.
    fn check(&self, file: &str, bytes: &[u8]) -> Vec<String>;

    /// Loads and runs `bytes` as script `script`; the script declares handlers, commands and
    /// timers through `host`.
    ///
    /// # Errors
    /// A syntax or run-time error, with file and line; the client then unloads what the
    /// script registered.
    fn load(
        &self,
        script: ScriptId,
        file: &str,
        bytes: &[u8],
        host: &mut dyn EngineHost,
    ) -> Result<ScriptMeta, String>;

    /// Forgets `script`. The client removes its handlers, commands and timers itself.
    fn unload(&self, script: ScriptId);

    /// Runs handler `handle` for `event`.
    ///
    /// # Errors
    /// The handler's error, with script, file and line.
    fn call(
        &self,
        handle: u64,
        event: &EngineEvent,
        host: &mut dyn EngineHost,
    ) -> Result<Handled, String>;

    /// Runs command `handle` with the text after the command name.
    ///
    /// # Errors
    /// The command's error.
    fn command(&self, handle: u64, args: &str, host: &mut dyn EngineHost) -> Result<(), String>;

    /// A timer `handle` fired.
    ///
    /// # Errors
    /// The callback's error.
    fn timer(&self, handle: u64, host: &mut dyn EngineHost) -> Result<(), String>;

    /// Runs completer `handle` of a command: what `word` can become when typed after
    /// `args` (the command's arguments before it, as written). The client keeps the
    /// candidates that start with `word`.
    ///
    /// # Errors
    /// The completer's error.
    fn complete(
        &self,
        handle: u64,
        args: &str,
        word: &str,
        host: &mut dyn EngineHost,
    ) -> Result<Vec<String>, String> {
        let _ = (handle, args, word, host);
        Ok(Vec::new())
    }

    /// The scripts it has loaded.
    fn scripts(&self) -> Vec<ScriptMeta>;

    /// The instructions `script` has run since it loaded (for `/scripts stats`), when the
    /// engine counts them.
    fn instructions(&self, script: ScriptId) -> Option<u64> {
        let _ = script;
        None
    }

    /// The CPU time `script` has used, in milliseconds, when the engine measures it (the
    /// Python engine: its worker process's; shared by the scripts of a shared worker).
    fn cpu_ms(&self, script: ScriptId) -> Option<u64> {
        let _ = script;
        None
    }

    /// Stops (`on` false) or resumes running `script`'s handlers, commands and timers; its
    /// state stays. Enabling also forgets the errors it had in a row. Whether the engine has
    /// the script.
    fn set_enabled(&self, script: ScriptId, on: bool) -> bool {
        let _ = (script, on);
        false
    }

    /// [`ScriptEngine::set_enabled`] with the client at hand (`/name enable`), for an engine
    /// that must register things again when a script resumes (an isolated native plugin
    /// whose process is started again).
    fn set_enabled_with(&self, script: ScriptId, on: bool, host: &mut dyn EngineHost) -> bool {
        let _ = host;
        self.set_enabled(script, on)
    }

    /// Lines `/name info NAME` shows after the script's metadata: what only the engine knows
    /// (a native plugin's file format, architecture and ABI).
    fn info(&self, script: ScriptId) -> Vec<String> {
        let _ = script;
        Vec::new()
    }

    /// A switch given to `/name load -SWITCH FILE` (`-isolated` for native plugins), before
    /// the file loads.
    ///
    /// # Errors
    /// When the engine has no such switch.
    fn load_switch(&self, file: &str, switch: &str) -> Result<(), String> {
        let _ = file;
        Err(format!(
            "-{switch} is not a switch of /{} load",
            self.name()
        ))
    }
}
