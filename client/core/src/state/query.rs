//! Read-only accessors the script host builds its IRC identifiers on: `$me`, `$server`,
//! `$network`, `ison`, `isop`, `ishop`, `isvoice`, `isreg`, `$nick(#,N,modes)`, `$chan(N)`,
//! `$ial(mask,N)`, `$comchan(nick,N)`, `$address`, `$away`, lag and the caps in use.
//!
//! Nothing here changes state. Indexes are 0-based; the mIRC 1-based `N` (and `N = 0` for a
//! count) is the host's translation.

use super::{Address, Channel, Config, Member, Network};
use crate::casemap::CaseMapping;
use crate::proto::Isupport;

impl Network {
    /// Our nick (`$me`); before 001, the nick being tried.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the clock last read (ms since the Unix epoch).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Whether the connection is open.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Whether registration completed (001 received).
    pub fn is_registered(&self) -> bool {
        self.registered
    }

    /// The server's name from 001 (`$server`).
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// The network name from ISUPPORT NETWORK (`$network`).
    pub fn network(&self) -> Option<&str> {
        self.isupport.network.as_deref()
    }

    /// The server's ISUPPORT tokens.
    pub fn isupport(&self) -> &Isupport {
        &self.isupport
    }

    /// The network's case mapping.
    pub fn casemapping(&self) -> CaseMapping {
        self.isupport.casemapping
    }

    /// Whether `name` is a channel name here (`ischan`-style test on CHANTYPES).
    pub fn is_channel(&self, name: &str) -> bool {
        self.isupport.is_channel(name)
    }

    /// Whether capability `name` was acknowledged on this connection.
    pub fn has_cap(&self, name: &str) -> bool {
        self.caps.enabled.contains(name)
    }

    /// The acknowledged capabilities, sorted.
    pub fn caps(&self) -> impl Iterator<Item = &str> {
        self.caps.enabled.iter().map(String::as_str)
    }

    /// The services account we logged in as (900), if any.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// Our user modes (`$usermode`), e.g. `iw`.
    pub fn usermodes(&self) -> &str {
        &self.usermodes
    }

    /// Our away message while away (`$awaymsg`; `$away` is `away().is_some()`).
    pub fn away(&self) -> Option<&str> {
        self.away.as_deref()
    }

    /// When we went away (ms since the Unix epoch), while away (`$awaytime`).
    pub fn away_since(&self) -> Option<u64> {
        self.away_since
    }

    /// When the connection opened (ms since the Unix epoch), while it is open.
    pub fn connected_at(&self) -> Option<u64> {
        self.connected_at
    }

    /// When registration completed (ms since the Unix epoch), while registered.
    pub fn registered_at(&self) -> Option<u64> {
        self.registered_at
    }

    /// Whether we sent QUIT on this connection and wait for it to close.
    pub fn is_quitting(&self) -> bool {
        self.quitting
    }

    /// The address and port the connection goes to (`$servertarget`, `$port`), once the
    /// network layer said so with [`Network::set_target`].
    pub fn target(&self) -> Option<(&str, u16)> {
        self.target.as_ref().map(|(h, p)| (h.as_str(), *p))
    }

    /// Milliseconds since we last sent a PRIVMSG or NOTICE (`$idle`, in ms), or since the
    /// network was created if we never did.
    pub fn idle_ms(&self) -> u64 {
        self.now.saturating_sub(self.last_spoke)
    }

    /// The channel a message target names, without a STATUSMSG prefix (`@#chan` → `#chan`);
    /// `None` for a private message.
    pub fn target_channel<'t>(&self, target: &'t str) -> Option<&'t str> {
        let bare = target.trim_start_matches(|c| self.isupport.statusmsg.contains(c));
        self.is_channel(bare).then_some(bare)
    }

    /// Decodes a received line's bytes with the network's encoding.
    pub fn decode(&self, bytes: &[u8]) -> String {
        crate::proto::decode_line(bytes, self.config.encoding)
    }

    /// Encodes a message for the wire with the network's encoding, CR LF included.
    pub fn encode(&self, msg: &crate::proto::Message) -> Vec<u8> {
        let mut bytes = crate::proto::encode_line(&msg.to_line(), self.config.encoding);
        bytes.extend_from_slice(b"\r\n");
        bytes
    }

    /// The last measured lag in ms.
    pub fn lag_ms(&self) -> Option<u64> {
        self.lag_ms
    }

    /// The channels that will be joined after the next registration.
    pub fn rejoin_channels(&self) -> &[(String, Option<String>)] {
        &self.rejoin
    }

    /// Lines waiting in the flood queue.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// When (ms) the next queued line can be sent; tick then.
    pub fn next_send_due(&self) -> Option<u64> {
        self.queue.next_due()
    }

    // --- channels ---

    /// The channels we are on, in join order (`$chan(N)`).
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values()
    }

    /// A channel we are on (case-insensitive).
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.get(&self.fold(name))
    }

    fn member(&self, nick: &str, chan: &str) -> Option<&Member> {
        self.channel(chan)?.members.get(&self.fold(nick))
    }

    /// Whether `nick` is on `chan` (`ison`).
    pub fn is_on(&self, nick: &str, chan: &str) -> bool {
        self.member(nick, chan).is_some()
    }

    /// Whether `nick` has membership mode `mode` (a letter such as `o`) on `chan`.
    pub fn has_mode(&self, nick: &str, chan: &str, mode: char) -> bool {
        let Some(sym) = self.isupport.modes.symbol_for(mode) else {
            return false;
        };
        self.member(nick, chan)
            .is_some_and(|m| m.prefixes.contains(sym))
    }

    /// Whether `nick` is an operator on `chan` (`isop`): `+o`, or any prefix ranked above it
    /// (`~` owner, `&` admin), as mIRC lists those with the ops.
    pub fn is_op(&self, nick: &str, chan: &str) -> bool {
        let spec = &self.isupport.modes;
        let Some(op_rank) = spec.symbol_for('o').and_then(|s| spec.rank(s)) else {
            return false;
        };
        self.member(nick, chan).is_some_and(|m| {
            m.prefixes
                .chars()
                .any(|c| spec.rank(c).is_some_and(|r| r <= op_rank))
        })
    }

    /// Whether `nick` is a half-op on `chan` (`ishop`).
    pub fn is_hop(&self, nick: &str, chan: &str) -> bool {
        self.has_mode(nick, chan, 'h')
    }

    /// Whether `nick` has voice on `chan` (`isvoice`).
    pub fn is_voice(&self, nick: &str, chan: &str) -> bool {
        self.has_mode(nick, chan, 'v')
    }

    /// Whether `nick` is on `chan` with no membership prefix (`isreg`).
    pub fn is_reg(&self, nick: &str, chan: &str) -> bool {
        self.member(nick, chan)
            .is_some_and(|m| m.prefixes.is_empty())
    }

    /// Whether `mask` is in `chan`'s ban list as we know it (`isban`; exact mask text).
    pub fn is_ban(&self, mask: &str, chan: &str) -> bool {
        self.channel(chan)
            .and_then(|c| c.lists.get(&'b'))
            .is_some_and(|l| l.iter().any(|m| m.eq_ignore_ascii_case(mask)))
    }

    /// The nick list of `chan` in display order — highest prefix first, then by folded nick —
    /// filtered as mIRC's `$nick(#,N,include,exclude)` does. In `include` and `exclude`,
    /// `a` means all nicks, `r` regular (no prefix), and any other letter a membership mode
    /// (`o`, `h`, `v`, `q`); prefix symbols (`@`, `&`) are accepted too. An empty `include`
    /// means all.
    pub fn nicks(&self, chan: &str, include: &str, exclude: &str) -> Vec<&Member> {
        let Some(c) = self.channel(chan) else {
            return Vec::new();
        };
        let spec = &self.isupport.modes;
        let matches = |m: &Member, filter: &str| {
            filter.chars().any(|f| match f {
                'a' => true,
                'r' => m.prefixes.is_empty(),
                _ => {
                    let sym = if spec.rank(f).is_some() {
                        Some(f)
                    } else {
                        spec.symbol_for(f)
                    };
                    sym.is_some_and(|s| m.prefixes.contains(s))
                }
            })
        };
        let mut list: Vec<&Member> = c
            .members
            .values()
            .filter(|m| include.is_empty() || matches(m, include))
            .filter(|m| exclude.is_empty() || !matches(m, exclude))
            .collect();
        list.sort_by_key(|m| m.highest().and_then(|s| spec.rank(s)).unwrap_or(usize::MAX));
        list
    }

    /// The `n`th (0-based) nick of [`Network::nicks`].
    pub fn nick_at(&self, chan: &str, n: usize, include: &str, exclude: &str) -> Option<&Member> {
        self.nicks(chan, include, exclude).get(n).copied()
    }

    /// The channels we share with `nick` (`$comchan(nick,N)`), in join order.
    pub fn comchans(&self, nick: &str) -> Vec<&str> {
        let key = self.fold(nick);
        self.channels
            .values()
            .filter(|c| c.members.contains_key(&key))
            .map(|c| c.name.as_str())
            .collect()
    }

    // --- the internal address list ---

    /// The IAL entry for `nick` (`$address(nick,N)`).
    pub fn address(&self, nick: &str) -> Option<&Address> {
        self.ial.get(&self.fold(nick))
    }

    /// Every IAL entry whose `nick!user@host` matches the wildcard `mask` (`$ial(mask,N)`),
    /// in the order they were learned. Unknown user or host parts read as `*`.
    pub fn ial(&self, mask: &str) -> Vec<&Address> {
        let map = self.casemap();
        self.ial
            .values()
            .filter(|a| map.wildcard_match(mask, &a.full()))
            .collect()
    }

    /// Every IAL entry whose `nick!user@host` matches `mask` and who is on `chan`
    /// (`$ialchan(mask,#,N)`).
    pub fn ial_chan(&self, mask: &str, chan: &str) -> Vec<&Address> {
        self.ial(mask)
            .into_iter()
            .filter(|a| self.is_on(&a.nick, chan))
            .collect()
    }
}
