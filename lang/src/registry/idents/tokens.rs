//! Token identifiers: `$gettok`, `$numtok`, `$addtok`, `$deltok`, `$findtok`, `$sorttok`,
//! `$min`/`$max` and friends.
//!
//! A list is text split on one delimiter codepoint; leading, trailing and repeated delimiters
//! are ignored, so empty tokens never exist, and identifiers that rebuild a list return it
//! normalised. Tokens are borrowed slices of the list (found with `memchr` for ASCII
//! delimiters); lookups allocate only for their result. Fuel is charged per 64 bytes scanned.

use crate::error::RunResult;
use crate::registry::idents::text::{eq_ci, find, fold_char};
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::{leading_number, parse_plain_number, Value};
use crate::wild::Wildcard;
use std::cmp::Ordering;

/// The token family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "gettok",
        arity: Arity::exact(3),
        run: gettok,
    },
    IdentSpec {
        name: "token",
        arity: Arity::exact(3),
        run: gettok,
    },
    IdentSpec {
        name: "numtok",
        arity: Arity::exact(2),
        run: numtok,
    },
    IdentSpec {
        name: "addtok",
        arity: Arity::exact(3),
        run: addtok,
    },
    IdentSpec {
        name: "addtokcs",
        arity: Arity::exact(3),
        run: addtokcs,
    },
    IdentSpec {
        name: "instok",
        arity: Arity::exact(4),
        run: instok,
    },
    IdentSpec {
        name: "deltok",
        arity: Arity::exact(3),
        run: deltok,
    },
    IdentSpec {
        name: "puttok",
        arity: Arity::exact(4),
        run: puttok,
    },
    IdentSpec {
        name: "remtok",
        arity: Arity::range(3, 4),
        run: remtok,
    },
    IdentSpec {
        name: "remtokcs",
        arity: Arity::range(3, 4),
        run: remtokcs,
    },
    IdentSpec {
        name: "reptok",
        arity: Arity::range(4, 5),
        run: reptok,
    },
    IdentSpec {
        name: "reptokcs",
        arity: Arity::range(4, 5),
        run: reptokcs,
    },
    IdentSpec {
        name: "findtok",
        arity: Arity::range(3, 4),
        run: findtok,
    },
    IdentSpec {
        name: "findtokcs",
        arity: Arity::range(3, 4),
        run: findtokcs,
    },
    IdentSpec {
        name: "istok",
        arity: Arity::exact(3),
        run: istok,
    },
    IdentSpec {
        name: "istokcs",
        arity: Arity::exact(3),
        run: istokcs,
    },
    IdentSpec {
        name: "matchtok",
        arity: Arity::exact(4),
        run: matchtok,
    },
    IdentSpec {
        name: "matchtokcs",
        arity: Arity::exact(4),
        run: matchtokcs,
    },
    IdentSpec {
        name: "wildtok",
        arity: Arity::exact(4),
        run: wildtok,
    },
    IdentSpec {
        name: "wildtokcs",
        arity: Arity::exact(4),
        run: wildtokcs,
    },
    IdentSpec {
        name: "sorttok",
        arity: Arity::range(2, 3),
        run: sorttok,
    },
    IdentSpec {
        name: "sorttokcs",
        arity: Arity::range(2, 3),
        run: sorttokcs,
    },
    IdentSpec {
        name: "min",
        arity: Arity::at_least(1),
        run: min,
    },
    IdentSpec {
        name: "max",
        arity: Arity::at_least(1),
        run: max,
    },
];

// ---------------------------------------------------------------------------------------------
// Splitting.

/// A delimiter: one byte for ASCII, else the UTF-8 encoding of the codepoint.
#[derive(Clone, Copy)]
struct Delim {
    bytes: [u8; 4],
    len: usize,
}

impl Delim {
    /// The delimiter for codepoint `c`, or `None` when it is not a valid character.
    fn new(c: i64) -> Option<Delim> {
        let ch = u32::try_from(c)
            .ok()
            .filter(|&c| c > 0)
            .and_then(char::from_u32)?;
        let mut bytes = [0u8; 4];
        let len = ch.encode_utf8(&mut bytes).len();
        Some(Delim { bytes, len })
    }

    /// The delimiter as text.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or(" ")
    }

    /// Byte offset of the next delimiter in `h`.
    #[inline]
    fn find_in(&self, h: &[u8]) -> Option<usize> {
        if self.len == 1 {
            memchr::memchr(self.bytes[0], h)
        } else {
            memchr::memmem::find(h, &self.bytes[..self.len])
        }
    }
}

/// The non-empty tokens of a list, as borrowed slices.
struct Toks<'a> {
    s: &'a str,
    pos: usize,
    d: Delim,
}

impl<'a> Iterator for Toks<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        let b = self.s.as_bytes();
        loop {
            if self.pos >= b.len() {
                return None;
            }
            let start = self.pos;
            let end = match self.d.find_in(&b[start..]) {
                Some(i) => start + i,
                None => b.len(),
            };
            self.pos = end + self.d.len;
            if end > start {
                return Some(&self.s[start..end]);
            }
        }
    }
}

/// The tokens of `s` split on `d`.
fn toks(s: &str, d: Delim) -> Toks<'_> {
    Toks { s, pos: 0, d }
}

/// The delimiter argument `i`, or `None` (the identifier then returns `$null`).
fn delim_arg(a: &Args<'_>, i: usize) -> Option<Delim> {
    Delim::new(a.int(i))
}

/// Charges fuel for scanning a list of `n` bytes.
fn charge(cx: &mut Cx, n: usize) -> RunResult<()> {
    cx.charge(n / 64 + 1)
}

/// Joins tokens with the delimiter.
fn join<'t>(it: impl IntoIterator<Item = &'t str>, d: &str) -> String {
    let mut out = String::new();
    for (i, t) in it.into_iter().enumerate() {
        if i > 0 {
            out.push_str(d);
        }
        out.push_str(t);
    }
    out
}

/// Token equality, case-sensitive or not.
#[inline]
fn tok_eq(a: &str, b: &str, cs: bool) -> bool {
    if cs {
        a == b
    } else {
        eq_ci(a, b)
    }
}

// ---------------------------------------------------------------------------------------------
// Positions and ranges.

/// A token selector: `N`, `N-` or `N-M` (either side may be negative).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sel {
    One(i64),
    Range(i64, Option<i64>),
}

/// Reads a signed integer at the start of `b`; returns it and its length.
fn signed_int(b: &[u8]) -> Option<(i64, usize)> {
    let neg = b.first() == Some(&b'-');
    let start = usize::from(neg);
    let mut i = start;
    let mut v: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add(i64::from(b[i] - b'0'));
        i += 1;
    }
    if i == start {
        return None;
    }
    Some((if neg { -v } else { v }, i))
}

/// Parses a selector argument: `3`, `-1`, `2-4`, `3-`, `-4--2`.
fn sel_of(v: &Value) -> Option<Sel> {
    if let Value::Int(i) = v {
        return Some(Sel::One(*i));
    }
    let text = v.as_str();
    let b = text.trim().as_bytes();
    let (a, n) = signed_int(b)?;
    let rest = &b[n..];
    if rest.is_empty() {
        return Some(Sel::One(a));
    }
    if rest[0] != b'-' {
        // `2.5` and other decorated numbers read as their leading integer.
        return rest[0].eq(&b'.').then_some(Sel::One(a));
    }
    let rest = &rest[1..];
    if rest.is_empty() {
        return Some(Sel::Range(a, None));
    }
    let (e, m) = signed_int(rest)?;
    (m == rest.len()).then_some(Sel::Range(a, Some(e)))
}

/// 1-based index for `n` in a list of `count` tokens (negative counts from the end).
fn index(n: i64, count: usize) -> i64 {
    if n < 0 {
        count as i64 + 1 + n
    } else {
        n
    }
}

/// The inclusive 1-based range a selector covers, or `None` when it selects nothing.
fn resolve(sel: Sel, count: usize) -> Option<(usize, usize)> {
    let c = count as i64;
    let (s, e) = match sel {
        Sel::One(n) => {
            let i = index(n, count);
            if i < 1 || i > c {
                return None;
            }
            (i, i)
        }
        Sel::Range(a, b) => {
            let s = index(a, count);
            let e = b.map_or(c, |b| index(b, count));
            let (s, e) = if s > e { (e, s) } else { (s, e) };
            (s.max(1), e.min(c))
        }
    };
    if s > e {
        return None;
    }
    Some((usize::try_from(s).ok()?, usize::try_from(e).ok()?))
}

/// Whether a selector needs the token count to resolve (negative indices, open ranges).
fn needs_count(sel: Sel) -> bool {
    match sel {
        Sel::One(n) => n < 0,
        Sel::Range(a, b) => a < 0 || b.is_none_or(|b| b < 0),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// `$gettok(list, N, C)`: N-th token (N=0 count, negative from the end, ranges `N-`/`N-M`);
/// `$gettok(a.b.c.d,2,46)` → `b`.
fn gettok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let list = a.text(0);
    let Some(d) = delim_arg(a, 2) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let Some(sel) = sel_of(&a.val(1)) else {
        return Ok(Value::Null);
    };
    if sel == Sel::One(0) {
        return Ok(Value::int(toks(&list, d).count() as i64));
    }
    let count = if needs_count(sel) {
        toks(&list, d).count()
    } else {
        usize::MAX
    };
    if let Sel::One(n) = sel {
        let i = index(n, count);
        return Ok(
            match usize::try_from(i - 1)
                .ok()
                .and_then(|i| toks(&list, d).nth(i))
            {
                Some(t) => Value::text(t),
                None => Value::Null,
            },
        );
    }
    let count = if count == usize::MAX {
        toks(&list, d).count()
    } else {
        count
    };
    let Some((s, e)) = resolve(sel, count) else {
        return Ok(Value::Null);
    };
    Ok(Value::from_string(join(
        toks(&list, d).skip(s - 1).take(e - s + 1),
        d.as_str(),
    )))
}

/// `$numtok(list, C)`: number of tokens; `$numtok(a-b-c,45)` → `3`.
fn numtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let list = a.text(0);
    let Some(d) = delim_arg(a, 1) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    Ok(Value::int(toks(&list, d).count() as i64))
}

/// Shared body of `$findtok`: position of the N-th token equal to `tok`, N=0 counts.
fn findtok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(1);
    let Some(d) = delim_arg(a, a.len() - 1) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let n = if a.len() == 4 { a.int(2) } else { 1 };
    if n < 0 || tok.is_empty() {
        return Ok(Value::Null);
    }
    let mut seen = 0i64;
    for (i, t) in toks(&list, d).enumerate() {
        if tok_eq(t, &tok, cs) {
            seen += 1;
            if seen == n {
                return Ok(Value::int(i as i64 + 1));
            }
        }
    }
    Ok(if n == 0 {
        Value::int(seen)
    } else {
        Value::Null
    })
}

/// `$findtok(list, tok [, N], C)`: position of the N-th matching token (N=0 count);
/// `$findtok(one two three,two,32)` → `2`.
fn findtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    findtok_impl(cx, a, false)
}

/// `$findtokcs(list, tok [, N], C)`: case-sensitive `$findtok`;
/// `$findtokcs(one two three twO,twO,32)` → `4`.
fn findtokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    findtok_impl(cx, a, true)
}

/// Shared body of `$istok`.
fn istok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(1);
    let Some(d) = delim_arg(a, 2) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    Ok(Value::bool(
        !tok.is_empty() && toks(&list, d).any(|t| tok_eq(t, &tok, cs)),
    ))
}

/// `$istok(list, tok, C)`: `$true` when tok is a whole token; `$istok(xlsx xlsm,xls,32)` → `$false`.
fn istok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    istok_impl(cx, a, false)
}

/// `$istokcs(list, tok, C)`: case-sensitive `$istok`; `$istokcs(a B,b,32)` → `$false`.
fn istokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    istok_impl(cx, a, true)
}

/// Returns the N-th token satisfying `pred` (N=0: the count).
fn nth_where(list: &str, d: Delim, n: i64, mut pred: impl FnMut(&str) -> bool) -> Value {
    if n < 0 {
        return Value::Null;
    }
    let mut seen = 0i64;
    for t in toks(list, d) {
        if pred(t) {
            seen += 1;
            if seen == n {
                return Value::text(t);
            }
        }
    }
    if n == 0 {
        Value::int(seen)
    } else {
        Value::Null
    }
}

/// Shared body of `$matchtok`.
fn matchtok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let sub = a.text(1);
    let Some(d) = delim_arg(a, 3) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    Ok(nth_where(&list, d, a.int(2), |t| {
        sub.is_empty() || find(t, &sub, 0, cs).is_some()
    }))
}

/// `$matchtok(list, sub, N, C)`: N-th token containing sub (N=0 count);
/// `$matchtok(one two three,e,2,32)` → `three`.
fn matchtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    matchtok_impl(cx, a, false)
}

/// `$matchtokcs(list, sub, N, C)`: case-sensitive `$matchtok`.
fn matchtokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    matchtok_impl(cx, a, true)
}

/// Shared body of `$wildtok`.
fn wildtok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let Some(d) = delim_arg(a, 3) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let w = Wildcard::new(&a.text(1), cs);
    Ok(nth_where(&list, d, a.int(2), |t| w.matches(t)))
}

/// `$wildtok(list, mask, N, C)`: N-th token matching the wildcard (N=0 count);
/// `$wildtok(one two three,t*e,1,32)` → `three`.
fn wildtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    wildtok_impl(cx, a, false)
}

/// `$wildtokcs(list, mask, N, C)`: case-sensitive `$wildtok`.
fn wildtokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    wildtok_impl(cx, a, true)
}

// ---------------------------------------------------------------------------------------------
// Rebuilding.

/// Shared body of `$addtok`: appends tok unless already present.
fn addtok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(1);
    let Some(d) = delim_arg(a, 2) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    if tok.is_empty() || toks(&list, d).any(|t| tok_eq(t, &tok, cs)) {
        return Ok(a.val(0));
    }
    let mut out = join(toks(&list, d), d.as_str());
    if !out.is_empty() {
        out.push_str(d.as_str());
    }
    out.push_str(&tok);
    cx.st.check_len(out.len())?;
    Ok(Value::from_string(out))
}

/// `$addtok(list, tok, C)`: list with tok appended unless present; `$addtok(a,b,32)` → `a b`.
fn addtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    addtok_impl(cx, a, false)
}

/// `$addtokcs(list, tok, C)`: case-sensitive `$addtok`; `$addtokcs(A,a,32)` → `A a`.
fn addtokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    addtok_impl(cx, a, true)
}

/// `$instok(list, tok, N, C)`: tok inserted as the N-th token (past the end appends);
/// `$instok(a b c,@,1,32)` → `@ a b c`.
fn instok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(1);
    let Some(d) = delim_arg(a, 3) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let mut v: Vec<&str> = toks(&list, d).collect();
    let n = a.int(2);
    if n == 0 || tok.is_empty() {
        return Ok(Value::from_string(join(v.iter().copied(), d.as_str())));
    }
    let at = if n > 0 {
        usize::try_from(n - 1).unwrap_or(usize::MAX)
    } else {
        usize::try_from((v.len() as i64 + 1 + n).max(0)).unwrap_or(0)
    };
    v.insert(at.min(v.len()), &tok);
    let out = join(v.iter().copied(), d.as_str());
    cx.st.check_len(out.len())?;
    Ok(Value::from_string(out))
}

/// `$deltok(list, N[-M], C)`: list without the selected token(s);
/// `$deltok(this is not really cool!,3-4,32)` → `this is cool!`.
fn deltok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let list = a.text(0);
    let Some(d) = delim_arg(a, 2) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let Some(sel) = sel_of(&a.val(1)) else {
        return Ok(a.val(0));
    };
    let count = toks(&list, d).count();
    let Some((s, e)) = resolve(sel, count) else {
        return Ok(a.val(0));
    };
    let kept = toks(&list, d)
        .enumerate()
        .filter(|(i, _)| *i + 1 < s || *i + 1 > e)
        .map(|(_, t)| t);
    Ok(Value::from_string(join(kept, d.as_str())))
}

/// `$puttok(list, tok, N[-M], C)`: the selected token(s) replaced by tok;
/// `$puttok(a-b-c-d-e-f,TEST,3,45)` → `a-b-TEST-d-e-f`.
fn puttok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(1);
    let Some(d) = delim_arg(a, 3) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let Some(sel) = sel_of(&a.val(2)) else {
        return Ok(a.val(0));
    };
    let count = toks(&list, d).count();
    let Some((s, e)) = resolve(sel, count) else {
        return Ok(a.val(0));
    };
    let put = toks(&list, d)
        .enumerate()
        .map(|(i, t)| if (s..=e).contains(&(i + 1)) { &*tok } else { t });
    let out = join(put, d.as_str());
    cx.st.check_len(out.len())?;
    Ok(Value::from_string(out))
}

/// Rebuilds a list, replacing the N-th token equal to `tok` (N=0: every one) by `new`
/// (`None` deletes). An unchanged list is returned as given.
fn rewrite_matches(
    cx: &mut Cx,
    a: &Args<'_>,
    tok_i: usize,
    new: Option<&str>,
    cs: bool,
) -> RunResult<Value> {
    let list = a.text(0);
    let tok = a.text(tok_i);
    let Some(d) = delim_arg(a, a.len() - 1) else {
        return Ok(Value::Null);
    };
    charge(cx, list.len())?;
    let has_n = a.len() == tok_i + usize::from(new.is_some()) + 3;
    let n = if has_n { a.int(a.len() - 2) } else { 1 };
    if n < 0 || tok.is_empty() {
        return Ok(a.val(0));
    }
    let mut seen = 0i64;
    let mut changed = false;
    let mut out: Vec<&str> = Vec::new();
    for t in toks(&list, d) {
        if tok_eq(t, &tok, cs) {
            seen += 1;
            if n == 0 || seen == n {
                changed = true;
                if let Some(r) = new {
                    out.push(r);
                }
                continue;
            }
        }
        out.push(t);
    }
    if !changed {
        return Ok(a.val(0));
    }
    let s = join(out, d.as_str());
    cx.st.check_len(s.len())?;
    Ok(Value::from_string(s))
}

/// `$remtok(list, tok [, N], C)`: list without the N-th matching token (N=0 all);
/// `$remtok(A:B:C:A:B:C,A,0,58)` → `B:C:B:C`.
fn remtok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    rewrite_matches(cx, a, 1, None, false)
}

/// `$remtokcs(list, tok [, N], C)`: case-sensitive `$remtok`.
fn remtokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    rewrite_matches(cx, a, 1, None, true)
}

/// `$reptok(list, tok, new [, N], C)`: the N-th matching token replaced (N=0 all);
/// `$reptok(one two three,two,four,32)` → `one four three`.
fn reptok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let new = a.text(2);
    rewrite_matches(cx, a, 1, Some(&new), false)
}

/// `$reptokcs(list, tok, new [, N], C)`: case-sensitive `$reptok`.
fn reptokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let new = a.text(2);
    rewrite_matches(cx, a, 1, Some(&new), true)
}

// ---------------------------------------------------------------------------------------------
// Sorting.

/// Default text order: case-insensitive codepoint order (letters folded to lower case, which
/// puts codepoints 91–96 just before the letters); `cs` compares raw codepoints.
fn text_cmp(a: &str, b: &str, cs: bool) -> Ordering {
    if cs {
        return a.cmp(b);
    }
    if a.is_ascii() && b.is_ascii() {
        let x = a.bytes().map(|c| c.to_ascii_lowercase());
        let y = b.bytes().map(|c| c.to_ascii_lowercase());
        return x.cmp(y);
    }
    a.chars().map(fold_char).cmp(b.chars().map(fold_char))
}

/// A token's numeric sort key: its leading number, 0 when it has none.
fn num_key(t: &str) -> f64 {
    leading_number(t).0
}

/// Channel-prefix rank for the `c` sort: `@` before `%` before `+` before none.
fn prefix_rank(t: &str) -> usize {
    const ORDER: &str = "~&@%+";
    t.chars()
        .next()
        .and_then(|c| ORDER.find(c))
        .unwrap_or(ORDER.len())
}

/// A token comparison for sorting.
type TokCmp = dyn Fn(&&str, &&str) -> Ordering;

/// Shared body of `$sorttok` / `$sorttokcs`.
fn sorttok_impl(cx: &mut Cx, a: &Args<'_>, cs: bool) -> RunResult<Value> {
    let list = a.text(0);
    let Some(d) = delim_arg(a, 1) else {
        return Ok(Value::Null);
    };
    let opts = a.text(2).to_ascii_lowercase();
    let mut v: Vec<&str> = toks(&list, d).collect();
    charge(
        cx,
        list.len()
            .saturating_mul(usize::BITS as usize - v.len().leading_zeros() as usize + 1),
    )?;
    let rev = opts.contains('r');
    let cmp: Box<TokCmp> = if opts.contains('n') {
        Box::new(|x, y| {
            num_key(x)
                .partial_cmp(&num_key(y))
                .unwrap_or(Ordering::Equal)
        })
    } else if opts.contains('a') {
        Box::new(
            move |x, y| match (parse_plain_number(x), parse_plain_number(y)) {
                (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
                (Some(_), None) => Ordering::Greater,
                (None, Some(_)) => Ordering::Less,
                (None, None) => text_cmp(x, y, cs),
            },
        )
    } else if opts.contains('c') {
        Box::new(move |x, y| {
            prefix_rank(x).cmp(&prefix_rank(y)).then_with(|| {
                let strip = |t: &str| t.trim_start_matches(['~', '&', '@', '%', '+']).to_string();
                text_cmp(&strip(x), &strip(y), cs)
            })
        })
    } else {
        Box::new(move |x, y| text_cmp(x, y, cs))
    };
    if rev {
        v.sort_by(|x, y| cmp(y, x));
    } else {
        v.sort_by(|x, y| cmp(x, y));
    }
    Ok(Value::from_string(join(v, d.as_str())))
}

/// `$sorttok(list, C [, nrca])`: sorted list (`n` numeric, `a` text then numbers, `c` channel
/// prefixes, `r` reverse; ties keep input order); `$sorttok(C a c b A B,32)` → `a A b B C c`.
fn sorttok(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    sorttok_impl(cx, a, false)
}

/// `$sorttokcs(list, C [, nrca])`: `$sorttok` with pure codepoint order;
/// `$sorttokcs(b A a B,32)` → `A B a b`.
fn sorttokcs(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    sorttok_impl(cx, a, true)
}

/// Shared body of `$min` / `$max`: items are every space token of every argument.
fn extreme(cx: &mut Cx, a: &Args<'_>, want: Ordering) -> RunResult<Value> {
    let prop = a.prop();
    let texts: Vec<_> = (0..a.len()).map(|i| a.text(i)).collect();
    let space = Delim::new(32).unwrap_or(Delim {
        bytes: [b' ', 0, 0, 0],
        len: 1,
    });
    let mut best: Option<&str> = None;
    for t in texts.iter().flat_map(|s| toks(s, space)) {
        let better = match best {
            None => true,
            Some(b) => {
                let o = match prop.as_str() {
                    "text" | "nick" => text_cmp(t, b, false),
                    "textcs" => text_cmp(t, b, true),
                    _ => num_key(t)
                        .partial_cmp(&num_key(b))
                        .unwrap_or(Ordering::Equal),
                };
                o == want
            }
        };
        if better {
            best = Some(t);
        }
    }
    charge(cx, texts.iter().map(|s| s.len()).sum())?;
    Ok(best.map_or(Value::Null, Value::text))
}

/// `$min(list)` / `$min(a, b, …)`: smallest item by number (`.text`, `.textcs` by text);
/// `$min(11 2 3 5 8 13)` → `2`.
fn min(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    extreme(cx, a, Ordering::Less)
}

/// `$max(list)` / `$max(a, b, …)`: largest item by number (`.text`, `.textcs` by text);
/// `$max(11,2,3,5,8,13)` → `13`.
fn max(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    extreme(cx, a, Ordering::Greater)
}

#[cfg(test)]
mod tests {
    use crate::registry::idents::text::tests::{call, call_prop};

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("gettok", &["a.b.c.d", "2", "46"], "b"),
            ("gettok", &["a.b.c.d.e", "3", "46"], "c"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "2-4", "46"], "Mon.Tue.Wed"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "3-", "46"], "Tue.Wed.Thu.Fri.Sat"),
            ("gettok", &["x11xxxx22x33x44x", "3", "120"], "33"),
            ("gettok", &["11x22X33x44", "3", "120"], "44"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "-4--2", "46"], "Wed.Thu.Fri"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "-2-", "46"], "Fri.Sat"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "4-3", "46"], "Tue.Wed"),
            ("gettok", &["Sun.Mon.Tue.Wed.Thu.Fri.Sat", "-4-3", "46"], "Tue.Wed"),
            ("gettok", &["a b c", "3-2", "32"], "b c"),
            ("gettok", &["a b c d e f", "-2-3", "32"], "c d e"),
            ("gettok", &["A B C D E F", "-2-", "32"], "E F"),
            ("gettok", &["a b c", "0", "32"], "3"),
            ("gettok", &["a b c", "-1", "32"], "c"),
            ("gettok", &["192.168.1.0", "1", "46"], "192"),
            ("gettok", &["a:b:c", "2", "58"], "b"),
            ("gettok", &["a-b-c", "1-2", "45"], "a-b"),
            ("gettok", &["a☃b", "2", "9731"], "b"),
            ("numtok", &["a-b-c-d-e", "45"], "5"),
            ("numtok", &["x1xxxx2x3x4x", "120"], "4"),
            ("numtok", &["1x2X3x4", "120"], "3"),
            ("addtok", &["a", "b", "32"], "a b"),
            ("addtok", &["A B C D", "E", "32"], "A B C D E"),
            ("addtokcs", &["A", "a", "32"], "A a"),
            ("addtok", &["A", "a", "32"], "A"),
            ("addtok", &["a.b.c", "d", "46"], "a.b.c.d"),
            ("addtokcs", &["a.b.c", "D", "46"], "a.b.c.D"),
            ("addtok", &["", "a", "32"], "a"),
            ("addtokcs", &["a.b", "B", "46"], "a.b.B"),
            ("instok", &["a b c", "@", "1", "32"], "@ a b c"),
            ("instok", &["one two three", "four", "4", "32"], "one two three four"),
            ("deltok", &["a b", "1", "32"], "b"),
            ("deltok", &["this is not really cool!", "3-4", "32"], "this is cool!"),
            ("deltok", &["A B C D", "-1", "32"], "A B C"),
            ("deltok", &["The.Last.Word.Is.Going.To.Be.Deleted", "-1", "46"], "The.Last.Word.Is.Going.To.Be"),
            ("deltok", &["a.b.c.d", "-2", "46"], "a.b.d"),
            ("remtok", &["A:B:C:A:B:C:A:B:C", "A", "0", "58"], "B:C:B:C:B:C"),
            ("remtok", &["a b a c a", "a", "1", "32"], "b a c a"),
            ("remtok", &["a b a c a", "a", "0", "32"], "b c"),
            ("reptok", &["one two three", "two", "four", "32"], "one four three"),
            ("reptok", &["a b a c", "a", "x", "0", "32"], "x b x c"),
            ("reptok", &["a b a c", "a", "x", "2", "32"], "a b x c"),
            ("puttok", &["a-b-c-d-e-f", "TEST", "3", "45"], "a-b-TEST-d-e-f"),
            ("puttok", &["x11xx33X44x55x66x", "TEST", "3", "120"], "11x33X44xTESTx66"),
            ("puttok", &["a.b.c", "x", "1", "46"], "x.b.c"),
            ("puttok", &["192.168.1.1", "xxx", "3-", "46"], "192.168.xxx.xxx"),
            ("findtok", &["one two three", "two", "32"], "2"),
            ("findtok", &["a a b c d", "a", "0", "32"], "2"),
            ("findtok", &["one two three twO", "twO", "1", "32"], "2"),
            ("findtokcs", &["one two three twO", "twO", "32"], "4"),
            ("findtok", &["a.b.c.b", "b", "2", "46"], "4"),
            ("matchtok", &["one two three", "e", "0", "32"], "2"),
            ("matchtok", &["one two three", "e", "2", "32"], "three"),
            ("matchtok", &["this is an example", "e", "1", "32"], "example"),
            ("matchtok", &["one two three", "o", "2", "32"], "two"),
            ("wildtok", &["one two three", "t*e", "1", "32"], "three"),
            ("wildtok", &["one two three", "t*", "0", "32"], "2"),
            ("wildtok", &["apple banana cherry", "*e*", "2", "32"], "cherry"),
            ("istok", &["red green blue", "green", "32"], "$true"),
            ("istok", &["red green blue", "GREEN", "32"], "$true"),
            ("istokcs", &["red green blue", "GREEN", "32"], "$false"),
            ("istok", &["CONNECT JOIN", "connect", "32"], "$true"),
            ("istok", &["xlsx xlsm", "xls", "32"], "$false"),
            ("sorttok", &["C a c b A B", "32"], "a A b B C c"),
            ("sorttok", &["456 3 7 2345 78 23 9943 123 54 1 34 -45 -22", "32", "nr"], "9943 2345 456 123 78 54 34 23 7 3 1 -22 -45"),
            ("sorttok", &["1:black 02:blue 14:grey 3:green 13:magenta 5:maroon 6:purple 04:red 7:tan 8:yellow 0:white", "32", "n"], "0:white 1:black 02:blue 3:green 04:red 5:maroon 6:purple 7:tan 8:yellow 13:magenta 14:grey"),
            ("sorttok", &["test TEST 2:foo 2:bar 1 2 11 1:test 0 -0 +0 BAR bar FOO !test -1 @test @@x @!x @1 0", "32"], "!test +0 -0 -1 0 0 1 11 1:test 2 2:bar 2:foo @!x @1 @@x @test BAR bar FOO test TEST"),
            ("sorttok", &["test TEST 2:foo 2:bar 1 2 11 1:test 0 -0 +0 BAR bar FOO !test -1 @test @@x @!x @1 0", "32", "a"], "!test 1:test 2:bar 2:foo @!x @1 @@x @test BAR bar FOO test TEST -1 0 -0 +0 0 1 2 11"),
            ("sorttok", &["64.0 64", "32", "n"], "64.0 64"),
            ("sorttok", &["3 1 2", "32"], "1 2 3"),
            ("sorttok", &["c b a", "32", "r"], "c b a"),
            ("sorttok", &["10 9 100", "32"], "10 100 9"),
            ("sorttok", &["10 2 33 4", "32", "nr"], "33 10 4 2"),
            ("sorttok", &["b A a B", "32"], "A a b B"),
            ("sorttok", &["b.a.c", "46"], "a.b.c"),
            ("sorttokcs", &["b A a B", "32"], "A B a b"),
            ("min", &["11 2 3 5 8 13"], "2"),
            ("min", &["11", "2", "3", "5", "8", "13"], "2"),
            ("max", &["11 2 3 5 8 13"], "13"),
            ("max", &["11", "2", "3", "5", "8", "13"], "13"),
            ("min", &[" 1:black 02:blue 14:grey 3:green 13:magenta 5:maroon 6:purple 04:red 7:tan 8:yellow 0:white"], "0:white"),
        ];
        for (name, args, want) in rows {
            assert_eq!(call(name, args), *want, "${name}({})", args.join(","));
        }
        assert_eq!(call_prop("min", &["c C"], Some("text")), "c");
        assert_eq!(call_prop("min", &["c C"], Some("textcs")), "C");
    }

    #[test]
    fn edges() {
        assert_eq!(call("gettok", &["a b c", "4", "32"]), "");
        assert_eq!(call("gettok", &["a b c", "-4", "32"]), "");
        assert_eq!(call("gettok", &["a b c", "2", "0"]), "");
        assert_eq!(call("gettok", &["", "1", "32"]), "");
        assert_eq!(call("numtok", &["", "32"]), "0");
        assert_eq!(call("deltok", &["a b c", "9", "32"]), "a b c");
        assert_eq!(call("findtok", &["a b c", "z", "32"]), "");
        assert_eq!(call("gettok", &["a☃☃b☃c", "2-", "9731"]), "b☃c");
    }

    #[test]
    fn big_list_is_fast() {
        let list: String = (0..1000)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        for _ in 0..2000 {
            assert_eq!(call("gettok", &[&list, "500", "32"]), "w499");
        }
    }
}
