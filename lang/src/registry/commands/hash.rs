//! Hash-table commands: `/hmake`, `/hadd`, `/hinc`, `/hdec`, `/hdel`, `/hfree`, `/hsave`, `/hload`.
//!
//! Tables live in [`State::hashes`]; item names fold A–Z only. Expiring items (`hadd -uN`) keep
//! a deadline and are dropped lazily the next time their table is used, so no timer is needed;
//! `-z` (count down) is accepted and treated like no expiry. Binary data (`-b`, `&binvar`) is
//! not supported. The argument helpers [`Toks`] and [`Switches`] are shared with the file
//! commands.

use crate::error::{cmd_err, RunErrorKind, RunResult};
use crate::registry::idents::file::{read_text, resolve_for, write_atomic, IniDoc};
use crate::registry::{CmdArgs, CommandSpec, Cx};
use crate::state::{HashTable, State};
use crate::value::{format_num, parse_plain_number, Value};
use crate::wild::wildmatch;
use std::borrow::Cow;

/// The hash family table.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "hmake",
        run: hmake,
    },
    CommandSpec {
        name: "hadd",
        run: hadd,
    },
    CommandSpec {
        name: "hinc",
        run: hinc,
    },
    CommandSpec {
        name: "hdec",
        run: hdec,
    },
    CommandSpec {
        name: "hdel",
        run: hdel,
    },
    CommandSpec {
        name: "hfree",
        run: hfree,
    },
    CommandSpec {
        name: "hsave",
        run: hsave,
    },
    CommandSpec {
        name: "hload",
        run: hload,
    },
];

/// The size `hmake` uses when none is given.
const DEFAULT_SIZE: usize = 100;

/// The largest size `hmake` accepts.
const MAX_SIZE: usize = 10_000;

/// The INI section `hsave -i` / `hload -i` use when none is given.
const DEFAULT_SECTION: &str = "hashtable";

/// Reads a command line's words as mIRC's command parser sees them: space-separated tokens,
/// empty ones skipped, without copying words that are single tokens.
#[derive(Clone)]
pub(crate) struct Toks<'a> {
    /// The evaluated words.
    words: &'a [Value],
    /// The word being read.
    wi: usize,
    /// Byte offset inside a `Str` word that holds several tokens.
    off: usize,
}

impl<'a> Toks<'a> {
    /// A reader over `words`.
    pub(crate) fn new(words: &'a [Value]) -> Toks<'a> {
        Toks {
            words,
            wi: 0,
            off: 0,
        }
    }

    /// Skips empty words and spaces; false when nothing is left.
    fn skip_blank(&mut self) -> bool {
        while let Some(w) = self.words.get(self.wi) {
            if let Value::Str(s) = w {
                let rest = &s[self.off..];
                let trimmed = rest.trim_start_matches(' ');
                if trimmed.is_empty() {
                    self.wi += 1;
                    self.off = 0;
                    continue;
                }
                self.off += rest.len() - trimmed.len();
                return true;
            }
            if w.is_null() {
                self.wi += 1;
                self.off = 0;
                continue;
            }
            return true;
        }
        false
    }

    /// The next token, e.g. the table name of `hadd t item value`.
    pub(crate) fn next_tok(&mut self) -> Option<Cow<'a, str>> {
        if !self.skip_blank() {
            return None;
        }
        let words = self.words;
        match &words[self.wi] {
            Value::Str(s) => {
                let s: &'a str = s;
                let rest = &s[self.off..];
                match rest.find(' ') {
                    Some(n) => {
                        self.off += n;
                        Some(Cow::Borrowed(&rest[..n]))
                    }
                    None => {
                        self.wi += 1;
                        self.off = 0;
                        Some(Cow::Borrowed(rest))
                    }
                }
            }
            other => {
                self.wi += 1;
                self.off = 0;
                Some(other.as_str())
            }
        }
    }

    /// The next token unless it starts with `-`, in which case it is returned as switches.
    pub(crate) fn switches(&mut self) -> Switches {
        let save = (self.wi, self.off);
        match self.next_tok() {
            Some(t) if t.len() > 1 && t.starts_with('-') => Switches::parse(&t[1..]),
            _ => {
                (self.wi, self.off) = save;
                Switches::default()
            }
        }
    }

    /// A file name: the next token, or a `"quoted name"` spanning several tokens.
    pub(crate) fn next_path(&mut self) -> Option<String> {
        let first = self.next_tok()?;
        if !first.starts_with('"') || (first.len() > 1 && first.ends_with('"')) {
            return Some(first.trim_matches('"').to_string());
        }
        let mut s = first.into_owned();
        while let Some(t) = self.next_tok() {
            s.push(' ');
            s.push_str(&t);
            if t.ends_with('"') {
                break;
            }
        }
        Some(s.trim_matches('"').to_string())
    }

    /// Everything left as one value, tokens joined by single spaces; a single remaining word
    /// is returned as is (no copy, numbers stay numbers).
    pub(crate) fn rest(&mut self) -> Value {
        if !self.skip_blank() {
            return Value::Null;
        }
        let words = self.words;
        if self.off == 0 && words[self.wi + 1..].iter().all(Value::is_null) {
            let w = words[self.wi].clone();
            self.wi = words.len();
            return match &w {
                Value::Str(s) if s.ends_with(' ') => Value::text(s.trim_end_matches(' ')),
                _ => w,
            };
        }
        let mut out = String::new();
        while let Some(t) = self.next_tok() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&t);
        }
        Value::from_string(out)
    }
}

/// A command's switches, e.g. `-m50su10` → `m`=50, `s`, `u`=10.
#[derive(Clone, Debug, Default)]
pub(crate) struct Switches {
    /// Which letters were given (bit per `a`–`z`, then `A`–`Z`).
    set: u64,
    /// The number written right after a letter, when any.
    nums: Vec<(char, i64)>,
    /// The text after `s`, `w` or `r` in `/write` (which take text, not numbers).
    pub(crate) texts: Vec<(char, String)>,
}

impl Switches {
    /// Parses the letters after `-`.
    pub(crate) fn parse(s: &str) -> Switches {
        Switches::parse_with_text(s, "")
    }

    /// Parses the letters after `-`; a letter in `text_letters` takes the rest of the word as
    /// its text (`/write -sfoo` → `s` = `foo`).
    pub(crate) fn parse_with_text(s: &str, text_letters: &str) -> Switches {
        let mut sw = Switches::default();
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !c.is_ascii_alphabetic() {
                continue;
            }
            sw.set |= bit(c);
            if text_letters.contains(c) {
                sw.texts.push((c, s[i + 1..].trim_matches('"').to_string()));
                break;
            }
            let mut n: Option<i64> = None;
            while let Some(&(_, d)) = chars.peek() {
                let Some(v) = d.to_digit(10) else { break };
                n = Some(
                    n.unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(i64::from(v)),
                );
                chars.next();
            }
            if let Some(n) = n {
                sw.nums.push((c, n));
            }
        }
        sw
    }

    /// Adds the switches of another word (`/write -c -l5`).
    pub(crate) fn merge(&mut self, other: Switches) {
        self.set |= other.set;
        self.nums.extend(other.nums);
        self.texts.extend(other.texts);
    }

    /// Whether letter `c` was given.
    pub(crate) fn has(&self, c: char) -> bool {
        self.set & bit(c) != 0
    }

    /// The number after letter `c`, if any.
    pub(crate) fn num(&self, c: char) -> Option<i64> {
        self.nums
            .iter()
            .rev()
            .find(|(l, _)| *l == c)
            .map(|(_, n)| *n)
    }

    /// The text after letter `c` (`s`, `w`, `r` of `/write`), if any.
    pub(crate) fn text(&self, c: char) -> Option<&str> {
        self.texts
            .iter()
            .find(|(l, _)| *l == c)
            .map(|(_, t)| t.as_str())
    }
}

/// The bit for switch letter `c`.
fn bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        'A'..='Z' => 1 << (26 + c as u32 - 'A' as u32),
        _ => 0,
    }
}

/// "/cmd: insufficient parameters".
pub(crate) fn insufficient(cmd: &str) -> RunErrorKind {
    cmd_err(format!("/{cmd}: insufficient parameters"))
}

/// "/cmd: no such table 'name'".
pub(crate) fn no_table(cmd: &str, name: &str) -> RunErrorKind {
    cmd_err(format!("/{cmd}: no such table '{name}'"))
}

/// Creates table `name` with `size`, enforcing the table-count limit; it must not exist yet.
///
/// ```text
/// create_table(st, "t", 100)?;
/// ```
pub(crate) fn create_table<'s>(
    st: &'s mut State,
    name: &str,
    size: usize,
) -> RunResult<&'s mut HashTable> {
    let limit = st.limits.tables;
    if limit != 0 && st.hashes.tables.len() >= limit {
        return Err(RunErrorKind::Limit {
            what: "too many hash tables",
            limit: limit as u64,
            place: String::new(),
        });
    }
    let table = HashTable {
        name: name.to_string(),
        size: size.clamp(1, MAX_SIZE),
        ..HashTable::default()
    };
    let key = crate::state::fold(name).into_owned().into_boxed_str();
    Ok(st.hashes.tables.entry(key).or_insert(table))
}

/// Table `name`, created with `-m[N]`'s size when `create` is set, else a "no such table" error.
fn table_for<'s>(
    st: &'s mut State,
    cmd: &str,
    name: &str,
    sw: &Switches,
    create: bool,
) -> RunResult<&'s mut HashTable> {
    if st.hashes.get(name).is_none() {
        if !create {
            return Err(no_table(cmd, name));
        }
        let size = sw
            .num('m')
            .map_or(DEFAULT_SIZE, |n| usize::try_from(n).unwrap_or(DEFAULT_SIZE));
        create_table(st, name, size)?;
    }
    Ok(st.hashes.get_mut(name).expect("table exists"))
}

/// Drops the items of `t` whose `-u` deadline has passed.
///
/// ```text
/// purge_expired(table, host.now_ms());
/// ```
pub(crate) fn purge_expired(t: &mut HashTable, now_ms: i64) {
    if t.expires.is_empty() {
        return;
    }
    let dead: Vec<Box<str>> = t
        .expires
        .iter()
        .filter(|(_, &d)| d <= now_ms)
        .map(|(k, _)| k.clone())
        .collect();
    for k in dead {
        t.expires.remove(&k);
        t.items.swap_remove(&k);
    }
}

/// Sets `item` to `value` in `t`, enforcing the per-table item limit. Allocates only for a new item.
///
/// ```text
/// set_item(table, 0, "Key1", Value::int(1))?;
/// ```
pub(crate) fn set_item(t: &mut HashTable, limit: usize, item: &str, value: Value) -> RunResult<()> {
    let mut buf = [0u8; 64];
    let key = fold_key(item, &mut buf);
    if let Some(slot) = t.items.get_mut(key.as_ref()) {
        slot.1 = value;
        return Ok(());
    }
    if limit != 0 && t.items.len() >= limit {
        return Err(RunErrorKind::Limit {
            what: "hash table too large",
            limit: limit as u64,
            place: String::new(),
        });
    }
    t.items
        .insert(Box::from(key.as_ref()), (Box::from(item), value));
    Ok(())
}

/// Folds A–Z of `item` into `buf` when it fits (no allocation), borrowing when already folded.
///
/// ```text
/// let mut buf = [0u8; 64];
/// assert_eq!(fold_key("Key1", &mut buf), "key1");
/// ```
pub(crate) fn fold_key<'b>(item: &'b str, buf: &'b mut [u8; 64]) -> Cow<'b, str> {
    if !item.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(item);
    }
    if item.len() <= buf.len() {
        let out = &mut buf[..item.len()];
        out.copy_from_slice(item.as_bytes());
        out.make_ascii_lowercase();
        if let Ok(s) = std::str::from_utf8(out) {
            return Cow::Borrowed(s);
        }
    }
    Cow::Owned(item.to_ascii_lowercase())
}

/// Prints `text` to the active window for the `-s` switches.
fn show(cx: &mut Cx, sw: &Switches, text: impl FnOnce() -> String) {
    if sw.has('s') {
        cx.host.echo("active", &text());
    }
}

/// `/hmake [-s] name [size]`: creates a table; it is an error if it exists.
///
/// ```mrc
/// hmake -s users 100   ; * Made hash table 'users' (100)
/// ```
fn hmake(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hmake"))?;
    let size = match t.next_tok() {
        Some(n) => {
            parse_plain_number(&n).map_or(DEFAULT_SIZE, |x| if x >= 1.0 { x as usize } else { 1 })
        }
        None => DEFAULT_SIZE,
    };
    if cx.st.hashes.get(&name).is_some() {
        return Err(cmd_err(format!("/hmake: table '{name}' already exists")));
    }
    let made = create_table(cx.st, &name, size)?.size;
    show(cx, &sw, || format!("* Made hash table '{name}' ({made})"));
    Ok(())
}

/// `/hadd [-m[N]suNkz] name item [value]`: sets an item; `-m` creates the table, `-uN` expires
/// the item after N seconds.
///
/// ```mrc
/// hadd -m users alice 42
/// ```
fn hadd(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hadd"))?;
    let item = t.next_tok().ok_or_else(|| insufficient("hadd"))?;
    if sw.has('b') {
        return Err(cmd_err("/hadd: binary data (-b) is not supported"));
    }
    let value = t.rest();
    cx.st.check_len(value_len(&value))?;
    let deadline = expiry(cx, &sw);
    let limit = cx.st.limits.table_items;
    let table = table_for(cx.st, "hadd", &name, &sw, sw.has('m'))?;
    if !table.expires.is_empty() {
        let now = cx.host.now_ms();
        purge_expired(table, now);
    }
    set_item(table, limit, &item, value)?;
    note_expiry(table, &item, deadline, sw.has('k'));
    show(cx, &sw, || {
        format!("* Added item '{item}' to hash table '{name}'")
    });
    Ok(())
}

/// The byte length of a value's text without formatting it when it is a string.
fn value_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        _ => 0,
    }
}

/// The `-uN` deadline in host milliseconds, if given.
fn expiry(cx: &mut Cx, sw: &Switches) -> Option<i64> {
    let secs = sw.num('u').filter(|_| sw.has('u'))?;
    Some(cx.host.now_ms().saturating_add(secs.saturating_mul(1000)))
}

/// Records or clears the deadline of `item`; `keep` (`-k`) leaves an existing deadline alone.
fn note_expiry(t: &mut HashTable, item: &str, deadline: Option<i64>, keep: bool) {
    match deadline {
        Some(d) => {
            t.expires
                .insert(crate::state::fold(item).into_owned().into_boxed_str(), d);
        }
        None if !keep && !t.expires.is_empty() => {
            t.expires.remove(crate::state::fold(item).as_ref());
        }
        None => {}
    }
}

/// `/hinc [-m…] name item [n]`: adds n (default 1) to an item; a missing item counts as 0.
///
/// ```mrc
/// hinc -m counts joins   ; joins = 1
/// ```
fn hinc(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    step(cx, args, "hinc", 1.0)
}

/// `/hdec [-m…] name item [n]`: subtracts n (default 1) from an item; a missing item counts as 0.
///
/// ```mrc
/// hdec counts joins 2
/// ```
fn hdec(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    step(cx, args, "hdec", -1.0)
}

/// Shared body of `/hinc` and `/hdec`; `sign` is +1 or −1.
fn step(cx: &mut Cx, args: &CmdArgs<'_>, cmd: &str, sign: f64) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient(cmd))?;
    let item = t.next_tok().ok_or_else(|| insufficient(cmd))?;
    let by = match t.next_tok() {
        Some(n) => Value::text(&n).to_f64_lenient(),
        None => 1.0,
    };
    let deadline = expiry(cx, &sw);
    let limit = cx.st.limits.table_items;
    let table = table_for(cx.st, cmd, &name, &sw, sw.has('m'))?;
    if !table.expires.is_empty() {
        let now = cx.host.now_ms();
        purge_expired(table, now);
    }
    let mut buf = [0u8; 64];
    let old = table
        .items
        .get(fold_key(&item, &mut buf).as_ref())
        .map_or(0.0, |(_, v)| v.to_f64_lenient());
    let sum = old + sign * by;
    let rounded = if sum.fract() == 0.0 {
        sum
    } else {
        parse_plain_number(&format_num(sum)).unwrap_or(sum)
    };
    set_item(table, limit, &item, Value::num(rounded))?;
    note_expiry(table, &item, deadline, sw.has('k'));
    Ok(())
}

/// `/hdel [-sw] name item`: removes an item; with `-w` every item matching the wildcard.
///
/// ```mrc
/// hdel -w users guest*
/// ```
fn hdel(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hdel"))?;
    let item = t.next_tok().ok_or_else(|| insufficient("hdel"))?;
    let table = cx
        .st
        .hashes
        .get_mut(&name)
        .ok_or_else(|| no_table("hdel", &name))?;
    if sw.has('w') {
        let before = table.items.len();
        table
            .items
            .retain(|_, (written, _)| !wildmatch(&item, written, false));
        if !table.expires.is_empty() {
            let items = &table.items;
            table.expires.retain(|k, _| items.contains_key(k));
        }
        let removed = before - table.items.len();
        cx.st.charge(before)?;
        show(cx, &sw, || {
            format!("* Deleted {removed} items matching '{item}' from hash table '{name}'")
        });
    } else {
        let mut buf = [0u8; 64];
        let key = fold_key(&item, &mut buf);
        table.items.swap_remove(key.as_ref());
        if !table.expires.is_empty() {
            table.expires.remove(key.as_ref());
        }
        show(cx, &sw, || {
            format!("* Deleted item '{item}' from hash table '{name}'")
        });
    }
    Ok(())
}

/// `/hfree [-sw] name`: frees a table; `-w` frees every table matching the wildcard.
///
/// ```mrc
/// hfree users
/// ```
fn hfree(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hfree"))?;
    if sw.has('w') {
        cx.st
            .hashes
            .tables
            .retain(|_, table| !wildmatch(&name, &table.name, false));
    } else if cx
        .st
        .hashes
        .tables
        .shift_remove(crate::state::fold(&name).as_ref())
        .is_none()
    {
        return Err(no_table("hfree", &name));
    }
    show(cx, &sw, || format!("* Freed hash table '{name}'"));
    Ok(())
}

/// `/hsave [-nuai] name file [section]`: writes a table to a file: item and data lines
/// alternating, data only with `-n`, `item=data` under `[section]` with `-i`. `-a` appends,
/// `-u` includes expiring items. Written atomically.
///
/// ```mrc
/// hsave users users.dat
/// ```
fn hsave(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hsave"))?;
    let file = t.next_path().ok_or_else(|| insufficient("hsave"))?;
    let section = t.next_path().unwrap_or_else(|| DEFAULT_SECTION.to_string());
    let path = resolve_for(cx, &file, true)?;
    let now = cx.host.now_ms();
    let table = cx
        .st
        .hashes
        .get_mut(&name)
        .ok_or_else(|| no_table("hsave", &name))?;
    purge_expired(table, now);
    let table = &*table;
    let keep = |k: &str| sw.has('u') || !table.expires.contains_key(k);
    let units = table.items.len();
    let out = if sw.has('i') {
        let mut doc = if path.exists() {
            IniDoc::parse(&read_text(&path, "hsave")?)
        } else {
            IniDoc::default()
        };
        if !sw.has('a') {
            doc.remove_section(&section);
        }
        for (k, (item, v)) in &table.items {
            if keep(k) {
                doc.set(&section, item, &v.as_str());
            }
        }
        doc.render()
    } else {
        let mut out = if sw.has('a') && path.exists() {
            read_text(&path, "hsave")?
        } else {
            String::new()
        };
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str("\r\n");
        }
        for (k, (item, v)) in &table.items {
            if !keep(k) {
                continue;
            }
            if !sw.has('n') {
                out.push_str(item);
                out.push_str("\r\n");
            }
            v.write_to(&mut out);
            out.push_str("\r\n");
        }
        out
    };
    cx.st.charge(units)?;
    write_atomic(&path, out.as_bytes(), "hsave")?;
    show(cx, &sw, || {
        format!("* Saved hash table '{name}' to '{file}'")
    });
    Ok(())
}

/// `/hload [-nsim[N]] name file [section]`: adds the items of a file written by `/hsave`
/// (`-n` data only, numbered from 1; `-i` from an INI section). `-m` creates the table.
///
/// ```mrc
/// hload -m users users.dat
/// ```
fn hload(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let name = t.next_tok().ok_or_else(|| insufficient("hload"))?;
    let file = t.next_path().ok_or_else(|| insufficient("hload"))?;
    let section = t.next_path().unwrap_or_else(|| DEFAULT_SECTION.to_string());
    let path = resolve_for(cx, &file, false)?;
    let text = read_text(&path, "hload")?;
    cx.st.charge(text.len() / 16 + 1)?;
    let limit = cx.st.limits.table_items;
    let max_len = cx.st.limits.string_len;
    let table = table_for(cx.st, "hload", &name, &sw, sw.has('m'))?;
    let too_long = |s: &str| max_len != 0 && s.len() > max_len;
    if sw.has('i') {
        let doc = IniDoc::parse(&text);
        for (item, data) in doc.items(&section) {
            if too_long(&data) {
                continue;
            }
            set_item(table, limit, &item, Value::from_string(data))?;
        }
    } else {
        let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
        if sw.has('n') {
            for (i, line) in lines.enumerate() {
                set_item(table, limit, &(i + 1).to_string(), Value::text(line))?;
            }
        } else {
            while let Some(item) = lines.next() {
                let data = lines.next().unwrap_or("");
                if item.is_empty() || too_long(data) {
                    continue;
                }
                set_item(table, limit, item, Value::text(data))?;
            }
        }
    }
    show(cx, &sw, || {
        format!("* Loaded hash table '{name}' from '{file}'")
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordingHost;

    fn run(st: &mut State, f: crate::registry::CommandFn, words: &[Value]) -> RunResult<()> {
        if st.fuel == 0 {
            st.begin_run(0);
        }
        let mut host = RecordingHost::default();
        let mut cx = Cx {
            st,
            host: &mut host,
        };
        f(
            &mut cx,
            &CmdArgs {
                name: "test",
                words,
                silent: false,
            },
        )
    }

    fn w(items: &[&str]) -> Vec<Value> {
        items.iter().copied().map(Value::text).collect()
    }

    fn get(st: &State, table: &str, item: &str) -> Option<String> {
        let mut buf = [0u8; 64];
        st.hashes
            .get(table)?
            .items
            .get(fold_key(item, &mut buf).as_ref())
            .map(|(_, v)| v.to_string())
    }

    #[test]
    fn toks_split_words_and_rest() {
        let words = vec![
            Value::text("-m5 t"),
            Value::Null,
            Value::text("Item"),
            Value::text("a b"),
            Value::int(3),
        ];
        let mut t = Toks::new(&words);
        let sw = t.switches();
        assert!(sw.has('m') && sw.num('m') == Some(5) && !sw.has('s'));
        assert_eq!(t.next_tok().as_deref(), Some("t"));
        assert_eq!(t.next_tok().as_deref(), Some("Item"));
        assert_eq!(t.rest().to_string(), "a b 3");
        let words = vec![Value::text("t"), Value::text("k"), Value::int(7)];
        let mut t = Toks::new(&words);
        t.next_tok();
        t.next_tok();
        assert!(matches!(t.rest(), Value::Int(7)));
        let words = w(&["\"my", "file.txt\"", "x"]);
        let mut t = Toks::new(&words);
        assert_eq!(t.next_path().as_deref(), Some("my file.txt"));
    }

    #[test]
    fn make_add_inc_del_free() {
        let mut st = State::default();
        run(&mut st, hmake, &w(&["t", "10"])).unwrap();
        assert!(run(&mut st, hmake, &w(&["t"])).is_err());
        run(
            &mut st,
            hadd,
            &[Value::text("t"), Value::text("Key"), Value::int(5)],
        )
        .unwrap();
        assert_eq!(get(&st, "T", "kEY").as_deref(), Some("5"));
        run(&mut st, hinc, &w(&["t", "key", "2.5"])).unwrap();
        assert_eq!(get(&st, "t", "key").as_deref(), Some("7.5"));
        run(&mut st, hdec, &w(&["t", "new"])).unwrap();
        assert_eq!(get(&st, "t", "new").as_deref(), Some("-1"));
        run(&mut st, hinc, &w(&["t", "frac", "0.1"])).unwrap();
        run(&mut st, hinc, &w(&["t", "frac", "0.2"])).unwrap();
        assert_eq!(get(&st, "t", "frac").as_deref(), Some("0.3"));
        run(&mut st, hdel, &w(&["t", "KEY"])).unwrap();
        assert_eq!(get(&st, "t", "key"), None);
        assert!(run(&mut st, hadd, &w(&["nope", "a", "b"])).is_err());
        run(&mut st, hadd, &w(&["-m", "nope", "a", "b c"])).unwrap();
        assert_eq!(get(&st, "nope", "a").as_deref(), Some("b c"));
        run(&mut st, hfree, &w(&["t"])).unwrap();
        let err = run(&mut st, hfree, &w(&["t"])).unwrap_err();
        assert_eq!(err.to_string(), "/hfree: no such table 't'");
        assert!(run(&mut st, hinc, &w(&["t", "x"])).is_err());
    }

    #[test]
    fn limits_are_enforced() {
        let mut st = State::default();
        st.limits.table_items = 2;
        st.limits.tables = 1;
        run(&mut st, hadd, &w(&["-m", "t", "a", "1"])).unwrap();
        run(&mut st, hadd, &w(&["t", "b", "1"])).unwrap();
        run(&mut st, hadd, &w(&["t", "b", "2"])).unwrap();
        let err = run(&mut st, hadd, &w(&["t", "c", "1"])).unwrap_err();
        assert!(
            err.to_string()
                .contains("hash table too large (limit is 2)"),
            "{err}"
        );
        assert!(run(&mut st, hmake, &w(&["u"])).is_err());
    }

    #[test]
    fn expiring_items_vanish() {
        let mut st = State::default();
        let mut host = RecordingHost {
            fixed_now_ms: Some(1_000),
            ..RecordingHost::default()
        };
        let words = w(&["-mu2", "t", "a", "1"]);
        hadd(
            &mut Cx {
                st: &mut st,
                host: &mut host,
            },
            &CmdArgs {
                name: "hadd",
                words: &words,
                silent: false,
            },
        )
        .unwrap();
        assert_eq!(st.hashes.get("t").unwrap().expires.len(), 1);
        host.fixed_now_ms = Some(3_500);
        let words = w(&["t", "b", "1"]);
        hadd(
            &mut Cx {
                st: &mut st,
                host: &mut host,
            },
            &CmdArgs {
                name: "hadd",
                words: &words,
                silent: false,
            },
        )
        .unwrap();
        assert_eq!(get(&st, "t", "a"), None);
        assert_eq!(get(&st, "t", "b").as_deref(), Some("1"));
    }

    #[test]
    fn save_and_load_formats() {
        let dir = std::env::temp_dir().join(format!("rustirc-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut st = State {
            files_root: Some(dir.clone()),
            ..State::default()
        };
        run(&mut st, hadd, &w(&["-m", "t", "Alice", "hello world"])).unwrap();
        run(&mut st, hadd, &w(&["t", "bob", "2"])).unwrap();
        run(&mut st, hsave, &w(&["t", "t.dat"])).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("t.dat")).unwrap(),
            "Alice\r\nhello world\r\nbob\r\n2\r\n"
        );
        run(&mut st, hload, &w(&["-m", "u", "t.dat"])).unwrap();
        assert_eq!(get(&st, "u", "alice").as_deref(), Some("hello world"));
        run(&mut st, hsave, &w(&["-n", "t", "n.dat"])).unwrap();
        run(&mut st, hload, &w(&["-mn", "v", "n.dat"])).unwrap();
        assert_eq!(get(&st, "v", "2").as_deref(), Some("2"));
        std::fs::write(dir.join("h.ini"), "[other]\r\nx=1\r\n").unwrap();
        run(&mut st, hsave, &w(&["-i", "t", "h.ini", "sec"])).unwrap();
        let ini = std::fs::read_to_string(dir.join("h.ini")).unwrap();
        assert!(
            ini.starts_with("[other]\r\nx=1\r\n")
                && ini.contains("[sec]\r\nAlice=hello world\r\nbob=2\r\n"),
            "{ini}"
        );
        run(&mut st, hload, &w(&["-mi", "w", "h.ini", "sec"])).unwrap();
        assert_eq!(get(&st, "w", "bob").as_deref(), Some("2"));
        assert!(run(&mut st, hload, &w(&["w", "missing.dat"])).is_err());
        assert!(run(&mut st, hsave, &w(&["t", "../escape.dat"])).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn wildcard_delete_and_free() {
        let mut st = State::default();
        for item in ["guest1", "guest2", "admin"] {
            run(&mut st, hadd, &w(&["-m", "t", item, "x"])).unwrap();
        }
        run(&mut st, hdel, &w(&["-w", "t", "GUEST*"])).unwrap();
        assert_eq!(st.hashes.get("t").unwrap().items.len(), 1);
        run(&mut st, hmake, &w(&["t2"])).unwrap();
        run(&mut st, hfree, &w(&["-w", "t*"])).unwrap();
        assert!(st.hashes.tables.is_empty());
        run(&mut st, hfree, &w(&["-w", "none*"])).unwrap();
    }
}
