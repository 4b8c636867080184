//! The command line takes Lua scripts the way it takes mSL ones: `rustirc check` reports a
//! syntax error with file and line without running anything, `rustirc run` runs a command
//! and prints what it showed, `rustirc replay --load x.lua` runs transcripts against it.

use std::path::PathBuf;
use std::process::Command;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rustirc-lua-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rustirc(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(args)
        .output()
        .expect("run rustirc");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_run_and_replay() {
    let d = dir();
    let good = d.join("hello.lua");
    std::fs::write(
        &good,
        "irc.add_command('hello', function(args) return 'Hello, ' .. (args[1] or 'world') .. '!' end)\n",
    )
    .unwrap();
    let bad = d.join("bad.lua");
    // Checking must not run the script: the loop at the top would never end.
    std::fs::write(&bad, "while true do end\nlocal x = = 1\n").unwrap();
    let (code, out, _) = rustirc(&["check", good.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = rustirc(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("bad.lua:2: unexpected symbol near '='"),
        "{out}"
    );
    let (code, out, _) = rustirc(&["check", "--json", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("\"line\":2"), "{out}");

    let (code, out, err) = rustirc(&["run", good.to_str().unwrap(), "hello", "Ann"]);
    assert_eq!((code, out.as_str()), (0, "Hello, Ann!\n"), "{err}");
    let (code, _, err) = rustirc(&["run", good.to_str().unwrap(), "nosuch"]);
    assert_eq!(code, 1);
    assert!(err.contains("nosuch"), "{err}");

    let t = d.join("t.txt");
    std::fs::write(&t, ":: status /hello you\n== status Hello, you!\n").unwrap();
    let (code, out, err) = rustirc(&[
        "replay",
        "--load",
        good.to_str().unwrap(),
        t.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::remove_dir_all(&d).ok();
}
