//! 1,000 load/unload cycles of the C example leave the resident set where it was: every load
//! opens a fresh copy of the file, and every unload closes it and frees what the plugin
//! registered. Measured through the loader alone (open, init, deinit, close) and through
//! the client (`load`, then `/plugin unload`), whose own bookkeeping of loaded scripts grows
//! a little with every load of any script (an mSL script's load and unload too). The figures
//! are printed (`cargo test -p rustirc-native --test cycles -- --nocapture`).

mod common;

use common::{c_plugin, dir, has};
use rustirc_native::loader::{self, Calls};
use rustirc_native::testing::TestHost;
use rustirc_native::Options;
use rustirc_plugin_proto::HostCall;
use serde_json::Value;

/// Answers registrations as the client would, and counts them.
struct Count(u64);

impl Calls for Count {
    fn call(&mut self, call: HostCall) -> Result<Value, String> {
        self.0 += 1;
        Ok(match call {
            HostCall::RemoveCommand { .. } => Value::Bool(true),
            _ => Value::Null,
        })
    }
    fn log(&mut self, _level: &str, _text: &str) {}
}

/// The loader alone. (Run from the one test, so nothing else in the process allocates
/// meanwhile.)
fn loader_cycles() {
    let d = dir("loader-cycles");
    let lib = c_plugin("plugins/examples/c/greeter.c", &d, "greeter", &[]);
    let mut calls = Count(0);
    let cycle = |calls: &mut Count| {
        let opened = loader::open(&lib, "libgreeter.so").unwrap();
        let mut loaded = opened.init(calls).unwrap();
        loaded.deinit(calls);
        drop(loaded);
    };
    for _ in 0..200 {
        cycle(&mut calls);
    }
    let before = rss_kib();
    for _ in 0..1000 {
        cycle(&mut calls);
    }
    let after = rss_kib();
    println!(
        "loader alone, 1000 open/init/deinit/close cycles: RSS {before} KiB before, {after} KiB after ({:+} KiB)",
        after as i64 - before as i64
    );
    assert_eq!(
        calls.0,
        1200 * 2,
        "each init registers a hook and a command"
    );
    assert!(
        after <= before + 256,
        "RSS grew from {before} KiB to {after} KiB"
    );
}

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

#[test]
fn a_thousand_load_unload_cycles_do_not_grow_the_resident_set() {
    loader_cycles();
    let d = dir("cycles");
    let lib = c_plugin("plugins/examples/c/greeter.c", &d, "greeter", &[]);
    let file = lib.display().to_string();
    let bytes = std::fs::read(&lib).unwrap();
    let mut t = TestHost::new(Options::default());
    let cycle = |t: &mut TestHost, n: usize| {
        t.client.load_script(&file, &bytes);
        if n.is_multiple_of(100) {
            t.type_line("/greeting");
            let shown = t.take_shown();
            assert!(
                has(&shown, "greeting: Welcome to {chan}, {nick}!"),
                "cycle {n}: {shown:?}"
            );
        }
        t.type_line("/plugin unload greeter");
        let shown = t.take_shown();
        assert!(has(&shown, "Unloaded script"), "cycle {n}: {shown:?}");
    };
    for n in 0..200 {
        cycle(&mut t, n);
    }
    let before = rss_kib();
    let start = std::time::Instant::now();
    let mut marks = Vec::new();
    for n in 0..1000 {
        cycle(&mut t, n);
        if (n + 1).is_multiple_of(250) {
            marks.push(rss_kib());
        }
    }
    let took = start.elapsed();
    let after = rss_kib();
    println!(
        "1000 load/unload cycles: RSS {before} KiB before, {after} KiB after ({:+} KiB), {:.2} ms per cycle",
        after as i64 - before as i64,
        took.as_secs_f64() * 1000.0 / 1000.0
    );
    println!("RSS after 250, 500, 750 and 1000 cycles: {marks:?} KiB");
    t.type_line("/plugin list");
    assert!(has(&t.take_shown(), "No plugin scripts loaded"));
    assert!(
        after <= before + 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
}
