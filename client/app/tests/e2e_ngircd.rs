//! End to end against a real IRC server: ngircd on a free loopback port, the headless client
//! running a bot script, and plain-socket users talking to it. Covers registration, joining,
//! `on JOIN` greetings, `on TEXT` replies, nick-change tracking, CTCP VERSION, reconnecting
//! and rejoining after the server restarts, and quitting on Ctrl-C; and a bot set up by a
//! config file alone, whose variables are saved when it quits.
//!
//! Needs `ngircd` (the README's test command installs it).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    conf: PathBuf,
    port: u16,
}

impl Server {
    fn start(dir: &Path, port: u16) -> Server {
        let conf = dir.join("ngircd.conf");
        std::fs::write(
            &conf,
            format!(
                "[Global]\nName = irc.test.local\nInfo = test\nListen = 127.0.0.1\nPorts = {port}\n\
                 MotdPhrase = Test server\n[Limits]\nMaxConnectionsIP = 0\n\
                 [Options]\nPAM = no\nIdent = no\nDNS = no\n"
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join(format!("ngircd-{port}.log"))).unwrap();
        let child = Command::new(ngircd())
            .args(["-n", "-f"])
            .arg(&conf)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start ngircd (install the Debian package `ngircd`)");
        let mut s = Server { child, conf, port };
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("ngircd exited at start ({status})");
            }
            // A connection to itself (source port = destination port) is not ngircd.
            match TcpStream::connect(("127.0.0.1", port)) {
                Ok(c) if c.local_addr().ok() != c.peer_addr().ok() => break,
                _ => {}
            }
            assert!(Instant::now() < end, "ngircd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn restart(&mut self) {
        self.stop();
        let dir = self.conf.parent().unwrap().to_path_buf();
        *self = Server::start(&dir, self.port);
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            let dir = self.conf.parent().unwrap();
            let log = std::fs::read_to_string(dir.join(format!("ngircd-{}.log", self.port)));
            eprintln!("ngircd's log:\n{}", log.unwrap_or_default());
        }
    }
}

/// Kills a child process when dropped (a failed assertion must not leave the bot running).
struct Reap(Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ngircd() -> &'static str {
    if Path::new("/usr/sbin/ngircd").exists() {
        "/usr/sbin/ngircd"
    } else {
        "ngircd"
    }
}

/// A free loopback port below the kernel's ephemeral range (32768 and up), so that no
/// outgoing connection of a test running alongside can take it before ngircd listens.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let start = 20_000 + (std::process::id() % 500) as u16 * 20;
    loop {
        let port = start + NEXT.fetch_add(1, Ordering::Relaxed) % 10_000;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A plain-socket IRC user.
struct User {
    w: TcpStream,
    r: BufReader<TcpStream>,
    seen: Vec<String>,
}

impl User {
    /// Connects and registers. This user is the test's own tool, not the client under
    /// test: a connection the server drops before registering is retried (twice).
    fn connect(port: u16, nick: &str) -> User {
        let mut tries = 0;
        loop {
            tries += 1;
            match User::try_connect(port, nick) {
                Ok(u) => return u,
                Err(e) if tries < 3 => {
                    eprintln!("{nick}: {e}; connecting again");
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("{nick} could not register: {e}"),
            }
        }
    }

    fn try_connect(port: u16, nick: &str) -> Result<User, String> {
        let s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut u = User {
            w: s.try_clone().unwrap(),
            r: BufReader::new(s),
            seen: Vec::new(),
        };
        u.send(&format!("NICK {nick}"));
        u.send(&format!("USER {nick} 0 * :{nick}"));
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            match u.read() {
                Some(Ok(l)) if l.contains(" 376 ") || l.contains(" 422 ") => return Ok(u),
                Some(Ok(_)) | None => {}
                Some(Err(())) => {
                    return Err(format!(
                        "closed before registering; saw:\n{}",
                        u.seen.join("\n")
                    ))
                }
            }
        }
        Err(format!("no end of MOTD; saw:\n{}", u.seen.join("\n")))
    }

    /// One line (PINGs answered): `None` when nothing came within the read timeout,
    /// `Some(Err(()))` when the server closed the connection.
    fn read(&mut self) -> Option<Result<String, ()>> {
        let mut line = String::new();
        match self.r.read_line(&mut line) {
            Ok(0) => Some(Err(())),
            Ok(_) => {
                let l = line.trim_end().to_string();
                if let Some(t) = l.strip_prefix("PING ") {
                    self.send(&format!("PONG {t}"));
                }
                self.seen.push(l.clone());
                Some(Ok(l))
            }
            Err(_) => None,
        }
    }

    fn send(&mut self, line: &str) {
        self.w.write_all(format!("{line}\r\n").as_bytes()).unwrap();
    }

    /// Reads until a line satisfies `pred` (answering PINGs); panics after 15 s.
    fn expect(&mut self, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            match self.read() {
                Some(Ok(l)) if pred(&l) => return l,
                Some(Ok(_)) | None => {}
                Some(Err(())) => break,
            }
        }
        panic!("expected {what}; saw:\n{}", self.seen.join("\n"));
    }
}

/// Waits (up to 20 s) until `bot` is in `chan`, as seen by `u` through NAMES.
fn wait_for(u: &mut User, chan: &str, bot: &str) {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        u.send(&format!("NAMES {chan}"));
        let l = u.expect(|l| l.contains(" 353 ") || l.contains(" 366 "), "names");
        if l.contains(" 353 ") && l.contains(bot) {
            // Read the end of the list so later expectations start after it.
            u.expect(|l| l.contains(" 366 "), "end of names");
            return;
        }
        assert!(Instant::now() < end, "{bot} is not in {chan}");
        std::thread::sleep(Duration::from_millis(200));
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut server = Server::start(&dir, port);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let mut bot = start_bot(port, "bot", &script, &dir.join("bot"));

    // The bot joins #bots on connect; a user joining is greeted.
    let mut alice = User::connect(port, "alice");
    wait_for(&mut alice, "#bots", "bot");
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
    wait_for(&mut carol, "#bots", "bot");
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let _server = Server::start(&dir, port);
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
    wait_for(&mut dave, "#cfg", "cfgbot");
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-talk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let _server = Server::start(&dir, port);
    let greeter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let pal_script = dir.join("pal.mrc");
    std::fs::write(
        &pal_script,
        "on *:CONNECT: join #bots\non *:TEXT:Welcome*:#bots: msg # Thanks, $nick $+ .\n",
    )
    .unwrap();
    let mut watcher = User::connect(port, "watcher");
    let bot = start_bot(port, "bot", &greeter, &dir.join("bot"));
    wait_for(&mut watcher, "#bots", "bot");
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-burst-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let _server = Server::start(&dir, port);
    let greeter = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let bot = start_bot(port, "bot", &greeter, &dir.join("bot"));
    let mut users: Vec<User> = (0..SENDERS)
        .map(|i| User::connect(port, &format!("u{i}")))
        .collect();
    wait_for(&mut users[0], "#bots", "bot");
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-fail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
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
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-exit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let _server = Server::start(&dir, port);
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
    wait_for(&mut erin, "#t", "bot");
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
