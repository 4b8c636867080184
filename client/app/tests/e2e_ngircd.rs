//! End to end against a real IRC server: ngircd on a free loopback port, the headless client
//! running a bot script, and plain-socket users talking to it. Covers registration, joining,
//! `on JOIN` greetings, `on TEXT` replies, nick-change tracking, CTCP VERSION, reconnecting
//! and rejoining after the server restarts, and quitting on Ctrl-C; and a bot set up by a
//! config file alone, whose variables are saved when it quits.
//!
//! Needs `ngircd` (the README's test command installs it).

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_port, test_dir, Bot, Ngircd, User};

/// Kills a child process when dropped (a failed assertion must not leave the bot running).
struct Reap(Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `rustirc --headless` as `nick` with `script` loaded, its data in `dir`, its window
/// text piped.
fn start_bot(port: u16, nick: &str, script: &Path, dir: &Path) -> Reap {
    std::fs::create_dir_all(dir).unwrap();
    Reap(
        Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .args([
                "--headless",
                "--server",
                &format!("127.0.0.1:{port}"),
                "--nick",
                nick,
            ])
            .arg("--load")
            .arg(script)
            .arg("--data")
            .arg(dir.join("data"))
            .env("XDG_CONFIG_HOME", dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Stops a bot with Ctrl-C and returns what it printed.
fn stop_bot(mut bot: Reap) -> String {
    let _ = Command::new("kill")
        .args(["-INT", &bot.0.id().to_string()])
        .status();
    let status = bot.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(bot.0.stdout.as_mut().unwrap(), &mut out).unwrap();
    out
}

#[test]
fn a_scripted_bot_against_ngircd() {
    let dir = test_dir("bot");
    let port = free_port();
    let mut server = Ngircd::start(&dir, port, None);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let mut bot = start_bot(port, "bot", &script, &dir.join("bot"));

    // The bot joins #bots on connect; a user joining is greeted.
    let mut alice = User::connect(port, "alice");
    alice.wait_for("#bots", "bot");
    alice.send("JOIN #bots");
    alice.expect(
        |l| l.contains("PRIVMSG #bots :Welcome, alice!"),
        "the greeting",
    );

    // `on TEXT` replies, and the bot follows a nick change.
    alice.send("PRIVMSG #bots :!hello there");
    alice.expect(
        |l| l.contains("PRIVMSG #bots :Hello alice"),
        "the hello reply",
    );
    alice.send("NICK alice2");
    alice.expect(|l| l.contains("NICK"), "the nick change");
    alice.send("PRIVMSG #bots :!hello again");
    alice.expect(
        |l| l.contains("PRIVMSG #bots :Hello alice2"),
        "the reply to the new nick",
    );

    // A hash table keeps counts; CTCP VERSION is answered.
    alice.send("PRIVMSG #bots :some chatter");
    alice.send("PRIVMSG #bots :!count");
    alice.expect(|l| l.contains("alice2 has said 1 things"), "the count");
    alice.send("PRIVMSG bot :\u{1}VERSION\u{1}");
    alice.expect(
        |l| l.contains("NOTICE alice2 :\u{1}VERSION RustIRC"),
        "the CTCP VERSION reply",
    );

    // Kicked, the bot's script joins again: alice opens #ops (she is its operator),
    // invites the bot in, kicks it, and sees it come back.
    alice.send("JOIN #ops");
    alice.expect(|l| l.contains(" 366 "), "the end of #ops names");
    alice.send("INVITE bot #ops");
    alice.expect(
        |l| l.contains("JOIN") && l.starts_with(":bot!"),
        "the bot joining #ops",
    );
    alice.send("KICK #ops bot :out");
    alice.expect(|l| l.contains("KICK #ops bot"), "the kick");
    alice.expect(
        |l| l.contains("JOIN") && l.starts_with(":bot!"),
        "the bot joining #ops again",
    );

    // The server restarts: the bot reconnects and is back in #bots.
    drop(alice);
    server.restart();
    let mut carol = User::connect(port, "carol");
    carol.wait_for("#bots", "bot");
    carol.send("JOIN #bots");
    carol.expect(
        |l| l.contains("Welcome, carol!"),
        "a greeting after the reconnect",
    );

    // Ctrl-C: the bot says QUIT and exits.
    let _ = Command::new("kill")
        .args(["-INT", &bot.0.id().to_string()])
        .status();
    carol.expect(|l| l.contains("QUIT"), "the bot's QUIT");
    let status = bot.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(bot.0.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(out.contains("#bots: <alice> !hello there"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bot_from_a_config_file() {
    let dir = test_dir("config");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    std::fs::write(
        dir.join("bot.mrc"),
        "on *:TEXT:!ping:#: inc %pings | msg # pong %pings from $me\n",
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "scripts = [\"bot.mrc\"]\ndata = \"data\"\n[limits]\ninstructions = 100000\n\
             [[network]]\nserver = \"127.0.0.1:{port}\"\nnick = \"cfgbot\"\nchannels = [\"#cfg\"]\n"
        ),
    )
    .unwrap();
    let mut bot = Reap(
        Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .arg("--headless")
            .arg("--config")
            .arg(&config)
            .env("XDG_DATA_HOME", &dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut dave = User::connect(port, "dave");
    dave.wait_for("#cfg", "cfgbot");
    dave.send("JOIN #cfg");
    dave.send("PRIVMSG #cfg :!ping");
    dave.expect(
        |l| l.contains("PRIVMSG #cfg :pong 1 from cfgbot"),
        "the reply",
    );
    let _ = Command::new("kill")
        .args(["-INT", &bot.0.id().to_string()])
        .status();
    assert!(bot.0.wait().unwrap().success());
    let vars = std::fs::read_to_string(dir.join("data/vars.ini")).unwrap();
    assert_eq!(vars, "[variables]\nn0=%pings 1\n");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn two_clients_talk() {
    let dir = test_dir("talk");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let greeter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let pal_script = dir.join("pal.mrc");
    std::fs::write(
        &pal_script,
        "on *:CONNECT: join #bots\non *:TEXT:Welcome*:#bots: msg # Thanks, $nick $+ .\n",
    )
    .unwrap();
    let mut watcher = User::connect(port, "watcher");
    let bot = start_bot(port, "bot", &greeter, &dir.join("bot"));
    watcher.wait_for("#bots", "bot");
    watcher.send("JOIN #bots");
    watcher.expect(|l| l.contains("Welcome, watcher!"), "the greeting");
    // A second client joins: the first greets it and it answers.
    let pal = start_bot(port, "pal", &pal_script, &dir.join("pal"));
    watcher.expect(
        |l| l.contains(":bot!") && l.contains("Welcome, pal!"),
        "bot greeting pal",
    );
    watcher.expect(
        |l| l.contains(":pal!") && l.contains("Thanks, bot."),
        "pal answering bot",
    );
    let pal_out = stop_bot(pal);
    assert!(pal_out.contains("#bots: <bot> Welcome, pal!"), "{pal_out}");
    let bot_out = stop_bot(bot);
    assert!(bot_out.contains("#bots: <pal> Thanks, bot."), "{bot_out}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Several users each send a burst of long lines at once: the bot receives every line whole
/// and each sender's lines in order (ngircd throttles each connection, so the burst is
/// spread over several senders).
#[test]
fn a_burst_of_messages_arrives_whole_and_in_order() {
    const SENDERS: usize = 5;
    const LINES: usize = 12;
    let dir = test_dir("burst");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let greeter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let bot = start_bot(port, "bot", &greeter, &dir.join("bot"));
    let mut users: Vec<User> = (0..SENDERS)
        .map(|i| User::connect(port, &format!("u{i}")))
        .collect();
    users[0].wait_for("#bots", "bot");
    for u in &mut users {
        u.send("JOIN #bots");
        u.expect(|l| l.contains(" 366 "), "the end of names");
    }
    let filler = "x".repeat(300);
    let text = |i: usize, n: usize| format!("burst u{i} line {n:02} {filler} end");
    for n in 0..LINES {
        for (i, u) in users.iter_mut().enumerate() {
            u.send(&format!("PRIVMSG #bots :{}", text(i, n)));
        }
    }
    // The greeter counts each sender's lines in a hash table.
    for (i, u) in users.iter_mut().enumerate() {
        let want = format!("u{i} has said {LINES} things");
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            u.send("PRIVMSG #bots :!count");
            let l = u.expect(|l| l.contains(" has said "), "the count");
            if l.contains(&want) {
                break;
            }
            assert!(Instant::now() < end, "u{i}: {l}");
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let out = stop_bot(bot);
    for i in 0..SENDERS {
        let got: Vec<&str> = out
            .lines()
            .filter_map(|l| {
                l.split_once(&format!("#bots: <u{i}> "))?
                    .1
                    .strip_prefix("burst ")
            })
            .collect();
        let want: Vec<String> = (0..LINES)
            .map(|n| text(i, n)["burst ".len()..].to_string())
            .collect();
        assert_eq!(got, want, "u{i}'s lines as the bot showed them");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn connect_failures_run_connectfail_and_quitting_runs_exit() {
    let dir = test_dir("fail");
    let script = dir.join("fail.mrc");
    std::fs::write(
        &script,
        "on *:CONNECTFAIL: echo -s connect failed: $1-\non *:EXIT: echo -s exiting\n",
    )
    .unwrap();
    // Nothing listens on this port: the connection is refused.
    let port = free_port();
    let bot = start_bot(port, "bot", &script, &dir.join("bot"));
    std::thread::sleep(Duration::from_millis(1500));
    let out = stop_bot(bot);
    assert!(out.contains("status: connect failed: "), "{out}");
    assert!(out.contains("status: exiting"), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn disconnect_reconnects_and_exit_quits() {
    let dir = test_dir("exit");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let script = dir.join("exit.mrc");
    std::fs::write(
        &script,
        "on *:CONNECT: join #t\n\
         on *:TEXT:!drop:#: disconnect\n\
         on *:TEXT:!exit:#: exit\n\
         on *:DISCONNECT: echo -s dropped: $1-\n\
         on *:EXIT: echo -s exiting after $online seconds\n",
    )
    .unwrap();
    let mut bot = start_bot(port, "bot", &script, &dir.join("bot"));
    let mut erin = User::connect(port, "erin");
    erin.wait_for("#t", "bot");
    erin.send("JOIN #t");
    erin.expect(|l| l.contains(" 366 "), "the end of #t names");
    // /disconnect: the connection closes without a QUIT message, and the client comes back.
    erin.send("PRIVMSG #t :!drop");
    let quit = erin.expect(
        |l| l.starts_with(":bot!") && l.contains("QUIT"),
        "the bot leaving",
    );
    assert!(!quit.contains("Leaving"), "{quit}");
    erin.expect(
        |l| l.starts_with(":bot!") && l.contains("JOIN"),
        "the bot joining again",
    );
    // /exit: QUIT, then the process ends by itself.
    erin.send("PRIVMSG #t :!exit");
    erin.expect(
        |l| l.starts_with(":bot!") && l.contains("QUIT"),
        "the bot's QUIT",
    );
    let end = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = bot.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < end, "the bot did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(bot.0.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(
        out.contains("status: dropped: disconnected by /disconnect"),
        "{out}"
    );
    assert!(out.contains("status: exiting after "), "{out}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A network in a legacy encoding: lines are sent in it, and read in it unless they are
/// valid UTF-8; on another connection of the same client the default (UTF-8, else
/// Windows-1252) holds.
#[test]
fn each_network_has_its_text_encoding() {
    let dir = test_dir("encoding");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    std::fs::write(
        dir.join("bot.mrc"),
        "on *:TEXT:*:#: msg # echo: $1- ( $+ $len($1-) $+ )\n",
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "scripts = [\"bot.mrc\"]\ndata = \"data\"\n\
             [[network]]\nname = \"koi\"\nserver = \"127.0.0.1:{port}\"\nnick = \"koibot\"\n\
             channels = [\"#koi\"]\nencoding = \"koi8-r\"\n\
             [[network]]\nname = \"utf\"\nserver = \"127.0.0.1:{port}\"\nnick = \"utfbot\"\n\
             channels = [\"#utf\"]\n"
        ),
    )
    .unwrap();
    let bot = Bot::start(&["--config", config.to_str().unwrap()], &[]);
    let mut olga = User::connect(port, "olga");
    olga.wait_for("#koi", "koibot");
    olga.wait_for("#utf", "utfbot");
    olga.send("JOIN #koi,#utf");
    // "привет" in KOI8-R, and the reply in KOI8-R.
    let privet_koi: &[u8] = b"\xd0\xd2\xc9\xd7\xc5\xd4";
    olga.send_bytes(&[b"PRIVMSG #koi :", privet_koi].concat());
    let want = [b"PRIVMSG #koi :echo: ", privet_koi, b" (6)"].concat();
    olga.expect_bytes(|l| l.ends_with(&want), "the reply in KOI8-R");
    // A UTF-8 line on the same network is read as UTF-8.
    olga.send("PRIVMSG #koi :\u{43f}\u{43e}\u{43a}\u{430}");
    let want = [b"PRIVMSG #koi :echo: ", &b"\xd0\xcf\xcb\xc1"[..], b" (4)"].concat();
    olga.expect_bytes(|l| l.ends_with(&want), "the UTF-8 line read");
    // The other network: Windows-1252 read, UTF-8 sent.
    olga.send_bytes(b"PRIVMSG #utf :caf\xe9 \x80");
    olga.expect(
        |l| l.ends_with("PRIVMSG #utf :echo: caf\u{e9} \u{20ac} (6)"),
        "the reply in UTF-8",
    );
    bot.expect("koi/#koi: <olga> привет");
    bot.expect("utf/#utf: <olga> café €");
    std::fs::remove_dir_all(&dir).ok();
}

/// Two of our clients through ngircd: alice offers bob a DCC chat and a file; bob's
/// `[dcc] accept = "always"` takes both. They talk in the chat, and the file (big enough to
/// need many acknowledgements) arrives whole: FILESENT runs for alice, FILERCVD for bob.
#[test]
fn two_clients_chat_and_send_a_file_over_dcc() {
    let dir = test_dir("dcc");
    let port = free_port();
    let _server = Ngircd::start(&dir, port, None);
    let start = |nick: &str, script: &str| {
        let home = dir.join(nick);
        std::fs::create_dir_all(home.join("rustirc")).unwrap();
        std::fs::create_dir_all(home.join("data")).unwrap();
        std::fs::write(
            home.join("rustirc/config.toml"),
            "[dcc]\naccept = \"always\"\n",
        )
        .unwrap();
        std::fs::write(home.join("bot.mrc"), script).unwrap();
        let server = format!("127.0.0.1:{port}");
        let script = home.join("bot.mrc");
        let data = home.join("data");
        Bot::start(
            &[
                "--server",
                &server,
                "--nick",
                nick,
                "--load",
                &script.to_string_lossy(),
                "--data",
                &data.to_string_lossy(),
            ],
            &[("XDG_CONFIG_HOME", &home)],
        )
    };
    let gift: Vec<u8> = (0..300_000u32)
        .map(|i| {
            if i % 64 == 63 {
                b'\n'
            } else {
                b'a' + (i % 26) as u8
            }
        })
        .collect();
    std::fs::create_dir_all(dir.join("alice/data")).unwrap();
    std::fs::write(dir.join("alice/data/gift.txt"), &gift).unwrap();
    let bob = start(
        "bob",
        "on *:CONNECT: join #dcc\n\
         on *:CHAT:*: { echo -s bob heard: $1- | msg =$nick echo: $1- }\n\
         on *:FILERCVD:*: echo -s bob got $nopath($filename) from $nick: $file($filename).size bytes\n",
    );
    let mut watcher = User::connect(port, "watcher");
    watcher.wait_for("#dcc", "bob");
    let alice = start(
        "alice",
        "on *:CONNECT: join #dcc\n\
         on *:JOIN:#dcc: if ($nick == $me) { dcc chat bob | dcc send bob gift.txt | .timer 1 3 msg =bob hello bob }\n\
         on *:CHAT:*: echo -s alice heard: $1-\n\
         on *:FILESENT:*.txt: echo -s alice sent $nopath($filename) to $nick\n\
         on *:SENDFAIL:*: echo -s alice failed to send $nopath($filename)\n",
    );
    bob.expect("bob got gift.txt from alice: 300000 bytes");
    alice.expect("alice sent gift.txt to bob");
    bob.expect("bob heard: hello bob");
    alice.expect("alice heard: echo: hello bob");
    assert!(
        alice.output().contains("=bob: <alice> hello bob"),
        "{}",
        alice.output()
    );
    let got = std::fs::read(dir.join("bob/data/downloads/gift.txt")).unwrap();
    assert!(got == gift, "the received file differs");
    drop(alice);
    drop(bob);
    std::fs::remove_dir_all(&dir).ok();
}
