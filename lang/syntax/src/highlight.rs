//! Syntax highlighting for an editor: [`highlight`] splits mSL source into classed spans as
//! the user types. It never fails and never runs the grammar: it reads line by line, so it
//! keeps up with every keystroke on a large file, and a half-typed line only colours itself.
//!
//! ```
//! use rustirc_syntax::highlight::{highlight, TokenClass};
//! let src = "on *:TEXT:hi:#: { msg # hello $nick %count }";
//! let spans = highlight(src);
//! let class_of = |word: &str| {
//!     let at = src.find(word).unwrap() as u32;
//!     spans.iter().find(|(s, _)| s.start == at).map(|(_, c)| *c)
//! };
//! assert_eq!(class_of("on"), Some(TokenClass::Keyword));
//! assert_eq!(class_of("*:TEXT"), Some(TokenClass::EventHeader));
//! assert_eq!(class_of("msg"), Some(TokenClass::Command));
//! assert_eq!(class_of("$nick"), Some(TokenClass::Identifier));
//! assert_eq!(class_of("%count"), Some(TokenClass::Variable));
//! ```

use crate::ast::Span;
use crate::events::event_shape;
use crate::lower::{HOST_OPERATORS, WORD_OPERATORS};

/// What a span of source is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenClass {
    /// `; comment` lines and `/* … */` blocks.
    Comment,
    /// `alias`, `on`, `menu`, `dialog`, `#group`, `if`, `else`, `while`, `return` …
    Keyword,
    /// The fields of an event header (`*:TEXT:hi:#:`), an alias's name, a menu's targets.
    EventHeader,
    /// The command a statement starts with (`msg`, `/echo`, `.timer`).
    Command,
    /// `$identifier` (with its `.property`), `$1-`, `$+`.
    Identifier,
    /// `%variable`.
    Variable,
    /// A word that is a number.
    Number,
    /// Comparison and logic operators (`==`, `isin`, `&&`, `|`), parentheses.
    Operator,
    /// Plain text.
    Text,
    /// A quoted string (Lua and Python; mSL has no quotes).
    String,
    /// `{` and `}`.
    Brace,
    /// A brace that closes nothing, or one never closed.
    Error,
}

const HEADERS: &[&str] = &["alias", "on", "ctcp", "raw", "menu", "dialog"];
const KEYWORDS: &[&str] = &[
    "if", "elseif", "else", "while", "return", "halt", "haltdef", "break", "continue", "goto",
    "var",
];
/// The symbol operators of conditions; the word operators (`isin`, `isop` …) are the
/// lowering's [`WORD_OPERATORS`] and [`HOST_OPERATORS`].
const SYMBOL_OPS: &[&str] = &[
    "//", "\\\\", "==", "===", "!=", "<", ">", "<=", ">=", "&&", "||", "&",
];

/// Whether `word` (lower case) is a condition operator.
fn is_operator(word: &str) -> bool {
    SYMBOL_OPS.contains(&word) || WORD_OPERATORS.contains(&word) || HOST_OPERATORS.contains(&word)
}

/// Classes every non-blank part of `src` (mSL source; INI-wrapped `nN=` lines too). The
/// spans are in source order, do not overlap, and are byte offsets into `src`.
pub fn highlight(src: &str) -> Vec<(Span, TokenClass)> {
    let mut h = Hl {
        out: Vec::new(),
        open: Vec::new(),
    };
    let mut in_comment = false;
    let mut off = 0;
    for raw in src.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        h.line(off, line, &mut in_comment);
        off += raw.len();
    }
    // Braces never closed.
    for at in std::mem::take(&mut h.open) {
        if let Some(t) = h
            .out
            .iter_mut()
            .find(|(s, c)| s.start as usize == at && *c == TokenClass::Brace)
        {
            t.1 = TokenClass::Error;
        }
    }
    h.out
}

struct Hl {
    out: Vec<(Span, TokenClass)>,
    /// Offsets of the `{` still open.
    open: Vec<usize>,
}

impl Hl {
    fn push(&mut self, start: usize, end: usize, class: TokenClass) {
        if end > start {
            self.out.push((Span::new(start, end), class));
        }
    }

    fn line(&mut self, off: usize, line: &str, in_comment: &mut bool) {
        let lead = line.len() - line.trim_start().len();
        let mut start = off + lead;
        let mut t = line.trim();
        if t.is_empty() {
            return;
        }
        // INI wrapping: `[script]` and the `nN=` in front of each line.
        if t.starts_with('[') && t.ends_with(']') {
            self.push(start, start + t.len(), TokenClass::Comment);
            return;
        }
        if let Some(eq) = ini_prefix(t) {
            self.push(start, start + eq, TokenClass::Comment);
            start += eq;
            let rest = &t[eq..];
            let more = rest.len() - rest.trim_start().len();
            start += more;
            t = rest.trim_start();
            if t.is_empty() {
                return;
            }
        }
        if *in_comment {
            self.push(start, start + t.len(), TokenClass::Comment);
            if t.contains("*/") {
                *in_comment = false;
            }
            return;
        }
        if let Some(inner) = t.strip_prefix("/*") {
            self.push(start, start + t.len(), TokenClass::Comment);
            *in_comment = !inner.contains("*/");
            return;
        }
        if t.starts_with(';') {
            self.push(start, start + t.len(), TokenClass::Comment);
            return;
        }
        if self.open.is_empty() {
            if let Some(rest) = self.header(start, t) {
                let (s, body) = rest;
                self.body(s, body);
                return;
            }
        }
        self.body(start, t);
    }

    /// A top-level header (`alias name`, `on *:TEXT:…:#:`, `menu nicklist`, `#group on`):
    /// classes it and returns where the code after it starts.
    fn header<'a>(&mut self, start: usize, t: &'a str) -> Option<(usize, &'a str)> {
        if t.starts_with('#') {
            let (_, rest) = split_word(t);
            if ["on", "off", "end"].contains(&rest.trim().to_ascii_lowercase().as_str()) {
                self.push(start, start + t.len(), TokenClass::Keyword);
                return Some((start + t.len(), ""));
            }
            return None;
        }
        let (kw, rest) = split_word(t);
        let lower = kw.to_ascii_lowercase();
        if !HEADERS.contains(&lower.as_str()) || rest.is_empty() {
            return None;
        }
        self.push(start, start + kw.len(), TokenClass::Keyword);
        let rest_at = start + (t.len() - rest.len());
        let mut rest = rest;
        let mut at = rest_at;
        // `alias -l name`, `dialog -l name`.
        if matches!(lower.as_str(), "alias" | "dialog") {
            if let Some(r) = rest.strip_prefix("-l") {
                if r.is_empty() || r.starts_with([' ', '\t']) {
                    self.push(at, at + 2, TokenClass::Keyword);
                    let r2 = r.trim_start();
                    at += rest.len() - r2.len();
                    rest = r2;
                }
            }
        }
        let head_len = match lower.as_str() {
            "on" | "ctcp" | "raw" => header_fields_len(&lower, rest),
            _ => rest.find([' ', '\t']).unwrap_or(rest.len()),
        };
        self.push(at, at + head_len, TokenClass::EventHeader);
        let body = &rest[head_len..];
        let trimmed = body.trim_start();
        Some((at + head_len + (body.len() - trimmed.len()), trimmed))
    }

    /// Statements: commands, arguments, braces, conditions.
    fn body(&mut self, start: usize, t: &str) {
        let b = t.as_bytes();
        let mut i = 0;
        let mut stmt = true;
        // Parentheses of an `if`/`while` condition still open; when it closes, a statement
        // may follow on the same line.
        let mut cond: Option<i32> = None;
        while i < b.len() {
            let c = b[i];
            if c == b' ' || c == b'\t' {
                i += 1;
                continue;
            }
            let w_end = (i..b.len())
                .find(|&k| b[k] == b' ' || b[k] == b'\t')
                .unwrap_or(b.len());
            let word = &t[i..w_end];
            if c == b'{' && word.len() == 1 {
                self.open.push(start + i);
                self.push(start + i, start + i + 1, TokenClass::Brace);
                stmt = true;
                i += 1;
                continue;
            }
            if c == b'}' && word.len() == 1 {
                let class = if self.open.pop().is_some() {
                    TokenClass::Brace
                } else {
                    TokenClass::Error
                };
                self.push(start + i, start + i + 1, class);
                stmt = true;
                i += 1;
                continue;
            }
            if word == "|" {
                self.push(start + i, start + i + 1, TokenClass::Operator);
                stmt = true;
                i += 1;
                continue;
            }
            if let Some(depth) = cond.as_mut() {
                if c == b'(' || c == b')' {
                    *depth += if c == b'(' { 1 } else { -1 };
                    self.push(start + i, start + i + 1, TokenClass::Operator);
                    i += 1;
                    if *depth <= 0 {
                        cond = None;
                        stmt = true;
                    }
                    continue;
                }
            }
            if stmt {
                stmt = false;
                let lower = word.to_ascii_lowercase();
                if KEYWORDS.contains(&lower.as_str()) {
                    self.push(start + i, start + w_end, TokenClass::Keyword);
                    if matches!(lower.as_str(), "if" | "elseif" | "while") {
                        cond = Some(0);
                    } else if lower == "else" {
                        stmt = true;
                    }
                    i = w_end;
                    continue;
                }
                if !word.starts_with(['$', '%', '(']) {
                    self.push(start + i, start + w_end, TokenClass::Command);
                    i = w_end;
                    continue;
                }
            }
            i = self.word(start, t, i, w_end);
        }
    }

    /// One argument word from `i` to `end`: identifiers and variables inside it are classed
    /// on their own, the rest is text, a number or an operator. Returns where it ended.
    fn word(&mut self, start: usize, t: &str, i: usize, end: usize) -> usize {
        let word = &t[i..end];
        let lower = word.to_ascii_lowercase();
        if is_operator(&lower) || lower.strip_prefix('!').is_some_and(is_operator) {
            self.push(start + i, start + end, TokenClass::Operator);
            return end;
        }
        if !word.is_empty() && word.parse::<f64>().is_ok() {
            self.push(start + i, start + end, TokenClass::Number);
            return end;
        }
        let b = t.as_bytes();
        let mut k = i;
        let mut text_from = i;
        while k < end {
            let c = b[k];
            let sigil_end = match c {
                b'$' => ident_end(b, k, end),
                b'%' => var_end(b, k, end),
                b'(' | b')' | b',' => Some(k + 1),
                _ => None,
            };
            match sigil_end {
                Some(e) if e > k => {
                    self.text(start, t, text_from, k);
                    let class = match c {
                        b'$' => TokenClass::Identifier,
                        b'%' => TokenClass::Variable,
                        _ => TokenClass::Operator,
                    };
                    self.push(start + k, start + e, class);
                    k = e;
                    text_from = k;
                }
                _ => k += 1,
            }
        }
        self.text(start, t, text_from, end);
        end
    }

    /// Text between identifiers and parentheses: a number, or plain text.
    fn text(&mut self, start: usize, t: &str, from: usize, to: usize) {
        let piece = &t[from..to];
        let class = if !piece.is_empty() && piece.parse::<f64>().is_ok() {
            TokenClass::Number
        } else {
            TokenClass::Text
        };
        self.push(start + from, start + to, class);
    }
}

/// The length of `nN=` in front of an INI-wrapped line.
fn ini_prefix(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    if b.first().is_none_or(|c| !matches!(c, b'n' | b'N')) {
        return None;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    (digits > 0 && b.get(1 + digits) == Some(&b'=')).then_some(digits + 2)
}

fn split_word(t: &str) -> (&str, &str) {
    match t.find([' ', '\t']) {
        Some(k) => (&t[..k], t[k..].trim_start()),
        None => (t, ""),
    }
}

/// The length of an event header's fields (`*:TEXT:hi:#:`), through its last colon.
fn header_fields_len(kw: &str, rest: &str) -> usize {
    let fields = match kw {
        "raw" => 2,
        "ctcp" => 3,
        _ => {
            let event = rest.split(':').nth(1).unwrap_or("");
            event_shape(event).map_or(2, |(f, _)| 2 + f.len())
        }
    };
    let mut seen = 0;
    let mut depth = 0i32;
    for (k, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ':' if depth <= 0 => {
                seen += 1;
                if seen == fields {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    rest.find([' ', '\t']).unwrap_or(rest.len())
}

/// The end of `$name`, `$name(…)` up to its `(`, `$1-`, `$+`, `$!name`, `$$1`, with a
/// `.property`; `None` when `$` stands alone.
fn ident_end(b: &[u8], k: usize, end: usize) -> Option<usize> {
    let mut e = k + 1;
    while e < end && matches!(b[e], b'$' | b'!' | b'~') {
        e += 1;
    }
    if e < end && b[e] == b'+' {
        return Some(e + 1);
    }
    let name = e;
    while e < end && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
        e += 1;
    }
    if e == name {
        return None;
    }
    if e < end && b[e] == b'-' && b[name].is_ascii_digit() {
        e += 1;
        while e < end && b[e].is_ascii_digit() {
            e += 1;
        }
    }
    if e + 1 < end && b[e] == b'.' && b[e + 1].is_ascii_alphabetic() {
        e += 1;
        while e < end && b[e].is_ascii_alphanumeric() {
            e += 1;
        }
    }
    Some(e)
}

/// The end of `%name` (letters, digits, `_`, `.`, `-`); `None` for a lone `%`.
fn var_end(b: &[u8], k: usize, end: usize) -> Option<usize> {
    let mut e = k + 1;
    while e < end && (b[e].is_ascii_alphanumeric() || matches!(b[e], b'_' | b'.' | b'-')) {
        e += 1;
    }
    // A trailing `.` ends a sentence, not the name.
    while e > k + 1 && b[e - 1] == b'.' {
        e -= 1;
    }
    (e > k + 1).then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(src: &str) -> Vec<(&str, TokenClass)> {
        highlight(src)
            .into_iter()
            .map(|(s, c)| (&src[s.start as usize..s.end as usize], c))
            .collect()
    }

    use TokenClass as C;

    #[test]
    fn an_event_with_a_condition() {
        let got = classes("on *:TEXT:!hi *:#: {\n  if ($nick isop #) { msg # hi $1- }\n}\n");
        assert_eq!(
            got,
            vec![
                ("on", C::Keyword),
                ("*:TEXT:!hi *:#:", C::EventHeader),
                ("{", C::Brace),
                ("if", C::Keyword),
                ("(", C::Operator),
                ("$nick", C::Identifier),
                ("isop", C::Operator),
                ("#", C::Text),
                (")", C::Operator),
                ("{", C::Brace),
                ("msg", C::Command),
                ("#", C::Text),
                ("hi", C::Text),
                ("$1-", C::Identifier),
                ("}", C::Brace),
                ("}", C::Brace),
            ]
        );
    }

    #[test]
    fn aliases_comments_numbers_and_calls() {
        let got = classes(
            "; a comment\nalias -l add { return $calc(%a + 2) }\n/* block\n still */\n#g off\n",
        );
        assert_eq!(
            got,
            vec![
                ("; a comment", C::Comment),
                ("alias", C::Keyword),
                ("-l", C::Keyword),
                ("add", C::EventHeader),
                ("{", C::Brace),
                ("return", C::Keyword),
                ("$calc", C::Identifier),
                ("(", C::Operator),
                ("%a", C::Variable),
                ("+", C::Text),
                ("2", C::Number),
                (")", C::Operator),
                ("}", C::Brace),
                ("/* block", C::Comment),
                ("still */", C::Comment),
                ("#g off", C::Keyword),
            ]
        );
    }

    #[test]
    fn unbalanced_braces_are_errors() {
        let got = classes("alias a {\n echo x\n");
        assert!(got.contains(&("{", C::Error)), "{got:?}");
        let got = classes("alias a { echo x }\n}\n");
        assert_eq!(got.last(), Some(&("}", C::Error)));
    }

    #[test]
    fn ini_lines_and_pipes() {
        let got = classes("[script]\nn0=alias hi echo -a $me | halt\n");
        assert_eq!(
            got,
            vec![
                ("[script]", C::Comment),
                ("n0=", C::Comment),
                ("alias", C::Keyword),
                ("hi", C::EventHeader),
                ("echo", C::Command),
                ("-a", C::Text),
                ("$me", C::Identifier),
                ("|", C::Operator),
                ("halt", C::Keyword),
            ]
        );
    }

    #[test]
    fn spans_are_ordered_and_within_the_source() {
        let src = "menu nicklist {\n  Op $1:mode # +o $1\n  .Sub\n  ..Deep:echo -a $$1\n}\ndialog -l d { title \"x\" }";
        let spans = highlight(src);
        let mut last = 0;
        for (s, _) in &spans {
            assert!(s.start >= last && s.end > s.start && s.end as usize <= src.len());
            last = s.end;
        }
    }
}
