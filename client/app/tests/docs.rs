//! Every example in `docs/language/*.md` written as `` `EXPR` → `RESULT` `` is run through
//! `rustirc eval -` and must print RESULT: the reference cannot drift from the code.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn documented_examples_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/language");
    let mut cases = Vec::new();
    for e in std::fs::read_dir(&dir).expect("docs/language") {
        let p = e.expect("entry").path();
        if p.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("` → `") {
                let before = &rest[..i];
                let Some(start) = before.rfind('`') else {
                    break;
                };
                let expr = &before[start + 1..];
                let after = &rest[i + "` → `".len()..];
                let Some(end) = after.find('`') else { break };
                cases.push((
                    format!(
                        "{}:{}",
                        p.file_name().unwrap_or_default().to_string_lossy(),
                        n + 1
                    ),
                    expr.replace("\\|", "|"),
                    after[..end].to_string(),
                ));
                rest = &after[end + 1..];
            }
        }
    }
    assert!(
        cases.len() > 20,
        "too few documented examples: {}",
        cases.len()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(["eval", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    let input: String = cases.iter().map(|(_, e, _)| format!("{e}\n")).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let w = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("output");
    w.join().expect("join").expect("write");
    let text = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = text.lines().collect();
    let mut bad = Vec::new();
    for ((at, expr, want), have) in cases.iter().zip(&got) {
        if have != want {
            bad.push(format!("{at}: {expr}\n  want: {want}\n  have: {have}"));
        }
    }
    println!(
        "doc examples: {} passed, {} failed",
        cases.len() - bad.len(),
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
