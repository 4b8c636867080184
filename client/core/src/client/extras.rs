//! What the client keeps for IRC commands and identifiers beside the network state and the
//! scripts: its clock marks (`$uptime`, `$idle`), the last timer made (`$ltimer`) and the tags
//! of the line being handled (`$msgtags`), `/ban`s and `/ignore`s waiting for an address,
//! the notify and ignore lists, and the open query windows.

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
    /// The text after the client's name in the window's title (`/titlebar`, `$titlebar`).
    pub titlebar: String,
    /// Where the mouse was and which buttons and keys were down at the user's last click
    /// (`$mouse`; [`Client::set_mouse`](super::Client::set_mouse)).
    pub mouse: super::menus::Mouse,
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
    /// The open query windows, as (connection id, nick), in the order they were opened
    /// (`$query(N)`); a query opens with `/query` or a private message, and `/close -m`
    /// closes it.
    pub queries: Vec<(u32, String)>,
    /// PARSELINE's line under way and queued lines.
    pub parse: super::parseline::ParseState,
    /// `/dns` lookups under way and the answer being handled.
    pub dns: super::dns::DnsState,
    /// Windows' highlight states (`/window -gN`), as (connection id, window, state 1-3);
    /// a window not listed has state 0.
    pub window_states: Vec<(u32, String, u8)>,
    /// The open custom `@windows`, in the order they were opened.
    pub custom_windows: Vec<super::CustomWindow>,
    /// The open dialogs, in the order they were opened.
    pub dialogs: Vec<super::DialogModel>,
    /// The loaded dialog tables (`/dialog -m` reads them while a script runs).
    pub dialog_tables: Vec<rustirc_syntax::ast::Dialog>,
    /// Answers queued for scripts' questions (`$?`) when no prompter is set.
    pub answers: VecDeque<Option<String>>,
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

impl Extras {
    /// The open query windows of connection `cid`, in the order they were opened.
    pub fn queries_of(&self, cid: u32) -> impl Iterator<Item = &str> {
        self.queries
            .iter()
            .filter(move |(c, _)| *c == cid)
            .map(|(_, n)| n.as_str())
    }

    /// The query window with `nick` on connection `cid`, as it is named there.
    pub fn query(&self, cid: u32, nick: &str) -> Option<&str> {
        self.queries_of(cid).find(|n| n.eq_ignore_ascii_case(nick))
    }

    /// Opens the query window with `nick` on connection `cid`; `false` when it was open.
    pub fn open_query(&mut self, cid: u32, nick: &str) -> bool {
        if self.query(cid, nick).is_some() {
            return false;
        }
        self.queries.push((cid, nick.to_string()));
        true
    }

    /// Closes the query window with `nick` on connection `cid`; `false` when none was open.
    pub fn close_query(&mut self, cid: u32, nick: &str) -> bool {
        let before = self.queries.len();
        self.queries
            .retain(|(c, n)| !(*c == cid && n.eq_ignore_ascii_case(nick)));
        self.queries.len() != before
    }

    /// The highlight state of `window` on connection `cid` (0 to 3, see
    /// [`Extras::window_states`]).
    pub fn window_state(&self, cid: u32, window: &str) -> u8 {
        self.window_states
            .iter()
            .find(|(c, w, _)| *c == cid && w.eq_ignore_ascii_case(window))
            .map_or(0, |(_, _, s)| *s)
    }

    /// Sets the highlight state of `window` on connection `cid`; 0 clears it.
    pub fn set_window_state(&mut self, cid: u32, window: &str, state: u8) {
        self.window_states
            .retain(|(c, w, _)| !(*c == cid && w.eq_ignore_ascii_case(window)));
        if state > 0 {
            self.window_states.push((cid, window.to_string(), state));
        }
    }

    /// `old` changed nick to `new` on connection `cid`: its query window follows.
    pub fn rename_query(&mut self, cid: u32, old: &str, new: &str) {
        for (c, n) in &mut self.queries {
            if *c == cid && n.eq_ignore_ascii_case(old) {
                *n = new.to_string();
            }
        }
    }
}
