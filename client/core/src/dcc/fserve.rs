//! DCC file servers and the DCC Server protocol, without the client: the folder a file server
//! session is in and the commands its user types (`cd`, `dir`, `get`, `read`), kept inside
//! the session's home folder; and the one line that opens a connection to the DCC server
//! (`100 nick`, `110 nick`, `120 nick size file`). The connections and the events they raise
//! are the client's (`client/dcc.rs`).
//!
//! A file server user never reaches a file outside the home folder: a path is read from the
//! session's folder, `..` may not climb above the home folder, and whatever a name resolves to
//! (symbolic links included) must lie inside the home folder's real path.
//!
//! The DCC Server protocol is mIRC's: <https://www.mirc.com/help/html/dcc_server_protocol.html>.

use std::path::{Path, PathBuf};

/// How long a file server session may go without a line from its user, in milliseconds.
pub const FSERVE_IDLE_MS: u64 = 300_000;
/// The largest file `read` sends as lines; bigger ones are to be fetched with `get`. A read
/// is sent whole at once, so this bounds what one command can queue on the connection.
pub const READ_MAX: u64 = 64 * 1024;
/// The most entries `dir` lists; a bigger folder's listing ends with how many were left out.
pub const DIR_MAX: usize = 500;
/// The default port of the DCC server (mIRC's).
pub const DCCSERVER_PORT: u16 = 59;
/// The longest first line a DCC server connection may send; a longer one is refused.
pub const REQUEST_MAX: usize = 1024;
/// How long a DCC server connection may take to send its first line, in milliseconds.
pub const REQUEST_TIMEOUT_MS: u64 = 60_000;
/// The most DCC server connections that may be waiting for their first line at once.
pub const MAX_HANDSHAKES: usize = 8;

/// What a file server session's user sees of the commands.
pub const HELP: &[&str] = &[
    "Commands: cd FOLDER (cd .. goes up, cd / to the top), dir or ls (the files here),",
    "get FILE (sends it to you), read FILE (shows a text file), help, exit (or quit, bye)",
];

/// One file server session: its home folder, the folder its user is in, how many files it
/// may send at once.
#[derive(Clone, Debug)]
pub struct Fserve {
    /// The home folder's real path (symbolic links resolved).
    pub home: PathBuf,
    /// The folder the user is in, as names below `home`.
    pub cwd: Vec<String>,
    /// The most files sent to the user at once.
    pub max_gets: usize,
    /// The welcome file, whose lines the user is sent when the session opens.
    pub welcome: Option<PathBuf>,
}

impl Fserve {
    /// A session in `home` (which must exist; its real path is kept).
    ///
    /// # Errors
    /// When `home` is not a folder.
    pub fn new(home: &Path, max_gets: usize, welcome: Option<PathBuf>) -> Result<Fserve, String> {
        let home = std::fs::canonicalize(home).map_err(|e| format!("'{}': {e}", home.display()))?;
        if !home.is_dir() {
            return Err(format!("'{}' is not a folder", home.display()));
        }
        Ok(Fserve {
            home,
            cwd: Vec::new(),
            max_gets,
            welcome,
        })
    }

    /// `$cd`: the folder the user is in, from the home folder: `/`, `/music/live`.
    pub fn cd_text(&self) -> String {
        format!("/{}", self.cwd.join("/"))
    }

    /// Where `arg` leads from the session's folder: the names below the home folder and the
    /// real path. `/` (or `\`) starts from the home folder, `..` goes up.
    ///
    /// # Errors
    /// When the path climbs above the home folder, names a drive, does not exist, or leads
    /// outside the home folder (a symbolic link).
    pub fn resolve(&self, arg: &str) -> Result<(Vec<String>, PathBuf), String> {
        let arg = arg.trim().trim_matches('"');
        if arg.contains(':') || arg.chars().any(char::is_control) {
            return Err(format!("'{arg}' is not a path here"));
        }
        let mut names = if arg.starts_with(['/', '\\']) {
            Vec::new()
        } else {
            self.cwd.clone()
        };
        for part in arg.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    if names.pop().is_none() {
                        return Err(format!("'{arg}' is above the top folder"));
                    }
                }
                name => names.push(name.to_string()),
            }
        }
        let mut full = self.home.clone();
        for n in &names {
            full.push(n);
        }
        let real = std::fs::canonicalize(&full).map_err(|_| format!("'{arg}' does not exist"))?;
        if !real.starts_with(&self.home) {
            return Err(format!("'{arg}' is outside the file server's folder"));
        }
        Ok((names, real))
    }

    /// `cd FOLDER`.
    ///
    /// # Errors
    /// See [`Fserve::resolve`]; or it is not a folder.
    pub fn cd(&mut self, arg: &str) -> Result<(), String> {
        let arg = if arg.trim().is_empty() { "/" } else { arg };
        let (names, real) = self.resolve(arg)?;
        if !real.is_dir() {
            return Err(format!("'{}' is not a folder", arg.trim()));
        }
        self.cwd = names;
        Ok(())
    }

    /// `dir`: the session's folder, folders first, each sorted by name, files with their
    /// sizes. Hidden entries (a leading `.`) and those leading outside the home folder are
    /// left out.
    ///
    /// # Errors
    /// When the folder cannot be read.
    pub fn list(&self) -> Result<Vec<String>, String> {
        let (_, here) = self.resolve(".")?;
        let entries = std::fs::read_dir(&here).map_err(|e| format!("cannot list: {e}"))?;
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let Ok(real) = std::fs::canonicalize(e.path()) else {
                continue;
            };
            if !real.starts_with(&self.home) {
                continue;
            }
            let Ok(meta) = std::fs::metadata(&real) else {
                continue;
            };
            if meta.is_dir() {
                dirs.push(name);
            } else if meta.is_file() {
                files.push((name, meta.len()));
            }
        }
        dirs.sort();
        files.sort();
        let total = dirs.len() + files.len();
        let mut out = vec![format!("Listing of {}:", self.cd_text())];
        out.extend(dirs.iter().map(|d| format!("  {d}/")));
        out.extend(files.iter().map(|(f, n)| format!("  {f}  {n} bytes")));
        if out.len() > DIR_MAX + 1 {
            out.truncate(DIR_MAX + 1);
            out.push(format!("  … and {} more", total - DIR_MAX));
        }
        out.push(format!(
            "End of list: {}, {}",
            count(dirs.len(), "folder"),
            count(files.len(), "file")
        ));
        Ok(out)
    }

    /// A file the user names (`get`, `read`): its real path and size.
    ///
    /// # Errors
    /// See [`Fserve::resolve`]; or it is not a file.
    pub fn file(&self, arg: &str) -> Result<(PathBuf, u64), String> {
        if arg.trim().is_empty() {
            return Err("which file?".to_string());
        }
        let (_, real) = self.resolve(arg)?;
        let meta = std::fs::metadata(&real).map_err(|e| format!("'{}': {e}", arg.trim()))?;
        if !meta.is_file() {
            return Err(format!("'{}' is not a file", arg.trim()));
        }
        Ok((real, meta.len()))
    }

    /// `read FILE`: its lines.
    ///
    /// # Errors
    /// See [`Fserve::file`]; or it is bigger than [`READ_MAX`].
    pub fn read(&self, arg: &str) -> Result<Vec<String>, String> {
        let (path, size) = self.file(arg)?;
        if size > READ_MAX {
            return Err(format!(
                "'{}' is {size} bytes, more than read shows ({READ_MAX}): get it instead",
                arg.trim()
            ));
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("'{}': {e}", arg.trim()))?;
        Ok(text_lines(&bytes))
    }
}

/// `1 file`, `2 files`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The lines of a text file, without their line ends.
pub fn text_lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect()
}

/// The kinds of connection the DCC server takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerKinds {
    /// `c`: chats (`100`).
    pub chat: bool,
    /// `s`: files sent to us (`120`).
    pub send: bool,
    /// `f`: file server sessions (`110`).
    pub fserve: bool,
}

impl Default for ServerKinds {
    fn default() -> ServerKinds {
        ServerKinds {
            chat: true,
            send: true,
            fserve: true,
        }
    }
}

impl ServerKinds {
    /// The kinds taken, as `/dccserver` letters (`csf`), or `none`.
    pub fn letters(self) -> String {
        let s: String = [(self.chat, 'c'), (self.send, 's'), (self.fserve, 'f')]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, c)| *c)
            .collect();
        if s.is_empty() {
            "none".to_string()
        } else {
            s
        }
    }
}

/// What `/dccserver [+|-csf] [on|off] [port]` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerArgs {
    /// Kinds to take (`+`) or refuse (`-`), as (letter, on).
    pub kinds: Vec<(char, bool)>,
    /// `on` or `off`.
    pub on: Option<bool>,
    /// The port to listen on.
    pub port: Option<u16>,
}

impl ServerArgs {
    /// Reads `/dccserver`'s words: `+cs`, `-f`, `+ c s`, `on`, `off`, a port.
    ///
    /// # Errors
    /// A word that is none of these, with what is allowed.
    pub fn parse(args: &str) -> Result<ServerArgs, String> {
        let mut out = ServerArgs::default();
        let mut sign: Option<bool> = None;
        for w in args.split_whitespace() {
            let lower = w.to_ascii_lowercase();
            let (letters, on) = if let Some(rest) = lower.strip_prefix('+') {
                (rest, true)
            } else if let Some(rest) = lower.strip_prefix('-') {
                (rest, false)
            } else if lower == "on" || lower == "off" {
                out.on = Some(lower == "on");
                continue;
            } else if let Ok(p) = lower.parse::<u16>() {
                out.port = Some(p);
                continue;
            } else if let Some(on) = sign.filter(|_| lower.chars().all(|c| "csf".contains(c))) {
                (lower.as_str(), on)
            } else {
                return Err(format!(
                    "'{w}' is not a /dccserver word: use +csf or -csf, on or off, and a port"
                ));
            };
            sign = Some(on);
            for c in letters.chars() {
                if !"csf".contains(c) {
                    return Err(format!(
                        "'{c}' in '{w}' is not a DCC server kind: use c (chat), s (send), f (fserve)"
                    ));
                }
                out.kinds.push((c, on));
            }
        }
        Ok(out)
    }
}

/// The first line a DCC server connection sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `100 nick`: a chat.
    Chat {
        /// Who asks.
        nick: String,
    },
    /// `110 nick`: a file server session.
    Fserve {
        /// Who asks.
        nick: String,
    },
    /// `120 nick size file`: a file they send us.
    Send {
        /// Who sends.
        nick: String,
        /// The file's size.
        size: u64,
        /// The file's name, as given (checked by [`super::safe_file_name`] before use).
        name: String,
    },
}

impl Request {
    /// Who asks.
    pub fn nick(&self) -> &str {
        match self {
            Request::Chat { nick } | Request::Fserve { nick } | Request::Send { nick, .. } => nick,
        }
    }

    /// `Chat`, `Send` or `Fserve`: what `on DCCSERVER` matches.
    pub fn word(&self) -> &'static str {
        match self {
            Request::Chat { .. } => "Chat",
            Request::Fserve { .. } => "Fserve",
            Request::Send { .. } => "Send",
        }
    }

    /// The refusal's number: 150 (chat), 151 (send), 152 (fserve).
    pub fn refusal(&self) -> u16 {
        match self {
            Request::Chat { .. } => 150,
            Request::Send { .. } => 151,
            Request::Fserve { .. } => 152,
        }
    }

    /// Reads the line (without its line end).
    ///
    /// # Errors
    /// A line that is no request, with why.
    pub fn parse(line: &str) -> Result<Request, String> {
        let mut words = line.split(' ').filter(|w| !w.is_empty());
        let code = words.next().unwrap_or("");
        let nick = words
            .next()
            .ok_or_else(|| format!("'{line}' names no nick"))?
            .to_string();
        match code {
            "100" => Ok(Request::Chat { nick }),
            "110" => Ok(Request::Fserve { nick }),
            "120" => {
                let size = words
                    .next()
                    .and_then(|w| w.parse().ok())
                    .ok_or_else(|| format!("'{line}' has no file size"))?;
                let name: Vec<&str> = words.collect();
                let name = name.join(" ");
                let name = name.trim_matches('"').to_string();
                if name.is_empty() {
                    return Err(format!("'{line}' names no file"));
                }
                Ok(Request::Send { nick, size, name })
            }
            _ => Err(format!("'{line}' is not a DCC server request")),
        }
    }
}
