//! The data folder outlives the client: variables and the user list a client saved are there
//! for the next one, in mIRC's file formats, and a save replaces the file whole.

use rustirc_core::client::{Client, VARS_SAVE_DELAY_MS};
use rustirc_core::state::Config;
use rustirc_lang::{Limits, Value};
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rustirc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn client(dir: &std::path::Path) -> Client {
    let mut c = Client::new(Config::new("me"), Limits::default(), 1_000);
    c.set_data_dir(dir).expect("data folder");
    c
}

fn global(c: &Client, name: &str) -> Option<String> {
    c.msl
        .engine
        .vm
        .st
        .globals
        .get(name)
        .map(|v| v.as_str().into_owned())
}

#[test]
fn variables_and_users_survive_a_restart() {
    let dir = temp_dir("persist");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("vars.ini"),
        "[variables]\r\nn0=%greeting Hello there\r\nn1=%count 41\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("users.ini"),
        "[users]\nn0=10,friend:*!*@ann.host Ann\n",
    )
    .unwrap();

    let mut c = client(&dir);
    assert_eq!(global(&c, "greeting").as_deref(), Some("Hello there"));
    assert_eq!(c.users.entries().len(), 1);
    // Loading is not a change: nothing is written.
    c.tick(1_000 + VARS_SAVE_DELAY_MS);
    assert!(std::fs::read_to_string(dir.join("vars.ini"))
        .unwrap()
        .contains("\r\n"));

    c.run_command("//inc %count | set %note two $+ $lf $+ lines | unset %greeting");
    c.run_command("/auser 5 bob");
    // The user list is saved at once; variables once the delay has passed, or on quit.
    assert_eq!(
        std::fs::read_to_string(dir.join("users.ini")).unwrap(),
        "[users]\nn0=10,friend:*!*@ann.host Ann\nn1=5:bob\n"
    );
    c.save();
    assert_eq!(
        std::fs::read_to_string(dir.join("vars.ini")).unwrap(),
        "[variables]\nn0=%count 42\nn1=%note two lines\n"
    );
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");

    let c = client(&dir);
    assert_eq!(global(&c, "count").as_deref(), Some("42"));
    assert_eq!(global(&c, "greeting"), None);
    assert_eq!(c.users.entries()[1].mask, "bob");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn changes_are_saved_after_the_delay() {
    let dir = temp_dir("persist-delay");
    let mut c = client(&dir);
    c.msl
        .engine
        .vm
        .st
        .globals
        .set("untouched", Value::text("x"));
    c.run_command("/set %a 1");
    c.tick(1_000 + VARS_SAVE_DELAY_MS - 1);
    assert!(!dir.join("vars.ini").exists());
    c.tick(1_000 + VARS_SAVE_DELAY_MS);
    let text = std::fs::read_to_string(dir.join("vars.ini")).unwrap();
    assert!(text.contains("n1=%a 1"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `set -e` variables go when the client exits and timed ones (`set -u60`, `-z`) would
/// outlive their timer: neither is written to vars.ini.
#[test]
fn exit_and_timed_variables_are_not_saved() {
    let dir = temp_dir("persist-timed");
    let mut c = client(&dir);
    c.run_command("/set %keep 1 | set -e %session 2 | set -u60 %flood 3 | set -z %cool 9");
    c.save();
    assert_eq!(
        std::fs::read_to_string(dir.join("vars.ini")).unwrap(),
        "[variables]\nn0=%keep 1\n"
    );
    assert_eq!(global(&c, "session").as_deref(), Some("2"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn notify_and_ignore_lists_survive_a_restart() {
    let dir = temp_dir("persist-lists");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notify.ini"), "[notify]\nn0=ann my sister\n").unwrap();
    std::fs::write(dir.join("ignore.ini"), "[ignore]\nn0=*!*@spam.example pc\n").unwrap();

    let mut c = client(&dir);
    assert_eq!(c.extras.notify.entries().len(), 1);
    assert_eq!(c.extras.notify.entries()[0].note, "my sister");
    assert!(c.extras.ignore.is_ignored("x!y@spam.example", 0));

    c.run_command("/notify bob");
    c.run_command("/ignore -r *!*@spam.example");
    c.run_command("/ignore -n *!*@ads.example");
    c.run_command("/ignore -u60 *!*@brief.example");
    assert_eq!(
        std::fs::read_to_string(dir.join("notify.ini")).unwrap(),
        "[notify]\nn0=ann my sister\nn1=bob\n"
    );
    // Timed entries are not kept.
    assert_eq!(
        std::fs::read_to_string(dir.join("ignore.ini")).unwrap(),
        "[ignore]\nn0=*!*@ads.example n\n"
    );
    drop(c);
    let c = client(&dir);
    assert_eq!(c.extras.notify.entries().len(), 2);
    assert!(!c.extras.ignore.is_ignored("x!y@spam.example", 0));
    assert!(c.extras.ignore.is_ignored("x!y@ads.example", 0));
    std::fs::remove_dir_all(&dir).ok();
}
