//! DCC: chats and file transfers straight between two clients, offered over IRC with a CTCP
//! (`DCC CHAT chat <ip> <port>`, `DCC SEND <file> <ip> <port> <size>`) and run over a TCP
//! connection of their own. This module holds what is needed without the client: reading and
//! writing the offers, the settings (who may open a connection to us, where files go, how
//! big they may be), and the book of chats and transfers with their byte counts. The
//! connections themselves run on the sockets' driver ([`crate::sockets`]); the client (in
//! `client/dcc.rs`) turns its reports into `CHAT`, `FILESENT`, `FILERCVD`, `SENDFAIL` and
//! `GETFAIL` events. File server sessions and the DCC server's requests are in [`fserve`].
//!
//! A file transfer follows the usual DCC SEND protocol: the sender writes the file, and the
//! receiver answers each block with the number of bytes it has received so far, as a 4-byte
//! big-endian number (modulo 2³²). The sender keeps at most [`SEND_AHEAD`] bytes unanswered
//! and the transfer is over when the answer reaches the file's size.

use crate::sockets::SockId;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

pub mod fserve;
#[cfg(test)]
mod tests;

pub use fserve::{Fserve, Request, ServerArgs, ServerKinds};

/// How many bytes a send writes before the receiver has answered for them.
pub const SEND_AHEAD: u64 = 256 * 1024;
/// Bytes read from a file and written at a time.
pub const BLOCK: usize = 16 * 1024;
/// The longest line a chat keeps waiting for its line end; a longer one is cut there.
pub const CHAT_LINE_MAX: usize = 16 * 1024;
/// How long an offer we made waits for the other side, and an offer we got waits for
/// `/dcc accept`, in milliseconds.
pub const OFFER_TIMEOUT_MS: u64 = 180_000;
/// The most chats and transfers open (or offered) at once; offers beyond it are refused.
pub const MAX_SESSIONS: usize = 32;
/// The most offers kept waiting for `/dcc accept`; a newer one pushes the oldest out.
pub const MAX_WAITING: usize = 20;
/// How long an open transfer may go without receiving anything, in milliseconds.
pub const IDLE_TIMEOUT_MS: u64 = 300_000;
/// The largest file accepted when no `max_size` is set: 1 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 1 << 30;

/// Who may start a DCC connection to us: the `accept` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Accept {
    /// Offers wait for `/dcc accept nick` (a status line says so); what mIRC's dialog asks.
    #[default]
    Ask,
    /// Offers are ignored.
    Never,
    /// Offers from users in the user list (`/auser`, `users.ini`) are accepted; others wait
    /// for `/dcc accept`, as with `Ask`.
    Users,
    /// Every offer is accepted.
    Always,
}

impl Accept {
    /// Reads `ask`, `never`, `users` or `always`.
    ///
    /// # Errors
    /// Anything else, with the words allowed.
    pub fn parse(s: &str) -> Result<Accept, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ask" => Ok(Accept::Ask),
            "never" => Ok(Accept::Never),
            "users" => Ok(Accept::Users),
            "always" => Ok(Accept::Always),
            _ => Err(format!(
                "'{s}' is not a DCC accept setting: use ask, never, users or always"
            )),
        }
    }
}

/// What a peer may make us do: the `[dcc]` table of `config.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DccSettings {
    /// Who may open a chat or send us a file.
    pub accept: Accept,
    /// Where received files go; `None`: `downloads` in the data folder (no data folder: files
    /// are refused).
    pub downloads: Option<PathBuf>,
    /// The largest file accepted (an offer of a bigger one is refused, and a transfer that
    /// grows past its offered size fails).
    pub max_size: u64,
    /// The address our offers give; `None`: the one the system would use to reach the IRC
    /// server, else 127.0.0.1.
    pub ip: Option<IpAddr>,
    /// The home folder of file server sessions opened through the DCC server, inside the data
    /// folder; `None`: `fserve` in the data folder.
    pub fserve_home: Option<PathBuf>,
    /// The most files such a session sends at once.
    pub fserve_gets: usize,
}

impl Default for DccSettings {
    fn default() -> DccSettings {
        DccSettings {
            accept: Accept::Ask,
            downloads: None,
            max_size: DEFAULT_MAX_SIZE,
            ip: None,
            fserve_home: None,
            fserve_gets: 3,
        }
    }
}

/// What a `DCC` CTCP offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfferKind {
    /// A chat.
    Chat,
    /// A file: its name (as offered, checked by [`safe_file_name`] before use) and size
    /// (0 when not given).
    Send {
        /// The file's name.
        name: String,
        /// Its size in bytes.
        size: u64,
    },
}

/// A `DCC CHAT` or `DCC SEND` CTCP read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Chat or file.
    pub kind: OfferKind,
    /// The address to connect to.
    pub ip: IpAddr,
    /// The port (0: a passive offer, which asks us to listen instead).
    pub port: u16,
    /// The token of a passive offer.
    pub token: Option<String>,
}

/// Splits off the first word, or a `"quoted name"`.
fn first_word(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('"') {
        let end = rest.find('"')?;
        return Some((rest[..end].to_string(), &rest[end + 1..]));
    }
    if s.is_empty() {
        return None;
    }
    let (w, rest) = s.split_once(' ').unwrap_or((s, ""));
    Some((w.to_string(), rest))
}

/// Reads an address as DCC writes it: an IPv4 address as one decimal number, or IPv6 (or
/// dotted IPv4) text.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(n) = s.parse::<u32>() {
        return Some(IpAddr::V4(Ipv4Addr::from(n)));
    }
    s.parse().ok()
}

/// Writes an address the way DCC offers give it.
pub fn format_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => u32::from(v4).to_string(),
        IpAddr::V6(v6) => v6.to_string(),
    }
}

/// A file name as an offer gives it: quoted when it holds a space.
pub fn quote_name(name: &str) -> String {
    if name.contains(' ') {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// Reads the arguments of a `DCC` CTCP (`CHAT chat 2130706433 5000`, `SEND "a b.txt"
/// 2130706433 5000 1024`). `Ok(None)` for DCC requests that are not offers of a chat or a
/// file (`RESUME`, `ACCEPT` …).
///
/// # Errors
/// An offer that cannot be read, with why.
pub fn parse_offer(args: &str) -> Result<Option<Offer>, String> {
    let (kind, rest) = first_word(args).ok_or("an empty DCC request")?;
    let kind = kind.to_ascii_uppercase();
    let (kind, rest) = match kind.as_str() {
        "CHAT" => {
            let (_, rest) = first_word(rest).ok_or("DCC CHAT without its protocol word")?;
            (OfferKind::Chat, rest)
        }
        "SEND" => {
            let (name, rest) = first_word(rest).ok_or("DCC SEND without a file name")?;
            (OfferKind::Send { name, size: 0 }, rest)
        }
        _ => return Ok(None),
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    let ip = words
        .first()
        .and_then(|w| parse_ip(w))
        .ok_or("the offer has no address")?;
    let port: u16 = words
        .get(1)
        .and_then(|w| w.parse().ok())
        .ok_or("the offer has no port")?;
    let (kind, next) = match kind {
        OfferKind::Send { name, .. } => {
            let size = match words.get(2) {
                Some(w) => w.parse().map_err(|_| format!("'{w}' is not a file size"))?,
                None => 0,
            };
            (OfferKind::Send { name, size }, 3)
        }
        chat => (chat, 2),
    };
    let token = words.get(next).map(|t| (*t).to_string());
    Ok(Some(Offer {
        kind,
        ip,
        port,
        token,
    }))
}

/// The CTCP arguments of an offer (after `DCC`).
pub fn format_offer(kind: &OfferKind, ip: IpAddr, port: u16) -> String {
    let ip = format_ip(ip);
    match kind {
        OfferKind::Chat => format!("CHAT chat {ip} {port}"),
        OfferKind::Send { name, size } => format!("SEND {} {ip} {port} {size}", quote_name(name)),
    }
}

/// Whether an offered file name is safe to create in the downloads folder: a plain name, with
/// no path separators, no `..`, no control characters, not hidden (a leading `.`) and not
/// overlong.
pub fn safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains("..")
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control())
}

/// A path for `name` in `dir` that is not taken yet: `name` itself, else `stem_1.ext`,
/// `stem_2.ext` … (files are never overwritten).
pub fn free_path(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (1..)
        .map(|n| dir.join(format!("{stem}_{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// An acknowledgement: the bytes received so far, modulo 2³², big-endian.
pub fn ack_bytes(received: u64) -> [u8; 4] {
    ((received & 0xffff_ffff) as u32).to_be_bytes()
}

/// Whether an acknowledgement says all of `size` arrived.
pub fn acked_all(ack: u32, size: u64) -> bool {
    u64::from(ack) == size & 0xffff_ffff
}

/// Chat, file sent, or file received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A chat (`=nick`).
    Chat,
    /// A file we send.
    Send,
    /// A file we receive.
    Get,
    /// A file server session (`/fserve`): a chat whose lines are commands.
    Fserve,
}

impl Kind {
    /// `chat`, `send`, `get`.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Chat => "chat",
            Kind::Send => "send",
            Kind::Get => "get",
            Kind::Fserve => "fserve",
        }
    }
}

/// Where a chat or transfer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// We offered it and listen for the other side.
    Waiting,
    /// We accepted an offer and connect.
    Connecting,
    /// The connection is open.
    Active,
}

/// One chat or transfer.
#[derive(Debug)]
pub struct Session {
    /// Its connection (the listening socket while [`Stage::Waiting`]).
    pub id: SockId,
    /// Chat, send or get.
    pub kind: Kind,
    /// The other side's nick.
    pub nick: String,
    /// Their `user@host`, when known.
    pub address: Option<String>,
    /// The IRC connection the offer came or went on (`$cid`).
    pub cid: u32,
    /// The other side's address and port, once known.
    pub ip: String,
    /// See `ip`.
    pub port: u16,
    /// Where it is.
    pub stage: Stage,
    /// When it started (ms).
    pub started: u64,
    /// When data last arrived (ms); a transfer quiet for [`IDLE_TIMEOUT_MS`] fails.
    pub last: u64,
    /// The file, for a transfer.
    pub file: Option<PathBuf>,
    /// The file's size.
    pub size: u64,
    /// Bytes sent (file bytes for a send, lines for a chat).
    pub sent: u64,
    /// Bytes received.
    pub rcvd: u64,
    /// A send's latest acknowledgement.
    pub acked: u64,
    /// A chat's unfinished line; a send's unfinished acknowledgement.
    pub buf: Vec<u8>,
    /// The open file of a transfer.
    pub handle: Option<std::fs::File>,
    /// A file server session's folder and limits.
    pub fserve: Option<Box<Fserve>>,
}

impl Session {
    /// `$chat(…).status` and the like: `waiting`, `connecting`, `active`.
    pub fn status(&self) -> &'static str {
        match self.stage {
            Stage::Waiting => "waiting",
            Stage::Connecting => "connecting",
            Stage::Active => "active",
        }
    }

    /// The file's name without its folder.
    pub fn file_name(&self) -> String {
        self.file
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Percent done.
    pub fn percent(&self) -> u64 {
        let done = if self.kind == Kind::Send {
            self.acked
        } else {
            self.rcvd
        };
        (done.min(self.size) * 100)
            .checked_div(self.size)
            .unwrap_or(0)
    }
}

/// An offer that waits for `/dcc accept`.
#[derive(Clone, Debug)]
pub struct Waiting {
    /// Who offered.
    pub nick: String,
    /// Their `user@host`.
    pub address: Option<String>,
    /// The IRC connection it came on.
    pub cid: u32,
    /// What was offered.
    pub offer: Offer,
    /// When (ms).
    pub at: u64,
}

/// What a `FILESENT`-like event tells its handlers beyond `$nick`: `$filename`.
#[derive(Clone, Debug, Default)]
pub struct Current {
    /// `$filename`: the file's full path.
    pub filename: String,
    /// `$cd` in `SERV`: the session's folder.
    pub cd: Option<String>,
    /// `$address` in `DCCSERVER`: the peer's IP address.
    pub address: Option<String>,
}

/// The DCC server (`/dccserver`): its listening socket and port.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    /// The listening socket.
    pub id: SockId,
    /// The port it listens on.
    pub port: u16,
}

/// A connection to the DCC server that has not sent its first line yet.
#[derive(Debug)]
pub struct Handshake {
    /// The connection.
    pub id: SockId,
    /// The peer's address and port.
    pub ip: String,
    /// See `ip`.
    pub port: u16,
    /// What arrived so far.
    pub buf: Vec<u8>,
    /// When it connected (ms).
    pub at: u64,
}

/// Every chat and transfer, and the offers waiting.
#[derive(Debug, Default)]
pub struct Dcc {
    /// The settings.
    pub settings: DccSettings,
    /// Chats and transfers, oldest first.
    pub sessions: Vec<Session>,
    /// Offers waiting for `/dcc accept`, oldest first.
    pub waiting: Vec<Waiting>,
    /// The data folder (files sent are read from it; received ones go to `downloads` in it).
    pub data_dir: Option<PathBuf>,
    /// The address of the IRC server, for picking the address offers give.
    pub server_ip: Option<IpAddr>,
    /// What the running DCC event tells (`$filename`).
    pub current: Option<Current>,
    /// The DCC server, while it is on.
    pub server: Option<Server>,
    /// The kinds of connection the DCC server takes.
    pub server_kinds: ServerKinds,
    /// Connections to the DCC server waiting for their first line.
    pub handshakes: Vec<Handshake>,
}

impl Dcc {
    /// The session on connection (or listening socket) `id`.
    pub fn by_id(&mut self, id: SockId) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }

    /// Whether `id` is a DCC connection (or the DCC server's).
    pub fn owns(&self, id: SockId) -> bool {
        self.sessions.iter().any(|s| s.id == id)
            || self.server.is_some_and(|s| s.id == id)
            || self.handshakes.iter().any(|h| h.id == id)
    }

    /// Takes the session on `id` out of the book.
    pub fn remove(&mut self, id: SockId) -> Option<Session> {
        let i = self.sessions.iter().position(|s| s.id == id)?;
        Some(self.sessions.remove(i))
    }

    /// The sessions of one kind, oldest first.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Session> {
        self.sessions.iter().filter(move |s| s.kind == kind)
    }

    /// The chat with `nick`.
    pub fn chat(&self, nick: &str) -> Option<&Session> {
        self.of(Kind::Chat)
            .find(|s| s.nick.eq_ignore_ascii_case(nick))
    }

    /// The file server session with `nick`.
    pub fn fserve(&self, nick: &str) -> Option<&Session> {
        self.of(Kind::Fserve)
            .find(|s| s.nick.eq_ignore_ascii_case(nick))
    }

    /// A new file in the downloads folder for a received file named `name` (already checked
    /// with [`safe_file_name`]): an existing file is never written over.
    ///
    /// # Errors
    /// When there is no downloads folder or the file cannot be made.
    pub fn open_download(&self, name: &str) -> Result<(PathBuf, std::fs::File), String> {
        let dir = self
            .downloads()
            .ok_or("DCC: there is no downloads folder to receive files in")?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("DCC: cannot make {}: {e}", dir.display()))?;
        let mut tries = 0;
        loop {
            let path = free_path(&dir, name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => return Ok((path, f)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 10 => {
                    tries += 1;
                }
                Err(e) => return Err(format!("DCC: cannot create {}: {e}", path.display())),
            }
        }
    }

    /// The home folder of file server sessions opened through the DCC server.
    ///
    /// # Errors
    /// When it is not a folder inside the data folder.
    pub fn server_fserve(&self) -> Result<Fserve, String> {
        let home = match &self.settings.fserve_home {
            Some(h) => h.to_string_lossy().into_owned(),
            None => "fserve".to_string(),
        };
        let home = self.in_data(&home)?;
        Fserve::new(&home, self.settings.fserve_gets, None)
    }

    /// The folder received files go to.
    pub fn downloads(&self) -> Option<PathBuf> {
        self.settings
            .downloads
            .clone()
            .or_else(|| self.data_dir.as_ref().map(|d| d.join("downloads")))
    }

    /// The address our offers give.
    pub fn our_ip(&self) -> IpAddr {
        if let Some(ip) = self.settings.ip {
            return ip;
        }
        let towards = self
            .server_ip
            .unwrap_or(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
        let local = std::net::UdpSocket::bind(if towards.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        })
        .and_then(|s| {
            // Connecting a UDP socket sends nothing: it only picks the route.
            s.connect((towards, 9))?;
            s.local_addr()
        });
        match local {
            Ok(a) if !a.ip().is_unspecified() => a.ip(),
            _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
        }
    }

    /// `path` inside the data folder (relative to it, or absolute under it), with no `..`:
    /// its real path.
    ///
    /// # Errors
    /// When there is no data folder, the path leaves it, or it does not exist.
    pub fn in_data(&self, path: &str) -> Result<PathBuf, String> {
        let root = self
            .data_dir
            .as_ref()
            .ok_or("there is no data folder to send files from")?;
        let norm = path.trim().trim_matches('"').replace('\\', "/");
        let root_text = root.to_string_lossy().replace('\\', "/");
        let rel = if norm.starts_with('/') {
            norm.strip_prefix(root_text.trim_end_matches('/'))
                .filter(|r| r.is_empty() || r.starts_with('/'))
                .ok_or_else(|| format!("'{path}' is outside the data folder"))?
                .to_string()
        } else {
            norm.clone()
        };
        if rel.split('/').any(|p| p == "..") {
            return Err(format!("'{path}' is outside the data folder"));
        }
        let full = root.join(rel.trim_start_matches('/'));
        let real = std::fs::canonicalize(&full).map_err(|e| format!("'{path}': {e}"))?;
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if !real.starts_with(root) && !real.starts_with(&real_root) {
            return Err(format!("'{path}' is outside the data folder"));
        }
        Ok(real)
    }

    /// A file to send: `path` inside the data folder (see [`Dcc::in_data`]); its full path
    /// and size.
    ///
    /// # Errors
    /// When there is no data folder, the path leaves it, or it is not a readable file.
    pub fn file_to_send(&self, path: &str) -> Result<(PathBuf, u64), String> {
        let real = self.in_data(path)?;
        let meta = std::fs::metadata(&real).map_err(|e| format!("'{path}': {e}"))?;
        if !meta.is_file() {
            return Err(format!("'{path}' is not a file"));
        }
        Ok((real, meta.len()))
    }
}
