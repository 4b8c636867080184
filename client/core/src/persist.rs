//! Files in the data folder that hold user data, in mIRC's formats: `users.ini` (the user
//! list) and `vars.ini` (global variables). Reading is lenient (unknown sections and lines
//! are skipped, as mIRC skips them); writing is atomic, so a crash or a kill in the middle of
//! a save leaves the previous file whole.
//!
//! ```text
//! [variables]
//! n0=%greeting Hello there
//! n1=%count 3
//! ```
//!
//! This module only converts and writes; when to save is the client's business.

use std::io::Write;
use std::path::Path;

/// The `nN=` values of section `[section]` of an ini text, in file order.
pub fn ini_section(text: &str, section: &str) -> Vec<String> {
    let mut inside = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let t = line.trim_start();
        if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            inside = name.trim().eq_ignore_ascii_case(section);
            continue;
        }
        if !inside {
            continue;
        }
        let Some((key, value)) = t.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.len() > 1
            && key.starts_with(['n', 'N'])
            && key[1..].bytes().all(|b| b.is_ascii_digit())
        {
            out.push(value.to_string());
        }
    }
    out
}

/// An ini text with one section whose values are numbered from `n0`.
pub fn ini_text<'a>(section: &str, values: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = format!("[{section}]\n");
    for (i, v) in values.into_iter().enumerate() {
        out.push_str(&format!("n{i}={v}\n"));
    }
    out
}

/// Writes `bytes` to `path` atomically: a temporary file beside it is written and synced,
/// then renamed over `path`.
///
/// # Errors
/// Whatever creating, writing, syncing or renaming the file gave.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// `vars.ini`: the `(name, value)` pairs of `[variables]` (`n0=%name value`), names without
/// the `%`.
pub fn parse_vars(text: &str) -> Vec<(String, String)> {
    ini_section(text, "variables")
        .into_iter()
        .filter_map(|v| {
            let v = v.strip_prefix('%')?;
            let (name, value) = v.split_once(' ').unwrap_or((v, ""));
            (!name.is_empty()).then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

/// The `vars.ini` text for `vars` (names without `%`).
pub fn vars_text<'a>(vars: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let lines: Vec<String> = vars
        .into_iter()
        .map(|(n, v)| {
            if v.is_empty() {
                format!("%{n}")
            } else {
                format!("%{n} {v}")
            }
        })
        .collect();
    ini_text("variables", lines.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    //! The formats must read what mIRC writes and write what mIRC reads.
    use super::*;

    #[test]
    fn reads_and_writes_vars() {
        let text = "; comment\r\n[other]\nn0=%no thanks\n[variables]\r\nn0=%greeting Hello there\r\nn1=%empty\nn2=junk\nx=%skip me\n";
        assert_eq!(
            parse_vars(text),
            [
                ("greeting".to_string(), "Hello there".to_string()),
                ("empty".to_string(), String::new()),
            ]
        );
        let out = vars_text([("a", "1".to_string()), ("b", String::new())]);
        assert_eq!(out, "[variables]\nn0=%a 1\nn1=%b\n");
        assert_eq!(parse_vars(&out).len(), 2);
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = std::env::temp_dir().join(format!("rustirc-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("vars.ini");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert!(!dir.join(".vars.ini.tmp").exists());
        std::fs::remove_dir_all(&dir).ok();
    }
}
