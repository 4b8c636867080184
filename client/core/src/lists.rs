//! The notify list (nicks whose coming and going `on NOTIFY` and `on UNOTIFY` report) and the
//! ignore list (addresses whose messages the client drops), each kept in the data folder as
//! `notify.ini` and `ignore.ini`:
//!
//! ```text
//! [notify]
//! n0=ann my sister
//! [ignore]
//! n0=*!*@spam.example pc
//! ```
//!
//! This module holds the lists and their matching; the commands, identifiers and the
//! dropping of ignored messages are in [`crate::client`], the watching of the notify list in
//! [`crate::state`].

use crate::persist::{ini_section, ini_text};
use crate::users::full_mask;
use rustirc_lang::wild::wildmatch;

/// One notify-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyEntry {
    /// The nick.
    pub nick: String,
    /// The note (may be empty).
    pub note: String,
}

/// The notify list, in the order nicks were added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyList {
    entries: Vec<NotifyEntry>,
    /// Whether the client watches the list (`/notify on|off`).
    pub enabled: bool,
}

impl Default for NotifyList {
    fn default() -> NotifyList {
        NotifyList {
            entries: Vec::new(),
            enabled: true,
        }
    }
}

impl NotifyList {
    /// Reads the `[notify]` section of a `notify.ini` text.
    pub fn parse(text: &str) -> NotifyList {
        let mut list = NotifyList::default();
        for v in ini_section(text, "notify") {
            let (nick, note) = v.split_once(' ').unwrap_or((&v, ""));
            if !nick.is_empty() {
                list.add(nick, note);
            }
        }
        list
    }

    /// The `notify.ini` text.
    pub fn to_ini(&self) -> String {
        let lines: Vec<String> = self
            .entries
            .iter()
            .map(|e| {
                if e.note.is_empty() {
                    e.nick.clone()
                } else {
                    format!("{} {}", e.nick, e.note)
                }
            })
            .collect();
        ini_text("notify", lines.iter().map(String::as_str))
    }

    /// Every entry in order.
    pub fn entries(&self) -> &[NotifyEntry] {
        &self.entries
    }

    /// The entry for `nick` (case-insensitive).
    pub fn get(&self, nick: &str) -> Option<&NotifyEntry> {
        self.entries
            .iter()
            .find(|e| e.nick.eq_ignore_ascii_case(nick))
    }

    /// Adds `nick`, or sets its note when it is listed (a new note replaces the old one).
    pub fn add(&mut self, nick: &str, note: &str) {
        match self
            .entries
            .iter_mut()
            .find(|e| e.nick.eq_ignore_ascii_case(nick))
        {
            Some(e) => {
                if !note.is_empty() {
                    e.note = note.to_string();
                }
            }
            None => self.entries.push(NotifyEntry {
                nick: nick.to_string(),
                note: note.to_string(),
            }),
        }
    }

    /// Removes `nick`; whether it was listed.
    pub fn remove(&mut self, nick: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| !e.nick.eq_ignore_ascii_case(nick));
        before != self.entries.len()
    }

    /// The nicks to watch: all of them while the list is on, none while it is off.
    pub fn watched(&self) -> Vec<String> {
        if self.enabled {
            self.entries.iter().map(|e| e.nick.clone()).collect()
        } else {
            Vec::new()
        }
    }
}

/// What an ignore entry ignores (mIRC's `/ignore` switches); none set means everything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IgnoreTypes {
    /// `p`: private messages and actions.
    pub private: bool,
    /// `c`: channel messages and actions.
    pub channel: bool,
    /// `n`: notices.
    pub notice: bool,
    /// `t`: CTCP requests and replies.
    pub ctcp: bool,
    /// `i`: invites.
    pub invite: bool,
    /// `k`: control codes (they are removed from the user's messages, which still arrive).
    pub codes: bool,
    /// `d`: DCC offers.
    pub dcc: bool,
}

impl IgnoreTypes {
    /// Reads switch letters (`pcn`); other letters are returned as an error.
    pub fn parse(letters: &str) -> Result<IgnoreTypes, char> {
        let mut t = IgnoreTypes::default();
        for c in letters.chars() {
            match c {
                'p' => t.private = true,
                'c' => t.channel = true,
                'n' => t.notice = true,
                't' => t.ctcp = true,
                'i' => t.invite = true,
                'k' => t.codes = true,
                'd' => t.dcc = true,
                other => return Err(other),
            }
        }
        Ok(t)
    }

    /// The letters, in mIRC's order (`pcntikd`); empty for everything.
    pub fn letters(&self) -> String {
        [
            (self.private, 'p'),
            (self.channel, 'c'),
            (self.notice, 'n'),
            (self.ctcp, 't'),
            (self.invite, 'i'),
            (self.codes, 'k'),
            (self.dcc, 'd'),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect()
    }

    /// Whether nothing in particular was asked for (which ignores everything but codes).
    fn all(&self) -> bool {
        *self == IgnoreTypes::default()
    }
}

/// What kind of message an ignore check is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A private message or action.
    Private,
    /// A channel message or action.
    Channel,
    /// A notice.
    Notice,
    /// A CTCP request or reply.
    Ctcp,
    /// An invite.
    Invite,
    /// A DCC offer.
    Dcc,
}

/// One ignore-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The address mask as written (`bob` stands for `bob!*@*`).
    pub mask: String,
    /// What it ignores.
    pub types: IgnoreTypes,
    /// `-x`: an exception; matching users are never ignored.
    pub exclude: bool,
    /// `-uN`: when (ms since the Unix epoch) the entry goes; such entries are not saved.
    pub until: Option<u64>,
}

impl IgnoreEntry {
    fn matches(&self, address: &str, now: u64) -> bool {
        self.until.is_none_or(|t| now < t)
            && wildmatch(&full_mask(&self.mask), &full_mask(address), false)
    }

    /// The switch letters as `$ignore(N).type` shows them (`x` first for an exception).
    pub fn type_letters(&self) -> String {
        let mut s = String::new();
        if self.exclude {
            s.push('x');
        }
        s.push_str(&self.types.letters());
        s
    }
}

/// The ignore list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreList {
    entries: Vec<IgnoreEntry>,
    /// Whether ignoring is on (`/ignore on|off`).
    pub enabled: bool,
}

impl Default for IgnoreList {
    fn default() -> IgnoreList {
        IgnoreList {
            entries: Vec::new(),
            enabled: true,
        }
    }
}

impl IgnoreList {
    /// Reads the `[ignore]` section of an `ignore.ini` text (`mask [x][pcntikd]`).
    pub fn parse(text: &str) -> IgnoreList {
        let mut list = IgnoreList::default();
        for v in ini_section(text, "ignore") {
            let (mask, letters) = v.split_once(' ').unwrap_or((&v, ""));
            let exclude = letters.starts_with('x');
            let Ok(types) = IgnoreTypes::parse(letters.trim_start_matches('x').trim()) else {
                continue;
            };
            if !mask.is_empty() {
                list.add(mask, types, exclude, None);
            }
        }
        list
    }

    /// The `ignore.ini` text (timed entries are left out).
    pub fn to_ini(&self) -> String {
        let lines: Vec<String> = self
            .entries
            .iter()
            .filter(|e| e.until.is_none())
            .map(|e| {
                let t = e.type_letters();
                if t.is_empty() {
                    e.mask.clone()
                } else {
                    format!("{} {t}", e.mask)
                }
            })
            .collect();
        ini_text("ignore", lines.iter().map(String::as_str))
    }

    /// The entries still in force at `now`, in order.
    pub fn entries(&self, now: u64) -> Vec<&IgnoreEntry> {
        self.entries
            .iter()
            .filter(|e| e.until.is_none_or(|t| now < t))
            .collect()
    }

    /// Adds `mask`, or replaces the entry with the same mask.
    pub fn add(&mut self, mask: &str, types: IgnoreTypes, exclude: bool, until: Option<u64>) {
        let e = IgnoreEntry {
            mask: mask.to_string(),
            types,
            exclude,
            until,
        };
        match self
            .entries
            .iter_mut()
            .find(|x| x.mask.eq_ignore_ascii_case(mask))
        {
            Some(x) => *x = e,
            None => self.entries.push(e),
        }
    }

    /// Removes the entry with `mask` (as written, or as its full form); whether there was one.
    pub fn remove(&mut self, mask: &str) -> bool {
        let before = self.entries.len();
        let full = full_mask(mask);
        self.entries.retain(|e| {
            !e.mask.eq_ignore_ascii_case(mask) && !full_mask(&e.mask).eq_ignore_ascii_case(&full)
        });
        before != self.entries.len()
    }

    /// Drops the timed entries whose time is up; whether any went.
    pub fn expire(&mut self, now: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.until.is_none_or(|t| now < t));
        before != self.entries.len()
    }

    /// The first entry (not an exception) that matches `address` (`nick!user@host`).
    pub fn find(&self, address: &str, now: u64) -> Option<&IgnoreEntry> {
        self.entries
            .iter()
            .find(|e| !e.exclude && e.matches(address, now))
    }

    /// Whether a message of `kind` from `address` is dropped: ignoring is on, an entry
    /// ignoring that kind matches, and no exception (`-x`) matches.
    pub fn ignores(&self, address: &str, kind: Kind, now: u64) -> bool {
        if !self.enabled || self.excepted(address, now) {
            return false;
        }
        self.entries.iter().any(|e| {
            let t = e.types;
            let kind_ok = t.all()
                || match kind {
                    Kind::Private => t.private,
                    Kind::Channel => t.channel,
                    Kind::Notice => t.notice,
                    Kind::Ctcp => t.ctcp,
                    Kind::Invite => t.invite,
                    Kind::Dcc => t.dcc,
                };
            !e.exclude && kind_ok && e.matches(address, now)
        })
    }

    /// Whether `address` is ignored in any way (`isignore`): ignoring is on, an entry
    /// matches it, and no exception does.
    pub fn is_ignored(&self, address: &str, now: u64) -> bool {
        self.enabled && !self.excepted(address, now) && self.find(address, now).is_some()
    }

    /// Whether control codes are removed from `address`'s messages (`-k`).
    pub fn strips_codes(&self, address: &str, now: u64) -> bool {
        self.enabled
            && !self.excepted(address, now)
            && self
                .entries
                .iter()
                .any(|e| !e.exclude && e.types.codes && e.matches(address, now))
    }

    fn excepted(&self, address: &str, now: u64) -> bool {
        self.entries
            .iter()
            .any(|e| e.exclude && e.matches(address, now))
    }
}

#[cfg(test)]
mod tests {
    //! The lists must survive a save and a load unchanged, and ignoring must follow the types
    //! and exceptions exactly: a wrong match either drops a friend's messages or lets a
    //! flooder through.
    use super::*;

    #[test]
    fn notify_list_round_trips() {
        let mut n = NotifyList::default();
        n.add("ann", "my sister");
        n.add("bob", "");
        n.add("ANN", "");
        assert_eq!(n.entries().len(), 2);
        assert_eq!(n.get("Ann").unwrap().note, "my sister");
        let text = n.to_ini();
        assert_eq!(text, "[notify]\nn0=ann my sister\nn1=bob\n");
        assert_eq!(NotifyList::parse(&text), n);
        assert!(n.remove("BOB"));
        assert!(!n.remove("bob"));
        n.enabled = false;
        assert!(n.watched().is_empty());
    }

    #[test]
    fn ignore_types_exceptions_and_times() {
        let mut l = IgnoreList::default();
        l.add("*!*@spam.example", IgnoreTypes::default(), false, None);
        l.add("bob", IgnoreTypes::parse("pn").unwrap(), false, None);
        l.add(
            "*!*@friend.spam.example",
            IgnoreTypes::default(),
            true,
            None,
        );
        l.add("tmp", IgnoreTypes::default(), false, Some(1000));
        let spam = "x!y@spam.example";
        assert!(l.ignores(spam, Kind::Channel, 0));
        assert!(l.ignores(spam, Kind::Invite, 0));
        assert!(l.ignores("bob!b@host", Kind::Private, 0));
        assert!(l.ignores("bob!b@host", Kind::Notice, 0));
        assert!(!l.ignores("bob!b@host", Kind::Channel, 0));
        assert!(!l.ignores("ann!a@host", Kind::Private, 0));
        assert!(l.ignores("tmp!t@h", Kind::Private, 999));
        assert!(!l.ignores("tmp!t@h", Kind::Private, 1000));
        l.add(
            "pal!*@friend.spam.example",
            IgnoreTypes::default(),
            false,
            None,
        );
        assert!(!l.ignores("pal!p@friend.spam.example", Kind::Private, 0));
        l.enabled = false;
        assert!(!l.ignores(spam, Kind::Channel, 0));
        l.enabled = true;
        assert!(IgnoreTypes::parse("pz").is_err());
        let text = l.to_ini();
        assert!(!text.contains("tmp"), "{text}");
        assert!(text.contains("n1=bob pn\n"), "{text}");
        assert!(text.contains("n2=*!*@friend.spam.example x\n"), "{text}");
        let back = IgnoreList::parse(&text);
        assert_eq!(back.entries(0).len(), 4);
        assert!(back.ignores("bob!b@host", Kind::Notice, 0));
        assert!(l.remove("bob!*@*"));
        assert!(l.expire(2000));
        assert_eq!(l.entries(2000).len(), 3);
        l.add("k", IgnoreTypes::parse("k").unwrap(), false, None);
        assert!(l.strips_codes("k!k@h", 0));
        assert!(!l.ignores("k!k@h", Kind::Channel, 0));
    }
}
