//! `/plugin reload` picks up a rebuilt Rust plugin: the rainbow example is built, loaded and
//! used, then built again with another version and palette over the same file, and reloaded.
//! (glibc keeps a Rust cdylib with thread-local destructors mapped after it is closed; the
//! engine opens a fresh copy of the file on each load, so the new code runs.)

mod common;

use common::{dir, has, rust_plugin};
use rustirc_native::testing::{build_rust_at, repo_root, TestHost};
use rustirc_native::Options;
use std::path::Path;

#[test]
fn a_rebuilt_rust_plugin_is_picked_up_by_reload() {
    let d = dir("reload");
    let v1 = rust_plugin("rustirc-example-rainbow", "rainbow");

    // Version 2: the same crate with another version and its first colour changed.
    let src = d.join("rainbow2");
    std::fs::create_dir_all(src.join("src")).unwrap();
    let abi = repo_root().join("plugins/abi").canonicalize().unwrap();
    std::fs::write(
        src.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rustirc-example-rainbow\"\nversion = \"2.0.0\"\nedition = \"2021\"\n\n\
             [lib]\nname = \"rainbow\"\ncrate-type = [\"cdylib\"]\n\n\
             [dependencies]\nrustirc-plugin-abi = {{ path = \"{}\" }}\n\n[workspace]\n",
            abi.display()
        ),
    )
    .unwrap();
    let code =
        std::fs::read_to_string(repo_root().join("plugins/examples/rainbow/src/lib.rs")).unwrap();
    let changed = code.replace("[u8; 7] = [4, 7,", "[u8; 7] = [5, 7,");
    assert_ne!(code, changed, "the palette moved; update this test");
    std::fs::write(src.join("src/lib.rs"), changed).unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-builds-v2");
    let v2 = build_rust_at(&src.join("Cargo.toml"), None, "rainbow", &target).unwrap();

    let installed = d.join("librainbow.so");
    std::fs::copy(&v1, &installed).unwrap();
    let mut t = TestHost::new(Options::default());
    let shown = t.load(&installed);
    assert!(has(&shown, "rainbow 1.0.0 loaded"), "{shown:?}");
    t.type_line("/rainbow ab");
    assert!(t
        .take_sent()
        .iter()
        .any(|l| l.ends_with("\x0304a\x0307b\x03")));

    std::fs::copy(&v2, &installed).unwrap();
    t.type_line("/plugin reload rainbow");
    let shown = t.take_shown();
    assert!(
        has(&shown, "rainbow 2.0.0 loaded") && has(&shown, "Reloaded script"),
        "{shown:?}"
    );
    t.type_line("/rainbow ab");
    let sent = t.take_sent();
    assert!(
        sent.iter().any(|l| l.ends_with("\x0305a\x0307b\x03")),
        "{sent:?}"
    );

    // And back to the first build.
    std::fs::copy(&v1, &installed).unwrap();
    t.type_line("/plugin reload librainbow.so");
    assert!(has(&t.take_shown(), "rainbow 1.0.0 loaded"));
    t.type_line("/rainbow ab");
    assert!(t
        .take_sent()
        .iter()
        .any(|l| l.ends_with("\x0304a\x0307b\x03")));
}
