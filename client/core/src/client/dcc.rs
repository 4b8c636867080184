//! DCC in the client: `/dcc`, `/msg =nick`, `/close -c -s -g`, `$chat`, `$send`, `$get`,
//! `$filename`; offers that arrive as a `DCC` CTCP (accepted as the `accept` setting says);
//! and the events the connections raise — `CHAT` for each line of a chat (shown in the
//! `=nick` window), `FILESENT`, `FILERCVD`, `SENDFAIL` and `GETFAIL` when a transfer ends.
//! The connections run on the sockets' driver; its reports about them come here.

use super::{Client, EventInfo, ScriptHost};
use crate::dcc::fserve::{text_lines, DCCSERVER_PORT, READ_MAX};
use crate::dcc::{
    ack_bytes, format_offer, parse_offer, safe_file_name, Accept, Current, Dcc, Fserve, Kind,
    Offer, OfferKind, Server, ServerArgs, Session, Stage, Waiting, BLOCK, CHAT_LINE_MAX,
    IDLE_TIMEOUT_MS, MAX_SESSIONS, MAX_WAITING, OFFER_TIMEOUT_MS, SEND_AHEAD,
};
use crate::events::Phase;
use crate::permissions::{NetUse, Want};
use crate::proto::{Ctcp, Prefix};
use crate::sockets::{SockEvent, SockId, SockOp, Sockets};
use crate::state::Intent;
use rustirc_lang::Value;
use std::io::{Read, Seek, SeekFrom, Write};

/// The connection a report is about.
fn event_id(ev: &SockEvent) -> Option<SockId> {
    match ev {
        SockEvent::Opened { id, .. }
        | SockEvent::OpenFailed { id, .. }
        | SockEvent::Data { id, .. }
        | SockEvent::Written { id, .. }
        | SockEvent::Closed { id, .. }
        | SockEvent::Incoming { id, .. }
        | SockEvent::ListenFailed { id, .. }
        | SockEvent::UdpData { id, .. }
        | SockEvent::UdpSent { id, .. }
        | SockEvent::UdpFailed { id, .. }
        | SockEvent::Resumed { id } => Some(*id),
        SockEvent::Resolved { .. } => None,
    }
}

/// `nick!user@host` as a prefix.
pub(super) fn prefix(nick: &str, address: Option<&str>) -> Prefix {
    match address {
        Some(a) => Prefix::parse(&format!("{nick}!{a}")),
        None => Prefix::parse(nick),
    }
}

/// Starts what an accepted offer asks: a connection to the other side (and, for a file, the
/// file it goes into). The line to show.
fn accept_offer(sockets: &mut Sockets, w: Waiting, now: u64) -> Result<String, String> {
    if w.offer.port == 0 {
        return Err(format!(
            "* {} asks for a passive (reverse) DCC, which is not supported",
            w.nick
        ));
    }
    let dcc = &mut sockets.dcc;
    if dcc.sessions.len() >= MAX_SESSIONS {
        return Err(format!(
            "* Refused a DCC offer from {}: {MAX_SESSIONS} DCC chats and transfers are already open",
            w.nick
        ));
    }
    let (kind, file, size, handle) = match &w.offer.kind {
        OfferKind::Chat => {
            if dcc.chat(&w.nick).is_some() {
                return Err(format!("* You already have a DCC CHAT with {}", w.nick));
            }
            (Kind::Chat, None, 0, None)
        }
        OfferKind::Send { name, size } => {
            // A fresh name every time: an existing file is never written over.
            let (path, f) = dcc.open_download(name).map_err(|e| format!("* {e}"))?;
            (Kind::Get, Some(path), *size, Some(f))
        }
    };
    let id = sockets.reserve_id();
    let ip = w.offer.ip.to_string();
    sockets.submit_raw(SockOp::Connect {
        id,
        host: ip.clone(),
        port: w.offer.port,
        tls: false,
        bind_ip: None,
    });
    let line = match kind {
        Kind::Chat => format!(
            "* DCC CHAT with {}: connecting to {ip}:{}",
            w.nick, w.offer.port
        ),
        _ => format!(
            "* DCC GET of {} ({size} bytes) from {}: connecting to {ip}:{}",
            file.as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            w.nick,
            w.offer.port
        ),
    };
    sockets.dcc.sessions.push(Session {
        id,
        kind,
        nick: w.nick,
        address: w.address,
        cid: w.cid,
        ip,
        port: w.offer.port,
        stage: Stage::Connecting,
        started: now,
        last: now,
        file,
        size,
        sent: 0,
        rcvd: 0,
        acked: 0,
        buf: Vec::new(),
        handle,
        fserve: None,
    });
    Ok(line)
}

/// Writes file blocks on send `id` until [`SEND_AHEAD`] bytes wait for acknowledgement.
fn pump_send(sockets: &mut Sockets, id: SockId) -> Result<(), String> {
    let mut blocks = Vec::new();
    {
        let Some(s) = sockets.dcc.by_id(id) else {
            return Ok(());
        };
        if s.stage != Stage::Active {
            return Ok(());
        }
        while s.sent < s.size && s.sent - s.acked.min(s.sent) < SEND_AHEAD {
            let Some(f) = s.handle.as_mut() else {
                return Err("the file is not open".to_string());
            };
            let want = usize::try_from((s.size - s.sent).min(BLOCK as u64)).unwrap_or(BLOCK);
            let mut buf = vec![0u8; want];
            f.seek(SeekFrom::Start(s.sent))
                .and_then(|_| f.read_exact(&mut buf))
                .map_err(|e| format!("reading {}: {e}", s.file_name()))?;
            s.sent += want as u64;
            blocks.push(buf);
        }
    }
    for data in blocks {
        sockets.submit_raw(SockOp::Write { id, data });
    }
    Ok(())
}

impl Client {
    /// A `DCC` CTCP from `from` that no handler halted: a chat or file offer, accepted or
    /// kept for `/dcc accept` as the `accept` setting says.
    pub(super) fn dcc_offer(&mut self, from: &Prefix, args: &str) {
        let offer = match parse_offer(args) {
            Ok(Some(o)) => o,
            Ok(None) => return,
            Err(e) => {
                self.out.show(
                    "status",
                    format!("* Unreadable DCC offer from {}: {e}", from.nick),
                );
                return;
            }
        };
        if offer.port == 0 {
            self.out.show(
                "status",
                format!(
                    "* {} asks for a passive (reverse) DCC, which is not supported",
                    from.nick
                ),
            );
            return;
        }
        let what = match &offer.kind {
            OfferKind::Chat => "a DCC CHAT".to_string(),
            OfferKind::Send { name, size } => format!("the file {name} ({size} bytes)"),
        };
        if let OfferKind::Send { name, size } = &offer.kind {
            if !safe_file_name(name) {
                self.out.show(
                    "status",
                    format!(
                        "* Refused a DCC SEND from {}: '{name}' is not a plain file name",
                        from.nick
                    ),
                );
                return;
            }
            let max = self.sockets.dcc.settings.max_size;
            if *size > max {
                self.out.show(
                    "status",
                    format!(
                        "* Refused {what} from {}: larger than the {max} bytes allowed",
                        from.nick
                    ),
                );
                return;
            }
        }
        let address = from.address();
        let known = address
            .as_deref()
            .is_some_and(|a| self.users.find(&format!("{}!{a}", from.nick)).is_some());
        let waiting = Waiting {
            nick: from.nick.clone(),
            address,
            cid: self.conns.cid,
            offer,
            at: self.now,
        };
        match self.sockets.dcc.settings.accept {
            Accept::Never => {
                self.out.show(
                    "status",
                    format!("* Ignored {what} from {} (DCC accept is never)", from.nick),
                );
            }
            Accept::Always => self.dcc_accept_now(waiting),
            Accept::Users if known => self.dcc_accept_now(waiting),
            Accept::Ask | Accept::Users => {
                let Offer { ip, port, .. } = &waiting.offer;
                self.out.show(
                    "status",
                    format!(
                        "* {} ({ip}:{port}) offers {what}: /dcc accept {} to accept it",
                        from.nick, from.nick
                    ),
                );
                let waiting_list = &mut self.sockets.dcc.waiting;
                if waiting_list.len() >= MAX_WAITING {
                    waiting_list.remove(0);
                }
                waiting_list.push(waiting);
            }
        }
    }

    fn dcc_accept_now(&mut self, w: Waiting) {
        let line = accept_offer(&mut self.sockets, w, self.now).unwrap_or_else(|e| e);
        self.out.show("status", line);
    }

    /// Routes a report about a DCC connection here; false when it is about something else.
    pub(super) fn dcc_socket_event(&mut self, ev: &SockEvent) -> bool {
        let Some(id) = event_id(ev) else {
            return false;
        };
        if !self.sockets.dcc.owns(id) {
            return false;
        }
        if self.dccserver_event(id, ev) {
            self.deliver_signals();
            return true;
        }
        match ev.clone() {
            SockEvent::Incoming {
                token, ip, port, ..
            } => {
                let conn = self.sockets.reserve_id();
                self.sockets.submit_raw(SockOp::Accept {
                    listener: id,
                    token,
                    id: conn,
                });
                self.sockets.submit_raw(SockOp::Close { id });
                let Some(s) = self.sockets.dcc.by_id(id) else {
                    return true;
                };
                s.id = conn;
                s.ip = ip;
                s.port = port;
                self.dcc_opened(conn);
            }
            SockEvent::Opened { ip, port, .. } => {
                if let Some(s) = self.sockets.dcc.by_id(id) {
                    s.ip = ip;
                    s.port = port;
                }
                self.dcc_opened(id);
            }
            SockEvent::OpenFailed { error, .. } | SockEvent::ListenFailed { error, .. } => {
                self.dcc_failed(id, &error.wsmsg());
            }
            SockEvent::Data { data, .. } => self.dcc_data(id, &data),
            SockEvent::Closed { error, .. } => self.dcc_closed(id, error.map(|e| e.wsmsg())),
            _ => {}
        }
        self.deliver_signals();
        true
    }

    pub(super) fn dcc_opened(&mut self, id: SockId) {
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return;
        };
        s.stage = Stage::Active;
        s.last = self.now;
        let (kind, nick, ip, port) = (s.kind, s.nick.clone(), s.ip.clone(), s.port);
        match kind {
            Kind::Chat => self.out.show(
                &format!("={nick}"),
                format!("* DCC CHAT connection established with {nick} ({ip}:{port})"),
            ),
            Kind::Fserve => {
                self.out.show(
                    &format!("={nick}"),
                    format!("* DCC file server session with {nick} open ({ip}:{port})"),
                );
                let welcome = s
                    .fserve
                    .as_ref()
                    .and_then(|f| f.welcome.clone())
                    .and_then(|w| std::fs::read(w).ok())
                    .map(|mut b| {
                        b.truncate(usize::try_from(READ_MAX).unwrap_or(usize::MAX));
                        text_lines(&b)
                    })
                    .unwrap_or_default();
                let mut lines = welcome;
                lines.push("[/] Type help for the commands".to_string());
                say_lines(&mut self.sockets, id, &lines);
            }
            Kind::Send => {
                let name = s.file_name();
                self.out
                    .show("status", format!("* DCC SEND of {name} to {nick} started"));
                if s.size == 0 {
                    self.dcc_finish(id, true, None);
                } else if let Err(e) = pump_send(&mut self.sockets, id) {
                    self.dcc_failed(id, &e);
                }
            }
            Kind::Get => {
                let name = s.file_name();
                self.out
                    .show("status", format!("* DCC GET of {name} from {nick} started"));
            }
        }
    }

    pub(super) fn dcc_data(&mut self, id: SockId, data: &[u8]) {
        let now = self.now;
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return;
        };
        s.rcvd += data.len() as u64;
        s.last = now;
        match s.kind {
            Kind::Chat | Kind::Fserve => {
                let kind = s.kind;
                s.buf.extend_from_slice(data);
                let mut lines = Vec::new();
                while let Some(i) = s.buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = s.buf.drain(..=i).collect();
                    lines.push(line);
                }
                if s.buf.len() > CHAT_LINE_MAX {
                    lines.push(std::mem::take(&mut s.buf));
                }
                let (nick, address) = (s.nick.clone(), s.address.clone());
                for line in lines {
                    let text = String::from_utf8_lossy(&line);
                    let text = text.trim_end_matches(['\r', '\n']);
                    if kind == Kind::Chat {
                        self.dcc_chat_line(&nick, address.as_deref(), text);
                    } else if self.sockets.dcc.by_id(id).is_some() {
                        self.fserve_line(id, &nick, address.as_deref(), text);
                    }
                }
            }
            Kind::Send => {
                s.buf.extend_from_slice(data);
                let mut done = false;
                while s.buf.len() >= 4 {
                    let ack: [u8; 4] = [s.buf[0], s.buf[1], s.buf[2], s.buf[3]];
                    s.buf.drain(..4);
                    let ack = u32::from_be_bytes(ack);
                    // Acknowledgements count modulo 2³²: add what this one says is new.
                    let last = (s.acked & 0xffff_ffff) as u32;
                    s.acked += u64::from(ack.wrapping_sub(last));
                    if s.acked >= s.size {
                        done = true;
                    }
                }
                if done {
                    self.dcc_finish(id, true, None);
                } else if let Err(e) = pump_send(&mut self.sockets, id) {
                    self.dcc_failed(id, &e);
                }
            }
            Kind::Get => {
                let max = self.sockets.dcc.settings.max_size;
                let Some(s) = self.sockets.dcc.by_id(id) else {
                    return;
                };
                let limit = if s.size > 0 { s.size } else { max };
                if s.rcvd > limit {
                    self.dcc_failed(id, "the peer sent more than the file's size");
                    return;
                }
                let written = match s.handle.as_mut() {
                    Some(f) => f.write_all(data).map_err(|e| e.to_string()),
                    None => Err("the file is not open".to_string()),
                };
                if let Err(e) = written {
                    self.dcc_failed(id, &e);
                    return;
                }
                let ack = ack_bytes(s.rcvd).to_vec();
                let complete = s.size > 0 && s.rcvd == s.size;
                self.sockets.submit_raw(SockOp::Write { id, data: ack });
                if complete {
                    self.dcc_finish(id, true, None);
                }
            }
        }
    }

    /// A chat line arrived: `^CHAT` handlers, the line in `=nick` (unless halted), `CHAT`.
    fn dcc_chat_line(&mut self, nick: &str, address: Option<&str>, text: &str) {
        let info = EventInfo {
            name: "CHAT".to_string(),
            text: text.to_string(),
            from: Some(prefix(nick, address)),
            target: Some(format!("={nick}")),
            ..EventInfo::default()
        };
        let pre = self.run_phase(&info, Phase::Pre, false);
        if !pre.halt_default {
            self.out
                .show(&format!("={nick}"), format!("<{nick}> {text}"));
        }
        self.run_phase(&info, Phase::Normal, pre.halt_default);
    }

    fn dcc_closed(&mut self, id: SockId, error: Option<String>) {
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return;
        };
        match s.kind {
            Kind::Chat => {
                let rest = std::mem::take(&mut s.buf);
                let (nick, address) = (s.nick.clone(), s.address.clone());
                if !rest.is_empty() {
                    let text = String::from_utf8_lossy(&rest);
                    self.dcc_chat_line(&nick, address.as_deref(), text.trim_end_matches('\r'));
                }
                self.sockets.dcc.remove(id);
                let why = error.map(|e| format!(" ({e})")).unwrap_or_default();
                self.out.show(
                    &format!("={nick}"),
                    format!("* DCC CHAT session with {nick} closed{why}"),
                );
            }
            Kind::Fserve => {
                let nick = s.nick.clone();
                self.sockets.dcc.remove(id);
                let why = error.map(|e| format!(" ({e})")).unwrap_or_default();
                self.out.show(
                    &format!("={nick}"),
                    format!("* DCC file server session with {nick} closed{why}"),
                );
            }
            Kind::Get if s.size == 0 && s.rcvd > 0 && error.is_none() => {
                self.dcc_finish(id, true, None);
            }
            _ => {
                let why = error.unwrap_or_else(|| "the connection closed early".to_string());
                self.dcc_finish(id, false, Some(&why));
            }
        }
    }

    fn dcc_failed(&mut self, id: SockId, why: &str) {
        let Some(s) = self.sockets.dcc.by_id(id) else {
            return;
        };
        if matches!(s.kind, Kind::Chat | Kind::Fserve) {
            let what = if s.kind == Kind::Chat {
                "DCC CHAT"
            } else {
                "DCC file server session"
            };
            let nick = s.nick.clone();
            self.sockets.dcc.remove(id);
            self.sockets.submit_raw(SockOp::Close { id });
            self.out.show(
                &format!("={nick}"),
                format!("* {what} with {nick} failed: {why}"),
            );
            return;
        }
        self.dcc_finish(id, false, Some(why));
    }

    /// A transfer is over: the connection closes, and `FILESENT`/`FILERCVD` (or, when it
    /// failed, `SENDFAIL`/`GETFAIL`, and an unfinished received file is removed) runs.
    fn dcc_finish(&mut self, id: SockId, ok: bool, why: Option<&str>) {
        let Some(s) = self.sockets.dcc.remove(id) else {
            return;
        };
        self.sockets.submit_raw(SockOp::Close { id });
        drop(s.handle);
        let path = s
            .file
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let name = s
            .file
            .as_deref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (event, line) = match (s.kind, ok) {
            (Kind::Send, true) => (
                "FILESENT",
                format!(
                    "* DCC SEND of {name} to {} complete ({} bytes)",
                    s.nick, s.size
                ),
            ),
            (Kind::Get, true) => (
                "FILERCVD",
                format!(
                    "* DCC GET of {name} from {} complete ({} bytes)",
                    s.nick, s.rcvd
                ),
            ),
            (Kind::Send, false) => (
                "SENDFAIL",
                format!(
                    "* DCC SEND of {name} to {} failed: {}",
                    s.nick,
                    why.unwrap_or("")
                ),
            ),
            _ => {
                if let Some(f) = &s.file {
                    let _ = std::fs::remove_file(f);
                }
                (
                    "GETFAIL",
                    format!(
                        "* DCC GET of {name} from {} failed: {}",
                        s.nick,
                        why.unwrap_or("")
                    ),
                )
            }
        };
        self.out.show("status", line);
        let info = EventInfo {
            name: event.to_string(),
            text: name.clone(),
            from: Some(prefix(&s.nick, s.address.as_deref())),
            subject: Some(name),
            ..EventInfo::default()
        };
        let outer = self.sockets.dcc.current.replace(Current {
            filename: path,
            ..Current::default()
        });
        self.run_phase(&info, Phase::Normal, false);
        self.sockets.dcc.current = outer;
    }

    /// Offers nobody took in time are withdrawn (a send's fails), and offers nobody accepted
    /// are forgotten.
    pub(super) fn dcc_tick(&mut self) {
        let now = self.now;
        let dcc = &mut self.sockets.dcc;
        dcc.waiting
            .retain(|w| now.saturating_sub(w.at) < OFFER_TIMEOUT_MS);
        let late: Vec<(SockId, Kind, String)> = dcc
            .sessions
            .iter()
            .filter(|s| {
                s.stage == Stage::Waiting && now.saturating_sub(s.started) >= OFFER_TIMEOUT_MS
            })
            .map(|s| (s.id, s.kind, s.nick.clone()))
            .collect();
        let idle: Vec<SockId> = self
            .sockets
            .dcc
            .sessions
            .iter()
            .filter(|s| {
                matches!(s.kind, Kind::Send | Kind::Get)
                    && s.stage == Stage::Active
                    && now.saturating_sub(s.last) >= IDLE_TIMEOUT_MS
            })
            .map(|s| s.id)
            .collect();
        for id in idle {
            self.dcc_finish(id, false, Some("nothing arrived for 5 minutes"));
        }
        self.fserve_tick();
        for (id, kind, nick) in late {
            if matches!(kind, Kind::Chat | Kind::Fserve) {
                let what = if kind == Kind::Chat {
                    "DCC CHAT"
                } else {
                    "DCC file server"
                };
                self.sockets.dcc.remove(id);
                self.sockets.submit_raw(SockOp::Close { id });
                self.out.show(
                    &format!("={nick}"),
                    format!("* {what} offer to {nick} timed out"),
                );
            } else {
                self.dcc_finish(id, false, Some("the offer timed out"));
            }
        }
    }

    /// Text typed into a `=nick` window is said in that chat; false for other windows.
    pub(super) fn dcc_typed(&mut self, window: &str, text: &str) -> bool {
        let Some(nick) = window.strip_prefix('=') else {
            return false;
        };
        if text.starts_with('/') || text.is_empty() {
            return false;
        }
        let me = self.net.me().to_string();
        match chat_say(&mut self.sockets, nick, text) {
            Ok(()) => self.out.show(window, format!("<{me}> {text}")),
            Err(e) => self.out.show(window, format!("* {e}")),
        }
        true
    }
}

/// Who an offer goes to, for [`offer_out`].
pub(super) struct OfferOut<'a> {
    /// Their nick.
    pub(super) nick: &'a str,
    /// Their `user@host`, when known.
    pub(super) address: Option<String>,
    /// The IRC connection the offer goes on.
    pub(super) cid: u32,
    /// Now (ms).
    pub(super) now: u64,
}

/// Listens for an offer to `to.nick` and books it: a chat, a file (`file` open), or a file
/// server session (`fserve`). The CTCP's arguments (after `DCC`), and the window and line to
/// show; the caller sends the CTCP.
pub(super) fn offer_out(
    sockets: &mut Sockets,
    to: &OfferOut<'_>,
    kind: &OfferKind,
    file: Option<(std::path::PathBuf, std::fs::File)>,
    fserve: Option<Fserve>,
) -> Result<(String, (String, String)), String> {
    let nick = to.nick;
    if sockets.dcc.sessions.len() >= MAX_SESSIONS {
        return Err(format!(
            "{MAX_SESSIONS} DCC chats and transfers are already open"
        ));
    }
    if *kind == OfferKind::Chat && fserve.is_none() && sockets.dcc.chat(nick).is_some() {
        return Err(format!("you already have a DCC CHAT with {nick}"));
    }
    let (id, bound) = sockets
        .listen_raw(None, 0)
        .map_err(|e| format!("cannot listen: {}", e.wsmsg()))?;
    let ip = sockets.dcc.our_ip();
    let size = match kind {
        OfferKind::Send { size, .. } => *size,
        OfferKind::Chat => 0,
    };
    let session_kind = match (kind, &fserve) {
        (OfferKind::Send { .. }, _) => Kind::Send,
        (OfferKind::Chat, Some(_)) => Kind::Fserve,
        (OfferKind::Chat, None) => Kind::Chat,
    };
    let (path, handle) = file.map_or((None, None), |(p, h)| (Some(p), Some(h)));
    sockets.dcc.sessions.push(Session {
        id,
        kind: session_kind,
        nick: nick.to_string(),
        address: to.address.clone(),
        cid: to.cid,
        ip: String::new(),
        port: bound.port,
        stage: Stage::Waiting,
        started: to.now,
        last: to.now,
        file: path,
        size,
        sent: 0,
        rcvd: 0,
        acked: 0,
        buf: Vec::new(),
        handle,
        fserve: fserve.map(Box::new),
    });
    let args = format_offer(kind, ip, bound.port);
    let port = bound.port;
    let shown = match (kind, session_kind) {
        (_, Kind::Fserve) => (
            format!("={nick}"),
            format!("* DCC file server offered to {nick}, waiting on port {port}"),
        ),
        (OfferKind::Send { name, size }, _) => (
            "status".to_string(),
            format!(
                "* DCC SEND of {name} ({size} bytes) offered to {nick}, waiting on port {port}"
            ),
        ),
        _ => (
            format!("={nick}"),
            format!("* DCC CHAT offered to {nick}, waiting on port {port}"),
        ),
    };
    Ok((args, shown))
}

/// Writes `lines` on chat or file server session `id`.
pub(super) fn say_lines(sockets: &mut Sockets, id: SockId, lines: &[String]) {
    let mut data = Vec::new();
    for l in lines {
        data.extend_from_slice(l.as_bytes());
        data.push(b'\n');
    }
    if let Some(s) = sockets.dcc.by_id(id) {
        s.sent += data.len() as u64;
    }
    sockets.submit_raw(SockOp::Write { id, data });
}

/// Sends one line on the chat with `nick`.
fn chat_say(sockets: &mut Sockets, nick: &str, text: &str) -> Result<(), String> {
    // A chat with them, else a file server session with them.
    let dcc = &mut sockets.dcc;
    let at = dcc
        .sessions
        .iter()
        .position(|s| s.kind == Kind::Chat && s.nick.eq_ignore_ascii_case(nick))
        .or_else(|| {
            dcc.sessions
                .iter()
                .position(|s| s.kind == Kind::Fserve && s.nick.eq_ignore_ascii_case(nick))
        });
    let Some(s) = at.map(|i| &mut dcc.sessions[i]) else {
        return Err(format!("no DCC CHAT with {nick}"));
    };
    if s.stage != Stage::Active {
        return Err(format!("the DCC CHAT with {nick} is not open yet"));
    }
    let mut data = text.as_bytes().to_vec();
    data.push(b'\n');
    s.sent += data.len() as u64;
    let id = s.id;
    sockets.submit_raw(SockOp::Write { id, data });
    Ok(())
}

/// Stops a chat or transfer without events (`/close`); for a file being received, the
/// unfinished file is removed.
fn drop_session(sockets: &mut Sockets, id: SockId) {
    if let Some(s) = sockets.dcc.remove(id) {
        sockets.submit_raw(SockOp::Close { id });
        if s.kind == Kind::Get && (s.size == 0 || s.rcvd < s.size) {
            drop(s.handle);
            if let Some(f) = &s.file {
                let _ = std::fs::remove_file(f);
            }
        }
    }
}

impl ScriptHost<'_> {
    /// `/dcc`, and `/msg`, `/say`, `/me`, `/describe` to a `=nick` chat and `/close -c -s -g`;
    /// `None` for anything else.
    pub(super) fn dcc_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        let args = args.trim();
        match name {
            "dcc" => Some(self.dcc(args)),
            "fserve" => Some(self.fserve(args)),
            "dccserver" => Some(self.dccserver(args)),
            "msg" | "privmsg" | "describe" if args.starts_with('=') => {
                let (target, text) = args.split_once(' ').unwrap_or((args, ""));
                Some(self.chat_line(name, &target[1..], text, name == "describe"))
            }
            "say" | "me" if self.active.starts_with('=') => {
                let nick = self.active[1..].to_string();
                Some(self.chat_line(name, &nick, args, name == "me"))
            }
            "close" => {
                let mut words = args.split_whitespace();
                let sw = words.clone().next()?.strip_prefix('-')?;
                if !sw.chars().any(|c| "csgf".contains(c)) {
                    return None;
                }
                words.next();
                let nicks: Vec<&str> = words.collect();
                let sockets = &mut self.sock.as_mut()?.sockets;
                let ids: Vec<SockId> = sockets
                    .dcc
                    .sessions
                    .iter()
                    .filter(|s| match s.kind {
                        Kind::Chat => sw.contains('c'),
                        Kind::Send => sw.contains('s'),
                        Kind::Get => sw.contains('g'),
                        Kind::Fserve => sw.contains('f'),
                    })
                    .filter(|s| {
                        nicks.is_empty() || nicks.iter().any(|n| n.eq_ignore_ascii_case(&s.nick))
                    })
                    .map(|s| s.id)
                    .collect();
                for id in ids {
                    drop_session(sockets, id);
                }
                if sw.contains('m') {
                    // `-m` (queries) is the window command's.
                    return None;
                }
                Some(Ok(()))
            }
            _ => None,
        }
    }

    fn chat_line(
        &mut self,
        command: &str,
        nick: &str,
        text: &str,
        action: bool,
    ) -> Result<(), String> {
        if nick.is_empty() || text.is_empty() {
            return Err(format!("/{command}: insufficient parameters"));
        }
        let Some(cx) = self.sock.as_mut() else {
            return Ok(());
        };
        let line = if action {
            format!("\x01ACTION {text}\x01")
        } else {
            text.to_string()
        };
        chat_say(cx.sockets, nick, &line).map_err(|e| format!("/{command}: {e}"))?;
        let me = self.me();
        let shown = if action {
            format!("* {me} {text}")
        } else {
            format!("<{me}> {text}")
        };
        self.show(&format!("={nick}"), shown);
        Ok(())
    }

    /// `/dcc chat nick`, `/dcc send nick file`, `/dcc accept [nick]`.
    fn dcc(&mut self, args: &str) -> Result<(), String> {
        let (what, rest) = args.split_once(' ').unwrap_or((args, ""));
        let rest = rest.trim();
        match what.to_ascii_lowercase().as_str() {
            "chat" => {
                let nick = rest.split(' ').next().unwrap_or("");
                if nick.is_empty() {
                    return Err("/dcc chat: insufficient parameters".to_string());
                }
                self.dcc_offer_out(nick, OfferKind::Chat, None, None)
            }
            "send" => {
                let (nick, file) = rest.split_once(' ').unwrap_or((rest, ""));
                let file = file.trim();
                if nick.is_empty() || file.is_empty() {
                    return Err("/dcc send: insufficient parameters".to_string());
                }
                let cx = self.sock.as_mut().ok_or("/dcc send: not here")?;
                let (path, size) = cx
                    .sockets
                    .dcc
                    .file_to_send(file)
                    .map_err(|e| format!("/dcc send: {e}"))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let handle = std::fs::File::open(&path).map_err(|e| format!("/dcc send: {e}"))?;
                self.dcc_offer_out(
                    nick,
                    OfferKind::Send { name, size },
                    Some((path, handle)),
                    None,
                )
            }
            "accept" => {
                let cx = self.sock.as_mut().ok_or("/dcc accept: not here")?;
                let waiting = &mut cx.sockets.dcc.waiting;
                let i = if rest.is_empty() {
                    waiting.len().checked_sub(1)
                } else {
                    waiting
                        .iter()
                        .rposition(|w| w.nick.eq_ignore_ascii_case(rest))
                };
                let Some(i) = i else {
                    return Err(if rest.is_empty() {
                        "/dcc accept: no DCC offer is waiting".to_string()
                    } else {
                        format!("/dcc accept: no DCC offer from {rest} is waiting")
                    });
                };
                let w = waiting.remove(i);
                let line = accept_offer(cx.sockets, w, self.now)?;
                self.show("status", line);
                Ok(())
            }
            "" => Err("/dcc: insufficient parameters".to_string()),
            other => Err(format!(
                "/dcc {other}: not supported (chat, send and accept are)"
            )),
        }
    }

    /// Listens for `nick` and sends them the offer (of a chat, a file, or a file server
    /// session when `fserve` is given).
    fn dcc_offer_out(
        &mut self,
        nick: &str,
        kind: OfferKind,
        file: Option<(std::path::PathBuf, std::fs::File)>,
        fserve: Option<Fserve>,
    ) -> Result<(), String> {
        if nick.starts_with('=') || self.net.get().is_channel(nick) {
            return Err(format!("/dcc: {nick} is not a nick"));
        }
        let now = self.now;
        let cid = self.conns.cid;
        // Their address, when the internal address list knows it (`$address` in the events).
        let address = self.net.get().address(nick).and_then(|a| a.address());
        let cx = self.sock.as_mut().ok_or("/dcc: not here")?;
        let out = OfferOut {
            nick,
            address,
            cid,
            now,
        };
        let (args, shown) =
            offer_out(cx.sockets, &out, &kind, file, fserve).map_err(|e| format!("/dcc: {e}"))?;
        self.show(&shown.0, shown.1);
        self.intent(Intent::Ctcp {
            target: nick.to_string(),
            ctcp: Ctcp::new("DCC", Some(&args)),
        });
        Ok(())
    }

    /// `/fserve nick maxgets homedir [welcome file]`: offers `nick` a file server session on
    /// `homedir` (a folder of the data folder).
    fn fserve(&mut self, args: &str) -> Result<(), String> {
        let words: Vec<&str> = args.split_whitespace().collect();
        let [nick, gets, home, rest @ ..] = words.as_slice() else {
            return Err(
                "/fserve: insufficient parameters (nick maxgets homedir [welcome file])"
                    .to_string(),
            );
        };
        let gets: usize = gets
            .parse()
            .ok()
            .filter(|g| *g > 0)
            .ok_or_else(|| format!("/fserve: '{gets}' is not a number of gets (1 or more)"))?;
        let cx = self.sock.as_mut().ok_or("/fserve: not here")?;
        let dcc = &cx.sockets.dcc;
        if dcc.fserve(nick).is_some() {
            return Err(format!(
                "/fserve: you already have a file server session with {nick}"
            ));
        }
        let home = dcc.in_data(home).map_err(|e| format!("/fserve: {e}"))?;
        let welcome = if rest.is_empty() {
            None
        } else {
            let (path, _) = dcc
                .file_to_send(&rest.join(" "))
                .map_err(|e| format!("/fserve: welcome file {e}"))?;
            Some(path)
        };
        let fs = Fserve::new(&home, gets, welcome).map_err(|e| format!("/fserve: {e}"))?;
        self.dcc_offer_out(nick, OfferKind::Chat, None, Some(fs))
            .map_err(|e| e.replacen("/dcc", "/fserve", 1))
    }

    /// `/dccserver [+|-csf] [on|off] [port]`: turns the DCC server on or off, and chooses
    /// what it takes; with no words, says how it is.
    fn dccserver(&mut self, args: &str) -> Result<(), String> {
        let a = ServerArgs::parse(args).map_err(|e| format!("/dccserver: {e}"))?;
        let runner = self.runner;
        let cx = self.sock.as_mut().ok_or("/dccserver: not here")?;
        // A script needs the grant `/socklisten` on the port would need: the DCC server
        // takes connections from anyone.
        let script = runner.map(|id| {
            cx.scripts
                .iter()
                .find(|(s, _)| *s == id)
                .map_or(String::new(), |(_, f)| f.clone())
        });
        let sockets = &mut *cx.sockets;
        for (c, on) in &a.kinds {
            let k = &mut sockets.dcc.server_kinds;
            match c {
                'c' => k.chat = *on,
                's' => k.send = *on,
                _ => k.fserve = *on,
            }
        }
        let running = sockets.dcc.server;
        let listen = match a.on {
            Some(true) => true,
            Some(false) => false,
            // A new port moves a server that is on.
            None => running.is_some() && a.port.is_some(),
        };
        if a.on == Some(false) {
            if let Some(s) = sockets.dcc.server.take() {
                sockets.submit_raw(SockOp::Close { id: s.id });
            }
            for h in std::mem::take(&mut sockets.dcc.handshakes) {
                sockets.submit_raw(SockOp::Close { id: h.id });
            }
        } else if listen {
            let port = a.port.or(running.map(|s| s.port)).unwrap_or(DCCSERVER_PORT);
            let keep = running.is_some_and(|s| a.port.is_none() || a.port == Some(s.port));
            if !keep {
                if let Some(file) = &script {
                    cx.permissions
                        .check(file, "dccserver", Want::Net(NetUse::Listen(port)))?;
                }
                if let Some(s) = sockets.dcc.server.take() {
                    sockets.submit_raw(SockOp::Close { id: s.id });
                }
                let (id, bound) = sockets.listen_raw(None, port).map_err(|e| {
                    format!("/dccserver: cannot listen on port {port}: {}", e.wsmsg())
                })?;
                sockets.dcc.server = Some(Server {
                    id,
                    port: bound.port,
                });
            }
        }
        let line = match sockets.dcc.server {
            Some(s) => format!(
                "* DCC server is on, port {} (takes: {})",
                s.port,
                sockets.dcc.server_kinds.letters()
            ),
            None => "* DCC server is off".to_string(),
        };
        self.show("status", line);
        Ok(())
    }

    /// `$chat`, `$send`, `$get`, `$fserv`, `$filename`, `$cd`, `$dccport` (and `$address` in
    /// `DCCSERVER`); `None` for other names.
    pub(super) fn dcc_identifier(
        &self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        let kind = match (name, args.len()) {
            ("filename", 0) => {
                let dcc = &self.sock.as_ref()?.sockets.dcc;
                return Some(Ok(dcc
                    .current
                    .as_ref()
                    .map_or(Value::Null, |c| Value::text(&c.filename))));
            }
            ("cd", 0) => {
                let Some(cx) = self.sock.as_ref() else {
                    return Some(Ok(Value::Null));
                };
                return Some(Ok(cx
                    .sockets
                    .dcc
                    .current
                    .as_ref()
                    .and_then(|c| c.cd.as_deref())
                    .map_or(Value::Null, Value::text)));
            }
            // `$address` in DCCSERVER is the peer's IP address.
            ("address", 0) => {
                let ip = self
                    .sock
                    .as_ref()?
                    .sockets
                    .dcc
                    .current
                    .as_ref()?
                    .address
                    .clone()?;
                return Some(Ok(Value::text(ip)));
            }
            ("dccport", 0) => {
                let Some(cx) = self.sock.as_ref() else {
                    return Some(Ok(Value::Int(0)));
                };
                return Some(Ok(Value::Int(
                    cx.sockets.dcc.server.map_or(0, |s| i64::from(s.port)),
                )));
            }
            ("chat", 1) => Kind::Chat,
            ("send", 1) => Kind::Send,
            ("get", 1) => Kind::Get,
            ("fserv", 1) => Kind::Fserve,
            _ => return None,
        };
        let Some(cx) = self.sock.as_ref() else {
            return Some(Ok(Value::Null));
        };
        Some(Ok(session_value(&cx.sockets.dcc, kind, &args[0], prop)))
    }
}

/// `$chat(N|nick).prop` and the like.
fn session_value(dcc: &Dcc, kind: Kind, arg: &Value, prop: Option<&str>) -> Value {
    let list: Vec<&Session> = dcc.of(kind).collect();
    let arg = arg.as_str();
    let s = match arg.parse::<usize>() {
        Ok(0) => return Value::Int(list.len() as i64),
        Ok(n) => list.get(n - 1).copied(),
        Err(_) => list.into_iter().find(|s| s.nick.eq_ignore_ascii_case(&arg)),
    };
    let Some(s) = s else {
        return Value::Null;
    };
    let int = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    match prop.map(str::to_ascii_lowercase).as_deref() {
        None => Value::text(&s.nick),
        Some("ip") => Value::text(&s.ip),
        Some("port") => Value::Int(i64::from(s.port)),
        Some("status") => Value::text(s.status()),
        Some("sent") => int(s.sent),
        Some("rcvd") => int(s.rcvd),
        Some("file") => s
            .file
            .as_deref()
            .map_or(Value::Null, |p| Value::text(p.display().to_string())),
        Some("size") => int(s.size),
        Some("pc") => int(s.percent()),
        Some("cid") => Value::Int(i64::from(s.cid)),
        Some("cd") => s
            .fserve
            .as_ref()
            .map_or(Value::Null, |f| Value::text(f.cd_text())),
        Some(_) => Value::Null,
    }
}
