//! One IRC line as a value: [`Message`] with IRCv3 [`Tags`], an optional [`Prefix`], an
//! upper-cased command and its parameters.
//!
//! Grammar (<https://modern.ircdocs.horse/#message-format>):
//! `['@' tags ' '] [':' prefix ' '] command {' ' middle} [' :' trailing]`.
//! Parsing is lenient where servers are sloppy (runs of spaces, a missing trailing colon,
//! lower-case commands) and formatting is strict: a `:` goes before the last parameter only
//! when it is needed, and CR, LF and NUL are removed so no parameter can smuggle in a second
//! line. The trailing parameter is not remembered as such, so equality is "parsed" equality:
//! `JOIN #c` equals `JOIN :#c`. This module does not decode bytes (see `encoding.rs`), split
//! CTCP (see `ctcp.rs`) or enforce the 512-byte line limit.

use super::tags;
use std::fmt;

/// IRCv3 message tags, in the order they arrived. A tag without a value has the value `""`,
/// which the spec says is the same thing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(Vec<(String, String)>);

impl Tags {
    /// No tags.
    pub fn new() -> Tags {
        Tags(Vec::new())
    }

    /// The unescaped value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets `key` to `value`, replacing an earlier value (the spec's "last one wins").
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let (key, value) = (key.into(), value.into());
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many tags there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The tags as `(key, value)` pairs in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The wire form without the leading `@` (`a=b;c`), as mIRC's `$msgtags` shows it.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(&strip_line_breaks(k));
            if !v.is_empty() {
                out.push('=');
                out.push_str(&tags::escape(v));
            }
        }
        out
    }

    fn parse(raw: &str) -> Tags {
        let mut tags = Tags::new();
        for item in raw.split(';').filter(|s| !s.is_empty()) {
            let (key, value) = item.split_once('=').unwrap_or((item, ""));
            if !key.is_empty() {
                tags.insert(key, tags::unescape(value));
            }
        }
        tags
    }
}

/// Where a message came from: `nick!user@host` for a user, a bare name for a server.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// The nick, or the server name for a server prefix.
    pub nick: String,
    /// The user (ident) part after `!`, if sent.
    pub user: Option<String>,
    /// The host part after `@`, if sent.
    pub host: Option<String>,
}

impl Prefix {
    /// Splits `nick!user@host`; `nick@host` and a bare `nick` or server name are accepted too.
    pub fn parse(raw: &str) -> Prefix {
        let (front, host) = match raw.split_once('@') {
            Some((f, h)) => (f, Some(h.to_string())),
            None => (raw, None),
        };
        let (nick, user) = match front.split_once('!') {
            Some((n, u)) => (n, Some(u.to_string())),
            None => (front, None),
        };
        Prefix {
            nick: nick.to_string(),
            user,
            host,
        }
    }

    /// A prefix with all three parts.
    pub fn new(nick: &str, user: &str, host: &str) -> Prefix {
        Prefix {
            nick: nick.into(),
            user: Some(user.into()),
            host: Some(host.into()),
        }
    }

    /// Whether this looks like a server rather than a user: no user or host part and a `.`
    /// in the name (nicks cannot contain `.`).
    pub fn is_server(&self) -> bool {
        self.user.is_none() && self.host.is_none() && self.nick.contains('.')
    }

    /// `user@host` (mIRC's `$address`), when both parts are known.
    pub fn address(&self) -> Option<String> {
        match (&self.user, &self.host) {
            (Some(u), Some(h)) => Some(format!("{u}@{h}")),
            _ => None,
        }
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.nick)?;
        if let Some(u) = &self.user {
            write!(f, "!{u}")?;
        }
        if let Some(h) = &self.host {
            write!(f, "@{h}")?;
        }
        Ok(())
    }
}

/// Why a line is not an IRC message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The line was empty (or only tags, a prefix and spaces).
    #[error("empty line")]
    Empty,
    /// There were tags or a prefix but no command after them.
    #[error("missing command")]
    NoCommand,
}

/// One IRC message. Equality compares tags, prefix, command and parameters, not how the
/// line was written: `JOIN #c` and `JOIN :#c` are equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// IRCv3 tags (`@time=…;account=…`).
    pub tags: Tags,
    /// The source, if the line had one.
    pub prefix: Option<Prefix>,
    /// The command, upper-cased (`PRIVMSG`), or a three-digit numeric (`001`).
    pub command: String,
    /// The parameters, the trailing one included, without the `:` marker.
    pub params: Vec<String>,
}

impl Message {
    /// A message with no tags or prefix. The command is upper-cased.
    pub fn new<S: Into<String>>(command: &str, params: impl IntoIterator<Item = S>) -> Message {
        Message {
            tags: Tags::new(),
            prefix: None,
            command: command.to_ascii_uppercase(),
            params: params.into_iter().map(Into::into).collect(),
        }
    }

    /// Parses one line; a trailing CR/LF is ignored.
    ///
    /// ```
    /// use rustirc_core::proto::Message;
    /// let m = Message::parse(":nick!u@h privmsg #chan :hello there\r\n").unwrap();
    /// assert_eq!(m.command, "PRIVMSG");
    /// assert_eq!(m.params, ["#chan", "hello there"]);
    /// ```
    ///
    /// # Errors
    /// [`ParseError::Empty`] for a blank line, [`ParseError::NoCommand`] when tags or a prefix
    /// are not followed by a command.
    pub fn parse(line: &str) -> Result<Message, ParseError> {
        let mut rest = line.trim_end_matches(['\r', '\n']).trim_start_matches(' ');
        if rest.is_empty() {
            return Err(ParseError::Empty);
        }
        let mut tags = Tags::new();
        if let Some(after) = rest.strip_prefix('@') {
            let (raw, tail) = after.split_once(' ').unwrap_or((after, ""));
            tags = Tags::parse(raw);
            rest = tail.trim_start_matches(' ');
        }
        let mut prefix = None;
        if let Some(after) = rest.strip_prefix(':') {
            let (raw, tail) = after.split_once(' ').unwrap_or((after, ""));
            prefix = Some(Prefix::parse(raw));
            rest = tail.trim_start_matches(' ');
        }
        let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
        if command.is_empty() {
            return Err(ParseError::NoCommand);
        }
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start_matches(' ');
            if rest.is_empty() {
                break;
            }
            if let Some(trailing) = rest.strip_prefix(':') {
                params.push(trailing.to_string());
                break;
            }
            let (p, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            params.push(p.to_string());
            rest = tail;
        }
        Ok(Message {
            tags,
            prefix,
            command: command.to_ascii_uppercase(),
            params,
        })
    }

    /// Adds a prefix (builder style, for tests and fake servers).
    #[must_use]
    pub fn with_prefix(mut self, prefix: Prefix) -> Message {
        self.prefix = Some(prefix);
        self
    }

    /// Adds a tag (builder style).
    #[must_use]
    pub fn with_tag(mut self, key: &str, value: &str) -> Message {
        self.tags.insert(key, value);
        self
    }

    /// Parameter `i` (0-based), if present.
    pub fn param(&self, i: usize) -> Option<&str> {
        self.params.get(i).map(String::as_str)
    }

    /// The last parameter (usually the text), if any.
    pub fn trailing(&self) -> Option<&str> {
        self.params.last().map(String::as_str)
    }

    /// The numeric (`001` → 1) if the command is a three-digit reply.
    pub fn numeric(&self) -> Option<u16> {
        let b = self.command.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_digit) {
            self.command.parse().ok()
        } else {
            None
        }
    }

    /// The source's nick (or server name), if the line had a prefix.
    pub fn source_nick(&self) -> Option<&str> {
        self.prefix.as_ref().map(|p| p.nick.as_str())
    }

    /// Formats the line without CR LF. The last parameter gets a `:` only when it is empty,
    /// has a space or starts with `:`; CR, LF and NUL are removed everywhere.
    pub fn to_line(&self) -> String {
        let mut out = String::new();
        if !self.tags.is_empty() {
            out.push('@');
            out.push_str(&self.tags.to_wire());
            out.push(' ');
        }
        if let Some(p) = &self.prefix {
            out.push(':');
            out.push_str(&strip_line_breaks(&p.to_string()));
            out.push(' ');
        }
        out.push_str(&strip_line_breaks(&self.command));
        let last = self.params.len().saturating_sub(1);
        for (i, p) in self.params.iter().enumerate() {
            let p = strip_line_breaks(p);
            out.push(' ');
            if i == last && (p.is_empty() || p.contains(' ') || p.starts_with(':')) {
                out.push(':');
            }
            out.push_str(&p);
        }
        out
    }

    // --- constructors for the lines a client sends ---

    /// `PRIVMSG target :text`.
    pub fn privmsg(target: &str, text: &str) -> Message {
        Message::new("PRIVMSG", [target, text])
    }

    /// `NOTICE target :text`.
    pub fn notice(target: &str, text: &str) -> Message {
        Message::new("NOTICE", [target, text])
    }

    /// `JOIN channel [key]`.
    pub fn join(channel: &str, key: Option<&str>) -> Message {
        let mut params = vec![channel];
        params.extend(key);
        Message::new("JOIN", params)
    }

    /// `PART channel [:reason]`.
    pub fn part(channel: &str, reason: Option<&str>) -> Message {
        let mut params = vec![channel];
        params.extend(reason);
        Message::new("PART", params)
    }

    /// `QUIT [:reason]`.
    pub fn quit(reason: Option<&str>) -> Message {
        Message::new("QUIT", reason)
    }

    /// `NICK nick`.
    pub fn nick(nick: &str) -> Message {
        Message::new("NICK", [nick])
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_line())
    }
}

impl std::str::FromStr for Message {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Message, ParseError> {
        Message::parse(s)
    }
}

fn strip_line_breaks(s: &str) -> String {
    if s.contains(['\r', '\n', '\0']) {
        s.chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\0'))
            .collect()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    //! Table-driven parse and format cases (halloy `irc/proto/src/parse.rs` style). Parsing
    //! must accept what real servers send; formatting must produce lines that parse back to
    //! the same message and can never contain a line break.
    use super::*;

    fn msg(tags: &[(&str, &str)], prefix: Option<&str>, command: &str, params: &[&str]) -> Message {
        let mut m = Message::new(command, params.iter().copied());
        for (k, v) in tags {
            m.tags.insert(*k, *v);
        }
        m.prefix = prefix.map(Prefix::parse);
        m
    }

    #[test]
    fn parse_table() {
        let cases: Vec<(&str, Message)> = vec![
            (
                "PING :irc.example.net",
                msg(&[], None, "PING", &["irc.example.net"]),
            ),
            ("ping x", msg(&[], None, "PING", &["x"])),
            (
                ":nick!user@host PRIVMSG #chan :hello world\r\n",
                msg(
                    &[],
                    Some("nick!user@host"),
                    "PRIVMSG",
                    &["#chan", "hello world"],
                ),
            ),
            (
                ":irc.example.net 001 me :Welcome",
                msg(&[], Some("irc.example.net"), "001", &["me", "Welcome"]),
            ),
            ("JOIN #c", msg(&[], None, "JOIN", &["#c"])),
            ("JOIN :#c", msg(&[], None, "JOIN", &["#c"])),
            (
                "CMD a  b   :c  d ",
                msg(&[], None, "CMD", &["a", "b", "c  d "]),
            ),
            ("CMD a :", msg(&[], None, "CMD", &["a", ""])),
            ("CMD a ::b", msg(&[], None, "CMD", &["a", ":b"])),
            ("CMD a b ", msg(&[], None, "CMD", &["a", "b"])),
            (
                "@time=2026-01-01T00:00:00.000Z;account=bob :b!u@h PRIVMSG me :hi",
                msg(
                    &[("time", "2026-01-01T00:00:00.000Z"), ("account", "bob")],
                    Some("b!u@h"),
                    "PRIVMSG",
                    &["me", "hi"],
                ),
            ),
            (
                "@a=x\\sy\\:z;b;c= CMD",
                msg(&[("a", "x y;z"), ("b", ""), ("c", "")], None, "CMD", &[]),
            ),
            ("@a=1;a=2 CMD", msg(&[("a", "2")], None, "CMD", &[])),
            (
                "@+draft/reply=abc CMD",
                msg(&[("+draft/reply", "abc")], None, "CMD", &[]),
            ),
            (
                ":nick@host NOTICE x :y",
                msg(&[], Some("nick@host"), "NOTICE", &["x", "y"]),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(Message::parse(line), Ok(want), "{line}");
        }
    }

    #[test]
    fn parse_errors() {
        assert_eq!(Message::parse(""), Err(ParseError::Empty));
        assert_eq!(Message::parse("\r\n"), Err(ParseError::Empty));
        assert_eq!(Message::parse("@a=b"), Err(ParseError::NoCommand));
        assert_eq!(Message::parse(":prefix "), Err(ParseError::NoCommand));
    }

    #[test]
    fn prefixes() {
        let p = Prefix::parse("nick!user@host.example");
        assert_eq!(
            (p.nick.as_str(), p.user.as_deref(), p.host.as_deref()),
            ("nick", Some("user"), Some("host.example"))
        );
        assert_eq!(p.address().as_deref(), Some("user@host.example"));
        assert!(!p.is_server());
        assert!(Prefix::parse("irc.example.net").is_server());
        assert!(!Prefix::parse("nick").is_server());
        assert_eq!(Prefix::parse("n!u@h").to_string(), "n!u@h");
        assert_eq!(Prefix::parse("n@h").to_string(), "n@h");
    }

    #[test]
    fn format_table() {
        let cases: Vec<(Message, &str)> = vec![
            (Message::new("JOIN", ["#c"]), "JOIN #c"),
            (
                Message::privmsg("#c", "hello world"),
                "PRIVMSG #c :hello world",
            ),
            (Message::privmsg("#c", "word"), "PRIVMSG #c word"),
            (Message::privmsg("#c", ":smile"), "PRIVMSG #c ::smile"),
            (Message::privmsg("#c", ""), "PRIVMSG #c :"),
            (Message::quit(None), "QUIT"),
            (Message::join("#c", Some("key")), "JOIN #c key"),
            (
                Message::privmsg("#c", "evil\r\nQUIT :x"),
                "PRIVMSG #c :evilQUIT :x",
            ),
            (
                Message::new("PRIVMSG", ["#c", "hi"])
                    .with_tag("+a", "x y")
                    .with_tag("b", "")
                    .with_prefix(Prefix::new("n", "u", "h")),
                "@+a=x\\sy;b :n!u@h PRIVMSG #c hi",
            ),
        ];
        for (m, want) in cases {
            assert_eq!(m.to_line(), want);
        }
    }

    #[test]
    fn round_trips_and_parsed_equality() {
        for line in [
            "@a=b\\:c :n!u@h PRIVMSG #c :a b",
            "CMD a b :",
            "NOTICE x ::y",
            "001 me :Welcome home",
        ] {
            let m = Message::parse(line).unwrap();
            assert_eq!(Message::parse(&m.to_line()).unwrap(), m, "{line}");
        }
        assert_eq!(
            Message::parse("JOIN #c").unwrap(),
            Message::parse("join :#c").unwrap()
        );
        assert_ne!(
            Message::parse("JOIN #c").unwrap(),
            Message::parse("JOIN #d").unwrap()
        );
    }

    #[test]
    fn accessors() {
        let m = Message::parse(":s 433 * me :Nickname is already in use").unwrap();
        assert_eq!(m.numeric(), Some(433));
        assert_eq!(m.param(1), Some("me"));
        assert_eq!(m.trailing(), Some("Nickname is already in use"));
        assert_eq!(m.source_nick(), Some("s"));
        assert_eq!(Message::new("PRIVMSG", ["x"]).numeric(), None);
        assert_eq!("PING x".parse::<Message>().unwrap().command, "PING");
    }
}
