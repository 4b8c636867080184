//! time identifiers.

use crate::registry::IdentSpec;

/// The time family table.
pub const IDENTS: &[IdentSpec] = &[];
