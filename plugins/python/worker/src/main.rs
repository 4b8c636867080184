//! `rustirc-python-worker`: runs one Python script for the RustIRC client.
//!
//! The client starts this program with its end of a socket pair as standard input (see
//! `rustirc-python`), one worker per script. The worker starts CPython, imports what scripts
//! may use, puts itself under resource limits, then answers the client's requests
//! ([`rustirc_plugin_proto::ToWorker`]) one at a time: load the script, run a handler, a
//! command or a timer. Every `irc.*` function the script calls becomes a
//! [`rustirc_plugin_proto::HostCall`] the client carries out and answers.
//!
//! The Python side (the `irc` module, handler discovery, the event object, error reports)
//! is `runtime.py`, compiled into this program. Each request carries a deadline: a watchdog
//! thread interrupts the script when it passes (a `Deadline` exception raised in the
//! script); code that cannot be interrupted (a C loop, a regex) is the client's to stop: it
//! kills the worker after a grace period and starts a new one.

// FFI: the socket the client passes as file descriptor 0, setrlimit, and the
// watchdog's signal to the main thread.
#![allow(unsafe_code)]

mod confine;

use pyo3::prelude::*;
use rustirc_plugin_proto::{read_frame, write_frame, FromWorker, HostCall, Reply, ToWorker};
use std::ffi::CString;
use std::io::BufReader;
use std::os::fd::FromRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The channel to the client.
struct Chan {
    r: BufReader<UnixStream>,
    w: UnixStream,
    next_call: u64,
}

static CHAN: OnceLock<Mutex<Chan>> = OnceLock::new();

/// The thread Python runs in.
static MAIN_THREAD: OnceLock<libc::pthread_t> = OnceLock::new();

/// The deadline of the call under way, and the watchdog that interrupts it.
static WATCH: (Mutex<Option<Instant>>, Condvar) = (Mutex::new(None), Condvar::new());

const RUNTIME: &str = include_str!("runtime.py");

fn chan() -> std::sync::MutexGuard<'static, Chan> {
    match CHAN.get() {
        Some(c) => c.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
        None => {
            eprintln!("rustirc-python-worker: no channel");
            std::process::exit(2)
        }
    }
}

fn send(msg: &FromWorker) {
    let mut c = chan();
    if let Err(e) = write_frame(&mut c.w, msg) {
        eprintln!("rustirc-python-worker: the client is gone ({e})");
        std::process::exit(0);
    }
}

/// `_rustirc.host_call(json)`: sends a host call to the client and waits for its answer, a
/// JSON `{"Ok": value}` or `{"Err": text}`.
#[pyfunction]
fn host_call(py: Python<'_>, request: &str) -> PyResult<String> {
    let call: HostCall = serde_json::from_str(request)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("bad host call: {e}")))?;
    let answer = py.allow_threads(move || -> std::io::Result<String> {
        let mut c = chan();
        c.next_call += 1;
        let id = c.next_call;
        write_frame(&mut c.w, &FromWorker::Call { id, call })?;
        loop {
            match read_frame::<_, ToWorker>(&mut c.r)? {
                ToWorker::Result { id: got, result } if got == id => {
                    return serde_json::to_string(&result).map_err(std::io::Error::other)
                }
                ToWorker::Heartbeat { seq } => {
                    write_frame(&mut c.w, &FromWorker::Heartbeat { seq })?;
                }
                other => {
                    return Err(std::io::Error::other(format!(
                        "the client sent {other:?} while a host call was waiting"
                    )))
                }
            }
        }
    });
    match answer {
        Ok(a) => Ok(a),
        Err(e) => {
            eprintln!("rustirc-python-worker: the channel to the client failed ({e})");
            std::process::exit(0)
        }
    }
}

/// `_rustirc.log(level, text)`: a line for the script's log.
#[pyfunction]
fn log(level: String, text: String) {
    send(&FromWorker::Log { level, text });
}

fn arm(deadline_ms: u64) {
    // Started on first use, after the confinement, so the thread is confined too.
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(watchdog);
    });
    let (m, cv) = &WATCH;
    *m.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
        Some(Instant::now() + Duration::from_millis(deadline_ms.max(1)));
    cv.notify_one();
}

fn disarm() {
    let (m, _) = &WATCH;
    *m.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
}

fn watchdog() {
    let (m, cv) = &WATCH;
    let mut g = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        match *g {
            None => {
                g = cv
                    .wait(g)
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
            }
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    // SIGINT to the main thread, where Python runs: its handler (the
                    // runtime's) raises Deadline in the script at its next bytecode. Sent to
                    // that thread because CPython only notices a signal that arrives in its
                    // main thread at once (PyErr_SetInterrupt from here is seen only by code
                    // that checks for signals itself).
                    if let Some(t) = MAIN_THREAD.get() {
                        unsafe { libc::pthread_kill(*t, libc::SIGINT) };
                    }
                    // Again every 100 ms until the call returns (a script that catches it).
                    *g = Some(now + Duration::from_millis(100));
                } else {
                    g = cv
                        .wait_timeout(g, d - now)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                }
            }
        }
    }
}

/// Resource limits, set once the interpreter has started: address space, open files, CPU
/// time. `hard` above `soft` leaves the process the kernel's warning signal (SIGXCPU for CPU
/// time) before the hard limit kills it.
fn limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> Result<(), String> {
    let r = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    if unsafe { libc::setrlimit(resource, &r) } != 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    Ok(())
}

/// Puts the worker under Landlock and seccomp for a script with data folder `data_dir` and
/// `grants`: the runtime says which folders Python reads (its installation) and which the
/// script may write.
fn confine_for(
    runtime: &Bound<'_, PyModule>,
    data_dir: Option<&str>,
    grants: &[String],
) -> Result<(), String> {
    let (read_only, read_write): (Vec<String>, Vec<String>) = runtime
        .getattr("confine_paths")
        .and_then(|f| f.call1((data_dir, grants.to_vec())))
        .and_then(|r| r.extract())
        .map_err(|e| format!("cannot list the paths: {e}"))?;
    if let Some(d) = data_dir {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {d}: {e}"))?;
    }
    let ro: Vec<std::path::PathBuf> = read_only.into_iter().map(Into::into).collect();
    let rw: Vec<std::path::PathBuf> = read_write.into_iter().map(Into::into).collect();
    let report = confine::confine(&ro, &rw)?;
    runtime
        .getattr("SANDBOX")
        .and_then(|l| l.call_method1("extend", (report.parts,)))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

struct Options {
    memory_mb: u64,
    open_files: u64,
    /// CPU seconds over the worker's life; 0: no limit.
    cpu_seconds: u64,
    /// A worker shared by several scripts: the folder holding all their data folders, which
    /// Landlock opens in place of the first script's own.
    shared_root: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        memory_mb: 512,
        open_files: 64,
        cpu_seconds: 0,
        shared_root: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || {
            args.get(i + 1)
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| format!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--memory-mb" => o.memory_mb = value()?,
            "--open-files" => o.open_files = value()?,
            "--cpu-seconds" => o.cpu_seconds = value()?,
            "--shared-root" => {
                o.shared_root = Some(
                    args.get(i + 1)
                        .cloned()
                        .ok_or_else(|| "--shared-root needs a folder".to_string())?,
                );
            }
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(o)
}

fn main() {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("rustirc-python-worker: {e}\nusage: rustirc-python-worker [--memory-mb N] [--open-files N] [--cpu-seconds N] [--shared-root DIR] <&SOCKET");
            std::process::exit(2);
        }
    };
    // The client's end of the socket pair is our standard input.
    let sock = unsafe { UnixStream::from_raw_fd(0) };
    if let Err(e) = sock.peer_addr() {
        eprintln!("rustirc-python-worker: standard input is not the client's socket ({e}); this program is started by the RustIRC client");
        std::process::exit(2);
    }
    let w = match sock.try_clone() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("rustirc-python-worker: {e}");
            std::process::exit(2);
        }
    };
    let _ = CHAN.set(Mutex::new(Chan {
        r: BufReader::new(sock),
        w,
        next_call: 0,
    }));
    let _ = MAIN_THREAD.set(unsafe { libc::pthread_self() });
    pyo3::prepare_freethreaded_python();
    let code = Python::with_gil(|py| -> PyResult<()> {
        let m = PyModule::new(py, "_rustirc")?;
        m.add_function(wrap_pyfunction!(host_call, &m)?)?;
        m.add_function(wrap_pyfunction!(log, &m)?)?;
        py.import("sys")?
            .getattr("modules")?
            .set_item("_rustirc", &m)?;
        let source = CString::new(RUNTIME)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("runtime.py: {e}")))?;
        let runtime = PyModule::from_code(py, &source, c"rustirc_runtime.py", c"rustirc_runtime")?;
        let mut confinement = Vec::new();
        let mb = opts.memory_mb;
        let bytes = mb.saturating_mul(1 << 20);
        match limit(libc::RLIMIT_AS, bytes, bytes) {
            Ok(()) => confinement.push(format!("address space {mb} MiB")),
            Err(e) => eprintln!("rustirc-python-worker: cannot limit the address space: {e}"),
        }
        match limit(libc::RLIMIT_NOFILE, opts.open_files, opts.open_files) {
            Ok(()) => confinement.push(format!("{} open files", opts.open_files)),
            Err(e) => eprintln!("rustirc-python-worker: cannot limit open files: {e}"),
        }
        // SIGXCPU at the limit ends the worker (its default action); the client says why
        // and starts a new one. The hard limit, a second later, is the kernel's SIGKILL.
        let cpu = opts.cpu_seconds;
        if cpu > 0 {
            match limit(libc::RLIMIT_CPU, cpu, cpu + 1) {
                Ok(()) => confinement.push(format!("{cpu} s of CPU time")),
                Err(e) => eprintln!("rustirc-python-worker: cannot limit CPU time: {e}"),
            }
        }
        runtime
            .getattr("SANDBOX")?
            .call_method1("extend", (confinement.clone(),))?;
        runtime
            .getattr("set_memory_limit")?
            .call1((opts.memory_mb,))?;
        runtime
            .getattr("_VERSION")?
            .set_item(0, env!("CARGO_PKG_VERSION"))?;
        let version: String = py.import("sys")?.getattr("version")?.extract()?;
        send(&FromWorker::Hello {
            version: rustirc_plugin_proto::VERSION,
            runtime: format!(
                "CPython {}",
                version.split_whitespace().next().unwrap_or("")
            ),
            confinement: confinement.join(", "),
        });
        let dispatch = runtime.getattr("dispatch")?;
        let mut confined = false;
        loop {
            let msg = {
                let mut c = chan();
                match read_frame::<_, ToWorker>(&mut c.r) {
                    Ok(m) => m,
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
                    Err(e) => {
                        eprintln!("rustirc-python-worker: {e}");
                        return Ok(());
                    }
                }
            };
            let (seq, deadline) = match &msg {
                ToWorker::Heartbeat { seq } => {
                    send(&FromWorker::Heartbeat { seq: *seq });
                    continue;
                }
                ToWorker::Result { .. } => continue,
                ToWorker::Load {
                    seq, deadline_ms, ..
                }
                | ToWorker::Unload { seq, deadline_ms }
                | ToWorker::UnloadScript {
                    seq, deadline_ms, ..
                }
                | ToWorker::Event {
                    seq, deadline_ms, ..
                }
                | ToWorker::Command {
                    seq, deadline_ms, ..
                }
                | ToWorker::Timer {
                    seq, deadline_ms, ..
                }
                | ToWorker::Complete {
                    seq, deadline_ms, ..
                } => (*seq, Some(*deadline_ms)),
                ToWorker::Check { seq, .. } => (*seq, None),
                ToWorker::LoadNative { seq, .. } => {
                    send(&FromWorker::Reply {
                        seq: *seq,
                        result: Err(rustirc_plugin_proto::ScriptError {
                            message: "this worker runs Python scripts, not native plugins"
                                .to_string(),
                            kind: "error".to_string(),
                            ..Default::default()
                        }),
                    });
                    continue;
                }
            };
            if let ToWorker::Load {
                data_dir, grants, ..
            } = &msg
            {
                if !confined {
                    let root = opts.shared_root.as_deref().or(data_dir.as_deref());
                    if let Err(e) = confine_for(&runtime, root, grants) {
                        send(&FromWorker::Reply {
                            seq,
                            result: Err(rustirc_plugin_proto::ScriptError {
                                message: format!(
                                    "the worker cannot confine itself, so the script does not run: {e}"
                                ),
                                kind: "refused".to_string(),
                                ..Default::default()
                            }),
                        });
                        continue;
                    }
                    confined = true;
                }
            }
            let request = serde_json::to_string(&msg).unwrap_or_default();
            if let Some(d) = deadline {
                arm(d);
            }
            let out = dispatch.call1((request,));
            disarm();
            let result: Result<Reply, rustirc_plugin_proto::ScriptError> =
                match out.and_then(|o| o.extract::<String>()) {
                    Ok(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
                        Err(rustirc_plugin_proto::ScriptError {
                            message: format!("the worker's runtime answered badly: {e}"),
                            kind: "error".to_string(),
                            ..Default::default()
                        })
                    }),
                    Err(e) => Err(rustirc_plugin_proto::ScriptError {
                        message: format!("the worker's runtime failed: {e}"),
                        kind: "error".to_string(),
                        ..Default::default()
                    }),
                };
            send(&FromWorker::Reply { seq, result });
        }
    });
    if let Err(e) = code {
        eprintln!("rustirc-python-worker: {e}");
        std::process::exit(1);
    }
}
