//! rustirc-core: the client without its window. IRC protocol and state, the one event table
//! every script engine plugs into, and the hosting of scripts. It draws nothing and knows no
//! GUI toolkit; the desktop app and the headless bot are both thin layers over it.

/// The client's version (`requires` in a script's metadata is compared against it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod autoload;
pub mod casemap;
pub mod client;
pub mod dcc;
pub mod editor;
pub mod events;
pub mod host;
pub mod import;
pub mod lists;
pub mod manifest;
pub mod net;
pub mod permissions;
pub mod persist;
pub mod proto;
pub mod replay;
pub mod repo;
pub mod settings;
pub mod sockets;
pub mod state;
pub mod stdlib;
pub mod users;
