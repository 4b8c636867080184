//! Per-script accounting: how much each script's handlers cost, so a user can find the one
//! that slows the client down. `/scripts stats` shows it; [`Client::script_stats`] gives it to
//! the GUI.

use super::Client;

/// What one script's handlers have cost since it loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptStats {
    /// Events it handled (handler runs).
    pub events: u64,
    /// Instructions it ran: the mSL VM's fuel its handlers spent, or what its engine
    /// counted (Lua: every instruction of every callback, in steps of 1000).
    pub instructions: u64,
    /// Handler runs that ended in an error.
    pub errors: u64,
    /// Of those, the runs stopped by the instruction budget.
    pub budget_exhausted: u64,
    /// The last error, as shown.
    pub last_fault: Option<String>,
}

impl ScriptStats {
    /// Counts one handler run: `instructions` spent, and its error if it failed.
    pub(super) fn record(&mut self, instructions: u64, error: Option<&str>) {
        self.events += 1;
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
        let rows = self.script_stats();
        if rows.is_empty() {
            self.out.show("status", "* No scripts loaded".to_string());
        }
        for (name, file, s) in rows {
            self.out.show(
                "status",
                format!(
                    "* {name}: events {}, errors {}, budget exhaustions {}, instructions {} ({file})",
                    s.events, s.errors, s.budget_exhausted, s.instructions
                ),
            );
            if let Some(f) = &s.last_fault {
                self.out.show("status", format!("*   last fault: {f}"));
            }
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
