//! The core's own thread: the [`Client`] and its tokio runtime live there (the client is not
//! `Send`, and scripts and networks must never run on the UI thread). The window sends it
//! [`Command`]s; it sends back [`Update`]s — what each connection showed, a [`Snapshot`] of
//! the state the window draws, and the answers to the window's questions — and asks egui for
//! a repaint when it does. The questions scripts ask the user (`$?`) reach the window through
//! [`Core::prompts`] while the client's thread waits for the answer.
//!
//! This module decides nothing about IRC or scripts: it moves data between the two threads.

use rustirc_core::client::{
    channel_prompter, Client, Completion, DialogModel, Outbox, PromptRequest,
};
use rustirc_core::editor::Diagnostic;
use rustirc_core::net::{Command, Connection};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// One channel as the window draws it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelSnap {
    /// Its name.
    pub name: String,
    /// Its topic.
    pub topic: String,
    /// Its members: (prefixes such as `@+`, nick), in the server's order of rank then name.
    pub nicks: Vec<(String, String)>,
}

/// One connection as the window draws it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetSnap {
    /// `$cid`.
    pub cid: u32,
    /// The network's name (ISUPPORT NETWORK), else the server, else `(not connected)`.
    pub name: String,
    /// My nick.
    pub me: String,
    /// Registered with the server.
    pub registered: bool,
    /// The last measured lag.
    pub lag_ms: Option<u64>,
    /// My away message.
    pub away: Option<String>,
    /// The channels I am on.
    pub channels: Vec<ChannelSnap>,
    /// The open queries.
    pub queries: Vec<String>,
}

/// A loaded script, for the editor and the script log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptSnap {
    /// The file it was loaded from.
    pub file: String,
}

/// The state the window draws, read from the client after a change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Every connection, by `$cid`.
    pub nets: Vec<NetSnap>,
    /// The loaded scripts.
    pub scripts: Vec<ScriptSnap>,
    /// The kept permission answers: (script, granted always, denied).
    pub decisions: Vec<(String, Vec<String>, Vec<String>)>,
    /// The open dialogs, in the order they were opened.
    pub dialogs: Vec<DialogModel>,
    /// The open custom windows (their lines reach the view as window events).
    pub custom: Vec<CustomSnap>,
}

/// A custom `@window` as the window draws it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomSnap {
    /// Its name, with its `@`.
    pub name: String,
    /// It has a list box (`/window -l`).
    pub list: bool,
    /// It has an input line (`/window -e`).
    pub editbox: bool,
}

impl Snapshot {
    /// Reads the client's state.
    pub fn of(client: &Client) -> Snapshot {
        let nets = client
            .cids()
            .into_iter()
            .filter_map(|cid| {
                let n = client.network(cid)?;
                let name = n
                    .network()
                    .or(n.server())
                    .map_or_else(|| "(not connected)".to_string(), str::to_string);
                let channels = n
                    .channels()
                    .map(|c| ChannelSnap {
                        name: c.name.clone(),
                        topic: c.topic.clone().unwrap_or_default(),
                        nicks: n
                            .nicks(&c.name, "", "")
                            .into_iter()
                            .map(|m| (m.prefixes.clone(), m.nick.clone()))
                            .collect(),
                    })
                    .collect();
                Some(NetSnap {
                    cid,
                    name,
                    me: n.me().to_string(),
                    registered: n.is_registered(),
                    lag_ms: n.lag_ms(),
                    away: n.away().map(str::to_string),
                    channels,
                    queries: client.extras.queries_of(cid).map(str::to_string).collect(),
                })
            })
            .collect();
        Snapshot {
            nets,
            scripts: client
                .scripts
                .iter()
                .map(|(_, f)| ScriptSnap { file: f.clone() })
                .collect(),
            decisions: client
                .permissions
                .decisions()
                .iter()
                .map(|(n, d)| (n.clone(), d.always.clone(), d.denied.clone()))
                .collect(),
            dialogs: client.dialogs().to_vec(),
            custom: client
                .custom_windows()
                .iter()
                .map(|w| CustomSnap {
                    name: w.name.clone(),
                    list: w.list.is_some(),
                    editbox: w.editbox,
                })
                .collect(),
        }
    }
}

/// What the core thread tells the window.
#[derive(Debug)]
pub enum Update {
    /// What connection `cid` showed (and sent, and asked for), received at `at_ms`.
    Output {
        /// The connection.
        cid: u32,
        /// What it showed.
        outbox: Outbox,
        /// When (ms since the Unix epoch).
        at_ms: u64,
    },
    /// The state after a change.
    State(Box<Snapshot>),
    /// The answer to a Tab in the input line of `window`.
    Completion {
        /// The window.
        window: String,
        /// The line as it was when Tab was pressed.
        line: String,
        /// The candidates.
        completion: Completion,
    },
    /// A script was applied from the editor (`Ok`, with its warnings) or refused for its
    /// errors (`Err`).
    Applied {
        /// The file.
        file: String,
        /// What the client said.
        result: Result<Vec<Diagnostic>, Vec<Diagnostic>>,
    },
    /// The diagnostics of an editor tab's text.
    Checked {
        /// The tab's title.
        file: String,
        /// The text checked.
        text: String,
        /// What is wrong in it.
        diagnostics: Vec<Diagnostic>,
    },
    /// The evaluated items of a popup menu the window opened.
    Menu {
        /// Which menu.
        key: crate::ui::panels::popup::MenuKey,
        /// Its items.
        items: Vec<rustirc_core::client::MenuItem>,
    },
    /// The scripts an import loaded, or why it failed.
    Imported(Result<Vec<std::path::PathBuf>, String>),
    /// The core thread has ended (the user quit, or it could not start), and why.
    Ended(String),
}

/// What the core thread starts with: it builds the client, calling the [`Prepare`] it is
/// given as soon as the client exists, before any script loads.
pub type Setup = Box<dyn FnOnce(Prepare) -> Result<(Client, Vec<Connection>), String> + Send>;

/// What the window needs of a new client before its scripts load (and run `on LOAD` and `on
/// START`): the stop button's signal and the prompter of `$?`.
pub type Prepare = Box<dyn FnOnce(&mut Client)>;

/// The window's handle on the core thread.
pub struct Core {
    commands: Option<UnboundedSender<Command>>,
    updates_tx: mpsc::Sender<Update>,
    updates: mpsc::Receiver<Update>,
    thread: Option<std::thread::JoinHandle<()>>,
    repaint: Option<egui::Context>,
    prompts: mpsc::Receiver<PromptRequest>,
    stop: std::sync::Arc<std::sync::OnceLock<rustirc_lang::host::StopSignal>>,
}

/// How often, at most, the core thread reads a [`Snapshot`] while lines flood in (it always
/// reads one after a command from the window).
const SNAPSHOT_EVERY: Duration = Duration::from_millis(100);

/// How long a script waits in `$?` for the user's answer before it gets `$null` (the client
/// thread waits with it, so a question nobody sees must not stop the client for good).
pub const PROMPT_TIMEOUT: Duration = Duration::from_secs(120);

impl Core {
    /// Starts the core thread: `setup` builds the client there, then the network loop runs
    /// until the window drops this handle (or the user quits). `repaint` is asked for a
    /// repaint whenever there is news.
    pub fn start(setup: Setup, repaint: Option<egui::Context>) -> Core {
        let (cmd_tx, mut cmd_rx) = tokio::sync::mpsc::unbounded_channel::<Command>();
        let (up_tx, up_rx) = mpsc::channel();
        let tx = up_tx.clone();
        let ctx = repaint.clone();
        let (ask_tx, ask_rx) = mpsc::channel();
        let prompts = forward_prompts(ask_rx, repaint.clone());
        let stop = std::sync::Arc::new(std::sync::OnceLock::new());
        let stop_handle = stop.clone();
        let thread = std::thread::Builder::new()
            .name("rustirc-core".into())
            .spawn(move || {
                let wake = || {
                    if let Some(c) = &ctx {
                        c.request_repaint();
                    }
                };
                let ended = run_core(setup, &mut cmd_rx, &tx, &wake, ask_tx, &stop_handle);
                let _ = tx.send(Update::Ended(ended));
                wake();
            })
            .ok();
        Core {
            commands: Some(cmd_tx),
            updates_tx: up_tx,
            updates: up_rx,
            thread,
            repaint,
            prompts,
            stop,
        }
    }

    /// The "stop script" button: ends the mSL script running on the core thread now (see
    /// [`Client::stop_signal`]); it does not wait for the core thread, which may be busy in
    /// that very script.
    pub fn stop_script(&self) {
        if let Some(s) = self.stop.get() {
            s.request();
        }
    }

    /// Runs `f` on the client, on the core thread; what it returns is sent back as an
    /// update, followed by the state after it.
    pub fn call(&self, f: impl FnOnce(&mut Client) -> Option<Update> + Send + 'static) {
        let tx = self.updates_tx.clone();
        let ctx = self.repaint.clone();
        let cmd: Command = Box::new(move |client: &mut Client| {
            if let Some(u) = f(client) {
                let _ = tx.send(u);
            }
            let _ = tx.send(Update::State(Box::new(Snapshot::of(client))));
            if let Some(c) = &ctx {
                c.request_repaint();
            }
        });
        if let Some(c) = &self.commands {
            let _ = c.send(cmd);
        }
    }

    /// The updates that arrived since the last call.
    pub fn drain(&self) -> Vec<Update> {
        self.updates.try_iter().collect()
    }

    /// The questions scripts asked (`$?`) since the last call; each waits for its answer.
    pub fn prompts(&self) -> Vec<PromptRequest> {
        self.prompts.try_iter().collect()
    }

    /// Waits up to `timeout` for the next update (tests and the benchmark use this).
    pub fn wait(&self, timeout: Duration) -> Option<Update> {
        self.updates.recv_timeout(timeout).ok()
    }
}

impl Drop for Core {
    /// Closing the window: the connections quit, and the thread is given a moment to send
    /// the QUITs and save.
    fn drop(&mut self) {
        self.commands = None;
        if let Some(t) = self.thread.take() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while !t.is_finished() && Instant::now() < deadline {
                // A script waiting in `$?` is answered `$null` so that the client can end.
                self.prompts.try_iter().for_each(drop);
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Passes the questions the client asks on to the window, asking for a repaint with each,
/// on a thread of its own (the client's thread is waiting for the answer meanwhile). It
/// ends when the client is gone.
fn forward_prompts(
    from_client: mpsc::Receiver<PromptRequest>,
    repaint: Option<egui::Context>,
) -> mpsc::Receiver<PromptRequest> {
    let (tx, rx) = mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("rustirc-prompts".into())
        .spawn(move || {
            for request in from_client {
                if tx.send(request).is_err() {
                    break;
                }
                if let Some(c) = &repaint {
                    c.request_repaint();
                }
            }
        });
    rx
}

/// The core thread's body; returns why it ended. The client's `$?` questions go to `ask`.
fn run_core(
    setup: Setup,
    commands: &mut tokio::sync::mpsc::UnboundedReceiver<Command>,
    tx: &mpsc::Sender<Update>,
    wake: &dyn Fn(),
    ask: mpsc::Sender<PromptRequest>,
    stop: &std::sync::Arc<std::sync::OnceLock<rustirc_lang::host::StopSignal>>,
) -> String {
    let stop = stop.clone();
    let prepare: Prepare = Box::new(move |client: &mut Client| {
        client.set_prompter(channel_prompter(ask, PROMPT_TIMEOUT));
        let _ = stop.set(client.stop_signal());
    });
    let (mut client, connections) = match setup(prepare) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return e.to_string(),
    };
    rustirc_core::sockets::io::attach(&mut client, rt.handle().clone());
    // What the scripts showed as they loaded.
    let first = client.take_output();
    let _ = tx.send(Update::Output {
        cid: client.cid(),
        outbox: first,
        at_ms: rustirc_core::net::now_ms(),
    });
    let _ = tx.send(Update::State(Box::new(Snapshot::of(&client))));
    wake();
    let mut last_snapshot = Instant::now();
    let mut sink = |client: &mut Client, cid: u32, _name: Option<&str>, outbox: Outbox| {
        let news = !outbox.shown.is_empty()
            || !outbox.alerts.is_empty()
            || !outbox.windows.is_empty()
            || !outbox.permission_requests.is_empty();
        if news {
            let _ = tx.send(Update::Output {
                cid,
                outbox,
                at_ms: rustirc_core::net::now_ms(),
            });
        }
        if last_snapshot.elapsed() >= SNAPSHOT_EVERY {
            last_snapshot = Instant::now();
            let _ = tx.send(Update::State(Box::new(Snapshot::of(client))));
            wake();
        } else if news {
            wake();
        }
    };
    let r = rt.block_on(rustirc_core::net::run_with(
        &mut client,
        &connections,
        &mut sink,
        Some(commands),
    ));
    client.save();
    match r {
        Ok(()) => "the client quit".to_string(),
        Err(e) => e.to_string(),
    }
}
