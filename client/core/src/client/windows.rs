//! Query windows without a GUI: `/query nick [message]` opens one (and makes it active),
//! a private message from a nick opens one, `/close -m [nick…]` closes them, and
//! `$query(N|nick)` lists them. A window is a name the client shows lines in (see
//! [`super::Outbox`]); the query windows open on each connection are kept in
//! [`super::Extras::queries`].

use super::{Client, ScriptHost};
use crate::state::Intent;
use rustirc_lang::Value;

impl Client {
    /// A private message from `nick` was shown: its query window is open from now on.
    pub(super) fn note_query(&mut self, nick: &str) {
        let cid = self.conns.cid;
        self.extras.open_query(cid, nick);
    }
}

impl ScriptHost<'_> {
    /// `/query nick [message]`, `/close [-switches] [nick…]`; `None` for any other command.
    pub(super) fn window_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        match name {
            "query" => Some(self.query_window(args)),
            "close" => Some(self.close_windows(args)),
            _ => None,
        }
    }

    /// `/query nick [message]`: opens the query window with `nick` (`* Query with nick` is
    /// shown in it), makes it the active window, and says `message` there.
    fn query_window(&mut self, args: &str) -> Result<(), String> {
        let (nick, text) = args.split_once(' ').unwrap_or((args, ""));
        let text = text.trim();
        if nick.is_empty() {
            return Err("/query: insufficient parameters".to_string());
        }
        if nick.starts_with('-') {
            return Err(format!("/query: unknown switch {nick}"));
        }
        if self.net.get().is_channel(nick) || nick.starts_with(['@', '=']) {
            return Err(format!("/query: {nick} is not a nick"));
        }
        let cid = self.conns.cid;
        let opened = match self.extras.get_mut() {
            Some(x) => x.open_query(cid, nick),
            None => return Ok(()),
        };
        let window = self
            .extras
            .get()
            .query(cid, nick)
            .unwrap_or(nick)
            .to_string();
        if opened {
            self.show(&window, format!("* Query with {nick}"));
        }
        self.active.clone_from(&window);
        self.pending.active = Some(window.clone());
        if !text.is_empty() {
            let me = self.me();
            self.show(&window, format!("<{me}> {text}"));
            self.intent(Intent::Privmsg {
                target: window,
                text: text.to_string(),
            });
        }
        Ok(())
    }

    /// `/close [-cfgimst@] [nick…]`: `-m` closes query windows (those with the nicks given,
    /// else all of them). Without switches the nicks' query windows close (the active one
    /// when no nick is given). DCC windows (`-c -f -g -s -i`) and custom windows (`-@`) do
    /// not exist here, so those switches close nothing.
    fn close_windows(&mut self, args: &str) -> Result<(), String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let mut switches = String::new();
        while let Some(sw) = words.first().and_then(|w| w.strip_prefix('-')) {
            switches.push_str(sw);
            words.remove(0);
        }
        if let Some(bad) = switches.chars().find(|c| !"cfgimst@".contains(*c)) {
            return Err(format!("/close: unknown switch -{bad}"));
        }
        let cid = self.conns.cid;
        let open: Vec<String> = self
            .extras
            .get()
            .queries_of(cid)
            .map(str::to_string)
            .collect();
        let targets: Vec<String> = if switches.is_empty() {
            if words.is_empty() {
                let active = self.active.clone();
                if !open.iter().any(|n| n.eq_ignore_ascii_case(&active)) {
                    return Err(format!("/close: {active} is not a query window"));
                }
                vec![active]
            } else {
                words.iter().map(|w| (*w).to_string()).collect()
            }
        } else if !switches.contains('m') {
            return Ok(());
        } else if words.is_empty() {
            open
        } else {
            words.iter().map(|w| (*w).to_string()).collect()
        };
        for nick in targets {
            let closed = self
                .extras
                .get_mut()
                .is_some_and(|x| x.close_query(cid, &nick));
            if closed && self.active.eq_ignore_ascii_case(&nick) {
                self.active = "status".to_string();
                self.pending.active = Some(self.active.clone());
            }
        }
        Ok(())
    }

    /// `$query(N|nick)`: the Nth open query window of this connection (`N` = 0 counts
    /// them), or `nick` when its query window is open; `None` for other identifiers.
    pub(super) fn window_identifier(
        &self,
        name: &str,
        args: &[Value],
    ) -> Option<Result<Value, String>> {
        if name != "query" || args.len() != 1 {
            return None;
        }
        let cid = self.conns.cid;
        let extras = self.extras.get();
        let arg = args[0].as_str();
        let found = match arg.parse::<usize>() {
            Ok(0) => return Some(Ok(Value::Int(extras.queries_of(cid).count() as i64))),
            Ok(n) => extras.queries_of(cid).nth(n - 1),
            Err(_) => extras.query(cid, &arg),
        };
        Some(Ok(found.map_or(Value::Null, Value::text)))
    }

    /// Whether `name` is a query window open on this connection (`/echo nick text`).
    pub(super) fn is_query_window(&self, name: &str) -> bool {
        self.extras.get().query(self.conns.cid, name).is_some()
    }
}
