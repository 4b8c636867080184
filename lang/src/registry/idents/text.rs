//! Text identifiers: `$len`, `$left`, `$right`, `$mid`, `$upper`, `$replace`, `$pos`, `$str`,
//! `$chr`, `$asc`, `$strip`, `$qt`, `$ord`, `$utfencode`, `$+` and friends.
//!
//! Positions and lengths count Unicode characters. Case-insensitive searches fold ASCII and
//! simple one-to-one Unicode lower case; the helpers [`find`], [`eq_ci`] and [`fold_char`] are
//! shared with the token family.

use crate::error::RunResult;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::Value;
use memchr::memmem;

/// The text family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "len",
        arity: Arity::exact(1),
        run: len,
    },
    IdentSpec {
        name: "left",
        arity: Arity::exact(2),
        run: left,
    },
    IdentSpec {
        name: "right",
        arity: Arity::exact(2),
        run: right,
    },
    IdentSpec {
        name: "mid",
        arity: Arity::range(2, 3),
        run: mid,
    },
    IdentSpec {
        name: "upper",
        arity: Arity::exact(1),
        run: upper,
    },
    IdentSpec {
        name: "lower",
        arity: Arity::exact(1),
        run: lower,
    },
    IdentSpec {
        name: "isupper",
        arity: Arity::exact(1),
        run: isupper,
    },
    IdentSpec {
        name: "islower",
        arity: Arity::exact(1),
        run: islower,
    },
    IdentSpec {
        name: "replace",
        arity: Arity::at_least(2),
        run: replace,
    },
    IdentSpec {
        name: "replacecs",
        arity: Arity::at_least(2),
        run: replacecs,
    },
    IdentSpec {
        name: "replacex",
        arity: Arity::at_least(2),
        run: replacex,
    },
    IdentSpec {
        name: "replacexcs",
        arity: Arity::at_least(2),
        run: replacexcs,
    },
    IdentSpec {
        name: "remove",
        arity: Arity::at_least(1),
        run: remove,
    },
    IdentSpec {
        name: "removecs",
        arity: Arity::at_least(1),
        run: removecs,
    },
    IdentSpec {
        name: "pos",
        arity: Arity::range(2, 3),
        run: pos,
    },
    IdentSpec {
        name: "poscs",
        arity: Arity::range(2, 3),
        run: poscs,
    },
    IdentSpec {
        name: "count",
        arity: Arity::at_least(2),
        run: count,
    },
    IdentSpec {
        name: "countcs",
        arity: Arity::at_least(2),
        run: countcs,
    },
    IdentSpec {
        name: "str",
        arity: Arity::exact(2),
        run: str_,
    },
    IdentSpec {
        name: "chr",
        arity: Arity::exact(1),
        run: chr,
    },
    IdentSpec {
        name: "asc",
        arity: Arity::exact(1),
        run: asc,
    },
    IdentSpec {
        name: "cr",
        arity: Arity::exact(0),
        run: cr,
    },
    IdentSpec {
        name: "lf",
        arity: Arity::exact(0),
        run: lf,
    },
    IdentSpec {
        name: "crlf",
        arity: Arity::exact(0),
        run: crlf,
    },
    IdentSpec {
        name: "strip",
        arity: Arity::range(1, 2),
        run: strip,
    },
    IdentSpec {
        name: "qt",
        arity: Arity::exact(1),
        run: qt,
    },
    IdentSpec {
        name: "noqt",
        arity: Arity::exact(1),
        run: noqt,
    },
    IdentSpec {
        name: "ord",
        arity: Arity::exact(1),
        run: ord,
    },
    IdentSpec {
        name: "utfencode",
        arity: Arity::range(1, 2),
        run: utfencode,
    },
    IdentSpec {
        name: "utfdecode",
        arity: Arity::range(1, 2),
        run: utfdecode,
    },
    IdentSpec {
        name: "isutf",
        arity: Arity::exact(1),
        run: isutf,
    },
    IdentSpec {
        name: "mkfn",
        arity: Arity::exact(1),
        run: mkfn,
    },
    IdentSpec {
        name: "null",
        arity: Arity::ANY,
        run: null,
    },
    IdentSpec {
        name: "true",
        arity: Arity::exact(0),
        run: true_,
    },
    IdentSpec {
        name: "false",
        arity: Arity::exact(0),
        run: false_,
    },
    IdentSpec {
        name: "+",
        arity: Arity::ANY,
        run: plus,
    },
];

// ---------------------------------------------------------------------------------------------
// Shared helpers.

/// Folds one character for case-insensitive comparison (ASCII, then simple Unicode lower case).
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Case-insensitive equality: `eq_ci("Abc", "aBC")`.
#[inline]
pub(crate) fn eq_ci(a: &str, b: &str) -> bool {
    if a.len() == b.len() && a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return false;
    }
    let mut x = a.chars().map(fold_char);
    let mut y = b.chars().map(fold_char);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}

/// Finds `needle` (non-empty) in `hay` from byte `from`; returns the match's byte range.
/// `find("Hello", "LL", 0, false)` is `Some((2, 4))`.
pub(crate) fn find(hay: &str, needle: &str, from: usize, cs: bool) -> Option<(usize, usize)> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    let h = &hay.as_bytes()[from..];
    if cs {
        return memmem::find(h, needle.as_bytes()).map(|i| (from + i, from + i + needle.len()));
    }
    let n = needle.as_bytes();
    if needle.is_ascii() {
        // ASCII needle: byte-wise comparison; non-ASCII bytes never match ASCII ones.
        let first = n[0];
        let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
        let mut base = 0;
        while let Some(i) = memchr::memchr2(lo, up, &h[base..]) {
            let at = base + i;
            if h.len() - at >= n.len() && h[at..at + n.len()].eq_ignore_ascii_case(n) {
                return Some((from + at, from + at + n.len()));
            }
            base = at + 1;
        }
        return None;
    }
    // General case: compare folded characters at each character boundary.
    let pat: Vec<char> = needle.chars().map(fold_char).collect();
    let rest = &hay[from..];
    for (start, _) in rest.char_indices() {
        let mut it = rest[start..].char_indices();
        let mut ok = true;
        let mut end = start;
        for &p in &pat {
            match it.next() {
                Some((i, c)) if fold_char(c) == p => end = start + i + c.len_utf8(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some((from + start, from + end));
        }
    }
    None
}

/// Number of characters in `s` (ASCII fast path).
#[inline]
pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Byte offset of character `n` (clamped to the end).
#[inline]
fn byte_at(s: &str, n: usize) -> usize {
    if s.is_ascii() {
        n.min(s.len())
    } else {
        s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
    }
}

/// A count argument clamped to `usize` (negative → 0).
fn to_usize(i: i64) -> usize {
    usize::try_from(i.max(0)).unwrap_or(usize::MAX)
}

/// Fuel for work over `n` bytes.
pub(crate) fn charge_len(cx: &mut Cx, n: usize) -> RunResult<()> {
    cx.charge(n / 64 + 1)
}

// ---------------------------------------------------------------------------------------------
// Length and slicing.

/// `$len(text)`: number of characters; `$len(ONE TWO)` → `7`.
fn len(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(char_len(&a.text(0)) as i64))
}

/// `$left(text, N)`: first N characters; N < 0 drops the last |N|; `$left(abcdefg,-2)` → `abcde`.
fn left(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let n = a.int(1);
    let total = char_len(&s);
    let take = if n >= 0 {
        to_usize(n).min(total)
    } else {
        total.saturating_sub(to_usize(-n))
    };
    Ok(Value::text(&s[..byte_at(&s, take)]))
}

/// `$right(text, N)`: last N characters; N < 0 drops the first |N|; `$right(abcdefg,4)` → `defg`.
fn right(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let n = a.int(1);
    let total = char_len(&s);
    let skip = if n >= 0 {
        total.saturating_sub(to_usize(n))
    } else {
        to_usize(-n).min(total)
    };
    Ok(Value::text(&s[byte_at(&s, skip)..]))
}

/// `$mid(text, start [, len])`: substring; start is 1-based, negative counts from the end,
/// a negative len drops that many from the end; `$mid(abcdefghij,-6,2)` → `ef`.
fn mid(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let total = char_len(&s) as i64;
    let st = a.int(1);
    let start = if st < 0 {
        (total + st).max(0)
    } else {
        (st - 1).max(0)
    };
    if start >= total {
        return Ok(Value::Null);
    }
    let end = if a.has(2) {
        let n = a.int(2);
        if n >= 0 {
            start.saturating_add(n).min(total)
        } else {
            total + n
        }
    } else {
        total
    };
    if end <= start {
        return Ok(Value::Null);
    }
    let (b0, b1) = (byte_at(&s, to_usize(start)), byte_at(&s, to_usize(end)));
    Ok(Value::text(&s[b0..b1]))
}

// ---------------------------------------------------------------------------------------------
// Case.

/// Maps each character through a one-to-one case mapping (multi-character results are skipped,
/// as mIRC keeps one character per character).
fn map_case(s: &str, up: bool) -> String {
    if s.is_ascii() {
        return if up {
            s.to_ascii_uppercase()
        } else {
            s.to_ascii_lowercase()
        };
    }
    s.chars()
        .map(|c| {
            let mut it: Box<dyn Iterator<Item = char>> = if up {
                Box::new(c.to_uppercase())
            } else {
                Box::new(c.to_lowercase())
            };
            match (it.next(), it.next()) {
                (Some(m), None) => m,
                _ => c,
            }
        })
        .collect()
}

/// `$upper(text)`: upper-cased text; `$upper(HeLlO)` → `HELLO`.
fn upper(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::from_string(map_case(&a.text(0), true)))
}

/// `$lower(text)`: lower-cased text; `$lower(HeLlO)` → `hello`.
fn lower(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::from_string(map_case(&a.text(0), false)))
}

/// `$isupper(text)`: `$true` when the text has no lower-case letters; `$isupper(ABC!)` → `$true`.
fn isupper(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(!a.text(0).chars().any(char::is_lowercase)))
}

/// `$islower(text)`: `$true` when the text has no upper-case letters; `$islower(abc1)` → `$true`.
fn islower(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(!a.text(0).chars().any(char::is_uppercase)))
}

// ---------------------------------------------------------------------------------------------
// Replace, remove, search.

/// Replaces every non-overlapping `from` with `to`, scanning left to right.
/// Returns `None` (and allocates nothing) when `from` does not occur.
fn replace_all(s: &str, from: &str, to: &str, cs: bool) -> Option<String> {
    let first = find(s, from, 0, cs)?;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut next = Some(first);
    while let Some((b, e)) = next {
        out.push_str(&s[last..b]);
        out.push_str(to);
        last = e;
        next = find(s, from, e, cs);
    }
    out.push_str(&s[last..]);
    Some(out)
}

/// Checks that a result of `len` bytes is allowed.
fn check(cx: &Cx, len: usize) -> RunResult<()> {
    cx.st.check_len(len)
}

/// Shared body of `$replace` / `$replacecs`: each pair applied in turn to the whole text.
fn replace_seq(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let mut s: Option<String> = None;
    let first = a.text(0);
    let mut i = 1;
    while i < a.len() {
        let from = a.text(i);
        let to = a.text(i + 1);
        let cur = s.as_deref().unwrap_or(&first);
        charge_len(cx, cur.len())?;
        if let Some(new) = replace_all(cur, &from, &to, cs) {
            check(cx, new.len())?;
            s = Some(new);
        }
        i += 2;
    }
    // Unchanged text is returned as given, without a copy.
    Ok(s.map_or_else(|| a.val(0), Value::from_string))
}

/// `$replace(text, a, b [, c, d…])`: case-insensitive; each pair applied in order to the already
/// changed text; `$replace(1 2 3 4,1,2,2,3,3,4,4,5)` → `5 5 5 5`.
fn replace(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    replace_seq(cx, a, false)
}

/// `$replacecs(text, a, b …)`: case-sensitive `$replace`; `$replacecs(aAaA,a,x)` → `xAxA`.
fn replacecs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    replace_seq(cx, a, true)
}

/// Whether `needle` occurs at byte `at` of `s`; returns the end offset.
fn match_at(s: &str, at: usize, needle: &str, cs: bool) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let rest = &s[at..];
    if cs || needle.is_ascii() {
        if rest.len() < needle.len() {
            return None;
        }
        let head = &rest.as_bytes()[..needle.len()];
        let ok = if cs {
            head == needle.as_bytes()
        } else {
            head.eq_ignore_ascii_case(needle.as_bytes())
        };
        return ok.then_some(at + needle.len());
    }
    let mut it = rest.char_indices();
    let mut end = at;
    for p in needle.chars() {
        match it.next() {
            Some((i, c)) if fold_char(c) == fold_char(p) => end = at + i + c.len_utf8(),
            _ => return None,
        }
    }
    Some(end)
}

/// Shared body of `$replacex` / `$replacexcs`: one scan trying every pair at each position.
fn replace_scan(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let s = a.text(0);
    charge_len(cx, s.len().saturating_mul(a.len() / 2 + 1))?;
    let pairs: Vec<(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)> = (1..a.len())
        .step_by(2)
        .map(|i| (a.text(i), a.text(i + 1)))
        .collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    'outer: while i < s.len() {
        for (from, to) in &pairs {
            if let Some(end) = match_at(&s, i, from, cs) {
                out.push_str(to);
                check(cx, out.len())?;
                i = end;
                continue 'outer;
            }
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    Ok(Value::from_string(out))
}

/// `$replacex(text, a, b …)`: a single left-to-right scan; replaced text is not re-examined;
/// `$replacex(1234,234,z,123,u)` → `u4`.
fn replacex(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    replace_scan(cx, a, false)
}

/// `$replacexcs(text, a, b …)`: case-sensitive `$replacex`; `$replacexcs(aAbB,a,b,b,c)` → `bAcB`.
fn replacexcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    replace_scan(cx, a, true)
}

/// Shared body of `$remove` / `$removecs`.
fn remove_seq(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let mut s: Option<String> = None;
    let first = a.text(0);
    for i in 1..a.len() {
        let sub = a.text(i);
        let cur = s.as_deref().unwrap_or(&first);
        charge_len(cx, cur.len())?;
        if let Some(new) = replace_all(cur, &sub, "", cs) {
            s = Some(new);
        }
    }
    Ok(s.map_or_else(|| a.val(0), Value::from_string))
}

/// `$remove(text, s1 [, s2…])`: every occurrence removed, case-insensitive, one substring after
/// another; `$remove(aAabcdaaA,a)` → `bcd`.
fn remove(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    remove_seq(cx, a, false)
}

/// `$removecs(text, s1 …)`: case-sensitive `$remove`; `$removecs(aAabcdaaA,a)` → `AbcdA`.
fn removecs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    remove_seq(cx, a, true)
}

/// Shared body of `$pos` / `$poscs`.
fn pos_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let s = a.text(0);
    let sub = a.text(1);
    charge_len(cx, s.len())?;
    if sub.is_empty() {
        return Ok(Value::Null);
    }
    let n = if a.has(2) { a.int(2) } else { 1 };
    if n < 0 {
        return Ok(Value::Null);
    }
    let mut seen = 0i64;
    let mut at = 0;
    while let Some((b, e)) = find(&s, &sub, at, cs) {
        seen += 1;
        if n != 0 && seen == n {
            return Ok(Value::int(char_len(&s[..b]) as i64 + 1));
        }
        at = e;
    }
    Ok(if n == 0 {
        Value::int(seen)
    } else {
        Value::Null
    })
}

/// `$pos(text, sub [, N])`: 1-based position of the N-th occurrence (N=0: count), or `$null`;
/// `$pos(DEADBEEF,e,2)` → `6`.
fn pos(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    pos_impl(cx, a, false)
}

/// `$poscs(text, sub [, N])`: case-sensitive `$pos`; `$poscs(abcABC,BC)` → `5`.
fn poscs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    pos_impl(cx, a, true)
}

/// Shared body of `$count` / `$countcs`.
fn count_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let s = a.text(0);
    let mut total = 0i64;
    for i in 1..a.len() {
        let sub = a.text(i);
        charge_len(cx, s.len())?;
        let mut at = 0;
        while let Some((_, e)) = find(&s, &sub, at, cs) {
            total += 1;
            at = e;
        }
    }
    Ok(Value::int(total))
}

/// `$count(text, s1 [, s2…])`: total occurrences, case-insensitive;
/// `$count(My string to match,str,m)` → `3`.
fn count(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    count_impl(cx, a, false)
}

/// `$countcs(text, s1 …)`: case-sensitive `$count`; `$countcs(Apples and Oranges,a)` → `2`.
fn countcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    count_impl(cx, a, true)
}

// ---------------------------------------------------------------------------------------------
// Building text.

/// `$str(text, N)`: text repeated N times (N < 1 → `$null`); `$str(Yes,3)` → `YesYesYes`.
fn str_(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let n = a.int(1);
    if n < 1 || s.is_empty() {
        return Ok(Value::Null);
    }
    let total = s.len().saturating_mul(to_usize(n));
    check(cx, total)?;
    charge_len(cx, total)?;
    Ok(Value::from_string(s.repeat(to_usize(n))))
}

/// `$chr(N)`: the character with codepoint N; `$chr(65)` → `A`.
fn chr(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = a.int(0);
    match u32::try_from(n)
        .ok()
        .filter(|&n| n > 0)
        .and_then(char::from_u32)
    {
        Some(c) => Ok(Value::text(c.encode_utf8(&mut [0u8; 4]))),
        None => Ok(Value::Null),
    }
}

/// `$asc(c)`: codepoint of the first character; `$asc(A)` → `65`.
fn asc(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(a.text(0)
        .chars()
        .next()
        .map_or(Value::Null, |c| Value::int(i64::from(u32::from(c)))))
}

/// `$cr`: carriage return, `$chr(13)`.
fn cr(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text("\r"))
}

/// `$lf`: line feed, `$chr(10)`.
fn lf(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text("\n"))
}

/// `$crlf`: `$cr $+ $lf`; `$len($crlf)` → `2`.
fn crlf(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text("\r\n"))
}

/// Removes control codes: `b` bold (2), `u` underline (31), `r` reverse (22), `c` colour (3 with
/// its `NN[,NN]` digits, and 4 with hex colours), `i` italics (29), `o` plain (15),
/// `m` monospace (17), `e` strike-through (30). `None` strips all of them.
pub(crate) fn strip_codes(s: &str, which: Option<&str>) -> String {
    let want = |c: char| which.is_none_or(|w| w.contains(c) || w.contains(c.to_ascii_uppercase()));
    let (b, u, r, col, i, o, m, e) = (
        want('b'),
        want('u'),
        want('r'),
        want('c'),
        want('i'),
        want('o'),
        want('m'),
        want('e'),
    );
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut k = 0;
    while k < bytes.len() {
        let ch = bytes[k];
        let drop = match ch {
            2 => b,
            31 => u,
            22 => r,
            29 => i,
            15 => o,
            17 => m,
            30 => e,
            3 if col => {
                k += 1;
                let digits = |k: &mut usize| {
                    let mut n = 0;
                    while n < 2 && *k < bytes.len() && bytes[*k].is_ascii_digit() {
                        *k += 1;
                        n += 1;
                    }
                    n
                };
                if digits(&mut k) > 0
                    && k + 1 < bytes.len()
                    && bytes[k] == b','
                    && bytes[k + 1].is_ascii_digit()
                {
                    k += 1;
                    digits(&mut k);
                }
                continue;
            }
            4 if col => {
                k += 1;
                let hex = |k: &mut usize| {
                    let start = *k;
                    while *k - start < 6 && *k < bytes.len() && bytes[*k].is_ascii_hexdigit() {
                        *k += 1;
                    }
                    *k - start
                };
                if hex(&mut k) == 6
                    && k + 1 < bytes.len()
                    && bytes[k] == b','
                    && bytes[k + 1].is_ascii_hexdigit()
                {
                    k += 1;
                    hex(&mut k);
                }
                continue;
            }
            _ => false,
        };
        if drop {
            k += 1;
            continue;
        }
        // Copy one whole character.
        let c = s[k..].chars().next().unwrap_or(' ');
        out.push(c);
        k += c.len_utf8();
    }
    out
}

/// `$strip(text [, burcimoe])`: text without control codes; `$strip(<b>bold<b>)` → `bold`.
fn strip(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    charge_len(cx, s.len())?;
    let which = if a.has(1) { Some(a.text(1)) } else { None };
    Ok(Value::from_string(strip_codes(&s, which.as_deref())))
}

/// `$qt(text)`: adds `"` at either end where missing; `$qt(abc)` → `"abc"`.
fn qt(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let mut out = String::with_capacity(s.len() + 2);
    if !s.starts_with('"') {
        out.push('"');
    }
    out.push_str(&s);
    if !s.ends_with('"') || s == "\"" {
        out.push('"');
    }
    Ok(Value::from_string(out))
}

/// `$noqt(text)`: one enclosing `"` removed from each end; `$noqt("abc")` → `abc`.
fn noqt(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let t = s.strip_prefix('"').unwrap_or(&s);
    let t = t.strip_suffix('"').unwrap_or(t);
    Ok(Value::text(t))
}

/// `$ord(N)`: N with its English ordinal suffix; `$ord(23)` → `23rd`.
fn ord(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let t = s.trim();
    if t.is_empty()
        || !t
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
        || t == "-"
    {
        return Ok(Value::Null);
    }
    let digits = t.as_bytes();
    let last = digits[digits.len() - 1];
    let tens = if digits.len() >= 2 {
        digits[digits.len() - 2]
    } else {
        b'0'
    };
    let suffix = if tens == b'1' {
        "th"
    } else {
        match last {
            b'1' => "st",
            b'2' => "nd",
            b'3' => "rd",
            _ => "th",
        }
    };
    Ok(Value::from_string(format!("{t}{suffix}")))
}

// ---------------------------------------------------------------------------------------------
// UTF-8 and filenames.

/// Reads text whose characters are all below 256 as bytes, else `None`.
pub(crate) fn latin1_bytes(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// Bytes shown one character per byte (Latin-1).
pub(crate) fn bytes_as_latin1(b: &[u8]) -> String {
    b.iter().map(|&x| char::from(x)).collect()
}

/// `$utfencode(text)`: the UTF-8 bytes of text, one character per byte;
/// `$len($utfencode($chr(233)))` → `2`.
fn utfencode(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    Ok(Value::from_string(bytes_as_latin1(s.as_bytes())))
}

/// `$utfdecode(text)`: text whose characters are UTF-8 bytes decoded; other text is returned
/// unchanged; `$utfdecode($utfencode(é))` → `é`.
fn utfdecode(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    match latin1_bytes(&s).and_then(|b| String::from_utf8(b).ok()) {
        Some(d) => Ok(Value::from_string(d)),
        None => Ok(Value::text(&*s)),
    }
}

/// `$isutf(text)`: 1 for plain ASCII, 2 for valid UTF-8 (read one byte per character),
/// 0 for invalid; `$isutf(abc)` → `1`.
fn isutf(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    if s.is_ascii() {
        return Ok(Value::int(1));
    }
    Ok(Value::int(match latin1_bytes(&s) {
        Some(b) => {
            if std::str::from_utf8(&b).is_ok() {
                2
            } else {
                0
            }
        }
        // Characters above 255 are already decoded text.
        None => 2,
    }))
}

/// `$mkfn(text)`: text made into a valid filename, bad characters replaced by `_`;
/// `$mkfn(a:b?)` → `a_b_`.
fn mkfn(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    let out: String = s
        .chars()
        .map(|c| {
            if matches!(c, '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    Ok(Value::from_string(out))
}

// ---------------------------------------------------------------------------------------------
// Constants and joining.

/// `$null`: the empty string; `$len($null)` → `0`.
fn null(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::Null)
}

/// `$true`: the text `$true`.
fn true_(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(true))
}

/// `$false`: the text `$false`.
fn false_(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(false))
}

/// `$+(a, b, …)`: all arguments joined; `$+(a,$null,b)` → `ab`.
fn plus(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.len() == 1 {
        return Ok(a.val(0));
    }
    let mut out = String::new();
    for v in a.vals {
        v.write_to(&mut out);
    }
    check(cx, out.len())?;
    Ok(Value::from_string(out))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::host::RecordingHost;
    use crate::registry::{IdentFn, Registry};
    use crate::state::State;

    /// Calls identifier `name` of the standard registry with text arguments and a prop.
    pub(crate) fn call_prop(name: &str, args: &[&str], prop: Option<&str>) -> String {
        let reg = Registry::standard();
        let id = reg.ident_id(name).unwrap_or_else(|| panic!("no ${name}"));
        let f: IdentFn = reg.ident(id).run;
        let mut st = State::default();
        st.begin_run(0);
        let mut host = RecordingHost {
            fixed_now_ms: Some(1_234_567_890_000),
            ..RecordingHost::default()
        };
        let mut cx = Cx {
            st: &mut st,
            host: &mut host,
        };
        let vals: Vec<Value> = args.iter().map(Value::text).collect();
        f(
            &mut cx,
            &Args {
                name,
                vals: &vals,
                prop,
            },
        )
        .unwrap()
        .as_str()
        .into_owned()
    }

    /// Calls identifier `name` with text arguments.
    pub(crate) fn call(name: &str, args: &[&str]) -> String {
        call_prop(name, args, None)
    }

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("len", &["ONE"], "3"),
            ("len", &["apples and oranges"], "18"),
            ("len", &[""], "0"),
            ("len", &["ababababab"], "10"),
            ("left", &["abcdefg", "4"], "abcd"),
            ("left", &["abcdefg", "-4"], "abc"),
            ("left", &["appleseed", "-4"], "apple"),
            ("left", &["[AB]BotName", "4"], "[AB]"),
            ("left", &["Hello There!", "5"], "Hello"),
            ("left", &["abc", "10"], "abc"),
            ("left", &["abc", "0"], ""),
            ("right", &["abcdefg", "4"], "defg"),
            ("right", &["abcdefg", "-2"], "cdefg"),
            ("right", &["[AB]BotName", "4"], "Name"),
            ("right", &["Hi World!", "6"], "World!"),
            ("right", &["abcdefghij", "6"], "efghij"),
            ("mid", &["abcdefghij", "2", "3"], "bcd"),
            ("mid", &["abcdefghij", "2"], "bcdefghij"),
            ("mid", &["abcdefghij", "2", "9999"], "bcdefghij"),
            ("mid", &["abcdefghij", "-6", "2"], "ef"),
            ("mid", &["abcdefghij", "-6"], "efghij"),
            ("mid", &["abcdefghij", "3", "-2"], "cdefgh"),
            ("mid", &["Hello World", "7"], "World"),
            ("mid", &["abcdefghij", "11"], ""),
            ("upper", &["HeLlO tHeRe"], "HELLO THERE"),
            ("lower", &["HeLlO tHeRe"], "hello there"),
            ("upper", &["é"], "É"),
            ("upper", &["abc123!"], "ABC123!"),
            ("isupper", &["Some random line!"], "$false"),
            ("isupper", &["SOME RANDOM LINE!"], "$true"),
            ("islower", &["some random line!"], "$true"),
            ("islower", &["abcdefG"], "$false"),
            ("isupper", &["ABCDEFG"], "$true"),
            ("isupper", &["ABCDEFg"], "$false"),
            ("replace", &["hello", "l", "L"], "heLLo"),
            (
                "replace",
                &["Hello World!", "world", "there"],
                "Hello there!",
            ),
            (
                "replace",
                &["1 2 3 4", "1", "2", "2", "3", "3", "4", "4", "5"],
                "5 5 5 5",
            ),
            (
                "replacex",
                &["1 2 3 4", "1", "2", "2", "3", "3", "4", "4", "5"],
                "2 3 4 5",
            ),
            ("replace", &["Abcdabcd", "a", "b", "a", "c"], "bbcdbbcd"),
            ("replace", &["abcdabcd", "a", "aa", "a", "x"], "xxbcdxxbcd"),
            ("replace", &["1234", "1", "2", "2", "3", "3", "4"], "4444"),
            ("replacex", &["1234", "1", "2", "2", "3", "3", "4"], "2344"),
            ("replace", &["aaaaaa", "aa", "a"], "aaa"),
            ("replacex", &["aaaaaa", "aa", "a", "aa", "a"], "aaa"),
            ("replace", &["aaabbb", "ab", ""], "aabb"),
            ("replace", &["aaabbb", "", "ab"], "aaabbb"),
            ("replace", &["red fred red", "red", "x"], "x fx x"),
            ("replace", &["red fred red", " red", "x"], "red fredx"),
            ("replace", &["1234", "234", "z", "123", "u"], "1z"),
            ("replacex", &["1234", "234", "z", "123", "u"], "u4"),
            ("replacex", &["abc", "ab", "c", "cc", "d"], "cc"),
            ("replacecs", &["aAaA", "a", "x"], "xAxA"),
            ("replacexcs", &["aAbB", "a", "b", "b", "c"], "bAcB"),
            ("replace", &["a b c", " ", ""], "abc"),
            (
                "remove",
                &["aa bb cc dd ee aa bb cc dd ee", "bb", "dd"],
                "aa  cc  ee aa  cc  ee",
            ),
            ("remove", &["aAabcdaaA", "a"], "bcd"),
            ("remove", &["AaCcX", "ac", "ac"], "X"),
            ("remove", &["AaCcX", "ac"], "AcX"),
            ("removecs", &["aAabcdaaA", "a"], "AbcdA"),
            ("remove", &["a.b.c", "."], "abc"),
            ("pos", &["DEADBEEF", "E"], "2"),
            ("pos", &["DEADBEEF", "e", "2"], "6"),
            ("pos", &["DEADBEEF", "e", "0"], "3"),
            ("pos", &["deadbeef", "db", "1"], "4"),
            ("pos", &["abcabc", "bc", "2"], "5"),
            ("poscs", &["abcABC", "BC"], "5"),
            ("pos", &["abc", "z"], ""),
            ("count", &["My string to match", "str"], "1"),
            ("count", &["My string to match", "str", "m"], "3"),
            ("countcs", &["Apples and Oranges", "a"], "2"),
            ("str", &["Yes", "3"], "YesYesYes"),
            ("str", &["=+", "3"], "=+=+=+"),
            ("str", &["ab", "0"], ""),
            ("str", &["Yes ", "3"], "Yes Yes Yes "),
            ("str", &["-", "5"], "-----"),
            ("chr", &["65"], "A"),
            ("chr", &["63"], "?"),
            ("chr", &["0"], ""),
            ("asc", &["A"], "65"),
            ("asc", &["7"], "55"),
            ("asc", &["mIRC"], "109"),
            ("asc", &["\\"], "92"),
            ("asc", &["é"], "233"),
            ("asc", &["\r"], "13"),
            ("asc", &["\n"], "10"),
            ("+", &["a", "b", "c"], "abc"),
            ("+", &["a", "", "b"], "ab"),
            ("+", &["7", "000"], "7000"),
            ("true", &[], "$true"),
            ("false", &[], "$false"),
            ("null", &[], ""),
            ("qt", &["abc"], "\"abc\""),
            ("qt", &["\"\"\"Test\"\"String"], "\"\"\"Test\"\"String\""),
            ("noqt", &["\"abc\""], "abc"),
            ("ord", &["1"], "1st"),
            ("ord", &["3"], "3rd"),
            ("ord", &["11"], "11th"),
            ("ord", &["13"], "13th"),
            ("ord", &["21"], "21st"),
            ("ord", &["23"], "23rd"),
            ("ord", &["101"], "101st"),
            ("ord", &["111"], "111th"),
            ("ord", &["0"], "0th"),
            ("ord", &["1013"], "1013th"),
            ("strip", &["\u{2}bold\u{2}"], "bold"),
            ("strip", &["\u{3}04,01text"], "text"),
            ("strip", &["\u{1d}i\u{16}r"], "ir"),
            ("strip", &["\u{3}12,04x"], "x"),
        ];
        for (name, args, want) in rows {
            assert_eq!(call(name, args), *want, "${name}({})", args.join(","));
        }
        assert_eq!(call("len", &[&call("crlf", &[])]), "2");
        assert_eq!(call("len", &[&call("utfencode", &["é"])]), "2");
    }

    #[test]
    fn more() {
        assert_eq!(call("utfdecode", &[&call("utfencode", &["é☃"])]), "é☃");
        assert_eq!(call("isutf", &["abc"]), "1");
        assert_eq!(call("isutf", &[&call("utfencode", &["é"])]), "2");
        assert_eq!(call("isutf", &["é"]), "0");
        assert_eq!(call("mkfn", &["a:b?c"]), "a_b_c");
        assert_eq!(call("mid", &["a☃bc", "2", "2"]), "☃b");
        assert_eq!(call("pos", &["xÉy", "é"]), "2");
        assert_eq!(call("replace", &["ÉtÉ", "é", "e"]), "ete");
        assert_eq!(call("strip", &["\u{2}a\u{1f}b", "b"]), "a\u{1f}b");
        assert_eq!(call("mid", &["abc", "0", "2"]), "ab");
        assert_eq!(call("left", &["abc", "-5"]), "");
        let _ = left as IdentFn;
    }

    #[test]
    fn str_is_limited() {
        let reg = Registry::standard();
        let f = reg.ident(reg.ident_id("str").unwrap()).run;
        let mut st = State::default();
        st.begin_run(0);
        st.limits.string_len = 1000;
        let mut host = RecordingHost::default();
        let mut cx = Cx {
            st: &mut st,
            host: &mut host,
        };
        let vals = [Value::text("ab"), Value::int(10_000)];
        assert!(f(
            &mut cx,
            &Args {
                name: "str",
                vals: &vals,
                prop: None
            }
        )
        .is_err());
    }
}
