//! mIRC behaviours of the language that scripts rely on: custom aliases and the built-in
//! commands they override, variables and their switches, `$var`, evaluation brackets,
//! `goto` and `:error`. Each test loads a small script and runs a command as if typed.

use rustirc_lang::{Engine, Limits, RecordingHost};

/// An engine with `src` loaded (as `t.mrc`), which must load without errors.
fn load(src: &str) -> Engine {
    let mut e = Engine::new(Limits::default());
    let r = e.load("t.mrc", src.as_bytes(), false);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    e
}

/// Runs `line` as typed; returns what was echoed and the error, if the run failed.
fn run(e: &mut Engine, host: &mut RecordingHost, line: &str) -> (Vec<String>, Option<String>) {
    host.lines.clear();
    let err = e.run_command(line, host).err().map(|e| e.to_string());
    (host.lines.iter().map(|(_, t)| t.clone()).collect(), err)
}

/// Runs `line` and returns the echoed lines; the run must succeed.
fn echoes(e: &mut Engine, line: &str) -> Vec<String> {
    let mut host = RecordingHost::default();
    let (lines, err) = run(e, &mut host, line);
    assert_eq!(err, None, "{lines:?}");
    lines
}

// ------------------------------------------------------------------ aliases and built-ins

#[test]
fn an_alias_overrides_echo_and_its_own_echo_reaches_the_built_in() {
    let mut e = load(
        "alias echo { echo $1- [wrapped] }\n\
         alias test { echo -a hi | !echo -a plain | .echo -a quiet }\n",
    );
    assert_eq!(
        echoes(&mut e, "test"),
        ["hi [wrapped]", "plain", "quiet [wrapped]"]
    );
}

#[test]
fn an_alias_is_not_reentered_as_a_command() {
    // mIRC: inside `alias count`, the command `count` does not call the alias again (there
    // is no built-in /count, so it is unknown); `$count2(…)` recursion as an identifier works.
    let mut e = load(
        "alias count { echo -a $1 | if ($1 < 3) count $calc($1 + 1) }\n\
         alias count2 { if ($1 >= 3) return $1 | return $count2($calc($1 + 1)) }\n",
    );
    let mut host = RecordingHost::default();
    let (lines, err) = run(&mut e, &mut host, "count 1");
    assert_eq!(lines, ["1"]);
    assert!(err.unwrap().contains("unknown command /count"));
    assert_eq!(echoes(&mut e, "echo -a $count2(1)"), ["3"]);
}

#[test]
fn a_command_inside_an_alias_reaches_another_files_alias_of_that_name() {
    let mut e = Engine::new(Limits::default());
    let a = e.load(
        "a.mrc",
        b"alias greet { echo -a a: $1 | greet $1 }\nalias test greet x\n",
        false,
    );
    let b = e.load("b.mrc", b"alias greet { echo -a b: $1 }\n", false);
    assert!(!a.has_errors() && !b.has_errors());
    assert_eq!(echoes(&mut e, "test"), ["a: x", "b: x"]);
}
