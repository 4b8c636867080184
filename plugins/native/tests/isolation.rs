//! Isolated plugins: a C plugin that segfaults in an event handler runs in its own host
//! process; the client says so, keeps running, restarts it with backoff (1, 2, 4, 8, 16
//! units) and disables it when it crashes again after the fifth restart.

mod common;

use common::{c_plugin, dir, has, options};
use rustirc_native::testing::TestHost;
use rustirc_native::{restart_delay, MAX_RESTARTS};
use std::time::Duration;

#[test]
fn the_real_schedule_is_one_two_four_eight_sixteen_seconds() {
    let delays: Vec<Option<Duration>> = (1..=6).map(|n| restart_delay(n, 1000)).collect();
    assert_eq!(
        delays,
        vec![
            Some(Duration::from_secs(1)),
            Some(Duration::from_secs(2)),
            Some(Duration::from_secs(4)),
            Some(Duration::from_secs(8)),
            Some(Duration::from_secs(16)),
            None
        ]
    );
    assert_eq!(MAX_RESTARTS, 5);
    assert_eq!(rustirc_native::Options::default().backoff_unit_ms, 1000);
}

#[test]
fn a_segfaulting_isolated_plugin_is_restarted_with_backoff_then_disabled() {
    let d = dir("segv");
    let lib = c_plugin("plugins/native/tests/c/segv.c", &d, "segv", &[]);
    let unit = 20;
    let mut t = TestHost::new(options(&["segv"], unit));
    let shown = t.load(&lib);
    assert!(has(&shown, "segv 1.0 loaded"), "{shown:?}");
    t.type_line("/alive");
    assert!(has(&t.take_shown(), "segv plugin alive"));
    t.type_line("/plugin info segv");
    let shown = t.take_shown();
    assert!(
        has(&shown, "runs: isolated (own process, 512 MiB address space"),
        "{shown:?}"
    );

    for n in 1..=5u32 {
        t.recv(":bob!b@bob.host PRIVMSG #c :!crash now");
        let shown = t.take_shown();
        assert!(
            has(&shown, "plugin segv")
                && has(
                    &shown,
                    "crashed: its process died of a segmentation fault (signal 11)"
                ),
            "crash {n}: {shown:?}"
        );
        let delay = unit << (n - 1);
        assert!(
            has(
                &shown,
                &format!("restarting in {delay} ms (restart {n} of 5)")
            ),
            "crash {n}: {shown:?}"
        );
        // While it waits, its command is not there and the client answers as usual.
        t.type_line("/echo -a still here");
        assert!(has(&t.take_shown(), "still here"));
        t.advance(delay - 1);
        assert!(
            !has(&t.take_shown(), "restarted"),
            "restarted early (crash {n})"
        );
        t.advance(2);
        let shown = t.take_shown();
        assert!(
            has(&shown, &format!("plugin segv restarted (restart {n} of 5)")),
            "crash {n}: {shown:?}"
        );
        t.type_line("/alive");
        assert!(
            has(&t.take_shown(), "segv plugin alive"),
            "after restart {n}"
        );
    }
    t.recv(":bob!b@bob.host PRIVMSG #c :!crash again");
    let shown = t.take_shown();
    assert!(
        has(&shown, "plugin segv (") && has(&shown, "disabled: it crashed again after 5 restarts in a row; /plugin enable segv starts it again"),
        "{shown:?}"
    );
    t.advance(10_000);
    assert!(!has(&t.take_shown(), "restarted"));
    t.type_line("/plugin list");
    assert!(has(&t.take_shown(), "(disabled)"));

    // Enabling starts it again.
    t.type_line("/plugin enable segv");
    t.take_shown();
    t.type_line("/alive");
    assert!(has(&t.take_shown(), "segv plugin alive"));
    t.recv(":bob!b@bob.host PRIVMSG #c :!crash once more");
    assert!(has(&t.take_shown(), "restarting in 20 ms (restart 1 of 5)"));
}

#[test]
fn an_isolated_plugin_works_like_an_in_process_one() {
    let d = dir("iso-greeter");
    let lib = c_plugin("plugins/examples/c/greeter.c", &d, "greeter", &[]);
    let mut t = TestHost::new(options(&[], 1000));
    t.type_line(&format!("/plugin load -isolated {}", lib.display()));
    t.take_shown();
    // `/plugin load` looks in the data folder; the test host has none, so load directly
    // after the switch was given.
    let shown = t.load(&lib);
    assert!(has(&shown, "greeter 1.0.0 loaded"), "{shown:?}");
    t.type_line("/plugin info greeter");
    assert!(has(&t.take_shown(), "runs: isolated"));
    t.recv(":alice!a@a.host JOIN #c");
    let sent = t.take_sent();
    assert!(
        sent.iter()
            .any(|l| l == "PRIVMSG #c :Welcome to #c, alice!"),
        "{sent:?}"
    );
    t.type_line("/greeting Yo {nick}");
    assert!(has(&t.take_shown(), "greeting set to: Yo {nick}"));
    t.recv(":zed!z@z.host JOIN #c");
    assert!(t.take_sent().iter().any(|l| l == "PRIVMSG #c :Yo zed"));
    t.type_line("/plugin unload greeter");
    t.take_shown();
    t.type_line("/greeting");
    assert!(has(&t.take_shown(), "unknown command"));
}
