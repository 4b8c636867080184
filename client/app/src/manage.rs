//! `rustirc script …` (the script manager, `docs/manager.md`) and `rustirc repo …` (building
//! and signing a repository, `docs/repository-format.md`), over `rustirc_core::repo`.

use rustirc_core::repo::{self, AddOptions, Manager, Package, Source};
use rustirc_core::settings::Settings;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

pub const SCRIPT_USAGE: &str = "usage:
  rustirc script list
  rustirc script search [WORD]...
  rustirc script info ID
  rustirc script install ID[@VERSION] [--force]
  rustirc script update [ID] [--check]
  rustirc script remove ID [--force]
  rustirc script rollback ID
  rustirc script enable ID
  rustirc script disable ID
  rustirc script stats
options: --config FILE, --data DIR, --repo URL, --trust ed25519:KEY (repeatable)";

pub const REPO_USAGE: &str = "usage:
  rustirc repo init DIR [--key FILE]
  rustirc repo add DIR FILE|FOLDER [--id ID] [--version V] [--name NAME] [--author WHO]
                   [--description TEXT] [--permissions P,P] [--depends ID@RANGE]... [--main FILE]
  rustirc repo sign DIR [--key FILE]";

/// `rustirc script …`; returns the exit code.
pub fn script(args: &[String]) -> i32 {
    let mut config = None;
    let mut data = None;
    let mut url = None;
    let mut trust = Vec::new();
    let mut force = false;
    let mut check = false;
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned();
        match (args[i].as_str(), value) {
            ("--force", _) => force = true,
            ("--check", _) => check = true,
            ("--config", Some(v)) => {
                config = Some(PathBuf::from(v));
                i += 1;
            }
            ("--data", Some(v)) => {
                data = Some(PathBuf::from(v));
                i += 1;
            }
            ("--repo", Some(v)) => {
                url = Some(v);
                i += 1;
            }
            ("--trust", Some(v)) => {
                trust.push(v);
                i += 1;
            }
            (o, _) if o.starts_with("--") => {
                eprintln!("rustirc script: unknown or incomplete option {o}\n{SCRIPT_USAGE}");
                return 2;
            }
            (w, _) => words.push(w.to_string()),
        }
        i += 1;
    }
    let settings = match config.or_else(|| crate::cli::default_config_file().filter(|p| p.exists()))
    {
        Some(path) => match Settings::load(&path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rustirc: {e}");
                return 2;
            }
        },
        None => Settings::default(),
    };
    let Some(data) = data
        .or(settings.data.clone())
        .or_else(crate::cli::default_data_dir)
    else {
        eprintln!("rustirc: no data folder: set HOME or XDG_DATA_HOME, or pass --data DIR");
        return 2;
    };
    let mut rs = settings.repository.clone();
    if url.is_some() {
        rs.url = url;
    }
    rs.trusted_keys.extend(trust);
    let m = Manager::new(&data, rs);
    let Some((cmd, rest)) = words.split_first() else {
        eprintln!("{SCRIPT_USAGE}");
        return 2;
    };
    let result = match (cmd.as_str(), rest) {
        ("list", []) => list(&m),
        ("search", w) => search(&m, w),
        ("info", [id]) => info(&m, id),
        ("install", [spec]) => {
            let (id, version) = match spec.split_once('@') {
                Some((i, v)) => (i, Some(v)),
                None => (spec.as_str(), None),
            };
            fetch(&m).and_then(|f| {
                let lines = m.install(&f, id, version, force, &mut progress())?;
                // What the script will ask for: the client's permission rules decide.
                if let Some(p) = m.installed()?.packages.get(id) {
                    if !p.permissions.is_empty() {
                        eprintln!(
                            "rustirc: {id} declares the permissions {}; the client asks before granting them (docs/permissions.md)",
                            p.permissions.join(", ")
                        );
                    }
                }
                Ok(lines)
            })
        }
        ("update", ids) if ids.len() <= 1 => fetch(&m).and_then(|f| {
            if check {
                let ups = m.updates(&f)?;
                if ups.is_empty() {
                    return Ok(vec!["everything is up to date".into()]);
                }
                Ok(ups
                    .into_iter()
                    .filter(|(id, _, _)| ids.first().is_none_or(|w| w == id))
                    .map(|(id, from, to)| format!("{id} {from} → {to} available"))
                    .collect())
            } else {
                m.update(&f, ids.first().map(String::as_str), &mut progress())
            }
        }),
        ("remove", [id]) => m.remove(id, force).map(|l| vec![l]),
        ("rollback", [id]) => m.rollback(id).map(|l| vec![l]),
        ("enable", [id]) => m.set_enabled(id, true).map(|l| vec![l]),
        ("disable", [id]) => m.set_enabled(id, false).map(|l| vec![l]),
        ("stats", []) => stats(&data),
        _ => {
            eprintln!("{SCRIPT_USAGE}");
            return 2;
        }
    };
    match result {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            0
        }
        Err(e) => {
            eprintln!("rustirc script {cmd}: {e}");
            1
        }
    }
}

/// `rustirc script stats`: what each script cost, as the client last wrote it.
fn stats(data: &std::path::Path) -> Result<Vec<String>, String> {
    use rustirc_core::client::stats;
    let saved = stats::load(data)?;
    let rows: Vec<_> = saved
        .scripts
        .into_iter()
        .map(|s| (s.name, s.file, s.stats))
        .collect();
    let age = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_sub(saved.written);
    let mut lines = vec![format!(
        "* Written by the client {age} s ago (every minute while it runs, and when it quits)"
    )];
    lines.extend(stats::lines(&rows));
    Ok(lines)
}

/// Shows download progress on standard error, on one line.
fn progress() -> impl FnMut(&Package, u64, u64) {
    let mut last = u64::MAX;
    move |p: &Package, done: u64, total: u64| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if pct != last {
            last = pct;
            let mut e = std::io::stderr();
            let _ = write!(
                e,
                "\rdownloading {} {}: {done}/{total} bytes ({pct}%)",
                p.id, p.version
            );
            if done >= total {
                let _ = writeln!(e);
            }
            let _ = e.flush();
        }
    }
}

fn fetch(m: &Manager) -> Result<repo::Fetched, String> {
    let f = m.fetch_index()?;
    if let Source::Cached(why) = &f.source {
        eprintln!("rustirc: the repository cannot be reached ({why}); using the cached index");
    }
    Ok(f)
}

fn list(m: &Manager) -> Result<Vec<String>, String> {
    let inst = m.installed()?;
    if inst.packages.is_empty() {
        return Ok(vec!["no scripts installed".into()]);
    }
    Ok(inst
        .packages
        .iter()
        .map(|(id, p)| {
            let mut l = format!(
                "{id} {} {} {}",
                p.version,
                p.kind.name(),
                if p.enabled { "enabled" } else { "disabled" }
            );
            if let Some(prev) = &p.previous {
                l.push_str(&format!(" (previous {prev})"));
            }
            l.push_str(&format!(
                " {}",
                m.version_dir(id, &p.version).join(&p.main).display()
            ));
            l
        })
        .collect())
}

fn search(m: &Manager, words: &[String]) -> Result<Vec<String>, String> {
    let f = fetch(m)?;
    let inst = m.installed()?;
    let found = f.index.search(words);
    if found.is_empty() {
        return Ok(vec!["nothing found".into()]);
    }
    Ok(found
        .into_iter()
        .map(|p| {
            let mut l = format!(
                "{} {} {} - {}",
                p.id,
                p.version,
                p.kind.name(),
                p.description
            );
            if let Some(i) = inst.packages.get(&p.id) {
                l.push_str(&format!(" [installed {}]", i.version));
            }
            l
        })
        .collect())
}

fn info(m: &Manager, id: &str) -> Result<Vec<String>, String> {
    let f = fetch(m)?;
    let inst = m.installed()?;
    let versions = f.index.versions(id);
    let Some(p) = versions.first() else {
        return Err(format!("there is no package '{id}' in the repository"));
    };
    let deps: Vec<String> = p
        .dependencies
        .iter()
        .map(|(d, r)| format!("{d} {r}"))
        .collect();
    let none = |v: String| if v.is_empty() { "none".to_string() } else { v };
    Ok(vec![
        format!("id: {}", p.id),
        format!("name: {}", p.name),
        format!("version: {}", p.version),
        format!(
            "versions: {}",
            versions
                .iter()
                .map(|q| q.version.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("kind: {}", p.kind.name()),
        format!("author: {}", p.author),
        format!("description: {}", p.description),
        format!("permissions: {}", none(p.permissions.join(", "))),
        format!("dependencies: {}", none(deps.join(", "))),
        format!("size: {} bytes", p.size),
        format!("sha256: {}", p.sha256),
        format!(
            "installed: {}",
            inst.packages.get(id).map_or("no".to_string(), |i| format!(
                "{}{}",
                i.version,
                if i.enabled { "" } else { " (disabled)" }
            ))
        ),
    ])
}

/// `rustirc repo …`; returns the exit code.
pub fn repo(args: &[String]) -> i32 {
    let mut key = None;
    let mut opts = AddOptions::default();
    let mut words = Vec::new();
    let mut deps: Option<BTreeMap<String, String>> = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with("--") {
            words.push(a.to_string());
            i += 1;
            continue;
        }
        let Some(v) = args.get(i + 1).cloned() else {
            eprintln!("rustirc repo: {a} needs a value\n{REPO_USAGE}");
            return 2;
        };
        match a {
            "--key" => key = Some(PathBuf::from(v)),
            "--id" => opts.id = Some(v),
            "--version" => opts.version = Some(v),
            "--name" => opts.name = Some(v),
            "--author" => opts.author = Some(v),
            "--description" => opts.description = Some(v),
            "--main" => opts.main = Some(v),
            "--permissions" => {
                opts.permissions = Some(
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                );
            }
            "--depends" => match repo::parse_dependency(&v) {
                Ok((id, range)) => {
                    deps.get_or_insert_with(BTreeMap::new).insert(id, range);
                }
                Err(e) => {
                    eprintln!("rustirc repo: {e}");
                    return 2;
                }
            },
            _ => {
                eprintln!("rustirc repo: unknown option {a}\n{REPO_USAGE}");
                return 2;
            }
        }
        i += 2;
    }
    opts.dependencies = deps;
    let key_for = |dir: &str| match &key {
        Some(k) => Ok(k.clone()),
        None => repo::default_key_path(std::path::Path::new(dir)),
    };
    let result = match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["init", dir] => key_for(dir).and_then(|k| {
            let public = repo::init(std::path::Path::new(dir), &k)?;
            Ok(vec![
                format!("created the repository {dir} (index.json, packages/, key.pub)"),
                format!(
                    "private key: {} (keep it secret; do not publish it)",
                    k.display()
                ),
                format!("public key: {public}"),
                format!("users trust it with: [repository] trusted_keys = [\"{public}\"]"),
            ])
        }),
        ["add", dir, source] => repo::add(
            std::path::Path::new(dir),
            std::path::Path::new(source),
            &opts,
        )
        .map(|p| {
            vec![
                format!(
                    "added {} {} ({}, {} bytes, sha256 {}) as {}",
                    p.id,
                    p.version,
                    p.kind.name(),
                    p.size,
                    p.sha256,
                    p.url
                ),
                format!("sign the index again: rustirc repo sign {dir}"),
            ]
        }),
        ["sign", dir] => key_for(dir).and_then(|k| {
            let public = repo::sign(std::path::Path::new(dir), &k)?;
            Ok(vec![format!("signed {dir}/index.json with {public}")])
        }),
        _ => {
            eprintln!("{REPO_USAGE}");
            return 2;
        }
    };
    match result {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            0
        }
        Err(e) => {
            eprintln!("rustirc repo: {e}");
            1
        }
    }
}
