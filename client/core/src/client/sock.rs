//! Script sockets in the client: the socket commands and identifiers scripts call (checked
//! against the running script's permissions), and the events the socket driver's reports
//! raise — `SOCKOPEN`, `SOCKREAD`, `SOCKWRITE`, `SOCKCLOSE`, `SOCKLISTEN`, `UDPREAD`,
//! `UDPWRITE` — whose match text is the socket's name.
//!
//! `SOCKREAD` follows mIRC: it runs when data arrives, and runs again while a whole line is
//! left unread after a handler that read; a handler that read nothing drops what is unread.
//! `UDPREAD` runs once per datagram, the same way.

use super::{Client, EventInfo, ScriptHost};
use crate::events::{Phase, ScriptId};
use crate::permissions::Permissions;
use crate::sockets::{Caller, Kind, SockEvent, SockId, Sockets};
use rustirc_lang::Value;

/// How many times in a row one socket's data may raise `SOCKREAD` or `UDPREAD` (each time a
/// handler read a line and another waits), so a flood cannot keep the client busy for ever.
const MAX_READ_ROUNDS: usize = 100_000;

/// What a running script reaches of the sockets.
pub(super) struct SockCx<'a> {
    pub(super) sockets: &'a mut Sockets,
    pub(super) permissions: &'a Permissions,
    pub(super) scripts: &'a [(u32, String)],
    /// Variables `/sockread` filled, for the VM to store.
    pub(super) writes: Vec<(String, Value)>,
}

impl<'a> SockCx<'a> {
    pub(super) fn new(
        sockets: &'a mut Sockets,
        permissions: &'a Permissions,
        scripts: &'a [(u32, String)],
    ) -> SockCx<'a> {
        SockCx {
            sockets,
            permissions,
            scripts,
            writes: Vec::new(),
        }
    }
}

impl ScriptHost<'_> {
    /// A socket command; `None` when `name` is not one.
    pub(super) fn sock_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        let runner = self.runner;
        let now = self.now;
        let cx = self.sock.as_mut()?;
        let script = runner.map(|id| {
            let file = cx
                .scripts
                .iter()
                .find(|(s, _)| *s == id)
                .map_or("", |(_, f)| f.as_str());
            (id, file)
        });
        let caller = Caller {
            script,
            permissions: cx.permissions,
            now,
        };
        match cx.sockets.command(name, args, &caller)? {
            Ok(Some(write)) => {
                cx.writes.push(write);
                Some(Ok(()))
            }
            Ok(None) => Some(Ok(())),
            Err(e) => Some(Err(e)),
        }
    }

    /// `$sock`, `$sockname`, `$sockerr`, `$sockbr`; `None` for other names.
    pub(super) fn sock_identifier(
        &self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        self.sock
            .as_ref()?
            .sockets
            .identifier(name, args, prop, self.now)
    }

    /// What `/sockread` filled, for the VM.
    pub(super) fn sock_take_writes(&mut self) -> Vec<(String, Value)> {
        self.sock
            .as_mut()
            .map(|cx| std::mem::take(&mut cx.writes))
            .unwrap_or_default()
    }
}

impl Client {
    /// A report from the socket driver: the books are updated and the event it raises runs.
    pub fn socket_event(&mut self, ev: SockEvent) {
        if self.dcc_socket_event(&ev) {
            return;
        }
        let now = self.now;
        match ev {
            SockEvent::Opened {
                id,
                ip,
                port,
                local,
            } => {
                self.sockets.opened(id, &ip, port, local, now);
                self.sock_event("SOCKOPEN", id, 0);
            }
            SockEvent::OpenFailed { id, resolve, error } => {
                self.sockets.set_error(id, error);
                self.sock_event("SOCKOPEN", id, if resolve { 4 } else { 3 });
                self.sockets.close(id);
            }
            SockEvent::Data { id, data } => {
                self.sockets.received(id, &data, now);
                self.pump(id);
            }
            SockEvent::Written { id, bytes } => {
                if self.sockets.written(id, bytes, now) {
                    self.sock_event("SOCKWRITE", id, 0);
                }
            }
            SockEvent::Closed { id, error } => {
                if self.sockets.get(id).is_none() {
                    return;
                }
                self.sockets.ended(id);
                let err = match error {
                    Some(e) => {
                        self.sockets.set_error(id, e);
                        3
                    }
                    None => 0,
                };
                self.sock_event("SOCKCLOSE", id, err);
                self.sockets.close(id);
            }
            SockEvent::Incoming {
                id,
                token,
                ip,
                port,
            } => {
                self.sockets.set_incoming(id, token, &ip, port);
                self.sock_event("SOCKLISTEN", id, 0);
                self.sockets.end_incoming();
            }
            SockEvent::ListenFailed { id, error } => {
                self.sockets.set_error(id, error);
                self.sock_event("SOCKLISTEN", id, 1);
            }
            SockEvent::UdpData { id, ip, port, data } => {
                self.sockets.datagram(id, &ip, port, data, now);
                self.pump(id);
            }
            SockEvent::UdpSent { id, bytes } => {
                self.sockets.written(id, bytes, now);
                self.sock_event("UDPWRITE", id, 0);
                if self.sockets.closes_after_send(id) {
                    self.sockets.close(id);
                }
            }
            SockEvent::UdpFailed { id, bytes, error } => {
                if let Some(s) = self.sockets.get_mut(id) {
                    s.sq = s.sq.saturating_sub(bytes as u64);
                }
                self.sockets.set_error(id, error);
                self.sock_event("UDPWRITE", id, 3);
                if self.sockets.closes_after_send(id) {
                    self.sockets.close(id);
                }
            }
            SockEvent::Resumed { id } => self.pump(id),
            SockEvent::Resolved { token, addrs } => self.dns_answer(token, addrs),
        }
        self.deliver_signals();
    }

    /// Runs `event` for socket `id` with `$sockerr` set to `err`; whether the socket is still
    /// open afterwards.
    fn sock_event(&mut self, event: &str, id: SockId, err: u32) -> bool {
        let Some(name) = self.sockets.get(id).map(|s| s.name.clone()) else {
            return false;
        };
        let outer = self.sockets.current.replace(id);
        self.sockets.err = err;
        let info = EventInfo {
            name: event.to_string(),
            subject: Some(name),
            ..EventInfo::default()
        };
        self.run_phase(&info, Phase::Normal, false);
        self.sockets.current = outer;
        self.sockets.get(id).is_some()
    }

    /// Offers what socket `id` holds to `SOCKREAD` (or, datagram by datagram, `UDPREAD`)
    /// while handlers read it.
    fn pump(&mut self, id: SockId) {
        let Some(kind) = self.sockets.get(id).map(|s| s.kind) else {
            return;
        };
        let event = if kind == Kind::Udp {
            "UDPREAD"
        } else {
            "SOCKREAD"
        };
        for _ in 0..MAX_READ_ROUNDS {
            let Some(s) = self.sockets.get(id) else {
                return;
            };
            if s.paused {
                return;
            }
            if s.unread().is_empty() && !(kind == Kind::Udp && self.sockets.next_datagram(id)) {
                return;
            }
            self.sockets.read_called = false;
            if !self.sock_event(event, id, 0) {
                return;
            }
            let read = std::mem::replace(&mut self.sockets.read_called, false);
            let Some(s) = self.sockets.get_mut(id) else {
                return;
            };
            // mIRC drops what a handler did not try to read, and offers the rest again only
            // while a whole line waits; the rest of a datagram goes with it.
            if !read || (!s.has_line() && kind == Kind::Udp) {
                s.clear_unread();
            }
            let line_left = s.has_line();
            self.sockets.after_read(id);
            if !line_left && kind != Kind::Udp {
                return;
            }
        }
    }

    /// The script whose code runs now (`None`: the user's own command).
    pub fn running_script(&self) -> Option<ScriptId> {
        self.running
    }

    /// Script `id` is unloaded: the sockets it opened close and the timers it started stop.
    pub(super) fn release_script(&mut self, id: ScriptId) {
        self.sockets.close_owned_by(id);
        self.timers.retain(|t| t.owner != Some(id));
    }

    /// Script `old` was reloaded as `new`: its sockets and timers are the new one's.
    pub(super) fn adopt_script(&mut self, old: ScriptId, new: ScriptId) {
        self.sockets.change_owner(old, new);
        for t in &mut self.timers {
            if t.owner == Some(old) {
                t.owner = Some(new);
            }
        }
    }
}
