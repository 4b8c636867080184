//! `$?="question"`: a script asks the user and waits for the answer (`$?*` hides what is
//! typed, `$?!` asks yes or no; `$$?` halts the script when the answer is empty), and
//! `$input(prompt, options, window, title, text)`, mIRC's fuller form (an edit box or a
//! password box with a title and a default text, a message with OK, yes/no, yes/no/cancel).
//!
//! The script waits inside the identifier, so the client's thread waits with it: a GUI runs
//! the client on a thread of its own and gives it a [`Prompter`] that passes each question
//! to the GUI thread and waits for the answer ([`channel_prompter`], with a time limit),
//! so the window keeps drawing meanwhile. Without a prompter (the headless client,
//! transcripts), answers come from [`Client::queue_answer`], and `$null` when none is queued.

use super::{Client, ScriptHost};
use rustirc_lang::Value;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

/// What kind of answer a question wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PromptKind {
    /// `$?="…"`: a line of text.
    #[default]
    Text,
    /// `$?*="…"`: a line of text shown as `*`s (a password).
    Password,
    /// `$?!="…"`: yes or no (`$true` or `$false`).
    YesNo,
    /// `$input(…,n)`: yes, no or cancel (`$true`, `$false` or `None`).
    YesNoCancel,
    /// `$input(…,o)`: a message with an OK button (`$true`).
    Message,
}

/// A question a script asks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prompt {
    /// What kind of answer it wants.
    pub kind: PromptKind,
    /// The question.
    pub text: String,
    /// The window's title (`$input`'s fourth argument); empty: the GUI's own.
    pub title: String,
    /// What the edit box holds at first (`$input`'s fifth argument).
    pub initial: String,
}

/// Asks the user a [`Prompt`]; `None` when they cancelled (or did not answer in time). For
/// [`PromptKind::YesNo`], any answer but `None` and `"$false"`/`"no"` means yes.
pub type Prompter = Box<dyn FnMut(&Prompt) -> Option<String> + Send>;

/// A question on its way to the GUI thread, with where to send the answer.
#[derive(Debug)]
pub struct PromptRequest {
    /// The question.
    pub prompt: Prompt,
    /// Where the answer goes (`None`: cancelled).
    pub reply: Sender<Option<String>>,
}

/// A [`Prompter`] for a client running on its own thread: each question is sent to `to_gui`
/// and the client waits for the reply at most `timeout` (then the answer is `None`).
///
/// ```
/// use rustirc_core::client::{channel_prompter, Prompt, PromptKind};
/// use std::time::Duration;
/// let (tx, rx) = std::sync::mpsc::channel();
/// let mut ask = channel_prompter(tx, Duration::from_secs(5));
/// // The GUI thread answers what it is asked.
/// let gui = std::thread::spawn(move || {
///     let req: rustirc_core::client::PromptRequest = rx.recv().unwrap();
///     assert_eq!(req.prompt.text, "Your name?");
///     req.reply.send(Some("Ann".to_string())).unwrap();
/// });
/// let q = Prompt { kind: PromptKind::Text, text: "Your name?".into(), ..Prompt::default() };
/// assert_eq!(ask(&q).as_deref(), Some("Ann"));
/// gui.join().unwrap();
/// ```
pub fn channel_prompter(to_gui: Sender<PromptRequest>, timeout: Duration) -> Prompter {
    Box::new(move |prompt: &Prompt| {
        let (reply, answer): (Sender<Option<String>>, Receiver<Option<String>>) =
            std::sync::mpsc::channel();
        to_gui
            .send(PromptRequest {
                prompt: prompt.clone(),
                reply,
            })
            .ok()?;
        answer.recv_timeout(timeout).ok().flatten()
    })
}

impl Client {
    /// Sets who answers scripts' questions (see the module docs).
    pub fn set_prompter(&mut self, prompter: Prompter) {
        self.prompter = Some(prompter);
    }

    /// Queues the answer to the next question a script asks when there is no prompter
    /// (`None` answers as a cancelled question: `$null`).
    pub fn queue_answer(&mut self, answer: Option<String>) {
        self.extras.answers.push_back(answer);
    }
}

impl ScriptHost<'_> {
    /// `$?`, `$?*`, `$?!` with the question, and `$input`; `None` for other identifiers.
    pub(super) fn prompt_identifier(
        &mut self,
        name: &str,
        args: &[Value],
    ) -> Option<Result<Value, String>> {
        let arg = |i: usize| {
            args.get(i)
                .map(|a| a.as_str().into_owned())
                .unwrap_or_default()
        };
        let (kind, mut buttons_as_words) = match name {
            "?" => (PromptKind::Text, false),
            "?*" => (PromptKind::Password, false),
            "?!" => (PromptKind::YesNo, false),
            "input" => {
                let o = arg(1);
                let kind = if o.contains('p') {
                    PromptKind::Password
                } else if o.contains('e') {
                    PromptKind::Text
                } else if o.contains('n') {
                    PromptKind::YesNoCancel
                } else if o.contains('y') {
                    PromptKind::YesNo
                } else {
                    PromptKind::Message
                };
                (kind, o.contains('v'))
            }
            _ => return None,
        };
        let prompt = if name == "input" {
            Prompt {
                kind,
                text: arg(0),
                title: arg(3),
                initial: arg(4),
            }
        } else {
            Prompt {
                kind,
                text: arg(0),
                ..Prompt::default()
            }
        };
        if matches!(kind, PromptKind::Text | PromptKind::Password) {
            buttons_as_words = false;
        }
        let answer = match self.prompter.as_mut() {
            Some(ask) => ask(&prompt),
            None => {
                let answer = self
                    .extras
                    .get_mut()
                    .and_then(|x| x.answers.pop_front())
                    .flatten();
                // Where a transcript (or the headless log) can see what was asked.
                let shown = match (&answer, kind) {
                    (None, _) => "(no answer)".to_string(),
                    (Some(_), PromptKind::Password) => "********".to_string(),
                    (Some(a), _) => a.clone(),
                };
                self.show("prompt", format!("{} -> {shown}", prompt.text));
                answer
            }
        };
        let yes = |a: &Option<String>| {
            a.as_ref().is_some_and(|a| {
                !(a.eq_ignore_ascii_case("$false") || a.eq_ignore_ascii_case("no") || a.is_empty())
            })
        };
        let word = |w: &str| Value::from_string(format!("${w}"));
        Some(Ok(match (kind, answer) {
            (PromptKind::YesNo, a) if buttons_as_words => word(if yes(&a) { "yes" } else { "no" }),
            (PromptKind::YesNo, a) => Value::bool(yes(&a)),
            (PromptKind::YesNoCancel, None) if buttons_as_words => word("cancel"),
            (PromptKind::YesNoCancel, None) => Value::Null,
            (PromptKind::YesNoCancel, a) if buttons_as_words => {
                word(if yes(&a) { "yes" } else { "no" })
            }
            (PromptKind::YesNoCancel, a) => Value::bool(yes(&a)),
            (PromptKind::Message, _) if buttons_as_words => word("ok"),
            (PromptKind::Message, _) => Value::bool(true),
            (_, Some(a)) if !a.is_empty() => Value::from_string(a),
            _ => Value::Null,
        }))
    }
}
