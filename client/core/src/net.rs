//! The network loop (tokio): one connection to one server, feeding received lines to a
//! [`Client`] and writing what it sends; reconnects with backoff (first retry after 2 s,
//! doubling to 60 s). Everything else — state, scripts, display text — is the client's.
//!
//! Not here yet: TLS, SOCKS5 proxies and several networks at once.

use crate::client::{Client, Outbox};
use crate::proto::{decode_line, encode_line, Encoding};
use crate::state::Input;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where to connect.
#[derive(Clone, Debug)]
pub struct Server {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
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

/// Runs the client against `server` until the user quits (Ctrl-C sends QUIT and returns);
/// what is not saved yet (the global variables) is saved before it returns.
pub async fn run(client: &mut Client, server: &Server, out: &mut dyn Write) -> std::io::Result<()> {
    let r = connect_loop(client, server, out).await;
    client.save();
    let o = client.take_output();
    print(out, &o, now_ms());
    r
}

async fn connect_loop(
    client: &mut Client,
    server: &Server,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut backoff = Duration::from_secs(2);
    loop {
        let o = client.take_output();
        print(out, &o, now_ms());
        let stream = match TcpStream::connect((server.host.as_str(), server.port)).await {
            Ok(s) => {
                backoff = Duration::from_secs(2);
                s
            }
            Err(e) => {
                let _ = writeln!(
                    out,
                    "* Could not connect to {}:{} ({e}); retrying in {}s",
                    server.host,
                    server.port,
                    backoff.as_secs()
                );
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
                continue;
            }
        };
        let (rd, mut wr) = stream.into_split();
        let mut lines = BufReader::new(rd).split(b'\n');
        client.tick(now_ms());
        client.net.set_target(&server.host, server.port);
        client.input(Input::Connected);
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        let reason = loop {
            let o = client.take_output();
            let mut failed = None;
            for l in &o.sent {
                let mut bytes = encode_line(l, Encoding::Utf8);
                bytes.extend_from_slice(b"\r\n");
                if let Err(e) = wr.write_all(&bytes).await {
                    failed = Some(e.to_string());
                    break;
                }
            }
            print(out, &o, now_ms());
            if let Some(e) = failed {
                break e;
            }
            tokio::select! {
                line = lines.next_segment() => match line {
                    Ok(Some(mut bytes)) => {
                        if bytes.last() == Some(&b'\r') {
                            bytes.pop();
                        }
                        client.recv_line(&decode_line(&bytes, Encoding::Utf8));
                    }
                    Ok(None) => break "connection closed".to_string(),
                    Err(e) => break e.to_string(),
                },
                _ = tick.tick() => client.tick(now_ms()),
                _ = tokio::signal::ctrl_c() => {
                    client.run_command("/quit Leaving");
                    let o = client.take_output();
                    for l in &o.sent {
                        let _ = wr.write_all(format!("{l}\r\n").as_bytes()).await;
                    }
                    let _ = wr.shutdown().await;
                    print(out, &o, now_ms());
                    return Ok(());
                }
            }
        };
        client.input(Input::Disconnected { reason });
        let o = client.take_output();
        print(out, &o, now_ms());
        let _ = writeln!(out, "* Reconnecting in {}s", backoff.as_secs());
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        backoff = (backoff * 2).min(Duration::from_secs(60));
    }
}
