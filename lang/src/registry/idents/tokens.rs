//! tokens identifiers.

use crate::registry::IdentSpec;

/// The tokens family table.
pub const IDENTS: &[IdentSpec] = &[];
