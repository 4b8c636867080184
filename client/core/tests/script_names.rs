//! `HOST_IDENTIFIERS` and `HOST_COMMANDS` list what the script host answers: each listed name
//! is answered through the host, and no other identifier or command of mIRC (as
//! docs/COMPATIBILITY.md lists them) is, beyond the language's own (`rustirc_lang::names`).

use rustirc_core::client::{Client, HOST_COMMANDS, HOST_IDENTIFIERS};
use rustirc_core::replay::START_MS;
use rustirc_core::state::{Config, Input};
use rustirc_lang::{names, Limits};

/// A client registered as `me` on #c with bob there.
fn client() -> Client {
    let mut config = Config::new("me");
    config.caps.clear();
    let mut c = Client::new(config, Limits::default(), START_MS);
    c.input(Input::Connected);
    for line in [
        ":irc.test 001 me :Welcome me!me@host",
        ":irc.test 005 me PREFIX=(ov)@+ CHANTYPES=# NETWORK=Test :are supported",
        ":irc.test 376 me :End of /MOTD command.",
        ":me!me@host JOIN #c",
        ":bob!b@bob.host JOIN #c",
    ] {
        c.recv_line(line);
    }
    c.take_output();
    c
}

/// Whether running `line` shows an "unknown …" error.
fn unknown(line: &str) -> bool {
    let mut c = client();
    c.run_command(line);
    c.take_output()
        .shown
        .iter()
        .any(|(_, t)| t.contains("unknown identifier") || t.contains("unknown command"))
}

fn ident_answered(n: &str) -> bool {
    ["", "(1)", "(#c,1)", "(1,1,1)", "(1,1,1,1)"]
        .iter()
        .any(|args| !unknown(&format!("//noop ${n}{args}")))
}

fn command_answered(n: &str) -> bool {
    !unknown(&format!("/{n} a b"))
}

#[test]
fn every_listed_name_is_answered() {
    assert!(!ident_answered("nosuchident") && !command_answered("nosuchcommand"));
    for n in HOST_IDENTIFIERS {
        assert!(ident_answered(n), "${n} is in HOST_IDENTIFIERS but unknown");
    }
    for n in HOST_COMMANDS {
        assert!(command_answered(n), "/{n} is in HOST_COMMANDS but unknown");
    }
}

/// Every `$name` and `/name` in the first column of docs/COMPATIBILITY.md's tables.
fn mirc_names() -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/COMPATIBILITY.md"
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
fn no_unlisted_name_is_answered() {
    let (idents, cmds) = mirc_names();
    let lang_i = names::identifiers();
    let lang_c = names::commands();
    let mut missing = Vec::new();
    for n in &idents {
        if lang_i.contains(&n.as_str()) || HOST_IDENTIFIERS.contains(&n.as_str()) {
            continue;
        }
        if ident_answered(n) {
            missing.push(format!("${n}"));
        }
    }
    for n in &cmds {
        let n = n.as_str();
        if lang_c.contains(&n)
            || names::KEYWORDS.contains(&n)
            || HOST_COMMANDS.contains(&n)
            || n.starts_with("timer")
        {
            continue;
        }
        if command_answered(n) {
            missing.push(format!("/{n}"));
        }
    }
    assert!(
        missing.is_empty(),
        "answered by the client but not in HOST_IDENTIFIERS / HOST_COMMANDS: {}",
        missing.join(" ")
    );
}
