//! Several connections at once, as in mIRC: each has a connection id (`$cid`, from 1 in the
//! order they were opened) and a [`Network`] state of its own, while the scripts, the event
//! table, the variables and the timers are shared. Every event runs with the `$cid` of its
//! connection, and commands act on the connection the running script is on; `/scid` and
//! `/scon` move a script to another one, or run a command there (`-a`: on each), and
//! `$scon(N)`, `$scid(N)`, `$cid` and `$activecid` tell them apart. `/server -m` asks for a
//! new connection.
//!
//! The current connection's state is the client's `net` (and what it sent and showed, `out`),
//! so everything that handles one connection reads it there; the others wait here, and
//! [`Client::select`] swaps one in. A script host swaps networks the same way while a script
//! switches, keeps what the script does on each connection apart ([`Pending`] per `$cid`), and
//! puts the starting one back when the script is over.
//!
//! Opening the connections is the network loop's job: the client only records the requests
//! ([`Client::take_connects`]).

use super::{Client, Outbox, Pending, ScriptHost};
use crate::settings::{split_channel, split_server};
use crate::state::{Config, Input, Intent, Network};
use rustirc_lang::{Relay, Value};

/// A connection `/server` asks the network loop to open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// The connection: a new one (`/server -m`), or the one moving to another server.
    pub cid: u32,
    /// The connection the command ran on (a new one reuses its proxy and client
    /// certificate).
    pub from: u32,
    /// Whether `cid` is a new connection.
    pub new: bool,
    /// The server; empty to reconnect to the same one.
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// `+port`: connect with TLS.
    pub tls: bool,
}

/// The connections besides the current one, and the bookkeeping of ids.
#[derive(Debug)]
pub(super) struct Conns {
    /// The current connection's id: its state is `Client::net`.
    pub(super) cid: u32,
    /// The connection of the active window (`$activecid`).
    pub(super) active: u32,
    /// The id the next connection gets.
    next: u32,
    /// The other connections' states.
    pub(super) parked: Vec<(u32, Network)>,
    /// What the other connections sent and showed.
    outs: Vec<(u32, Outbox)>,
    /// Connections asked for and not taken by the network loop yet.
    connects: Vec<Connect>,
}

impl Conns {
    /// The first connection, id 1, is the current one.
    pub(super) fn new() -> Conns {
        Conns {
            cid: 1,
            active: 1,
            next: 2,
            parked: Vec::new(),
            outs: Vec::new(),
            connects: Vec::new(),
        }
    }
}

/// A `/server` command, applied once the script is over.
#[derive(Clone, Debug)]
pub(super) struct ServerRequest {
    new: bool,
    host: String,
    port: Option<u16>,
    tls: bool,
    password: Option<String>,
    joins: Vec<(String, Option<String>)>,
}

impl Client {
    /// The current connection's id (`$cid` of what runs next).
    pub fn cid(&self) -> u32 {
        self.conns.cid
    }

    /// Every connection's id, in the order they were opened (`$scon(N)` is the Nth).
    pub fn cids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = std::iter::once(self.conns.cid)
            .chain(self.conns.parked.iter().map(|(c, _)| *c))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Connection `cid`'s state.
    pub fn network(&self, cid: u32) -> Option<&Network> {
        if cid == self.conns.cid {
            return Some(&self.net);
        }
        self.conns
            .parked
            .iter()
            .find(|(c, _)| *c == cid)
            .map(|(_, n)| n)
    }

    /// Adds a disconnected connection for `config`; returns its id. The network loop
    /// connects it (the headless client does so for each `[[network]]`).
    pub fn add_connection(&mut self, mut config: Config) -> u32 {
        config.ctcp_replies = false;
        let cid = self.conns.next;
        self.conns.next += 1;
        self.conns
            .parked
            .push((cid, Network::new(config, self.now())));
        self.conns.outs.push((cid, Outbox::default()));
        cid
    }

    /// Makes connection `cid` the current one: what is fed to the client next (lines,
    /// inputs, commands) is about it. `false` when there is no such connection.
    pub fn select(&mut self, cid: u32) -> bool {
        let conns = &mut self.conns;
        if cid == conns.cid {
            return true;
        }
        let Some(i) = conns.parked.iter().position(|(c, _)| *c == cid) else {
            return false;
        };
        let Some(j) = conns.outs.iter().position(|(c, _)| *c == cid) else {
            return false;
        };
        std::mem::swap(&mut self.net, &mut conns.parked[i].1);
        conns.parked[i].0 = conns.cid;
        std::mem::swap(&mut self.out, &mut conns.outs[j].1);
        conns.outs[j].0 = conns.cid;
        conns.cid = cid;
        true
    }

    /// Runs `f` with connection `cid` current, then makes the one that was current again.
    pub(super) fn on_connection(&mut self, cid: u32, f: impl FnOnce(&mut Client)) {
        let back = self.conns.cid;
        if self.select(cid) {
            f(self);
            self.select(back);
        }
    }

    /// Takes what every connection sent and showed since the last call, by connection id.
    pub fn take_outputs(&mut self) -> Vec<(u32, Outbox)> {
        let mut all = vec![(self.conns.cid, std::mem::take(&mut self.out))];
        for (cid, out) in &mut self.conns.outs {
            all.push((*cid, std::mem::take(out)));
        }
        all.sort_by_key(|(c, _)| *c);
        all
    }

    /// Takes the connections `/server` asked for.
    pub fn take_connects(&mut self) -> Vec<Connect> {
        std::mem::take(&mut self.conns.connects)
    }

    /// Carries out `/server` requests of a script that ran on the current connection.
    pub(super) fn apply_servers(&mut self, requests: Vec<ServerRequest>) {
        for r in requests {
            let from = self.conns.cid;
            let cid = if r.new {
                let mut config = self.net.config().clone();
                config.autojoin = r.joins;
                config.password = r.password;
                self.add_connection(config)
            } else {
                // Leaving this server: say goodbye first (the network loop writes the QUIT
                // before it closes the connection).
                if self.net.is_connected() {
                    self.input(Input::Intent(Intent::Quit { reason: None }));
                }
                from
            };
            self.conns.connects.push(Connect {
                cid,
                from,
                new: r.new,
                host: r.host,
                port: r.port,
                tls: r.tls,
            });
        }
    }
}

/// A script host's view of the connections (see the module docs).
pub(super) struct HostConns<'a> {
    /// The connection the script acts on now.
    pub(super) cid: u32,
    /// The one it started on, current again when it is over.
    start: u32,
    /// `$activecid`.
    active: u32,
    /// The other connections; `None` for a host that only reads.
    parked: Option<&'a mut Vec<(u32, Network)>>,
    /// What the script did on connections other than `cid`, kept apart.
    elsewhere: Vec<(u32, Pending)>,
}

impl<'a> HostConns<'a> {
    /// For a host of `c` that may act.
    pub(super) fn new(conns: &'a mut Conns) -> HostConns<'a> {
        HostConns {
            cid: conns.cid,
            start: conns.cid,
            active: conns.active,
            parked: Some(&mut conns.parked),
            elsewhere: Vec::new(),
        }
    }

    /// For a host that only reads the current connection.
    pub(super) fn detached(conns: &Conns) -> HostConns<'a> {
        HostConns {
            cid: conns.cid,
            start: conns.cid,
            active: conns.active,
            parked: None,
            elsewhere: Vec::new(),
        }
    }

    /// Every connection id with its state, in order.
    fn all<'n>(&'n self, current: &'n Network) -> Vec<(u32, &'n Network)> {
        let mut v: Vec<(u32, &Network)> = std::iter::once((self.cid, current))
            .chain(
                self.parked
                    .iter()
                    .flat_map(|p| p.iter())
                    .map(|(c, n)| (*c, n)),
            )
            .collect();
        v.sort_by_key(|(c, _)| *c);
        v
    }
}

/// `-tN` of `/scon -a`: whether a connection in this state is picked.
fn picked(mask: u32, net: &Network) -> bool {
    let connected = net.is_registered();
    let connecting = net.is_connected() && !net.is_registered();
    let disconnected = !net.is_connected();
    (mask & 1 != 0 && connected)
        || (mask & 2 != 0 && !connected)
        || (mask & 4 != 0 && connecting)
        || (mask & 8 != 0 && disconnected)
}

impl ScriptHost<'_> {
    /// Makes connection `cid` the one the script acts on; `false` when there is none (or
    /// this host only reads).
    pub(super) fn switch_to(&mut self, cid: u32) -> bool {
        let from = self.conns.cid;
        if cid == from {
            return true;
        }
        let (Some(net), Some(parked)) = (self.net.get_mut(), self.conns.parked.as_deref_mut())
        else {
            return false;
        };
        let Some(slot) = parked.iter_mut().find(|(c, _)| *c == cid) else {
            return false;
        };
        std::mem::swap(net, &mut slot.1);
        slot.0 = from;
        // What the script did here so far waits apart; what it did there comes back.
        let here = std::mem::take(&mut self.pending);
        self.conns.elsewhere.push((from, here));
        if let Some(i) = self.conns.elsewhere.iter().position(|(c, _)| *c == cid) {
            self.pending = self.conns.elsewhere.swap_remove(i).1;
        }
        self.conns.cid = cid;
        true
    }

    /// Back on the starting connection; what was done on the others, by connection.
    pub(super) fn finish_connections(&mut self) -> Vec<(u32, Pending)> {
        let start = self.conns.start;
        self.switch_to(start);
        std::mem::take(&mut self.conns.elsewhere)
    }

    /// `$cid`, `$activecid`, `$scon(N)[.ident]`, `$scid(N)[.ident]`; `None` for others.
    pub(super) fn conn_identifier(
        &mut self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let int = |n: u32| Some(Ok(Value::Int(i64::from(n))));
        match (name, args.len()) {
            ("cid", 0) => int(self.conns.cid),
            ("activecid", 0) => int(self.conns.active),
            ("scon" | "scid", 1) => {
                let all: Vec<u32> = self
                    .conns
                    .all(self.net.get())
                    .iter()
                    .map(|(c, _)| *c)
                    .collect();
                let n = args[0].to_i64_lenient();
                if n == 0 {
                    return int(all.len() as u32);
                }
                let cid = if name == "scon" {
                    usize::try_from(n - 1)
                        .ok()
                        .and_then(|i| all.get(i).copied())
                } else {
                    u32::try_from(n).ok().filter(|c| all.contains(c))
                };
                let Some(cid) = cid else {
                    return Some(Ok(Value::Null));
                };
                let Some(prop) = prop else {
                    return int(cid);
                };
                // `$scon(2).me`: the identifier, answered on that connection.
                let back = self.conns.cid;
                if !self.switch_to(cid) {
                    return Some(Ok(Value::Null));
                }
                let v = rustirc_lang::Host::identifier(self, &prop.to_ascii_lowercase(), &[], None);
                self.switch_to(back);
                Some(v.unwrap_or(Ok(Value::Null)))
            }
            _ => None,
        }
    }

    /// `/scon` and `/scid` (see [`rustirc_lang::Host::connections`]):
    /// `[-r] [-a [-tN] | N] [command]`.
    pub(super) fn connections_command(&mut self, name: &str, args: &str) -> Result<Relay, String> {
        let mut rest = args.trim();
        let (mut all, mut reset, mut mask) = (false, false, None);
        while let Some(sw) = rest.strip_prefix('-').filter(|s| !s.is_empty()) {
            let (word, more) = sw.split_once(' ').unwrap_or((sw, ""));
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    'a' => all = true,
                    'r' => reset = true,
                    // mIRC's -s (show the result) has nothing to show here.
                    's' => {}
                    't' => {
                        let mut digits = String::new();
                        while let Some(d) = chars.next_if(char::is_ascii_digit) {
                            digits.push(d);
                        }
                        mask = Some(digits.parse::<u32>().map_err(|_| {
                            format!("/{name}: -t needs a number (1 connected, 2 not connected, 4 connecting, 8 disconnected)")
                        })?);
                    }
                    other => return Err(format!("/{name}: unknown switch -{other}")),
                }
            }
            rest = more.trim_start();
        }
        if reset {
            let start = self.conns.start;
            self.switch_to(start);
        }
        let current = self.net.get();
        let conns = self.conns.all(current);
        if all {
            let targets = conns
                .iter()
                .filter(|(_, n)| mask.is_none_or(|m| picked(m, n)))
                .map(|(c, _)| u64::from(*c))
                .collect();
            return Ok(Relay {
                targets,
                command: rest.to_string(),
            });
        }
        let (which, command) = rest.split_once(' ').unwrap_or((rest, ""));
        if which.is_empty() {
            return if reset {
                Ok(Relay::default())
            } else {
                Err(format!("/{name}: insufficient parameters"))
            };
        }
        let n: i64 = which
            .parse()
            .map_err(|_| format!("/{name}: {which} is not a connection number"))?;
        let cid = if name == "scon" {
            usize::try_from(n - 1)
                .ok()
                .and_then(|i| conns.get(i))
                .map(|(c, _)| *c)
                .ok_or_else(|| {
                    format!(
                        "/scon: there is no connection {n} (there are {})",
                        conns.len()
                    )
                })?
        } else {
            u32::try_from(n)
                .ok()
                .filter(|c| conns.iter().any(|(x, _)| x == c))
                .ok_or_else(|| format!("/scid: invalid connection id {n}"))?
        };
        let command = command.trim();
        if command.is_empty() {
            // The rest of the script runs there.
            self.switch_to(cid);
            return Ok(Relay::default());
        }
        Ok(Relay {
            targets: vec![u64::from(cid)],
            command: command.to_string(),
        })
    }

    /// `/server [-m] [host[:[+]port] | host [+]port] [password] [-j #chan[,#chan] [keys]]`:
    /// `-m` opens a new connection (with this one's nick and identity), otherwise this one
    /// moves to the server (or reconnects, given none).
    pub(super) fn server_command(&mut self, args: &str) -> Result<(), String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let mut new = false;
        let mut joins = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match words[i] {
                "-m" => {
                    new = true;
                    words.remove(i);
                }
                "-j" => {
                    words.remove(i);
                    if i >= words.len() {
                        return Err("/server: -j needs a channel".to_string());
                    }
                    let chans = words.remove(i);
                    let keys =
                        (i < words.len() && !words[i].starts_with('-')).then(|| words.remove(i));
                    for (k, c) in chans.split(',').enumerate() {
                        let key = keys.and_then(|ks| ks.split(',').nth(k));
                        let (c, key2) = split_channel(c);
                        joins.push((c, key.map(str::to_string).or(key2)));
                    }
                }
                w if w.starts_with('-') => return Err(format!("/server: unknown switch {w}")),
                _ => i += 1,
            }
        }
        let (host, mut port, mut tls) = match words.first() {
            Some(h) => split_server(h).map_err(|e| format!("/server: {e}"))?,
            None if new => return Err("/server -m: which server?".to_string()),
            None => (String::new(), None, false),
        };
        let mut rest = words.iter().skip(1).copied().peekable();
        if port.is_none() {
            if let Some(p) = rest.peek() {
                let (plus, digits) = p.strip_prefix('+').map_or((false, *p), |d| (true, d));
                if let Ok(n) = digits.parse::<u16>() {
                    port = Some(n);
                    tls |= plus;
                    rest.next();
                }
            }
        }
        let password = rest.next().map(str::to_string);
        if self.net.get_mut().is_none() {
            return Ok(());
        }
        self.pending.servers.push(ServerRequest {
            new,
            host,
            port,
            tls,
            password,
            joins,
        });
        Ok(())
    }
}
