//! Runaway scripts and dying workers: each runaway is stopped within about a second with an
//! error naming the script, and the same script's next command runs; a worker killed from
//! outside is replaced and its script reloaded, and the client says so.

mod support;

use std::time::{Duration, Instant};
use support::{client, shown};

const SCRIPT: &str = r#"
import irc
import re

def loop(args, raw):
    while True:
        pass

def stubborn(args, raw):
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

def bomb(args, raw):
    return len("x" * (1 << 40))

def grow(args, raw):
    # 64 MiB at a time, never written: the address space runs out before the machine has
    # to find the memory.
    chunks = []
    while True:
        chunks.append(bytes(1 << 26))

def recurse(args, raw):
    def f(n):
        return f(n + 1) + 1
    return f(1)

def regex(args, raw):
    return str(re.match(r"(a+)+$", "a" * 40 + "b"))

irc.add_command("loop", loop)
irc.add_command("stubborn", stubborn)
irc.add_command("bomb", bomb)
irc.add_command("grow", grow)
irc.add_command("recurse", recurse)
irc.add_command("regex", regex)
irc.add_command("ok", lambda a, r: "still alive")
"#;

/// Stops within this: the deadline is 1 s and the grace 0.5 s; the rest is slack for a busy
/// machine.
const PROMPT: Duration = Duration::from_millis(3000);

fn run(cmd: &str, want: &[&str]) {
    let mut c = client();
    c.load_script("runaway.py", SCRIPT.as_bytes());
    c.take_output();
    let start = Instant::now();
    c.type_line("status", &format!("/{cmd}"));
    let took = start.elapsed();
    let text = shown(&mut c).join("\n");
    assert!(took < PROMPT, "/{cmd} took {took:?}");
    assert!(
        want.iter().any(|w| text.contains(w)),
        "/{cmd}: expected one of {want:?}, got: {text}"
    );
    assert!(text.contains("runaway.py"), "{text}");
    c.type_line("status", "/ok");
    let after = shown(&mut c);
    assert_eq!(after, ["still alive"], "after /{cmd}");
}

#[test]
fn infinite_loop() {
    run("loop", &["took longer than 1000 ms and was interrupted"]);
}

#[test]
fn a_loop_that_catches_the_interrupt_is_killed() {
    run(
        "stubborn",
        &["could not be interrupted", "its worker was stopped"],
    );
}

#[test]
fn memory_bomb() {
    run(
        "bomb",
        &["memory limit reached (limit is 512 MiB per script)"],
    );
}

#[test]
fn growing_memory() {
    run(
        "grow",
        &[
            "memory limit reached (limit is 512 MiB per script)",
            "its worker",
        ],
    );
}

#[test]
fn unbounded_recursion() {
    run(
        "recurse",
        &["RecursionError: maximum recursion depth exceeded"],
    );
}

#[test]
fn catastrophic_regex() {
    // CPython's regular expression engine checks for interrupts; were it not to, the worker
    // would be killed.
    run(
        "regex",
        &[
            "took longer than 1000 ms and was interrupted",
            "could not be interrupted",
        ],
    );
}

#[test]
fn a_worker_killed_from_outside_is_replaced_and_its_script_reloaded() {
    let mut c = client();
    c.load_script(
        "pid.py",
        b"import irc\nirc.add_command('ok', lambda a, r: 'alive')\n",
    );
    c.take_output();
    // The test's thread started the worker: it is among the children of this thread.
    let me = std::process::id();
    let tid = std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| me.to_string());
    let children =
        std::fs::read_to_string(format!("/proc/{me}/task/{tid}/children")).unwrap_or_default();
    let pids: Vec<u32> = children
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                .is_ok_and(|c| c.contains("rustirc-python-worker"))
        })
        .collect();
    assert!(!pids.is_empty(), "no worker among {children:?}");
    for p in &pids {
        let st = std::process::Command::new("kill")
            .arg("-9")
            .arg(p.to_string())
            .status()
            .unwrap();
        assert!(st.success());
    }
    std::thread::sleep(Duration::from_millis(100));
    c.type_line("status", "/ok");
    let text = shown(&mut c);
    assert!(
        text.iter().any(|t| t.contains("pid.py: its worker was killed (signal 9); starting a new worker and reloading the script")),
        "{text:?}"
    );
    assert_eq!(text.last().map(String::as_str), Some("alive"), "{text:?}");
}

#[test]
fn a_worker_that_uses_up_its_cpu_time_is_replaced() {
    let mut opts = rustirc_python::Options {
        cpu_seconds: 1,
        ..Default::default()
    };
    // Each call stays within its deadline; together they pass the worker's second of CPU.
    opts.deadline_ms = 5000;
    let mut c = rustirc_core::client::Client::new(
        rustirc_core::state::Config::new("me"),
        rustirc_lang::Limits::default(),
        0,
    );
    c.add_engine(std::rc::Rc::new(
        rustirc_python::PythonEngine::with_options(opts),
    ));
    c.load_script(
        "spin.py",
        b"import irc, time\n\
def spin(args, raw):\n    t = time.process_time()\n    while time.process_time() - t < 0.4:\n        pass\n    return 'spun'\n\
irc.add_command('spin', spin)\n",
    );
    c.take_output();
    let mut seen = Vec::new();
    for _ in 0..6 {
        c.type_line("status", "/spin");
        seen.extend(shown(&mut c));
        if seen.iter().any(|t| t.contains("CPU time")) {
            break;
        }
    }
    let text = seen.join("\n");
    assert!(
        text.contains("spin.py: its worker used up its CPU time limit (SIGXCPU)"),
        "{text}"
    );
    // The new worker has a fresh allowance.
    c.type_line("status", "/spin");
    assert_eq!(shown(&mut c).last().map(String::as_str), Some("spun"));
}
