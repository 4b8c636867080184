//! The shape of each event header: which colon-separated fields follow the event name.

/// One field of an event header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRole {
    /// Match text (wildcard, or regex with the `$` prefix).
    Match,
    /// Target, channel list or window type.
    Target,
    /// Another field (a dialog's name, event and id; a key code list).
    Extra,
}

use FieldRole::{Extra as X, Match as M, Target as T};

/// Every event this client knows, with its fields and whether the client can run it yet.
/// `runs` is false for events that need a GUI or a feature the client does not have.
pub const EVENTS: &[(&str, &[FieldRole], bool)] = &[
    ("TEXT", &[M, T], true),
    ("ACTION", &[M, T], true),
    ("NOTICE", &[M, T], true),
    ("CHAT", &[M], true),
    ("SERV", &[M], true),
    ("WALLOPS", &[M], true),
    ("SNOTICE", &[M], true),
    ("CTCPREPLY", &[M], true),
    ("ERROR", &[M], true),
    ("INPUT", &[T], true),
    ("TABCOMP", &[T], false),
    ("ACTIVE", &[T], false),
    ("APPACTIVE", &[], false),
    ("AGENT", &[], false),
    ("HOTLINK", &[M, T], false),
    ("JOIN", &[T], true),
    ("PART", &[T], true),
    ("KICK", &[T], true),
    ("INVITE", &[T], true),
    ("TOPIC", &[T], true),
    ("MODE", &[T], true),
    ("SERVERMODE", &[T], true),
    ("RAWMODE", &[T], true),
    ("OP", &[T], true),
    ("DEOP", &[T], true),
    ("SERVEROP", &[T], true),
    ("VOICE", &[T], true),
    ("DEVOICE", &[T], true),
    ("HELP", &[T], true),
    ("DEHELP", &[T], true),
    ("OWNER", &[T], true),
    ("DEOWNER", &[T], true),
    ("ADMIN", &[T], true),
    ("DEADMIN", &[T], true),
    ("BAN", &[T], true),
    ("UNBAN", &[T], true),
    ("QUIT", &[], true),
    ("NICK", &[], true),
    ("USERMODE", &[], true),
    ("CONNECT", &[], true),
    ("CONNECTFAIL", &[], true),
    ("DISCONNECT", &[], true),
    ("LOGON", &[M], true),
    ("PING", &[], true),
    ("PONG", &[], true),
    ("NOTIFY", &[], true),
    ("UNOTIFY", &[], true),
    ("LOAD", &[], true),
    ("START", &[], true),
    ("UNLOAD", &[], true),
    ("EXIT", &[], true),
    ("SIGNAL", &[M], true),
    ("SOCKOPEN", &[M], true),
    ("SOCKREAD", &[M], true),
    ("SOCKWRITE", &[M], true),
    ("SOCKCLOSE", &[M], true),
    ("SOCKLISTEN", &[M], true),
    ("UDPREAD", &[M], true),
    ("UDPWRITE", &[M], true),
    ("DNS", &[], true),
    ("OPEN", &[T, M], true),
    ("CLOSE", &[T], true),
    ("DIALOG", &[X, X, X], true),
    ("KEYDOWN", &[T, X], false),
    ("KEYUP", &[T, X], false),
    ("CHAR", &[T, X], false),
    ("MP3END", &[], false),
    ("MIDIEND", &[], false),
    ("WAVEEND", &[], false),
    ("PLAYEND", &[], false),
    ("NOSOUND", &[], false),
    ("FILESENT", &[M], true),
    ("FILERCVD", &[M], true),
    ("SENDFAIL", &[M], true),
    ("GETFAIL", &[M], true),
    ("DCCSERVER", &[X], true),
    ("PARSELINE", &[X, M], true),
    ("VCMD", &[T], false),
    ("CHATOPEN", &[M], false),
    ("CHATCLOSE", &[M], false),
    ("BACKGROUND", &[], false),
    ("MSCROLL", &[T], false),
    ("SELECT", &[T], false),
    ("KEYBIND", &[], false),
];

/// The field layout and run status of event `name` (case-insensitive).
pub fn event_shape(name: &str) -> Option<(&'static [FieldRole], bool)> {
    EVENTS
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, f, r)| (*f, *r))
}
