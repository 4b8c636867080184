//! End to end with the built-in scripts (`stdlib-scripts/`, docs/stdlib.md): ngircd on a free
//! loopback port and `rustirc --headless` with no script of its own, so only the built-in
//! ones run, loaded by default from the copies they install in the data folder. A channel
//! operator kicks the client, which rejoins after the delay; another user says the client's
//! nick, which is marked, collected in @Highlights and logged; then a burst of lines, a
//! SIGKILL the moment the last one is shown, and the log file must hold every line.
//!
//! Needs `ngircd` (the README's test command installs it).

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::{free_port, test_dir, Bot, Ngircd, User};

/// The log files under `logs` (one folder per network), in name order.
fn log_files(logs: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for net in std::fs::read_dir(logs).expect("the logs folder") {
        let net = net.unwrap().path();
        for f in std::fs::read_dir(&net).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    files
}

#[test]
fn the_built_in_scripts_against_ngircd() {
    let dir = test_dir("stdlib");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let data = dir.join("data");

    // The operator is in #e2e first, so she holds its ops.
    let mut op = User::connect(port, "op");
    op.send("JOIN #e2e");
    op.expect(|l| l.contains(" 366 "), "the end of #e2e names");

    let server = format!("127.0.0.1:{port}");
    let data_arg = data.display().to_string();
    let mut bot = Bot::start(
        &[
            "--server", &server, "--nick", "rustbot", "--join", "#e2e", "--data", &data_arg,
        ],
        &[("XDG_CONFIG_HOME", &dir)],
    );
    op.expect(
        |l| l.starts_with(":rustbot!") && l.contains("JOIN"),
        "the bot joining",
    );
    for name in ["autoaway", "autorejoin", "highlight", "logging"] {
        let copy = data.join(format!("scripts/stdlib/{name}.mrc"));
        assert!(copy.exists(), "{} was not installed", copy.display());
    }

    // Kicked, it rejoins after autorejoin.mrc's delay (3 s).
    op.send("KICK #e2e rustbot :out");
    op.expect(|l| l.contains("KICK #e2e rustbot"), "the kick");
    let kicked = Instant::now();
    op.expect(
        |l| l.starts_with(":rustbot!") && l.contains("JOIN"),
        "the bot rejoining",
    );
    let waited = kicked.elapsed();
    assert!(
        waited >= Duration::from_millis(2500) && waited < Duration::from_secs(10),
        "rejoined after {waited:?}"
    );
    bot.expect("* Auto-rejoin: rejoining #e2e in 3s");

    // Another user says its nick: the line is marked, collected and logged.
    let mut bob = User::connect(port, "bob");
    bob.send("JOIN #e2e");
    bob.expect(|l| l.contains(" 366 "), "the end of #e2e names");
    bob.send("PRIVMSG #e2e :RustBot: are you there?");
    bot.expect("#e2e !: <bob> RustBot: are you there?");
    let collected = bot.expect("@Highlights: ");
    assert!(
        collected.contains("#e2e <bob> RustBot: are you there?"),
        "{collected}"
    );
    bot.expect("* Flash #e2e: <bob> RustBot: are you there?");

    // A burst of lines (from several senders: ngircd throttles each connection), and a
    // kill the moment the last one is shown.
    const SENDERS: usize = 5;
    const LINES: usize = 12;
    let mut senders: Vec<User> = (0..SENDERS)
        .map(|i| User::connect(port, &format!("s{i}")))
        .collect();
    for u in &mut senders {
        u.send("JOIN #e2e");
        u.expect(|l| l.contains(" 366 "), "the end of #e2e names");
    }
    for n in 0..LINES {
        for (i, u) in senders.iter_mut().enumerate() {
            u.send(&format!("PRIVMSG #e2e :burst s{i} line {n}"));
        }
    }
    for i in 0..SENDERS {
        bot.expect(&format!("<s{i}> burst s{i} line {}", LINES - 1));
    }
    bot.kill();

    let files = log_files(&data.join("logs"));
    let chan: Vec<&PathBuf> = files
        .iter()
        .filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("#e2e."))
        })
        .collect();
    assert!(!chan.is_empty(), "no log of #e2e among {files:?}");
    let text: String = chan
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(text.contains("* rustbot was kicked by op (out)"), "{text}");
    assert!(text.contains("<bob> RustBot: are you there?"), "{text}");
    let mut missing = Vec::new();
    for i in 0..SENDERS {
        for n in 0..LINES {
            let line = format!("<s{i}> burst s{i} line {n}\r\n");
            if !text.contains(&line) {
                missing.push(line);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "lines missing from the log after the kill: {missing:?}"
    );
    println!(
        "rejoined {} ms after the kick; {} lines logged before the kill",
        waited.as_millis(),
        SENDERS * LINES
    );
    std::fs::remove_dir_all(&dir).ok();
}
