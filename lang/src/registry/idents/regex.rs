//! Regular-expression identifiers: `$regex`, `$regml`, `$regmlex`, `$regsub`, `$regerrstr`.
//!
//! Patterns are written `/pattern/flags` or bare. The flags `i m s x U` map to the engine's
//! inline flags, `A` anchors at the start, `g` finds every match, `S` strips control codes from
//! the subject first, `F` keeps non-participating groups in the capture numbering and `u` is
//! accepted (matching is always Unicode-aware here). Patterns compile with the `regex` crate
//! when they can and with `fancy-regex` otherwise (look-around, back-references); compiled
//! patterns are cached in [`State::regex_cache`] by their full text.
//!
//! `$regsubex` evaluates script code per match, so it is a VM intrinsic; the VM calls
//! [`regex_matches`] and [`splice`] from here. `$regsub` stores its result in a `%variable`,
//! which only the VM can do: the VM calls [`regsub_apply`], and the registered `$regsub` only
//! returns the count.

use crate::error::{RunErrorKind, RunResult};
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::state::{fold, Compiled, CompiledRegex, RegexResult, State};
use crate::value::Value;
use std::borrow::Cow;
use std::rc::Rc;

/// The regex family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "regex",
        arity: Arity::range(2, 3),
        run: regex,
    },
    IdentSpec {
        name: "regml",
        arity: Arity::range(1, 2),
        run: regml,
    },
    IdentSpec {
        name: "regbr",
        arity: Arity::range(1, 2),
        run: regml,
    },
    IdentSpec {
        name: "regmlex",
        arity: Arity::range(1, 3),
        run: regmlex,
    },
    IdentSpec {
        name: "regsub",
        arity: Arity::range(4, 5),
        run: regsub,
    },
    IdentSpec {
        name: "regerrstr",
        arity: Arity::exact(0),
        run: regerrstr,
    },
];

/// The name results are kept under when a call gives none (`$regex(text,re)`).
const DEFAULT_NAME: &str = "";

/// How many named results are remembered.
const MAX_RESULTS: usize = 50;

/// Compiled patterns kept before the cache is emptied and refilled.
const MAX_CACHED: usize = 4096;

/// One match found by [`regex_matches`], for the VM's `$regsubex`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchInfo {
    /// Byte offset of the match start in the subject.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// 0-based character offset of the match start.
    pub char_start: usize,
    /// 0-based character offset just past the match.
    pub char_end: usize,
    /// The whole matched text (`\a` in `$regsubex`).
    pub text: String,
    /// Groups 1..N of this match; `None` when a group did not take part.
    pub groups: Vec<Option<String>>,
}

/// `$regex([name,]text,re)`: the number of matches; captures are kept under `name` for `$regml`.
///
/// ```mrc
/// echo -a $regex(abcd,/[a-z]/g)   ; 4
/// ```
fn regex(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let (name, text, re) = if args.len() == 3 {
        (args.text(0), args.text(1), args.text(2))
    } else {
        (Cow::Borrowed(DEFAULT_NAME), args.text(0), args.text(1))
    };
    cx.charge(1 + text.len() / 8)?;
    let compiled = match compile(cx.st, &re) {
        Ok(c) => c,
        Err(_) => return Ok(Value::int(-1)),
    };
    let subject = subject_of(&compiled, &text);
    let count = collect(cx.st, &name, &compiled, &subject, None)?;
    Ok(Value::int(count as i64))
}

/// `$regml([name,]N)`: the N-th captured group over all matches; N=0 gives the count.
/// Properties `.pos` (1-based character position), `.group`, `.match`.
///
/// ```mrc
/// echo -a $regex(abc123,/(\d+)/) $regml(1)   ; 1 123
/// ```
fn regml(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let (name, n) = if args.len() == 2 {
        (args.text(0), args.int(1))
    } else {
        (Cow::Borrowed(DEFAULT_NAME), args.int(0))
    };
    let Some(res) = cx.st.regex_results.get(fold(&name).as_ref()) else {
        return Ok(if n == 0 { Value::Int(0) } else { Value::Null });
    };
    if n == 0 {
        return Ok(Value::int(res.groups.len() as i64));
    }
    let Some(idx) = usize::try_from(n - 1)
        .ok()
        .filter(|&i| i < res.groups.len())
    else {
        return Ok(Value::Null);
    };
    let (text, pos, group) = &res.groups[idx];
    Ok(match args.prop().as_str() {
        "pos" | "bytepos" => Value::int(*pos as i64),
        "group" => Value::int(*group as i64),
        "match" => {
            let mut seen = 0;
            let mut m = 0;
            for (i, groups) in res.matches.iter().enumerate() {
                seen += groups.len();
                if idx < seen {
                    m = i + 1;
                    break;
                }
            }
            Value::int(m as i64)
        }
        _ => Value::text(text),
    })
}

/// `$regmlex([name,]M,N)`: group N (default 1) of match M; M=0 counts matches, N=0 counts
/// the groups of match M.
///
/// ```mrc
/// noop $regex(r,a1 b2,/(\w)(\d)/g) | echo -a $regmlex(r,2,2)   ; 2
/// ```
fn regmlex(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let numeric = |i: usize| args.vals.get(i).and_then(Value::as_number).is_some();
    let (name, m, n) = match args.len() {
        3 => (args.text(0), args.int(1), args.int(2)),
        2 if !numeric(0) => (args.text(0), args.int(1), 1),
        2 => (Cow::Borrowed(DEFAULT_NAME), args.int(0), args.int(1)),
        _ => (Cow::Borrowed(DEFAULT_NAME), args.int(0), 1),
    };
    let Some(res) = cx.st.regex_results.get(fold(&name).as_ref()) else {
        return Ok(if m == 0 { Value::Int(0) } else { Value::Null });
    };
    if m == 0 {
        return Ok(Value::int(res.matches.len() as i64));
    }
    let Some(groups) = usize::try_from(m - 1).ok().and_then(|i| res.matches.get(i)) else {
        return Ok(Value::Null);
    };
    if n == 0 {
        return Ok(Value::int(groups.len() as i64));
    }
    let Some((text, pos)) = usize::try_from(n - 1).ok().and_then(|i| groups.get(i)) else {
        return Ok(Value::Null);
    };
    Ok(match args.prop().as_str() {
        "pos" | "bytepos" => Value::int(*pos as i64),
        "match" => Value::int(m),
        "group" => Value::int(n),
        _ => Value::text(text),
    })
}

/// `$regsub([name,]text,re,subtext,%var)`: the number of substitutions. Storing the new text in
/// `%var` is the VM's job, through [`regsub_apply`]; called directly this only counts.
///
/// ```mrc
/// noop $regsub(abc,/b/,X,%x) | echo -a %x   ; aXc
/// ```
fn regsub(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let (name, first) = if args.len() == 5 {
        (args.text(0), 1)
    } else {
        (Cow::Borrowed(DEFAULT_NAME), 0)
    };
    let text = args.text(first);
    let re = args.text(first + 1);
    let sub = args.text(first + 2);
    match regsub_apply(cx.st, Some(&name), &text, &re, &sub) {
        Ok((count, _)) => Ok(Value::int(count)),
        Err(_) => Ok(Value::int(-1)),
    }
}

/// `$regerrstr`: the compile error of the last pattern that failed, or `$null`.
///
/// ```mrc
/// noop $regex(a,/(/) | echo -a $regerrstr   ; unclosed group
/// ```
fn regerrstr(cx: &mut Cx, _args: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text(&cx.st.regex_error))
}

/// Runs `$regsub`: substitutes `sub` for each match (`\0` whole match, `\1`… groups) and returns
/// `(count, new text)`; captures are kept under `name` (default name when `None`).
/// The VM calls this and stores the text in the `%var` argument.
///
/// ```text
/// let (n, s) = regsub_apply(st, None, "abc", "/b/", "[\\0]")?; // (1, "a[b]c")
/// ```
pub fn regsub_apply(
    st: &mut State,
    name: Option<&str>,
    text: &str,
    re: &str,
    sub: &str,
) -> RunResult<(i64, String)> {
    st.charge(1 + text.len() / 8)?;
    let compiled = compile(st, re).map_err(|e| bad_regex(&e))?;
    let subject = subject_of(&compiled, text);
    let mut spans = Vec::new();
    let count = collect(
        st,
        name.unwrap_or(DEFAULT_NAME),
        &compiled,
        &subject,
        Some(&mut spans),
    )?;
    let mut out = String::with_capacity(subject.len());
    let mut last = 0;
    for m in &spans {
        let Some((s, e)) = m[0] else { continue };
        out.push_str(&subject[last..s]);
        expand_sub(sub, &subject, m, &mut out);
        last = e;
    }
    out.push_str(&subject[last..]);
    st.check_len(out.len())?;
    Ok((count as i64, out))
}

/// Finds every match of `re` in `text` (every one with `g`, else the first) for `$regsubex`, and
/// keeps the captures under `name` as `$regex` does. With the `S` flag offsets refer to
/// [`regex_subject`]`(re, text)`, the text with control codes stripped.
///
/// ```text
/// let ms = regex_matches(st, None, "hello world", "/(\\w+)/g")?; // 2 matches
/// ```
pub fn regex_matches(
    st: &mut State,
    name: Option<&str>,
    text: &str,
    re: &str,
) -> RunResult<Vec<MatchInfo>> {
    st.charge(1 + text.len() / 8)?;
    let compiled = compile(st, re).map_err(|e| bad_regex(&e))?;
    let subject = subject_of(&compiled, text);
    let mut spans = Vec::new();
    collect(
        st,
        name.unwrap_or(DEFAULT_NAME),
        &compiled,
        &subject,
        Some(&mut spans),
    )?;
    let mut out = Vec::with_capacity(spans.len());
    let mut chars = CharCounter::default();
    for m in &spans {
        let Some((s, e)) = m[0] else { continue };
        let char_start = chars.at(&subject, s);
        let char_end = chars.at(&subject, e);
        out.push(MatchInfo {
            start: s,
            end: e,
            char_start,
            char_end,
            text: subject[s..e].to_string(),
            groups: m[1..]
                .iter()
                .map(|g| g.map(|(a, b)| subject[a..b].to_string()))
                .collect(),
        });
    }
    Ok(out)
}

/// The text a pattern actually matches against: `text` itself, or with control codes stripped
/// when the pattern has the `S` flag.
///
/// ```text
/// assert_eq!(regex_subject("/a/S", "\x02a"), "a");
/// ```
pub fn regex_subject<'a>(re: &str, text: &'a str) -> Cow<'a, str> {
    let (_, flags) = split_pattern(re);
    if flags.contains('S') {
        Cow::Owned(strip_codes(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// Rebuilds `subject` with each match replaced by the matching entry of `replacements`
/// (the VM's evaluated `$regsubex` subtext, one per match).
///
/// ```text
/// let s = splice("abc", &matches, &["X".to_string()]); // "aXc"
/// ```
pub fn splice(subject: &str, matches: &[MatchInfo], replacements: &[String]) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut last = 0;
    for (m, rep) in matches.iter().zip(replacements) {
        if m.start < last || m.end > subject.len() {
            continue;
        }
        out.push_str(&subject[last..m.start]);
        out.push_str(rep);
        last = m.end;
    }
    out.push_str(&subject[last..]);
    out
}

/// `$regex(text,re)` on values rather than source text: the match count, with the captures
/// kept for `$regml` (a regex event fills `$regml` this way before its handler runs, so the
/// message is never evaluated). It runs outside any script, so nothing is charged to a budget.
/// A bad pattern gives -1, as `$regex` does.
///
/// ```text
/// assert_eq!(regex_values(st, "abc 123", "/(\\d+)/")?, 1);
/// ```
pub fn regex_values(st: &mut State, text: &str, re: &str) -> RunResult<i64> {
    let Ok(compiled) = compile(st, re) else {
        return Ok(-1);
    };
    let subject = subject_of(&compiled, text);
    Ok(collect(st, DEFAULT_NAME, &compiled, &subject, None)? as i64)
}

/// Whether `re` matches anywhere in `text`, without touching `$regml` results (for `$hfind`,
/// `$read(…,r,…)`, `/write -r`). A bad pattern is an error naming it.
///
/// ```text
/// assert!(is_match(st, "/^a/i", "Abc")?);
/// ```
pub fn is_match(st: &mut State, re: &str, text: &str) -> RunResult<bool> {
    st.charge(1 + text.len() / 8)?;
    let compiled = compile(st, re).map_err(|e| bad_regex(&e))?;
    Ok(compiled_is_match(&compiled, text))
}

/// Whether compiled pattern `c` matches anywhere in `text` (a backtracking limit hit counts as
/// no match).
///
/// ```text
/// let re = compile(st, "/b/")?;
/// assert!(compiled_is_match(&re, "abc"));
/// ```
pub(crate) fn compiled_is_match(c: &CompiledRegex, text: &str) -> bool {
    let subject = subject_of(c, text);
    match &c.re {
        Compiled::Fast(r) => r.is_match(&subject),
        Compiled::Fancy(r) => r.is_match(&subject).unwrap_or(false),
    }
}

/// Strips mIRC control codes: bold, colour (with its `N[,N]` digits), hex colour, reset,
/// reverse, italic, strike, underline, monospace.
///
/// ```text
/// assert_eq!(strip_codes("\x034,5red\x0f"), "red");
/// ```
pub fn strip_codes(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        match b[i] {
            0x03 => {
                out.push_str(&text[run..i]);
                i += 1;
                i += digits(b, i, 2, u8::is_ascii_digit);
                if i + 1 < b.len() && b[i] == b',' && b[i + 1].is_ascii_digit() {
                    i += 1;
                    i += digits(b, i, 2, u8::is_ascii_digit);
                }
                run = i;
            }
            0x04 => {
                out.push_str(&text[run..i]);
                i += 1;
                i += digits(b, i, 6, u8::is_ascii_hexdigit);
                if i + 1 < b.len() && b[i] == b',' && b[i + 1].is_ascii_hexdigit() {
                    i += 1;
                    i += digits(b, i, 6, u8::is_ascii_hexdigit);
                }
                run = i;
            }
            0x02 | 0x0F | 0x11 | 0x16 | 0x1D | 0x1E | 0x1F => {
                out.push_str(&text[run..i]);
                i += 1;
                run = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[run..]);
    out
}

/// Counts up to `max` bytes from `at` that satisfy `ok`.
fn digits(b: &[u8], at: usize, max: usize, ok: fn(&u8) -> bool) -> usize {
    b[at.min(b.len())..]
        .iter()
        .take(max)
        .take_while(|c| ok(c))
        .count()
}

/// Compiles `pattern` (cached by its full text). The error text is also kept for `$regerrstr`.
///
/// ```text
/// let re = compile(st, "/a(?=b)/i")?; // needs fancy-regex
/// ```
pub(crate) fn compile(st: &mut State, pattern: &str) -> Result<Rc<CompiledRegex>, String> {
    if let Some(c) = st.regex_cache.get(pattern) {
        return Ok(Rc::clone(c));
    }
    let (body, flags) = split_pattern(pattern);
    let mut prefix = String::new();
    let (mut global, mut strip, mut anchored, mut keep_unset) = (false, false, false, false);
    for f in flags.chars() {
        match f {
            'i' | 'm' | 's' | 'x' | 'U' if !prefix.contains(f) => prefix.push(f),
            'g' => global = true,
            'S' => strip = true,
            'A' => anchored = true,
            'F' => keep_unset = true,
            _ => {}
        }
    }
    let mut full = String::with_capacity(body.len() + 12);
    if !prefix.is_empty() {
        full.push_str("(?");
        full.push_str(&prefix);
        full.push(')');
    }
    let body = translate_pcre(body);
    if anchored {
        full.push_str("\\A(?:");
        full.push_str(&body);
        full.push_str("\n)");
    } else {
        full.push_str(&body);
    }
    let re = match regex::Regex::new(&full) {
        Ok(r) => Compiled::Fast(r),
        Err(fast_err) => match fancy_regex::Regex::new(&full) {
            Ok(r) => Compiled::Fancy(r),
            Err(e) => {
                let msg = match fast_err {
                    regex::Error::CompiledTooBig(_) => fast_err.to_string(),
                    _ => e.to_string(),
                };
                st.regex_error.clone_from(&msg);
                return Err(msg);
            }
        },
    };
    let compiled = Rc::new(CompiledRegex {
        re,
        global,
        strip,
        keep_unset,
    });
    if st.regex_cache.len() >= MAX_CACHED {
        st.regex_cache.clear();
    }
    st.regex_cache.insert(pattern.into(), Rc::clone(&compiled));
    Ok(compiled)
}

/// Splits `/body/flags` into its parts; anything else is a bare body without flags.
fn split_pattern(p: &str) -> (&str, &str) {
    if p.len() >= 2 && p.starts_with('/') {
        if let Some(end) = p.rfind('/') {
            let flags = &p[end + 1..];
            if end > 0 && flags.bytes().all(|b| b.is_ascii_alphabetic()) {
                return (&p[1..end], flags);
            }
        }
    }
    (p, "")
}

/// Rewrites the PCRE escapes neither engine reads the PCRE way: `\Z` (end or before a final
/// newline), `\h`/`\H` (horizontal space), `\R` (any line break), `\Q…\E` (literal text).
///
/// ```text
/// assert_eq!(translate_pcre(r"a\Q.\E"), r"a\.");
/// ```
fn translate_pcre(body: &str) -> Cow<'_, str> {
    if !body.contains(['Z', 'h', 'H', 'R', 'Q']) || !body.contains('\\') {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len() + 16);
    let mut in_class = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match (e, in_class) {
                    ('Z', false) => out.push_str("(?:(?=\\n\\z)|\\z)"),
                    ('h', false) => out.push_str("[\\t\\x20\\xA0]"),
                    ('h', true) => out.push_str("\\t\\x20\\xA0"),
                    ('H', false) => out.push_str("[^\\t\\x20\\xA0]"),
                    ('R', false) => out.push_str("(?:\\r\\n|[\\n\\x0B\\x0C\\r])"),
                    ('Q', _) => {
                        let mut lit = String::new();
                        while let Some(q) = chars.next() {
                            if q == '\\' && chars.peek() == Some(&'E') {
                                chars.next();
                                break;
                            }
                            lit.push(q);
                        }
                        out.push_str(&regex::escape(&lit));
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The error for a pattern that does not compile.
fn bad_regex(msg: &str) -> RunErrorKind {
    RunErrorKind::Command(format!("invalid regular expression: {msg}"))
}

/// The subject for `c`: `text`, or `text` without control codes for `S`.
fn subject_of<'a>(c: &CompiledRegex, text: &'a str) -> Cow<'a, str> {
    if c.strip {
        Cow::Owned(strip_codes(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// Byte offset → 0-based character offset, for offsets visited in increasing order.
#[derive(Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    /// The character offset of byte offset `at` (never before the previous call's offset).
    fn at(&mut self, text: &str, at: usize) -> usize {
        if at < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += text[self.byte..at].chars().count();
        self.byte = at;
        self.chars
    }
}

/// Group spans of one match: index 0 is the whole match, then groups 1..N.
type Spans = Vec<Option<(usize, usize)>>;

/// Runs `c` over `subject`, keeps the captures under `name` and returns the match count.
/// When `spans` is given, every match's group spans are pushed to it.
fn collect(
    st: &mut State,
    name: &str,
    c: &CompiledRegex,
    subject: &str,
    mut spans: Option<&mut Vec<Spans>>,
) -> RunResult<usize> {
    let res = result_slot(st, name);
    let mut count = 0;
    let mut chars = CharCounter::default();
    let mut record = |m: &[Option<(usize, usize)>], res: &mut RegexResult| {
        count += 1;
        let mut groups = Vec::with_capacity(m.len().saturating_sub(1));
        for (g, span) in m.iter().enumerate().skip(1) {
            match span {
                Some((s, e)) => {
                    let pos = chars.at(subject, *s) + 1;
                    let text = subject[*s..*e].to_string();
                    res.groups.push((text.clone(), pos, g));
                    groups.push((text, pos));
                }
                None if c.keep_unset => {
                    res.groups.push((String::new(), 0, g));
                    groups.push((String::new(), 0));
                }
                None => {}
            }
        }
        res.matches.push(groups);
        if let Some(out) = spans.as_deref_mut() {
            out.push(m.to_vec());
        }
    };
    let mut buf: Spans = Vec::new();
    match &c.re {
        Compiled::Fast(r) if r.captures_len() == 1 => {
            let one = |m: regex::Match<'_>| [Some((m.start(), m.end()))];
            if c.global {
                for m in r.find_iter(subject) {
                    record(&one(m), res);
                }
            } else if let Some(m) = r.find(subject) {
                record(&one(m), res);
            }
        }
        Compiled::Fast(r) => {
            let fill = |caps: &regex::Captures<'_>, buf: &mut Spans| {
                buf.clear();
                buf.extend(caps.iter().map(|g| g.map(|m| (m.start(), m.end()))));
            };
            if c.global {
                for caps in r.captures_iter(subject) {
                    fill(&caps, &mut buf);
                    record(&buf, res);
                }
            } else if let Some(caps) = r.captures(subject) {
                fill(&caps, &mut buf);
                record(&buf, res);
            }
        }
        Compiled::Fancy(r) => {
            let err = |e: fancy_regex::Error| {
                RunErrorKind::Command(format!("regular expression failed: {e}"))
            };
            let fill = |caps: &fancy_regex::Captures<'_>, buf: &mut Spans| {
                buf.clear();
                buf.extend(caps.iter().map(|g| g.map(|m| (m.start(), m.end()))));
            };
            if c.global {
                for caps in r.captures_iter(subject) {
                    fill(&caps.map_err(err)?, &mut buf);
                    record(&buf, res);
                }
            } else if let Some(caps) = r.captures(subject).map_err(err)? {
                fill(&caps, &mut buf);
                record(&buf, res);
            }
        }
    }
    Ok(count)
}

/// The result slot for `name`, emptied and moved to the most-recent end; the oldest name is
/// dropped past [`MAX_RESULTS`]. Reuses the slot (no allocation) when the name is known.
fn result_slot<'a>(st: &'a mut State, name: &str) -> &'a mut RegexResult {
    let key = fold(name);
    let map = &mut st.regex_results;
    let idx = match map.get_index_of(key.as_ref()) {
        Some(idx) => {
            let last = map.len() - 1;
            if idx != last {
                map.move_index(idx, last);
            }
            last
        }
        None => {
            map.insert(key.into(), RegexResult::default());
            if map.len() > MAX_RESULTS {
                map.shift_remove_index(0);
            }
            map.len() - 1
        }
    };
    let (_, res) = map.get_index_mut(idx).expect("slot just placed");
    res.groups.clear();
    res.matches.clear();
    res
}

/// Appends `sub` to `out` with `\0` (whole match) and `\1`… (groups) replaced.
fn expand_sub(sub: &str, subject: &str, m: &[Option<(usize, usize)>], out: &mut String) {
    let b = sub.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
            let mut n = usize::from(b[i + 1] - b'0');
            let mut len = 2;
            if i + 2 < b.len() && b[i + 2].is_ascii_digit() {
                let two = n * 10 + usize::from(b[i + 2] - b'0');
                if two < m.len() {
                    n = two;
                    len = 3;
                }
            }
            out.push_str(&sub[run..i]);
            if let Some(Some((s, e))) = m.get(n) {
                out.push_str(&subject[*s..*e]);
            }
            i += len;
            run = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&sub[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordingHost;

    fn call(
        st: &mut State,
        f: crate::registry::IdentFn,
        vals: &[&str],
        prop: Option<&str>,
    ) -> String {
        let mut host = RecordingHost::default();
        let vals: Vec<Value> = vals.iter().copied().map(Value::text).collect();
        let mut cx = Cx {
            st,
            host: &mut host,
        };
        f(
            &mut cx,
            &Args {
                name: "test",
                vals: &vals,
                prop,
            },
        )
        .unwrap()
        .to_string()
    }

    fn fresh() -> State {
        let mut st = State::default();
        st.begin_run(0);
        st
    }

    #[test]
    fn conformance_counts() {
        let mut st = fresh();
        assert_eq!(call(&mut st, regex, &["abcd", "/[a-z]/g"], None), "4");
        assert_eq!(call(&mut st, regex, &["ABC", "/abc/i"], None), "1");
        assert_eq!(call(&mut st, regex, &["ABC", "/abc/"], None), "0");
        assert_eq!(call(&mut st, regex, &["a1b2c3", "/\\d/g"], None), "3");
        assert_eq!(
            call(&mut st, regex, &["foo", "abbadabba", "/(a|b)/g"], None),
            "8"
        );
        assert_eq!(call(&mut st, regml, &["foo", "0"], None), "8");
        assert_eq!(
            call(&mut st, regex, &["foo", "abbadabba", "/ (?:a|b)/g"], None),
            "0"
        );
    }

    #[test]
    fn conformance_regml() {
        let mut st = fresh();
        assert_eq!(
            call(&mut st, regex, &["name", "test", "/([es])/g"], None),
            "2"
        );
        assert_eq!(call(&mut st, regml, &["name", "0"], None), "2");
        assert_eq!(call(&mut st, regml, &["name", "1"], None), "e");
        assert_eq!(call(&mut st, regml, &["name", "2"], None), "s");
        assert_eq!(call(&mut st, regex, &["abc123", "/(\\d+)/"], None), "1");
        assert_eq!(call(&mut st, regml, &["1"], None), "123");
        assert_eq!(call(&mut st, regex, &["pp", "xxabc", "/(abc)/"], None), "1");
        assert_eq!(call(&mut st, regml, &["pp", "1"], Some("pos")), "3");
        assert_eq!(call(&mut st, regml, &["PP", "1"], Some("group")), "1");
    }

    #[test]
    fn regmlex_and_match_prop() {
        let mut st = fresh();
        assert_eq!(
            call(&mut st, regex, &["r", "a1 b2", "/(\\w)(\\d)/g"], None),
            "2"
        );
        assert_eq!(call(&mut st, regmlex, &["r", "2", "2"], None), "2");
        assert_eq!(call(&mut st, regmlex, &["r", "2"], None), "b");
        assert_eq!(call(&mut st, regmlex, &["r", "0", "0"], None), "2");
        assert_eq!(call(&mut st, regmlex, &["r", "1", "0"], None), "2");
        assert_eq!(call(&mut st, regml, &["r", "3"], Some("match")), "2");
    }

    #[test]
    fn fancy_fallback_and_errors() {
        let mut st = fresh();
        assert_eq!(call(&mut st, regex, &["foobar", "/foo(?=bar)/"], None), "1");
        assert_eq!(call(&mut st, regex, &["abab", "/(ab)\\1/"], None), "1");
        assert_eq!(call(&mut st, regex, &["a", "/(/"], None), "-1");
        assert!(!call(&mut st, regerrstr, &[], None).is_empty());
        assert_eq!(call(&mut st, regex, &["xAbc", "/abc/A"], None), "0");
        assert_eq!(call(&mut st, regex, &["aaa", "/a+?/U"], None), "1");
    }

    #[test]
    fn strip_flag_and_bare_patterns() {
        let mut st = fresh();
        assert_eq!(
            call(&mut st, regex, &["\x02bo\x02ld", "/bold/S"], None),
            "1"
        );
        assert_eq!(call(&mut st, regex, &["\x02bo\x02ld", "/bold/"], None), "0");
        assert_eq!(call(&mut st, regex, &["a/b", "a/b"], None), "1");
        assert_eq!(strip_codes("\x034,5red\x0f \x1fu"), "red u");
    }

    #[test]
    fn regsub_and_matches() {
        let mut st = fresh();
        let (n, s) = regsub_apply(&mut st, None, "hello world", "/(o)/g", "[\\1]").unwrap();
        assert_eq!((n, s.as_str()), (2, "hell[o] w[o]rld"));
        let (n, s) = regsub_apply(&mut st, Some("x"), "abc", "/z/", "Q").unwrap();
        assert_eq!((n, s.as_str()), (0, "abc"));
        let ms = regex_matches(&mut st, None, "héllo wörld", "/(\\w+)/g").unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!((ms[1].char_start, ms[1].char_end), (6, 11));
        assert_eq!(ms[1].groups, vec![Some("wörld".to_string())]);
        let reps: Vec<String> = ms.iter().map(|m| m.text.to_uppercase()).collect();
        assert_eq!(splice("héllo wörld", &ms, &reps), "HÉLLO WÖRLD");
        assert_eq!(call(&mut st, regsub, &["abc", "/b/", "X", "%v"], None), "1");
    }

    #[test]
    fn pcre_escapes() {
        let mut st = fresh();
        assert_eq!(call(&mut st, regex, &["ab\n", "/b\\Z/"], None), "1");
        assert_eq!(call(&mut st, regex, &["ab\nc", "/b\\Z/"], None), "0");
        assert_eq!(call(&mut st, regex, &["a\tb", "/a\\hb/"], None), "1");
        assert_eq!(call(&mut st, regex, &["a1b", "/a\\hb/"], None), "0");
        assert_eq!(call(&mut st, regex, &["a.b", "/\\Qa.b\\E/"], None), "1");
        assert_eq!(call(&mut st, regex, &["axb", "/\\Qa.b\\E/"], None), "0");
        assert_eq!(call(&mut st, regex, &["a\r\nb", "/a\\Rb/"], None), "1");
        assert_eq!(call(&mut st, regex, &["[h]", "/[\\]h]/g"], None), "2");
    }

    #[test]
    fn keeps_fifty_names() {
        let mut st = fresh();
        for i in 0..60 {
            call(&mut st, regex, &[&format!("n{i}"), "a", "/(a)/"], None);
        }
        assert_eq!(st.regex_results.len(), MAX_RESULTS);
        assert_eq!(call(&mut st, regml, &["n5", "0"], None), "0");
        assert_eq!(call(&mut st, regml, &["n59", "1"], None), "a");
    }
}
