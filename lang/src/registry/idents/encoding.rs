//! Hashing and encoding identifiers: `$md5`, `$sha1`, `$sha256`, `$sha384`, `$sha512`, `$crc`,
//! `$hmac`, `$encode`, `$decode`.
//!
//! Text is UTF-8 encoded before hashing or encoding. `N=2` hashes a file inside the files
//! folder (a missing or refused file gives `$null`, or `00000000` for `$crc`); `N=1`
//! (`&binvar`) and the Blowfish and Z85 encodings are not supported and give `$null`.

use crate::error::RunResult;
use crate::registry::idents::file::resolve_for;
use crate::registry::idents::text::charge_len;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::Value;
use base64::Engine as _;
use sha2::Digest;

/// The encoding family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "md5",
        arity: Arity::range(1, 2),
        run: md5,
    },
    IdentSpec {
        name: "sha1",
        arity: Arity::range(1, 2),
        run: sha1,
    },
    IdentSpec {
        name: "sha256",
        arity: Arity::range(1, 2),
        run: sha256,
    },
    IdentSpec {
        name: "sha384",
        arity: Arity::range(1, 2),
        run: sha384,
    },
    IdentSpec {
        name: "sha512",
        arity: Arity::range(1, 2),
        run: sha512,
    },
    IdentSpec {
        name: "crc",
        arity: Arity::range(1, 2),
        run: crc,
    },
    IdentSpec {
        name: "hmac",
        arity: Arity::range(3, 4),
        run: hmac,
    },
    IdentSpec {
        name: "encode",
        arity: Arity::range(1, 3),
        run: encode,
    },
    IdentSpec {
        name: "decode",
        arity: Arity::range(1, 3),
        run: decode,
    },
];

/// The hash algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Algo {
    /// The algorithm named `name` (`md5`, `sha1`, `sha256`…).
    fn named(name: &str) -> Option<Algo> {
        match name.to_ascii_lowercase().as_str() {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" => Some(Algo::Sha256),
            "sha384" => Some(Algo::Sha384),
            "sha512" => Some(Algo::Sha512),
            _ => None,
        }
    }

    /// The digest of `data`.
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algo::Md5 => md5::Md5::digest(data).to_vec(),
            Algo::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Algo::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Algo::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Algo::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// The block size, for HMAC.
    fn block(self) -> usize {
        match self {
            Algo::Md5 | Algo::Sha1 | Algo::Sha256 => 64,
            Algo::Sha384 | Algo::Sha512 => 128,
        }
    }
}

/// Lower-case hex of `b`.
fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// The data an identifier works on: text (N=0), a file (N=2), or nothing (N=1, binvars).
fn input(cx: &mut Cx, a: &Args<'_>, mode_i: usize, default_mode: i64) -> Option<Vec<u8>> {
    let mode = if a.has(mode_i) {
        a.int(mode_i)
    } else {
        default_mode
    };
    match mode {
        0 => Some(a.text(0).as_bytes().to_vec()),
        2 => {
            let path = resolve_for(cx, &a.text(0), false).ok()?;
            std::fs::read(path).ok()
        }
        _ => None,
    }
}

/// Shared body of the hash identifiers.
fn hash_ident(cx: &mut Cx, a: &Args<'_>, algo: Algo) -> RunResult<Value> {
    let Some(data) = input(cx, a, 1, 0) else {
        return Ok(Value::Null);
    };
    charge_len(cx, data.len())?;
    Ok(Value::from_string(hex(&algo.digest(&data))))
}

/// `$md5(data [, N])`: MD5 in hex (N: 0 text, 2 file); `$md5(abc)` → `900150983cd24fb0d6963f7d28e17f72`.
fn md5(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    hash_ident(cx, a, Algo::Md5)
}

/// `$sha1(data [, N])`: SHA-1 in hex; `$sha1(abc)` → `a9993e364706816aba3e25717850c26c9cd0d89d`.
fn sha1(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    hash_ident(cx, a, Algo::Sha1)
}

/// `$sha256(data [, N])`: SHA-256 in hex; `$sha256(abc)` → `ba7816bf…15ad`.
fn sha256(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    hash_ident(cx, a, Algo::Sha256)
}

/// `$sha384(data [, N])`: SHA-384 in hex; `$sha384(abc)` → `cb00753f…a7`.
fn sha384(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    hash_ident(cx, a, Algo::Sha384)
}

/// `$sha512(data [, N])`: SHA-512 in hex; `$sha512(abc)` → `ddaf35a1…a54ca49f`.
fn sha512(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    hash_ident(cx, a, Algo::Sha512)
}

/// `$crc(data [, N])`: CRC-32 as 8 upper-case hex digits; N defaults to 2 (a file, missing →
/// `00000000`); empty text gives `$null`; `$crc(abc,0)` → `352441C2`.
fn crc(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let mode = if a.has(1) { a.int(1) } else { 2 };
    if mode == 0 && a.text(0).is_empty() {
        return Ok(Value::Null);
    }
    let data = match input(cx, a, 1, 2) {
        Some(d) => d,
        None if mode == 2 => return Ok(Value::text("00000000")),
        None => return Ok(Value::Null),
    };
    charge_len(cx, data.len())?;
    Ok(Value::from_string(format!(
        "{:08X}",
        crc32fast::hash(&data)
    )))
}

/// `$hmac(data, key, hash [, N])`: HMAC in hex with hash md5/sha1/sha256/sha384/sha512;
/// `$hmac(,,md5)` → `74e6f7298a9c2d168935f58c001bad88`.
fn hmac(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let Some(algo) = Algo::named(&a.text(2)) else {
        return Ok(Value::Null);
    };
    let Some(data) = input(cx, a, 3, 0) else {
        return Ok(Value::Null);
    };
    charge_len(cx, data.len())?;
    let mut key = a.text(1).as_bytes().to_vec();
    if key.len() > algo.block() {
        key = algo.digest(&key);
    }
    key.resize(algo.block(), 0);
    let mut inner: Vec<u8> = key.iter().map(|k| k ^ 0x36).collect();
    inner.extend_from_slice(&data);
    let mut outer: Vec<u8> = key.iter().map(|k| k ^ 0x5c).collect();
    outer.extend_from_slice(&algo.digest(&inner));
    Ok(Value::from_string(hex(&algo.digest(&outer))))
}

// ---------------------------------------------------------------------------------------------
// Encodings.

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 with `=` padding.
fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(char::from(BASE32[((v >> (35 - i * 5)) & 31) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base32 (case-insensitive, padding optional); `None` on a bad character.
fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut nbits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
    {
        let v = BASE32.iter().position(|&x| x == c.to_ascii_uppercase())? as u32;
        acc = (acc << 5) | v;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push((acc >> nbits) as u8);
            acc &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

/// One uuencoded character for a 6-bit value (0 is written as a backquote).
fn uu_char(v: u8) -> char {
    if v == 0 {
        '`'
    } else {
        char::from(32 + v)
    }
}

/// uuencode: lines of up to 45 bytes, each a length character plus 4 characters per 3 bytes,
/// concatenated without line breaks.
fn uu_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for line in data.chunks(45) {
        out.push(uu_char(line.len() as u8));
        for g in line.chunks(3) {
            let b = [g[0], *g.get(1).unwrap_or(&0), *g.get(2).unwrap_or(&0)];
            out.push(uu_char(b[0] >> 2));
            out.push(uu_char(((b[0] & 3) << 4) | (b[1] >> 4)));
            out.push(uu_char(((b[1] & 15) << 2) | (b[2] >> 6)));
            out.push(uu_char(b[2] & 63));
        }
    }
    out
}

/// Decodes [`uu_encode`] output (line breaks between lines are also accepted).
fn uu_decode(text: &str) -> Option<Vec<u8>> {
    let b: Vec<u8> = text.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    let val = |c: u8| (c.wrapping_sub(32)) & 63;
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let n = usize::from(val(b[i]));
        i += 1;
        if n == 0 {
            break;
        }
        let chars = n.div_ceil(3) * 4;
        let body = b.get(i..i + chars)?;
        let mut line = Vec::with_capacity(n + 2);
        for g in body.chunks(4) {
            let v: Vec<u8> = g.iter().map(|&c| val(c)).collect();
            line.push((v[0] << 2) | (v[1] >> 4));
            line.push((v[1] << 4) | (v[2] >> 2));
            line.push((v[2] << 6) | v[3]);
        }
        line.truncate(n);
        out.extend_from_slice(&line);
        i += chars;
    }
    Some(out)
}

/// Decoded bytes as text: UTF-8 when valid, else one character per byte.
fn bytes_text(b: Vec<u8>) -> String {
    match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&x| char::from(x)).collect(),
    }
}

/// The encoding letter chosen by the options: `m`, `a` or `u` (default); `None` for
/// unsupported ones (binvars, Blowfish, Z85).
fn scheme(a: &Args<'_>) -> Option<char> {
    let opts = a.text(1);
    if opts.contains(['b', 'c', 'e', 'v', 'l']) {
        return None;
    }
    Some(if opts.contains('m') {
        'm'
    } else if opts.contains('a') {
        'a'
    } else {
        'u'
    })
}

/// `$encode(text [, m|a|u])`: base64 (`m`), base32 (`a`) or uuencode (`u`, default) of the
/// UTF-8 text; `$encode(abc,m)` → `YWJj`.
fn encode(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let Some(s) = scheme(a) else {
        return Ok(Value::Null);
    };
    let text = a.text(0);
    charge_len(cx, text.len())?;
    let data = text.as_bytes();
    let out = match s {
        'm' => base64::engine::general_purpose::STANDARD.encode(data),
        'a' => base32_encode(data),
        _ => uu_encode(data),
    };
    Ok(Value::from_string(out))
}

/// `$decode(text [, m|a|u])`: the inverse of `$encode`; `$decode(YWJj,m)` → `abc`.
fn decode(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let Some(s) = scheme(a) else {
        return Ok(Value::Null);
    };
    let text = a.text(0);
    charge_len(cx, text.len())?;
    let bytes = match s {
        'm' => {
            let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .or_else(|_| {
                    base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(clean.trim_end_matches('='))
                })
                .ok()
        }
        'a' => base32_decode(&text),
        _ => uu_decode(&text),
    };
    Ok(bytes.map_or(Value::Null, |b| Value::from_string(bytes_text(b))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::idents::text::tests::call;

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("md5", &["abc"], "900150983cd24fb0d6963f7d28e17f72"),
            ("md5", &["abc", "0"], "900150983cd24fb0d6963f7d28e17f72"),
            ("sha1", &["abc"], "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                "sha1",
                &["abc", "0"],
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            ("sha1", &[""], "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "sha256",
                &["abc"],
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            ("crc", &["abc", "0"], "352441C2"),
            ("crc", &["ABC", "0"], "A3830348"),
            ("crc", &["é", "0"], "0E048D3E"),
            ("crc", &["abc"], "00000000"),
            ("crc", &["", "0"], ""),
            ("encode", &["abc", "m"], "YWJj"),
            ("encode", &["ab", "m"], "YWI="),
            ("encode", &["18000", "m"], "MTgwMDA="),
            ("decode", &["YWJj", "m"], "abc"),
            ("decode", &["MTgwMDA=", "m"], "18000"),
            ("decode", &["aGVsbG8gd29ybGQ=", "m"], "hello world"),
            ("encode", &["abc"], "#86)C"),
            ("decode", &["#86)C"], "abc"),
            ("encode", &["foobar", "a"], "MZXW6YTBOI======"),
            ("decode", &["MZXW6YTBOI======", "a"], "foobar"),
            ("hmac", &["", "", "md5"], "74e6f7298a9c2d168935f58c001bad88"),
            (
                "hmac",
                &[
                    "The quick brown fox jumps over the lazy dog",
                    "key",
                    "sha256",
                ],
                "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            ),
        ];
        for (name, args, want) in rows {
            assert_eq!(call(name, args), *want, "${name}({})", args.join(","));
        }
    }

    #[test]
    fn round_trips() {
        let long = "x".repeat(100) + "é☃";
        for s in ["", "a", "ab", "abcd", "hello world", long.as_str()] {
            assert_eq!(uu_decode(&uu_encode(s.as_bytes())).unwrap(), s.as_bytes());
            assert_eq!(
                base32_decode(&base32_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(call("decode", &[&call("encode", &[&long, "m"]), "m"]), long);
    }
}
