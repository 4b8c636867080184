//! The IRC wire protocol, pure: parse a line into a [`Message`], format one back, and the
//! small codecs around it (IRCv3 tag escaping, CTCP, text encodings, mode strings, ISUPPORT).
//!
//! Nothing here does I/O, reads a clock or keeps per-connection state; that is the job of
//! [`crate::state`] (sans-IO state) and the future `net/` module (tokio). The shape follows
//! halloy's `irc/proto` crate. Specs: RFC 1459/2812, <https://modern.ircdocs.horse/>,
//! <https://ircv3.net/specs/extensions/message-tags>.
//!
//! | file          | what                                                          |
//! |---------------|---------------------------------------------------------------|
//! | `message.rs`  | [`Message`], [`Prefix`], [`Tags`]: parse and format one line  |
//! | `tags.rs`     | IRCv3 tag value escaping (`\:` `\s` `\\` `\r` `\n`)          |
//! | `ctcp.rs`     | CTCP (`\x01ACTION …\x01`) encode and decode                   |
//! | `encoding.rs` | bytes ⇄ text: UTF-8 with a Windows-1252 / Latin-1 fallback     |
//! | `mode.rs`     | mode strings → [`ModeChange`]s, given the network's mode kinds |
//! | `isupport.rs` | RPL_ISUPPORT (005) tokens: PREFIX, CHANTYPES, CHANMODES …      |

pub mod ctcp;
pub mod encoding;
pub mod isupport;
pub mod message;
pub mod mode;
pub mod tags;

pub use ctcp::Ctcp;
pub use encoding::{decode_line, encode_line, Encoding};
pub use isupport::Isupport;
pub use message::{Message, ParseError, Prefix, Tags};
pub use mode::{ModeChange, ModeKind, ModeSpec};
