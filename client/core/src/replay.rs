//! Script test transcripts: a scripted server and user, and expectations on what the client
//! sends and shows. `rustirc replay` runs them; so do the project's own tests.
//!
//! ```text
//! << :bob!b@host PRIVMSG #c :!hello      the server sends a line
//! >> PRIVMSG #c :Hello bob               the client must have sent this by now
//! !> PRIVMSG #c :*bye*                   nothing sent since the last <<, @ or :: matches
//! == #c Hello bob                        a line containing this was shown in #c
//! != #c bye                              no line shown in #c since the last <<, @ or ::
//!                                        contains this
//! :: #c /quit                            the user types into #c's input line
//! @ +5s                                  the clock advances; due timers fire
//! @ sockets                              socket I/O runs until it has settled
//! @ allow sockets                        the scripts may use sockets
//! @ answer s.mrc run always              the user answers a permission request (once,
//!                                        always or deny); requests are shown in `perms`,
//!                                        the audit log's lines in `audit`; alerts for
//!                                        the GUI (`/beep`, `/flash`, `/titlebar`,
//!                                        `/splay`, `/tip`) are shown in `alert`
//! @ connectfail Connection refused       opening a connection fails (on CONNECTFAIL)
//! @ tab #c /gr                           the user presses Tab after `/gr` in #c's input
//!                                        line; the candidates are shown in window `tab`
//! @ menu nicklist #c alice               the user opens a popup menu (context, window,
//!                                        selected nicks); its items are shown in `menu`
//! @ menuselect Modes/Op                  the user picks an item of that menu, by its labels
//! @ fkey sF1                             the user presses a function key (`alias sF1`)
//! @ prompt Ann                           the answer to the next `$?` (empty: cancelled);
//!                                        questions are shown in `prompt`
//! @ dialog opts                          the open dialog `opts` is shown in `dialog`
//! @ click opts 3                         the user clicks control 3 (also `dclick`,
//!                                        `edit opts 2 TEXT`, `select opts 4 N`,
//!                                        `closedialog opts`)
//! ```
//!
//! This module parses transcripts and checks expectations against whatever drives the client
//! ([`Driver`]); it knows nothing of scripts or networks itself.

use crate::permissions::{Decision, Grant, Permissions};
use rustirc_lang::wild::wildmatch;
use std::fmt;

/// One transcript line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `<< LINE`: the server sends LINE.
    Recv(String),
    /// `>> LINE`: the client has sent LINE (compared parsed) after the previous `>>` match.
    Sent(String),
    /// `!> PATTERN`: no line sent since the last `<<`, `@` or `::` matches PATTERN.
    NotSent(String),
    /// `== WINDOW TEXT`: a line containing TEXT was shown in WINDOW.
    Shown(String, String),
    /// `=! WINDOW TEXT`: a line containing TEXT, marked as a highlight (`/markline`), was
    /// shown in WINDOW.
    Marked(String, String),
    /// `!= WINDOW TEXT`: no line shown in WINDOW since the last `<<`, `@` or `::` contains
    /// TEXT.
    NotShown(String, String),
    /// `:: WINDOW TEXT`: the user types TEXT into WINDOW.
    Type(String, String),
    /// `@ +Ns` / `@ +Nms`: the clock advances.
    Advance(u64),
    /// `@ sockets [QUIET]`: socket I/O runs until nothing is under way and no report came
    /// for QUIET milliseconds (default [`SOCKETS_QUIET_MS`]).
    Sockets(u64),
    /// `@ allow [SCRIPT] GRANT…`: the script (every script when none is named) gets these
    /// permissions.
    Allow(Option<String>, Vec<Grant>),
    /// `@ connectfail REASON`: opening the connection fails for REASON (`on CONNECTFAIL`).
    ConnectFail(String),
    /// `@ answer SCRIPT PERMISSION once|always|deny`: the user answers a permission request.
    Answer(String, String, Decision),
    /// `@ tab WINDOW TEXT`: the user presses Tab with the cursor after TEXT in WINDOW's
    /// input line; the candidates are shown in the window `tab`, on one line.
    Tab(String, String),
    /// `@ menu CONTEXT WINDOW [NICK…]`: the user opens the popup menu of CONTEXT (`status`,
    /// `channel`, `query`, `nicklist`, `menubar`, `@window`) in WINDOW with these nicks
    /// selected; each item is shown in the window `menu` on a line of its own, one `.` per
    /// submenu level in front, `-` for a separator, `[x]` after a checked item and
    /// `(disabled)` after one that cannot be picked.
    Menu(String, String, Vec<String>),
    /// `@ menuselect LABEL[/LABEL…]`: the user picks the item with that label (a path of
    /// labels through submenus) in the menu last opened.
    MenuSelect(String),
    /// `@ fkey KEY`: the user presses a function key (`F1`, `sF1` with Shift, `cF1` with
    /// Ctrl), which runs the alias of that name.
    FKey(String),
    /// `@ prompt [ANSWER]`: the answer to the next question a script asks (`$?`); without
    /// one, the question is cancelled (`$null`).
    PromptAnswer(Option<String>),
    /// `@ dialog NAME`: the open dialog NAME is shown in the window `dialog`: its title,
    /// then one line per control.
    ShowDialog(String),
    /// `@ click|dclick NAME ID`, `@ edit NAME ID TEXT`, `@ select NAME ID N` (line N, from
    /// 1), `@ closedialog NAME`: what the user does in a dialog.
    DialogAction(String, String, u32, String),
}

/// How long `@ sockets` waits for a report once nothing is under way.
pub const SOCKETS_QUIET_MS: u64 = 250;

/// The longest `@ sockets` waits in all.
pub const SOCKETS_MAX_MS: u64 = 10_000;

/// Reads `+5s`, `250ms`, `1.5s`.
fn duration_ms(d: &str) -> Option<u64> {
    let d = d.trim().trim_start_matches('+');
    if let Some(v) = d.strip_suffix("ms") {
        v.trim().parse::<u64>().ok()
    } else if let Some(v) = d.strip_suffix('s') {
        v.trim().parse::<f64>().ok().map(|s| (s * 1000.0) as u64)
    } else {
        None
    }
}

/// The permissions the `@ allow` lines at the top of a transcript give (before its first
/// other line): they hold from the start, while the scripts load.
pub fn leading_grants(steps: &[(usize, Step)]) -> Permissions {
    let mut p = Permissions::default();
    for (_, s) in steps {
        match s {
            Step::Allow(script, grants) => {
                p.grant(script.as_deref().unwrap_or("*"), grants.clone())
            }
            _ => break,
        }
    }
    p
}

/// A transcript line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Replaces `\x01`-style escapes with their control characters.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("\\x") {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 2..i + 4).unwrap_or("");
        match u8::from_str_radix(hex, 16) {
            Ok(b) if hex.len() == 2 && b < 0x20 => {
                out.push(char::from(b));
                rest = &rest[i + 4..];
            }
            _ => {
                out.push_str("\\x");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses a transcript into `(line number, step)` pairs.
pub fn parse(text: &str) -> Result<Vec<(usize, Step)>, ParseError> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let err = |m: &str| ParseError {
            line: n,
            message: m.to_string(),
        };
        let (tag, rest) = t.split_at(t.len().min(2));
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let step = match tag {
            "<<" => Step::Recv(unescape(rest)),
            ">>" => Step::Sent(unescape(rest)),
            "!>" => Step::NotSent(unescape(rest)),
            "==" | "=!" | "!=" | "::" => {
                let (w, txt) = rest.split_once(' ').unwrap_or((rest, ""));
                if w.is_empty() {
                    return Err(err("a window name is missing"));
                }
                match tag {
                    "==" => Step::Shown(w.to_string(), unescape(txt)),
                    "=!" => Step::Marked(w.to_string(), unescape(txt)),
                    "!=" => {
                        if txt.is_empty() {
                            return Err(err("`!=` needs a text after the window name"));
                        }
                        Step::NotShown(w.to_string(), unescape(txt))
                    }
                    _ => Step::Type(w.to_string(), unescape(txt)),
                }
            }
            _ if t.starts_with('@') => {
                let d = t[1..].trim();
                let (word, rest) = d.split_once(' ').unwrap_or((d, ""));
                match word {
                    "sockets" => Step::Sockets(if rest.trim().is_empty() {
                        SOCKETS_QUIET_MS
                    } else {
                        duration_ms(rest).ok_or_else(|| {
                            err("expected `@ sockets` or a quiet time like `@ sockets 1s`")
                        })?
                    }),
                    "connectfail" => Step::ConnectFail(rest.trim().to_string()),
                    "answer" => {
                        let words: Vec<&str> = rest.split_whitespace().collect();
                        let decision = match words.get(2).map(|w| w.to_ascii_lowercase()) {
                            Some(w) if w == "once" => Decision::Once,
                            Some(w) if w == "always" => Decision::Always,
                            Some(w) if w == "deny" => Decision::Deny,
                            _ => {
                                return Err(err(
                                    "`@ answer` needs a script, a permission and once, always or deny, like `@ answer s.mrc run once`",
                                ))
                            }
                        };
                        if words.len() != 3 {
                            return Err(err("`@ answer` takes three words: SCRIPT PERMISSION once|always|deny"));
                        }
                        Grant::parse(words[1]).map_err(|e| err(&e))?;
                        Step::Answer(words[0].to_string(), words[1].to_string(), decision)
                    }
                    "menu" => {
                        let words: Vec<&str> = rest.split_whitespace().collect();
                        if words.len() < 2 {
                            return Err(err("`@ menu` needs a context and a window, like `@ menu nicklist #c alice`"));
                        }
                        Step::Menu(
                            words[0].to_string(),
                            words[1].to_string(),
                            words[2..].iter().map(|w| (*w).to_string()).collect(),
                        )
                    }
                    "menuselect" => {
                        if rest.trim().is_empty() {
                            return Err(err("`@ menuselect` needs an item's label, like `@ menuselect Modes/Op`"));
                        }
                        Step::MenuSelect(rest.trim().to_string())
                    }
                    "fkey" => {
                        if rest.trim().is_empty() {
                            return Err(err("`@ fkey` needs a key, like `@ fkey F1` or `@ fkey sF2`"));
                        }
                        Step::FKey(rest.trim().to_string())
                    }
                    "prompt" => Step::PromptAnswer(
                        Some(unescape(rest.trim())).filter(|a| !a.is_empty()),
                    ),
                    "dialog" => {
                        if rest.trim().is_empty() {
                            return Err(err("`@ dialog` needs a dialog's name"));
                        }
                        Step::ShowDialog(rest.trim().to_string())
                    }
                    "click" | "dclick" | "edit" | "select" | "closedialog" => {
                        let mut w = rest.trim().splitn(3, ' ');
                        let name = w.next().unwrap_or("").to_string();
                        let id = w.next().unwrap_or("");
                        let text = w.next().unwrap_or("").to_string();
                        if name.is_empty() {
                            return Err(err("a dialog's name is missing, like `@ click opts 3`"));
                        }
                        let id = if word == "closedialog" {
                            0
                        } else {
                            id.parse::<u32>().map_err(|_| err("a control id (a number) is missing, like `@ click opts 3`"))?
                        };
                        if word == "select" && text.trim().parse::<usize>().map_or(true, |n| n == 0) {
                            return Err(err("`@ select` needs a line number from 1, like `@ select opts 4 2`"));
                        }
                        Step::DialogAction(word.to_string(), name, id, unescape(&text))
                    }
                    "tab" => {
                        let (w, txt) = rest.split_once(' ').unwrap_or((rest, ""));
                        if w.is_empty() || txt.is_empty() {
                            return Err(err("`@ tab` needs a window and a text, like `@ tab #c /jo`"));
                        }
                        Step::Tab(w.to_string(), unescape(txt))
                    }
                    "allow" => {
                        let mut words: Vec<&str> = rest.split_whitespace().collect();
                        let script = match words.first() {
                            Some(w) if Grant::parse(w).is_err() && words.len() > 1 => {
                                Some(words.remove(0).to_string())
                            }
                            _ => None,
                        };
                        if words.is_empty() {
                            return Err(err("`@ allow` needs a grant, like `@ allow sockets`"));
                        }
                        let grants = words
                            .iter()
                            .map(|w| Grant::parse(w))
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| err(&e))?;
                        Step::Allow(script, grants)
                    }
                    _ => Step::Advance(duration_ms(d).ok_or_else(|| {
                        err("expected a time like `@ +5s` or `@ +250ms`, `@ sockets`, `@ allow GRANT`, `@ connectfail REASON`, `@ tab WINDOW TEXT`, `@ menu CONTEXT WINDOW`, `@ menuselect LABEL` or `@ fkey KEY`")
                    })?),
                }
            }
            _ => {
                return Err(err(
                    "expected `<<`, `>>`, `!>`, `==`, `!=`, `::`, `@` or a `#` comment",
                ))
            }
        };
        steps.push((n, step));
    }
    Ok(steps)
}

/// What a transcript drives: a client with a scripted server.
pub trait Driver {
    /// The server sends `line`.
    fn recv(&mut self, line: &str);
    /// The user types `text` into `window` (which becomes active).
    fn type_line(&mut self, window: &str, text: &str);
    /// The clock moves on by `ms`; due timers fire.
    fn advance(&mut self, ms: u64);
    /// Socket I/O runs until nothing is under way and nothing was reported for `quiet_ms`.
    fn settle_sockets(&mut self, _quiet_ms: u64) {}
    /// `script` (every script when `None`) gets `grants`.
    fn allow(&mut self, _script: Option<&str>, _grants: &[Grant]) {}
    /// Opening the connection fails for `reason`.
    fn connect_failed(&mut self, _reason: &str) {}
    /// The user answers a permission request.
    fn answer(&mut self, _script: &str, _permission: &str, _decision: Decision) {}
    /// The user presses Tab after `text` in `window`; the candidates are shown in `tab`.
    fn tab(&mut self, _window: &str, _text: &str) {}
    /// The user opens a popup menu; its items are shown in `menu`.
    fn menu(&mut self, _context: &str, _window: &str, _selected: &[String]) {}
    /// The user picks an item of the menu last opened, by its path of labels.
    fn menu_select(&mut self, _path: &str) {}
    /// The user presses a function key.
    fn function_key(&mut self, _key: &str) {}
    /// Queues the answer to the next `$?`.
    fn prompt_answer(&mut self, _answer: Option<&str>) {}
    /// Shows the open dialog `name` in the window `dialog`.
    fn show_dialog(&mut self, _name: &str) {}
    /// The user acts in a dialog: `click`, `dclick`, `edit` (with text), `select` (line
    /// from 1 in text), `closedialog`.
    fn dialog_action(&mut self, _action: &str, _name: &str, _id: u32, _text: &str) {}
    /// Every line the client has sent, in order.
    fn sent(&self) -> &[String];
    /// Every line shown, in order, as `(window, text)` with formatting codes kept.
    fn shown(&self) -> &[(String, String)];
    /// The indices in [`Driver::shown`] of the lines marked as highlights.
    fn marked(&self) -> &[usize] {
        &[]
    }
}

/// The first expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// Transcript line number.
    pub line: usize,
    /// The transcript line's expectation.
    pub expected: String,
    /// What was sent or shown around it.
    pub context: Vec<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "line {}: expected {}", self.line, self.expected)?;
        if self.context.is_empty() {
            writeln!(f, "  (nothing there)")?;
        }
        for c in &self.context {
            writeln!(f, "  {c}")?;
        }
        Ok(())
    }
}

/// Strips mIRC formatting codes (bold, colour, reverse, italic, underline, reset).
pub fn strip_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x02' | '\x0f' | '\x16' | '\x1d' | '\x1f' | '\x1e' | '\x11' => {}
            '\x03' => {
                // Up to two digits, optionally `,` and up to two more.
                for _ in 0..2 {
                    if chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                }
                let mut look = chars.clone();
                if look.next() == Some(',') && look.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                    for _ in 0..2 {
                        if chars.peek().is_some_and(char::is_ascii_digit) {
                            chars.next();
                        }
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Two IRC lines are the same when their commands and parameters are (`JOIN #c` equals
/// `JOIN :#c`); tags and a prefix are ignored.
pub fn same_line(a: &str, b: &str) -> bool {
    fn split(line: &str) -> Vec<String> {
        let mut rest = line.trim();
        if rest.starts_with('@') {
            rest = rest.split_once(' ').map_or("", |(_, r)| r).trim_start();
        }
        if rest.starts_with(':') {
            rest = rest.split_once(' ').map_or("", |(_, r)| r).trim_start();
        }
        let mut out = Vec::new();
        while !rest.is_empty() {
            if let Some(t) = rest.strip_prefix(':') {
                out.push(t.to_string());
                break;
            }
            let (w, r) = rest.split_once(' ').unwrap_or((rest, ""));
            out.push(w.to_string());
            rest = r.trim_start();
        }
        if let Some(c) = out.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        out
    }
    split(a) == split(b)
}

/// Runs `steps` against `d`; the first expectation that fails is returned.
pub fn run(steps: &[(usize, Step)], d: &mut dyn Driver) -> Result<(), Mismatch> {
    let mut sent_cursor = 0;
    let mut since = 0;
    let mut shown_since = 0;
    let mut shown_cursor: std::collections::HashMap<String, usize> = Default::default();
    let mut marked_cursor: std::collections::HashMap<String, usize> = Default::default();
    for (line, step) in steps {
        match step {
            Step::Recv(l) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.recv(l);
            }
            Step::Type(w, t) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.type_line(w, t);
            }
            Step::Advance(ms) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.advance(*ms);
            }
            Step::Sockets(quiet) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.settle_sockets(*quiet);
            }
            Step::Allow(script, grants) => d.allow(script.as_deref(), grants),
            Step::Answer(script, permission, decision) => {
                d.answer(script, permission, *decision);
            }
            Step::ConnectFail(reason) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.connect_failed(reason);
            }
            Step::Tab(w, t) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.tab(w, t);
            }
            Step::Menu(c, w, sel) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.menu(c, w, sel);
            }
            Step::MenuSelect(path) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.menu_select(path);
            }
            Step::FKey(key) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.function_key(key);
            }
            Step::PromptAnswer(a) => d.prompt_answer(a.as_deref()),
            Step::ShowDialog(name) => {
                shown_since = d.shown().len();
                d.show_dialog(name);
            }
            Step::DialogAction(action, name, id, text) => {
                since = d.sent().len();
                shown_since = d.shown().len();
                d.dialog_action(action, name, *id, text);
            }
            Step::NotShown(w, text) => {
                let want = strip_codes(text);
                let shown = d.shown();
                if let Some((_, t)) = shown[shown_since..]
                    .iter()
                    .find(|(win, t)| win.eq_ignore_ascii_case(w) && strip_codes(t).contains(&want))
                {
                    return Err(Mismatch {
                        line: *line,
                        expected: format!(
                            "nothing containing `{text}` to be shown in {w}, but `{}` was",
                            strip_codes(t)
                        ),
                        context: Vec::new(),
                    });
                }
            }
            Step::Sent(want) => {
                let sent = d.sent();
                match sent[sent_cursor..].iter().position(|s| same_line(s, want)) {
                    Some(p) => sent_cursor += p + 1,
                    None => {
                        return Err(Mismatch {
                            line: *line,
                            expected: format!("the client to send `{want}`"),
                            context: around(sent, sent_cursor, "sent"),
                        })
                    }
                }
            }
            Step::NotSent(pat) => {
                let sent = d.sent();
                if let Some(s) = sent[since..].iter().find(|s| wildmatch(pat, s, false)) {
                    return Err(Mismatch {
                        line: *line,
                        expected: format!("nothing matching `{pat}` to be sent, but `{s}` was"),
                        context: around(sent, since, "sent"),
                    });
                }
            }
            Step::Marked(w, want) => {
                let key = w.to_ascii_lowercase();
                let cur = marked_cursor.get(&key).copied().unwrap_or(0);
                let (shown, marked) = (d.shown(), d.marked());
                let found = marked.iter().copied().filter(|i| *i >= cur).find(|i| {
                    shown.get(*i).is_some_and(|(win, text)| {
                        win.eq_ignore_ascii_case(w)
                            && strip_codes(text).contains(&strip_codes(want))
                    })
                });
                match found {
                    Some(i) => {
                        marked_cursor.insert(key, i + 1);
                    }
                    None => {
                        let lines: Vec<String> = shown
                            .iter()
                            .enumerate()
                            .skip(cur)
                            .filter(|(_, (win, _))| win.eq_ignore_ascii_case(w))
                            .map(|(i, (_, t))| {
                                let mark = if marked.contains(&i) {
                                    "marked"
                                } else {
                                    "not marked"
                                };
                                format!("shown in {w} ({mark}): {}", strip_codes(t))
                            })
                            .collect();
                        let start = lines.len().saturating_sub(8);
                        return Err(Mismatch {
                            line: *line,
                            expected: format!("`{want}` to be shown in {w}, marked as a highlight"),
                            context: lines[start..].to_vec(),
                        });
                    }
                }
            }
            Step::Shown(w, want) => {
                let key = w.to_ascii_lowercase();
                let cur = shown_cursor.get(&key).copied().unwrap_or(0);
                let shown = d.shown();
                let found = shown
                    .iter()
                    .enumerate()
                    .skip(cur)
                    .filter(|(_, (win, _))| win.eq_ignore_ascii_case(w))
                    .find(|(_, (_, text))| strip_codes(text).contains(&strip_codes(want)));
                match found {
                    Some((i, _)) => {
                        shown_cursor.insert(key, i + 1);
                    }
                    None => {
                        let lines: Vec<String> = shown
                            .iter()
                            .skip(cur)
                            .filter(|(win, _)| win.eq_ignore_ascii_case(w))
                            .map(|(_, t)| format!("shown in {w}: {}", strip_codes(t)))
                            .collect();
                        let start = lines.len().saturating_sub(8);
                        return Err(Mismatch {
                            line: *line,
                            expected: format!("`{want}` to be shown in {w}"),
                            context: lines[start..].to_vec(),
                        });
                    }
                }
            }
        }
    }
    Ok(())
}

fn around(lines: &[String], from: usize, what: &str) -> Vec<String> {
    let start = from.saturating_sub(2);
    lines[start..]
        .iter()
        .take(10)
        .map(|l| format!("{what}: {l}"))
        .collect()
}

/// A client registered to a scripted server, as a transcript starts: server
/// `irc.example.net`, network `ExampleNet`, nick `me` (user `me`, host `me.host`), ISUPPORT
/// `PREFIX=(ov)@+ CHANTYPES=# CASEMAPPING=rfc1459`, no channels, the status window active,
/// the clock at 2026-01-01 00:00:00 UTC, send-rate limiting off, and an empty data folder of
/// its own (a temporary folder, removed when the session is dropped).
pub struct Session {
    /// The client under test.
    pub client: crate::client::Client,
    /// The session's data folder.
    pub data_dir: std::path::PathBuf,
    /// Runs the socket driver's tasks, while `@ sockets` lets it.
    sockets: Option<SessionSockets>,
    /// How much of the audit log has been shown in the window `audit`.
    audit_seen: usize,
    /// The items of the menu last opened (`@ menu`).
    menu: Vec<crate::client::MenuItem>,
}

/// The socket side of a session: real sockets on a runtime of its own.
struct SessionSockets {
    rt: tokio::runtime::Runtime,
    events: crate::sockets::io::SockEvents,
    busy: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// The lines `@ menu` shows for `items` at submenu level `depth`.
fn menu_lines(items: &[crate::client::MenuItem], depth: usize, out: &mut Vec<String>) {
    for i in items {
        let dots = ".".repeat(depth);
        if i.separator {
            out.push(format!("{dots}-"));
            continue;
        }
        let mut line = format!("{dots}{}", i.label);
        if i.checked {
            line.push_str(" [x]");
        }
        if !i.enabled {
            line.push_str(" (disabled)");
        }
        out.push(line);
        menu_lines(&i.children, depth + 1, out);
    }
}

/// A new empty folder for one session's data.
fn fresh_data_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rustirc-replay-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// 2026-01-01 00:00:00 UTC in milliseconds since the Unix epoch.
pub const START_MS: u64 = 1_767_225_600_000;

impl Session {
    /// Loads `scripts` (name, bytes) in order, then registers. Scripts may not use sockets.
    pub fn new(scripts: &[(String, Vec<u8>)]) -> Session {
        Session::with_permissions(scripts, Permissions::default())
    }

    /// Like [`Session::new`], with `permissions` granted before the scripts load; sockets are
    /// real, and run during `@ sockets` lines.
    pub fn with_permissions(scripts: &[(String, Vec<u8>)], permissions: Permissions) -> Session {
        Session::with_setup(scripts, permissions, &|_| {})
    }

    /// Like [`Session::with_permissions`], with `setup` run on the client before the scripts
    /// load (the app adds its script engines there: `.lua` files then load into Lua).
    pub fn with_setup(
        scripts: &[(String, Vec<u8>)],
        permissions: Permissions,
        setup: &dyn Fn(&mut crate::client::Client),
    ) -> Session {
        use crate::state::{Config, Flood, Input};
        let mut config = Config::new("me");
        config.caps.clear();
        config.flood = Flood {
            enabled: false,
            ..Flood::default()
        };
        config.mode_on_join = false;
        config.ping_interval_ms = u64::MAX / 4;
        let mut client =
            crate::client::Client::new(config, rustirc_lang::Limits::default(), START_MS);
        client.permissions = permissions;
        // DCC offers give the loopback address, so a transcript's script can answer them.
        client.sockets.dcc.settings.ip = Some(std::net::Ipv4Addr::LOCALHOST.into());
        let sockets = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()
            .map(|rt| {
                let (d, events) = crate::sockets::io::Driver::new(rt.handle().clone());
                let busy = d.busy();
                client.sockets.set_io(Box::new(d));
                SessionSockets { rt, events, busy }
            });
        let data_dir = fresh_data_dir();
        if let Err(e) = client.set_data_dir(&data_dir) {
            client.out.shown.push((
                "status".to_string(),
                format!("* No data folder at {}: {e}", data_dir.display()),
            ));
        }
        setup(&mut client);
        for (name, bytes) in scripts {
            client.load_script(name, bytes);
        }
        client.net.set_target("irc.example.net", 6667);
        client.input(Input::Connected);
        for line in [
            ":irc.example.net 001 me :Welcome to ExampleNet me!me@me.host",
            ":irc.example.net 005 me PREFIX=(ov)@+ CHANTYPES=# CASEMAPPING=rfc1459 NETWORK=ExampleNet :are supported by this server",
            ":irc.example.net 376 me :End of /MOTD command.",
        ] {
            client.recv_line(line);
        }
        Session {
            client,
            data_dir,
            sockets,
            audit_seen: 0,
            menu: Vec::new(),
        }
    }
}

impl Session {
    /// Plays the network layer's part: a connection the client asked to close is closed,
    /// and `/server` (without `-m`) moves the connection to the server it names, or back to
    /// the same one: the client connects at once and registers, and the transcript answers
    /// for the server. Connections `/server -m` adds are never answered.
    fn settle(&mut self) {
        use crate::state::Input;
        if let Some(reason) = self.client.out.disconnect.take() {
            self.client.input(Input::Disconnected { reason });
        }
        for c in self.client.take_connects() {
            if c.new || !self.client.select(c.cid) {
                continue;
            }
            let (old_host, old_port) = self
                .client
                .net
                .target()
                .map_or((String::new(), 6667), |(h, p)| (h.to_string(), p));
            let (host, port) = if c.host.is_empty() {
                (old_host, c.port.unwrap_or(old_port))
            } else {
                let port = c.port.unwrap_or(if c.tls { 6697 } else { 6667 });
                (c.host, port)
            };
            if self.client.net.is_connected() {
                self.client.input(Input::Disconnected {
                    reason: format!("changing server to {host}:{port}"),
                });
            }
            self.client.net.set_target(&host, port);
            self.client.input(Input::Connected);
        }
        if std::mem::take(&mut self.client.out.exit) {
            self.client.exit();
        }
        // The audit log's new lines, where a transcript can see them.
        let log = std::fs::read_to_string(self.data_dir.join(crate::permissions::AUDIT_FILE))
            .unwrap_or_default();
        if let Some(new) = log.get(self.audit_seen..) {
            for line in new.lines() {
                self.client
                    .out
                    .shown
                    .push(("audit".to_string(), line.to_string()));
            }
            self.audit_seen = log.len();
        }
        // What the GUI would do outside the window's text, where a transcript can see it.
        for a in std::mem::take(&mut self.client.out.alerts) {
            let line = match a {
                crate::client::Alert::Beep(n) => format!("beep {n}"),
                crate::client::Alert::Flash { window, text } => format!("flash {window}: {text}"),
                crate::client::Alert::Titlebar(t) => format!("titlebar {t}"),
                crate::client::Alert::Sound(p) => format!("sound {}", p.display()),
                crate::client::Alert::Notify { title, text } => format!("notify {title}: {text}"),
            };
            self.client.out.shown.push(("alert".to_string(), line));
        }
        // What the GUI would prompt for, where a transcript can see it.
        for r in std::mem::take(&mut self.client.out.permission_requests) {
            self.client.out.shown.push((
                "perms".to_string(),
                format!("{} asks for {}: {}", r.script, r.permission, r.attempt),
            ));
        }
    }
}

impl Driver for Session {
    fn recv(&mut self, line: &str) {
        self.client.recv_line(line);
        self.settle();
    }
    fn type_line(&mut self, window: &str, text: &str) {
        self.client.type_line(window, text);
        self.settle();
    }
    fn advance(&mut self, ms: u64) {
        let to = self.client.now() + ms;
        self.client.tick(to);
        self.settle();
    }
    fn sent(&self) -> &[String] {
        &self.client.out.sent
    }
    fn shown(&self) -> &[(String, String)] {
        &self.client.out.shown
    }
    fn marked(&self) -> &[usize] {
        &self.client.out.marked
    }
    fn settle_sockets(&mut self, quiet_ms: u64) {
        use std::sync::atomic::Ordering;
        use std::time::{Duration, Instant};
        let Some(s) = self.sockets.as_mut() else {
            return;
        };
        let client = &mut self.client;
        let end = Instant::now() + Duration::from_millis(SOCKETS_MAX_MS);
        let quiet = Duration::from_millis(quiet_ms);
        let (events, busy) = (&mut s.events, &s.busy);
        s.rt.block_on(async {
            while Instant::now() < end {
                let under_way = busy.load(Ordering::SeqCst) > 0;
                let wait = if under_way {
                    Duration::from_millis(20)
                } else {
                    quiet
                };
                match tokio::time::timeout(wait, events.recv()).await {
                    Ok(Some(ev)) => client.socket_event(ev),
                    Ok(None) => break,
                    Err(_) if under_way => {}
                    Err(_) => break,
                }
            }
        });
    }
    fn connect_failed(&mut self, reason: &str) {
        self.client.connect_failed(reason);
        self.settle();
    }
    fn tab(&mut self, window: &str, text: &str) {
        let done = self.client.complete(window, text, text.len());
        let line = if done.candidates.is_empty() {
            "(none)".to_string()
        } else {
            done.candidates.join(" ")
        };
        self.client.out.shown.push(("tab".to_string(), line));
        self.settle();
    }
    fn menu(&mut self, context: &str, window: &str, selected: &[String]) {
        let sel: Vec<&str> = selected.iter().map(String::as_str).collect();
        self.menu = self.client.menu(context, window, &sel);
        let mut lines = Vec::new();
        menu_lines(&self.menu, 0, &mut lines);
        if lines.is_empty() {
            lines.push("(empty)".to_string());
        }
        for l in lines {
            self.client.out.shown.push(("menu".to_string(), l));
        }
        self.settle();
    }
    fn menu_select(&mut self, path: &str) {
        let mut items = &self.menu;
        let mut found = None;
        for label in path.split('/') {
            found = items.iter().find(|i| i.label == label);
            match found {
                Some(i) => items = &i.children,
                None => break,
            }
        }
        let r = match found.and_then(|i| i.id) {
            Some(id) => self.client.menu_select(id),
            None => Err(format!(
                "no menu item {path} to pick in the menu last opened"
            )),
        };
        if let Err(e) = r {
            self.client
                .out
                .shown
                .push(("status".to_string(), format!("* {e}")));
        }
        self.settle();
    }
    fn function_key(&mut self, key: &str) {
        if let Err(e) = self.client.function_key(key) {
            self.client
                .out
                .shown
                .push(("status".to_string(), format!("* {e}")));
        }
        self.settle();
    }
    fn prompt_answer(&mut self, answer: Option<&str>) {
        self.client.queue_answer(answer.map(str::to_string));
    }
    fn show_dialog(&mut self, name: &str) {
        let lines = match self
            .client
            .dialogs()
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
        {
            None => vec![format!("(no dialog {name})")],
            Some(d) => {
                let mut v = vec![format!("title {}", d.title)];
                for c in &d.controls {
                    let mut l = format!(
                        "{} {} \"{}\"",
                        c.id,
                        c.kind.word(),
                        c.text.replace("\r\n", "|")
                    );
                    if !c.items.is_empty() {
                        l.push_str(&format!(" [{}]", c.items.join("|")));
                    }
                    if !c.selected.is_empty() {
                        let sel: Vec<String> =
                            c.selected.iter().map(|i| (i + 1).to_string()).collect();
                        l.push_str(&format!(" sel={}", sel.join(",")));
                    }
                    if c.state != 0 {
                        l.push_str(&format!(" state={}", c.state));
                    }
                    if !c.enabled {
                        l.push_str(" disabled");
                    }
                    if !c.visible {
                        l.push_str(" hidden");
                    }
                    v.push(l);
                }
                v
            }
        };
        for l in lines {
            self.client.out.shown.push(("dialog".to_string(), l));
        }
    }
    fn dialog_action(&mut self, action: &str, name: &str, id: u32, text: &str) {
        let c = &mut self.client;
        let r = match action {
            "click" => c.dialog_click(name, id),
            "dclick" => c.dialog_dclick(name, id),
            "edit" => c.dialog_edit(name, id, text),
            "select" => c.dialog_select(name, id, text.trim().parse::<usize>().unwrap_or(1) - 1),
            _ => c.dialog_close(name),
        };
        if let Err(e) = r {
            c.out.shown.push(("status".to_string(), format!("* {e}")));
        }
        self.settle();
    }
    fn answer(&mut self, script: &str, permission: &str, decision: Decision) {
        if let Err(e) = self.client.decide(script, permission, decision) {
            self.client
                .out
                .shown
                .push(("status".to_string(), format!("* {e}")));
        }
        self.settle();
    }
    fn allow(&mut self, script: Option<&str>, grants: &[Grant]) {
        self.client
            .permissions
            .grant(script.unwrap_or("*"), grants.to_vec());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A driver that echoes every server line back as sent and shows typed text.
    #[derive(Default)]
    struct Echo {
        sent: Vec<String>,
        shown: Vec<(String, String)>,
        now: u64,
    }

    impl Driver for Echo {
        fn recv(&mut self, line: &str) {
            self.sent.push(format!("ECHO :{line}"));
        }
        fn type_line(&mut self, window: &str, text: &str) {
            self.shown
                .push((window.to_string(), format!("\x02<me>\x02 {text}")));
            self.sent.push(format!("PRIVMSG {window} :{text}"));
        }
        fn advance(&mut self, ms: u64) {
            self.now += ms;
            self.sent.push(format!("TIME {}", self.now));
        }
        fn sent(&self) -> &[String] {
            &self.sent
        }
        fn shown(&self) -> &[(String, String)] {
            &self.shown
        }
    }

    #[test]
    fn parses_every_form() {
        let t = "# c\n\n<< PING :x\n>> PONG :x\n!> PRIVMSG *\n== #c hi there\n:: #c /me waves\n@ +5s\n@ +250ms\n<< \\x01ACTION\\x01\n";
        let steps: Vec<Step> = parse(t).unwrap().into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            steps,
            [
                Step::Recv("PING :x".into()),
                Step::Sent("PONG :x".into()),
                Step::NotSent("PRIVMSG *".into()),
                Step::Shown("#c".into(), "hi there".into()),
                Step::Type("#c".into(), "/me waves".into()),
                Step::Advance(5000),
                Step::Advance(250),
                Step::Recv("\x01ACTION\x01".into()),
            ]
        );
        let e = parse("<< ok\nwhat\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse("@ soon").is_err());
    }

    #[test]
    fn expectations_hold_and_fail_with_context() {
        let ok = "<< a\n>> ECHO a\n:: #c hello\n== #c hello\n>> PRIVMSG #c hello\n!> PRIVMSG #c :bye*\n@ +1s\n>> TIME :1000\n";
        run(&parse(ok).unwrap(), &mut Echo::default()).unwrap();

        // `>>` only looks after the previous match.
        let twice = "<< a\n>> ECHO a\n>> ECHO a\n";
        let m = run(&parse(twice).unwrap(), &mut Echo::default()).unwrap_err();
        assert_eq!(m.line, 3);

        let forbidden = "<< a\n!> ECHO*\n";
        let m = run(&parse(forbidden).unwrap(), &mut Echo::default()).unwrap_err();
        assert_eq!(m.line, 2);
        assert!(m.to_string().contains("ECHO :a"), "{m}");

        let hidden = ":: #c hi\n!= #c bye\n!= #d hi\n";
        run(&parse(hidden).unwrap(), &mut Echo::default()).unwrap();
        let shown = ":: #c hello there\n!= #c there\n";
        let m = run(&parse(shown).unwrap(), &mut Echo::default()).unwrap_err();
        assert_eq!(m.line, 2);
        assert!(m.to_string().contains("<me> hello there"), "{m}");
        // Only what was shown since the last input counts.
        let before = ":: #c bye\n:: #c hi\n!= #c bye\n";
        run(&parse(before).unwrap(), &mut Echo::default()).unwrap();
        assert!(parse("!= #c\n").is_err());

        let missing = ":: #c hi\n== #c bye\n";
        let m = run(&parse(missing).unwrap(), &mut Echo::default()).unwrap_err();
        assert!(m.to_string().contains("shown in #c: <me> hi"), "{m}");
    }

    #[test]
    fn connectfail_lines_parse() {
        let steps = parse("@ connectfail Connection refused\n").unwrap();
        assert_eq!(steps[0].1, Step::ConnectFail("Connection refused".into()));
    }

    #[test]
    fn socket_lines_parse() {
        let t = "@ allow sockets\n@ allow bot.mrc connect:*.example:443 listen\n@ sockets\n@ sockets 2s\n";
        let steps = parse(t).unwrap();
        assert_eq!(steps[0].1, Step::Allow(None, vec![Grant::Network]));
        assert_eq!(
            steps[1].1,
            Step::Allow(
                Some("bot.mrc".into()),
                vec![
                    Grant::parse("connect:*.example:443").unwrap(),
                    Grant::parse("listen").unwrap()
                ]
            )
        );
        assert_eq!(steps[2].1, Step::Sockets(SOCKETS_QUIET_MS));
        assert_eq!(steps[3].1, Step::Sockets(2000));
        // Only the `@ allow` lines at the top hold while the scripts load.
        let p = leading_grants(&steps);
        assert!(p.allows("bot.mrc", crate::permissions::NetUse::Listen(7)));
        let later = parse("@ sockets\n@ allow sockets\n").unwrap();
        assert!(leading_grants(&later).is_empty());
        let e = parse("@ allow socket\n").unwrap_err();
        assert!(
            e.message.contains("bad permission 'socket'"),
            "{}",
            e.message
        );
        assert!(parse("@ allow\n").is_err());
        assert!(parse("@ sockets soon\n").is_err());
    }

    #[test]
    fn lines_compare_parsed() {
        assert!(same_line("JOIN #c", "JOIN :#c"));
        assert!(same_line(":me!u@h privmsg #c :a b", "PRIVMSG #c :a b"));
        assert!(!same_line("PRIVMSG #c :a b", "PRIVMSG #c a b"));
        assert_eq!(strip_codes("\x0304,12red\x03 \x02bold\x02"), "red bold");
    }
}
