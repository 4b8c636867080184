//! math identifiers.

use crate::registry::IdentSpec;

/// The math family table.
pub const IDENTS: &[IdentSpec] = &[];
