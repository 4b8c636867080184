//! The cost of delivering an event to a native plugin: in-process (a call through the
//! function table) against isolated (a round trip to the plugin's host process over the
//! socket), through the whole client. The plugin hooks TEXT and returns at once; a client
//! without it gives the baseline.
//!
//! `cargo bench -p rustirc-native --bench delivery`

use rustirc_native::testing::{build_c, repo_root, TestHost};
use rustirc_native::Options;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn per_event(t: &mut TestHost, n: u32) -> f64 {
    for _ in 0..200 {
        t.recv(":bob!b@bob.host PRIVMSG #c :hello there");
    }
    t.take_shown();
    let start = Instant::now();
    for i in 0..n {
        t.recv(":bob!b@bob.host PRIVMSG #c :hello there");
        if i % 1000 == 0 {
            t.take_shown();
        }
    }
    let took = start.elapsed();
    t.take_shown();
    took.as_secs_f64() * 1e6 / f64::from(n)
}

fn main() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-delivery");
    std::fs::create_dir_all(&dir).unwrap();
    let lib = build_c(
        &repo_root().join("plugins/native/tests/c/segv.c"),
        &dir.join("libsegv.so"),
        &["-O2"],
    )
    .unwrap();
    let host = PathBuf::from(env!("CARGO_BIN_EXE_rustirc-native-host"));

    let mut base = TestHost::new(Options::default());
    let baseline = per_event(&mut base, 20_000);

    let mut inproc = TestHost::new(Options::default());
    inproc.load(&lib);
    let in_process = per_event(&mut inproc, 20_000);

    let mut iso = TestHost::new(Options {
        isolated: vec!["segv".into()],
        host: Some(host),
        ..Options::default()
    });
    let shown = iso.load(&lib);
    assert!(
        shown.iter().any(|l| l.contains("runs isolated")),
        "{shown:?}"
    );
    let isolated = per_event(&mut iso, 5_000);

    println!("event delivery through the client, per TEXT event:");
    println!("  no plugin (baseline)  {baseline:8.2} µs");
    println!(
        "  in-process plugin     {in_process:8.2} µs  (+{:.2} µs for the plugin)",
        in_process - baseline
    );
    println!(
        "  isolated plugin       {isolated:8.2} µs  (+{:.2} µs for the plugin)",
        isolated - baseline
    );
}
