//! The script editor's calls into the client: the diagnostics of a text as it is typed, and
//! applying it to the running client (see [`crate::editor`] for colouring).

use super::Client;
use crate::editor::{engine_diagnostic, word_len, Diagnostic, Language};
use rustirc_lang::{Engine, Limits, LoadReport};
use rustirc_syntax::diag::Severity;

/// What [`Client::apply_script`] did.
#[derive(Clone, Debug)]
pub enum Applied {
    /// The script was loaded already: the new text replaced it (no `on LOAD`/`on START`;
    /// its timers, sockets, global variables and hash tables stay).
    Replaced(LoadReport),
    /// The script was not loaded: it is now, and its `on LOAD` and `on START` ran.
    Loaded(LoadReport),
}

impl Client {
    /// The problems in `text`, the editor's text of `file` (its extension picks the
    /// language), as `rustirc check` finds them: nothing is loaded or run. Lua and Python are
    /// checked by the engine the client has for them; without one, a warning says so.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// // On each edit, the GUI asks again and underlines what comes back.
    /// let found = client.diagnostics("greet.mrc", "alias hi {\n  if ($1 == { echo x }\n}\n");
    /// let d = &found[0];
    /// assert_eq!((d.line, d.severity), (2, rustirc_core::editor::Severity::Error));
    /// assert!(d.message.contains("never closed"), "{}", d.message);
    /// ```
    pub fn diagnostics(&self, file: &str, text: &str) -> Vec<Diagnostic> {
        match Language::of(file) {
            Language::Msl => {
                let mut engine = Engine::new(Limits::default());
                let report = engine.load(file, text.as_bytes(), false);
                report
                    .diagnostics
                    .into_iter()
                    .map(|d| Diagnostic {
                        len: word_len(text, d.line, d.col),
                        line: d.line,
                        col: d.col,
                        severity: d.severity,
                        message: d.message,
                    })
                    .collect()
            }
            lang => match self.engine_for(file).and_then(|e| self.engine(e).cloned()) {
                Some(engine) => engine
                    .check(file, text.as_bytes())
                    .iter()
                    .map(|m| engine_diagnostic(file, text, m))
                    .collect(),
                None => vec![Diagnostic {
                    line: 1,
                    col: 1,
                    len: 1,
                    severity: Severity::Warning,
                    message: format!(
                        "this client has no {} engine: the text cannot be checked",
                        if lang == Language::Lua {
                            "Lua"
                        } else {
                            "Python"
                        }
                    ),
                }],
            },
        }
    }

    /// Applies the editor's `text` of `file` to the running client: a loaded script (found by
    /// its path or file name) is replaced by the text, a new one is loaded. Aliases typed in
    /// it can be called from the input line at once; global variables (`%x`) and hash tables
    /// are kept. The text is not written to disk (the editor saves the file).
    ///
    /// # Errors
    /// When the text has errors ([`Client::diagnostics`]): nothing changes, and the
    /// diagnostics are returned.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.apply_script("mine.mrc", "alias twice return $calc($1 * 2)").unwrap();
    /// client.run_command("//echo -s $twice(21)");
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "42"));
    /// ```
    pub fn apply_script(&mut self, file: &str, text: &str) -> Result<Applied, Vec<Diagnostic>> {
        let found = self.diagnostics(file, text);
        if found.iter().any(|d| d.severity == Severity::Error) {
            return Err(found);
        }
        let bytes = text.as_bytes();
        let Some(i) = self.find_script(file) else {
            let report = self.load_script(file, bytes);
            self.deliver_signals();
            return Ok(Applied::Loaded(report));
        };
        let (id, loaded_as) = self.scripts[i].clone();
        if self.engine_of(id).is_some() {
            self.drop_script(i);
            self.release_script(id);
            let report = self.load_script(&loaded_as, bytes);
            return Ok(Applied::Replaced(report));
        }
        let mut meta = crate::manifest::parse_mrc(&loaded_as, bytes);
        let report = self.replace_msl(i, &loaded_as, bytes);
        if let Some(new) = self.scripts.last().map(|(s, _)| *s) {
            meta.script = new;
            self.register_script(&meta);
        }
        Ok(Applied::Replaced(report))
    }

    /// The "stop script" button: a handle another thread (the window's) keeps and calls
    /// [`StopSignal::request`](rustirc_lang::host::StopSignal::request) on to end the mSL run
    /// in progress at once, for instance a `while (1)` loop, without waiting for its
    /// instruction budget. The run ends with the error `stopped by the user in PLACE` (shown
    /// and counted as that script's fault); a request made while no script runs stops
    /// nothing. Lua and Python callbacks are bounded by their own time limits.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// client.load_script("spin.mrc", b"alias spin while (1) { inc %n }");
    /// let stop = client.stop_signal();
    /// let button = std::thread::spawn(move || {
    ///     std::thread::sleep(std::time::Duration::from_millis(50));
    ///     stop.request();
    /// });
    /// client.run_command("/spin");
    /// button.join().unwrap();
    /// let out = client.take_output();
    /// assert!(out.shown.iter().any(|(_, t)| t.contains("stopped by the user in alias spin")));
    /// ```
    pub fn stop_signal(&self) -> rustirc_lang::host::StopSignal {
        self.stop.clone()
    }

    /// Loads what [`crate::import::import`] found into the running client: the scripts are
    /// copied into the data folder ([`crate::import::install`]) and loaded in order, the
    /// variables and users that are not there yet are added. Returns the scripts' new paths.
    ///
    /// # Errors
    /// Without a data folder, or when a file cannot be copied.
    ///
    /// ```
    /// # use rustirc_core::{client::Client, state::Config};
    /// # let dir = std::env::temp_dir().join(format!("rustirc-load-import-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let mut client = Client::new(Config::new("me"), rustirc_lang::Limits::default(), 0);
    /// # client.set_data_dir(&dir.join("data")).unwrap();
    /// std::fs::write(dir.join("hi.mrc"), "alias hi echo -s hi from $me").unwrap();
    /// let report = rustirc_core::import::import(&[dir.join("hi.mrc")]).unwrap();
    /// client.load_import(&report).unwrap();
    /// client.run_command("/hi");
    /// assert!(client.take_output().shown.iter().any(|(_, t)| t == "hi from me"));
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn load_import(
        &mut self,
        report: &crate::import::ImportReport,
    ) -> Result<Vec<std::path::PathBuf>, String> {
        let dir = self
            .data_dir
            .clone()
            .ok_or("the client has no data folder to import into")?;
        let installed = crate::import::install(report, &dir)?;
        let globals = &mut self.msl.engine.vm.st.globals;
        for (name, value) in &report.variables {
            if globals.get(name).is_none() {
                globals.set(name, rustirc_lang::Value::from_string(value.clone()));
            }
        }
        if let Ok(text) = std::fs::read_to_string(dir.join("users.ini")) {
            self.users = crate::users::UserList::parse(&text);
        }
        for path in &installed {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
            if let Some(i) = self.find_script(&name) {
                let (id, _) = self.scripts[i].clone();
                self.drop_script(i);
                self.release_script(id);
            }
            self.load_script(&name, &bytes);
        }
        self.deliver_signals();
        Ok(installed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Config;

    fn shown(c: &mut Client, line: &str) -> Vec<String> {
        c.run_command(line);
        c.take_output().shown.into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn the_wall_clock_limit_ends_a_run_in_the_client() {
        let mut c = Client::new(
            Config::new("me"),
            Limits {
                instructions: u64::MAX / 2,
                wall_ms: 200,
                ..Limits::default()
            },
            0,
        );
        c.load_script("spin.mrc", b"alias spin while (1) { inc %n }");
        let out = shown(&mut c, "/spin");
        assert!(
            out.iter()
                .any(|t| t.contains("run took too long (limit is 200)")),
            "{out:?}"
        );
    }

    #[test]
    fn a_stop_stops_the_running_loop_and_not_the_next_run() {
        let mut c = Client::new(
            Config::new("me"),
            Limits {
                instructions: u64::MAX / 2,
                ..Limits::default()
            },
            0,
        );
        c.load_script(
            "spin.mrc",
            b"alias spin while (1) { inc %n }\nalias ok echo -s ok",
        );
        // Pressed while nothing runs: the next run is not affected.
        c.stop_signal().request();
        assert_eq!(shown(&mut c, "/ok"), ["ok"]);
        let stop = c.stop_signal();
        let button = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            stop.request();
        });
        // Without the stop this loop would run for hours.
        let out = shown(&mut c, "/spin");
        button.join().unwrap();
        assert!(
            out.iter()
                .any(|t| t.contains("spin.mrc:1:")
                    && t.contains("stopped by the user in alias spin")),
            "{out:?}"
        );
        assert_eq!(shown(&mut c, "/ok"), ["ok"]);
    }

    #[test]
    fn an_applied_alias_is_callable_and_state_survives() {
        let dir = std::env::temp_dir().join(format!("rustirc-editor-{}", std::process::id()));
        let mut c = Client::new(Config::new("me"), Limits::default(), 0);
        c.set_data_dir(&dir).unwrap();
        c.load_script("s.mrc", b"alias hi echo -s old\non *:LOAD:set %loads 1");
        assert_eq!(shown(&mut c, "/hi"), ["old"]);
        shown(&mut c, "/set %kept 5");
        shown(&mut c, "/hmake tbl 10");
        shown(&mut c, "/hadd tbl k v");
        // The user edits the script and applies it: the new alias answers at once.
        let r = c.apply_script(
            "s.mrc",
            "alias hi echo -s new %kept $hget(tbl,k)\nalias bye echo -s bye",
        );
        assert!(
            matches!(r, Ok(Applied::Replaced(ref rep)) if rep.aliases == 2),
            "{r:?}"
        );
        assert_eq!(shown(&mut c, "/hi"), ["new 5 v"]);
        assert_eq!(shown(&mut c, "/bye"), ["bye"]);
        // `on LOAD` did not run again, and the script is still one script.
        assert_eq!(shown(&mut c, "//echo -s %loads"), ["1"]);
        assert_eq!(c.scripts.len(), 1);
        // Text with an error changes nothing.
        let e = c
            .apply_script("s.mrc", "alias hi {\n echo -s broken\n")
            .unwrap_err();
        assert_eq!(e[0].severity, Severity::Error);
        assert_eq!(shown(&mut c, "/hi"), ["new 5 v"]);
        // A new file loads, with its LOAD event.
        let r = c.apply_script("other.mrc", "on *:LOAD:echo -s loaded other");
        assert!(matches!(r, Ok(Applied::Loaded(_))));
        assert!(c
            .take_output()
            .shown
            .iter()
            .any(|(_, t)| t == "loaded other"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn diagnostics_place_each_problem() {
        let c = Client::new(Config::new("me"), Limits::default(), 0);
        assert!(c.diagnostics("ok.mrc", "alias a echo -a hi").is_empty());
        let d = c.diagnostics("w.mrc", "alias a {\n  echo -a hi\n  $dll(x.dll,f,1)\n}");
        assert!(
            d.iter()
                .any(|d| d.severity == Severity::Warning && d.line == 3 && d.len >= 4),
            "{d:?}"
        );
        let d = c.diagnostics("x.lua", "x = ");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].message.contains("no Lua engine"));
    }
}
