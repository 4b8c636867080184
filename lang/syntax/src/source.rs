//! Reading script files: decoding, file kinds, INI unwrapping, `$&` continuations and
//! `/* */` blocks. The result is a [`Prepared`] text whose byte offsets map back to the
//! original file's lines and columns.
//!
//! This module does not parse statements; it only shapes the text the grammar sees.

use crate::ast::Span;
use crate::diag::Diagnostic;

/// What a script file holds, detected from its content (never from its extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Remote script: `alias`, `on`, `ctcp`, `raw`, `menu`, `dialog`, `#group`.
    Remote,
    /// Alias file: `name body` lines without the `alias` keyword.
    Aliases,
    /// Popup file: menu lines (`[cpopup]` etc.).
    Popups,
    /// users.ini.
    Users,
    /// vars.ini.
    Variables,
}

impl FileKind {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Remote => "remote script",
            FileKind::Aliases => "alias file",
            FileKind::Popups => "popup file",
            FileKind::Users => "user list",
            FileKind::Variables => "variables file",
        }
    }
}

/// Decodes file bytes: a UTF-8 BOM is dropped; text that is not valid UTF-8 is read as
/// Windows-1252 (what old mIRC script packs were written in).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
    }
}

/// One Windows-1252 byte as a char.
fn cp1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&b) {
        char::from_u32(u32::from(HIGH[usize::from(b - 0x80)])).unwrap_or('?')
    } else {
        char::from(b)
    }
}

/// Where a run of prepared text came from.
#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Offset in the prepared text.
    at: usize,
    /// 1-based line in the original file.
    line: u32,
    /// 0-based byte column in the original line.
    col: u32,
}

/// Prepared text plus the map back to the original file.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The text the grammar sees: one logical line per line, LF line ends.
    pub text: String,
    /// The kind detected.
    pub kind: FileKind,
    /// Original lines, for caret excerpts.
    pub original_lines: Vec<String>,
    segments: Vec<Segment>,
    /// Popup section names, by the offset where each section's lines start.
    pub popup_sections: Vec<(usize, String)>,
    /// What preparing found wrong (a `/*` block never closed).
    pub diagnostics: Vec<Diagnostic>,
}

impl Prepared {
    /// 1-based line and column in the original file of a prepared-text offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let i = match self.segments.binary_search_by(|s| s.at.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return (1, 1),
            Err(i) => i - 1,
        };
        let s = self.segments[i];
        let delta = offset - s.at;
        let line_text = self
            .original_lines
            .get(s.line as usize - 1)
            .map_or("", String::as_str);
        let byte_col = (s.col as usize + delta).min(line_text.len());
        // Columns count characters, as editors do.
        let col = line_text
            .get(..byte_col)
            .map_or(byte_col, |t| t.chars().count());
        (s.line, u32::try_from(col).unwrap_or(u32::MAX) + 1)
    }

    /// The original text of a 1-based line.
    pub fn line_text(&self, line: u32) -> &str {
        self.original_lines
            .get(line.saturating_sub(1) as usize)
            .map_or("", String::as_str)
    }
}

/// Builds the prepared text line by line.
struct Builder {
    text: String,
    segments: Vec<Segment>,
}

impl Builder {
    fn push_piece(&mut self, piece: &str, line: u32, col: usize) {
        self.segments.push(Segment {
            at: self.text.len(),
            line,
            col: u32::try_from(col).unwrap_or(u32::MAX),
        });
        self.text.push_str(piece);
    }
    fn end_line(&mut self) {
        self.text.push('\n');
    }
}

/// Reads decoded text: detects its kind, unwraps INI `nN=` lines, joins `$&` continuations and
/// blanks out `/* … */` comment blocks.
pub fn prepare(text: &str) -> Prepared {
    let original_lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    // Logical lines: (text, original line number, byte column where the text starts).
    let mut logical: Vec<(String, u32, usize)> = Vec::new();
    let mut kind = None;
    let mut popup_marks: Vec<(usize, String)> = Vec::new();
    let first = original_lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with(';'));
    let is_ini = first.is_some_and(|l| l.starts_with('[') && l.ends_with(']'));
    if is_ini {
        // Gather numbered lines per section, sorted by N (gaps tolerated).
        let mut section = String::new();
        let mut numbered: Vec<(u64, String, u32, usize)> = Vec::new();
        let flush = |section: &str,
                     numbered: &mut Vec<(u64, String, u32, usize)>,
                     logical: &mut Vec<(String, u32, usize)>,
                     popup_marks: &mut Vec<(usize, String)>| {
            numbered.sort_by_key(|e| e.0);
            if is_popup_section(section) {
                popup_marks.push((logical.len(), section.to_string()));
            }
            for (_, t, l, c) in numbered.drain(..) {
                logical.push((t, l, c));
            }
        };
        for (i, raw) in original_lines.iter().enumerate() {
            let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let t = raw.trim_start();
            if t.starts_with('[') && t.trim_end().ends_with(']') {
                flush(&section, &mut numbered, &mut logical, &mut popup_marks);
                section = t
                    .trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase();
                if kind.is_none() {
                    kind = Some(match section.as_str() {
                        "aliases" => FileKind::Aliases,
                        "users" => FileKind::Users,
                        "variables" => FileKind::Variables,
                        s if is_popup_section(s) => FileKind::Popups,
                        _ => FileKind::Remote,
                    });
                }
                continue;
            }
            let indent = raw.len() - t.len();
            let numbered_line = t
                .strip_prefix('n')
                .or_else(|| t.strip_prefix('N'))
                .and_then(|rest| {
                    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                    if digits > 0 && rest.as_bytes().get(digits) == Some(&b'=') {
                        Some((
                            rest[..digits].parse::<u64>().unwrap_or(0),
                            &rest[digits + 1..],
                            indent + 1 + digits + 1,
                        ))
                    } else {
                        None
                    }
                });
            match numbered_line {
                Some((n, body, col)) => numbered.push((n, body.to_string(), line_no, col)),
                None => {
                    // users.ini and vars.ini hold unnumbered lines in some versions; a line
                    // starting with `;` is an INI comment, in any section.
                    if !t.trim().is_empty() && !t.starts_with(';') {
                        numbered.push((u64::MAX, t.to_string(), line_no, indent));
                    }
                }
            }
        }
        flush(&section, &mut numbered, &mut logical, &mut popup_marks);
    } else {
        for (i, raw) in original_lines.iter().enumerate() {
            logical.push((raw.clone(), u32::try_from(i + 1).unwrap_or(u32::MAX), 0));
        }
    }
    let kind = kind.unwrap_or_else(|| detect_plain_kind(&logical));

    let mut b = Builder {
        text: String::with_capacity(text.len() + 16),
        segments: Vec::new(),
    };
    let mut popup_sections = Vec::new();
    // Where the open `/* … */` block starts in the prepared text, if one is open.
    let mut in_comment: Option<usize> = None;
    let mut i = 0;
    while i < logical.len() {
        if let Some((_, name)) = popup_marks.iter().find(|(at, _)| *at == i) {
            popup_sections.push((b.text.len(), name.clone()));
        }
        let (line, no, col) = &logical[i];
        let trimmed = line.trim_start();
        if in_comment.is_some() {
            // Only `*/` alone on its line closes the block.
            if line.trim() == "*/" {
                in_comment = None;
            }
            b.push_piece("", *no, *col);
            b.end_line();
            i += 1;
            continue;
        }
        if trimmed.starts_with("/*") {
            // `/* … */` on one line is not closed either: mIRC needs `*/` alone on a line.
            in_comment = Some(b.text.len());
            b.push_piece("", *no, *col + (line.len() - trimmed.len()));
            b.end_line();
            i += 1;
            continue;
        }
        // Join `$&` continuations: the next physical line is glued on.
        let mut piece: &str = line;
        let mut start_col = *col;
        let mut line_no = *no;
        loop {
            let t = piece.trim_end();
            if let Some(head) = t
                .strip_suffix("$&")
                .filter(|h| h.is_empty() || h.ends_with([' ', '\t']))
            {
                b.push_piece(head, line_no, start_col);
                i += 1;
                match logical.get(i) {
                    Some((next, n2, c2)) => {
                        let lead = next.len() - next.trim_start().len();
                        piece = &next[lead..];
                        start_col = c2 + lead;
                        line_no = *n2;
                    }
                    None => break,
                }
            } else {
                b.push_piece(
                    piece.strip_suffix('\r').unwrap_or(piece),
                    line_no,
                    start_col,
                );
                i += 1;
                break;
            }
        }
        b.end_line();
    }
    let diagnostics = in_comment
        .map(|at| {
            Diagnostic::warning(
                Span::new(at, at),
                "comment block /* is never closed: the rest of the file is ignored (*/ must be alone on its line)",
            )
        })
        .into_iter()
        .collect();
    Prepared {
        diagnostics,
        text: b.text,
        kind,
        original_lines,
        segments: b.segments,
        popup_sections,
    }
}

fn is_popup_section(s: &str) -> bool {
    matches!(s, "bpopup" | "cpopup" | "lpopup" | "mpopup" | "qpopup")
}

/// A plain (non-INI) file is a remote script when its first meaningful line starts with a
/// remote keyword; otherwise, when its lines look like `name command`, an alias file.
fn detect_plain_kind(lines: &[(String, u32, usize)]) -> FileKind {
    let mut remote = 0;
    let mut other = 0;
    for (l, _, _) in lines.iter().take(400) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with(';') || t.starts_with("/*") || t.starts_with('}') {
            continue;
        }
        if l.starts_with([' ', '\t']) {
            continue;
        }
        let word = t
            .split([' ', '\t'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            word.as_str(),
            "alias" | "on" | "ctcp" | "raw" | "menu" | "dialog"
        ) || (word.starts_with('#')
            && t.split_whitespace()
                .nth(1)
                .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "on" | "off" | "end")))
        {
            remote += 1;
        } else {
            other += 1;
        }
    }
    if remote == 0 && other > 0 {
        FileKind::Aliases
    } else {
        FileKind::Remote
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_is_decoded() {
        assert_eq!(decode(b"caf\xe9 \x80"), "café €");
        assert_eq!(decode("\u{feff}x".as_bytes()), "x");
    }

    #[test]
    fn ini_lines_are_unwrapped_in_order_with_positions() {
        let p = prepare("[script]\r\nn1=  echo -a hi\r\nn0=alias hello {\r\nn2=}\r\n");
        assert_eq!(p.kind, FileKind::Remote);
        assert_eq!(p.text, "alias hello {\n  echo -a hi\n}\n");
        let at = p.text.find("echo").unwrap();
        assert_eq!(p.position(at), (2, 6));
    }

    #[test]
    fn ini_comment_lines_are_skipped() {
        let p = prepare("; my users\r\n[users]\r\n; friends\r\nn0=10:*!*@h.example\r\n");
        assert_eq!(p.kind, FileKind::Users);
        assert_eq!(p.text, "10:*!*@h.example\n");
        let p = prepare("[script]\nn0=; kept: a comment of the script\n;dropped\n");
        assert_eq!(p.text, "; kept: a comment of the script\n");
    }

    #[test]
    fn continuation_joins_lines() {
        let p = prepare("alias x {\n  echo -a a $&\n    b\n}\n");
        assert!(p.text.contains("echo -a a b\n"), "{}", p.text);
        let at = p.text.find(" b\n").unwrap() + 1;
        assert_eq!(p.position(at), (3, 5));
    }

    #[test]
    fn comment_blocks_are_blanked() {
        let p = prepare("/* x\nalias a {\n*/\nalias b echo b\n");
        assert_eq!(p.text, "\n\n\nalias b echo b\n\n");
    }

    #[test]
    fn unclosed_comment_block_is_reported() {
        let p = prepare("alias a echo a\n  /* x */\nalias b echo b\n");
        assert_eq!(p.text, "alias a echo a\n\n\n\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.position(p.diagnostics[0].span.start as usize), (2, 3));
        assert!(prepare("/*\n*/\n").diagnostics.is_empty());
    }

    #[test]
    fn alias_files_are_detected() {
        assert_eq!(
            prepare("/op mode # +o $1\nj join #$1\n").kind,
            FileKind::Aliases
        );
        assert_eq!(prepare("; hi\nalias x echo\n").kind, FileKind::Remote);
    }
}
