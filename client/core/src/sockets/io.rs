//! The script sockets' I/O on tokio: one task per socket. A connection's task connects (and
//! secures it with TLS for `/sockopen -e`, checking the certificate as server connections
//! do), then reads and writes at once, so a peer that writes while it is written to never
//! blocks it; a listening socket's task accepts connections and holds each until the client
//! takes (`/sockaccept`) or refuses it; a UDP socket's task sends and receives datagrams.
//! Everything that happens comes back to the client as a [`SockEvent`] on one channel.
//!
//! Listening and UDP sockets are bound at once, on the caller's thread, so their ports are
//! known before the command returns.

use super::{Bound, SockError, SockEvent, SockId, SockOp, SocketIo};
use crate::client::Client;
use crate::net::tls::{secure, TlsOptions};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::runtime::Handle;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;

/// How long opening a connection (resolving, connecting, the TLS handshake) may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closed connection may take to send what was queued before it.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// Bytes read at a time.
const READ_CHUNK: usize = 16 * 1024;

/// The reports of a [`Driver`], for the loop that feeds them to the client.
pub type SockEvents = UnboundedReceiver<SockEvent>;

/// What the driver tells one socket's task.
enum Order {
    Write(Vec<u8>),
    Send(String, u16, Vec<u8>),
    Close,
}

/// A byte stream: plain TCP, or TLS over it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Task {
    orders: UnboundedSender<Order>,
    pause: watch::Sender<bool>,
}

/// Connections waiting on listening sockets, by (listener, token).
type Waiting = Arc<Mutex<HashMap<(SockId, u64), TcpStream>>>;

/// The tokio side of the sockets.
pub struct Driver {
    handle: Handle,
    events: UnboundedSender<SockEvent>,
    tasks: HashMap<SockId, Task>,
    waiting: Waiting,
    busy: Arc<AtomicUsize>,
}

/// Counts an operation under way (connecting, writing, sending) until it is dropped.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn new(n: &Arc<AtomicUsize>) -> Busy {
        n.fetch_add(1, Ordering::SeqCst);
        Busy(n.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Driver {
    /// A driver whose tasks run on `handle`, and the channel its reports arrive on.
    pub fn new(handle: Handle) -> (Driver, SockEvents) {
        let (tx, rx) = unbounded_channel();
        (
            Driver {
                handle,
                events: tx,
                tasks: HashMap::new(),
                waiting: Arc::default(),
                busy: Arc::default(),
            },
            rx,
        )
    }

    /// How many operations (connecting, writing, sending a datagram) are under way; shared,
    /// so it can be watched once the driver is the client's.
    pub fn busy(&self) -> Arc<AtomicUsize> {
        self.busy.clone()
    }

    fn task(&mut self, id: SockId) -> (UnboundedReceiver<Order>, watch::Receiver<bool>) {
        let (tx, rx) = unbounded_channel();
        let (ptx, prx) = watch::channel(false);
        self.tasks.insert(
            id,
            Task {
                orders: tx,
                pause: ptx,
            },
        );
        (rx, prx)
    }

    fn order(&self, id: SockId, o: Order) {
        if let Some(t) = self.tasks.get(&id) {
            let _ = t.orders.send(o);
        }
    }
}

/// Gives `client` a driver on `handle`; its reports wait in the client until [`take_events`]
/// takes them (the network loop does).
pub fn attach(client: &mut Client, handle: Handle) {
    let (d, rx) = Driver::new(handle);
    client.sockets.set_io(Box::new(d));
    client.sockets.set_events(rx);
}

/// The reports of `client`'s driver, attaching one on the current runtime if it has none.
pub fn take_events(client: &mut Client) -> SockEvents {
    if let Some(rx) = client.sockets.take_events() {
        return rx;
    }
    let (d, rx) = Driver::new(Handle::current());
    client.sockets.set_io(Box::new(d));
    rx
}

fn local_ip(ip: Option<&str>) -> Result<IpAddr, SockError> {
    match ip {
        None => Ok(IpAddr::from([0, 0, 0, 0])),
        Some(s) => s
            .trim_matches(['[', ']'])
            .parse()
            .map_err(|_| SockError::new(10049, &format!("'{s}' is not a local IP address"))),
    }
}

impl SocketIo for Driver {
    fn submit(&mut self, op: SockOp) {
        match op {
            SockOp::Connect {
                id,
                host,
                port,
                tls,
                bind_ip,
            } => {
                let (orders, pause) = self.task(id);
                let events = self.events.clone();
                let busy = Busy::new(&self.busy);
                let busy_n = self.busy.clone();
                self.handle.spawn(async move {
                    connect(
                        id, host, port, tls, bind_ip, orders, pause, events, busy, busy_n,
                    )
                    .await;
                });
            }
            SockOp::Accept {
                listener,
                token,
                id,
            } => {
                let stream = self
                    .waiting
                    .lock()
                    .ok()
                    .and_then(|mut w| w.remove(&(listener, token)));
                let Some(stream) = stream else { return };
                let (orders, pause) = self.task(id);
                let events = self.events.clone();
                let busy = self.busy.clone();
                self.handle.spawn(async move {
                    let _ = stream.set_nodelay(true);
                    run_conn(id, Box::new(stream), orders, pause, events, busy).await;
                });
            }
            SockOp::Reject { listener, token } => {
                if let Ok(mut w) = self.waiting.lock() {
                    w.remove(&(listener, token));
                }
            }
            SockOp::Write { id, data } => self.order(id, Order::Write(data)),
            SockOp::UdpSend {
                id,
                host,
                port,
                data,
            } => self.order(id, Order::Send(host, port, data)),
            SockOp::Pause { id, paused } => {
                if let Some(t) = self.tasks.get(&id) {
                    let _ = t.pause.send(paused);
                }
            }
            SockOp::Resolve { token, host } => {
                let events = self.events.clone();
                let busy = Busy::new(&self.busy);
                self.handle.spawn(async move {
                    let mut addrs: Vec<std::net::IpAddr> = Vec::new();
                    if let Ok(found) = tokio::net::lookup_host((host.as_str(), 0)).await {
                        for a in found {
                            if !addrs.contains(&a.ip()) {
                                addrs.push(a.ip());
                            }
                        }
                    }
                    let _ = events.send(SockEvent::Resolved { token, addrs });
                    drop(busy);
                });
            }
            SockOp::Close { id } => {
                if let Some(t) = self.tasks.remove(&id) {
                    let _ = t.orders.send(Order::Close);
                }
                if let Ok(mut w) = self.waiting.lock() {
                    w.retain(|(l, _), _| *l != id);
                }
            }
        }
    }

    fn listen(&mut self, id: SockId, ip: Option<&str>, port: u16) -> Result<Bound, SockError> {
        let l = std::net::TcpListener::bind(SocketAddr::new(local_ip(ip)?, port))
            .map_err(|e| SockError::from_io(&e))?;
        l.set_nonblocking(true)
            .map_err(|e| SockError::from_io(&e))?;
        let at = l.local_addr().map_err(|e| SockError::from_io(&e))?;
        let (orders, _) = self.task(id);
        let events = self.events.clone();
        let waiting = self.waiting.clone();
        self.handle
            .spawn(async move { run_listener(id, l, orders, events, waiting).await });
        Ok(Bound {
            ip: at.ip().to_string(),
            port: at.port(),
        })
    }

    fn udp_bind(&mut self, id: SockId, ip: Option<&str>, port: u16) -> Result<Bound, SockError> {
        let s = std::net::UdpSocket::bind(SocketAddr::new(local_ip(ip)?, port))
            .map_err(|e| SockError::from_io(&e))?;
        s.set_nonblocking(true)
            .map_err(|e| SockError::from_io(&e))?;
        let at = s.local_addr().map_err(|e| SockError::from_io(&e))?;
        let (orders, pause) = self.task(id);
        let events = self.events.clone();
        let busy = self.busy.clone();
        self.handle
            .spawn(async move { run_udp(id, s, orders, pause, events, busy).await });
        Ok(Bound {
            ip: at.ip().to_string(),
            port: at.port(),
        })
    }
}

/// Resolves `host` (an error says whether resolving is what failed).
async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, (bool, SockError)> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|_| (true, SockError::host_not_found(host)))?
        .collect();
    if addrs.is_empty() {
        return Err((true, SockError::host_not_found(host)));
    }
    Ok(addrs)
}

/// Opens a connection: the stream, the remote and the local address.
async fn open(
    host: &str,
    port: u16,
    tls: bool,
    bind_ip: Option<&str>,
) -> Result<(Box<dyn Io>, SocketAddr, SocketAddr), (bool, SockError)> {
    let addrs = resolve(host, port).await?;
    let bind = bind_ip
        .map(|b| local_ip(Some(b)))
        .transpose()
        .map_err(|e| (false, e))?;
    let mut last = SockError::new(10061, "Connection refused");
    let mut found = None;
    for addr in addrs {
        let sock = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()
        } else {
            tokio::net::TcpSocket::new_v6()
        };
        let sock = match sock {
            Ok(s) => s,
            Err(e) => {
                last = SockError::from_io(&e);
                continue;
            }
        };
        if let Some(ip) = bind {
            if ip.is_ipv4() != addr.is_ipv4() {
                continue;
            }
            if let Err(e) = sock.bind(SocketAddr::new(ip, 0)) {
                last = SockError::from_io(&e);
                continue;
            }
        }
        match sock.connect(addr).await {
            Ok(s) => {
                found = Some(s);
                break;
            }
            Err(e) => last = SockError::from_io(&e),
        }
    }
    let tcp = found.ok_or((false, last))?;
    let _ = tcp.set_nodelay(true);
    let peer = tcp
        .peer_addr()
        .map_err(|e| (false, SockError::from_io(&e)))?;
    let local = tcp
        .local_addr()
        .map_err(|e| (false, SockError::from_io(&e)))?;
    if !tls {
        return Ok((Box::new(tcp), peer, local));
    }
    let s = secure(tcp, host.trim_matches(['[', ']']), &TlsOptions::default())
        .await
        .map_err(|m| (false, SockError::new(0, &m)))?;
    Ok((Box::new(s.stream), peer, local))
}

#[allow(clippy::too_many_arguments)]
async fn connect(
    id: SockId,
    host: String,
    port: u16,
    tls: bool,
    bind_ip: Option<String>,
    mut orders: UnboundedReceiver<Order>,
    pause: watch::Receiver<bool>,
    events: UnboundedSender<SockEvent>,
    busy: Busy,
    busy_n: Arc<AtomicUsize>,
) {
    let opened = tokio::select! {
        r = tokio::time::timeout(OPEN_TIMEOUT, open(&host, port, tls, bind_ip.as_deref())) => match r {
            Ok(r) => r,
            Err(_) => Err((false, SockError::new(10060, "Connection timed out"))),
        },
        () = closed(&mut orders) => return,
    };
    let ev = match &opened {
        Ok((_, peer, local)) => SockEvent::Opened {
            id,
            ip: peer.ip().to_string(),
            port: peer.port(),
            local: Bound {
                ip: local.ip().to_string(),
                port: local.port(),
            },
        },
        Err((resolve, error)) => SockEvent::OpenFailed {
            id,
            resolve: *resolve,
            error: error.clone(),
        },
    };
    let _ = events.send(ev);
    drop(busy);
    if let Ok((io, _, _)) = opened {
        run_conn(id, io, orders, pause, events, busy_n).await;
    }
}

/// Resolves when the driver closes the socket (or is gone); other orders are dropped.
async fn closed(orders: &mut UnboundedReceiver<Order>) {
    while let Some(o) = orders.recv().await {
        if matches!(o, Order::Close) {
            return;
        }
    }
}

/// An open connection: reads (unless paused) and writes at the same time until the other end
/// closes, an error, or the driver closes it (after writing what was queued before).
async fn run_conn(
    id: SockId,
    io: Box<dyn Io>,
    mut orders: UnboundedReceiver<Order>,
    mut pause: watch::Receiver<bool>,
    events: UnboundedSender<SockEvent>,
    busy: Arc<AtomicUsize>,
) {
    let (mut rd, mut wr) = tokio::io::split(io);
    let report = |e: SockEvent| {
        let _ = events.send(e);
    };
    let reading = async {
        let mut buf = vec![0u8; READ_CHUNK];
        // Pausing is watched until the driver lets go of the socket (it is closing it).
        let mut watching = true;
        loop {
            if *pause.borrow_and_update() {
                loop {
                    if pause.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                    if !*pause.borrow_and_update() {
                        break;
                    }
                }
                report(SockEvent::Resumed { id });
            }
            tokio::select! {
                r = rd.read(&mut buf) => match r {
                    Ok(0) => return None,
                    Ok(n) => report(SockEvent::Data { id, data: buf[..n].to_vec() }),
                    Err(e) => return Some(SockError::from_io(&e)),
                },
                r = pause.changed(), if watching => watching = r.is_ok(),
            }
        }
    };
    let writing = async {
        while let Some(o) = orders.recv().await {
            match o {
                Order::Write(data) => {
                    let _b = Busy::new(&busy);
                    if let Err(e) = wr.write_all(&data).await {
                        return Some(SockError::from_io(&e));
                    }
                    report(SockEvent::Written {
                        id,
                        bytes: data.len(),
                    });
                }
                Order::Close => {
                    let _ = tokio::time::timeout(CLOSE_GRACE, async {
                        let _ = wr.flush().await;
                        let _ = wr.shutdown().await;
                    })
                    .await;
                    return None;
                }
                Order::Send(..) => {}
            }
        }
        None
    };
    tokio::select! {
        error = reading => report(SockEvent::Closed { id, error }),
        error = writing => {
            if let Some(error) = error {
                report(SockEvent::Closed { id, error: Some(error) });
            }
        }
    }
}

async fn run_listener(
    id: SockId,
    l: std::net::TcpListener,
    mut orders: UnboundedReceiver<Order>,
    events: UnboundedSender<SockEvent>,
    waiting: Waiting,
) {
    let l = match TcpListener::from_std(l) {
        Ok(l) => l,
        Err(e) => {
            let _ = events.send(SockEvent::ListenFailed {
                id,
                error: SockError::from_io(&e),
            });
            return;
        }
    };
    let mut token = 0;
    loop {
        tokio::select! {
            r = l.accept() => match r {
                Ok((stream, from)) => {
                    token += 1;
                    if let Ok(mut w) = waiting.lock() {
                        w.insert((id, token), stream);
                    }
                    let _ = events.send(SockEvent::Incoming {
                        id,
                        token,
                        ip: from.ip().to_string(),
                        port: from.port(),
                    });
                }
                Err(e) => {
                    let _ = events.send(SockEvent::ListenFailed { id, error: SockError::from_io(&e) });
                    // Out of descriptors, say: do not spin.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            o = orders.recv() => if matches!(o, None | Some(Order::Close)) {
                return;
            },
        }
    }
}

async fn run_udp(
    id: SockId,
    s: std::net::UdpSocket,
    mut orders: UnboundedReceiver<Order>,
    mut pause: watch::Receiver<bool>,
    events: UnboundedSender<SockEvent>,
    busy: Arc<AtomicUsize>,
) {
    let s = match UdpSocket::from_std(s) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(SockEvent::ListenFailed {
                id,
                error: SockError::from_io(&e),
            });
            return;
        }
    };
    let v4 = s.local_addr().is_ok_and(|a| a.is_ipv4());
    let mut buf = vec![0u8; 65536];
    let mut paused = false;
    loop {
        tokio::select! {
            r = s.recv_from(&mut buf), if !paused => {
                // Errors here are ICMP reports about earlier datagrams: nothing to read.
                if let Ok((n, from)) = r {
                    let _ = events.send(SockEvent::UdpData {
                        id,
                        ip: from.ip().to_string(),
                        port: from.port(),
                        data: buf[..n].to_vec(),
                    });
                }
            }
            r = pause.changed() => {
                if r.is_err() {
                    return;
                }
                let now = *pause.borrow_and_update();
                if paused && !now {
                    let _ = events.send(SockEvent::Resumed { id });
                }
                paused = now;
            }
            o = orders.recv() => match o {
                Some(Order::Send(host, port, data)) => {
                    let _b = Busy::new(&busy);
                    let sent = match resolve(&host, port).await {
                        Ok(addrs) => match addrs.into_iter().find(|a| a.is_ipv4() == v4) {
                            Some(to) => s.send_to(&data, to).await.map_err(|e| SockError::from_io(&e)),
                            None => Err(SockError::new(10047, &format!("{host} has no address of this socket's family"))),
                        },
                        Err((_, e)) => Err(e),
                    };
                    let ev = match sent {
                        Ok(bytes) => SockEvent::UdpSent { id, bytes },
                        Err(error) => SockEvent::UdpFailed { id, bytes: data.len(), error },
                    };
                    let _ = events.send(ev);
                }
                Some(Order::Write(_)) => {}
                Some(Order::Close) | None => return,
            },
        }
    }
}
