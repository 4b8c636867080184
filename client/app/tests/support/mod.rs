//! What the end-to-end tests share: fresh folders, free loopback ports, ngircd (plain and
//! TLS) and microsocks started for a test and stopped when it ends, certificates made with
//! rcgen, the headless client with its output collected, and a plain-socket IRC user.
//!
//! Each test file uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A fresh folder for one test.
pub fn test_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rustirc-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A free loopback port below the kernel's ephemeral range (32768 and up), so that no
/// outgoing connection of a test running alongside can take it before a server listens.
pub fn free_port() -> u16 {
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

/// Waits (up to 10 s) until something listens on `port`; `alive` says whether the server
/// process still runs.
fn wait_listening(port: u16, what: &str, mut alive: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(alive(), "{what} exited at start");
        // A connection to itself (source port = destination port) is not the server.
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(c) if c.local_addr().ok() != c.peer_addr().ok() => return,
            _ => {}
        }
        assert!(Instant::now() < end, "{what} did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn ngircd() -> &'static str {
    if Path::new("/usr/sbin/ngircd").exists() {
        "/usr/sbin/ngircd"
    } else {
        "ngircd"
    }
}

/// Certificates for a test: an authority, a server certificate for 127.0.0.1 it signed, and
/// a self-signed client certificate with its key in one file.
pub struct Certs {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client: PathBuf,
    /// The client certificate's SHA-256 fingerprint, lower-case hex without separators.
    pub client_fp: String,
}

pub fn make_certs(dir: &Path) -> Certs {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "RustIRC test authority");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let client_key = KeyPair::generate().unwrap();
    let client = CertificateParams::new(vec!["bot".to_string()])
        .unwrap()
        .self_signed(&client_key)
        .unwrap();
    let certs = Certs {
        ca: dir.join("ca.pem"),
        server_cert: dir.join("server-cert.pem"),
        server_key: dir.join("server-key.pem"),
        client: dir.join("client.pem"),
        client_fp: {
            use sha2::Digest;
            sha2::Sha256::digest(client.der())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        },
    };
    std::fs::write(&certs.ca, ca.pem()).unwrap();
    std::fs::write(&certs.server_cert, server.pem()).unwrap();
    std::fs::write(&certs.server_key, server_key.serialize_pem()).unwrap();
    std::fs::write(
        &certs.client,
        format!("{}{}", client.pem(), client_key.serialize_pem()),
    )
    .unwrap();
    certs
}

/// ngircd on a plain port and, given certificates, a TLS port. Its server name is
/// `irc<port>.test.local` and its network `Net<port>`; its log is printed when a test fails.
pub struct Ngircd {
    child: Child,
    dir: PathBuf,
    pub port: u16,
    tls: Option<(PathBuf, PathBuf, u16)>,
}

impl Ngircd {
    pub fn start(dir: &Path, port: u16, tls: Option<(&Certs, u16)>) -> Ngircd {
        let tls = tls.map(|(c, p)| (c.server_cert.clone(), c.server_key.clone(), p));
        Ngircd::spawn(dir, port, tls)
    }

    fn spawn(dir: &Path, port: u16, tls: Option<(PathBuf, PathBuf, u16)>) -> Ngircd {
        let conf = dir.join(format!("ngircd-{port}.conf"));
        let mut text = format!(
            "[Global]\nName = irc{port}.test.local\nInfo = test\nListen = 127.0.0.1\nPorts = {port}\n\
             MotdPhrase = Test server\nNetwork = Net{port}\n[Limits]\nMaxConnectionsIP = 0\n\
             [Options]\nPAM = no\nIdent = no\nDNS = no\n"
        );
        if let Some((cert, key, tls_port)) = &tls {
            text.push_str(&format!(
                "[SSL]\nCertFile = {}\nKeyFile = {}\nPorts = {tls_port}\n",
                cert.display(),
                key.display()
            ));
        }
        std::fs::write(&conf, text).unwrap();
        let log = std::fs::File::create(dir.join(format!("ngircd-{port}.log"))).unwrap();
        let child = Command::new(ngircd())
            .args(["-n", "-f"])
            .arg(&conf)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start ngircd (install the Debian package `ngircd`)");
        let mut s = Ngircd {
            child,
            dir: dir.to_path_buf(),
            port,
            tls,
        };
        let ports: Vec<u16> = std::iter::once(port)
            .chain(s.tls.as_ref().map(|t| t.2))
            .collect();
        for p in ports {
            wait_listening(p, "ngircd", || matches!(s.child.try_wait(), Ok(None)));
        }
        s
    }

    /// Stops the server and starts it again on the same ports (everyone is disconnected).
    pub fn restart(&mut self) {
        self.stop();
        let (dir, port, tls) = (self.dir.clone(), self.port, self.tls.take());
        *self = Ngircd::spawn(&dir, port, tls);
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Ngircd {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.join(format!("ngircd-{}.log", self.port)));
            eprintln!("ngircd's log:\n{}", log.unwrap_or_default());
        }
    }
}

/// microsocks on a loopback port, wanting a login.
pub struct Microsocks {
    child: Child,
    pub port: u16,
}

impl Microsocks {
    pub fn start(user: &str, password: &str) -> Microsocks {
        let port = free_port();
        let mut child = Command::new("microsocks")
            .args(["-i", "127.0.0.1", "-p", &port.to_string()])
            .args(["-u", user, "-P", password])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start microsocks (install the Debian package `microsocks`)");
        wait_listening(port, "microsocks", || matches!(child.try_wait(), Ok(None)));
        Microsocks { child, port }
    }
}

impl Drop for Microsocks {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The headless client, its standard output and error collected line by line; killed when
/// dropped, printing what it printed if the test failed.
pub struct Bot {
    child: Child,
    out: Arc<Mutex<Vec<String>>>,
}

impl Bot {
    /// `rustirc --headless ARGS…` with `env` set.
    pub fn start(args: &[&str], env: &[(&str, &Path)]) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rustirc"));
        cmd.arg("--headless").args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = out.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    sink.lock().unwrap().push(line);
                }
            });
        }
        Bot { child, out }
    }

    /// Waits (up to 20 s) for an output line containing `text`, and returns it.
    pub fn expect(&self, text: &str) -> String {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.out.lock().unwrap().iter().find(|l| l.contains(text)) {
                return l.clone();
            }
            assert!(
                Instant::now() < end,
                "expected the bot to print `{text}`; it printed:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Everything printed so far.
    pub fn output(&self) -> String {
        self.out.lock().unwrap().join("\n")
    }

    /// SIGKILL: the client stops at once, with no chance to save or flush anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Ctrl-C, and the exit status.
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("the bot printed:\n{}", self.output());
        }
    }
}

/// A plain-socket IRC user: the test's own tool, not the client under test.
pub struct User {
    w: TcpStream,
    r: BufReader<TcpStream>,
    /// Every line received.
    pub seen: Vec<String>,
}

impl User {
    /// Connects and registers; a connection the server drops before registering is tried
    /// again (twice).
    pub fn connect(port: u16, nick: &str) -> User {
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
    /// `Some(Err(()))` when the server closed the connection. Bytes that are not UTF-8 are
    /// shown as U+FFFD; [`User::expect_bytes`] sees them as they came.
    pub fn read(&mut self) -> Option<Result<String, ()>> {
        self.read_bytes()
            .map(|r| r.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// One line's bytes, without the line end (PINGs answered).
    pub fn read_bytes(&mut self) -> Option<Result<Vec<u8>, ()>> {
        let mut line = Vec::new();
        match self.r.read_until(b'\n', &mut line) {
            Ok(0) => Some(Err(())),
            Ok(_) => {
                while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    line.pop();
                }
                let l = String::from_utf8_lossy(&line).into_owned();
                if let Some(t) = l.strip_prefix("PING ") {
                    self.send(&format!("PONG {t}"));
                }
                self.seen.push(l);
                Some(Ok(line))
            }
            Err(_) => None,
        }
    }

    /// Reads until a line's bytes satisfy `pred`; panics after 15 s.
    pub fn expect_bytes(&mut self, pred: impl Fn(&[u8]) -> bool, what: &str) -> Vec<u8> {
        let end = Instant::now() + Duration::from_secs(15);
        while Instant::now() < end {
            match self.read_bytes() {
                Some(Ok(l)) if pred(&l) => return l,
                Some(Ok(_)) | None => {}
                Some(Err(())) => break,
            }
        }
        panic!("expected {what}; saw:\n{}", self.seen.join("\n"));
    }

    /// Sends a line given as bytes (in whatever encoding the test wants).
    pub fn send_bytes(&mut self, line: &[u8]) {
        self.w.write_all(line).unwrap();
        self.w.write_all(b"\r\n").unwrap();
    }

    pub fn send(&mut self, line: &str) {
        self.w.write_all(format!("{line}\r\n").as_bytes()).unwrap();
    }

    /// Reads until a line satisfies `pred` (answering PINGs); panics after 15 s.
    pub fn expect(&mut self, pred: impl Fn(&str) -> bool, what: &str) -> String {
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

    /// Waits (up to 20 s) until `nick` is in `chan`, as NAMES shows.
    pub fn wait_for(&mut self, chan: &str, nick: &str) {
        let end = Instant::now() + Duration::from_secs(20);
        loop {
            self.send(&format!("NAMES {chan}"));
            let l = self.expect(|l| l.contains(" 353 ") || l.contains(" 366 "), "names");
            if l.contains(" 353 ")
                && l.split(' ')
                    .any(|w| w.trim_start_matches([':', '@', '+', '%', '~', '&']) == nick)
            {
                // Read the end of the list so later expectations start after it.
                self.expect(|l| l.contains(" 366 "), "end of names");
                return;
            }
            assert!(Instant::now() < end, "{nick} is not in {chan}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Reads one HTTP GET from `stream` and answers it with the file under `root` (404 when there
/// is none, or when the path climbs out of `root`). Returns the stream, for a TLS server to
/// close properly.
pub fn answer_get<S: Read + Write>(stream: S, root: &Path) -> S {
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return reader.into_inner();
    }
    loop {
        let mut l = String::new();
        if reader.read_line(&mut l).unwrap_or(0) == 0 || l.trim().is_empty() {
            break;
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, body) = match std::fs::read(root.join(path.trim_start_matches('/'))) {
        Ok(b) if !path.contains("..") => ("200 OK", b),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let mut s = reader.into_inner();
    let head = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(&body);
    let _ = s.flush();
    s
}
