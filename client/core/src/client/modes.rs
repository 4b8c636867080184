//! A channel MODE line as mIRC's events see it: `RAWMODE` with the whole line first, then one
//! event per membership or ban change, in the order of the line (`OP`, `DEOP`, `SERVEROP`,
//! `VOICE`, `DEVOICE`, `HELP`, `DEHELP`, `OWNER`, `DEOWNER`, `ADMIN`, `DEADMIN`, `BAN`,
//! `UNBAN`), then `MODE` (or `SERVERMODE` when a server set them) with the other channel modes
//! (`+mk-l key`), if the line has any.
//!
//! `MODE #c +oo a b` raises OP twice. The line is shown once, in the channel, unless a `^`
//! handler of any of its events halts. Which prefix modes exist comes from ISUPPORT `PREFIX`:
//! `+q` is OWNER only on networks whose PREFIX has `q`.

use super::{Client, EventInfo};
use crate::events::Phase;
use crate::proto::{ModeChange, ModeKind, Prefix};
use crate::state::Event;

/// Whether a MODE came from a server rather than a user: no `user@host`, and a dot in the
/// name (nicks cannot have one).
pub(super) fn is_server(p: &Prefix) -> bool {
    p.user.is_none() && p.host.is_none() && p.nick.contains('.')
}

/// The event a membership change raises: `('o', true)` → `OP` …; `None` for prefix modes
/// mIRC has no event for.
fn member_event(mode: char, add: bool, by_server: bool) -> Option<&'static str> {
    Some(match (mode, add) {
        ('o', true) if by_server => "SERVEROP",
        ('o', true) => "OP",
        ('o', false) => "DEOP",
        ('v', true) => "VOICE",
        ('v', false) => "DEVOICE",
        ('h', true) => "HELP",
        ('h', false) => "DEHELP",
        ('q', true) => "OWNER",
        ('q', false) => "DEOWNER",
        ('a', true) => "ADMIN",
        ('a', false) => "DEADMIN",
        _ => return None,
    })
}

/// `+mk-l key`: changes written back as one mode string, signs grouped, parameters last.
pub(super) fn mode_string(changes: &[&ModeChange]) -> String {
    let mut letters = String::new();
    let mut params = Vec::new();
    let mut sign = None;
    for c in changes {
        if sign != Some(c.add) {
            letters.push(if c.add { '+' } else { '-' });
            sign = Some(c.add);
        }
        letters.push(c.mode);
        if let Some(a) = &c.arg {
            params.push(a.as_str());
        }
    }
    std::iter::once(letters.as_str())
        .chain(params)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The nick a ban mask names (`bob!*@*` → `bob`), for `$bnick`; `None` when the nick part is
/// a wildcard.
pub(super) fn ban_nick(mask: &str) -> Option<String> {
    let nick = mask.split(['!', '@']).next().unwrap_or("");
    (!nick.is_empty() && !nick.contains(['*', '?'])).then(|| nick.to_string())
}

impl Client {
    /// The events of a channel MODE line (see the module docs) and its display line; `None`
    /// for any other event.
    pub(super) fn mode_events(&self, ev: &Event) -> Option<(Vec<EventInfo>, (String, String))> {
        let Event::Mode {
            by,
            channel,
            raw,
            changes,
            ..
        } = ev
        else {
            return None;
        };
        let server = is_server(by);
        let info = |name: &str, text: String| EventInfo {
            name: name.to_string(),
            text,
            from: Some(by.clone()),
            chan: Some(channel.clone()),
            ..EventInfo::default()
        };
        let mut out = vec![info("RAWMODE", raw.clone())];
        let mut rest = Vec::new();
        for c in changes {
            match (c.kind, &c.arg) {
                (ModeKind::Prefix(_), Some(nick)) => {
                    if let Some(name) = member_event(c.mode, c.add, server) {
                        let mut i = info(name, nick.clone());
                        i.other_nick = Some(nick.clone());
                        out.push(i);
                    }
                }
                (ModeKind::Prefix(_), None) => {}
                (ModeKind::List, Some(mask)) if c.mode == 'b' => {
                    let mut i = info(if c.add { "BAN" } else { "UNBAN" }, mask.clone());
                    i.other_nick = ban_nick(mask);
                    i.banmask = Some(mask.clone());
                    out.push(i);
                }
                // A bare `+b` asks for the list; nothing changed.
                (ModeKind::List, None) => {}
                _ => rest.push(c),
            }
        }
        if !rest.is_empty() {
            let name = if server { "SERVERMODE" } else { "MODE" };
            out.push(info(name, mode_string(&rest)));
        }
        let line = format!("* {} sets mode: {raw}", by.nick);
        Some((out, (channel.clone(), line)))
    }

    /// Runs events that share one default display: every `^` handler of each, the display
    /// unless one of them halted, then the other handlers of each.
    pub(super) fn dispatch_group(&mut self, infos: &[EventInfo], display: (String, String)) {
        let mut halted = false;
        let mut stopped = Vec::new();
        for info in infos {
            let o = self.run_phase(info, Phase::Pre, false);
            halted |= o.halt_default;
            stopped.push(o.stop_later);
        }
        if !halted {
            self.out.show(&display.0, display.1);
        }
        for (info, stop) in infos.iter().zip(stopped) {
            if !stop {
                self.run_phase(info, Phase::Normal, halted);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The split must keep the line's order and attribute each parameter to its own change,
    //! or scripts act on the wrong nick or mask.
    use super::*;
    use crate::proto::ModeSpec;

    #[test]
    fn mode_strings_and_ban_nicks() {
        let spec = ModeSpec::default();
        let ch = spec.parse_channel("+mk-l", &["key"]);
        let refs: Vec<&ModeChange> = ch.iter().collect();
        assert_eq!(mode_string(&refs), "+mk-l key");
        let ch = spec.parse_channel("-n+t-s", &[] as &[&str]);
        let refs: Vec<&ModeChange> = ch.iter().collect();
        assert_eq!(mode_string(&refs), "-n+t-s");
        assert_eq!(ban_nick("bob!*@*").as_deref(), Some("bob"));
        assert_eq!(ban_nick("bob").as_deref(), Some("bob"));
        assert_eq!(ban_nick("*!*@host"), None);
        assert_eq!(ban_nick("b*b!*@*"), None);
        assert!(is_server(&Prefix::parse("irc.example.net")));
        assert!(!is_server(&Prefix::parse("ann!a@ann.host")));
        assert!(!is_server(&Prefix::parse("ann")));
    }
}
