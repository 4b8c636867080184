//! Diagnostics: what is wrong, where, rendered the same way for the editor, `rustirc check`
//! and import reports: `file:line:col: error: message` plus a caret excerpt.

use crate::ast::Span;
use crate::source::Prepared;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Keeps the item from loading.
    Error,
    /// The item loads; something may not work as in mIRC.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One diagnostic.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where, in prepared-text offsets.
    pub span: Span,
    /// The message: lower-case start, no trailing period, names the culprit.
    pub message: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            span,
            message: message.into(),
        }
    }
    /// A warning.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            span,
            message: message.into(),
        }
    }
}

/// A diagnostic placed in its file: what the renderers need.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line in the original file.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The message.
    pub message: String,
    /// The original line.
    pub excerpt: String,
}

/// Places a diagnostic in the original file.
pub fn locate(p: &Prepared, d: &Diagnostic) -> Located {
    let (line, col) = p.position(d.span.start as usize);
    Located {
        severity: d.severity,
        line,
        col,
        message: d.message.clone(),
        excerpt: p.line_text(line).to_string(),
    }
}

/// Renders `file:line:col: severity: message` followed by the line and a caret.
pub fn render(file: &str, l: &Located) -> String {
    let mut out = format!(
        "{file}:{}:{}: {}: {}\n",
        l.line,
        l.col,
        l.severity.as_str(),
        l.message
    );
    let excerpt = l.excerpt.replace('\t', " ");
    out.push_str(&format!("  {excerpt}\n"));
    let pad: String = " ".repeat(l.col.saturating_sub(1) as usize);
    out.push_str(&format!("  {pad}^\n"));
    out
}
