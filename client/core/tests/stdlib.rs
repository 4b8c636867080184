//! The built-in scripts (`rustirc_core::stdlib::SCRIPTS`) with two connections, which a
//! transcript cannot have: auto-away counts idle time per network and reads per-network
//! settings (`%autoaway.minutes.NETWORK`).

use rustirc_core::client::{Client, Outbox};
use rustirc_core::replay::START_MS;
use rustirc_core::state::{Config, Flood, Input};
use rustirc_core::stdlib::SCRIPTS;
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

/// The AWAY lines each connection sent since the last call, as (cid, line).
fn aways(c: &mut Client) -> Vec<(u32, String)> {
    let outs: Vec<(u32, Outbox)> = c.take_outputs();
    outs.into_iter()
        .flat_map(|(cid, o)| o.sent.into_iter().map(move |l| (cid, l)))
        .filter(|(_, l)| l.starts_with("AWAY"))
        .collect()
}

const MIN: u64 = 60_000;

#[test]
fn auto_away_counts_idle_time_per_network() {
    let mut c = Client::new(config("me"), Limits::default(), START_MS);
    let two = c.add_connection(config("me2"));
    let (_, text) = SCRIPTS.iter().find(|(n, _)| *n == "autoaway").unwrap();
    let report = c.load_script("autoaway.mrc", text.as_bytes());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    // TwoNet's own setting: 5 minutes; OneNet keeps the default 15.
    c.run_command("/set %autoaway.minutes.TwoNet 5");
    register(&mut c, 1, "me", "OneNet", "#one");
    register(&mut c, two, "me2", "TwoNet", "#two");
    aways(&mut c);

    // Typing on OneNet at 3 minutes restarts only OneNet's countdown.
    c.tick(START_MS + 3 * MIN);
    assert!(c.select(1));
    c.type_line("#one", "hello");
    assert!(aways(&mut c).is_empty());

    // TwoNet goes away 5 minutes after it connected; OneNet does not.
    c.tick(START_MS + 5 * MIN - 1000);
    assert!(aways(&mut c).is_empty());
    c.tick(START_MS + 5 * MIN);
    let got = aways(&mut c);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, two);
    assert!(got[0].1.starts_with("AWAY :Away: idle since"), "{got:?}");
    assert!(c.select(two));
    c.recv_line(":irc.TwoNet 306 me2 :You have been marked as being away");

    // Typing on OneNet does not bring TwoNet back; typing on TwoNet does, there only.
    c.tick(START_MS + 6 * MIN);
    assert!(c.select(1));
    c.type_line("#one", "still here");
    assert!(aways(&mut c).is_empty());
    assert!(c.select(two));
    c.type_line("#two", "back");
    assert_eq!(aways(&mut c), [(two, "AWAY".to_string())]);

    // OneNet goes away 15 minutes after its last line (at 6 minutes).
    c.tick(START_MS + 21 * MIN - 1000);
    assert!(aways(&mut c).is_empty());
    c.tick(START_MS + 21 * MIN);
    let got = aways(&mut c);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, 1);
}
