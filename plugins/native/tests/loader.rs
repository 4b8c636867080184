//! Loading native plugins in-process: the C and Rust examples receive events and their
//! commands work; bad files are refused from their header or their info with a message that
//! says what to do, and the client keeps running; a panic in a Rust plugin is caught and
//! reported; unloading removes every hook, command and timer.

mod common;

use common::{c_plugin, dir, has, rust_plugin};
use rustirc_native::testing::TestHost;
use rustirc_native::Options;

#[test]
fn the_c_example_greets_joins_and_its_command_works() {
    let d = dir("greeter");
    let lib = c_plugin("plugins/examples/c/greeter.c", &d, "greeter", &[]);
    let mut t = TestHost::new(Options::default());
    let shown = t.load(&lib);
    assert!(has(&shown, "greeter 1.0.0 loaded"), "{shown:?}");
    t.recv(":alice!a@a.host JOIN #c");
    let sent = t.take_sent();
    assert!(
        sent.iter()
            .any(|l| l == "PRIVMSG #c :Welcome to #c, alice!"),
        "{sent:?}"
    );
    // My own join is not greeted.
    t.recv(":me!me@host JOIN #d");
    assert!(!t.take_sent().iter().any(|l| l.starts_with("PRIVMSG")));
    t.type_line("/greeting Hi {nick}, this is {chan}");
    let shown = t.take_shown();
    assert!(
        has(&shown, "greeting set to: Hi {nick}, this is {chan}"),
        "{shown:?}"
    );
    t.recv(":carol!c@c.host JOIN #c");
    let sent = t.take_sent();
    assert!(
        sent.iter().any(|l| l == "PRIVMSG #c :Hi carol, this is #c"),
        "{sent:?}"
    );
    t.type_line("/plugin info greeter");
    let shown = t.take_shown();
    assert!(has(&shown, "format: ELF shared library"), "{shown:?}");
    assert!(has(&shown, "ABI: 1.1"), "{shown:?}");
    assert!(
        has(&shown, "registered: 1 hooks, 1 commands, 0 timers"),
        "{shown:?}"
    );
    assert!(has(&shown, "commands: /greeting"), "{shown:?}");

    // Unloading removes the hook and the command.
    t.type_line("/plugin unload greeter");
    t.take_shown();
    t.recv(":dave!d@d.host JOIN #c");
    assert!(!t.take_sent().iter().any(|l| l.starts_with("PRIVMSG")));
    t.type_line("/greeting x");
    let shown = t.take_shown();
    assert!(has(&shown, "unknown command"), "{shown:?}");
}

#[test]
fn the_rust_example_says_rainbow_text() {
    let lib = rust_plugin("rustirc-example-rainbow", "rainbow");
    let mut t = TestHost::new(Options::default());
    let shown = t.load(&lib);
    assert!(has(&shown, "rainbow 1.0.0 loaded"), "{shown:?}");
    t.type_line("/rainbow hi you");
    let sent = t.take_sent();
    assert!(
        sent.iter()
            .any(|l| l == "PRIVMSG #c :\x0304h\x0307i \x0308y\x0309o\x0311u\x03"),
        "{sent:?}"
    );
    t.type_line("/rainbow -t bob ok");
    let sent = t.take_sent();
    assert!(
        sent.iter()
            .any(|l| l.starts_with("PRIVMSG bob ") && l.ends_with("\x0304o\x0307k\x03")),
        "{sent:?}"
    );
    t.type_line("/rainbow");
    let shown = t.take_shown();
    assert!(has(&shown, "insufficient parameters"), "{shown:?}");
}

#[test]
fn bad_files_are_refused_with_what_to_do() {
    let d = dir("refusals");
    let mut t = TestHost::new(Options::default());

    let major = c_plugin(
        "plugins/native/tests/c/abi.c",
        &d,
        "major",
        &["-DMAJOR=99", "-DMINOR=0"],
    );
    let shown = t.load(&major);
    assert!(
        has(&shown, "ABI mismatch for plugin 'abi_test'")
            && has(&shown, "client 1.1, plugin 99.0")
            && has(&shown, "rebuild it against rustirc-plugin-abi 1.x"),
        "{shown:?}"
    );
    assert!(
        !has(&shown, "init ran"),
        "init ran before the version check: {shown:?}"
    );

    let minor = c_plugin(
        "plugins/native/tests/c/abi.c",
        &d,
        "minor",
        &["-DMAJOR=1", "-DMINOR=7"],
    );
    let shown = t.load(&minor);
    assert!(
        has(
            &shown,
            "needs ABI 1.7 but this client has 1.1: update the client"
        ),
        "{shown:?}"
    );

    let nosym = c_plugin("plugins/native/tests/c/nosym.c", &d, "nosym", &[]);
    let shown = t.load(&nosym);
    assert!(has(&shown, "does not export plugin_on_event"), "{shown:?}");

    // The example with its ELF machine patched to AArch64.
    let good = c_plugin("plugins/examples/c/greeter.c", &d, "greeter", &[]);
    let mut bytes = std::fs::read(&good).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    let machine: u16 = if cfg!(target_arch = "aarch64") {
        62
    } else {
        183
    };
    bytes[18..20].copy_from_slice(&machine.to_le_bytes());
    let other = d.join("libother.so");
    std::fs::write(&other, &bytes).unwrap();
    let shown = t.load(&other);
    let want = if cfg!(target_arch = "aarch64") {
        "built for x86_64"
    } else {
        "built for aarch64"
    };
    assert!(
        has(&shown, want) && has(&shown, "rebuild the plugin for"),
        "{shown:?}"
    );

    let text = d.join("libtext.so");
    std::fs::write(&text, "not a library\n").unwrap();
    let shown = t.load(&text);
    assert!(
        has(&shown, "libtext.so is not a shared library"),
        "{shown:?}"
    );

    // An object file is not a library either.
    let obj = d.join("libobj.so");
    let o = std::process::Command::new("cc")
        .args(["-c", "-fPIC", "-I"])
        .arg(rustirc_native::testing::abi_include())
        .arg("-o")
        .arg(&obj)
        .arg(rustirc_native::testing::repo_root().join("plugins/examples/c/greeter.c"))
        .status()
        .unwrap();
    assert!(o.success());
    let shown = t.load(&obj);
    assert!(
        has(&shown, "is a relocatable object, not a shared library"),
        "{shown:?}"
    );

    // A second plugin of the same name.
    t.load(&good);
    let copy = d.join("libgreeter2.so");
    std::fs::copy(&good, &copy).unwrap();
    let shown = t.load(&copy);
    assert!(
        has(&shown, "a plugin named 'greeter' is already loaded"),
        "{shown:?}"
    );

    // The client still runs, and the good plugin still works.
    t.type_line("/greeting");
    let shown = t.take_shown();
    assert!(
        has(&shown, "greeting: Welcome to {chan}, {nick}!"),
        "{shown:?}"
    );
    t.type_line("/plugin list");
    let shown = t.take_shown();
    assert_eq!(
        shown.iter().filter(|l| l.starts_with("* ")).count(),
        1,
        "{shown:?}"
    );
}

#[test]
fn a_panicking_rust_plugin_is_contained_and_reported() {
    let lib = rust_plugin("rustirc-test-panicky", "panicky");
    let mut t = TestHost::new(Options::default());
    let shown = t.load(&lib);
    assert!(has(&shown, "panicky 0.1.0 loaded"), "{shown:?}");
    t.type_line("/panicky");
    let shown = t.take_shown();
    assert!(
        has(&shown, "panicked in COMMAND handler: index out of bounds"),
        "{shown:?}"
    );
    assert!(
        has(&shown, "plugin panicky: plugin 'panicky' returned an error"),
        "{shown:?}"
    );
    t.type_line("/calm");
    let shown = t.take_shown();
    assert!(has(&shown, "still calm"), "{shown:?}");
}
