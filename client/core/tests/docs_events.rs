//! docs/events.md: every row of its match-text example table is checked against the matcher
//! the event table uses, and every mSL example block loads without errors.

use rustirc_core::events::Matcher;
use rustirc_core::host::msl::MslEngine;
use rustirc_lang::Limits;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/events.md"))
        .expect("docs/events.md")
}

#[test]
fn match_text_examples_hold() {
    let mut rows = 0;
    for line in doc().lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `pattern` | `text` | yes/no |
        if cells.len() != 5 || !matches!(cells[3], "yes" | "no") {
            continue;
        }
        let pat = cells[1].trim_matches('`');
        let text = cells[2].trim_matches('`');
        let m = if pat.starts_with('/') {
            Matcher::regex(pat).expect(pat)
        } else {
            Matcher::wild(pat)
        };
        assert_eq!(m.test(text), Some(cells[3] == "yes"), "{pat} vs {text}");
        rows += 1;
    }
    assert!(rows >= 8, "only {rows} example rows found");
}

#[test]
fn script_examples_load() {
    let text = doc();
    let mut blocks = 0;
    for block in text.split("```mrc\n").skip(1) {
        let code = block.split("```").next().unwrap_or("");
        let mut e = MslEngine::new(Limits::default());
        let loaded = e.load("events.md", code.as_bytes());
        assert!(
            !loaded.report.has_errors(),
            "{:?}",
            loaded.report.diagnostics
        );
        assert!(!loaded.handlers.is_empty());
        blocks += 1;
    }
    assert!(blocks >= 1);
}
