//! `rustirc import`: the report and the exit codes docs/import.md describes, and `--install`
//! into a data folder.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn import(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .arg("import")
        .args(args)
        .output()
        .expect("run rustirc import")
}

#[test]
fn a_folder_with_problems_exits_1_and_installs() {
    let data = std::env::temp_dir().join(format!("rustirc-import-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let folder = root().join("tests/import/mirc");
    let out = import(&[Path::new("--install"), Path::new("--data"), &data, &folder]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("greet.mrc: remote script: 0 aliases, 1 events, 1 menus, 1 dialogs"),
        "{text}"
    );
    assert!(text.contains("2 skipped"), "{text}");
    assert!(data.join("scripts/greet.mrc").is_file() && data.join("vars.ini").is_file());
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn a_clean_file_exits_0_and_a_missing_one_2() {
    let good = root().join("tests/import/mirc/scripts/greet.mrc");
    let out = import(&[&good]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("everything loads"));
    let out = import(&[Path::new("no/such/file.mrc")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.mrc"));
}
