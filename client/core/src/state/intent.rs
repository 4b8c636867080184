//! What the user or a script asks the network to do: send a raw line, join, part, quit,
//! talk, change nick, go away. Lines go through the flood queue, except QUIT and PONG,
//! which must not wait behind a backlog.
//!
//! Editbox parsing (`/cmd` vs plain text) and `$identifier` evaluation happen before this,
//! in the command layer; an intent is already decided.

use super::{Effect, Network};
use crate::proto::{Ctcp, Message};

/// A request to act on the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Send this raw line as typed (`/raw`, `/quote`); unparseable lines are dropped.
    Raw(String),
    /// Send this message.
    Send(Message),
    /// Join a channel, with an optional key. Before registration it is joined after 001.
    Join {
        /// The channel.
        channel: String,
        /// Its key.
        key: Option<String>,
    },
    /// Leave a channel.
    Part {
        /// The channel.
        channel: String,
        /// The part message.
        reason: Option<String>,
    },
    /// Quit the network; no channels are rejoined after this connection closes.
    Quit {
        /// The quit message.
        reason: Option<String>,
    },
    /// PRIVMSG (`/msg`, `/say`).
    Privmsg {
        /// A channel or nick.
        target: String,
        /// The text.
        text: String,
    },
    /// NOTICE (`/notice`).
    Notice {
        /// A channel or nick.
        target: String,
        /// The text.
        text: String,
    },
    /// CTCP ACTION (`/me`, `/describe`).
    Action {
        /// A channel or nick.
        target: String,
        /// The action text.
        text: String,
    },
    /// A CTCP request (`/ctcp`).
    Ctcp {
        /// A channel or nick.
        target: String,
        /// The request.
        ctcp: Ctcp,
    },
    /// A CTCP reply (`/ctcpreply`).
    CtcpReply {
        /// The nick.
        target: String,
        /// The reply.
        ctcp: Ctcp,
    },
    /// Change nick (`/nick`). Before registration this also changes the nick being tried.
    Nick(String),
    /// Set (`Some`) or clear (`None`) our away message (`/away`).
    Away(Option<String>),
    /// Watch these nicks (the notify list, `/notify`): [`super::Event::Notify`] reports
    /// when one comes or goes.
    Notify(Vec<String>),
}

impl Network {
    pub(super) fn on_intent(&mut self, intent: Intent, out: &mut Vec<Effect>) {
        if matches!(
            intent,
            Intent::Privmsg { .. } | Intent::Notice { .. } | Intent::Action { .. }
        ) {
            self.last_spoke = self.now;
        }
        match intent {
            Intent::Raw(line) => {
                if let Ok(msg) = Message::parse(&line) {
                    self.send_intent(msg, out);
                }
            }
            Intent::Send(msg) => self.send_intent(msg, out),
            Intent::Join { channel, key } => {
                if self.registered {
                    if let Some(k) = &key {
                        self.pending_keys.insert(self.fold(&channel), k.clone());
                    }
                    self.send(Message::join(&channel, key.as_deref()), out);
                } else if !self
                    .rejoin
                    .iter()
                    .any(|(c, _)| self.casemap().eq(c, &channel))
                {
                    self.rejoin.push((channel, key));
                }
            }
            Intent::Part { channel, reason } => {
                self.send(Message::part(&channel, reason.as_deref()), out)
            }
            Intent::Quit { reason } => {
                self.quitting = true;
                self.send_now(Message::quit(reason.as_deref()), out);
            }
            Intent::Privmsg { target, text } => self.send(Message::privmsg(&target, &text), out),
            Intent::Notice { target, text } => self.send(Message::notice(&target, &text), out),
            Intent::Action { target, text } => {
                self.send(
                    Message::privmsg(&target, &Ctcp::new("ACTION", Some(&text)).encode()),
                    out,
                );
            }
            Intent::Ctcp { target, ctcp } => {
                self.send(Message::privmsg(&target, &ctcp.encode()), out)
            }
            Intent::CtcpReply { target, ctcp } => {
                self.send(Message::notice(&target, &ctcp.encode()), out)
            }
            Intent::Nick(nick) => {
                if !self.registered {
                    self.me.clone_from(&nick);
                }
                self.send(Message::nick(&nick), out);
            }
            Intent::Notify(nicks) => self.set_notify(nicks, out),
            Intent::Away(message) => {
                match &message {
                    Some(m) => self.send(Message::new("AWAY", [m.as_str()]), out),
                    None => self.send(Message::new("AWAY", Vec::<String>::new()), out),
                }
                if message.is_some() {
                    if self.away.is_none() {
                        self.away_since = Some(self.now);
                    }
                    self.away = message;
                }
            }
        }
    }

    fn send_intent(&mut self, msg: Message, out: &mut Vec<Effect>) {
        match msg.command.as_str() {
            "QUIT" => {
                self.quitting = true;
                self.send_now(msg, out);
            }
            "PONG" => self.send_now(msg, out),
            _ => self.send(msg, out),
        }
    }
}
