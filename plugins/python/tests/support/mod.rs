//! What the Python engine's tests share: a client with the engine, transcripts.

#![allow(dead_code)]

use rustirc_core::client::Client;
use rustirc_core::replay::{leading_grants, parse, run, Session};
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::path::PathBuf;
use std::rc::Rc;

/// The engine, its worker found beside the test program.
pub fn engine() -> Rc<rustirc_python::PythonEngine> {
    if let Err(e) = rustirc_python::worker_path() {
        panic!("{e}; build it first: cargo build -p rustirc-python-worker");
    }
    Rc::new(rustirc_python::PythonEngine::new(Limits::default()))
}

/// A client that is not connected, with the Python engine.
pub fn client() -> Client {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(engine());
    c
}

/// The lines shown since last asked.
pub fn shown(c: &mut Client) -> Vec<String> {
    c.take_output().shown.into_iter().map(|(_, t)| t).collect()
}

/// A fresh folder.
pub fn temp_dir(what: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir =
        std::env::temp_dir().join(format!("rustirc-python-{what}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `scripts` into a fresh folder, loads them in order and runs `transcript`.
pub fn check(scripts: &[(&str, &str)], transcript: &str) {
    let dir = temp_dir("engines");
    let loaded: Vec<(String, Vec<u8>)> = scripts
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            (p.display().to_string(), text.as_bytes().to_vec())
        })
        .collect();
    let steps = parse(transcript).expect("transcript");
    let mut session = Session::with_setup(&loaded, leading_grants(&steps), &|c| {
        c.add_engine(engine());
    });
    let r = run(&steps, &mut session);
    std::fs::remove_dir_all(&dir).ok();
    if let Err(m) = r {
        panic!("{m}");
    }
}
