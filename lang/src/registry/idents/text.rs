//! text identifiers.

use crate::registry::IdentSpec;

/// The text family table.
pub const IDENTS: &[IdentSpec] = &[];
