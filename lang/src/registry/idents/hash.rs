//! Hash-table identifiers: `$hget`, `$hfind` (and the old names `$hmatch`, `$hregex`).
//!
//! Lookups fold the item name into a stack buffer and never allocate. Items expiring through
//! `hadd -uN` are dropped lazily here too. Order of `$hget(t,N).item` is insertion order with
//! deletions filling holes from the end (mIRC's bucket order is not emulated).

use crate::error::RunResult;
use crate::registry::commands::hash::{fold_key, purge_expired};
use crate::registry::idents::regex;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::state::HashTable;
use crate::value::Value;
use crate::wild::wildmatch;
use std::borrow::Cow;

/// The hash family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "hget",
        arity: Arity::range(1, 3),
        run: hget,
    },
    IdentSpec {
        name: "hfind",
        arity: Arity::range(3, 5),
        run: hfind,
    },
    IdentSpec {
        name: "hmatch",
        arity: Arity::range(3, 5),
        run: hmatch,
    },
    IdentSpec {
        name: "hregex",
        arity: Arity::range(3, 5),
        run: hregex,
    },
];

/// The text of `v` for use as a key; integers are formatted on the stack.
fn key_text<'v>(v: &'v Value, buf: &'v mut [u8; 24]) -> Cow<'v, str> {
    match v {
        Value::Str(s) => Cow::Borrowed(s),
        Value::Int(i) => {
            use std::io::Write;
            let mut cur: &mut [u8] = &mut buf[..];
            if write!(cur, "{i}").is_ok() {
                let len = 24 - cur.len();
                if let Ok(s) = std::str::from_utf8(&buf[..len]) {
                    return Cow::Borrowed(s);
                }
            }
            Cow::Owned(i.to_string())
        }
        other => other.as_str(),
    }
}

/// The position argument `v` when it is a plain non-negative integer.
fn index_of(v: &Value) -> Option<usize> {
    match v {
        Value::Int(i) => usize::try_from(*i).ok(),
        Value::Num(_) | Value::Null => None,
        Value::Str(s) => {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                s.parse().ok()
            }
        }
    }
}

/// Table `name` after dropping expired items, if it exists.
fn table<'s>(cx: &'s mut Cx, name: &str) -> Option<&'s mut HashTable> {
    let t = cx.st.hashes.get_mut(name)?;
    if !t.expires.is_empty() {
        let now = cx.host.now_ms();
        purge_expired(t, now);
    }
    Some(t)
}

/// `$hget(table[,item])`, `$hget(N)`, `$hget(table,N).item|.data`: table names, item data and
/// items by position; N=0 counts (`$hget(0)` tables, `$hget(t,0).item` items); `.size`.
///
/// ```mrc
/// hadd -m t k v | echo -a $hget(t,k) $hget(t,0).item $hget(t,1).item   ; v 1 k
/// ```
fn hget(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let mut nbuf = [0u8; 24];
    let name = key_text(&args.vals[0], &mut nbuf);
    if args.len() == 1 {
        if let Some(n) = index_of(&args.vals[0]) {
            if n == 0 {
                return Ok(Value::int(cx.st.hashes.tables.len() as i64));
            }
            return Ok(cx
                .st
                .hashes
                .tables
                .get_index(n - 1)
                .map_or(Value::Null, |(_, t)| Value::text(&t.name)));
        }
        let Some(t) = cx.st.hashes.get(&name) else {
            return Ok(Value::Null);
        };
        return Ok(match args.prop {
            Some(p) if p.eq_ignore_ascii_case("size") => Value::int(t.size as i64),
            _ => Value::text(&t.name),
        });
    }
    let Some(t) = table(cx, &name) else {
        return Ok(Value::Null);
    };
    let by_pos = args.prop.and_then(|p| {
        if p.eq_ignore_ascii_case("item") {
            Some(true)
        } else if p.eq_ignore_ascii_case("data") {
            Some(false)
        } else {
            None
        }
    });
    if let Some(want_item) = by_pos {
        if let Some(n) = index_of(&args.vals[1]) {
            if n == 0 {
                return Ok(Value::int(t.items.len() as i64));
            }
            return Ok(match t.items.get_index(n - 1) {
                Some((_, (item, _))) if want_item => Value::text(item),
                Some((_, (_, data))) => data.clone(),
                None => Value::Null,
            });
        }
    }
    let mut ibuf = [0u8; 24];
    let item = key_text(&args.vals[1], &mut ibuf);
    let mut fbuf = [0u8; 64];
    let key = fold_key(&item, &mut fbuf);
    if args.prop.is_some_and(|p| p.eq_ignore_ascii_case("unset")) {
        // Seconds before an item added with `hadd -uN` goes; 0 without a timer.
        if !t.items.contains_key(key.as_ref()) {
            return Ok(Value::Null);
        }
        let at = t.expires.get(key.as_ref()).copied();
        let now = cx.host.now_ms();
        return Ok(Value::int(at.map_or(0, |at| crate::vm::secs_left(at, now))));
    }
    Ok(t.items
        .get(key.as_ref())
        .map_or(Value::Null, |(_, v)| v.clone()))
}

/// How `$hfind` compares the search text with each item (or its data with `.data`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `n`: equal, ignoring case.
    Exact,
    /// `w`: the search text is a wildcard.
    Wild,
    /// `W`: each item is a wildcard matched against the text.
    ItemWild,
    /// `r`: the search text is a regex.
    Regex,
    /// `R`: each item is a regex matched against the text.
    ItemRegex,
}

/// `$hfind(table,text,N[,M])`: the N-th item matching `text` (N=0 counts); M is `n` exact
/// (default), `w` wildcard, `W` items are wildcards, `r` regex, `R` items are regexes;
/// `.data` searches the data instead of the item names.
///
/// ```mrc
/// hadd -m t apple 1 | hadd t apricot 2 | echo -a $hfind(t,ap*,0,w)   ; 2
/// ```
fn hfind(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    hsearch(cx, args, Mode::Exact)
}

/// `$hmatch(table,wildcard,N[,M])`: the old `$hfind`, whose search text is a wildcard unless
/// M says otherwise.
///
/// ```mrc
/// hadd -m t apple 1 | hadd t apricot 2 | echo -a $hmatch(t,ap*,0) $hmatch(t,*cot,1)   ; 2 apricot
/// ```
fn hmatch(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    hsearch(cx, args, Mode::Wild)
}

/// `$hregex(table,regex,N[,M])`: the old `$hfind` with a regular expression.
fn hregex(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    hsearch(cx, args, Mode::Regex)
}

/// `$hfind` and its old forms, with `default` when no M is given.
fn hsearch(cx: &mut Cx, args: &Args<'_>, default: Mode) -> RunResult<Value> {
    let name = args.text(0);
    let text = args.text(1);
    let Ok(n) = usize::try_from(args.int(2)) else {
        return Ok(Value::Null);
    };
    let mode = match args.text(3).chars().next() {
        Some('n') => Mode::Exact,
        Some('w') => Mode::Wild,
        Some('W') => Mode::ItemWild,
        Some('r') => Mode::Regex,
        Some('R') => Mode::ItemRegex,
        _ => default,
    };
    let data = args.prop.is_some_and(|p| p.eq_ignore_ascii_case("data"));
    let Some(t) = table(cx, &name) else {
        return Ok(Value::Null);
    };
    let units = t.items.len();
    let search_re = if mode == Mode::Regex {
        Some(regex::compile(cx.st, &text).map_err(|e| {
            crate::error::cmd_err(format!("$hfind: invalid regular expression: {e}"))
        })?)
    } else {
        None
    };
    cx.st.charge(units + 1)?;
    let mut item_patterns: Vec<(String, String)> = Vec::new();
    let Some(t) = cx.st.hashes.get(&name) else {
        return Ok(Value::Null);
    };
    let mut count = 0;
    for (item, value) in t.items.values() {
        let value_text;
        let candidate: &str = if data {
            value_text = value.as_str();
            &value_text
        } else {
            item
        };
        let hit = match mode {
            Mode::Exact => candidate.eq_ignore_ascii_case(&text),
            Mode::Wild => wildmatch(&text, candidate, false),
            Mode::ItemWild => wildmatch(candidate, &text, false),
            Mode::Regex => search_re
                .as_ref()
                .is_some_and(|re| regex::compiled_is_match(re, candidate)),
            Mode::ItemRegex => {
                item_patterns.push((candidate.to_string(), item.to_string()));
                false
            }
        };
        if hit {
            count += 1;
            if count == n {
                return Ok(Value::text(item));
            }
        }
    }
    for (pattern, item) in item_patterns {
        let hit = match regex::compile(cx.st, &pattern) {
            Ok(re) => regex::compiled_is_match(&re, &text),
            Err(_) => false,
        };
        if hit {
            count += 1;
            if count == n {
                return Ok(Value::text(item));
            }
        }
    }
    Ok(if n == 0 {
        Value::int(count as i64)
    } else {
        Value::Null
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordingHost;
    use crate::registry::commands::hash::create_table;
    use crate::registry::commands::hash::set_item;
    use crate::state::State;

    fn call(
        st: &mut State,
        f: crate::registry::IdentFn,
        vals: &[Value],
        prop: Option<&str>,
    ) -> String {
        let mut host = RecordingHost::default();
        let mut cx = Cx {
            st,
            host: &mut host,
        };
        f(
            &mut cx,
            &Args {
                name: "test",
                vals,
                prop,
            },
        )
        .unwrap()
        .to_string()
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    fn sample() -> State {
        let mut st = State::default();
        st.begin_run(0);
        let tab = create_table(&mut st, "Users", 50).unwrap();
        set_item(tab, 0, "Alice", t("admin")).unwrap();
        set_item(tab, 0, "bob", t("guest")).unwrap();
        set_item(tab, 0, "7", Value::int(70)).unwrap();
        set_item(tab, 0, "a*", t("x?y")).unwrap();
        st
    }

    #[test]
    fn hget_forms() {
        let mut st = sample();
        assert_eq!(
            call(&mut st, hget, &[t("users"), t("ALICE")], None),
            "admin"
        );
        assert_eq!(
            call(&mut st, hget, &[t("users"), Value::int(7)], None),
            "70"
        );
        assert_eq!(call(&mut st, hget, &[t("users"), t("nobody")], None), "");
        assert_eq!(call(&mut st, hget, &[t("nope"), t("alice")], None), "");
        assert_eq!(
            call(&mut st, hget, &[t("users"), Value::int(0)], Some("item")),
            "4"
        );
        assert_eq!(
            call(&mut st, hget, &[t("users"), t("2")], Some("item")),
            "bob"
        );
        assert_eq!(
            call(&mut st, hget, &[t("users"), Value::int(2)], Some("data")),
            "guest"
        );
        assert_eq!(
            call(&mut st, hget, &[t("users"), Value::int(9)], Some("data")),
            ""
        );
        assert_eq!(call(&mut st, hget, &[t("USERS")], None), "Users");
        assert_eq!(call(&mut st, hget, &[t("users")], Some("size")), "50");
        assert_eq!(call(&mut st, hget, &[Value::int(0)], None), "1");
        assert_eq!(call(&mut st, hget, &[Value::int(1)], None), "Users");
        assert_eq!(call(&mut st, hget, &[Value::int(2)], None), "");
    }

    #[test]
    fn hfind_exact_and_regex() {
        let mut st = sample();
        assert_eq!(
            call(&mut st, hfind, &[t("users"), t("BOB"), Value::int(1)], None),
            "bob"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("guest"), Value::int(1), t("n")],
                Some("data")
            ),
            "bob"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("/^[ab]/i"), Value::int(0), t("r")],
                None
            ),
            "3"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("/^a/"), Value::int(1), t("r")],
                None
            ),
            "a*"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("bobby"), Value::int(1), t("R")],
                None
            ),
            "bob"
        );
        assert_eq!(
            call(&mut st, hfind, &[t("users"), t("zzz"), Value::int(0)], None),
            "0"
        );
        assert_eq!(
            call(&mut st, hfind, &[t("nope"), t("zzz"), Value::int(0)], None),
            ""
        );
    }

    #[test]
    fn hfind_wildcards() {
        let mut st = sample();
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("a*"), Value::int(0), t("w")],
                None
            ),
            "2"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("axe"), Value::int(1), t("W")],
                None
            ),
            "a*"
        );
        assert_eq!(
            call(
                &mut st,
                hfind,
                &[t("users"), t("g*"), Value::int(1), t("w")],
                Some("data")
            ),
            "bob"
        );
    }
}
