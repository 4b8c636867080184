//! `rustirc-syntax`: mSL source to AST.
//!
//! A file is decoded ([`source::decode`]), shaped ([`source::prepare`]: INI unwrapping,
//! continuations, comment blocks), split into top-level items by brace counting, and each item is
//! parsed alone with the pest grammar in `grammar/msl.pest`, then lowered to the [`ast`].
//! Parsing never fails as a whole: a broken item gives one located diagnostic and every other
//! item still loads.
//!
//! This crate does not compile or run anything, and pest's types never appear in its public API.

pub mod ast;
pub mod diag;
pub mod events;
pub mod highlight;
pub use highlight::{highlight, TokenClass};
mod lower;
pub use lower::{HOST_OPERATORS, WORD_OPERATORS};
pub mod par;
pub mod source;

use ast::{
    Alias, Dialog, Event, EventKind, EventLevel, Field, Item, Located, Menu, MenuEntry, Span, Stmt,
    Words,
};
use diag::Diagnostic;
use events::FieldRole;
use lower::Lx;
use pest::Parser;
use source::{FileKind, Prepared};

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/msl.pest"]
pub(crate) struct MslParser;

/// The result of parsing one file: its items, or what a loader made of each
/// ([`parse_bytes_with`]).
#[derive(Debug)]
pub struct Parsed<T = Located> {
    /// The prepared text and its map to original positions.
    pub prepared: Prepared,
    /// Every item that parsed, in file order.
    pub items: Vec<T>,
    /// Errors (one per broken item) and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Every `#group` of the file with its state as written: `(name, on)`, the name without
    /// `#`. Items of a group written `off` must not run until `/enable` turns it on.
    pub groups: Vec<(String, bool)>,
}

impl<T> Parsed<T> {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == diag::Severity::Error)
    }
}

/// The deepest nesting of `(` and `{` the parser accepts. The grammar is recursive, so this
/// bounds its stack use; real scripts stay far below it.
pub const MAX_NESTING: usize = 100;

/// Runs the grammar's `rule` over `text`, refusing text nested deeper than [`MAX_NESTING`]
/// before any recursion starts.
#[allow(clippy::result_large_err)] // pest's own error type, as `Parser::parse` returns it
pub(crate) fn pest_parse(
    rule: Rule,
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    if let Some(at) = too_deep(text) {
        return Err(pest::error::Error::new_from_pos(
            pest::error::ErrorVariant::CustomError {
                message: format!("nested more than {MAX_NESTING} levels deep"),
            },
            pest::Position::new(text, at).expect("an ASCII byte is a char boundary"),
        ));
    }
    MslParser::parse(rule, text)
}

/// The offset of the first `(` or `{` that opens level `MAX_NESTING + 1`. Parentheses close at
/// a line end (no grammar rule lets them span lines); braces do not.
fn too_deep(text: &str) -> Option<usize> {
    let (mut parens, mut braces) = (0usize, 0usize);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' | b'{' => {
                if b == b'(' {
                    parens += 1;
                } else {
                    braces += 1;
                }
                if parens + braces > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' => parens = parens.saturating_sub(1),
            b'}' => braces = braces.saturating_sub(1),
            b'\n' => parens = 0,
            _ => {}
        }
    }
    None
}

/// Sets pest's global call limit once, so a pathological line cannot exhaust the stack.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| pest::set_call_limit(std::num::NonZeroUsize::new(5_000_000)));
}

/// Parses file bytes (UTF-8 or Windows-1252, any line ends).
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    parse_text(&source::decode(bytes))
}

/// Parses decoded text.
pub fn parse_text(text: &str) -> Parsed {
    parse_text_with(text, |l| l)
}

/// Parses file bytes and hands each item to `f` as soon as it is parsed, on the thread that
/// parsed it (a large file is parsed on several threads), keeping what `f` returns in file
/// order. A loader compiles each item there, so a file's whole syntax tree never exists at once.
pub fn parse_bytes_with<R: Send>(bytes: &[u8], f: impl Fn(Located) -> R + Sync) -> Parsed<R> {
    parse_text_with(&source::decode(bytes), f)
}

fn parse_text_with<R: Send>(text: &str, f: impl Fn(Located) -> R + Sync) -> Parsed<R> {
    init();
    let mut prepared = source::prepare(text);
    let mut diagnostics = std::mem::take(&mut prepared.diagnostics);
    let mut groups = Vec::new();
    let items = split_and_parse(&prepared, &f, &mut diagnostics, &mut groups);
    Parsed {
        prepared,
        items,
        diagnostics,
        groups,
    }
}

/// Parses text that becomes code at run time (`$eval`, `[ ]`, a timer's command) as one line of
/// words. The error message has no position: the text has no file.
pub fn parse_words(text: &str) -> Result<Words, String> {
    init();
    let mut pairs = pest_parse(Rule::dyn_words, text).map_err(|e| pest_message(&e))?;
    let top = pairs.next().ok_or("empty")?;
    let mut lx = Lx::new(text, 0);
    let toks = top
        .into_inner()
        .filter(|p| p.as_rule() == Rule::dword)
        .map(|p| lx.cword_pub(p))
        .collect();
    Ok(lx.words_from(toks))
}

/// Parses one or more statements typed at run time (a timer's command, `/scon` text, the
/// editbox after `//`). Offsets are relative to `text`.
pub fn parse_statements(text: &str) -> Result<Vec<Stmt>, String> {
    init();
    let mut pairs = pest_parse(Rule::body, text).map_err(|e| match unclosed_brace(text) {
        Some(at) if matches!(e.variant, pest::error::ErrorVariant::ParsingError { .. }) => {
            let line = text[..at].matches('\n').count() + 1;
            let col = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
            format!("the {{ at line {line}, column {col} is never closed (missing }})")
        }
        _ => pest_message(&e),
    })?;
    let body = pairs.next().ok_or("empty")?;
    let mut lx = Lx::new(text, 0);
    let stmts = lower_body(&mut lx, body);
    if let Some(d) = lx.diags.first() {
        return Err(d.message.clone());
    }
    Ok(stmts)
}

/// The offset of the first `{` (a whole word) that no `}` closes.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    let mut at = 0;
    for w in text.split_inclusive([' ', '\t', '\n']) {
        match w.trim_end_matches([' ', '\t', '\n', '\r']) {
            "{" => open.push(at),
            "}" => {
                open.pop();
            }
            _ => {}
        }
        at += w.len();
    }
    open.first().copied()
}

/// The first line of a pest error, without its own position (we add ours).
pub(crate) fn pest_message(e: &pest::error::Error<Rule>) -> String {
    use pest::error::ErrorVariant;
    match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<String> = Vec::new();
            for n in positives.iter().map(|r| rule_name(*r)) {
                if !names.contains(&n) && names.len() < 4 {
                    names.push(n);
                }
            }
            if names.is_empty() {
                "unexpected text".to_string()
            } else {
                format!("expected {}", names.join(" or "))
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    }
}

/// Where a pest error is in `text` and what it means in a script writer's terms: a brace
/// glued to other text and a `(` left open at the end of a line are named as such; other
/// errors say what the grammar expected there.
pub(crate) fn explain(e: &pest::error::Error<Rule>, text: &str) -> (usize, String) {
    let at = err_offset(e).min(text.len());
    if !matches!(e.variant, pest::error::ErrorVariant::ParsingError { .. }) {
        return (at, pest_message(e));
    }
    let b = text.as_bytes();
    let blank = |c: Option<&u8>| matches!(c, None | Some(b' ' | b'\t' | b'\n' | b'\r'));
    if let Some(&c) = b.get(at).filter(|c| matches!(c, b'{' | b'}')) {
        if (at > 0 && !blank(b.get(at - 1))) || !blank(b.get(at + 1)) {
            return (
                at,
                format!(
                    "{} must be separated by spaces from the text around it",
                    c as char
                ),
            );
        }
    }
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
    if text[at..line_end].trim().is_empty() {
        let mut open = Vec::new();
        for (i, c) in text[line_start..at].bytes().enumerate() {
            match c {
                b'(' => open.push(line_start + i),
                b')' => {
                    open.pop();
                }
                _ => {}
            }
        }
        if let Some(&paren) = open.first() {
            let before = text[line_start..paren].trim_end().to_ascii_lowercase();
            let keyword = ["elseif", "if", "while"].into_iter().find(|k| {
                before
                    .strip_suffix(k)
                    .is_some_and(|r| r.is_empty() || r.ends_with([' ', '\t', '|', '{']))
            });
            let message = match keyword {
                Some(k) => format!("the condition of {k} is never closed: missing )"),
                None => "this ( is never closed: missing )".to_string(),
            };
            return (paren, message);
        }
    }
    (at, pest_message(e))
}

fn rule_name(r: Rule) -> String {
    match r {
        Rule::block => "a { } block".to_string(),
        Rule::condition | Rule::cond_group | Rule::cond_not => "a condition in ( )".to_string(),
        Rule::branch => "a command or { } block".to_string(),
        Rule::EOI => "end of line".to_string(),
        other => format!("{other:?}").replace('_', " "),
    }
}

// ------------------------------------------------------------------------------ items

/// Keywords that start a top-level item in a remote file.
fn item_keyword(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    let word = t.split([' ', '\t']).next().unwrap_or("");
    let lw = word.to_ascii_lowercase();
    Some(match lw.as_str() {
        "alias" => "alias",
        "on" => "on",
        "ctcp" => "ctcp",
        "raw" => "raw",
        "menu" => "menu",
        "dialog" => "dialog",
        _ if word.starts_with('#') && word.len() > 1 => {
            let second = t
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_ascii_lowercase();
            if matches!(second.as_str(), "on" | "off" | "end") {
                "group"
            } else {
                return None;
            }
        }
        _ if word.starts_with(';') => "comment",
        "rem" => "comment",
        _ => return None,
    })
}

/// Net `{` minus `}` of a line, counting only braces that stand as whole words.
fn brace_delta(line: &str) -> i64 {
    if !line.bytes().any(|b| b == b'{' || b == b'}') {
        return 0;
    }
    let t = line.trim_start();
    if t.starts_with(';') {
        return 0;
    }
    let mut d = 0;
    for w in line.split([' ', '\t']) {
        match w.trim_end_matches('\r') {
            "{" => d += 1,
            // An event header glues its block to the last field: `on *:TEXT:*:#:{`.
            x if x.ends_with(":{") => d += 1,
            "}" => d -= 1,
            _ => {}
        }
    }
    d
}

fn split_and_parse<R: Send>(
    p: &Prepared,
    f: &(impl Fn(Located) -> R + Sync),
    diags: &mut Vec<Diagnostic>,
    groups: &mut Vec<(String, bool)>,
) -> Vec<R> {
    // Items parsed on this thread as the splitter meets them (INI user and variable lines,
    // popup files); the others are parsed below, possibly on several threads.
    let mut inline: Vec<Located> = Vec::new();
    let items = &mut inline;
    // Line starts in the prepared text.
    let text = p.text.as_str();
    let mut starts = vec![0];
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' && i + 1 < text.len() {
            starts.push(i + 1);
        }
    }
    let line = |i: usize| -> &str {
        let s = starts[i];
        let e = starts.get(i + 1).map_or(text.len(), |n| n - 1);
        text[s..e].trim_end_matches('\n')
    };
    let n = starts.len();
    let mut group: Option<(String, Span)> = None;
    let mut jobs: Vec<Job<'_>> = Vec::new();
    let mut i = 0;
    if p.kind == FileKind::Popups {
        parse_popup_file(p, &starts, items, diags);
        return inline.into_iter().map(f).collect();
    }
    while i < n {
        let l = line(i);
        let t = l.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        let start_off = starts[i] + (l.len() - l.trim_start().len());
        let kw = match p.kind {
            FileKind::Remote => item_keyword(l),
            FileKind::Aliases => {
                if t.starts_with(';') || t.to_ascii_lowercase().starts_with("rem ") {
                    Some("comment")
                } else if t == "}" {
                    // A stray closing brace, not an alias named `}`.
                    None
                } else {
                    Some("alias_file")
                }
            }
            FileKind::Users => Some("user"),
            FileKind::Variables => Some("var"),
            FileKind::Popups => None,
        };
        let Some(kw) = kw else {
            if t == "}" {
                diags.push(Diagnostic::error(
                    Span::new(start_off, start_off + 1),
                    "unexpected } at top level",
                ));
            } else {
                diags.push(Diagnostic::warning(
                    Span::new(start_off, start_off + t.len()),
                    format!("stray text at top level is ignored: '{}'", truncate(t, 40)),
                ));
            }
            i += 1;
            continue;
        };
        match kw {
            "comment" => {
                i += 1;
                continue;
            }
            "group" => {
                let mut words = t.split_whitespace();
                let name = words.next().unwrap_or("#")[1..].to_string();
                let state = words.next().unwrap_or("").to_ascii_lowercase();
                if state == "end" {
                    if group.take().is_none() {
                        diags.push(Diagnostic::warning(
                            Span::new(start_off, start_off + t.len()),
                            format!("#{name} end without a matching #{name} on|off"),
                        ));
                    }
                } else {
                    if let Some((open, sp)) = &group {
                        diags.push(Diagnostic::warning(*sp, format!("group #{open} is not closed before #{name} starts (groups cannot nest)")));
                    }
                    group = Some((name.clone(), Span::new(start_off, start_off + t.len())));
                    if !groups.iter().any(|(g, _)| g.eq_ignore_ascii_case(&name)) {
                        groups.push((name.clone(), state == "on"));
                    }
                }
                i += 1;
                continue;
            }
            "user" => {
                parse_simple(p, Rule::user_entry, l, starts[i], items, diags, &group);
                i += 1;
                continue;
            }
            "var" => {
                parse_simple(p, Rule::var_entry, l, starts[i], items, diags, &group);
                i += 1;
                continue;
            }
            _ => {}
        }
        // Find the item's extent by brace counting.
        let mut depth = brace_delta(l);
        let mut j = i + 1;
        let mut unbalanced = false;
        while depth > 0 {
            if j >= n {
                unbalanced = true;
                break;
            }
            let lj = line(j);
            // A new top-level item at column 0 while braces are open: the previous item is
            // missing a `}`. Stop there so the next item still loads.
            if p.kind == FileKind::Remote
                && !lj.starts_with([' ', '\t'])
                && matches!(
                    item_keyword(lj),
                    Some("alias" | "on" | "ctcp" | "raw" | "menu" | "dialog")
                )
            {
                unbalanced = true;
                break;
            }
            depth += brace_delta(lj);
            j += 1;
        }
        let end = if j >= n { text.len() } else { starts[j] - 1 };
        let item_text = &text[start_off..end.max(start_off)];
        let head_span = Span::new(start_off, start_off + l.trim().len());
        if unbalanced {
            diags.push(Diagnostic::error(
                head_span,
                format!("unbalanced braces in {}: missing }}", describe_head(kw, t)),
            ));
        } else {
            jobs.push(Job {
                kw,
                text: item_text,
                base: start_off,
                group: group.as_ref().map(|g| g.0.clone()),
            });
        }
        i = j.max(i + 1);
    }
    // Items are independent: a large file parses them on several threads, in file order.
    let results = par::map(
        &jobs,
        |j| j.text.len(),
        |j| {
            let mut d = Vec::new();
            let r = parse_item(j.kw, j.text, j.base, &mut d).map(|item| {
                item.map(|item| {
                    f(Located {
                        item,
                        group: j.group.clone(),
                    })
                })
            });
            (r, d)
        },
    );
    let mut out: Vec<R> = inline.into_iter().map(f).collect();
    for (r, d) in results {
        diags.extend(d);
        match r {
            Ok(Some(x)) => out.push(x),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    if let Some((name, sp)) = group {
        diags.push(Diagnostic::warning(
            sp,
            format!("group #{name} has no #{name} end"),
        ));
    }
    out
}

/// A top-level item found by the splitter, waiting to be parsed.
struct Job<'a> {
    kw: &'static str,
    text: &'a str,
    base: usize,
    group: Option<String>,
}

fn describe_head(kw: &str, line: &str) -> String {
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    match kw {
        "alias" => {
            let mut name = words.next().unwrap_or("");
            if name.eq_ignore_ascii_case("-l") {
                name = words.next().unwrap_or("");
            }
            format!("alias '{name}'")
        }
        "on" | "ctcp" | "raw" => format!(
            "{first} {}",
            words
                .next()
                .unwrap_or("")
                .split(':')
                .take(2)
                .collect::<Vec<_>>()
                .join(":")
        ),
        "alias_file" => format!("alias '{}'", first.trim_start_matches('/')),
        other => format!("{other} '{}'", words.next().unwrap_or("")),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn parse_simple(
    p: &Prepared,
    rule: Rule,
    l: &str,
    off: usize,
    items: &mut Vec<Located>,
    diags: &mut Vec<Diagnostic>,
    group: &Option<(String, Span)>,
) {
    let _ = p;
    let t = l.trim();
    let lead = l.len() - l.trim_start().len();
    match pest_parse(rule, t) {
        Ok(mut pairs) => {
            let top = pairs.next().expect("rule");
            let mut a = String::new();
            let mut b = String::new();
            let mut c = String::new();
            for q in top.into_inner() {
                match q.as_rule() {
                    Rule::user_levels | Rule::var_name => a = q.as_str().to_string(),
                    Rule::user_mask | Rule::var_value => b = q.as_str().to_string(),
                    Rule::user_info => c = q.as_str().to_string(),
                    _ => {}
                }
            }
            let item = if rule == Rule::user_entry {
                Item::User {
                    levels: a,
                    mask: b,
                    info: c,
                }
            } else {
                Item::Variable { name: a, value: b }
            };
            items.push(Located {
                item,
                group: group.as_ref().map(|g| g.0.clone()),
            });
        }
        Err(e) => {
            let at = off + lead + err_offset(&e);
            let what = if rule == Rule::user_entry {
                "user entry: expected LEVELS:MASK [INFO], e.g. 10,friend:*!*@host.example"
            } else {
                "variable entry: expected %NAME VALUE"
            };
            diags.push(Diagnostic::error(
                Span::new(at, at + 1),
                format!("malformed {what}"),
            ));
        }
    }
}

fn err_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// Parses one top-level item. `Ok(None)` means nothing to keep.
fn parse_item(
    kw: &str,
    text: &str,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Item>, Diagnostic> {
    let head_span = Span::new(base, base + text.find('\n').unwrap_or(text.len()));
    let fail = |e: pest::error::Error<Rule>, what: String| {
        let (at, message) = explain(&e, text);
        let at = base + at;
        Diagnostic::error(Span::new(at, at + 1), format!("{what}: {message}"))
    };
    match kw {
        "alias" | "alias_file" => {
            let rule = if kw == "alias" {
                Rule::alias_item
            } else {
                Rule::alias_file_item
            };
            let what = describe_head(kw, text.lines().next().unwrap_or(""));
            if what == "alias ''" {
                return Err(Diagnostic::error(
                    Span::new(base, base + 1),
                    "alias without a name: expected alias NAME COMMANDS",
                ));
            }
            let mut pairs =
                pest_parse(rule, text).map_err(|e| fail(e, format!("cannot parse {what}")))?;
            let top = pairs.next().expect("rule");
            let mut lx = Lx::new(text, base);
            let mut name = String::new();
            let mut local = false;
            let mut body = Vec::new();
            let mut span = head_span;
            for q in top.into_inner() {
                match q.as_rule() {
                    Rule::alias_local => local = true,
                    Rule::alias_name => {
                        name = q.as_str().trim_start_matches('/').to_ascii_lowercase();
                        span = Span::new(base + q.as_span().start(), base + q.as_span().end());
                    }
                    Rule::body_opt => {
                        if let Some(b) = q.into_inner().next() {
                            body = lower_body(&mut lx, b);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(d) = lx.diags.into_iter().next() {
                return Err(d);
            }
            Ok(Some(Item::Alias(Alias {
                name,
                local,
                body,
                span,
            })))
        }
        "on" | "ctcp" | "raw" => parse_event(kw, text, base, diags).map(|e| e.map(Item::Event)),
        "menu" => {
            let mut pairs = pest_parse(Rule::menu_item, text)
                .map_err(|e| fail(e, "cannot parse menu header".to_string()))?;
            let top = pairs.next().expect("rule");
            let head_len = top.as_str().len();
            let targets = top
                .into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            let body_text = &text[head_len..];
            let body_text = body_text.rfind('}').map_or(body_text, |k| &body_text[..k]);
            let entries = parse_menu_lines(body_text, base + head_len, diags);
            Ok(Some(Item::Menu(Menu {
                targets,
                entries,
                span: head_span,
            })))
        }
        "dialog" => {
            let mut pairs = pest_parse(Rule::dialog_item, text)
                .map_err(|e| fail(e, "cannot parse dialog header".to_string()))?;
            let top = pairs.next().expect("rule");
            let head_len = top.as_str().len();
            let local = top.as_str().contains(" -l ");
            let name = top
                .into_inner()
                .find(|q| q.as_rule() == Rule::dialog_name)
                .map(|q| q.as_str().to_string())
                .unwrap_or_default();
            let mut lines = Vec::new();
            let body_text = &text[head_len..];
            let body_text = body_text.rfind('}').map_or(body_text, |k| &body_text[..k]);
            for l in body_text.lines() {
                let t = l.trim();
                if t.is_empty() || t.starts_with(';') {
                    continue;
                }
                let (kw, rest) = t.split_once([' ', '\t']).unwrap_or((t, ""));
                lines.push((kw.to_ascii_lowercase(), rest.trim().to_string()));
            }
            Ok(Some(Item::Dialog(Dialog {
                name,
                local,
                lines,
                span: head_span,
            })))
        }
        _ => Ok(None),
    }
}

// body = { sp* ~ (block ~ sep* ~ EOI | stmts ~ EOI) }
fn lower_body(lx: &mut Lx<'_>, b: pest::iterators::Pair<'_, Rule>) -> Vec<Stmt> {
    let mut out = Vec::new();
    for q in b.into_inner() {
        match q.as_rule() {
            Rule::block => out.extend(lx.block(q)),
            Rule::stmts => out.extend(lx.stmts(q)),
            Rule::body => out.extend(lower_body(lx, q)),
            _ => {}
        }
    }
    out
}

/// Parses an `on`, `ctcp` or `raw` item: the head with pest, the fields by the event's shape,
/// then the body.
fn parse_event(
    kw: &str,
    text: &str,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<Event>, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    let head_span = Span::new(base, base + first_line.len());
    let rule = match kw {
        "on" => Rule::on_item,
        "ctcp" => Rule::ctcp_item,
        _ => Rule::raw_item,
    };
    let mut pairs = pest_parse(rule, text).map_err(|e| {
        let at = base + err_offset(&e);
        let shape = match kw {
            "on" => "on LEVEL:EVENT:FIELDS…:COMMANDS",
            "ctcp" => "ctcp LEVEL:MATCHTEXT:[TARGET:]COMMANDS",
            _ => "raw NUMERIC:MATCHTEXT:COMMANDS",
        };
        Diagnostic::error(
            Span::new(at, at + 1),
            format!("malformed {kw} header: expected {shape}"),
        )
    })?;
    let top = pairs.next().expect("rule");
    let head_len = top.as_str().len();
    let mut level_text = String::new();
    let mut me = false;
    let mut name = String::new();
    for q in top.into_inner() {
        match q.as_rule() {
            Rule::event_me => me = true,
            Rule::event_level => level_text = q.as_str().to_string(),
            Rule::event_name => name = q.as_str().to_ascii_uppercase(),
            _ => {}
        }
    }
    let mut level = parse_level(&level_text);
    level.me = me;
    let (kind, roles): (EventKind, Vec<FieldRole>) = match kw {
        "on" => match events::event_shape(&name) {
            Some((roles, runs)) => {
                if !runs {
                    diags.push(Diagnostic::warning(
                        head_span,
                        format!("on {name} is parsed but this client cannot raise it yet"),
                    ));
                }
                (EventKind::On(name.clone()), roles.to_vec())
            }
            None => {
                diags.push(Diagnostic::warning(
                    head_span,
                    format!("unknown event '{name}' (another client's event?) is never raised"),
                ));
                (EventKind::On(name.clone()), vec![])
            }
        },
        "ctcp" => (EventKind::Ctcp, vec![FieldRole::Match, FieldRole::Target]),
        _ => (
            EventKind::Raw(level_text.to_ascii_uppercase()),
            vec![FieldRole::Match],
        ),
    };
    if kw == "raw" {
        level = EventLevel {
            level: "*".to_string(),
            ..EventLevel::default()
        };
    }
    // Split the fields after the head by the event's shape.
    let mut rest_off = head_len;
    let mut fields: Vec<(FieldRole, Field)> = Vec::new();
    for (k, role) in roles.iter().enumerate() {
        let rest = &text[rest_off..];
        // ctcp's target may be omitted: only take it when it looks like a target.
        if kw == "ctcp" && *role == FieldRole::Target {
            let cand = rest.split(':').next().unwrap_or("");
            let looks = !cand.contains(' ')
                && (cand == "*"
                    || cand == "?"
                    || cand.starts_with('#')
                    || cand.starts_with('%')
                    || cand.starts_with('='))
                && rest.len() > cand.len();
            if !looks {
                break;
            }
        }
        let regex = *role == FieldRole::Match && level.regex;
        let Some(len) = field_len(rest, regex) else {
            return Err(Diagnostic::error(
                Span::new(base + rest_off, base + rest_off + 1),
                format!(
                    "malformed {} header: expected {} more ':'-separated field(s)",
                    [kw, &name].join(" ").trim_end(),
                    roles.len() - k
                ),
            ));
        };
        let raw = &rest[..len];
        let field = if raw.starts_with("$(")
            || (raw.starts_with('%') && !raw.contains(' '))
            || (raw.starts_with('$') && !regex && raw.len() > 1)
        {
            match parse_words(raw) {
                Ok(mut w) => {
                    shift_words(&mut w, base + rest_off);
                    Field::Dynamic(w)
                }
                Err(_) => Field::Text(raw.to_string()),
            }
        } else {
            Field::Text(raw.to_string())
        };
        fields.push((*role, field));
        rest_off += len + 1;
    }
    let body_text = &text[rest_off.min(text.len())..];
    let mut lx = Lx::new(body_text, base + rest_off);
    let body = match pest_parse(Rule::body, body_text) {
        Ok(mut pairs) => lower_body(&mut lx, pairs.next().expect("rule")),
        Err(e) => {
            let (at, message) = explain(&e, body_text);
            let at = base + rest_off + at;
            return Err(Diagnostic::error(
                Span::new(at, at + 1),
                format!(
                    "cannot parse body of {}: {message}",
                    [kw, &name].join(" ").trim_end()
                ),
            ));
        }
    };
    if let Some(d) = lx.diags.into_iter().next() {
        return Err(d);
    }
    let mut ev = Event {
        kind,
        level,
        matchtext: None,
        target: None,
        extra: Vec::new(),
        body,
        span: head_span,
    };
    for (role, f) in fields {
        match role {
            FieldRole::Match => ev.matchtext = Some(f),
            FieldRole::Target => ev.target = Some(f),
            FieldRole::Extra => ev.extra.push(f),
        }
    }
    Ok(Some(ev))
}

fn shift_words(w: &mut Words, by: usize) {
    let by = u32::try_from(by).unwrap_or(0);
    w.span.start += by;
    w.span.end += by;
    for word in &mut w.words {
        word.span.start += by;
        word.span.end += by;
    }
}

/// Length of one header field: up to the next `:`, keeping `$( … )` balanced and a regex
/// `/…/flags` whole. `None` when no `:` ends it.
fn field_len(rest: &str, regex: bool) -> Option<usize> {
    let b = rest.as_bytes();
    let mut i = 0;
    if rest.starts_with("$(") {
        let mut depth = 0;
        while i < b.len() {
            match b[i] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    } else if regex && rest.starts_with('/') {
        i = 1;
        while i < b.len() && b[i] != b'/' {
            if b[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
    }
    while i < b.len() && b[i] != b':' {
        if b[i] == b'\n' {
            return None;
        }
        i += 1;
    }
    if i < b.len() {
        Some(i)
    } else {
        None
    }
}

/// Splits a level field like `!@^*`, `+5`, `me`, `friend`, `$&*` into prefixes and level.
fn parse_level(s: &str) -> EventLevel {
    let mut l = EventLevel::default();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        match c {
            '!' => l.not_me = true,
            '@' => l.need_op = true,
            '&' => l.skip_halted = true,
            '^' => l.pre = true,
            '$' => l.regex = true,
            '+' => l.exact = true,
            '=' => l.equals = true,
            '<' | '>' => {
                let n = rest
                    .chars()
                    .take_while(|c| matches!(c, '<' | '>' | '='))
                    .count();
                l.compare = Some(rest[..n].to_string());
                rest = &rest[n..];
                continue;
            }
            _ => break,
        }
        rest = &rest[c.len_utf8()..];
    }
    l.level = if rest.is_empty() {
        "*".to_string()
    } else {
        rest.to_string()
    };
    l
}

/// Parses menu lines (`Label:command`, `.Sub`, `-`, `Label:{` … `}`).
fn parse_menu_lines(body: &str, base: usize, diags: &mut Vec<Diagnostic>) -> Vec<MenuEntry> {
    let mut entries = Vec::new();
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for l in body.split('\n') {
            v.push((off, l));
            off += l.len() + 1;
        }
        v
    };
    let mut i = 0;
    while i < lines.len() {
        let (off, l) = lines[i];
        let t = l.trim();
        i += 1;
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        let depth = u8::try_from(t.chars().take_while(|c| *c == '.').count()).unwrap_or(u8::MAX);
        let t = t.trim_start_matches('.');
        if t == "-" {
            entries.push(MenuEntry {
                depth,
                label: "-".to_string(),
                body: Vec::new(),
            });
            continue;
        }
        // The label ends at the first ':' outside parentheses.
        let mut depth_p = 0i32;
        let mut split = None;
        for (k, c) in t.char_indices() {
            match c {
                '(' => depth_p += 1,
                ')' => depth_p -= 1,
                ':' if depth_p == 0 => {
                    split = Some(k);
                    break;
                }
                _ => {}
            }
        }
        let Some(k) = split else {
            entries.push(MenuEntry {
                depth,
                label: t.to_string(),
                body: Vec::new(),
            });
            continue;
        };
        let label = t[..k].to_string();
        let mut cmd = t[k + 1..].to_string();
        let lead = l.len() - l.trim_start().len() + (l.trim().len() - t.len()) + k + 1;
        if brace_delta(&cmd) > 0 {
            let mut d = brace_delta(&cmd);
            while d > 0 && i < lines.len() {
                cmd.push('\n');
                cmd.push_str(lines[i].1);
                d += brace_delta(lines[i].1);
                i += 1;
            }
        }
        let body = match pest_parse(Rule::body, &cmd) {
            Ok(mut pairs) => {
                let mut lx = Lx::new(&cmd, base + off + lead);
                let b = lower_body(&mut lx, pairs.next().expect("rule"));
                diags.extend(lx.diags);
                b
            }
            Err(e) => {
                let (at, message) = explain(&e, &cmd);
                let at = base + off + lead + at;
                diags.push(Diagnostic::error(
                    Span::new(at, at + 1),
                    format!("cannot parse menu item '{label}': {message}"),
                ));
                Vec::new()
            }
        };
        entries.push(MenuEntry { depth, label, body });
    }
    entries
}

fn parse_popup_file(
    p: &Prepared,
    _starts: &[usize],
    items: &mut Vec<Located>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut bounds: Vec<(usize, String)> = p.popup_sections.clone();
    if bounds.is_empty() {
        bounds.push((0, "popup".to_string()));
    }
    for (k, (at, name)) in bounds.iter().enumerate() {
        let end = bounds.get(k + 1).map_or(p.text.len(), |b| b.0);
        let body = &p.text[*at..end];
        let entries = parse_menu_lines(body, *at, diags);
        let targets = match name.as_str() {
            "bpopup" => "menubar",
            "cpopup" => "channel",
            "lpopup" => "nicklist",
            "mpopup" => "menubar",
            "qpopup" => "query",
            _ => "status",
        };
        items.push(Located {
            item: Item::Menu(Menu {
                targets: targets.to_string(),
                entries,
                span: Span::new(*at, *at),
            }),
            group: None,
        });
    }
}

#[cfg(test)]
mod tests;
