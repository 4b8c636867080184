//! RPL_ISUPPORT (005) tokens: what a server says about itself after registration
//! (<https://modern.ircdocs.horse/#rplisupport-parameter>).
//!
//! The tokens the client acts on are decoded (PREFIX, CHANTYPES, CHANMODES, CASEMAPPING,
//! NETWORK, STATUSMSG); every token is also kept as text for `$isupport`-style lookups.
//! `-TOKEN` removes a token. This module only decodes; the state decides what changes.

use super::mode::ModeSpec;
use crate::casemap::CaseMapping;
use std::collections::BTreeMap;

/// A server's ISUPPORT tokens, with defaults for the ones it has not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Isupport {
    /// Every token received, upper-case key → value (`""` for a bare token).
    pub raw: BTreeMap<String, String>,
    /// Membership and channel mode kinds from PREFIX and CHANMODES.
    pub modes: ModeSpec,
    /// Characters that start a channel name (CHANTYPES; default `#&`).
    pub chantypes: String,
    /// Prefix symbols allowed before a channel in a message target (STATUSMSG, e.g. `@+`).
    pub statusmsg: String,
    /// CASEMAPPING (default `rfc1459`).
    pub casemapping: CaseMapping,
    /// NETWORK, e.g. `ExampleNet`.
    pub network: Option<String>,
}

impl Default for Isupport {
    fn default() -> Isupport {
        Isupport {
            raw: BTreeMap::new(),
            modes: ModeSpec::default(),
            chantypes: "#&".into(),
            statusmsg: String::new(),
            casemapping: CaseMapping::Rfc1459,
            network: None,
        }
    }
}

impl Isupport {
    /// Applies the tokens of one 005 line: `params` without the leading nick and the trailing
    /// "are supported by this server" text. Values are unescaped (`\x20` → space).
    pub fn apply<S: AsRef<str>>(&mut self, tokens: &[S]) {
        for token in tokens {
            let token = token.as_ref();
            if let Some(key) = token.strip_prefix('-') {
                self.raw.remove(&key.to_ascii_uppercase());
                self.reset(&key.to_ascii_uppercase());
                continue;
            }
            let (key, value) = token.split_once('=').unwrap_or((token, ""));
            let key = key.to_ascii_uppercase();
            let value = unescape_value(value);
            self.set(&key, &value);
            self.raw.insert(key, value);
        }
    }

    /// The raw value of token `key` (case-insensitive key), if the server sent it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.raw.get(&key.to_ascii_uppercase()).map(String::as_str)
    }

    /// Whether `name` is a channel name on this network.
    pub fn is_channel(&self, name: &str) -> bool {
        name.chars()
            .next()
            .is_some_and(|c| self.chantypes.contains(c))
    }

    fn set(&mut self, key: &str, value: &str) {
        match key {
            "PREFIX" => {
                // PREFIX=(ov)@+ ; an empty value means no membership prefixes at all.
                let parsed = value
                    .strip_prefix('(')
                    .and_then(|v| v.split_once(')'))
                    .map(|(modes, syms)| modes.chars().zip(syms.chars()).collect::<Vec<_>>());
                self.modes.prefixes = parsed.unwrap_or_default();
            }
            "CHANTYPES" => self.chantypes = value.to_string(),
            "CHANMODES" => {
                let mut groups = value.split(',').map(str::to_string);
                self.modes.list = groups.next().unwrap_or_default();
                self.modes.param = groups.next().unwrap_or_default();
                self.modes.param_when_set = groups.next().unwrap_or_default();
                self.modes.flag = groups.next().unwrap_or_default();
            }
            "CASEMAPPING" => self.casemapping = CaseMapping::from_isupport(value),
            "NETWORK" => self.network = Some(value.to_string()),
            "STATUSMSG" => self.statusmsg = value.to_string(),
            _ => {}
        }
    }

    fn reset(&mut self, key: &str) {
        let d = Isupport::default();
        match key {
            "PREFIX" => self.modes.prefixes = d.modes.prefixes,
            "CHANTYPES" => self.chantypes = d.chantypes,
            "CHANMODES" => {
                let prefixes = std::mem::take(&mut self.modes.prefixes);
                self.modes = ModeSpec {
                    prefixes,
                    ..d.modes
                };
            }
            "CASEMAPPING" => self.casemapping = d.casemapping,
            "NETWORK" => self.network = None,
            "STATUSMSG" => self.statusmsg.clear(),
            _ => {}
        }
    }
}

/// ISUPPORT values escape bytes as `\xHH` (`\x20` is a space, `\x5C` a backslash).
fn unescape_value(value: &str) -> String {
    if !value.contains("\\x") {
        return value.to_string();
    }
    let mut out = Vec::with_capacity(value.len());
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            if let Some(byte) = value
                .get(i + 2..i + 4)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    //! The decoded tokens drive nick-list prefixes, mode parsing and name folding, so each
    //! must follow the spec, including removal and the `\xHH` escapes.
    use super::*;

    #[test]
    fn decodes_tokens() {
        let mut is = Isupport::default();
        is.apply(&[
            "PREFIX=(qaohv)~&@%+",
            "CHANTYPES=#",
            "CHANMODES=beI,k,l,imnpst",
            "CASEMAPPING=ascii",
            "NETWORK=Example\\x20Net",
            "STATUSMSG=@+",
            "EXCEPTS",
            "NICKLEN=30",
        ]);
        assert_eq!(is.modes.prefixes[0], ('q', '~'));
        assert_eq!(is.modes.prefixes.len(), 5);
        assert_eq!(is.chantypes, "#");
        assert_eq!(is.modes.param_when_set, "l");
        assert_eq!(is.casemapping, CaseMapping::Ascii);
        assert_eq!(is.network.as_deref(), Some("Example Net"));
        assert_eq!(is.get("excepts"), Some(""));
        assert_eq!(is.get("NICKLEN"), Some("30"));
        assert!(is.is_channel("#x"));
        assert!(!is.is_channel("&x"));
        is.apply(&["-NETWORK", "-CASEMAPPING", "-NICKLEN"]);
        assert_eq!(is.network, None);
        assert_eq!(is.casemapping, CaseMapping::Rfc1459);
        assert_eq!(is.get("NICKLEN"), None);
    }

    #[test]
    fn empty_prefix() {
        let mut is = Isupport::default();
        is.apply(&["PREFIX="]);
        assert!(is.modes.prefixes.is_empty());
    }
}
