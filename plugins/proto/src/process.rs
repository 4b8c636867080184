//! The client's side of a worker process (Unix): start it with one end of a socket pair as
//! its standard input, read its hello, and exchange requests, serving its host calls and log
//! lines until the reply. When it does not answer in time it is killed; when it dies, what
//! it died of is said in words. The Python engine and the isolated native plugins both run
//! their workers through this.
//!
//! This module does not know what the host calls do or what the engine does when a worker
//! is gone (restart it, disable the script): those belong to the caller, which also builds
//! the [`Command`] (program, arguments, environment).
//!
//! ```no_run
//! use rustirc_plugin_proto::process::{Names, Worker};
//! use rustirc_plugin_proto::ToWorker;
//! let names = Names::new("plugin host", "process");
//! let mut w = Worker::spawn(std::process::Command::new("rustirc-native-host"), names, 5000)
//!     .unwrap();
//! let seq = w.next_seq();
//! let reply = w.exchange(
//!     &ToWorker::Unload { seq, deadline_ms: 1000 },
//!     seq,
//!     1000,
//!     500,
//!     &mut |_call| Err("no host calls here".to_string()),
//!     &mut |level, text| eprintln!("[{level}] {text}"),
//! );
//! ```

use crate::{read_frame, write_frame, FromWorker, HostCall, Reply, ScriptError, ToWorker};
use serde_json::Value;
use std::io::BufReader;
use std::os::unix::net::UnixStream;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why an exchange failed.
#[derive(Debug)]
pub enum Failure {
    /// The script or plugin reported an error.
    Script(ScriptError),
    /// The worker is gone or stuck, and was stopped; how it ended, in words.
    Dead(String),
}

/// What a worker's messages call it.
#[derive(Clone, Debug)]
pub struct Names {
    /// The program, as `cannot start the …` and `the … did not start` name it
    /// (`plugin host`, `Python worker /usr/lib/rustirc/rustirc-python-worker`).
    pub what: String,
    /// The process, as `its … exited with status 1` names it (`process`, `worker`).
    pub noun: &'static str,
    /// Why it was stopped when it did not answer within the wait (the argument, in
    /// milliseconds) and the grace after it; [`Names::new`] gives
    /// `it did not answer within N ms and was stopped`.
    pub stuck: fn(u64) -> String,
}

impl Names {
    /// `what` and `noun`, with the plain message for a worker that did not answer in time.
    pub fn new(what: impl Into<String>, noun: &'static str) -> Names {
        Names {
            what: what.into(),
            noun,
            stuck: |ms| format!("it did not answer within {ms} ms and was stopped"),
        }
    }
}

/// A running worker process. Dropping it kills the process and reaps it.
pub struct Worker {
    child: Child,
    r: BufReader<UnixStream>,
    w: UnixStream,
    seq: u64,
    names: Names,
}

impl Worker {
    /// Starts `cmd` in a process group of its own, with one end of a socket pair as its
    /// standard input, standard output discarded and standard error inherited, and reads
    /// its hello within `hello_ms`.
    ///
    /// # Errors
    /// When it cannot start, or does not say hello (saying how it ended when it did).
    pub fn spawn(mut cmd: Command, names: Names, hello_ms: u64) -> Result<Worker, String> {
        let (ours, theirs) =
            UnixStream::pair().map_err(|e| format!("cannot make a socket pair: {e}"))?;
        let child = cmd
            .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the {}: {e}", names.what))?;
        let w = ours
            .try_clone()
            .map_err(|e| format!("cannot use the socket pair: {e}"))?;
        let mut worker = Worker {
            child,
            r: BufReader::new(ours),
            w,
            seq: 0,
            names,
        };
        let _ = worker
            .r
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(hello_ms)));
        match read_frame::<_, FromWorker>(&mut worker.r) {
            Ok(FromWorker::Hello { .. }) => Ok(worker),
            Ok(other) => Err(format!(
                "the {} said {other:?} before hello",
                worker.names.what
            )),
            Err(e) => {
                let why = worker.ended().unwrap_or_else(|| e.to_string());
                Err(format!("the {} did not start: {why}", worker.names.what))
            }
        }
    }

    /// The next request number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The process's id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// How it ended, when it has (`its worker was killed (signal 9)`).
    pub fn exit(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        let noun = self.names.noun;
        Some(match (status.code(), status.signal()) {
            (_, Some(9)) => format!("its {noun} was killed (signal 9)"),
            (_, Some(11)) => format!("its {noun} died of a segmentation fault (signal 11)"),
            (_, Some(6)) => format!("its {noun} aborted (signal 6)"),
            // SIGXCPU (24 on Linux and macOS): the CPU-time limit (RLIMIT_CPU).
            (_, Some(24)) => format!("its {noun} used up its CPU time limit (SIGXCPU)"),
            (_, Some(s)) => format!("its {noun} died of signal {s}"),
            (Some(c), _) => format!("its {noun} exited with status {c}"),
            _ => format!("its {noun} exited"),
        })
    }

    /// Sends `msg` and serves host calls (`on_call`) and log lines (`on_log`) until the reply
    /// to `seq`; kills the process when nothing comes within `wait_ms` and `grace_ms` more.
    ///
    /// # Errors
    /// The script's error, or how the process ended.
    pub fn exchange(
        &mut self,
        msg: &ToWorker,
        seq: u64,
        wait_ms: u64,
        grace_ms: u64,
        on_call: &mut dyn FnMut(HostCall) -> Result<Value, String>,
        on_log: &mut dyn FnMut(&str, &str),
    ) -> Result<Reply, Failure> {
        let kill_at = Instant::now() + Duration::from_millis(wait_ms + grace_ms);
        if let Err(e) = write_frame(&mut self.w, msg) {
            return Err(self.dead(&format!("cannot be reached ({e})")));
        }
        loop {
            let left = kill_at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.stuck(wait_ms));
            }
            let _ = self.r.get_ref().set_read_timeout(Some(left));
            match read_frame::<_, FromWorker>(&mut self.r) {
                Ok(FromWorker::Reply { seq: got, result }) if got == seq => {
                    return result.map_err(Failure::Script)
                }
                Ok(
                    FromWorker::Reply { .. }
                    | FromWorker::Heartbeat { .. }
                    | FromWorker::Hello { .. },
                ) => {}
                Ok(FromWorker::Call { id, call }) => {
                    let result = on_call(call);
                    if let Err(e) = write_frame(&mut self.w, &ToWorker::Result { id, result }) {
                        return Err(self.dead(&format!("cannot be reached ({e})")));
                    }
                }
                Ok(FromWorker::Log { level, text }) => on_log(&level, &text),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(self.stuck(wait_ms));
                }
                Err(e) => return Err(self.dead(&format!("stopped answering ({e})"))),
            }
        }
    }

    /// Waits a moment (up to 200 ms) for a dying process to be reaped, to say how it ended.
    fn ended(&mut self) -> Option<String> {
        for _ in 0..40 {
            if let Some(why) = self.exit() {
                return Some(why);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    /// How a process that stopped answering ended; else `its NOUN` and `otherwise`.
    fn dead(&mut self, otherwise: &str) -> Failure {
        Failure::Dead(
            self.ended()
                .unwrap_or_else(|| format!("its {} {otherwise}", self.names.noun)),
        )
    }

    /// Kills a process that did not answer in time.
    fn stuck(&mut self, wait_ms: u64) -> Failure {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Failure::Dead((self.names.stuck)(wait_ms))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Meta, VERSION};

    /// A worker written in shell: `sh -c SCRIPT`, whose standard input is the socket (it
    /// writes frames with `>&0`).
    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    /// The frames of `msgs`, as `printf` arguments in octal escapes.
    fn frames(msgs: &[FromWorker]) -> String {
        let mut buf = Vec::new();
        for m in msgs {
            write_frame(&mut buf, m).unwrap();
        }
        buf.iter().map(|b| format!("\\{b:03o}")).collect()
    }

    fn hello() -> FromWorker {
        FromWorker::Hello {
            version: VERSION,
            runtime: "sh".into(),
            confinement: "none".into(),
        }
    }

    fn names() -> Names {
        Names::new("test worker", "worker")
    }

    #[test]
    fn a_worker_that_never_says_hello_did_not_start() {
        let Err(e) = Worker::spawn(sh("exit 3"), names(), 2000) else {
            panic!("no hello, yet started");
        };
        assert_eq!(
            e,
            "the test worker did not start: its worker exited with status 3"
        );
        let Err(e) = Worker::spawn(Command::new("/nonexistent/worker"), names(), 2000) else {
            panic!("started a missing program");
        };
        assert!(e.starts_with("cannot start the test worker: "), "{e}");
    }

    #[test]
    fn an_exchange_serves_calls_and_logs_until_its_reply() {
        let out = frames(&[
            hello(),
            FromWorker::Log {
                level: "info".into(),
                text: "loading".into(),
            },
            FromWorker::Call {
                id: 1,
                call: HostCall::Channels,
            },
            FromWorker::Reply {
                seq: 7,
                result: Ok(Reply::Done),
            },
            FromWorker::Reply {
                seq: 1,
                result: Ok(Reply::Loaded {
                    meta: Meta::default(),
                }),
            },
        ]);
        let mut w = Worker::spawn(
            sh(&format!("printf '{out}' >&0; exec sleep 5")),
            names(),
            2000,
        )
        .unwrap();
        let seq = w.next_seq();
        assert_eq!(seq, 1);
        let mut calls = Vec::new();
        let mut logs = Vec::new();
        let r = w.exchange(
            &ToWorker::Heartbeat { seq },
            seq,
            2000,
            100,
            &mut |c| {
                calls.push(c);
                Ok(Value::Null)
            },
            &mut |l, t| logs.push(format!("{l}: {t}")),
        );
        assert!(matches!(r, Ok(Reply::Loaded { .. })), "{r:?}");
        assert_eq!(calls, [HostCall::Channels]);
        assert_eq!(logs, ["info: loading"]);
    }

    #[test]
    fn a_worker_that_does_not_answer_is_stopped() {
        let out = frames(&[hello()]);
        let mut names = names();
        names.stuck = |ms| format!("stuck for {ms} ms");
        let mut w = Worker::spawn(
            sh(&format!("printf '{out}' >&0; exec sleep 30")),
            names,
            2000,
        )
        .unwrap();
        let seq = w.next_seq();
        let started = Instant::now();
        let r = w.exchange(
            &ToWorker::Heartbeat { seq },
            seq,
            100,
            50,
            &mut |_| Ok(Value::Null),
            &mut |_, _| {},
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            matches!(&r, Err(Failure::Dead(why)) if why == "stuck for 100 ms"),
            "{r:?}"
        );
        assert_eq!(
            w.exit().as_deref(),
            Some("its worker was killed (signal 9)")
        );
    }

    #[test]
    fn a_worker_that_dies_says_how() {
        let out = frames(&[hello()]);
        let mut w = Worker::spawn(
            sh(&format!("printf '{out}' >&0; kill -SEGV $$")),
            Names::new("plugin host", "process"),
            2000,
        )
        .unwrap();
        let seq = w.next_seq();
        let r = w.exchange(
            &ToWorker::Heartbeat { seq },
            seq,
            5000,
            0,
            &mut |_| Ok(Value::Null),
            &mut |_, _| {},
        );
        assert!(
            matches!(&r, Err(Failure::Dead(why))
                if why == "its process died of a segmentation fault (signal 11)"),
            "{r:?}"
        );
    }
}
