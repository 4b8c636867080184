//! What the plugin tests share: compiled plugins in a folder of the test target.
#![allow(dead_code)]

use rustirc_native::testing::{build_c, build_rust, repo_root};
use rustirc_native::Options;
use std::path::{Path, PathBuf};

/// A fresh folder for one test.
pub fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("native-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Compiles one of the C plugins (`plugins/examples/c/greeter.c`, `plugins/native/tests/c/segv.c`
/// …) into `dir` as `lib<out>.so`.
pub fn c_plugin(src: &str, dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    build_c(
        &repo_root().join(src),
        &dir.join(format!("lib{out}.so")),
        extra,
    )
    .unwrap()
}

/// Builds a workspace cdylib package with cargo (into a target folder the tests share).
pub fn rust_plugin(package: &str, lib: &str) -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-builds");
    build_rust(package, lib, &target).unwrap()
}

/// Options with the isolated plugin host built beside the tests and a short backoff.
pub fn options(isolated: &[&str], unit_ms: u64) -> Options {
    Options {
        isolated: isolated.iter().map(|s| (*s).to_string()).collect(),
        backoff_unit_ms: unit_ms,
        host: Some(PathBuf::from(env!("CARGO_BIN_EXE_rustirc-native-host"))),
        ..Options::default()
    }
}

pub fn has(lines: &[String], part: &str) -> bool {
    lines.iter().any(|l| l.contains(part))
}
