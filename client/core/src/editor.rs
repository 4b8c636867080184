//! What the script editor needs besides drawing: colours for the text ([`highlight`]), the
//! problems in it as the user types ([`Diagnostic`], from
//! [`Client::diagnostics`](crate::client::Client::diagnostics)), and applying it to the
//! running client ([`Client::apply_script`](crate::client::Client::apply_script)).
//!
//! ```
//! use rustirc_core::editor::{highlight, TokenClass};
//! // A GUI colours each span by its class.
//! let lua = "-- greet\nlocal n = 1 irc.command(\"echo -a hi\")";
//! let spans = highlight("greet.lua", lua);
//! assert_eq!(spans[0].1, TokenClass::Comment);
//! assert!(spans.iter().any(|(_, c)| *c == TokenClass::Keyword)); // `local`
//! assert!(spans.iter().any(|(_, c)| *c == TokenClass::String));
//! ```

pub use rustirc_syntax::ast::Span;
pub use rustirc_syntax::diag::Severity;
pub use rustirc_syntax::TokenClass;

/// The language of a file, by its extension: `.lua`, `.py`, anything else is mSL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// mSL (`.mrc`, `.ini`, `.txt` …).
    Msl,
    /// Lua (`.lua`).
    Lua,
    /// Python (`.py`).
    Python,
}

impl Language {
    /// The language of `file`.
    pub fn of(file: &str) -> Language {
        let lower = file.to_ascii_lowercase();
        if lower.ends_with(".lua") {
            Language::Lua
        } else if lower.ends_with(".py") {
            Language::Python
        } else {
            Language::Msl
        }
    }
}

/// One problem in the editor's text, placed for underlining.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters); 1 when only the line is known.
    pub col: u32,
    /// How many characters to underline (at least 1).
    pub len: u32,
    /// Error (the item does not load) or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// Classes the text of `file` for colouring: mSL through
/// [`rustirc_syntax::highlight`], Lua and Python at the level of keywords, comments,
/// strings, numbers and brackets. Spans are byte offsets into `src`, in order.
pub fn highlight(file: &str, src: &str) -> Vec<(Span, TokenClass)> {
    match Language::of(file) {
        Language::Msl => rustirc_syntax::highlight(src),
        lang => keywords(lang, src),
    }
}

const LUA_KEYWORDS: &[&str] = &[
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A keyword-level lexer for Lua and Python.
fn keywords(lang: Language, src: &str) -> Vec<(Span, TokenClass)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<(Span, TokenClass)>, s: usize, e: usize, c| {
        if e > s {
            out.push((Span::new(s, e), c));
        }
    };
    while i < b.len() {
        let c = b[i];
        let rest = &src[i..];
        // Comments.
        let comment = match lang {
            Language::Lua => rest.starts_with("--"),
            _ => c == b'#',
        };
        if comment {
            let long = lang == Language::Lua && rest[2..].starts_with("[[");
            let end = if long {
                rest.find("]]").map_or(b.len(), |k| i + k + 2)
            } else {
                rest.find('\n').map_or(b.len(), |k| i + k)
            };
            push(&mut out, i, end, TokenClass::Comment);
            i = end;
            continue;
        }
        // Strings.
        let triple =
            lang == Language::Python && (rest.starts_with("\"\"\"") || rest.starts_with("'''"));
        if triple {
            let end = rest[3..]
                .find(&rest[..3])
                .map_or(b.len(), |k| i + 3 + k + 3);
            push(&mut out, i, end, TokenClass::String);
            i = end;
            continue;
        }
        if lang == Language::Lua && rest.starts_with("[[") {
            let end = rest.find("]]").map_or(b.len(), |k| i + k + 2);
            push(&mut out, i, end, TokenClass::String);
            i = end;
            continue;
        }
        if c == b'"' || c == b'\'' {
            let mut k = i + 1;
            while k < b.len() && b[k] != c && b[k] != b'\n' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            let closed = k < b.len() && b[k] == c;
            let end = (k + usize::from(closed)).min(b.len());
            let class = if closed {
                TokenClass::String
            } else {
                TokenClass::Error
            };
            push(&mut out, i, end, class);
            i = end;
            continue;
        }
        if c.is_ascii_digit() {
            let mut k = i;
            while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'.' || b[k] == b'_') {
                k += 1;
            }
            push(&mut out, i, k, TokenClass::Number);
            i = k;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut k = i;
            while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                k += 1;
            }
            let word = &src[i..k];
            let list = if lang == Language::Lua {
                LUA_KEYWORDS
            } else {
                PY_KEYWORDS
            };
            let class = if list.contains(&word) {
                TokenClass::Keyword
            } else if b.get(k) == Some(&b'(') {
                TokenClass::Command
            } else {
                TokenClass::Text
            };
            push(&mut out, i, k, class);
            i = k;
            continue;
        }
        if b"(){}[]".contains(&c) {
            push(&mut out, i, i + 1, TokenClass::Brace);
            i += 1;
            continue;
        }
        if b"=<>~!+-*/%^&|.:,;@".contains(&c) {
            push(&mut out, i, i + 1, TokenClass::Operator);
            i += 1;
            continue;
        }
        // Blanks and anything else (non-ASCII text) move on by one character.
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The length in characters of the word at (`line`, `col`) of `text`, at least 1: what an
/// editor underlines for a diagnostic placed there.
pub(crate) fn word_len(text: &str, line: u32, col: u32) -> u32 {
    let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return 1;
    };
    let n = l
        .chars()
        .skip(col.saturating_sub(1) as usize)
        .take_while(|c| !c.is_whitespace())
        .count();
    u32::try_from(n.max(1)).unwrap_or(1)
}

/// Reads `file:LINE: message` (what the engines' `check` gives) into a diagnostic.
pub(crate) fn engine_diagnostic(file: &str, text: &str, message: &str) -> Diagnostic {
    let rest = message.strip_prefix(file).unwrap_or(message);
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line = digits.parse::<u32>().unwrap_or(1).max(1);
    let col = text.lines().nth(line as usize - 1).map_or(1, |l| {
        l.chars().take_while(|c| c.is_whitespace()).count() + 1
    });
    let col = u32::try_from(col).unwrap_or(1);
    Diagnostic {
        line,
        col,
        len: word_len(text, line, col),
        severity: Severity::Error,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes<'a>(file: &str, src: &'a str) -> Vec<(&'a str, TokenClass)> {
        highlight(file, src)
            .into_iter()
            .map(|(s, c)| (&src[s.start as usize..s.end as usize], c))
            .collect()
    }

    #[test]
    fn lua_keywords_strings_comments() {
        let got = classes("a.lua", "local x = \"hi\" -- note\nif x then print(x) end");
        use TokenClass as C;
        assert_eq!(
            got,
            vec![
                ("local", C::Keyword),
                ("x", C::Text),
                ("=", C::Operator),
                ("\"hi\"", C::String),
                ("-- note", C::Comment),
                ("if", C::Keyword),
                ("x", C::Text),
                ("then", C::Keyword),
                ("print", C::Command),
                ("(", C::Brace),
                ("x", C::Text),
                (")", C::Brace),
                ("end", C::Keyword),
            ]
        );
    }

    #[test]
    fn python_triple_strings_and_unclosed_quotes() {
        let got = classes("a.py", "def f():\n    '''doc'''\n    return 'oops\n# c");
        use TokenClass as C;
        assert!(got.contains(&("def", C::Keyword)));
        assert!(got.contains(&("'''doc'''", C::String)));
        assert!(got.contains(&("'oops", C::Error)));
        assert!(got.contains(&("# c", C::Comment)));
    }

    #[test]
    fn engine_messages_are_placed() {
        let d = engine_diagnostic("a.lua", "x = 1\n  y = = 2\n", "a.lua:2: unexpected symbol");
        assert_eq!((d.line, d.col, d.len), (2, 3, 1));
        assert_eq!(word_len("alias foo {", 1, 7), 3);
    }
}
