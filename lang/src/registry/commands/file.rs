//! file commands.

use crate::registry::CommandSpec;

/// The file family table.
pub const COMMANDS: &[CommandSpec] = &[];
