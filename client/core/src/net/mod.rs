//! The network loop (tokio): connections to servers, feeding received lines to a [`Client`]
//! and writing what it sends. Each connection is a task of its own ([`conn`]) that connects
//! — through a SOCKS5 proxy ([`socks`]) and over TLS ([`tls`]) when asked — and reconnects
//! with backoff (first retry after 2 s, doubling to 60 s). Everything else — state, scripts,
//! display text — is the client's.
//!
//! Several connections run at once, one task each, all feeding the one client (which tells
//! them apart by connection id); `/server` opens more while it runs.

mod conn;
pub mod socks;
pub mod tls;

pub use socks::Proxy;
pub use tls::TlsOptions;

use crate::client::{Client, Outbox};
use crate::proto::{encode_line, Encoding};
use crate::state::Input;
use conn::{Order, Report};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// Where to connect, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS, when the connection is to be secured.
    pub tls: Option<TlsOptions>,
    /// The SOCKS5 proxy to connect through, if any.
    pub proxy: Option<Proxy>,
}

impl Server {
    /// A plain connection to `host` on `port`.
    pub fn new(host: &str, port: u16) -> Server {
        Server {
            host: host.to_string(),
            port,
            tls: None,
            proxy: None,
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0))
}

/// One connection for [`run`].
#[derive(Clone, Debug)]
pub struct Connection {
    /// The client's connection id (`$cid`).
    pub cid: u32,
    /// Where to connect, and how.
    pub server: Server,
    /// The name its lines are printed with when there are several connections (the
    /// network's name in the config file, else the server).
    pub name: String,
}

/// Prints shown lines as `[HH:MM:SS] window: text`, or `[HH:MM:SS] name/window: text` with
/// the connection's name when there are several.
fn print(out: &mut dyn Write, o: &Outbox, name: Option<&str>, now: u64) {
    let secs = now / 1000;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    for (i, (w, t)) in o.shown.iter().enumerate() {
        // A line marked as a highlight (`/markline`) is printed with `!` after the window.
        let mark = if o.marked.contains(&i) { " !" } else { "" };
        match name {
            Some(n) => {
                let _ = writeln!(out, "[{h:02}:{m:02}:{s:02}] {n}/{w}{mark}: {t}");
            }
            None => {
                let _ = writeln!(out, "[{h:02}:{m:02}:{s:02}] {w}{mark}: {t}");
            }
        }
    }
    let _ = out.flush();
}

/// How long the connections may take to send their QUIT and close when the user quits.
const QUIT_GRACE: Duration = Duration::from_secs(3);

/// A connection's task, as the loop sees it.
struct Live {
    orders: UnboundedSender<Order>,
    task: JoinHandle<()>,
    /// Open and not reported closed since.
    up: bool,
    server: Server,
    name: String,
}

/// Runs the client's connections until the user quits: each of `connections` at once, and
/// those `/server` asks for. Ctrl-C (or `/exit`) sends QUIT on each and returns; `on EXIT`
/// runs and what is not saved yet (the global variables) is saved before it returns.
pub async fn run(
    client: &mut Client,
    connections: &[Connection],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut print_to = |_: &mut Client, _: u32, name: Option<&str>, o: Outbox| {
        print(out, &o, name, now_ms());
    };
    run_with(client, connections, &mut print_to, None).await
}

/// A command from a front end, run on the client between two network events.
pub type Command = Box<dyn FnOnce(&mut Client) + Send>;

/// Where [`run_with`] hands what each connection sent and showed: the client (to read its
/// state after the change), the connection id, its name when there are several, and the
/// output.
pub type Sink<'a> = dyn FnMut(&mut Client, u32, Option<&str>, Outbox) + 'a;

/// [`run`] for a front end other than standard output (the desktop window): what the client
/// shows goes to `sink`, and `commands` (typed lines, script reloads …) run on the client as
/// they come. When the sender of `commands` is dropped (the window closed), the connections
/// quit as they do on Ctrl-C.
pub async fn run_with(
    client: &mut Client,
    connections: &[Connection],
    sink: &mut Sink<'_>,
    mut commands: Option<&mut tokio::sync::mpsc::UnboundedReceiver<Command>>,
) -> std::io::Result<()> {
    let (reports_tx, mut reports) = tokio::sync::mpsc::unbounded_channel();
    let mut live: BTreeMap<u32, Live> = BTreeMap::new();
    for c in connections {
        let (orders, task) = conn::spawn(c.cid, c.server.clone(), reports_tx.clone());
        live.insert(
            c.cid,
            Live {
                orders,
                task,
                up: false,
                server: c.server.clone(),
                name: c.name.clone(),
            },
        );
    }
    let mut sockets = crate::sockets::io::take_events(client);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    // One future for the whole run, so an interrupt between two turns is not missed.
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        open_requested(client, &mut live, &reports_tx);
        if flush(client, &live, sink) {
            // `/exit`: QUIT on the connection it ran on is on the way; the others quit too.
            quit_all(client, &mut live, sink, "/quit").await;
            break;
        }
        tokio::select! {
            r = reports.recv() => {
                let Some((cid, report)) = r else { break };
                if !client.select(cid) {
                    continue;
                }
                match report {
                    Report::Status(text) => client.out.shown.push(("status".to_string(), text)),
                    Report::Up => {
                        let Some(l) = live.get_mut(&cid) else { continue };
                        l.up = true;
                        client.net.set_target(&l.server.host, l.server.port);
                        client.sockets.dcc.server_ip = l.server.host.parse().ok();
                        client.tick(now_ms());
                        client.select(cid);
                        client.input(Input::Connected);
                    }
                    Report::Line(bytes) => {
                        let text = client.net.decode(&bytes);
                        client.recv_line(&text);
                    }
                    Report::Down(reason) => {
                        if let Some(l) = live.get_mut(&cid) {
                            l.up = false;
                        }
                        client.input(Input::Disconnected { reason });
                    }
                    Report::Failed(reason) => client.connect_failed(&reason),
                }
            }
            Some(ev) = sockets.recv() => client.socket_event(ev),
            cmd = next_command(&mut commands) => match cmd {
                Some(cmd) => cmd(client),
                None => {
                    quit_all(client, &mut live, sink, "/quit Leaving").await;
                    break;
                }
            },
            _ = tick.tick() => client.tick(now_ms()),
            _ = &mut interrupt => {
                quit_all(client, &mut live, sink, "/quit Leaving").await;
                break;
            }
        }
    }
    client.exit();
    client.sockets.close_all();
    flush(client, &live, sink);
    Ok(())
}

/// The next command from the front end; never ready when there is none, `None` once its
/// sender is gone.
async fn next_command(
    commands: &mut Option<&mut tokio::sync::mpsc::UnboundedReceiver<Command>>,
) -> Option<Command> {
    match commands {
        Some(r) => r.recv().await,
        None => std::future::pending().await,
    }
}

/// Sends `quit` on every open connection that has not quit yet, then closes them all
/// (waiting a little for the QUITs to be written).
async fn quit_all(
    client: &mut Client,
    live: &mut BTreeMap<u32, Live>,
    sink: &mut Sink<'_>,
    quit: &str,
) {
    for (cid, l) in live.iter() {
        if l.up && client.select(*cid) && !client.net.is_quitting() {
            client.run_command(quit);
        }
    }
    flush(client, live, sink);
    for l in live.values() {
        let _ = l.orders.send(Order::Close);
    }
    let _ = tokio::time::timeout(QUIT_GRACE, async {
        for l in live.values_mut() {
            let _ = (&mut l.task).await;
        }
    })
    .await;
}

/// Starts the connections `/server -m` asked for, and moves those `/server` named.
fn open_requested(
    client: &mut Client,
    live: &mut BTreeMap<u32, Live>,
    reports: &UnboundedSender<(u32, Report)>,
) {
    for c in client.take_connects() {
        let base = live.get(&c.from).map(|l| l.server.clone());
        let server = if c.host.is_empty() {
            match live.get(&c.cid) {
                Some(l) => l.server.clone(),
                None => continue,
            }
        } else {
            let mut s = Server::new(&c.host, c.port.unwrap_or(if c.tls { 6697 } else { 6667 }));
            // The proxy and client certificate of the connection the command ran on; the
            // certificate of the new server is checked.
            s.proxy = base.as_ref().and_then(|b| b.proxy.clone());
            if c.tls {
                s.tls = Some(TlsOptions {
                    accept_invalid: false,
                    cert: base.and_then(|b| b.tls).and_then(|t| t.cert),
                });
            }
            s
        };
        match live.get_mut(&c.cid) {
            Some(l) if !c.new => {
                l.server = server.clone();
                let _ = l.orders.send(Order::Switch(server));
            }
            _ => {
                let name = server.host.clone();
                let (orders, task) = conn::spawn(c.cid, server.clone(), reports.clone());
                live.insert(
                    c.cid,
                    Live {
                        orders,
                        task,
                        up: false,
                        server,
                        name,
                    },
                );
            }
        }
    }
}

/// Writes what each connection sent (when it is up), closes those the client asked to
/// (`/disconnect`), and hands what they showed to `sink`. Returns whether the client is to
/// quit (`/exit`).
fn flush(client: &mut Client, live: &BTreeMap<u32, Live>, sink: &mut Sink<'_>) -> bool {
    let several = live.len() > 1;
    let mut exit = false;
    for (cid, o) in client.take_outputs() {
        let l = live.get(&cid);
        if let Some(l) = l.filter(|l| l.up) {
            let enc = client
                .network(cid)
                .map_or(Encoding::Utf8, |n| n.config().encoding);
            for line in &o.sent {
                let _ = l.orders.send(Order::Line(encode_line(line, enc)));
            }
            if let Some(reason) = &o.disconnect {
                let _ = l.orders.send(Order::Drop(reason.clone()));
            }
        }
        let name = l.map(|l| l.name.clone()).filter(|_| several);
        exit |= o.exit;
        sink(client, cid, name.as_deref(), o);
    }
    exit
}
