//! The filters of one handler: level, prefixes, match text and target, and how each is tested
//! against an event. Pure functions of the handler and the event; no engine is involved except
//! through [`Dynamic`] fields, which the caller evaluates.

use rustirc_lang::wild::Wildcard;

/// Who may trigger a handler (the level field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    /// `*`: anyone.
    Any,
    /// `N`: users whose highest numeric level is at least N.
    AtLeast(u32),
    /// `+N`: users who have exactly level N.
    Exactly(u32),
    /// `name`: users who have the named level.
    Named(String),
}

impl Level {
    /// Reads a level field as written (`*`, `10`, `+10`, `friend`).
    pub fn parse(text: &str, exact: bool) -> Level {
        let t = text.trim();
        if t.is_empty() || t == "*" {
            return Level::Any;
        }
        let digits = t.trim_start_matches('+');
        match digits.parse::<u32>() {
            Ok(n) if exact || t.starts_with('+') => Level::Exactly(n),
            Ok(n) => Level::AtLeast(n),
            Err(_) => Level::Named(t.to_ascii_lowercase()),
        }
    }

    /// Whether a user with `levels` (from the user list; empty for unknown users, who have
    /// `default` instead) passes.
    pub fn admits(&self, levels: &[UserLevel], default: u32) -> bool {
        let numeric = levels.iter().filter_map(|l| match l {
            UserLevel::Number(n) => Some(*n),
            UserLevel::Name(_) => None,
        });
        match self {
            Level::Any => true,
            Level::AtLeast(n) => numeric.max().unwrap_or(default) >= *n,
            Level::Exactly(n) => {
                if levels.is_empty() {
                    default == *n
                } else {
                    levels.contains(&UserLevel::Number(*n))
                }
            }
            Level::Named(name) => levels
                .iter()
                .any(|l| matches!(l, UserLevel::Name(x) if x.eq_ignore_ascii_case(name))),
        }
    }
}

/// How a BAN or UNBAN handler compares the banner's level with the banned user's
/// (`on >=5:BAN:#:`): the level prefixes `<`, `>`, `<=`, `>=`, `<>` and `=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// `<`: the banner's level is lower.
    Lt,
    /// `>`: the banner's level is higher.
    Gt,
    /// `<=`: lower or the same.
    Le,
    /// `>=` (or `=>`): higher or the same.
    Ge,
    /// `<>`: different.
    Ne,
    /// `=`: the same.
    Eq,
}

impl Compare {
    /// Reads a comparison prefix as written; anything else is `None`.
    pub fn parse(text: &str) -> Option<Compare> {
        Some(match text {
            "<" => Compare::Lt,
            ">" => Compare::Gt,
            "<=" | "=<" => Compare::Le,
            ">=" | "=>" => Compare::Ge,
            "<>" | "><" => Compare::Ne,
            "=" | "==" => Compare::Eq,
            _ => return None,
        })
    }

    /// Whether `banner` compares to `banned` this way (each a user's highest numeric level).
    pub fn holds(self, banner: u32, banned: u32) -> bool {
        match self {
            Compare::Lt => banner < banned,
            Compare::Gt => banner > banned,
            Compare::Le => banner <= banned,
            Compare::Ge => banner >= banned,
            Compare::Ne => banner != banned,
            Compare::Eq => banner == banned,
        }
    }
}

/// A user's highest numeric level, or `default` when they have none.
pub fn top_level(levels: &[UserLevel], default: u32) -> u32 {
    levels
        .iter()
        .filter_map(|l| match l {
            UserLevel::Number(n) => Some(*n),
            UserLevel::Name(_) => None,
        })
        .max()
        .unwrap_or(default)
}

/// One level a user holds in the user list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserLevel {
    /// A numeric level.
    Number(u32),
    /// A named level (lower case).
    Name(String),
}

/// The prefixes written before the level (`me:`, `!`, `@`, `&`, `^`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefixes {
    /// `me:`: only events I caused.
    pub me: bool,
    /// `!`: never events I caused.
    pub not_me: bool,
    /// `@`: only when I am an operator on the event's channel.
    pub need_op: bool,
    /// `&`: skipped when an earlier handler halted the event.
    pub skip_halted: bool,
    /// `^`: runs before the default action.
    pub pre: bool,
}

/// A match-text or target written with `%var` or `$(…)`: the engine that declared the handler
/// evaluates it at dispatch time. The number is the engine's own key for the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dynamic(pub u32);

/// What the match text of a handler accepts.
#[derive(Clone, Debug)]
pub enum Matcher {
    /// No match text, or `*`.
    Any,
    /// A wildcard pattern (`*`, `?`, `&`), case-insensitive, anchored at both ends.
    Wild {
        /// The pattern as written.
        text: String,
        /// It compiled.
        compiled: Wildcard,
    },
    /// A regular expression (`$` prefix), written `/pattern/flags` or bare.
    Regex {
        /// The expression as written (the mSL engine re-runs it to fill `$regml`).
        text: String,
        /// It compiled.
        compiled: Rx,
    },
    /// Evaluated at dispatch time; `regex` tells whether the result is a regex.
    Dynamic {
        /// The engine's key for the field.
        field: Dynamic,
        /// The `$` prefix was written.
        regex: bool,
    },
}

impl Matcher {
    /// A wildcard match text; `*` alone becomes [`Matcher::Any`].
    pub fn wild(text: &str) -> Matcher {
        if text.is_empty() || text.bytes().all(|b| b == b'*') {
            return Matcher::Any;
        }
        Matcher::Wild {
            text: text.to_string(),
            compiled: Wildcard::new(text, false),
        }
    }

    /// A regex match text; an error says what is wrong with it.
    pub fn regex(text: &str) -> Result<Matcher, String> {
        Ok(Matcher::Regex {
            text: text.to_string(),
            compiled: Rx::new(text)?,
        })
    }

    /// Tests a known (non-dynamic) matcher; dynamic ones return `None`.
    pub fn test(&self, subject: &str) -> Option<bool> {
        match self {
            Matcher::Any => Some(true),
            Matcher::Wild { compiled, .. } => Some(compiled.matches(subject)),
            Matcher::Regex { compiled, .. } => Some(compiled.is_match(subject)),
            Matcher::Dynamic { .. } => None,
        }
    }

    /// The longest run of literal characters the match text requires, lower-cased, when it
    /// has one: the dispatch index selects candidates by it.
    pub fn required_literal(&self) -> Option<String> {
        let text = match self {
            Matcher::Wild { text, .. } => text,
            Matcher::Regex { text, .. } => return regex_literal(split_regex(text).0),
            _ => return None,
        };
        let mut best = "";
        for run in text.split(['*', '?']) {
            // A lone `&` word is a wildcard too; split the run at it.
            for piece in run.split(" & ") {
                let piece = piece.trim_start_matches("& ").trim_end_matches(" &");
                let piece = if piece == "&" { "" } else { piece };
                if piece.len() > best.len() {
                    best = piece;
                }
            }
        }
        (best.len() >= 2).then(|| best.to_lowercase())
    }
}

/// The literal run a regex starts with (after `^`), when every match must contain it: no
/// top-level alternation, and a character followed by a quantifier is left out.
fn regex_literal(pat: &str) -> Option<String> {
    if pat.contains('|') {
        return None;
    }
    let body = pat.strip_prefix('^').unwrap_or(pat);
    let mut lit = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if "\\.[](){}*+?^$".contains(c) {
            if matches!(c, '*' | '?' | '{') {
                lit.pop();
            }
            break;
        }
        if matches!(chars.peek(), Some('*' | '?' | '{')) {
            break;
        }
        lit.push(c);
    }
    (lit.chars().count() >= 2).then(|| lit.to_lowercase())
}

/// A compiled event regex: the `regex` crate when it can, `fancy-regex` for look-around and
/// back-references.
#[derive(Clone, Debug)]
pub enum Rx {
    /// Linear-time engine.
    Std(regex::Regex),
    /// Backtracking engine for the PCRE features the linear one lacks.
    Fancy(Box<fancy_regex::Regex>),
}

impl Rx {
    /// Compiles mIRC's `/pattern/flags` form (or a bare pattern).
    pub fn new(text: &str) -> Result<Rx, String> {
        let (pat, flags) = split_regex(text);
        let mut prefix = String::new();
        for f in flags.chars() {
            match f {
                'i' | 'm' | 's' | 'x' | 'U' => prefix.push(f),
                _ => {}
            }
        }
        let full = if prefix.is_empty() {
            pat.to_string()
        } else {
            format!("(?{prefix}){pat}")
        };
        match regex::Regex::new(&full) {
            Ok(r) => Ok(Rx::Std(r)),
            Err(_) => fancy_regex::Regex::new(&full)
                .map(|r| Rx::Fancy(Box::new(r)))
                .map_err(|e| format!("bad regex {text}: {e}")),
        }
    }

    /// Whether it matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Rx::Std(r) => r.is_match(text),
            Rx::Fancy(r) => r.is_match(text).unwrap_or(false),
        }
    }
}

/// `/pat/flags` → (`pat`, `flags`); anything else is all pattern.
fn split_regex(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix('/') {
        if let Some(end) = rest.rfind('/') {
            return (&rest[..end], &rest[end + 1..]);
        }
    }
    (text, "")
}

/// Where a handler listens (the target field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetFilter {
    /// No target field, or `*`: channels and private.
    Any,
    /// `#`: any channel.
    AnyChannel,
    /// `#a,#b`: these channels (case-folded).
    Channels(Vec<String>),
    /// `?`: private messages.
    Private,
    /// `=`: DCC chat.
    Dcc,
    /// `!`: file server.
    Fserve,
    /// `@`: a custom window.
    Window,
    /// `%var` or `$(…)`: evaluated at dispatch time into one of the others.
    Dynamic(Dynamic),
}

impl TargetFilter {
    /// Reads a target field as written.
    pub fn parse(text: &str) -> TargetFilter {
        match text.trim() {
            "" | "*" => TargetFilter::Any,
            "#" => TargetFilter::AnyChannel,
            "?" => TargetFilter::Private,
            "=" => TargetFilter::Dcc,
            "!" => TargetFilter::Fserve,
            "@" => TargetFilter::Window,
            list => {
                let chans: Vec<String> = list
                    .split(',')
                    .map(|c| crate::events::fold_name(c.trim()))
                    .filter(|c| !c.is_empty())
                    .collect();
                // `*` inside a list still means everywhere.
                if chans.iter().any(|c| c == "*") {
                    TargetFilter::Any
                } else if chans.iter().any(|c| c == "#") {
                    TargetFilter::AnyChannel
                } else {
                    TargetFilter::Channels(chans)
                }
            }
        }
    }

    /// Whether the filter accepts `place`; the channel name is already case-folded.
    pub fn admits(&self, place: &Place<'_>) -> Option<bool> {
        Some(match (self, place) {
            (TargetFilter::Dynamic(_), _) => return None,
            (
                TargetFilter::Any,
                Place::Channel(_) | Place::Private | Place::None | Place::Status,
            ) => true,
            (TargetFilter::Any, _) => false,
            (TargetFilter::AnyChannel, Place::Channel(_)) => true,
            (TargetFilter::Channels(list), Place::Channel(c)) => list.iter().any(|x| x == c),
            (TargetFilter::Private, Place::Private) => true,
            (TargetFilter::Dcc, Place::Dcc) => true,
            (TargetFilter::Fserve, Place::Fserve) => true,
            (TargetFilter::Window, Place::Window(_)) => true,
            // `@name`: that custom window.
            (TargetFilter::Channels(list), Place::Window(w)) => list.iter().any(|x| x == w),
            // Events without a place (QUIT, NICK) ignore a target field.
            (_, Place::None) => true,
            _ => false,
        })
    }
}

/// Where an event happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// A channel (case-folded name).
    Channel(&'a str),
    /// A private message or query.
    Private,
    /// A DCC chat.
    Dcc,
    /// A file server.
    Fserve,
    /// A custom window.
    Window(&'a str),
    /// The status window (a line typed there, for `INPUT`).
    Status,
    /// No particular place (QUIT, NICK, CONNECT…).
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_user_list() {
        let friend = [UserLevel::Number(10), UserLevel::Name("friend".into())];
        assert!(Level::parse("*", false).admits(&[], 1));
        assert!(Level::parse("1", false).admits(&[], 1));
        assert!(!Level::parse("5", false).admits(&[], 1));
        assert!(Level::parse("5", false).admits(&friend, 1));
        assert!(Level::parse("+10", false).admits(&friend, 1));
        assert!(!Level::parse("+5", false).admits(&friend, 1));
        assert!(Level::parse("Friend", false).admits(&friend, 1));
        assert!(!Level::parse("enemy", false).admits(&friend, 1));
    }

    #[test]
    fn ban_comparisons() {
        assert_eq!(Compare::parse(">="), Some(Compare::Ge));
        assert_eq!(Compare::parse("=>"), Some(Compare::Ge));
        assert_eq!(Compare::parse("<>"), Some(Compare::Ne));
        assert_eq!(Compare::parse("!"), None);
        assert!(Compare::Ge.holds(5, 5));
        assert!(!Compare::Gt.holds(5, 5));
        assert!(Compare::Lt.holds(1, 10));
        assert!(Compare::Ne.holds(1, 10));
        assert!(!Compare::Eq.holds(1, 10));
        assert_eq!(top_level(&[UserLevel::Name("x".into())], 1), 1);
        assert_eq!(
            top_level(&[UserLevel::Number(3), UserLevel::Number(9)], 1),
            9
        );
    }

    #[test]
    fn targets_parse_and_admit() {
        let chan = Place::Channel("#a");
        assert_eq!(TargetFilter::parse("#").admits(&chan), Some(true));
        assert_eq!(TargetFilter::parse("?").admits(&chan), Some(false));
        assert_eq!(TargetFilter::parse("*").admits(&Place::Private), Some(true));
        assert_eq!(TargetFilter::parse("#A,#b").admits(&chan), Some(true));
        assert_eq!(TargetFilter::parse("#b,#c").admits(&chan), Some(false));
        assert_eq!(TargetFilter::parse("#b").admits(&Place::None), Some(true));
        assert_eq!(TargetFilter::parse("*").admits(&Place::Status), Some(true));
        assert_eq!(TargetFilter::parse("#").admits(&Place::Status), Some(false));
        assert_eq!(TargetFilter::parse("?").admits(&Place::Status), Some(false));
    }

    #[test]
    fn matchers_and_their_literals() {
        let m = Matcher::wild("!seen &");
        assert_eq!(m.test("!seen bob"), Some(true));
        assert_eq!(m.test("!seen bob now"), Some(false));
        assert_eq!(m.required_literal().as_deref(), Some("!seen"));
        assert_eq!(
            Matcher::wild("*Hello*World*").required_literal().as_deref(),
            Some("hello")
        );
        assert!(matches!(Matcher::wild("*"), Matcher::Any));
        let r = Matcher::regex("/^!(\\w+)$/i").unwrap();
        assert_eq!(r.test("!HELP"), Some(true));
        assert_eq!(r.test("x !help"), Some(false));
        // Look-behind needs the backtracking engine.
        assert_eq!(Matcher::regex("/(?<=a)b/").unwrap().test("ab"), Some(true));
        assert!(Matcher::regex("/(/").is_err());
        assert_eq!(r.required_literal(), None);
        let lit = |re: &str| Matcher::regex(re).unwrap().required_literal();
        assert_eq!(lit("/^!Seen\\s+(\\S+)/i").as_deref(), Some("!seen"));
        assert_eq!(lit("/^abc*d/").as_deref(), Some("ab"));
        assert_eq!(lit("/^ab?c/"), None);
        assert_eq!(lit("/^(a|b)/"), None);
    }
}
