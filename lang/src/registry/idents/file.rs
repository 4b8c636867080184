//! File and INI identifiers: `$read`, `$readn`, `$readini`, `$ini`, `$lines`, `$isfile`,
//! `$isdir`, `$exists`, `$file`, `$findfile`, `$finddir`.
//!
//! Every path is confined to [`State::files_root`] by [`resolve`]: backslashes become `/`,
//! relative paths start at the root, `..` may not climb out of it, and an absolute path is
//! accepted only when it starts with the root's own path (scripts write `$mircdir\data.ini`).
//! With no root, every file operation fails with "file access is not allowed".
//!
//! `$read` and `$readini` return the raw line. Evaluating it (what mIRC does without the `n`
//! switch) is the VM's job: [`read_wants_eval`] says whether a `$read` call asked for it.
//! `$nopath`/`$nofile` live with the text identifiers. The shared helpers here ([`resolve`],
//! [`read_text`], [`write_atomic`], [`IniDoc`]) are used by the file and hash commands.

use crate::error::{cmd_err, RunResult};
use crate::registry::idents::regex;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::state::State;
use crate::value::{parse_plain_int, Value};
use crate::wild::wildmatch;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The file family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "read",
        arity: Arity::range(1, 4),
        run: read,
    },
    IdentSpec {
        name: "readn",
        arity: Arity::exact(0),
        run: readn,
    },
    IdentSpec {
        name: "readini",
        arity: Arity::range(3, 4),
        run: readini,
    },
    IdentSpec {
        name: "ini",
        arity: Arity::range(2, 3),
        run: ini,
    },
    IdentSpec {
        name: "lines",
        arity: Arity::exact(1),
        run: lines,
    },
    IdentSpec {
        name: "isfile",
        arity: Arity::exact(1),
        run: isfile,
    },
    IdentSpec {
        name: "isdir",
        arity: Arity::exact(1),
        run: isdir,
    },
    IdentSpec {
        name: "exists",
        arity: Arity::exact(1),
        run: exists,
    },
    IdentSpec {
        name: "file",
        arity: Arity::exact(1),
        run: file,
    },
    IdentSpec {
        name: "findfile",
        arity: Arity::range(3, 4),
        run: findfile,
    },
    IdentSpec {
        name: "finddir",
        arity: Arity::range(3, 4),
        run: finddir,
    },
];

/// Most directory entries `$findfile`/`$finddir` look at in one call.
const MAX_WALK: usize = 100_000;

/// Resolves a script path inside `st.files_root`, refusing anything outside it.
///
/// ```text
/// let p = resolve(st, "logs\\today.log")?; // <root>/logs/today.log
/// ```
pub fn resolve(st: &State, path: &str) -> RunResult<PathBuf> {
    let root = st
        .files_root
        .as_ref()
        .ok_or_else(|| cmd_err("file access is not allowed (no files folder is set)"))?;
    let norm = path.trim().trim_matches('"').replace('\\', "/");
    let root_text = root.to_string_lossy().replace('\\', "/");
    let root_text = root_text.trim_end_matches('/');
    let absolute = norm.starts_with('/') || norm.as_bytes().get(1) == Some(&b':');
    let rel: &str = if absolute {
        match norm.strip_prefix(root_text) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => return Err(outside(path)),
        }
    } else {
        &norm
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(outside(path));
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = root.clone();
    out.extend(&parts);
    check_links(root, &out, path)?;
    Ok(out)
}

/// [`resolve`], and for a path outside the files folder, the host's answer
/// ([`crate::Host::file_access`]: a script granted `file-read`/`file-write` there may use it).
/// `write` is whether the file is to be changed.
///
/// ```text
/// let p = resolve_for(cx, "/home/me/notes.txt", false)?; // when the host allows it
/// ```
pub fn resolve_for(cx: &mut Cx, path: &str, write: bool) -> RunResult<PathBuf> {
    let err = match resolve(cx.st, path) {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    let Some(root) = cx.st.files_root.clone() else {
        return Err(err);
    };
    let norm = path.trim().trim_matches('"').replace('\\', "/");
    let given = Path::new(&norm);
    let joined = if given.is_absolute() {
        given.to_path_buf()
    } else {
        root.join(given)
    };
    let mut target = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                target.pop();
            }
            c => target.push(c.as_os_str()),
        }
    }
    if target.starts_with(&root) {
        // Inside the folder but refused (a link out of it): the folder's rule stands.
        return Err(err);
    }
    match cx.host.file_access(cx.st.owner, &target, write) {
        None => Err(err),
        Some(Ok(())) => Ok(target),
        Some(Err(e)) => Err(cmd_err(e)),
    }
}

/// The error for a path that leaves the files folder.
fn outside(path: &str) -> crate::error::RunErrorKind {
    cmd_err(format!(
        "file access is not allowed: '{path}' is outside the files folder"
    ))
}

/// Refuses a path whose nearest existing ancestor leads outside `root` through a symlink.
fn check_links(root: &Path, path: &Path, shown: &str) -> RunResult<()> {
    let Ok(root) = root.canonicalize() else {
        return Ok(());
    };
    let mut probe = Some(path);
    while let Some(p) = probe {
        if let Ok(real) = p.canonicalize() {
            return if real.starts_with(&root) {
                Ok(())
            } else {
                Err(outside(shown))
            };
        }
        probe = p.parent();
    }
    Ok(())
}

/// Reads a whole file as text (invalid UTF-8 replaced); `who` names the caller in the error.
///
/// ```text
/// let text = read_text(&path, "hload")?;
/// ```
pub(crate) fn read_text(path: &Path, who: &str) -> RunResult<String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }),
        Err(e) => Err(cmd_err(format!(
            "/{who}: unable to open '{}' ({})",
            shown(path),
            e.kind()
        ))),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file next to it, then a rename.
///
/// ```text
/// write_atomic(&path, b"[s]\r\nk=v\r\n", "writeini")?;
/// ```
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], who: &str) -> RunResult<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let fail = |e: std::io::Error| {
        cmd_err(format!(
            "/{who}: unable to write '{}' ({})",
            shown(path),
            e.kind()
        ))
    };
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// The last two components of a path, for error messages.
fn shown(path: &Path) -> String {
    let n = path.components().count();
    path.components()
        .skip(n.saturating_sub(2))
        .collect::<PathBuf>()
        .to_string_lossy()
        .into_owned()
}

/// Splits file text into lines, accepting `\r\n` and `\n`.
///
/// ```text
/// assert_eq!(split_lines("a\r\nb\n"), vec!["a", "b"]);
/// ```
pub(crate) fn split_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// An INI file kept as its lines, so edits leave every other line, section and order intact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IniDoc {
    /// The lines, without terminators.
    lines: Vec<String>,
}

impl IniDoc {
    /// Parses INI text.
    pub(crate) fn parse(text: &str) -> IniDoc {
        IniDoc {
            lines: split_lines(text).into_iter().map(str::to_string).collect(),
        }
    }

    /// The section name if `line` is a `[header]`.
    fn header(line: &str) -> Option<&str> {
        let t = line.trim();
        t.strip_prefix('[')
            .and_then(|r| r.find(']').map(|e| r[..e].trim()))
    }

    /// The item name and value if `line` is `item=value`.
    fn entry(line: &str) -> Option<(&str, &str)> {
        let (k, v) = line.split_once('=')?;
        let k = k.trim();
        if k.is_empty() || k.starts_with(';') {
            return None;
        }
        Some((k, v))
    }

    /// Line range of `section`'s body: (header line, one past its last line).
    fn range(&self, section: &str) -> Option<(usize, usize)> {
        let start = self
            .lines
            .iter()
            .position(|l| Self::header(l).is_some_and(|h| h.eq_ignore_ascii_case(section)))?;
        let end = self.lines[start + 1..]
            .iter()
            .position(|l| Self::header(l).is_some())
            .map_or(self.lines.len(), |e| start + 1 + e);
        Some((start, end))
    }

    /// Every section name, in file order.
    pub(crate) fn sections(&self) -> Vec<&str> {
        self.lines.iter().filter_map(|l| Self::header(l)).collect()
    }

    /// Every `(item, value)` of `section`, in file order.
    pub(crate) fn items(&self, section: &str) -> Vec<(String, String)> {
        let Some((s, e)) = self.range(section) else {
            return Vec::new();
        };
        self.lines[s + 1..e]
            .iter()
            .filter_map(|l| Self::entry(l))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The value of `item` in `section`.
    pub(crate) fn get(&self, section: &str, item: &str) -> Option<&str> {
        let (s, e) = self.range(section)?;
        self.lines[s + 1..e]
            .iter()
            .filter_map(|l| Self::entry(l))
            .find(|(k, _)| k.eq_ignore_ascii_case(item))
            .map(|(_, v)| v)
    }

    /// Sets `item` in `section`, replacing it in place or adding it after the section's last
    /// entry; a missing section is added at the end.
    pub(crate) fn set(&mut self, section: &str, item: &str, value: &str) {
        let Some((s, e)) = self.range(section) else {
            self.lines.push(format!("[{section}]"));
            self.lines.push(format!("{item}={value}"));
            return;
        };
        for line in &mut self.lines[s + 1..e] {
            if let Some((k, _)) = Self::entry(line) {
                if k.eq_ignore_ascii_case(item) {
                    *line = format!("{k}={value}");
                    return;
                }
            }
        }
        let mut at = e;
        while at > s + 1 && self.lines[at - 1].trim().is_empty() {
            at -= 1;
        }
        self.lines.insert(at, format!("{item}={value}"));
    }

    /// Removes `item` from `section`; true when it was there.
    pub(crate) fn remove_item(&mut self, section: &str, item: &str) -> bool {
        let Some((s, e)) = self.range(section) else {
            return false;
        };
        let found = self.lines[s + 1..e]
            .iter()
            .position(|l| Self::entry(l).is_some_and(|(k, _)| k.eq_ignore_ascii_case(item)));
        match found {
            Some(i) => {
                self.lines.remove(s + 1 + i);
                true
            }
            None => false,
        }
    }

    /// Removes `section` and its lines; true when it was there.
    pub(crate) fn remove_section(&mut self, section: &str) -> bool {
        match self.range(section) {
            Some((s, e)) => {
                self.lines.drain(s..e);
                true
            }
            None => false,
        }
    }

    /// The file text, CRLF line ends.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.len() + 2).sum());
        for l in &self.lines {
            out.push_str(l);
            out.push_str("\r\n");
        }
        out
    }
}

/// How a `$read` call's arguments split up.
struct ReadArgs {
    /// The switch letters (`ntswrp`).
    switches: String,
    /// The match text for `s`, `w`, `r`.
    matchtext: Option<String>,
    /// The line number, or the first line to search from.
    n: Option<i64>,
}

/// Splits `$read(file[,ntswrp][,match][,N])` arguments: a numeric second argument is N.
fn read_args(vals: &[Value]) -> ReadArgs {
    let mut i = 1;
    let mut switches = String::new();
    if let Some(v) = vals.get(1) {
        if v.as_number().is_none() {
            switches = v.as_str().into_owned();
            i = 2;
        }
    }
    let mut matchtext = None;
    if switches.contains(['s', 'w', 'r']) {
        matchtext = vals.get(i).map(|v| v.as_str().into_owned());
        i += 1;
    }
    let n = vals.get(i).map(Value::to_i64_lenient);
    ReadArgs {
        switches,
        matchtext,
        n,
    }
}

/// Whether the VM should evaluate the line a `$read` call returns (mIRC evaluates unless the
/// `n` switch is given). `args` are the call's evaluated arguments.
///
/// ```text
/// assert!(!read_wants_eval(&[Value::text("f.txt"), Value::text("n")]));
/// ```
pub fn read_wants_eval(args: &[Value]) -> bool {
    !read_args(args).switches.contains('n')
}

/// `$read(file[,ntswrp][,match][,N])`: line N, a random line, or the first line matching
/// (`s` starts with the text and returns the rest, `w` wildcard, `r` regex) from line N on.
/// A first line holding a number is the line count unless `t` is given. Returns the raw line;
/// see [`read_wants_eval`].
///
/// ```mrc
/// echo -a $read(quotes.txt, n, 2)
/// ```
fn read(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let path = resolve_for(cx, &args.text(0), false)?;
    let ra = read_args(args.vals);
    cx.st.readn = 0;
    let Ok(text) = read_text(&path, "read") else {
        return Ok(Value::Null);
    };
    cx.charge(text.len() / 16 + 1)?;
    let mut lines = split_lines(&text);
    if !ra.switches.contains('t')
        && lines
            .first()
            .is_some_and(|l| parse_plain_int(l.trim()).is_some())
    {
        lines.remove(0);
    }
    if let Some(m) = &ra.matchtext {
        let from = usize::try_from(ra.n.unwrap_or(1).max(1)).unwrap_or(1);
        for (i, line) in lines.iter().enumerate().skip(from - 1) {
            let hit: Option<&str> = if ra.switches.contains('s') {
                starts_with_word(line, m)
            } else if ra.switches.contains('w') {
                wildmatch(m, line, false).then_some(*line)
            } else if regex::is_match(cx.st, m, line)? {
                Some(line)
            } else {
                None
            };
            if let Some(found) = hit {
                cx.st.readn = i as i64 + 1;
                return Ok(Value::text(found));
            }
        }
        return Ok(Value::Null);
    }
    let idx = match ra.n {
        Some(0) => return Ok(Value::int(lines.len() as i64)),
        Some(n) => usize::try_from(n - 1).ok(),
        None if lines.is_empty() => None,
        None => Some(random_below(cx.host.now_ms(), lines.len())),
    };
    match idx.and_then(|i| lines.get(i).map(|l| (i, l))) {
        Some((i, line)) => {
            cx.st.readn = i as i64 + 1;
            Ok(Value::text(line))
        }
        None => Ok(Value::Null),
    }
}

/// For `$read`'s `s`: when `line` starts with the words `m` (ignoring case), the rest after them.
fn starts_with_word<'l>(line: &'l str, m: &str) -> Option<&'l str> {
    let head = line.get(..m.len())?;
    if !head.eq_ignore_ascii_case(m) {
        return None;
    }
    let rest = &line[m.len()..];
    if rest.is_empty() {
        Some(rest)
    } else {
        rest.strip_prefix(' ')
    }
}

/// A number in `0..n` from a clock-seeded mix (splitmix64).
fn random_below(seed: i64, n: usize) -> usize {
    let mut z = (seed as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % n as u64) as usize
}

/// `$readn`: the line number the last `$read` returned (0 when it found nothing).
///
/// ```mrc
/// noop $read(list.txt, s, nick) | echo -a $readn
/// ```
fn readn(cx: &mut Cx, _args: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(cx.st.readn))
}

/// `$readini(file,[np,]section,item)`: the value of `item=` in `[section]`, raw (see
/// [`read_wants_eval`] for who evaluates it).
///
/// ```mrc
/// echo -a $readini(settings.ini, n, main, nick)
/// ```
fn readini(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let path = resolve_for(cx, &args.text(0), false)?;
    let first = if args.len() == 4 { 2 } else { 1 };
    let Ok(text) = read_text(&path, "readini") else {
        return Ok(Value::Null);
    };
    cx.charge(text.len() / 16 + 1)?;
    let doc = IniDoc::parse(&text);
    Ok(doc
        .get(&args.text(first), &args.text(first + 1))
        .map_or(Value::Null, Value::text))
}

/// `$ini(file,section|N[,item|N])`: the N-th section or item name, or the position of a named
/// one; N=0 counts; 0 when a named one is missing.
///
/// ```mrc
/// echo -a $ini(settings.ini, 0) $ini(settings.ini, main, nick)
/// ```
fn ini(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let path = resolve_for(cx, &args.text(0), false)?;
    let Ok(text) = read_text(&path, "ini") else {
        return Ok(Value::Null);
    };
    cx.charge(text.len() / 16 + 1)?;
    let doc = IniDoc::parse(&text);
    let sections = doc.sections();
    let index = |v: &Value| v.as_number().map(|x| x as i64);
    let section: String = match index(&args.vals[1]) {
        Some(n) if args.len() == 2 => {
            return Ok(if n == 0 {
                Value::int(sections.len() as i64)
            } else {
                usize::try_from(n - 1)
                    .ok()
                    .and_then(|i| sections.get(i))
                    .map_or(Value::Null, Value::text)
            });
        }
        Some(n) => match usize::try_from(n - 1).ok().and_then(|i| sections.get(i)) {
            Some(s) => (*s).to_string(),
            None => return Ok(Value::Null),
        },
        None => {
            let name = args.text(1);
            let pos = sections.iter().position(|s| s.eq_ignore_ascii_case(&name));
            if args.len() == 2 {
                return Ok(Value::int(pos.map_or(0, |p| p as i64 + 1)));
            }
            match pos {
                Some(p) => sections[p].to_string(),
                None => return Ok(Value::Int(0)),
            }
        }
    };
    let items = doc.items(&section);
    Ok(match index(&args.vals[2]) {
        Some(0) => Value::int(items.len() as i64),
        Some(n) => usize::try_from(n - 1)
            .ok()
            .and_then(|i| items.get(i))
            .map_or(Value::Null, |(k, _)| Value::text(k)),
        None => {
            let name = args.text(2);
            Value::int(
                items
                    .iter()
                    .position(|(k, _)| k.eq_ignore_ascii_case(&name))
                    .map_or(0, |p| p as i64 + 1),
            )
        }
    })
}

/// `$lines(file)`: the number of lines (0 for a missing file).
///
/// ```mrc
/// echo -a $lines(quotes.txt)
/// ```
fn lines(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let path = resolve_for(cx, &args.text(0), false)?;
    let Ok(text) = read_text(&path, "lines") else {
        return Ok(Value::Int(0));
    };
    cx.charge(text.len() / 64 + 1)?;
    Ok(Value::int(text.lines().count() as i64))
}

/// `$isfile(path)`: `$true` when a file exists there.
///
/// ```mrc
/// if ($isfile(data.ini)) echo -a found
/// ```
fn isfile(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(
        resolve_for(cx, &args.text(0), false)?.is_file(),
    ))
}

/// `$isdir(path)`: `$true` when a folder exists there.
///
/// ```mrc
/// if (!$isdir(logs)) mkdir logs
/// ```
fn isdir(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(resolve_for(cx, &args.text(0), false)?.is_dir()))
}

/// `$exists(path)`: `$true` when a file or folder exists there.
///
/// ```mrc
/// echo -a $exists(logs)
/// ```
fn exists(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    Ok(Value::bool(resolve_for(cx, &args.text(0), false)?.exists()))
}

/// `$file(path)`: the size in bytes, or with `.size .mtime .ctime .atime` (seconds since
/// 1970), `.name` (file name without extension), `.ext` (extension with its dot), `.path`
/// (the folder part as given, ending in `/`), `.attr` (`d` for folders, else `a`);
/// `$null` for a missing path.
///
/// ```mrc
/// echo -a $file(data.ini).size
/// ```
fn file(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    let given = args.text(0).replace('\\', "/");
    let path = resolve_for(cx, &given, false)?;
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(Value::Null);
    };
    let secs = |t: std::io::Result<SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(Value::Int(0), |d| Value::int(d.as_secs() as i64))
    };
    let base = given.rsplit('/').next().unwrap_or("");
    Ok(match args.prop().as_str() {
        "mtime" => secs(meta.modified()),
        "ctime" => secs(meta.created().or_else(|_| meta.modified())),
        "atime" => secs(meta.accessed()),
        "name" => Value::text(base.rsplit_once('.').map_or(base, |(stem, _)| stem)),
        "ext" => Value::text(
            base.rsplit_once('.')
                .map_or(String::new(), |(_, e)| format!(".{e}")),
        ),
        "path" => Value::text(&given[..given.len() - base.len()]),
        "attr" => Value::text(if meta.is_dir() { "d" } else { "a" }),
        "longfn" | "shortfn" => Value::text(&given),
        _ => Value::int(meta.len() as i64),
    })
}

/// `$findfile(dir,mask,N[,depth])`: the N-th file below `dir` whose name matches the wildcard
/// `mask` (N=0 counts); `depth` 1 searches `dir` only. Paths come back as `dir/sub/name`,
/// folders searched in name order.
///
/// ```mrc
/// echo -a $findfile(logs, *.log, 0)
/// ```
fn findfile(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    find(cx, args, false)
}

/// `$finddir(dir,mask,N[,depth])`: like `$findfile` for folders.
///
/// ```mrc
/// echo -a $finddir(., *, 1)
/// ```
fn finddir(cx: &mut Cx, args: &Args<'_>) -> RunResult<Value> {
    find(cx, args, true)
}

/// Shared walk of `$findfile` and `$finddir`.
fn find(cx: &mut Cx, args: &Args<'_>, dirs: bool) -> RunResult<Value> {
    let given = args.text(0).replace('\\', "/");
    let start = resolve_for(cx, &given, false)?;
    let mask = args.text(1);
    let n = args.int(2);
    let depth = if args.has(3) { args.int(3) } else { 0 };
    let shown = given.trim_end_matches('/');
    let mut count = 0;
    let mut seen = 0;
    let mut stack = vec![(start, String::new(), 1i64)];
    while let Some((dir, rel, level)) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<(String, PathBuf, bool)> = read
            .filter_map(Result::ok)
            .map(|e| {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.path(),
                    is_dir,
                )
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        seen += entries.len();
        cx.charge(entries.len() + 1)?;
        if seen > MAX_WALK {
            break;
        }
        let mut subdirs = Vec::new();
        for (name, path, is_dir) in entries {
            let sub = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if is_dir == dirs && wildmatch(&mask, &name, false) {
                count += 1;
                if count == n {
                    return Ok(Value::from_string(if shown.is_empty() {
                        sub
                    } else {
                        format!("{shown}/{sub}")
                    }));
                }
            }
            if is_dir && (depth <= 0 || level < depth) {
                subdirs.push((path, sub, level + 1));
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(if n == 0 {
        Value::int(count)
    } else {
        Value::Null
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordingHost;

    /// A unique scratch folder, removed on drop.
    pub(crate) struct Scratch(pub PathBuf);

    impl Scratch {
        pub(crate) fn new(tag: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("rustirc-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn call(
        st: &mut State,
        f: crate::registry::IdentFn,
        vals: &[&str],
        prop: Option<&str>,
    ) -> RunResult<String> {
        let mut host = RecordingHost::default();
        let vals: Vec<Value> = vals.iter().copied().map(Value::text).collect();
        let mut cx = Cx {
            st,
            host: &mut host,
        };
        f(
            &mut cx,
            &Args {
                name: "test",
                vals: &vals,
                prop,
            },
        )
        .map(|v| v.to_string())
    }

    fn setup(tag: &str) -> (Scratch, State) {
        let dir = Scratch::new(tag);
        let mut st = State {
            files_root: Some(dir.0.clone()),
            ..State::default()
        };
        st.begin_run(0);
        (dir, st)
    }

    #[test]
    fn paths_stay_inside_the_root() {
        let (dir, st) = setup("paths");
        let root = dir.0.clone();
        assert_eq!(
            resolve(&st, "a\\b.txt").unwrap(),
            root.join("a").join("b.txt")
        );
        assert_eq!(resolve(&st, "a/../b.txt").unwrap(), root.join("b.txt"));
        let inside = format!("{}\\data.ini", root.display());
        assert_eq!(resolve(&st, &inside).unwrap(), root.join("data.ini"));
        assert!(resolve(&st, "../x").is_err());
        assert!(resolve(&st, "/etc/passwd").is_err());
        assert!(resolve(&st, "C:\\windows\\x").is_err());
        let none = State::default();
        assert!(resolve(&none, "x")
            .unwrap_err()
            .to_string()
            .contains("file access is not allowed"));
    }

    #[test]
    fn read_forms() {
        let (dir, mut st) = setup("read");
        std::fs::write(
            dir.0.join("q.txt"),
            "3\r\nhello world\r\nfoo bar\r\nbaz $me\r\n",
        )
        .unwrap();
        assert_eq!(
            call(&mut st, read, &["q.txt", "n", "2"], None).unwrap(),
            "foo bar"
        );
        assert_eq!(st.readn, 2);
        assert_eq!(
            call(&mut st, read, &["q.txt", "1"], None).unwrap(),
            "hello world"
        );
        assert_eq!(call(&mut st, read, &["q.txt", "0"], None).unwrap(), "3");
        assert_eq!(
            call(&mut st, read, &["q.txt", "t", "1"], None).unwrap(),
            "3"
        );
        assert_eq!(
            call(&mut st, read, &["q.txt", "ns", "FOO"], None).unwrap(),
            "bar"
        );
        assert_eq!(st.readn, 2);
        assert_eq!(
            call(&mut st, read, &["q.txt", "nr", "/^baz/"], None).unwrap(),
            "baz $me"
        );
        assert_eq!(
            call(&mut st, read, &["q.txt", "ns", "hello", "2"], None).unwrap(),
            ""
        );
        assert_eq!(st.readn, 0);
        assert!(!call(&mut st, read, &["q.txt"], None).unwrap().is_empty());
        assert_eq!(
            call(&mut st, readn, &[], None).unwrap(),
            st.readn.to_string()
        );
        assert_eq!(
            call(&mut st, read, &["missing.txt", "1"], None).unwrap(),
            ""
        );
        assert!(read_wants_eval(&[Value::text("q.txt"), Value::int(2)]));
        assert!(!read_wants_eval(&[
            Value::text("q.txt"),
            Value::text("nw"),
            Value::text("*a*")
        ]));
        assert_eq!(call(&mut st, lines, &["q.txt"], None).unwrap(), "4");
    }

    #[test]
    fn read_wildcard() {
        let (dir, mut st) = setup("readw");
        std::fs::write(dir.0.join("q.txt"), "alpha\nbeta\n").unwrap();
        assert_eq!(
            call(&mut st, read, &["q.txt", "nw", "B*"], None).unwrap(),
            "beta"
        );
    }

    #[test]
    fn ini_reading() {
        let (dir, mut st) = setup("ini");
        std::fs::write(
            dir.0.join("s.ini"),
            "[main]\r\nnick=bob\r\nport=6667\r\n\r\n[Other]\r\nx=1\r\n",
        )
        .unwrap();
        assert_eq!(
            call(&mut st, readini, &["s.ini", "MAIN", "Nick"], None).unwrap(),
            "bob"
        );
        assert_eq!(
            call(&mut st, readini, &["s.ini", "n", "other", "x"], None).unwrap(),
            "1"
        );
        assert_eq!(
            call(&mut st, readini, &["s.ini", "main", "none"], None).unwrap(),
            ""
        );
        assert_eq!(call(&mut st, ini, &["s.ini", "0"], None).unwrap(), "2");
        assert_eq!(call(&mut st, ini, &["s.ini", "2"], None).unwrap(), "Other");
        assert_eq!(call(&mut st, ini, &["s.ini", "other"], None).unwrap(), "2");
        assert_eq!(
            call(&mut st, ini, &["s.ini", "main", "0"], None).unwrap(),
            "2"
        );
        assert_eq!(
            call(&mut st, ini, &["s.ini", "main", "port"], None).unwrap(),
            "2"
        );
        assert_eq!(
            call(&mut st, ini, &["s.ini", "1", "1"], None).unwrap(),
            "nick"
        );
        assert_eq!(call(&mut st, ini, &["s.ini", "nope"], None).unwrap(), "0");
    }

    #[test]
    fn ini_doc_edits_keep_order() {
        let mut doc = IniDoc::parse("; c\r\n[a]\r\nx=1\r\n\r\n[b]\r\ny=2\r\n");
        doc.set("a", "z", "3");
        doc.set("A", "X", "9");
        doc.set("c", "k", "v");
        assert_eq!(
            doc.render(),
            "; c\r\n[a]\r\nx=9\r\nz=3\r\n\r\n[b]\r\ny=2\r\n[c]\r\nk=v\r\n"
        );
        assert!(doc.remove_item("a", "z"));
        assert!(doc.remove_section("b"));
        assert_eq!(doc.render(), "; c\r\n[a]\r\nx=9\r\n\r\n[c]\r\nk=v\r\n");
        assert_eq!(doc.items("c"), vec![("k".to_string(), "v".to_string())]);
    }

    #[test]
    fn file_info_and_predicates() {
        let (dir, mut st) = setup("info");
        std::fs::create_dir_all(dir.0.join("logs/old")).unwrap();
        std::fs::write(dir.0.join("logs/a.log"), "12345").unwrap();
        std::fs::write(dir.0.join("logs/old/b.log"), "").unwrap();
        std::fs::write(dir.0.join("logs/c.txt"), "").unwrap();
        assert_eq!(call(&mut st, file, &["logs\\a.log"], None).unwrap(), "5");
        assert_eq!(
            call(&mut st, file, &["logs/a.log"], Some("name")).unwrap(),
            "a"
        );
        assert_eq!(
            call(&mut st, file, &["logs/a.log"], Some("ext")).unwrap(),
            ".log"
        );
        assert_eq!(
            call(&mut st, file, &["logs/a.log"], Some("path")).unwrap(),
            "logs/"
        );
        assert!(
            call(&mut st, file, &["logs/a.log"], Some("mtime"))
                .unwrap()
                .parse::<i64>()
                .unwrap()
                > 0
        );
        assert_eq!(call(&mut st, file, &["nope"], None).unwrap(), "");
        assert_eq!(
            call(&mut st, isfile, &["logs/a.log"], None).unwrap(),
            "$true"
        );
        assert_eq!(call(&mut st, isfile, &["logs"], None).unwrap(), "$false");
        assert_eq!(call(&mut st, isdir, &["logs"], None).unwrap(), "$true");
        assert_eq!(
            call(&mut st, exists, &["logs/zzz"], None).unwrap(),
            "$false"
        );
        assert!(call(&mut st, exists, &["../x"], None).is_err());
        assert_eq!(
            call(&mut st, findfile, &["logs", "*.log", "0"], None).unwrap(),
            "2"
        );
        assert_eq!(
            call(&mut st, findfile, &["logs", "*.log", "2"], None).unwrap(),
            "logs/old/b.log"
        );
        assert_eq!(
            call(&mut st, findfile, &["logs", "*.log", "0", "1"], None).unwrap(),
            "1"
        );
        assert_eq!(
            call(&mut st, finddir, &["logs", "*", "1"], None).unwrap(),
            "logs/old"
        );
    }
}
