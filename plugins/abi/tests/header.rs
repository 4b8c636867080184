//! `include/rustirc_plugin.h` is generated from `sys` and committed; this fails when it is
//! stale. `RUSTIRC_UPDATE_HEADER=1 cargo test -p rustirc-plugin-abi --test header` rewrites it.

use std::path::Path;

#[test]
fn the_committed_header_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/rustirc_plugin.h");
    let want = rustirc_plugin_abi::sys::c_header();
    if std::env::var_os("RUSTIRC_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "include/rustirc_plugin.h is stale: run RUSTIRC_UPDATE_HEADER=1 cargo test -p rustirc-plugin-abi --test header"
    );
}

#[test]
fn the_header_compiles_as_c() {
    // The header is C a compiler accepts (and the table's size matches Rust's layout).
    let dir = std::env::temp_dir().join(format!("rustirc-abi-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("t.c");
    let size = std::mem::size_of::<rustirc_plugin_abi::sys::Host>();
    let ev = std::mem::size_of::<rustirc_plugin_abi::sys::Event>();
    std::fs::write(
        &src,
        format!(
            "#include \"rustirc_plugin.h\"\n\
             _Static_assert(sizeof(rustirc_host) == {size}, \"host table size\");\n\
             _Static_assert(sizeof(rustirc_event) == {ev}, \"event size\");\n\
             int main(void) {{ return 0; }}\n"
        ),
    )
    .unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let out = std::process::Command::new("cc")
        .args(["-std=c11", "-Wall", "-Werror", "-fsyntax-only", "-I"])
        .arg(&include)
        .arg(&src)
        .output()
        .expect("run cc");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
