//! The command line takes Python scripts the way it takes mSL and Lua ones: `rustirc check`
//! reports a syntax error or a refused import with file and line without running anything,
//! `rustirc run` runs a command and prints what it showed, `rustirc replay --load x.py`
//! runs transcripts against it. The worker program must be built beside `rustirc`
//! (`cargo build -p rustirc-python-worker`).

use std::path::PathBuf;
use std::process::Command;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rustirc-python-cli-{}", std::process::id()));
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
    let good = d.join("hello.py");
    std::fs::write(
        &good,
        "import irc\n\n@irc.add_command('hello')\ndef hello(args, raw):\n    return 'Hello, %s!' % (args[0] if args else 'world')\n",
    )
    .unwrap();
    let bad = d.join("bad.py");
    // Checking must not run the script: the loop at the top would never end.
    std::fs::write(&bad, "while True:\n    pass\nx = = 1\n").unwrap();
    let refused = d.join("refused.py");
    std::fs::write(&refused, "import irc\nimport socket\n").unwrap();
    let (code, out, err) = rustirc(&["check", good.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let (code, out, _) = rustirc(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("bad.py:3: invalid syntax"), "{out}");
    let (code, out, _) = rustirc(&["check", "--json", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("\"kind\":\"python script\""), "{out}");
    let (code, out, _) = rustirc(&["check", refused.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("refused.py:2: import of 'socket' is not allowed in scripts"),
        "{out}"
    );

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
