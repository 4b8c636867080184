//! Script sockets against real servers on loopback ports: a script fetches a page from a
//! small HTTP server this test runs, reading it line by line and its last line when the
//! server closes; `/sockopen -e` registers with ngircd over TLS (certificates made here with
//! rcgen, the test authority trusted through `SSL_CERT_FILE`); the headless client runs a
//! script's sockets when `[permissions]` in its config file allow them, and refuses a bad
//! grant with its place in the file.
//!
//! Needs `ngircd` (the README's test command installs it).

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use support::{free_port, make_certs, test_dir, Bot, Ngircd};

/// A one-page HTTP server on a loopback port: answers each request with `body` (its last
/// line without a line ending) and closes; the requests it got are kept.
struct Http {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Http {
    fn start(body: &'static str) -> Http {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut s) = conn else { continue };
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    head.push_str(&line);
                }
                seen.lock().unwrap().push(head);
                let _ = write!(
                    s,
                    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Http { port, requests }
    }
}

fn replay(dir: &Path, script: &str, transcript: &str, env: &[(&str, &Path)]) -> String {
    let s = dir.join("fetch.mrc");
    let t = dir.join("fetch.txt");
    std::fs::write(&s, script).unwrap();
    std::fs::write(&t, transcript).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rustirc"));
    cmd.arg("replay")
        .arg("--load")
        .arg(&s)
        .arg("--allow-sockets")
        .arg(&s)
        .arg(&t);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{script}\n{text}");
    text
}

const FETCH: &str = r#"
; Fetches http://127.0.0.1:PORT/hello and shows it in @web.
on *:TEXT:!fetch *:#: {
  sockopen web 127.0.0.1 $2
  sockmark web $chan
}
on *:SOCKOPEN:web: {
  if ($sockerr) { msg $sock(web).mark fetch failed: $sock(web).wsmsg | return }
  sockwrite -n web GET /hello HTTP/1.0
  sockwrite -n web Host: 127.0.0.1
  sockwrite -n web
}
on *:SOCKREAD:web: {
  var %line
  sockread %line
  while ($sockbr) {
    echo @web %line
    sockread %line
  }
}
on *:SOCKCLOSE:web: {
  sockread %line
  echo @web last: %line
  msg $sock(web).mark fetched $sock(web).rcvd bytes
}
"#;

#[test]
fn a_script_fetches_a_page_over_http() {
    let http = Http::start("Hello from the test\r\nsecond line\r\nno line ending");
    let dir = test_dir("http");
    let transcript = format!(
        "<< :me!me@me.host JOIN #c\n\
         << :ann!a@ann.host PRIVMSG #c :!fetch {port}\n\
         @ sockets\n\
         == @web HTTP/1.0 200 OK\n\
         == @web Content-Type: text/plain\n\
         == @web Hello from the test\n\
         == @web second line\n\
         == @web last: no line ending\n\
         >> PRIVMSG #c :fetched 113 bytes\n",
        port = http.port
    );
    replay(&dir, FETCH, &transcript, &[]);
    let requests = http.requests.lock().unwrap().clone();
    assert_eq!(
        requests,
        ["GET /hello HTTP/1.0\r\nHost: 127.0.0.1\r\n"],
        "the request as the server read it"
    );
    // Nothing listens on a port just released: SOCKOPEN says so.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transcript = format!(
        "<< :me!me@me.host JOIN #c\n\
         << :ann!a@ann.host PRIVMSG #c :!fetch {closed}\n\
         @ sockets\n\
         >> PRIVMSG #c :fetch failed: [10061] Connection refused\n"
    );
    replay(&dir, FETCH, &transcript, &[]);
    std::fs::remove_dir_all(&dir).ok();
}

const IRC_OVER_TLS: &str = r#"
; Registers with an IRC server over TLS through a raw socket.
alias tls.go sockopen -e irc 127.0.0.1 $1
on *:SOCKOPEN:irc: {
  if ($sockerr) { echo @irc failed: $sock(irc).wsmsg | return }
  echo @irc secure: $sock(irc).ssl
  sockwrite -n irc NICK sockbot
  sockwrite -n irc USER sockbot 0 * :socket bot
}
on *:SOCKREAD:irc: {
  var %l
  sockread %l
  tokenize 32 %l
  if ($1 == PING) sockwrite -n irc PONG $2
  if ($2 == 001) {
    echo @irc registered as $3
    sockwrite -n irc QUIT :bye
  }
}
on *:SOCKCLOSE:irc: echo @irc closed by the server
"#;

#[test]
fn sockopen_e_speaks_tls() {
    let dir = test_dir("tls");
    let certs = make_certs(&dir);
    let tls_port = free_port();
    let _server = Ngircd::start(&dir, free_port(), Some((&certs, tls_port)));
    let transcript = format!(
        ":: status /tls.go {tls_port}\n\
         @ sockets 2s\n\
         == @irc secure: $true\n\
         == @irc registered as sockbot\n\
         == @irc closed by the server\n"
    );
    replay(
        &dir,
        IRC_OVER_TLS,
        &transcript,
        &[("SSL_CERT_FILE", &certs.ca)],
    );
    // Without the authority trusted, the certificate is refused and SOCKOPEN says why.
    let transcript = format!(
        ":: status /tls.go {tls_port}\n\
         @ sockets 2s\n\
         == @irc failed: [0] the server's TLS certificate is not trusted\n\
         != @irc registered\n"
    );
    replay(&dir, IRC_OVER_TLS, &transcript, &[]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn headless_scripts_use_sockets_their_permissions_allow() {
    let http = Http::start("pong\r\n");
    let dir = test_dir("headless");
    let script = "on *:START: {\n  sockopen web 127.0.0.1 %port\n  socklisten nope 1\n}\n\
                  on *:SOCKOPEN:web: sockwrite -n web GET / HTTP/1.0 $+ $crlf $+ $crlf\n\
                  on *:SOCKREAD:web: { sockread %l | echo -s got: %l }\n";
    std::fs::write(dir.join("fetch.mrc"), script).unwrap();
    // The port reaches the script as a variable in the data folder's vars.ini.
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("data/vars.ini"),
        format!("[variables]\nn0=%port {}\n", http.port),
    )
    .unwrap();
    // No IRC server listens on the network's port: the client keeps retrying meanwhile.
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "scripts = [\"fetch.mrc\"]\ndata = \"data\"\n\n\
             [permissions]\n\"fetch.mrc\" = [\"connect:127.0.0.1:{}\"]\n\n\
             [[network]]\nserver = \"127.0.0.1:{}\"\nnick = \"bot\"\n",
            http.port,
            free_port()
        ),
    )
    .unwrap();
    let bot = Bot::start(&["--config", config.to_str().unwrap()], &[]);
    bot.expect("status: got: HTTP/1.0 200 OK");
    bot.expect("status: got: pong");
    // The grant is for one host and port; listening is refused, naming the script.
    bot.expect("/socklisten: fetch.mrc is not allowed to listen on port 1");
    drop(bot);

    // A grant that is not one stops the client before it connects, with its place.
    std::fs::write(
        &config,
        "[permissions]\n\"fetch.mrc\" = [\"socket\"]\n\n[[network]]\nserver = \"x\"\nnick = \"n\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .arg("--headless")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("bad permission 'socket'"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
