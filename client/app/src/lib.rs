//! `rustirc`, the application: the command line ([`cli`], [`manage`]), the desktop window
//! ([`ui`], started by [`desktop`]). The binary (`main.rs`) only calls [`cli::main`]; the
//! library exists so that the window's tests and benchmark can build it without a display.

pub mod cli;
pub mod desktop;
pub mod manage;
pub mod ui;
