//! docs/ follows the code: every identifier and command a script can call — the language's own
//! (`rustirc_lang::names`) and the client's (`HOST_IDENTIFIERS`, `HOST_COMMANDS`) — and every
//! event the client raises (`rustirc_syntax::events::EVENTS` marked as running) and every word
//! operator of conditions (`isin`, `isop` …) is documented in docs/ and has an example that a
//! test runs. A name counts as documented when
//! the docs name it (`$name`; a command as a code span starting with `name` or `/name`), and as
//! having an example when one of these holds:
//!
//! - an `` `EXPR` → `RESULT` `` example in docs/language/*.md uses it (run by `docs.rs`);
//! - an ```mrc block followed by a ```transcript block uses it, in the script or in a line
//!   the transcript types (`:: status /notify ann`) (run by `replay.rs`);
//! - a section (from one heading to the next) names it and refers to a fixture
//!   (`tests/scripts/**.mrc`, run by `fixtures.rs`, or `tests/replay/NAME.mrc|txt`, run by
//!   `replay.rs`) that uses it.
//!
//! "Uses" means `$name` for an identifier, the word `name` starting a statement for a command,
//! and an `on LEVEL:NAME:` header for an event (named in docs as a code span `NAME` or one
//! holding `:NAME:`), and the word itself for an operator.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The docs that describe what scripts can call.
fn doc_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("docs/language"))
        .expect("docs/language")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    for n in [
        "irc",
        "events",
        "sockets",
        "headless",
        "testing-scripts",
        "dcc",
        "permissions",
        "desktop",
    ] {
        v.push(root().join(format!("docs/{n}.md")));
    }
    v
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `$name` (or `$!name`, evaluated later) in `text`, not followed by more of a name (`$me`
/// is not in `$mei`).
fn uses_ident(text: &str, name: &str) -> bool {
    uses_ident_as(text, name, "$") || uses_ident_as(text, name, "$!")
}

fn uses_ident_as(text: &str, name: &str, sigil: &str) -> bool {
    let pat = format!("{sigil}{name}");
    let mut rest = text;
    while let Some(i) = rest.find(&pat) {
        let after = &rest[i + pat.len()..];
        if name == "+" || !after.starts_with(word_char) {
            return true;
        }
        rest = after;
    }
    false
}

/// Command `name` run in script code: the first word of a statement (at the start of a line
/// or after `{`, `|`, a condition's `)`, `else` or an event header's `:`), with an optional
/// `/`, `.` or `!` in front, and followed by a blank, `}`, `|` or the line end; `;` comment
/// lines and the headers of events and aliases are skipped.
fn uses_command(code: &str, name: &str) -> bool {
    for line in code.lines() {
        let top = !line.starts_with([' ', '\t']);
        let line = line.trim_start();
        if line.starts_with(';') {
            continue;
        }
        // The header of an event or alias (at the start of a line) is not a command:
        // `raw 332:*: …`, `alias join {`.
        let mut words = line.splitn(3, ' ');
        let line = match (words.next(), words.next(), words.next()) {
            (Some("alias"), Some(_), rest) if top => rest.unwrap_or(""),
            (Some("on" | "raw" | "ctcp"), Some(second), rest) if top => {
                let body = line.len() - second.len() - rest.map_or(0, |r| r.len() + 1);
                &line[body..]
            }
            _ => line,
        };
        let mut from = 0;
        while let Some(i) = line[from..].find(name) {
            let at = from + i;
            let before = line[..at].trim_end_matches(['/', '.', '!']).trim_end();
            let starts = before.is_empty()
                || before.ends_with(['{', '|', ')', ':'])
                || before == "else"
                || before.ends_with(" else");
            let after = line[at + name.len()..].chars().next();
            let ends = after.is_none_or(|c| c.is_whitespace() || "}|".contains(c));
            if starts && ends {
                return true;
            }
            from = at + name.len();
        }
    }
    false
}

/// The word `word` in `text`, not inside a longer word or an identifier (`$isin`).
fn uses_word(text: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if before.is_none_or(|c| !(word_char(c) || c == '$' || c == '%'))
            && after.is_none_or(|c| !word_char(c))
        {
            return true;
        }
        from = at + word.len();
    }
    false
}

/// An `on LEVEL:NAME:` header in `code` (anywhere in a line: a transcript may write the
/// script with `/write`).
fn handles_event(code: &str, name: &str) -> bool {
    let pat = format!(":{}:", name.to_ascii_uppercase());
    code.lines().any(|line| {
        let upper = line.to_ascii_uppercase();
        let mut from = 0;
        while let Some(i) = upper[from..].find(&pat) {
            let at = from + i;
            let mut words = upper[..at].rsplit(' ');
            let _level = words.next();
            if words.next() == Some("ON") {
                return true;
            }
            from = at + 1;
        }
        false
    })
}

/// Whether a code span names command `name`: its first word, without `/`, `.` or `!`.
fn span_names_command(span: &str, name: &str) -> bool {
    let w = span.trim().trim_start_matches(['/', '.', '!']);
    let w = w.split([' ', '[', '`']).next().unwrap_or("");
    w.eq_ignore_ascii_case(name)
}

fn code_spans(text: &str) -> Vec<&str> {
    let mut v = Vec::new();
    for line in text.lines() {
        let mut parts = line.split('`');
        parts.next();
        while let (Some(span), Some(_)) = (parts.next(), parts.next()) {
            v.push(span);
        }
    }
    v
}

#[derive(Default)]
struct Found {
    named: BTreeSet<String>,
    example: BTreeSet<String>,
}

fn scan(idents: &[&str], commands: &[&str], events: &[&str], ops: &[&str]) -> Found {
    let mut f = Found::default();
    let key_o = |n: &str| format!("operator {n}");
    let key_i = |n: &str| format!("${n}");
    let key_c = |n: &str| format!("/{n}");
    let key_e = |n: &str| format!("on {n}");
    for doc in doc_files() {
        let text = std::fs::read_to_string(&doc).expect("read doc");
        let blocks: Vec<&str> = text.split("```").collect();
        let prose: String = blocks
            .iter()
            .step_by(2)
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        // Code blocks that a test runs: an mrc block whose next block is a transcript.
        for (i, b) in blocks.iter().enumerate().skip(1).step_by(2) {
            let Some(code) = b.strip_prefix("mrc\n") else {
                continue;
            };
            let Some(transcript) = blocks
                .get(i + 2)
                .and_then(|t| t.strip_prefix("transcript\n"))
            else {
                continue;
            };
            // The transcript's `:: window /command` lines are typed and run too.
            let typed = typed_lines(transcript);
            let code = format!("{code}\n{typed}");
            let code = code.as_str();
            for n in idents {
                if uses_ident(code, n) {
                    f.named.insert(key_i(n));
                    f.example.insert(key_i(n));
                }
            }
            for n in commands {
                if uses_command(code, n) {
                    f.named.insert(key_c(n));
                    f.example.insert(key_c(n));
                }
            }
            for n in events {
                if handles_event(code, n) {
                    f.named.insert(key_e(n));
                    f.example.insert(key_e(n));
                }
            }
            for n in ops {
                if uses_word(code, n) {
                    f.named.insert(key_o(n));
                    f.example.insert(key_o(n));
                }
            }
        }
        // `EXPR` → `RESULT` examples (docs/language only: that is what docs.rs runs).
        if doc.parent().is_some_and(|p| p.ends_with("language")) {
            for line in prose.lines() {
                let mut rest = line;
                while let Some(i) = rest.find("` → `") {
                    let before = &rest[..i];
                    let Some(start) = before.rfind('`') else {
                        break;
                    };
                    let expr = &before[start + 1..];
                    for n in idents {
                        if uses_ident(expr, n) {
                            f.example.insert(key_i(n));
                        }
                    }
                    for n in ops {
                        if uses_word(expr, n) {
                            f.example.insert(key_o(n));
                        }
                    }
                    rest = &rest[i + 5..];
                }
            }
        }
        // Sections, with the fixtures they refer to.
        let mut sections = vec![String::new()];
        for line in prose.lines() {
            if line.starts_with('#') {
                sections.push(String::new());
            }
            let s = sections.last_mut().expect("section");
            s.push_str(line);
            s.push('\n');
        }
        for sec in &sections {
            let fixtures = fixture_text(sec);
            let spans = code_spans(sec);
            for n in idents {
                if uses_ident(sec, n) {
                    f.named.insert(key_i(n));
                    if uses_ident(&fixtures, n) {
                        f.example.insert(key_i(n));
                    }
                }
            }
            for n in commands {
                if spans.iter().any(|s| span_names_command(s, n)) {
                    f.named.insert(key_c(n));
                    if uses_command(&fixtures, n) {
                        f.example.insert(key_c(n));
                    }
                }
            }
            for n in ops {
                if spans.iter().any(|s| uses_word(s, n)) {
                    f.named.insert(key_o(n));
                    if uses_word(&fixtures, n) {
                        f.example.insert(key_o(n));
                    }
                }
            }
            for n in events {
                let colons = format!(":{n}:");
                if spans.iter().any(|s| *s == *n || s.contains(&colons)) {
                    f.named.insert(key_e(n));
                    if handles_event(&fixtures, n) {
                        f.example.insert(key_e(n));
                    }
                }
            }
        }
    }
    f
}

/// The lines a transcript types (`:: window /command` → `/command`).
fn typed_lines(transcript: &str) -> String {
    transcript
        .lines()
        .filter_map(|l| l.strip_prefix(":: "))
        .filter_map(|l| l.split_once(' ').map(|(_, c)| c))
        .map(|c| format!("{c}\n"))
        .collect()
}

/// The text of every fixture `section` refers to (`tests/scripts/….mrc`,
/// `tests/replay/….mrc` with its transcript, `tests/replay/….txt`).
fn fixture_text(section: &str) -> String {
    let mut out = String::new();
    let mut rest = section;
    while let Some(i) = rest.find("tests/") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-".contains(c)))
            .unwrap_or(tail.len());
        let path = tail[..end].trim_end_matches('.');
        rest = &tail[end..];
        let runs = (path.starts_with("tests/scripts/") && path.ends_with(".mrc"))
            || (path.starts_with("tests/replay/")
                && (path.ends_with(".mrc") || path.ends_with(".txt")));
        if !runs {
            continue;
        }
        let p = root().join(path);
        assert!(
            p.exists(),
            "{path} is referred to from docs/ but does not exist"
        );
        // A replay script runs with its transcript, and a transcript with its script.
        for f in [p.with_extension("mrc"), p.with_extension("txt")] {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if f.extension().is_some_and(|x| x == "txt") {
                out.push_str(&typed_lines(&text));
            } else {
                out.push_str(&text);
            }
            out.push('\n');
        }
    }
    out
}

#[test]
fn every_callable_name_is_documented_with_a_run_example() {
    let mut idents = rustirc_lang::names::identifiers();
    idents.extend(rustirc_core::client::HOST_IDENTIFIERS);
    idents.sort_unstable();
    idents.dedup();
    let mut commands = rustirc_lang::names::commands();
    commands.extend(rustirc_core::client::HOST_COMMANDS);
    commands.extend(rustirc_lang::names::KEYWORDS);
    commands.sort_unstable();
    commands.dedup();
    // Every `on` event the client raises.
    let events: Vec<&str> = rustirc_syntax::events::EVENTS
        .iter()
        .filter(|(_, _, runs)| *runs)
        .map(|(n, _, _)| *n)
        .collect();
    // Every word operator of conditions.
    let ops: Vec<&str> = rustirc_syntax::WORD_OPERATORS
        .iter()
        .chain(rustirc_syntax::HOST_OPERATORS)
        .copied()
        .collect();
    let f = scan(&idents, &commands, &events, &ops);
    let all: Vec<String> = idents
        .iter()
        .map(|n| format!("${n}"))
        .chain(commands.iter().map(|n| format!("/{n}")))
        .chain(events.iter().map(|n| format!("on {n}")))
        .chain(ops.iter().map(|n| format!("operator {n}")))
        .collect();
    let mut undocumented = Vec::new();
    let mut no_example = Vec::new();
    for n in &all {
        if !f.named.contains(n) {
            undocumented.push(n.as_str());
        } else if !f.example.contains(n) {
            no_example.push(n.as_str());
        }
    }
    println!(
        "docs coverage: {} identifiers, {} commands, {} events, {} operators",
        idents.len(),
        commands.len(),
        events.len(),
        ops.len()
    );
    assert!(
        undocumented.is_empty() && no_example.is_empty(),
        "not in docs/: {}\nin docs/ without an example a test runs: {}",
        undocumented.join(" "),
        no_example.join(" ")
    );
}

#[test]
fn the_matchers_read_names_as_words() {
    assert!(uses_ident("echo -a $me!", "me"));
    assert!(!uses_ident("echo -a $mei", "me"));
    assert!(uses_ident("$+(a,b)", "+"));
    assert!(uses_command("on *:TEXT:*:#: { .msg # hi }", "msg"));
    assert!(uses_command("  if (%x) halt", "halt"));
    assert!(uses_command("else { .msg # x }", "msg"));
    assert!(!uses_command("echo -s raw $numeric", "raw"));
    assert!(!uses_command("; halt here", "halt"));
    assert!(!uses_command("echo -a $halted", "halt"));
    assert!(!uses_command("raw 332:*: echo -s hi", "raw"));
    assert!(uses_command("raw 332:*: raw -q PING x", "raw"));
    assert!(!uses_command("alias join { echo x }", "join"));
    assert!(uses_command("alias t {\n  alias greet echo hi\n}", "alias"));
    assert!(uses_command("on *:TEXT:*:#: join #x", "join"));
    assert!(uses_word("$iif(a isin abc,y)", "isin"));
    assert!(!uses_word("$iif(a isincs abc,y)", "isin"));
    assert!(!uses_word("$isin", "isin"));
    assert!(handles_event("on *:TEXT:*:#: msg # hi", "TEXT"));
    assert!(handles_event(
        ":: status /write x.mrc on *:LOAD: echo hi",
        "LOAD"
    ));
    assert!(!handles_event("echo -s :TEXT: is not a header", "TEXT"));
    assert!(span_names_command("/msg #c text", "msg"));
    assert!(span_names_command("hinc", "hinc"));
    assert!(!span_names_command("$msg", "msg"));
}
