//! Watching the notify list: which of its nicks are on IRC. With ISUPPORT `MONITOR` the
//! server is told the nicks (`MONITOR +`) and says when they come and go (730, 731);
//! otherwise the client asks with `ISON` (303) every `notify_interval_ms`, driven by the
//! clock ticks. Either way [`Event::Notify`] reports each change once.
//!
//! Nicks seen online when watching starts are reported; nicks offline then are not (they
//! were never known to be on). The list itself is the client's; this module only watches it.

use super::{Effect, Event, Network};
use crate::proto::{Message, Prefix};
use std::collections::{BTreeMap, VecDeque};

/// How long one `ISON` or `MONITOR` line may get before another is started (the protocol's
/// 512 bytes, less room for the command and a server's prefix).
const LIST_LINE: usize = 400;

/// The notify list as the network watches it.
#[derive(Clone, Debug, Default)]
pub(super) struct NotifyState {
    /// The nicks to watch, as the list has them.
    nicks: Vec<String>,
    /// Who is online: folded nick → the nick (and address, when the server gave one).
    online: BTreeMap<String, Prefix>,
    /// The nicks told to the server with `MONITOR +`, folded.
    monitored: Vec<String>,
    /// `ISON` queries waiting for their 303, oldest first.
    asked: VecDeque<Vec<String>>,
    /// When they were sent (a server that never answers does not stop the polling).
    asked_at: u64,
    /// When the next `ISON` goes out.
    next_poll: u64,
}

/// The nicks in groups that each fit one `ISON` or `MONITOR` line ([`LIST_LINE`]).
fn batches(nicks: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut len = 0;
    for n in nicks {
        match out.last_mut() {
            Some(b) if len + n.len() < LIST_LINE => {
                b.push(n.clone());
                len += n.len() + 1;
            }
            _ => {
                out.push(vec![n.clone()]);
                len = n.len();
            }
        }
    }
    out
}

impl Network {
    /// Whether the server watches nicks for us (ISUPPORT `MONITOR`).
    fn has_monitor(&self) -> bool {
        self.isupport.get("MONITOR").is_some()
    }

    /// The notify list changed (or is set at start): watch `nicks` from now on.
    pub(super) fn set_notify(&mut self, nicks: Vec<String>, out: &mut Vec<Effect>) {
        let keep: Vec<String> = nicks.iter().map(|n| self.fold(n)).collect();
        // Nicks taken off the list are forgotten without an UNOTIFY.
        self.notify.online.retain(|k, _| keep.contains(k));
        self.notify.nicks = nicks;
        if self.motd_done {
            self.notify_start(out);
        }
    }

    /// Registration is complete (or the list changed): start or update the watching.
    pub(super) fn notify_start(&mut self, out: &mut Vec<Effect>) {
        if self.has_monitor() {
            let want: Vec<String> = self.notify.nicks.iter().map(|n| self.fold(n)).collect();
            let gone: Vec<String> = self
                .notify
                .monitored
                .iter()
                .filter(|n| !want.contains(n))
                .cloned()
                .collect();
            let new: Vec<String> = self
                .notify
                .nicks
                .iter()
                .filter(|n| !self.notify.monitored.contains(&self.fold(n)))
                .cloned()
                .collect();
            for b in batches(&gone) {
                self.send(Message::new("MONITOR", ["-".to_string(), b.join(",")]), out);
            }
            for b in batches(&new) {
                self.send(Message::new("MONITOR", ["+".to_string(), b.join(",")]), out);
            }
            self.notify.monitored = want;
        } else {
            self.notify.next_poll = self.now;
            self.notify_poll(out);
        }
    }

    /// On every tick: an `ISON` for the list when it is due (without MONITOR).
    pub(super) fn notify_poll(&mut self, out: &mut Vec<Effect>) {
        let interval = self.config.notify_interval_ms.max(1000);
        if !self.motd_done
            || self.has_monitor()
            || self.notify.nicks.is_empty()
            || self.now < self.notify.next_poll
        {
            return;
        }
        if !self.notify.asked.is_empty() {
            if self.now.saturating_sub(self.notify.asked_at) < 2 * interval {
                return;
            }
            // No answer in two rounds: ask again.
            self.notify.asked.clear();
        }
        self.notify.next_poll = self.now + interval;
        self.notify.asked_at = self.now;
        let nicks = self.notify.nicks.clone();
        for b in batches(&nicks) {
            self.send(Message::new("ISON", [b.join(" ")]), out);
            self.notify.asked.push_back(b);
        }
    }

    /// Records that `who` is online (or, with `None`, that `nick` is not), reporting a change.
    fn notify_seen(&mut self, nick: &str, who: Option<Prefix>, out: &mut Vec<Effect>) {
        let key = self.fold(nick);
        if !self.notify.nicks.iter().any(|n| self.fold(n) == key) {
            return;
        }
        match who {
            Some(p) => {
                if let std::collections::btree_map::Entry::Vacant(slot) =
                    self.notify.online.entry(key)
                {
                    slot.insert(p.clone());
                    out.push(Effect::Event(Event::Notify {
                        who: p,
                        online: true,
                    }));
                }
            }
            None => {
                if let Some(p) = self.notify.online.remove(&key) {
                    out.push(Effect::Event(Event::Notify {
                        who: p,
                        online: false,
                    }));
                }
            }
        }
    }

    /// 303 RPL_ISON: `me :nick1 nick2` — who of the oldest query is on.
    pub(super) fn on_ison(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let Some(asked) = self.notify.asked.pop_front() else {
            return;
        };
        let on: Vec<String> = msg
            .param(1)
            .unwrap_or("")
            .split_whitespace()
            .map(|n| self.fold(n))
            .collect();
        for nick in asked {
            let key = self.fold(&nick);
            let who = on.contains(&key).then(|| {
                // Keep what we know of their address.
                self.notify
                    .online
                    .get(&key)
                    .cloned()
                    .or_else(|| {
                        self.address(&nick).map(|a| Prefix {
                            nick: a.nick.clone(),
                            user: a.user.clone(),
                            host: a.host.clone(),
                        })
                    })
                    .unwrap_or_else(|| Prefix::parse(&nick))
            });
            self.notify_seen(&nick, who, out);
        }
        // The list changed while this answer was awaited: ask about it now.
        self.notify_poll(out);
    }

    /// 730 RPL_MONONLINE `me :nick!user@host,…` and 731 RPL_MONOFFLINE `me :nick,…`.
    pub(super) fn on_monitor(&mut self, n: u16, msg: &Message, out: &mut Vec<Effect>) {
        let targets: Vec<String> = msg
            .param(1)
            .unwrap_or("")
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        for t in targets {
            let p = Prefix::parse(&t);
            let nick = p.nick.clone();
            self.notify_seen(&nick, (n == 730).then_some(p), out);
        }
    }

    /// The connection closed: nothing is known to be online any more (no UNOTIFY).
    pub(super) fn notify_reset(&mut self) {
        self.notify.online.clear();
        self.notify.monitored.clear();
        self.notify.asked.clear();
    }

    /// Whether `nick` of the notify list is online, as last seen (`$notify(nick).ison`).
    pub fn notify_online(&self, nick: &str) -> Option<&Prefix> {
        self.notify.online.get(&self.fold(nick))
    }
}
