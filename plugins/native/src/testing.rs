//! Helpers for testing plugins: compile a C or Rust plugin, and a [`TestHost`] that loads
//! plugins into a real client (registered as `me` on `#c` beside `bob`, with no network) and
//! feeds it server lines and typed commands.
//!
//! ```no_run
//! use rustirc_native::testing::{build_c, TestHost};
//! let lib = build_c("greeter.c".as_ref(), "libgreeter.so".as_ref(), &[]).unwrap();
//! let mut t = TestHost::new(Default::default());
//! t.load(&lib);
//! t.recv(":alice!a@host JOIN #c");
//! assert!(t.take_sent().iter().any(|l| l.contains("Welcome to #c, alice!")));
//! ```

use crate::{NativeEngine, Options};
use rustirc_core::client::Client;
use rustirc_core::state::{Config, Input};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

/// The repository's root (where this crate was built from).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder holding `rustirc_plugin.h`.
pub fn abi_include() -> PathBuf {
    repo_root().join("plugins/abi/include")
}

/// Compiles the C plugin `src` to the shared library `out` with `cc` (`extra` flags added).
///
/// # Errors
/// The compiler's output when it fails.
pub fn build_c(src: &Path, out: &Path, extra: &[&str]) -> Result<PathBuf, String> {
    let o = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-shared", "-fPIC", "-O1", "-Wall", "-I"])
        .arg(abi_include())
        .args(extra)
        .arg("-o")
        .arg(out)
        .arg(src)
        .output()
        .map_err(|e| format!("cannot run cc: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "cc failed on {}:\n{}",
            src.display(),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(out.to_path_buf())
}

/// Builds the workspace's cdylib package `package` (debug) into `target_dir` with cargo and
/// returns `lib<lib_name>.so` (or the platform's name for it).
///
/// # Errors
/// Cargo's output when it fails.
pub fn build_rust(package: &str, lib_name: &str, target_dir: &Path) -> Result<PathBuf, String> {
    build_rust_at(
        &repo_root().join("Cargo.toml"),
        Some(package),
        lib_name,
        target_dir,
    )
}

/// Builds the crate of `manifest` (`package` in it, if given) into `target_dir`.
///
/// # Errors
/// Cargo's output when it fails.
pub fn build_rust_at(
    manifest: &Path,
    package: Option<&str>,
    lib_name: &str,
    target_dir: &Path,
) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(manifest);
    if let Some(p) = package {
        cmd.args(["-p", p]);
    }
    let o = cmd
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "cargo build failed:\n{}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(target_dir.join("debug").join(lib_file(lib_name)))
}

/// `libNAME.so`, `libNAME.dylib` or `NAME.dll`.
pub fn lib_file(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.dll")
    } else {
        format!("lib{name}.{}", crate::inspect::native_extension())
    }
}

/// A client with the native engine, registered as `me` on `#c` with `bob` there.
pub struct TestHost {
    /// The client.
    pub client: Client,
}

impl TestHost {
    /// A client whose native engine has `opts`.
    pub fn new(opts: Options) -> TestHost {
        let mut config = Config::new("me");
        config.caps.clear();
        let mut client = Client::new(config, rustirc_lang::Limits::default(), 1_000_000);
        client.add_engine(Rc::new(NativeEngine::new(opts)));
        client.input(Input::Connected);
        for line in [
            ":irc.test 001 me :Welcome me!me@host",
            ":irc.test 005 me PREFIX=(ov)@+ CHANTYPES=# NETWORK=Test :are supported",
            ":irc.test 376 me :End of /MOTD command.",
            ":me!me@host JOIN #c",
            ":bob!b@bob.host JOIN #c",
        ] {
            client.recv_line(line);
        }
        client.take_output();
        TestHost { client }
    }

    /// Loads the plugin at `path`; what the client showed.
    pub fn load(&mut self, path: &Path) -> Vec<String> {
        let bytes = std::fs::read(path).unwrap_or_default();
        self.client.load_script(&path.display().to_string(), &bytes);
        self.take_shown()
    }

    /// A line from the server.
    pub fn recv(&mut self, line: &str) {
        self.client.recv_line(line);
    }

    /// A line typed into `#c`.
    pub fn type_line(&mut self, line: &str) {
        self.client.type_line("#c", line);
    }

    /// Lets `ms` milliseconds pass (timers fire).
    pub fn advance(&mut self, ms: u64) {
        let now = self.client.now() + ms;
        self.client.tick(now);
    }

    /// The lines shown since the last call.
    pub fn take_shown(&mut self) -> Vec<String> {
        let out = self.client.take_output();
        out.shown.into_iter().map(|(_, t)| t).collect()
    }

    /// The lines sent to the server since the last call (what was shown is dropped).
    pub fn take_sent(&mut self) -> Vec<String> {
        self.client.take_output().sent
    }

    /// Both, from one take: (shown, sent).
    pub fn take(&mut self) -> (Vec<String>, Vec<String>) {
        let out = self.client.take_output();
        (out.shown.into_iter().map(|(_, t)| t).collect(), out.sent)
    }
}
