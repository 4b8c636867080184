//! mSL, Lua and Python do the same thing: every transcript in tests/lua-parity/ passes with
//! its `.py` script loaded too (the mSL and Lua runs are plugins/lua/tests/parity.rs), so an
//! event reaches a Python handler, decorated or found by name, with the same data, and a
//! Python script's IRC calls send and show exactly what the same mSL commands do.

mod support;

use rustirc_core::replay::{leading_grants, parse, run, Session};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lua-parity")
}

/// Runs `transcript` with `script` loaded; the mismatch, if any.
fn replay(script: &Path, transcript: &str) -> Result<(), String> {
    let steps = parse(transcript).map_err(|e| format!("line {}: {}", e.line, e.message))?;
    let bytes = std::fs::read(script).map_err(|e| e.to_string())?;
    let name = script.display().to_string();
    let mut session = Session::with_setup(&[(name, bytes)], leading_grants(&steps), &|c| {
        c.add_engine(support::engine());
    });
    run(&steps, &mut session).map_err(|m| m.to_string())
}

#[test]
fn every_transcript_passes_in_python() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/lua-parity")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut n = 0;
    for t in entries {
        let text = std::fs::read_to_string(&t).expect("transcript");
        let script = t.with_extension("py");
        assert!(script.exists(), "{} has no Python script", t.display());
        if let Err(m) = replay(&script, &text) {
            failures.push(format!("{} with {}:{m}", t.display(), script.display()));
        }
        n += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(n >= 7, "only {n} parity transcripts");
}
