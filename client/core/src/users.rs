//! The user list (mIRC's "remote users"): address masks with access levels, which the event
//! table's level field tests (`on 5:TEXT`, `on friend:JOIN`). Kept in `users.ini` in mIRC's
//! format, `n0=10,friend:*!*@host.example info`.
//!
//! An entry's address is a wildcard mask; one written as a bare nick (`bob`) stands for
//! `bob!*@*`, and `user@host` for `*!user@host`. The first entry whose mask matches a user's
//! `nick!user@host` gives that user's levels; users in no entry have the default level, 1.
//! This module holds the list and its matching; the commands and identifiers that change and
//! read it are in [`crate::client`].

use crate::events::UserLevel;
use crate::persist::{ini_section, ini_text};
use rustirc_lang::wild::wildmatch;

/// One user-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserEntry {
    /// Levels as written (`10`, `friend`), in order.
    pub levels: Vec<String>,
    /// The address mask as written.
    pub mask: String,
    /// The info text (may be empty).
    pub info: String,
}

impl UserEntry {
    /// Whether the entry has `level` (case-insensitive; a leading `=` is ignored).
    pub fn has_level(&self, level: &str) -> bool {
        let want = level.trim_start_matches('=');
        self.levels
            .iter()
            .any(|l| l.trim_start_matches('=').eq_ignore_ascii_case(want))
    }

    /// The levels as the event table compares them.
    pub fn user_levels(&self) -> Vec<UserLevel> {
        self.levels
            .iter()
            .map(|l| {
                let l = l.trim_start_matches('=');
                match l.parse::<u32>() {
                    Ok(n) => UserLevel::Number(n),
                    Err(_) => UserLevel::Name(l.to_ascii_lowercase()),
                }
            })
            .collect()
    }
}

/// The user list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserList {
    entries: Vec<UserEntry>,
    /// The level of users in no entry.
    pub default_level: u32,
}

impl Default for UserList {
    fn default() -> UserList {
        UserList {
            entries: Vec::new(),
            default_level: 1,
        }
    }
}

/// `bob` → `bob!*@*`, `user@host` → `*!user@host`, `nick!user` → `nick!user@*`.
pub fn full_mask(mask: &str) -> String {
    match (mask.contains('!'), mask.contains('@')) {
        (true, true) => mask.to_string(),
        (false, true) => format!("*!{mask}"),
        (true, false) => format!("{mask}@*"),
        (false, false) => format!("{mask}!*@*"),
    }
}

/// `$mask(nick!user@host, type)`: the address masks of types 0–9 (10–19 put `?` for the
/// host's digits instead of shortening it); `None` for a bad address or type.
///
/// | type | mask |
/// |---|---|
/// | 0 | `*!user@host` |
/// | 1 | `*!*user@host` |
/// | 2 | `*!*@host` |
/// | 3 | `*!*user@*.domain` |
/// | 4 | `*!*@*.domain` |
/// | 5–9 | as 0–4 with the nick |
pub fn mask(address: &str, ty: u32) -> Option<String> {
    if ty > 19 {
        return None;
    }
    let (left, host) = address.rsplit_once('@')?;
    let (nick, user) = left.split_once('!').unwrap_or((left, "*"));
    let base = ty % 10;
    let host = if ty >= 10 {
        host.chars()
            .map(|c| if c.is_ascii_digit() { '?' } else { c })
            .collect()
    } else if matches!(base, 3 | 4 | 8 | 9) {
        wild_host(host)
    } else {
        host.to_string()
    };
    let bare_user = user.trim_start_matches('~');
    let nick_part = if base >= 5 { nick } else { "*" };
    let user_part = match base % 5 {
        0 => user.to_string(),
        1 | 3 => format!("*{bare_user}"),
        _ => "*".to_string(),
    };
    Some(format!("{nick_part}!{user_part}@{host}"))
}

/// `a.b.example.com` → `*.b.example.com`; an IPv4 address keeps its first three parts
/// (`1.2.3.*`); a host with fewer than three parts is kept.
fn wild_host(host: &str) -> String {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok()) {
        return format!("{}.*", parts[..3].join("."));
    }
    if parts.len() < 3 {
        return host.to_string();
    }
    format!("*.{}", parts[1..].join("."))
}

impl UserList {
    /// Reads the `[users]` section of a `users.ini` text.
    pub fn parse(text: &str) -> UserList {
        let mut list = UserList::default();
        for v in ini_section(text, "users") {
            let Some((levels, rest)) = v.split_once(':') else {
                continue;
            };
            let (mask, info) = rest.split_once(' ').unwrap_or((rest, ""));
            if mask.is_empty() {
                continue;
            }
            list.entries.push(UserEntry {
                levels: split_levels(levels),
                mask: mask.to_string(),
                info: info.to_string(),
            });
        }
        list
    }

    /// The `users.ini` text.
    pub fn to_ini(&self) -> String {
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                let mut l = format!("{}:{}", e.levels.join(","), e.mask);
                if !e.info.is_empty() {
                    l.push(' ');
                    l.push_str(&e.info);
                }
                l
            })
            .collect();
        ini_text("users", lines.iter().map(String::as_str))
    }

    /// Every entry in order.
    pub fn entries(&self) -> &[UserEntry] {
        &self.entries
    }

    /// `/auser [-a] levels mask [info]`: sets the levels of the entry with exactly this mask
    /// (case-insensitive), or with `append` adds the ones it lacks; a new mask is added at the
    /// end. Info replaces the old info when given.
    pub fn add(&mut self, levels: &str, mask: &str, info: &str, append: bool) {
        let levels = split_levels(levels);
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|e| e.mask.eq_ignore_ascii_case(mask))
        {
            if append {
                for l in levels {
                    if !e.has_level(&l) {
                        e.levels.push(l);
                    }
                }
            } else {
                e.levels = levels;
            }
            if !info.is_empty() {
                e.info = info.to_string();
            }
            return;
        }
        self.entries.push(UserEntry {
            levels,
            mask: mask.to_string(),
            info: info.to_string(),
        });
    }

    /// `/ruser`: removes the entries `pick` selects, or only `levels` from them (an entry left
    /// without levels goes). Returns whether anything changed.
    pub fn remove(&mut self, levels: Option<&str>, pick: impl Fn(&UserEntry) -> bool) -> bool {
        let before = self.entries.clone();
        match levels {
            None => self.entries.retain(|e| !pick(e)),
            Some(ls) => {
                let drop = split_levels(ls);
                for e in self.entries.iter_mut().filter(|e| pick(e)) {
                    e.levels
                        .retain(|l| !drop.iter().any(|d| UserEntry::has_level_eq(l, d)));
                }
                self.entries.retain(|e| !e.levels.is_empty());
            }
        }
        before != self.entries
    }

    /// The first entry whose mask matches `address` (`nick!user@host`, or a mask written as
    /// in the list: an entry whose mask equals it also counts).
    pub fn find(&self, address: &str) -> Option<&UserEntry> {
        let full = full_mask(address);
        self.entries.iter().find(|e| {
            e.mask.eq_ignore_ascii_case(address) || wildmatch(&full_mask(&e.mask), &full, false)
        })
    }

    /// The levels the event table tests for a user with `address` (empty when no entry
    /// matches: the table then uses [`UserList::default_level`]).
    pub fn levels_of(&self, address: &str) -> Vec<UserLevel> {
        self.find(address)
            .map(UserEntry::user_levels)
            .unwrap_or_default()
    }

    /// `$ulist(address, level, N)`: entries whose mask matches `address` or which `address`
    /// (a wildcard) matches, having `level` when given.
    pub fn matching(&self, address: &str, level: Option<&str>) -> Vec<&UserEntry> {
        let full = full_mask(address);
        self.entries
            .iter()
            .filter(|e| {
                let m = full_mask(&e.mask);
                wildmatch(&m, &full, false) || wildmatch(&full, &m, false)
            })
            .filter(|e| level.is_none_or(|l| e.has_level(l)))
            .collect()
    }
}

impl UserEntry {
    fn has_level_eq(a: &str, b: &str) -> bool {
        a.trim_start_matches('=')
            .eq_ignore_ascii_case(b.trim_start_matches('='))
    }
}

fn split_levels(levels: &str) -> Vec<String> {
    levels
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    //! The user list must read mIRC's users.ini, match addresses as mIRC does, and write the
    //! file back unchanged.
    use super::*;

    #[test]
    fn parses_matches_and_writes() {
        let text = "[users]\nn0=10,friend:*!*@friend.host Ann's laptop\nn1=5:bob\nn2=admin:*!*@2001:db8::1\n";
        let list = UserList::parse(text);
        assert_eq!(list.entries().len(), 3);
        assert_eq!(list.entries()[0].info, "Ann's laptop");
        assert_eq!(list.entries()[2].mask, "*!*@2001:db8::1");
        assert_eq!(list.to_ini(), text);
        assert_eq!(
            list.levels_of("ann!a@friend.host"),
            [UserLevel::Number(10), UserLevel::Name("friend".into())]
        );
        assert_eq!(list.levels_of("BOB!x@y"), [UserLevel::Number(5)]);
        assert!(list.levels_of("carol!c@c.host").is_empty());
        assert_eq!(
            list.find("bob").map(|e| e.levels.join(",")),
            Some("5".into())
        );
        assert_eq!(list.matching("*", None).len(), 3);
        assert_eq!(list.matching("*", Some("friend")).len(), 1);
    }

    #[test]
    fn add_and_remove() {
        let mut list = UserList::default();
        list.add("5", "*!*@h", "", false);
        list.add("friend", "*!*@H", "", true);
        assert_eq!(list.entries()[0].levels, ["5", "friend"]);
        list.add("7", "*!*@h", "note", false);
        assert_eq!(list.entries()[0].levels, ["7"]);
        assert!(list.remove(Some("7"), |e| e.mask == "*!*@h"));
        assert!(list.entries().is_empty());
        assert!(!list.remove(None, |_| true));
    }

    #[test]
    fn masks() {
        let a = "nick!~user@host.example.com";
        assert_eq!(mask(a, 0).unwrap(), "*!~user@host.example.com");
        assert_eq!(mask(a, 1).unwrap(), "*!*user@host.example.com");
        assert_eq!(mask(a, 2).unwrap(), "*!*@host.example.com");
        assert_eq!(mask(a, 3).unwrap(), "*!*user@*.example.com");
        assert_eq!(mask(a, 4).unwrap(), "*!*@*.example.com");
        assert_eq!(mask(a, 7).unwrap(), "nick!*@host.example.com");
        assert_eq!(mask("n!u@1.2.3.4", 4).unwrap(), "*!*@1.2.3.*");
        assert_eq!(mask("n!u@h1.net", 12).unwrap(), "*!*@h?.net");
        assert_eq!(mask("nohost", 2), None);
    }
}
