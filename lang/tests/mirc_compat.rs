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

// ------------------------------------------------------------------------------- $var

#[test]
fn var_takes_a_percent_mask_as_names() {
    let mut e = load(
        "alias test {\n\
         set %seen.bob 1 | set %seen.ann 2 | set %other 3\n\
         var %seen.local 4\n\
         echo -a $var(%seen.*,0) $var(seen.*,0) $var(%nothing*,0)\n\
         echo -a $var(%seen.*,1) $var(%seen.*,1).value $var(%seen.*,1).local\n\
         echo -a $var(%seen.*,2) $var(%seen.*,2).value $var(%seen.*,2).local\n\
         echo -a $var(%seen. $+ b*,1).value $var(%seen.*,9)\n\
         }\n",
    );
    assert_eq!(
        echoes(&mut e, "test"),
        ["3 3 0", "%seen.local 4 $true", "%seen.bob 1 $false", "1"]
    );
}

// ------------------------------------------------------------------- set / var switches

/// Runs `line` with the host clock at `now_ms` and returns the echoed lines.
fn at(e: &mut Engine, now_ms: i64, line: &str) -> Vec<String> {
    let mut host = RecordingHost {
        fixed_now_ms: Some(now_ms),
        ..RecordingHost::default()
    };
    let (lines, err) = run(e, &mut host, line);
    assert_eq!(err, None, "{lines:?}");
    lines
}

#[test]
fn set_and_var_i_only_set_what_is_unset() {
    let mut e = load(
        "alias test {\n\
         set -i %g first | set -i %g second\n\
         var -i %l first | var -i %l second\n\
         var -i %m = a, %n = b\n\
         echo -a %g %l %m %n\n\
         }\n",
    );
    assert_eq!(echoes(&mut e, "test"), ["first first a b"]);
}

#[test]
fn set_u_unsets_after_n_seconds_unless_set_again() {
    let mut e = load(
        "alias arm { set -u10 %flood 1 | set -u10 %other 1 | set -u5 %again 1 | set %again 2 }\n\
         alias bump inc %flood\n\
         alias show echo -a [ %flood ] [ %other ] [ %again ] $var(%flood,1).secs\n",
    );
    at(&mut e, 1_000_000, "arm");
    at(&mut e, 1_004_000, "bump");
    // `inc` keeps the timer; `set` without -u drops it.
    assert_eq!(at(&mut e, 1_005_500, "show"), ["2 1 2 5"]);
    assert_eq!(at(&mut e, 1_010_000, "show"), ["2"]);
}

#[test]
fn set_u0_unsets_when_the_run_ends() {
    let mut e = load(
        "alias test { set -u0 %semi here | echo -a in: %semi | child }\n\
         alias child echo -a child: %semi\n",
    );
    assert_eq!(echoes(&mut e, "test"), ["in: here", "child: here"]);
    assert_eq!(
        echoes(&mut e, "echo -a after: [ %semi ] $var(%semi,0)"),
        ["after: 0"]
    );
}

#[test]
fn set_z_counts_down_to_zero_and_inc_c_counts_up() {
    let mut e = load(
        "alias arm { set -z %cool 3 | inc -c %up 2 | dec -u2 %down }\n\
         alias show echo -a $var(%cool,0) [ %cool ] [ %up ] [ %down ] .\n",
    );
    at(&mut e, 0, "arm");
    assert_eq!(at(&mut e, 999, "show"), ["1 3 2 -1 ."]);
    assert_eq!(at(&mut e, 1_000, "show"), ["1 2 4 -1 ."]);
    assert_eq!(at(&mut e, 2_500, "show"), ["1 1 6 ."]);
    assert_eq!(at(&mut e, 3_000, "show"), ["0 8 ."]);
}

#[test]
fn set_e_and_timed_variables_are_not_saved() {
    let mut e = load("alias test { set %keep 1 | set -e %gone 2 | set -u60 %brief 3 }\n");
    echoes(&mut e, "test");
    let all: Vec<&str> = e.vm.st.globals.iter().map(|(n, _)| n).collect();
    let saved: Vec<&str> = e.vm.st.globals.iter_saved().map(|(n, _)| n).collect();
    assert_eq!(all, ["keep", "gone", "brief"]);
    assert_eq!(saved, ["keep"]);
}

#[test]
fn set_k_keeps_the_timer_and_n_keeps_text() {
    let mut e = load(
        "alias arm { set -u5 %x 1 | set -k %x 2 | set -n %sum 1 + 1 | set %calc 1 + 1 }\n\
         alias show echo -a [ %x ] %sum %calc\n",
    );
    at(&mut e, 0, "arm");
    assert_eq!(at(&mut e, 1_000, "show"), ["2 1 + 1 2"]);
    assert_eq!(at(&mut e, 5_000, "show"), ["1 + 1 2"]);
}

#[test]
fn set_s_and_var_s_show_the_value() {
    let mut e = load("alias test { set -s %a 1 + 2 | var -s %b = two words }\n");
    assert_eq!(
        echoes(&mut e, "test"),
        ["* Set %a to 3", "* Set %b to two words"]
    );
}

// ------------------------------------------------------- hash tables, aliases and scripts

#[test]
fn hmatch_is_a_wildcard_search_and_hget_unset_counts_down() {
    let mut e = load(
        "alias arm { hadd -m t apple 1 | hadd t apricot 2 | hadd t banana 3 | hadd -u30 t brief 4 }\n\
         alias show echo -a $hmatch(t,ap*,0) $hmatch(t,*an*,1) $hmatch(t,apple,1,n) $hregex(t,^b,0) $hget(t,brief).unset $hget(t,apple).unset [ $hget(t,nothing).unset ] .\n",
    );
    at(&mut e, 0, "arm");
    assert_eq!(at(&mut e, 10_500, "show"), ["2 banana apple 2 20 0 ."]);
}

#[test]
fn isalias_properties_and_script_n() {
    let mut e = Engine::new(Limits::default());
    let r = e.load(
        "/scripts/first.mrc",
        b"alias -l hidden noop\nalias test echo -a $isalias(shared) $isalias(shared).fname $isalias(shared).ftype $isalias(hidden) $isalias(nothing)\n",
        false,
    );
    assert!(!r.has_errors());
    let r = e.load(
        "/scripts/tools.ini",
        b"[aliases]\nn0=shared noop\nn1=other echo -a $isalias(hidden)\n",
        false,
    );
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let r = e.load("/scripts/second.mrc", b"alias scripts echo -a $script(0) $script(1) $script(2) [ $script(3) ] $script(second.mrc) [ $script(nope.mrc) ] $script $alias(0) $alias(1)\n", false);
    assert!(!r.has_errors());
    assert_eq!(
        echoes(&mut e, "test"),
        ["$true /scripts/tools.ini alias $true $false"]
    );
    assert_eq!(echoes(&mut e, "other"), ["$false"]);
    assert_eq!(
        echoes(&mut e, "scripts"),
        ["2 /scripts/first.mrc /scripts/second.mrc /scripts/second.mrc /scripts/second.mrc 1 /scripts/tools.ini"]
    );
    e.unload(0);
    assert_eq!(
        echoes(&mut e, "scripts"),
        ["1 /scripts/second.mrc /scripts/second.mrc /scripts/second.mrc 1 /scripts/tools.ini"]
    );
}

// ----------------------------------------------------------------- evaluation brackets

#[test]
fn bracket_groups_run_before_the_rest_of_the_line() {
    let mut e = load(
        "alias x echo -a $1 | return $1\n\
         alias a echo -a A\nalias b echo -a B\nalias c echo -a C\n\
         alias test {\n\
         echo -a $x(1) [ $x(2) ] $x(3) [ $x(4) ]\n\
         noop $a [ $b [ $c ] ]\n\
         }\n",
    );
    assert_eq!(
        echoes(&mut e, "test"),
        ["2", "4", "1", "3", "1 2 3 4", "C", "B", "A"]
    );
}

#[test]
fn spaced_brackets_in_parentheses_can_supply_commas() {
    let mut e = load(
        "alias test {\n\
         var %x = @@XYZ@@,3,3\n\
         echo -a $mid( [ %x ] ) $mid([ %x ],2,2)\n\
         var %x = mid(@Example!,2,8, %y = )\n\
         echo -a $ [ $+ [ %x $+ [ %y ] ] ]\n\
         }\n",
    );
    assert_eq!(echoes(&mut e, "test"), ["XYZ @X", "Example!"]);
}

#[test]
fn variable_commands_build_names_from_brackets() {
    // mIRC's own example: `set %a [ $+ b ] 1` sets %ab, and unset takes names the same way.
    let mut e = load(
        "alias test {\n\
         set %a [ $+ b ] 1 | set %a [ $+ c ] 2 | set %a [ $+ d ] 3\n\
         echo -a %ab %ac %ad\n\
         unset %a [ $+ b ] %a [ $+ c ]\n\
         echo -a [ %ab ] [ %ac ] %ad\n\
         set %score. [ $+ [ $1 ] ] 5 | inc %score. [ $+ [ $1 ] ] | dec %score. [ $+ [ $1 ] ] 2\n\
         echo -a %score.bob %score. [ $+ [ $1 ] ]\n\
         }\n",
    );
    assert_eq!(echoes(&mut e, "test bob"), ["1 2 3", "3", "4 4"]);
}

#[test]
fn unset_takes_a_joined_var_as_another_name() {
    // `unset %a $+ %b` removes %a and %b; `unset %a $+ [ %b ]` joins.
    let mut e = load(
        "alias test {\n\
         set %a 1 | set %b c | set %ac 2 | unset %a $+ %b\n\
         echo -a [ %a ] [ %b ] %ac\n\
         set %b c | unset %a $+ [ %b ]\n\
         echo -a %b [ %ac ] .\n\
         }\n",
    );
    assert_eq!(echoes(&mut e, "test"), ["2", "c ."]);
}

#[test]
fn a_bracket_can_give_the_command_name() {
    let mut e = load("alias test { var %c = echo | [ %c ] -a one | %c -a two }\n");
    assert_eq!(echoes(&mut e, "test"), ["one", "two"]);
}

#[test]
fn join_inside_calc_is_not_a_join() {
    let mut e = load("alias test echo -a $calc(7 $+ 000) $calc($+(7,000)) $calc(1 + 2 $+ 3)\n");
    assert_eq!(echoes(&mut e, "test"), ["7 7000 3"]);
}
