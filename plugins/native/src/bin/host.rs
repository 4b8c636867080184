//! `rustirc-native-host`: runs one isolated native plugin for the client.
//!
//! The client starts it with one end of a socket pair as standard input and speaks the
//! worker protocol of `rustirc-plugin-proto` over it: a `load_native` request opens the
//! plugin (after the same header, symbol, ABI and name checks as in the client) and runs its
//! `plugin_init`; `event` requests deliver events, commands and timers; `unload` runs
//! `plugin_deinit`. Every host function the plugin calls becomes a `call` the client carries
//! out. The process limits itself first: `--memory-mb` (RLIMIT_AS), `--cpu-secs`
//! (RLIMIT_CPU), and no core files. When the plugin crashes, only this process dies.
#![allow(unsafe_code)]

use rustirc_native::loader::{self, Calls, Loaded};
use rustirc_plugin_proto::{
    read_frame, write_frame, FromWorker, HostCall, Reply, ScriptError, ToWorker,
};
use serde_json::Value;
use std::io::BufReader;
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

struct Socket {
    r: BufReader<UnixStream>,
    w: UnixStream,
    next: u64,
}

impl Socket {
    fn send(&mut self, msg: &FromWorker) {
        if write_frame(&mut self.w, msg).is_err() {
            // The client is gone: nothing left to do.
            std::process::exit(0);
        }
    }
}

impl Calls for Socket {
    fn call(&mut self, call: HostCall) -> Result<Value, String> {
        self.next += 1;
        let id = self.next;
        self.send(&FromWorker::Call { id, call });
        loop {
            match read_frame::<_, ToWorker>(&mut self.r) {
                Ok(ToWorker::Result { id: got, result }) if got == id => return result,
                Ok(ToWorker::Heartbeat { seq }) => self.send(&FromWorker::Heartbeat { seq }),
                Ok(_) => {}
                Err(_) => std::process::exit(0),
            }
        }
    }

    fn log(&mut self, level: &str, text: &str) {
        self.send(&FromWorker::Log {
            level: level.to_string(),
            text: text.to_string(),
        });
    }
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) -> Result<(), String> {
    let lim = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit with a valid struct on this process.
    if unsafe { libc::setrlimit(resource, &lim) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

fn error(message: String) -> ScriptError {
    ScriptError {
        message,
        kind: "error".to_string(),
        ..ScriptError::default()
    }
}

fn load(file: &str, taken: &[String], sock: &mut Socket) -> Result<Loaded, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let ins = rustirc_native::inspect::inspect(file, &bytes)?;
    if let Some(r) = ins.refusal {
        return Err(r);
    }
    let opened = loader::open(std::path::Path::new(file), file)?;
    let name = &opened.info.name;
    if taken.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return Err(format!(
            "a plugin named '{name}' is already loaded: unload it first, or /plugin reload it"
        ));
    }
    opened.init(sock)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut memory_mb = 512u64;
    let mut cpu_secs = 3600u64;
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), v) {
            ("--memory-mb", Some(v)) => memory_mb = v,
            ("--cpu-secs", Some(v)) => cpu_secs = v,
            (other, _) => {
                eprintln!("rustirc-native-host: unknown or incomplete argument {other} (it is started by the client)");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    let mut confinement = Vec::new();
    for (what, res, value) in [
        ("address space", libc::RLIMIT_AS, memory_mb << 20),
        ("CPU time", libc::RLIMIT_CPU, cpu_secs),
        ("core files", libc::RLIMIT_CORE, 0),
    ] {
        match limit(res, value) {
            Ok(()) => confinement.push(what),
            Err(e) => eprintln!("rustirc-native-host: cannot limit {what}: {e}"),
        }
    }
    let stream = match std::io::stdin().as_fd().try_clone_to_owned() {
        Ok(fd) => UnixStream::from(fd),
        Err(e) => {
            eprintln!("rustirc-native-host: standard input is not usable: {e}");
            std::process::exit(2);
        }
    };
    let Ok(w) = stream.try_clone() else {
        std::process::exit(2);
    };
    let mut sock = Socket {
        r: BufReader::new(stream),
        w,
        next: 0,
    };
    sock.send(&FromWorker::Hello {
        version: rustirc_plugin_proto::VERSION,
        runtime: format!(
            "native plugin host (ABI {}.{})",
            rustirc_plugin_abi::sys::ABI_MAJOR,
            rustirc_plugin_abi::sys::ABI_MINOR
        ),
        confinement: format!("rlimits: {}", confinement.join(", ")),
    });
    let mut plugin: Option<Loaded> = None;
    while let Ok(msg) = read_frame::<_, ToWorker>(&mut sock.r) {
        let (seq, result) = match msg {
            ToWorker::Heartbeat { seq } => {
                sock.send(&FromWorker::Heartbeat { seq });
                continue;
            }
            ToWorker::Result { .. } => continue,
            ToWorker::LoadNative {
                seq, file, taken, ..
            } => {
                if plugin.is_some() {
                    (seq, Err(error("this host already runs a plugin".into())))
                } else {
                    match load(&file, &taken, &mut sock) {
                        Ok(p) => {
                            let meta = p.meta();
                            plugin = Some(p);
                            (seq, Ok(Reply::Loaded { meta }))
                        }
                        Err(e) => (seq, Err(error(e))),
                    }
                }
            }
            ToWorker::Event {
                seq, handle, event, ..
            } => match &plugin {
                Some(p) => (seq, p.deliver(handle, &event, &mut sock)),
                None => (seq, Err(error("no plugin is loaded".into()))),
            },
            ToWorker::Unload { seq, .. } => {
                if let Some(mut p) = plugin.take() {
                    p.deinit(&mut sock);
                }
                sock.send(&FromWorker::Reply {
                    seq,
                    result: Ok(Reply::Done),
                });
                break;
            }
            ToWorker::UnloadScript { seq, .. }
            | ToWorker::Load { seq, .. }
            | ToWorker::Check { seq, .. }
            | ToWorker::Command { seq, .. }
            | ToWorker::Timer { seq, .. }
            | ToWorker::Complete { seq, .. } => (
                seq,
                Err(error(
                    "the native plugin host takes load_native, event and unload requests".into(),
                )),
            ),
        };
        sock.send(&FromWorker::Reply { seq, result });
    }
}
