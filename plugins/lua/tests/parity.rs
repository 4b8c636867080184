//! mSL and Lua do the same thing: every transcript in tests/lua-parity/ must pass with its
//! `.mrc` script loaded and again with its `.lua` script loaded, so an event reaches a Lua
//! handler with the same data, and a Lua script's IRC calls send and show exactly what the
//! same mSL commands do.

use rustirc_core::replay::{leading_grants, parse, run, Session};
use rustirc_lang::Limits;
use std::path::{Path, PathBuf};
use std::rc::Rc;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lua-parity")
}

/// Runs `transcript` with `script` loaded; the mismatch, if any.
pub fn replay(script: &Path, transcript: &str) -> Result<(), String> {
    let steps = parse(transcript).map_err(|e| format!("line {}: {}", e.line, e.message))?;
    let bytes = std::fs::read(script).map_err(|e| e.to_string())?;
    let name = script.display().to_string();
    let mut session = Session::with_setup(&[(name, bytes)], leading_grants(&steps), &|c| {
        c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    });
    run(&steps, &mut session).map_err(|m| m.to_string())
}

#[test]
fn every_transcript_passes_in_both_languages() {
    let mut n = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/lua-parity")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for t in entries {
        let text = std::fs::read_to_string(&t).expect("transcript");
        for ext in ["mrc", "lua"] {
            let script = t.with_extension(ext);
            assert!(script.exists(), "{} has no {ext} script", t.display());
            if let Err(m) = replay(&script, &text) {
                failures.push(format!("{} with {}:{m}", t.display(), script.display()));
            }
        }
        n += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(n >= 7, "only {n} parity transcripts");
}
