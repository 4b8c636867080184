//! IRC identifiers beyond the current event's own: the internal address list (`$ial`,
//! `$ialchan`), common channels (`$comchan`), the connection (`$status`, `$server(N)`,
//! `$servertarget`, `$port`, `$online`, `$uptime`, `$usermode`, `$anick`, `$awaytime`,
//! `$idle`), the server's ISUPPORT values (`$prefix`, `$nickmode`, `$chantypes`, `$chanmodes`,
//! `$modespl`), the current line's IRCv3 tags (`$msgtags`), the timers (`$timer`, `$ltimer`),
//! the window title's text (`$titlebar`, set with `/titlebar`) and the `isowner` and `isadmin` conditions.
//!
//! Everything here reads; nothing changes the client. mIRC's `N` is 1-based and `N = 0`
//! counts.

use super::{ScriptHost, Timer};
use crate::state::{Address, Network};
use rustirc_lang::registry::idents::time::duration_text;
use rustirc_lang::Value;

/// What an identifier gives: `None` when it is not one of these.
type Answer = Option<Result<Value, String>>;

fn text(s: Option<&str>) -> Answer {
    Some(Ok(s.map_or(Value::Null, Value::text)))
}

fn int(n: u64) -> Answer {
    Some(Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX))))
}

fn boolean(b: bool) -> Answer {
    Some(Ok(Value::bool(b)))
}

/// Reads mIRC's `N`: `Some(0)` asks for a count, `Some(n)` for the nth (1-based); `None` when
/// the argument is not a number (a name).
fn index(v: &Value) -> Option<usize> {
    let s = v.as_str();
    let s = s.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().unwrap_or(usize::MAX))
}

/// `$ial(mask,N)` and `$ialchan(mask,#,N)`: the count for `N = 0`, else the nth entry as
/// `nick!user@host` or one property of it. `chan` gives `.pnick` its channel.
fn pick_address(
    list: &[&Address],
    n: Option<&Value>,
    prop: Option<&str>,
    chan: Option<(&Network, &str)>,
) -> Answer {
    let n = match n {
        None => 1,
        Some(v) => match index(v) {
            Some(n) => n,
            None => return Some(Err(format!("bad N {}: expected a number", v.as_str()))),
        },
    };
    if n == 0 {
        return int(list.len() as u64);
    }
    let Some(a) = list.get(n - 1) else {
        return text(None);
    };
    match prop {
        None => text(Some(&a.full())),
        Some("nick") => text(Some(&a.nick)),
        Some("user") => text(a.user.as_deref()),
        Some("host") => text(a.host.as_deref()),
        Some("addr") => text(a.address().as_deref()),
        Some("account") => text(a.account.as_deref()),
        Some("gecos") => text(a.realname.as_deref()),
        Some("away") => boolean(a.away.is_some()),
        Some("pnick") => {
            let prefixes = chan
                .and_then(|(net, c)| {
                    net.nicks(c, "", "")
                        .into_iter()
                        .find(|m| net.casemapping().eq(&m.nick, &a.nick))
                        .map(|m| m.prefixes.clone())
                })
                .unwrap_or_default();
            text(Some(&format!("{prefixes}{}", a.nick)))
        }
        // `.mark` (set by `/ialmark`) and anything else unknown.
        Some(_) => text(None),
    }
}

/// `$uptime(…,N)`: milliseconds, or with `N` 1 a duration, 2 a duration without seconds, 3
/// seconds.
fn uptime(ms: u64, n: i64) -> Answer {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    match n {
        1 => text(Some(&duration_text(secs, false))),
        2 => text(Some(&duration_text(secs, true))),
        3 => int(ms / 1000),
        _ => int(ms),
    }
}

impl ScriptHost<'_> {
    /// The identifiers of this module (see the module docs); `None` for any other.
    pub(super) fn irc_identifier(
        &mut self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Answer {
        let prop = prop.map(str::to_ascii_lowercase);
        let prop = prop.as_deref();
        let net = self.net.get();
        let now = self.now;
        let since = |t: Option<u64>| t.map_or(0, |t| now.saturating_sub(t));
        match (name, args.len()) {
            // `$ial` alone: whether the address list is on (always).
            ("ial", 0) => boolean(true),
            ("ial", 1 | 2) => pick_address(&net.ial(&args[0].as_str()), args.get(1), prop, None),
            ("ialchan", 3) => {
                let chan = args[1].as_str();
                let list = net.ial_chan(&args[0].as_str(), &chan);
                pick_address(&list, Some(&args[2]), prop, Some((net, &chan)))
            }
            ("comchan", 2) => {
                let nick = args[0].as_str();
                let quitting = self.info.name == "QUIT"
                    && self
                        .info
                        .from
                        .as_ref()
                        .is_some_and(|p| net.casemapping().eq(&p.nick, &nick));
                let chans: Vec<&str> = if quitting {
                    self.info.quit_chans.iter().map(String::as_str).collect()
                } else {
                    net.comchans(&nick)
                };
                let n = index(&args[1]).unwrap_or(usize::MAX);
                if n == 0 {
                    return int(chans.len() as u64);
                }
                let Some(chan) = chans.get(n - 1).copied() else {
                    return text(None);
                };
                match prop {
                    Some("op") => boolean(net.is_op(&nick, chan)),
                    Some("help") => boolean(net.is_hop(&nick, chan)),
                    Some("voice") => boolean(net.is_voice(&nick, chan)),
                    Some("owner") => boolean(net.has_mode(&nick, chan, 'q')),
                    _ => text(Some(chan)),
                }
            }
            ("idle", 0) => int(since(Some(self.extras.get().typed)) / 1000),
            ("online", 0) => int(since(net.registered_at()) / 1000),
            ("awaytime", 0) => int(since(net.away_since()) / 1000),
            ("uptime", 1 | 2) => {
                let n = args.get(1).map_or(0, Value::to_i64_lenient);
                let what = args[0].as_str().to_ascii_lowercase();
                match what.as_str() {
                    // The client's own clock stands in for the system's.
                    "mirc" | "system" => uptime(since(Some(self.extras.get().started)), n),
                    "server" => uptime(since(net.connected_at()), n),
                    _ => Some(Err(format!(
                        "$uptime: expected mirc, server or system, not {what}"
                    ))),
                }
            }
            ("anick", 0) => text(net.config().alt_nicks.first().map(String::as_str)),
            ("usermode", 0) => {
                let m = net.usermodes();
                text((!m.is_empty()).then(|| format!("+{m}")).as_deref())
            }
            ("status", 0) => text(Some(if !net.is_connected() {
                "disconnected"
            } else if net.is_quitting() {
                "disconnecting"
            } else if net.is_registered() {
                "connected"
            } else {
                "connecting"
            })),
            ("port", 0) => match net.target() {
                Some((_, port)) => int(u64::from(port)),
                None => text(None),
            },
            ("servertarget", 0) => text(net.target().map(|(h, _)| h)),
            ("server", 1 | 2) => {
                // The server list holds the server we connect to.
                let Some((host, port)) = net.target() else {
                    return match index(&args[0]) {
                        Some(0) => int(0),
                        _ => text(None),
                    };
                };
                let found = match index(&args[0]) {
                    Some(0) => return int(1),
                    Some(n) => n == 1,
                    None => args[0].as_str().eq_ignore_ascii_case(host),
                };
                if !found {
                    return text(None);
                }
                match prop {
                    None => text(Some(host)),
                    Some("port") => int(u64::from(port)),
                    Some("group") => text(net.network()),
                    Some(_) => text(None),
                }
            }
            ("prefix", 0) => {
                let p = &net.isupport().modes.prefixes;
                let modes: String = p.iter().map(|(m, _)| *m).collect();
                let syms: String = p.iter().map(|(_, s)| *s).collect();
                text(Some(&format!("({modes}){syms}")))
            }
            ("nickmode", 0) => {
                let p = &net.isupport().modes.prefixes;
                text(Some(&p.iter().map(|(m, _)| *m).collect::<String>()))
            }
            ("chantypes", 0) => text(Some(&net.isupport().chantypes)),
            ("chanmodes", 0) => {
                let m = &net.isupport().modes;
                let groups = [&m.list, &m.param, &m.param_when_set, &m.flag];
                text(Some(
                    &groups
                        .iter()
                        .map(|g| g.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                ))
            }
            // MODES: how many parameter modes one MODE line may carry (3 when not said).
            ("modespl", 0) => text(Some(
                net.isupport()
                    .get("MODES")
                    .filter(|v| !v.is_empty())
                    .unwrap_or("3"),
            )),
            ("msgtags", 0) => text(
                self.extras
                    .get()
                    .line_tags
                    .as_ref()
                    .map(crate::proto::Tags::to_wire)
                    .filter(|t| !t.is_empty())
                    .as_deref(),
            ),
            ("msgtags", 1) => {
                let Some(tags) = self.extras.get().line_tags.clone() else {
                    return match index(&args[0]) {
                        Some(0) => int(0),
                        _ => text(None),
                    };
                };
                let found = match index(&args[0]) {
                    Some(0) => return int(tags.len() as u64),
                    Some(n) => tags.iter().nth(n - 1),
                    None => {
                        let key = args[0].as_str();
                        tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(&key))
                    }
                };
                match (found, prop) {
                    (None, _) => text(None),
                    (Some((_, v)), Some("key")) => text(Some(v)),
                    (Some((k, _)), _) => text(Some(k)),
                }
            }
            ("timer", 1) => {
                let live = self.live_timers();
                let t: Option<&Timer> = match index(&args[0]) {
                    Some(0) => return int(live.len() as u64),
                    Some(n) => live.get(n - 1).copied(),
                    None => {
                        let want = args[0].as_str();
                        live.iter()
                            .find(|t| t.name.eq_ignore_ascii_case(&want))
                            .copied()
                    }
                };
                let Some(t) = t else {
                    return text(None);
                };
                let left = t.paused.unwrap_or_else(|| t.due.saturating_sub(now));
                match prop {
                    None | Some("name") => text(Some(&t.name)),
                    Some("com") => text(Some(&t.command)),
                    Some("reps") => int(t.reps),
                    Some("delay") => int(if t.millis {
                        t.interval_ms
                    } else {
                        t.interval_ms / 1000
                    }),
                    Some("secs") => int(left.div_ceil(1000)),
                    Some("ms") => int(left),
                    Some("type") => text(Some(if t.offline { "offline" } else { "online" })),
                    Some("pause") => boolean(t.paused.is_some()),
                    Some("mmt") => boolean(t.hires),
                    Some("cid") => int(u64::from(t.cid)),
                    Some(_) => text(None),
                }
            }
            ("titlebar", 0) => text(Some(&self.extras.get().titlebar)),
            ("ltimer", 0) => {
                let pending = self
                    .pending
                    .timers
                    .iter()
                    .rev()
                    .find(|t| t.reps != u64::MAX)
                    .map(|t| t.name.clone());
                let last = pending.unwrap_or_else(|| self.extras.get().last_timer.clone());
                text((!last.is_empty()).then_some(last.as_str()))
            }
            ("op:isowner", 2) => boolean(net.has_mode(&args[0].as_str(), &args[1].as_str(), 'q')),
            ("op:isadmin", 2) => boolean(net.has_mode(&args[0].as_str(), &args[1].as_str(), 'a')),
            _ => self.list_identifier(name, args, prop),
        }
    }
}
