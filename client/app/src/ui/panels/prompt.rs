//! Questions scripts ask with `$?="…"` (`$?*` for a password, `$?!` for yes or no) and
//! `$input(…)`: one window at a time in the middle of the screen, titled as the script asks,
//! with a text field and OK/Cancel, or Yes/No (and Cancel), or a message with OK. The script
//! (and the client's thread) waits until the answer is sent back.

use crate::ui::bridge::PROMPT_TIMEOUT;
use rustirc_core::client::{PromptKind, PromptRequest};
use std::collections::VecDeque;

/// One question waiting for its answer.
struct Asking {
    /// The question and where its answer goes.
    request: PromptRequest,
    /// What the user has typed so far.
    answer: String,
    /// The text field has been given the keyboard focus.
    focused: bool,
    /// When it arrived: the client stops waiting after [`PROMPT_TIMEOUT`].
    asked: std::time::Instant,
}

/// The questions waiting, oldest first.
#[derive(Default)]
pub struct PromptState {
    waiting: VecDeque<Asking>,
}

impl PromptState {
    /// Queues questions that arrived from the client.
    pub fn arrived(&mut self, requests: Vec<PromptRequest>) {
        self.waiting
            .extend(requests.into_iter().map(|request| Asking {
                answer: request.prompt.initial.clone(),
                request,
                focused: false,
                asked: std::time::Instant::now(),
            }));
    }

    /// Withdraws every question (the stop button): each script gets no answer.
    pub fn cancel_all(&mut self) {
        while self.is_asking() {
            self.answer(None);
        }
    }

    /// Whether a question is waiting.
    pub fn is_asking(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Answers the oldest question (`None`: cancelled). The client may have given up waiting
    /// already; then the answer goes nowhere.
    fn answer(&mut self, answer: Option<String>) {
        if let Some(a) = self.waiting.pop_front() {
            let _ = a.request.reply.send(answer);
        }
    }
}

/// The id of the answer field (tests focus it by this).
pub fn field_id() -> egui::Id {
    egui::Id::unique("prompt_answer")
}

/// Draws the oldest question, if any.
pub fn show(ctx: &egui::Context, st: &mut PromptState) {
    // The client has stopped waiting for these: they are not asked any more.
    while st
        .waiting
        .front()
        .is_some_and(|a| a.asked.elapsed() >= PROMPT_TIMEOUT)
    {
        st.answer(None);
    }
    let Some(a) = st.waiting.front_mut() else {
        return;
    };
    ctx.request_repaint_after(std::time::Duration::from_secs(1));
    let kind = a.request.prompt.kind;
    let mut answer = None;
    let title = if a.request.prompt.title.is_empty() {
        "Question"
    } else {
        a.request.prompt.title.as_str()
    };
    egui::Window::new(title)
        .id(egui::Id::unique("prompt_window"))
        .collapsible(false)
        .resizable(false)
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(a.request.prompt.text.as_str());
            if matches!(kind, PromptKind::Text | PromptKind::Password) {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut a.answer)
                        .id(field_id())
                        .password(kind == PromptKind::Password)
                        .desired_width(280.0),
                );
                if !a.focused {
                    field.request_focus();
                    a.focused = true;
                }
                if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    answer = Some(Some(a.answer.clone()));
                }
            }
            // Each button and the answer it gives (`None`: cancelled).
            let yes = || Some("$true".to_string());
            let no = || Some("$false".to_string());
            let buttons: Vec<(&str, Option<String>)> = match kind {
                PromptKind::Text | PromptKind::Password => {
                    vec![("OK", Some(a.answer.clone())), ("Cancel", None)]
                }
                PromptKind::YesNo => vec![("Yes", yes()), ("No", no())],
                PromptKind::YesNoCancel => vec![("Yes", yes()), ("No", no()), ("Cancel", None)],
                PromptKind::Message => vec![("OK", yes())],
            };
            ui.horizontal(|ui| {
                for (label, value) in buttons {
                    if ui.button(label).clicked() {
                        answer = Some(value);
                    }
                }
            });
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(match kind {
                    PromptKind::YesNo => no(),
                    PromptKind::Message => yes(),
                    _ => None,
                });
            }
        });
    if let Some(answer) = answer {
        st.answer(answer);
    }
}
