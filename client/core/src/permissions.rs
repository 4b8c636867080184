//! What each script may do beyond IRC and its own data folder: the `[permissions]` table of
//! `config.toml`.
//!
//! ```toml
//! [permissions]
//! "bot.mrc" = ["sockets"]                               # any socket, any host, any port
//! "weather.mrc" = ["connect:api.weather.example:443"]   # only this host and port
//! "relay.mrc" = ["listen:6000-6010", "connect:*.example.net:*"]
//! ```
//!
//! A key names scripts by file name (`bot.mrc`) or by the path they were loaded from, with `*`
//! and `?` wildcards; case is ignored. A script no key names may open no socket: every socket
//! command it runs is an error naming the script, the command and the grant that would allow
//! it. Commands the user types are the user's own and are always allowed.
//!
//! The grants:
//!
//! | Grant | Allows |
//! |---|---|
//! | `sockets` | every socket command, to any host and port, listening on any port |
//! | `connect:HOST:PORT` | `/sockopen` and `/sockudp` to HOST (wildcards allowed, compared with the name or address the script gives) on PORT (`*`, `N` or `N-M`) |
//! | `listen:PORT` | `/socklisten` on PORT, and `/sockudp` bound to it (`listen` alone: any port, including one the system picks) |
//!
//! Any grant also allows the commands that use a socket already open (`/sockwrite`,
//! `/sockread`, `/sockclose`, `/sockmark` …).

use rustirc_lang::wild::wildmatch;
use serde::Deserialize;
use std::fmt;

/// A port or a range of ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ports {
    /// Lowest allowed.
    pub low: u16,
    /// Highest allowed.
    pub high: u16,
}

impl Ports {
    /// Every port.
    pub const ANY: Ports = Ports {
        low: 0,
        high: u16::MAX,
    };

    fn parse(s: &str) -> Option<Ports> {
        if s == "*" {
            return Some(Ports::ANY);
        }
        let (a, b) = s.split_once('-').unwrap_or((s, s));
        let (low, high) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
        (low <= high).then_some(Ports { low, high })
    }

    fn contains(self, port: u16) -> bool {
        (self.low..=self.high).contains(&port)
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Ports::ANY {
            write!(f, "*")
        } else if self.low == self.high {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}-{}", self.low, self.high)
        }
    }
}

/// One grant of a `[permissions]` list.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Grant {
    /// `sockets`: any socket.
    Sockets,
    /// `connect:HOST:PORT`.
    Connect {
        /// Host wildcard.
        host: String,
        /// Allowed remote ports.
        ports: Ports,
    },
    /// `listen:PORT` (`listen`: any).
    Listen {
        /// Allowed local ports.
        ports: Ports,
    },
}

impl TryFrom<String> for Grant {
    type Error = String;

    fn try_from(s: String) -> Result<Grant, String> {
        Grant::parse(&s)
    }
}

impl Grant {
    /// Reads one grant.
    ///
    /// # Errors
    /// A message saying what is wrong and what is expected.
    pub fn parse(s: &str) -> Result<Grant, String> {
        let t = s.trim();
        let bad = |why: &str| {
            format!("bad grant '{s}': {why} (expected \"sockets\", \"connect:HOST:PORT\" or \"listen:PORT\")")
        };
        let lower = t.to_ascii_lowercase();
        if lower == "sockets" {
            return Ok(Grant::Sockets);
        }
        if lower == "listen" {
            return Ok(Grant::Listen { ports: Ports::ANY });
        }
        if let Some(p) = lower.strip_prefix("listen:") {
            let ports = Ports::parse(p).ok_or_else(|| bad("the port must be *, N or N-M"))?;
            return Ok(Grant::Listen { ports });
        }
        if let Some(rest) = lower.strip_prefix("connect:") {
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| bad("a port is missing after the host"))?;
            if host.is_empty() {
                return Err(bad("the host is empty (use * for any)"));
            }
            let ports = Ports::parse(port).ok_or_else(|| bad("the port must be *, N or N-M"))?;
            let host = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            return Ok(Grant::Connect { host, ports });
        }
        Err(bad("unknown kind"))
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grant::Sockets => write!(f, "sockets"),
            Grant::Connect { host, ports } => write!(f, "connect:{host}:{ports}"),
            Grant::Listen { ports } => write!(f, "listen:{ports}"),
        }
    }
}

/// The `[permissions]` table: grants by script name pattern, in the file's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    entries: Vec<(String, Vec<Grant>)>,
}

/// What a script asks to do with the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetUse<'a> {
    /// Open a connection (or send a datagram) to a host and port.
    Connect(&'a str, u16),
    /// Listen on a local port (0: one the system picks).
    Listen(u16),
    /// Use a socket that is already open.
    Use,
}

impl Permissions {
    /// Adds grants for the scripts `pattern` names.
    pub fn grant(&mut self, pattern: &str, grants: Vec<Grant>) {
        self.entries.push((pattern.to_string(), grants));
    }

    /// Whether no script has any grant.
    pub fn is_empty(&self) -> bool {
        self.entries.iter().all(|(_, g)| g.is_empty())
    }

    /// The grants of the script loaded from `file`.
    pub fn of<'a>(&'a self, file: &'a str) -> impl Iterator<Item = &'a Grant> + 'a {
        let base = std::path::Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
        self.entries
            .iter()
            .filter(move |(p, _)| wildmatch(p, &base, false) || wildmatch(p, file, false))
            .flat_map(|(_, g)| g.iter())
    }

    /// Whether the script loaded from `file` may do `what`.
    pub fn allows(&self, file: &str, what: NetUse<'_>) -> bool {
        self.of(file).any(|g| match (g, what) {
            (Grant::Sockets, _) | (_, NetUse::Use) => true,
            (Grant::Connect { host, ports }, NetUse::Connect(h, p)) => {
                ports.contains(p) && wildmatch(host, h.trim_matches(['[', ']']), false)
            }
            (Grant::Listen { ports }, NetUse::Listen(p)) => {
                if p == 0 {
                    *ports == Ports::ANY
                } else {
                    ports.contains(p)
                }
            }
            _ => false,
        })
    }

    /// The error for a refused command: which script, which command, and the line of
    /// `config.toml` that would allow it.
    pub fn refusal(file: &str, command: &str, what: NetUse<'_>) -> String {
        let name = std::path::Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
        let (doing, grant) = match what {
            NetUse::Connect(h, p) => (
                format!("connect to {h} port {p}"),
                format!("[\"connect:{h}:{p}\"]"),
            ),
            NetUse::Listen(0) => ("listen for connections".to_string(), "[\"listen\"]".into()),
            NetUse::Listen(p) => (format!("listen on port {p}"), format!("[\"listen:{p}\"]")),
            NetUse::Use => ("use sockets".to_string(), "[\"sockets\"]".to_string()),
        };
        format!(
            "/{command}: {name} is not allowed to {doing}; to allow it, add to config.toml: [permissions] \"{name}\" = {grant} (or [\"sockets\"] for any socket)"
        )
    }
}

/// `[permissions]` as it is written in `config.toml` (script pattern → grants).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct PermissionSettings(pub std::collections::BTreeMap<String, Vec<Grant>>);

impl PermissionSettings {
    /// The permissions these settings give.
    pub fn to_permissions(&self) -> Permissions {
        let mut p = Permissions::default();
        for (k, g) in &self.0 {
            p.grant(k, g.clone());
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse_and_print() {
        for s in [
            "sockets",
            "connect:api.example.com:443",
            "connect:*:*",
            "listen:6000-6010",
        ] {
            assert_eq!(Grant::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Grant::parse("listen").unwrap().to_string(), "listen:*");
        assert_eq!(
            Grant::parse("connect:[::1]:80").unwrap(),
            Grant::Connect {
                host: "::1".into(),
                ports: Ports { low: 80, high: 80 }
            }
        );
        for bad in [
            "socket",
            "connect:host",
            "connect::80",
            "listen:99999",
            "listen:9-1",
        ] {
            let e = Grant::parse(bad).unwrap_err();
            assert!(e.contains(bad) && e.contains("expected"), "{e}");
        }
    }

    #[test]
    fn scripts_get_only_their_grants() {
        let mut p = Permissions::default();
        p.grant("bot.mrc", vec![Grant::Sockets]);
        p.grant(
            "weather*.mrc",
            vec![Grant::parse("connect:*.weather.example:443").unwrap()],
        );
        p.grant("relay.mrc", vec![Grant::parse("listen:6000-6010").unwrap()]);
        assert!(p.allows("/home/me/scripts/BOT.mrc", NetUse::Connect("x", 1)));
        assert!(p.allows("bot.mrc", NetUse::Listen(0)));
        assert!(p.allows("weather2.mrc", NetUse::Connect("api.weather.example", 443)));
        assert!(!p.allows("weather2.mrc", NetUse::Connect("api.weather.example", 80)));
        assert!(!p.allows("weather2.mrc", NetUse::Connect("evil.example", 443)));
        assert!(!p.allows("weather2.mrc", NetUse::Listen(443)));
        assert!(p.allows("weather2.mrc", NetUse::Use));
        assert!(p.allows("relay.mrc", NetUse::Listen(6005)));
        assert!(!p.allows("relay.mrc", NetUse::Listen(0)));
        assert!(!p.allows("relay.mrc", NetUse::Listen(7000)));
        assert!(!p.allows("other.mrc", NetUse::Use));
        let e = Permissions::refusal("/x/other.mrc", "sockopen", NetUse::Connect("h", 80));
        assert!(e.starts_with("/sockopen: other.mrc is not allowed to connect to h port 80"));
        assert!(e.contains("\"other.mrc\" = [\"connect:h:80\"]"), "{e}");
    }
}
