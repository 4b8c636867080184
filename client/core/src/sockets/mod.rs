//! mIRC's script sockets without their I/O: the named TCP connections, listening sockets and
//! UDP sockets scripts open (`/sockopen`, `/socklisten`, `/sockudp`), their receive buffers,
//! counters and marks, the socket commands and `$sock`, `$sockname`, `$sockerr`, `$sockbr`.
//!
//! Opening, reading and writing are asked of a [`SocketIo`] (the tokio driver in [`io`], or
//! whatever a test plugs in) and come back as [`SockEvent`]s, which the client turns into
//! `SOCKOPEN`, `SOCKREAD`, `SOCKWRITE`, `SOCKCLOSE`, `SOCKLISTEN`, `UDPREAD` and `UDPWRITE`
//! events. Listening and UDP sockets are bound at once (so `$sock(name).port` is known right
//! after `/socklisten name`); everything else happens later.
//!
//! Whether a script may use sockets at all is decided here too, from
//! [`crate::permissions`]; commands the user types are always allowed.

pub mod io;

use crate::events::ScriptId;
use crate::permissions::{NetUse, Permissions, Want};
use crate::proto::{decode_line, Encoding};
use rustirc_lang::wild::wildmatch;
use rustirc_lang::Value;
use std::collections::VecDeque;

/// A socket's number, never reused (names can be renamed and reused).
pub type SockId = u64;

/// How much unread data a socket may hold before the driver stops reading from it (it starts
/// again once scripts have read it down to [`RQ_LOW`]).
pub const RQ_HIGH: usize = 1 << 20;
/// See [`RQ_HIGH`].
pub const RQ_LOW: usize = 1 << 18;
/// The most a script may queue for sending on one socket before `/sockwrite` refuses.
pub const SQ_MAX: u64 = 16 << 20;
/// The most `/sockread -f %var` reads when no number of bytes is given.
pub const READ_MAX: usize = 8192;

/// A socket error, numbered as Windows Sockets numbers it (what `$sock(name).wserr` gives
/// in mIRC, so scripts that test for 10061 keep working).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SockError {
    /// The Windows Sockets error number (0 when there is none).
    pub code: u32,
    /// What happened, in words.
    pub message: String,
}

impl SockError {
    /// An error with a number and a message.
    pub fn new(code: u32, message: &str) -> SockError {
        SockError {
            code,
            message: message.to_string(),
        }
    }

    /// The Windows Sockets equivalent of an I/O error.
    pub fn from_io(e: &std::io::Error) -> SockError {
        use std::io::ErrorKind as K;
        let (code, text) = match e.kind() {
            K::ConnectionRefused => (10061, "Connection refused"),
            K::TimedOut => (10060, "Connection timed out"),
            K::ConnectionReset => (10054, "Connection reset by peer"),
            K::ConnectionAborted | K::BrokenPipe => (10053, "Connection aborted"),
            K::AddrInUse => (10048, "Address already in use"),
            K::AddrNotAvailable => (10049, "Cannot assign requested address"),
            K::NetworkUnreachable => (10051, "Network is unreachable"),
            K::HostUnreachable => (10065, "No route to host"),
            K::PermissionDenied => (10013, "Permission denied"),
            K::NotConnected => (10057, "Socket is not connected"),
            K::InvalidInput => (10022, "Invalid argument"),
            _ => return SockError::new(0, &e.to_string()),
        };
        SockError::new(code, text)
    }

    /// A host name that could not be resolved.
    pub fn host_not_found(host: &str) -> SockError {
        SockError::new(11001, &format!("Host not found: {host}"))
    }

    /// `$sock(name).wsmsg`: `[10061] Connection refused`.
    pub fn wsmsg(&self) -> String {
        format!("[{}] {}", self.code, self.message)
    }
}

/// Where a socket was bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The local address.
    pub ip: String,
    /// The local port.
    pub port: u16,
}

/// What the client asks of the I/O side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SockOp {
    /// Connect socket `id` to `host` on `port`, over TLS when `tls`.
    Connect {
        /// The socket.
        id: SockId,
        /// Name or address, as the script gave it.
        host: String,
        /// Remote port.
        port: u16,
        /// Secure the connection (`/sockopen -e`).
        tls: bool,
        /// The local address to connect from (`/sockopen -d`).
        bind_ip: Option<String>,
    },
    /// Take the connection `token` waiting on `listener` as socket `id`.
    Accept {
        /// The listening socket.
        listener: SockId,
        /// Which waiting connection.
        token: u64,
        /// Its new socket.
        id: SockId,
    },
    /// Close the connection `token` waiting on `listener` (no `/sockaccept` took it).
    Reject {
        /// The listening socket.
        listener: SockId,
        /// Which waiting connection.
        token: u64,
    },
    /// Write bytes to a TCP socket.
    Write {
        /// The socket.
        id: SockId,
        /// What to write.
        data: Vec<u8>,
    },
    /// Send one datagram from a UDP socket.
    UdpSend {
        /// The socket.
        id: SockId,
        /// Name or address.
        host: String,
        /// Remote port.
        port: u16,
        /// The datagram.
        data: Vec<u8>,
    },
    /// Stop (or start again) reading from a socket.
    Pause {
        /// The socket.
        id: SockId,
        /// Stop reading.
        paused: bool,
    },
    /// Close a socket (no event follows).
    Close {
        /// The socket.
        id: SockId,
    },
    /// Look a host name up (`/dns`); [`SockEvent::Resolved`] follows.
    Resolve {
        /// Which lookup.
        token: u64,
        /// The name (or an address, which resolves to itself).
        host: String,
    },
}

/// What the I/O side reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SockEvent {
    /// A `/sockopen` connection is open (and secured).
    Opened {
        /// The socket.
        id: SockId,
        /// The remote address.
        ip: String,
        /// The remote port.
        port: u16,
        /// The local end.
        local: Bound,
    },
    /// A `/sockopen` connection could not be made.
    OpenFailed {
        /// The socket.
        id: SockId,
        /// The host name could not be resolved (`$sockerr` 4; otherwise 3).
        resolve: bool,
        /// Why.
        error: SockError,
    },
    /// Bytes arrived on a TCP socket.
    Data {
        /// The socket.
        id: SockId,
        /// The bytes.
        data: Vec<u8>,
    },
    /// Bytes queued by `/sockwrite` were written.
    Written {
        /// The socket.
        id: SockId,
        /// How many.
        bytes: usize,
    },
    /// The other end closed a TCP connection, or it failed.
    Closed {
        /// The socket.
        id: SockId,
        /// The failure, if it was one.
        error: Option<SockError>,
    },
    /// A `/dns` lookup is over.
    Resolved {
        /// Which lookup.
        token: u64,
        /// The addresses found, in the resolver's order; none when it failed.
        addrs: Vec<std::net::IpAddr>,
    },
    /// A connection is waiting on a listening socket.
    Incoming {
        /// The listening socket.
        id: SockId,
        /// Which connection, for [`SockOp::Accept`] or [`SockOp::Reject`].
        token: u64,
        /// Its remote address.
        ip: String,
        /// Its remote port.
        port: u16,
    },
    /// Accepting a connection failed.
    ListenFailed {
        /// The listening socket.
        id: SockId,
        /// Why.
        error: SockError,
    },
    /// A datagram arrived on a UDP socket.
    UdpData {
        /// The socket.
        id: SockId,
        /// Sender's address.
        ip: String,
        /// Sender's port.
        port: u16,
        /// The datagram.
        data: Vec<u8>,
    },
    /// A datagram was sent.
    UdpSent {
        /// The socket.
        id: SockId,
        /// Its size.
        bytes: usize,
    },
    /// A datagram could not be sent.
    UdpFailed {
        /// The socket.
        id: SockId,
        /// Its size.
        bytes: usize,
        /// Why.
        error: SockError,
    },
    /// A socket reads again after `/sockpause -r` (so what it holds is offered again).
    Resumed {
        /// The socket.
        id: SockId,
    },
}

/// The I/O side of the sockets.
pub trait SocketIo {
    /// Starts an operation; what comes of it is reported as [`SockEvent`]s.
    fn submit(&mut self, op: SockOp);

    /// Binds a listening TCP socket now (port 0: the system picks one).
    ///
    /// # Errors
    /// When the address cannot be bound (in use, not ours, not permitted).
    fn listen(&mut self, id: SockId, ip: Option<&str>, port: u16) -> Result<Bound, SockError>;

    /// Binds a UDP socket now (port 0: the system picks one).
    ///
    /// # Errors
    /// When the address cannot be bound.
    fn udp_bind(&mut self, id: SockId, ip: Option<&str>, port: u16) -> Result<Bound, SockError>;
}

/// A socket's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A TCP connection.
    Tcp,
    /// A listening TCP socket.
    Listen,
    /// A UDP socket.
    Udp,
}

/// One socket.
#[derive(Clone, Debug)]
pub struct Socket {
    /// Its number.
    pub id: SockId,
    /// Its name (`$sockname`).
    pub name: String,
    /// TCP, listening or UDP.
    pub kind: Kind,
    /// A TCP connection is still being opened.
    pub connecting: bool,
    /// The script that opened it (`None`: the user); it is closed when that script unloads.
    pub owner: Option<ScriptId>,
    /// The address as the script gave it (`.addr`).
    pub addr: String,
    /// The remote address (`.ip`); a listening socket's local one.
    pub ip: String,
    /// The remote port (`.port`); a listening socket's local one.
    pub port: u16,
    /// The local address (`.bindip`).
    pub bind_ip: String,
    /// The local port (`.bindport`).
    pub bind_port: u16,
    /// Secured with TLS (`.ssl`).
    pub tls: bool,
    /// Bytes sent (`.sent`).
    pub sent: u64,
    /// Bytes received (`.rcvd`).
    pub rcvd: u64,
    /// Bytes queued for sending (`.sq`).
    pub sq: u64,
    rq: Vec<u8>,
    rq_start: usize,
    /// When it was opened (ms).
    pub opened: u64,
    /// When it last sent (ms).
    pub last_sent: u64,
    /// When it last received (ms).
    pub last_recv: u64,
    /// `/sockmark` text.
    pub mark: String,
    /// `/sockpause`d.
    pub paused: bool,
    /// Reading stopped because too much is unread.
    throttled: bool,
    /// The last error (`.wserr`, `.wsmsg`).
    pub error: Option<SockError>,
    /// The sender of the last datagram (`.saddr`, `.sport`).
    pub source: Option<(String, u16)>,
    /// A UDP socket stays open after sending (`/sockudp -k`).
    keep: bool,
    /// The other end has closed: the last line may be read without its line ending.
    eof: bool,
    /// Datagrams not yet offered to `UDPREAD`.
    datagrams: VecDeque<(String, u16, Vec<u8>)>,
}

impl Socket {
    fn new(id: SockId, name: &str, kind: Kind, owner: Option<ScriptId>, now: u64) -> Socket {
        Socket {
            id,
            name: name.to_string(),
            kind,
            connecting: false,
            owner,
            addr: String::new(),
            ip: String::new(),
            port: 0,
            bind_ip: String::new(),
            bind_port: 0,
            tls: false,
            sent: 0,
            rcvd: 0,
            sq: 0,
            rq: Vec::new(),
            rq_start: 0,
            opened: now,
            last_sent: now,
            last_recv: now,
            mark: String::new(),
            paused: false,
            throttled: false,
            error: None,
            source: None,
            keep: false,
            eof: false,
            datagrams: VecDeque::new(),
        }
    }

    /// Unread bytes (`.rq`).
    pub fn unread(&self) -> &[u8] {
        &self.rq[self.rq_start..]
    }

    /// Whether a whole line (ending in LF) waits to be read.
    pub fn has_line(&self) -> bool {
        self.unread().contains(&b'\n')
    }

    fn push(&mut self, data: &[u8]) {
        if self.rq_start > 0 && self.rq_start * 2 >= self.rq.len() {
            self.rq.drain(..self.rq_start);
            self.rq_start = 0;
        }
        self.rq.extend_from_slice(data);
    }

    fn consume(&mut self, n: usize) {
        self.rq_start = (self.rq_start + n).min(self.rq.len());
        if self.rq_start == self.rq.len() {
            self.rq.clear();
            self.rq_start = 0;
        }
    }

    /// Drops what is unread.
    pub fn clear_unread(&mut self) {
        self.rq.clear();
        self.rq_start = 0;
    }

    /// Reads a line (its CR LF or LF dropped); with `force`, or once the other end has
    /// closed, whatever is there when no line is, up to `max` bytes. The text and the number
    /// of bytes taken; `None` when there is nothing to read.
    fn read_line(&mut self, force: bool, max: usize) -> Option<(String, usize)> {
        let buf = self.unread();
        if buf.is_empty() {
            return None;
        }
        let (line, taken) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let line = &buf[..i];
                (line.strip_suffix(b"\r").unwrap_or(line), i + 1)
            }
            None if force || self.eof => {
                let n = buf.len().min(max.max(1));
                (&buf[..n], n)
            }
            None => return None,
        };
        let text = decode_line(line, Encoding::Utf8);
        self.consume(taken);
        Some((text, taken))
    }

    fn status(&self) -> &'static str {
        match (self.kind, self.connecting) {
            (Kind::Listen, _) => "listening",
            (_, true) => "connecting",
            _ => "active",
        }
    }
}

/// A connection waiting on a listening socket while its `SOCKLISTEN` event runs.
#[derive(Clone, Debug)]
struct Incoming {
    listener: SockId,
    token: u64,
    ip: String,
    port: u16,
    accepted: bool,
}

/// Who runs a socket command: a script (its number and file) or the user.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    /// The script whose code runs; `None` for the user's own commands.
    pub script: Option<(ScriptId, &'a str)>,
    /// What scripts may do.
    pub permissions: &'a Permissions,
    /// The clock (ms).
    pub now: u64,
}

impl Caller<'_> {
    fn owner(&self) -> Option<ScriptId> {
        self.script.map(|(id, _)| id)
    }

    fn check(&self, command: &str, what: NetUse<'_>) -> Result<(), String> {
        match self.script {
            Some((_, file)) => self.permissions.check(file, command, Want::Net(what)),
            None => Ok(()),
        }
    }
}

/// Every socket, in the order they were opened, with `$sockerr` and `$sockbr`.
#[derive(Default)]
pub struct Sockets {
    list: Vec<Socket>,
    next_id: SockId,
    io: Option<Box<dyn SocketIo>>,
    /// `$sockerr`: set by every socket command and event.
    pub err: u32,
    /// `$sockbr`: bytes the last `/sockread` read.
    pub br: u64,
    /// The socket whose event is running (`$sockname`, what `/sockread` reads).
    pub current: Option<SockId>,
    /// `/sockread` ran during the current event.
    pub read_called: bool,
    incoming: Option<Incoming>,
    /// The driver's reports, until the network loop takes them.
    events: Option<io::SockEvents>,
    /// DCC chats and transfers, whose connections this driver runs too.
    pub dcc: crate::dcc::Dcc,
}

/// The result of one socket command: `/sockread` fills a variable.
pub type CommandResult = Result<Option<(String, Value)>, String>;

/// Reads the leading `-switch` words; returns the letters (lower-case) and the rest.
fn switches(args: &str) -> (String, Vec<&str>) {
    let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
    let mut letters = String::new();
    while let Some(w) = words.first() {
        match w.strip_prefix('-') {
            Some(s) if !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()) => {
                letters.push_str(&s.to_ascii_lowercase());
                words.remove(0);
            }
            _ => break,
        }
    }
    (letters, words)
}

fn port_of(command: &str, s: &str) -> Result<u16, String> {
    s.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("/{command}: invalid port '{s}' (1 to 65535)"))
}

fn valid_name(command: &str, name: &str) -> Result<(), String> {
    if name.contains(['*', '?', ',']) {
        return Err(format!(
            "/{command}: '{name}' is not a valid socket name (no *, ? or ,)"
        ));
    }
    Ok(())
}

/// The bytes `/sockwrite` and `/sockudp` send for `text`: `-n` adds CR LF unless the text
/// ends with one; a `&binvar` is refused unless `-t` says the text is text.
fn payload(command: &str, text: &str, sw: &str) -> Result<Vec<u8>, String> {
    if text.starts_with('&') && !sw.contains('t') && !text.contains(' ') {
        return Err(format!(
            "/{command}: binary variables ({text}) are not supported; -t sends the text as it is"
        ));
    }
    let mut data = text.as_bytes().to_vec();
    if sw.contains('n') && !data.ends_with(b"\r\n") {
        data.extend_from_slice(b"\r\n");
    }
    Ok(data)
}

impl Sockets {
    /// Plugs in the I/O side (without one, socket commands are errors).
    pub fn set_io(&mut self, io: Box<dyn SocketIo>) {
        self.io = Some(io);
    }

    /// Keeps the I/O side's reports until [`Sockets::take_events`].
    pub fn set_events(&mut self, events: io::SockEvents) {
        self.events = Some(events);
    }

    /// The I/O side's reports, for the loop that feeds them back (once).
    pub fn take_events(&mut self) -> Option<io::SockEvents> {
        self.events.take()
    }

    /// Whether an I/O side is plugged in.
    pub fn has_io(&self) -> bool {
        self.io.is_some()
    }

    /// A socket number for a connection that is no script's (a DCC one): never a script
    /// socket's, so the driver's reports about it can be told apart.
    pub fn reserve_id(&mut self) -> SockId {
        self.next_id += 1;
        self.next_id
    }

    /// Listens for a connection that is no script's (see [`Sockets::reserve_id`]).
    ///
    /// # Errors
    /// Without an I/O side, or when the port cannot be bound.
    pub fn listen_raw(
        &mut self,
        ip: Option<&str>,
        port: u16,
    ) -> Result<(SockId, Bound), SockError> {
        let id = self.reserve_id();
        let io = self
            .io
            .as_mut()
            .ok_or_else(|| SockError::new(0, "no network here"))?;
        io.listen(id, ip, port).map(|b| (id, b))
    }

    /// Asks the I/O side for something on a connection that is no script's.
    pub fn submit_raw(&mut self, op: SockOp) {
        self.submit(op);
    }

    /// Starts looking `host` up (`/dns`) as lookup `token`.
    ///
    /// # Errors
    /// When there is no I/O side to do it.
    pub fn resolve(&mut self, token: u64, host: &str) -> Result<(), String> {
        self.io("dns")?.submit(SockOp::Resolve {
            token,
            host: host.to_string(),
        });
        Ok(())
    }

    fn io(&mut self, command: &str) -> Result<&mut Box<dyn SocketIo>, String> {
        self.io
            .as_mut()
            .ok_or_else(|| format!("/{command}: sockets are not available here"))
    }

    fn submit(&mut self, op: SockOp) {
        if let Some(io) = self.io.as_mut() {
            io.submit(op);
        }
    }

    /// Every socket, in the order they were opened.
    pub fn iter(&self) -> impl Iterator<Item = &Socket> {
        self.list.iter()
    }

    /// The socket numbered `id`.
    pub fn get(&self, id: SockId) -> Option<&Socket> {
        self.list.iter().find(|s| s.id == id)
    }

    /// The socket numbered `id`, to change.
    pub fn get_mut(&mut self, id: SockId) -> Option<&mut Socket> {
        self.list.iter_mut().find(|s| s.id == id)
    }

    /// The socket named `name` (case-insensitive).
    pub fn by_name(&self, name: &str) -> Option<&Socket> {
        self.list.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }

    fn matching(&self, pattern: &str) -> Vec<SockId> {
        self.list
            .iter()
            .filter(|s| wildmatch(pattern, &s.name, false))
            .map(|s| s.id)
            .collect()
    }

    fn add(&mut self, name: &str, kind: Kind, owner: Option<ScriptId>, now: u64) -> SockId {
        self.next_id += 1;
        let id = self.next_id;
        self.list.push(Socket::new(id, name, kind, owner, now));
        id
    }

    fn name_free(&self, command: &str, name: &str) -> Result<(), String> {
        valid_name(command, name)?;
        if self.by_name(name).is_some() {
            return Err(format!("/{command}: socket '{name}' is already in use"));
        }
        Ok(())
    }

    /// Closes socket `id` without an event.
    pub fn close(&mut self, id: SockId) {
        if let Some(i) = self.list.iter().position(|s| s.id == id) {
            self.list.remove(i);
            self.submit(SockOp::Close { id });
        }
    }

    /// Closes every socket `script` opened (it is being unloaded); how many.
    pub fn close_owned_by(&mut self, script: ScriptId) -> usize {
        let ids: Vec<SockId> = self
            .list
            .iter()
            .filter(|s| s.owner == Some(script))
            .map(|s| s.id)
            .collect();
        for id in &ids {
            self.close(*id);
        }
        ids.len()
    }

    /// The sockets `old` opened now belong to `new` (the script was reloaded).
    pub fn change_owner(&mut self, old: ScriptId, new: ScriptId) {
        for s in &mut self.list {
            if s.owner == Some(old) {
                s.owner = Some(new);
            }
        }
    }

    /// Closes every socket (the client is quitting).
    pub fn close_all(&mut self) {
        let ids: Vec<SockId> = self.list.iter().map(|s| s.id).collect();
        for id in ids {
            self.close(id);
        }
    }

    /// Runs socket command `name` (`sockopen`, `sockwrite` …); `None` when it is not one.
    pub fn command(&mut self, name: &str, args: &str, who: &Caller<'_>) -> Option<CommandResult> {
        let r = match name {
            "sockopen" => self.sockopen(args, who),
            "socklisten" => self.socklisten(args, who),
            "sockaccept" => self.sockaccept(args, who),
            "sockwrite" => self.sockwrite(args, who),
            "sockread" => return Some(self.sockread(args, who)),
            "sockclose" => self.each(name, args, who, |s, id| s.close(id)),
            "sockrename" => self.sockrename(args, who),
            "sockmark" => self.sockmark(args, who),
            "sockpause" => self.sockpause(args, who),
            "sockudp" => self.sockudp(args, who),
            _ => return None,
        };
        Some(r.map(|()| None))
    }

    /// `/sockopen [-e] [-d bindip] name host port`.
    fn sockopen(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (sw, mut w) = switches(args);
        let bind_ip = if sw.contains('d') && !w.is_empty() {
            Some(w.remove(0).to_string())
        } else {
            None
        };
        let [name, host, port] = w[..] else {
            return Err("/sockopen: expected a name, a host and a port".to_string());
        };
        let port = port_of("sockopen", port)?;
        self.name_free("sockopen", name)?;
        who.check("sockopen", NetUse::Connect(host, port))?;
        self.io("sockopen")?;
        self.err = 0;
        let id = self.add(name, Kind::Tcp, who.owner(), who.now);
        let tls = sw.contains('e');
        if let Some(s) = self.get_mut(id) {
            s.connecting = true;
            s.addr = host.to_string();
            s.port = port;
            s.tls = tls;
            s.bind_ip = bind_ip.clone().unwrap_or_default();
        }
        self.submit(SockOp::Connect {
            id,
            host: host.to_string(),
            port,
            tls,
            bind_ip,
        });
        Ok(())
    }

    /// `/socklisten [-d bindip] name [port]`.
    fn socklisten(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (sw, mut w) = switches(args);
        let bind_ip = if sw.contains('d') && !w.is_empty() {
            Some(w.remove(0).to_string())
        } else {
            None
        };
        let (name, port) = match w[..] {
            [name] => (name, 0),
            [name, port] => (
                name,
                port.parse::<u16>()
                    .map_err(|_| format!("/socklisten: invalid port '{port}' (0 to 65535)"))?,
            ),
            _ => return Err("/socklisten: expected a name and a port".to_string()),
        };
        self.name_free("socklisten", name)?;
        who.check("socklisten", NetUse::Listen(port))?;
        let id = self.next_id + 1;
        let bound = self
            .io("socklisten")?
            .listen(id, bind_ip.as_deref(), port)
            .map_err(|e| {
                format!(
                    "/socklisten: cannot listen on port {port} for '{name}': {}",
                    e.wsmsg()
                )
            })?;
        self.err = 0;
        let id = self.add(name, Kind::Listen, who.owner(), who.now);
        if let Some(s) = self.get_mut(id) {
            s.ip.clone_from(&bound.ip);
            s.port = bound.port;
            s.bind_ip = bound.ip;
            s.bind_port = bound.port;
        }
        Ok(())
    }

    /// `/sockaccept name`, in a `SOCKLISTEN` event.
    fn sockaccept(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let name = args.trim();
        if name.is_empty() || name.contains(' ') {
            return Err("/sockaccept: expected a name for the new socket".to_string());
        }
        let Some(inc) = self.incoming.clone().filter(|i| !i.accepted) else {
            return Err(
                "/sockaccept: no connection is waiting (use it in a SOCKLISTEN event)".to_string(),
            );
        };
        self.name_free("sockaccept", name)?;
        who.check("sockaccept", NetUse::Use)?;
        self.err = 0;
        let (bind_ip, bind_port) = self
            .get(inc.listener)
            .map(|l| (l.bind_ip.clone(), l.bind_port))
            .unwrap_or_default();
        let id = self.add(name, Kind::Tcp, who.owner(), who.now);
        if let Some(s) = self.get_mut(id) {
            s.addr.clone_from(&inc.ip);
            s.ip.clone_from(&inc.ip);
            s.port = inc.port;
            s.bind_ip = bind_ip;
            s.bind_port = bind_port;
        }
        if let Some(i) = self.incoming.as_mut() {
            i.accepted = true;
        }
        self.submit(SockOp::Accept {
            listener: inc.listener,
            token: inc.token,
            id,
        });
        Ok(())
    }

    /// `/sockwrite [-tn] [-b] name [numbytes] text`: to every matching connected socket.
    fn sockwrite(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (sw, w) = switches(args);
        let Some((&name, rest)) = w.split_first() else {
            return Err("/sockwrite: insufficient parameters".to_string());
        };
        let mut rest = rest.to_vec();
        let limit = if sw.contains('b') && !rest.is_empty() {
            Some(
                rest.remove(0)
                    .parse::<usize>()
                    .map_err(|_| "/sockwrite: -b needs a number of bytes".to_string())?,
            )
        } else {
            None
        };
        let text = rest.join(" ");
        if text.is_empty() && !sw.contains('n') {
            return Err("/sockwrite: insufficient parameters".to_string());
        }
        let mut data = payload("sockwrite", &text, &sw)?;
        if let Some(n) = limit {
            data.truncate(n);
        }
        who.check("sockwrite", NetUse::Use)?;
        let ids = self.matching(name);
        if ids.is_empty() {
            return Err(format!("/sockwrite: no socket named '{name}'"));
        }
        self.err = 0;
        for id in ids {
            let Some(s) = self.get_mut(id) else { continue };
            let why = match (s.kind, s.connecting) {
                (Kind::Listen, _) => Some("is a listening socket"),
                (Kind::Udp, _) => Some("is a UDP socket (use /sockudp)"),
                (Kind::Tcp, true) => Some("is not connected yet (write in its SOCKOPEN event)"),
                _ => None,
            };
            if let Some(why) = why {
                if !name.contains(['*', '?']) {
                    return Err(format!("/sockwrite: '{}' {why}", s.name));
                }
                continue;
            }
            if s.sq + data.len() as u64 > SQ_MAX {
                return Err(format!(
                    "/sockwrite: '{}' has {} bytes waiting to be sent; wait for its SOCKWRITE event",
                    s.name, s.sq
                ));
            }
            s.sq += data.len() as u64;
            self.submit(SockOp::Write {
                id,
                data: data.clone(),
            });
        }
        Ok(())
    }

    /// `/sockread [-f] [numbytes] %var`: reads from the socket whose event is running.
    fn sockread(&mut self, args: &str, who: &Caller<'_>) -> CommandResult {
        let (sw, w) = switches(args);
        let (limit, var) = match w[..] {
            [var] => (None, var),
            [n, var] => (
                Some(
                    n.parse::<usize>()
                        .map_err(|_| format!("/sockread: bad number of bytes '{n}'"))?,
                ),
                var,
            ),
            _ => return Err("/sockread: expected a %variable to read into".to_string()),
        };
        if var.starts_with('&') {
            return Err(format!(
                "/sockread: binary variables ({var}) are not supported; read into a %variable"
            ));
        }
        let Some(var) = var.strip_prefix('%').filter(|v| !v.is_empty()) else {
            return Err(format!(
                "/sockread: '{var}' is not a %variable to read into"
            ));
        };
        who.check("sockread", NetUse::Use)?;
        let Some(id) = self.current else {
            return Err("/sockread: no socket to read (use it in a socket event)".to_string());
        };
        self.read_called = true;
        self.err = 0;
        let force = sw.contains('f');
        let read = self
            .get_mut(id)
            .and_then(|s| s.read_line(force, limit.unwrap_or(READ_MAX)));
        let (text, n) = read.unwrap_or_default();
        self.br = n as u64;
        Ok(Some((var.to_string(), Value::from_string(text))))
    }

    /// Runs `f` on every socket `args` names (a wildcard); an error when there is none.
    fn each(
        &mut self,
        command: &str,
        args: &str,
        who: &Caller<'_>,
        mut f: impl FnMut(&mut Sockets, SockId),
    ) -> Result<(), String> {
        let name = args.trim();
        if name.is_empty() || name.contains(' ') {
            return Err(format!("/{command}: expected a socket name"));
        }
        who.check(command, NetUse::Use)?;
        let ids = self.matching(name);
        if ids.is_empty() {
            return Err(format!("/{command}: no socket named '{name}'"));
        }
        self.err = 0;
        for id in ids {
            f(self, id);
        }
        Ok(())
    }

    /// `/sockrename name newname`.
    fn sockrename(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let w: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let [old, new] = w[..] else {
            return Err("/sockrename: expected a socket name and a new name".to_string());
        };
        who.check("sockrename", NetUse::Use)?;
        let Some(id) = self.by_name(old).map(|s| s.id) else {
            return Err(format!("/sockrename: no socket named '{old}'"));
        };
        if !old.eq_ignore_ascii_case(new) {
            self.name_free("sockrename", new)?;
        }
        self.err = 0;
        if let Some(s) = self.get_mut(id) {
            s.name = new.to_string();
        }
        Ok(())
    }

    /// `/sockmark [-t] name [text]`: sets (or, without text, clears) the marks.
    fn sockmark(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (_, w) = switches(args);
        let Some((&name, rest)) = w.split_first() else {
            return Err("/sockmark: expected a socket name".to_string());
        };
        let text = rest.join(" ");
        self.each("sockmark", name, who, |s, id| {
            if let Some(s) = s.get_mut(id) {
                s.mark.clone_from(&text);
            }
        })
    }

    /// `/sockpause [-r] name`: stops (with `-r`, starts again) reading.
    fn sockpause(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (sw, w) = switches(args);
        let paused = !sw.contains('r');
        self.each("sockpause", &w.join(" "), who, |s, id| {
            let Some(sock) = s.get_mut(id) else { return };
            if sock.paused == paused {
                return;
            }
            sock.paused = paused;
            let stop = paused || sock.throttled;
            s.submit(SockOp::Pause { id, paused: stop });
        })
    }

    /// `/sockudp [-knt] [-d bindip] name [bindport] host port [text]`: sends a datagram,
    /// opening the UDP socket first when there is none of that name; with `-k` it stays
    /// open for replies (`UDPREAD`), and `-k name port host port` alone just opens it.
    fn sockudp(&mut self, args: &str, who: &Caller<'_>) -> Result<(), String> {
        let (sw, mut w) = switches(args);
        let bind_ip = if sw.contains('d') && !w.is_empty() {
            Some(w.remove(0).to_string())
        } else {
            None
        };
        if w.len() < 3 {
            return Err("/sockudp: expected a name, a host and a port".to_string());
        }
        let name = w.remove(0);
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let bind_port = if w.len() >= 3 && digits(w[0]) && !digits(w[1]) && digits(w[2]) {
            port_or_zero(w.remove(0))?
        } else {
            0
        };
        let host = w.remove(0);
        let port = port_of("sockudp", w.remove(0))?;
        let text = w.join(" ");
        let keep = sw.contains('k');
        if text.is_empty() && !sw.contains('n') && !keep {
            return Err("/sockudp: insufficient parameters (no text to send)".to_string());
        }
        let data = payload("sockudp", &text, &sw)?;
        let existing = self.by_name(name).map(|s| (s.id, s.kind));
        if let Some((_, kind)) = existing {
            if kind != Kind::Udp {
                return Err(format!("/sockudp: '{name}' is not a UDP socket"));
            }
        } else {
            valid_name("sockudp", name)?;
            if bind_port != 0 {
                who.check("sockudp", NetUse::Listen(bind_port))?;
            }
        }
        if !data.is_empty() {
            who.check("sockudp", NetUse::Connect(host, port))?;
        } else {
            who.check("sockudp", NetUse::Use)?;
        }
        let id = match existing {
            Some((id, _)) => id,
            None => {
                let next = self.next_id + 1;
                let bound = self
                    .io("sockudp")?
                    .udp_bind(next, bind_ip.as_deref(), bind_port)
                    .map_err(|e| {
                        format!(
                            "/sockudp: cannot open '{name}' on port {bind_port}: {}",
                            e.wsmsg()
                        )
                    })?;
                let id = self.add(name, Kind::Udp, who.owner(), who.now);
                if let Some(s) = self.get_mut(id) {
                    s.bind_ip = bound.ip;
                    s.bind_port = bound.port;
                    s.keep = keep;
                }
                id
            }
        };
        self.err = 0;
        if let Some(s) = self.get_mut(id) {
            s.addr = host.to_string();
            s.ip = host.to_string();
            s.port = port;
            s.keep |= keep;
            s.sq += data.len() as u64;
        }
        if !data.is_empty() {
            self.submit(SockOp::UdpSend {
                id,
                host: host.to_string(),
                port,
                data,
            });
        }
        Ok(())
    }

    /// `$sock`, `$sockname`, `$sockerr`, `$sockbr`; `None` for other names.
    pub fn identifier(
        &self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
        now: u64,
    ) -> Option<Result<Value, String>> {
        let int = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
        match (name, args.len()) {
            ("sockname", 0) => Some(Ok(self
                .current
                .and_then(|id| self.get(id))
                .map_or(Value::Null, |s| Value::text(&s.name)))),
            ("sockerr", 0) => Some(Ok(int(u64::from(self.err)))),
            ("sockbr", 0) => Some(Ok(int(self.br))),
            ("sock", 1 | 2) => {
                let pattern = args[0].as_str();
                let n = match args.get(1) {
                    None => 1,
                    Some(v) => match v.as_str().trim().parse::<usize>() {
                        Ok(n) => n,
                        Err(_) => {
                            return Some(Err(format!(
                                "$sock: bad N '{}' (expected a number)",
                                v.as_str()
                            )))
                        }
                    },
                };
                let found: Vec<&Socket> = self
                    .list
                    .iter()
                    .filter(|s| wildmatch(&pattern, &s.name, false))
                    .collect();
                if n == 0 {
                    return Some(Ok(int(found.len() as u64)));
                }
                let Some(s) = found.get(n - 1) else {
                    return Some(Ok(Value::Null));
                };
                let secs = |t: u64| int(now.saturating_sub(t) / 1000);
                let text = |t: &str| {
                    if t.is_empty() {
                        Value::Null
                    } else {
                        Value::text(t)
                    }
                };
                let v = match prop.map(str::to_ascii_lowercase).as_deref() {
                    None | Some("name") => Value::text(&s.name),
                    Some("addr") => text(&s.addr),
                    Some("ip") => text(&s.ip),
                    Some("port") => int(u64::from(s.port)),
                    Some("bindip") => text(&s.bind_ip),
                    Some("bindport") => int(u64::from(s.bind_port)),
                    Some("status") => Value::text(s.status()),
                    Some("type") => Value::text(if s.kind == Kind::Udp { "UDP" } else { "TCP" }),
                    Some("sent") => int(s.sent),
                    Some("rcvd") => int(s.rcvd),
                    Some("sq") => int(s.sq),
                    Some("rq") => int(s.unread().len() as u64),
                    Some("ls") => secs(s.last_sent),
                    Some("lr") => secs(s.last_recv),
                    Some("to") => secs(s.opened),
                    Some("mark") => text(&s.mark),
                    Some("saddr") => text(s.source.as_ref().map_or("", |(a, _)| a)),
                    Some("sport") => int(u64::from(s.source.as_ref().map_or(0, |(_, p)| *p))),
                    Some("wserr") => int(u64::from(s.error.as_ref().map_or(0, |e| e.code))),
                    Some("wsmsg") => s
                        .error
                        .as_ref()
                        .map_or(Value::Null, |e| Value::from_string(e.wsmsg())),
                    Some("ssl" | "tls") => Value::bool(s.tls),
                    Some("pause") => Value::bool(s.paused),
                    Some("starttls") => Value::bool(false),
                    Some(_) => Value::Null,
                };
                Some(Ok(v))
            }
            _ => None,
        }
    }

    // What the client does with the I/O side's reports: it dispatches the events; these
    // keep the books.

    /// A connection waits on listening socket `id`: remembered while `SOCKLISTEN` runs.
    pub fn set_incoming(&mut self, id: SockId, token: u64, ip: &str, port: u16) {
        self.incoming = Some(Incoming {
            listener: id,
            token,
            ip: ip.to_string(),
            port,
            accepted: false,
        });
    }

    /// `SOCKLISTEN` is over: a connection no `/sockaccept` took is closed.
    pub fn end_incoming(&mut self) {
        if let Some(i) = self.incoming.take() {
            if !i.accepted {
                self.submit(SockOp::Reject {
                    listener: i.listener,
                    token: i.token,
                });
            }
        }
    }

    /// Bytes arrived on socket `id`; reading stops when too much is unread.
    pub fn received(&mut self, id: SockId, data: &[u8], now: u64) {
        let Some(s) = self.get_mut(id) else { return };
        s.rcvd += data.len() as u64;
        s.last_recv = now;
        s.push(data);
        if !s.throttled && s.unread().len() > RQ_HIGH {
            s.throttled = true;
            self.submit(SockOp::Pause { id, paused: true });
        }
    }

    /// A datagram arrived on UDP socket `id`: queued until `UDPREAD` offers it.
    pub fn datagram(&mut self, id: SockId, ip: &str, port: u16, data: Vec<u8>, now: u64) {
        let Some(s) = self.get_mut(id) else { return };
        s.rcvd += data.len() as u64;
        s.last_recv = now;
        s.datagrams.push_back((ip.to_string(), port, data));
    }

    /// Moves the next queued datagram of `id` into its buffer (for `UDPREAD`); false when
    /// there is none.
    pub fn next_datagram(&mut self, id: SockId) -> bool {
        let Some(s) = self.get_mut(id) else {
            return false;
        };
        let Some((ip, port, data)) = s.datagrams.pop_front() else {
            return false;
        };
        s.source = Some((ip, port));
        s.push(&data);
        true
    }

    /// Scripts read from socket `id`: reading starts again once little is unread.
    pub fn after_read(&mut self, id: SockId) {
        let Some(s) = self.get_mut(id) else { return };
        if s.throttled && s.unread().len() <= RQ_LOW {
            s.throttled = false;
            let paused = s.paused;
            self.submit(SockOp::Pause { id, paused });
        }
    }

    /// Bytes queued on `id` were sent; true when nothing is left to send.
    pub fn written(&mut self, id: SockId, bytes: usize, now: u64) -> bool {
        let Some(s) = self.get_mut(id) else {
            return false;
        };
        s.sq = s.sq.saturating_sub(bytes as u64);
        s.sent += bytes as u64;
        s.last_sent = now;
        s.sq == 0
    }

    /// Records an error on `id` (`.wserr`, `.wsmsg`).
    pub fn set_error(&mut self, id: SockId, error: SockError) {
        if let Some(s) = self.get_mut(id) {
            s.error = Some(error);
        }
    }

    /// Socket `id` is open.
    pub fn opened(&mut self, id: SockId, ip: &str, port: u16, local: Bound, now: u64) {
        if let Some(s) = self.get_mut(id) {
            s.connecting = false;
            s.ip = ip.to_string();
            s.port = port;
            s.bind_ip = local.ip;
            s.bind_port = local.port;
            s.opened = now;
            s.last_sent = now;
            s.last_recv = now;
        }
    }

    /// The other end of `id` closed: the last line becomes readable without its line ending.
    pub fn ended(&mut self, id: SockId) {
        if let Some(s) = self.get_mut(id) {
            s.eof = true;
        }
    }

    /// Whether UDP socket `id` closes once it has sent (no `-k`).
    pub fn closes_after_send(&self, id: SockId) -> bool {
        self.get(id)
            .is_some_and(|s| s.kind == Kind::Udp && !s.keep && s.sq == 0)
    }
}

fn port_or_zero(s: &str) -> Result<u16, String> {
    s.parse::<u16>()
        .map_err(|_| format!("/sockudp: invalid local port '{s}' (0 to 65535)"))
}

#[cfg(test)]
mod tests;
