//! The manifest of an mSL script: the block of `;` comments at the top of a `.mrc` file.
//!
//! ```mrc
//! ; name: weather
//! ; version: 1.2.0
//! ; author: Ann
//! ; description: Answers !weather with the forecast
//! ; permissions: network, file-read:/home/ann/forecasts
//! ; requires: 0.1
//! alias weather { … }
//! ```
//!
//! Keys are case-insensitive; lines of the block that are not `key: value` are comments; the
//! block ends at the first line that is neither a `;` comment nor blank. A field that is
//! missing gets its default: the name is the file's name, the others are empty. A script
//! whose `requires` is newer than this client does not load ([`check_requires`]).

use crate::host::engine::ScriptMeta;
use std::path::Path;

/// The manifest of the `.mrc` script `bytes` loaded from `file`.
pub fn parse_mrc(file: &str, bytes: &[u8]) -> ScriptMeta {
    let text = String::from_utf8_lossy(bytes);
    let mut meta = ScriptMeta {
        file: file.to_string(),
        ..ScriptMeta::default()
    };
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix(';') else {
            break;
        };
        let Some((key, value)) = comment.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => meta.name = value,
            "version" => meta.version = value,
            "author" => meta.author = value,
            "description" => meta.description = value,
            "requires" => meta.requires = value,
            "permissions" => {
                meta.permissions = value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            _ => {}
        }
    }
    if meta.name.is_empty() {
        meta.name = Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    }
    meta
}

/// Whether this client is new enough for `meta.requires` (compared part by part as numbers:
/// `0.10` is newer than `0.9`, `1` is `1.0.0`); the error names the script, its file, the
/// version it requires and ours.
///
/// # Errors
/// A newer client is required, or `requires` is not a version.
pub fn check_requires(meta: &ScriptMeta) -> Result<(), String> {
    let req = meta.requires.trim();
    if req.is_empty() {
        return Ok(());
    }
    let parts = |v: &str| -> Option<Vec<u64>> {
        v.trim()
            .split('.')
            .map(|p| p.trim().parse::<u64>().ok())
            .collect()
    };
    let ours = crate::VERSION;
    let (Some(mut a), Some(mut b)) = (parts(req), parts(ours)) else {
        return Err(format!(
            "{} ({}): requires: {req} is not a version (numbers separated by dots, like 0.2)",
            meta.name, meta.file
        ));
    };
    let n = a.len().max(b.len());
    a.resize(n, 0);
    b.resize(n, 0);
    if a > b {
        return Err(format!(
            "{} ({}) requires RustIRC {req} or later; this is RustIRC {ours}; not loaded",
            meta.name, meta.file
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_and_defaults() {
        let m = parse_mrc(
            "/s/w.mrc",
            b"; weather for the channel\n; Name: weather\n;version: 1.2\n; author: Ann\n; description: a: b\n; permissions: network, file-read:/x ,\n; requires: 0.1\n\nalias w { }\n; name: not this\n",
        );
        assert_eq!(m.name, "weather");
        assert_eq!(m.version, "1.2");
        assert_eq!(m.author, "Ann");
        assert_eq!(m.description, "a: b");
        assert_eq!(m.permissions, ["network", "file-read:/x"]);
        assert_eq!(m.requires, "0.1");
        let d = parse_mrc("/s/plain.mrc", b"alias x { }\n; name: late\n");
        assert_eq!(d.name, "plain.mrc");
        assert!(d.version.is_empty() && d.permissions.is_empty());
    }

    #[test]
    fn requires_is_compared_with_this_version() {
        let m = |r: &str| ScriptMeta {
            name: "x".into(),
            file: "x.mrc".into(),
            requires: r.into(),
            ..ScriptMeta::default()
        };
        assert!(check_requires(&m("")).is_ok());
        assert!(check_requires(&m("0.0.1")).is_ok());
        assert!(check_requires(&m(crate::VERSION)).is_ok());
        let e = check_requires(&m("999.0")).unwrap_err();
        assert!(
            e.starts_with("x (x.mrc) requires RustIRC 999.0 or later"),
            "{e}"
        );
        assert!(check_requires(&m("soon"))
            .unwrap_err()
            .contains("is not a version"));
    }

    #[test]
    fn the_built_in_scripts_declare_their_manifests() {
        for (name, text) in crate::stdlib::SCRIPTS {
            let m = parse_mrc(&format!("/d/scripts/stdlib/{name}.mrc"), text.as_bytes());
            assert_eq!(m.name, *name);
            assert!(!m.version.is_empty() && !m.description.is_empty(), "{name}");
            for p in &m.permissions {
                crate::permissions::Grant::parse(p).unwrap();
            }
        }
    }
}
