//! The command line: `check`, `eval`, `run`, `replay`. Files ending in `.lua` are Lua
//! scripts (run by `rustirc-lua`), files ending in `.py` Python scripts (run by
//! `rustirc-python` in its worker process); every other file is mSL.

use rustirc_core::settings::{NetworkSettings, Settings};
use rustirc_lang::engine::Engine;
use rustirc_lang::host::Host;
use rustirc_lang::{Limits, Value};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::rc::Rc;

/// Adds the script engines beside mSL to a client: `.lua` files load into Lua, `.py` files
/// into Python, `.so` (`.dylib`, `.dll`) files are native plugins.
pub fn add_engines(client: &mut rustirc_core::client::Client, limits: &Limits) {
    add_engines_with(
        client,
        limits,
        &rustirc_core::settings::PythonSettings::default(),
        &[],
    );
}

/// [`add_engines`] with the config file's `[python]` settings and the native plugins to run
/// isolated (`[plugins] isolated`).
pub fn add_engines_with(
    client: &mut rustirc_core::client::Client,
    limits: &Limits,
    python: &rustirc_core::settings::PythonSettings,
    isolated: &[String],
) {
    client.add_engine(Rc::new(rustirc_lua::LuaEngine::new(limits.clone())));
    let mut opts = rustirc_python::Options::default();
    if let Some(d) = python.deadline_ms {
        opts.deadline_ms = d;
    }
    if let Some(m) = python.memory_mb {
        opts.memory_mb = m;
    }
    if let Some(c) = python.cpu_seconds {
        opts.cpu_seconds = c;
    }
    opts.shared.clone_from(&python.shared);
    client.add_engine(Rc::new(rustirc_python::PythonEngine::with_options(opts)));
    client.add_engine(Rc::new(rustirc_native::NativeEngine::new(
        rustirc_native::Options {
            isolated: isolated.to_vec(),
            ..rustirc_native::Options::default()
        },
    )));
}

/// `rustirc plugin info PATH`: what the loader reads from a native plugin (format,
/// architecture, symbols, then name, version and ABI from the opened library); exit status 1
/// with the reason when the loader would refuse it.
fn plugin(args: &[String]) -> i32 {
    let (Some("info"), Some(path), None) =
        (args.first().map(String::as_str), args.get(1), args.get(2))
    else {
        eprintln!("{USAGE}");
        return 2;
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("rustirc: {path}: cannot read: {e}");
            return 1;
        }
    };
    let ins = match rustirc_native::inspect::inspect(path, &bytes) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("rustirc: refused: {e}");
            return 1;
        }
    };
    println!("file: {path}");
    for l in rustirc_native::header_lines(&ins) {
        println!("{l}");
    }
    if let Some(r) = ins.refusal {
        eprintln!("rustirc: refused: {r}");
        return 1;
    }
    // Opening runs the library's constructors, as loading it would.
    match rustirc_native::loader::open(std::path::Path::new(path), path) {
        Ok(opened) => {
            let i = &opened.info;
            println!("name: {}", i.name);
            println!("version: {}", i.version);
            println!("author: {}", i.author);
            println!("description: {}", i.description);
            println!(
                "permissions: {}",
                if i.permissions.is_empty() {
                    "none".to_string()
                } else {
                    i.permissions.join(", ")
                }
            );
            println!(
                "ABI: {}.{} (client {}.{})",
                i.abi.0,
                i.abi.1,
                rustirc_plugin_abi::sys::ABI_MAJOR,
                rustirc_plugin_abi::sys::ABI_MINOR
            );
            0
        }
        Err(e) => {
            eprintln!("rustirc: refused: {e}");
            1
        }
    }
}

/// Whether `file` is a Python script.
fn is_python(file: &str) -> bool {
    std::path::Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
}

/// Whether `file` is a Lua script.
fn is_lua(file: &str) -> bool {
    std::path::Path::new(file)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("lua"))
}

const USAGE: &str = "usage:
  rustirc [--config FILE] [--data DIR] [--no-stdlib] [--open FILE]... [--import PATH] [--screenshot FILE]
                    (the desktop window)
  rustirc check [--json] [--disasm] FILE...
  rustirc eval [--load FILE]... [--budget N] EXPR | -
  rustirc run [--budget N] FILE [COMMAND [ARGS...]]
  rustirc replay [--load FILE]... [--allow-sockets FILE]... TRANSCRIPT...
  rustirc --headless [--config FILE] [--network NAME] [--server HOST[:[+]PORT]] [--nick NICK]
                    [--tls] [--tls-accept-invalid] [--tls-cert FILE] [--proxy URL]
                    [--join #chan]... [--load FILE]... [--data DIR] [--budget N] [--no-stdlib]
                    [--grant NAME=PERMISSION[,PERMISSION]]...
  rustirc script list|search|info|install|update|remove|rollback|enable|disable ...
  rustirc repo init|add|sign DIR ...
  rustirc perms [--data DIR] list|log
  rustirc perms [--data DIR] grant|revoke NAME PERMISSION...
  rustirc perms [--data DIR] reset [NAME]
  rustirc import [--install] [--data DIR] PATH...
  rustirc plugin info PATH";

/// A host for the command line: echoes go to standard output, one line each; there is no
/// network, so IRC commands and identifiers are unknown.
struct CliHost {
    out: std::io::BufWriter<std::io::Stdout>,
    capture: Option<Vec<String>>,
}

impl Host for CliHost {
    fn echo(&mut self, _window: &str, text: &str) {
        let shown = display_text(text);
        match &mut self.capture {
            Some(c) => c.push(shown),
            None => {
                let _ = writeln!(self.out, "{shown}");
            }
        }
    }
}

/// What `/echo` shows: single spaces, no non-printable control characters other than the
/// formatting codes.
fn display_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(*c as u32, 2 | 3 | 15 | 22 | 29 | 30 | 31))
        .collect();
    cleaned
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Entry point; returns the process exit code.
pub fn main(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("check") => check(&args[1..]),
        Some("eval") => eval(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("replay") => replay(&args[1..]),
        Some("script") => crate::manage::script(&args[1..]),
        Some("repo") => crate::manage::repo(&args[1..]),
        Some("perms") => perms(&args[1..]),
        Some("import") => import(&args[1..]),
        Some("plugin") => plugin(&args[1..]),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            0
        }
        Some("--headless") => headless(&args[1..]),
        None => crate::desktop::main(&[]),
        Some("--config" | "--data" | "--no-stdlib" | "--open" | "--import" | "--screenshot") => {
            crate::desktop::main(args)
        }
        Some(other) => {
            eprintln!("rustirc: unknown command '{other}'\n{USAGE}");
            2
        }
    }
}

fn limits_with_budget(budget: Option<u64>) -> Limits {
    let mut l = Limits::default();
    if let Some(b) = budget {
        l.instructions = b;
    }
    l
}

fn parse_budget(v: Option<&String>) -> Result<u64, String> {
    v.and_then(|s| s.replace('_', "").parse::<u64>().ok())
        .ok_or_else(|| "--budget needs a number".to_string())
}

/// The data folder scripts may read and write: the script's own folder.
fn files_root_for(file: &str) -> Option<PathBuf> {
    let p = std::path::Path::new(file);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    std::fs::canonicalize(dir).ok()
}

fn check(args: &[String]) -> i32 {
    let mut json = false;
    let mut disasm = false;
    let mut files = Vec::new();
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            "--disasm" => disasm = true,
            _ => files.push(a.clone()),
        }
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return 2;
    }
    let mut failed = false;
    for f in &files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"file": f, "errors": [{"line": 0, "col": 0, "message": format!("cannot read file: {e}")}], "warnings": []})
                    );
                } else {
                    eprintln!("{f}: error: cannot read file: {e}");
                }
                failed = true;
                continue;
            }
        };
        let native = rustirc_native::NativeEngine::default();
        use rustirc_core::host::engine::ScriptEngine as _;
        if is_lua(f) || is_python(f) || native.handles(f) {
            use rustirc_core::host::engine::ScriptEngine;
            let (errors, kind) = if native.handles(f) {
                (native.check(f, &bytes), "native plugin")
            } else if is_lua(f) {
                (
                    rustirc_lua::LuaEngine::new(Limits::default()).check(f, &bytes),
                    "lua script",
                )
            } else {
                (
                    rustirc_python::PythonEngine::new(Limits::default()).check(f, &bytes),
                    "python script",
                )
            };
            failed |= !errors.is_empty();
            if json {
                let errs: Vec<serde_json::Value> = errors
                    .iter()
                    .map(|e| {
                        let line = e
                            .split(':')
                            .nth(1)
                            .and_then(|l| l.trim().parse::<u32>().ok())
                            .unwrap_or(0);
                        serde_json::json!({"line": line, "col": 0, "message": e})
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"file": f, "kind": kind, "errors": errs, "warnings": []})
                );
            } else {
                for e in &errors {
                    println!("{f}: error: {e}");
                }
            }
            continue;
        }
        let mut engine = Engine::new(Limits::default());
        let report = engine.load(f, &bytes, disasm);
        if report.has_errors() {
            failed = true;
        }
        if json {
            let pick = |sev| -> Vec<serde_json::Value> {
                report
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == sev)
                    .map(
                        |d| serde_json::json!({"line": d.line, "col": d.col, "message": d.message}),
                    )
                    .collect()
            };
            let obj = serde_json::json!({
                "file": f,
                "kind": report.kind,
                "errors": pick(rustirc_syntax::diag::Severity::Error),
                "warnings": pick(rustirc_syntax::diag::Severity::Warning),
                "loaded": {
                    "aliases": report.aliases,
                    "events": report.events,
                    "menus": report.menus,
                    "dialogs": report.dialogs,
                    "users": report.users,
                    "variables": report.variables,
                },
            });
            println!("{obj}");
        } else {
            for d in &report.diagnostics {
                print!("{}", d.rendered);
            }
            if disasm {
                print!("{}", report.disassembly);
            }
        }
    }
    i32::from(failed)
}

fn eval(args: &[String]) -> i32 {
    let mut loads = Vec::new();
    let mut budget = None;
    let mut expr_parts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--load" if expr_parts.is_empty() => {
                i += 1;
                match args.get(i) {
                    Some(f) => loads.push(f.clone()),
                    None => {
                        eprintln!("--load needs a file");
                        return 2;
                    }
                }
            }
            "--budget" if expr_parts.is_empty() => {
                i += 1;
                match parse_budget(args.get(i)) {
                    Ok(b) => budget = Some(b),
                    Err(e) => {
                        eprintln!("{e}");
                        return 2;
                    }
                }
            }
            other => expr_parts.push(other.to_string()),
        }
        i += 1;
    }
    let mut engine = Engine::new(limits_with_budget(budget));
    let mut host = CliHost {
        out: std::io::BufWriter::new(std::io::stdout()),
        capture: None,
    };
    for f in &loads {
        if load_file(&mut engine, f, &mut host).is_err() {
            return 1;
        }
    }
    let expr = expr_parts.join(" ");
    if expr == "-" {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            let line = line.strip_suffix('\r').unwrap_or(&line).to_string();
            let out = match engine.eval(&line, &mut host) {
                Ok(t) => display_text(&t),
                Err(e) => format!("error: {}", e.kind),
            };
            let _ = writeln!(host.out, "{out}");
        }
        let _ = host.out.flush();
        return 0;
    }
    match engine.eval(&expr, &mut host) {
        Ok(t) => {
            let _ = writeln!(host.out, "{}", display_text(&t));
            let _ = host.out.flush();
            0
        }
        Err(e) => {
            let _ = host.out.flush();
            eprintln!("{e}");
            1
        }
    }
}

fn load_file(engine: &mut Engine, f: &str, host: &mut CliHost) -> Result<usize, ()> {
    let bytes = match std::fs::read(f) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{f}: error: cannot read file: {e}");
            return Err(());
        }
    };
    if engine.vm.st.files_root.is_none() {
        engine.vm.st.files_root = files_root_for(f);
    }
    let report = engine.load(f, &bytes, false);
    let mut failed = false;
    for d in &report.diagnostics {
        if d.severity == rustirc_syntax::diag::Severity::Error {
            eprint!("{}", d.rendered);
            failed = true;
        }
    }
    let script = engine.vm.script_names.len() - 1;
    for e in engine.run_load_events(script, host) {
        eprintln!("{e}");
        failed = true;
    }
    if failed {
        Err(())
    } else {
        Ok(script)
    }
}

fn run(args: &[String]) -> i32 {
    let mut budget = None;
    let mut rest: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if rest.is_empty() && args[i] == "--budget" {
            i += 1;
            match parse_budget(args.get(i)) {
                Ok(b) => budget = Some(b),
                Err(e) => {
                    eprintln!("{e}");
                    return 2;
                }
            }
        } else {
            rest.push(args[i].clone());
        }
        i += 1;
    }
    let Some(file) = rest.first() else {
        eprintln!("{USAGE}");
        return 2;
    };
    if is_lua(file) || is_python(file) {
        return run_lua(file, &rest[1..], &limits_with_budget(budget));
    }
    let mut engine = Engine::new(limits_with_budget(budget));
    let mut host = CliHost {
        out: std::io::BufWriter::new(std::io::stdout()),
        capture: None,
    };
    let mut status = 0;
    if load_file(&mut engine, file, &mut host).is_err() {
        status = 1;
    }
    if let Some(cmd) = rest.get(1) {
        let line = std::iter::once(cmd.trim_start_matches('/').to_string())
            .chain(rest[2..].iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        // Typed in the status window with one slash: run literally, without evaluation, so the
        // arguments reach the alias as written.
        let cmd_name = line.split(' ').next().unwrap_or("").to_ascii_lowercase();
        let args_text = line.split_once(' ').map_or("", |(_, a)| a).to_string();
        let result = match engine.alias_chunk(&cmd_name) {
            Some(chunk) => {
                let params: Vec<Value> = args_text
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(Value::text)
                    .collect();
                engine.vm.begin(&mut host);
                engine.vm.call(chunk, params, false, &mut host).map(|_| ())
            }
            None => engine.run_command(&line, &mut host).map(|_| ()),
        };
        if let Err(e) = result {
            let _ = host.out.flush();
            eprintln!("{e}");
            status = 1;
        }
    }
    let _ = host.out.flush();
    status
}

/// `rustirc run script.lua [COMMAND [ARGS...]]` (or `script.py`): loads the script into a client that is not
/// connected (its data folder is the script's folder), runs the command as if typed in the
/// status window, and prints what was shown; errors go to standard error and exit 1.
fn run_lua(file: &str, command: &[String], limits: &Limits) -> i32 {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{file}: error: cannot read file: {e}");
            return 1;
        }
    };
    let config = rustirc_core::state::Config::new("me");
    let mut client =
        rustirc_core::client::Client::new(config, limits.clone(), rustirc_core::net::now_ms());
    add_engines(&mut client, limits);
    if let Some(dir) = files_root_for(file) {
        let _ = client.set_data_dir(&dir);
    }
    let mut status = 0;
    if client.load_script(file, &bytes).has_errors() {
        status = 1;
    }
    if let Some(cmd) = command.first() {
        let line = std::iter::once(format!("/{}", cmd.trim_start_matches('/')))
            .chain(command[1..].iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        client.type_line("status", &line);
    }
    let out = client.take_output();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    for (_, text) in out.shown {
        // Script errors and command errors (as the status window shows them).
        if text.starts_with("* lua:")
            || text.starts_with("* python:")
            || text.starts_with("* /")
            || text.starts_with("error: ")
        {
            eprintln!("{text}");
            status = 1;
        } else {
            let _ = writeln!(lock, "{}", display_text(&text));
        }
    }
    status
}

/// `rustirc replay [--load FILE]... [--allow-sockets FILE]... TRANSCRIPT...`: each transcript from a
/// fresh session; `--allow-sockets` lets that script use sockets.
fn replay(args: &[String]) -> i32 {
    let mut loads = Vec::new();
    let mut transcripts = Vec::new();
    let mut allowed = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--load" => {
                i += 1;
                match args.get(i) {
                    Some(f) => loads.push(f.clone()),
                    None => {
                        eprintln!("rustirc replay: --load needs a file");
                        return 2;
                    }
                }
            }
            "--allow-sockets" => {
                i += 1;
                match args.get(i) {
                    Some(f) => allowed.push(f.clone()),
                    None => {
                        eprintln!("rustirc replay: --allow-sockets needs a script file");
                        return 2;
                    }
                }
            }
            t => transcripts.push(t.to_string()),
        }
        i += 1;
    }
    if transcripts.is_empty() {
        eprintln!("{USAGE}");
        return 2;
    }
    let mut scripts = Vec::new();
    for f in &loads {
        match std::fs::read(f) {
            Ok(b) => scripts.push((f.clone(), b)),
            Err(e) => {
                eprintln!("rustirc replay: {f}: {e}");
                return 2;
            }
        }
    }
    let mut failed = false;
    for t in &transcripts {
        let text = match std::fs::read_to_string(t) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rustirc replay: {t}: {e}");
                return 2;
            }
        };
        let steps = match rustirc_core::replay::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{t}:{}: {}", e.line, e.message);
                failed = true;
                continue;
            }
        };
        let mut permissions = rustirc_core::replay::leading_grants(&steps);
        for f in &allowed {
            permissions.grant(f, vec![rustirc_core::permissions::Grant::Network]);
        }
        let limits = Limits::default();
        let mut session = rustirc_core::replay::Session::with_setup(
            &scripts,
            permissions,
            &|c: &mut rustirc_core::client::Client| add_engines(c, &limits),
        );
        match rustirc_core::replay::run(&steps, &mut session) {
            Ok(()) => println!("{t}: ok ({} steps)", steps.len()),
            Err(m) => {
                eprint!("{t}:{m}");
                failed = true;
            }
        }
    }
    i32::from(failed)
}

/// `rustirc import [--install] [--data DIR] PATH...`: checks mIRC scripts and folders and
/// prints what would load and what not (docs/import.md); `--install` copies them into the
/// data folder. Exit 0 when everything loads, 1 when something was skipped, 2 on bad use or
/// an unreadable path.
fn import(args: &[String]) -> i32 {
    let mut install = false;
    let mut data = None;
    let mut paths = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--install" => install = true,
            "--data" => match it.next() {
                Some(d) => data = Some(PathBuf::from(d)),
                None => {
                    eprintln!("rustirc import: --data needs a folder\n{USAGE}");
                    return 2;
                }
            },
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        eprintln!("rustirc import: name a script file or a mIRC folder\n{USAGE}");
        return 2;
    }
    let report = match rustirc_core::import::import(&paths) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rustirc import: {e}");
            return 2;
        }
    };
    print!("{}", report.render());
    if install {
        let Some(dir) = data.or_else(default_data_dir) else {
            eprintln!(
                "rustirc import: no data folder: set HOME or XDG_DATA_HOME, or pass --data DIR"
            );
            return 2;
        };
        match rustirc_core::import::install(&report, &dir) {
            Ok(files) => {
                for f in files {
                    println!("installed {}", f.display());
                }
            }
            Err(e) => {
                eprintln!("rustirc import: {e}");
                return 1;
            }
        }
    }
    i32::from(!report.ok())
}

/// `rustirc perms [--data DIR] list|log [NAME] | grant|revoke NAME PERMISSION... | reset [NAME]`:
/// the answers kept in the data folder's `permissions.json` and its audit log
/// (docs/permissions.md).
fn perms(args: &[String]) -> i32 {
    use rustirc_core::permissions::{Decision, Permissions, AUDIT_FILE};
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut data = None;
    if let Some(i) = args.iter().position(|a| *a == "--data") {
        let Some(d) = args.get(i + 1) else {
            eprintln!("rustirc perms: --data needs a folder\n{USAGE}");
            return 2;
        };
        data = Some(PathBuf::from(d));
        args.drain(i..=i + 1);
    }
    let Some(dir) = data.or_else(default_data_dir) else {
        eprintln!("rustirc perms: no data folder: set HOME or XDG_DATA_HOME, or pass --data DIR");
        return 2;
    };
    let mut p = Permissions::default();
    if let Err(e) = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| p.set_dir(&dir))
    {
        eprintln!("rustirc perms: {e}");
        return 1;
    }
    let fail = |e: String| {
        eprintln!("rustirc perms: {e}");
        1
    };
    match args.as_slice() {
        ["list"] => {
            if p.decisions().is_empty() {
                println!(
                    "no answers kept in {}",
                    dir.join(rustirc_core::permissions::DECISIONS_FILE)
                        .display()
                );
            }
            for (name, d) in p.decisions() {
                let list = |v: &[String]| {
                    if v.is_empty() {
                        "-".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                println!(
                    "{name}: granted {}; denied {}",
                    list(&d.always),
                    list(&d.denied)
                );
            }
            0
        }
        ["log", rest @ ..] if rest.len() <= 1 => {
            let text = match std::fs::read_to_string(dir.join(AUDIT_FILE)) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return fail(format!("{}: {e}", dir.join(AUDIT_FILE).display())),
            };
            for line in text.lines() {
                let keep = match rest.first() {
                    None => true,
                    Some(name) => serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| {
                        v["script"]
                            .as_str()
                            .is_some_and(|s| s.eq_ignore_ascii_case(name))
                    }),
                };
                if keep {
                    println!("{line}");
                }
            }
            0
        }
        ["grant", name, perms @ ..] if !perms.is_empty() => {
            for perm in perms {
                if let Err(e) = p.decide(name, perm, Decision::Always) {
                    return fail(e);
                }
                println!("{name}: granted {perm}");
            }
            0
        }
        ["revoke", name, perms @ ..] if !perms.is_empty() => {
            for perm in perms {
                match p.revoke(name, perm) {
                    Ok(true) => println!("{name}: revoked {perm}"),
                    Ok(false) => println!("{name}: no answer about {perm} was kept"),
                    Err(e) => return fail(e),
                }
            }
            0
        }
        ["reset", rest @ ..] if rest.len() <= 1 => match p.reset(rest.first().copied()) {
            Ok(_) => {
                println!(
                    "forgot the answers about {}",
                    rest.first().unwrap_or(&"every script")
                );
                0
            }
            Err(e) => fail(e),
        },
        _ => {
            eprintln!("rustirc perms: expected list, log, grant, revoke or reset\n{USAGE}");
            2
        }
    }
}

/// The data folder when `--data` is not given: `$XDG_DATA_HOME/rustirc`, else
/// `~/.local/share/rustirc`.
pub(crate) fn default_data_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_DATA_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".local/share")))
        .map(|d| d.join("rustirc"))
}

/// Where the config file is when `--config` is not given: `$XDG_CONFIG_HOME/rustirc/config.toml`,
/// else `~/.config/rustirc/config.toml`.
pub(crate) fn default_config_file() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_CONFIG_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("rustirc/config.toml"))
}

/// `rustirc --headless [--config FILE] [--network NAME] [--server HOST[:[+]PORT]] [--nick NICK]
/// [--tls] [--tls-accept-invalid] [--tls-cert FILE] [--proxy URL] [--join #chan]... [--load FILE]...
/// [--data DIR] [--budget N] [--no-stdlib]`: a bot with the same scripts the desktop client runs; what
/// windows would show goes to standard output with timestamps. Settings come from the config
/// file; flags replace them.
fn headless(args: &[String]) -> i32 {
    let mut server = None;
    let mut nick = None;
    let mut joins = Vec::new();
    let mut loads = Vec::new();
    let mut data = None;
    let mut config_file = None;
    let mut network = None;
    let mut budget = None;
    let mut tls = false;
    let mut no_stdlib = false;
    let mut tls_accept_invalid = false;
    let mut tls_cert = None;
    let mut proxy = None;
    let mut cli_grants = Vec::new();
    let mut i = 0;
    while i < args.len() {
        // Switches without a value.
        match args[i].as_str() {
            "--tls" => tls = true,
            "--no-stdlib" => no_stdlib = true,
            "--tls-accept-invalid" => tls_accept_invalid = true,
            _ => {
                let value = args.get(i + 1).cloned();
                match (args[i].as_str(), value) {
                    ("--server", Some(v)) => server = Some(v),
                    ("--data", Some(v)) => data = Some(PathBuf::from(v)),
                    ("--nick", Some(v)) => nick = Some(v),
                    ("--join", Some(v)) => joins.push(v),
                    ("--load", Some(v)) => loads.push(PathBuf::from(v)),
                    ("--config", Some(v)) => config_file = Some(PathBuf::from(v)),
                    ("--network", Some(v)) => network = Some(v),
                    ("--tls-cert", Some(v)) => tls_cert = Some(PathBuf::from(v)),
                    ("--proxy", Some(v)) => proxy = Some(v),
                    ("--grant", Some(v)) => match rustirc_core::permissions::parse_grant_flag(&v) {
                        Ok(g) => cli_grants.push(g),
                        Err(e) => {
                            eprintln!("rustirc: {e}");
                            return 2;
                        }
                    },
                    ("--budget", v) => match parse_budget(v.as_ref()) {
                        Ok(b) => budget = Some(b),
                        Err(e) => {
                            eprintln!("rustirc: {e}");
                            return 2;
                        }
                    },
                    (other, _) => {
                        eprintln!("rustirc: unknown or incomplete option {other}\n{USAGE}");
                        return 2;
                    }
                }
                i += 1;
            }
        }
        i += 1;
    }
    // The config file: the one named (which must exist), else the default one if present.
    let settings = match config_file.or_else(|| default_config_file().filter(|p| p.exists())) {
        Some(path) => match Settings::load(&path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rustirc: {e}");
                return 2;
            }
        },
        None => Settings::default(),
    };
    // Which networks: the one named; else, when a flag describes a network, the first one
    // with the flags applied; else every one in the file.
    let flags_name_a_network = server.is_some()
        || nick.is_some()
        || !joins.is_empty()
        || tls
        || tls_accept_invalid
        || tls_cert.is_some()
        || proxy.is_some();
    let mut nets: Vec<NetworkSettings> = match (&network, settings.network(network.as_deref())) {
        (Some(_), Some(n)) => vec![n.clone()],
        (Some(name), None) => {
            eprintln!("rustirc: no [[network]] named {name} in the config file");
            return 2;
        }
        (None, Some(n)) if flags_name_a_network => vec![n.clone()],
        (None, Some(_)) => settings.networks.clone(),
        (None, None) => vec![NetworkSettings::default()],
    };
    if let [net] = nets.as_mut_slice() {
        // Flags replace the network's settings.
        if server.is_some() {
            net.server = server;
        }
        if nick.is_some() {
            net.nick = nick;
        }
        if !joins.is_empty() {
            net.channels = joins;
        }
        net.tls |= tls;
        net.tls_accept_invalid |= tls_accept_invalid;
        if tls_cert.is_some() {
            net.tls_cert = tls_cert;
        }
        if proxy.is_some() {
            net.proxy = proxy;
        }
    }
    let mut connections = Vec::new();
    for (i, net) in nets.iter().enumerate() {
        let which = match (&net.name, nets.len()) {
            (Some(n), _) => format!("[[network]] {n}: "),
            (None, 1) => String::new(),
            (None, _) => format!("[[network]] {}: ", i + 1),
        };
        let (Some(nick), Some(_)) = (&net.nick, &net.server) else {
            eprintln!(
                "rustirc: {which}--headless needs a server and a nick (--server and --nick, or server and nick in a [[network]] of the config file)\n{USAGE}"
            );
            return 2;
        };
        let srv = match net.to_server() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rustirc: {which}{e}");
                return 2;
            }
        };
        let name = net.name.clone().unwrap_or_else(|| srv.host.clone());
        connections.push((net.to_config(nick), srv, name));
    }
    let mut limits = settings.limits.to_limits();
    if let Some(b) = budget {
        limits.instructions = b;
    }
    let scripts = if loads.is_empty() {
        settings.scripts.clone()
    } else {
        loads
    };
    let mut configs = connections.iter().map(|(c, _, _)| c.clone());
    let Some(first) = configs.next() else {
        eprintln!("rustirc: no [[network]] to connect to\n{USAGE}");
        return 2;
    };
    let mut client =
        rustirc_core::client::Client::new(first, limits.clone(), rustirc_core::net::now_ms());
    add_engines_with(
        &mut client,
        &limits,
        &settings.python,
        &settings.plugins.isolated,
    );
    for config in configs {
        client.add_connection(config);
    }
    let connections: Vec<rustirc_core::net::Connection> = connections
        .into_iter()
        .enumerate()
        .map(|(i, (_, server, name))| rustirc_core::net::Connection {
            cid: u32::try_from(i + 1).unwrap_or(u32::MAX),
            server,
            name,
        })
        .collect();
    let Some(data) = data.or(settings.data.clone()).or_else(default_data_dir) else {
        eprintln!("rustirc: no data folder: set HOME or XDG_DATA_HOME, or pass --data DIR");
        return 2;
    };
    if let Err(e) = client.set_data_dir(&data) {
        eprintln!("rustirc: data folder {}: {e}", data.display());
        return 1;
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rustirc: {e}");
            return 1;
        }
    };
    // Scripts may open sockets as they load (in their LOAD and START events).
    for (pattern, grants) in &settings.permissions.0 {
        client.permissions.grant(pattern, grants.clone());
    }
    for (name, grants) in cli_grants {
        client.permissions.grant(&name, grants);
    }
    match settings.dcc.to_settings() {
        Ok(d) => client.sockets.dcc.settings = d,
        Err(e) => {
            eprintln!("rustirc: {e}");
            return 2;
        }
    }
    rustirc_core::sockets::io::attach(&mut client, rt.handle().clone());
    // The built-in scripts first, from their copies in the data folder (docs/stdlib.md).
    let mut builtin = Vec::new();
    if !no_stdlib {
        match rustirc_core::stdlib::install(&data, &settings.stdlib.disabled()) {
            Ok(installed) => {
                for i in installed {
                    if let Some(note) = &i.note {
                        println!("rustirc: {note}");
                    }
                    builtin.push(i.path);
                }
            }
            Err(e) => {
                eprintln!("rustirc: the built-in scripts: {e}");
                return 1;
            }
        }
    }
    // Then the scripts installed from the repository and enabled (docs/manager.md).
    let installed = match rustirc_core::repo::scripts_to_load(&data) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rustirc: the installed scripts: {e}");
            return 1;
        }
    };
    // Then the scripts folder, then the configured ones; a file named twice loads once.
    let folder = match rustirc_core::autoload::scripts(&data) {
        Ok(p) => p,
        Err(e) => {
            eprintln!(
                "rustirc: the scripts folder {}: {e}",
                rustirc_core::autoload::folder(&data).display()
            );
            return 1;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for path in builtin
        .iter()
        .chain(&installed)
        .chain(&folder)
        .chain(&scripts)
    {
        if !seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())) {
            continue;
        }
        let f = path.display().to_string();
        match std::fs::read(path) {
            Ok(b) => {
                let report = client.load_script(&f, &b);
                if report.has_errors() {
                    eprintln!("rustirc: {f} has errors (shown above); its good parts are loaded");
                }
            }
            Err(e) => {
                eprintln!("rustirc: {f}: {e}");
                return 2;
            }
        }
    }
    let mut out = std::io::stdout();
    match rt.block_on(rustirc_core::net::run(&mut client, &connections, &mut out)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("rustirc: {e}");
            1
        }
    }
}
