//! hash identifiers.

use crate::registry::IdentSpec;

/// The hash family table.
pub const IDENTS: &[IdentSpec] = &[];
