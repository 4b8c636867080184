//! The built-in scripts (`stdlib-scripts/*.mrc`, documented in `docs/stdlib.md`): their text is
//! compiled into the client, and [`install`] copies each one into the data folder, as
//! `scripts/stdlib/NAME.mrc`, where the client loads it from and the user may edit it.
//!
//! A copy the user has edited is never replaced. The text last installed is kept beside it
//! (`scripts/stdlib/.shipped/NAME.mrc`), so an upgrade can tell an untouched copy (replaced by
//! the new version) from an edited one (kept; the new version is written next to it as
//! `NAME.mrc.new` and a note says so).
//!
//! This module does not load the scripts; the caller loads the paths [`install`] returns.

use crate::persist::write_atomic;
use std::path::{Path, PathBuf};

/// The built-in scripts, as (name, text), in the order they load.
pub const SCRIPTS: &[(&str, &str)] = &[
    (
        "autoaway",
        include_str!("../../../stdlib-scripts/autoaway.mrc"),
    ),
    (
        "autorejoin",
        include_str!("../../../stdlib-scripts/autorejoin.mrc"),
    ),
    (
        "highlight",
        include_str!("../../../stdlib-scripts/highlight.mrc"),
    ),
    (
        "logging",
        include_str!("../../../stdlib-scripts/logging.mrc"),
    ),
];

/// The folder of the installed copies in the data folder `data`.
pub fn folder(data: &Path) -> PathBuf {
    data.join("scripts").join("stdlib")
}

/// Checks that every name in `disabled` is a built-in script.
///
/// # Errors
/// The first unknown name, with the names there are.
pub fn check_names(disabled: &[String]) -> Result<(), String> {
    for d in disabled {
        if !SCRIPTS.iter().any(|(n, _)| n.eq_ignore_ascii_case(d)) {
            let names: Vec<&str> = SCRIPTS.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "[stdlib] disable: there is no built-in script '{d}' (there are {})",
                names.join(", ")
            ));
        }
    }
    Ok(())
}

/// A built-in script ready to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    /// Its name (`highlight`).
    pub name: &'static str,
    /// The copy in the data folder to load.
    pub path: PathBuf,
    /// What happened to the copy, when the user should know: it was updated, or it was kept
    /// because the user edited it.
    pub note: Option<String>,
}

/// Makes sure each built-in script not in `disabled` has its copy in the data folder `data`
/// (see the module docs) and returns them in load order.
///
/// # Errors
/// When a file cannot be read or written.
pub fn install(data: &Path, disabled: &[String]) -> std::io::Result<Vec<Installed>> {
    let dir = folder(data);
    let shipped_dir = dir.join(".shipped");
    std::fs::create_dir_all(&shipped_dir)?;
    let mut out = Vec::new();
    for (name, text) in SCRIPTS {
        if disabled.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            continue;
        }
        let file = format!("{name}.mrc");
        let path = dir.join(&file);
        let shipped = shipped_dir.join(&file);
        let write = |p: &Path, t: &str| {
            write_atomic(p, t.as_bytes())
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        };
        let mut note = None;
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write(&path, text)?;
                write(&shipped, text)?;
            }
            Err(e) => return Err(e),
            Ok(current) if current == *text => {
                if std::fs::read_to_string(&shipped).ok().as_deref() != Some(text) {
                    write(&shipped, text)?;
                }
            }
            Ok(current) => {
                let last = std::fs::read_to_string(&shipped).ok();
                if last.as_deref() == Some(current.as_str()) {
                    // Untouched since we installed it: the new version replaces it.
                    write(&path, text)?;
                    write(&shipped, text)?;
                    note = Some(format!("{} was updated to this version's", path.display()));
                } else {
                    // Edited by the user: kept. The new version goes beside it, once.
                    let new = dir.join(format!("{file}.new"));
                    if std::fs::read_to_string(&new).ok().as_deref() != Some(text)
                        && last.as_deref() != Some(text)
                    {
                        write(&new, text)?;
                        note = Some(format!(
                            "{} is your own edited copy and is kept; this version's is in {}",
                            path.display(),
                            new.display()
                        ));
                    }
                    if last.as_deref() != Some(text) {
                        write(&shipped, text)?;
                    }
                }
            }
        }
        out.push(Installed { name, path, note });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("rustirc-stdlib-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn installs_every_script_once_and_skips_the_disabled() {
        let d = temp("install");
        let got = install(&d, &["Logging".to_string()]).unwrap();
        let names: Vec<&str> = got.iter().map(|i| i.name).collect();
        assert_eq!(names, ["autoaway", "autorejoin", "highlight"]);
        for i in &got {
            assert!(i.note.is_none());
            let text = std::fs::read_to_string(&i.path).unwrap();
            assert!(text.contains(&format!("{}.mrc", i.name)), "{}", i.name);
        }
        assert!(!folder(&d).join("logging.mrc").exists());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn an_edited_copy_is_kept_and_an_untouched_one_updated() {
        let d = temp("upgrade");
        install(&d, &[]).unwrap();
        let dir = folder(&d);
        // An older version was installed and left untouched: the new one replaces it.
        std::fs::write(dir.join("autoaway.mrc"), "; old version\n").unwrap();
        std::fs::write(dir.join(".shipped/autoaway.mrc"), "; old version\n").unwrap();
        // The user edited highlight.mrc after an older version was installed.
        std::fs::write(dir.join("highlight.mrc"), "; mine\n").unwrap();
        std::fs::write(dir.join(".shipped/highlight.mrc"), "; old version\n").unwrap();
        let got = install(&d, &[]).unwrap();
        let note = |n: &str| got.iter().find(|i| i.name == n).unwrap().note.clone();
        assert!(note("autoaway").unwrap().contains("updated"));
        assert!(std::fs::read_to_string(dir.join("autoaway.mrc"))
            .unwrap()
            .contains("autoaway.mrc"));
        assert!(note("highlight").unwrap().contains("is kept"));
        assert_eq!(
            std::fs::read_to_string(dir.join("highlight.mrc")).unwrap(),
            "; mine\n"
        );
        assert!(std::fs::read_to_string(dir.join("highlight.mrc.new"))
            .unwrap()
            .contains("highlight.mrc"));
        // Next start: nothing more to say, and the edit is still there.
        let again = install(&d, &[]).unwrap();
        assert!(again.iter().all(|i| i.note.is_none()), "{again:?}");
        assert_eq!(
            std::fs::read_to_string(dir.join("highlight.mrc")).unwrap(),
            "; mine\n"
        );
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn unknown_names_are_refused() {
        assert!(check_names(&["highlight".into()]).is_ok());
        let e = check_names(&["hilight".into()]).unwrap_err();
        assert!(
            e.contains("'hilight'") && e.contains("autoaway, autorejoin"),
            "{e}"
        );
    }
}
