//! Script engines beside mSL (Lua, later Python and native plugins) in the client: loading
//! their scripts, running the handlers, commands and timers they register, and the
//! [`EngineHost`] they reach the client through.
//!
//! Handlers go into the one event table with the engine's number; commands go into one
//! registry shared by every engine (a name another script owns is refused, never
//! overwritten); timers go into the client's timer list, owned by their script. Unloading a
//! script removes all three.

use super::{Client, EventInfo, Pending, ScriptHost, Timer};
use crate::events::{EngineId, HandlerDecl, ScriptId};
use crate::host::engine::{CommandEntry, CommandSpec, EngineEvent, EngineHost, ScriptEngine};
use crate::proto::Prefix;
use rustirc_lang::engine::FileDiagnostic;
use rustirc_lang::LoadReport;
use std::path::PathBuf;
use std::rc::Rc;

/// Script ids of engines other than mSL start here, so they never meet mSL's (which count
/// from 0 in load order).
pub const ENGINE_SCRIPTS_FROM: u32 = 1 << 24;

/// A change to the event table an engine asked for, applied when its code returns.
pub(super) enum TableOp {
    /// Register a handler.
    Add(EngineId, ScriptId, Box<HandlerDecl>),
    /// Remove a handler.
    Remove(EngineId, u64),
}

impl Client {
    /// Adds a script engine; returns its number (mSL is 0). Scripts whose file it
    /// [handles](ScriptEngine::handles) load into it from then on.
    pub fn add_engine(&mut self, engine: Rc<dyn ScriptEngine>) -> EngineId {
        let id = EngineId::try_from(self.engines.len() + 1).unwrap_or(EngineId::MAX);
        engine.attach(id);
        self.engines.push(engine);
        id
    }

    /// The engine numbered `id` (not mSL).
    pub fn engine(&self, id: EngineId) -> Option<&Rc<dyn ScriptEngine>> {
        self.engines.get(usize::from(id).checked_sub(1)?)
    }

    /// The engine that runs `file`, when it is not an mSL script.
    pub fn engine_for(&self, file: &str) -> Option<EngineId> {
        self.engines
            .iter()
            .position(|e| e.handles(file))
            .and_then(|i| EngineId::try_from(i + 1).ok())
    }

    /// The commands scripts registered, by name.
    pub fn commands(&self) -> impl Iterator<Item = (&String, &CommandEntry)> {
        self.commands.iter()
    }

    /// Loads `file` into engine `engine`: runs it (it registers handlers, commands and
    /// timers); an error is shown in the status window and undoes what it registered.
    pub(super) fn load_engine_script(
        &mut self,
        engine: EngineId,
        file: &str,
        bytes: &[u8],
    ) -> LoadReport {
        let mut report = LoadReport {
            kind: "script",
            ..LoadReport::default()
        };
        let Some(eng) = self.engine(engine).cloned() else {
            return report;
        };
        let id = self.next_engine_script;
        self.next_engine_script += 1;
        self.scripts.push((id, file.to_string()));
        self.engine_scripts.push((id, engine));
        let info = EventInfo::default();
        let outer = self.running.replace(id);
        let mut host = ScriptHost::new(self, &info);
        let r = eng.load(id, file, bytes, &mut host);
        let pending = host.finish();
        self.running = outer;
        self.after(pending);
        match r {
            Ok(meta) => {
                let mut meta = meta;
                if meta.file.is_empty() {
                    meta.file = file.to_string();
                }
                if meta.name.is_empty() {
                    meta.name = crate::manifest::parse_mrc(file, b"").name;
                }
                self.permissions
                    .register(file, &meta.name, &meta.permissions, false);
                report.events = self.table.script_count(id);
                report.aliases = self.commands.values().filter(|c| c.script == id).count();
                if !meta.name.is_empty() && !meta.version.is_empty() {
                    self.out.show(
                        "status",
                        format!("* {} {} loaded ({file})", meta.name, meta.version),
                    );
                }
            }
            Err(e) => {
                self.out.show("status", format!("* {e}"));
                report.diagnostics.push(FileDiagnostic {
                    severity: rustirc_syntax::diag::Severity::Error,
                    line: 0,
                    col: 0,
                    message: e.clone(),
                    rendered: format!("{e}\n"),
                });
                if let Some(i) = self.scripts.iter().position(|(s, _)| *s == id) {
                    self.drop_script(i);
                    self.release_script(id);
                }
            }
        }
        self.deliver_signals();
        report
    }

    /// `/name args` (one slash) when `name` is a command another engine's script registered:
    /// the name and the arguments as written.
    pub(super) fn engine_command_line(&self, line: &str) -> Option<(String, String)> {
        let rest = line.strip_prefix('/')?;
        if rest.starts_with('/') {
            return None;
        }
        let (name, args) = rest.split_once(' ').unwrap_or((rest, ""));
        let name = name.to_ascii_lowercase();
        self.commands
            .contains_key(&name)
            .then(|| (name, args.trim().to_string()))
    }

    /// The engine that loaded script `id`; `None` for an mSL script.
    pub(super) fn engine_of(&self, id: ScriptId) -> Option<EngineId> {
        self.engine_scripts
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, e)| *e)
    }

    /// Forgets engine script `id`: its commands, its engine's state. (Its handlers and
    /// timers go with every script's.)
    pub(super) fn drop_engine_script(&mut self, id: ScriptId) {
        if let Some(engine) = self.engine_of(id) {
            self.commands.retain(|_, c| c.script != id);
            self.engine_scripts.retain(|(s, _)| *s != id);
            self.timers
                .retain(|t| !(t.owner == Some(id) && t.callback.is_some()));
            if let Some(eng) = self.engine(engine).cloned() {
                eng.unload(id);
            }
        }
    }

    /// Applies the table changes engines asked for.
    pub(super) fn apply_table_ops(&mut self, ops: Vec<TableOp>) {
        for op in ops {
            match op {
                TableOp::Add(engine, script, decl) => {
                    self.table.add(engine, script, vec![*decl]);
                }
                TableOp::Remove(engine, handle) => {
                    self.table.remove_handle(engine, handle);
                }
            }
        }
    }

    /// Runs one engine handler for `info`; returns what it asked for.
    pub(super) fn call_engine(
        &mut self,
        engine: EngineId,
        handle: u64,
        info: &EventInfo,
        halted: bool,
        pre: bool,
    ) -> (Result<crate::host::engine::Handled, String>, Pending) {
        let Some(eng) = self.engine(engine).cloned() else {
            return (Ok(Default::default()), Pending::default());
        };
        let ev = EngineEvent {
            name: info.name.clone(),
            key: info.key.clone(),
            text: info.text.clone(),
            nick: info.from.as_ref().map(|p| p.nick.clone()),
            address: info.from.as_ref().and_then(Prefix::address),
            channel: info.chan.clone(),
            target: info.target.clone(),
            other_nick: info.other_nick.clone(),
            raw: info.raw.clone(),
            server: self.net.server().map(str::to_string),
            network: self.net.network().map(str::to_string),
            halted,
            pre,
        };
        let mut host = ScriptHost::new(self, info);
        let r = eng.call(handle, &ev, &mut host);
        (r, host.finish())
    }

    /// A timer an engine started fired.
    pub(super) fn fire_engine_timer(&mut self, engine: EngineId, handle: u64) {
        let Some(eng) = self.engine(engine).cloned() else {
            return;
        };
        let info = EventInfo::default();
        let mut host = ScriptHost::new(self, &info);
        let r = eng.timer(handle, &mut host);
        let pending = host.finish();
        if let Err(e) = r {
            self.out.show("status", format!("* {e}"));
        }
        self.after(pending);
        self.deliver_signals();
    }
}

impl ScriptHost<'_> {
    /// A command a script registered, or an engine's own command (`/lua …`); `None` for
    /// other names.
    pub(super) fn engine_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        if let Some(entry) = self.commands.get().get(name).cloned() {
            let eng = self
                .engines
                .get(usize::from(entry.engine).checked_sub(1)?)?
                .clone();
            // A script calling another's command lends it its own permissions (the caller's
            // rule); a command the user typed runs as the script that registered it.
            let outer = self.runner;
            if outer.is_none() {
                self.runner = Some(entry.script);
            }
            let r = eng.command(entry.handle, args, self);
            self.runner = outer;
            self.pending
                .command_runs
                .push((entry.script, r.as_ref().err().cloned()));
            return Some(r);
        }
        let eng = self.engines.iter().find(|e| e.name() == name)?.clone();
        Some(self.manage_engine(eng.as_ref(), args))
    }

    /// `/help`: the commands scripts added, with their help; `/help NAME`: one command's
    /// usage and help, or that it is one of the client's own. (mSL aliases are the VM's to
    /// resolve; the host does not see them.)
    pub(super) fn help_command(&mut self, args: &str) -> Result<(), String> {
        let file_of = |script: ScriptId| {
            self.engines
                .iter()
                .flat_map(|e| e.scripts())
                .find(|m| m.script == script)
                .map(|m| m.file)
                .unwrap_or_default()
        };
        let name = args.trim_start_matches('/').to_ascii_lowercase();
        let mut lines = Vec::new();
        if name.is_empty() {
            let commands = self.commands.get();
            if commands.is_empty() {
                lines.push("* No script has added a command".to_string());
            } else {
                lines.push("* Commands scripts added (/help NAME for one):".to_string());
                for (n, c) in commands.iter() {
                    lines.push(match c.spec.help.as_str() {
                        "" => format!("  /{n}"),
                        h => format!("  /{n} — {h}"),
                    });
                }
            }
        } else if let Some(c) = self.commands.get().get(&name) {
            let usage = match c.spec.usage.as_str() {
                "" => format!("/{name}"),
                u => u.to_string(),
            };
            lines.push(format!("* {usage}"));
            if !c.spec.help.is_empty() {
                lines.push(format!("  {}", c.spec.help));
            }
            lines.push(format!("  (added by {})", file_of(c.script)));
        } else if rustirc_lang::names::commands().contains(&name.as_str())
            || super::HOST_COMMANDS.contains(&name.as_str())
            || self.engines.iter().any(|e| e.name() == name)
        {
            lines.push(format!(
                "* /{name} is one of the client's own commands (see the documentation)"
            ));
        } else {
            return Err(format!(
                "/help: {name} is neither a command a script added nor one of the client's (mSL aliases have no help)"
            ));
        }
        for l in lines {
            self.show(&self.active.clone(), l);
        }
        Ok(())
    }

    /// `/lua load|unload|reload [-SWITCH] FILE`, `/lua enable|disable|info NAME|FILE`, `/lua list`.
    fn manage_engine(&mut self, eng: &dyn ScriptEngine, args: &str) -> Result<(), String> {
        use super::scripts::{ScriptOp, ScriptRequest};
        let name = eng.name();
        let (sub, rest) = args.trim().split_once(' ').unwrap_or((args.trim(), ""));
        let op = match sub.to_ascii_lowercase().as_str() {
            "load" => ScriptOp::Load,
            "unload" => ScriptOp::Unload,
            "reload" => ScriptOp::Reload,
            "list" | "" => {
                let scripts = eng.scripts();
                if scripts.is_empty() {
                    self.show("status", format!("* No {name} scripts loaded"));
                }
                for s in scripts {
                    let cmds: Vec<String> = self
                        .commands
                        .get()
                        .iter()
                        .filter(|(_, c)| c.script == s.script)
                        .map(|(n, _)| format!("/{n}"))
                        .collect();
                    let mut line = format!("* {} {} ({})", s.name, s.version, s.file);
                    if !s.description.is_empty() {
                        line.push_str(&format!(": {}", s.description));
                    }
                    if !cmds.is_empty() {
                        line.push_str(&format!(" [{}]", cmds.join(" ")));
                    }
                    if s.disabled {
                        line.push_str(" (disabled)");
                    }
                    self.show("status", line);
                }
                return Ok(());
            }
            "enable" | "disable" => {
                let on = sub.eq_ignore_ascii_case("enable");
                let which = rest.trim().trim_matches('"');
                if which.is_empty() {
                    return Err(format!("/{name} {sub}: insufficient parameters"));
                }
                let Some(s) = find_engine_script(&eng.scripts(), which) else {
                    return Err(format!("/{name} {sub}: no {name} script '{which}' loaded"));
                };
                eng.set_enabled_with(s.script, on, self);
                let state = if on { "enabled" } else { "disabled" };
                self.show(
                    "status",
                    format!("* {name}: {} ({}) {state}", s.name, s.file),
                );
                return Ok(());
            }
            "info" => {
                let which = rest.trim().trim_matches('"');
                if which.is_empty() {
                    return Err(format!("/{name} info: insufficient parameters"));
                }
                let Some(s) = find_engine_script(&eng.scripts(), which) else {
                    return Err(format!("/{name} info: no {name} '{which}' loaded"));
                };
                let mut lines = vec![format!("* {} {} ({})", s.name, s.version, s.file)];
                if !s.author.is_empty() {
                    lines.push(format!("  author: {}", s.author));
                }
                if !s.description.is_empty() {
                    lines.push(format!("  description: {}", s.description));
                }
                if !s.permissions.is_empty() {
                    lines.push(format!("  permissions: {}", s.permissions.join(", ")));
                }
                lines.extend(eng.info(s.script).into_iter().map(|l| format!("  {l}")));
                let cmds: Vec<String> = self
                    .commands
                    .get()
                    .iter()
                    .filter(|(_, c)| c.script == s.script)
                    .map(|(n, _)| format!("/{n}"))
                    .collect();
                if !cmds.is_empty() {
                    lines.push(format!("  commands: {}", cmds.join(" ")));
                }
                lines.push(format!(
                    "  state: {}",
                    if s.disabled { "disabled" } else { "enabled" }
                ));
                for l in lines {
                    self.show("status", l);
                }
                return Ok(());
            }
            other => {
                return Err(format!(
                "/{name}: unknown action '{other}' (load, unload, reload, enable, disable, list or info)"
            ))
            }
        };
        let mut rest = rest.trim();
        while let Some(sw) = rest.strip_prefix('-') {
            let (switch, after) = sw.split_once(' ').unwrap_or((sw, ""));
            let file = after.trim().trim_matches('"');
            if op != ScriptOp::Unload {
                eng.load_switch(file, switch)
                    .map_err(|e| format!("/{name} {sub}: {e}"))?;
            }
            rest = after.trim_start();
        }
        let mut file = rest.trim().trim_matches('"').to_string();
        if file.is_empty() {
            return Err(format!("/{name} {sub}: insufficient parameters"));
        }
        // A loaded script may be named by its name as well as its file.
        if op != ScriptOp::Load {
            if let Some(s) = find_engine_script(&eng.scripts(), &file) {
                file = s.file;
            }
        }
        self.pending.scripts.push(ScriptRequest {
            op,
            file,
            events: true,
        });
        Ok(())
    }
}

/// The script `which` names: its name, its file, or its file's name without the folder
/// (case-insensitive).
fn find_engine_script(
    scripts: &[crate::host::engine::ScriptMeta],
    which: &str,
) -> Option<crate::host::engine::ScriptMeta> {
    let base = |f: &str| f.rsplit(['/', '\\']).next().unwrap_or(f).to_string();
    scripts
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(which))
        .or_else(|| scripts.iter().find(|s| s.file == which))
        .or_else(|| {
            scripts
                .iter()
                .find(|s| base(&s.file).eq_ignore_ascii_case(&base(which)))
        })
        .cloned()
}

/// Whether `name` is a command the client or the language defines (scripts may not take
/// those names).
fn is_builtin_command(name: &str) -> bool {
    super::HOST_COMMANDS.contains(&name) || rustirc_lang::names::commands().contains(&name)
}

impl EngineHost for ScriptHost<'_> {
    fn eval(&mut self, text: &str) -> Result<String, String> {
        let Some(msl) = self.msl.take() else {
            return Err("the mSL engine is busy (an mSL alias is running this code)".to_string());
        };
        let r = msl.engine.eval(text, self).map_err(|e| e.to_string());
        self.msl = Some(msl);
        r
    }

    fn run_line(&mut self, line: &str) -> Result<(), String> {
        if self.msl.is_some() {
            return ScriptHost::run_line(self, line).map_err(|e| e.to_string());
        }
        // Run from inside an mSL alias: no evaluation, the command as written.
        let line = line.trim_start().trim_start_matches('/');
        let (name, args) = line.split_once(' ').unwrap_or((line, ""));
        match rustirc_lang::Host::command(self, name, args, false) {
            Some(r) => r,
            None => Err(format!("unknown command /{name}")),
        }
    }

    fn channels(&self) -> Vec<String> {
        let mut names: Vec<String> = self.net.get().channels().map(|c| c.name.clone()).collect();
        names.sort_by_key(|n| n.to_ascii_lowercase());
        names
    }

    fn users(&self, channel: &str) -> Vec<(String, String, Option<String>)> {
        let net = self.net.get();
        net.nicks(channel, "", "")
            .into_iter()
            .map(|m| {
                let address = net
                    .address(&m.nick)
                    .and_then(|a| Some(format!("{}@{}", a.user.as_deref()?, a.host.as_deref()?)));
                (m.nick.clone(), m.prefixes.clone(), address)
            })
            .collect()
    }

    fn active(&self) -> String {
        self.active.clone()
    }

    fn data_dir(&self) -> Option<PathBuf> {
        self.data_dir.clone()
    }

    fn grants(&self, file: &str) -> Vec<String> {
        self.sock.as_ref().map_or_else(Vec::new, |cx| {
            cx.permissions
                .grants_of(file)
                .iter()
                .map(ToString::to_string)
                .collect()
        })
    }

    fn http(
        &mut self,
        req: &crate::repo::http::Request,
    ) -> Result<crate::repo::http::Answer, String> {
        let url = crate::repo::http::Url::parse(&req.url).map_err(|e| format!("http: {e}"))?;
        self.permit(
            "http",
            crate::permissions::Want::Net(crate::permissions::NetUse::Connect(&url.host, url.port)),
        )?;
        crate::repo::http::request(req).map_err(|e| format!("http: {e}"))
    }

    fn add_handler(&mut self, engine: EngineId, script: ScriptId, decl: HandlerDecl) {
        self.pending
            .table_ops
            .push(TableOp::Add(engine, script, Box::new(decl)));
    }

    fn remove_handler(&mut self, engine: EngineId, handle: u64) {
        self.pending.table_ops.push(TableOp::Remove(engine, handle));
    }

    fn add_command(
        &mut self,
        engine: EngineId,
        script: ScriptId,
        handle: u64,
        spec: CommandSpec,
    ) -> Result<(), String> {
        let name = spec.name.to_ascii_lowercase();
        if name.is_empty() || name.contains([' ', '/']) {
            return Err(format!("bad command name '{name}'"));
        }
        if is_builtin_command(&name) || self.engines.iter().any(|e| e.name() == name) {
            return Err(format!("/{name} is a built-in command"));
        }
        if let Some(msl) = self.msl.as_ref() {
            if msl.engine.alias_chunk(&name).is_some() {
                return Err(format!(
                    "/{name} is already an alias of a loaded mSL script"
                ));
            }
        }
        let Some(map) = self.commands.get_mut() else {
            return Err("commands cannot be registered here".to_string());
        };
        if let Some(other) = map.get(&name) {
            if other.script != script {
                return Err(format!(
                    "/{name} is already registered by another script (id {})",
                    other.script
                ));
            }
        }
        map.insert(
            name.clone(),
            CommandEntry {
                engine,
                script,
                handle,
                spec: CommandSpec { name, ..spec },
            },
        );
        Ok(())
    }

    fn remove_command(&mut self, script: ScriptId, name: &str) -> Option<u64> {
        let name = name.to_ascii_lowercase();
        let map = self.commands.get_mut()?;
        if map.get(&name).is_some_and(|c| c.script == script) {
            return map.remove(&name).map(|c| c.handle);
        }
        None
    }

    fn add_timer(
        &mut self,
        engine: EngineId,
        script: ScriptId,
        handle: u64,
        ms: u64,
        count: u64,
    ) -> String {
        let prefix = self
            .engines
            .get(usize::from(engine).saturating_sub(1))
            .map_or("engine", |e| e.name());
        let name = format!("{prefix}{handle}");
        self.pending.timers.push(Timer {
            name: name.clone(),
            reps: count,
            interval_ms: ms.max(1),
            millis: true,
            hires: false,
            offline: true,
            paused: None,
            due: self.now + ms.max(1),
            command: format!("({prefix} callback)"),
            cid: self.conns.cid,
            owner: Some(script),
            callback: Some((engine, handle)),
        });
        name
    }

    fn cancel_timer(&mut self, name: &str) {
        self.pending
            .timers
            .push(Timer::cancel(name.to_string(), self.conns.cid));
    }
}
