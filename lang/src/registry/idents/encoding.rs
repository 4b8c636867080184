//! encoding identifiers.

use crate::registry::IdentSpec;

/// The encoding family table.
pub const IDENTS: &[IdentSpec] = &[];
