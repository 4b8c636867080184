//! `rustirc-plugin-abi`: what a native RustIRC plugin and the client agree on.
//!
//! - [`sys`] is the raw C ABI: `#[repr(C)]` structs, the host function table, the return
//!   codes and the ABI version. `include/rustirc_plugin.h` is generated from it
//!   ([`sys::c_header`]) and a test fails when the committed header is stale.
//! - [`sdk`] is the safe Rust side: a [`sdk::Plugin`] trait, a [`sdk::Host`] wrapper over
//!   the table, and [`export_plugin!`], which writes the four exported functions and catches
//!   panics at the boundary.
//!
//! The plugin guide (`docs/plugin-guide.md`) describes the memory and threading model.
#![allow(unsafe_code)]

pub mod sdk;
pub mod sys;
