//! Script fixtures: every `tests/scripts/**/*.mrc` is loaded with `rustirc run FILE test`, and
//! what it prints must equal its `; expect: TEXT` lines, in order. `; expect error: TEXT` lines
//! must each appear in standard error (and the exit status must then be non-zero);
//! `; args: --budget N` passes options. Each fixture also states how long it may take at most
//! (limit fixtures stop runaway scripts well within it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            fixtures(&p, out);
        } else if p.extension().is_some_and(|x| x == "mrc") {
            out.push(p);
        }
    }
}

#[test]
fn script_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scripts");
    let mut files = Vec::new();
    fixtures(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).expect("read fixture");
        let want: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("; expect: "))
            .collect();
        let want_err: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("; expect error: "))
            .collect();
        let extra: Vec<&str> = src
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("; args: "))
            .flat_map(|a| a.split(' '))
            .collect();
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .arg("run")
            .args(&extra)
            .arg(f)
            .arg("test")
            .output()
            .expect("run rustirc");
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let have: Vec<&str> = stdout.lines().collect();
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        if have != want {
            failures.push(format!(
                "{name}: output differs\n  want: {want:?}\n  have: {have:?}\n  stderr: {stderr}"
            ));
        }
        for w in &want_err {
            if !stderr.contains(w) {
                failures.push(format!("{name}: stderr lacks {w:?}\n  stderr: {stderr}"));
            }
        }
        if want_err.is_empty() && !out.status.success() {
            failures.push(format!("{name}: failed unexpectedly: {stderr}"));
        }
        if !want_err.is_empty() && out.status.success() {
            failures.push(format!("{name}: expected a non-zero exit status"));
        }
        if took > Duration::from_secs(5) {
            failures.push(format!("{name}: took {took:?}"));
        }
    }
    println!(
        "fixtures: {} passed, {} failed",
        files.len() - failures.len().min(files.len()),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
