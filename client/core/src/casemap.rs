//! IRC case mapping: how a network decides that two nicks or channel names are the same.
//!
//! The server announces its mapping in ISUPPORT `CASEMAPPING`
//! (<https://modern.ircdocs.horse/#casemapping-parameter>): `ascii` folds `A-Z` only,
//! `rfc1459` also folds `[]\~` to `{}|^`, and `strict-rfc1459` folds `[]\` but not `~`.
//! This module folds names into keys and matches mIRC wildcard masks (`*`, `?`) under a
//! mapping. It keeps no state and knows nothing about which mapping a network uses; the
//! per-network state in [`crate::state`] holds that.

/// A case mapping from ISUPPORT `CASEMAPPING`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CaseMapping {
    /// `ascii`: only `A-Z` fold to `a-z`.
    Ascii,
    /// `rfc1459`: `A-Z[]\~` fold to `a-z{}|^`. The default when a server says nothing.
    #[default]
    Rfc1459,
    /// `strict-rfc1459`: `A-Z[]\` fold to `a-z{}|`.
    StrictRfc1459,
}

impl CaseMapping {
    /// The mapping named by an ISUPPORT `CASEMAPPING` value; unknown names (e.g. `rfc7613`)
    /// fall back to `ascii`, which never folds more than the server would.
    pub fn from_isupport(value: &str) -> CaseMapping {
        match value.to_ascii_lowercase().as_str() {
            "rfc1459" => CaseMapping::Rfc1459,
            "strict-rfc1459" => CaseMapping::StrictRfc1459,
            _ => CaseMapping::Ascii,
        }
    }

    /// The ISUPPORT name of this mapping.
    pub fn name(self) -> &'static str {
        match self {
            CaseMapping::Ascii => "ascii",
            CaseMapping::Rfc1459 => "rfc1459",
            CaseMapping::StrictRfc1459 => "strict-rfc1459",
        }
    }

    /// Folds one character to its lower-case key form.
    pub fn fold_char(self, c: char) -> char {
        match (self, c) {
            (_, 'A'..='Z') => c.to_ascii_lowercase(),
            (CaseMapping::Rfc1459 | CaseMapping::StrictRfc1459, '[') => '{',
            (CaseMapping::Rfc1459 | CaseMapping::StrictRfc1459, ']') => '}',
            (CaseMapping::Rfc1459 | CaseMapping::StrictRfc1459, '\\') => '|',
            (CaseMapping::Rfc1459, '~') => '^',
            _ => c,
        }
    }

    /// Folds a nick or channel name into the key two equal names share.
    ///
    /// ```
    /// use rustirc_core::casemap::CaseMapping;
    /// assert_eq!(CaseMapping::Rfc1459.fold("Foo[Bar]"), "foo{bar}");
    /// ```
    pub fn fold(self, name: &str) -> String {
        name.chars().map(|c| self.fold_char(c)).collect()
    }

    /// Whether two names are the same under this mapping.
    pub fn eq(self, a: &str, b: &str) -> bool {
        a.len() == b.len()
            && a.chars()
                .zip(b.chars())
                .all(|(x, y)| self.fold_char(x) == self.fold_char(y))
    }

    /// Whether `text` matches the mIRC wildcard `mask` under this mapping: `*` is any run of
    /// characters (including none), `?` is exactly one character, everything else matches itself
    /// case-insensitively. Used for IAL lookups such as `$ial(*!*@*.example.net)`.
    pub fn wildcard_match(self, mask: &str, text: &str) -> bool {
        let m: Vec<char> = mask.chars().map(|c| self.fold_char(c)).collect();
        let t: Vec<char> = text.chars().map(|c| self.fold_char(c)).collect();
        // Iterative matcher with single backtrack point: linear in practice, no recursion,
        // so a hostile mask such as `*a*a*a*a*b` cannot blow the stack.
        let (mut mi, mut ti) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while ti < t.len() {
            if mi < m.len() && (m[mi] == '?' || (m[mi] != '*' && m[mi] == t[ti])) {
                mi += 1;
                ti += 1;
            } else if mi < m.len() && m[mi] == '*' {
                star = Some((mi, ti));
                mi += 1;
            } else if let Some((smi, sti)) = star {
                mi = smi + 1;
                ti = sti + 1;
                star = Some((smi, sti + 1));
            } else {
                return false;
            }
        }
        m[mi..].iter().all(|&c| c == '*')
    }
}

#[cfg(test)]
mod tests {
    //! Folding must follow the three ISUPPORT mappings exactly, since a wrong fold makes two
    //! different users share one IAL entry or one user appear twice in a nick list.
    use super::CaseMapping::{self, *};

    #[test]
    fn folds_per_mapping() {
        let cases: &[(CaseMapping, &str, &str)] = &[
            (Ascii, "Nick[]\\~", "nick[]\\~"),
            (Rfc1459, "Nick[]\\~", "nick{}|^"),
            (StrictRfc1459, "Nick[]\\~", "nick{}|~"),
            (Rfc1459, "ÄÖ", "ÄÖ"),
        ];
        for (map, input, want) in cases {
            assert_eq!(map.fold(input), *want, "{map:?} {input}");
        }
    }

    #[test]
    fn equality_and_names() {
        assert!(Rfc1459.eq("[a]", "{A}"));
        assert!(!Ascii.eq("[a]", "{A}"));
        assert_eq!(CaseMapping::from_isupport("RFC1459"), Rfc1459);
        assert_eq!(CaseMapping::from_isupport("strict-rfc1459"), StrictRfc1459);
        assert_eq!(CaseMapping::from_isupport("rfc7613"), Ascii);
        assert_eq!(StrictRfc1459.name(), "strict-rfc1459");
    }

    #[test]
    fn wildcards() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*!*@*", "nick!user@host", true),
            ("*!*@*.example.net", "Bob!b@a.EXAMPLE.net", true),
            ("n?ck!*", "nick!u@h", true),
            ("n?ck!*", "nck!u@h", false),
            ("*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("[x]*", "{X}yz", true),
            ("abc", "abcd", false),
        ];
        for (mask, text, want) in cases {
            assert_eq!(
                Rfc1459.wildcard_match(mask, text),
                *want,
                "{mask} vs {text}"
            );
        }
    }
}
