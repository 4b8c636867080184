//! What the client keeps for IRC commands and identifiers beside the network state and the
//! scripts: its clock marks (`$uptime`, `$idle`), the last timer made (`$ltimer`) and the tags
//! of the line being handled (`$msgtags`), `/ban`s and `/ignore`s waiting for an address,
//! and the notify and ignore lists.

use super::commands::BanRequest;
use super::watch::IgnoreRequest;
use crate::lists::{IgnoreList, NotifyList};
use crate::proto::Tags;
use std::collections::VecDeque;

/// A command waiting for a nick's address from a USERHOST reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// `/ban nick`.
    Ban(BanRequest),
    /// `/ignore nick type`.
    Ignore(IgnoreRequest),
}

impl Lookup {
    /// The nick asked about.
    pub fn nick(&self) -> &str {
        match self {
            Lookup::Ban(b) => &b.who,
            Lookup::Ignore(i) => &i.nick,
        }
    }
}

/// Client-wide records for the IRC commands and identifiers (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// When the client started, in ms since the Unix epoch (`$uptime(mirc)`).
    pub started: u64,
    /// When the user last typed a line (`$idle`).
    pub typed: u64,
    /// The name of the last timer made (`$ltimer`).
    pub last_timer: String,
    /// The IRCv3 tags of the line being handled, while its events run (`$msgtags`).
    pub line_tags: Option<Tags>,
    /// Commands waiting for a USERHOST reply, oldest first.
    pub lookups: VecDeque<Lookup>,
    /// The notify list (`/notify`), kept in `notify.ini`.
    pub notify: NotifyList,
    /// The ignore list (`/ignore`), kept in `ignore.ini`.
    pub ignore: IgnoreList,
    /// `on EXIT` has run.
    pub exited: bool,
}

impl Extras {
    /// Records for a client started at `now` (ms since the Unix epoch).
    pub fn new(now: u64) -> Extras {
        Extras {
            started: now,
            typed: now,
            ..Extras::default()
        }
    }
}
