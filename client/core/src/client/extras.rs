//! What the client keeps for IRC commands and identifiers beside the network state and the
//! scripts: its clock marks (`$uptime`, `$idle`), the last timer made (`$ltimer`) and the tags
//! of the line being handled (`$msgtags`), and `/ban`s waiting for an address.

use super::commands::BanRequest;
use crate::proto::Tags;
use std::collections::VecDeque;

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
    /// `/ban`s waiting for a USERHOST reply, oldest first.
    pub bans: VecDeque<BanRequest>,
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
