//! The script repository and manager against a real HTTP server on loopback (a small one
//! below, on std::net): authors build and sign a repository with `rustirc repo`, users search,
//! install, use, update, roll back and remove with `rustirc script`; every refusal leaves what
//! is installed as it was; a cut download leaves nothing behind; the cache answers when the
//! server is down. The examples of docs/manager.md and docs/repository-format.md run here.

mod support;

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

// ------------------------------------------------------------------------------------------
// The server

#[derive(Default)]
struct State {
    /// Paths whose body is cut in the middle (the connection closes after half of it).
    cut: HashSet<String>,
    /// Paths whose body stops in the middle and never goes on (the connection stays open).
    stall: HashSet<String>,
    /// (path, status) of every request answered.
    log: Vec<(String, u16)>,
}

struct Server {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (root, st, sp) = (root.to_path_buf(), state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(c) = conn {
                    serve(c, &root, &st);
                }
            }
        });
        Server {
            port,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn statuses(&self, path: &str) -> Vec<u16> {
        let s = self.state.lock().unwrap();
        s.log
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, c)| *c)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut c: TcpStream, root: &Path, state: &Mutex<State>) {
    let mut reader = BufReader::new(c.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut inm = None;
    loop {
        let mut l = String::new();
        if reader.read_line(&mut l).unwrap_or(0) == 0 || l.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("if-none-match") {
                inm = Some(v.trim().to_string());
            }
        }
    }
    let file = root.join(path.trim_start_matches('/'));
    let (status, body) = if path.contains("..") {
        (403, Vec::new())
    } else {
        match std::fs::read(&file) {
            Ok(b) => (200, b),
            Err(_) => (404, b"not found".to_vec()),
        }
    };
    let etag = format!("\"{}\"", &hex(&Sha256::digest(&body))[..16]);
    let cut = state.lock().unwrap().cut.contains(&path);
    let stall = state.lock().unwrap().stall.contains(&path);
    let status = if status == 200 && inm.as_deref() == Some(etag.as_str()) {
        304
    } else {
        status
    };
    state.lock().unwrap().log.push((path, status));
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        403 => "Forbidden",
        _ => "Not Found",
    };
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\nETag: {etag}\r\n");
    if status == 304 {
        head.push_str("\r\n");
        let _ = c.write_all(head.as_bytes());
        return;
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let _ = c.write_all(head.as_bytes());
    if stall {
        let _ = c.write_all(&body[..body.len() / 2]);
        let _ = c.flush();
        // Hold the connection (in its own thread, so the server goes on answering) until the
        // client is gone.
        std::thread::spawn(move || {
            let mut b = [0u8; 1];
            let _ = std::io::Read::read(&mut c, &mut b);
        });
        return;
    } else if cut {
        let _ = c.write_all(&body[..body.len() / 2]);
    } else {
        let _ = c.write_all(&body);
    }
    let _ = c.flush();
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ------------------------------------------------------------------------------------------
// Helpers

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder holding `pub` (the repository), `home` (HOME, with XDG_CONFIG_HOME and
/// XDG_DATA_HOME under it) and the scripts' sources.
struct World {
    dir: PathBuf,
}

impl World {
    fn new(name: &str) -> World {
        let dir = std::env::temp_dir().join(format!(
            "rustirc-repo-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home/config/rustirc")).unwrap();
        World { dir }
    }

    fn pubdir(&self) -> PathBuf {
        self.dir.join("pub")
    }

    fn data(&self) -> PathBuf {
        self.dir.join("home/data/rustirc")
    }

    fn repo_root(&self) -> PathBuf {
        self.data().join("scripts/repo")
    }

    /// Runs rustirc in the world's folder with its HOME; (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_rustirc"))
            .args(args)
            .current_dir(&self.dir)
            .env("HOME", self.dir.join("home"))
            .env("XDG_CONFIG_HOME", self.dir.join("home/config"))
            .env("XDG_DATA_HOME", self.dir.join("home/data"))
            .output()
            .expect("run rustirc");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "rustirc {args:?}: {out}{err}");
        out
    }

    /// Runs a refused command: exit code 1, the message on stderr containing `want`, and
    /// nothing installed changed.
    fn refused(&self, args: &[&str], want: &str) {
        let before = snapshot(&self.repo_root());
        let (code, out, err) = self.run(args);
        assert_eq!(code, 1, "rustirc {args:?} should be refused: {out}{err}");
        assert!(
            err.contains(want),
            "rustirc {args:?}: expected '{want}' in: {err}"
        );
        assert_eq!(
            snapshot(&self.repo_root()),
            before,
            "rustirc {args:?} changed what is installed"
        );
        assert!(
            !self.repo_root().join(".tmp").exists(),
            "a temporary folder was left behind"
        );
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `repo init pub`, and a config file trusting its key and pointing at `server`.
    fn init(&self, server: &Server) -> String {
        let out = self.ok(&["repo", "init", "pub"]);
        assert!(out.contains("private key: pub.signing-key"), "{out}");
        let key = std::fs::read_to_string(self.pubdir().join("key.pub"))
            .unwrap()
            .trim()
            .to_string();
        self.config(&server.url(), &key);
        key
    }

    fn config(&self, url: &str, key: &str) {
        std::fs::write(
            self.dir.join("home/config/rustirc/config.toml"),
            format!("[repository]\nurl = \"{url}\"\ntrusted_keys = [\"{key}\"]\n"),
        )
        .unwrap();
    }

    /// Edits index.json with `f` (then it must be signed again to be accepted).
    fn edit_index(&self, f: impl FnOnce(&mut serde_json::Value)) {
        let p = self.pubdir().join("index.json");
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }

    /// Runs a transcript against `script` in a replay session.
    fn replay(&self, script: &Path, transcript: &str) {
        let t = self.write("t.txt", transcript);
        let (code, out, err) = self.run(&[
            "replay",
            "--load",
            script.to_str().unwrap(),
            t.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "replay of {}: {out}{err}", script.display());
    }

    /// The scripts the client loads at start, as the headless client picks them.
    fn loaded(&self) -> Vec<PathBuf> {
        rustirc_core::repo::scripts_to_load(&self.data()).unwrap()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Every file under `dir` with its bytes, except the index cache.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.file_name().is_some_and(|n| n == ".cache") {
                continue;
            }
            if p.is_dir() {
                out.insert(p.strip_prefix(base).unwrap().to_path_buf(), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

const GREETER_V1: &str = "; name: Greeter
; version: 1.0.0
; author: ann
; description: answers !hi in channels
; permissions: network
#greeter on
on *:TEXT:!hi:#:msg # hello from greeter 1.0.0
#greeter end
";

const GREETER_V2: &str = "; name: Greeter
; version: 1.1.0
; author: ann
; description: answers !hi in channels
; permissions: network
#greeter on
on *:TEXT:!hi:#:msg # hello from greeter 1.1.0, $nick
#greeter end
";

fn hi_transcript(reply: &str) -> String {
    format!(
        "<< :me!me@me.host JOIN #c\n<< :ann!a@ann.host PRIVMSG #c :!hi\n>> PRIVMSG #c :{reply}\n"
    )
}

// ------------------------------------------------------------------------------------------
// The cycles

#[test]
fn msl_search_install_use_update_rollback_remove() {
    let w = World::new("msl");
    std::fs::create_dir_all(w.pubdir()).unwrap();
    let server = Server::start(&w.dir);
    // The server serves the world's folder; the repository is its pub/ folder.
    let url = format!("{}pub/", server.url());
    w.ok(&["repo", "init", "pub"]);
    let key = std::fs::read_to_string(w.pubdir().join("key.pub")).unwrap();
    w.config(&url, key.trim());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(w.dir.join("pub.signing-key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is readable by others");
    }
    let src = w.write("src/greeter.mrc", GREETER_V1);
    let out = w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    assert!(out.starts_with("added greeter 1.0.0 (mrc, "), "{out}");
    w.ok(&["repo", "sign", "pub"]);

    let out = w.ok(&["script", "search", "hi"]);
    assert_eq!(out, "greeter 1.0.0 mrc - answers !hi in channels\n");
    assert_eq!(
        w.ok(&["script", "search", "nothing-like-this"]),
        "nothing found\n"
    );
    let out = w.ok(&["script", "info", "greeter"]);
    assert!(out.contains("permissions: network\n"), "{out}");
    assert!(out.contains("installed: no\n"), "{out}");

    let (code, out, err) = w.run(&["script", "install", "greeter"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "greeter 1.0.0 installed\n"),
        "{err}"
    );
    assert!(
        err.contains("downloading greeter 1.0.0: "),
        "no progress shown: {err}"
    );
    assert!(err.contains("(100%)"), "{err}");
    assert!(
        err.contains("greeter declares the permissions network; the client asks"),
        "{err}"
    );
    let v1 = w.repo_root().join("greeter/1.0.0/greeter.mrc");
    assert_eq!(w.loaded(), vec![v1.clone()]);
    w.replay(&v1, &hi_transcript("hello from greeter 1.0.0"));

    // A new version is published.
    std::fs::write(&src, GREETER_V2).unwrap();
    w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    assert_eq!(
        w.ok(&["script", "update", "--check"]),
        "greeter 1.0.0 → 1.1.0 available\n"
    );
    assert_eq!(w.ok(&["script", "update"]), "greeter 1.0.0 → 1.1.0\n");
    let v2 = w.repo_root().join("greeter/1.1.0/greeter.mrc");
    assert_eq!(w.loaded(), vec![v2.clone()]);
    w.replay(&v2, &hi_transcript("hello from greeter 1.1.0, ann"));
    assert_eq!(w.ok(&["script", "update"]), "everything is up to date\n");

    // Back to the previous version: its folder was kept.
    assert_eq!(
        w.ok(&["script", "rollback", "greeter"]),
        "greeter 1.1.0 → 1.0.0 (rolled back)\n"
    );
    assert_eq!(w.loaded(), vec![v1.clone()]);
    let out = w.ok(&["script", "list"]);
    assert!(
        out.starts_with("greeter 1.0.0 mrc enabled (previous 1.1.0) "),
        "{out}"
    );
    w.replay(&w.loaded()[0], &hi_transcript("hello from greeter 1.0.0"));

    // Disabled: installed but not loaded.
    assert_eq!(
        w.ok(&["script", "disable", "greeter"]),
        "greeter disabled\n"
    );
    assert!(w.loaded().is_empty());
    assert!(w.ok(&["script", "list"]).contains(" disabled "));
    assert_eq!(w.ok(&["script", "enable", "greeter"]), "greeter enabled\n");
    assert_eq!(w.loaded(), vec![v1]);

    assert_eq!(
        w.ok(&["script", "remove", "greeter"]),
        "greeter 1.0.0 removed\n"
    );
    assert_eq!(w.ok(&["script", "list"]), "no scripts installed\n");
    assert!(!w.repo_root().join("greeter").exists());
    assert!(w.loaded().is_empty());
}

#[test]
fn lua_search_install_use_update_rollback_remove() {
    let w = World::new("lua");
    let server = Server::start(&w.dir.join("pub"));
    w.init(&server);
    let src = w.write(
        "src/seen/seen.lua",
        "irc.add_command('seen', function(args) return 'seen v1: ' .. (args[1] or '?') end)\n",
    );
    w.write(
        "src/seen/README.txt",
        "a folder with more than the script\n",
    );
    let folder = src.parent().unwrap().to_str().unwrap().to_string();
    let out = w.ok(&[
        "repo",
        "add",
        "pub",
        &folder,
        "--version",
        "0.9.0",
        "--description",
        "last seen",
    ]);
    assert!(out.starts_with("added seen 0.9.0 (lua, "), "{out}");
    w.ok(&["repo", "sign", "pub"]);
    assert_eq!(
        w.ok(&["script", "search", "SEEN"]),
        "seen 0.9.0 lua - last seen\n"
    );
    assert_eq!(
        w.ok(&["script", "install", "seen"]),
        "seen 0.9.0 installed\n"
    );
    let v1 = w.repo_root().join("seen/0.9.0/seen.lua");
    assert!(w.repo_root().join("seen/0.9.0/README.txt").is_file());
    assert_eq!(w.loaded(), vec![v1.clone()]);
    w.replay(&v1, ":: status /seen ann\n== status seen v1: ann\n");

    std::fs::write(
        &src,
        "irc.add_command('seen', function(args) return 'seen v2: ' .. (args[1] or '?') end)\n",
    )
    .unwrap();
    w.ok(&["repo", "add", "pub", &folder, "--version", "1.0.0"]);
    w.ok(&["repo", "sign", "pub"]);
    assert_eq!(w.ok(&["script", "update", "seen"]), "seen 0.9.0 → 1.0.0\n");
    let v2 = w.repo_root().join("seen/1.0.0/seen.lua");
    assert_eq!(w.loaded(), vec![v2.clone()]);
    w.replay(&v2, ":: status /seen bob\n== status seen v2: bob\n");
    assert_eq!(
        w.ok(&["script", "rollback", "seen"]),
        "seen 1.0.0 → 0.9.0 (rolled back)\n"
    );
    w.replay(
        &w.loaded()[0],
        ":: status /seen cy\n== status seen v1: cy\n",
    );
    // A second rollback returns to the newer one.
    assert_eq!(
        w.ok(&["script", "rollback", "seen"]),
        "seen 0.9.0 → 1.0.0 (rolled back)\n"
    );
    assert_eq!(w.loaded(), vec![v2]);
    assert_eq!(w.ok(&["script", "remove", "seen"]), "seen 1.0.0 removed\n");
    assert!(w.loaded().is_empty());
    assert!(!w.repo_root().join("seen").exists());
}

#[test]
fn dependencies_are_installed_first_and_loaded_first() {
    let w = World::new("deps");
    let server = Server::start(&w.dir.join("pub"));
    w.init(&server);
    let util = w.write(
        "src/util.mrc",
        "; version: 1.2.0\nalias util.greet return hello $1\n",
    );
    let app = w.write(
        "src/app.mrc",
        "; version: 2.0.0\n; depends: util@^1.1\nalias app echo -a $util.greet(world)\n",
    );
    w.ok(&["repo", "add", "pub", util.to_str().unwrap()]);
    w.ok(&["repo", "add", "pub", app.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    assert_eq!(
        w.ok(&["script", "install", "app"]),
        "util 1.2.0 installed\napp 2.0.0 installed\n"
    );
    let root = w.repo_root();
    assert_eq!(
        w.loaded(),
        vec![
            root.join("util/1.2.0/util.mrc"),
            root.join("app/2.0.0/app.mrc")
        ]
    );
    w.refused(&["script", "remove", "util"], "'app' needs 'util'");
}

// ------------------------------------------------------------------------------------------
// Refusals

/// A world with greeter 1.0.0 published and installed.
fn installed_world(name: &str) -> (World, Server) {
    let w = World::new(name);
    let server = Server::start(&w.dir.join("pub"));
    w.init(&server);
    let src = w.write("src/greeter.mrc", GREETER_V1);
    w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    w.ok(&["script", "install", "greeter"]);
    // And 1.1.0 published, not installed.
    std::fs::write(&src, GREETER_V2).unwrap();
    w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    (w, server)
}

#[test]
fn a_bad_or_missing_signature_or_an_untrusted_key_is_refused() {
    let (w, _server) = installed_world("sig");
    let cache = w.repo_root().join(".cache/index.json");
    let cached = std::fs::read(&cache).unwrap();
    // Changed after signing.
    w.edit_index(|v| v["packages"][0]["description"] = "tampered".into());
    w.refused(
        &["script", "update"],
        "bad signature: index.json does not match",
    );
    w.refused(&["script", "search"], "bad signature");
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        cached,
        "a bad index was cached"
    );
    // No signature at all.
    w.ok(&["repo", "sign", "pub"]);
    std::fs::remove_file(w.pubdir().join("index.json.sig")).unwrap();
    w.refused(&["script", "update"], "the index is not signed");
    // Signed by a key the config does not trust.
    let other = w.dir.join("other.key");
    w.ok(&["repo", "init", "pub2", "--key", other.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub", "--key", other.to_str().unwrap()]);
    w.refused(&["script", "update"], "which is not a trusted key");
    // A malformed signature file.
    std::fs::write(w.pubdir().join("index.json.sig"), "hello\n").unwrap();
    w.refused(&["script", "update"], "index.json.sig is malformed");
    // No trusted key at all.
    w.ok(&["repo", "sign", "pub"]);
    std::fs::write(
        w.dir.join("home/config/rustirc/config.toml"),
        format!("[repository]\nurl = \"{}\"\n", _server.url()),
    )
    .unwrap();
    w.refused(&["script", "update"], "no trusted keys");
}

#[test]
fn a_checksum_or_size_mismatch_is_refused() {
    let (w, _server) = installed_world("sum");
    let good = std::fs::read_to_string(w.pubdir().join("index.json")).unwrap();
    w.edit_index(|v| {
        v["packages"][1]["sha256"] = "00".repeat(32).into();
    });
    w.ok(&["repo", "sign", "pub"]);
    w.refused(&["script", "update"], "checksum mismatch");
    std::fs::write(w.pubdir().join("index.json"), &good).unwrap();
    w.edit_index(|v| {
        let n = v["packages"][1]["size"].as_u64().unwrap();
        v["packages"][1]["size"] = (n + 10).into();
    });
    w.ok(&["repo", "sign", "pub"]);
    w.refused(&["script", "update"], "the index says");
    std::fs::write(w.pubdir().join("index.json"), &good).unwrap();
    w.edit_index(|v| {
        let n = v["packages"][1]["size"].as_u64().unwrap();
        v["packages"][1]["size"] = (n - 10).into();
    });
    w.ok(&["repo", "sign", "pub"]);
    w.refused(&["script", "update"], "larger than the");
    // The archive itself changed on the server.
    std::fs::write(w.pubdir().join("index.json"), &good).unwrap();
    w.ok(&["repo", "sign", "pub"]);
    let archive = w.pubdir().join("packages/greeter-1.1.0.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, &bytes).unwrap();
    w.refused(&["script", "update"], "checksum mismatch");
}

/// A tar.gz with one entry whose header is written by hand (so the names a tar library
/// refuses to write can be tested).
fn evil_archive(name: &str, kind: tar::EntryType, link: Option<&str>) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut b = tar::Builder::new(gz);
    // A good entry first: the bad one must refuse the whole archive anyway.
    let body = b"alias ok echo -a ok\n";
    let mut h = tar::Header::new_gnu();
    h.set_size(body.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_path("greeter/greeter.mrc").unwrap();
    h.set_cksum();
    b.append(&h, &body[..]).unwrap();
    let data = b"echo -a pwned\n";
    let mut h = tar::Header::new_old();
    h.set_entry_type(kind);
    h.set_mode(0o644);
    let size = if kind == tar::EntryType::Regular {
        data.len() as u64
    } else {
        0
    };
    h.set_size(size);
    let raw = &mut h.as_old_mut().name;
    raw[..name.len()].copy_from_slice(name.as_bytes());
    if let Some(l) = link {
        h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
    }
    h.set_cksum();
    b.append(&h, &data[..size as usize]).unwrap();
    b.into_inner().unwrap().finish().unwrap()
}

#[test]
fn an_archive_entry_that_escapes_its_folder_is_refused() {
    let (w, _server) = installed_world("escape");
    let good = std::fs::read_to_string(w.pubdir().join("index.json")).unwrap();
    let cases: [(&str, tar::EntryType, Option<&str>, &str); 5] = [
        (
            "greeter/../../evil.mrc",
            tar::EntryType::Regular,
            None,
            "escapes the package's folder with '..'",
        ),
        (
            "/tmp/evil.mrc",
            tar::EntryType::Regular,
            None,
            "has an absolute path",
        ),
        (
            "other/evil.mrc",
            tar::EntryType::Regular,
            None,
            "is not inside the package's folder",
        ),
        (
            "greeter/link",
            tar::EntryType::Symlink,
            Some("/etc/passwd"),
            "is a link",
        ),
        (
            "greeter/hard",
            tar::EntryType::Link,
            Some("/etc/passwd"),
            "is a link",
        ),
    ];
    for (name, kind, link, want) in cases {
        let bytes = evil_archive(name, kind, link);
        std::fs::write(w.pubdir().join("packages/evil.tar.gz"), &bytes).unwrap();
        std::fs::write(w.pubdir().join("index.json"), &good).unwrap();
        w.edit_index(|v| {
            let p = &mut v["packages"][1];
            p["url"] = "packages/evil.tar.gz".into();
            p["sha256"] = hex(&Sha256::digest(&bytes)).into();
            p["size"] = bytes.len().into();
        });
        w.ok(&["repo", "sign", "pub"]);
        w.refused(&["script", "update"], want);
        assert!(!w.dir.join("evil.mrc").exists());
        assert!(!w.dir.join("home/data/rustirc/evil.mrc").exists());
    }
}

#[test]
fn a_downgrade_is_refused_unless_forced() {
    let (w, _server) = installed_world("down");
    w.ok(&["script", "update"]);
    w.refused(
        &["script", "install", "greeter@1.0.0"],
        "refusing to downgrade 'greeter' from 1.1.0 to 1.0.0 (pass --force",
    );
    assert_eq!(
        w.ok(&["script", "install", "greeter@1.0.0", "--force"]),
        "greeter 1.1.0 → 1.0.0\n"
    );
    w.refused(
        &["script", "install", "greeter@3.0.0"],
        "the repository has no version 3.0.0 of 'greeter' (it has 1.1.0, 1.0.0)",
    );
    w.refused(
        &["script", "install", "nosuch"],
        "there is no package 'nosuch'",
    );
}

#[test]
fn an_unsatisfiable_dependency_is_refused() {
    let (w, _server) = installed_world("unsat");
    let util = w.write("src/util.mrc", "; version: 1.0.0\nalias util.x return 1\n");
    let app = w.write(
        "src/app.mrc",
        "; version: 1.0.0\n; depends: util@^2.0\nalias app echo -a app\n",
    );
    let lone = w.write(
        "src/lone.mrc",
        "; version: 1.0.0\n; depends: ghost@^1\nalias lone echo -a lone\n",
    );
    for f in [&util, &app, &lone] {
        w.ok(&["repo", "add", "pub", f.to_str().unwrap()]);
    }
    w.ok(&["repo", "sign", "pub"]);
    w.refused(
        &["script", "install", "app"],
        "unsatisfiable dependency: app 1.0.0 needs util ^2.0, and the repository has 1.0.0",
    );
    w.refused(
        &["script", "install", "lone"],
        "lone 1.0.0 needs ghost ^1, and the repository has no such package",
    );
}

#[test]
fn a_conflicting_script_is_refused() {
    let (w, _server) = installed_world("conflict");
    let other = w.write(
        "src/other.mrc",
        "; version: 1.0.0\n#greeter on\nalias other echo -a other\n#greeter end\n",
    );
    let alias = w.write(
        "src/clash.mrc",
        "; version: 1.0.0\nalias other echo -a mine\n",
    );
    w.ok(&["repo", "add", "pub", other.to_str().unwrap()]);
    w.ok(&["repo", "add", "pub", alias.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    w.refused(
        &["script", "install", "other"],
        "other 1.0.0 conflicts with the installed script 'greeter': both define the group '#greeter'",
    );
    w.ok(&["script", "disable", "greeter"]);
    w.ok(&["script", "install", "other"]);
    w.refused(
        &["script", "install", "clash"],
        "both define the command or alias 'other'",
    );
    w.refused(&["script", "enable", "greeter"], "cannot enable 'greeter'");
}

#[test]
fn an_interrupted_download_leaves_nothing_half_installed() {
    let (w, server) = installed_world("cut");
    server
        .state
        .lock()
        .unwrap()
        .cut
        .insert("/packages/greeter-1.1.0.tar.gz".into());
    w.refused(&["script", "update"], "the connection closed after");
    assert!(!w.repo_root().join("greeter/1.1.0").exists());
    server.state.lock().unwrap().cut.clear();
    assert_eq!(w.ok(&["script", "update"]), "greeter 1.0.0 → 1.1.0\n");
}

#[test]
fn the_cache_answers_when_the_server_is_down() {
    let w = World::new("cache");
    let server = Server::start(&w.dir.join("pub"));
    w.init(&server);
    let src = w.write("src/greeter.mrc", GREETER_V1);
    w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    let want = "greeter 1.0.0 mrc - answers !hi in channels\n";
    assert_eq!(w.ok(&["script", "search"]), want);
    // Asked again: the server answers 304 to the cached copy's ETag.
    assert_eq!(w.ok(&["script", "search"]), want);
    assert_eq!(server.statuses("/index.json"), vec![200, 304]);
    drop(server);
    let (code, out, err) = w.run(&["script", "search"]);
    assert_eq!((code, out.as_str()), (0, want), "{err}");
    assert!(
        err.contains("the repository cannot be reached") && err.contains("using the cached index"),
        "{err}"
    );
    // Nothing cached and nothing to reach: a clear error.
    std::fs::remove_dir_all(w.repo_root().join(".cache")).unwrap();
    let (code, _, err) = w.run(&["script", "search"]);
    assert_eq!(code, 1);
    assert!(err.contains("no copy of the index is cached"), "{err}");
}

// ------------------------------------------------------------------------------------------
// The documentation's examples

/// Runs every ```console block of `doc`: each `$ ` line is a command run in the world (its
/// `rustirc` the binary under test), the lines after it up to the next `$ ` are its standard
/// output; `…` in an expected line stands for any text.
fn run_console_blocks(w: &World, doc: &str, server: &Server) -> usize {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs")
            .join(doc),
    )
    .unwrap();
    let mut ran = 0;
    let mut blocks = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for line in text.lines() {
        match (&mut cur, line.trim_end()) {
            (None, "```console") => cur = Some(Vec::new()),
            (Some(_), "```") => blocks.push(cur.take().unwrap()),
            (Some(b), l) => b.push(l.to_string()),
            (None, _) => {}
        }
    }
    for block in blocks {
        let mut i = 0;
        while i < block.len() {
            let Some(cmd) = block[i].strip_prefix("$ ") else {
                panic!("{doc}: '{}' is not a command", block[i]);
            };
            let mut expected = Vec::new();
            i += 1;
            while i < block.len() && !block[i].starts_with("$ ") {
                expected.push(block[i].clone());
                i += 1;
            }
            let words: Vec<String> = split_words(cmd)
                .into_iter()
                .map(|s| s.replace("http://scripts.example.org/", &server.url()))
                .collect();
            assert_eq!(words[0], "rustirc", "{doc}: {cmd}");
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let (_, out, err) = w.run(&args);
            let got: Vec<&str> = out.lines().collect();
            assert_eq!(got.len(), expected.len(), "{doc}: {cmd}:\n{out}{err}");
            for (g, e) in got.iter().zip(&expected) {
                let parts: Vec<&str> = e.split('…').collect();
                let mut rest = *g;
                let mut okay = rest.starts_with(parts[0]);
                for p in &parts[1..] {
                    match rest.find(p) {
                        Some(j) if okay => rest = &rest[j + p.len()..],
                        _ => okay = false,
                    }
                }
                okay &= g.ends_with(parts[parts.len() - 1]);
                okay &= parts.len() > 1 || g == e;
                assert!(okay, "{doc}: {cmd}: expected '{e}', got '{g}'\n{out}{err}");
            }
            if cmd.starts_with("rustirc repo init") {
                // The config file trusts the new key, as the text says to do.
                let key = std::fs::read_to_string(w.pubdir().join("key.pub")).unwrap();
                w.config("http://unused.invalid/", key.trim());
                let cfg = w.dir.join("home/config/rustirc/config.toml");
                let t = std::fs::read_to_string(&cfg)
                    .unwrap()
                    .replace("http://unused.invalid/", &server.url());
                std::fs::write(cfg, t).unwrap();
            }
            ran += 1;
        }
    }
    ran
}

/// Splits a command line at spaces, keeping "quoted words" whole.
fn split_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

#[test]
fn the_documented_examples_run() {
    let w = World::new("docs");
    let server = Server::start(&w.dir.join("pub"));
    // The scripts the examples publish.
    w.write(
        "greeter.mrc",
        "; name: Greeter\n; version: 1.0.0\n; author: ann\n; description: answers !hi in channels\n; permissions: network\non *:TEXT:!hi:#:msg # hello, $nick\n",
    );
    w.write(
        "seen.lua",
        "irc.add_command('seen', function(args) return 'seen ' .. (args[1] or '?') end)\n",
    );
    let n = run_console_blocks(&w, "repository-format.md", &server);
    assert!(n >= 4, "repository-format.md runs {n} commands");
    let n = run_console_blocks(&w, "manager.md", &server);
    assert!(n >= 8, "manager.md runs {n} commands");

    // The index.json example of repository-format.md is a valid index.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/repository-format.md"),
    )
    .unwrap();
    let start = text.find("```json\n").expect("a json block") + 8;
    let end = start + text[start..].find("```").unwrap();
    let index = rustirc_core::repo::Index::parse(&text.as_bytes()[start..end]).unwrap();
    assert_eq!(index.latest("greeter").unwrap().version, "1.1.0");
    assert_eq!(index.versions("greeter").len(), 2);
    assert_eq!(
        index.latest("seen").unwrap().dependencies["greeter"],
        "^1.0"
    );
    // The config example is a valid config.
    let start = text.find("```toml\n").expect("a toml block") + 8;
    let end = start + text[start..].find("```").unwrap();
    let s = rustirc_core::settings::Settings::parse(&text[start..end]).unwrap();
    assert_eq!(s.repository.trusted_keys.len(), 1);
}

// ------------------------------------------------------------------------------------------
// The headless client loads what is installed

/// A one-client IRC server: registers the client, echoes its JOINs, and hands its lines over.
struct FakeIrc {
    conn: TcpStream,
    reader: BufReader<TcpStream>,
}

impl FakeIrc {
    fn accept(listener: &TcpListener) -> FakeIrc {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let reader = BufReader::new(conn.try_clone().unwrap());
        FakeIrc { conn, reader }
    }

    fn send(&mut self, line: &str) {
        self.conn
            .write_all(format!("{line}\r\n").as_bytes())
            .unwrap();
    }

    /// Reads the client's lines, answering registration and JOINs, until one satisfies `want`.
    fn until(&mut self, want: impl Fn(&str) -> bool, seen: &mut Vec<String>) -> String {
        loop {
            let mut l = String::new();
            let n = self
                .reader
                .read_line(&mut l)
                .expect("the client's next line");
            assert!(n > 0, "the client closed the connection; it sent: {seen:?}");
            let l = l.trim_end().to_string();
            seen.push(l.clone());
            if l.starts_with("CAP LS") {
                self.send(":srv CAP * LS :");
            } else if l.starts_with("USER ") {
                self.send(":srv 001 bot :Welcome bot!b@h");
                self.send(":srv 376 bot :End of MOTD");
            } else if let Some(c) = l.strip_prefix("JOIN ") {
                self.send(&format!(":bot!b@h JOIN {c}"));
            } else if let Some(p) = l.strip_prefix("PING ") {
                self.send(&format!(":srv PONG srv {p}"));
            }
            if want(&l) {
                return l;
            }
        }
    }
}

#[test]
fn the_headless_client_loads_the_installed_enabled_scripts() {
    let (w, _server) = installed_world("headless");
    let other = w.write(
        "src/other.mrc",
        "; version: 1.0.0\non *:TEXT:!other:#:msg # other is loaded\n",
    );
    w.ok(&["repo", "add", "pub", other.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    w.ok(&["script", "install", "other"]);
    w.ok(&["script", "disable", "other"]);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args([
            "--headless",
            "--server",
            &format!("127.0.0.1:{port}"),
            "--nick",
            "bot",
            "--join",
            "#c",
            "--no-stdlib",
        ])
        .current_dir(&w.dir)
        .env("HOME", w.dir.join("home"))
        .env("XDG_CONFIG_HOME", w.dir.join("home/config"))
        .env("XDG_DATA_HOME", w.dir.join("home/data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut irc = FakeIrc::accept(&listener);
    let mut seen = Vec::new();
    irc.until(|l| l.starts_with("JOIN #c"), &mut seen);
    // The disabled script would answer the first; the enabled one answers the second.
    irc.send(":ann!a@h PRIVMSG #c :!other");
    irc.send(":ann!a@h PRIVMSG #c :!hi");
    let reply = irc.until(|l| l.starts_with("PRIVMSG #c"), &mut seen);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(reply, "PRIVMSG #c :hello from greeter 1.0.0");
}

#[test]
fn a_client_killed_in_the_middle_of_a_download_leaves_nothing_installed() {
    let (w, server) = installed_world("kill");
    server
        .state
        .lock()
        .unwrap()
        .stall
        .insert("/packages/greeter-1.1.0.tar.gz".into());
    let before = snapshot(&w.repo_root());
    let mut child = Command::new(env!("CARGO_BIN_EXE_rustirc"))
        .args(["script", "update"])
        .current_dir(&w.dir)
        .env("HOME", w.dir.join("home"))
        .env("XDG_CONFIG_HOME", w.dir.join("home/config"))
        .env("XDG_DATA_HOME", w.dir.join("home/data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until half the archive has arrived, then kill the client.
    let mut err = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut b = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("downloading greeter 1.1.0: ") {
        let n = std::io::Read::read(&mut err, &mut b).unwrap();
        assert!(n > 0, "no progress: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&b[..n]);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // What is installed is as it was; only the killed run's temporary folder is left.
    let after: BTreeMap<_, _> = snapshot(&w.repo_root())
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".tmp"))
        .collect();
    assert_eq!(after, before);
    assert!(w.repo_root().join(".tmp").exists());
    assert_eq!(
        w.loaded(),
        vec![w.repo_root().join("greeter/1.0.0/greeter.mrc")]
    );
    // The next run clears it and installs.
    server.state.lock().unwrap().stall.clear();
    assert_eq!(w.ok(&["script", "update"]), "greeter 1.0.0 → 1.1.0\n");
    assert!(!w.repo_root().join(".tmp").exists());
}

// ------------------------------------------------------------------------------------------
// HTTPS

/// An HTTPS server on loopback serving `root`'s files, with a certificate for 127.0.0.1
/// signed by its own authority (whose PEM is in `ca`).
struct TlsServer {
    port: u16,
    ca: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TlsServer {
    fn start(root: &Path, dir: &Path) -> TlsServer {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Private repository authority");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&key, &ca_cert, &ca_key)
            .unwrap();
        let ca = dir.join("private-ca.pem");
        std::fs::write(&ca, ca_cert.pem()).unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
        .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (root, sp) = (root.to_path_buf(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(tcp) = conn else { continue };
                let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)));
                let Ok(tls) = rustls::ServerConnection::new(config.clone()) else {
                    continue;
                };
                serve_tls(rustls::StreamOwned::new(tls, tcp), &root);
            }
        });
        TlsServer {
            port,
            ca,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Answers one GET over TLS with the file under `root` (a client that refuses the
/// certificate ends the handshake, and nothing is answered).
fn serve_tls(s: rustls::StreamOwned<rustls::ServerConnection, TcpStream>, root: &Path) {
    let mut s = support::answer_get(s, root);
    s.conn.send_close_notify();
    let _ = s.flush();
}

#[test]
fn a_private_https_repository_with_its_own_authority_works_through_ca_file() {
    let w = World::new("https");
    std::fs::create_dir_all(w.pubdir()).unwrap();
    let server = TlsServer::start(&w.pubdir(), &w.dir);
    w.ok(&["repo", "init", "pub"]);
    let key = std::fs::read_to_string(w.pubdir().join("key.pub")).unwrap();
    let src = w.write("src/greeter.mrc", GREETER_V1);
    w.ok(&["repo", "add", "pub", src.to_str().unwrap()]);
    w.ok(&["repo", "sign", "pub"]);
    let config = w.dir.join("home/config/rustirc/config.toml");

    // Without ca_file the server's certificate is not trusted: a clear refusal, nothing
    // fetched, cached or installed.
    w.config(&server.url(), key.trim());
    w.refused(
        &["script", "search", "hi"],
        "the server's certificate is not trusted",
    );
    w.refused(
        &["script", "install", "greeter"],
        "ca_file = \"PATH\" in [repository]",
    );
    assert!(!w.repo_root().join(".cache/index.json").exists());
    assert!(!w.repo_root().join("greeter").exists());

    // A ca_file that is not PEM is an error naming it.
    let bad = w.write("bad-ca.pem", "not a certificate\n");
    std::fs::write(
        &config,
        format!(
            "[repository]\nurl = \"{}\"\ntrusted_keys = [\"{}\"]\nca_file = \"{}\"\n",
            server.url(),
            key.trim(),
            bad.display()
        ),
    )
    .unwrap();
    w.refused(
        &["script", "search", "hi"],
        "bad-ca.pem: no CERTIFICATE block",
    );

    // With the authority's certificate: search, install and use over https.
    std::fs::write(
        &config,
        format!(
            "[repository]\nurl = \"{}\"\ntrusted_keys = [\"{}\"]\nca_file = \"{}\"\n",
            server.url(),
            key.trim(),
            server.ca.display()
        ),
    )
    .unwrap();
    let out = w.ok(&["script", "search", "hi"]);
    assert_eq!(out, "greeter 1.0.0 mrc - answers !hi in channels\n");
    let out = w.ok(&["script", "install", "greeter"]);
    assert_eq!(out, "greeter 1.0.0 installed\n");
    let v1 = w.repo_root().join("greeter/1.0.0/greeter.mrc");
    assert_eq!(w.loaded(), vec![v1.clone()]);
    w.replay(&v1, &hi_transcript("hello from greeter 1.0.0"));
}
