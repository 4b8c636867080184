//! `rustirc check --json` on every file of `tests/check/`: real script files in every form
//! mIRC keeps (remote files, alias files under any extension, INI forms, popups, users.ini,
//! vars.ini, Windows-1252, a UTF-8 BOM, CRLF line ends) and broken files.
//!
//! Each file states what it must give in comment lines (in INI files after the `nN=`):
//!
//! * `; kind: KIND`: the kind detected from the content (`remote script`, `alias file`,
//!   `popup file`, `user list`, `variables file`).
//! * `; loads: aliases=N events=N menus=N dialogs=N users=N variables=N`: what loaded (a name
//!   left out means 0).
//! * `; diag: LINE:COL TEXT`: an error at LINE:COL whose message contains TEXT.
//! * `; warn: LINE:COL TEXT`: a warning, likewise.
//! * `; run: COMMAND ARGS` followed by `; out: TEXT` lines: `rustirc run FILE COMMAND ARGS`
//!   prints exactly those lines.
//!
//! Every error and warning must be stated, and every statement must match: the test fails if
//! a diagnostic moves, disappears or a new one appears. A `diag:`/`warn:` line stands just above
//! the item it is about: the LINE it names comes after it and before the next such line.
//! A file with no `diag:` line must give no error and exit 0.

use std::path::{Path, PathBuf};
use std::process::Command;

const COUNTS: [&str; 6] = [
    "aliases",
    "events",
    "menus",
    "dialogs",
    "users",
    "variables",
];

#[derive(Debug)]
struct Expected {
    line: u64,
    col: u64,
    text: String,
    /// The line of the file where the statement is written.
    at: usize,
}

#[derive(Default)]
struct Markers {
    kind: Option<String>,
    loads: Option<Vec<(String, u64)>>,
    errors: Vec<Expected>,
    warnings: Vec<Expected>,
    runs: Vec<(String, Vec<String>)>,
    /// Line numbers of the `diag:`/`warn:` lines.
    diag_lines: Vec<usize>,
}

/// The text after `; KEY: ` on a marker line, which may sit in an INI `nN=` line.
fn marker<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut t = line.trim_start();
    if let Some(rest) = t.strip_prefix(['n', 'N']) {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with('=') {
            t = rest[digits + 1..].trim_start();
        }
    }
    t.strip_prefix(';')?
        .trim_start()
        .strip_prefix(key)?
        .strip_prefix(':')
        .map(str::trim)
}

fn expected(v: &str, at: usize, file: &str) -> Expected {
    let (pos, text) = v.split_once(' ').unwrap_or((v, ""));
    let (line, col) = pos
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
        .unwrap_or_else(|| panic!("{file}:{at}: expected LINE:COL TEXT, got {v:?}"));
    Expected {
        line,
        col,
        text: text.trim().to_string(),
        at,
    }
}

fn markers(path: &Path) -> Markers {
    // Decoded as the loader decodes it (UTF-8 with or without a BOM, else Windows-1252).
    let text = rustirc_syntax::source::decode(&std::fs::read(path).expect("read"));
    let file = path.display().to_string();
    let mut m = Markers::default();
    for (i, raw) in text.lines().enumerate() {
        let at = i + 1;
        let line = raw.trim_end_matches('\r');
        if let Some(v) = marker(line, "kind") {
            m.kind = Some(v.to_string());
        } else if let Some(v) = marker(line, "loads") {
            let mut counts = Vec::new();
            for kv in v.split_whitespace() {
                let (k, n) = kv
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{file}:{at}: expected NAME=N, got {kv:?}"));
                assert!(COUNTS.contains(&k), "{file}:{at}: unknown count {k:?}");
                counts.push((k.to_string(), n.parse().expect("a count")));
            }
            m.loads = Some(counts);
        } else if let Some(v) = marker(line, "diag") {
            m.errors.push(expected(v, at, &file));
            m.diag_lines.push(at);
        } else if let Some(v) = marker(line, "warn") {
            m.warnings.push(expected(v, at, &file));
            m.diag_lines.push(at);
        } else if let Some(v) = marker(line, "run") {
            m.runs.push((v.to_string(), Vec::new()));
        } else if let Some(v) = marker(line, "out") {
            m.runs
                .last_mut()
                .unwrap_or_else(|| panic!("{file}:{at}: '; out:' without a '; run:' above it"))
                .1
                .push(v.to_string());
        }
    }
    m
}

/// The first line after the block of `diag:`/`warn:` lines that `at` belongs to, and the
/// line where the next block starts.
fn block_bounds(lines: &[usize], at: usize) -> (usize, usize) {
    let mut end = at;
    while lines.contains(&(end + 1)) {
        end += 1;
    }
    let next = lines
        .iter()
        .copied()
        .filter(|&l| l > end)
        .min()
        .unwrap_or(usize::MAX);
    (end + 1, next)
}

/// Compares diagnostics of one severity with their statements; returns what is wrong.
fn compare(
    what: &str,
    have: &[serde_json::Value],
    want: &[Expected],
    diag_lines: &[usize],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut unmatched: Vec<&serde_json::Value> = have.iter().collect();
    for w in want {
        let (from, before) = block_bounds(diag_lines, w.at);
        if (w.line as usize) < from || (w.line as usize) >= before {
            problems.push(format!(
                "line {}: the {what} it states is at line {}, not in the item just below it (lines {from}..{})",
                w.at,
                w.line,
                before.saturating_sub(1).min(from.max(w.line as usize))
            ));
        }
        let found = unmatched.iter().position(|d| {
            d["line"] == w.line
                && d["col"] == w.col
                && d["message"].as_str().is_some_and(|m| m.contains(&w.text))
        });
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => problems.push(format!(
                "line {}: expected {what} {}:{} containing {:?}; none there",
                w.at, w.line, w.col, w.text
            )),
        }
    }
    for d in unmatched {
        problems.push(format!(
            "unexpected {what} {}:{}: {}",
            d["line"], d["col"], d["message"]
        ));
    }
    problems
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/check")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

#[test]
fn check_reports_every_file_exactly() {
    let files = files();
    let mut failures = Vec::new();
    let (mut good, mut broken, mut runs) = (0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let m = markers(path);
        let mut problems = Vec::new();
        let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .args(["check", "--json"])
            .arg(path)
            .output()
            .expect("run rustirc check");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value = match serde_json::from_str(stdout.trim()) {
            Ok(j) => j,
            Err(e) => {
                failures.push(format!(
                    "{name}: output is not one JSON object ({e}): {stdout}"
                ));
                continue;
            }
        };
        let empty = Vec::new();
        let errors = json["errors"].as_array().unwrap_or(&empty);
        let warnings = json["warnings"].as_array().unwrap_or(&empty);
        problems.extend(compare("error", errors, &m.errors, &m.diag_lines));
        problems.extend(compare("warning", warnings, &m.warnings, &m.diag_lines));
        if m.errors.is_empty() {
            good += 1;
        } else {
            broken += 1;
        }
        if out.status.success() != m.errors.is_empty() {
            problems.push(format!("exit status {}", out.status));
        }
        match &m.kind {
            Some(k) if json["kind"] == k.as_str() => {}
            Some(k) => problems.push(format!("kind is {}, expected {k:?}", json["kind"])),
            None => problems.push("no '; kind:' line".to_string()),
        }
        match &m.loads {
            Some(counts) => {
                for key in COUNTS {
                    let want = counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
                    let have = &json["loaded"][key];
                    if *have != want {
                        problems.push(format!("loaded {have} {key}, expected {want}"));
                    }
                }
            }
            None => problems.push("no '; loads:' line".to_string()),
        }
        for (command, want) in &m.runs {
            runs += 1;
            let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
                .arg("run")
                .arg(path)
                .args(command.split_whitespace())
                .output()
                .expect("run rustirc run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let have: Vec<&str> = stdout.lines().collect();
            if have != *want {
                problems.push(format!(
                    "run {command}: printed {have:?}, expected {want:?}; stderr: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            } else if m.errors.is_empty() && !out.status.success() {
                problems.push(format!(
                    "run {command}: exit status {}; stderr: {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    println!(
        "check: {} files ({good} good, {broken} broken), {runs} runs",
        files.len()
    );
    assert!(good >= 10 && broken >= 3, "too few files in tests/check");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The `console` examples of `docs/language/README.md`: each `$ rustirc check …` line is run
/// from the repository's top folder and must print the lines below it (JSON compared as
/// values).
#[test]
fn documented_check_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("docs/language/README.md")).expect("README");
    let mut cases: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_console = false;
    for line in doc.lines() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        match line.strip_prefix("$ rustirc ") {
            Some(cmd) => cases.push((cmd.to_string(), Vec::new())),
            None => {
                if let Some(c) = cases.last_mut() {
                    c.1.push(line.to_string());
                }
            }
        }
    }
    assert!(
        cases.iter().any(|(c, _)| c.starts_with("check --json")),
        "no check examples in docs/language/README.md"
    );
    for (cmd, want) in &cases {
        let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .args(cmd.split_whitespace())
            .current_dir(&root)
            .output()
            .expect("run rustirc");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let have: Vec<&str> = stdout.lines().collect();
        assert_eq!(have.len(), want.len(), "rustirc {cmd}:\n{stdout}");
        for (h, w) in have.iter().zip(want) {
            match (
                serde_json::from_str::<serde_json::Value>(h),
                serde_json::from_str::<serde_json::Value>(w),
            ) {
                (Ok(h), Ok(w)) if w.is_object() => assert_eq!(h, w, "rustirc {cmd}"),
                _ => assert_eq!(h, w, "rustirc {cmd}"),
            }
        }
    }
}
