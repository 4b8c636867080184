//! misc identifiers.

use crate::registry::IdentSpec;

/// The misc family table.
pub const IDENTS: &[IdentSpec] = &[];
