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
        let child = Command::new(ngircd())
            .args(["-n", "-f"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ngircd (install the Debian package `ngircd`)");
        let s = Server { child, conf, port };
        let end = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain-socket IRC user.
struct User {
    w: TcpStream,
    r: BufReader<TcpStream>,
    seen: Vec<String>,
}

impl User {
    fn connect(port: u16, nick: &str) -> User {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut u = User {
            w: s.try_clone().unwrap(),
            r: BufReader::new(s),
            seen: Vec::new(),
        };
        u.send(&format!("NICK {nick}"));
        u.send(&format!("USER {nick} 0 * :{nick}"));
        u.expect(
            |l| l.contains(" 376 ") || l.contains(" 422 "),
            "end of MOTD",
        );
        u
    }

    fn send(&mut self, line: &str) {
        self.w.write_all(format!("{line}\r\n").as_bytes()).unwrap();
    }

    /// Reads until a line satisfies `pred` (answering PINGs); panics after 15 s.
    fn expect(&mut self, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            let mut line = String::new();
            match self.r.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) => {
                    let l = line.trim_end().to_string();
                    if let Some(t) = l.strip_prefix("PING ") {
                        self.send(&format!("PONG {t}"));
                    }
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => {}
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

#[test]
fn a_scripted_bot_against_ngircd() {
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut server = Server::start(&dir, port);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/replay/greeter.mrc");
    let mut bot = Reap(
        Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .args([
                "--headless",
                "--server",
                &format!("127.0.0.1:{port}"),
                "--nick",
                "bot",
            ])
            .arg("--load")
            .arg(&script)
            .arg("--data")
            .arg(dir.join("data"))
            .env("XDG_CONFIG_HOME", &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

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
