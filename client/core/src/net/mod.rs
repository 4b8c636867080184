//! The network loop (tokio): connections to servers, feeding received lines to a [`Client`]
//! and writing what it sends. Each connection is a task of its own ([`conn`]) that connects
//! — through a SOCKS5 proxy ([`socks`]) and over TLS ([`tls`]) when asked — and reconnects
//! with backoff (first retry after 2 s, doubling to 60 s). Everything else — state, scripts,
//! display text — is the client's.
//!
//! Not here yet: several networks at once.

mod conn;
pub mod socks;
pub mod tls;

pub use socks::Proxy;
pub use tls::TlsOptions;

use crate::client::{Client, Outbox};
use crate::proto::{decode_line, encode_line, Encoding};
use crate::state::Input;
use conn::{Order, Report};
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// Prints shown lines as `[HH:MM:SS] window: text`.
fn print(out: &mut dyn Write, o: &Outbox, now: u64) {
    let secs = now / 1000;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    for (w, t) in &o.shown {
        let _ = writeln!(out, "[{h:02}:{m:02}:{s:02}] {w}: {t}");
    }
    let _ = out.flush();
}

/// How long the connections may take to send their QUIT and close when the user quits.
const QUIT_GRACE: Duration = Duration::from_secs(3);

/// Runs the client against `server` until the user quits (Ctrl-C sends QUIT and returns, as
/// `/exit` does); `on EXIT` runs and what is not saved yet (the global variables) is saved
/// before it returns.
pub async fn run(client: &mut Client, server: &Server, out: &mut dyn Write) -> std::io::Result<()> {
    let (reports_tx, mut reports) = tokio::sync::mpsc::unbounded_channel();
    let (orders, task) = conn::spawn(1, server.clone(), reports_tx);
    let mut sockets = crate::sockets::io::take_events(client);
    let mut up = false;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    // One future for the whole run, so an interrupt between two turns is not missed.
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    loop {
        if flush(client, &orders, up, out) {
            // `/exit`: its QUIT is on the way.
            let _ = orders.send(Order::Close);
            let _ = tokio::time::timeout(QUIT_GRACE, task).await;
            break;
        }
        tokio::select! {
            r = reports.recv() => match r {
                Some((_, Report::Status(text))) => client.out.shown.push(("status".to_string(), text)),
                Some((_, Report::Up)) => {
                    up = true;
                    client.tick(now_ms());
                    client.net.set_target(&server.host, server.port);
                    client.input(Input::Connected);
                }
                Some((_, Report::Line(bytes))) => {
                    client.recv_line(&decode_line(&bytes, Encoding::Utf8));
                }
                Some((_, Report::Down(reason))) => {
                    up = false;
                    client.input(Input::Disconnected { reason });
                }
                Some((_, Report::Failed(reason))) => client.connect_failed(&reason),
                None => break,
            },
            Some(ev) = sockets.recv() => client.socket_event(ev),
            _ = tick.tick() => client.tick(now_ms()),
            _ = &mut interrupt => {
                if up {
                    client.run_command("/quit Leaving");
                    flush(client, &orders, up, out);
                }
                let _ = orders.send(Order::Close);
                let _ = tokio::time::timeout(QUIT_GRACE, task).await;
                break;
            }
        }
    }
    client.exit();
    client.sockets.close_all();
    let o = client.take_output();
    print(out, &o, now_ms());
    Ok(())
}

/// Writes what the client sent to the connection (when it is up), closes it when the client
/// asked (`/disconnect`), and prints what it showed. Returns whether the client is to quit
/// (`/exit`).
fn flush(
    client: &mut Client,
    orders: &tokio::sync::mpsc::UnboundedSender<Order>,
    up: bool,
    out: &mut dyn Write,
) -> bool {
    let o = client.take_output();
    if up {
        for l in &o.sent {
            let _ = orders.send(Order::Line(encode_line(l, Encoding::Utf8)));
        }
        if let Some(reason) = &o.disconnect {
            let _ = orders.send(Order::Drop(reason.clone()));
        }
    }
    print(out, &o, now_ms());
    o.exit
}
