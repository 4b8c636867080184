//! Messages between users: PRIVMSG (text, ACTION, CTCP requests), NOTICE (user notices,
//! server notices, CTCP replies), WALLOPS and INVITE, and the automatic replies to CTCP
//! VERSION, PING, TIME and CLIENTINFO.
//!
//! Replies are rate-limited (`Config::ctcp_reply_interval_ms`) so a CTCP flood cannot fill
//! our send queue. Whether a script may stop a reply is the host's business: it can turn
//! automatic replies off and send [`Network::ctcp_reply_due`] itself after dispatch (the
//! [`crate::client::Client`] does).

use super::{Effect, Event, Msg, Network};
use crate::proto::{Ctcp, Message, Prefix};

/// The CTCPs answered automatically, as CLIENTINFO lists them.
const CLIENTINFO: &str = "ACTION CLIENTINFO PING TIME VERSION";

impl Network {
    pub(super) fn on_privmsg(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(from), Some(target), Some(text)) =
            (msg.prefix.clone(), msg.param(0), msg.param(1))
        else {
            return;
        };
        let target = target.to_string();
        match Ctcp::decode(text) {
            Some(ctcp) if ctcp.command == "ACTION" => {
                let text = ctcp.args.unwrap_or_default();
                out.push(Effect::Event(Event::Action(Msg {
                    from,
                    target,
                    text,
                    tags: msg.tags,
                })));
            }
            Some(ctcp) => {
                if self.config.ctcp_replies {
                    if let Some(reply) = self.ctcp_reply_due(&from.nick, &ctcp) {
                        self.send(reply, out);
                    }
                }
                out.push(Effect::Event(Event::Ctcp {
                    from,
                    target,
                    ctcp,
                    tags: msg.tags,
                }));
            }
            None => {
                let text = text.to_string();
                out.push(Effect::Event(Event::Text(Msg {
                    from,
                    target,
                    text,
                    tags: msg.tags,
                })));
            }
        }
    }

    pub(super) fn on_notice(&mut self, msg: Message, out: &mut Vec<Effect>) {
        let (Some(target), Some(text)) = (msg.param(0), msg.param(1)) else {
            return;
        };
        let from = msg.prefix.clone();
        let from_server = from
            .as_ref()
            .is_none_or(|p| p.is_server() || (p.user.is_none() && !self.registered));
        if from_server {
            out.push(Effect::Event(Event::ServerNotice {
                from: from.map(|p| p.nick),
                text: text.to_string(),
            }));
            return;
        }
        let from = from.unwrap_or_else(|| Prefix::parse(""));
        let target = target.to_string();
        match Ctcp::decode(text) {
            Some(ctcp) => out.push(Effect::Event(Event::CtcpReply {
                from,
                target,
                ctcp,
                tags: msg.tags,
            })),
            None => {
                let text = text.to_string();
                out.push(Effect::Event(Event::Notice(Msg {
                    from,
                    target,
                    text,
                    tags: msg.tags,
                })));
            }
        }
    }

    pub(super) fn on_wallops(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let from = msg.prefix.clone().unwrap_or_else(|| Prefix::parse(""));
        let text = msg.trailing().unwrap_or("").to_string();
        out.push(Effect::Event(Event::Wallops { from, text }));
    }

    pub(super) fn on_invite(&mut self, msg: &Message, out: &mut Vec<Effect>) {
        let (Some(by), Some(channel)) = (msg.prefix.clone(), msg.param(1)) else {
            return;
        };
        out.push(Effect::Event(Event::Invite {
            by,
            channel: channel.to_string(),
        }));
    }

    /// The automatic reply to `ctcp` from `nick` when one may go out now: like
    /// [`Network::ctcp_auto_reply`], but `None` within `Config::ctcp_reply_interval_ms` of the
    /// previous reply, and a reply returned counts as sent. A host that sends the replies
    /// itself (so that scripts can stop them) asks this after dispatching the request.
    pub fn ctcp_reply_due(&mut self, nick: &str, ctcp: &Ctcp) -> Option<Message> {
        let due = self
            .last_ctcp_reply
            .is_none_or(|t| self.now.saturating_sub(t) >= self.config.ctcp_reply_interval_ms);
        let reply = self.ctcp_auto_reply(nick, ctcp).filter(|_| due)?;
        self.last_ctcp_reply = Some(self.now);
        Some(reply)
    }

    /// The automatic reply to CTCP request `ctcp` from `nick`, if it is one we answer:
    /// VERSION (the configured version), PING (echoed), TIME (the injected clock, UTC) and
    /// CLIENTINFO.
    ///
    /// # Example
    /// ```
    /// use rustirc_core::proto::{Ctcp, Message};
    /// use rustirc_core::state::{Config, Network};
    /// let net = Network::new(Config::new("me"), 0);
    /// let reply = net.ctcp_auto_reply("bob", &Ctcp::new("PING", Some("123"))).unwrap();
    /// assert_eq!(reply, Message::notice("bob", "\x01PING 123\x01"));
    /// ```
    pub fn ctcp_auto_reply(&self, nick: &str, ctcp: &Ctcp) -> Option<Message> {
        let args = match ctcp.command.as_str() {
            "VERSION" => Some(self.config.version.clone()),
            "PING" => ctcp.args.clone(),
            "TIME" => Some(format_ctime(self.now / 1000)),
            "CLIENTINFO" => Some(CLIENTINFO.to_string()),
            _ => return None,
        };
        let reply = Ctcp {
            command: ctcp.command.clone(),
            args,
        };
        Some(Message::notice(nick, &reply.encode()))
    }
}

/// Formats Unix seconds as C's `ctime` does, in UTC: `Thu Jan 01 00:00:00 2026`.
pub(crate) fn format_ctime(secs: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let weekday = DAYS[usize::try_from(days % 7).unwrap_or(0)];
    let month = MONTHS[usize::try_from(m - 1).unwrap_or(0)];
    format!(
        "{weekday} {month} {d:02} {:02}:{:02}:{:02} {y}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), Howard Hinnant's algorithm.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    //! CTCP TIME prints the injected clock, so the calendar maths must be right.
    use super::format_ctime;

    #[test]
    fn ctime() {
        assert_eq!(format_ctime(0), "Thu Jan 01 00:00:00 1970");
        assert_eq!(format_ctime(1_767_225_600), "Thu Jan 01 00:00:00 2026");
        assert_eq!(format_ctime(951_827_696), "Tue Feb 29 12:34:56 2000");
    }
}
