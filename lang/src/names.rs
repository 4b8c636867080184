//! Every name the language itself lets a script call: the built-in registry, the identifiers
//! and commands the compiler and the VM implement themselves, and the statement keywords.
//! The host (the IRC client) adds its own; see `docs/` for both.

use crate::registry::Registry;

pub use rustirc_compiler::{
    COMPILED_COMMANDS, COMPILED_IDENTS, INTRINSIC_COMMANDS, INTRINSIC_IDENTS, KEYWORDS,
};

/// Every identifier the language answers (without `$`), sorted.
pub fn identifiers() -> Vec<&'static str> {
    let reg = Registry::standard();
    let mut v: Vec<&'static str> = reg
        .ident_names()
        .chain(COMPILED_IDENTS.iter().copied())
        .chain(INTRINSIC_IDENTS.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Every command the language runs itself (without `/`), sorted; `timer` stands for the
/// `/timerNAME` form too.
pub fn commands() -> Vec<&'static str> {
    let reg = Registry::standard();
    let mut v: Vec<&'static str> = reg
        .command_names()
        .chain(COMPILED_COMMANDS.iter().copied())
        .chain(INTRINSIC_COMMANDS.iter().copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
