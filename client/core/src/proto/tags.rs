//! IRCv3 message-tag value escaping (<https://ircv3.net/specs/extensions/message-tags#escaping-values>).
//!
//! On the wire `;` is `\:`, space is `\s`, `\` is `\\`, CR is `\r` and LF is `\n`. Unescaping
//! drops a lone trailing `\` and turns `\x` for any other `x` into `x`, as the spec says.
//! This module only converts values; splitting `@a=b;c` into tags lives in `message.rs`.

/// Escapes a tag value for the wire.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ';' => out.push_str("\\:"),
            ' ' => out.push_str("\\s"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Unescapes a tag value read from the wire.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(':') => out.push(';'),
            Some('s') => out.push(' '),
            Some('\\') => out.push('\\'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Escaping must round-trip every value, and unescaping must follow the spec's odd cases
    //! (lone trailing backslash dropped, unknown escapes kept as the bare character).
    use super::{escape, unescape};

    #[test]
    fn unescape_cases() {
        let cases = [
            ("a\\:b", "a;b"),
            ("a\\sb", "a b"),
            ("a\\\\b", "a\\b"),
            ("\\r\\n", "\r\n"),
            ("trail\\", "trail"),
            ("\\b", "b"),
            ("plain", "plain"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(unescape(raw), want, "{raw}");
        }
    }

    #[test]
    fn round_trip() {
        for value in ["a;b c\\d\r\ne", "", "ünï", "\\s"] {
            assert_eq!(unescape(&escape(value)), value);
        }
        assert_eq!(escape("a;b c"), "a\\:b\\sc");
    }
}
