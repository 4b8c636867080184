//! Channels we are on and who is in them: JOIN, PART, KICK, QUIT, NICK, MODE, TOPIC and the
//! replies that describe a channel (324 modes, 332/333 topic, 353/366 names, 367 bans).
//!
//! Membership changes keep the internal address list in step (a nick that shares no channel
//! with us leaves the IAL, as in mIRC). Nothing here decides what to show; the events say
//! what happened.

use super::{Effect, Event, Network};
use crate::proto::{Message, ModeChange, ModeKind, ModeSpec, Prefix};
use std::collections::BTreeMap;

/// One nick in a channel's nick list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The nick as last seen.
    pub nick: String,
    /// Membership prefix symbols, highest rank first (`@+` with multi-prefix).
    pub prefixes: String,
}

impl Member {
    /// The highest prefix symbol, if any (what a nick list shows).
    pub fn highest(&self) -> Option<char> {
        self.prefixes.chars().next()
    }
}

/// A channel we are on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    /// The name as the server spelled it in our JOIN.
    pub name: String,
    /// The topic, if any.
    pub topic: Option<String>,
    /// Who set the topic (nick or mask), from TOPIC or 333.
    pub topic_by: Option<String>,
    /// When the topic was set, in seconds since the Unix epoch (333, or our clock on TOPIC).
    pub topic_time: Option<u64>,
    /// Flag and parameter modes: `n` → `None`, `l` → `Some("10")`.
    pub modes: BTreeMap<char, Option<String>>,
    /// List modes as far as we know them (`b` → ban masks); filled by MODE and 367.
    pub lists: BTreeMap<char, Vec<String>>,
    /// The key we joined with or that was set with `+k`, for rejoining.
    pub key: Option<String>,
    /// Whether the first NAMES reply (366) has arrived.
    pub synced: bool,
    /// Set while a 353 run is arriving, so a second NAMES replaces rather than adds.
    names_running: bool,
    /// Members keyed by folded nick (alphabetical by key).
    pub(super) members: BTreeMap<String, Member>,
}

impl Channel {
    fn new(name: &str) -> Channel {
        Channel {
            name: name.to_string(),
            topic: None,
            topic_by: None,
            topic_time: None,
            modes: BTreeMap::new(),
            lists: BTreeMap::new(),
            key: None,
            synced: false,
            names_running: false,
            members: BTreeMap::new(),
        }
    }

    /// How many nicks are in the channel.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the nick list is empty.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The channel modes as mIRC's `$chan(#).mode` shows them: `+ntkl key 10`.
    pub fn mode_string(&self) -> String {
        let mut letters = String::from("+");
        let mut args = Vec::new();
        for (m, arg) in &self.modes {
            letters.push(*m);
            if let Some(a) = arg {
                args.push(a.as_str());
            }
        }
        if letters.len() == 1 {
            return String::new();
        }
        std::iter::once(letters.as_str())
            .chain(args)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn apply(&mut self, spec: &ModeSpec, fold: impl Fn(&str) -> String, change: &ModeChange) {
        match change.kind {
            ModeKind::Prefix(sym) => {
                let Some(nick) = &change.arg else { return };
                let Some(member) = self.members.get_mut(&fold(nick)) else {
                    return;
                };
                if change.add {
                    if !member.prefixes.contains(sym) {
                        member.prefixes.push(sym);
                        sort_prefixes(spec, &mut member.prefixes);
                    }
                } else {
                    member.prefixes.retain(|c| c != sym);
                }
            }
            ModeKind::List => {
                let Some(mask) = &change.arg else { return };
                let list = self.lists.entry(change.mode).or_default();
                if change.add {
                    if !list.contains(mask) {
                        list.push(mask.clone());
                    }
                } else {
                    list.retain(|m| m != mask);
                }
            }
            ModeKind::Param | ModeKind::ParamWhenSet | ModeKind::Flag => {
                if change.add {
                    self.modes.insert(change.mode, change.arg.clone());
                    if change.mode == 'k' {
                        self.key.clone_from(&change.arg);
                    }
                } else {
                    self.modes.remove(&change.mode);
                    if change.mode == 'k' {
                        self.key = None;
                    }
                }
            }
        }
    }
}

/// Orders prefix symbols by rank (highest first), dropping duplicates.
fn sort_prefixes(spec: &ModeSpec, prefixes: &mut String) {
    let mut syms: Vec<char> = prefixes.chars().collect();
    syms.sort_by_key(|c| spec.rank(*c).unwrap_or(usize::MAX));
    syms.dedup();
    *prefixes = syms.into_iter().collect();
}

impl Network {
    /// The channels (display names) `nick` is in.
    pub(super) fn channels_of(&self, nick: &str) -> Vec<String> {
        let key = self.fold(nick);
        self.channels
            .values()
            .filter(|c| c.members.contains_key(&key))
            .map(|c| c.name.clone())
            .collect()
    }

    /// Drops `nick` from the IAL if it shares no channel with us any more (never ourselves).
    fn ial_prune(&mut self, nick: &str) {
        if self.is_me(nick) {
            return;
        }
        let key = self.fold(nick);
        if !self.channels.values().any(|c| c.members.contains_key(&key)) {
            self.ial.shift_remove(&key);
        }
    }

    /// Re-keys every map after CASEMAPPING changed.
    pub(super) fn refold(&mut self) {
        let map = self.casemap();
        let channels = std::mem::take(&mut self.channels);
        for (_, mut chan) in channels {
            chan.members = std::mem::take(&mut chan.members)
                .into_values()
                .map(|m| (map.fold(&m.nick), m))
                .collect();
            self.channels.insert(map.fold(&chan.name), chan);
        }
        let ial = std::mem::take(&mut self.ial);
        self.ial = ial.into_values().map(|a| (map.fold(&a.nick), a)).collect();
    }

    pub(super) fn on_join(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(who), Some(channel)) = (msg.prefix.clone(), msg.param(0)) else {
            return;
        };
        let channel = channel.to_string();
        // extended-join: JOIN #chan account :realname ('*' = not logged in).
        let account = msg.param(1).filter(|a| *a != "*").map(str::to_string);
        let realname = msg.param(2).map(str::to_string);
        let ckey = self.fold(&channel);
        if self.is_me(&who.nick) {
            let mut chan = Channel::new(&channel);
            chan.key = self
                .rejoin
                .iter()
                .find(|(c, _)| self.casemap().eq(c, &channel))
                .and_then(|(_, k)| k.clone());
            if let Some(k) = self.pending_keys.remove(&ckey) {
                chan.key = Some(k);
            }
            self.channels.insert(ckey.clone(), chan);
            if self.config.mode_on_join {
                self.send(Message::new("MODE", [channel.as_str()]), out);
            }
            if self.config.who_on_join {
                self.send(Message::new("WHO", [channel.as_str()]), out);
            }
        }
        let nkey = self.fold(&who.nick);
        if let Some(chan) = self.channels.get_mut(&ckey) {
            chan.members.insert(
                nkey,
                Member {
                    nick: who.nick.clone(),
                    prefixes: String::new(),
                },
            );
        }
        self.ial_learn(&who);
        if let Some(addr) = self.ial.get_mut(&self.fold(&who.nick)) {
            if account.is_some() || msg.params.len() >= 3 {
                addr.account.clone_from(&account);
            }
            if realname.is_some() {
                addr.realname.clone_from(&realname);
            }
        }
        out.push(Effect::Event(Event::Join {
            who,
            channel,
            account,
            realname,
            tags: msg.tags,
        }));
    }

    /// Someone (maybe us) left `channel`, by PART or KICK.
    fn leave(&mut self, nick: &str, channel: &str) {
        let ckey = self.fold(channel);
        if self.is_me(nick) {
            if let Some(chan) = self.channels.shift_remove(&ckey) {
                for m in chan.members.values() {
                    self.ial_prune(&m.nick);
                }
            }
        } else {
            let nkey = self.fold(nick);
            if let Some(chan) = self.channels.get_mut(&ckey) {
                chan.members.remove(&nkey);
            }
            self.ial_prune(nick);
        }
    }

    pub(super) fn on_part(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(who), Some(channel)) = (msg.prefix.clone(), msg.param(0)) else {
            return;
        };
        let channel = self.channel_display(channel);
        let reason = msg.param(1).map(str::to_string);
        self.leave(&who.nick, &channel);
        out.push(Effect::Event(Event::Part {
            who,
            channel,
            reason,
            tags: msg.tags,
        }));
    }

    pub(super) fn on_kick(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(by), Some(channel), Some(kicked)) =
            (msg.prefix.clone(), msg.param(0), msg.param(1))
        else {
            return;
        };
        let channel = self.channel_display(channel);
        let kicked = kicked.to_string();
        let reason = msg.param(2).map(str::to_string);
        self.leave(&kicked, &channel);
        out.push(Effect::Event(Event::Kick {
            by,
            channel,
            kicked,
            reason,
            tags: msg.tags,
        }));
    }

    pub(super) fn on_quit(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let Some(who) = msg.prefix.clone() else {
            return;
        };
        let channels = self.channels_of(&who.nick);
        let key = self.fold(&who.nick);
        for chan in self.channels.values_mut() {
            chan.members.remove(&key);
        }
        if !self.is_me(&who.nick) {
            self.ial.shift_remove(&key);
        }
        let reason = msg.param(0).map(str::to_string);
        out.push(Effect::Event(Event::Quit {
            who,
            reason,
            channels,
            tags: msg.tags,
        }));
    }

    pub(super) fn on_nick(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(who), Some(new_nick)) = (msg.prefix.clone(), msg.param(0)) else {
            return;
        };
        let new_nick = new_nick.to_string();
        let channels = self.channels_of(&who.nick);
        let (old_key, new_key) = (self.fold(&who.nick), self.fold(&new_nick));
        for chan in self.channels.values_mut() {
            if let Some(mut m) = chan.members.remove(&old_key) {
                m.nick.clone_from(&new_nick);
                chan.members.insert(new_key.clone(), m);
            }
        }
        if let Some(mut addr) = self.ial.shift_remove(&old_key) {
            addr.nick.clone_from(&new_nick);
            self.ial.insert(new_key, addr);
        }
        if self.is_me(&who.nick) {
            self.me.clone_from(&new_nick);
        }
        out.push(Effect::Event(Event::Nick {
            who,
            new_nick,
            channels,
            tags: msg.tags,
        }));
    }

    pub(super) fn on_mode(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(target), Some(modes)) = (msg.param(0), msg.param(1)) else {
            return;
        };
        let by = msg
            .prefix
            .clone()
            .unwrap_or_else(|| Prefix::parse(self.server.as_deref().unwrap_or("")));
        let raw = msg.params[1..].join(" ");
        if self.isupport.is_channel(target) {
            let changes = self.isupport.modes.parse_channel(modes, &msg.params[2..]);
            let channel = self.channel_display(target);
            let ckey = self.fold(target);
            let map = self.casemap();
            let spec = self.isupport.modes.clone();
            if let Some(chan) = self.channels.get_mut(&ckey) {
                for c in &changes {
                    chan.apply(&spec, |n| map.fold(n), c);
                }
            }
            out.push(Effect::Event(Event::Mode {
                by,
                channel,
                raw,
                changes,
                tags: msg.tags,
            }));
        } else if self.is_me(target) {
            let changes = crate::proto::mode::parse_user(modes);
            self.apply_usermodes(&changes);
            out.push(Effect::Event(Event::UserMode { by, raw, changes }));
        }
    }

    fn apply_usermodes(&mut self, changes: &[ModeChange]) {
        for c in changes {
            if c.add {
                if !self.usermodes.contains(c.mode) {
                    self.usermodes.push(c.mode);
                }
            } else {
                self.usermodes.retain(|m| m != c.mode);
            }
        }
    }

    /// 221 RPL_UMODEIS: `221 me +iw`.
    pub(super) fn on_umodeis(&mut self, msg: &Message) {
        self.usermodes.clear();
        if let Some(modes) = msg.param(1) {
            self.apply_usermodes(&crate::proto::mode::parse_user(modes));
        }
    }

    /// 324 RPL_CHANNELMODEIS: `324 me #chan +ntl 10` replaces the flag and parameter modes.
    pub(super) fn on_channelmodeis(&mut self, msg: &Message) {
        let (Some(chan), Some(modes)) = (msg.param(1), msg.param(2)) else {
            return;
        };
        let changes = self.isupport.modes.parse_channel(modes, &msg.params[3..]);
        let ckey = self.fold(chan);
        let map = self.casemap();
        let spec = self.isupport.modes.clone();
        if let Some(chan) = self.channels.get_mut(&ckey) {
            chan.modes.clear();
            for c in &changes {
                chan.apply(&spec, |n| map.fold(n), c);
            }
        }
    }

    pub(super) fn on_topic(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(by), Some(channel)) = (msg.prefix.clone(), msg.param(0)) else {
            return;
        };
        let topic = msg.param(1).unwrap_or("").to_string();
        let channel = self.channel_display(channel);
        let ckey = self.fold(&channel);
        let now_s = self.now / 1000;
        if let Some(chan) = self.channels.get_mut(&ckey) {
            chan.topic = (!topic.is_empty()).then(|| topic.clone());
            chan.topic_by = Some(by.nick.clone());
            chan.topic_time = Some(now_s);
        }
        out.push(Effect::Event(Event::Topic {
            by,
            channel,
            topic,
            tags: msg.tags,
        }));
    }

    /// 332 `me #chan :topic`, 333 `me #chan setter time`.
    pub(super) fn on_topic_reply(&mut self, n: u16, msg: &Message) {
        let Some(chan) = msg.param(1) else { return };
        let ckey = self.fold(chan);
        let Some(chan) = self.channels.get_mut(&ckey) else {
            return;
        };
        if n == 332 {
            chan.topic = msg.param(2).map(str::to_string);
        } else {
            chan.topic_by = msg.param(2).map(str::to_string);
            chan.topic_time = msg.param(3).and_then(|t| t.parse().ok());
        }
    }

    /// 353 `me = #chan :@op +voice nick` (with multi-prefix `@+nick`, with
    /// userhost-in-names `nick!user@host`).
    pub(super) fn on_names(&mut self, msg: &Message) {
        let (Some(chan), Some(names)) = (msg.param(2), msg.param(3)) else {
            return;
        };
        let ckey = self.fold(chan);
        let spec = self.isupport.modes.clone();
        let map = self.casemap();
        let mut learned = Vec::new();
        let Some(chan) = self.channels.get_mut(&ckey) else {
            return;
        };
        if !chan.names_running {
            chan.names_running = true;
            chan.members.clear();
        }
        for entry in names.split_whitespace() {
            let split = entry
                .find(|c| spec.rank(c).is_none())
                .unwrap_or(entry.len());
            let (syms, rest) = entry.split_at(split);
            let mut prefixes = syms.to_string();
            sort_prefixes(&spec, &mut prefixes);
            let who = Prefix::parse(rest);
            chan.members.insert(
                map.fold(&who.nick),
                Member {
                    nick: who.nick.clone(),
                    prefixes,
                },
            );
            learned.push(who);
        }
        for who in learned {
            self.ial_learn(&who);
        }
    }

    /// 366 `me #chan :End of /NAMES list.`
    pub(super) fn on_names_end(&mut self, msg: &Message) {
        let Some(chan) = msg.param(1) else { return };
        let ckey = self.fold(chan);
        if let Some(chan) = self.channels.get_mut(&ckey) {
            chan.names_running = false;
            chan.synced = true;
        }
    }

    /// 367 `me #chan mask [setter time]`: one ban list entry.
    pub(super) fn on_banlist(&mut self, msg: &Message) {
        let (Some(chan), Some(mask)) = (msg.param(1), msg.param(2)) else {
            return;
        };
        let ckey = self.fold(chan);
        if let Some(chan) = self.channels.get_mut(&ckey) {
            let list = chan.lists.entry('b').or_default();
            if !list.iter().any(|m| m == mask) {
                list.push(mask.to_string());
            }
        }
    }

    /// The name of a channel as we know it, or `name` itself if we are not on it.
    fn channel_display(&self, name: &str) -> String {
        self.channels
            .get(&self.fold(name))
            .map_or_else(|| name.to_string(), |c| c.name.clone())
    }
}
