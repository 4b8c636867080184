//! The scripts folder (`scripts/` in the data folder): every script file directly in it —
//! `.mrc`, `.ini`, `.lua`, `.py` — is loaded at start, after the built-in scripts and the
//! scripts installed from the repository, in the order of their names, as WeeChat's autoload
//! folder and HexChat's addons folder do. Subfolders (`stdlib/`, `repo/`, a script's own data)
//! are not searched. `/load NAME` (and `/lua load`, `/py load`) also look for NAME here.

use std::path::{Path, PathBuf};

/// The file extensions of the scripts the folder holds.
pub const EXTENSIONS: &[&str] = &["mrc", "ini", "lua", "py"];

/// The scripts folder of the data folder `data`.
pub fn folder(data: &Path) -> PathBuf {
    data.join("scripts")
}

/// The scripts to load from the scripts folder of `data`, ordered by name (ignoring case). A
/// folder that does not exist holds none.
///
/// # Errors
/// When the folder exists but cannot be read.
pub fn scripts(data: &Path) -> std::io::Result<Vec<PathBuf>> {
    let dir = folder(data);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if wanted && !hidden && path.is_file() {
            found.push(path);
        }
    }
    found.sort_by_key(|p| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    });
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_scripts_directly_in_the_folder_by_name() {
        let data = std::env::temp_dir().join(format!("rustirc-autoload-{}", std::process::id()));
        let dir = folder(&data);
        std::fs::create_dir_all(dir.join("stdlib")).unwrap();
        for f in [
            "b.py",
            "A.lua",
            "c.mrc",
            "notes.txt",
            ".hidden.mrc",
            "stdlib/x.mrc",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<String> = scripts(&data)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["A.lua", "b.py", "c.mrc"]);
        std::fs::remove_dir_all(&data).unwrap();
        assert!(scripts(&data).unwrap().is_empty());
    }
}
