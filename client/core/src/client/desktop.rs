//! What reaches outside the client's window: `/splay FILE` plays a sound and `/tip TEXT`
//! shows a desktop notification, both only for scripts granted `ui` (the user's own typed
//! commands are always allowed); and `/titlebar TEXT`, the text after the client's name in
//! its window's title (`$titlebar`), which every script may set.
//!
//! Each becomes an [`Alert`](super::Alert) in [`super::Outbox::alerts`] for the GUI to carry
//! out; nothing here plays, notifies or draws.

use super::{Alert, ScriptHost};
use crate::permissions::{normalize, Want};
use std::path::{Path, PathBuf};

impl ScriptHost<'_> {
    /// `/splay`, `/tip`, `/titlebar`; `None` for any other command.
    pub(super) fn desktop_command(&mut self, name: &str, args: &str) -> Option<Result<(), String>> {
        match name {
            "splay" => Some(self.splay(args)),
            "tip" => Some(self.tip(args)),
            "titlebar" => Some(self.titlebar(args)),
            _ => None,
        }
    }

    /// `/splay [-q|-w|-p|-m] FILE`: plays a sound file: FILE relative to the data folder, or
    /// absolute (outside the data folder it must be readable under the `file-read` rules). It
    /// must exist. Needs `ui`. The switches (queue, wave, MP3, MIDI) are accepted; the GUI
    /// plays what the file is.
    fn splay(&mut self, args: &str) -> Result<(), String> {
        let mut rest = args.trim();
        while let Some(sw) = rest.strip_prefix('-') {
            let (w, r) = sw.split_once(' ').unwrap_or((sw, ""));
            if w.is_empty() || !w.chars().all(|c| "qwpm".contains(c)) {
                return Err(format!("/splay: unknown switch -{w} (-q, -w, -p or -m)"));
            }
            rest = r.trim_start();
        }
        let file = rest.trim_matches('"');
        if file.is_empty() {
            return Err("/splay: insufficient parameters (/splay [-q|-w|-p|-m] FILE)".to_string());
        }
        self.permit("splay", Want::Ui)?;
        let path = self.sound_path(Path::new(file))?;
        if !path.is_file() {
            return Err(format!("/splay: no such file: {}", path.display()));
        }
        self.pending.alerts.push(Alert::Sound(path));
        Ok(())
    }

    /// A sound file's absolute path: relative to the data folder, or absolute (checked against
    /// the running script's file-read grants when outside the data folder).
    fn sound_path(&mut self, file: &Path) -> Result<PathBuf, String> {
        let data = self.data_dir.clone();
        if file.is_absolute() {
            let path = normalize(file);
            if !data.as_deref().is_some_and(|d| path.starts_with(d)) {
                self.permit("splay", Want::Read(&path))?;
            }
            return Ok(path);
        }
        let Some(dir) = data else {
            return Err(format!(
                "/splay: {}: a relative path needs a data folder (give an absolute path)",
                file.display()
            ));
        };
        let path = normalize(&dir.join(file));
        if !path.starts_with(&dir) {
            return Err(format!(
                "/splay: {}: a relative path must stay in the data folder",
                file.display()
            ));
        }
        Ok(path)
    }

    /// `/tip [-t TITLE] TEXT`: a desktop notification, titled with the running script's name
    /// (its manifest's; `RustIRC` for the user's own command) unless `-t` gives one. Needs
    /// `ui`.
    fn tip(&mut self, args: &str) -> Result<(), String> {
        let mut rest = args.trim();
        let mut title = None;
        if let Some(r) = rest.strip_prefix("-t") {
            let r = r.trim_start();
            let (t, after) = r.split_once(' ').unwrap_or((r, ""));
            if t.is_empty() {
                return Err("/tip: -t needs a title (/tip [-t TITLE] TEXT)".to_string());
            }
            title = Some(t.to_string());
            rest = after.trim_start();
        } else if rest.starts_with('-') {
            let w = rest.split_whitespace().next().unwrap_or(rest);
            return Err(format!("/tip: unknown switch {w} (-t TITLE)"));
        }
        if rest.is_empty() {
            return Err("/tip: insufficient parameters (/tip [-t TITLE] TEXT)".to_string());
        }
        self.permit("tip", Want::Ui)?;
        let title = title.unwrap_or_else(|| match (self.runner_file(), self.sock.as_ref()) {
            (Some(file), Some(cx)) => cx.permissions.name_of(&file),
            _ => "RustIRC".to_string(),
        });
        self.pending.alerts.push(Alert::Notify {
            title,
            text: rest.to_string(),
        });
        Ok(())
    }

    /// `/titlebar TEXT`: the text after the client's name in its window's title (empty:
    /// none); `$titlebar` reads it. Allowed to every script.
    fn titlebar(&mut self, args: &str) -> Result<(), String> {
        let text = args.trim().to_string();
        if let Some(x) = self.extras.get_mut() {
            x.titlebar.clone_from(&text);
        }
        self.pending.alerts.push(Alert::Titlebar(text));
        Ok(())
    }
}
