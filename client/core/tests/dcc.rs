//! Who may open a DCC connection to us: the `accept` setting (never, users, always, ask),
//! handlers that halt an offer, and offers that are refused whatever the setting.

use rustirc_core::dcc::{Accept, Stage};
use rustirc_core::replay::Session;

const CHAT: &str = ":bob!b@bob.host PRIVMSG me :\x01DCC CHAT chat 2130706433 5000\x01";

fn session(script: &str, accept: Accept) -> Session {
    let mut s = Session::new(&[("t.mrc".to_string(), script.as_bytes().to_vec())]);
    s.client.sockets.dcc.settings.accept = accept;
    s.client.take_output();
    s
}

fn shown(s: &mut Session) -> String {
    s.client
        .take_output()
        .shown
        .into_iter()
        .map(|(w, t)| format!("{w}: {t}\n"))
        .collect()
}

#[test]
fn never_ignores_offers() {
    let mut s = session("", Accept::Never);
    s.client.recv_line(CHAT);
    assert!(shown(&mut s).contains("Ignored a DCC CHAT from bob (DCC accept is never)"));
    assert!(s.client.sockets.dcc.sessions.is_empty());
    assert!(s.client.sockets.dcc.waiting.is_empty());
}

#[test]
fn always_connects_at_once() {
    let mut s = session("", Accept::Always);
    s.client.recv_line(CHAT);
    let out = shown(&mut s);
    assert!(
        out.contains("DCC CHAT with bob: connecting to 127.0.0.1:5000"),
        "{out}"
    );
    let d = &s.client.sockets.dcc;
    assert_eq!(d.sessions.len(), 1);
    assert_eq!(d.sessions[0].stage, Stage::Connecting);
    assert_eq!(d.sessions[0].address.as_deref(), Some("b@bob.host"));
}

#[test]
fn users_connects_for_known_users_and_asks_for_others() {
    let mut s = session("", Accept::Users);
    s.client.recv_line(CHAT);
    assert!(shown(&mut s).contains("/dcc accept bob to accept it"));
    assert_eq!(s.client.sockets.dcc.waiting.len(), 1);
    assert!(s.client.sockets.dcc.sessions.is_empty());
    s.client.run_command("/auser friend *!b@bob.host");
    s.client.recv_line(CHAT);
    assert_eq!(s.client.sockets.dcc.sessions.len(), 1);
    // A second chat with the same nick is refused.
    s.client.run_command("/dcc accept bob");
    assert!(shown(&mut s).contains("You already have a DCC CHAT with bob"));
}

#[test]
fn a_halting_handler_stops_an_offer() {
    let mut s = session("ctcp ^*:DCC*:?: halt\n", Accept::Always);
    s.client.recv_line(CHAT);
    assert!(s.client.sockets.dcc.sessions.is_empty());
    assert!(s.client.sockets.dcc.waiting.is_empty());
}

#[test]
fn unsafe_offers_are_refused_whatever_the_setting() {
    for accept in [Accept::Always, Accept::Ask] {
        refused(accept);
    }
}

fn refused(accept: Accept) {
    let mut s = session("", accept);
    for (offer, said) in [
        (
            "SEND ../x 2130706433 5000 1",
            "'../x' is not a plain file name",
        ),
        (
            "SEND \"a/b\" 2130706433 5000 1",
            "'a/b' is not a plain file name",
        ),
        ("SEND big 2130706433 5000 9999999999999", "larger than the"),
        ("SEND a.txt 2130706433 0 10 7", "passive (reverse) DCC"),
        ("CHAT chat nowhere 5000", "Unreadable DCC offer from bob"),
    ] {
        s.client
            .recv_line(&format!(":bob!b@bob.host PRIVMSG me :\x01DCC {offer}\x01"));
        let out = shown(&mut s);
        assert!(out.contains(said), "{offer}: {out}");
    }
    assert!(s.client.sockets.dcc.sessions.is_empty());
    assert!(s.client.sockets.dcc.waiting.is_empty());
    let downloads = s.data_dir.join("downloads");
    let files = std::fs::read_dir(&downloads).map_or(0, |d| d.count());
    assert_eq!(files, 0);
}

#[test]
fn waiting_offers_are_few_and_expire() {
    let mut s = session("", Accept::Ask);
    for _ in 0..30 {
        s.client.recv_line(CHAT);
    }
    assert_eq!(s.client.sockets.dcc.waiting.len(), 20);
    let later = s.client.now() + 181_000;
    s.client.tick(later);
    assert!(s.client.sockets.dcc.waiting.is_empty());
    s.client.run_command("/dcc accept");
    assert!(shown(&mut s).contains("/dcc accept: no DCC offer is waiting"));
}
