//! file identifiers.

use crate::registry::IdentSpec;

/// The file family table.
pub const IDENTS: &[IdentSpec] = &[];
