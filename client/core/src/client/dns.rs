//! `/dns` and `on DNS`: a host name (or a nick, by the host the internal address list has for
//! it) is looked up off the script's thread, by the socket driver; the `DNS` event runs when
//! the answer comes, with `$dns(N)`, `$iaddress`, `$naddress`, `$raddress` and `$nick`.
//!
//! The lookup is forward only: an address given to `/dns` resolves to itself, with no name.

use super::{Client, EventInfo, ScriptHost};
use crate::events::Phase;
use crate::proto::Prefix;
use rustirc_lang::Value;
use std::collections::HashMap;
use std::net::IpAddr;

/// A lookup under way.
#[derive(Clone, Debug)]
struct Query {
    cid: u32,
    /// What was looked up (the host, also for a nick).
    host: String,
    /// The nick `/dns` was given, if it was one.
    nick: Option<String>,
    /// `-4` / `-6`: only addresses of that family.
    family: Option<u8>,
}

/// The answer the running `DNS` event describes.
#[derive(Clone, Debug)]
pub struct Answer {
    host: String,
    nick: Option<String>,
    addrs: Vec<IpAddr>,
    /// The host was an address itself.
    literal: bool,
}

/// Lookups under way and the answer being handled, kept with the client's extras.
#[derive(Clone, Debug, Default)]
pub struct DnsState {
    next: u64,
    pending: HashMap<u64, Query>,
    current: Option<Answer>,
}

impl Client {
    /// A lookup is over: runs the `DNS` event on the connection it was made on.
    pub(super) fn dns_answer(&mut self, token: u64, addrs: Vec<IpAddr>) {
        let Some(q) = self.extras.dns.pending.remove(&token) else {
            return;
        };
        let addrs: Vec<IpAddr> = addrs
            .into_iter()
            .filter(|a| match q.family {
                Some(4) => a.is_ipv4(),
                Some(6) => a.is_ipv6(),
                _ => true,
            })
            .collect();
        let answer = Answer {
            literal: q.host.parse::<IpAddr>().is_ok(),
            host: q.host,
            nick: q.nick,
            addrs,
        };
        self.on_connection(q.cid, |c| {
            let info = EventInfo {
                name: "DNS".to_string(),
                from: answer.nick.as_ref().map(|n| Prefix {
                    nick: n.clone(),
                    user: None,
                    host: Some(answer.host.clone()),
                }),
                ..EventInfo::default()
            };
            let outer = c.extras.dns.current.replace(answer);
            c.run_phase(&info, Phase::Normal, false);
            c.extras.dns.current = outer;
        });
    }
}

impl ScriptHost<'_> {
    /// `/dns [-46ch] host|nick|address`.
    pub(super) fn dns_command(&mut self, args: &str) -> Result<(), String> {
        let mut family = None;
        let mut target = None;
        for w in args.split(' ').filter(|w| !w.is_empty()) {
            match w.strip_prefix('-') {
                Some(sw) if target.is_none() => {
                    for c in sw.chars() {
                        match c {
                            '4' => family = Some(4),
                            '6' => family = Some(6),
                            // -c (clear the queue) and -h (host names only) have nothing to do:
                            // lookups run at once and never queue.
                            'c' | 'h' => {}
                            c => return Err(format!("/dns: unknown switch -{c}")),
                        }
                    }
                }
                _ if target.is_none() => target = Some(w.to_string()),
                _ => return Err("/dns: one host at a time".to_string()),
            }
        }
        let Some(target) = target else {
            return Err("/dns: which host?".to_string());
        };
        // A nick the internal address list knows is looked up by its host.
        let known = (!target.contains('.') && !target.contains(':'))
            .then(|| self.net.get().address(&target))
            .flatten()
            .and_then(|a| a.host.clone().map(|h| (a.nick.clone(), h)));
        let (nick, host) = match known {
            Some((n, h)) => (Some(n), h),
            None => (None, target),
        };
        let cid = self.conns.cid;
        let Some(extras) = self.extras.get_mut() else {
            return Ok(());
        };
        extras.dns.next += 1;
        let token = extras.dns.next;
        extras.dns.pending.insert(
            token,
            Query {
                cid,
                host: host.clone(),
                nick,
                family,
            },
        );
        let started = match self.sock.as_mut() {
            Some(s) => s.sockets.resolve(token, &host),
            None => Err("/dns: lookups are not available here".to_string()),
        };
        if let Err(e) = started {
            if let Some(extras) = self.extras.get_mut() {
                extras.dns.pending.remove(&token);
            }
            return Err(e);
        }
        Ok(())
    }

    /// `$dns(N)` (`.ip`, `.addr`, `.raddr`, `.nick`), `$iaddress`, `$naddress`,
    /// `$raddress`: the answer of the running `DNS` event; `$null` elsewhere.
    pub(super) fn dns_identifier(
        &self,
        name: &str,
        args: &[Value],
        prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        if !matches!(
            (name, args.len()),
            ("dns", 1) | ("iaddress" | "naddress" | "raddress", 0)
        ) {
            return None;
        }
        let Some(a) = self.extras.get().dns.current.as_ref() else {
            return Some(Ok(Value::Null));
        };
        let text = |s: Option<String>| Ok(s.map_or(Value::Null, Value::text));
        let first = a.addrs.first().map(ToString::to_string);
        // The name side: the host looked up, unless it was an address.
        let named = (!a.literal).then(|| a.host.clone());
        Some(match name {
            "iaddress" => text(first),
            "naddress" => text(named),
            "raddress" => text(if a.literal { None } else { first }),
            _ => {
                let n = args[0].to_i64_lenient();
                if n == 0 {
                    return Some(Ok(Value::Int(a.addrs.len() as i64)));
                }
                let Some(ip) = usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| a.addrs.get(i))
                    .map(ToString::to_string)
                else {
                    return Some(Ok(Value::Null));
                };
                match prop.map(str::to_ascii_lowercase).as_deref() {
                    None | Some("ip" | "raddr") => text(Some(ip)),
                    Some("addr") => text(named),
                    Some("nick") => text(a.nick.clone()),
                    Some(p) => Err(format!("$dns: unknown property .{p}")),
                }
            }
        })
    }
}
