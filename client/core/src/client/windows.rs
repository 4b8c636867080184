//! Query windows without a GUI: `/query nick [message]` opens one (and makes it active),
//! a private message from a nick opens one (after `on OPEN:?`, whose `^` handlers can keep
//! it closed), `/close -m [nick…]` closes them, and `$query(N|nick)` lists them.
//!
//! Marks a GUI shows and the headless client prints: `/markline window` marks the last line
//! shown in a window as a highlight ([`super::Outbox::marked`]), `/window -gN window` sets a
//! window's highlight state ([`super::Extras::window_states`], read with
//! `$window(name).sbcolor`), and `/beep` and `/flash` ask for the user's attention
//! ([`super::Outbox::alerts`]). A window is a name the client shows lines in (see
//! [`super::Outbox`]); the query windows open on each connection are kept in
//! [`super::Extras::queries`].

use super::{Client, ScriptHost};
use crate::state::Intent;
use rustirc_lang::Value;

impl Client {
    /// `on OPEN:?`: a private message (`info`) from `nick` is about to open a query window.
    /// The `^` handlers run first; when one halts, the window does not open (and the line is
    /// not shown). Returns whether it opens.
    pub(super) fn open_event(&mut self, nick: &str, info: &super::EventInfo) -> bool {
        let open = super::EventInfo {
            name: "OPEN".to_string(),
            target: Some(nick.to_string()),
            ..info.clone()
        };
        let pre = self.run_phase(&open, crate::events::Phase::Pre, false);
        if pre.halt_default {
            return false;
        }
        self.run_phase(&open, crate::events::Phase::Normal, false);
        true
    }

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
            "markline" => Some(self.markline(args)),
            "window" => Some(self.custom_window_command(args)),
            "beep" => Some(self.beep(args)),
            "flash" => Some(self.flash(args)),
            _ => None,
        }
    }

    /// `/markline [window]`: marks the last line shown in `window` (the active window when
    /// none is given) as a highlight. In a handler that runs after the default display, that
    /// is the line the event showed.
    fn markline(&mut self, args: &str) -> Result<(), String> {
        let window = match args.split_whitespace().collect::<Vec<_>>()[..] {
            [] => self.active.clone(),
            [w] if w.starts_with('-') => return Err(format!("/markline: unknown switch {w}")),
            [w] => w.to_string(),
            _ => return Err("/markline: one window only".to_string()),
        };
        self.pending.marks.push(window);
        Ok(())
    }

    /// `/window -g[N] name`: sets the window's highlight state, 0 (none), 1 (event),
    /// 2 (message) or 3 (highlight); `-g` alone is 1. The other switches of mIRC's `/window`
    /// manage custom windows, which come with the GUI.
    pub(super) fn window_state_command(&mut self, args: &str) -> Result<(), String> {
        let mut words = args.split_whitespace();
        let (Some(sw), Some(name), None) = (words.next(), words.next(), words.next()) else {
            return Err("/window: use /window -g[0-3] name".to_string());
        };
        let Some(level) = sw.strip_prefix("-g") else {
            return Err(format!(
                "/window: switch {sw} is not supported (only -g[0-3] name, the highlight state)"
            ));
        };
        let level = match level {
            "" => 1,
            "0" | "1" | "2" | "3" => level.parse::<u8>().unwrap_or(1),
            _ => return Err(format!("/window: -g{level}: the state is 0, 1, 2 or 3")),
        };
        let cid = self.conns.cid;
        if let Some(x) = self.extras.get_mut() {
            x.set_window_state(cid, name, level);
        }
        Ok(())
    }

    /// `/beep [N] [delay]`: the sound alert, `N` times (1 when not given); shown as `* Beep`
    /// in the status window.
    fn beep(&mut self, args: &str) -> Result<(), String> {
        let mut words = args.split_whitespace();
        let times = match words.next() {
            None => 1,
            Some(n) => n
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| format!("/beep: '{n}' is not a number of beeps (1 to 100)"))?,
        };
        self.pending.alerts.push(super::Alert::Beep(times));
        let shown = if times == 1 {
            "* Beep".to_string()
        } else {
            format!("* Beep ({times} times)")
        };
        self.show("status", shown);
        Ok(())
    }

    /// `/flash [-switches] [window] text`: the visual alert: the window (the active one when
    /// none is given) flashes, with `text`; shown as `* Flash window: text` in the status
    /// window. The switches (`-b -r -w` with numbers: how it flashes) are accepted.
    fn flash(&mut self, args: &str) -> Result<(), String> {
        let mut rest = args.trim();
        while let Some(sw) = rest.strip_prefix('-') {
            let (w, r) = rest.split_once(' ').unwrap_or((rest, ""));
            if !sw.starts_with(['b', 'r', 'w']) {
                return Err(format!("/flash: unknown switch {w}"));
            }
            rest = r.trim_start();
        }
        let (window, text) = match rest.split_once(' ') {
            Some((w, t)) if self.net.get().is_channel(w) || self.is_query_window(w) => {
                (w.to_string(), t.to_string())
            }
            _ if !rest.is_empty()
                && (self.net.get().is_channel(rest) || self.is_query_window(rest)) =>
            {
                (rest.to_string(), String::new())
            }
            _ => (self.active.clone(), rest.to_string()),
        };
        self.show("status", format!("* Flash {window}: {text}"));
        self.pending
            .alerts
            .push(super::Alert::Flash { window, text });
        Ok(())
    }

    /// `$window(name).sbcolor`: the window's highlight state as `/window -g` set it (`none`,
    /// `event`, `message` or `highlight`); `$window(name)` is the name.
    pub(super) fn window_state_identifier(
        &self,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let [name] = args else {
            return None;
        };
        let name = name.as_str();
        match prop {
            None => Some(Ok(Value::text(name))),
            Some(p) if p.eq_ignore_ascii_case("sbcolor") => {
                let level = self.extras.get().window_state(self.conns.cid, &name);
                let word = ["none", "event", "message", "highlight"][usize::from(level.min(3))];
                Some(Ok(Value::text(word)))
            }
            Some(p) => Some(Err(format!(
                "$window: property .{p} is not supported (only .sbcolor)"
            ))),
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
        if args
            .split_whitespace()
            .next()
            .is_some_and(|w| w.starts_with('@'))
        {
            let names: Vec<&str> = args.split_whitespace().collect();
            self.close_custom(&names);
            return Ok(());
        }
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
            if switches.contains('@') {
                self.close_custom(&words);
            }
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
