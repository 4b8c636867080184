//! IRC transcripts (`tests/irc/*.txt`) run against the sans-IO state machine: server lines
//! in, expected client lines out, with the clock moved only by the transcript. They pin
//! whole conversations (registration, CAP, SASL, channels, CTCP, flood control, reconnects)
//! the way a real server would drive them, with no network and no wall clock.
//!
//! Format (STYLE.md §9, the subset that needs no scripts or windows):
//! - `! KEY VALUE…` sets the config before the first other line: `caps`, `alt`, `sasl plain
//!   ACCOUNT PASSWORD`, `sasl external`, `flood BURST INTERVAL_MS`, `version TEXT`,
//!   `autojoin #CHAN`, `password PASS`.
//! - `++ connect`, `++ disconnect REASON`: the connection opens or closes.
//! - `<< LINE`: the server sends LINE.
//! - `>> LINE`: the client has sent LINE (parsed comparison) after the previous `>>` match.
//! - `!> PATTERN`: no line sent since the previous `<<` or `@` matches the wildcard PATTERN.
//! - `:: LINE`: the user sends LINE raw (`/raw`).
//! - `@ +5s`, `@ +250ms`: the clock advances.
//! - `?? WHAT ARGS… = VALUE`: a state query: `me`, `ison N #C`, `isop N #C`, `isvoice N #C`,
//!   `nicks #C`, `address N`, `topic #C`, `lag`, `cap NAME`, `modes #C`, `events` (the
//!   kinds of the events since the previous `<<`, space-separated, `Raw` left out).
//! - `#` comments and blank lines are ignored; `\x01` stands for the CTCP byte.

use rustirc_core::proto::Message;
use rustirc_core::state::{Config, Effect, Event, Input, Intent, Network, Sasl};
use std::path::Path;

/// 2026-01-01 00:00:00 UTC, where every transcript's clock starts.
const START_MS: u64 = 1_767_225_600_000;

struct Run {
    config: Config,
    net: Option<Network>,
    now: u64,
    sent: Vec<Message>,
    cursor: usize,
    since_mark: usize,
    events: Vec<Event>,
}

impl Run {
    fn net(&mut self) -> &mut Network {
        if self.net.is_none() {
            self.net = Some(Network::new(self.config.clone(), self.now));
        }
        self.net.as_mut().unwrap_or_else(|| unreachable!())
    }

    fn feed(&mut self, input: Input) {
        for e in self.net().handle(input) {
            match e {
                Effect::Send(m) => self.sent.push(m),
                Effect::Event(Event::Raw(_)) => {}
                Effect::Event(ev) => self.events.push(ev),
                Effect::Disconnect { reason } => self.events.push(Event::Error {
                    message: format!("disconnect: {reason}"),
                }),
            }
        }
    }

    fn config_line(&mut self, rest: &str) -> Result<(), String> {
        let words: Vec<&str> = rest.split_whitespace().collect();
        let c = &mut self.config;
        match words.as_slice() {
            ["caps", caps @ ..] => c.caps = caps.iter().map(|s| (*s).to_string()).collect(),
            ["alt", nicks @ ..] => c.alt_nicks = nicks.iter().map(|s| (*s).to_string()).collect(),
            ["sasl", "plain", a, p] => {
                c.sasl = Some(Sasl::Plain {
                    account: (*a).into(),
                    password: (*p).into(),
                })
            }
            ["sasl", "external"] => c.sasl = Some(Sasl::External),
            ["flood", burst, ms] => {
                c.flood.enabled = true;
                c.flood.burst = burst.parse().map_err(|e| format!("{e}"))?;
                c.flood.interval_ms = ms.parse().map_err(|e| format!("{e}"))?;
            }
            ["version", text @ ..] => c.version = text.join(" "),
            ["autojoin", chan] => c.autojoin.push(((*chan).into(), None)),
            ["password", p] => c.password = Some((*p).into()),
            _ => return Err(format!("unknown config line: {rest}")),
        }
        Ok(())
    }

    fn query(&mut self, what: &str) -> Result<String, String> {
        let words: Vec<&str> = what.split_whitespace().collect();
        let events: Vec<String> = self.events.iter().map(event_kind).collect();
        let net = self.net();
        Ok(match words.as_slice() {
            ["me"] => net.me().to_string(),
            ["ison", n, c] => net.is_on(n, c).to_string(),
            ["isop", n, c] => net.is_op(n, c).to_string(),
            ["isvoice", n, c] => net.is_voice(n, c).to_string(),
            ["nicks", c] => net
                .nicks(c, "", "")
                .iter()
                .map(|m| format!("{}{}", m.prefixes, m.nick))
                .collect::<Vec<_>>()
                .join(" "),
            ["address", n] => net.address(n).map(|a| a.full()).unwrap_or_default(),
            ["topic", c] => net
                .channel(c)
                .and_then(|c| c.topic.clone())
                .unwrap_or_default(),
            ["modes", c] => net.channel(c).map(|c| c.mode_string()).unwrap_or_default(),
            ["lag"] => net.lag_ms().map(|l| l.to_string()).unwrap_or_default(),
            ["cap", name] => net.has_cap(name).to_string(),
            ["events"] => events.join(" "),
            _ => return Err(format!("unknown query: {what}")),
        })
    }

    fn step(&mut self, line: &str) -> Result<(), String> {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.replace("\\x01", "\x01");
        match tag {
            "!" => self.config_line(&rest)?,
            "++" => match rest.split_once(' ').unwrap_or((rest.as_str(), "")) {
                ("connect", _) => self.feed(Input::Connected),
                ("disconnect", reason) => self.feed(Input::Disconnected {
                    reason: reason.into(),
                }),
                _ => return Err(format!("unknown ++ line: {rest}")),
            },
            "<<" => {
                self.since_mark = self.sent.len();
                self.events.clear();
                let msg = Message::parse(&rest).map_err(|e| format!("bad server line: {e}"))?;
                self.feed(Input::Line(msg));
            }
            ">>" => {
                let want = Message::parse(&rest).map_err(|e| format!("bad expected line: {e}"))?;
                match self.sent[self.cursor..].iter().position(|m| *m == want) {
                    Some(i) => self.cursor += i + 1,
                    None => {
                        return Err(format!(
                            "expected to have sent `{rest}`; sent after the previous match: {:?}",
                            lines(&self.sent[self.cursor..])
                        ))
                    }
                }
            }
            "!>" => {
                let map = rustirc_core::casemap::CaseMapping::Ascii;
                if let Some(m) = self.sent[self.since_mark..]
                    .iter()
                    .find(|m| map.wildcard_match(&rest, &m.to_line()))
                {
                    return Err(format!("sent `{m}`, which matches `{rest}`"));
                }
            }
            "::" => self.feed(Input::Intent(Intent::Raw(rest))),
            "@" => {
                let spec = rest.trim_start_matches('+');
                let ms = if let Some(n) = spec.strip_suffix("ms") {
                    n.parse::<u64>()
                } else if let Some(n) = spec.strip_suffix('s') {
                    n.parse::<u64>().map(|s| s * 1000)
                } else {
                    return Err(format!("bad clock step: {rest}"));
                }
                .map_err(|e| format!("{e}"))?;
                self.now += ms;
                self.since_mark = self.sent.len();
                let now = self.now;
                self.feed(Input::Tick(now));
            }
            "??" => {
                let (what, want) = rest.split_once(" =").ok_or("query needs ` = VALUE`")?;
                let got = self.query(what)?;
                if got != want.trim() {
                    return Err(format!("`{what}` is `{got}`, expected `{}`", want.trim()));
                }
            }
            _ => return Err(format!("unknown line kind `{tag}`")),
        }
        Ok(())
    }
}

fn lines(ms: &[Message]) -> Vec<String> {
    ms.iter().map(Message::to_line).collect()
}

/// The variant name of an event (`Text`, `Join` …).
fn event_kind(e: &Event) -> String {
    let dbg = format!("{e:?}");
    dbg.split(['(', ' ', '{']).next().unwrap_or("").to_string()
}

fn run_file(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut config = Config::new("me");
    config.user = "me".into();
    config.flood.enabled = false;
    let mut run = Run {
        config,
        net: None,
        now: START_MS,
        sent: Vec::new(),
        cursor: 0,
        since_mark: 0,
        events: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        run.step(line)
            .map_err(|e| format!("{}:{}: {line}\n  {e}", path.display(), i + 1))?;
    }
    Ok(())
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/irc");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/irc")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    assert!(
        files.len() >= 4,
        "transcripts missing from {}",
        dir.display()
    );
    let failures: Vec<String> = files.iter().filter_map(|f| run_file(f).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
