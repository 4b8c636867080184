//! DCC file servers and the DCC server in the client. A file server session (`/fserve`, or
//! a `110` request to the DCC server) is a DCC chat whose lines are commands: each raises
//! `SERV` (with `$cd`), and unless a handler halts it the client answers it (`cd`, `dir`,
//! `get`, `read`, `help`, `exit`). The DCC server (`/dccserver`) listens for connections that
//! ask for a chat, a file server session or to send us a file with their first line; `on
//! DCCSERVER` may refuse them, and an accepted one goes on as an ordinary chat, file server
//! session or received file (`CHAT`, `SERV`, `FILERCVD`, `GETFAIL`).

use super::dcc::{offer_out, prefix, say_lines, OfferOut};
use super::{Client, EventInfo};
use crate::dcc::fserve::{FSERVE_IDLE_MS, HELP, MAX_HANDSHAKES, REQUEST_MAX, REQUEST_TIMEOUT_MS};
use crate::dcc::{
    safe_file_name, Accept, Current, Handshake, Kind, OfferKind, Request, Session, Stage,
    MAX_SESSIONS,
};
use crate::events::Phase;
use crate::proto::{Ctcp, Prefix};
use crate::sockets::{SockEvent, SockId, SockOp};
use crate::state::{Input, Intent};

impl Client {
    /// A line from the user of file server session `id`: `^SERV` handlers, the line in
    /// `=nick` (unless halted), `SERV`, then the command unless a handler halted it.
    pub(super) fn fserve_line(
        &mut self,
        id: SockId,
        nick: &str,
        address: Option<&str>,
        text: &str,
    ) {
        let cd = self
            .sockets
            .dcc
            .by_id(id)
            .and_then(|s| s.fserve.as_ref())
            .map(|f| f.cd_text());
        let info = EventInfo {
            name: "SERV".to_string(),
            text: text.to_string(),
            from: Some(prefix(nick, address)),
            target: Some(format!("={nick}")),
            ..EventInfo::default()
        };
        let outer = self.sockets.dcc.current.replace(Current {
            cd,
            ..Current::default()
        });
        let pre = self.run_phase(&info, Phase::Pre, false);
        if !pre.halt_default {
            self.out
                .show(&format!("={nick}"), format!("<{nick}> {text}"));
        }
        let normal = self.run_phase(&info, Phase::Normal, pre.halt_default);
        self.sockets.dcc.current = outer;
        if !normal.halt_default {
            self.fserve_command(id, text);
        }
    }

    /// The built-in answer to a file server command.
    fn fserve_command(&mut self, id: SockId, text: &str) {
        let (cmd, arg) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
        let cmd = cmd.to_ascii_lowercase();
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return;
        };
        let Some(fs) = s.fserve.as_mut() else {
            return;
        };
        let lines: Vec<String> = match cmd.as_str() {
            "" => return,
            "cd" => match fs.cd(arg) {
                Ok(()) => vec![format!("[{}]", fs.cd_text())],
                Err(e) => vec![format!("cd: {e}")],
            },
            "dir" | "ls" => fs.list().unwrap_or_else(|e| vec![format!("dir: {e}")]),
            "read" => match fs.read(arg) {
                Ok(mut lines) => {
                    lines.push(format!("End of {}", arg.trim()));
                    lines
                }
                Err(e) => vec![format!("read: {e}")],
            },
            "help" => HELP.iter().map(ToString::to_string).collect(),
            "get" => vec![self.fserve_get(id, arg)],
            "exit" | "quit" | "bye" => {
                let nick = s.nick.clone();
                say_lines(&mut self.sockets, id, &["Goodbye".to_string()]);
                self.sockets.dcc.remove(id);
                self.sockets.submit_raw(SockOp::Close { id });
                self.out.show(
                    &format!("={nick}"),
                    format!("* DCC file server session with {nick} closed"),
                );
                return;
            }
            other => vec![format!("Unknown command '{other}': type help")],
        };
        say_lines(&mut self.sockets, id, &lines);
    }

    /// `get FILE` in file server session `id`: offers its user the file (a DCC SEND over
    /// IRC), unless they already have as many files coming as the session allows. The line
    /// to answer.
    fn fserve_get(&mut self, id: SockId, arg: &str) -> String {
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return String::new();
        };
        let (nick, address, cid) = (s.nick.clone(), s.address.clone(), s.cid);
        let Some(fs) = s.fserve.as_ref() else {
            return String::new();
        };
        let max = fs.max_gets;
        let (path, size) = match fs.file(arg) {
            Ok(f) => f,
            Err(e) => return format!("get: {e}"),
        };
        let busy = self
            .sockets
            .dcc
            .of(Kind::Send)
            .filter(|s| s.nick.eq_ignore_ascii_case(&nick))
            .count();
        if busy >= max {
            return format!(
                "get: you already have {busy} files coming, the most at once: wait for one to finish"
            );
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let handle = match std::fs::File::open(&path) {
            Ok(h) => h,
            Err(e) => return format!("get: '{}': {e}", arg.trim()),
        };
        let to = OfferOut {
            nick: &nick,
            address,
            cid,
            now: self.now,
        };
        let kind = OfferKind::Send {
            name: name.clone(),
            size,
        };
        match offer_out(&mut self.sockets, &to, &kind, Some((path, handle)), None) {
            Ok((args, (window, line))) => {
                self.out.show(&window, line);
                let target = nick.clone();
                self.on_connection(cid, move |c| {
                    c.input(Input::Intent(Intent::Ctcp {
                        target,
                        ctcp: Ctcp::new("DCC", Some(&args)),
                    }));
                });
                format!("Sending {name} ({size} bytes)")
            }
            Err(e) => format!("get: {e}"),
        }
    }

    /// File server sessions whose user has been quiet too long are closed; DCC server
    /// connections that have not asked for anything in time are dropped.
    pub(super) fn fserve_tick(&mut self) {
        let now = self.now;
        let idle: Vec<(SockId, String)> = self
            .sockets
            .dcc
            .of(Kind::Fserve)
            .filter(|s| s.stage == Stage::Active && now.saturating_sub(s.last) >= FSERVE_IDLE_MS)
            .map(|s| (s.id, s.nick.clone()))
            .collect();
        for (id, nick) in idle {
            say_lines(
                &mut self.sockets,
                id,
                &["Idle for 5 minutes: goodbye".to_string()],
            );
            self.sockets.dcc.remove(id);
            self.sockets.submit_raw(SockOp::Close { id });
            self.out.show(
                &format!("={nick}"),
                format!("* DCC file server session with {nick} closed (idle for 5 minutes)"),
            );
        }
        let dcc = &mut self.sockets.dcc;
        let late: Vec<SockId> = dcc
            .handshakes
            .iter()
            .filter(|h| now.saturating_sub(h.at) >= REQUEST_TIMEOUT_MS)
            .map(|h| h.id)
            .collect();
        dcc.handshakes.retain(|h| !late.contains(&h.id));
        for id in late {
            self.sockets.submit_raw(SockOp::Close { id });
        }
    }

    /// Reports about the DCC server's socket and the connections that have not asked for
    /// anything yet; false for other DCC connections.
    pub(super) fn dccserver_event(&mut self, id: SockId, ev: &SockEvent) -> bool {
        let dcc = &self.sockets.dcc;
        if dcc.server.is_some_and(|s| s.id == id) {
            match ev {
                SockEvent::Incoming {
                    token, ip, port, ..
                } => self.dccserver_incoming(id, *token, ip.clone(), *port),
                SockEvent::ListenFailed { error, .. }
                | SockEvent::Closed {
                    error: Some(error), ..
                } => {
                    self.sockets.dcc.server = None;
                    self.out
                        .show("status", format!("* DCC server stopped: {}", error.wsmsg()));
                }
                _ => {}
            }
            return true;
        }
        if !dcc.handshakes.iter().any(|h| h.id == id) {
            return false;
        }
        match ev {
            SockEvent::Data { data, .. } => self.dccserver_data(id, data),
            SockEvent::Closed { .. } | SockEvent::OpenFailed { .. } => {
                self.sockets.dcc.handshakes.retain(|h| h.id != id);
            }
            _ => {}
        }
        true
    }

    fn dccserver_incoming(&mut self, listener: SockId, token: u64, ip: String, port: u16) {
        let dcc = &self.sockets.dcc;
        if dcc.handshakes.len() >= MAX_HANDSHAKES || dcc.sessions.len() >= MAX_SESSIONS {
            self.sockets.submit_raw(SockOp::Reject { listener, token });
            self.out.show(
                "status",
                format!("* DCC server: refused a connection from {ip}: too many DCC connections"),
            );
            return;
        }
        let conn = self.sockets.reserve_id();
        self.sockets.submit_raw(SockOp::Accept {
            listener,
            token,
            id: conn,
        });
        self.sockets.dcc.handshakes.push(Handshake {
            id: conn,
            ip,
            port,
            buf: Vec::new(),
            at: self.now,
        });
    }

    /// Bytes from a DCC server connection that has not asked for anything yet: once its first
    /// line is whole, the request is refused or accepted.
    fn dccserver_data(&mut self, id: SockId, data: &[u8]) {
        let dcc = &mut self.sockets.dcc;
        let Some(i) = dcc.handshakes.iter().position(|h| h.id == id) else {
            return;
        };
        let h = &mut dcc.handshakes[i];
        h.buf.extend_from_slice(data);
        let Some(nl) = h.buf.iter().position(|b| *b == b'\n') else {
            if h.buf.len() > REQUEST_MAX {
                let ip = h.ip.clone();
                dcc.handshakes.remove(i);
                self.sockets.submit_raw(SockOp::Close { id });
                self.out.show(
                    "status",
                    format!("* DCC server: {ip} sent a line longer than {REQUEST_MAX} bytes"),
                );
            }
            return;
        };
        let h = dcc.handshakes.remove(i);
        let line = String::from_utf8_lossy(&h.buf[..nl])
            .trim_end_matches('\r')
            .to_string();
        let rest = h.buf[nl + 1..].to_vec();
        let req = match Request::parse(&line) {
            Ok(r) => r,
            Err(e) => {
                self.sockets.submit_raw(SockOp::Close { id });
                self.out
                    .show("status", format!("* DCC server: {} sent {e}", h.ip));
                return;
            }
        };
        let me = self.net.me().to_string();
        let (nick, word) = (req.nick().to_string(), req.word());
        let refuse = |c: &mut Client, why: &str| {
            let data = format!("{} {me}\n", req.refusal()).into_bytes();
            c.sockets.submit_raw(SockOp::Write { id, data });
            c.sockets.submit_raw(SockOp::Close { id });
            c.out.show(
                "status",
                format!(
                    "* DCC server: refused {} from {nick} ({}): {why}",
                    word.to_ascii_lowercase(),
                    h.ip
                ),
            );
        };
        if let Err(why) = self.dccserver_allowed(&req) {
            refuse(self, &why);
            return;
        }
        let filename = match &req {
            Request::Send { name, .. } => name.clone(),
            _ => String::new(),
        };
        let info = EventInfo {
            name: "DCCSERVER".to_string(),
            key: Some(word.to_string()),
            text: filename.clone(),
            from: Some(Prefix::parse(&nick)),
            ..EventInfo::default()
        };
        let outer = self.sockets.dcc.current.replace(Current {
            filename,
            cd: None,
            address: Some(h.ip.clone()),
        });
        let o = self.run_phase(&info, Phase::Normal, false);
        self.sockets.dcc.current = outer;
        if o.halt_default {
            refuse(self, "a script refused it");
            return;
        }
        // Handlers may have opened sessions meanwhile: check again.
        if let Err(why) = self.dccserver_allowed(&req) {
            refuse(self, &why);
            return;
        }
        let (kind, file, size, handle, fserve, answer) = match &req {
            Request::Chat { .. } => (Kind::Chat, None, 0, None, None, 101),
            Request::Fserve { .. } => match self.sockets.dcc.server_fserve() {
                Ok(fs) => (Kind::Fserve, None, 0, None, Some(Box::new(fs)), 111),
                Err(e) => {
                    refuse(self, &format!("no file server folder: {e}"));
                    return;
                }
            },
            Request::Send { name, size, .. } => match self.sockets.dcc.open_download(name) {
                Ok((path, f)) => (Kind::Get, Some(path), *size, Some(f), None, 121),
                Err(e) => {
                    refuse(self, &e);
                    return;
                }
            },
        };
        let reply = if answer == 121 {
            format!("121 {me} 0\n")
        } else {
            format!("{answer} {me}\n")
        };
        self.sockets.submit_raw(SockOp::Write {
            id,
            data: reply.into_bytes(),
        });
        self.sockets.dcc.sessions.push(Session {
            id,
            kind,
            nick,
            address: None,
            cid: self.conns.cid,
            ip: h.ip,
            port: h.port,
            stage: Stage::Connecting,
            started: self.now,
            last: self.now,
            file,
            size,
            sent: 0,
            rcvd: 0,
            acked: 0,
            buf: Vec::new(),
            handle,
            fserve,
        });
        self.dcc_opened(id);
        if !rest.is_empty() {
            self.dcc_data(id, &rest);
        }
    }

    /// Whether the DCC server takes `req`: the kind is on, the `accept` setting is not
    /// `never`, and it is within the limits.
    fn dccserver_allowed(&self, req: &Request) -> Result<(), String> {
        let dcc = &self.sockets.dcc;
        let kinds = dcc.server_kinds;
        let on = match req {
            Request::Chat { .. } => kinds.chat,
            Request::Send { .. } => kinds.send,
            Request::Fserve { .. } => kinds.fserve,
        };
        if !on {
            return Err("the DCC server does not take these".to_string());
        }
        if dcc.settings.accept == Accept::Never {
            return Err("DCC accept is never".to_string());
        }
        if dcc.sessions.len() >= MAX_SESSIONS {
            return Err(format!(
                "{MAX_SESSIONS} DCC chats and transfers are already open"
            ));
        }
        match req {
            Request::Chat { nick } if dcc.chat(nick).is_some() => {
                Err(format!("there is a DCC CHAT with {nick} already"))
            }
            Request::Fserve { nick } if dcc.fserve(nick).is_some() => Err(format!(
                "there is a file server session with {nick} already"
            )),
            Request::Send { name, .. } if !safe_file_name(name) => {
                Err(format!("'{name}' is not a plain file name"))
            }
            Request::Send { size, .. } if *size > dcc.settings.max_size => Err(format!(
                "larger than the {} bytes allowed",
                dcc.settings.max_size
            )),
            _ => Ok(()),
        }
    }
}
