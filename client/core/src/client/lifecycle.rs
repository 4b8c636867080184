//! Events of the client's own life rather than of a server line: `LOGON` when the connection
//! opens, `CONNECTFAIL` when opening it fails, `INPUT` when the user types a line, `EXIT`
//! when the client quits; and `PONG`, which the state reports without a display of its own.

use super::{Client, EventInfo};
use crate::events::Phase;
use crate::state::{Effect, Event, Input};

impl Client {
    /// The connection opened: `^LOGON` handlers run before the login lines (CAP, PASS, NICK,
    /// USER) are sent, and a `^` handler that halts keeps them from being sent (the script
    /// sends its own); then the other `LOGON` handlers. The field is matched against the
    /// server's address.
    pub(super) fn log_on(&mut self) {
        let target = self.net.target().map(|(h, _)| h.to_string());
        let info = EventInfo {
            name: "LOGON".to_string(),
            subject: Some(target.unwrap_or_default()),
            ..EventInfo::default()
        };
        let pre = self.run_phase(&info, Phase::Pre, false);
        let mut effects = self.net.handle(Input::Connected);
        if pre.halt_default {
            effects.retain(|e| !matches!(e, Effect::Send(_)));
        }
        self.apply(effects);
        self.run_phase(&info, Phase::Normal, pre.halt_default);
    }

    /// Opening the connection failed (`reason` says why): runs `on CONNECTFAIL` with the
    /// reason in `$1-`. The network layer calls this before it tries again.
    pub fn connect_failed(&mut self, reason: &str) {
        let info = EventInfo {
            name: "CONNECTFAIL".to_string(),
            text: reason.to_string(),
            ..EventInfo::default()
        };
        self.run_phase(&info, Phase::Pre, false);
        self.run_phase(&info, Phase::Normal, false);
        self.deliver_signals();
    }

    /// The client is quitting: runs `on EXIT` (once), then saves what is not saved yet.
    /// The network layer calls this last, after the connections closed.
    pub fn exit(&mut self) {
        if !self.extras.exited {
            self.extras.exited = true;
            let info = EventInfo {
                name: "EXIT".to_string(),
                ..EventInfo::default()
            };
            self.run_phase(&info, Phase::Pre, false);
            self.run_phase(&info, Phase::Normal, false);
            self.deliver_signals();
        }
        self.save();
    }

    /// The user typed `text` into `window`: runs `on INPUT` (`$1-` the text, `$target` the
    /// window). Returns whether a handler halted it (`haltdef`, or `halt` in a `^` handler),
    /// in which case the line is neither sent nor run; and the line as a `pre` handler of
    /// another engine changed it, if one did.
    pub(super) fn input_event(&mut self, window: &str, text: &str) -> (bool, Option<String>) {
        let chan = self.net.is_channel(window).then(|| window.to_string());
        let info = EventInfo {
            name: "INPUT".to_string(),
            text: text.to_string(),
            target: Some(window.to_string()),
            chan,
            ..EventInfo::default()
        };
        let mut info = info;
        let pre = self.run_phase(&info, Phase::Pre, false);
        let rewritten = self.rewritten.take();
        if let Some(t) = &rewritten {
            info.text.clone_from(t);
        }
        let all = if pre.stop_later {
            pre
        } else {
            pre.merge(self.run_phase(&info, Phase::Normal, pre.halt_default))
        };
        self.deliver_signals();
        (all.halt_default, rewritten)
    }

    /// Events `describe` in `client.rs` leaves to this module, with their display lines.
    pub(super) fn describe_more(&self, ev: &Event) -> Vec<(EventInfo, Option<(String, String)>)> {
        match ev {
            Event::Pong {
                server,
                token,
                lag_ms,
            } => {
                let info = EventInfo {
                    name: "PONG".to_string(),
                    text: format!("{server} {token}"),
                    ..EventInfo::default()
                };
                // Our own lag checks are not shown.
                let display = lag_ms
                    .is_none()
                    .then(|| ("status".to_string(), format!("PONG {server} {token}")));
                vec![(info, display)]
            }
            Event::Notify { who, online } => vec![self.notify_event(who, *online)],
            _ => Vec::new(),
        }
    }
}
