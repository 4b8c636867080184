//! docs/plugin-guide.md follows the code: its first C and Rust plugins are compiled, loaded
//! and used; every host function, required export and `/plugin` action is documented.

mod common;

use common::{dir, has};
use rustirc_native::testing::{build_c, build_rust_at, repo_root, TestHost};
use rustirc_native::Options;
use rustirc_plugin_abi::sys::{HOST_FUNCTIONS, REQUIRED_EXPORTS};
use std::path::Path;

fn guide() -> String {
    std::fs::read_to_string(repo_root().join("docs/plugin-guide.md")).unwrap()
}

/// The code block of language `lang` whose first line names `marker`.
fn block(text: &str, lang: &str, marker: &str) -> String {
    let fence = format!("```{lang}\n");
    let mut rest = text;
    while let Some(i) = rest.find(&fence) {
        let body = &rest[i + fence.len()..];
        let end = body.find("```").unwrap();
        if body.lines().next().is_some_and(|l| l.contains(marker)) {
            return body[..end].to_string();
        }
        rest = &body[end..];
    }
    panic!("no ```{lang} block marked {marker} in the guide");
}

fn exercise(t: &mut TestHost) {
    t.type_line("/hello Ann");
    assert!(has(&t.take_shown(), "Hello, Ann!"));
    t.type_line("/hello");
    assert!(has(&t.take_shown(), "Hello, world!"));
    t.recv(":alice!a@a.host JOIN #c");
    let sent = t.take_sent();
    assert!(sent.iter().any(|l| l == "PRIVMSG #c :hi alice"), "{sent:?}");
}

#[test]
fn the_first_c_plugin_builds_and_works() {
    let d = dir("guide-c");
    let src = d.join("hello.c");
    std::fs::write(&src, block(&guide(), "c", "guide: hello.c")).unwrap();
    let lib = build_c(&src, &d.join("libhello.so"), &["-Werror"]).unwrap();
    let mut t = TestHost::new(Options::default());
    assert!(has(&t.load(&lib), "hello 1.0 loaded"));
    exercise(&mut t);
}

#[test]
fn the_first_rust_plugin_builds_and_works() {
    let d = dir("guide-rust");
    std::fs::create_dir_all(d.join("src")).unwrap();
    let abi = repo_root().join("plugins/abi").canonicalize().unwrap();
    std::fs::write(
        d.join("Cargo.toml"),
        format!(
            "[package]\nname = \"hello\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n\
             [dependencies]\nrustirc-plugin-abi = {{ path = \"{}\" }}\n\n[workspace]\n",
            abi.display()
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("src/lib.rs"),
        block(&guide(), "rust", "guide: hello.rs"),
    )
    .unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-builds-guide");
    let lib = build_rust_at(&d.join("Cargo.toml"), None, "hello", &target).unwrap();
    let mut t = TestHost::new(Options::default());
    assert!(has(&t.load(&lib), "hello 1.0.0 loaded"));
    exercise(&mut t);
}

#[test]
fn every_function_export_and_action_is_documented() {
    let g = guide();
    for (name, ..) in HOST_FUNCTIONS {
        assert!(
            g.contains(&format!("`{name}(ctx")),
            "host function {name} is not in the guide's table"
        );
    }
    for name in REQUIRED_EXPORTS {
        assert!(g.contains(name), "{name} is not in the guide");
    }
    for action in [
        "load", "unload", "reload", "enable", "disable", "list", "info",
    ] {
        assert!(
            g.contains(&format!("/plugin {action}")),
            "/plugin {action} is not in the guide"
        );
    }
    assert!(g.contains("rustirc plugin info PATH"));
}
