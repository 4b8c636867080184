//! `rustirc-lang`: the mSL scripting language.
//!
//! Source text is parsed by `rustirc-syntax`, compiled to bytecode by `rustirc-compiler`, linked
//! against loaded aliases and the built-in [`registry`], and run by the VM under [`Limits`].
//! This crate knows nothing about IRC, windows or the network: everything outside the language
//! goes through the [`Host`] trait.

pub mod calc;
pub mod engine;
pub mod error;
pub mod host;
pub mod names;
pub mod ops;
pub mod registry;
pub mod state;
pub mod value;
pub mod vm;
pub mod wild;

pub use engine::{Engine, LoadReport, LoadedMenu, LoadedMenuItem};
pub use error::{RunError, RunErrorKind, RunResult};
pub use host::{Host, RecordingHost, Relay};
pub use state::{Limits, State};
pub use value::Value;
pub use vm::{Outcome, Step, Vm};
