//! Mode strings (`+ov-k alice bob key`) split into single [`ModeChange`]s.
//!
//! Which modes take a parameter is network-specific, so parsing takes a [`ModeSpec`] built
//! from ISUPPORT `PREFIX` and `CHANMODES`
//! (<https://modern.ircdocs.horse/#chanmodes-parameter>). A mode the spec does not know is
//! taken to have no parameter, which is the only safe guess. This module does not apply the
//! changes to a channel; [`crate::state`] does.

/// What kind of mode a letter is on this network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeKind {
    /// A membership mode (`o`, `v` …) shown as the given nick-list prefix symbol (`@`, `+`).
    Prefix(char),
    /// CHANMODES type A: a list (`b`, `e`, `I`); always has a parameter when set or unset.
    List,
    /// CHANMODES type B: always has a parameter (`k`).
    Param,
    /// CHANMODES type C: has a parameter only when set (`l`).
    ParamWhenSet,
    /// CHANMODES type D, user modes, and unknown letters: never has a parameter.
    Flag,
}

/// One mode set or unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeChange {
    /// `true` for `+`, `false` for `-`.
    pub add: bool,
    /// The mode letter.
    pub mode: char,
    /// Its parameter, when the kind takes one and the line supplied it (a bare `+b` is a
    /// list query and has none).
    pub arg: Option<String>,
    /// What kind of mode it is.
    pub kind: ModeKind,
}

impl ModeChange {
    /// The change as mIRC prints one: `+o alice`, `-m`.
    pub fn describe(&self) -> String {
        let sign = if self.add { '+' } else { '-' };
        match &self.arg {
            Some(a) => format!("{sign}{} {a}", self.mode),
            None => format!("{sign}{}", self.mode),
        }
    }
}

/// Which channel modes take parameters, and the membership prefixes in rank order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeSpec {
    /// `(mode, symbol)` from highest rank to lowest, e.g. `[('o','@'), ('v','+')]`.
    pub prefixes: Vec<(char, char)>,
    /// CHANMODES type A (lists).
    pub list: String,
    /// CHANMODES type B (always a parameter).
    pub param: String,
    /// CHANMODES type C (a parameter when set).
    pub param_when_set: String,
    /// CHANMODES type D (flags).
    pub flag: String,
}

impl Default for ModeSpec {
    /// RFC 2812's modes, as assumed before ISUPPORT arrives.
    fn default() -> ModeSpec {
        ModeSpec {
            prefixes: vec![('o', '@'), ('v', '+')],
            list: "beI".into(),
            param: "k".into(),
            param_when_set: "l".into(),
            flag: "imnpst".into(),
        }
    }
}

impl ModeSpec {
    /// The kind of mode letter `c`.
    pub fn kind(&self, c: char) -> ModeKind {
        if let Some(&(_, sym)) = self.prefixes.iter().find(|(m, _)| *m == c) {
            ModeKind::Prefix(sym)
        } else if self.list.contains(c) {
            ModeKind::List
        } else if self.param.contains(c) {
            ModeKind::Param
        } else if self.param_when_set.contains(c) {
            ModeKind::ParamWhenSet
        } else {
            ModeKind::Flag
        }
    }

    /// The prefix symbol for membership mode `mode` (`o` → `@`).
    pub fn symbol_for(&self, mode: char) -> Option<char> {
        self.prefixes
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|&(_, s)| s)
    }

    /// The membership mode for prefix symbol `sym` (`@` → `o`).
    pub fn mode_for(&self, sym: char) -> Option<char> {
        self.prefixes
            .iter()
            .find(|(_, s)| *s == sym)
            .map(|&(m, _)| m)
    }

    /// The rank of a prefix symbol: 0 is highest; `None` if not a prefix.
    pub fn rank(&self, sym: char) -> Option<usize> {
        self.prefixes.iter().position(|(_, s)| *s == sym)
    }

    /// Splits a channel mode string and its parameters.
    ///
    /// ```
    /// use rustirc_core::proto::{ModeSpec, ModeKind};
    /// let ch = ModeSpec::default().parse_channel("+ov-k", &["alice", "bob", "key"]);
    /// assert_eq!(ch[1].kind, ModeKind::Prefix('+'));
    /// assert_eq!(ch[2].arg.as_deref(), Some("key"));
    /// ```
    pub fn parse_channel<S: AsRef<str>>(&self, modes: &str, args: &[S]) -> Vec<ModeChange> {
        let mut args = args.iter().map(|a| a.as_ref().to_string());
        let mut add = true;
        let mut out = Vec::new();
        for c in modes.chars() {
            match c {
                '+' => add = true,
                '-' => add = false,
                _ => {
                    let kind = self.kind(c);
                    let takes = match kind {
                        ModeKind::Prefix(_) | ModeKind::List | ModeKind::Param => true,
                        ModeKind::ParamWhenSet => add,
                        ModeKind::Flag => false,
                    };
                    let arg = if takes { args.next() } else { None };
                    out.push(ModeChange {
                        add,
                        mode: c,
                        arg,
                        kind,
                    });
                }
            }
        }
        out
    }
}

/// Splits a user mode string (`+iw-x`); user modes never take parameters here.
pub fn parse_user(modes: &str) -> Vec<ModeChange> {
    let mut add = true;
    let mut out = Vec::new();
    for c in modes.chars() {
        match c {
            '+' => add = true,
            '-' => add = false,
            _ => out.push(ModeChange {
                add,
                mode: c,
                arg: None,
                kind: ModeKind::Flag,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Parameters must be consumed exactly as the network's CHANMODES says, or every later
    //! change on the line is attributed to the wrong nick.
    use super::*;

    fn short(ch: &[ModeChange]) -> Vec<String> {
        ch.iter().map(ModeChange::describe).collect()
    }

    #[test]
    fn channel_table() {
        let spec = ModeSpec {
            prefixes: vec![('q', '~'), ('a', '&'), ('o', '@'), ('h', '%'), ('v', '+')],
            list: "beI".into(),
            param: "k".into(),
            param_when_set: "lf".into(),
            flag: "imnst".into(),
        };
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("+ov", &["a", "b"], &["+o a", "+v b"]),
            ("+o-v+h", &["a", "b", "c"], &["+o a", "-v b", "+h c"]),
            ("+l-l", &["10"], &["+l 10", "-l"]),
            ("-k+k", &["old", "new"], &["-k old", "+k new"]),
            (
                "+mnb-b",
                &["*!*@x", "*!*@y"],
                &["+m", "+n", "+b *!*@x", "-b *!*@y"],
            ),
            ("+b", &[], &["+b"]),
            ("+Zq", &["boss"], &["+Z", "+q boss"]),
        ];
        for (modes, args, want) in cases {
            assert_eq!(short(&spec.parse_channel(modes, args)), *want, "{modes}");
        }
        assert_eq!(spec.kind('q'), ModeKind::Prefix('~'));
        assert_eq!(spec.rank('@'), Some(2));
        assert_eq!(spec.mode_for('%'), Some('h'));
        assert_eq!(spec.symbol_for('v'), Some('+'));
    }

    #[test]
    fn user_modes() {
        assert_eq!(short(&parse_user("+iw-x")), ["+i", "+w", "-x"]);
    }
}
