//! Package archives: a gzip-compressed tar whose entries all sit in one folder named after the
//! package id (`greeter/greeter.mrc`, `greeter/data/words.txt`). Only regular files and folders
//! are accepted; an entry outside that folder (`..`, an absolute path, another top folder) or a
//! link of any kind refuses the whole archive before anything is written where it would land.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Packs `source` (a file, or a folder and everything in it) into a `.tar.gz` whose entries sit
/// in the folder `top`.
///
/// # Errors
/// When a file cannot be read, or the folder holds a link or something other than files.
pub fn pack(source: &Path, top: &str) -> Result<Vec<u8>, String> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let meta =
        std::fs::symlink_metadata(source).map_err(|e| format!("{}: {e}", source.display()))?;
    if meta.is_file() {
        let name = source
            .file_name()
            .ok_or_else(|| format!("{}: no file name", source.display()))?;
        add_file(&mut tar, source, &Path::new(top).join(name))?;
    } else if meta.is_dir() {
        let mut files = Vec::new();
        walk(source, Path::new(""), &mut files)?;
        files.sort();
        for rel in files {
            add_file(&mut tar, &source.join(&rel), &Path::new(top).join(&rel))?;
        }
    } else {
        return Err(format!(
            "{}: not a file or a folder (links are not packed)",
            source.display()
        ));
    }
    tar.into_inner()
        .and_then(flate2::write::GzEncoder::finish)
        .map_err(|e| format!("packing {}: {e}", source.display()))
}

fn add_file<W: std::io::Write>(
    tar: &mut tar::Builder<W>,
    file: &Path,
    name: &Path,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, bytes.as_slice())
        .map_err(|e| format!("packing {}: {e}", file.display()))
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let dir = root.join(rel);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries {
        let e = e.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ty = e
            .file_type()
            .map_err(|err| format!("{}: {err}", e.path().display()))?;
        let r = rel.join(&name);
        if ty.is_dir() {
            walk(root, &r, out)?;
        } else if ty.is_file() {
            out.push(r);
        } else {
            return Err(format!(
                "{}: links and special files are not packed",
                e.path().display()
            ));
        }
    }
    Ok(())
}

/// Unpacks the archive `bytes` into the folder `dest` (which must not exist yet): the contents
/// of its top folder `top` become the contents of `dest`.
///
/// # Errors
/// When the archive is not a gzip-compressed tar, or an entry escapes `top` or is a link or
/// a special file: the message names the entry. `dest` may then hold part of the archive; the
/// caller unpacks into a temporary folder and removes it.
pub fn unpack(bytes: &[u8], top: &str, dest: &Path) -> Result<(), String> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    std::fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    let entries = tar
        .entries()
        .map_err(|e| format!("not a tar.gz archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("not a tar.gz archive: {e}"))?;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let rel = inside(&raw, top)
            .map_err(|why| format!("the archive entry '{shown}' {why}; nothing was installed"))?;
        let ty = entry.header().entry_type();
        let target = dest.join(&rel);
        match ty {
            tar::EntryType::Directory => {
                std::fs::create_dir_all(&target)
                    .map_err(|e| format!("{}: {e}", target.display()))?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                if rel.as_os_str().is_empty() {
                    return Err(format!(
                        "the archive entry '{shown}' is a file in place of the folder '{top}'; nothing was installed"
                    ));
                }
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("{}: {e}", parent.display()))?;
                }
                let mut data = Vec::new();
                entry
                    .read_to_end(&mut data)
                    .map_err(|e| format!("reading '{shown}' from the archive: {e}"))?;
                std::fs::write(&target, &data).map_err(|e| format!("{}: {e}", target.display()))?;
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                return Err(format!(
                    "the archive entry '{shown}' is a link; packages may hold only files and folders; nothing was installed"
                ));
            }
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => {}
            other => {
                return Err(format!(
                    "the archive entry '{shown}' is not a file or folder ({other:?}); nothing was installed"
                ));
            }
        }
    }
    Ok(())
}

/// The path of an entry inside `top`, or why it is not there.
fn inside(raw: &[u8], top: &str) -> Result<PathBuf, &'static str> {
    let text = std::str::from_utf8(raw).map_err(|_| "has a name that is not UTF-8")?;
    if text.starts_with('/') || text.starts_with('\\') || text.contains(":\\") {
        return Err("has an absolute path");
    }
    let path = Path::new(text);
    let mut comps = path.components();
    match comps.next() {
        Some(Component::Normal(first)) if first == top => {}
        Some(Component::CurDir) => return Err("is not inside the package's folder"),
        Some(Component::ParentDir) => return Err("escapes the package's folder with '..'"),
        Some(Component::RootDir | Component::Prefix(_)) => return Err("has an absolute path"),
        _ => return Err("is not inside the package's folder"),
    }
    let mut rel = PathBuf::new();
    for c in comps {
        match c {
            Component::Normal(n) => rel.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err("escapes the package's folder with '..'"),
            Component::RootDir | Component::Prefix(_) => return Err("has an absolute path"),
        }
    }
    if text.split(['/', '\\']).any(|s| s == "..") {
        return Err("escapes the package's folder with '..'");
    }
    Ok(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_must_stay_inside() {
        assert_eq!(inside(b"a/x.mrc", "a").unwrap(), PathBuf::from("x.mrc"));
        assert_eq!(inside(b"a/", "a").unwrap(), PathBuf::new());
        assert!(inside(b"a/../x", "a").unwrap_err().contains(".."));
        assert!(inside(b"../x", "a").unwrap_err().contains(".."));
        assert!(inside(b"/etc/passwd", "a")
            .unwrap_err()
            .contains("absolute"));
        assert!(inside(b"b/x", "a").is_err());
    }
}
