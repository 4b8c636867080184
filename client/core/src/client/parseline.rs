//! `on PARSELINE`: scripts see each line from the server before the client handles it, and
//! each line to the server before it is sent, and may change it (`/parseline -it|-ot`) or
//! queue new ones (`/parseline -iq|-oq`).
//!
//! `$parseline` is the line (an outgoing one ends with `$lf`, as in mIRC), `$parsetype` is
//! `in` or `out`, `$parseutf` is `$true` when the connection encodes and decodes UTF-8.
//! Handlers match the line with the header's match text, the in/out field being `in`, `out` or
//! `*`. Lines a PARSELINE handler itself sends do not raise PARSELINE again; queued lines only
//! do with `-p`.

use super::{Client, EventInfo, ScriptHost};
use crate::events::Phase;
use crate::proto::Encoding;
use rustirc_lang::Value;
use std::collections::VecDeque;

/// A line `/parseline` changed or queued.
#[derive(Clone, Debug)]
pub(super) struct ParseRequest {
    /// `-i`: a line from the server; otherwise one to it.
    incoming: bool,
    /// `-q`: a new line, handled after the running script; otherwise the replacement of the
    /// line under PARSELINE.
    queue: bool,
    /// `-p`: the queued line raises PARSELINE too.
    parse: bool,
    text: String,
}

/// The lines under way, kept with the client's extras.
#[derive(Clone, Debug, Default)]
pub struct ParseState {
    /// The line PARSELINE handlers are looking at (`None` when dropped by an empty
    /// `/parseline -it`), while they run.
    current: Option<Option<String>>,
    /// Queued lines: (connection, incoming, raises PARSELINE, line).
    queue: VecDeque<(u32, bool, bool, String)>,
    /// How many received lines are being handled (queued lines wait until none is).
    depth: u32,
    /// The queue is being worked through.
    flushing: bool,
}

impl Client {
    /// Runs the PARSELINE handlers on a line; returns the line to go on with, if any.
    fn parse_line(&mut self, incoming: bool, line: String) -> Option<String> {
        if self.extras.parse.current.is_some() || self.table.count("PARSELINE") == 0 {
            return Some(line);
        }
        let shown = if incoming { line } else { format!("{line}\n") };
        let info = EventInfo {
            name: "PARSELINE".to_string(),
            key: Some(if incoming { "in" } else { "out" }.to_string()),
            text: shown.clone(),
            ..EventInfo::default()
        };
        self.extras.parse.current = Some(Some(shown));
        self.run_phase(&info, Phase::Normal, false);
        let line = self.extras.parse.current.take().flatten()?;
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        (!line.is_empty()).then_some(line)
    }

    /// A line from the server, through PARSELINE.
    pub(super) fn recv_parsed(&mut self, line: &str) {
        self.extras.parse.depth += 1;
        if let Some(line) = self.parse_line(true, line.to_string()) {
            self.handle_line(&line);
        }
        self.extras.parse.depth -= 1;
        self.flush_parse_queue();
    }

    /// A line for the server, through PARSELINE.
    pub(super) fn send_line(&mut self, line: String) {
        if let Some(line) = self.parse_line(false, line) {
            self.out.sent.push(line);
        }
    }

    /// Carries out what `/parseline` asked for in a script that just ended.
    pub(super) fn apply_parselines(&mut self, requests: Vec<ParseRequest>) {
        let cid = self.conns.cid;
        for r in requests {
            if r.queue {
                self.extras
                    .parse
                    .queue
                    .push_back((cid, r.incoming, r.parse, r.text));
            } else if let Some(cur) = self.extras.parse.current.as_mut() {
                *cur = (!r.text.is_empty()).then_some(r.text);
            }
        }
        self.flush_parse_queue();
    }

    /// Handles queued lines once no line and no PARSELINE handler is under way.
    fn flush_parse_queue(&mut self) {
        let p = &self.extras.parse;
        if p.flushing || p.depth > 0 || p.current.is_some() || p.queue.is_empty() {
            return;
        }
        self.extras.parse.flushing = true;
        while let Some((cid, incoming, parse, line)) = self.extras.parse.queue.pop_front() {
            self.on_connection(cid, |c| {
                let line = if parse {
                    c.parse_line(incoming, line)
                } else {
                    Some(line.trim_end_matches(['\r', '\n']).to_string())
                };
                let Some(line) = line.filter(|l| !l.is_empty()) else {
                    return;
                };
                if incoming {
                    c.extras.parse.depth += 1;
                    c.handle_line(&line);
                    c.extras.parse.depth -= 1;
                } else {
                    c.out.sent.push(line);
                }
            });
        }
        self.extras.parse.flushing = false;
    }
}

impl ScriptHost<'_> {
    /// `$parseline`, `$parsetype`, `$parseutf`: what the PARSELINE event being run sees.
    pub(super) fn parse_identifier(&self, name: &str) -> Option<Value> {
        let info = self.info;
        let in_event = info.name == "PARSELINE";
        Some(match name {
            "parseline" if in_event => self
                .extras
                .get()
                .parse
                .current
                .clone()
                .flatten()
                .map_or(Value::Null, Value::text),
            "parsetype" if in_event => info.key.as_deref().map_or(Value::Null, Value::text),
            "parseutf" if in_event => Value::bool(matches!(
                self.net.get().config().encoding,
                Encoding::Utf8 | Encoding::Utf8Latin1
            )),
            "parseline" | "parsetype" | "parseutf" => Value::Null,
            _ => return None,
        })
    }

    /// `/parseline -iotqpnuN text`.
    pub(super) fn parseline_command(&mut self, args: &str) -> Result<(), String> {
        let args = args.trim_start();
        let (switches, text) = match args.strip_prefix('-') {
            Some(rest) => rest.split_once(' ').unwrap_or((rest, "")),
            None => return Err("/parseline: -i or -o, and -t, are needed".to_string()),
        };
        let (mut incoming, mut outgoing, mut as_text) = (false, false, false);
        let (mut queue, mut parse) = (false, false);
        let mut chars = switches.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                'i' => incoming = true,
                'o' => outgoing = true,
                't' => as_text = true,
                'q' => queue = true,
                'p' => parse = true,
                // A line is always sent with CR LF.
                'n' => {}
                // Lines are decoded before PARSELINE sees them and encoded after, with the
                // connection's encoding.
                'u' => {
                    chars.next_if(char::is_ascii_digit);
                }
                'b' => {
                    return Err(
                        "/parseline: -b needs binary variables, which are not supported; use -t"
                            .to_string(),
                    )
                }
                c => return Err(format!("/parseline: unknown switch -{c}")),
            }
        }
        if incoming == outgoing {
            return Err("/parseline: one of -i or -o is needed".to_string());
        }
        if !as_text {
            return Err("/parseline: -t is needed".to_string());
        }
        if !queue {
            let here = if incoming { "in" } else { "out" };
            let info = self.info;
            if info.name != "PARSELINE" || info.key.as_deref() != Some(here) {
                return Err(format!(
                    "/parseline: no {here} line to change here (-q queues a new one)"
                ));
            }
        }
        self.pending.parselines.push(ParseRequest {
            incoming,
            queue,
            parse,
            text: text.to_string(),
        });
        Ok(())
    }
}
