//! Script hosting: the engines that run scripts on the event table. This module converts and
//! calls; matching and ordering live in [`crate::events`].

pub mod engine;
pub mod msl;
