//! What each script may do beyond IRC and its own data folder, and the one place every
//! engine's attempts are checked ([`Permissions::check`]).
//!
//! ```toml
//! [permissions]
//! "bot.mrc" = ["network"]                               # any socket, any host, any port
//! "weather.mrc" = ["connect:api.weather.example:443"]   # only this host and port
//! "relay.mrc" = ["listen:6000-6010", "connect:*.example.net:*"]
//! "backup" = ["file-read:/home/me/notes", "run"]        # by the name its manifest gives
//! ```
//!
//! A key names scripts by the name their manifest gives (`; name: backup`), by file name
//! (`bot.mrc`) or by the path they were loaded from, with `*` and `?` wildcards; case is
//! ignored. Commands the user types are the user's own and are always allowed.
//!
//! The permissions:
//!
//! | Permission | Allows |
//! |---|---|
//! | `network` (`sockets` is the same) | every socket command, to any host and port, listening on any port, and `/dccserver` |
//! | `connect:HOST:PORT` | part of `network`: `/sockopen` and `/sockudp` to HOST on PORT (`*`, `N` or `N-M`) |
//! | `listen:PORT` | part of `network`: `/socklisten` and `/dccserver` on PORT, `/sockudp` bound to it |
//! | `file-read:PATH` | reading files in the folder PATH (or the file PATH) outside the data folder |
//! | `file-write:PATH` | reading and writing there |
//! | `run` | `/run`: starting programs |
//! | `ui` | what reaches outside the client's window: `/splay` (sounds) and `/tip` (desktop notifications); showing text, windows, `/beep`, `/flash` and `/titlebar` are allowed to every script |
//!
//! Beside the config, grants come from `--grant NAME=PERMISSION,…`, from what a built-in
//! script declares, and from the user's answers to permission requests (once, always, deny),
//! which are kept in the data folder's `permissions.json`. Every answer and every refused
//! attempt is appended to `audit.log` there, one JSON object per line.

use crate::persist::write_atomic;
use rustirc_lang::wild::wildmatch;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A port or a range of ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    /// Lowest allowed.
    pub low: u16,
    /// Highest allowed.
    pub high: u16,
}

impl Ports {
    /// Every port.
    pub const ANY: Ports = Ports {
        low: 0,
        high: u16::MAX,
    };

    fn parse(s: &str) -> Option<Ports> {
        if s == "*" {
            return Some(Ports::ANY);
        }
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let (low, high) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        (low <= high).then_some(Ports { low, high })
    }

    fn contains(self, port: u16) -> bool {
        (self.low..=self.high).contains(&port)
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Ports::ANY {
            write!(f, "*")
        } else if self.low == self.high {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}-{}", self.low, self.high)
        }
    }
}

/// One grant of a `[permissions]` list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Grant {
    /// `network` (or `sockets`): any socket.
    Network,
    /// `connect:HOST:PORT`.
    Connect {
        /// Host wildcard.
        host: String,
        /// Allowed remote ports.
        ports: Ports,
    },
    /// `listen:PORT` (`listen`: any).
    Listen {
        /// Allowed local ports.
        ports: Ports,
    },
    /// `file-read:PATH`: read files in or at this absolute path.
    FileRead(PathBuf),
    /// `file-write:PATH`: read and write files in or at this absolute path.
    FileWrite(PathBuf),
    /// `run`: start programs.
    Run,
    /// `ui`: sounds and desktop notifications.
    Ui,
}

impl TryFrom<String> for Grant {
    type Error = String;

    fn try_from(s: String) -> Result<Grant, String> {
        Grant::parse(&s)
    }
}

impl Grant {
    /// Reads one grant.
    ///
    /// # Errors
    /// A message saying what is wrong and what is expected.
    pub fn parse(s: &str) -> Result<Grant, String> {
        let t = s.trim();
        let bad = |why: &str| {
            format!("bad permission '{s}': {why} (expected \"network\", \"connect:HOST:PORT\", \"listen:PORT\", \"file-read:PATH\", \"file-write:PATH\", \"run\" or \"ui\")")
        };
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "network" | "sockets" => return Ok(Grant::Network),
            "listen" => return Ok(Grant::Listen { ports: Ports::ANY }),
            "run" => return Ok(Grant::Run),
            "ui" => return Ok(Grant::Ui),
            _ => {}
        }
        for (prefix, write) in [("file-read:", false), ("file-write:", true)] {
            if lower.starts_with(prefix) {
                let path = t[prefix.len()..].trim();
                if !Path::new(path).is_absolute() {
                    return Err(bad(
                        "the path must be absolute (a script's own files need no permission)",
                    ));
                }
                let path = normalize(Path::new(path));
                return Ok(if write {
                    Grant::FileWrite(path)
                } else {
                    Grant::FileRead(path)
                });
            }
        }
        if let Some(p) = lower.strip_prefix("listen:") {
            let ports = Ports::parse(p).ok_or_else(|| bad("the port must be *, N or N-M"))?;
            return Ok(Grant::Listen { ports });
        }
        if let Some(rest) = lower.strip_prefix("connect:") {
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| bad("a port is missing after the host"))?;
            if host.is_empty() {
                return Err(bad("the host is empty (use * for any)"));
            }
            let ports = Ports::parse(port).ok_or_else(|| bad("the port must be *, N or N-M"))?;
            let host = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            return Ok(Grant::Connect { host, ports });
        }
        Err(bad("unknown kind"))
    }

    /// Whether this grant allows `want`.
    pub fn allows(&self, want: &Want<'_>) -> bool {
        match (self, want) {
            (Grant::Network, Want::Net(_))
            | (Grant::Connect { .. } | Grant::Listen { .. }, Want::Net(NetUse::Use))
            | (Grant::Run, Want::Run(_))
            | (Grant::Ui, Want::Ui) => true,
            (Grant::Connect { host, ports }, Want::Net(NetUse::Connect(h, p))) => {
                ports.contains(*p) && wildmatch(host, h.trim_matches(['[', ']']), false)
            }
            (Grant::Listen { ports }, Want::Net(NetUse::Listen(p))) => {
                if *p == 0 {
                    *ports == Ports::ANY
                } else {
                    ports.contains(*p)
                }
            }
            (Grant::FileRead(g) | Grant::FileWrite(g), Want::Read(p))
            | (Grant::FileWrite(g), Want::Write(p)) => normalize(p).starts_with(g),
            _ => false,
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Network => write!(f, "network"),
            Grant::Connect { host, ports } => write!(f, "connect:{host}:{ports}"),
            Grant::Listen { ports } => write!(f, "listen:{ports}"),
            Grant::FileRead(p) => write!(f, "file-read:{}", p.display()),
            Grant::FileWrite(p) => write!(f, "file-write:{}", p.display()),
            Grant::Run => write!(f, "run"),
            Grant::Ui => write!(f, "ui"),
        }
    }
}

/// `path` with `.` and `..` taken out (without touching the disk).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// What a script's code tries to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want<'a> {
    /// Use the network.
    Net(NetUse<'a>),
    /// Read a file outside the data folder.
    Read(&'a Path),
    /// Write a file outside the data folder.
    Write(&'a Path),
    /// Start a program (`/run`), with its command line.
    Run(&'a str),
    /// Reach outside the client's window: play a sound, show a desktop notification.
    Ui,
}

impl Want<'_> {
    /// The permission a request asks for (the narrowest that would allow it).
    pub fn permission(&self) -> String {
        match self {
            Want::Net(NetUse::Connect(h, p)) => format!("connect:{h}:{p}"),
            Want::Net(NetUse::Listen(0)) => "listen".to_string(),
            Want::Net(NetUse::Listen(p)) => format!("listen:{p}"),
            Want::Net(NetUse::Use) => "network".to_string(),
            Want::Read(p) => format!("file-read:{}", normalize(p).display()),
            Want::Write(p) => format!("file-write:{}", normalize(p).display()),
            Want::Run(_) => "run".to_string(),
            Want::Ui => "ui".to_string(),
        }
    }

    /// What was attempted, in words.
    pub fn attempt(&self) -> String {
        match self {
            Want::Net(NetUse::Connect(h, p)) => format!("connect to {h} port {p}"),
            Want::Net(NetUse::Listen(0)) => "listen for connections".to_string(),
            Want::Net(NetUse::Listen(p)) => format!("listen on port {p}"),
            Want::Net(NetUse::Use) => "use sockets".to_string(),
            Want::Read(p) => format!("read {}", normalize(p).display()),
            Want::Write(p) => format!("write {}", normalize(p).display()),
            Want::Run(c) => format!("run {c}"),
            Want::Ui => "play sounds and show desktop notifications".to_string(),
        }
    }
}

/// What a script asks to do with the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetUse<'a> {
    /// Open a connection (or send a datagram) to a host and port.
    Connect(&'a str, u16),
    /// Listen on a local port (0: one the system picks).
    Listen(u16),
    /// Use a socket that is already open.
    Use,
}

/// A permission a script lacked, for the GUI to ask the user about
/// ([`crate::client::Outbox::permission_requests`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionRequest {
    /// The script's name (its manifest's, else its file name).
    pub script: String,
    /// The file it was loaded from.
    pub file: String,
    /// The permission that would allow the attempt (`network`, `connect:h:80`, `run` …).
    pub permission: String,
    /// What it tried (`connect to h port 80`).
    pub attempt: String,
}

/// The user's answer to a permission request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Granted until the script is reloaded.
    Once,
    /// Granted, kept in `permissions.json`.
    Always,
    /// Refused, kept in `permissions.json` (no more requests for it).
    Deny,
}

impl Decision {
    fn word(self) -> &'static str {
        match self {
            Decision::Once => "grant-once",
            Decision::Always => "grant-always",
            Decision::Deny => "deny",
        }
    }
}

/// The answers kept for one script: they stand while it declares the same permissions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// The permissions the script declared when the answers were given (`None`: answers
    /// given from the command line, which stand whatever it declares).
    #[serde(default)]
    pub declared: Option<Vec<String>>,
    /// Granted always.
    #[serde(default)]
    pub always: Vec<String>,
    /// Denied.
    #[serde(default)]
    pub denied: Vec<String>,
}

/// A loaded script as permissions see it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Known {
    file: String,
    name: String,
    declared: Vec<String>,
    builtin: bool,
}

/// Every source of grants, the user's answers, the audit log: the one gate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    entries: Vec<(String, Vec<Grant>)>,
    known: Vec<Known>,
    /// The kept answers, by lower-case script name.
    decisions: BTreeMap<String, Decisions>,
    /// Granted once, by lower-case script name (until it reloads).
    once: BTreeMap<String, Vec<Grant>>,
    /// The data folder (`permissions.json`, `audit.log`); `None` keeps nothing.
    dir: Option<PathBuf>,
    /// Requests since the client last collected them.
    requests: RefCell<Vec<PermissionRequest>>,
}

/// The file of kept answers in the data folder.
pub const DECISIONS_FILE: &str = "permissions.json";
/// The audit log in the data folder.
pub const AUDIT_FILE: &str = "audit.log";

/// The base name of a script's file.
fn base_name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

impl Permissions {
    /// Adds grants for the scripts `pattern` names.
    pub fn grant(&mut self, pattern: &str, grants: Vec<Grant>) {
        self.entries.push((pattern.to_string(), grants));
    }

    /// Whether no script has any grant.
    pub fn is_empty(&self) -> bool {
        self.entries.iter().all(|(_, g)| g.is_empty())
    }

    /// Keeps answers in `dir`'s `permissions.json` and the audit log in its `audit.log`;
    /// reads the answers kept there.
    ///
    /// # Errors
    /// When `permissions.json` cannot be read or is not valid.
    pub fn set_dir(&mut self, dir: &Path) -> Result<(), String> {
        self.decisions = load_decisions(dir)?;
        self.dir = Some(dir.to_path_buf());
        Ok(())
    }

    fn known(&self, file: &str) -> Option<&Known> {
        self.known.iter().find(|k| k.file == file)
    }

    /// The name of the script loaded from `file`: its manifest's, else its file name.
    pub fn name_of(&self, file: &str) -> String {
        self.known(file)
            .map_or_else(|| base_name(file), |k| k.name.clone())
    }

    /// Records a script as it loads (or reloads): its name and what it declares. A grant
    /// given once ends; kept answers end when it declares other permissions than when they
    /// were given. A built-in script is granted what it declares.
    pub fn register(&mut self, file: &str, name: &str, declared: &[String], builtin: bool) {
        let name = if name.is_empty() {
            base_name(file)
        } else {
            name.to_string()
        };
        let key = name.to_ascii_lowercase();
        self.once.remove(&key);
        let mut declared: Vec<String> = declared.iter().map(|d| d.trim().to_string()).collect();
        declared.sort();
        if let Some(d) = self.decisions.get(&key) {
            if d.declared.as_ref().is_some_and(|d| *d != declared) {
                self.decisions.remove(&key);
                self.save_decisions();
                self.audit(&name, file, "declared", &declared.join(","), "");
            }
        }
        self.known.retain(|k| k.file != file);
        self.known.push(Known {
            file: file.to_string(),
            name,
            declared,
            builtin,
        });
    }

    /// Every grant the script loaded from `file` has: the config's, `--grant`'s, a built-in
    /// script's declared ones, and the user's answers. (The Python worker's confinement reads
    /// these too.)
    pub fn grants_of(&self, file: &str) -> Vec<Grant> {
        let name = self.name_of(file);
        let base = base_name(file);
        let mut out: Vec<Grant> = self
            .entries
            .iter()
            .filter(|(p, _)| {
                wildmatch(p, &base, false)
                    || wildmatch(p, file, false)
                    || wildmatch(p, &name, false)
            })
            .flat_map(|(_, g)| g.iter().cloned())
            .collect();
        let key = name.to_ascii_lowercase();
        if let Some(k) = self.known(file).filter(|k| k.builtin) {
            out.extend(k.declared.iter().filter_map(|d| Grant::parse(d).ok()));
        }
        if let Some(d) = self.decisions.get(&key) {
            out.extend(d.always.iter().filter_map(|g| Grant::parse(g).ok()));
        }
        if let Some(g) = self.once.get(&key) {
            out.extend(g.iter().cloned());
        }
        out
    }

    /// Whether the script loaded from `file` may use the network this way.
    pub fn allows(&self, file: &str, what: NetUse<'_>) -> bool {
        self.grants_of(file)
            .iter()
            .any(|g| g.allows(&Want::Net(what)))
    }

    /// The one check every engine's attempt goes through: `Ok` when the script loaded from
    /// `file` may do `want` (with `command`, for the message); otherwise the error the script
    /// gets at once, with the refusal written to the audit log and, unless the user denied
    /// that permission, a request for the GUI.
    ///
    /// # Errors
    /// What was refused and how to allow it.
    pub fn check(&self, file: &str, command: &str, want: Want<'_>) -> Result<(), String> {
        if self.grants_of(file).iter().any(|g| g.allows(&want)) {
            return Ok(());
        }
        let name = self.name_of(file);
        let permission = want.permission();
        let attempt = want.attempt();
        self.audit(&name, file, "refused", &permission, &attempt);
        // A denied permission that covers the attempt asks no more.
        let denied = self
            .decisions
            .get(&name.to_ascii_lowercase())
            .is_some_and(|d| {
                d.denied
                    .iter()
                    .filter_map(|p| Grant::parse(p).ok())
                    .any(|g| g.allows(&want))
            });
        if !denied {
            let mut r = self.requests.borrow_mut();
            let req = PermissionRequest {
                script: name.clone(),
                file: file.to_string(),
                permission: permission.clone(),
                attempt,
            };
            if !r.contains(&req) {
                r.push(req);
            }
        }
        Err(match want {
            Want::Net(what) => Permissions::refusal_named(&name, command, what),
            _ => format!(
                "{}{name} is not allowed to {}; to allow it, grant it \"{permission}\" (rustirc perms grant {name} {permission}, or [permissions] \"{name}\" = [\"{permission}\"] in config.toml)",
                if command.is_empty() { String::new() } else { format!("/{command}: ") },
                want.attempt()
            ),
        })
    }

    /// The requests made since the last call.
    pub fn take_requests(&self) -> Vec<PermissionRequest> {
        std::mem::take(&mut *self.requests.borrow_mut())
    }

    /// The user's answer about `permission` for the script named `script` (its manifest
    /// name or file name): kept in `permissions.json` (unless given once) and written to the
    /// audit log.
    ///
    /// # Errors
    /// A permission that is not one, or a failure to save.
    pub fn decide(
        &mut self,
        script: &str,
        permission: &str,
        decision: Decision,
    ) -> Result<(), String> {
        let grant = Grant::parse(permission)?;
        let name = self
            .known
            .iter()
            .find(|k| {
                k.name.eq_ignore_ascii_case(script)
                    || base_name(&k.file).eq_ignore_ascii_case(script)
            })
            .map_or_else(|| script.to_string(), |k| k.name.clone());
        let key = name.to_ascii_lowercase();
        let file = self
            .known
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.file.clone())
            .unwrap_or_default();
        let text = grant.to_string();
        match decision {
            Decision::Once => self.once.entry(key).or_default().push(grant),
            Decision::Always | Decision::Deny => {
                let declared = self
                    .known
                    .iter()
                    .find(|k| k.name == name)
                    .map(|k| k.declared.clone());
                let d = self.decisions.entry(key).or_default();
                d.declared = declared;
                d.always.retain(|p| *p != text);
                d.denied.retain(|p| *p != text);
                if decision == Decision::Always {
                    d.always.push(text.clone());
                } else {
                    d.denied.push(text.clone());
                }
                self.save_decisions_checked()?;
            }
        }
        self.audit(&name, &file, decision.word(), &text, "");
        Ok(())
    }

    /// Takes back a kept answer about `permission` (granted or denied) for `script`;
    /// whether there was one.
    ///
    /// # Errors
    /// A failure to save.
    pub fn revoke(&mut self, script: &str, permission: &str) -> Result<bool, String> {
        let text = Grant::parse(permission)?.to_string();
        let key = script.to_ascii_lowercase();
        let Some(d) = self.decisions.get_mut(&key) else {
            return Ok(false);
        };
        let before = d.always.len() + d.denied.len();
        d.always.retain(|p| *p != text);
        d.denied.retain(|p| *p != text);
        let found = d.always.len() + d.denied.len() != before;
        if d.always.is_empty() && d.denied.is_empty() {
            self.decisions.remove(&key);
        }
        self.once.remove(&key);
        if found {
            self.save_decisions_checked()?;
            self.audit(script, "", "revoke", &text, "");
        }
        Ok(found)
    }

    /// Forgets every kept answer of `script` (every script's with `None`); scripts are
    /// asked again. Whether there was any.
    ///
    /// # Errors
    /// A failure to save.
    pub fn reset(&mut self, script: Option<&str>) -> Result<bool, String> {
        let found = match script {
            Some(s) => self.decisions.remove(&s.to_ascii_lowercase()).is_some(),
            None => !std::mem::take(&mut self.decisions).is_empty(),
        };
        match script {
            Some(s) => {
                self.once.remove(&s.to_ascii_lowercase());
            }
            None => self.once.clear(),
        }
        self.save_decisions_checked()?;
        self.audit(script.unwrap_or("*"), "", "reset", "", "");
        Ok(found)
    }

    /// The kept answers, by lower-case script name.
    pub fn decisions(&self) -> &BTreeMap<String, Decisions> {
        &self.decisions
    }

    fn save_decisions(&self) {
        let _ = self.save_decisions_checked();
    }

    fn save_decisions_checked(&self) -> Result<(), String> {
        match &self.dir {
            Some(dir) => save_decisions(dir, &self.decisions),
            None => Ok(()),
        }
    }

    /// Appends one line to the audit log (nothing without a data folder).
    fn audit(&self, script: &str, file: &str, event: &str, permission: &str, attempt: &str) {
        if let Some(dir) = &self.dir {
            let _ = append_audit(dir, script, file, event, permission, attempt);
        }
    }

    /// The error for a refused network command: which script, which command, and the line
    /// of `config.toml` that would allow it.
    pub fn refusal(file: &str, command: &str, what: NetUse<'_>) -> String {
        Permissions::refusal_named(&base_name(file), command, what)
    }

    fn refusal_named(name: &str, command: &str, what: NetUse<'_>) -> String {
        let (doing, grant) = match what {
            NetUse::Connect(h, p) => (
                format!("connect to {h} port {p}"),
                format!("[\"connect:{h}:{p}\"]"),
            ),
            NetUse::Listen(0) => ("listen for connections".to_string(), "[\"listen\"]".into()),
            NetUse::Listen(p) => (format!("listen on port {p}"), format!("[\"listen:{p}\"]")),
            NetUse::Use => ("use sockets".to_string(), "[\"network\"]".to_string()),
        };
        format!(
            "/{command}: {name} is not allowed to {doing}; to allow it, add to config.toml: [permissions] \"{name}\" = {grant} (or [\"network\"] for any socket)"
        )
    }
}

/// Reads the kept answers of a data folder (none when the file is missing).
///
/// # Errors
/// When the file cannot be read or is not valid, naming it.
pub fn load_decisions(dir: &Path) -> Result<BTreeMap<String, Decisions>, String> {
    let path = dir.join(DECISIONS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the kept answers of a data folder (atomically).
///
/// # Errors
/// When the file cannot be written, naming it.
pub fn save_decisions(dir: &Path, d: &BTreeMap<String, Decisions>) -> Result<(), String> {
    let path = dir.join(DECISIONS_FILE);
    let text = serde_json::to_string_pretty(d).map_err(|e| e.to_string())?;
    write_atomic(&path, format!("{text}\n").as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Appends one event to a data folder's audit log, written before it returns.
///
/// # Errors
/// When the log cannot be opened or written.
pub fn append_audit(
    dir: &Path,
    script: &str,
    file: &str,
    event: &str,
    permission: &str,
    attempt: &str,
) -> std::io::Result<()> {
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let line = serde_json::json!({
        "time": time,
        "script": script,
        "file": file,
        "event": event,
        "permission": permission,
        "attempt": attempt,
    });
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(AUDIT_FILE))?;
    // One write of the whole line on an unbuffered file: in the system's hands when this
    // returns, so a crash of the client loses nothing. (No fsync per line: a script refused in
    // a loop would stall the client on the disk.)
    f.write_all(format!("{line}\n").as_bytes())
}

/// `[permissions]` as it is written in `config.toml` (script pattern → grants).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct PermissionSettings(pub BTreeMap<String, Vec<Grant>>);

impl PermissionSettings {
    /// The permissions these settings give.
    pub fn to_permissions(&self) -> Permissions {
        let mut p = Permissions::default();
        for (k, g) in &self.0 {
            p.grant(k, g.clone());
        }
        p
    }
}

/// `NAME=PERMISSION[,PERMISSION]` of `--grant`.
///
/// # Errors
/// What is wrong with it.
pub fn parse_grant_flag(s: &str) -> Result<(String, Vec<Grant>), String> {
    let (name, list) = s
        .split_once('=')
        .filter(|(n, l)| !n.trim().is_empty() && !l.trim().is_empty())
        .ok_or_else(|| format!("--grant {s}: expected NAME=PERMISSION[,PERMISSION]"))?;
    let grants = list
        .split(',')
        .map(|g| Grant::parse(g).map_err(|e| format!("--grant {s}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((name.trim().to_string(), grants))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse_and_print() {
        for s in [
            "network",
            "run",
            "ui",
            "file-read:/home/me/notes",
            "file-write:/tmp",
            "connect:api.example.com:443",
            "connect:*:*",
            "listen:6000-6010",
        ] {
            assert_eq!(Grant::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Grant::parse("listen").unwrap().to_string(), "listen:*");
        assert_eq!(Grant::parse("sockets").unwrap(), Grant::Network);
        assert_eq!(
            Grant::parse("file-read:/a/./b/../c").unwrap(),
            Grant::FileRead(PathBuf::from("/a/c"))
        );
        assert_eq!(
            Grant::parse("connect:[::1]:80").unwrap(),
            Grant::Connect {
                host: "::1".into(),
                ports: Ports { low: 80, high: 80 }
            }
        );
        for bad in [
            "socket",
            "connect:host",
            "connect::80",
            "listen:99999",
            "listen:9-1",
            "file-read:notes",
            "execute",
        ] {
            let e = Grant::parse(bad).unwrap_err();
            assert!(e.contains(bad) && e.contains("expected"), "{e}");
        }
    }

    #[test]
    fn scripts_get_only_their_grants() {
        let mut p = Permissions::default();
        p.grant("bot.mrc", vec![Grant::Network]);
        p.grant(
            "weather*.mrc",
            vec![Grant::parse("connect:*.weather.example:443").unwrap()],
        );
        p.grant("relay.mrc", vec![Grant::parse("listen:6000-6010").unwrap()]);
        assert!(p.allows("/home/me/scripts/BOT.mrc", NetUse::Connect("x", 1)));
        assert!(p.allows("bot.mrc", NetUse::Listen(0)));
        assert!(p.allows("weather2.mrc", NetUse::Connect("api.weather.example", 443)));
        assert!(!p.allows("weather2.mrc", NetUse::Connect("api.weather.example", 80)));
        assert!(!p.allows("weather2.mrc", NetUse::Connect("evil.example", 443)));
        assert!(!p.allows("weather2.mrc", NetUse::Listen(443)));
        assert!(p.allows("weather2.mrc", NetUse::Use));
        assert!(p.allows("relay.mrc", NetUse::Listen(6005)));
        assert!(!p.allows("relay.mrc", NetUse::Listen(0)));
        assert!(!p.allows("relay.mrc", NetUse::Listen(7000)));
        assert!(!p.allows("other.mrc", NetUse::Use));
        let e = Permissions::refusal("/x/other.mrc", "sockopen", NetUse::Connect("h", 80));
        assert!(e.starts_with("/sockopen: other.mrc is not allowed to connect to h port 80"));
        assert!(e.contains("\"other.mrc\" = [\"connect:h:80\"]"), "{e}");
    }

    #[test]
    fn files_run_and_names() {
        let mut p = Permissions::default();
        p.grant("backup", vec![Grant::parse("file-read:/home/me").unwrap()]);
        p.grant(
            "w.mrc",
            vec![Grant::parse("file-write:/tmp/out").unwrap(), Grant::Run],
        );
        p.register("/s/b.mrc", "backup", &["file-read:/home/me".into()], false);
        assert!(p
            .check("/s/b.mrc", "write", Want::Read(Path::new("/home/me/x/y")))
            .is_ok());
        assert!(p
            .check("/s/b.mrc", "write", Want::Write(Path::new("/home/me/x")))
            .is_err());
        assert!(p
            .check("/s/b.mrc", "write", Want::Read(Path::new("/home/meow")))
            .is_err());
        assert!(p.check("/s/b.mrc", "run", Want::Run("ls")).is_err());
        assert!(p.check("/s/w.mrc", "run", Want::Run("ls")).is_ok());
        assert!(p
            .check("/s/w.mrc", "x", Want::Read(Path::new("/tmp/out/a")))
            .is_ok());
        assert!(p
            .check("/s/w.mrc", "x", Want::Write(Path::new("/tmp/out/../x")))
            .is_err());
        // File grants are not network grants.
        assert!(!p.allows("/s/w.mrc", NetUse::Use));
        let r = p.take_requests();
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(r[0].script, "backup");
        assert_eq!(r[0].permission, "file-write:/home/me/x");
        assert_eq!(r[2].permission, "run");
        assert_eq!(r[3].permission, "file-write:/tmp/x");
        // A built-in script gets what it declares.
        p.register(
            "/d/scripts/stdlib/log.mrc",
            "logging",
            &["run".into()],
            true,
        );
        assert!(p
            .check("/d/scripts/stdlib/log.mrc", "run", Want::Run("x"))
            .is_ok());
    }

    #[test]
    fn answers_stand_until_the_declaration_changes() {
        let dir = std::env::temp_dir().join(format!("rustirc-perm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut p = Permissions::default();
        p.set_dir(&dir).unwrap();
        p.register("/s/a.mrc", "", &["run".into()], false);
        assert!(p.check("/s/a.mrc", "run", Want::Run("x")).is_err());
        p.decide("a.mrc", "run", Decision::Once).unwrap();
        assert!(p.check("/s/a.mrc", "run", Want::Run("x")).is_ok());
        p.register("/s/a.mrc", "", &["run".into()], false);
        assert!(
            p.check("/s/a.mrc", "run", Want::Run("x")).is_err(),
            "once ends at a reload"
        );
        p.decide("a.mrc", "run", Decision::Always).unwrap();
        let mut q = Permissions::default();
        q.set_dir(&dir).unwrap();
        q.register("/s/a.mrc", "", &["run".into()], false);
        assert!(
            q.check("/s/a.mrc", "run", Want::Run("x")).is_ok(),
            "kept on disk"
        );
        q.register("/s/a.mrc", "", &["run".into(), "network".into()], false);
        assert!(
            q.check("/s/a.mrc", "run", Want::Run("x")).is_err(),
            "new declaration"
        );
        q.decide("a.mrc", "run", Decision::Deny).unwrap();
        q.take_requests();
        assert!(q.check("/s/a.mrc", "run", Want::Run("x")).is_err());
        assert!(q.take_requests().is_empty(), "no request after a deny");
        let log = std::fs::read_to_string(dir.join(AUDIT_FILE)).unwrap();
        let events: Vec<String> = log
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["event"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            events,
            [
                "refused",
                "grant-once",
                "refused",
                "grant-always",
                "declared",
                "refused",
                "deny",
                "refused"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
