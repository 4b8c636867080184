//! Codegen shapes: the disassembly of small scripts pins the optimisations the benchmarks rely
//! on (fused loop bottoms, `$calc` lowered to arithmetic that writes its destination directly,
//! call arguments computed in place). A change that loses one shows up here as a diff, not as
//! a slower benchmark weeks later.

use rustirc_lang::{Engine, Limits};

fn disasm(src: &str) -> String {
    let mut e = Engine::new(Limits::default());
    let report = e.load("t.mrc", src.as_bytes(), true);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    report.disassembly
}

#[test]
fn while_with_inc_at_the_bottom_fuses_into_incloop() {
    let d = disasm(
        "alias t {\n  var %i = 0\n  while (%i < 10) {\n    echo -a %i\n    inc %i\n  }\n}\n",
    );
    assert!(d.contains("incloop r0; jumpif r0 lt"), "{d}");
    // The plain test stays for the loop's entry.
    assert!(d.contains("jumpif r0 lt"), "{d}");
}

#[test]
fn non_numeric_conditions_are_not_fused() {
    let d = disasm(
        "alias t {\n  var %i = 0\n  while (%i isnum) {\n    inc %i\n    if (%i > 3) break\n  }\n}\n",
    );
    assert!(!d.contains("incloop"), "{d}");
}

#[test]
fn calc_writes_its_target_local_directly() {
    let d = disasm("alias t {\n  var %x = 1\n  %x = $calc(%x * 2 + 1)\n  echo -a %x\n}\n");
    // The root operation stores into %x's register; no move follows it.
    assert!(d.contains("arith r0, "), "{d}");
    assert!(!d.contains("move r0, "), "{d}");
}

#[test]
fn call_arguments_are_computed_in_place() {
    let d = disasm("alias f return $1\nalias t {\n  echo -a $f($calc($1 - 1))\n}\n");
    let calls: Vec<&str> = d.lines().filter(|l| l.contains("callid")).collect();
    assert!(!calls.is_empty(), "{d}");
    // `$calc($1 - 1)` lands in the argument register of `$f` without a move.
    let moves = d.lines().filter(|l| l.contains(" move ")).count();
    let before =
        disasm("alias f return $1\nalias t {\n  var %a = $calc($1 - 1)\n  echo -a $f(%a)\n}\n");
    assert!(
        moves <= before.lines().filter(|l| l.contains(" move ")).count(),
        "{d}"
    );
}

#[test]
fn parameters_are_registers_and_literals_are_immediates() {
    let d = disasm(
        "alias fib {\n  if ($1 < 2) return $1\n  return $calc($fib($calc($1 - 1)) + $fib($calc($1 - 2)))\n}\n",
    );
    // `$1` is read where it lives: no load, no constant registers for 1 and 2.
    assert!(!d.contains("loadparam"), "{d}");
    assert!(!d.contains("const r"), "{d}");
    assert!(d.contains("param $1 = r"), "{d}");
    assert!(d.contains(" lt 2 @"), "{d}");
    assert!(d.contains(" - 1 else @"), "{d}");
}

#[test]
fn calc_fallbacks_are_out_of_line() {
    let d = disasm("alias f {\n  var %x = 1\n  %x = $calc(%x * 3 + 1)\n  echo -a %x\n}\n");
    let code: Vec<&str> = d.lines().filter(|l| l.starts_with("  0")).collect();
    // The lowered arithmetic runs straight into the echo; the text fallback follows the final
    // return and resumes after the arithmetic.
    let arith = code
        .iter()
        .rposition(|l| l.contains("arith"))
        .expect("arith");
    assert!(code[arith + 1].contains("loadk"), "{d}");
    assert!(code.last().is_some_and(|l| l.contains("resume")), "{d}");
    assert!(!code.iter().any(|l| l.contains(" jump @")), "{d}");
}
