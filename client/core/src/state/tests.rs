//! The state machine against scripted server lines: registration, CAP and SASL, nick
//! collisions, lag, channel and nick-list bookkeeping, the IAL, CTCP replies, flood control
//! and rejoin. Each test feeds lines and checks the effects and the state the script host
//! will read; there is no network and no wall clock, so every result is exact.

use super::*;
use crate::proto::{Ctcp, Message, ModeKind, Prefix};

struct T {
    net: Network,
    sent: Vec<Message>,
    events: Vec<Event>,
    disconnects: Vec<String>,
}

impl T {
    fn new(config: Config) -> T {
        T {
            net: Network::new(config, 1_000_000),
            sent: Vec::new(),
            events: Vec::new(),
            disconnects: Vec::new(),
        }
    }

    fn config() -> Config {
        let mut c = Config::new("me");
        c.flood.enabled = false;
        c.caps.clear();
        c
    }

    /// Registered as `me` on ExampleNet with `PREFIX=(qaohv)~&@%+`, flood control off.
    fn registered() -> T {
        let mut t = T::new(T::config());
        t.input(Input::Connected);
        t.recv(":irc.example.net 001 me :Welcome");
        t.recv(":irc.example.net 005 me PREFIX=(qaohv)~&@%+ CHANTYPES=#& CHANMODES=beI,k,l,imnpst NETWORK=ExampleNet CASEMAPPING=rfc1459 :are supported");
        t.recv(":irc.example.net 376 me :End of MOTD");
        t.clear();
        t
    }

    fn input(&mut self, input: Input) -> Vec<Effect> {
        let effects = self.net.handle(input);
        for e in &effects {
            match e {
                Effect::Send(m) => self.sent.push(m.clone()),
                Effect::Event(ev) => self.events.push(ev.clone()),
                Effect::Disconnect { reason } => self.disconnects.push(reason.clone()),
            }
        }
        effects
    }

    fn recv(&mut self, line: &str) -> Vec<Effect> {
        self.input(Input::Line(Message::parse(line).expect(line)))
    }

    fn intent(&mut self, intent: Intent) {
        self.input(Input::Intent(intent));
    }

    fn tick(&mut self, now: u64) {
        self.input(Input::Tick(now));
    }

    fn clear(&mut self) {
        self.sent.clear();
        self.events.clear();
    }

    fn sent(&self) -> Vec<String> {
        self.sent.iter().map(Message::to_line).collect()
    }

    /// Typed events only (no `Raw`).
    fn typed(&self) -> Vec<&Event> {
        self.events
            .iter()
            .filter(|e| !matches!(e, Event::Raw(_)))
            .collect()
    }

    fn join_chan(&mut self, chan: &str, names: &str) {
        self.recv(&format!(":me!me@me.host JOIN {chan}"));
        self.recv(&format!(":irc.example.net 353 me = {chan} :{names}"));
        self.recv(&format!(
            ":irc.example.net 366 me {chan} :End of /NAMES list."
        ));
    }
}

// --- registration, CAP, SASL ---

#[test]
fn registration_without_caps() {
    let mut c = T::config();
    c.password = Some("secret".into());
    c.realname = "Real Name".into();
    let mut t = T::new(c);
    t.input(Input::Connected);
    assert_eq!(
        t.sent(),
        ["PASS secret", "NICK me", "USER me 0 * :Real Name"]
    );
    assert!(!t.net.is_registered());
    t.clear();
    t.recv(":irc.example.net 001 me :Welcome to ExampleNet");
    assert!(t.net.is_registered());
    assert_eq!(t.net.server(), Some("irc.example.net"));
    assert_eq!(
        t.typed(),
        [&Event::Registered {
            server: "irc.example.net".into(),
            nick: "me".into()
        }]
    );
    t.recv(":irc.example.net 422 me :MOTD File is missing");
    t.recv(":irc.example.net 376 me :End of MOTD");
    assert_eq!(
        t.typed()
            .iter()
            .filter(|e| ***e == Event::Connected)
            .count(),
        1
    );
}

#[test]
fn cap_negotiation_multiline() {
    let mut c = T::config();
    c.caps = vec![
        "multi-prefix".into(),
        "server-time".into(),
        "chghost".into(),
    ];
    let mut t = T::new(c);
    t.input(Input::Connected);
    assert_eq!(t.sent()[0], "CAP LS 302");
    t.clear();
    t.recv(":irc.example.net CAP * LS * :multi-prefix sasl=PLAIN");
    assert!(t.sent().is_empty(), "waits for the last LS line");
    t.recv(":irc.example.net CAP * LS :server-time away-notify");
    assert_eq!(t.sent(), ["CAP REQ :multi-prefix server-time"]);
    t.clear();
    t.recv(":irc.example.net CAP me ACK :multi-prefix server-time");
    assert_eq!(t.sent(), ["CAP END"]);
    assert!(t.net.has_cap("multi-prefix") && t.net.has_cap("server-time"));
    assert!(!t.net.has_cap("chghost"));
    t.clear();
    // CAP NEW for a wanted cap is requested; DEL removes.
    t.recv(":irc.example.net CAP me NEW :chghost");
    assert_eq!(t.sent(), ["CAP REQ chghost"]);
    t.recv(":irc.example.net CAP me ACK :chghost");
    assert!(t.net.has_cap("chghost"));
    t.recv(":irc.example.net CAP me DEL :chghost");
    assert!(!t.net.has_cap("chghost"));
    assert_eq!(
        t.sent().iter().filter(|l| *l == "CAP END").count(),
        0,
        "CAP END is sent once"
    );
}

#[test]
fn cap_nak_and_nothing_to_request() {
    let mut c = T::config();
    c.caps = vec!["multi-prefix".into()];
    let mut t = T::new(c.clone());
    t.input(Input::Connected);
    t.recv(":s CAP * LS :multi-prefix");
    t.clear();
    t.recv(":s CAP * NAK :multi-prefix");
    assert_eq!(t.sent(), ["CAP END"]);
    assert!(!t.net.has_cap("multi-prefix"));

    let mut t = T::new(c);
    t.input(Input::Connected);
    t.clear();
    t.recv(":s CAP * LS :account-tag");
    assert_eq!(t.sent(), ["CAP END"]);
}

#[test]
fn sasl_plain() {
    let mut c = T::config();
    c.sasl = Some(Sasl::Plain {
        account: "acct".into(),
        password: "pw".into(),
    });
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.clear();
    t.recv(":s CAP * LS :sasl=PLAIN,EXTERNAL");
    assert_eq!(t.sent(), ["CAP REQ sasl"]);
    t.clear();
    t.recv(":s CAP me ACK :sasl");
    assert_eq!(t.sent(), ["AUTHENTICATE PLAIN"]);
    t.clear();
    t.recv("AUTHENTICATE +");
    assert_eq!(t.sent(), ["AUTHENTICATE YWNjdABhY2N0AHB3"]); // base64("acct\0acct\0pw")
    t.clear();
    t.recv(":s 900 me me!me@h acct :You are now logged in as acct");
    t.recv(":s 903 me :SASL authentication successful");
    assert_eq!(t.sent(), ["CAP END"]);
    assert_eq!(t.net.account(), Some("acct"));
}

#[test]
fn sasl_external_and_failure() {
    let mut c = T::config();
    c.sasl = Some(Sasl::External);
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.recv(":s CAP * LS :sasl");
    t.recv(":s CAP me ACK :sasl");
    t.clear();
    t.recv("AUTHENTICATE +");
    assert_eq!(t.sent(), ["AUTHENTICATE +"]);
    t.clear();
    t.recv(":s 904 me :SASL authentication failed");
    assert_eq!(t.sent(), ["CAP END"]);

    // A server that offers only PLAIN is not asked for sasl when we want EXTERNAL.
    let mut c = T::config();
    c.sasl = Some(Sasl::External);
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.clear();
    t.recv(":s CAP * LS :sasl=PLAIN");
    assert_eq!(t.sent(), ["CAP END"]);
}

#[test]
fn nick_in_use_tries_alternatives() {
    let mut c = T::config();
    c.alt_nicks = vec!["me2".into()];
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.clear();
    t.recv(":s 433 * me :Nickname is already in use");
    t.recv(":s 433 * me2 :Nickname is already in use");
    t.recv(":s 432 * me2_ :Erroneous nickname");
    assert_eq!(t.sent(), ["NICK me2", "NICK me2_", "NICK me2__"]);
    t.recv(":s 001 me2__ :Welcome");
    assert_eq!(t.net.me(), "me2__");
    t.clear();
    t.recv(":s 433 me2__ other :Nickname is already in use");
    assert!(t.sent().is_empty(), "after 001 a 433 is only a reply");
}

// --- PING, lag, timeouts ---

#[test]
fn ping_pong_and_lag() {
    let mut t = T::registered();
    t.recv("PING :irc.example.net");
    assert_eq!(t.sent(), ["PONG irc.example.net"]);
    assert!(t.typed().contains(&&Event::Ping {
        token: "irc.example.net".into()
    }));
    t.clear();
    // Silence for the ping interval: a lag PING goes out.
    let start = t.net.now();
    t.tick(start + 59_999);
    assert!(t.sent().is_empty());
    t.tick(start + 60_000);
    let token = format!("LAG{}", start + 60_000);
    assert_eq!(t.sent(), [format!("PING {token}")]);
    t.tick(start + 60_250);
    t.recv(&format!(":irc.example.net PONG irc.example.net :{token}"));
    assert_eq!(t.net.lag_ms(), Some(250));
    assert!(t.typed().iter().any(|e| matches!(
        e,
        Event::Pong {
            lag_ms: Some(250),
            ..
        }
    )));
}

#[test]
fn ping_timeout_disconnects_once() {
    let mut t = T::registered();
    let start = t.net.now();
    t.tick(start + 60_000);
    t.tick(start + 60_000 + 119_999);
    assert!(t.disconnects.is_empty());
    t.tick(start + 60_000 + 120_000);
    t.tick(start + 60_000 + 130_000);
    assert_eq!(t.disconnects, ["ping timeout: 120 seconds"]);
}

// --- channels and nick lists ---

#[test]
fn names_modes_and_queries() {
    let mut t = T::registered();
    t.join_chan("#Chan", "me ~owner @op @+both %half +voice reg Zed");
    assert_eq!(t.sent(), ["MODE #Chan"]);
    let chan = t.net.channel("#chan").unwrap();
    assert_eq!(chan.name, "#Chan");
    assert!(chan.synced);
    assert_eq!(chan.len(), 8);
    assert!(t.net.is_on("OP", "#CHAN"));
    assert!(
        t.net.is_op("op", "#chan") && t.net.is_op("owner", "#chan") && t.net.is_op("both", "#chan")
    );
    assert!(!t.net.is_op("half", "#chan") && t.net.is_hop("half", "#chan"));
    assert!(t.net.is_voice("both", "#chan") && t.net.is_voice("voice", "#chan"));
    assert!(t.net.is_reg("reg", "#chan") && !t.net.is_reg("voice", "#chan"));
    assert!(!t.net.is_on("nobody", "#chan"));

    let names = |t: &T, inc: &str, exc: &str| {
        t.net
            .nicks("#chan", inc, exc)
            .iter()
            .map(|m| m.nick.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&t, "", ""),
        ["owner", "both", "op", "half", "voice", "me", "reg", "Zed"]
    );
    assert_eq!(names(&t, "o", ""), ["both", "op"]);
    assert_eq!(names(&t, "v", "o"), ["voice"]);
    assert_eq!(names(&t, "r", ""), ["me", "reg", "Zed"]);
    assert_eq!(
        names(&t, "a", "r"),
        ["owner", "both", "op", "half", "voice"]
    );
    assert_eq!(names(&t, "~", ""), ["owner"]);
    assert_eq!(
        t.net
            .nick_at("#chan", 1, "", "")
            .map(|m| m.prefixes.as_str()),
        Some("@+")
    );

    t.clear();
    t.recv(":op!o@h MODE #chan +o-v+b-o+lk reg both *!*@bad op 10 sekrit");
    assert!(t.net.is_op("reg", "#chan"));
    assert!(!t.net.is_voice("both", "#chan") && t.net.is_op("both", "#chan"));
    assert!(!t.net.is_op("op", "#chan") && t.net.is_reg("op", "#chan"));
    assert!(t.net.is_ban("*!*@BAD", "#chan"));
    let chan = t.net.channel("#chan").unwrap();
    assert_eq!(chan.mode_string(), "+kl sekrit 10");
    assert_eq!(chan.key.as_deref(), Some("sekrit"));
    let Event::Mode {
        by,
        channel,
        raw,
        changes,
        ..
    } = t.typed()[0].clone()
    else {
        panic!("{:?}", t.typed())
    };
    assert_eq!(
        (by.nick.as_str(), channel.as_str(), raw.as_str()),
        ("op", "#Chan", "+o-v+b-o+lk reg both *!*@bad op 10 sekrit")
    );
    assert_eq!(changes.len(), 6);
    assert_eq!(changes[0].kind, ModeKind::Prefix('@'));

    // 324 replaces flag/param modes; a second NAMES run replaces the list.
    t.recv(":s 324 me #chan +nt");
    assert_eq!(t.net.channel("#chan").unwrap().mode_string(), "+nt");
    t.recv(":s 353 me = #chan :@me other");
    t.recv(":s 366 me #chan :End");
    assert_eq!(names(&t, "", ""), ["me", "other"]);
}

#[test]
fn membership_changes_and_ial() {
    let mut t = T::registered();
    t.join_chan("#a", "me @bob carol");
    t.join_chan("#b", "me bob");
    t.recv(":bob!b@bob.host PRIVMSG #a :hi");
    assert_eq!(t.net.address("BOB").unwrap().full(), "bob!b@bob.host");
    assert_eq!(t.net.comchans("bob"), ["#a", "#b"]);
    t.recv(":dave!d@dave.host JOIN #a");
    assert!(t.net.is_on("dave", "#a"));
    assert_eq!(
        t.net.address("dave").unwrap().address().as_deref(),
        Some("d@dave.host")
    );

    t.clear();
    t.recv(":bob!b@bob.host NICK :robert");
    assert!(t.net.is_op("robert", "#a") && !t.net.is_on("bob", "#a"));
    assert_eq!(t.net.address("robert").unwrap().full(), "robert!b@bob.host");
    assert!(t.net.address("bob").is_none());
    let Event::Nick {
        new_nick, channels, ..
    } = t.typed()[0].clone()
    else {
        panic!()
    };
    assert_eq!(
        (new_nick.as_str(), channels),
        ("robert", vec!["#a".to_string(), "#b".to_string()])
    );

    t.clear();
    t.recv(":dave!d@dave.host PART #a :bye");
    assert!(t.net.address("dave").is_none(), "no common channel left");
    t.recv(":robert!b@bob.host KICK #b carol :not here");
    t.recv(":robert!b@bob.host KICK #a carol :out");
    assert!(t.net.address("carol").is_none());
    t.recv(":robert!b@bob.host QUIT :Quit: gone");
    assert!(t.net.address("robert").is_none() && t.net.channel("#a").unwrap().len() == 1);
    let quit = t
        .typed()
        .into_iter()
        .find(|e| matches!(e, Event::Quit { .. }))
        .unwrap()
        .clone();
    let Event::Quit {
        reason, channels, ..
    } = quit
    else {
        panic!()
    };
    assert_eq!(
        (reason.as_deref(), channels),
        (Some("Quit: gone"), vec!["#a".to_string(), "#b".to_string()])
    );

    // Our own PART drops the channel; our own nick change changes $me.
    t.recv(":me!me@me.host PART #b");
    assert!(t.net.channel("#b").is_none());
    t.recv(":me!me@me.host NICK newme");
    assert_eq!(t.net.me(), "newme");
    assert!(t.net.is_on("NewMe", "#a"));
    t.recv(":x!x@x KICK #a newme :bye");
    assert_eq!(t.net.channels().count(), 0);
}

#[test]
fn ircv3_notifications() {
    let mut t = T::registered();
    t.join_chan("#a", "me");
    t.clear();
    t.recv(":bob!b@h JOIN #a bobacct :Bob Real");
    let Event::Join {
        account, realname, ..
    } = t.typed()[0].clone()
    else {
        panic!()
    };
    assert_eq!(
        (account.as_deref(), realname.as_deref()),
        (Some("bobacct"), Some("Bob Real"))
    );
    assert_eq!(
        t.net.address("bob").unwrap().account.as_deref(),
        Some("bobacct")
    );
    t.recv(":bob!b@h ACCOUNT *");
    assert_eq!(t.net.address("bob").unwrap().account, None);
    t.recv(":bob!b@h AWAY :lunch");
    assert_eq!(t.net.address("bob").unwrap().away.as_deref(), Some("lunch"));
    t.recv(":bob!b@h AWAY");
    assert_eq!(t.net.address("bob").unwrap().away, None);
    t.recv(":bob!b@h CHGHOST newuser new.host");
    assert_eq!(t.net.address("bob").unwrap().full(), "bob!newuser@new.host");
    assert!(t.typed().contains(&&Event::HostChanged {
        nick: "bob".into(),
        user: "newuser".into(),
        host: "new.host".into()
    }));
    // Tags ride along on the event.
    t.clear();
    t.recv(
        "@time=2026-01-01T00:00:00.000Z;account=bobacct :bob!newuser@new.host PRIVMSG #a :hello",
    );
    let Event::Text(m) = t.typed()[0].clone() else {
        panic!()
    };
    assert_eq!(m.tags.get("time"), Some("2026-01-01T00:00:00.000Z"));
    assert_eq!((m.target.as_str(), m.text.as_str()), ("#a", "hello"));
}

#[test]
fn who_replies_and_ial_masks() {
    let mut t = T::registered();
    t.join_chan("#a", "me alice bob");
    t.recv(":s 352 me #a ali alice.example.net s alice H :0 Alice A");
    t.recv(":s 352 me #a bobu bob.other.org s bob G@ :0 Bob B");
    t.recv(":s 352 me #z stranger x.example.net s stranger H :0 S");
    assert_eq!(
        t.net.address("alice").unwrap().realname.as_deref(),
        Some("Alice A")
    );
    assert_eq!(t.net.address("bob").unwrap().away.as_deref(), Some(""));
    assert!(
        t.net.address("stranger").is_none(),
        "not on a common channel"
    );
    let nicks = |mask: &str| {
        t.net
            .ial(mask)
            .iter()
            .map(|a| a.nick.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(nicks("*!*@*.example.net"), ["alice"]);
    assert_eq!(
        nicks("*!*@*"),
        ["me", "alice", "bob"],
        "we are in our own IAL, learned from our JOIN"
    );
    assert_eq!(t.net.ial_chan("b*!*@*", "#a").len(), 1);
    assert_eq!(t.net.address("me").unwrap().full(), "me!me@me.host");
}

#[test]
fn topic_tracking() {
    let mut t = T::registered();
    t.join_chan("#a", "me");
    t.recv(":s 332 me #a :Old topic");
    t.recv(":s 333 me #a setter!u@h 1700000000");
    let c = t.net.channel("#a").unwrap();
    assert_eq!(
        (c.topic.as_deref(), c.topic_by.as_deref(), c.topic_time),
        (Some("Old topic"), Some("setter!u@h"), Some(1_700_000_000))
    );
    t.clear();
    t.recv(":bob!b@h TOPIC #a :New topic");
    assert_eq!(
        t.net.channel("#a").unwrap().topic.as_deref(),
        Some("New topic")
    );
    assert!(matches!(t.typed()[0], Event::Topic { topic, .. } if topic == "New topic"));
    t.recv(":bob!b@h TOPIC #a :");
    assert_eq!(t.net.channel("#a").unwrap().topic, None);
}

#[test]
fn casemapping_change_refolds() {
    let mut t = T::registered();
    t.join_chan("#a", "me Nick[1]");
    assert!(t.net.is_on("nick{1}", "#a"));
    t.recv(":s 005 me CASEMAPPING=ascii :are supported");
    assert!(!t.net.is_on("nick{1}", "#a"));
    assert!(t.net.is_on("NICK[1]", "#a"));
}

// --- messages and CTCP ---

#[test]
fn messages_and_notices() {
    let mut t = T::registered();
    t.recv(":bob!b@h PRIVMSG me :private");
    t.recv(":bob!b@h PRIVMSG #a :\x01ACTION waves\x01");
    t.recv(":bob!b@h NOTICE me :psst");
    t.recv(":irc.example.net NOTICE me :*** server notice");
    t.recv(":bob!b@h NOTICE me :\x01VERSION Bob 1.0\x01");
    t.recv(":bob!b@h WALLOPS :ops");
    t.recv(":bob!b@h INVITE me :#secret");
    let typed = t.typed();
    assert!(matches!(typed[0], Event::Text(m) if m.target == "me" && m.text == "private"));
    assert!(matches!(typed[1], Event::Action(m) if m.text == "waves"));
    assert!(matches!(typed[2], Event::Notice(m) if m.text == "psst"));
    assert!(
        matches!(typed[3], Event::ServerNotice { from: Some(s), text } if s == "irc.example.net" && text == "*** server notice")
    );
    assert!(matches!(typed[4], Event::CtcpReply { ctcp, .. } if ctcp.command == "VERSION"));
    assert!(matches!(typed[5], Event::Wallops { text, .. } if text == "ops"));
    assert!(matches!(typed[6], Event::Invite { channel, .. } if channel == "#secret"));
}

#[test]
fn ctcp_auto_replies_are_rate_limited() {
    let mut c = T::config();
    c.version = "RustIRC test".into();
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.recv(":s 001 me :hi");
    t.tick(1_767_225_600_000); // 2026-01-01 00:00:00 UTC
    t.clear();
    t.recv(":bob!b@h PRIVMSG me :\x01VERSION\x01");
    t.tick(1_767_225_602_000);
    t.recv(":bob!b@h PRIVMSG me :\x01PING 42\x01");
    t.tick(1_767_225_604_000);
    t.recv(":bob!b@h PRIVMSG #a :\x01TIME\x01");
    t.tick(1_767_225_606_000);
    t.recv(":bob!b@h PRIVMSG me :\x01CLIENTINFO\x01");
    t.recv(":bob!b@h PRIVMSG me :\x01VERSION\x01"); // too soon: no reply
    t.tick(1_767_225_608_000);
    t.recv(":bob!b@h PRIVMSG me :\x01FINGER\x01"); // not answered
    assert_eq!(
        t.sent(),
        [
            "NOTICE bob :\x01VERSION RustIRC test\x01",
            "NOTICE bob :\x01PING 42\x01",
            "NOTICE bob :\x01TIME Thu Jan 01 00:00:04 2026\x01",
            "NOTICE bob :\x01CLIENTINFO ACTION CLIENTINFO PING TIME VERSION\x01",
        ]
    );
    assert_eq!(
        t.typed()
            .iter()
            .filter(|e| matches!(e, Event::Ctcp { .. }))
            .count(),
        6
    );

    // With automatic replies off, nothing is sent but the host can ask for the reply.
    let mut c = T::config();
    c.ctcp_replies = false;
    let mut t = T::new(c);
    t.recv(":bob!b@h PRIVMSG me :\x01VERSION\x01");
    assert!(t.sent().is_empty());
    assert!(t
        .net
        .ctcp_auto_reply("bob", &Ctcp::new("version", None))
        .is_some());
}

// --- intents, flood control, reconnects ---

#[test]
fn intents_format_lines() {
    let mut t = T::registered();
    t.intent(Intent::Privmsg {
        target: "#a".into(),
        text: "hello there".into(),
    });
    t.intent(Intent::Action {
        target: "#a".into(),
        text: "waves".into(),
    });
    t.intent(Intent::Notice {
        target: "bob".into(),
        text: "hi".into(),
    });
    t.intent(Intent::Ctcp {
        target: "bob".into(),
        ctcp: Ctcp::new("VERSION", None),
    });
    t.intent(Intent::CtcpReply {
        target: "bob".into(),
        ctcp: Ctcp::new("PING", Some("1")),
    });
    t.intent(Intent::Join {
        channel: "#k".into(),
        key: Some("key".into()),
    });
    t.intent(Intent::Part {
        channel: "#k".into(),
        reason: Some("bye now".into()),
    });
    t.intent(Intent::Nick("other".into()));
    t.intent(Intent::Away(Some("gone".into())));
    t.intent(Intent::Away(None));
    t.intent(Intent::Raw("MODE #a +o bob".into()));
    t.intent(Intent::Raw("".into()));
    t.intent(Intent::Send(Message::new("WHO", ["#a"])));
    assert_eq!(
        t.sent(),
        [
            "PRIVMSG #a :hello there",
            "PRIVMSG #a :\x01ACTION waves\x01",
            "NOTICE bob hi",
            "PRIVMSG bob \x01VERSION\x01",
            "NOTICE bob :\x01PING 1\x01",
            "JOIN #k key",
            "PART #k :bye now",
            "NICK other",
            "AWAY gone",
            "AWAY",
            "MODE #a +o bob",
            "WHO #a",
        ]
    );
    t.recv(":s 306 me :You have been marked as being away");
    assert_eq!(t.net.away(), Some("gone"));
    t.recv(":s 305 me :You are no longer marked as being away");
    assert_eq!(t.net.away(), None);
    assert!(t.typed().contains(&&Event::OwnAway { message: None }));
}

#[test]
fn flood_queue_paced_by_ticks() {
    let mut c = T::config();
    c.flood = Flood {
        enabled: true,
        burst: 2,
        interval_ms: 1000,
    };
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.recv(":s 001 me :hi");
    t.clear();
    let now = t.net.now();
    for i in 0..4 {
        t.intent(Intent::Privmsg {
            target: "#a".into(),
            text: format!("line{i}"),
        });
    }
    assert_eq!(t.sent().len(), 2);
    assert_eq!(t.net.queued(), 2);
    assert_eq!(t.net.next_send_due(), Some(now + 1000));
    // PING must be answered at once even with a backlog.
    t.recv("PING :x");
    assert_eq!(t.sent().last().map(String::as_str), Some("PONG x"));
    t.tick(now + 1000);
    t.tick(now + 2000);
    assert_eq!(t.sent().len(), 5);
    assert_eq!(t.sent()[4], "PRIVMSG #a line3");
    assert_eq!(t.net.queued(), 0);
}

#[test]
fn rejoin_after_reconnect() {
    let mut t = T::registered();
    t.intent(Intent::Join {
        channel: "#keyed".into(),
        key: Some("k1".into()),
    });
    t.join_chan("#keyed", "me");
    t.join_chan("#open", "me");
    t.input(Input::Disconnected {
        reason: "Connection reset".into(),
    });
    assert_eq!(t.net.channels().count(), 0);
    assert_eq!(
        t.net.rejoin_channels(),
        [
            ("#keyed".to_string(), Some("k1".to_string())),
            ("#open".to_string(), None)
        ]
    );
    assert!(t.typed().contains(&&Event::Disconnected {
        reason: "Connection reset".into()
    }));
    // A failed attempt keeps the list.
    t.input(Input::Connected);
    t.input(Input::Disconnected {
        reason: "refused".into(),
    });
    assert_eq!(t.net.rejoin_channels().len(), 2);
    t.input(Input::Connected);
    t.clear();
    t.recv(":s 001 me :Welcome back");
    assert_eq!(t.sent(), ["JOIN #keyed k1", "JOIN #open"]);
    // After /quit nothing is rejoined.
    t.join_chan("#open", "me");
    t.intent(Intent::Quit {
        reason: Some("bye".into()),
    });
    t.input(Input::Disconnected {
        reason: "closed".into(),
    });
    assert!(t.net.rejoin_channels().is_empty());
}

#[test]
fn autojoin_and_join_before_registration() {
    let mut c = T::config();
    c.autojoin = vec![("#auto".into(), None)];
    let mut t = T::new(c);
    t.input(Input::Connected);
    t.intent(Intent::Join {
        channel: "#early".into(),
        key: None,
    });
    t.intent(Intent::Join {
        channel: "#AUTO".into(),
        key: None,
    });
    t.clear();
    t.recv(":s 001 me :hi");
    assert_eq!(t.sent(), ["JOIN #early", "JOIN #AUTO"]);
}

#[test]
fn raw_comes_first_for_every_line() {
    let mut t = T::registered();
    let effects = t.recv(":bob!b@h PRIVMSG me :x");
    assert!(matches!(&effects[0], Effect::Event(Event::Raw(m)) if m.command == "PRIVMSG"));
    let effects = t.recv(":s 999 me weird :thing");
    assert_eq!(effects.len(), 1);
    assert_eq!(
        Prefix::parse("s"),
        effects
            .iter()
            .find_map(|e| if let Effect::Event(Event::Raw(m)) = e {
                m.prefix.clone()
            } else {
                None
            })
            .unwrap()
    );
}

#[test]
fn idle_targets_and_encoding() {
    let mut t = T::registered();
    t.recv(":s 005 me STATUSMSG=@+ :are supported");
    let start = t.net.now();
    t.tick(start + 5000);
    assert_eq!(t.net.idle_ms(), 5000 + start - 1_000_000);
    t.intent(Intent::Privmsg {
        target: "#a".into(),
        text: "hi".into(),
    });
    t.tick(start + 7000);
    assert_eq!(t.net.idle_ms(), 2000);
    assert_eq!(t.net.target_channel("@#a"), Some("#a"));
    assert_eq!(t.net.target_channel("me"), None);
    assert_eq!(t.net.decode(b"caf\xe9"), "café");
    assert_eq!(
        t.net.encode(&Message::privmsg("#a", "é")),
        "PRIVMSG #a é\r\n".as_bytes()
    );
}
