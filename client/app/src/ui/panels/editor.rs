//! The script editor pane, docked beside the chat: tabs of open scripts (`.mrc`, `.lua`,
//! `.py`), line numbers, diagnostics as you type (underlined, a gutter marker, a list; click
//! to jump), Apply (Ctrl+S) to load or hot-reload the script in the running client, new,
//! open, save, save as and revert, and the Script Log of every script's errors.
//!
//! The diagnostics come from the language's own loader (the text `rustirc check` prints);
//! loading and reloading are the client's.

use crate::ui::Act;
use rustirc_core::client::Outbox;
use rustirc_core::editor::Diagnostic;
use std::path::{Path, PathBuf};

/// An open script.
#[derive(Clone, Debug, Default)]
pub struct Tab {
    /// Where it is saved; `None` until it is.
    pub path: Option<PathBuf>,
    /// The name on its tab.
    pub title: String,
    /// The text being edited.
    pub text: String,
    /// The text as last saved or opened (the tab shows `*` while they differ).
    pub saved: String,
    /// The diagnostics of `text`.
    pub diagnostics: Vec<Diagnostic>,
    /// The text the diagnostics are for.
    checked: Option<String>,
    /// Where the cursor is to go next frame: (line, column), 1-based.
    jump: Option<(u32, u32)>,
}

impl Tab {
    /// Asks the client to check the text again when it changed since the last request (the
    /// answer comes back as [`EditorState::checked`]).
    fn check(&mut self, acts: &mut Vec<Act>) {
        if self.checked.as_deref() == Some(self.text.as_str()) {
            return;
        }
        self.checked = Some(self.text.clone());
        acts.push(Act::Check {
            file: self.title.clone(),
            text: self.text.clone(),
        });
    }
}

/// A line of the Script Log: a script's error, and where it points when it names a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The text.
    pub text: String,
    /// (file, line, column) when the text names them.
    pub place: Option<(String, u32, u32)>,
}

/// Reads `file:line:col: error: …` (how the language writes errors and diagnostics).
fn place_of(text: &str) -> Option<(String, u32, u32)> {
    let i = text
        .find(": error: ")
        .or_else(|| text.find(": warning: "))?;
    let head = &text[..i];
    let mut parts = head.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let file = parts.next()?.trim_start_matches("* ").to_string();
    Some((file, line, col))
}

/// Which file dialog is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Open a file.
    Open,
    /// Save the current tab under a new name.
    SaveAs,
}

/// The editor pane's state.
pub struct EditorState {
    /// The pane is shown.
    pub open: bool,
    /// The open scripts.
    pub tabs: Vec<Tab>,
    /// The tab shown.
    pub current: usize,
    /// The Script Log.
    pub log: Vec<LogEntry>,
    /// Where new scripts are saved.
    pub scripts_dir: PathBuf,
    /// The open or save-as dialog, and the path typed into it.
    pub prompt: Option<(Prompt, String)>,
    /// The last thing that went wrong (shown under the toolbar).
    pub message: Option<String>,
    untitled: u32,
    highlight_cache: Option<LayoutCache>,
}

/// The id of the editor's text area (tests find it, the jump moves its cursor).
pub fn editor_id() -> egui::Id {
    egui::Id::unique("script_editor_text")
}

impl EditorState {
    /// An editor saving new scripts into `data`'s `scripts` folder.
    pub fn new(data: &Path) -> EditorState {
        EditorState {
            open: false,
            tabs: Vec::new(),
            current: 0,
            log: Vec::new(),
            scripts_dir: data.join("scripts"),
            prompt: None,
            message: None,
            untitled: 0,
            highlight_cache: None,
        }
    }

    /// Opens a new, empty script.
    pub fn new_tab(&mut self) {
        self.untitled += 1;
        self.tabs.push(Tab {
            title: format!("untitled{}.mrc", self.untitled),
            ..Tab::default()
        });
        self.current = self.tabs.len() - 1;
    }

    /// Asks for a file to open.
    pub fn prompt_open(&mut self) {
        self.prompt = Some((Prompt::Open, self.scripts_dir.display().to_string() + "/"));
    }

    /// Opens `path` in a tab (or shows its tab when it is open).
    pub fn open_file(&mut self, path: &Path) -> Result<(), String> {
        if let Some(i) = self
            .tabs
            .iter()
            .position(|t| t.path.as_deref() == Some(path))
        {
            self.current = i;
            return Ok(());
        }
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        self.tabs.push(Tab {
            path: Some(path.to_path_buf()),
            title: title_of(path),
            saved: text.clone(),
            text,
            ..Tab::default()
        });
        self.current = self.tabs.len() - 1;
        self.open = true;
        Ok(())
    }

    /// The tab shown.
    pub fn tab(&self) -> Option<&Tab> {
        self.tabs.get(self.current)
    }

    /// Shows the first diagnostic's place in the shown tab: the cursor goes there.
    pub fn jump(&mut self, line: u32, col: u32) {
        if let Some(t) = self.tabs.get_mut(self.current) {
            t.jump = Some((line, col));
        }
    }

    /// The path of the shown tab, saving an untitled one into the scripts folder first.
    fn path_for_apply(&mut self) -> Result<PathBuf, String> {
        let dir = self.scripts_dir.clone();
        let t = self.tabs.get_mut(self.current).ok_or("no script is open")?;
        if let Some(p) = &t.path {
            return Ok(p.clone());
        }
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let p = dir.join(&t.title);
        t.path = Some(p.clone());
        Ok(p)
    }

    /// Saves the shown tab (to `path`, or where it was).
    fn save(&mut self, path: Option<PathBuf>) -> Result<(), String> {
        if let Some(p) = path {
            let t = self.tabs.get_mut(self.current).ok_or("no script is open")?;
            t.title = title_of(&p);
            t.path = Some(p);
        }
        let p = self.path_for_apply()?;
        let t = &mut self.tabs[self.current];
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        }
        std::fs::write(&p, &t.text).map_err(|e| format!("cannot save {}: {e}", p.display()))?;
        t.saved = t.text.clone();
        Ok(())
    }

    /// Notes the errors scripts showed (the Script Log).
    pub fn note_output(&mut self, o: &Outbox) {
        for (_, text) in &o.shown {
            if let Some(place) = place_of(text) {
                self.log.push(LogEntry {
                    text: text.clone(),
                    place: Some(place),
                });
            }
        }
        if self.log.len() > 1000 {
            let extra = self.log.len() - 1000;
            self.log.drain(..extra);
        }
    }

    /// An error of the editor itself, for the Script Log.
    pub fn log_error(&mut self, text: &str) {
        self.message = Some(text.to_string());
    }

    /// The client's diagnostics of `text`, the text of the tab titled `file` when it was
    /// checked; kept when the tab still holds that text.
    pub fn checked(&mut self, file: &str, text: &str, diagnostics: Vec<Diagnostic>) {
        for t in &mut self.tabs {
            if t.title == file && t.text == text {
                t.diagnostics.clone_from(&diagnostics);
            }
        }
    }

    /// The client applied `file` (`Ok`, with its warnings) or refused it (`Err`, with its
    /// errors: nothing changed in the client).
    pub fn applied(&mut self, file: &str, result: Result<Vec<Diagnostic>, Vec<Diagnostic>>) {
        if let Some(t) = self.tabs.iter_mut().find(|t| {
            t.path
                .as_deref()
                .is_some_and(|p| p.display().to_string() == file)
        }) {
            t.saved = t.text.clone();
            let (message, diagnostics) = match result {
                Ok(d) if d.is_empty() => (format!("Applied {}", t.title), d),
                Ok(d) => (format!("Applied {} with {} warnings", t.title, d.len()), d),
                Err(d) => (
                    format!(
                        "Not applied: {} has {} errors (saved; the running script is unchanged)",
                        t.title,
                        d.len()
                    ),
                    d,
                ),
            };
            self.message = Some(message);
            t.diagnostics = diagnostics;
            t.checked = Some(t.text.clone());
        }
    }

    /// Where the editor's cursor is: its 1-based line, read from the text area's state.
    pub fn cursor_line(&self, ctx: &egui::Context) -> Option<usize> {
        let state = egui::TextEdit::load_state(ctx, editor_id())?;
        let r = state.cursor.char_range()?;
        let t = self.tab()?;
        let idx = r.primary.index.0;
        Some(t.text.chars().take(idx).filter(|c| *c == '\n').count() + 1)
    }
}

fn title_of(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The character index of (line, col), 1-based, in `text`.
fn char_index(text: &str, line: u32, col: u32) -> usize {
    let mut idx = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            return idx + (col.saturating_sub(1) as usize).min(l.chars().count());
        }
        idx += l.chars().count() + 1;
    }
    text.chars().count()
}

/// The last layout of the editor's text: the file, the text, dark mode, the diagnostics'
/// places, and the job (egui asks for the layout every frame; it changes only when one of
/// those does).
type LayoutCache = (String, String, bool, Vec<(u32, u32)>, egui::text::LayoutJob);

/// The colour of a class of the core's highlighter.
fn class_colour(c: rustirc_core::editor::TokenClass, dark: bool) -> egui::Color32 {
    use rustirc_core::editor::TokenClass as T;
    let rgb = |d: (u8, u8, u8), l: (u8, u8, u8)| {
        let (r, g, b) = if dark { d } else { l };
        egui::Color32::from_rgb(r, g, b)
    };
    match c {
        T::Comment => rgb((106, 153, 85), (0, 128, 0)),
        T::Keyword => rgb((197, 134, 192), (175, 0, 219)),
        T::EventHeader => rgb((220, 220, 170), (121, 94, 38)),
        T::Command => rgb((86, 156, 214), (0, 0, 255)),
        T::Identifier => rgb((78, 201, 176), (38, 127, 153)),
        T::Variable => rgb((156, 220, 254), (0, 16, 128)),
        T::Number => rgb((181, 206, 168), (9, 134, 88)),
        T::Operator => rgb((212, 212, 212), (60, 60, 60)),
        T::String => rgb((206, 145, 120), (163, 21, 21)),
        T::Brace => rgb((255, 215, 0), (4, 49, 250)),
        T::Error => rgb((244, 71, 71), (205, 49, 49)),
        T::Text => rgb((212, 212, 212), (30, 30, 30)),
    }
}

/// The byte ranges to underline: from each diagnostic's column to the end of its line.
fn underlined(text: &str, marks: &[(u32, u32)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let body = line.trim_end_matches('\n');
        if let Some((_, col)) = marks.iter().find(|(l, _)| *l == n) {
            let start = body
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map_or(0, |(b, _)| b);
            let start = if start >= body.len() { 0 } else { start };
            out.push((at + start, at + body.len().max(start + 1).min(line.len())));
        }
        at += line.len();
    }
    out
}

/// The layout of the script: coloured by the core's highlighter
/// (`rustirc_core::editor::highlight`: mSL fully, Lua and Python by keywords), the places of
/// diagnostics underlined in red.
fn layout(
    ui: &egui::Ui,
    file: &str,
    text: &str,
    marks: &[(u32, u32)],
    cache: &mut Option<LayoutCache>,
) -> egui::text::LayoutJob {
    let dark = ui.visuals().dark_mode;
    if let Some((f, t, d, m, job)) = cache.as_ref() {
        if f == file && t == text && *d == dark && m == marks {
            return job.clone();
        }
    }
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let normal = ui.visuals().text_color();
    // Each byte's colour: the class of the token over it, else the normal text colour.
    let mut pieces: Vec<(usize, usize, egui::Color32)> = Vec::new();
    let mut at = 0;
    for (span, class) in rustirc_core::editor::highlight(file, text) {
        let (a, b) = (span.start as usize, (span.end as usize).min(text.len()));
        if a < at || a >= b || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        if a > at {
            pieces.push((at, a, normal));
        }
        pieces.push((a, b, class_colour(class, dark)));
        at = b;
    }
    if at < text.len() {
        pieces.push((at, text.len(), normal));
    }
    let under = underlined(text, marks);
    let red = egui::Stroke::new(1.5, egui::Color32::from_rgb(230, 50, 50));
    let mut job = egui::text::LayoutJob::default();
    for (a, b, colour) in pieces {
        // Split the piece where an underlined range starts or ends.
        let mut cuts = vec![a, b];
        for (u, v) in &under {
            for x in [*u, *v] {
                if x > a && x < b && text.is_char_boundary(x) {
                    cuts.push(x);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (x, y) = (w[0], w[1]);
            let bad = under.iter().any(|(u, v)| x >= *u && y <= *v);
            let format = egui::TextFormat {
                font_id: font.clone(),
                color: colour,
                underline: if bad { red } else { egui::Stroke::NONE },
                ..Default::default()
            };
            job.append(&text[x..y], 0.0, format);
        }
    }
    job.wrap.max_width = f32::INFINITY;
    *cache = Some((
        file.to_string(),
        text.to_string(),
        dark,
        marks.to_vec(),
        job.clone(),
    ));
    job
}

/// Draws the editor pane on the right of the window.
pub fn show(ui: &mut egui::Ui, st: &mut EditorState, acts: &mut Vec<Act>) {
    if st.tabs.is_empty() {
        st.new_tab();
    }
    let apply_key = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::S));
    egui::Panel::right("editor_pane")
        .resizable(true)
        .default_size(420.0)
        .show(ui, |ui| {
            toolbar(ui, st, acts, apply_key);
            ui.separator();
            // Tabs.
            ui.horizontal_wrapped(|ui| {
                let mut close = None;
                for (i, t) in st.tabs.iter().enumerate() {
                    let dirty = if t.text != t.saved { "*" } else { "" };
                    if ui
                        .selectable_label(i == st.current, format!("{}{dirty}", t.title))
                        .clicked()
                    {
                        st.current = i;
                    }
                    if ui.small_button("×").on_hover_text("Close").clicked() {
                        close = Some(i);
                    }
                }
                if let Some(i) = close {
                    st.tabs.remove(i);
                    st.current = st.current.min(st.tabs.len().saturating_sub(1));
                }
            });
            if st.tabs.is_empty() {
                return;
            }
            let cur = st.current;
            st.tabs[cur].check(acts);
            // The Script Log and the diagnostics list at the bottom of the pane.
            egui::Panel::bottom("editor_lists")
                .resizable(true)
                .default_size(170.0)
                .show(ui, |ui| lists(ui, st));
            let cur = st.current.min(st.tabs.len() - 1);
            let marks: Vec<(u32, u32)> = st.tabs[cur]
                .diagnostics
                .iter()
                .map(|d| (d.line, d.col))
                .collect();
            let jump = st.tabs[cur].jump.take();
            let mut cache = st.highlight_cache.take();
            let tab = &mut st.tabs[cur];
            let file = tab.title.clone();
            egui::ScrollArea::both()
                .id_salt("editor_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.horizontal_top(|ui| {
                        // The gutter: line numbers, a marker on lines with a diagnostic.
                        let lines = tab.text.split('\n').count().max(1);
                        let width = lines.to_string().len();
                        let gutter: String = (1..=lines)
                            .map(|n| {
                                let mark = if marks.iter().any(|(l, _)| *l as usize == n) {
                                    "×"
                                } else {
                                    " "
                                };
                                format!("{mark}{n:>width$}")
                            })
                            .collect::<Vec<_>>()
                            .join("\n");
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(gutter)
                                    .monospace()
                                    .color(ui.visuals().weak_text_color()),
                            )
                            .selectable(false),
                        );
                        let mut layouter =
                            |ui: &egui::Ui, buf: &dyn egui::TextBuffer, _wrap: f32| {
                                let job = layout(ui, &file, buf.as_str(), &marks, &mut cache);
                                ui.fonts_mut(|f| f.layout_job(job))
                            };
                        let out = egui::TextEdit::multiline(&mut tab.text)
                            .id(editor_id())
                            .hint_text("Type a script here: alias name { commands }")
                            .code_editor()
                            .desired_width(f32::INFINITY)
                            .desired_rows(24)
                            .lock_focus(true)
                            .cursor_at_end(false)
                            .layouter(&mut layouter)
                            .show(ui);
                        if let Some((line, col)) = jump {
                            let mut state = out.state.clone();
                            let cc = egui::text::CCursor::new(char_index(&tab.text, line, col));
                            state
                                .cursor
                                .set_char_range(Some(egui::text::CCursorRange::one(cc)));
                            state.store(ui.ctx(), editor_id());
                            out.response.request_focus();
                        }
                    });
                });
            st.highlight_cache = cache;
        });
    prompt(ui.ctx(), st);
}

/// New, open, save, save as, revert, apply.
fn toolbar(ui: &mut egui::Ui, st: &mut EditorState, acts: &mut Vec<Act>, apply_key: bool) {
    ui.horizontal(|ui| {
        if ui.button("New").clicked() {
            st.new_tab();
        }
        if ui.button("Open…").clicked() {
            st.prompt_open();
        }
        if ui.button("Save").clicked() {
            if let Err(e) = st.save(None) {
                st.message = Some(e);
            }
        }
        if ui.button("Save as…").clicked() {
            let p = st.tab().and_then(|t| t.path.clone()).unwrap_or_else(|| {
                st.scripts_dir
                    .join(st.tab().map_or("script.mrc", |t| t.title.as_str()))
            });
            st.prompt = Some((Prompt::SaveAs, p.display().to_string()));
        }
        if ui.button("Revert").clicked() {
            if let Some(t) = st.tabs.get_mut(st.current) {
                t.text = t.saved.clone();
            }
        }
        let apply = ui
            .button("Apply")
            .on_hover_text("Load or reload this script in the client (Ctrl+S)")
            .clicked();
        if apply || apply_key {
            match st.path_for_apply() {
                Ok(file) => {
                    let text = st.tabs[st.current].text.clone();
                    acts.push(Act::Apply { file, text });
                }
                Err(e) => st.message = Some(e),
            }
        }
    });
    if let Some(m) = &st.message {
        ui.label(m);
    }
}

/// The diagnostics of the shown tab and the Script Log; a click jumps to the place.
fn lists(ui: &mut egui::Ui, st: &mut EditorState) {
    let mut jump = None;
    let mut open = None;
    egui::ScrollArea::vertical()
        .id_salt("editor_lists_scroll")
        .show(ui, |ui| {
            let tab = &st.tabs[st.current];
            ui.strong(format!("Problems ({})", tab.diagnostics.len()));
            for d in &tab.diagnostics {
                let text = format!("line {}:{}: {}", d.line, d.col, d.message);
                if link(ui, &text).clicked() {
                    jump = Some((d.line, d.col));
                }
            }
            ui.separator();
            ui.strong(format!("Script Log ({})", st.log.len()));
            for e in st.log.iter().rev().take(200) {
                match &e.place {
                    Some((file, line, col)) => {
                        if link(ui, &e.text).clicked() {
                            open = Some((PathBuf::from(file), *line, *col));
                        }
                    }
                    None => {
                        ui.label(&e.text);
                    }
                }
            }
        });
    if let Some((l, c)) = jump {
        st.jump(l, c);
    }
    if let Some((file, l, c)) = open {
        match st.open_file(&file) {
            Ok(()) => st.jump(l, c),
            Err(e) => st.message = Some(e),
        }
    }
}

/// A clickable line of text that wraps in the pane's width (a long message stays in view).
fn link(ui: &mut egui::Ui, text: &str) -> egui::Response {
    let colour = ui.visuals().hyperlink_color;
    ui.add(
        egui::Label::new(egui::RichText::new(text).color(colour))
            .wrap()
            .sense(egui::Sense::click()),
    )
    .on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// The open and save-as dialogs: a path to type.
fn prompt(ctx: &egui::Context, st: &mut EditorState) {
    let Some((kind, mut path)) = st.prompt.take() else {
        return;
    };
    let title = match kind {
        Prompt::Open => "Open script",
        Prompt::SaveAs => "Save script as",
    };
    let mut done = None;
    egui::Window::new(title).collapsible(false).show(ctx, |ui| {
        let l = ui.label("File:");
        ui.add(egui::TextEdit::singleline(&mut path).desired_width(360.0))
            .labelled_by(l.id);
        ui.horizontal(|ui| {
            if ui.button("OK").clicked() {
                done = Some(true);
            }
            if ui.button("Cancel").clicked() {
                done = Some(false);
            }
        });
    });
    match done {
        Some(true) => {
            let p = PathBuf::from(path.trim());
            let r = match kind {
                Prompt::Open => st.open_file(&p),
                Prompt::SaveAs => st.save(Some(p)),
            };
            if let Err(e) = r {
                st.message = Some(e);
            }
        }
        Some(false) => {}
        None => st.prompt = Some((kind, path)),
    }
}

#[cfg(test)]
mod tests {
    //! Error lines name their place; a place is found in the text.
    use super::*;

    #[test]
    fn places_and_indices() {
        assert_eq!(
            place_of("/x/a.mrc:3:5: error: unknown command /foo"),
            Some(("/x/a.mrc".into(), 3, 5))
        );
        assert_eq!(place_of("* hello"), None);
        assert_eq!(char_index("ab\ncd\nef", 2, 2), 4);
        assert_eq!(char_index("ab\ncd", 9, 1), 5);
        assert_eq!(underlined("ab\nalias x {\n", &[(2, 7)]), vec![(9, 12)]);
    }
}
