//! hash commands.

use crate::registry::CommandSpec;

/// The hash family table.
pub const COMMANDS: &[CommandSpec] = &[];
