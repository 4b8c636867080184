//! Load throughput: source to linked bytecode for a large script file.
//!
//! `cargo bench -p rustirc-lang --bench load [-- COUNT [ROUNDS]]` builds a file of COUNT
//! (default 4,000) copies of a typical 25-line alias with its event (distinct names and
//! constants; 4,000 copies make about 3.1 MB), loads it ROUNDS times (default 10) into a
//! fresh engine and prints the median and best time and throughput in MB/s.

use rustirc_lang::{Engine, Limits};

/// The allocator the `rustirc` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

const ITEM: &str = r"alias handler{n} {
  ; handler {n}: classify a message and keep per-nick stats
  var %nick = $1, %chan = $2, %text = $3-, %i = 1, %score = 0
  if (%chan != #chan{m}) return 0
  if (*badword{n}* iswm %text) {
    hinc -m stats{m} $+(%nick,.bad) 1
    %score = $calc(%score + {n} % 7 + 3)
  }
  elseif ($regex(%text,/^!cmd{n}\s+(\S+)/i)) {
    %score = $calc(%score + $len($regml(1)) * 2)
  }
  while (%i <= $numtok(%text,32)) {
    var %w = $gettok(%text,%i,32)
    if ($len(%w) > 12) inc %score
    if ($upper(%w) === HELLO{m}) { %score = $calc(%score + 5) }
    inc %i
  }
  hadd -m stats{m} $+(%nick,.last) $ctime
  return $calc(%score * {k} + $len(%text))
}
on *:TEXT:*word{n}*:#chan{m}: {
  var %r = $handler{n}($nick,$chan,$1-)
  if (%r > 100) msg $chan $nick scored %r
}
";

fn corpus(count: usize) -> String {
    let mut s = String::new();
    for n in 1..=count {
        s.push_str(
            &ITEM
                .replace("{n}", &n.to_string())
                .replace("{m}", &(n % 37).to_string())
                .replace("{k}", &(n % 11 + 1).to_string()),
        );
    }
    s
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let count = args.first().copied().unwrap_or(4000);
    let rounds = args.get(1).copied().unwrap_or(10).max(1);
    let src = corpus(count);
    let mut times: Vec<Duration> = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let mut engine = Engine::new(Limits::default());
        let t = Instant::now();
        let report = engine.load("corpus.mrc", src.as_bytes(), false);
        times.push(t.elapsed());
        assert_eq!(report.aliases, count, "every alias loads");
        assert_eq!(report.events, count, "every event loads");
        assert!(!report.has_errors(), "the corpus loads without errors");
    }
    times.sort();
    let mb = src.len() as f64 / 1e6;
    let median = times[times.len() / 2];
    let best = times[0];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "load of {count} aliases + {count} events, {mb:.2} MB, {rounds} rounds, {threads} threads"
    );
    println!("{:<8} {:>10} {:>10}", "", "ms", "MB/s");
    for (name, t) in [("median", median), ("best", best)] {
        let s = t.as_secs_f64();
        println!("{name:<8} {:>10.1} {:>10.1}", s * 1e3, mb / s);
    }
}
