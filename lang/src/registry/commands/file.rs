//! File commands: `/write`, `/writeini`, `/remini`, `/remove`, `/mkdir`, `/rmdir`, `/copy`,
//! `/rename`.
//!
//! Paths are confined to the files folder exactly as the file identifiers are (see
//! [`resolve`]); names with spaces are written in double quotes. Files are written with CRLF
//! line ends. Whole-file rewrites (`/write -l…`, INI edits) go through a temporary file and a
//! rename, so a crash never leaves half a file; plain `/write file text` appends in place.
//! `/fopen` and friends, `/filter` and binary-variable commands are not here.

use super::hash::{insufficient, Switches, Toks};
use crate::error::{cmd_err, RunResult};
use crate::registry::idents::file::{read_text, resolve_for, split_lines, write_atomic, IniDoc};
use crate::registry::idents::regex;
use crate::registry::{CmdArgs, CommandSpec, Cx};
use crate::wild::wildmatch;
use std::io::Write;

/// The file family table.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "write",
        run: write,
    },
    CommandSpec {
        name: "writeini",
        run: writeini,
    },
    CommandSpec {
        name: "remini",
        run: remini,
    },
    CommandSpec {
        name: "remove",
        run: remove,
    },
    CommandSpec {
        name: "mkdir",
        run: mkdir,
    },
    CommandSpec {
        name: "rmdir",
        run: rmdir,
    },
    CommandSpec {
        name: "copy",
        run: copy,
    },
    CommandSpec {
        name: "rename",
        run: rename,
    },
];

/// Reads every leading switch word (`-c`, `-l5`, `-s"some text"`), merging them;
/// `text_letters` take the rest of their word as text.
fn all_switches(t: &mut Toks<'_>, text_letters: &str) -> Switches {
    let mut sw = Switches::default();
    loop {
        let save = t.clone();
        match t.next_tok() {
            Some(w) if w.len() > 1 && w.starts_with('-') => {
                let mut word = w.into_owned();
                // A quoted switch text may span several tokens: -s"hello world".
                if let Some(q) = word.find('"') {
                    if !word[q + 1..].contains('"') {
                        while let Some(more) = t.next_tok() {
                            word.push(' ');
                            word.push_str(&more);
                            if more.contains('"') {
                                break;
                            }
                        }
                    }
                }
                sw.merge(Switches::parse_with_text(&word[1..], text_letters));
            }
            _ => {
                *t = save;
                return sw;
            }
        }
    }
}

/// `/write [-cidna] [-lN] [-s<text>] [-w<mask>] [-r<re>] file [text]`: appends a line, or
/// with a target line (`-lN`, first line starting with `-s` text, matching `-w` or `-r`)
/// replaces it, inserts before it (`-i`), deletes it (`-d`) or appends to it (`-a`).
/// `-c` empties the file first; `-n` adds no line end after the text.
///
/// ```mrc
/// write -l1 notes.txt first line
/// ```
fn write(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = all_switches(&mut t, "swr");
    let file = t.next_path().ok_or_else(|| insufficient("write"))?;
    let text = t.rest();
    let text = text.as_str();
    let path = resolve_for(cx, &file, true)?;
    let targeted =
        sw.has('l') || sw.text('s').is_some() || sw.text('w').is_some() || sw.text('r').is_some();
    if !targeted && !sw.has('d') && !sw.has('a') && !sw.has('c') {
        // The common case: append one line without reading the file.
        cx.st.check_len(text.len())?;
        cx.charge(text.len() / 64 + 1)?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| cmd_err(format!("/write: unable to open '{file}' ({})", e.kind())))?;
        let eol = if sw.has('n') { "" } else { "\r\n" };
        return f
            .write_all(format!("{text}{eol}").as_bytes())
            .map_err(|e| cmd_err(format!("/write: unable to write '{file}' ({})", e.kind())));
    }
    let old = if sw.has('c') || !path.exists() {
        String::new()
    } else {
        read_text(&path, "write")?
    };
    cx.charge(old.len() / 16 + 1)?;
    let unterminated = !old.is_empty() && !old.ends_with('\n');
    let mut lines: Vec<String> = split_lines(&old).into_iter().map(str::to_string).collect();
    let target: Option<usize> = if let Some(n) = sw.num('l').filter(|_| sw.has('l')) {
        usize::try_from(n.max(1) - 1).ok()
    } else if let Some(s) = sw.text('s') {
        lines.iter().position(|l| {
            l.get(..s.len()).is_some_and(|h| h.eq_ignore_ascii_case(s))
                && matches!(l.as_bytes().get(s.len()), None | Some(b' '))
        })
    } else if let Some(m) = sw.text('w') {
        lines.iter().position(|l| wildmatch(m, l, false))
    } else if let Some(re) = sw.text('r') {
        let mut found = None;
        for (i, l) in lines.iter().enumerate() {
            if regex::is_match(cx.st, re, l)? {
                found = Some(i);
                break;
            }
        }
        found
    } else {
        None
    };
    if targeted && target.is_none() && (sw.has('d') || sw.has('a')) {
        return Ok(());
    }
    let last = lines.len().checked_sub(1);
    if sw.has('d') {
        if let Some(i) = target.or(last) {
            if i < lines.len() {
                lines.remove(i);
            }
        }
    } else if sw.has('a') {
        match target.or(last) {
            Some(i) => {
                pad(&mut lines, i + 1);
                lines[i].push_str(&text);
            }
            None => lines.push(text.to_string()),
        }
    } else if sw.has('i') {
        match target {
            Some(i) => {
                pad(&mut lines, i);
                lines.insert(i, text.to_string());
            }
            None => lines.push(text.to_string()),
        }
    } else {
        match target {
            Some(i) => {
                pad(&mut lines, i + 1);
                lines[i] = text.to_string();
            }
            None if sw.has('c') && text.is_empty() => {}
            None => lines.push(text.to_string()),
        }
    }
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        let final_line = i + 1 == lines.len();
        if !(final_line && (sw.has('n') || (unterminated && !targeted && sw.has('a')))) {
            out.push_str("\r\n");
        }
    }
    cx.st.check_len(out.len())?;
    write_atomic(&path, out.as_bytes(), "write")
}

/// Adds empty lines until `lines` has `n`.
fn pad(lines: &mut Vec<String>, n: usize) {
    while lines.len() < n {
        lines.push(String::new());
    }
}

/// `/writeini [-z] file section item value`: sets `item=value` in `[section]`, keeping every
/// other line in place (`-z` allows an empty value).
///
/// ```mrc
/// writeini settings.ini main nick bob
/// ```
fn writeini(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let file = t.next_path().ok_or_else(|| insufficient("writeini"))?;
    let section = t.next_tok().ok_or_else(|| insufficient("writeini"))?;
    let item = t.next_tok().ok_or_else(|| insufficient("writeini"))?;
    let value = t.rest();
    if value.is_null() && !sw.has('z') {
        return Err(insufficient("writeini"));
    }
    let path = resolve_for(cx, &file, true)?;
    let mut doc = if path.exists() {
        IniDoc::parse(&read_text(&path, "writeini")?)
    } else {
        IniDoc::default()
    };
    doc.set(&section, &item, &value.as_str());
    let out = doc.render();
    cx.charge(out.len() / 16 + 1)?;
    write_atomic(&path, out.as_bytes(), "writeini")
}

/// `/remini file section [item]`: removes an item, or the whole section.
///
/// ```mrc
/// remini settings.ini main nick
/// ```
fn remini(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let _ = t.switches();
    let file = t.next_path().ok_or_else(|| insufficient("remini"))?;
    let section = t.next_tok().ok_or_else(|| insufficient("remini"))?;
    let item = t.next_tok();
    let path = resolve_for(cx, &file, true)?;
    if !path.exists() {
        return Ok(());
    }
    let mut doc = IniDoc::parse(&read_text(&path, "remini")?);
    let changed = match &item {
        Some(item) => doc.remove_item(&section, item),
        None => doc.remove_section(&section),
    };
    if changed {
        let out = doc.render();
        cx.charge(out.len() / 16 + 1)?;
        write_atomic(&path, out.as_bytes(), "remini")?;
    }
    Ok(())
}

/// `/remove [-b] file`: deletes a file; a missing file is not an error.
///
/// ```mrc
/// remove old.log
/// ```
fn remove(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let _ = t.switches();
    let file = t.next_path().ok_or_else(|| insufficient("remove"))?;
    let path = resolve_for(cx, &file, true)?;
    if path.is_dir() {
        return Err(cmd_err(format!(
            "/remove: '{file}' is a folder (use /rmdir)"
        )));
    }
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(cmd_err(format!(
            "/remove: unable to remove '{file}' ({})",
            e.kind()
        ))),
        _ => Ok(()),
    }
}

/// `/mkdir dir`: creates a folder (and missing parents); an existing one is fine.
///
/// ```mrc
/// mkdir logs
/// ```
fn mkdir(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let dir = t.next_path().ok_or_else(|| insufficient("mkdir"))?;
    let path = resolve_for(cx, &dir, true)?;
    std::fs::create_dir_all(&path)
        .map_err(|e| cmd_err(format!("/mkdir: unable to create '{dir}' ({})", e.kind())))
}

/// `/rmdir dir`: removes an empty folder.
///
/// ```mrc
/// rmdir logs
/// ```
fn rmdir(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let dir = t.next_path().ok_or_else(|| insufficient("rmdir"))?;
    let path = resolve_for(cx, &dir, true)?;
    if path == *cx.st.files_root.as_ref().expect("resolved under a root") {
        return Err(cmd_err("/rmdir: cannot remove the files folder itself"));
    }
    std::fs::remove_dir(&path)
        .map_err(|e| cmd_err(format!("/rmdir: unable to remove '{dir}' ({})", e.kind())))
}

/// `/copy [-ao] from to`: copies a file (into `to` when it is a folder); `-o` overwrites,
/// `-a` appends.
///
/// ```mrc
/// copy -o data.ini backup/data.ini
/// ```
fn copy(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let from_name = t.next_path().ok_or_else(|| insufficient("copy"))?;
    let to_name = t.next_path().ok_or_else(|| insufficient("copy"))?;
    let from = resolve_for(cx, &from_name, false)?;
    let mut to = resolve_for(cx, &to_name, true)?;
    if to.is_dir() {
        if let Some(name) = from.file_name() {
            to.push(name);
        }
    }
    let bytes = std::fs::read(&from).map_err(|e| {
        cmd_err(format!(
            "/copy: unable to open '{from_name}' ({})",
            e.kind()
        ))
    })?;
    cx.charge(bytes.len() / 64 + 1)?;
    if sw.has('a') {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&to)
            .map_err(|e| cmd_err(format!("/copy: unable to open '{to_name}' ({})", e.kind())))?;
        return f
            .write_all(&bytes)
            .map_err(|e| cmd_err(format!("/copy: unable to write '{to_name}' ({})", e.kind())));
    }
    if to.exists() && !sw.has('o') {
        return Err(cmd_err(format!(
            "/copy: '{to_name}' already exists (use -o to overwrite)"
        )));
    }
    write_atomic(&to, &bytes, "copy")
}

/// `/rename [-fo] old new`: renames or moves a file or folder; `-f`/`-o` overwrite a file.
///
/// ```mrc
/// rename today.log yesterday.log
/// ```
fn rename(cx: &mut Cx, args: &CmdArgs<'_>) -> RunResult<()> {
    let mut t = Toks::new(args.words);
    let sw = t.switches();
    let from_name = t.next_path().ok_or_else(|| insufficient("rename"))?;
    let to_name = t.next_path().ok_or_else(|| insufficient("rename"))?;
    let from = resolve_for(cx, &from_name, true)?;
    let to = resolve_for(cx, &to_name, true)?;
    if !from.exists() {
        return Err(cmd_err(format!("/rename: no such file '{from_name}'")));
    }
    if to.exists() && !(sw.has('f') || sw.has('o')) {
        return Err(cmd_err(format!("/rename: '{to_name}' already exists")));
    }
    std::fs::rename(&from, &to).map_err(|e| {
        cmd_err(format!(
            "/rename: unable to rename '{from_name}' ({})",
            e.kind()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordingHost;
    use crate::state::State;
    use crate::value::Value;
    use std::path::PathBuf;

    /// A unique scratch folder and a state rooted in it; the folder is removed on drop.
    struct Scratch(PathBuf, State);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("rustirc-cmd-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let mut st = State {
                files_root: Some(dir.clone()),
                ..State::default()
            };
            st.begin_run(0);
            Scratch(dir, st)
        }

        fn run(&mut self, f: crate::registry::CommandFn, line: &str) -> RunResult<()> {
            let words: Vec<Value> = line.split(' ').map(Value::text).collect();
            let mut host = RecordingHost::default();
            f(
                &mut Cx {
                    st: &mut self.1,
                    host: &mut host,
                },
                &CmdArgs {
                    name: "test",
                    words: &words,
                    silent: false,
                },
            )
        }

        fn read(&self, name: &str) -> String {
            std::fs::read_to_string(self.0.join(name)).unwrap_or_default()
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn write_lines() {
        let mut s = Scratch::new("write");
        s.run(write, "f.txt one").unwrap();
        s.run(write, "f.txt two words").unwrap();
        assert_eq!(s.read("f.txt"), "one\r\ntwo words\r\n");
        s.run(write, "-l1 f.txt first").unwrap();
        s.run(write, "-il2 f.txt inserted").unwrap();
        assert_eq!(s.read("f.txt"), "first\r\ninserted\r\ntwo words\r\n");
        s.run(write, "-dl2 f.txt").unwrap();
        s.run(write, "-stwo f.txt 2 lines").unwrap();
        assert_eq!(s.read("f.txt"), "first\r\n2 lines\r\n");
        s.run(write, "-al1 f.txt !").unwrap();
        s.run(write, "-l4 f.txt four").unwrap();
        assert_eq!(s.read("f.txt"), "first!\r\n2 lines\r\n\r\nfour\r\n");
        s.run(write, "-d -r^\\d f.txt").unwrap();
        assert_eq!(s.read("f.txt"), "first!\r\n\r\nfour\r\n");
        s.run(write, "-c f.txt fresh").unwrap();
        assert_eq!(s.read("f.txt"), "fresh\r\n");
        s.run(write, "-d f.txt").unwrap();
        assert_eq!(s.read("f.txt"), "");
        s.run(write, "-n g.txt a").unwrap();
        s.run(write, "-n g.txt b").unwrap();
        assert_eq!(s.read("g.txt"), "ab");
        s.run(write, "-s\"first! x\" f.txt nothing").unwrap();
        assert!(s.run(write, "../out.txt x").is_err());
    }

    #[test]
    fn write_wildcard_target() {
        let mut s = Scratch::new("writew");
        s.run(write, "f.txt alpha").unwrap();
        s.run(write, "f.txt beta").unwrap();
        s.run(write, "-w*ET* f.txt gamma").unwrap();
        assert_eq!(s.read("f.txt"), "alpha\r\ngamma\r\n");
    }

    #[test]
    fn ini_commands() {
        let mut s = Scratch::new("ini");
        std::fs::write(s.0.join("s.ini"), "[keep]\r\na=1\r\n").unwrap();
        s.run(writeini, "s.ini main nick bob smith").unwrap();
        s.run(writeini, "s.ini main port 6667").unwrap();
        s.run(writeini, "s.ini MAIN NICK alice").unwrap();
        assert_eq!(
            s.read("s.ini"),
            "[keep]\r\na=1\r\n[main]\r\nnick=alice\r\nport=6667\r\n"
        );
        assert!(s.run(writeini, "s.ini main empty").is_err());
        s.run(remini, "s.ini main port").unwrap();
        assert_eq!(s.read("s.ini"), "[keep]\r\na=1\r\n[main]\r\nnick=alice\r\n");
        s.run(remini, "s.ini keep").unwrap();
        assert_eq!(s.read("s.ini"), "[main]\r\nnick=alice\r\n");
        s.run(remini, "missing.ini x").unwrap();
    }

    #[test]
    fn file_system_commands() {
        let mut s = Scratch::new("fs");
        s.run(mkdir, "logs\\old").unwrap();
        assert!(s.0.join("logs/old").is_dir());
        s.run(write, "a.txt hi").unwrap();
        s.run(copy, "a.txt logs").unwrap();
        assert_eq!(s.read("logs/a.txt"), "hi\r\n");
        assert!(s.run(copy, "a.txt logs/a.txt").is_err());
        s.run(copy, "-a a.txt logs/a.txt").unwrap();
        assert_eq!(s.read("logs/a.txt"), "hi\r\nhi\r\n");
        s.run(rename, "a.txt b.txt").unwrap();
        assert!(!s.0.join("a.txt").exists() && s.0.join("b.txt").exists());
        assert!(s.run(rename, "a.txt c.txt").is_err());
        s.run(remove, "b.txt").unwrap();
        s.run(remove, "b.txt").unwrap();
        assert!(s.run(rmdir, "logs").is_err());
        s.run(rmdir, "logs/old").unwrap();
        assert!(!s.0.join("logs/old").exists());
        assert!(s.run(rmdir, ".").is_err());
        let mut none = State::default();
        let words = [Value::text("x")];
        let mut host = RecordingHost::default();
        let err = mkdir(
            &mut Cx {
                st: &mut none,
                host: &mut host,
            },
            &CmdArgs {
                name: "mkdir",
                words: &words,
                silent: false,
            },
        );
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("file access is not allowed"));
    }
}
