//! One connection's I/O, as a task of its own: it connects (TCP, then TLS when asked),
//! reports each line read, writes the lines it is given, and reconnects with backoff when the
//! connection fails or closes. It knows nothing of IRC beyond lines; the loop in the parent
//! module feeds what it reports to the client.

use super::socks;
use super::tls::secure;
use super::Server;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long opening a connection (TCP and the TLS handshake) may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// The first wait before reconnecting; it doubles after each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(2);
/// The longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A connection that stayed up this long resets the backoff to [`FIRST_BACKOFF`]; one
/// dropped sooner (a server that accepts and closes at once) keeps doubling it.
const STABLE: Duration = Duration::from_secs(60);

/// What a connection task tells the loop.
#[derive(Debug)]
pub(crate) enum Report {
    /// A line for the status window.
    Status(String),
    /// The connection is open (and secured): registration can start.
    Up,
    /// A line from the server, without its line ending.
    Line(Vec<u8>),
    /// The connection closed or failed, and why.
    Down(String),
    /// Opening a connection failed, and why (a retry follows).
    Failed(String),
}

/// What the loop tells a connection task.
#[derive(Debug)]
pub(crate) enum Order {
    /// Write this line (the task adds CR LF).
    Line(Vec<u8>),
    /// Close the connection once the lines before this are written, and stop.
    Close,
    /// Close the connection now, for this reason, and reconnect as after a drop.
    Drop(String),
    /// Close the connection once the lines before this are written, and connect to this
    /// server instead, at once.
    Switch(Server),
}

/// A byte stream: plain TCP, or TLS over it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Starts the task for connection `cid`; its reports arrive on `reports` tagged with `cid`.
pub(crate) fn spawn(
    cid: u32,
    server: Server,
    reports: UnboundedSender<(u32, Report)>,
) -> (UnboundedSender<Order>, JoinHandle<()>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::spawn(run(cid, server, reports, rx));
    (tx, handle)
}

/// Opens a connection to `server`: the stream and lines worth showing about it.
async fn open(server: &Server) -> Result<(Box<dyn Io>, Vec<String>), String> {
    let tcp = match &server.proxy {
        None => TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|e| e.to_string())?,
        Some(p) => {
            let on = |e: &dyn std::fmt::Display| format!("proxy {}: {e}", p.label());
            let mut tcp = TcpStream::connect((p.host.as_str(), p.port))
                .await
                .map_err(|e| on(&e))?;
            socks::connect(&mut tcp, p, &server.host, server.port)
                .await
                .map_err(|e| on(&e))?;
            tcp
        }
    };
    let _ = tcp.set_nodelay(true);
    match &server.tls {
        None => Ok((Box::new(tcp), Vec::new())),
        Some(opts) => {
            let s = secure(tcp, &server.host, opts).await?;
            Ok((Box::new(s.stream), s.notes))
        }
    }
}

/// What to do after a wait.
enum Next {
    /// Connect (again).
    Connect,
    /// Stop: the user quit or the loop is gone.
    Stop,
}

/// Waits `d` before connecting again; ends early when told to close, or to switch servers
/// (which takes effect in `server`). Lines for a connection that is not open are dropped.
async fn wait(d: Duration, orders: &mut UnboundedReceiver<Order>, server: &mut Server) -> Next {
    let end = Instant::now() + d;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(end) => return Next::Connect,
            o = orders.recv() => match o {
                Some(Order::Close) | None => return Next::Stop,
                Some(Order::Switch(s)) => {
                    *server = s;
                    return Next::Connect;
                }
                // Lines for a connection that is not open are dropped.
                Some(Order::Line(_) | Order::Drop(_)) => {}
            },
        }
    }
}

async fn run(
    cid: u32,
    mut server: Server,
    reports: UnboundedSender<(u32, Report)>,
    mut orders: UnboundedReceiver<Order>,
) {
    let report = |r: Report| {
        let _ = reports.send((cid, r));
    };
    let mut backoff = FIRST_BACKOFF;
    loop {
        report(Report::Status(format!(
            "* Connecting to {}",
            server.describe()
        )));
        let target = server.clone();
        let opened = tokio::select! {
            r = tokio::time::timeout(OPEN_TIMEOUT, open(&target)) => match r {
                Ok(r) => r,
                Err(_) => Err(format!("no answer in {} s", OPEN_TIMEOUT.as_secs())),
            },
            next = wait(OPEN_TIMEOUT * 2, &mut orders, &mut server) => match next {
                Next::Stop => return,
                // Told to switch servers while connecting: start over with the new one.
                Next::Connect => continue,
            },
        };
        let (io, notes) = match opened {
            Ok(x) => x,
            Err(reason) => {
                report(Report::Failed(reason.clone()));
                report(Report::Status(format!(
                    "* Could not connect to {}: {reason}; retrying in {}s",
                    server.label(),
                    backoff.as_secs()
                )));
                if let Next::Stop = wait(backoff, &mut orders, &mut server).await {
                    return;
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        for n in notes {
            report(Report::Status(n));
        }
        // Lines queued while the connection was down belong to the old one.
        while let Ok(o) = orders.try_recv() {
            match o {
                Order::Close => return,
                Order::Switch(s) => server = s,
                Order::Line(_) | Order::Drop(_) => {}
            }
        }
        report(Report::Up);
        let since = Instant::now();
        let (rd, mut wr) = tokio::io::split(io);
        let mut lines = BufReader::new(rd).split(b'\n');
        let mut switched = false;
        let reason = loop {
            tokio::select! {
                line = lines.next_segment() => match line {
                    Ok(Some(mut bytes)) => {
                        if bytes.last() == Some(&b'\r') {
                            bytes.pop();
                        }
                        report(Report::Line(bytes));
                    }
                    Ok(None) => break "connection closed".to_string(),
                    Err(e) => break e.to_string(),
                },
                o = orders.recv() => match o {
                    Some(Order::Line(mut bytes)) => {
                        bytes.extend_from_slice(b"\r\n");
                        if let Err(e) = wr.write_all(&bytes).await {
                            break e.to_string();
                        }
                    }
                    Some(Order::Drop(reason)) => break reason,
                    Some(Order::Close) | None => {
                        let _ = wr.flush().await;
                        let _ = tokio::time::timeout(Duration::from_secs(2), wr.shutdown()).await;
                        return;
                    }
                    Some(Order::Switch(s)) => {
                        let _ = wr.flush().await;
                        let _ = tokio::time::timeout(Duration::from_secs(2), wr.shutdown()).await;
                        server = s;
                        switched = true;
                        break format!("changing server to {}", server.label());
                    }
                },
            }
        };
        if since.elapsed() >= STABLE {
            backoff = FIRST_BACKOFF;
        }
        report(Report::Down(reason));
        if switched {
            backoff = FIRST_BACKOFF;
            continue;
        }
        report(Report::Status(format!(
            "* Reconnecting in {}s",
            backoff.as_secs()
        )));
        if let Next::Stop = wait(backoff, &mut orders, &mut server).await {
            return;
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

impl Server {
    /// `host:port`, with the IPv6 address in brackets.
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The label with how the connection is made, e.g. `irc.example.net:6697 (TLS)`.
    pub fn describe(&self) -> String {
        let mut how = Vec::new();
        if let Some(t) = &self.tls {
            how.push(if t.accept_invalid {
                "TLS, any certificate accepted".to_string()
            } else {
                "TLS".to_string()
            });
        }
        if let Some(p) = &self.proxy {
            how.push(format!("through the proxy {}", p.label()));
        }
        if how.is_empty() {
            self.label()
        } else {
            format!("{} ({})", self.label(), how.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::TlsOptions;
    use super::*;

    #[test]
    fn labels() {
        let s = Server::new("::1", 6697);
        assert_eq!(s.label(), "[::1]:6697");
        let mut s = Server::new("irc.example.net", 6697);
        s.tls = Some(TlsOptions::default());
        assert_eq!(s.describe(), "irc.example.net:6697 (TLS)");
        s.proxy = Some(socks::Proxy::parse("socks5://u:secret@127.0.0.1:9050").unwrap());
        assert_eq!(
            s.describe(),
            "irc.example.net:6697 (TLS, through the proxy socks5://127.0.0.1:9050)"
        );
    }
}
