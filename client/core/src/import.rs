//! Importing mIRC scripts: one `.mrc`/`.ini` file, or a whole mIRC folder (its `mirc.ini`
//! names the scripts to load, in order; `vars.ini`, `users.ini` and `servers.ini` hold the
//! variables, the user list and the servers). [`import`] checks everything without running
//! it and returns a report of what would load and what would not, with file and line;
//! [`install`] then copies the scripts into the data folder's `scripts/` folder and merges
//! the variables and users into its `vars.ini` and `users.ini`.
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("rustirc-import-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let script = dir.join("greet.mrc");
//! std::fs::write(&script, "alias hi echo -a hi\non *:JOIN:#:msg # welcome\n").unwrap();
//! let report = rustirc_core::import::import(&[script]).unwrap();
//! assert!(report.ok());
//! assert_eq!((report.files[0].aliases, report.files[0].events), (1, 1));
//! println!("{}", report.render());
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

use crate::persist::{ini_section, parse_vars, vars_text, write_atomic};
use crate::users::UserList;
use rustirc_lang::{Engine, Limits};
use rustirc_syntax::diag::Severity;
use std::path::{Path, PathBuf};

/// Something that did not load, or will not work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line (0 when it is about the whole file).
    pub line: u32,
    /// `true`: the item (or file) was skipped; `false`: it loads, but a part of it will not
    /// work here (a warning).
    pub skipped: bool,
    /// What and why.
    pub message: String,
}

/// What one script file would load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// Its kind as read from its content (`remote script`, `alias file`, `popup file` …).
    pub kind: String,
    /// Aliases, events, menus and dialog tables that load.
    pub aliases: usize,
    /// Events.
    pub events: usize,
    /// Menus.
    pub menus: usize,
    /// Dialog tables.
    pub dialogs: usize,
}

/// A server from `servers.ini`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedServer {
    /// Its description (`Random server`, `Libera: Europe`).
    pub description: String,
    /// Host name.
    pub host: String,
    /// The first port of its list.
    pub port: u16,
    /// Its group (the network).
    pub group: String,
}

/// What [`import`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The script files, in load order (a folder's `mirc.ini` order).
    pub files: Vec<FileReport>,
    /// The variables of `vars.ini` (name without `%`, value).
    pub variables: Vec<(String, String)>,
    /// The user list of `users.ini`.
    pub users: UserList,
    /// The servers of `servers.ini`.
    pub servers: Vec<ImportedServer>,
    /// Everything skipped or limited, in file order.
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// Whether everything loads: no file or item was skipped (warnings allowed).
    pub fn ok(&self) -> bool {
        !self.problems.iter().any(|p| p.skipped)
    }

    /// The report as text, one line per file, then the folder's other data, then each
    /// problem as `file:line: skipped|warning: message`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            out.push_str(&format!(
                "{}: {}: {} aliases, {} events, {} menus, {} dialogs\n",
                f.path.display(),
                f.kind,
                f.aliases,
                f.events,
                f.menus,
                f.dialogs
            ));
        }
        if !self.variables.is_empty() {
            out.push_str(&format!("vars.ini: {} variables\n", self.variables.len()));
        }
        if !self.users.entries().is_empty() {
            out.push_str(&format!(
                "users.ini: {} users\n",
                self.users.entries().len()
            ));
        }
        if !self.servers.is_empty() {
            out.push_str(&format!("servers.ini: {} servers\n", self.servers.len()));
        }
        for p in &self.problems {
            let what = if p.skipped { "skipped" } else { "warning" };
            out.push_str(&format!(
                "{}:{}: {what}: {}\n",
                p.file.display(),
                p.line,
                p.message
            ));
        }
        let skipped = self.problems.iter().filter(|p| p.skipped).count();
        out.push_str(&if skipped == 0 {
            "everything loads\n".to_string()
        } else {
            format!("{skipped} skipped\n")
        });
        out
    }
}

/// Checks `paths` (script files, or mIRC folders) for import.
///
/// # Errors
/// When a path does not exist or cannot be read.
pub fn import(paths: &[PathBuf]) -> Result<ImportReport, String> {
    let mut report = ImportReport::default();
    for path in paths {
        if path.is_dir() {
            import_folder(path, &mut report)?;
        } else {
            let bytes =
                std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            import_file(path, &bytes, &mut report);
        }
    }
    Ok(report)
}

fn import_file(path: &Path, bytes: &[u8], report: &mut ImportReport) {
    let mut engine = Engine::new(Limits::default());
    let r = engine.load(&path.display().to_string(), bytes, false);
    for d in &r.diagnostics {
        report.problems.push(Problem {
            file: path.to_path_buf(),
            line: d.line,
            skipped: d.severity == Severity::Error,
            message: d.message.clone(),
        });
    }
    // A users.ini or vars.ini loaded as a script file is read as what it is.
    for (levels, mask, info) in &engine.users {
        report.users.add(levels, mask, info, true);
    }
    report.files.push(FileReport {
        path: path.to_path_buf(),
        kind: r.kind.to_string(),
        aliases: r.aliases,
        events: r.events,
        menus: r.menus,
        dialogs: r.dialogs,
    });
}

/// The file a `mirc.ini` entry names (`scripts\x.mrc`, `C:\mIRC\x.mrc`, `x.mrc`), looked for
/// in `dir`.
fn resolve_entry(dir: &Path, entry: &str) -> Option<PathBuf> {
    let e = entry.trim().trim_matches('"').replace('\\', "/");
    let direct = dir.join(&e);
    if direct.is_file() {
        return Some(direct);
    }
    // An absolute Windows path: try it from the folder's own name down, then its file name.
    let parts: Vec<&str> = e.split('/').collect();
    for k in 1..parts.len() {
        let p = dir.join(parts[k..].join("/"));
        if p.is_file() {
            return Some(p);
        }
    }
    None
}

fn import_folder(dir: &Path, report: &mut ImportReport) -> Result<(), String> {
    let ini = dir.join("mirc.ini");
    let text = std::fs::read(&ini)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            format!(
                "{}: cannot read: {e} (is this a mIRC folder?)",
                ini.display()
            )
        })?;
    // Remote scripts, then alias files, each in their n0, n1 … order.
    for section in ["rfiles", "afiles"] {
        let mut entries: Vec<(u32, String)> = Vec::new();
        let mut inside = false;
        for line in text.lines() {
            let t = line.trim();
            if let Some(name) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                inside = name.eq_ignore_ascii_case(section);
                continue;
            }
            if !inside {
                continue;
            }
            if let Some((k, v)) = t.split_once('=') {
                let n = k
                    .trim()
                    .trim_start_matches(['n', 'N'])
                    .parse()
                    .unwrap_or(u32::MAX);
                entries.push((n, v.to_string()));
            }
        }
        entries.sort_by_key(|(n, _)| *n);
        for (_, entry) in entries {
            let Some(path) = resolve_entry(dir, &entry) else {
                report.problems.push(Problem {
                    file: ini.clone(),
                    line: line_of(&text, &entry),
                    skipped: true,
                    message: format!("[{section}] names {entry}, which is not in the folder"),
                });
                continue;
            };
            // mIRC's own users.ini and vars.ini sometimes appear in [rfiles].
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            if name == "users.ini" || name == "vars.ini" {
                continue;
            }
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            import_file(&path, &bytes, report);
        }
    }
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    if let Some(vars) = read("vars.ini") {
        report.variables.extend(parse_vars(&vars));
    }
    if let Some(users) = read("users.ini") {
        for e in UserList::parse(&users).entries() {
            report
                .users
                .add(&e.levels.join(","), &e.mask, &e.info, false);
        }
    }
    if let Some(servers) = read("servers.ini") {
        for line in ini_section(&servers, "servers") {
            match parse_server(&line) {
                Some(s) => report.servers.push(s),
                None => report.problems.push(Problem {
                    file: dir.join("servers.ini"),
                    line: line_of(&servers, &line),
                    skipped: true,
                    message: format!(
                        "not a server line (Description SERVER:host:port GROUP:name): {line}"
                    ),
                }),
            }
        }
    }
    Ok(())
}

/// The 1-based line of `text` holding `needle` (0 when none does).
fn line_of(text: &str, needle: &str) -> u32 {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| u32::try_from(i + 1).unwrap_or(0))
}

/// `Description SERVER:host:6667,6697GROUP:Network` (mIRC writes no space before `GROUP`).
fn parse_server(line: &str) -> Option<ImportedServer> {
    let at = line.find("SERVER:")?;
    let description = line[..at].trim().to_string();
    let rest = &line[at + 7..];
    let (addr, group) = match rest.find("GROUP:") {
        Some(g) => (&rest[..g], rest[g + 6..].trim().to_string()),
        None => (rest, String::new()),
    };
    let mut parts = addr.trim().splitn(3, ':');
    let host = parts.next()?.trim().to_string();
    let ports = parts.next().unwrap_or("6667");
    let first = ports
        .split([',', '-'])
        .next()
        .unwrap_or("6667")
        .trim_start_matches('+');
    let port = first.parse().ok()?;
    (!host.is_empty()).then_some(ImportedServer {
        description,
        host,
        port,
        group,
    })
}

/// Installs what [`import`] found into the data folder `data_dir`: each script is copied to
/// `scripts/` (a file of the same name is replaced), the variables are added to `vars.ini`
/// and the users to `users.ini` (entries already there are kept), and the servers are written
/// to `imported-servers.toml` as `[[network]]` tables to paste into the config file. Returns
/// the scripts' new paths, in load order.
///
/// # Errors
/// When a file cannot be read or written.
pub fn install(report: &ImportReport, data_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let scripts = data_dir.join("scripts");
    std::fs::create_dir_all(&scripts).map_err(|e| format!("{}: {e}", scripts.display()))?;
    let mut installed = Vec::new();
    for f in &report.files {
        let name = f.path.file_name().ok_or("a script without a file name")?;
        let to = scripts.join(name);
        std::fs::copy(&f.path, &to).map_err(|e| format!("{}: {e}", to.display()))?;
        installed.push(to);
    }
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    if !report.variables.is_empty() {
        let path = data_dir.join("vars.ini");
        let mut vars = parse_vars(&read(&path));
        for (n, v) in &report.variables {
            if !vars.iter().any(|(x, _)| x.eq_ignore_ascii_case(n)) {
                vars.push((n.clone(), v.clone()));
            }
        }
        let text = vars_text(vars.iter().map(|(n, v)| (n.as_str(), v.clone())));
        write_atomic(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !report.users.entries().is_empty() {
        let path = data_dir.join("users.ini");
        let mut users = UserList::parse(&read(&path));
        for e in report.users.entries() {
            if !users
                .entries()
                .iter()
                .any(|x| x.mask.eq_ignore_ascii_case(&e.mask))
            {
                users.add(&e.levels.join(","), &e.mask, &e.info, false);
            }
        }
        write_atomic(&path, users.to_ini().as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !report.servers.is_empty() {
        let path = data_dir.join("imported-servers.toml");
        let mut text = String::from(
            "# Servers imported from servers.ini; copy the ones you use into config.toml.\n",
        );
        for s in &report.servers {
            text.push_str(&format!(
                "\n[[network]]\nname = {:?}\nserver = \"{}:{}\"\n",
                if s.group.is_empty() {
                    &s.description
                } else {
                    &s.group
                },
                s.host,
                s.port
            ));
        }
        write_atomic(&path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(installed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_lines() {
        let s =
            parse_server("Libera: Europe SERVER:irc.eu.libera.chat:6665-6667,+6697GROUP:Libera")
                .unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.group.as_str()),
            ("irc.eu.libera.chat", 6665, "Libera")
        );
        assert_eq!(s.description, "Libera: Europe");
        assert!(parse_server("nonsense").is_none());
    }
}
