//! Script repositories (`docs/repository-format.md`) and the script manager (`docs/manager.md`).
//!
//! A repository is a folder served over HTTP(S): `index.json` lists the packages, and
//! `index.json.sig` is its detached ed25519 signature. The client trusts an index only when its
//! signature checks against one of the keys in the config file's `[repository] trusted_keys`.
//! Each package is a `.tar.gz` whose entries sit in one folder named after its id; the index
//! gives its size and SHA-256, checked before anything is unpacked.
//!
//! [`Manager`] is the client side, called by `rustirc script …` and the GUI's manager window:
//! it fetches and caches the index, installs into the data folder's `scripts/repo/ID/VERSION/`
//! (one folder per version), keeps `scripts/repo/installed.json` (written atomically), resolves
//! dependencies, refuses conflicts, keeps the previous version for [`Manager::rollback`], and
//! enables and disables scripts. Every refusal happens before anything installed is touched:
//! packages are downloaded to a temporary file, checked, unpacked into a temporary folder, and
//! only then renamed into place.
//!
//! The author side ([`init`], [`add`], [`sign`]) builds and signs a repository folder.

pub mod archive;
pub mod http;

use base64::Engine as _;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What language a package's script is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// mSL (`.mrc`).
    Mrc,
    /// Lua (`.lua`).
    Lua,
    /// Python (`.py`).
    Py,
    /// A native plugin (a shared library).
    Native,
}

impl Kind {
    /// The kind of a script file, by its extension: `.lua`, `.py`, `.so`/`.dll`/`.dylib`,
    /// anything else mSL.
    pub fn of_file(path: &Path) -> Kind {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("lua") => Kind::Lua,
            Some("py") => Kind::Py,
            Some("so" | "dll" | "dylib") => Kind::Native,
            _ => Kind::Mrc,
        }
    }

    /// Its name in the index.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Mrc => "mrc",
            Kind::Lua => "lua",
            Kind::Py => "py",
            Kind::Native => "native",
        }
    }
}

/// `index.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The format version, 1.
    #[serde(default = "format_one")]
    pub format: u32,
    /// The repository's name, shown by `rustirc script search`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Every package version offered (several versions of one id may be listed).
    pub packages: Vec<Package>,
}

fn format_one() -> u32 {
    1
}

/// One version of one package in the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The id: lower-case letters, digits, `-` and `_`; also the folder it installs into.
    pub id: String,
    /// The name people read.
    #[serde(default)]
    pub name: String,
    /// Its version (semver: `1.2.0`).
    pub version: String,
    /// `mrc`, `lua`, `py` or `native`.
    pub kind: Kind,
    /// Who wrote it.
    #[serde(default)]
    pub author: String,
    /// What it does, in a line.
    #[serde(default)]
    pub description: String,
    /// The permissions it declares, as its manifest writes them (`network`, `file-read:PATH`…).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Other packages it needs: id → version range (`^1.2`, `>=1.0, <2`).
    #[serde(default)]
    pub dependencies: BTreeMap<String, String>,
    /// The script file the client loads, inside the package's folder.
    pub main: String,
    /// Where the archive is: relative to the index, or an absolute `http(s)://` URL.
    pub url: String,
    /// The archive's SHA-256, in hex.
    pub sha256: String,
    /// The archive's size in bytes.
    pub size: u64,
}

impl Package {
    /// Its version, parsed (the index is checked when read, so this does not fail then).
    pub fn semver(&self) -> semver::Version {
        semver::Version::parse(&self.version).unwrap_or_else(|_| semver::Version::new(0, 0, 0))
    }
}

/// Whether `id` is a valid package id.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with(['-', '_'])
}

/// Whether `path` is a relative path that stays inside its folder.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with(['/', '\\'])
        && !path.contains(':')
        && path
            .split(['/', '\\'])
            .all(|s| !s.is_empty() && s != ".." && s != ".")
}

impl Index {
    /// Parses and checks `index.json`.
    ///
    /// # Errors
    /// A JSON error with its line and column, or the first package that breaks a rule, named.
    pub fn parse(bytes: &[u8]) -> Result<Index, String> {
        let index: Index = serde_json::from_slice(bytes).map_err(|e| format!("index.json: {e}"))?;
        if index.format != 1 {
            return Err(format!(
                "index.json: format {} is not known to this client (it reads format 1)",
                index.format
            ));
        }
        for p in &index.packages {
            let at = |what: String| format!("index.json: package '{}' {}: {what}", p.id, p.version);
            if !valid_id(&p.id) {
                return Err(at(
                    "the id must be lower-case letters, digits, '-' and '_'".into()
                ));
            }
            semver::Version::parse(&p.version)
                .map_err(|e| at(format!("the version is not semver ({e})")))?;
            for (dep, range) in &p.dependencies {
                semver::VersionReq::parse(range).map_err(|e| {
                    at(format!(
                        "the dependency {dep} has a bad version range '{range}' ({e})"
                    ))
                })?;
            }
            if p.sha256.len() != 64 || !p.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(at("sha256 must be 64 hex digits".into()));
            }
            if !safe_relative(&p.main) {
                return Err(at(format!(
                    "main '{}' must be a relative path inside the package",
                    p.main
                )));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for p in &index.packages {
            if !seen.insert((p.id.as_str(), p.semver())) {
                return Err(format!(
                    "index.json: package '{}' {} is listed twice",
                    p.id, p.version
                ));
            }
        }
        Ok(index)
    }

    /// Every listed version of `id`, newest first.
    pub fn versions(&self, id: &str) -> Vec<&Package> {
        let mut v: Vec<&Package> = self.packages.iter().filter(|p| p.id == id).collect();
        v.sort_by_key(|p| std::cmp::Reverse(p.semver()));
        v
    }

    /// The newest version of `id`.
    pub fn latest(&self, id: &str) -> Option<&Package> {
        self.versions(id).into_iter().next()
    }

    /// The newest version of each package whose id, name, description or author contains
    /// every word of `words` (ignoring case), sorted by id; every package for no words.
    pub fn search(&self, words: &[String]) -> Vec<&Package> {
        let mut ids: Vec<&str> = self.packages.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter_map(|id| self.latest(id))
            .filter(|p| {
                let hay =
                    format!("{} {} {} {}", p.id, p.name, p.description, p.author).to_lowercase();
                words.iter().all(|w| hay.contains(&w.to_lowercase()))
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Keys and signatures

/// A new key pair: (the private key file's text, the public key as `ed25519:BASE64`).
///
/// # Errors
/// When the system gives no random bytes.
pub fn generate_key() -> Result<(String, String), String> {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
        .map_err(|_| "cannot generate a key: no random bytes".to_string())?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| "cannot generate a key".to_string())?;
    let public = format!("ed25519:{}", B64.encode(pair.public_key().as_ref()));
    let private = format!(
        "# RustIRC repository signing key (PRIVATE: keep it secret, never publish it)\n# public key: {public}\ned25519-pkcs8:{}\n",
        B64.encode(pkcs8.as_ref())
    );
    Ok((private, public))
}

fn load_private(text: &str) -> Result<Ed25519KeyPair, String> {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("ed25519-pkcs8:"))
        .ok_or("no 'ed25519-pkcs8:' line in the key file")?;
    let der = B64
        .decode(line.trim())
        .map_err(|e| format!("the key is not base64: {e}"))?;
    Ed25519KeyPair::from_pkcs8(&der).map_err(|e| format!("not an ed25519 key: {e}"))
}

/// The public key (`ed25519:BASE64`) of a private key file's text.
///
/// # Errors
/// When the text holds no ed25519 key.
pub fn public_key_of(private: &str) -> Result<String, String> {
    let pair = load_private(private)?;
    Ok(format!(
        "ed25519:{}",
        B64.encode(pair.public_key().as_ref())
    ))
}

/// The text of `index.json.sig` for `index` signed with the private key file text `private`:
///
/// ```text
/// key: ed25519:BASE64-PUBLIC-KEY
/// signature: BASE64-SIGNATURE
/// ```
///
/// # Errors
/// When the key file text holds no ed25519 key.
pub fn sign_bytes(private: &str, index: &[u8]) -> Result<String, String> {
    let pair = load_private(private)?;
    let sig = pair.sign(index);
    Ok(format!(
        "key: ed25519:{}\nsignature: {}\n",
        B64.encode(pair.public_key().as_ref()),
        B64.encode(sig.as_ref())
    ))
}

fn decode_public(key: &str) -> Result<Vec<u8>, String> {
    let b = key
        .trim()
        .strip_prefix("ed25519:")
        .ok_or_else(|| format!("'{key}' is not an ed25519 key (it must start with 'ed25519:')"))?;
    let bytes = B64
        .decode(b)
        .map_err(|e| format!("the key '{key}' is not base64: {e}"))?;
    if bytes.len() != 32 {
        return Err(format!(
            "the key '{key}' is {} bytes long; an ed25519 key is 32",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// Checks that `sig` (the text of `index.json.sig`) is a good signature of `index` by one of
/// `trusted` (`ed25519:BASE64` each).
///
/// # Errors
/// The signature file is malformed, its key is not trusted, or the signature does not match.
pub fn verify(index: &[u8], sig: &str, trusted: &[String]) -> Result<(), String> {
    let field = |name: &str| {
        sig.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(str::trim))
            .ok_or_else(|| format!("index.json.sig is malformed: no '{name}' line"))
    };
    let key = field("key:")?;
    let signature = field("signature:")?;
    let key_bytes = decode_public(key)?;
    let mut trusted_ok = false;
    for t in trusted {
        if decode_public(t)? == key_bytes {
            trusted_ok = true;
        }
    }
    if !trusted_ok {
        return Err(format!(
            "the index is signed by {key}, which is not a trusted key (add it to [repository] trusted_keys only if you trust its owner)"
        ));
    }
    let sig_bytes = B64
        .decode(signature)
        .map_err(|e| format!("index.json.sig is malformed: the signature is not base64: {e}"))?;
    UnparsedPublicKey::new(&ED25519, &key_bytes)
        .verify(index, &sig_bytes)
        .map_err(|_| {
            format!("bad signature: index.json does not match index.json.sig (signed by {key}); the index was changed after it was signed")
        })
}

fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// The author side

/// Where `rustirc repo init DIR` keeps the private key by default: beside the folder, outside
/// it, as `DIR.signing-key` (`myrepo` → `myrepo.signing-key`).
///
/// # Errors
/// When `dir` has no usable name.
pub fn default_key_path(dir: &Path) -> Result<PathBuf, String> {
    let named = dir
        .file_name()
        .filter(|_| !dir.ends_with("..") && !dir.ends_with("."));
    let dir = match named {
        Some(_) => dir.to_path_buf(),
        None => normalize(
            &std::env::current_dir()
                .map_err(|e| e.to_string())?
                .join(dir),
        ),
    };
    let name = dir
        .file_name()
        .ok_or_else(|| format!("{}: give the repository folder a name", dir.display()))?;
    let mut n = name.to_os_string();
    n.push(".signing-key");
    Ok(dir.with_file_name(n))
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

fn write_private_file(path: &Path, text: &str) -> Result<(), String> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{}: a key is already there; it is never overwritten",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `rustirc repo init DIR`: creates the folder with an empty `index.json` and `packages/`, and a
/// key pair: the private key in `key` (mode 0600, never overwritten), the public key in
/// `DIR/key.pub`. Returns the public key.
///
/// # Errors
/// When a file cannot be written, or `DIR/index.json` or the key already exists.
pub fn init(dir: &Path, key: &Path) -> Result<String, String> {
    if dir.join("index.json").exists() {
        return Err(format!(
            "{}: already a repository (index.json is there)",
            dir.display()
        ));
    }
    if key.exists() {
        return Err(format!(
            "{}: a key is already there; it is never overwritten",
            key.display()
        ));
    }
    std::fs::create_dir_all(dir.join("packages")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (private, public) = generate_key()?;
    write_private_file(key, &private)?;
    std::fs::write(dir.join("key.pub"), format!("{public}\n"))
        .map_err(|e| format!("{}: {e}", dir.join("key.pub").display()))?;
    write_index(dir, &Index::default_new())?;
    Ok(public)
}

impl Index {
    fn default_new() -> Index {
        Index {
            format: 1,
            name: String::new(),
            packages: Vec::new(),
        }
    }
}

fn write_index(dir: &Path, index: &Index) -> Result<(), String> {
    let mut text = serde_json::to_string_pretty(index).map_err(|e| e.to_string())?;
    text.push('\n');
    crate::persist::write_atomic(&dir.join("index.json"), text.as_bytes())
        .map_err(|e| format!("{}: {e}", dir.join("index.json").display()))
}

/// What `rustirc repo add` is told about a package beyond its files; each field left `None`
/// comes from the script's header comments (see [`read_header`]) or a default.
#[derive(Clone, Debug, Default)]
pub struct AddOptions {
    /// `--id`.
    pub id: Option<String>,
    /// `--version`.
    pub version: Option<String>,
    /// `--name`.
    pub name: Option<String>,
    /// `--author`.
    pub author: Option<String>,
    /// `--description`.
    pub description: Option<String>,
    /// `--permissions a,b`.
    pub permissions: Option<Vec<String>>,
    /// `--depends ID@RANGE`, repeatable.
    pub dependencies: Option<BTreeMap<String, String>>,
    /// `--main FILE`: the script to load, for a folder with several.
    pub main: Option<String>,
}

/// The `key: value` lines of a script's leading comment block (`;` in mSL, `--` in Lua, `#` in
/// Python): `id`, `name`, `version`, `author`, `description`, `permissions`, `depends`. Keys are
/// lower-cased; reading stops at the first line that is not a comment.
pub fn read_header(text: &str, kind: Kind) -> BTreeMap<String, String> {
    let marker = match kind {
        Kind::Mrc | Kind::Native => ";",
        Kind::Lua => "--",
        Kind::Py => "#",
    };
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(rest) = t.strip_prefix(marker) else {
            break;
        };
        if let Some((k, v)) = rest.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphabetic()) {
                out.insert(k, v.trim().to_string());
            }
        }
    }
    out
}

/// The manifest fields of a script, as `rustirc repo add` reads them: the leading comment block
/// ([`read_header`]) for every kind, then, where the engine has its own manifest, that: the
/// table a Lua script returns (`return { name = "Seen", version = "1.0.0", permissions =
/// { "network" } }`, string literals only) and a Python script's module variables
/// (`__version__ = "1.0.0"`, `__author__`, `__description__`, `__script_name__`,
/// `__permissions__`), which win over the comments.
pub fn read_manifest(text: &str, kind: Kind) -> BTreeMap<String, String> {
    let mut out = read_header(text, kind);
    let string = r#"(?:"([^"\\]*)"|'([^'\\]*)')"#;
    let lit = |c: &regex::Captures, i: usize| {
        c.get(i)
            .or_else(|| c.get(i + 1))
            .map_or(String::new(), |m| m.as_str().to_string())
    };
    let list = |inner: &str| {
        let re = regex::Regex::new(string).expect("a valid pattern");
        re.captures_iter(inner)
            .map(|c| lit(&c, 1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        Kind::Lua => {
            let Some(start) = text.rfind("return {").or_else(|| text.rfind("return{")) else {
                return out;
            };
            let table = &text[start..];
            let field = regex::Regex::new(&format!(
                r"(?m)\b(name|version|author|description)\s*=\s*{string}"
            ))
            .expect("a valid pattern");
            for c in field.captures_iter(table) {
                out.insert(c[1].to_string(), lit(&c, 2));
            }
            let perms =
                regex::Regex::new(r"\bpermissions\s*=\s*\{([^}]*)\}").expect("a valid pattern");
            if let Some(c) = perms.captures(table) {
                out.insert("permissions".into(), list(&c[1]));
            }
        }
        Kind::Py => {
            let field = regex::Regex::new(&format!(
                r"(?m)^__(script_name|version|author|description)__\s*=\s*{string}"
            ))
            .expect("a valid pattern");
            for c in field.captures_iter(text) {
                let key = if &c[1] == "script_name" {
                    "name"
                } else {
                    &c[1]
                };
                out.insert(key.to_string(), lit(&c, 2));
            }
            let perms = regex::Regex::new(&format!(
                r"(?m)^__permissions__\s*=\s*(\[[^\]]*\]|\([^)]*\)|{string})"
            ))
            .expect("a valid pattern");
            if let Some(c) = perms.captures(text) {
                out.insert("permissions".into(), list(&c[1]));
            }
        }
        Kind::Mrc | Kind::Native => {}
    }
    out
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses `ID@RANGE` (or `ID RANGE`) pairs, comma-separated only between pairs: `a@^1, b@>=2`.
///
/// # Errors
/// A pair without a range, or a bad range.
pub fn parse_dependency(text: &str) -> Result<(String, String), String> {
    let (id, range) = text
        .split_once('@')
        .or_else(|| text.trim().split_once(' '))
        .ok_or_else(|| format!("dependency '{text}': write ID@RANGE, as in util@^1.0"))?;
    let (id, range) = (id.trim(), range.trim());
    semver::VersionReq::parse(range)
        .map_err(|e| format!("dependency '{text}': bad version range '{range}' ({e})"))?;
    if !valid_id(id) {
        return Err(format!("dependency '{text}': '{id}' is not a package id"));
    }
    Ok((id.to_string(), range.to_string()))
}

/// `rustirc repo add DIR SOURCE`: packs SOURCE (a script file, or a folder holding one) into
/// `DIR/packages/ID-VERSION.tar.gz` and lists it in `DIR/index.json` (replacing the same id and
/// version). The index must be signed again afterwards ([`sign`]). Returns the entry.
///
/// # Errors
/// A missing field (no version), a bad id or version, a file that cannot be read or written.
pub fn add(dir: &Path, source: &Path, opts: &AddOptions) -> Result<Package, String> {
    let index_path = dir.join("index.json");
    let bytes = std::fs::read(&index_path).map_err(|e| {
        format!(
            "{}: {e} (run 'rustirc repo init {}' first)",
            index_path.display(),
            dir.display()
        )
    })?;
    let mut index = Index::parse(&bytes)?;
    let meta = std::fs::metadata(source).map_err(|e| format!("{}: {e}", source.display()))?;
    let main = match (&opts.main, meta.is_dir()) {
        (Some(m), _) => m.clone(),
        (None, false) => source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("{}: no file name", source.display()))?,
        (None, true) => {
            let mut scripts: Vec<String> = std::fs::read_dir(source)
                .map_err(|e| format!("{}: {e}", source.display()))?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    let l = n.to_ascii_lowercase();
                    [".mrc", ".ini", ".lua", ".py"]
                        .iter()
                        .any(|x| l.ends_with(x))
                })
                .collect();
            scripts.sort();
            match scripts.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(format!(
                        "{}: no script (.mrc, .lua, .py) in the folder; name it with --main",
                        source.display()
                    ))
                }
                _ => {
                    return Err(format!(
                        "{}: several scripts ({}); name the one to load with --main",
                        source.display(),
                        scripts.join(", ")
                    ))
                }
            }
        }
    };
    let main_file = if meta.is_dir() {
        source.join(&main)
    } else {
        source.to_path_buf()
    };
    let kind = Kind::of_file(&main_file);
    let text = std::fs::read(&main_file)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| format!("{}: {e}", main_file.display()))?;
    let header = read_manifest(&text, kind);
    let pick = |flag: &Option<String>, key: &str| flag.clone().or_else(|| header.get(key).cloned());
    let stem = main_file
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let id = pick(&opts.id, "id").unwrap_or(stem);
    if !valid_id(&id) {
        return Err(format!(
            "'{id}' is not a valid package id (lower-case letters, digits, '-' and '_'); give one with --id"
        ));
    }
    let version = pick(&opts.version, "version").ok_or_else(|| {
        format!(
            "{}: no version (write '{} version: 1.0.0' in its header, or pass --version)",
            main_file.display(),
            match kind {
                Kind::Lua => "--",
                Kind::Py => "#",
                _ => ";",
            }
        )
    })?;
    semver::Version::parse(&version)
        .map_err(|e| format!("version '{version}' is not semver (1.2.3): {e}"))?;
    let permissions = opts.permissions.clone().unwrap_or_else(|| {
        header
            .get("permissions")
            .map(|p| split_list(p))
            .unwrap_or_default()
    });
    let dependencies = match &opts.dependencies {
        Some(d) => d.clone(),
        None => {
            let mut d = BTreeMap::new();
            for item in header
                .get("depends")
                .map(|s| split_list(s))
                .unwrap_or_default()
            {
                let (k, v) = parse_dependency(&item)?;
                d.insert(k, v);
            }
            d
        }
    };
    let archive = archive::pack(source, &id)?;
    let file = format!("{id}-{version}.tar.gz");
    let packages = dir.join("packages");
    std::fs::create_dir_all(&packages).map_err(|e| format!("{}: {e}", packages.display()))?;
    crate::persist::write_atomic(&packages.join(&file), &archive)
        .map_err(|e| format!("{}: {e}", packages.join(&file).display()))?;
    let entry = Package {
        id: id.clone(),
        name: pick(&opts.name, "name").unwrap_or_else(|| id.clone()),
        version: version.clone(),
        kind,
        author: pick(&opts.author, "author").unwrap_or_default(),
        description: pick(&opts.description, "description").unwrap_or_default(),
        permissions,
        dependencies,
        main,
        url: format!("packages/{file}"),
        sha256: sha256_hex(&archive),
        size: archive.len() as u64,
    };
    let v = entry.semver();
    index
        .packages
        .retain(|p| !(p.id == entry.id && p.semver() == v));
    index.packages.push(entry.clone());
    index
        .packages
        .sort_by(|a, b| a.id.cmp(&b.id).then(a.semver().cmp(&b.semver())));
    write_index(dir, &index)?;
    Ok(entry)
}

/// `rustirc repo sign DIR`: checks `DIR/index.json` and writes `DIR/index.json.sig` with the
/// private key file `key`. Returns the public key it signed with.
///
/// # Errors
/// A bad index, an unreadable key, a file that cannot be written.
pub fn sign(dir: &Path, key: &Path) -> Result<String, String> {
    let index_path = dir.join("index.json");
    let bytes = std::fs::read(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    Index::parse(&bytes)?;
    let private = std::fs::read_to_string(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let sig = sign_bytes(&private, &bytes).map_err(|e| format!("{}: {e}", key.display()))?;
    crate::persist::write_atomic(&dir.join("index.json.sig"), sig.as_bytes())
        .map_err(|e| format!("{}: {e}", dir.join("index.json.sig").display()))?;
    public_key_of(&private)
}

// ---------------------------------------------------------------------------------------------
// The client side

/// The names a script defines that another script must not define too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    /// Aliases (mSL) and commands (Lua `irc.add_command`, Python `irc.add_command`), lower-case.
    #[serde(default)]
    pub commands: Vec<String>,
    /// `#group` names (mSL), lower-case.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// The names `text`, a script of `kind`, defines: for mSL, its global aliases and `#groups`
/// from the parser; for Lua and Python, the commands it adds with `irc.add_command("NAME", …)`
/// written with a literal name (a name computed at run time is not seen).
pub fn names_of(kind: Kind, bytes: &[u8]) -> Names {
    let mut n = Names::default();
    match kind {
        Kind::Mrc => {
            rustirc_syntax::init();
            let parsed = rustirc_syntax::parse_bytes(bytes);
            for item in &parsed.items {
                if let rustirc_syntax::ast::Item::Alias(a) = &item.item {
                    if !a.local {
                        n.commands.push(a.name.to_lowercase());
                    }
                }
            }
            n.groups = parsed
                .groups
                .iter()
                .map(|(g, _)| g.to_lowercase())
                .collect();
        }
        Kind::Lua | Kind::Py => {
            let text = String::from_utf8_lossy(bytes);
            let re = regex::Regex::new(r#"add_command\s*\(\s*["']([^"']+)["']"#)
                .expect("a valid pattern");
            for c in re.captures_iter(&text) {
                n.commands.push(c[1].trim_start_matches('/').to_lowercase());
            }
        }
        Kind::Native => {}
    }
    n.commands.sort();
    n.commands.dedup();
    n.groups.sort();
    n.groups.dedup();
    n
}

/// One installed package in `installed.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledPackage {
    /// The active version.
    pub version: String,
    /// The version before it, kept for [`Manager::rollback`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Whether the client loads it.
    pub enabled: bool,
    /// Its kind.
    pub kind: Kind,
    /// The file to load, inside `scripts/repo/ID/VERSION/`.
    pub main: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// The permissions it declares.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// What it needs.
    #[serde(default)]
    pub dependencies: BTreeMap<String, String>,
    /// What it defines.
    #[serde(default)]
    pub names: Names,
    /// The previous version's `main`, kind, dependencies and names, for a rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_entry: Option<Box<InstalledPackage>>,
}

/// `installed.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    /// By id.
    pub packages: BTreeMap<String, InstalledPackage>,
}

/// Where the index came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Downloaded now.
    Fresh,
    /// The server said the cached copy is current (304).
    NotModified,
    /// The server could not be reached; the cached copy (checked again) was used. The reason.
    Cached(String),
}

/// A fetched, verified index.
#[derive(Clone, Debug)]
pub struct Fetched {
    /// The index.
    pub index: Index,
    /// Where it came from.
    pub source: Source,
    /// Its URL (packages' relative URLs resolve against it).
    pub url: http::Url,
}

/// Download progress: the package, bytes so far, bytes in all.
pub type Progress<'a> = &'a mut dyn FnMut(&Package, u64, u64);

/// `[repository]` in the config file.
///
/// ```toml
/// [repository]
/// url = "https://scripts.example.org/"
/// trusted_keys = ["ed25519:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]
/// ca_file = "/etc/rustirc/private-ca.pem"   # optional
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositorySettings {
    /// The repository: its folder (`index.json` is fetched from it) or its `index.json`.
    pub url: Option<String>,
    /// The keys whose signature is trusted.
    #[serde(default)]
    pub trusted_keys: Vec<String>,
    /// A PEM file of certificate authorities trusted for an `https://` repository in addition
    /// to the system's (a private repository with its own CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// The script manager over one data folder and one repository.
#[derive(Clone, Debug)]
pub struct Manager {
    /// The data folder.
    pub data: PathBuf,
    /// The repository settings.
    pub settings: RepositorySettings,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct CacheMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// The scripts of the installed, enabled packages in the data folder `data`, in load order
/// (each after the packages it depends on), for the client to load at start. Native packages
/// are left out. Nothing installed gives an empty list.
///
/// # Errors
/// When `installed.json` is there but cannot be read.
pub fn scripts_to_load(data: &Path) -> Result<Vec<PathBuf>, String> {
    let m = Manager {
        data: data.to_path_buf(),
        settings: RepositorySettings::default(),
    };
    let inst = m.installed()?;
    let mut order: Vec<String> = Vec::new();
    fn visit(id: &str, inst: &Installed, order: &mut Vec<String>, depth: usize) {
        if order.iter().any(|o| o == id) || depth > 64 {
            return;
        }
        let Some(p) = inst.packages.get(id) else {
            return;
        };
        for d in p.dependencies.keys() {
            visit(d, inst, order, depth + 1);
        }
        if !order.iter().any(|o| o == id) {
            order.push(id.to_string());
        }
    }
    for id in inst.packages.keys() {
        visit(id, &inst, &mut order, 0);
    }
    Ok(order
        .iter()
        .filter_map(|id| {
            let p = &inst.packages[id];
            (p.enabled && p.kind != Kind::Native)
                .then(|| m.root().join(id).join(&p.version).join(&p.main))
        })
        .collect())
}

impl Manager {
    /// A manager for the data folder `data`.
    pub fn new(data: &Path, settings: RepositorySettings) -> Manager {
        Manager {
            data: data.to_path_buf(),
            settings,
        }
    }

    /// `scripts/repo` in the data folder.
    pub fn root(&self) -> PathBuf {
        self.data.join("scripts").join("repo")
    }

    fn cache_dir(&self) -> PathBuf {
        self.root().join(".cache")
    }

    /// The folder of an installed version.
    pub fn version_dir(&self, id: &str, version: &str) -> PathBuf {
        self.root().join(id).join(version)
    }

    /// The index's URL.
    ///
    /// # Errors
    /// No `[repository] url`, or a bad one.
    pub fn index_url(&self) -> Result<http::Url, String> {
        let url = self.settings.url.as_deref().ok_or(
            "no repository: set url in the config file's [repository] table (or pass --repo URL)",
        )?;
        let mut u = http::Url::parse(url).map_err(|e| format!("[repository] url: {e}"))?;
        if !u.path.ends_with(".json") {
            if !u.path.ends_with('/') {
                u.path.push('/');
            }
            u.path.push_str("index.json");
        }
        Ok(u)
    }

    /// The certificates `ca_file` adds to the system's roots (none without it).
    ///
    /// # Errors
    /// When the file cannot be read or holds no certificate.
    fn extra_roots(&self) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, String> {
        match &self.settings.ca_file {
            Some(p) => http::load_ca_file(p).map_err(|e| format!("[repository] {e}")),
            None => Ok(Vec::new()),
        }
    }

    /// `installed.json` (empty when absent).
    ///
    /// # Errors
    /// When it cannot be read or parsed.
    pub fn installed(&self) -> Result<Installed, String> {
        let path = self.root().join("installed.json");
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Installed::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    fn save_installed(&self, inst: &Installed) -> Result<(), String> {
        let path = self.root().join("installed.json");
        std::fs::create_dir_all(self.root()).map_err(io_err(&self.root()))?;
        let mut text = serde_json::to_string_pretty(inst).map_err(|e| e.to_string())?;
        text.push('\n');
        crate::persist::write_atomic(&path, text.as_bytes()).map_err(io_err(&path))
    }

    fn trusted(&self) -> Result<&[String], String> {
        if self.settings.trusted_keys.is_empty() {
            return Err("no trusted keys: add the repository's public key to trusted_keys in the config file's [repository] table".into());
        }
        Ok(&self.settings.trusted_keys)
    }

    fn read_cache(&self, url: &http::Url) -> Option<(CacheMeta, Vec<u8>, String)> {
        let dir = self.cache_dir();
        let meta: CacheMeta =
            serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()?;
        if meta.url != url.to_string() {
            return None;
        }
        let index = std::fs::read(dir.join("index.json")).ok()?;
        let sig = std::fs::read_to_string(dir.join("index.json.sig")).ok()?;
        Some((meta, index, sig))
    }

    /// Fetches the index (a conditional request when a copy is cached), checks its signature
    /// and caches it. When the server cannot be reached, the cached copy answers (its signature
    /// checked again).
    ///
    /// # Errors
    /// An unsigned index, a bad signature or one by an untrusted key (the cache is then left as
    /// it was), a bad index, an unreachable server with nothing cached.
    pub fn fetch_index(&self) -> Result<Fetched, String> {
        let trusted = self.trusted()?;
        let url = self.index_url()?;
        let extra = self.extra_roots()?;
        let cached = self.read_cache(&url);
        let cond = cached
            .as_ref()
            .map(|(m, _, _)| http::Conditions {
                etag: m.etag.clone(),
                last_modified: m.last_modified.clone(),
            })
            .unwrap_or_default();
        let mut body = Vec::new();
        let from_cache = |reason: Option<String>| -> Result<Fetched, String> {
            let (_, bytes, sig) = cached.clone().ok_or_else(|| {
                format!(
                    "{}, and no copy of the index is cached",
                    reason.clone().unwrap_or_default()
                )
            })?;
            verify(&bytes, &sig, trusted).map_err(|e| format!("the cached index: {e}"))?;
            Ok(Fetched {
                index: Index::parse(&bytes)?,
                source: reason.map_or(Source::NotModified, Source::Cached),
                url: url.clone(),
            })
        };
        let resp = match http::get_trusting(&url, &cond, &mut body, &mut |_, _| {}, &extra) {
            Ok(r) => r,
            Err(e) => return from_cache(Some(e.to_string())),
        };
        if resp.status == 304 && cached.is_some() {
            return from_cache(None);
        }
        let mut sig_url = url.clone();
        sig_url.path = format!(
            "{}.sig",
            url.path.split(['?', '#']).next().unwrap_or_default()
        );
        let mut sig = Vec::new();
        match http::get_trusting(
            &sig_url,
            &http::Conditions::default(),
            &mut sig,
            &mut |_, _| {},
            &extra,
        ) {
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "the index is not signed: {sig_url} could not be fetched ({e}); an unsigned index is refused"
                ))
            }
        }
        let sig = String::from_utf8_lossy(&sig).into_owned();
        verify(&body, &sig, trusted)?;
        let index = Index::parse(&body)?;
        let dir = self.cache_dir();
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let meta = CacheMeta {
            url: url.to_string(),
            etag: resp.etag,
            last_modified: resp.last_modified,
        };
        for (name, bytes) in [
            ("index.json", body.clone()),
            ("index.json.sig", sig.into_bytes()),
            (
                "meta.json",
                serde_json::to_vec(&meta).map_err(|e| e.to_string())?,
            ),
        ] {
            crate::persist::write_atomic(&dir.join(name), &bytes)
                .map_err(io_err(&dir.join(name)))?;
        }
        Ok(Fetched {
            index,
            source: Source::Fresh,
            url,
        })
    }

    /// The installed packages for which the index has a newer version: (id, installed, newest).
    ///
    /// # Errors
    /// As [`Manager::fetch_index`] and [`Manager::installed`].
    pub fn updates(&self, fetched: &Fetched) -> Result<Vec<(String, String, String)>, String> {
        let inst = self.installed()?;
        let mut out = Vec::new();
        for (id, p) in &inst.packages {
            if let Some(latest) = fetched.index.latest(id) {
                let cur = semver::Version::parse(&p.version).ok();
                if cur.is_some_and(|c| latest.semver() > c) {
                    out.push((id.clone(), p.version.clone(), latest.version.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Installs `id` (the newest version, or `version`) and what it needs. Returns a line per
    /// package installed. See the module docs for what is refused.
    ///
    /// # Errors
    /// Every refusal, with its reason; nothing installed is changed then.
    pub fn install(
        &self,
        fetched: &Fetched,
        id: &str,
        version: Option<&str>,
        force: bool,
        progress: Progress,
    ) -> Result<Vec<String>, String> {
        let index = &fetched.index;
        let versions = index.versions(id);
        if versions.is_empty() {
            return Err(format!("there is no package '{id}' in the repository"));
        }
        let target = match version {
            Some(v) => {
                let want = semver::Version::parse(v)
                    .map_err(|e| format!("'{v}' is not a version: {e}"))?;
                *versions
                    .iter()
                    .find(|p| p.semver() == want)
                    .ok_or_else(|| {
                        format!(
                            "the repository has no version {v} of '{id}' (it has {})",
                            versions
                                .iter()
                                .map(|p| p.version.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?
            }
            None => versions[0],
        };
        let inst = self.installed()?;
        if let Some(cur) = inst.packages.get(id) {
            let cur_v = semver::Version::parse(&cur.version).map_err(|e| e.to_string())?;
            if target.semver() < cur_v && !force {
                return Err(format!(
                    "refusing to downgrade '{id}' from {} to {} (pass --force to do it anyway)",
                    cur.version, target.version
                ));
            }
            if target.semver() == cur_v && !force {
                return Ok(vec![format!("{id} {} is already installed", cur.version)]);
            }
        }
        let mut plan: Vec<&Package> = Vec::new();
        resolve(index, &inst, target, &mut plan, &mut Vec::new())?;
        self.apply(fetched, inst, &plan, progress)
    }

    /// Updates `id` (or every installed package) to its newest version. Returns a line per
    /// package updated.
    ///
    /// # Errors
    /// As [`Manager::install`].
    pub fn update(
        &self,
        fetched: &Fetched,
        id: Option<&str>,
        progress: Progress,
    ) -> Result<Vec<String>, String> {
        let inst = self.installed()?;
        if let Some(id) = id {
            if !inst.packages.contains_key(id) {
                return Err(format!("'{id}' is not installed"));
            }
        }
        let mut out = Vec::new();
        for (pid, _, _) in self.updates(fetched)? {
            if id.is_none_or(|i| i == pid) {
                out.extend(self.install(fetched, &pid, None, false, progress)?);
            }
        }
        if out.is_empty() {
            out.push(match id {
                Some(i) => format!("{i} is up to date"),
                None => "everything is up to date".to_string(),
            });
        }
        Ok(out)
    }

    fn apply(
        &self,
        fetched: &Fetched,
        mut inst: Installed,
        plan: &[&Package],
        progress: Progress,
    ) -> Result<Vec<String>, String> {
        let root = self.root();
        remove_stale_temporaries(&root.join(".tmp"));
        let tmp =
            root.join(".tmp")
                .join(format!("{}-{}", std::process::id(), crate::net::now_ms()));
        std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        let result = self.stage_and_commit(fetched, &mut inst, plan, progress, &tmp);
        let _ = std::fs::remove_dir_all(&tmp);
        let _ = std::fs::remove_dir(root.join(".tmp"));
        result
    }

    fn stage_and_commit(
        &self,
        fetched: &Fetched,
        inst: &mut Installed,
        plan: &[&Package],
        progress: Progress,
        tmp: &Path,
    ) -> Result<Vec<String>, String> {
        // Download, check and unpack every package first.
        let extra = self.extra_roots()?;
        let mut staged: Vec<(&Package, PathBuf, Names)> = Vec::new();
        for p in plan {
            let url = fetched
                .url
                .join(&p.url)
                .map_err(|e| format!("{} {}: {e}", p.id, p.version))?;
            let file = tmp.join(format!("{}-{}.tar.gz", p.id, p.version));
            let mut f = std::fs::File::create(&file).map_err(io_err(&file))?;
            let mut hasher = Sha256::new();
            let mut sink = HashWriter {
                file: &mut f,
                hasher: &mut hasher,
                limit: p.size,
                written: 0,
            };
            let got = http::get_trusting(
                &url,
                &http::Conditions::default(),
                &mut sink,
                &mut |done, _| progress(p, done, p.size),
                &extra,
            )
            .map_err(|e| {
                format!(
                    "downloading {} {}: {e}; nothing was installed",
                    p.id, p.version
                )
            })?;
            f.sync_all().map_err(io_err(&file))?;
            if got.len != p.size {
                return Err(format!(
                    "{} {}: the archive is {} bytes, the index says {}; nothing was installed",
                    p.id, p.version, got.len, p.size
                ));
            }
            let digest: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if !digest.eq_ignore_ascii_case(&p.sha256) {
                return Err(format!(
                    "{} {}: checksum mismatch: the archive's SHA-256 is {digest}, the index says {}; nothing was installed",
                    p.id, p.version, p.sha256
                ));
            }
            let bytes = std::fs::read(&file).map_err(io_err(&file))?;
            let dir = tmp.join(format!("{}-{}", p.id, p.version));
            archive::unpack(&bytes, &p.id, &dir)
                .map_err(|e| format!("{} {}: {e}", p.id, p.version))?;
            let main = dir.join(&p.main);
            let script = std::fs::read(&main).map_err(|_| {
                format!(
                    "{} {}: the archive has no '{}' (the index's main); nothing was installed",
                    p.id, p.version, p.main
                )
            })?;
            staged.push((p, dir, names_of(p.kind, &script)));
        }
        // Conflicts: with every other installed package, and between the new ones.
        let new_ids: Vec<&str> = plan.iter().map(|p| p.id.as_str()).collect();
        let mut owners: Vec<(String, &Names)> = inst
            .packages
            .iter()
            .filter(|(id, p)| p.enabled && !new_ids.contains(&id.as_str()))
            .map(|(id, p)| (id.clone(), &p.names))
            .collect();
        for (p, _, names) in &staged {
            for (other, theirs) in &owners {
                if let Some(what) = clash(names, theirs) {
                    return Err(format!(
                        "{} {} conflicts with the installed script '{other}': both define {what}; nothing was installed (disable or remove '{other}' first)",
                        p.id, p.version
                    ));
                }
            }
            owners.push((p.id.clone(), names));
        }
        // Move into place, then record.
        let mut lines = Vec::new();
        for (p, dir, names) in &staged {
            let id_dir = self.root().join(&p.id);
            std::fs::create_dir_all(&id_dir).map_err(io_err(&id_dir))?;
            let dest = id_dir.join(&p.version);
            if dest.exists() {
                let old = tmp.join(format!("{}-{}.old", p.id, p.version));
                std::fs::rename(&dest, &old).map_err(io_err(&dest))?;
            }
            std::fs::rename(dir, &dest).map_err(io_err(&dest))?;
            let old = inst.packages.get(&p.id).cloned();
            let mut entry = InstalledPackage {
                version: p.version.clone(),
                previous: None,
                enabled: old.as_ref().is_none_or(|o| o.enabled),
                kind: p.kind,
                main: p.main.clone(),
                name: p.name.clone(),
                permissions: p.permissions.clone(),
                dependencies: p.dependencies.clone(),
                names: names.clone(),
                previous_entry: None,
            };
            let line = match old {
                Some(mut o) if o.version != p.version => {
                    let line = format!("{} {} → {}", p.id, o.version, p.version);
                    entry.previous = Some(o.version.clone());
                    o.previous = None;
                    o.previous_entry = None;
                    entry.previous_entry = Some(Box::new(o));
                    line
                }
                Some(_) => format!("{} {} reinstalled", p.id, p.version),
                None => format!("{} {} installed", p.id, p.version),
            };
            inst.packages.insert(p.id.clone(), entry);
            lines.push(line);
        }
        self.save_installed(inst)?;
        // Only the active and the previous version are kept.
        for (p, _, _) in &staged {
            let keep = inst.packages.get(&p.id).map(|e| {
                [Some(e.version.clone()), e.previous.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
            });
            if let (Some(keep), Ok(rd)) = (keep, std::fs::read_dir(self.root().join(&p.id))) {
                for e in rd.filter_map(Result::ok) {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if !keep.contains(&n) {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
        }
        Ok(lines)
    }

    /// Goes back to the version before the active one of `id` (a second rollback returns).
    ///
    /// # Errors
    /// Not installed, or no previous version kept.
    pub fn rollback(&self, id: &str) -> Result<String, String> {
        let mut inst = self.installed()?;
        let p = inst
            .packages
            .get(id)
            .cloned()
            .ok_or_else(|| format!("'{id}' is not installed"))?;
        let (Some(prev_v), Some(prev)) = (p.previous.clone(), p.previous_entry.clone()) else {
            return Err(format!(
                "'{id}' has no previous version to go back to (it is at {})",
                p.version
            ));
        };
        if !self.version_dir(id, &prev_v).is_dir() {
            return Err(format!(
                "'{id}': the folder of version {prev_v} is gone; cannot go back"
            ));
        }
        let mut back = *prev;
        back.version = prev_v.clone();
        back.enabled = p.enabled;
        let mut cur = p.clone();
        cur.previous = None;
        cur.previous_entry = None;
        back.previous = Some(p.version.clone());
        back.previous_entry = Some(Box::new(cur));
        inst.packages.insert(id.to_string(), back);
        self.save_installed(&inst)?;
        Ok(format!("{id} {} → {prev_v} (rolled back)", p.version))
    }

    /// Uninstalls `id`: every version's folder goes.
    ///
    /// # Errors
    /// Not installed, or another installed package needs it (unless `force`).
    pub fn remove(&self, id: &str, force: bool) -> Result<String, String> {
        let mut inst = self.installed()?;
        let p = inst
            .packages
            .get(id)
            .cloned()
            .ok_or_else(|| format!("'{id}' is not installed"))?;
        if !force {
            if let Some((other, _)) = inst
                .packages
                .iter()
                .find(|(o, q)| o.as_str() != id && q.dependencies.contains_key(id))
            {
                return Err(format!(
                    "'{other}' needs '{id}'; remove '{other}' first (or pass --force)"
                ));
            }
        }
        inst.packages.remove(id);
        self.save_installed(&inst)?;
        let dir = self.root().join(id);
        std::fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        Ok(format!("{id} {} removed", p.version))
    }

    /// Enables or disables `id` (a disabled package stays installed but is not loaded).
    ///
    /// # Errors
    /// Not installed; enabling one whose names clash with another enabled package.
    pub fn set_enabled(&self, id: &str, enabled: bool) -> Result<String, String> {
        let mut inst = self.installed()?;
        let names = inst
            .packages
            .get(id)
            .map(|p| p.names.clone())
            .ok_or_else(|| format!("'{id}' is not installed"))?;
        if enabled {
            for (other, q) in &inst.packages {
                if other != id && q.enabled {
                    if let Some(what) = clash(&names, &q.names) {
                        return Err(format!(
                            "cannot enable '{id}': it and '{other}' both define {what}"
                        ));
                    }
                }
            }
        }
        if let Some(p) = inst.packages.get_mut(id) {
            p.enabled = enabled;
        }
        self.save_installed(&inst)?;
        Ok(format!(
            "{id} {}",
            if enabled { "enabled" } else { "disabled" }
        ))
    }
}

/// Removes what an install killed in the middle (its process gone) left in `.tmp`: folders
/// named `PID-TIME` whose process no longer runs. Where processes cannot be looked up (no
/// `/proc`), nothing is removed.
fn remove_stale_temporaries(tmp: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(rd) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// The first name both define, described.
fn clash(a: &Names, b: &Names) -> Option<String> {
    if let Some(c) = a.commands.iter().find(|c| b.commands.contains(c)) {
        return Some(format!("the command or alias '{c}'"));
    }
    a.groups
        .iter()
        .find(|g| b.groups.contains(g))
        .map(|g| format!("the group '#{g}'"))
}

/// Adds what `p` needs, then `p`, to `plan`.
fn resolve<'a>(
    index: &'a Index,
    inst: &Installed,
    p: &'a Package,
    plan: &mut Vec<&'a Package>,
    stack: &mut Vec<String>,
) -> Result<(), String> {
    if plan.iter().any(|q| q.id == p.id) {
        return Ok(());
    }
    if stack.contains(&p.id) {
        return Err(format!(
            "dependency cycle: {} → {}",
            stack.join(" → "),
            p.id
        ));
    }
    stack.push(p.id.clone());
    for (dep, range) in &p.dependencies {
        let req = semver::VersionReq::parse(range).map_err(|e| e.to_string())?;
        if let Some(q) = plan.iter().find(|q| &q.id == dep) {
            if !req.matches(&q.semver()) {
                return Err(format!(
                    "unsatisfiable dependency: {} {} needs {dep} {range}, but {dep} {} is being installed; nothing was installed",
                    p.id, p.version, q.version
                ));
            }
            continue;
        }
        let installed = inst
            .packages
            .get(dep)
            .and_then(|i| semver::Version::parse(&i.version).ok());
        if installed.as_ref().is_some_and(|v| req.matches(v)) {
            continue;
        }
        let offered = index.versions(dep);
        let Some(best) = offered.iter().find(|q| req.matches(&q.semver())) else {
            let has = if offered.is_empty() {
                "the repository has no such package".to_string()
            } else {
                format!(
                    "the repository has {}",
                    offered
                        .iter()
                        .map(|q| q.version.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(format!(
                "unsatisfiable dependency: {} {} needs {dep} {range}, and {has}; nothing was installed",
                p.id, p.version
            ));
        };
        if let Some(v) = &installed {
            if best.semver() < *v {
                return Err(format!(
                    "unsatisfiable dependency: {} {} needs {dep} {range}, which would downgrade the installed {dep} {v}; nothing was installed",
                    p.id, p.version
                ));
            }
        }
        resolve(index, inst, best, plan, stack)?;
    }
    stack.pop();
    plan.push(p);
    Ok(())
}

/// Writes to a file while hashing, refusing more than `limit` bytes (a server sending more than
/// the index's size is cut off early).
struct HashWriter<'a> {
    file: &'a mut std::fs::File,
    hasher: &'a mut Sha256,
    limit: u64,
    written: u64,
}

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.written += buf.len() as u64;
        if self.written > self.limit {
            return Err(std::io::Error::other(format!(
                "the archive is larger than the {} bytes the index says",
                self.limit
            )));
        }
        self.hasher.update(buf);
        self.file.write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_check_and_refuse() {
        let (private, public) = generate_key().unwrap();
        let index = br#"{"format":1,"packages":[]}"#;
        let sig = sign_bytes(&private, index).unwrap();
        verify(index, &sig, std::slice::from_ref(&public)).unwrap();
        let e = verify(
            b"{\"format\":1,\"packages\":[ ]}",
            &sig,
            std::slice::from_ref(&public),
        )
        .unwrap_err();
        assert!(e.starts_with("bad signature"), "{e}");
        let (_, other) = generate_key().unwrap();
        let e = verify(index, &sig, &[other]).unwrap_err();
        assert!(e.contains("not a trusted key"), "{e}");
        assert_eq!(public_key_of(&private).unwrap(), public);
    }

    #[test]
    fn names_of_scripts() {
        let n = names_of(
            Kind::Mrc,
            b"alias hello echo -a hi\nalias -l helper return 1\n#greet on\non *:TEXT:hi:#:msg # hi\n#greet end\n",
        );
        assert_eq!(n.commands, vec!["hello"]);
        assert_eq!(n.groups, vec!["greet"]);
        let n = names_of(Kind::Lua, b"irc.add_command(\"Seen\", function() end)\n");
        assert_eq!(n.commands, vec!["seen"]);
    }

    #[test]
    fn headers_are_read() {
        let h = read_header("; name: Greeter\n; version: 1.2.0\n;permissions: network, ui\nalias x {}\n; version: 9\n", Kind::Mrc);
        assert_eq!(h["name"], "Greeter");
        assert_eq!(h["version"], "1.2.0");
        assert_eq!(split_list(&h["permissions"]), vec!["network", "ui"]);
        let lua = "-- author: ann\nirc.add_command('x', function() end)\nreturn { name = \"Seen\", version = '1.2.0', permissions = { \"network\", 'ui' } }\n";
        let h = read_manifest(lua, Kind::Lua);
        assert_eq!(
            (
                h["name"].as_str(),
                h["version"].as_str(),
                h["author"].as_str(),
                h["permissions"].as_str()
            ),
            ("Seen", "1.2.0", "ann", "network, ui")
        );
        let py = "# version: 0.1.0\n__version__ = \"2.0.0\"\n__script_name__ = 'Seen'\n__permissions__ = [\"network\"]\n";
        let h = read_manifest(py, Kind::Py);
        assert_eq!(
            (
                h["name"].as_str(),
                h["version"].as_str(),
                h["permissions"].as_str()
            ),
            ("Seen", "2.0.0", "network")
        );
    }
}
