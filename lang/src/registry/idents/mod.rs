//! Built-in identifier families, one module each.

pub mod encoding;
pub mod file;
pub mod hash;
pub mod math;
pub mod misc;
pub mod regex;
pub mod text;
pub mod time;
pub mod tokens;

use super::IdentSpec;

/// Every family table; [`super::Registry::standard`] concatenates them.
pub const TABLES: &[&[IdentSpec]] = &[
    text::IDENTS,
    tokens::IDENTS,
    math::IDENTS,
    time::IDENTS,
    encoding::IDENTS,
    misc::IDENTS,
    regex::IDENTS,
    hash::IDENTS,
    file::IDENTS,
];
