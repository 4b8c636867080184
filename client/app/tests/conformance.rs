//! Runs every case of `shared/mirc-reference/conformance-public.tsv` through `rustirc eval -`
//! (one process, one expression per line) and compares what it prints with what mIRC prints.
//! Fails when the number of passing cases drops below the floor kept in `conformance-floor.txt`;
//! raise the floor as the language grows.

use std::io::Write;
use std::process::{Command, Stdio};

fn shared() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for cand in [root.join("../shared"), root.join("shared")] {
        if cand.join("mirc-reference").exists() {
            return cand;
        }
    }
    panic!("shared/mirc-reference not found beside the repository");
}

#[test]
fn conformance_public() {
    let tsv = std::fs::read_to_string(shared().join("mirc-reference/conformance-public.tsv"))
        .expect("read tsv");
    let cases: Vec<(String, String)> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            (
                f.next().unwrap_or("").to_string(),
                f.next().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(["eval", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run rustirc");
    let input: String = cases.iter().map(|(e, _)| format!("{e}\n")).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("output");
    writer.join().expect("writer").expect("write");
    let text = String::from_utf8_lossy(&out.stdout);
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), cases.len(), "one output line per case");
    let mut passed = 0;
    let mut failures = Vec::new();
    for ((expr, want), have) in cases.iter().zip(&got) {
        if have == want {
            passed += 1;
        } else {
            failures.push(format!("  {expr}\n    want: {want}\n    have: {have}"));
        }
    }
    let failed = cases.len() - passed;
    for f in &failures {
        println!("{f}");
    }
    println!("conformance: {passed} passed, {failed} failed");
    let floor: usize = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance-floor.txt"),
    )
    .expect("floor file")
    .trim()
    .parse()
    .expect("floor number");
    assert!(
        passed >= floor,
        "conformance dropped below the floor: {passed} < {floor}"
    );
}
