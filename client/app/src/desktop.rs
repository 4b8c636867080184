//! `rustirc` with no command: the desktop window. Reads the config file (as `--headless`
//! does), builds the client on the core thread with the built-in, installed and configured
//! scripts, connects to the config file's networks, and opens the window.
//!
//! `rustirc [--config FILE] [--data DIR] [--no-stdlib] [--open FILE]... [--screenshot FILE]`

use crate::cli::{add_engines, default_config_file, default_data_dir};
use crate::ui;
use rustirc_core::client::Client;
use rustirc_core::net::Connection;
use rustirc_core::settings::Settings;
use rustirc_core::state::Config;
use std::path::PathBuf;

/// What the window starts with.
#[derive(Clone, Debug, Default)]
pub struct Start {
    /// The settings (from the config file).
    pub settings: Settings,
    /// The data folder.
    pub data: PathBuf,
    /// Load the built-in scripts.
    pub stdlib: bool,
    /// Connect to the config file's networks.
    pub connect: bool,
}

/// Builds the client for `start` (on the core thread): its engines, data folder, permissions,
/// scripts, and the connections to open; `prepare` gets the client before anything loads.
///
/// # Errors
/// What cannot be read or set up, with the file or setting it concerns.
pub fn build(
    start: &Start,
    prepare: ui::bridge::Prepare,
) -> Result<(Client, Vec<Connection>), String> {
    let s = &start.settings;
    let limits = s.limits.to_limits();
    let mut nets = Vec::new();
    if start.connect {
        for (i, n) in s.networks.iter().enumerate() {
            let (Some(nick), Some(_)) = (&n.nick, &n.server) else {
                continue;
            };
            let server = n
                .to_server()
                .map_err(|e| format!("[[network]] {}: {e}", i + 1))?;
            let name = n.name.clone().unwrap_or_else(|| server.host.clone());
            nets.push((n.to_config(nick), server, name));
        }
    }
    let first = nets.first().map_or_else(
        || {
            let nick = std::env::var("USER").unwrap_or_else(|_| "rustirc".into());
            Config::new(&nick)
        },
        |(c, _, _)| c.clone(),
    );
    let mut client = Client::new(first, limits.clone(), rustirc_core::net::now_ms());
    prepare(&mut client);
    add_engines(&mut client, &limits);
    for (c, _, _) in nets.iter().skip(1) {
        client.add_connection(c.clone());
    }
    client
        .set_data_dir(&start.data)
        .map_err(|e| format!("data folder {}: {e}", start.data.display()))?;
    for (pattern, grants) in &s.permissions.0 {
        client.permissions.grant(pattern, grants.clone());
    }
    client.sockets.dcc.settings = s.dcc.to_settings()?;
    let mut scripts = Vec::new();
    if start.stdlib {
        for i in rustirc_core::stdlib::install(&start.data, &s.stdlib.disabled())
            .map_err(|e| format!("the built-in scripts: {e}"))?
        {
            scripts.push(i.path);
        }
    }
    scripts.extend(rustirc_core::repo::scripts_to_load(&start.data)?);
    // The scripts folder (where the editor pane saves new scripts), then the configured ones;
    // a file named twice loads once.
    scripts.extend(rustirc_core::autoload::scripts(&start.data).map_err(|e| {
        format!(
            "the scripts folder {}: {e}",
            rustirc_core::autoload::folder(&start.data).display()
        )
    })?);
    scripts.extend(s.scripts.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    for path in scripts {
        if !seen.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
            continue;
        }
        let f = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| format!("{f}: {e}"))?;
        client.load_script(&f, &bytes);
    }
    let connections = nets
        .into_iter()
        .enumerate()
        .map(|(i, (_, server, name))| Connection {
            cid: u32::try_from(i + 1).unwrap_or(u32::MAX),
            server,
            name,
        })
        .collect();
    Ok((client, connections))
}

/// The window's options for `start`.
pub fn options(start: &Start, config_file: Option<PathBuf>) -> ui::Options {
    ui::Options {
        data: start.data.clone(),
        config_file,
        repository: start.settings.repository.clone(),
        alerts: start.settings.alerts.clone(),
    }
}

/// `rustirc [--config FILE] [--data DIR] [--no-stdlib] [--open FILE]... [--import PATH] [--screenshot FILE]`:
/// opens the window; returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let mut config = None;
    let mut data = None;
    let mut stdlib = true;
    let mut opening = ui::Opening::default();
    let mut i = 0;
    while i < args.len() {
        match (args[i].as_str(), args.get(i + 1)) {
            ("--no-stdlib", _) => stdlib = false,
            ("--config", Some(v)) => {
                config = Some(PathBuf::from(v));
                i += 1;
            }
            ("--data", Some(v)) => {
                data = Some(PathBuf::from(v));
                i += 1;
            }
            ("--open", Some(v)) => {
                opening.open.push(PathBuf::from(v));
                i += 1;
            }
            ("--screenshot", Some(v)) => {
                opening.screenshot = Some(PathBuf::from(v));
                i += 1;
            }
            ("--import", Some(v)) => {
                opening.import = Some(v.clone());
                i += 1;
            }
            (other, _) => {
                eprintln!("rustirc: unknown or incomplete option {other}");
                return 2;
            }
        }
        i += 1;
    }
    let config_file = config.or_else(default_config_file);
    let settings = match config_file.as_deref().filter(|p| p.exists()) {
        Some(p) => match Settings::load(p) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("rustirc: {e}");
                return 2;
            }
        },
        None => Settings::default(),
    };
    let Some(data) = data.or(settings.data.clone()).or_else(default_data_dir) else {
        eprintln!("rustirc: no data folder: set HOME or XDG_DATA_HOME, or pass --data DIR");
        return 2;
    };
    let start = Start {
        settings,
        data,
        stdlib,
        connect: true,
    };
    let options = options(&start, config_file);
    ui::run(Box::new(move |prep| build(&start, prep)), options, opening)
}
