//! The client's side of an isolated plugin's host process: start it, read its hello, and
//! exchange requests, serving its host calls until the reply. The protocol is the worker
//! protocol of [`rustirc_plugin_proto`], which the Python engine speaks with its workers.

use rustirc_plugin_proto::{
    read_frame, write_frame, FromWorker, HostCall, Reply, ScriptError, ToWorker,
};
use serde_json::Value;
use std::io::BufReader;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why an exchange failed.
#[derive(Debug)]
pub enum Failure {
    /// The plugin reported an error.
    Script(ScriptError),
    /// The process is gone or stuck, and was stopped; how it ended.
    Dead(String),
}

/// A running host process.
pub struct Worker {
    child: Child,
    r: BufReader<UnixStream>,
    w: UnixStream,
    seq: u64,
}

impl Worker {
    /// Starts `cmd` with one end of a socket pair as its standard input, and reads its
    /// hello within `hello_ms`.
    ///
    /// # Errors
    /// When it cannot start, or does not say hello.
    pub fn spawn(mut cmd: Command, what: &str, hello_ms: u64) -> Result<Worker, String> {
        let (ours, theirs) =
            UnixStream::pair().map_err(|e| format!("cannot make a socket pair: {e}"))?;
        let child = cmd
            .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start the {what}: {e}"))?;
        let w = ours
            .try_clone()
            .map_err(|e| format!("cannot use the socket pair: {e}"))?;
        let mut worker = Worker {
            child,
            r: BufReader::new(ours),
            w,
            seq: 0,
        };
        let _ = worker
            .r
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(hello_ms)));
        match read_frame::<_, FromWorker>(&mut worker.r) {
            Ok(FromWorker::Hello { .. }) => Ok(worker),
            Ok(other) => Err(format!("the {what} said {other:?} before hello")),
            Err(e) => Err(format!(
                "the {what} did not start: {}",
                worker.exit().unwrap_or_else(|| e.to_string())
            )),
        }
    }

    /// The next request number.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// How it ended, when it has.
    pub fn exit(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        use std::os::unix::process::ExitStatusExt;
        Some(match (status.code(), status.signal()) {
            (_, Some(9)) => "its process was killed (signal 9)".to_string(),
            (_, Some(11)) => "its process died of a segmentation fault (signal 11)".to_string(),
            (_, Some(6)) => "its process aborted (signal 6)".to_string(),
            (_, Some(24)) => "its process ran out of CPU time (signal 24, RLIMIT_CPU)".to_string(),
            (_, Some(s)) => format!("its process died of signal {s}"),
            (Some(c), _) => format!("its process exited with status {c}"),
            _ => "its process exited".to_string(),
        })
    }

    /// Sends `msg` and serves host calls (`on_call`) and log lines (`on_log`) until the reply
    /// to `seq`; kills the process when nothing comes within `wait_ms` and `grace_ms` more.
    ///
    /// # Errors
    /// The plugin's error, or how the process ended.
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
            return Err(self.dead(&format!("it cannot be reached ({e})")));
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
                        return Err(self.dead(&format!("it cannot be reached ({e})")));
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
                Err(e) => return Err(self.dead(&format!("it stopped answering ({e})"))),
            }
        }
    }

    /// Waits a moment for a dying process to be reaped, to say how it ended.
    fn dead(&mut self, otherwise: &str) -> Failure {
        for _ in 0..40 {
            if let Some(why) = self.exit() {
                return Failure::Dead(why);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Failure::Dead(otherwise.to_string())
    }

    fn stuck(&mut self, wait_ms: u64) -> Failure {
        let _ = self.child.kill();
        let _ = self.child.wait();
        Failure::Dead(format!(
            "it did not answer within {wait_ms} ms and was stopped"
        ))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
