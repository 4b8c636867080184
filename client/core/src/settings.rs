//! `config.toml`: the networks to connect to, the scripts to load, the data folder and the
//! scripts' limits. Reading it is all this module does; the command line decides where the
//! file is and which of its settings a flag replaces.
//!
//! ```toml
//! scripts = ["bot.mrc"]
//!
//! [limits]
//! instructions = 1000000
//!
//! [[network]]
//! server = "irc.example.net:+6697"    # `+port`: TLS
//! nick = "mybot"
//! channels = ["#bots", "#private key"]
//! ```
//!
//! Unknown keys are errors, so a misspelt setting is reported (with its line and column)
//! rather than silently ignored.

use crate::net::{Proxy, Server, TlsOptions};
use crate::permissions::PermissionSettings;
use crate::proto::Encoding;
use crate::state::{Config, Sasl};
use rustirc_lang::Limits;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// mSL scripts loaded at start, in order; relative paths are from the file's folder.
    #[serde(default)]
    pub scripts: Vec<PathBuf>,
    /// The data folder; relative paths are from the file's folder.
    pub data: Option<PathBuf>,
    /// Limits on every script run.
    #[serde(default)]
    pub limits: LimitSettings,
    /// The networks, as `[[network]]` tables.
    #[serde(default, rename = "network")]
    pub networks: Vec<NetworkSettings>,
    /// What scripts may do beyond IRC, by script name (see [`crate::permissions`]).
    #[serde(default)]
    pub permissions: PermissionSettings,
    /// DCC: who may open a chat or send a file, where files go.
    #[serde(default)]
    pub dcc: DccToml,
    /// The built-in scripts (`docs/stdlib.md`).
    #[serde(default)]
    pub stdlib: StdlibSettings,
    /// The script repository and the keys trusted to sign it (`docs/manager.md`).
    #[serde(default)]
    pub repository: crate::repo::RepositorySettings,
    /// How Python scripts' workers run (`docs/python-api.md`).
    #[serde(default)]
    pub python: PythonSettings,
    /// Native plugins (`docs/plugin-guide.md`).
    #[serde(default)]
    pub plugins: PluginSettings,
    /// How the desktop window calls for attention (`docs/user-guide.md`).
    #[serde(default)]
    pub alerts: AlertSettings,
}

/// `[alerts]`: how the desktop window calls for attention when a line mentions me or a
/// private message arrives while the window is not in front. Each one left out keeps its
/// default.
///
/// ```toml
/// [alerts]
/// desktop = true                 # a desktop notification (default: on)
/// sound = true                   # a sound (default: off)
/// sound_file = "sounds/ping.wav" # instead of the desktop's bell; relative to the data folder
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AlertSettings {
    /// Desktop notifications.
    pub desktop: Option<bool>,
    /// Sounds.
    pub sound: Option<bool>,
    /// The sound to play.
    pub sound_file: Option<PathBuf>,
}

impl AlertSettings {
    /// Whether desktop notifications are on (default: yes).
    pub fn desktop(&self) -> bool {
        self.desktop.unwrap_or(true)
    }

    /// Whether sounds are on (default: no).
    pub fn sound(&self) -> bool {
        self.sound.unwrap_or(false)
    }
}

/// A value for [`set_value`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingValue {
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A string (a path, a name).
    Text(String),
    /// Removes the key: its default applies.
    Unset,
}

/// Changes `key` of table `section` (`""`: the top level) in the config file's `text`,
/// keeping everything else in it (comments and order included), and checks the result as
/// [`Settings::parse`] does. Returns the new text; the caller writes it.
///
/// # Errors
/// When `text` is not valid TOML, or the change makes the settings invalid (the text
/// passed in is then unchanged for the caller).
///
/// ```
/// use rustirc_core::settings::{set_value, SettingValue, Settings};
/// let text = "# my settings\n[limits]\ninstructions = 1000\n";
/// let text = set_value(text, "alerts", "sound", SettingValue::Bool(true)).unwrap();
/// let text = set_value(&text, "limits", "instructions", SettingValue::Int(5000)).unwrap();
/// assert!(text.starts_with("# my settings\n"));
/// let s = Settings::parse(&text).unwrap();
/// assert_eq!((s.alerts.sound(), s.limits.instructions), (true, Some(5000)));
/// assert!(set_value(&text, "limits", "instructions", SettingValue::Text("x".into())).is_err());
/// ```
pub fn set_value(
    text: &str,
    section: &str,
    key: &str,
    value: SettingValue,
) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string().trim_end().to_string())?;
    let table = if section.is_empty() {
        doc.as_table_mut()
    } else {
        let entry = doc
            .entry(section)
            .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
        entry
            .as_table_mut()
            .ok_or_else(|| format!("[{section}] is not a table"))?
    };
    match value {
        SettingValue::Bool(b) => {
            table.insert(key, toml_edit::value(b));
        }
        SettingValue::Int(n) => {
            table.insert(key, toml_edit::value(n));
        }
        SettingValue::Text(t) => {
            table.insert(key, toml_edit::value(t));
        }
        SettingValue::Unset => {
            table.remove(key);
        }
    }
    let out = doc.to_string();
    Settings::parse(&out)?;
    Ok(out)
}

/// `[python]`: the Python workers' limits, and the scripts that share one worker. Each one
/// left out keeps its default.
///
/// ```toml
/// [python]
/// deadline_ms = 1000
/// memory_mb = 512
/// cpu_seconds = 3600
/// shared = ["seen.py", "quotes.py"]
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PythonSettings {
    /// How long a handler, command or timer call may run (milliseconds).
    pub deadline_ms: Option<u64>,
    /// A worker's address-space limit (MiB).
    pub memory_mb: Option<u64>,
    /// The CPU time a worker may use over its life (seconds; 0: no limit).
    pub cpu_seconds: Option<u64>,
    /// Trusted scripts that share one worker (file names).
    #[serde(default)]
    pub shared: Vec<String>,
}

/// `[plugins]`: which native plugins run isolated, in a process of their own.
///
/// ```toml
/// [plugins]
/// isolated = ["segv", "libuntrusted.so"]
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PluginSettings {
    /// Plugins to isolate, by name (`rainbow`) or file name (`librainbow.so`).
    #[serde(default)]
    pub isolated: Vec<String>,
}

/// `[stdlib]`: which built-in scripts not to load.
///
/// ```toml
/// [stdlib]
/// disable = ["autoaway", "logging"]
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StdlibSettings {
    /// The names of the built-in scripts not to load (see [`crate::stdlib::SCRIPTS`]).
    #[serde(default)]
    pub disable: Vec<toml::Spanned<String>>,
}

impl StdlibSettings {
    /// The names of the disabled scripts.
    pub fn disabled(&self) -> Vec<String> {
        self.disable.iter().map(|d| d.get_ref().clone()).collect()
    }
}

/// `[dcc]`: each one left out keeps its default (see [`crate::dcc::DccSettings`]).
///
/// ```toml
/// [dcc]
/// accept = "users"          # ask (the default), never, users or always
/// downloads = "incoming"    # default: `downloads` in the data folder
/// max_size = 104857600      # bytes; default 1 GiB
/// ip = "203.0.113.7"        # the address offers give; default: the one facing the server
/// fserve_home = "files"     # file server sessions of /dccserver; default: `fserve` in the data folder
/// fserve_gets = 3           # the most files such a session sends at once
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DccToml {
    /// `ask`, `never`, `users` or `always`.
    pub accept: Option<String>,
    /// The folder received files go to; relative paths are from the file's folder.
    pub downloads: Option<PathBuf>,
    /// The largest file accepted, in bytes.
    pub max_size: Option<u64>,
    /// The address DCC offers give.
    pub ip: Option<String>,
    /// The home folder of file server sessions the DCC server opens, in the data folder.
    pub fserve_home: Option<PathBuf>,
    /// The most files such a session sends at once.
    pub fserve_gets: Option<usize>,
}

impl DccToml {
    /// The DCC settings.
    ///
    /// # Errors
    /// An unknown `accept` word or an `ip` that is no address.
    pub fn to_settings(&self) -> Result<crate::dcc::DccSettings, String> {
        let mut d = crate::dcc::DccSettings::default();
        if let Some(a) = &self.accept {
            d.accept = crate::dcc::Accept::parse(a).map_err(|e| format!("[dcc] accept: {e}"))?;
        }
        d.downloads.clone_from(&self.downloads);
        if let Some(m) = self.max_size {
            d.max_size = m;
        }
        d.fserve_home.clone_from(&self.fserve_home);
        if let Some(g) = self.fserve_gets {
            d.fserve_gets = g;
        }
        if let Some(ip) = &self.ip {
            d.ip = Some(
                ip.parse()
                    .map_err(|_| format!("[dcc] ip: '{ip}' is not an IP address"))?,
            );
        }
        Ok(d)
    }
}

/// `[limits]`: each one left out keeps its default; `0` means no limit.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// Instructions per run (an event, a typed command, a timer firing).
    pub instructions: Option<u64>,
    /// Deepest alias call chain.
    pub call_depth: Option<u32>,
    /// Longest string, in bytes.
    pub string_len: Option<usize>,
    /// Most items in one hash table.
    pub table_items: Option<usize>,
    /// Most hash tables at once.
    pub tables: Option<usize>,
    /// Milliseconds of wall-clock time per run.
    pub wall_ms: Option<u64>,
}

/// One `[[network]]`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    /// A name to pick it by (`--network NAME`).
    pub name: Option<String>,
    /// `host`, `host:port` or `host:+port` (`+`: TLS); the port is 6667, or 6697 with TLS,
    /// when left out.
    pub server: Option<String>,
    /// The nick.
    pub nick: Option<String>,
    /// Nicks to try when the nick is taken.
    #[serde(default)]
    pub alt_nicks: Vec<String>,
    /// The user name (ident); the nick when left out.
    pub user: Option<String>,
    /// The real name; the nick when left out.
    pub realname: Option<String>,
    /// Channels to join once registered: `"#chan"` or `"#chan key"`.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Connect with TLS (as `+port` does).
    #[serde(default)]
    pub tls: bool,
    /// Accept the server's TLS certificate even when it cannot be checked (self-signed,
    /// expired, issued for another name): still encrypted, but open to interception.
    #[serde(default)]
    pub tls_accept_invalid: bool,
    /// A PEM file holding our TLS client certificate and its private key (for CertFP; SASL
    /// EXTERNAL logs in with it when the server offers it). Relative to the file's folder.
    pub tls_cert: Option<PathBuf>,
    /// A SOCKS5 proxy to connect through: `socks5://[user:password@]host:port`.
    pub proxy: Option<String>,
    /// What the client sends: `"utf-8"` (the default) or a legacy encoding's label
    /// (`"windows-1252"`, `"iso-8859-15"`, `"koi8-r"`, `"shift_jis"` …).
    pub encoding: Option<toml::Spanned<String>>,
    /// How lines that are not valid UTF-8 are read when sending UTF-8: Windows-1252 unless
    /// another legacy encoding is named here.
    pub fallback_encoding: Option<toml::Spanned<String>>,
}

impl Settings {
    /// Reads a config text; `Err` is the parser's message, which names the line and column.
    ///
    /// # Errors
    /// When the text is not TOML or has a key or value this file does not allow.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        for n in &s.networks {
            if let Err(e) = n.encoding() {
                // The encoding's value when that alone is wrong, else the fallback's.
                let enc_ok = n
                    .encoding
                    .as_ref()
                    .is_none_or(|v| Encoding::from_config(v.get_ref(), None).is_ok());
                let at = if enc_ok {
                    &n.fallback_encoding
                } else {
                    &n.encoding
                };
                let at = at.as_ref().map_or(0, |v| v.span().start);
                let line = text[..at].matches('\n').count() + 1;
                let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
                return Err(format!("line {line}, column {col}: {e}"));
            }
        }
        for d in &s.stdlib.disable {
            if let Err(e) = crate::stdlib::check_names(std::slice::from_ref(d.get_ref())) {
                let at = d.span().start;
                let line = text[..at].matches('\n').count() + 1;
                let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
                return Err(format!("line {line}, column {col}: {e}"));
            }
        }
        Ok(s)
    }

    /// Reads the file at `path`, making its relative paths relative to its folder.
    ///
    /// # Errors
    /// When the file cannot be read or [`Settings::parse`] fails; the message starts with the
    /// path.
    pub fn load(path: &Path) -> Result<Settings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut s = Settings::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        for p in &mut s.scripts {
            *p = base.join(&*p);
        }
        if let Some(d) = &mut s.data {
            *d = base.join(&*d);
        }
        if let Some(d) = &mut s.dcc.downloads {
            *d = base.join(&*d);
        }
        for n in &mut s.networks {
            if let Some(c) = &mut n.tls_cert {
                *c = base.join(&*c);
            }
        }
        Ok(s)
    }

    /// The network called `name`, or the first one when `name` is `None`.
    pub fn network(&self, name: Option<&str>) -> Option<&NetworkSettings> {
        match name {
            None => self.networks.first(),
            Some(n) => self
                .networks
                .iter()
                .find(|x| x.name.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(n))),
        }
    }
}

impl LimitSettings {
    /// The defaults with these settings applied.
    pub fn to_limits(&self) -> Limits {
        let mut l = Limits::default();
        if let Some(v) = self.instructions {
            l.instructions = v;
        }
        if let Some(v) = self.call_depth {
            l.call_depth = v;
        }
        if let Some(v) = self.string_len {
            l.string_len = v;
        }
        if let Some(v) = self.table_items {
            l.table_items = v;
        }
        if let Some(v) = self.tables {
            l.tables = v;
        }
        if let Some(v) = self.wall_ms {
            l.wall_ms = v;
        }
        l
    }
}

impl NetworkSettings {
    /// The state machine's settings for `nick` (this network's nick unless the caller has
    /// another): identity, alternative nicks and channels to join.
    pub fn to_config(&self, nick: &str) -> Config {
        let mut c = Config::new(nick);
        c.encoding = self.encoding().unwrap_or_default();
        c.alt_nicks.clone_from(&self.alt_nicks);
        if let Some(u) = &self.user {
            c.user.clone_from(u);
        }
        if let Some(r) = &self.realname {
            c.realname.clone_from(r);
        }
        c.autojoin = self.channels.iter().map(|c| split_channel(c)).collect();
        if self.tls_cert.is_some() {
            c.sasl = Some(Sasl::External);
        }
        c
    }

    /// The network's text encoding from `encoding` and `fallback_encoding`.
    ///
    /// # Errors
    /// An unknown encoding, or a fallback with a legacy `encoding`.
    pub fn encoding(&self) -> Result<Encoding, String> {
        let fallback = self
            .fallback_encoding
            .as_ref()
            .map(|f| f.get_ref().as_str());
        match &self.encoding {
            Some(e) => Encoding::from_config(e.get_ref(), fallback),
            None => Encoding::from_config("utf-8", fallback),
        }
    }

    /// Where and how to connect: the server address with TLS when `tls` is set or the port
    /// has a `+`.
    ///
    /// # Errors
    /// When there is no server, its port is not a number, or the proxy is not a SOCKS5 URL.
    pub fn to_server(&self) -> Result<Server, String> {
        let text = self.server.as_deref().unwrap_or("");
        if text.trim().is_empty() {
            return Err("no server".to_string());
        }
        let (host, port, plus) = split_server(text)?;
        let tls = plus || self.tls || self.tls_accept_invalid || self.tls_cert.is_some();
        let mut s = Server::new(&host, port.unwrap_or(if tls { 6697 } else { 6667 }));
        if tls {
            s.tls = Some(TlsOptions {
                accept_invalid: self.tls_accept_invalid,
                cert: self.tls_cert.clone(),
            });
        }
        if let Some(p) = self.proxy.as_deref().filter(|p| !p.trim().is_empty()) {
            s.proxy = Some(Proxy::parse(p)?);
        }
        Ok(s)
    }
}

/// `"#chan key"` → `("#chan", Some("key"))`.
pub fn split_channel(text: &str) -> (String, Option<String>) {
    let t = text.trim();
    match t.split_once(' ') {
        Some((c, k)) if !k.trim().is_empty() => (c.to_string(), Some(k.trim().to_string())),
        _ => (t.to_string(), None),
    }
}

/// `host`, `host:port`, `host:+port` or `[v6]:port` → host, port (when given) and whether
/// the port had mIRC's `+`, which means TLS.
///
/// # Errors
/// When the port is not a number from 1 to 65535.
pub fn split_server(server: &str) -> Result<(String, Option<u16>, bool), String> {
    let server = server.trim();
    match server.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.starts_with('[') => {
            let (plus, p) = match p.strip_prefix('+') {
                Some(p) => (true, p),
                None => (false, p),
            };
            match p.parse::<u16>() {
                Ok(n) if n > 0 => Ok((h.trim_matches(['[', ']']).to_string(), Some(n), plus)),
                _ => Err(format!(
                    "bad port '{p}' in server {server} (expected host:port, or host:+port for TLS)"
                )),
            }
        }
        _ => Ok((server.trim_matches(['[', ']']).to_string(), None, false)),
    }
}

#[cfg(test)]
mod tests {
    //! The file format is user-facing: every documented key must be read, and a mistake must
    //! be reported with its place.
    use super::*;

    #[test]
    fn reads_every_key() {
        let s = Settings::parse(
            r##"
scripts = ["a.mrc", "b.mrc"]
data = "data"
[limits]
instructions = 5000
call_depth = 50
string_len = 1000
table_items = 10
tables = 2
wall_ms = 100
[[network]]
name = "test"
server = "irc.example.net:6697"
nick = "bot"
alt_nicks = ["bot_"]
user = "ident"
realname = "A Bot"
channels = ["#a", "#b key"]
tls = false
tls_accept_invalid = true
tls_cert = "me.pem"
proxy = "socks5://me:pw@127.0.0.1:9050"
encoding = "utf-8"
fallback_encoding = "iso-8859-1"
"##,
        )
        .unwrap();
        assert_eq!(s.scripts.len(), 2);
        let l = s.limits.to_limits();
        assert_eq!((l.instructions, l.call_depth, l.wall_ms), (5000, 50, 100));
        let n = s.network(Some("TEST")).unwrap();
        let srv = n.to_server().unwrap();
        assert_eq!((srv.host.as_str(), srv.port), ("irc.example.net", 6697));
        let tls = srv.tls.unwrap();
        assert!(tls.accept_invalid);
        assert_eq!(tls.cert.unwrap(), Path::new("me.pem"));
        let proxy = srv.proxy.unwrap();
        assert_eq!((proxy.host.as_str(), proxy.port), ("127.0.0.1", 9050));
        let c = n.to_config("bot");
        assert_eq!(c.alt_nicks, ["bot_"]);
        assert_eq!(c.sasl, Some(Sasl::External), "a client certificate logs in");
        assert_eq!((c.user.as_str(), c.realname.as_str()), ("ident", "A Bot"));
        assert_eq!(
            c.autojoin,
            [
                ("#a".to_string(), None),
                ("#b".to_string(), Some("key".to_string()))
            ]
        );
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
    }

    #[test]
    fn errors_name_the_place() {
        let e = Settings::parse("[[network]]\nnick = \"a\"\nnikc = \"b\"\n").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("nikc"), "{e}");
        let e = Settings::parse("[limits]\ninstructions = \"many\"\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(split_server("h:x").unwrap_err().contains("'x'"));
        assert!(split_server("h:+").is_err());
        assert!(split_server("h:0").is_err());
        let e = Settings::parse("[[network]]\nnick = \"a\"\nencoding = \"klingon\"\n").unwrap_err();
        assert!(
            e.starts_with("line 3, column 12: unknown encoding 'klingon'"),
            "{e}"
        );
        let e =
            Settings::parse("[[network]]\nencoding = \"koi8-r\"\nfallback_encoding = \"latin1\"\n")
                .unwrap_err();
        assert!(
            e.starts_with("line 3, column 21: a fallback encoding"),
            "{e}"
        );
        let e = Settings::parse("[[network]]\nfallback_encoding = \"utf-16\"\n").unwrap_err();
        assert!(e.starts_with("line 2, column 21: unknown encoding"), "{e}");
        let ok = Settings::parse("[[network]]\nfallback_encoding = \"windows-1251\"\n").unwrap();
        assert_eq!(
            ok.networks[0].to_config("n").encoding,
            Encoding::Utf8Or(encoding_rs::WINDOWS_1251)
        );
    }

    #[test]
    fn dcc_settings() {
        let s = Settings::parse(
            "[dcc]\naccept = \"users\"\ndownloads = \"in\"\nmax_size = 10\nip = \"203.0.113.7\"\n\
             fserve_home = \"files\"\nfserve_gets = 5\n",
        )
        .unwrap();
        let d = s.dcc.to_settings().unwrap();
        assert_eq!(d.fserve_home.as_deref(), Some(Path::new("files")));
        assert_eq!(d.fserve_gets, 5);
        assert_eq!(d.accept, crate::dcc::Accept::Users);
        assert_eq!(d.downloads.as_deref(), Some(Path::new("in")));
        assert_eq!(d.max_size, 10);
        assert_eq!(d.ip, Some("203.0.113.7".parse().unwrap()));
        assert_eq!(
            Settings::default().dcc.to_settings().unwrap(),
            crate::dcc::DccSettings::default()
        );
        let bad = Settings::parse("[dcc]\naccept = \"maybe\"\n").unwrap();
        assert!(bad.dcc.to_settings().unwrap_err().contains("accept"));
        let bad = Settings::parse("[dcc]\nip = \"here\"\n").unwrap();
        assert!(bad.dcc.to_settings().unwrap_err().contains("ip"));
        assert!(Settings::parse("[dcc]\naccpet = \"always\"\n").is_err());
    }

    #[test]
    fn servers_and_tls_ports() {
        assert_eq!(split_server("h").unwrap(), ("h".to_string(), None, false));
        assert_eq!(
            split_server("h:+6697").unwrap(),
            ("h".to_string(), Some(6697), true)
        );
        assert_eq!(
            split_server("[::1]:7000").unwrap(),
            ("::1".to_string(), Some(7000), false)
        );
        assert_eq!(
            split_server("::1").unwrap(),
            ("::1".to_string(), None, false)
        );
        let net = |server: &str, tls: bool| NetworkSettings {
            server: Some(server.to_string()),
            tls,
            ..NetworkSettings::default()
        };
        let plain = net("h", false).to_server().unwrap();
        assert_eq!((plain.port, plain.tls.is_none()), (6667, true));
        let tls = net("h", true).to_server().unwrap();
        assert_eq!((tls.port, tls.tls.is_some()), (6697, true));
        let plus = net("h:+7000", false).to_server().unwrap();
        assert_eq!((plus.port, plus.tls.is_some()), (7000, true));
        assert!(net(" ", false).to_server().is_err());
        let mut proxied = net("h", false);
        proxied.proxy = Some("http://p:8080".to_string());
        assert!(proxied.to_server().unwrap_err().contains("only SOCKS5"));
        assert_eq!(net("h", false).to_config("n").sasl, None);
    }
}
