//! End to end with native plugins: ngircd on a free loopback port, `rustirc --headless`
//! with the Rust rainbow example and the C greeter example loaded (both compiled by this
//! test), and plain-socket users. The C plugin's JOIN hook greets whoever joins; its
//! `/greeting` command changes the greeting; the Rust plugin's `/rainbow` says a line in
//! colours that the other user receives. The same C plugin loaded isolated (in its own
//! process) does the same. `rustirc plugin info` prints what the loader reads and refuses a
//! file that is not a plugin.
//!
//! Needs `ngircd`, `cc` and cargo.

mod support;

use rustirc_native::testing::{build_c, build_rust, repo_root};
use std::path::Path;
use std::process::Command;
use support::{free_port, test_dir, Bot, Ngircd, User};

fn plugins(dir: &Path) -> (String, String) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-builds");
    let rainbow = build_rust("rustirc-example-rainbow", "rainbow", &target).unwrap();
    let greeter = build_c(
        &repo_root().join("plugins/examples/c/greeter.c"),
        &dir.join("libgreeter.so"),
        &[],
    )
    .unwrap();
    (rainbow.display().to_string(), greeter.display().to_string())
}

fn run(isolated: bool) {
    let dir = test_dir(if isolated {
        "native-isolated"
    } else {
        "native"
    });
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let (rainbow, greeter) = plugins(&dir);
    let bridge = repo_root()
        .join("tests/native/natives.mrc")
        .display()
        .to_string();
    let data = dir.join("data");
    let server = format!("127.0.0.1:{port}");
    let data_arg = data.display().to_string();
    let mut args = vec![
        "--server", &server, "--nick", "natbot", "--join", "#natives", "--load", &rainbow,
        "--load", &greeter, "--load", &bridge, "--data", &data_arg,
    ];
    let config = dir.join("config.toml");
    std::fs::write(&config, "[plugins]\nisolated = [\"greeter\"]\n").unwrap();
    let config_arg = config.display().to_string();
    if isolated {
        args.extend(["--config", &config_arg]);
    }
    let mut bot = Bot::start(&args, &[("XDG_CONFIG_HOME", &dir)]);
    bot.expect("rainbow 1.0.0 loaded");
    bot.expect("greeter 1.0.0 loaded");
    if isolated {
        bot.expect("plugin greeter runs isolated in its own process");
    }

    let mut alice = User::connect(port, "alice");
    alice.send("JOIN #natives");
    alice.expect(
        |l| l.contains("PRIVMSG #natives :Welcome to #natives, alice!"),
        "the C plugin's greeting",
    );
    alice.send("PRIVMSG #natives :!rainbow hi all");
    alice.expect(
        |l| l.contains("PRIVMSG #natives :\x0304h\x0307i \x0308a\x0309l\x0311l\x03"),
        "the rainbow text",
    );
    alice.send("PRIVMSG #natives :!greeting Hello {nick}, on {chan}");
    let mut bob = User::connect(port, "bob");
    // Give the bot a moment to take the new greeting before bob joins.
    std::thread::sleep(std::time::Duration::from_millis(300));
    bob.send("JOIN #natives");
    bob.expect(
        |l| l.contains("PRIVMSG #natives :Hello bob, on #natives"),
        "the changed greeting",
    );
    alice.expect(
        |l| l.contains("PRIVMSG #natives :Hello bob, on #natives"),
        "the changed greeting, seen by another",
    );
    // The greeting was stored in the plugin's storage in the data folder.
    let stored = std::fs::read_to_string(data.join("plugins/greeter.json")).unwrap();
    assert!(stored.contains("Hello {nick}, on {chan}"), "{stored}");
    let status = bot.interrupt();
    assert!(status.success(), "{status:?}");
}

#[test]
fn native_plugins_answer_another_client() {
    run(false);
}

#[test]
fn an_isolated_native_plugin_answers_another_client() {
    run(true);
}

#[test]
fn plugin_info_prints_what_the_loader_reads() {
    let dir = test_dir("plugin-info");
    let (_, greeter) = plugins(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(["plugin", "info", &greeter])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "format: ELF shared library",
        "architecture: ",
        "symbols: plugin_get_info plugin_init plugin_deinit plugin_on_event",
        "name: greeter",
        "version: 1.0.0",
        "ABI: 1.1 (client 1.1)",
        "permissions: none",
    ] {
        assert!(text.contains(want), "{want} missing in:\n{text}");
    }
    let bad = dir.join("libnothing.so");
    std::fs::write(&bad, "#!/bin/sh\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(["plugin", "info", &bad.display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused:") && err.contains("is not a shared library"),
        "{err}"
    );
}
