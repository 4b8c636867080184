//! Event dispatch: how long one incoming PRIVMSG takes to find its `on TEXT` handlers.
//!
//! 1,000 handlers (wildcard, literal and regex match texts; `#`, one-channel and list
//! targets), 10,000 messages. Prints µs per message, p50 and p99, for the indexed table
//! and for the plain walk over every handler, plus the 100-handler and no-handler cases.
//! Handler bodies are not run: this measures selection only. Then the cost of entering one
//! selected mSL handler: its frame, `$1-` from the message, and `$nick`/`$chan` asked of the
//! client.
//!
//! `cargo bench -p rustirc-core --bench dispatch [-- HANDLERS MESSAGES]`

use rustirc_core::events::{
    EventCtx, EventTable, HandlerDecl, Matcher, Phase, Place, TargetFilter,
};
use rustirc_core::host::msl::MslEngine;
use rustirc_lang::{Host, Limits, Value};
use std::time::Instant;

/// The allocator the `rustirc` binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A client that knows only the event's nick and channel.
struct EventHost;

impl Host for EventHost {
    fn echo(&mut self, _window: &str, _text: &str) {}

    fn identifier(
        &mut self,
        name: &str,
        _args: &[Value],
        _prop: Option<&str>,
    ) -> Option<Result<Value, String>> {
        match name {
            "nick" => Some(Ok(Value::text("ann"))),
            "chan" => Some(Ok(Value::text("#chan"))),
            _ => None,
        }
    }
}

/// Mean ns to enter and return from one `on TEXT` handler whose body is `body`.
fn entry_ns(body: &str, runs: usize) -> f64 {
    let mut msl = MslEngine::new(Limits::default());
    let src = format!("on *:TEXT:*:#:{{ {body} }}\n");
    let loaded = msl.load("entry.mrc", src.as_bytes());
    assert!(!loaded.report.has_errors(), "entry.mrc does not load");
    let handle = loaded.handlers[0].handle;
    let text = "hello there word12 how are you";
    let mut host = EventHost;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..runs {
            msl.call(handle, text, false, &mut host)
                .expect("handler runs");
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / runs as f64);
    }
    best
}

fn handlers(n: usize) -> Vec<HandlerDecl> {
    (1..=n)
        .map(|k| {
            let matcher = match k % 6 {
                0 => Matcher::wild(&format!("!cmd{k} *")),
                1 => Matcher::wild(&format!("*word{k}*")),
                2 => Matcher::wild(&format!("*w?rd{k} *")),
                3 => Matcher::wild(&format!("*spam*link{k}*")),
                4 => Matcher::wild(&format!("hello{k}")),
                _ => Matcher::regex(&format!("/^!re{k}\\b/i")).expect("regex"),
            };
            let target = match k % 3 {
                0 => "#",
                1 => "#chan",
                _ => "#other,#chan",
            };
            HandlerDecl {
                matcher,
                target: TargetFilter::parse(target),
                first_per_script: true,
                ..HandlerDecl::new("TEXT", k as u64)
            }
        })
        .collect()
}

fn messages(m: usize) -> Vec<String> {
    (1..=m)
        .map(|i| match i % 6 {
            0 => format!("!cmd{} arg{i}", i % 100),
            1 => format!("hello there word{} how are you", i % 120),
            2 => format!("Check this SPAM site LINK{} now", i % 110),
            3 => format!("ward{} is a w0rd{} thing", i % 100, i % 90),
            4 => format!("!re{} go", i % 130),
            _ => format!("nothing to see here {i}"),
        })
        .collect()
}

/// p50 and p99 of per-message selection time in µs, and the number of selected handlers.
fn measure(table: &EventTable, msgs: &[String]) -> (f64, f64, usize) {
    let mut times = Vec::with_capacity(msgs.len());
    let mut hits = 0;
    for _ in 0..3 {
        times.clear();
        hits = 0;
        for m in msgs {
            let t = Instant::now();
            let ev = EventCtx {
                event: "TEXT",
                key: None,
                text: m,
                place: Place::Channel("#chan"),
                by_me: false,
                me_op: false,
                user_levels: &[],
                banner_levels: None,
                default_level: 1,
            };
            let sel = table.select(&ev, Phase::Normal, false, &mut |_, _| String::new());
            hits += sel.len();
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    (p(0.50), p(0.99), hits)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let m = args.get(1).copied().unwrap_or(10_000);
    let msgs = messages(m);
    println!("| handlers | table | p50 µs/msg | p99 µs/msg | handlers selected |");
    println!("|---|---|---|---|---|");
    for count in [n, 100, 0] {
        let mut table = EventTable::new();
        // One script per handler, as 1,000 small scripts would load.
        for (i, d) in handlers(count).into_iter().enumerate() {
            table.add(0, i as u32, vec![d]);
        }
        let (p50, p99, hits) = measure(&table, &msgs);
        println!("| {count} | indexed | {p50:.2} | {p99:.2} | {hits} |");
        table.set_indexed(false);
        let (q50, q99, naive_hits) = measure(&table, &msgs);
        assert_eq!(hits, naive_hits, "index and plain walk disagree");
        println!("| {count} | plain walk | {q50:.2} | {q99:.2} | {naive_hits} |");
    }
    println!();
    println!("| handler entry (best of 5 × 100,000) | ns |");
    println!("|---|---|");
    for (what, body) in [
        ("empty body: frame and `$1-`", ""),
        ("body reads `$nick $chan $1-`", "noop $nick $chan $1-"),
    ] {
        println!("| {what} | {:.0} |", entry_ns(body, 100_000));
    }
}
