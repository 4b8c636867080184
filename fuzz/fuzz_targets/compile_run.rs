//! Arbitrary bytes as a script: load it (parse, compile, verify, link) into an engine with every
//! limit small, run its `on LOAD`/`on START` handlers, call its first aliases as commands and as
//! identifiers, and run its last line both as a typed command and as an expression. Nothing may
//! panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rustirc_lang::{Engine, Limits, RecordingHost, Value};

/// Aliases called per input (in definition order).
const MAX_ALIASES: usize = 4;

fn limits() -> Limits {
    Limits {
        instructions: 100_000,
        call_depth: 50,
        string_len: 64 * 1024,
        table_items: 1000,
        tables: 10,
        wall_ms: 1000,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut engine = Engine::new(limits());
    // No sandbox folder: file identifiers and commands are refused.
    engine.vm.st.files_root = None;
    let mut host = RecordingHost {
        fixed_now_ms: Some(1_700_000_000_000),
        ..RecordingHost::default()
    };

    let report = engine.load("fuzz.mrc", data, true);
    std::hint::black_box(&report);
    let script = engine.vm.script_names.len() - 1;
    std::hint::black_box(engine.run_load_events(script, &mut host));

    // Aliases in definition order (chunk index order).
    let mut aliases: Vec<usize> = engine
        .vm
        .aliases
        .values()
        .flat_map(|defs| defs.iter().map(|(_, chunk, _)| *chunk))
        .collect();
    aliases.sort_unstable();
    aliases.dedup();
    for &chunk in aliases.iter().take(MAX_ALIASES) {
        for is_id in [false, true] {
            let params = vec![Value::text("a"), Value::text("1"), Value::text("2 3")];
            engine.vm.begin(&mut host);
            std::hint::black_box(engine.vm.call(chunk, params, is_id, &mut host).ok());
        }
    }

    // The last non-empty line, as typed in the editbox and as an expression.
    let text = String::from_utf8_lossy(data);
    if let Some(line) = text.lines().rev().find(|l| !l.trim().is_empty()) {
        std::hint::black_box(engine.run_command(line, &mut host).ok());
        std::hint::black_box(engine.eval(line, &mut host).ok());
    }
    for expr in [
        "$calc(1 + 2 * 3)",
        "$hget(0)",
        "%x $v1 $v2 $result",
        "$regml(0)",
    ] {
        std::hint::black_box(engine.eval(expr, &mut host).ok());
    }
    std::hint::black_box(&host.lines);
});
