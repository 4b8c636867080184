//! The host trait: everything a script does outside the language goes through it.
//!
//! The language knows nothing about IRC or windows. `/echo`, `$me`, `/msg`, `$chan` and every
//! command or identifier the registry does not define are passed to the host, which may refuse.

use crate::value::Value;

/// What a script can reach outside the language.
pub trait Host {
    /// Shows `text` in `window` (`"active"`, `"status"`, a channel, a nick or `@name`).
    fn echo(&mut self, window: &str, text: &str);

    /// Whether a window named `name` (a nick, for a query window) is open: `/echo name text`
    /// shows `text` there. The default knows no such window.
    fn is_window(&self, _name: &str) -> bool {
        false
    }

    /// An identifier the language does not define (`$me`, `$chan`, `$nick(#,1)`).
    /// `None` means the host does not know it either.
    fn identifier(
        &mut self,
        _name: &str,
        _args: &[Value],
        _prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        None
    }

    /// A command the language does not define (`/msg`, `/join`, `/mode`), with its evaluated
    /// argument text. `None` means the host does not know it either.
    fn command(&mut self, _name: &str, _args: &str, _silent: bool) -> Option<Result<(), String>> {
        None
    }

    /// [`Host::command`], told which loaded script's code runs it (its number in load order;
    /// `None` for a line the user typed or a timer's command): the host may decide by it,
    /// e.g. what a script is allowed. The default ignores it.
    fn script_command(
        &mut self,
        _script: Option<usize>,
        name: &str,
        args: &str,
        silent: bool,
    ) -> Option<Result<(), String>> {
        self.command(name, args, silent)
    }

    /// A file outside the files folder that the code of `script` (its number in load order;
    /// `None` for a typed line or a timer's command) wants to read (`write` false) or change:
    /// `Some(Ok)` lets it, `Some(Err)` refuses with that message, `None` (the default) keeps
    /// the folder's rule (refused).
    fn file_access(
        &mut self,
        _script: Option<usize>,
        _path: &std::path::Path,
        _write: bool,
    ) -> Option<Result<(), String>> {
        None
    }

    /// Variables a host command has just filled (`/sockread %line` names `%line`), as
    /// `(name without %, value)`; asked after every host command, stored as `%name = value`
    /// would store them (the local of that name when there is one, else a global).
    fn take_var_writes(&mut self) -> Vec<(String, Value)> {
        Vec::new()
    }

    /// `/scon` and `/scid` (`name`), with their arguments evaluated once: the connections
    /// the command runs on, in order, and the command. The host handles what needs no
    /// command itself (`/scid 2` alone switches the running script to connection 2; `-r`
    /// switches it back) and returns no connections then. `None` means the host has no
    /// connections.
    fn connections(&mut self, _name: &str, _args: &str) -> Option<Result<Relay, String>> {
        None
    }

    /// Makes connection `cid` the one identifiers and commands act on; returns the one that
    /// was. The VM calls it around each run of a [`Relay`]'s command.
    fn switch_connection(&mut self, cid: u64) -> u64 {
        cid
    }

    /// Current time in milliseconds since 1970-01-01 UTC (the host owns the clock so tests
    /// can freeze it).
    fn now_ms(&mut self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0))
    }

    /// Milliseconds since the client started (`$ticks`).
    fn ticks_ms(&mut self) -> i64 {
        self.now_ms()
    }

    /// True when the user has asked to stop the running script (a [`StopSignal`] the host
    /// holds). Asked with the budget check, every [`crate::state::WATCHDOG_EVERY`]
    /// instructions; the run then ends with [`crate::RunErrorKind::Stopped`].
    fn stop_requested(&mut self) -> bool {
        false
    }
}

/// The "stop script" button: another thread (a window's) calls [`StopSignal::request`] while a
/// script runs; the host takes a [`StopSignal::mark`] as each run starts and answers
/// [`Host::stop_requested`] with [`StopSignal::since`], so a request made while no script runs
/// stops nothing later.
///
/// ```
/// use rustirc_lang::host::StopSignal;
/// let stop = StopSignal::default();
/// let run_started = stop.mark();
/// assert!(!stop.since(run_started));
/// stop.clone().request(); // from the window's thread
/// assert!(stop.since(run_started));
/// // The next run starts after the request: it is not stopped.
/// assert!(!stop.since(stop.mark()));
/// ```
#[derive(Clone, Debug, Default)]
pub struct StopSignal(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl StopSignal {
    /// Asks the script running now to stop.
    pub fn request(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// What to compare with later: taken when a run starts.
    pub fn mark(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether a stop was requested since `mark` was taken.
    pub fn since(&self, mark: u64) -> bool {
        self.mark() != mark
    }
}

/// A command to run on some connections (see [`Host::connections`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relay {
    /// Connection ids, in the order the command runs on them.
    pub targets: Vec<u64>,
    /// The command line, evaluated again on each connection.
    pub command: String,
}

/// A host with no network and no windows: echoes are collected in order.
/// Used by `rustirc eval`, `rustirc run` and the tests.
#[derive(Debug, Default)]
pub struct RecordingHost {
    /// Every echoed line as `(window, text)`.
    pub lines: Vec<(String, String)>,
    /// Every command passed through as `(name, args)`.
    pub commands: Vec<(String, String)>,
    /// When set, the clock reads this instead of the system time.
    pub fixed_now_ms: Option<i64>,
}

impl Host for RecordingHost {
    fn echo(&mut self, window: &str, text: &str) {
        self.lines.push((window.to_string(), text.to_string()));
    }

    fn now_ms(&mut self) -> i64 {
        match self.fixed_now_ms {
            Some(t) => t,
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0)),
        }
    }
}
