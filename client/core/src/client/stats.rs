//! Per-script accounting: how much each script's handlers, timers and commands cost, so a
//! user can find the one that slows the client down. `/scripts stats` shows it;
//! [`Client::script_stats`] gives it to the GUI; the client writes it to
//! `script-stats.json` in the data folder every minute and when it quits, where `rustirc
//! script stats` reads it ([`load`]).

use super::Client;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file in the data folder the accounting is written to.
pub const STATS_FILE: &str = "script-stats.json";

/// How often the client writes [`STATS_FILE`] while it runs (milliseconds).
pub const STATS_SAVE_INTERVAL_MS: u64 = 60_000;

/// What one script's handlers have cost since it loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScriptStats {
    /// Events it handled (handler runs).
    pub events: u64,
    /// Timer runs.
    pub timers: u64,
    /// Runs of commands it added, typed or called.
    pub commands: u64,
    /// Instructions it ran: the mSL VM's fuel its handlers spent, or what its engine
    /// counted (Lua: every instruction of every callback, in steps of 1000).
    pub instructions: u64,
    /// Handler runs that ended in an error.
    pub errors: u64,
    /// Of those, the runs stopped by the instruction budget.
    pub budget_exhausted: u64,
    /// The last error, as shown.
    pub last_fault: Option<String>,
    /// CPU time in milliseconds, for an engine that measures it (Python: its worker's).
    pub cpu_ms: Option<u64>,
}

/// The accounting as written to [`STATS_FILE`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStats {
    /// When it was written (seconds since 1970).
    pub written: u64,
    /// Every loaded script, in load order.
    pub scripts: Vec<SavedScript>,
}

/// One script in [`SavedStats`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScript {
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: String,
    /// What it cost.
    pub stats: ScriptStats,
}

/// The lines `/scripts stats` and `rustirc script stats` show for `rows`: one per script,
/// plus its last fault when it had one.
pub fn lines(rows: &[(String, String, ScriptStats)]) -> Vec<String> {
    if rows.is_empty() {
        return vec!["* No scripts loaded".to_string()];
    }
    let mut out = Vec::new();
    for (name, file, s) in rows {
        let cpu = s
            .cpu_ms
            .map_or_else(String::new, |ms| format!(", CPU {ms} ms"));
        out.push(format!(
            "* {name}: events {}, errors {}, budget exhaustions {}, instructions {}, timers {}, commands {}{cpu} ({file})",
            s.events, s.errors, s.budget_exhausted, s.instructions, s.timers, s.commands
        ));
        if let Some(f) = &s.last_fault {
            out.push(format!("*   last fault: {f}"));
        }
    }
    out
}

/// Reads the accounting the client last wrote in the data folder `data`.
///
/// # Errors
/// When there is none yet, or it cannot be read, naming the file.
pub fn load(data: &Path) -> Result<SavedStats, String> {
    let path = data.join(STATS_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no statistics in {}: the client writes them every minute while it runs and when it quits",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

impl ScriptStats {
    /// Counts one handler run: `instructions` spent, and its error if it failed.
    pub(super) fn record(&mut self, instructions: u64, error: Option<&str>) {
        self.events += 1;
        self.spent(instructions, error);
    }

    /// Counts `instructions` and an error of a run that is not a handler's.
    pub(super) fn spent(&mut self, instructions: u64, error: Option<&str>) {
        self.instructions = self.instructions.saturating_add(instructions);
        if let Some(e) = error {
            self.errors += 1;
            if e.contains("too many instructions") {
                self.budget_exhausted += 1;
            }
            self.last_fault = Some(e.to_string());
        }
    }
}

impl Client {
    /// Every loaded script's accounting, in load order: `(name, file, stats)`.
    pub fn script_stats(&self) -> Vec<(String, String, ScriptStats)> {
        self.scripts
            .iter()
            .map(|(id, file)| {
                let mut s = self.stats.get(id).cloned().unwrap_or_default();
                // Another engine counts its scripts' instructions itself.
                if let Some(n) = self
                    .engine_of(*id)
                    .and_then(|e| self.engine(e))
                    .and_then(|e| e.instructions(*id))
                {
                    s.instructions = n;
                }
                s.cpu_ms = self
                    .engine_of(*id)
                    .and_then(|e| self.engine(e))
                    .and_then(|e| e.cpu_ms(*id));
                (self.permissions.name_of(file), file.clone(), s)
            })
            .collect()
    }

    /// The fuel the mSL VM starts a run with (to tell what a run spent).
    pub(super) fn fuel_start(&self) -> u64 {
        match self.msl.engine.vm.st.limits.instructions {
            0 => u64::MAX,
            n => n,
        }
    }

    /// `/scripts stats`: one line per loaded script in the status window.
    pub(super) fn scripts_command(&mut self, args: &str) {
        if !args.trim().eq_ignore_ascii_case("stats") {
            self.out
                .show("status", "* /scripts: expected /scripts stats".to_string());
            return;
        }
        for l in lines(&self.script_stats()) {
            self.out.show("status", l);
        }
        self.save_stats();
    }

    /// Writes [`STATS_FILE`] in the data folder (atomically); nothing without one.
    pub fn save_stats(&mut self) {
        self.stats_due = self.now + STATS_SAVE_INTERVAL_MS;
        let Some(dir) = self.data_dir.clone() else {
            return;
        };
        let saved = SavedStats {
            written: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            scripts: self
                .script_stats()
                .into_iter()
                .map(|(name, file, stats)| SavedScript { name, file, stats })
                .collect(),
        };
        let path = dir.join(STATS_FILE);
        let text = serde_json::to_string_pretty(&saved).unwrap_or_default();
        if let Err(e) = crate::persist::write_atomic(&path, format!("{text}\n").as_bytes()) {
            self.out.show(
                "status",
                format!("* Could not save {}: {e}", path.display()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_errors_and_budget_exhaustions_add_up() {
        let mut s = ScriptStats::default();
        s.record(10, None);
        s.record(5, Some("x.mrc:1: error: /foo: unknown command"));
        s.record(
            200,
            Some("x.mrc:2: error: too many instructions (limit 200)"),
        );
        assert_eq!(
            (s.events, s.instructions, s.errors, s.budget_exhausted),
            (3, 215, 2, 1)
        );
        assert!(s.last_fault.unwrap().contains("too many instructions"));
    }
}
