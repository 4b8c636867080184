//! Per-network settings the state machine reads: identity, SASL, capabilities, CTCP replies,
//! flood protection, timers for lag checks, and channels to join.
//!
//! Plain data with defaults; loading it from `config.toml` is someone else's job.

use crate::proto::Encoding;

/// SASL credentials (<https://ircv3.net/specs/extensions/sasl-3.1>).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sasl {
    /// `PLAIN`: account name and password, sent base64-encoded.
    Plain {
        /// The account name (used as both authorization and authentication identity).
        account: String,
        /// The password.
        password: String,
    },
    /// `EXTERNAL`: the TLS client certificate identifies us.
    External,
}

/// Send-rate limiting: a token bucket of whole lines.
///
/// With the defaults (burst 5, one line per 2000 ms) a client can send five lines at once and
/// then one every two seconds, which stays under the excess-flood limits of ircd-hybrid,
/// InspIRCd and ngircd. mIRC's own flood protection has the same shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flood {
    /// `false` sends every line at once (the replay harness turns it off).
    pub enabled: bool,
    /// Lines that may be sent back to back when the bucket is full. `0` is treated as `1`.
    pub burst: u32,
    /// Milliseconds to earn one more line. `0` means no limit.
    pub interval_ms: u64,
}

impl Default for Flood {
    fn default() -> Flood {
        Flood {
            enabled: true,
            burst: 5,
            interval_ms: 2000,
        }
    }
}

/// The capabilities requested when the server offers them.
pub const DEFAULT_CAPS: &[&str] = &[
    "multi-prefix",
    "server-time",
    "message-tags",
    "away-notify",
    "account-notify",
    "extended-join",
    "chghost",
    "userhost-in-names",
];

/// Everything one network's state machine needs to know up front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The preferred nick.
    pub nick: String,
    /// Nicks to try, in order, when the preferred one is taken (433); after them, `_` is
    /// appended to the last nick tried.
    pub alt_nicks: Vec<String>,
    /// The user (ident) sent in USER.
    pub user: String,
    /// The real name sent in USER.
    pub realname: String,
    /// Server password, sent as PASS before NICK.
    pub password: Option<String>,
    /// SASL login, if any.
    pub sasl: Option<Sasl>,
    /// Capabilities to request (when offered). Empty and no SASL means no `CAP LS` is sent.
    pub caps: Vec<String>,
    /// The text of the automatic CTCP VERSION reply.
    pub version: String,
    /// Whether CTCP VERSION, PING, TIME and CLIENTINFO are answered automatically. A host
    /// that wants scripts to be able to stop a reply turns this off and sends
    /// [`crate::state::Network::ctcp_reply_due`] itself.
    pub ctcp_replies: bool,
    /// Minimum milliseconds between two automatic CTCP replies; stops a CTCP flood from
    /// filling our send queue (and getting us killed for excess flood).
    pub ctcp_reply_interval_ms: u64,
    /// Send-rate limiting.
    pub flood: Flood,
    /// The network's text encoding (for the network layer; the state itself sees text).
    pub encoding: Encoding,
    /// Channels (and keys) joined after every registration.
    pub autojoin: Vec<(String, Option<String>)>,
    /// Whether channels we were on are joined again after a reconnect.
    pub rejoin: bool,
    /// Send `MODE #chan` after joining, to learn the channel modes.
    pub mode_on_join: bool,
    /// Send `WHO #chan` after joining, to fill the internal address list.
    pub who_on_join: bool,
    /// Milliseconds of silence from the server before we PING it to measure lag. `0` = never.
    pub ping_interval_ms: u64,
    /// Milliseconds an unanswered lag PING may wait before we give up on the connection.
    pub ping_timeout_ms: u64,
    /// Milliseconds between two `ISON` checks of the notify list (servers with `MONITOR`
    /// report changes themselves). Values under a second are taken as a second.
    pub notify_interval_ms: u64,
}

impl Config {
    /// Defaults for `nick`: user and real name the same as the nick, the default caps, flood
    /// protection on, lag check after 60 s of silence, timeout after 120 s more.
    pub fn new(nick: &str) -> Config {
        Config {
            nick: nick.into(),
            alt_nicks: Vec::new(),
            user: nick.into(),
            realname: nick.into(),
            password: None,
            sasl: None,
            caps: DEFAULT_CAPS.iter().map(|c| (*c).to_string()).collect(),
            version: concat!("RustIRC ", env!("CARGO_PKG_VERSION")).into(),
            ctcp_replies: true,
            ctcp_reply_interval_ms: 2000,
            flood: Flood::default(),
            encoding: Encoding::Utf8,
            autojoin: Vec::new(),
            rejoin: true,
            mode_on_join: true,
            who_on_join: false,
            ping_interval_ms: 60_000,
            ping_timeout_ms: 120_000,
            notify_interval_ms: 30_000,
        }
    }
}
