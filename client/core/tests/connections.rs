//! Several connections in one client, without sockets: two networks registered by scripted
//! server lines, one set of scripts. Events run with the `$cid` of their connection and reply
//! there; `/scid` and `/scon` reach the other one; `$scon`, `$scid`, `$activecid`, timers and
//! `/server -m` know which connection is which.

use rustirc_core::client::{Client, Connect, Outbox};
use rustirc_core::replay::START_MS;
use rustirc_core::state::{Config, Flood, Input};
use rustirc_lang::Limits;

fn config(nick: &str) -> Config {
    let mut c = Config::new(nick);
    c.caps.clear();
    c.flood = Flood {
        enabled: false,
        ..Flood::default()
    };
    c.mode_on_join = false;
    c.ping_interval_ms = u64::MAX / 4;
    c
}

/// Registers connection `cid` as `nick` on network `network` and joins `chan`.
fn register(c: &mut Client, cid: u32, nick: &str, network: &str, chan: &str) {
    assert!(c.select(cid));
    c.input(Input::Connected);
    for line in [
        format!(":irc.{network} 001 {nick} :Welcome to {network} {nick}!{nick}@host"),
        format!(
            ":irc.{network} 005 {nick} PREFIX=(ov)@+ CHANTYPES=# NETWORK={network} :are supported"
        ),
        format!(":irc.{network} 376 {nick} :End of /MOTD command."),
        format!(":{nick}!{nick}@host JOIN {chan}"),
    ] {
        c.recv_line(&line);
    }
}

/// Two registered connections: cid 1 `me` on OneNet in #one, cid 2 `me2` on TwoNet in #two,
/// with `script` loaded; the output so far is dropped.
fn two_networks(script: &str) -> Client {
    let mut c = Client::new(config("me"), Limits::default(), START_MS);
    let cid2 = c.add_connection(config("me2"));
    assert_eq!((c.cid(), cid2, c.cids()), (1, 2, vec![1, 2]));
    let report = c.load_script("multi.mrc", script.as_bytes());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    register(&mut c, 1, "me", "OneNet", "#one");
    register(&mut c, 2, "me2", "TwoNet", "#two");
    c.take_outputs();
    c
}

/// What connection `cid` sent, each line as the server reads it (`PRIVMSG #c :x` and
/// `PRIVMSG #c x` alike written with the colon).
fn sent(outs: &[(u32, Outbox)], cid: u32) -> Vec<String> {
    outs.iter()
        .filter(|(c, _)| *c == cid)
        .flat_map(|(_, o)| o.sent.clone())
        .map(|l| match l.split_once(" :") {
            Some(_) => l,
            None => match l.rsplit_once(' ') {
                Some((head, last)) => format!("{head} :{last}"),
                None => l,
            },
        })
        .collect()
}

#[test]
fn an_event_replies_on_its_own_connection() {
    let mut c =
        two_networks("on *:TEXT:!where:#: msg # I am $me on $network, cid $cid of $scon(0)\n");
    c.select(2);
    c.recv_line(":bob!b@h PRIVMSG #two :!where");
    c.select(1);
    c.recv_line(":ann!a@h PRIVMSG #one :!where");
    let outs = c.take_outputs();
    assert_eq!(
        sent(&outs, 2),
        ["PRIVMSG #two :I am me2 on TwoNet, cid 2 of 2"]
    );
    assert_eq!(
        sent(&outs, 1),
        ["PRIVMSG #one :I am me on OneNet, cid 1 of 2"]
    );
    // What each connection showed stays with it.
    let shown2: Vec<&(String, String)> = outs
        .iter()
        .filter(|(c, _)| *c == 2)
        .flat_map(|(_, o)| &o.shown)
        .collect();
    assert!(shown2
        .iter()
        .any(|(w, t)| w == "#two" && t.contains("<bob> !where")));
    assert!(!shown2.iter().any(|(_, t)| t.contains("<ann>")));
}

#[test]
fn scid_and_scon_reach_the_other_connection() {
    let mut c = two_networks(
        "on *:TEXT:!relay *:#: scid $iif($cid == 1, 2, 1) msg $iif($cid == 1, #two, #one) $nick on cid $cid said: $2-\n\
         on *:TEXT:!late:#: scid $iif($cid == 1, 2, 1) msg #x I am $!me on $!network, cid $!cid\n\
         on *:TEXT:!local:#: var %secret = kept | scon 1 msg #one $(%secret,0)\n\
         on *:TEXT:!switch:#: scid 1 | msg #one now on $cid | scid -r | msg #two back on $cid\n\
         on *:TEXT:!all:#: scon -a msg #all $!me\n\
         on *:TEXT:!peek:#: msg # $scon(1).me and $scid(2).network; $scid(3) $+ ; $scon(2)\n",
    );
    c.select(2);
    c.recv_line(":bob!b@h PRIVMSG #two :!relay hello there");
    let outs = c.take_outputs();
    assert_eq!(
        sent(&outs, 1),
        ["PRIVMSG #one :bob on cid 2 said: hello there"]
    );
    assert!(sent(&outs, 2).is_empty());

    // The command is evaluated again on the other connection: `$!me` is its `$me`.
    c.recv_line(":bob!b@h PRIVMSG #two :!late");
    let outs = c.take_outputs();
    assert_eq!(sent(&outs, 1), ["PRIVMSG #x :I am me on OneNet, cid 1"]);

    // The caller's local variables are visible to the command.
    c.recv_line(":bob!b@h PRIVMSG #two :!local");
    assert_eq!(sent(&c.take_outputs(), 1), ["PRIVMSG #one :kept"]);

    // Without a command, the rest of the script runs there, until -r.
    c.recv_line(":bob!b@h PRIVMSG #two :!switch");
    let outs = c.take_outputs();
    assert_eq!(sent(&outs, 1), ["PRIVMSG #one :now on 1"]);
    assert_eq!(sent(&outs, 2), ["PRIVMSG #two :back on 2"]);

    c.recv_line(":bob!b@h PRIVMSG #two :!all");
    let outs = c.take_outputs();
    assert_eq!(sent(&outs, 1), ["PRIVMSG #all :me"]);
    assert_eq!(sent(&outs, 2), ["PRIVMSG #all :me2"]);

    c.recv_line(":bob!b@h PRIVMSG #two :!peek");
    assert_eq!(
        sent(&c.take_outputs(), 2),
        ["PRIVMSG #two :me and TwoNet; ; 2"]
    );
    // Still on connection 2 after all that.
    assert_eq!(c.cid(), 2);
}

#[test]
fn bad_connection_numbers_are_errors() {
    let mut c = two_networks(
        "on *:TEXT:!bad:#: scid 7 msg #one hi\n\
         on *:TEXT:!bad2:#: scon 3 msg #one hi\n\
         on *:TEXT:!bad3:#: scid -q 1 msg #one hi\n",
    );
    c.select(1);
    for (line, error) in [
        ("!bad", "/scid: invalid connection id 7"),
        ("!bad2", "/scon: there is no connection 3 (there are 2)"),
        ("!bad3", "/scid: unknown switch -q"),
    ] {
        c.recv_line(&format!(":ann!a@h PRIVMSG #one :{line}"));
        let outs = c.take_outputs();
        assert!(sent(&outs, 1).is_empty() && sent(&outs, 2).is_empty());
        let shown: Vec<String> = outs
            .iter()
            .flat_map(|(_, o)| o.shown.clone())
            .map(|(_, t)| t)
            .collect();
        assert!(
            shown.iter().any(|t| t.contains(error)),
            "{error}: {shown:?}"
        );
    }
}

#[test]
fn timers_and_filters_keep_their_connection() {
    let mut c = two_networks(
        "on *:TEXT:!later:#: .timerlater 1 5 msg # later from $!cid\n\
         on *:TEXT:!connected:#: scon -at1 msg #up $!cid\n",
    );
    c.select(2);
    c.recv_line(":bob!b@h PRIVMSG #two :!later");
    // Whatever is current when the timer fires, it runs on connection 2.
    c.select(1);
    c.tick(START_MS + 6000);
    let outs = c.take_outputs();
    assert_eq!(sent(&outs, 2), ["PRIVMSG #two :later from 2"]);
    assert!(sent(&outs, 1).is_empty());

    // -t1: only connected connections.
    c.select(2);
    c.input(Input::Disconnected {
        reason: "gone".to_string(),
    });
    c.select(1);
    c.recv_line(":ann!a@h PRIVMSG #one :!connected");
    let outs = c.take_outputs();
    assert_eq!(sent(&outs, 1), ["PRIVMSG #up :1"]);
    assert!(sent(&outs, 2).is_empty());
}

#[test]
fn server_m_opens_a_new_connection() {
    let mut c =
        two_networks("alias newconn server -m irc.three.example:+6697 -j #three,#four key3\n");
    c.select(1);
    c.type_line("#one", "/newconn");
    assert_eq!(
        c.take_connects(),
        [Connect {
            cid: 3,
            from: 1,
            new: true,
            host: "irc.three.example".to_string(),
            port: Some(6697),
            tls: true,
        }]
    );
    assert_eq!(c.cids(), [1, 2, 3]);
    let net = c.network(3).unwrap();
    assert_eq!(
        net.config().nick,
        "me",
        "the nick of the connection it was typed in"
    );
    assert_eq!(
        net.config().autojoin,
        [
            ("#three".to_string(), Some("key3".to_string())),
            ("#four".to_string(), None)
        ]
    );
    // The new connection registers like any other.
    register(&mut c, 3, "me", "ThreeNet", "#three");
    assert_eq!(c.network(3).unwrap().network(), Some("ThreeNet"));
    c.type_line("#one", "//echo -a $scon(0) $scon(3).network");
    let outs = c.take_outputs();
    let shown: Vec<String> = outs
        .iter()
        .flat_map(|(_, o)| o.shown.clone())
        .map(|(_, t)| t)
        .collect();
    assert!(shown.iter().any(|t| t == "3 ThreeNet"), "{shown:?}");

    // Without -m, the connection moves to the server named (or reconnects, named none).
    c.select(2);
    c.type_line("#two", "/server irc.other.example 7000");
    c.type_line("#two", "/server");
    assert_eq!(
        c.take_connects(),
        [
            Connect {
                cid: 2,
                from: 2,
                new: false,
                host: "irc.other.example".to_string(),
                port: Some(7000),
                tls: false,
            },
            Connect {
                cid: 2,
                from: 2,
                new: false,
                host: String::new(),
                port: None,
                tls: false,
            }
        ]
    );
    assert_eq!(c.cids(), [1, 2, 3]);
}

#[test]
fn activecid_is_the_connection_typed_in() {
    let mut c = two_networks("alias where echo -a cid $cid active $activecid\n");
    c.select(2);
    c.type_line("#two", "/where");
    c.select(1);
    c.recv_line(":ann!a@h PRIVMSG #one :hi");
    c.run_command("/where");
    let outs = c.take_outputs();
    let shown: Vec<String> = outs
        .iter()
        .flat_map(|(_, o)| o.shown.clone())
        .map(|(_, t)| t)
        .collect();
    assert!(shown.contains(&"cid 2 active 2".to_string()), "{shown:?}");
    assert!(shown.contains(&"cid 1 active 2".to_string()), "{shown:?}");
}
