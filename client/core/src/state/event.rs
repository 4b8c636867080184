//! The typed protocol events the state machine reports, which the event table dispatches to
//! scripts (mIRC's `on TEXT`, `on JOIN` …, see `shared/mirc-reference/events.md`).
//!
//! Each event carries what its mIRC identifiers need (`$nick`, `$address`, `$chan`, `$1-`,
//! `$msgtags` …). Events that need a GUI, DCC or sockets are not here. Splitting a MODE into
//! OP/VOICE/BAN events is left to the dispatcher: [`Event::Mode`] carries the parsed changes.
//! Every received line is also reported as [`Event::Raw`] first, for `raw` handlers.

use crate::proto::{Ctcp, Message, ModeChange, Prefix, Tags};

/// A PRIVMSG, ACTION or NOTICE from someone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    /// Who sent it (`$nick`, `$address`).
    pub from: Prefix,
    /// Where it was sent: a channel (possibly with a STATUSMSG prefix such as `@#chan`) or
    /// our own nick for a private message (`$target`).
    pub target: String,
    /// The text (`$1-`), control codes intact; for an ACTION, without the `ACTION` word.
    pub text: String,
    /// IRCv3 tags (`$msgtags`; `time` for server-time).
    pub tags: Tags,
}

/// One thing that happened on the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Any received line, before it is interpreted (mIRC `raw` events; `$rawmsg`).
    Raw(Message),
    /// Registration completed (001): `server` is the server's name, `nick` our nick.
    Registered {
        /// The server name from the 001 prefix.
        server: String,
        /// Our nick as the server accepted it.
        nick: String,
    },
    /// The MOTD ended (376) or is missing (422): mIRC's `on CONNECT`. Once per connection.
    Connected,
    /// The connection closed (`on DISCONNECT`).
    Disconnected {
        /// Why, as the network layer put it.
        reason: String,
    },
    /// A PRIVMSG (`on TEXT`).
    Text(Msg),
    /// A CTCP ACTION (`on ACTION`).
    Action(Msg),
    /// A NOTICE from a user (`on NOTICE`).
    Notice(Msg),
    /// A NOTICE from a server or sent before registration (`on SNOTICE`).
    ServerNotice {
        /// The server's name, if the line had a prefix.
        from: Option<String>,
        /// The notice text.
        text: String,
    },
    /// A CTCP request other than ACTION (`ctcp` sections).
    Ctcp {
        /// Who asked.
        from: Prefix,
        /// A channel or our nick.
        target: String,
        /// The request.
        ctcp: Ctcp,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// A CTCP reply: a NOTICE wrapped in `\x01` (`on CTCPREPLY`).
    CtcpReply {
        /// Who replied.
        from: Prefix,
        /// A channel or our nick.
        target: String,
        /// The reply.
        ctcp: Ctcp,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// A WALLOPS (`on WALLOPS`).
    Wallops {
        /// The sender.
        from: Prefix,
        /// The text.
        text: String,
    },
    /// Someone, maybe us, joined (`on JOIN`).
    Join {
        /// Who joined.
        who: Prefix,
        /// The channel.
        channel: String,
        /// Their account, with extended-join (`None` when logged out or not known).
        account: Option<String>,
        /// Their real name, with extended-join.
        realname: Option<String>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// Someone, maybe us, left (`on PART`).
    Part {
        /// Who left.
        who: Prefix,
        /// The channel.
        channel: String,
        /// The part message.
        reason: Option<String>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// Someone, maybe us, was kicked (`on KICK`; `$knick` is `kicked`).
    Kick {
        /// The kicker.
        by: Prefix,
        /// The channel.
        channel: String,
        /// The nick kicked.
        kicked: String,
        /// The reason.
        reason: Option<String>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// A user quit (`on QUIT`).
    Quit {
        /// Who quit.
        who: Prefix,
        /// The quit message.
        reason: Option<String>,
        /// The channels we shared with them, as they were before the quit (`$comchan`).
        channels: Vec<String>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// A nick change, maybe ours (`on NICK`; `$newnick` is `new_nick`).
    Nick {
        /// The old identity.
        who: Prefix,
        /// The new nick.
        new_nick: String,
        /// The channels we share with them.
        channels: Vec<String>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// Channel modes changed (`on MODE`, `on RAWMODE`, and the OP/VOICE/BAN… family; a
    /// server prefix means `on SERVERMODE`).
    Mode {
        /// Who changed them (a server for SERVERMODE).
        by: Prefix,
        /// The channel.
        channel: String,
        /// The unsplit mode string and its parameters, as RAWMODE shows it (`+ov a b`).
        raw: String,
        /// The changes, one per letter.
        changes: Vec<ModeChange>,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// Our user modes changed (`on USERMODE`).
    UserMode {
        /// Who changed them (us or a server).
        by: Prefix,
        /// The unsplit mode string.
        raw: String,
        /// The changes.
        changes: Vec<ModeChange>,
    },
    /// A topic change (`on TOPIC`).
    Topic {
        /// Who changed it.
        by: Prefix,
        /// The channel.
        channel: String,
        /// The new topic (empty when cleared).
        topic: String,
        /// IRCv3 tags.
        tags: Tags,
    },
    /// We were invited (`on INVITE`).
    Invite {
        /// Who invited us.
        by: Prefix,
        /// The channel.
        channel: String,
    },
    /// A user went away or came back (away-notify, or a 301 reply).
    Away {
        /// The nick.
        nick: String,
        /// The away message; `None` when they came back.
        message: Option<String>,
    },
    /// Our own away state changed (305/306).
    OwnAway {
        /// The away message we set; `None` when we are back.
        message: Option<String>,
    },
    /// A user logged in or out of an account (account-notify).
    Account {
        /// The nick.
        nick: String,
        /// The account; `None` when logged out.
        account: Option<String>,
    },
    /// A user's user or host changed (chghost).
    HostChanged {
        /// The nick.
        nick: String,
        /// The new user.
        user: String,
        /// The new host.
        host: String,
    },
    /// A nick of the notify list came on IRC or left it (`on NOTIFY`, `on UNOTIFY`).
    Notify {
        /// The nick, with its address when the server told it (MONITOR).
        who: Prefix,
        /// `true` when they came, `false` when they left.
        online: bool,
    },
    /// The server pinged us; the PONG has already been sent (`on PING`).
    Ping {
        /// The ping argument.
        token: String,
    },
    /// A PONG arrived (`on PONG`). When it answers our lag check, `lag_ms` is the round trip.
    Pong {
        /// The server that answered.
        server: String,
        /// The token echoed back.
        token: String,
        /// The measured lag, if this was our lag check.
        lag_ms: Option<u64>,
    },
    /// The server sent ERROR, usually just before closing (`on ERROR`).
    Error {
        /// The error text.
        message: String,
    },
}
