//! The worker speaks the protocol: it says hello with its runtime and limits, answers
//! heartbeats, checks a script without running it, and loads one, asking the client for
//! every `irc` call.

use rustirc_plugin_proto::{read_frame, write_frame, FromWorker, HostCall, Reply, ToWorker};
use std::io::BufReader;
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

fn start() -> (std::process::Child, BufReader<UnixStream>, UnixStream) {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_rustirc-python-worker"))
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .spawn()
        .unwrap();
    let w = ours.try_clone().unwrap();
    (child, BufReader::new(ours), w)
}

#[test]
fn hello_heartbeat_check_and_load() {
    let (mut child, mut r, mut w) = start();
    match read_frame::<_, FromWorker>(&mut r).unwrap() {
        FromWorker::Hello {
            version,
            runtime,
            confinement,
        } => {
            assert_eq!(version, rustirc_plugin_proto::VERSION);
            assert!(runtime.starts_with("CPython 3."), "{runtime}");
            assert!(
                confinement.contains("address space 512 MiB"),
                "{confinement}"
            );
        }
        other => panic!("{other:?}"),
    }
    write_frame(&mut w, &ToWorker::Heartbeat { seq: 1 }).unwrap();
    assert_eq!(
        read_frame::<_, FromWorker>(&mut r).unwrap(),
        FromWorker::Heartbeat { seq: 1 }
    );
    write_frame(
        &mut w,
        &ToWorker::Check {
            seq: 2,
            file: "x.py".into(),
            source: "while True:\n    pass\nimport ctypes\n".into(),
        },
    )
    .unwrap();
    assert_eq!(
        read_frame::<_, FromWorker>(&mut r).unwrap(),
        FromWorker::Reply {
            seq: 2,
            result: Ok(Reply::Checked {
                diagnostics: vec!["x.py:3: import of 'ctypes' is not allowed in scripts".into()]
            })
        }
    );
    write_frame(
        &mut w,
        &ToWorker::Load {
            seq: 3,
            script: 5,
            file: "x.py".into(),
            source: "import irc\nirc.echo('status', 'hi')\n__version__ = '2'\n".into(),
            data_dir: None,
            grants: vec![],
            deadline_ms: 5000,
        },
    )
    .unwrap();
    let FromWorker::Call { id, call } = read_frame::<_, FromWorker>(&mut r).unwrap() else {
        panic!("expected a host call");
    };
    assert_eq!(
        call,
        HostCall::Echo {
            window: "status".into(),
            text: "hi".into()
        }
    );
    write_frame(
        &mut w,
        &ToWorker::Result {
            id,
            result: Ok(serde_json::Value::Null),
        },
    )
    .unwrap();
    match read_frame::<_, FromWorker>(&mut r).unwrap() {
        FromWorker::Reply {
            seq: 3,
            result: Ok(Reply::Loaded { meta }),
        } => {
            assert_eq!((meta.name.as_str(), meta.version.as_str()), ("x", "2"));
        }
        other => panic!("{other:?}"),
    }
    drop(w);
    drop(r);
    assert!(child.wait().unwrap().success());
}
