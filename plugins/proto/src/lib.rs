//! `rustirc-plugin-proto`: the framed protocol between the client and a worker process that
//! runs scripts: the Python worker, and the host process of isolated native plugins
//! (`rustirc-native-host`). Messages are only ever appended, so both keep working.
//!
//! A frame is a 4-byte big-endian length followed by that many bytes of JSON, one message
//! each. The client sends [`ToWorker`] messages and the worker answers with [`FromWorker`]
//! messages. The exchange is strictly one request at a time: the client sends a request
//! (`load`, `event`, `command`, `complete`, `timer`, `unload`, `check`, `heartbeat`), and until the
//! worker's [`FromWorker::Reply`] with the same `seq` comes back, the worker may send
//! [`FromWorker::Call`]s (the client runs each through its host and answers with
//! [`ToWorker::Result`]) and [`FromWorker::Log`] lines. Everything a worker does to IRC is a
//! [`HostCall`], so it behaves exactly as the same mSL command would.
//!
//! The client's side of that exchange with a running worker process (start it, read its
//! hello, serve its calls until the reply, kill it when it hangs, say how it died) is
//! [`process::Worker`] (Unix).
//!
//! ```
//! use rustirc_plugin_proto::{read_frame, write_frame, ToWorker};
//! let mut buf = Vec::new();
//! write_frame(&mut buf, &ToWorker::Heartbeat { seq: 7 }).unwrap();
//! let back: ToWorker = read_frame(&mut buf.as_slice()).unwrap();
//! assert_eq!(back, ToWorker::Heartbeat { seq: 7 });
//! ```

use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

#[cfg(unix)]
pub mod process;

/// The largest frame either side accepts (16 MiB); a longer one is a protocol error.
pub const MAX_FRAME: usize = 16 << 20;

/// The protocol's version; a worker announces it in [`FromWorker::Hello`].
pub const VERSION: u32 = 1;

/// Writes one message as a frame and flushes.
///
/// # Errors
/// The writer's error, or a message longer than [`MAX_FRAME`].
pub fn write_frame<W: Write, T: Serialize>(w: &mut W, msg: &T) -> io::Result<()> {
    let body = serde_json::to_vec(msg).map_err(io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "frame of {} bytes is over the {MAX_FRAME}-byte limit",
                body.len()
            ),
        ));
    }
    let len = u32::try_from(body.len()).map_err(io::Error::other)?;
    let mut out = Vec::with_capacity(body.len() + 4);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    w.write_all(&out)?;
    w.flush()
}

/// Reads one frame and decodes its message.
///
/// # Errors
/// The reader's error (`UnexpectedEof` when the other side is gone), a frame over
/// [`MAX_FRAME`], or a message that does not decode (`InvalidData`, saying why).
pub fn read_frame<R: Read, T: for<'de> Deserialize<'de>>(r: &mut R) -> io::Result<T> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is over the {MAX_FRAME}-byte limit"),
        ));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    serde_json::from_slice(&body).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("bad message from the other side: {e}"),
        )
    })
}

/// One occurrence of an event, as a worker's handler sees it (the client's `EngineEvent`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The table's upper-case event name (`TEXT`, `JOIN`, `RAW` …).
    pub name: String,
    /// `RAW` numeric or command, `SIGNAL` name.
    pub key: Option<String>,
    /// The message, reason, modes or parameters.
    pub text: String,
    /// Who caused it.
    pub nick: Option<String>,
    /// Their `user@host`.
    pub address: Option<String>,
    /// The channel; `None` for private events.
    pub channel: Option<String>,
    /// Where it was sent, or the window a line was typed into.
    pub target: Option<String>,
    /// The other nick: kicked, the new nick, the one opped, the one a ban names.
    pub other_nick: Option<String>,
    /// The whole line from the server (`RAW`).
    pub raw: Option<String>,
    /// The server's name.
    pub server: Option<String>,
    /// The network's name.
    pub network: Option<String>,
    /// Whether a handler before this one halted the default action.
    pub halted: bool,
    /// Whether this handler runs before the default action.
    pub pre: bool,
}

/// What the client sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ToWorker {
    /// Load a script: run its code, which registers handlers, commands and timers through
    /// [`HostCall`]s. Answered with [`Reply::Loaded`].
    Load {
        /// Request number.
        seq: u64,
        /// The client's id of the script.
        script: u32,
        /// The file it comes from (for error messages and metadata).
        file: String,
        /// Its source.
        source: String,
        /// The script's own data folder (created by the client), where relative paths land.
        data_dir: Option<String>,
        /// The permissions the user granted it (`network`, `file:PATH` …).
        grants: Vec<String>,
        /// How long the call may take, in milliseconds.
        deadline_ms: u64,
    },
    /// Forget the script (its `on_unload` runs). Answered with [`Reply::Done`].
    Unload {
        /// Request number.
        seq: u64,
        /// How long `on_unload` may take.
        deadline_ms: u64,
    },
    /// Check a script's syntax and imports without running it. Answered with
    /// [`Reply::Checked`].
    Check {
        /// Request number.
        seq: u64,
        /// The file.
        file: String,
        /// Its source.
        source: String,
    },
    /// Run handler `handle` for `event`. Answered with [`Reply::Handled`].
    Event {
        /// Request number.
        seq: u64,
        /// The handler, as the worker numbered it in [`HostCall::On`].
        handle: u64,
        /// The event.
        event: Event,
        /// How long the call may take.
        deadline_ms: u64,
    },
    /// Run command `handle` with the text after its name. Answered with [`Reply::Done`].
    Command {
        /// Request number.
        seq: u64,
        /// The command, as numbered in [`HostCall::AddCommand`].
        handle: u64,
        /// The arguments as typed.
        args: String,
        /// How long the call may take.
        deadline_ms: u64,
    },
    /// Timer `handle` fired. Answered with [`Reply::Done`].
    Timer {
        /// Request number.
        seq: u64,
        /// The timer, as numbered in [`HostCall::AddTimer`].
        handle: u64,
        /// How long the call may take.
        deadline_ms: u64,
    },
    /// Run completer `handle` of a command: what `word` can become after `args`. Answered
    /// with [`Reply::Completions`].
    Complete {
        /// Request number.
        seq: u64,
        /// The completer, as numbered in [`HostCall::AddCommand`].
        handle: u64,
        /// The command's arguments before the word, as written.
        args: String,
        /// The word being completed.
        word: String,
        /// How long the call may take.
        deadline_ms: u64,
    },
    /// The answer to the worker's [`FromWorker::Call`] `id`: a JSON value, or the error text.
    Result {
        /// The call's number.
        id: u64,
        /// What the host answered.
        result: Result<serde_json::Value, String>,
    },
    /// Are you alive? Answered with [`FromWorker::Heartbeat`] with the same `seq`.
    Heartbeat {
        /// Request number.
        seq: u64,
    },
    /// Forget script `script` of a worker shared by several scripts (its `on_unload` runs);
    /// the others stay. Answered with [`Reply::Done`].
    UnloadScript {
        /// Request number.
        seq: u64,
        /// The client's id of the script.
        script: u32,
        /// How long `on_unload` may take.
        deadline_ms: u64,
    },
    /// Load the native plugin in `file` (isolated native plugins): open the library, compare
    /// its ABI version, refuse a name in `taken`, and run its `plugin_init`, which registers
    /// hooks, commands and timers through [`HostCall`]s. Answered with [`Reply::Loaded`].
    LoadNative {
        /// Request number.
        seq: u64,
        /// The client's id of the plugin.
        script: u32,
        /// The library's path.
        file: String,
        /// The names of the plugins already loaded (a plugin of one of them is refused).
        taken: Vec<String>,
        /// How long the call may take, in milliseconds.
        deadline_ms: u64,
    },
}

/// What a worker sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum FromWorker {
    /// Sent once when the worker is ready, before any request.
    Hello {
        /// [`VERSION`].
        version: u32,
        /// What runs the scripts (`CPython 3.11.2`).
        runtime: String,
        /// The confinement the worker put itself under, in words (`landlock, seccomp, rlimits`).
        confinement: String,
    },
    /// The answer to request `seq`.
    Reply {
        /// The request's number.
        seq: u64,
        /// What it gave, or the script's error.
        result: Result<Reply, ScriptError>,
    },
    /// Asks the client to do something; the client answers with [`ToWorker::Result`].
    Call {
        /// The call's number.
        id: u64,
        /// What to do.
        call: HostCall,
    },
    /// A line for the script's log.
    Log {
        /// `info`, `warn`, `error`, `debug`.
        level: String,
        /// The line.
        text: String,
    },
    /// The answer to [`ToWorker::Heartbeat`].
    Heartbeat {
        /// The request's number.
        seq: u64,
    },
}

/// A successful answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "r", rename_all = "snake_case")]
pub enum Reply {
    /// Nothing to report; for a command, the text it returned (shown in the active window).
    #[default]
    Done,
    /// A command returned text to show.
    Shown {
        /// The text.
        text: String,
    },
    /// A script loaded.
    Loaded {
        /// What it says about itself.
        meta: Meta,
    },
    /// A handler ran.
    Handled {
        /// Stop the default action (`HALTDEF` or `HALT`).
        halt_default: bool,
        /// Stop later handlers too (`HALT`).
        stop_later: bool,
        /// The event's text, when the handler changed it.
        text: Option<String>,
    },
    /// What a completer offered.
    Completions {
        /// The candidates (the client keeps those that start with the word).
        words: Vec<String>,
    },
    /// A syntax and import check.
    Checked {
        /// `file:line: message`, one per problem.
        diagnostics: Vec<String>,
    },
}

/// A script's metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Its name (the file's name without extension when it gives none).
    pub name: String,
    /// `__version__`.
    pub version: String,
    /// `__author__`.
    pub author: String,
    /// `__description__` (or the docstring's first line).
    pub description: String,
    /// `__permissions__`.
    pub permissions: Vec<String>,
    /// `__requires__`: the oldest client version it runs on.
    pub requires: String,
}

/// A script's error, with where it happened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptError {
    /// What went wrong (`ZeroDivisionError: division by zero`).
    pub message: String,
    /// The script file the innermost script frame is in.
    pub file: Option<String>,
    /// Its line.
    pub line: Option<u32>,
    /// `error`, `timeout` (interrupted at its deadline), `memory`, `refused` (the sandbox
    /// said no), `import` (an import is missing or not allowed).
    pub kind: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.message),
            (Some(file), None) => write!(f, "{file}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A user of a channel, as [`HostCall::Users`] gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Their nick.
    pub nick: String,
    /// Their prefix characters (`@+`).
    pub prefix: String,
    /// `user@host` when known.
    pub address: Option<String>,
}

/// What a worker asks the client to do. The answer's JSON value is given for each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "c", rename_all = "snake_case")]
pub enum HostCall {
    /// Runs `/name args` as the mSL command would (`null`, or the command's error).
    Command {
        /// The command, without `/`.
        name: String,
        /// Its arguments.
        args: String,
    },
    /// `$name(args)` (a string, or `null` for `$null`).
    Identifier {
        /// The identifier, without `$`.
        name: String,
        /// Its arguments.
        args: Vec<String>,
    },
    /// Shows `text` in `window` (`active`, `status`, a channel or a nick).
    Echo {
        /// The window.
        window: String,
        /// The text.
        text: String,
    },
    /// Evaluates mSL text (the result string).
    Eval {
        /// The text.
        text: String,
    },
    /// Runs a command line as if typed (`null`).
    RunLine {
        /// The line, with its slash.
        line: String,
    },
    /// The channels I am on (a list of strings).
    Channels,
    /// The users on a channel (a list of [`User`]).
    Users {
        /// The channel.
        channel: String,
    },
    /// The active window's name.
    Active,
    /// The connections: a list of `{id, server, network, nick}`.
    Servers,
    /// Registers handler `handle` (`null`).
    On {
        /// The worker's number for it.
        handle: u64,
        /// The table's event name (`TEXT`).
        event: String,
        /// Higher runs first.
        priority: i32,
        /// Runs before the default action.
        pre: bool,
        /// Only for this channel (or `#` any channel, `?` private).
        channel: Option<String>,
        /// Only when the text matches this wildcard.
        matcher: Option<String>,
        /// The raw numeric or command, or the signal name.
        key: Option<String>,
    },
    /// Removes handler `handle` (`null`).
    Off {
        /// The handler.
        handle: u64,
    },
    /// Registers command `name` run by `handle` (`null`, or why not).
    AddCommand {
        /// The worker's number for it.
        handle: u64,
        /// The name, without `/`.
        name: String,
        /// One line of help.
        help: String,
        /// How to call it.
        usage: String,
        /// The worker's number for its argument completer, if it has one.
        complete: Option<u64>,
    },
    /// Removes the script's command `name` (`true` when it had it).
    RemoveCommand {
        /// The name.
        name: String,
    },
    /// Starts a timer calling `handle` every `ms` milliseconds, `count` times (0: until
    /// cancelled); the timer's name.
    AddTimer {
        /// The worker's number for it.
        handle: u64,
        /// The interval.
        ms: u64,
        /// How many times.
        count: u64,
    },
    /// Stops timer `name` (`null`).
    CancelTimer {
        /// The timer's name.
        name: String,
    },
    /// An HTTP request the client carries out under the script's network permission:
    /// `{status, headers: [[name, value]…], body, url}` (the body as text, invalid UTF-8
    /// replaced).
    Http {
        /// `GET`, `POST` …
        method: String,
        /// The URL.
        url: String,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The body, as text.
        body: String,
        /// How long to wait for the server (milliseconds).
        timeout_ms: u64,
    },
    /// The plugin's stored value of `key` (a string, or `null` when unset).
    StorageGet {
        /// The key.
        key: String,
    },
    /// Stores `value` under `key`; `None` removes it (`null`).
    StorageSet {
        /// The key.
        key: String,
        /// The value.
        value: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(m: &T) {
        let mut buf = Vec::new();
        write_frame(&mut buf, m).unwrap();
        let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        assert_eq!(len, buf.len() - 4);
        let back: T = read_frame(&mut buf.as_slice()).unwrap();
        assert_eq!(&back, m);
    }

    #[test]
    fn every_message_survives_a_frame() {
        round(&ToWorker::Load {
            seq: 1,
            script: 16_777_216,
            file: "bot.py".into(),
            source: "import irc\n".into(),
            data_dir: Some("/tmp/x".into()),
            grants: vec!["network".into()],
            deadline_ms: 1000,
        });
        round(&ToWorker::Event {
            seq: 2,
            handle: 3,
            event: Event {
                name: "TEXT".into(),
                nick: Some("bob".into()),
                text: "hi é".into(),
                ..Event::default()
            },
            deadline_ms: 1000,
        });
        round(&ToWorker::Result {
            id: 4,
            result: Err("no such channel".into()),
        });
        round(&FromWorker::Reply {
            seq: 2,
            result: Ok(Reply::Handled {
                halt_default: true,
                stop_later: false,
                text: Some("x".into()),
            }),
        });
        round(&FromWorker::Reply {
            seq: 5,
            result: Err(ScriptError {
                message: "boom".into(),
                file: Some("bot.py".into()),
                line: Some(3),
                kind: "error".into(),
            }),
        });
        round(&FromWorker::Call {
            id: 9,
            call: HostCall::On {
                handle: 1,
                event: "JOIN".into(),
                priority: 0,
                pre: false,
                channel: None,
                matcher: None,
                key: None,
            },
        });
        round(&FromWorker::Call {
            id: 10,
            call: HostCall::Channels,
        });
    }

    #[test]
    fn bad_frames_are_refused_with_a_reason() {
        let mut buf = (u32::try_from(MAX_FRAME).unwrap() + 1)
            .to_be_bytes()
            .to_vec();
        buf.extend_from_slice(b"{}");
        let e = read_frame::<_, ToWorker>(&mut buf.as_slice()).unwrap_err();
        assert!(e.to_string().contains("over the"), "{e}");
        let mut buf = 2u32.to_be_bytes().to_vec();
        buf.extend_from_slice(b"{}");
        let e = read_frame::<_, ToWorker>(&mut buf.as_slice()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("bad message"), "{e}");
        let e = read_frame::<_, ToWorker>(&mut [0u8, 0].as_slice()).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn the_wire_format_is_tagged_json() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &FromWorker::Heartbeat { seq: 1 }).unwrap();
        assert_eq!(&buf[4..], br#"{"t":"heartbeat","seq":1}"#);
    }
}
