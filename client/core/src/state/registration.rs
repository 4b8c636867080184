//! Connection lifecycle: registration (PASS/NICK/USER and alternative nicks), CAP negotiation
//! (<https://ircv3.net/specs/extensions/capability-negotiation>), SASL PLAIN and EXTERNAL
//! (<https://ircv3.net/specs/extensions/sasl-3.1>), 001, ISUPPORT, the end of the MOTD,
//! PING/PONG with a lag check, ERROR, and rejoining after a reconnect.
//!
//! Nothing here opens sockets or waits: the network layer reports [`Input::Connected`],
//! and a missing lag reply becomes [`Effect::Disconnect`] for it to act on.

use super::{CapState, Effect, Event, Network};
use crate::proto::{Isupport, Message};
use base64::Engine as _;

#[cfg(doc)]
use super::Input;

/// SASL payloads are sent in chunks of at most this many base64 bytes (sasl-3.1 spec).
const SASL_CHUNK: usize = 400;

/// The lag check PING token starts with this, followed by the send time in ms.
const LAG_TOKEN: &str = "LAG";

impl Network {
    pub(super) fn on_connected(&mut self, out: &mut Vec<Effect>) {
        self.connected = true;
        self.connected_at = Some(self.now);
        self.registered_at = None;
        self.registered = false;
        self.motd_done = false;
        self.quitting = false;
        self.timed_out = false;
        self.nick_attempts = 0;
        self.me = self.config.nick.clone();
        self.caps = CapState::default();
        self.isupport = Isupport::default();
        self.last_recv = self.now;
        self.lag_ping = None;
        let want_cap = !self.config.caps.is_empty() || self.config.sasl.is_some();
        if want_cap {
            self.send_now(Message::new("CAP", ["LS", "302"]), out);
        } else {
            self.caps.ended = true;
        }
        if let Some(pass) = self.config.password.clone() {
            self.send_now(Message::new("PASS", [pass]), out);
        }
        self.send_now(Message::nick(&self.me.clone()), out);
        let (user, real) = (self.config.user.clone(), self.config.realname.clone());
        self.send_now(
            Message::new("USER", [user.as_str(), "0", "*", real.as_str()]),
            out,
        );
    }

    pub(super) fn on_disconnected(&mut self, reason: String, out: &mut Vec<Effect>) {
        if self.registered && !self.channels.is_empty() {
            self.rejoin = self
                .channels
                .values()
                .map(|c| (c.name.clone(), c.key.clone()))
                .collect();
        }
        if self.quitting {
            self.rejoin.clear();
        }
        self.connected = false;
        self.connected_at = None;
        self.registered_at = None;
        self.away_since = None;
        self.registered = false;
        self.motd_done = false;
        self.channels.clear();
        self.ial.clear();
        self.caps = CapState::default();
        self.queue.clear();
        self.notify_reset();
        self.lag_ping = None;
        self.away = None;
        self.account = None;
        self.usermodes.clear();
        out.push(Effect::Event(Event::Disconnected { reason }));
    }

    // --- CAP and SASL ---

    pub(super) fn on_cap(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let sub = msg.param(1).unwrap_or("").to_ascii_uppercase();
        // `CAP * LS * :caps` is a continuation; the last line has no `*`.
        let more = msg.params.len() >= 4 && msg.param(2) == Some("*");
        let list = msg.trailing().unwrap_or("");
        match sub.as_str() {
            "LS" => {
                self.offer(list);
                if !more && !self.caps.ended && !self.caps.requested {
                    self.request_caps(out);
                }
            }
            "NEW" => {
                self.offer(list);
                let new: Vec<&str> = list
                    .split_whitespace()
                    .map(|c| c.split('=').next().unwrap_or(c))
                    .collect();
                let want: Vec<String> = self
                    .config
                    .caps
                    .iter()
                    .filter(|c| new.contains(&c.as_str()) && !self.caps.enabled.contains(*c))
                    .cloned()
                    .collect();
                if !want.is_empty() {
                    self.send(
                        Message::new("CAP", ["REQ".to_string(), want.join(" ")]),
                        out,
                    );
                }
            }
            "DEL" => {
                for cap in list.split_whitespace() {
                    self.caps.enabled.remove(cap);
                    self.caps.offered.shift_remove(cap);
                }
            }
            "ACK" => {
                for cap in list.split_whitespace() {
                    match cap.strip_prefix('-') {
                        Some(off) => {
                            self.caps.enabled.remove(off);
                        }
                        None => {
                            self.caps.enabled.insert(cap.to_string());
                        }
                    }
                }
                if !more {
                    self.after_req(out);
                }
            }
            "NAK" => self.after_req(out),
            _ => {}
        }
    }

    fn offer(&mut self, list: &str) {
        for item in list.split_whitespace() {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            self.caps
                .offered
                .insert(name.to_string(), value.to_string());
        }
    }

    fn request_caps(&mut self, out: &mut Vec<Effect>) {
        let mut req: Vec<String> = self
            .config
            .caps
            .iter()
            .filter(|c| self.caps.offered.contains_key(c.as_str()))
            .cloned()
            .collect();
        if self.sasl_mechanism().is_some() {
            req.push("sasl".into());
        }
        if req.is_empty() {
            self.cap_end(out);
        } else {
            self.caps.requested = true;
            self.send_now(Message::new("CAP", ["REQ".to_string(), req.join(" ")]), out);
        }
    }

    /// The SASL mechanism to use, if SASL is configured and the server offers it.
    fn sasl_mechanism(&self) -> Option<&'static str> {
        let mech = match self.config.sasl.as_ref()? {
            super::Sasl::Plain { .. } => "PLAIN",
            super::Sasl::External => "EXTERNAL",
        };
        let offered = self.caps.offered.get("sasl")?;
        // A value lists the mechanisms (cap 302); no value means "ask and see".
        (offered.is_empty() || offered.split(',').any(|m| m.eq_ignore_ascii_case(mech)))
            .then_some(mech)
    }

    fn after_req(&mut self, out: &mut Vec<Effect>) {
        if self.caps.ended || !self.caps.requested {
            return;
        }
        self.caps.requested = false;
        match self.sasl_mechanism() {
            Some(mech) if self.caps.enabled.contains("sasl") && !self.caps.sasl_running => {
                self.caps.sasl_running = true;
                self.send_now(Message::new("AUTHENTICATE", [mech]), out);
            }
            _ => self.cap_end(out),
        }
    }

    fn cap_end(&mut self, out: &mut Vec<Effect>) {
        if !self.caps.ended {
            self.caps.ended = true;
            self.send_now(Message::new("CAP", ["END"]), out);
        }
    }

    pub(super) fn on_authenticate(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        if msg.param(0) != Some("+") || !self.caps.sasl_running {
            return;
        }
        let payload = match &self.config.sasl {
            Some(super::Sasl::Plain { account, password }) => {
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{account}\0{account}\0{password}"))
            }
            _ => String::new(),
        };
        if payload.is_empty() {
            self.send_now(Message::new("AUTHENTICATE", ["+"]), out);
            return;
        }
        for chunk in payload.as_bytes().chunks(SASL_CHUNK) {
            self.send_now(
                Message::new(
                    "AUTHENTICATE",
                    [String::from_utf8_lossy(chunk).into_owned()],
                ),
                out,
            );
        }
        // A payload that is an exact multiple of the chunk size is ended by an empty chunk.
        if payload.len() % SASL_CHUNK == 0 {
            self.send_now(Message::new("AUTHENTICATE", ["+"]), out);
        }
    }

    /// 902-908: SASL finished one way or the other; registration goes on either way.
    pub(super) fn on_sasl_done(&mut self, out: &mut Vec<Effect>) {
        if self.caps.sasl_running {
            self.caps.sasl_running = false;
            self.cap_end(out);
        }
    }

    // --- registration ---

    /// 432/433/437 before 001: try the next alternative nick.
    pub(super) fn on_nick_unavailable(&mut self, out: &mut Vec<Effect>) {
        if self.registered {
            return;
        }
        let next = match self.config.alt_nicks.get(self.nick_attempts) {
            Some(alt) => alt.clone(),
            None => format!("{}_", self.me),
        };
        self.nick_attempts += 1;
        self.me.clone_from(&next);
        self.send_now(Message::nick(&next), out);
    }

    pub(super) fn on_welcome(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        if let Some(nick) = msg.param(0) {
            self.me = nick.to_string();
        }
        self.registered = true;
        self.registered_at = Some(self.now);
        self.caps.ended = true;
        let server = msg.source_nick().unwrap_or("").to_string();
        self.server = Some(server.clone());
        out.push(Effect::Event(Event::Registered {
            server,
            nick: self.me.clone(),
        }));
        let mut joins: Vec<(String, Option<String>)> = Vec::new();
        if self.config.rejoin {
            joins.append(&mut self.rejoin);
        }
        self.rejoin.clear();
        for (chan, key) in self.config.autojoin.clone() {
            if !joins.iter().any(|(c, _)| self.casemap().eq(c, &chan)) {
                joins.push((chan, key));
            }
        }
        for (chan, key) in joins {
            self.send(Message::join(&chan, key.as_deref()), out);
        }
    }

    pub(super) fn on_isupport(&mut self, msg: &Message) {
        // 005 me TOKEN TOKEN … :are supported by this server
        let n = msg.params.len();
        if n < 3 {
            return;
        }
        let before = self.casemap();
        self.isupport.apply(&msg.params[1..n - 1]);
        if self.casemap() != before {
            self.refold();
        }
    }

    pub(super) fn on_motd_end(&mut self, out: &mut Vec<Effect>) {
        if !self.motd_done {
            self.motd_done = true;
            out.push(Effect::Event(Event::Connected));
            self.notify_start(out);
        }
    }

    pub(super) fn on_error(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let message = msg.trailing().unwrap_or("").to_string();
        out.push(Effect::Event(Event::Error { message }));
    }

    // --- PING, PONG and lag ---

    pub(super) fn on_ping(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        self.send_now(
            Message::new("PONG", msg.params.iter().map(String::as_str)),
            out,
        );
        let token = msg.trailing().unwrap_or("").to_string();
        out.push(Effect::Event(Event::Ping { token }));
    }

    pub(super) fn on_pong(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let server = msg.param(0).unwrap_or("").to_string();
        let token = msg.trailing().unwrap_or("").to_string();
        let mut lag_ms = None;
        if let Some((sent_token, sent_at)) = &self.lag_ping {
            if *sent_token == token {
                let lag = self.now.saturating_sub(*sent_at);
                lag_ms = Some(lag);
                self.lag_ms = Some(lag);
                self.lag_ping = None;
            }
        }
        out.push(Effect::Event(Event::Pong {
            server,
            token,
            lag_ms,
        }));
    }

    /// On every tick: PING after `ping_interval_ms` of silence; give up after
    /// `ping_timeout_ms` without the answer.
    pub(super) fn lag_check(&mut self, out: &mut Vec<Effect>) {
        if !self.registered || self.config.ping_interval_ms == 0 || self.timed_out {
            return;
        }
        match &self.lag_ping {
            Some((_, sent)) => {
                if self.now.saturating_sub(*sent) >= self.config.ping_timeout_ms {
                    self.timed_out = true;
                    let secs = self.config.ping_timeout_ms / 1000;
                    out.push(Effect::Disconnect {
                        reason: format!("ping timeout: {secs} seconds"),
                    });
                }
            }
            None => {
                if self.now.saturating_sub(self.last_recv) >= self.config.ping_interval_ms {
                    let token = format!("{LAG_TOKEN}{}", self.now);
                    self.lag_ping = Some((token.clone(), self.now));
                    self.send_now(Message::new("PING", [token]), out);
                }
            }
        }
    }
}
