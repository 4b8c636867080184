//! The client side of a SOCKS5 proxy (RFC 1928), with user name and password login
//! (RFC 1929). The proxy is asked for the server by name, so the proxy resolves it (and a
//! name only it can resolve, such as a `.onion` address, works); an IP address is sent as one.
//!
//! It only opens the tunnel: TLS, when asked, runs over the stream afterwards.

use std::net::IpAddr;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A SOCKS5 proxy, as `socks5://[user:password@]host[:port]` names it.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's host name or address.
    pub host: String,
    /// Its port (1080 when the URL leaves it out).
    pub port: u16,
    /// User name and password, when the proxy wants a login.
    pub login: Option<(String, String)>,
}

impl std::fmt::Debug for Proxy {
    // The password stays out of logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.label())
    }
}

impl Proxy {
    /// Reads `socks5://[user:password@]host[:port]` (`socks5h://` is taken as the same: the
    /// proxy always resolves names). `%XX` escapes in the user name and password stand for
    /// the byte XX, for a `:` or `@` in them.
    ///
    /// # Errors
    /// When the scheme is not SOCKS5, the host is missing, or the port is not a number.
    pub fn parse(url: &str) -> Result<Proxy, String> {
        let url = url.trim();
        let bad = |why: &str| {
            format!("bad proxy '{url}': {why} (expected socks5://[user:password@]host:port)")
        };
        let rest = ["socks5://", "socks5h://"]
            .iter()
            .find_map(|s| {
                url.get(..s.len())
                    .filter(|p| p.eq_ignore_ascii_case(s))
                    .map(|_| &url[s.len()..])
            })
            .ok_or_else(|| bad("only SOCKS5 proxies are supported"))?;
        let rest = rest.trim_end_matches('/');
        let (login, hostport) = match rest.rsplit_once('@') {
            Some((l, h)) => {
                let (u, p) = l.split_once(':').unwrap_or((l, ""));
                let (u, p) = (
                    percent_decode(u).ok_or_else(|| bad("bad %-escape in the user name"))?,
                    percent_decode(p).ok_or_else(|| bad("bad %-escape in the password"))?,
                );
                if u.len() > 255 || p.len() > 255 {
                    return Err(bad("user name and password are at most 255 bytes each"));
                }
                (Some((u, p)), h)
            }
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') || h.starts_with('[') => (
                h.trim_matches(['[', ']']),
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad(&format!("bad port '{p}'")))?,
            ),
            _ => (hostport.trim_matches(['[', ']']), 1080),
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        Ok(Proxy {
            host: host.to_string(),
            port,
            login,
        })
    }

    /// `socks5://host:port`, without the login.
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("socks5://[{}]:{}", self.host, self.port)
        } else {
            format!("socks5://{}:{}", self.host, self.port)
        }
    }
}

/// `%XX` escapes decoded; `None` when one is not two hex digits or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

const VERSION: u8 = 5;
const NO_AUTH: u8 = 0;
const USER_PASS: u8 = 2;
const NO_METHOD: u8 = 0xFF;

/// Asks the proxy at the other end of `s` for a connection to `host` on `port`. When this
/// returns `Ok`, `s` carries the connection to the server.
///
/// # Errors
/// A readable reason: the proxy wants a login we lack, refused ours, could not reach the
/// server, or does not speak SOCKS5.
pub async fn connect<S>(s: &mut S, proxy: &Proxy, host: &str, port: u16) -> Result<(), String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let io = |e: std::io::Error| format!("the proxy closed the connection ({e})");
    // Greeting: the methods we can use.
    let methods: &[u8] = if proxy.login.is_some() {
        &[NO_AUTH, USER_PASS]
    } else {
        &[NO_AUTH]
    };
    let mut hello = vec![VERSION, methods.len() as u8];
    hello.extend_from_slice(methods);
    s.write_all(&hello).await.map_err(io)?;
    let mut reply = [0u8; 2];
    s.read_exact(&mut reply).await.map_err(io)?;
    if reply[0] != VERSION {
        return Err("the proxy does not speak SOCKS5".to_string());
    }
    match (reply[1], &proxy.login) {
        (NO_AUTH, _) => {}
        (USER_PASS, Some((user, pass))) => {
            // RFC 1929: version 1, then the lengths and bytes of the name and password.
            let mut login = vec![1, user.len() as u8];
            login.extend_from_slice(user.as_bytes());
            login.push(pass.len() as u8);
            login.extend_from_slice(pass.as_bytes());
            s.write_all(&login).await.map_err(io)?;
            let mut status = [0u8; 2];
            s.read_exact(&mut status).await.map_err(io)?;
            if status[1] != 0 {
                return Err("the proxy refused the user name or password".to_string());
            }
        }
        (NO_METHOD, None) | (USER_PASS, None) => {
            return Err(
                "the proxy wants a user name and password (socks5://user:password@host:port)"
                    .to_string(),
            )
        }
        (m, _) => {
            return Err(format!(
                "the proxy accepts none of our login methods (it offered method {m})"
            ))
        }
    }
    // The request: CONNECT to the server, by address or by name.
    let mut req = vec![VERSION, 1, 0];
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.octets());
        }
        Ok(IpAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.octets());
        }
        Err(_) => {
            let name = host.as_bytes();
            if name.len() > 255 {
                return Err(format!("the server name {host} is too long for SOCKS5"));
            }
            req.push(3);
            req.push(name.len() as u8);
            req.extend_from_slice(name);
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    s.write_all(&req).await.map_err(io)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head).await.map_err(io)?;
    if head[1] != 0 {
        let why = match head[1] {
            1 => "general failure",
            2 => "not allowed by its rules",
            3 => "network unreachable",
            4 => "host unreachable",
            5 => "connection refused",
            6 => "timed out",
            7 => "command not supported",
            8 => "address type not supported",
            _ => "unknown error",
        };
        return Err(format!(
            "the proxy could not connect to {host}:{port}: {why} (SOCKS5 reply {})",
            head[1]
        ));
    }
    // The address the proxy bound: skipped.
    let skip = match head[3] {
        1 => 4,
        4 => 16,
        3 => {
            let mut n = [0u8; 1];
            s.read_exact(&mut n).await.map_err(io)?;
            usize::from(n[0])
        }
        t => {
            return Err(format!(
                "the proxy answered with an unknown address type {t}"
            ))
        }
    };
    let mut rest = vec![0u8; skip + 2];
    s.read_exact(&mut rest).await.map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let p = Proxy::parse("socks5://127.0.0.1:9050").unwrap();
        assert_eq!(
            (p.host.as_str(), p.port, p.login),
            ("127.0.0.1", 9050, None)
        );
        let p = Proxy::parse("SOCKS5h://me:p%40ss%3Aword@proxy.example").unwrap();
        assert_eq!((p.host.as_str(), p.port), ("proxy.example", 1080));
        assert_eq!(p.login, Some(("me".to_string(), "p@ss:word".to_string())));
        assert_eq!(
            format!("{p:?}"),
            "socks5://proxy.example:1080",
            "no password"
        );
        let p = Proxy::parse("socks5://[::1]:1080/").unwrap();
        assert_eq!(
            (p.host.as_str(), p.label()),
            ("::1", "socks5://[::1]:1080".to_string())
        );
        for (bad, why) in [
            ("http://h:8080", "only SOCKS5"),
            ("socks5://h:port", "bad port 'port'"),
            ("socks5://", "no host"),
            ("socks5://u:%zz@h", "%-escape"),
        ] {
            let e = Proxy::parse(bad).unwrap_err();
            assert!(e.contains(why) && e.contains(bad), "{e}");
        }
    }
}
