//! The input line: history (Up and Down), tab completion (the client's
//! `Client::complete`: nicks, channels, commands, script-registered commands included; Tab
//! again cycles), and a confirmation before a multi-line paste is sent line by line.

use crate::ui::view::View;
use crate::ui::Act;
use rustirc_core::client::Completion;

/// The input line's state.
#[derive(Default)]
pub struct InputState {
    /// The text being typed.
    pub text: String,
    /// Lines sent, oldest first.
    pub history: Vec<String>,
    /// Where Up and Down are in the history (`None`: at the new line).
    pos: Option<usize>,
    /// The last completion: (window, the line it was computed on, candidates, the candidate
    /// shown, the line as completed).
    cycle: Option<(String, String, Completion, usize, String)>,
    /// Where the cursor goes next frame (a completion moved it).
    cursor_to: Option<usize>,
    /// A multi-line paste waiting for the user's yes.
    pub pending_paste: Option<Vec<String>>,
}

/// The most lines the history keeps.
const HISTORY: usize = 500;

impl InputState {
    /// The client's answer to a Tab: the first candidate replaces the word (when the line has
    /// not changed since).
    pub fn completed(&mut self, window: &str, line: &str, c: Completion) {
        if self.text != line {
            return;
        }
        if let Some((new, cursor)) = c.apply(line, 0) {
            self.text.clone_from(&new);
            self.cursor_to = Some(cursor);
            self.cycle = Some((window.to_string(), line.to_string(), c, 0, new));
        }
    }

    /// Tab again: the next candidate, if the line is still the completed one.
    fn cycle_next(&mut self, window: &str) -> bool {
        let Some((w, base, c, n, shown)) = &mut self.cycle else {
            return false;
        };
        if w != window || *shown != self.text || c.candidates.len() < 2 {
            return false;
        }
        *n += 1;
        if let Some((new, cursor)) = c.apply(base, *n) {
            self.text.clone_from(&new);
            *shown = new;
            self.cursor_to = Some(cursor);
        }
        true
    }

    fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_string());
        }
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        self.pos = None;
    }
}

/// Draws the input line at the bottom of the chat.
pub fn show(ui: &mut egui::Ui, view: &View, st: &mut InputState, acts: &mut Vec<Act>) {
    let (cid, _) = view.active.clone();
    let window = view
        .active_buffer()
        .map_or_else(|| "status".to_string(), |b| b.name.clone());
    let id = egui::Id::unique("input_line");
    let focused = ui.ctx().memory(|m| m.has_focus(id));
    let (mut tab, mut up, mut down, mut paste) = (false, false, false, None);
    if focused {
        ui.input_mut(|i| {
            tab = i.consume_key(egui::Modifiers::NONE, egui::Key::Tab);
            up = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp);
            down = i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown);
            i.events.retain(|e| match e {
                egui::Event::Paste(t) if t.contains('\n') => {
                    paste = Some(t.clone());
                    false
                }
                _ => true,
            });
        });
    }
    if let Some(p) = paste {
        let lines: Vec<String> = p
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect();
        st.pending_paste = Some(lines);
    }
    if up && !st.history.is_empty() {
        let p = st.pos.map_or(st.history.len() - 1, |p| p.saturating_sub(1));
        st.pos = Some(p);
        st.text.clone_from(&st.history[p]);
        st.cursor_to = Some(st.text.len());
    }
    if down {
        match st.pos {
            Some(p) if p + 1 < st.history.len() => {
                st.pos = Some(p + 1);
                st.text.clone_from(&st.history[p + 1]);
            }
            _ => {
                st.pos = None;
                st.text.clear();
            }
        }
        st.cursor_to = Some(st.text.len());
    }
    let mut submit = false;
    egui::Panel::bottom("input_panel").show(ui, |ui| {
        let out = egui::TextEdit::singleline(&mut st.text)
            .id(id)
            .desired_width(f32::INFINITY)
            // Tab completes and Up and Down walk the history: they must not move the focus.
            .lock_focus(true)
            .hint_text(format!("Message {window}, or /command"))
            .show(ui);
        if let Some(c) = st.cursor_to.take() {
            let mut state = out.state.clone();
            let cc = egui::text::CCursor::new(st.text[..c.min(st.text.len())].chars().count());
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(cc)));
            state.store(ui.ctx(), id);
        }
        if out.response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            submit = true;
            out.response.request_focus();
        }
        if tab {
            out.response.request_focus();
            if !st.cycle_next(&window) {
                let cursor = out.cursor_range.map_or(st.text.len(), |r| {
                    let chars = r.primary.index.0;
                    st.text
                        .char_indices()
                        .nth(chars)
                        .map_or(st.text.len(), |(b, _)| b)
                });
                acts.push(Act::Complete {
                    cid,
                    window: window.clone(),
                    line: st.text.clone(),
                    cursor,
                });
            }
        }
    });
    if submit && !st.text.is_empty() {
        let text = std::mem::take(&mut st.text);
        st.remember(&text);
        acts.push(Act::Type {
            cid,
            window: window.clone(),
            text,
        });
    }
    let mut answer = None;
    if let Some(lines) = &st.pending_paste {
        egui::Modal::new(egui::Id::unique("paste_confirm")).show(ui.ctx(), |ui| {
            ui.heading("Paste several lines?");
            ui.label(format!("Send {} lines to {window}?", lines.len()));
            for l in lines.iter().take(5) {
                ui.monospace(l);
            }
            if lines.len() > 5 {
                ui.label("…");
            }
            ui.horizontal(|ui| {
                if ui.button("Send").clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(false);
                }
            });
        });
    }
    if let Some(yes) = answer {
        if let Some(lines) = st.pending_paste.take() {
            if yes {
                for text in lines {
                    acts.push(Act::Type {
                        cid,
                        window: window.clone(),
                        text,
                    });
                }
            }
        }
    }
}
