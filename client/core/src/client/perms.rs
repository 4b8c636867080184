//! Permissions in the client: scripts registered with their manifests as they load, the
//! checks of file access outside the data folder and of `/run` (the network's are made where
//! sockets and the DCC server are opened, through the same [`Permissions::check`]), the
//! requests handed to the GUI, and the user's answers.
//!
//! [`Permissions::check`]: crate::permissions::Permissions::check

use super::{Client, ScriptHost};
use crate::host::engine::ScriptMeta;
use crate::permissions::{Decision, Grant, Want};
use std::path::Path;

impl Client {
    /// Records a script's manifest as it loads (its name and the permissions it declares).
    /// A script in the data folder's `scripts/stdlib/` is a built-in one: it is granted what
    /// it declares.
    pub(super) fn register_script(&mut self, meta: &ScriptMeta) {
        let builtin = self
            .data_dir
            .as_deref()
            .is_some_and(|d| Path::new(&meta.file).starts_with(crate::stdlib::folder(d)));
        self.permissions
            .register(&meta.file, &meta.name, &meta.permissions, builtin);
        self.metas.retain(|m| m.file != meta.file);
        self.metas.push(meta.clone());
    }

    /// The manifests of the loaded mSL scripts (the other engines list theirs).
    pub fn msl_scripts(&self) -> &[ScriptMeta] {
        &self.metas
    }

    /// The user's answer to a permission request ([`crate::client::Outbox::permission_requests`])
    /// about the script named `script` (its manifest name or file name): grant `permission`
    /// once (until the script reloads), always, or deny it. Kept answers stand until the
    /// script declares other permissions; every answer goes to the audit log.
    ///
    /// # Errors
    /// A permission that is not one, or a failure to save the answer.
    pub fn decide(
        &mut self,
        script: &str,
        permission: &str,
        decision: Decision,
    ) -> Result<(), String> {
        self.permissions.decide(script, permission, decision)
    }

    /// Every grant of the script named `script` (a file it was loaded from, its manifest
    /// name or its file name): what the Python worker's confinement and other engines read.
    pub fn grants_of(&self, script: &str) -> Vec<Grant> {
        let file = self
            .scripts
            .iter()
            .map(|(_, f)| f)
            .find(|f| {
                *f == script
                    || self.permissions.name_of(f).eq_ignore_ascii_case(script)
                    || Path::new(f)
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(script))
            })
            .cloned()
            .unwrap_or_else(|| script.to_string());
        self.permissions.grants_of(&file)
    }
}

impl ScriptHost<'_> {
    /// The file of the script whose code runs; `None` while the user's own command runs.
    pub(super) fn runner_file(&self) -> Option<String> {
        let id = self.runner?;
        let cx = self.sock.as_ref()?;
        cx.scripts
            .iter()
            .find(|(s, _)| *s == id)
            .map(|(_, f)| f.clone())
    }

    /// Checks `want` against the running script's permissions (the user may do anything).
    pub(super) fn permit(&self, command: &str, want: Want<'_>) -> Result<(), String> {
        let Some(cx) = self.sock.as_ref() else {
            return Err(format!(
                "{command}: not allowed while an event's field is evaluated"
            ));
        };
        match self.runner_file() {
            Some(file) => cx.permissions.check(&file, command, want),
            None => Ok(()),
        }
    }

    /// A file outside the data folder ([`rustirc_lang::Host::file_access`]).
    pub(super) fn file_permit(&self, path: &Path, write: bool) -> Result<(), String> {
        let want = if write {
            Want::Write(path)
        } else {
            Want::Read(path)
        };
        self.permit("", want)
    }

    /// `/run [-n] PROGRAM [ARGUMENTS]`: starts a program (found on `PATH` unless a path is
    /// given) with its output discarded, without waiting for it; the `run` permission.
    pub(super) fn run_program(&mut self, args: &str) -> Result<(), String> {
        let mut words = args.split_whitespace().peekable();
        while words
            .peek()
            .is_some_and(|w| w.starts_with('-') && w.len() > 1)
        {
            words.next();
        }
        let Some(program) = words.next() else {
            return Err("/run: insufficient parameters (/run PROGRAM [ARGUMENTS])".to_string());
        };
        let rest: Vec<&str> = words.collect();
        self.permit("run", Want::Run(args.trim()))?;
        let mut cmd = std::process::Command::new(program);
        cmd.args(&rest)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(d) = &self.data_dir {
            cmd.current_dir(d);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("/run: cannot start {program}: {e}"))?;
        // Reaped when it ends, so it leaves no zombie behind.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}
