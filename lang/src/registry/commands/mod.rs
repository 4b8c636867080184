//! Built-in command families, one module each. Control flow and variable commands
//! (`if`, `while`, `var`, `set`, `inc`, …) are VM intrinsics and are not here.

pub mod file;
pub mod hash;

use super::CommandSpec;

/// Every family table.
pub const TABLES: &[&[CommandSpec]] = &[hash::COMMANDS, file::COMMANDS];
