//! `rustirc_lang::names` lists what the language answers itself: each listed identifier and
//! command is compiled to its own instruction (or found in the registry) and never reaches the
//! host, and every other identifier and command of mIRC (as docs/COMPATIBILITY.md lists them)
//! does reach it.

use rustirc_lang::names::{
    self, COMPILED_COMMANDS, COMPILED_IDENTS, INTRINSIC_COMMANDS, INTRINSIC_IDENTS, KEYWORDS,
};
use rustirc_lang::registry::Registry;
use rustirc_lang::{Engine, Limits, RecordingHost, RunErrorKind};

fn disasm(src: &str) -> String {
    let mut e = Engine::new(Limits::default());
    let report = e.load("t.mrc", src.as_bytes(), true);
    assert!(!report.has_errors(), "{src}: {:?}", report.diagnostics);
    report.disassembly
}

#[test]
fn compiled_identifiers_are_compiled_not_called() {
    for n in COMPILED_IDENTS.iter().chain(INTRINSIC_IDENTS) {
        let forms = [format!("${n}"), format!("${n}(a)"), format!("${n}(1 + 1)")];
        let own = forms.iter().any(|f| {
            let d = disasm(&format!("alias t return {f}\n"));
            !d.contains("callid")
        });
        // `$calc` falls back to the registry's when its text is not arithmetic.
        let own = own || Registry::standard().ident_id(n).is_some();
        assert!(
            own,
            "${n} is listed as compiled but is called as an identifier"
        );
    }
}

#[test]
fn compiled_commands_are_compiled_not_run() {
    for n in COMPILED_COMMANDS.iter().chain(INTRINSIC_COMMANDS) {
        let d = disasm(&format!(
            "alias t {{\n  while (1) {{\n    {n} x\n  }}\n  :x\n}}\n"
        ));
        assert!(
            !d.contains("run link") && !d.contains("run. link"),
            "/{n} is listed as compiled but runs as a command:\n{d}"
        );
    }
}

/// Every `$name` and `/name` in the first column of docs/COMPATIBILITY.md's tables.
fn mirc_names() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/COMPATIBILITY.md"
    ))
    .expect("docs/COMPATIBILITY.md");
    let (mut idents, mut cmds) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let Some(cell) = line.strip_prefix('|').and_then(|l| l.split('|').next()) else {
            continue;
        };
        for (sigil, out) in [('$', &mut idents), ('/', &mut cmds)] {
            for piece in cell.split(sigil).skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if name.starts_with(|c: char| c.is_ascii_alphabetic()) && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    (idents, cmds)
}

#[test]
fn no_other_identifier_or_command_is_answered_without_the_host() {
    let (idents, cmds) = mirc_names();
    assert!(
        idents.len() > 200 && cmds.len() > 80,
        "{} {}",
        idents.len(),
        cmds.len()
    );
    let known_i = names::identifiers();
    let known_c = names::commands();
    let mut missing = Vec::new();
    for n in &idents {
        if known_i.contains(&n.as_str()) {
            continue;
        }
        for form in [
            format!("${n}"),
            format!("${n}(1)"),
            format!("${n}(1,1)"),
            format!("${n}(1,1,1)"),
        ] {
            let mut e = Engine::new(Limits::default());
            let mut host = RecordingHost::default();
            match e.eval(&form, &mut host) {
                Err(err) if matches!(err.kind, RunErrorKind::UnknownIdent(_)) => {}
                _ => {
                    missing.push(format!("${n}"));
                    break;
                }
            }
        }
    }
    for n in &cmds {
        if known_c.contains(&n.as_str()) || KEYWORDS.contains(&n.as_str()) || n.starts_with("timer")
        {
            continue;
        }
        let mut e = Engine::new(Limits::default());
        let mut host = RecordingHost::default();
        match e.run_command(&format!("{n} a b"), &mut host) {
            Err(err) if matches!(err.kind, RunErrorKind::UnknownCommand(_)) => {}
            _ => missing.push(format!("/{n}")),
        }
    }
    assert!(
        missing.is_empty(),
        "answered by the language but not in rustirc_lang::names: {}",
        missing.join(" ")
    );
}
