//! The notify and ignore lists at work: `/notify`, `$notify`, `isnotify` and the `NOTIFY` and
//! `UNOTIFY` events; `/ignore`, `$ignore`, `isignore`, and the dropping of ignored users'
//! messages before any script or window sees them. The lists live in [`crate::lists`] and
//! are saved to the data folder at each change.

use super::{Client, EventInfo, ScriptHost};
use crate::lists::{IgnoreList, IgnoreTypes, Kind, NotifyList};
use crate::persist::write_atomic;
use crate::proto::{Message, Prefix};
use crate::state::{Event, Input, Intent};
use crate::users;
use rustirc_lang::Value;

/// An `/ignore nick type` waiting for the nick's address (from USERHOST).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreRequest {
    /// The nick.
    pub nick: String,
    /// The `$mask` type to make of the address.
    pub ty: u32,
    /// What to ignore.
    pub types: IgnoreTypes,
    /// `-x`: an exception.
    pub exclude: bool,
    /// `-uN`: for this many seconds.
    pub secs: Option<u64>,
}

/// What an identifier gives: `None` when it is not one of these.
type Answer = Option<Result<Value, String>>;

fn text(s: Option<&str>) -> Answer {
    Some(Ok(s.map_or(Value::Null, Value::text)))
}

/// mIRC's `N`: `Some(0)` counts, `Some(n)` the nth; `None` for a name.
fn index(v: &Value) -> Option<usize> {
    let s = v.as_str();
    let s = s.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().unwrap_or(0))
}

/// `/ignore`'s switches: the types, `-x`, `-r`, `-uN`.
#[derive(Debug)]
struct IgnoreArgs {
    types: IgnoreTypes,
    exclude: bool,
    remove: bool,
    secs: Option<u64>,
    rest: Vec<String>,
}

fn ignore_args(args: &str) -> Result<IgnoreArgs, String> {
    let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
    let mut letters = String::new();
    let (mut exclude, mut remove, mut secs) = (false, false, None);
    while let Some(sw) = words.first().and_then(|w| w.strip_prefix('-')) {
        words.remove(0);
        let mut chars = sw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                'x' => exclude = true,
                'r' => remove = true,
                // Every ignore applies to every network here.
                'w' => {}
                'u' => {
                    let mut digits = String::new();
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        digits.push(d);
                    }
                    secs = Some(
                        digits
                            .parse()
                            .map_err(|_| "/ignore: -u needs a number of seconds".to_string())?,
                    );
                }
                c => letters.push(c),
            }
        }
    }
    let types =
        IgnoreTypes::parse(&letters).map_err(|c| format!("/ignore: unknown switch -{c}"))?;
    Ok(IgnoreArgs {
        types,
        exclude,
        remove,
        secs,
        rest: words.iter().map(ToString::to_string).collect(),
    })
}

impl ScriptHost<'_> {
    /// `/notify` and `/ignore`; `None` for other commands.
    pub(super) fn list_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        match name {
            "notify" => Some(self.notify_command(args)),
            "ignore" => Some(self.ignore_command(args)),
            _ => None,
        }
    }

    fn lists_mut(&mut self) -> Option<(&mut NotifyList, &mut IgnoreList)> {
        self.pending.lists_changed = true;
        self.extras
            .get_mut()
            .map(|x| (&mut x.notify, &mut x.ignore))
    }

    /// `/notify`, `/notify -s`: the list; `/notify on|off`; `/notify -r nick`;
    /// `/notify nick [note]`.
    fn notify_command(&mut self, args: &str) -> Result<(), String> {
        let (remove, rest) = match args.split_once(' ').unwrap_or((args, "")) {
            ("-r", rest) => (true, rest.trim()),
            ("-s" | "", _) => return self.show_notify(),
            (sw, _) if sw.starts_with('-') => {
                return Err(format!(
                    "/notify: unknown switch {sw} (-r removes, -s lists)"
                ))
            }
            _ => (false, args),
        };
        let (nick, note) = rest.split_once(' ').unwrap_or((rest, ""));
        if nick.is_empty() {
            return Err("/notify: insufficient parameters".to_string());
        }
        let Some((list, _)) = self.lists_mut() else {
            return Ok(());
        };
        match (remove, nick.to_ascii_lowercase().as_str()) {
            (false, "on") => list.enabled = true,
            (false, "off") => list.enabled = false,
            (true, _) => {
                if !list.remove(nick) {
                    return Err(format!("/notify: {nick} is not in the notify list"));
                }
            }
            (false, _) => list.add(nick, note.trim()),
        }
        let watched = list.watched();
        self.intent(Intent::Notify(watched));
        Ok(())
    }

    fn show_notify(&mut self) -> Result<(), String> {
        let x = self.extras.get();
        let net = self.net.get();
        let mut lines = Vec::new();
        for e in x.notify.entries() {
            let on = if net.notify_online(&e.nick).is_some() {
                "on IRC"
            } else {
                "not on IRC"
            };
            let note = if e.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.note)
            };
            lines.push(format!("* {} is {on}{note}", e.nick));
        }
        let header = match (lines.is_empty(), x.notify.enabled) {
            (true, _) => "* The notify list is empty",
            (false, true) => "* Notify list:",
            (false, false) => "* Notify list (off):",
        };
        self.show("status", header.to_string());
        for l in lines {
            self.show("status", l);
        }
        Ok(())
    }

    /// `/ignore [-pcntikdx] [-uN] nick|mask [type]`, `/ignore -r nick|mask [type]`,
    /// `/ignore on|off`, `/ignore` (the list).
    fn ignore_command(&mut self, args: &str) -> Result<(), String> {
        let a = ignore_args(args)?;
        let Some(who) = a.rest.first().cloned() else {
            if a.remove {
                return Err("/ignore: insufficient parameters".to_string());
            }
            return self.show_ignore();
        };
        let ty = match a.rest.get(1).map(|t| t.parse::<u32>()) {
            Some(Ok(t)) if t <= 19 => Some(t),
            Some(_) => return Err(format!("/ignore: bad mask type {} (0 to 19)", a.rest[1])),
            None => None,
        };
        if !a.remove && ty.is_none() && matches!(who.to_ascii_lowercase().as_str(), "on" | "off") {
            if let Some((_, list)) = self.lists_mut() {
                list.enabled = who.eq_ignore_ascii_case("on");
            }
            return Ok(());
        }
        let mask = if who.contains(['!', '@', '*', '?']) {
            Some(users::full_mask(&who))
        } else if let Some(t) = ty {
            self.net
                .get()
                .address(&who)
                .filter(|a| a.host.is_some())
                .and_then(|addr| users::mask(&addr.full(), t))
        } else {
            Some(format!("{who}!*@*"))
        };
        let Some(mask) = mask else {
            if a.remove {
                return Err(format!(
                    "/ignore: the address of {who} is not known; give the mask to remove"
                ));
            }
            // Ask the server; `Client::userhost_reply` adds the entry.
            self.intent(Intent::Send(Message::new("USERHOST", [who.as_str()])));
            if let Some(x) = self.extras.get_mut() {
                x.lookups
                    .push_back(super::extras::Lookup::Ignore(IgnoreRequest {
                        nick: who,
                        ty: ty.unwrap_or(0),
                        types: a.types,
                        exclude: a.exclude,
                        secs: a.secs,
                    }));
            }
            return Ok(());
        };
        let now = self.now;
        let Some((_, list)) = self.lists_mut() else {
            return Ok(());
        };
        if a.remove {
            if !list.remove(&mask) && !list.remove(&who) {
                return Err(format!("/ignore: {who} is not in the ignore list"));
            }
            self.show("status", format!("* Removed {mask} from the ignore list"));
        } else {
            list.add(&mask, a.types, a.exclude, a.secs.map(|s| now + s * 1000));
            self.show("status", ignoring_line(&mask, a.types, a.exclude, a.secs));
        }
        Ok(())
    }

    fn show_ignore(&mut self) -> Result<(), String> {
        let x = self.extras.get();
        let lines: Vec<String> = x
            .ignore
            .entries(self.now)
            .iter()
            .map(|e| {
                let t = e.type_letters();
                if t.is_empty() {
                    format!("* {}", e.mask)
                } else {
                    format!("* {} ({t})", e.mask)
                }
            })
            .collect();
        let header = match (lines.is_empty(), x.ignore.enabled) {
            (true, _) => "* The ignore list is empty",
            (false, true) => "* Ignore list:",
            (false, false) => "* Ignore list (off):",
        };
        self.show("status", header.to_string());
        for l in lines {
            self.show("status", l);
        }
        Ok(())
    }

    /// `$notify`, `$notify(N|nick)`, `$ignore`, `$ignore(N|address)` with their properties,
    /// and the `isnotify` and `isignore` conditions; `None` for anything else.
    pub(super) fn list_identifier(
        &mut self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Answer {
        let prop = prop.map(str::to_ascii_lowercase);
        let x = self.extras.get();
        let net = self.net.get();
        let now = self.now;
        match (name, args.len()) {
            ("notify", 0) => Some(Ok(Value::bool(x.notify.enabled))),
            ("notify", 1) => {
                let entries = x.notify.entries();
                let e = match index(&args[0]) {
                    Some(0) => return Some(Ok(Value::Int(entries.len() as i64))),
                    Some(n) => entries.get(n - 1),
                    None => x.notify.get(&args[0].as_str()),
                };
                let Some(e) = e else { return text(None) };
                let online = net.notify_online(&e.nick);
                match prop.as_deref() {
                    Some("ison") => Some(Ok(Value::bool(online.is_some()))),
                    Some("note") => text(Some(&e.note)),
                    Some("addr") => {
                        let addr = online
                            .and_then(Prefix::address)
                            .or_else(|| net.address(&e.nick).and_then(|a| a.address()));
                        text(addr.as_deref())
                    }
                    Some("whois") => Some(Ok(Value::bool(false))),
                    _ => text(Some(&e.nick)),
                }
            }
            ("ignore", 0) => Some(Ok(Value::bool(x.ignore.enabled))),
            ("ignore", 1) => {
                let entries = x.ignore.entries(now);
                let e = match index(&args[0]) {
                    Some(0) => return Some(Ok(Value::Int(entries.len() as i64))),
                    Some(n) => entries.get(n - 1).copied(),
                    None => {
                        let a = args[0].as_str();
                        entries
                            .iter()
                            .find(|e| e.mask.eq_ignore_ascii_case(&a))
                            .copied()
                            .or_else(|| x.ignore.find(&a, now))
                    }
                };
                let Some(e) = e else { return text(None) };
                match prop.as_deref() {
                    Some("type") => text(Some(&e.type_letters())),
                    Some("secs") => Some(Ok(Value::Int(e.until.map_or(0, |t| {
                        i64::try_from(t.saturating_sub(now).div_ceil(1000)).unwrap_or(0)
                    })))),
                    _ => text(Some(&e.mask)),
                }
            }
            ("op:isnotify", 2) => Some(Ok(Value::bool(x.notify.get(&args[0].as_str()).is_some()))),
            ("op:isignore", 2) => {
                let who = args[0].as_str();
                let address = if who.contains(['!', '@']) {
                    who.to_string()
                } else {
                    net.address(&who)
                        .map_or_else(|| format!("{who}!*@*"), crate::state::Address::full)
                };
                Some(Ok(Value::bool(x.ignore.is_ignored(&address, now))))
            }
            _ => None,
        }
    }
}

/// `* Ignoring bob!*@* (pn) for 60 seconds`.
fn ignoring_line(mask: &str, types: IgnoreTypes, exclude: bool, secs: Option<u64>) -> String {
    let mut line = if exclude {
        format!("* Never ignoring {mask}")
    } else {
        format!("* Ignoring {mask}")
    };
    let t = types.letters();
    if !t.is_empty() {
        line.push_str(&format!(" ({t})"));
    }
    if let Some(s) = secs {
        line.push_str(&format!(" for {s} seconds"));
    }
    line
}

impl Client {
    /// Reads `notify.ini` and `ignore.ini` from the data folder and starts watching the
    /// notify list.
    pub(super) fn load_lists(&mut self, dir: &std::path::Path) -> std::io::Result<()> {
        let read = |name: &str| match std::fs::read(dir.join(name)) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        if let Some(t) = read("notify.ini")? {
            self.extras.notify = NotifyList::parse(&t);
        }
        if let Some(t) = read("ignore.ini")? {
            self.extras.ignore = IgnoreList::parse(&t);
        }
        let watched = self.extras.notify.watched();
        let effects = self.net.handle(Input::Intent(Intent::Notify(watched)));
        self.apply(effects);
        Ok(())
    }

    /// Writes `notify.ini` and `ignore.ini` (atomically); a failure is shown in the status
    /// window.
    pub(super) fn save_lists(&mut self) {
        let Some(dir) = self.data_dir.clone() else {
            return;
        };
        let files = [
            ("notify.ini", self.extras.notify.to_ini()),
            ("ignore.ini", self.extras.ignore.to_ini()),
        ];
        for (name, text) in files {
            let path = dir.join(name);
            if let Err(e) = write_atomic(&path, text.as_bytes()) {
                self.out.show(
                    "status",
                    format!("* Could not save {}: {e}", path.display()),
                );
            }
        }
    }

    /// Whether `ev` comes from an ignored user (and is dropped); removes control codes from
    /// the messages of users ignored with `-k`.
    pub(super) fn ignored(&mut self, ev: &mut Event) -> bool {
        let now = self.now;
        self.extras.ignore.expire(now);
        let list = &self.extras.ignore;
        if !list.enabled {
            return false;
        }
        let (from, kind) = match &*ev {
            Event::Text(m) | Event::Action(m) => {
                let chan = self.net.target_channel(&m.target).is_some();
                (&m.from, if chan { Kind::Channel } else { Kind::Private })
            }
            Event::Notice(m) => (&m.from, Kind::Notice),
            Event::Ctcp { from, ctcp, .. } if ctcp.command.eq_ignore_ascii_case("DCC") => {
                (from, Kind::Dcc)
            }
            Event::Ctcp { from, .. } | Event::CtcpReply { from, .. } => (from, Kind::Ctcp),
            Event::Invite { by, .. } => (by, Kind::Invite),
            _ => return false,
        };
        let address = from.to_string();
        if list.ignores(&address, kind, now) {
            return true;
        }
        if list.strips_codes(&address, now) {
            if let Event::Text(m) | Event::Action(m) | Event::Notice(m) = ev {
                m.text = crate::replay::strip_codes(&m.text);
            }
        }
        false
    }

    /// The events the notify list raises, with their display lines.
    pub(super) fn notify_event(
        &self,
        who: &Prefix,
        online: bool,
    ) -> (EventInfo, Option<(String, String)>) {
        let info = EventInfo {
            name: if online { "NOTIFY" } else { "UNOTIFY" }.to_string(),
            from: Some(who.clone()),
            ..EventInfo::default()
        };
        let line = if online {
            format!("* {} is on IRC", who.nick)
        } else {
            format!("* {} has left IRC", who.nick)
        };
        (info, Some(("status".to_string(), line)))
    }

    /// A USERHOST answer for an `/ignore nick type`: adds the entry.
    pub(super) fn ignore_found(&mut self, req: &IgnoreRequest, address: Option<String>) {
        let Some(mask) = address.and_then(|a| users::mask(&a, req.ty)) else {
            self.out
                .show("status", format!("* /ignore: {} is not on IRC", req.nick));
            return;
        };
        let until = req.secs.map(|s| self.now + s * 1000);
        self.extras.ignore.add(&mask, req.types, req.exclude, until);
        self.out.show(
            "status",
            ignoring_line(&mask, req.types, req.exclude, req.secs),
        );
        self.save_lists();
    }
}

#[cfg(test)]
mod tests {
    //! `/ignore`'s switches mix types with `-r`, `-x` and `-uN`.
    use super::ignore_args;

    #[test]
    fn ignore_switches() {
        let a = ignore_args("-pcu60 bob 2").unwrap();
        assert_eq!(a.types.letters(), "pc");
        assert_eq!(a.secs, Some(60));
        assert_eq!(a.rest, ["bob", "2"]);
        let a = ignore_args("-rx -w *!*@host").unwrap();
        assert!(a.remove && a.exclude);
        assert!(ignore_args("-q bob").unwrap_err().contains("-q"));
        assert!(ignore_args("-u bob").unwrap_err().contains("-u"));
    }
}
