//! One network's IRC state as a sans-IO state machine: [`Network::handle`] takes an
//! [`Input`] (a received line, a user [`Intent`], a clock tick, the connection opening or
//! closing) and returns the [`Effect`]s to perform (lines to send, [`Event`]s to dispatch).
//!
//! It keeps registration and CAP/SASL negotiation, ISUPPORT, our nick, the channels with
//! their topics, modes and nick lists, the internal address list (IAL), away state, lag, and
//! the channels to rejoin after a reconnect; it answers PING and the common CTCPs and paces
//! what it sends through a token bucket ([`SendQueue`]).
//!
//! It does no I/O, starts no tasks and never reads the system clock: time is whatever the
//! last [`Input::Tick`] said (milliseconds since the Unix epoch, so CTCP TIME can print it).
//! It does not decide when to reconnect, run scripts, or format anything for display.
//! The shape is halloy's `data/src/client.rs`, split one file per message family:
//!
//! | file              | what                                                          |
//! |-------------------|---------------------------------------------------------------|
//! | `config.rs`       | [`Config`]: identity, SASL, caps, CTCP, flood, timers         |
//! | `event.rs`        | [`Event`]: what happened, for the event table                 |
//! | `registration.rs` | connect, CAP, SASL, 001/005/433, MOTD end, PING/PONG, lag     |
//! | `channels.rs`     | [`Channel`], [`Member`]: JOIN PART KICK QUIT NICK MODE TOPIC NAMES |
//! | `messages.rs`     | PRIVMSG, NOTICE, CTCP and its automatic replies, INVITE, WALLOPS |
//! | `ial.rs`          | [`Address`]: the IAL, WHO, CHGHOST, ACCOUNT, AWAY             |
//! | `intent.rs`       | [`Intent`]: what the user or a script asks to send            |
//! | `notify.rs`       | watching the notify list: MONITOR, or ISON on the clock       |
//! | `query.rs`        | read accessors for the script host (`$me`, `ison`, `$nick(#,N)` …) |
//! | `flood.rs`        | [`SendQueue`]: the token bucket                               |

mod channels;
pub mod config;
mod event;
pub mod flood;
mod ial;
mod intent;
mod messages;
mod notify;
mod query;
mod registration;
#[cfg(test)]
mod tests;

pub use channels::{Channel, Member};
pub use config::{Config, Flood, Sasl};
pub use event::{Event, Msg};
pub use flood::SendQueue;
pub use ial::Address;
pub use intent::Intent;

use crate::casemap::CaseMapping;
use crate::proto::{Isupport, Message};
use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet};

/// Something that happened to the network state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The connection is open: registration starts.
    Connected,
    /// The connection closed (or failed); per-connection state is dropped and the channels
    /// we were on are remembered for rejoining.
    Disconnected {
        /// Why, for the DISCONNECT event.
        reason: String,
    },
    /// A line from the server.
    Line(Message),
    /// The clock now reads this many milliseconds since the Unix epoch. Releases queued
    /// lines and runs the lag check.
    Tick(u64),
    /// The user or a script wants something sent.
    Intent(Intent),
}

/// What the caller must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Write this line to the server (the network layer encodes it and adds CR LF).
    Send(Message),
    /// Dispatch this event.
    Event(Event),
    /// Close the connection (the server stopped answering our lag checks).
    Disconnect {
        /// Why, e.g. `ping timeout`.
        reason: String,
    },
}

/// CAP negotiation progress for the current connection.
#[derive(Clone, Debug, Default)]
struct CapState {
    /// Caps the server offers, name → value (`sasl` → `PLAIN,EXTERNAL`).
    offered: IndexMap<String, String>,
    /// Caps acknowledged and active.
    enabled: BTreeSet<String>,
    /// A `CAP REQ` is waiting for ACK/NAK.
    requested: bool,
    /// `CAP END` has been sent (or CAP is not in use).
    ended: bool,
    /// A SASL exchange is in progress.
    sasl_running: bool,
}

/// The state of one IRC network connection. See the module docs.
#[derive(Clone, Debug)]
pub struct Network {
    config: Config,
    now: u64,
    connected: bool,
    registered: bool,
    motd_done: bool,
    quitting: bool,
    /// Our nick (the one we are trying, until 001 confirms it).
    me: String,
    /// How many alternative nicks have been tried during this registration.
    nick_attempts: usize,
    server: Option<String>,
    isupport: Isupport,
    caps: CapState,
    account: Option<String>,
    usermodes: String,
    /// Our away message while away.
    away: Option<String>,
    /// Joined channels, keyed by folded name, in join order.
    channels: IndexMap<String, Channel>,
    /// The internal address list, keyed by folded nick, in insertion order.
    ial: IndexMap<String, Address>,
    /// Channels (and keys) to join after the next registration.
    rejoin: Vec<(String, Option<String>)>,
    /// Keys of channels we asked to join, by folded name, until the JOIN arrives.
    pending_keys: BTreeMap<String, String>,
    queue: SendQueue,
    last_recv: u64,
    /// Token and send time of our outstanding lag PING.
    lag_ping: Option<(String, u64)>,
    lag_ms: Option<u64>,
    timed_out: bool,
    last_ctcp_reply: Option<u64>,
    /// When we last sent a PRIVMSG or NOTICE (for `$idle`).
    last_spoke: u64,
    /// When the connection opened (`$uptime(server)`).
    connected_at: Option<u64>,
    /// When registration completed (`$online`).
    registered_at: Option<u64>,
    /// When we went away (`$awaytime`).
    away_since: Option<u64>,
    /// The address and port we connect to (`$servertarget`, `$port`).
    target: Option<(String, u16)>,
    /// The notify list as watched on this connection.
    notify: notify::NotifyState,
}

impl Network {
    /// A disconnected network with `config`, the clock reading `now_ms`.
    pub fn new(config: Config, now_ms: u64) -> Network {
        Network {
            me: config.nick.clone(),
            queue: SendQueue::new(config.flood, now_ms),
            config,
            now: now_ms,
            connected: false,
            registered: false,
            motd_done: false,
            quitting: false,
            nick_attempts: 0,
            server: None,
            isupport: Isupport::default(),
            caps: CapState::default(),
            account: None,
            usermodes: String::new(),
            away: None,
            channels: IndexMap::new(),
            ial: IndexMap::new(),
            rejoin: Vec::new(),
            pending_keys: BTreeMap::new(),
            last_recv: now_ms,
            lag_ping: None,
            lag_ms: None,
            timed_out: false,
            last_ctcp_reply: None,
            last_spoke: now_ms,
            connected_at: None,
            registered_at: None,
            away_since: None,
            target: None,
            notify: notify::NotifyState::default(),
        }
    }

    /// Feeds one input and returns what to do, in order.
    ///
    /// ```
    /// use rustirc_core::proto::Message;
    /// use rustirc_core::state::{Config, Effect, Input, Network};
    /// let mut net = Network::new(Config::new("me"), 0);
    /// net.handle(Input::Connected);
    /// let out = net.handle(Input::Line(Message::parse("PING :abc").unwrap()));
    /// assert!(out.contains(&Effect::Send(Message::new("PONG", ["abc"]))));
    /// ```
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        let mut out = Vec::new();
        match input {
            Input::Connected => self.on_connected(&mut out),
            Input::Disconnected { reason } => self.on_disconnected(reason, &mut out),
            Input::Line(msg) => self.on_line(msg, &mut out),
            Input::Tick(now) => self.on_tick(now, &mut out),
            Input::Intent(intent) => self.on_intent(intent, &mut out),
        }
        out
    }

    /// Parses and feeds one received line; unparseable lines are ignored.
    pub fn handle_line(&mut self, line: &str) -> Vec<Effect> {
        match Message::parse(line) {
            Ok(msg) => self.handle(Input::Line(msg)),
            Err(_) => Vec::new(),
        }
    }

    /// Changes the nick the next registration uses (a connect dialog's nick); until then it
    /// is also my nick.
    pub fn set_nick(&mut self, nick: &str) {
        self.config.nick = nick.to_string();
        if !self.connected {
            self.me = nick.to_string();
        }
    }

    /// Records the address and port the network layer connects to (`$servertarget`,
    /// `$port`); call it before [`Input::Connected`].
    pub fn set_target(&mut self, host: &str, port: u16) {
        self.target = Some((host.to_string(), port));
    }

    fn on_line(&mut self, msg: Message, out: &mut Vec<Effect>) {
        self.last_recv = self.now;
        out.push(Effect::Event(Event::Raw(msg.clone())));
        if let Some(p) = &msg.prefix {
            self.ial_touch(p);
        }
        match msg.command.as_str() {
            "CAP" => self.on_cap(&msg, out),
            "AUTHENTICATE" => self.on_authenticate(&msg, out),
            "PING" => self.on_ping(&msg, out),
            "PONG" => self.on_pong(&msg, out),
            "ERROR" => self.on_error(&msg, out),
            "PRIVMSG" => self.on_privmsg(msg, out),
            "NOTICE" => self.on_notice(msg, out),
            "WALLOPS" => self.on_wallops(&msg, out),
            "INVITE" => self.on_invite(&msg, out),
            "JOIN" => self.on_join(msg, out),
            "PART" => self.on_part(msg, out),
            "KICK" => self.on_kick(msg, out),
            "QUIT" => self.on_quit(msg, out),
            "NICK" => self.on_nick(msg, out),
            "MODE" => self.on_mode(msg, out),
            "TOPIC" => self.on_topic(msg, out),
            "AWAY" => self.on_away_notify(&msg, out),
            "ACCOUNT" => self.on_account(&msg, out),
            "CHGHOST" => self.on_chghost(&msg, out),
            _ => {
                if let Some(n) = msg.numeric() {
                    self.on_numeric(n, &msg, out);
                }
            }
        }
    }

    fn on_numeric(&mut self, n: u16, msg: &Message, out: &mut Vec<Effect>) {
        match n {
            1 => self.on_welcome(msg, out),
            5 => self.on_isupport(msg),
            221 => self.on_umodeis(msg),
            301 => self.on_rpl_away(msg, out),
            303 => self.on_ison(msg, out),
            305 | 306 => self.on_own_away(n, out),
            311 => self.on_whois_user(msg),
            324 => self.on_channelmodeis(msg),
            332 | 333 => self.on_topic_reply(n, msg),
            352 => self.on_who_reply(msg),
            353 => self.on_names(msg),
            366 => self.on_names_end(msg),
            367 => self.on_banlist(msg),
            376 | 422 => self.on_motd_end(out),
            396 => self.on_displayed_host(msg),
            432 | 433 | 437 => self.on_nick_unavailable(out),
            730 | 731 => self.on_monitor(n, msg, out),
            900 => self.account = msg.param(2).map(str::to_string),
            901 => self.account = None,
            902..=908 => self.on_sasl_done(out),
            _ => {}
        }
    }

    fn on_tick(&mut self, now: u64, out: &mut Vec<Effect>) {
        self.now = self.now.max(now);
        self.lag_check(out);
        self.notify_poll(out);
        let ready = self.queue.drain(self.now);
        out.extend(ready.into_iter().map(Effect::Send));
    }

    /// Sends `msg` through the flood queue.
    fn send(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let ready = self.queue.push(msg, self.now);
        out.extend(ready.into_iter().map(Effect::Send));
    }

    /// Sends `msg` at once, ahead of the queue (PONG, QUIT, registration).
    fn send_now(&mut self, msg: Message, out: &mut Vec<Effect>) {
        out.push(Effect::Send(msg));
    }

    fn casemap(&self) -> CaseMapping {
        self.isupport.casemapping
    }

    fn fold(&self, name: &str) -> String {
        self.casemap().fold(name)
    }

    fn is_me(&self, nick: &str) -> bool {
        self.casemap().eq(nick, &self.me)
    }
}
