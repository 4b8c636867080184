//! `/load`, `/unload` and `/reload`: scripts loaded and unloaded while the client runs.
//!
//! A script's commands cannot change the loaded scripts while one of them runs, so these
//! commands are carried out when the running command or event is over. A new file is looked
//! for in the data folder, then in its `scripts` folder, and may not be outside it; a loaded one (also one given with
//! `--load`) is found by its path or its file name, and read again from where it was loaded.

use super::{Client, EventInfo, ScriptHost};
use rustirc_lang::registry::idents::file::resolve;

/// What to do with a script file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptOp {
    /// `/load`: load it (`on LOAD` and `on START` run); reload it when it is loaded.
    Load,
    /// `/unload`: unload it; `on UNLOAD` runs unless `-n` was given (`events` false).
    Unload,
    /// `/reload`: read it again in place of the loaded one; no event runs.
    Reload,
}

/// A `/load`, `/unload` or `/reload` waiting for the running script to finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRequest {
    /// Which command.
    pub op: ScriptOp,
    /// The file as written.
    pub file: String,
    /// Whether `on UNLOAD` runs (`/unload -n` turns it off).
    pub events: bool,
}

/// Reads `[-switches] file`: `-rs` (a script) and `-a` (an alias file; the kind is read from
/// the file anyway), `n` for `/unload`.
fn parse(cmd: &str, args: &str) -> Result<(bool, String), String> {
    let mut rest = args.trim();
    let mut events = true;
    while let Some(sw) = rest.strip_prefix('-') {
        let (flags, after) = sw.split_once(' ').unwrap_or((sw, ""));
        for c in flags.chars() {
            match c {
                'r' | 's' | 'a' => {}
                'n' if cmd == "unload" => events = false,
                c if c.is_ascii_digit() => {}
                other => {
                    return Err(format!(
                        "/{cmd}: -{other} is not supported (scripts are loaded with -rs or -a)"
                    ))
                }
            }
        }
        rest = after.trim_start();
    }
    let file = rest.trim().trim_matches('"');
    if file.is_empty() {
        return Err(format!("/{cmd}: insufficient parameters"));
    }
    Ok((events, file.to_string()))
}

impl ScriptHost<'_> {
    /// `/load`, `/unload`, `/reload` (see the module docs); `None` for other commands.
    pub(super) fn script_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        let op = match name {
            "load" => ScriptOp::Load,
            "unload" => ScriptOp::Unload,
            "reload" => ScriptOp::Reload,
            _ => return None,
        };
        Some(parse(name, args).map(|(events, file)| {
            self.pending
                .scripts
                .push(ScriptRequest { op, file, events });
        }))
    }
}

/// The file-name part of a path, lower-cased.
fn base(path: &str) -> String {
    path.rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
}

impl Client {
    /// The position in [`Client::scripts`] of the loaded script `file` names (its path as
    /// loaded, its file name, or its file name without the extension).
    pub(super) fn find_script(&self, file: &str) -> Option<usize> {
        let exact = self
            .scripts
            .iter()
            .position(|(_, f)| f.eq_ignore_ascii_case(file));
        let want = base(file);
        exact
            .or_else(|| self.scripts.iter().position(|(_, f)| base(f) == want))
            .or_else(|| {
                // `/py unload seen` for seen.py.
                self.scripts.iter().position(|(_, f)| {
                    let b = base(f);
                    b.rsplit_once('.').is_some_and(|(stem, _)| stem == want)
                })
            })
    }

    /// Carries out a `/load`, `/unload` or `/reload`; problems are shown in the status
    /// window.
    pub(super) fn script_request(&mut self, r: ScriptRequest) {
        let loaded = self.find_script(&r.file);
        let result = match (r.op, loaded) {
            (ScriptOp::Unload, Some(i)) => {
                self.unload_script(i, r.events);
                Ok(())
            }
            (ScriptOp::Load | ScriptOp::Reload, Some(i)) => self.reload_script(i),
            (ScriptOp::Load, None) => self.load_new(&r.file),
            (ScriptOp::Unload | ScriptOp::Reload, None) => {
                let cmd = if r.op == ScriptOp::Unload {
                    "unload"
                } else {
                    "reload"
                };
                Err(format!("* /{cmd}: {} is not loaded", r.file))
            }
        };
        if let Err(e) = result {
            self.out.show("status", e);
        }
    }

    /// `/load` of a file not loaded yet: from the data folder, or else from its scripts
    /// folder (`scripts/NAME`, [`crate::autoload`]).
    fn load_new(&mut self, file: &str) -> Result<(), String> {
        let st = &self.msl.engine.vm.st;
        let mut path = resolve(st, file).map_err(|e| format!("* /load: {e}"))?;
        if !path.exists() {
            if let Ok(p) = resolve(st, &format!("scripts/{}", file.trim().trim_matches('"'))) {
                if p.is_file() {
                    path = p;
                }
            }
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("* /load: cannot read {file}: {e}"))?;
        let name = path.display().to_string();
        self.out.show("status", format!("* Loaded script '{name}'"));
        self.load_script(&name, &bytes);
        Ok(())
    }

    /// Reads loaded script `i` again from where it was loaded and puts it in place of the old
    /// one (which goes without `on UNLOAD`; the new one gets no `on LOAD` or `on START`).
    fn reload_script(&mut self, i: usize) -> Result<(), String> {
        let (old, file) = self.scripts[i].clone();
        let bytes =
            std::fs::read(&file).map_err(|e| format!("* /reload: cannot read {file}: {e}"))?;
        if self.engine_of(old).is_some() {
            // Another engine's script starts afresh: its timers and sockets go with the old one.
            self.drop_script(i);
            self.release_script(old);
            self.load_script(&file, &bytes);
            self.out
                .show("status", format!("* Reloaded script '{file}'"));
            return Ok(());
        }
        self.replace_msl(i, &file, &bytes);
        self.out
            .show("status", format!("* Reloaded script '{file}'"));
        Ok(())
    }

    /// Puts `bytes` in place of loaded mSL script `i` (`file`): its aliases, handlers and
    /// menus are the new text's; its timers and sockets stay; global variables and hash
    /// tables are untouched. No event runs.
    pub(super) fn replace_msl(
        &mut self,
        i: usize,
        file: &str,
        bytes: &[u8],
    ) -> rustirc_lang::LoadReport {
        let (old, _) = self.scripts[i].clone();
        self.drop_script(i);
        let loaded = self.msl.load(file, bytes);
        for d in &loaded.report.diagnostics {
            self.out.show("status", d.rendered.trim_end().to_string());
        }
        self.table.add(0, loaded.script, loaded.handlers);
        for (group, _) in loaded.report.groups.iter().filter(|(_, on)| !on) {
            self.table.set_group(Some(loaded.script), group, false);
        }
        self.scripts.push((loaded.script, file.to_string()));
        self.adopt_script(old, loaded.script);
        self.sync_dialog_tables();
        loaded.report
    }

    /// Unloads script `i`, after its `on UNLOAD` handler when `events`.
    fn unload_script(&mut self, i: usize, events: bool) {
        let (id, file) = self.scripts[i].clone();
        if events && self.engine_of(id).is_none() {
            if let Some(handle) = self.msl.script_handler(id, "UNLOAD") {
                let info = EventInfo {
                    name: "UNLOAD".to_string(),
                    ..EventInfo::default()
                };
                let mut host = ScriptHost::new(self, &info);
                let r = host.call(handle, "", false);
                let pending = host.finish();
                if let Err(e) = r {
                    self.out.show("status", e.to_string());
                }
                self.after(pending);
            }
        }
        // The handler may have unloaded or reloaded scripts itself.
        if let Some(i) = self.scripts.iter().position(|(s, _)| *s == id) {
            self.drop_script(i);
            self.release_script(id);
            self.out
                .show("status", format!("* Unloaded script '{file}'"));
        }
    }

    /// Removes script `i`'s handlers and aliases.
    pub(super) fn drop_script(&mut self, i: usize) {
        let (id, _) = self.scripts.remove(i);
        self.table.remove_script(id);
        if self.engine_of(id).is_some() {
            self.drop_engine_script(id);
        } else {
            self.msl.unload(id);
        }
        self.sync_dialog_tables();
    }
}

#[cfg(test)]
mod tests {
    //! The switches decide whether UNLOAD runs and refuse what is not a script.
    use super::parse;

    #[test]
    fn switches() {
        assert_eq!(
            parse("load", "-rs bot.mrc").unwrap(),
            (true, "bot.mrc".into())
        );
        assert_eq!(
            parse("load", "-rs1 \"my bot.mrc\"").unwrap(),
            (true, "my bot.mrc".into())
        );
        assert_eq!(
            parse("unload", "-nrs bot.mrc").unwrap(),
            (false, "bot.mrc".into())
        );
        assert_eq!(
            parse("unload", "-rs -n bot.mrc").unwrap(),
            (false, "bot.mrc".into())
        );
        assert!(parse("load", "-rs").unwrap_err().contains("insufficient"));
        assert!(parse("load", "-ru users.ini").unwrap_err().contains("-u"));
        assert!(parse("load", "-n bot.mrc").unwrap_err().contains("-n"));
    }
}
