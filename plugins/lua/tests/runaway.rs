//! Runaway scripts: each is stopped promptly with an error that names the limit it hit, and
//! the same script's next command runs (the client stays usable, the state stays sound).

use rustirc_core::client::Client;
use rustirc_core::state::Config;
use rustirc_lang::Limits;
use std::rc::Rc;
use std::time::{Duration, Instant};

const SCRIPT: &str = r#"
irc.add_command("loop", function() while true do end end)
irc.add_command("coloop", function()
  local co = coroutine.create(function() while true do end end)
  coroutine.resume(co)
end)
irc.add_command("cowrap", function() coroutine.wrap(function() while true do end end)() end)
irc.add_command("yieldloop", function()
  local co = coroutine.create(function() while true do coroutine.yield() end end)
  while true do coroutine.resume(co) end
end)
irc.add_command("pcloop", function() while true do pcall(function() while true do end end) end end)
irc.add_command("tbomb", function() local t = {} for i = 1, 1e12 do t[i] = i end end)
irc.add_command("sbomb", function() local s = "x" while true do s = s .. s end end)
irc.add_command("rbomb", function() return string.rep("x", 1e12) end)
irc.add_command("pattern", function() return string.rep("a", 100000):find(".-.-.-.-b") end)
irc.add_command("gsub", function() return (string.gsub(string.rep("a", 100000), "a*a*a*a*b", "")) end)
irc.add_command("recurse", function() local function f(n) return f(n + 1) + 1 end return f(1) end)
irc.add_command("ok", function() return "still alive" end)
"#;

/// Stops within this: the limits stop every case in under a second in a release build; the
/// rest is slack for a debug build on a busy machine.
const PROMPT: Duration = Duration::from_millis(if cfg!(debug_assertions) { 2500 } else { 1000 });

fn run(cmd: &str, want: &[&str]) {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c.load_script("runaway.lua", SCRIPT.as_bytes());
    c.take_output();
    let start = Instant::now();
    c.type_line("status", &format!("/{cmd}"));
    let took = start.elapsed();
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    let text = shown.join("\n");
    assert!(took < PROMPT, "/{cmd} took {took:?}");
    assert!(
        want.iter().any(|w| text.contains(w)),
        "/{cmd}: expected one of {want:?}, got: {text}"
    );
    assert!(text.contains("runaway.lua"), "{text}");
    c.type_line("status", "/ok");
    let after: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    assert_eq!(after, ["still alive"], "after /{cmd}");
}

const CPU: &[&str] = &["too many instructions (limit is", "ran too long (limit is"];

#[test]
fn infinite_loop() {
    run("loop", CPU);
}

#[test]
fn infinite_loop_in_a_coroutine() {
    run("coloop", CPU);
    run("cowrap", CPU);
    run("yieldloop", CPU);
}

#[test]
fn pcall_cannot_swallow_the_limit() {
    run("pcloop", CPU);
}

#[test]
fn memory_bombs() {
    run(
        "tbomb",
        &["memory limit reached (limit is 64 MiB per script)"],
    );
    run(
        "sbomb",
        &["memory limit reached (limit is 64 MiB per script)"],
    );
    run(
        "rbomb",
        &["string.rep: result of 1000000000000 bytes is too long (limit is 16777216 bytes)"],
    );
}

#[test]
fn pathological_patterns() {
    run(
        "pattern",
        &["string.find: pattern too complex for a 100000-byte subject"],
    );
    run(
        "gsub",
        &["string.gsub: pattern too complex for a 100000-byte subject"],
    );
}

#[test]
fn deep_recursion() {
    run("recurse", &["stack overflow", "memory limit reached"]);
}

#[test]
fn the_instruction_count_is_the_mirc_limit() {
    // With a small count and no wall clock to speak of, the count is what stops the loop.
    let limits = Limits {
        instructions: 1_000_000,
        wall_ms: 60_000,
        ..Limits::default()
    };
    let mut c = Client::new(Config::new("me"), limits.clone(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(limits)));
    c.load_script("runaway.lua", SCRIPT.as_bytes());
    c.take_output();
    c.type_line("status", "/loop");
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    assert!(
        shown
            .iter()
            .any(|t| t.contains("too many instructions (limit is 1000000 per run)")),
        "{shown:?}"
    );
}

#[test]
fn a_script_that_keeps_failing_is_disabled() {
    let mut c = Client::new(Config::new("me"), Limits::default(), 0);
    c.add_engine(Rc::new(rustirc_lua::LuaEngine::new(Limits::default())));
    c.load_script(
        "flaky.lua",
        b"irc.add_command('boom', function() error('bad day') end)\nirc.add_command('fine', function() return 'fine' end)",
    );
    c.take_output();
    for _ in 0..rustirc_lua::MAX_ERRORS_IN_A_ROW {
        c.type_line("status", "/boom");
    }
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    assert!(shown[0].contains("flaky.lua:1: bad day"), "{shown:?}");
    assert!(
        shown
            .iter()
            .any(|t| t.contains("disabled after 5 errors in a row")),
        "{shown:?}"
    );
    c.type_line("status", "/fine");
    let shown: Vec<String> = c.take_output().shown.into_iter().map(|(_, t)| t).collect();
    assert!(
        !shown.iter().any(|t| t == "fine")
            && shown
                .iter()
                .any(|t| t.contains("flaky is disabled; /lua enable flaky runs it again")),
        "a disabled script runs nothing: {shown:?}"
    );
}
