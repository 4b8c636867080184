//! Parser tests: every script form loads without errors, broken items give one located
//! diagnostic each and the good items around them still load.

use crate::ast::{Item, Part, Stmt};
use crate::parse_text;

fn errors(src: &str) -> Vec<String> {
    let p = parse_text(src);
    p.diagnostics
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| {
            let l = crate::diag::locate(&p.prepared, d);
            format!("{}:{}: {}", l.line, l.col, l.message)
        })
        .collect()
}

#[test]
fn aliases_in_every_form() {
    let src = "alias greet echo -a Hello $1 | echo -a bye\nalias -l helper { return $1 * 2 }\nalias big {\n  var %x = 1\n  if (%x == 1) { echo -a one }\n  elseif (%x == 2) echo -a two\n  else {\n    echo -a other\n  }\n  while (%x < 3) inc %x\n}\n";
    let p = parse_text(src);
    assert!(errors(src).is_empty(), "{:?}", errors(src));
    assert_eq!(p.items.len(), 3);
    let Item::Alias(a) = &p.items[2].item else {
        panic!()
    };
    assert_eq!(a.name, "big");
    assert!(matches!(a.body[1], Stmt::If { ref arms, otherwise: Some(_), .. } if arms.len() == 2));
}

#[test]
fn events_with_fields() {
    let src = "on *:TEXT:!hi*:#:msg # hi $nick\non $*:TEXT:/^!roll (\\d+)$/i:#:{\n  msg # $regml(1)\n}\non me:*:JOIN:#:echo # I joined\non ^*:QUIT:haltdef\nctcp *:VERSION:ctcpreply $nick VERSION x\nctcp *:PING:*:halt\nraw 433:*:nick $me $+ _\n";
    assert!(errors(src).is_empty(), "{:?}", errors(src));
    let p = parse_text(src);
    assert_eq!(p.items.len(), 7);
}

#[test]
fn broken_items_are_located_and_others_load() {
    let src = "alias good echo ok\nalias broken {\n  echo missing brace\nalias after echo still here\non *:TEXT\n";
    let e = errors(src);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with("2:1: unbalanced braces in alias 'broken'"),
        "{e:?}"
    );
    assert!(e[1].starts_with("5:"), "{e:?}");
    let p = parse_text(src);
    assert_eq!(p.items.len(), 2);
}

#[test]
fn ini_groups_menus_dialogs() {
    let src = "[script]\nn0=#greet on\nn1=on *:JOIN:#:msg # hi\nn2=#greet end\nn3=menu channel {\nn4=  Greet:msg # hello\nn5=  .Sub:echo -a x\nn6=  -\nn7=}\nn8=dialog opts {\nn9=  title \"x\"\nn10=}\n";
    assert!(errors(src).is_empty(), "{:?}", errors(src));
    let p = parse_text(src);
    assert_eq!(p.items[0].group.as_deref(), Some("greet"));
    assert!(matches!(p.items[1].item, Item::Menu(ref m) if m.entries.len() == 3));
}

#[test]
fn words_and_sigils() {
    let w = crate::parse_words("a $+ b $1's #$1 %x.y $!me [ %a ] $calc((%x * 2) % 3)").unwrap();
    assert_eq!(w.words.len(), 7, "{w:#?}");
    assert!(matches!(
        w.words[0].parts[..],
        [Part::Lit(_), Part::Lit(_)] | [Part::Lit(_)]
    ));
}

/// `=$nick` (a DCC chat window's name) evaluates what follows `=`; `=` alone, `= x` and
/// `==` stay text.
#[test]
fn equals_before_a_sigil() {
    let w = crate::parse_words("=$nick =%who =$1 = =x ==").unwrap();
    assert_eq!(w.words.len(), 6, "{w:#?}");
    assert!(
        matches!(&w.words[0].parts[..], [Part::Lit(l), Part::Ident(_)] if l == "="),
        "{w:#?}"
    );
    assert!(
        matches!(&w.words[1].parts[..], [Part::Lit(l), Part::Var(v)] if l == "=" && v == "who"),
        "{w:#?}"
    );
    assert!(
        matches!(&w.words[2].parts[..], [Part::Lit(l), Part::Param { from: 1, .. }] if l == "="),
        "{w:#?}"
    );
    for (i, text) in [(3, "="), (4, "=x"), (5, "==")] {
        assert!(
            matches!(&w.words[i].parts[..], [Part::Lit(l)] if l == text),
            "{w:#?}"
        );
    }
}

/// Found by the `parse` fuzz target: unclosed `$ident(` calls nested a few dozen deep, or
/// `#$ident(...)x` nested, were explored twice per level (exponential time) until pest's call
/// limit stopped the parse and the whole alias failed to load.
#[test]
fn nested_parens_parse_in_linear_time() {
    let unclosed = format!("alias a echo {}\n", "$a(x ".repeat(40));
    let unclosed_multiline = format!(
        "alias b {{\n  echo {}\n  {}\n}}\n",
        "$a(x ".repeat(40),
        ")".repeat(40)
    );
    let glued = format!("alias c echo {}x{}\n", "#$a(".repeat(40), ")x".repeat(40));
    let in_args = format!(
        "alias d echo $a({}x{})\n",
        "#$a(".repeat(40),
        ")x".repeat(40)
    );
    for src in [unclosed, unclosed_multiline, glued, in_args] {
        let e = errors(&src);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(parse_text(&src).items.len(), 1);
        let line = src.lines().find_map(|l| l.split_once("echo ")).unwrap().1;
        assert!(
            crate::parse_statements(&format!("echo {line}")).is_ok(),
            "{line}"
        );
    }
}

/// The grammar recurses once per `(` or `{` level: nesting up to the limit parses (on a test
/// thread's small stack, unoptimised), deeper nesting is one located error, never a crash.
#[test]
fn nesting_is_bounded() {
    let depth = crate::MAX_NESTING - 2;
    let ok = format!(
        "alias a {{\n  if (1) {{ echo {}x{} }}\n}}\n",
        "$len(".repeat(depth - 2),
        ")".repeat(depth - 2)
    );
    assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
    let blocks = format!(
        "alias b {{\n{}echo deep\n{}}}\n",
        "if (1) {\n".repeat(depth - 1),
        "}\n".repeat(depth - 1)
    );
    assert!(errors(&blocks).is_empty(), "{:?}", errors(&blocks));
    for src in [
        format!(
            "alias c echo {}x{}\n",
            "$len(".repeat(5000),
            ")".repeat(5000)
        ),
        format!(
            "alias d {{\n{}echo x\n{}}}\n",
            "if (1) {\n".repeat(5000),
            "}\n".repeat(5000)
        ),
    ] {
        let e = errors(&src);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("nested more than"), "{e:?}");
    }
    let run_time = format!("echo {}x{}", "$len(".repeat(5000), ")".repeat(5000));
    assert!(crate::parse_statements(&run_time)
        .unwrap_err()
        .contains("nested more than"));
}

/// A broken `if (…) {` was also tried as the command `if` followed by a `{ }` block, so every
/// unclosed block inside it was parsed twice: 30 nested unclosed blocks took 2^30 steps, and
/// from about 14 levels on pest's call limit stopped the parse with "call limit reached". Each
/// block is now tried once: any depth the nesting limit allows ends with the located error.
#[test]
fn unclosed_blocks_parse_in_linear_time() {
    let depth = crate::MAX_NESTING - 10;
    for open in [
        "if (1) { ",
        "while (1) {\n",
        "if (1) { echo x | ",
        "else {\n",
    ] {
        let text = format!("echo start\n{}", open.repeat(depth));
        let e = crate::parse_statements(&text).unwrap_err();
        let col = open.find('{').unwrap() + 1;
        assert_eq!(
            e,
            format!("the {{ at line 2, column {col} is never closed (missing }})")
        );
        let in_file = format!("alias a {{\n{}}}\n", open.repeat(depth));
        let e = errors(&in_file);
        assert_eq!(e.len(), 1, "{e:?}");
        // Deeper than the nesting limit: refused before parsing, whatever the depth.
        let deep = crate::parse_statements(&open.repeat(2000)).unwrap_err();
        assert!(deep.contains("nested more than"), "{deep}");
    }
}

/// `else if (…) cmd` without braces is an `else` holding an `if`; an `else` or `elseif` on a
/// later line continues that inner `if` (mIRC runs the chain like `elseif`), where it used to
/// be "else without a preceding if".
#[test]
fn else_if_chains_continue_the_inner_if() {
    let src = "alias a {\n  if ($1 == 1) echo -a one\n  else if ($1 == 2) echo -a two\n  elseif ($1 == 3) echo -a three\n  else echo -a other\n  echo -a after\n}\n";
    assert!(errors(src).is_empty(), "{:?}", errors(src));
    let p = parse_text(src);
    let Item::Alias(a) = &p.items[0].item else {
        panic!()
    };
    assert_eq!(a.body.len(), 2, "{:#?}", a.body);
    let Stmt::If {
        arms,
        otherwise: Some(o),
        ..
    } = &a.body[0]
    else {
        panic!("{:#?}", a.body[0])
    };
    assert_eq!(arms.len(), 1);
    let [Stmt::If {
        arms: inner,
        otherwise: Some(last),
        ..
    }] = o.as_slice()
    else {
        panic!("{o:#?}")
    };
    assert_eq!(inner.len(), 2);
    assert!(matches!(last[..], [Stmt::Command(_)]));
    // A braced `else { if … }` is closed: a further `else` has nothing to continue.
    let braced = "alias b {\n  if (1) echo a\n  else { if (2) echo b }\n  else echo c\n}\n";
    assert_eq!(
        errors(braced),
        vec!["4:3: else without a preceding if".to_string()]
    );
}

/// Errors name the culprit in a script writer's terms and point at it, rather than listing
/// grammar rules at the end of the line.
#[test]
fn errors_name_the_culprit() {
    let cases = [
        (
            "alias a {\n  if ($1 == 1 { echo -a one }\n}\n",
            "2:6: cannot parse alias 'a': the condition of if is never closed: missing )",
        ),
        (
            "alias a {\n  while (%i < 3 {\n    inc %i\n  }\n}\n",
            "2:9: cannot parse alias 'a': the condition of while is never closed: missing )",
        ),
        (
            "alias a if ((1) && (2) echo x\n",
            "1:12: cannot parse alias 'a': the condition of if is never closed: missing )",
        ),
        (
            "alias a {\n  if $1 == 1 echo -a one\n}\n",
            "2:6: cannot parse alias 'a': expected a condition in ( )",
        ),
        (
            "alias x{ echo -a y }\n",
            "1:8: cannot parse alias 'x{': { must be separated by spaces from the text around it",
        ),
        (
            "alias a {\n  {echo -a x\n}\n",
            "2:3: { must be separated by spaces from the text around it",
        ),
        (
            "glued {echo -a glued}\n",
            "1:7: { must be separated by spaces from the text around it",
        ),
        (
            "alias\n",
            "1:1: alias without a name: expected alias NAME COMMANDS",
        ),
        (
            "raw 433\n",
            "1:1: malformed raw header: expected raw NUMERIC:MATCHTEXT:COMMANDS",
        ),
        (
            "ctcp *:\n",
            "1:8: malformed ctcp header: expected 2 more ':'-separated field(s)",
        ),
        (
            "on *:TEXT:*:#:if (1 echo x\n",
            "1:18: cannot parse body of on TEXT: the condition of if is never closed: missing )",
        ),
        (
            "menu channel {\n  Item:if ($1 == { echo }\n}\n",
            "2:11: cannot parse menu item 'Item': the condition of if is never closed: missing )",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(errors(src), vec![want.to_string()], "{src}");
    }
}

/// In an alias file a stray `}` is an error, not an alias named `}`; users.ini and vars.ini
/// entries that do not parse say what shape was expected.
#[test]
fn stray_brace_in_alias_file_and_bad_ini_entries() {
    let src = "ok echo ok\n}\nok2 echo ok2\n";
    assert_eq!(
        errors(src),
        vec!["2:1: unexpected } at top level".to_string()]
    );
    assert_eq!(parse_text(src).items.len(), 2);
    assert_eq!(
        errors("[users]\nn0=no level\nn1=10:*!*@h.example\n"),
        vec!["2:4: malformed user entry: expected LEVELS:MASK [INFO], e.g. 10,friend:*!*@host.example".to_string()]
    );
    assert_eq!(
        errors("[variables]\nn0=%a 1\nn1=b 2\n"),
        vec!["3:4: malformed variable entry: expected %NAME VALUE".to_string()]
    );
}

/// `$?="prompt"` takes the quoted text, spaces included, as its one argument (it used to stop
/// at the first space, leaving `="Quit` glued to it and `message:"` as another word).
#[test]
fn input_prompt_keeps_its_text() {
    let stmts =
        crate::parse_statements("kick # $$1 $$?=\"Reason for $1:\" | echo $?*=\"Password:\" x")
            .unwrap();
    let Stmt::Command(c) = &stmts[0] else {
        panic!()
    };
    assert_eq!(c.args.words.len(), 3, "{c:#?}");
    let Part::Ident(call) = &c.args.words[2].parts[0] else {
        panic!("{c:#?}")
    };
    assert_eq!(call.name, "?");
    assert_eq!(call.mode, crate::ast::IdentMode::HaltIfEmpty);
    let args = call.args.as_ref().unwrap();
    assert_eq!(args[0].words.len(), 3);
    assert!(
        matches!(args[0].words[2].parts[..], [Part::Param { from: 1, .. }, Part::Lit(ref t)] if t == ":")
    );
    let Stmt::Command(c) = &stmts[1] else {
        panic!()
    };
    assert_eq!(c.args.words.len(), 2);
    let Part::Ident(call) = &c.args.words[0].parts[0] else {
        panic!("{c:#?}")
    };
    assert_eq!(call.name, "?*");
}
