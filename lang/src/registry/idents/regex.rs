//! regex identifiers.

use crate::registry::IdentSpec;

/// The regex family table.
pub const IDENTS: &[IdentSpec] = &[];
