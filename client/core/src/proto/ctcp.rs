//! CTCP: requests and replies wrapped in `\x01` inside PRIVMSG and NOTICE text
//! (<https://modern.ircdocs.horse/ctcp>).
//!
//! `\x01ACTION waves\x01` is the CTCP command `ACTION` with the argument `waves`. The closing
//! `\x01` is optional on receipt, as several clients omit it. The old "low-level quoting" of
//! the 1990s drafts is not implemented; no current client uses it. Which CTCPs are answered,
//! and how, is decided in [`crate::state`].

/// The CTCP delimiter byte.
pub const DELIM: char = '\x01';

/// One CTCP request or reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ctcp {
    /// The command, upper-cased (`ACTION`, `VERSION`, `PING`).
    pub command: String,
    /// Everything after the first space, if there was one.
    pub args: Option<String>,
}

impl Ctcp {
    /// A CTCP with the command upper-cased.
    pub fn new(command: &str, args: Option<&str>) -> Ctcp {
        Ctcp {
            command: command.to_ascii_uppercase(),
            args: args.map(str::to_string),
        }
    }

    /// Decodes PRIVMSG/NOTICE text; `None` when the text is not a CTCP.
    ///
    /// ```
    /// use rustirc_core::proto::Ctcp;
    /// let c = Ctcp::decode("\x01ACTION waves\x01").unwrap();
    /// assert_eq!((c.command.as_str(), c.args.as_deref()), ("ACTION", Some("waves")));
    /// ```
    pub fn decode(text: &str) -> Option<Ctcp> {
        let body = text.strip_prefix(DELIM)?;
        let body = body.strip_suffix(DELIM).unwrap_or(body);
        if body.is_empty() {
            return None;
        }
        let (command, args) = match body.split_once(' ') {
            Some((c, a)) => (c, Some(a)),
            None => (body, None),
        };
        if command.is_empty() {
            return None;
        }
        Some(Ctcp::new(command, args))
    }

    /// Encodes as message text: `\x01COMMAND args\x01`.
    pub fn encode(&self) -> String {
        match &self.args {
            Some(a) => format!("{DELIM}{} {a}{DELIM}", self.command),
            None => format!("{DELIM}{}{DELIM}", self.command),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Decoding must accept the forms clients really send; encoding must be the canonical one.
    use super::Ctcp;

    /// Input text and the expected `(command, args)`, if it is a CTCP at all.
    type Case<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>);

    #[test]
    fn decode_table() {
        let cases: &[Case<'_>] = &[
            (
                "\x01ACTION waves hello\x01",
                Some(("ACTION", Some("waves hello"))),
            ),
            ("\x01VERSION\x01", Some(("VERSION", None))),
            ("\x01version", Some(("VERSION", None))),
            ("\x01PING 12345\x01", Some(("PING", Some("12345")))),
            ("\x01ACTION \x01", Some(("ACTION", Some("")))),
            ("\x01\x01", None),
            ("\x01 x\x01", None),
            ("hello", None),
        ];
        for (text, want) in cases {
            let got = Ctcp::decode(text);
            let got = got
                .as_ref()
                .map(|c| (c.command.as_str(), c.args.as_deref()));
            assert_eq!(got, *want, "{text:?}");
        }
    }

    #[test]
    fn encode() {
        assert_eq!(
            Ctcp::new("action", Some("waves")).encode(),
            "\x01ACTION waves\x01"
        );
        assert_eq!(Ctcp::new("VERSION", None).encode(), "\x01VERSION\x01");
        let c = Ctcp::new("PING", Some("1 2"));
        assert_eq!(Ctcp::decode(&c.encode()), Some(c));
    }
}
