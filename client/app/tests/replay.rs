//! `rustirc replay`: every transcript in tests/replay/ runs against its script (`NAME.mrc`
//! beside `NAME.txt`, when there is one) and must pass; a transcript whose expectation is
//! wrong must fail with a report naming the transcript line.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn replay(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .arg("replay")
        .args(args)
        .output()
        .expect("run rustirc replay")
}

#[test]
fn every_transcript_passes() {
    let dir = root().join("tests/replay");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/replay") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let script = path.with_extension("mrc");
        let load = Path::new("--load");
        let out = if script.exists() {
            replay(&[load, &script, &path])
        } else {
            replay(&[&path])
        };
        assert!(
            out.status.success(),
            "{}:\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        n += 1;
    }
    assert!(n >= 1, "no transcripts found");
}

/// The built-in scripts' transcripts: `tests/stdlib/NAME.txt` and `tests/stdlib/NAME-….txt`
/// run with `stdlib-scripts/NAME.mrc` loaded.
#[test]
fn every_stdlib_transcript_passes() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("tests/stdlib")).expect("tests/stdlib") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("name");
        let name = stem.split('-').next().expect("name");
        let script = root().join(format!("stdlib-scripts/{name}.mrc"));
        assert!(
            script.exists(),
            "{}: no {}",
            path.display(),
            script.display()
        );
        let out = replay(&[Path::new("--load"), &script, &path]);
        assert!(
            out.status.success(),
            "{}:\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        n += 1;
    }
    assert!(n >= 1, "no stdlib transcripts found");
}

/// docs/stdlib.md: each ```transcript NAME block runs with `stdlib-scripts/NAME.mrc` loaded.
#[test]
fn the_stdlib_examples_pass() {
    let doc = std::fs::read_to_string(root().join("docs/stdlib.md")).unwrap();
    let dir = std::env::temp_dir().join(format!("rustirc-replay-stdlib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut runs = 0;
    for (i, block) in doc.split("```").enumerate() {
        if i % 2 == 0 {
            continue;
        }
        let Some(rest) = block.strip_prefix("transcript ") else {
            continue;
        };
        let (name, t) = rest.split_once('\n').expect("a transcript's first line");
        let script = root().join(format!("stdlib-scripts/{name}.mrc"));
        assert!(script.exists(), "docs/stdlib.md: no script {name}");
        let p = dir.join(format!("t{i}.txt"));
        std::fs::write(&p, t).unwrap();
        let out = replay(&[Path::new("--load"), &script, &p]);
        assert!(
            out.status.success(),
            "docs/stdlib.md, {name}:\n{t}{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        runs += 1;
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(runs >= 1, "no transcripts in docs/stdlib.md");
}

#[test]
fn a_wrong_expectation_fails_with_its_line() {
    let dir = std::env::temp_dir().join(format!("rustirc-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("s.mrc");
    std::fs::write(&script, "on *:TEXT:!hi:#: msg # hello\n").unwrap();
    let t = dir.join("t.txt");
    std::fs::write(
        &t,
        "<< :me!me@me.host JOIN #c\n<< :bob!b@h PRIVMSG #c :!hi\n>> PRIVMSG #c :goodbye\n",
    )
    .unwrap();
    let out = replay(&[Path::new("--load"), &script, &t]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("PRIVMSG #c :goodbye"), "{err}");
    assert!(err.contains("sent: PRIVMSG #c hello"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// docs/testing-scripts.md, docs/events.md, docs/headless.md, docs/irc.md, docs/sockets.md,
/// docs/dcc.md, docs/permissions.md and docs/desktop.md: each ```mrc
/// block followed by a ```transcript block is loaded and the transcript must pass.
#[test]
fn the_documented_examples_pass() {
    let mut runs = 0;
    for doc in [
        "testing-scripts",
        "events",
        "headless",
        "irc",
        "sockets",
        "dcc",
        "permissions",
        "desktop",
    ] {
        runs += documented_examples(doc);
    }
    assert!(runs >= 5, "only {runs} documented transcripts");
}

fn documented_examples(name: &str) -> usize {
    let doc = std::fs::read_to_string(root().join(format!("docs/{name}.md"))).unwrap();
    let dir =
        std::env::temp_dir().join(format!("rustirc-replay-doc-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut runs = 0;
    let mut script = None;
    for (i, block) in doc.split("```").enumerate() {
        if i % 2 == 0 {
            continue;
        }
        if let Some(code) = block.strip_prefix("mrc\n") {
            let p = dir.join(format!("s{i}.mrc"));
            std::fs::write(&p, code).unwrap();
            script = Some(p);
        } else if let Some(t) = block.strip_prefix("transcript\n") {
            let p = dir.join(format!("t{i}.txt"));
            std::fs::write(&p, t).unwrap();
            let s = script.take().expect("a script before the transcript");
            let out = replay(&[Path::new("--load"), &s, &p]);
            assert!(
                out.status.success(),
                "docs/{name}.md:\n{code}{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                code = std::fs::read_to_string(&s).unwrap_or_default(),
            );
            runs += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    runs
}
