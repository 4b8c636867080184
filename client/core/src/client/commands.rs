//! IRC commands beyond the basic ones in `client.rs`: `/amsg`, `/ame`, `/action`, `/hop`,
//! `/ban`, mIRC's default aliases `/op`, `/deop` (`/dop`), `/voice`, `/devoice`, the server
//! queries `/whois`, `/who`, `/names`, `/list`, `/wallops`, `/disconnect` and `/exit`.
//!
//! `/ban nick` takes the nick's address from the internal address list; when the list does
//! not have it, a `USERHOST` asks the server and the ban is set when the answer (302)
//! arrives ([`Client::userhost_reply`]).

use super::{Client, ScriptHost, Timer};
use crate::proto::Message;
use crate::state::{Event, Input, Intent};
use crate::users;

/// A `/ban` waiting for the banned nick's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BanRequest {
    /// The channel.
    pub chan: String,
    /// The nick, or the mask when one was given.
    pub who: String,
    /// The `$mask` type to make of the address.
    pub ty: u32,
    /// `-k`: kick them too, with this reason.
    pub kick: Option<String>,
    /// `-r`: remove the ban instead of setting it.
    pub remove: bool,
    /// `-uN`: remove the ban again after this many seconds.
    pub unset_after: Option<u64>,
}

/// The `$mask` type `/ban` uses when none is given (`nick!*user@host`, as mIRC).
const DEFAULT_BAN_TYPE: u32 = 6;

impl BanRequest {
    /// Reads `/ban [-kruN] [#chan] nick|mask [type] [reason]`; `active` is the channel used
    /// when none is given.
    fn parse(args: &str, active: &str, is_channel: impl Fn(&str) -> bool) -> Result<Self, String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let (mut kick, mut remove, mut unset_after) = (false, false, None);
        while let Some(sw) = words.first().and_then(|w| w.strip_prefix('-')) {
            words.remove(0);
            let mut chars = sw.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    'k' => kick = true,
                    'r' => remove = true,
                    'u' => {
                        let mut digits = String::new();
                        while let Some(d) = chars.next_if(char::is_ascii_digit) {
                            digits.push(d);
                        }
                        if digits.is_empty()
                            && words.first().is_some_and(|w| w.parse::<u64>().is_ok())
                        {
                            digits = words.remove(0).to_string();
                        }
                        let secs = digits
                            .parse()
                            .map_err(|_| "/ban: -u needs a number of seconds".to_string())?;
                        unset_after = Some(secs);
                    }
                    other => return Err(format!("/ban: unknown switch -{other}")),
                }
            }
        }
        let chan = match words.first() {
            Some(w) if is_channel(w) => words.remove(0).to_string(),
            _ if is_channel(active) => active.to_string(),
            _ => return Err("/ban: no channel given and the active window is not one".into()),
        };
        if words.is_empty() {
            return Err("/ban: insufficient parameters".into());
        }
        let who = words.remove(0).to_string();
        let ty = match words.first().and_then(|w| w.parse::<u32>().ok()) {
            Some(t) if t <= 19 => {
                words.remove(0);
                t
            }
            Some(t) => return Err(format!("/ban: bad mask type {t} (0 to 19)")),
            None => DEFAULT_BAN_TYPE,
        };
        let reason = words.join(" ");
        Ok(BanRequest {
            chan,
            who,
            ty,
            kick: kick.then_some(reason),
            remove,
            unset_after,
        })
    }

    /// Whether `who` is already a mask (needs no address).
    fn is_mask(&self) -> bool {
        self.who.contains(['!', '@', '*', '?'])
    }

    /// The lines to send for the ban of `mask`, and the command (with its delay in seconds)
    /// that lifts it again for `-u`.
    fn actions(&self, mask: &str) -> (Vec<Message>, Option<(u64, String)>) {
        let sign = if self.remove { "-b" } else { "+b" };
        let mut lines = vec![Message::new("MODE", [self.chan.as_str(), sign, mask])];
        if let Some(reason) = &self.kick {
            let nick = self.who.split('!').next().unwrap_or(&self.who);
            let mut params = vec![self.chan.as_str(), nick];
            if !reason.is_empty() {
                params.push(reason);
            }
            lines.push(Message::new("KICK", params));
        }
        let undo = self
            .unset_after
            .filter(|_| !self.remove)
            .map(|s| (s, format!("mode {} -b {mask}", self.chan)));
        (lines, undo)
    }
}

/// The lowest number no timer is named (how mIRC names unnamed timers).
fn free_timer_name<'t>(names: impl Iterator<Item = &'t str> + Clone) -> String {
    (1u64..)
        .map(|n| n.to_string())
        .find(|n| !names.clone().any(|t| t == n))
        .unwrap_or_default()
}

impl ScriptHost<'_> {
    /// The commands of this module (see the module docs); `None` for any other.
    pub(super) fn irc_command(
        &mut self,
        name: &str,
        args: &str,
        silent: bool,
    ) -> Option<Result<(), String>> {
        let r = match name {
            "amsg" | "ame" => self.amsg(name == "ame", args, silent),
            "action" => return self.command_line("me", args, silent),
            "load" | "unload" | "reload" => return self.script_command(name, args),
            "notify" | "ignore" => return self.list_command(name, args),
            "hop" => self.hop(args),
            "query" | "close" | "markline" | "window" | "beep" | "flash" => {
                return self.window_command(name, args)
            }
            "splay" | "tip" | "titlebar" => return self.desktop_command(name, args),
            "aline" | "iline" | "rline" | "dline" | "clear" | "sline" => {
                return self.custom_command(name, args)
            }
            "ban" => self.ban(args),
            "op" | "deop" | "dop" | "voice" | "devoice" => self.member_modes(name, args),
            "whois" | "who" | "names" | "list" => self.query(name, args),
            "wallops" => {
                if args.is_empty() {
                    Err("/wallops: insufficient parameters".to_string())
                } else {
                    self.intent(Intent::Send(Message::new("WALLOPS", [args])));
                    Ok(())
                }
            }
            "disconnect" => {
                self.pending.disconnect = Some("disconnected by /disconnect".to_string());
                Ok(())
            }
            "exit" => {
                if self.net.get().is_connected() {
                    self.intent(Intent::Quit { reason: None });
                }
                self.pending.exit = true;
                Ok(())
            }
            _ => return None,
        };
        Some(r)
    }

    /// Runs another of the host's commands.
    fn command_line(&mut self, name: &str, args: &str, silent: bool) -> Option<Result<(), String>> {
        rustirc_lang::Host::command(self, name, args, silent)
    }

    /// `/amsg text`, `/ame text`: to every channel we are on.
    fn amsg(&mut self, action: bool, text: &str, silent: bool) -> Result<(), String> {
        if text.is_empty() {
            let name = if action { "ame" } else { "amsg" };
            return Err(format!("/{name}: insufficient parameters"));
        }
        let me = self.me();
        let chans: Vec<String> = self.net.get().channels().map(|c| c.name.clone()).collect();
        for chan in chans {
            if action {
                self.show(&chan, format!("* {me} {text}"));
                self.intent(Intent::Action {
                    target: chan,
                    text: text.to_string(),
                });
            } else {
                if !silent {
                    self.show(&chan, format!("<{me}> {text}"));
                }
                self.intent(Intent::Privmsg {
                    target: chan,
                    text: text.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The channel a command acts on: its first word when that is a channel (taken off
    /// `words`), else the active window when it is one.
    fn channel_arg(&self, words: &mut Vec<&str>, cmd: &str) -> Result<String, String> {
        let net = self.net.get();
        match words.first() {
            Some(w) if net.is_channel(w) => Ok(words.remove(0).to_string()),
            _ if net.is_channel(&self.active) => Ok(self.active.clone()),
            _ => Err(format!(
                "/{cmd}: no channel given and the active window is not one"
            )),
        }
    }

    /// `/hop [#chan] [message]`: part and join again (with the channel's key).
    fn hop(&mut self, args: &str) -> Result<(), String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let chan = self.channel_arg(&mut words, "hop")?;
        let key = self.net.get().channel(&chan).and_then(|c| c.key.clone());
        let reason = (!words.is_empty()).then(|| words.join(" "));
        self.intent(Intent::Part {
            channel: chan.clone(),
            reason,
        });
        self.intent(Intent::Join { channel: chan, key });
        Ok(())
    }

    /// `/op`, `/deop`, `/voice`, `/devoice` `[#chan] nick…`: as many nicks per MODE line as
    /// the server's `MODES` allows.
    fn member_modes(&mut self, name: &str, args: &str) -> Result<(), String> {
        let mut words: Vec<&str> = args.split(' ').filter(|w| !w.is_empty()).collect();
        let chan = self.channel_arg(&mut words, name)?;
        if words.is_empty() {
            return Err(format!("/{name}: insufficient parameters"));
        }
        let (sign, mode) = match name {
            "op" => ('+', 'o'),
            "deop" | "dop" => ('-', 'o'),
            "voice" => ('+', 'v'),
            _ => ('-', 'v'),
        };
        let per_line = self
            .net
            .get()
            .isupport()
            .get("MODES")
            .and_then(|m| m.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(3);
        for nicks in words.chunks(per_line) {
            let letters: String = std::iter::once(sign)
                .chain(std::iter::repeat_n(mode, nicks.len()))
                .collect();
            let mut params = vec![chan.clone(), letters];
            params.extend(nicks.iter().map(ToString::to_string));
            self.intent(Intent::Send(Message::new("MODE", params)));
        }
        Ok(())
    }

    /// `/whois`, `/who`, `/names`, `/list`: the server's answers arrive as numerics (`raw`
    /// events). `/names` without a channel asks for the active one.
    fn query(&mut self, name: &str, args: &str) -> Result<(), String> {
        let mut params: Vec<String> = args
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if params.is_empty() {
            match name {
                "names" if self.net.get().is_channel(&self.active) => {
                    params.push(self.active.clone());
                }
                "whois" | "who" => return Err(format!("/{name}: insufficient parameters")),
                _ => {}
            }
        }
        self.intent(Intent::Send(Message::new(
            &name.to_ascii_uppercase(),
            params,
        )));
        Ok(())
    }

    /// `/ban [-kruN] [#chan] nick|mask [type] [reason]`.
    fn ban(&mut self, args: &str) -> Result<(), String> {
        let req = {
            let net = self.net.get();
            BanRequest::parse(args, &self.active, |c| net.is_channel(c))?
        };
        let mask = if req.is_mask() {
            Some(users::full_mask(&req.who))
        } else {
            self.net
                .get()
                .address(&req.who)
                .filter(|a| a.host.is_some())
                .and_then(|a| users::mask(&a.full(), req.ty))
        };
        match mask {
            Some(mask) => self.ban_now(&req, &mask),
            None => {
                // Ask the server; `Client::userhost_reply` finishes the ban.
                self.intent(Intent::Send(Message::new("USERHOST", [req.who.as_str()])));
                if let Some(x) = self.extras.get_mut() {
                    x.lookups.push_back(super::extras::Lookup::Ban(req));
                }
            }
        }
        Ok(())
    }

    fn ban_now(&mut self, req: &BanRequest, mask: &str) {
        let (lines, undo) = req.actions(mask);
        for m in lines {
            self.intent(Intent::Send(m));
        }
        if let Some((secs, command)) = undo {
            let name = {
                let live = self.live_timers();
                free_timer_name(live.iter().map(|t| t.name.as_str()))
            };
            self.pending.timers.push(Timer {
                name,
                reps: 1,
                interval_ms: secs * 1000,
                millis: false,
                hires: false,
                offline: false,
                paused: None,
                due: self.now + secs * 1000,
                command,
                cid: self.conns.cid,
                owner: None,
                callback: None,
            });
        }
    }
}

impl Client {
    /// A 302 (USERHOST) reply: finishes the oldest `/ban` or `/ignore` waiting for an
    /// address; one for a nick the server does not know is dropped with a message.
    pub(super) fn userhost_reply(&mut self, ev: &Event) {
        let Event::Raw(m) = ev else { return };
        if m.command != "302" {
            return;
        }
        let Some(lookup) = self.extras.lookups.pop_front() else {
            return;
        };
        // `:server 302 me :nick=+user@host nick2*=-user@host`
        let found = m.param(1).unwrap_or("").split(' ').find_map(|entry| {
            let (nick, rest) = entry.split_once('=')?;
            let nick = nick.trim_end_matches('*');
            let addr = rest.get(1..)?;
            self.net
                .casemapping()
                .eq(nick, lookup.nick())
                .then(|| format!("{nick}!{addr}"))
        });
        let req = match lookup {
            super::extras::Lookup::Ban(req) => req,
            super::extras::Lookup::Ignore(req) => return self.ignore_found(&req, found),
        };
        let Some(address) = found else {
            self.out
                .show("status", format!("* /ban: {} is not on IRC", req.who));
            return;
        };
        let Some(mask) = users::mask(&address, req.ty) else {
            return;
        };
        let (lines, undo) = req.actions(&mask);
        for m in lines {
            let effects = self.net.handle(Input::Intent(Intent::Send(m)));
            self.apply(effects);
        }
        if let Some((secs, command)) = undo {
            let name = free_timer_name(self.timers.iter().map(|t| t.name.as_str()));
            self.extras.last_timer.clone_from(&name);
            self.timers.push(Timer {
                name,
                reps: 1,
                interval_ms: secs * 1000,
                millis: false,
                hires: false,
                offline: false,
                paused: None,
                due: self.now + secs * 1000,
                command,
                cid: self.conns.cid,
                owner: None,
                callback: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    //! `/ban`'s words are positional with optional ones between; each must land in its place.
    use super::*;

    fn parse(args: &str) -> Result<BanRequest, String> {
        BanRequest::parse(args, "#active", |c| c.starts_with('#'))
    }

    #[test]
    fn ban_arguments() {
        let b = parse("bob").unwrap();
        assert_eq!(
            (b.chan.as_str(), b.who.as_str(), b.ty),
            ("#active", "bob", 6)
        );
        let b = parse("-ku30 #c bob 5 go away").unwrap();
        assert_eq!(b.chan, "#c");
        assert_eq!(b.ty, 5);
        assert_eq!(b.kick.as_deref(), Some("go away"));
        assert_eq!(b.unset_after, Some(30));
        let b = parse("-u 10 #c *!*@host").unwrap();
        assert_eq!(b.unset_after, Some(10));
        assert!(b.is_mask());
        assert!(parse("-r").is_err());
        assert!(parse("-x bob").unwrap_err().contains("-x"));
        assert!(parse("-u bob").unwrap_err().contains("-u"));
        assert!(parse("#c bob 42").unwrap_err().contains("42"));
        assert!(BanRequest::parse("bob", "status", |c| c.starts_with('#'))
            .unwrap_err()
            .contains("no channel"));
    }

    #[test]
    fn free_timer_names() {
        assert_eq!(free_timer_name(["1", "x", "2"].into_iter()), "3");
        assert_eq!(free_timer_name(["2"].into_iter()), "1");
    }
}
