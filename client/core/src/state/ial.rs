//! The internal address list (mIRC's IAL): `nick!user@host` and what else we know (account,
//! real name, away) for every nick that shares a channel with us, and for ourselves.
//!
//! Entries are added on JOIN and NAMES, refreshed from the prefix of every line, from WHO
//! (352) and WHOIS (311) replies, CHGHOST, ACCOUNT and AWAY (away-notify), and removed when
//! the nick shares no channel with us any more (see `channels.rs`). Lookups by mask live in
//! `query.rs`.

use super::{Effect, Event, Network};
use crate::proto::{Message, Prefix};

/// One IAL entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// The nick.
    pub nick: String,
    /// The user (ident), once known.
    pub user: Option<String>,
    /// The host, once known.
    pub host: Option<String>,
    /// The services account (extended-join, account-notify, WHOX), if known.
    pub account: Option<String>,
    /// The real name (extended-join, WHO, WHOIS), if known.
    pub realname: Option<String>,
    /// The away message while they are away (`Some("")` when away without a known message).
    pub away: Option<String>,
}

impl Address {
    /// `nick!user@host`, with `*` for unknown parts (mIRC's `$address(nick, 5)`).
    pub fn full(&self) -> String {
        format!(
            "{}!{}@{}",
            self.nick,
            self.user.as_deref().unwrap_or("*"),
            self.host.as_deref().unwrap_or("*")
        )
    }

    /// `user@host` (mIRC's `$address`), when both are known.
    pub fn address(&self) -> Option<String> {
        Some(format!(
            "{}@{}",
            self.user.as_deref()?,
            self.host.as_deref()?
        ))
    }
}

impl Network {
    /// Refreshes user and host of an existing entry from a line's prefix.
    pub(super) fn ial_touch(&mut self, p: &Prefix) {
        if p.user.is_none() && p.host.is_none() {
            return;
        }
        let key = self.fold(&p.nick);
        if let Some(a) = self.ial.get_mut(&key) {
            if p.user.is_some() {
                a.user.clone_from(&p.user);
            }
            if p.host.is_some() {
                a.host.clone_from(&p.host);
            }
        }
    }

    /// Adds `p` to the IAL (or refreshes it).
    pub(super) fn ial_learn(&mut self, p: &Prefix) {
        let key = self.fold(&p.nick);
        let entry = self.ial.entry(key).or_insert_with(|| Address {
            nick: p.nick.clone(),
            ..Address::default()
        });
        entry.nick.clone_from(&p.nick);
        if p.user.is_some() {
            entry.user.clone_from(&p.user);
        }
        if p.host.is_some() {
            entry.host.clone_from(&p.host);
        }
    }

    fn ial_get_mut(&mut self, nick: &str) -> Option<&mut super::Address> {
        let key = self.fold(nick);
        self.ial.get_mut(&key)
    }

    /// 352 RPL_WHOREPLY: `me #chan user host server nick H|G[*][@+] :hops realname`.
    pub(super) fn on_who_reply(&mut self, msg: &Message) {
        let [_, _, user, host, _, nick, flags, ..] = msg.params.as_slice() else {
            return;
        };
        let realname = msg
            .param(7)
            .map(|t| t.split_once(' ').map_or("", |(_, r)| r).to_string());
        // Only nicks that share a channel with us (or ourselves) belong in the IAL.
        if !self.is_me(nick) && self.channels_of(nick).is_empty() {
            return;
        }
        self.ial_learn(&Prefix::new(nick, user, host));
        if let Some(a) = self.ial_get_mut(nick) {
            a.realname = realname;
            if flags.starts_with('G') {
                a.away.get_or_insert_with(String::new);
            } else if flags.starts_with('H') {
                a.away = None;
            }
        }
    }

    /// 311 RPL_WHOISUSER: `me nick user host * :realname`; refreshes an existing entry.
    pub(super) fn on_whois_user(&mut self, msg: &Message) {
        let [_, nick, user, host, ..] = msg.params.as_slice() else {
            return;
        };
        self.ial_touch(&Prefix::new(nick, user, host));
        let realname = msg.param(5).map(str::to_string);
        if let Some(a) = self.ial_get_mut(nick) {
            a.realname = realname;
        }
    }

    /// 301 RPL_AWAY: `me nick :message`.
    pub(super) fn on_rpl_away(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let (Some(nick), Some(text)) = (msg.param(1), msg.param(2)) else {
            return;
        };
        if let Some(a) = self.ial_get_mut(nick) {
            a.away = Some(text.to_string());
        }
        out.push(Effect::Event(Event::Away {
            nick: nick.to_string(),
            message: Some(text.to_string()),
        }));
    }

    /// 305 RPL_UNAWAY / 306 RPL_NOWAWAY: our own away state.
    pub(super) fn on_own_away(&mut self, n: u16, out: &mut Vec<Effect>) {
        if n == 305 {
            self.away = None;
            self.away_since = None;
        } else if self.away.is_none() {
            // Away set elsewhere (another client on a bouncer): the message is unknown.
            self.away = Some(String::new());
        }
        if self.away.is_some() && self.away_since.is_none() {
            self.away_since = Some(self.now);
        }
        let (me, away) = (self.me.clone(), self.away.clone());
        if let Some(a) = self.ial_get_mut(&me) {
            a.away = away;
        }
        out.push(Effect::Event(Event::OwnAway {
            message: self.away.clone(),
        }));
    }

    /// away-notify: `:nick!u@h AWAY [:message]`.
    pub(super) fn on_away_notify(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let Some(nick) = msg.source_nick().map(str::to_string) else {
            return;
        };
        let message = msg.param(0).map(str::to_string);
        if let Some(a) = self.ial_get_mut(&nick) {
            a.away.clone_from(&message);
        }
        out.push(Effect::Event(Event::Away { nick, message }));
    }

    /// account-notify: `:nick!u@h ACCOUNT account` (`*` when logged out).
    pub(super) fn on_account(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let Some(nick) = msg.source_nick().map(str::to_string) else {
            return;
        };
        let account = msg.param(0).filter(|a| *a != "*").map(str::to_string);
        if let Some(a) = self.ial_get_mut(&nick) {
            a.account.clone_from(&account);
        }
        out.push(Effect::Event(Event::Account { nick, account }));
    }

    /// chghost: `:nick!old@old CHGHOST newuser newhost`.
    pub(super) fn on_chghost(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let (Some(nick), Some(user), Some(host)) = (msg.source_nick(), msg.param(0), msg.param(1))
        else {
            return;
        };
        let (nick, user, host) = (nick.to_string(), user.to_string(), host.to_string());
        self.ial_touch(&Prefix::new(&nick, &user, &host));
        out.push(Effect::Event(Event::HostChanged { nick, user, host }));
    }

    /// 396 RPL_VISIBLEHOST: `me host :is now your displayed host`.
    pub(super) fn on_displayed_host(&mut self, msg: &Message) {
        let Some(host) = msg.param(1) else { return };
        // Some servers send `user@host`.
        let (user, host) = match host.split_once('@') {
            Some((u, h)) => (Some(u.to_string()), h.to_string()),
            None => (None, host.to_string()),
        };
        let me = self.me.clone();
        if let Some(a) = self.ial_get_mut(&me) {
            a.host = Some(host);
            if user.is_some() {
                a.user = user;
            }
        }
    }
}
