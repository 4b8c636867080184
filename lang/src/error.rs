//! Run-time errors: a kind plus where it happened.
//!
//! `halt`, `return` and friends are not errors; they are VM outcomes.

use thiserror::Error;

/// What went wrong while running a script.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum RunErrorKind {
    /// An identifier that is neither built in, nor a loaded alias, nor known to the host.
    #[error("unknown identifier ${0}")]
    UnknownIdent(String),
    /// A command that nothing handles (with no server to send it to).
    #[error("unknown command /{0}")]
    UnknownCommand(String),
    /// A built-in got an argument it cannot use; `pos` is 1-based.
    #[error("bad argument #{pos} to {callee}: expected {expected}")]
    BadArgument {
        /// `$name` or `/name`.
        callee: String,
        /// 1-based argument position.
        pos: u8,
        /// What the argument should have been.
        expected: &'static str,
    },
    /// Wrong number of arguments for an identifier.
    #[error("{callee}: expected {expected} arguments, got {got}")]
    Arity {
        /// `$name`.
        callee: String,
        /// A description like "2 to 3".
        expected: String,
        /// How many were passed.
        got: usize,
    },
    /// A limit from [`crate::Limits`] was exceeded; `what` names the limit.
    #[error("{what} (limit is {limit}) in {place}")]
    Limit {
        /// e.g. "too many instructions", "call depth exceeded".
        what: &'static str,
        /// The configured limit.
        limit: u64,
        /// The alias or event that was running.
        place: String,
    },
    /// `/goto` to a label that does not exist.
    #[error("/goto: '{0}' not found")]
    LabelNotFound(String),
    /// A command reported an error in its own words (`* /hfree: no such table 'x'`).
    #[error("{0}")]
    Command(String),
    /// Dynamic code (from `$eval`, `[ ]`, a timer) did not parse.
    #[error("syntax error in evaluated text: {0}")]
    DynamicSyntax(String),
    /// The run was cancelled by the host.
    #[error("cancelled")]
    Cancelled,
    /// The user stopped the running script ([`crate::host::StopSignal`]).
    #[error("stopped by the user in {0}")]
    Stopped(String),
}

/// A run-time error with the position of the statement that raised it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError {
    /// What went wrong.
    pub kind: RunErrorKind,
    /// The file, when known.
    pub file: Option<String>,
    /// 1-based line and column, when known.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// The alias or event that was running (`alias greet`, `on TEXT`).
    pub place: String,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}:{}:{}: error: {}", self.line, self.col, self.kind),
            None => write!(f, "error: {}", self.kind),
        }
    }
}

impl std::error::Error for RunError {}

/// Result of a built-in identifier or command.
pub type RunResult<T> = Result<T, RunErrorKind>;

/// Shorthand for a command's own error message.
pub fn cmd_err(msg: impl Into<String>) -> RunErrorKind {
    RunErrorKind::Command(msg.into())
}
