//! `rustirc --headless --config FILE`: a config file with a mistake stops the client before it
//! connects, with an error naming the file, line and column, and a non-zero exit code.

use std::process::Command;

fn headless(args: &[&str], dir: &std::path::Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .arg("--headless")
        .args(args)
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .output()
        .expect("run rustirc");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_config_is_reported_with_its_place() {
    let dir = std::env::temp_dir().join(format!("rustirc-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[network]]\nserver = \"127.0.0.1:1\"\nchanels = [\"#a\"]\n",
    )
    .unwrap();
    let (code, err) = headless(&["--config", bad.to_str().unwrap()], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad.toml"), "{err}");
    assert!(err.contains("line 3, column 1"), "{err}");
    assert!(err.contains("unknown field `chanels`"), "{err}");

    std::fs::write(&bad, "[limits]\ninstructions = \"lots\"\n").unwrap();
    let (code, err) = headless(&["--config", bad.to_str().unwrap()], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 2"), "{err}");

    let (code, err) = headless(&["--config", dir.join("none.toml").to_str().unwrap()], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("none.toml"), "{err}");

    // A TLS port that is not a number is refused before connecting.
    std::fs::write(
        &bad,
        "[[network]]\nserver = \"h:+ssl\"\nnick = \"n\"\ntls = true\n",
    )
    .unwrap();
    let (code, err) = headless(&["--config", bad.to_str().unwrap()], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("bad port 'ssl' in server h:+ssl"), "{err}");

    // A built-in script that does not exist cannot be disabled.
    std::fs::write(
        &bad,
        "[stdlib]\ndisable = [\"logging\", \"hilight\"]\n[[network]]\nserver = \"h\"\nnick = \"n\"\n",
    )
    .unwrap();
    let (code, err) = headless(&["--config", bad.to_str().unwrap()], &dir);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("line 2, column 23"), "{err}");
    assert!(err.contains("no built-in script 'hilight'"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// docs/headless.md: the example config file reads without errors and sets what it says.
#[test]
fn the_documented_config_reads() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/headless.md"),
    )
    .unwrap();
    let toml = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```toml block");
    let s = rustirc_core::settings::Settings::parse(toml).unwrap();
    assert_eq!(s.scripts.len(), 2);
    assert_eq!(s.limits.to_limits().instructions, 1_000_000);
    let c = s.network(Some("example")).unwrap().to_config("mybot");
    assert_eq!(c.alt_nicks, ["mybot_", "mybot__"]);
    assert_eq!(c.autojoin[1], ("#private".into(), Some("sekrit".into())));
    assert_eq!(s.stdlib.disabled(), ["autoaway"]);
    assert_eq!(s.python.cpu_seconds, Some(3600));
    assert_eq!(s.python.shared, ["seen.py", "quotes.py"]);
}
