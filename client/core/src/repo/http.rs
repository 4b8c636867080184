//! A small blocking HTTP/1.1 client for the repository and for scripts (`irc.http`), over plain TCP or TLS
//! (rustls, the system's trusted authorities, and for the repository those of
//! `[repository] ca_file`), with conditional requests (`If-None-Match`,
//! `If-Modified-Since`), redirects, `Content-Length` and chunked bodies. A body that ends
//! before its announced length is an error, so a cut download is never taken for a whole one.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A parsed `http://` or `https://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// True for `https`.
    pub tls: bool,
    /// The host name or address (IPv6 without brackets).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The path and query, starting with `/`.
    pub path: String,
}

impl Url {
    /// Parses `text`.
    ///
    /// # Errors
    /// When it is not an `http://` or `https://` URL.
    pub fn parse(text: &str) -> Result<Url, String> {
        let (tls, rest) = if let Some(r) = text.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = text.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("'{text}' is not an http:// or https:// address"));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = if let Some(r) = authority.strip_prefix('[') {
            let (h, after) = r
                .split_once(']')
                .ok_or_else(|| format!("'{text}': unclosed [ in the host"))?;
            (h.to_string(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(format!("'{text}' has no host"));
        }
        let port = match port {
            Some(p) => p.parse().map_err(|_| format!("'{text}': bad port '{p}'"))?,
            None if tls => 443,
            None => 80,
        };
        Ok(Url {
            tls,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// `reference` resolved against this URL: an absolute URL as it is, `/path` on this
    /// host, anything else beside this URL's last path segment.
    ///
    /// # Errors
    /// When `reference` is an absolute URL that does not parse.
    pub fn join(&self, reference: &str) -> Result<Url, String> {
        if reference.starts_with("http://") || reference.starts_with("https://") {
            return Url::parse(reference);
        }
        let mut u = self.clone();
        if reference.starts_with('/') {
            u.path = reference.to_string();
        } else {
            let base = self.path.split(['?', '#']).next().unwrap_or("/");
            let dir = &base[..=base.rfind('/').unwrap_or(0)];
            u.path = format!("{dir}{reference}");
        }
        Ok(u)
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        let default = if self.tls { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            write!(f, "{scheme}://{host}{}", self.path)
        } else {
            write!(f, "{scheme}://{host}:{}{}", self.port, self.path)
        }
    }
}

/// Validators of a cached copy, sent so the server can answer 304.
#[derive(Clone, Debug, Default)]
pub struct Conditions {
    /// The `ETag` the server gave.
    pub etag: Option<String>,
    /// The `Last-Modified` the server gave.
    pub last_modified: Option<String>,
}

/// What a `GET` gave.
#[derive(Debug)]
pub struct Response {
    /// The status code (200, or 304 for a conditional request whose copy is current).
    pub status: u16,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
    /// How many body bytes were written.
    pub len: u64,
}

/// Why a request failed.
#[derive(Debug)]
pub enum HttpError {
    /// The server could not be reached (refused, unknown host, timed out before an answer).
    Unreachable(String),
    /// Anything else: a bad answer, a cut body, a status other than 200 or 304.
    Failed(String),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Unreachable(s) | HttpError::Failed(s) => f.write_str(s),
        }
    }
}

trait Stream: Read + Write {}
impl<T: Read + Write> Stream for T {}

/// The certificates in the PEM file at `path` (`[repository] ca_file`), to trust beside the
/// system's roots.
///
/// # Errors
/// When the file cannot be read, is not PEM or holds no certificate; the message names it.
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let what = |e: &dyn std::fmt::Display| format!("ca_file {}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| what(&e))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| what(&e))?;
    if certs.is_empty() {
        return Err(what(&"no CERTIFICATE block in the file"));
    }
    Ok(certs)
}

/// The system's roots, with `extra` added.
fn root_store(extra: &[CertificateDer<'static>]) -> Result<Arc<rustls::RootCertStore>, String> {
    if extra.is_empty() {
        return Ok(crate::net::tls::roots());
    }
    let mut store = (*crate::net::tls::roots()).clone();
    for c in extra {
        store
            .add(c.clone())
            .map_err(|e| format!("ca_file: a certificate cannot be trusted: {e}"))?;
    }
    Ok(Arc::new(store))
}

fn connect(
    url: &Url,
    timeout: Duration,
    extra: &[CertificateDer<'static>],
) -> Result<Box<dyn Stream>, HttpError> {
    let unreachable = |e: &dyn std::fmt::Display| {
        HttpError::Unreachable(format!("cannot reach {}:{}: {e}", url.host, url.port))
    };
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| unreachable(&e))?
        .collect();
    let mut last = None;
    let mut tcp = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, timeout.min(Duration::from_secs(10))) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let tcp = match (tcp, last) {
        (Some(t), _) => t,
        (None, Some(e)) => return Err(unreachable(&e)),
        (None, None) => return Err(unreachable(&"no address")),
    };
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    if !url.tls {
        return Ok(Box::new(tcp));
    }
    let config = rustls::ClientConfig::builder_with_provider(crate::net::tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::Failed(e.to_string()))?
        .with_root_certificates(root_store(extra).map_err(HttpError::Failed)?)
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from(url.host.clone())
        .map_err(|e| HttpError::Failed(format!("bad host name {}: {e}", url.host)))?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| HttpError::Failed(e.to_string()))?;
    let mut tcp = tcp;
    // The handshake first, so a certificate the client does not trust is said as such.
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            let tls = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<rustls::Error>())
                .cloned();
            return Err(match tls {
                Some(rustls::Error::InvalidCertificate(why)) => HttpError::Failed(format!(
                    "{url}: the server's certificate is not trusted ({why}); a repository with its own certificate authority needs ca_file = \"PATH\" in [repository]"
                )),
                Some(other) => HttpError::Failed(format!("{url}: TLS handshake failed: {other}")),
                None => unreachable(&e),
            });
        }
    }
    Ok(Box::new(rustls::StreamOwned::new(conn, tcp)))
}

/// `GET url`, writing the body of a 200 answer to `body`; `progress(done, total)` is called as
/// bytes arrive (`total` when the server announced it). Follows up to five redirects.
///
/// # Errors
/// See [`HttpError`]. A 304 is not an error (nothing is written).
pub fn get(
    url: &Url,
    cond: &Conditions,
    body: &mut dyn Write,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Response, HttpError> {
    get_trusting(url, cond, body, progress, &[])
}

/// [`get`], trusting the certificates `extra` (from [`load_ca_file`]) beside the system's
/// roots for `https://`.
///
/// # Errors
/// As [`get`]; a certificate that is not trusted fails with a message saying so.
pub fn get_trusting(
    url: &Url,
    cond: &Conditions,
    body: &mut dyn Write,
    progress: &mut dyn FnMut(u64, Option<u64>),
    extra: &[CertificateDer<'static>],
) -> Result<Response, HttpError> {
    let mut url = url.clone();
    for _ in 0..6 {
        match get_once(&url, cond, body, progress, extra)? {
            Step::Done(r) => return Ok(r),
            Step::Redirect(to) => {
                url = url.join(&to).map_err(HttpError::Failed)?;
            }
        }
    }
    Err(HttpError::Failed(format!("{url}: too many redirects")))
}

enum Step {
    Done(Response),
    Redirect(String),
}

fn get_once(
    url: &Url,
    cond: &Conditions,
    body: &mut dyn Write,
    progress: &mut dyn FnMut(u64, Option<u64>),
    extra: &[CertificateDer<'static>],
) -> Result<Step, HttpError> {
    let failed = |what: String| HttpError::Failed(format!("{url}: {what}"));
    let mut headers = Vec::new();
    if let Some(e) = &cond.etag {
        headers.push(("If-None-Match".to_string(), e.clone()));
    }
    if let Some(m) = &cond.last_modified {
        headers.push(("If-Modified-Since".to_string(), m.clone()));
    }
    let (head, mut reader) = send(url, "GET", &headers, &[], Duration::from_secs(30), extra)?;
    let etag = head.header("etag").map(str::to_string);
    let last_modified = head.header("last-modified").map(str::to_string);
    match head.status {
        200 => {}
        304 => {
            return Ok(Step::Done(Response {
                status: head.status,
                etag,
                last_modified,
                len: 0,
            }))
        }
        301 | 302 | 303 | 307 | 308 => {
            return head
                .header("location")
                .map(|l| Step::Redirect(l.to_string()))
                .ok_or_else(|| failed(format!("redirect {} without a Location", head.status)));
        }
        _ => return Err(failed(format!("the server answered {}", head.status_line))),
    }
    let len = read_body(&mut reader, &head, body, progress).map_err(failed)?;
    Ok(Step::Done(Response {
        status: head.status,
        etag,
        last_modified,
        len,
    }))
}

/// The status and headers of an answer.
struct Head {
    status: u16,
    status_line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    /// The first header named `name` (lower case).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn length(&self) -> Result<Option<u64>, String> {
        self.header("content-length")
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("bad Content-Length '{v}'"))
            })
            .transpose()
    }
}

/// Sends one request and reads the answer's head; the body is left in the reader.
fn send(
    url: &Url,
    method: &str,
    headers: &[(String, String)],
    payload: &[u8],
    timeout: Duration,
    extra: &[CertificateDer<'static>],
) -> Result<(Head, BufReader<Box<dyn Stream>>), HttpError> {
    let failed = |what: String| HttpError::Failed(format!("{url}: {what}"));
    let mut stream = connect(url, timeout, extra)?;
    let host = if url.host.contains(':') {
        format!("[{}]", url.host)
    } else {
        url.host.clone()
    };
    let mut req = format!(
        "{method} {} HTTP/1.1\r\nHost: {host}:{}\r\nUser-Agent: rustirc/{}\r\nAccept-Encoding: identity\r\nConnection: close\r\n",
        url.path,
        url.port,
        crate::VERSION
    );
    for (k, v) in headers {
        if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
            return Err(failed(format!("bad header '{k}'")));
        }
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !payload.is_empty() || !matches!(method, "GET" | "HEAD") {
        req.push_str(&format!("Content-Length: {}\r\n", payload.len()));
    }
    req.push_str("\r\n");
    stream
        .write_all(req.as_bytes())
        .and_then(|()| stream.write_all(payload))
        .and_then(|()| stream.flush())
        .map_err(|e| HttpError::Unreachable(format!("{url}: cannot send the request: {e}")))?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader
        .read_line(&mut status_line)
        .map_err(|e| HttpError::Unreachable(format!("{url}: no answer: {e}")))?;
    if status_line.is_empty() {
        return Err(HttpError::Unreachable(format!(
            "{url}: the server closed the connection without answering"
        )));
    }
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| failed(format!("not an HTTP answer: {}", status_line.trim())))?;
    let mut head = Head {
        status,
        status_line: status_line.trim_end().to_string(),
        headers: Vec::new(),
    };
    let mut header_bytes = 0usize;
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| failed(format!("reading the headers: {e}")))?;
        header_bytes += n;
        if n == 0 || header_bytes > 64 * 1024 {
            return Err(failed("the headers were cut or too long".into()));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            head.headers
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    head.length().map_err(failed)?;
    Ok((head, reader))
}

/// Reads the body that follows `head` into `body` (chunked or by length or to the end);
/// returns its length.
fn read_body(
    reader: &mut dyn BufRead,
    head: &Head,
    body: &mut dyn Write,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<u64, String> {
    let length = head.length()?;
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let mut done = 0u64;
    let mut buf = vec![0u8; 16 * 1024];
    let mut copy = |reader: &mut dyn BufRead, limit: Option<u64>, done: &mut u64| {
        let mut left = limit;
        loop {
            let want = left.map_or(buf.len(), |l| buf.len().min(l as usize));
            if want == 0 {
                return Ok(());
            }
            let n = match reader.read(&mut buf[..want]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("reading the body: {e}")),
            };
            if n == 0 {
                return match limit {
                    Some(l) => Err(format!(
                        "the connection closed after {} of {l} bytes",
                        l - left.unwrap_or(0)
                    )),
                    None => Ok(()),
                };
            }
            body.write_all(&buf[..n])
                .map_err(|e| format!("writing the body: {e}"))?;
            *done += n as u64;
            if let Some(l) = &mut left {
                *l -= n as u64;
            }
            progress(*done, length);
        }
    };
    if chunked {
        loop {
            let mut size_line = String::new();
            reader
                .read_line(&mut size_line)
                .map_err(|e| format!("reading a chunk: {e}"))?;
            if size_line.is_empty() {
                return Err("the connection closed inside a chunked body".into());
            }
            let size =
                u64::from_str_radix(size_line.trim().split(';').next().unwrap_or("").trim(), 16)
                    .map_err(|_| format!("bad chunk size '{}'", size_line.trim()))?;
            if size == 0 {
                break;
            }
            copy(reader, Some(size), &mut done)?;
            let mut crlf = String::new();
            let _ = reader.read_line(&mut crlf);
        }
    } else {
        copy(reader, length, &mut done)?;
    }
    Ok(done)
}

/// A request a script makes (`irc.http`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `PUT`, `DELETE`, `HEAD` …
    pub method: String,
    /// The URL.
    pub url: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// How long to wait for the server, at most.
    pub timeout: Duration,
    /// The most body bytes to read; a longer answer is an error.
    pub max_bytes: u64,
}

/// The answer to a [`Request`]: any status, with its headers (names in lower case) and body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers, in the order they came.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The URL that answered (after redirects).
    pub url: String,
}

/// Carries out `req`. `GET` and `HEAD` follow up to five redirects on the same host and
/// port; a redirect elsewhere is the answer (its `location` header says where).
///
/// # Errors
/// See [`HttpError`]; any status the server answers is an [`Answer`], not an error.
pub fn request(req: &Request) -> Result<Answer, HttpError> {
    let method = req.method.to_ascii_uppercase();
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(HttpError::Failed(format!("bad method '{}'", req.method)));
    }
    let mut url = Url::parse(&req.url).map_err(HttpError::Failed)?;
    for _ in 0..6 {
        let (head, mut reader) = send(&url, &method, &req.headers, &req.body, req.timeout, &[])?;
        let redirect = matches!(head.status, 301 | 302 | 303 | 307 | 308)
            && matches!(method.as_str(), "GET" | "HEAD");
        if let (true, Some(to)) = (redirect, head.header("location")) {
            let next = url.join(to).map_err(HttpError::Failed)?;
            // The caller's permission covers this host and port only.
            if (next.tls, &next.host, next.port) == (url.tls, &url.host, url.port) {
                url = next;
                continue;
            }
        }
        let mut body = Vec::new();
        if method != "HEAD" && head.status != 204 && head.status != 304 {
            let max = req.max_bytes;
            if head.length().ok().flatten().is_some_and(|l| l > max) {
                return Err(HttpError::Failed(format!(
                    "{url}: the answer is larger than {max} bytes"
                )));
            }
            let mut limited = Limited {
                out: &mut body,
                left: max,
            };
            read_body(&mut reader, &head, &mut limited, &mut |_, _| {})
                .map_err(|e| HttpError::Failed(format!("{url}: {e}")))?;
        }
        return Ok(Answer {
            status: head.status,
            headers: head.headers,
            body,
            url: url.to_string(),
        });
    }
    Err(HttpError::Failed(format!("{url}: too many redirects")))
}

/// A writer that refuses more than `left` bytes.
struct Limited<'a> {
    out: &'a mut Vec<u8>,
    left: u64,
}

impl Write for Limited<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(std::io::Error::other("the answer is larger than allowed"));
        }
        self.left -= buf.len() as u64;
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_join() {
        let u = Url::parse("http://127.0.0.1:8080/repo/index.json").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.tls), ("127.0.0.1", 8080, false));
        assert_eq!(
            u.join("packages/a-1.0.0.tar.gz").unwrap().to_string(),
            "http://127.0.0.1:8080/repo/packages/a-1.0.0.tar.gz"
        );
        assert_eq!(
            u.join("/x.tar.gz").unwrap().to_string(),
            "http://127.0.0.1:8080/x.tar.gz"
        );
        assert_eq!(
            u.join("https://cdn.example.org/a.tar.gz")
                .unwrap()
                .to_string(),
            "https://cdn.example.org/a.tar.gz"
        );
        assert_eq!(Url::parse("https://h/").unwrap().port, 443);
        assert!(Url::parse("ftp://h/").is_err());
    }
}
