//! Bytes ⇄ text for one IRC line.
//!
//! IRC has no declared encoding. Most networks are UTF-8 today, but old clients still send
//! Windows-1252 or Latin-1, so a line that is not valid UTF-8 is decoded with a legacy
//! encoding instead (the per-network [`Encoding`]): Windows-1252 unless the network's
//! configuration names another. A network may also send in a legacy encoding (KOI8-R,
//! Shift_JIS, ISO-8859-15 … — any WHATWG label, through `encoding_rs`). Decoding never
//! fails: every byte maps to some character. This module does not split the byte stream into
//! lines (that is the network codec's job).

/// A network's text encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// Send UTF-8; read UTF-8, and lines that are not valid UTF-8 as Windows-1252.
    #[default]
    Utf8,
    /// Send UTF-8; read UTF-8, and lines that are not valid UTF-8 as ISO-8859-1.
    Utf8Latin1,
    /// Send and read Windows-1252 only.
    Windows1252,
    /// Send and read ISO-8859-1 only.
    Latin1,
    /// Send UTF-8; read UTF-8, and lines that are not valid UTF-8 in this legacy encoding.
    Utf8Or(&'static encoding_rs::Encoding),
    /// Send in this legacy encoding; read UTF-8 when a line is valid UTF-8, else this one.
    Legacy(&'static encoding_rs::Encoding),
}

/// `latin1`, `iso-8859-1` …: real ISO-8859-1 (WHATWG makes these labels Windows-1252).
fn is_latin1(label: &str) -> bool {
    matches!(
        label,
        "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "l1"
    )
}

/// A legacy encoding by label; `None` for unknown labels and the UTF-8/UTF-16 ones.
fn legacy(label: &str) -> Option<&'static encoding_rs::Encoding> {
    encoding_rs::Encoding::for_label_no_replacement(label.as_bytes()).filter(|e| {
        *e != encoding_rs::UTF_8 && *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE
    })
}

impl Encoding {
    /// A network's encoding from its configuration: `encoding`, what the client sends
    /// (`utf-8`, or a legacy encoding's label such as `windows-1252`, `iso-8859-15`,
    /// `koi8-r`, `shift_jis`), and `fallback`, how lines that are not valid UTF-8 are read
    /// when sending UTF-8 (Windows-1252 when not given).
    ///
    /// ```
    /// use rustirc_core::proto::Encoding;
    /// assert_eq!(Encoding::from_config("utf-8", None), Ok(Encoding::Utf8));
    /// assert_eq!(Encoding::from_config("UTF-8", Some("latin1")), Ok(Encoding::Utf8Latin1));
    /// assert!(Encoding::from_config("klingon", None).is_err());
    /// ```
    ///
    /// # Errors
    /// An unknown label, or a fallback given with a legacy `encoding`.
    pub fn from_config(encoding: &str, fallback: Option<&str>) -> Result<Encoding, String> {
        let enc = encoding.trim().to_ascii_lowercase();
        let fb = fallback.map(|f| f.trim().to_ascii_lowercase());
        let unknown = |l: &str| {
            format!(
                "unknown encoding '{l}' (expected utf-8, or a legacy encoding such as \
                 windows-1252, iso-8859-1, iso-8859-15, koi8-r, windows-1251, shift_jis, gbk)"
            )
        };
        if enc == "utf-8" || enc == "utf8" {
            return match fb.as_deref() {
                None | Some("windows-1252" | "cp1252") => Ok(Encoding::Utf8),
                Some(l) if is_latin1(l) => Ok(Encoding::Utf8Latin1),
                Some(l) => legacy(l).map(Encoding::Utf8Or).ok_or_else(|| unknown(l)),
            };
        }
        if fb.is_some() {
            return Err(format!(
                "a fallback encoding goes with encoding \"utf-8\" only (with '{enc}' every \
                 line that is not valid UTF-8 is read as {enc})"
            ));
        }
        if is_latin1(&enc) {
            return Ok(Encoding::Latin1);
        }
        if enc == "windows-1252" || enc == "cp1252" {
            return Ok(Encoding::Windows1252);
        }
        legacy(&enc)
            .map(Encoding::Legacy)
            .ok_or_else(|| unknown(&enc))
    }
}

/// Windows-1252 code points for bytes 0x80..=0x9F (undefined bytes map to the C1 control of
/// the same value, as WHATWG's decoder does).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}', '\u{017D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{9D}', '\u{017E}', '\u{0178}',
];

fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x80..0xA0).contains(&b) {
                CP1252_HIGH[usize::from(b - 0x80)]
            } else {
                char::from(b)
            }
        })
        .collect()
}

fn decode_latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Decodes one line (without CR LF) under `enc`.
///
/// ```
/// use rustirc_core::proto::{decode_line, Encoding};
/// assert_eq!(decode_line("café".as_bytes(), Encoding::Utf8), "café");
/// assert_eq!(decode_line(b"caf\xe9 \x80", Encoding::Utf8), "café €");
/// ```
pub fn decode_line(bytes: &[u8], enc: Encoding) -> String {
    match enc {
        Encoding::Utf8 | Encoding::Utf8Latin1 => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) if enc == Encoding::Utf8 => decode_cp1252(bytes),
            Err(_) => decode_latin1(bytes),
        },
        Encoding::Windows1252 => decode_cp1252(bytes),
        Encoding::Latin1 => decode_latin1(bytes),
        Encoding::Utf8Or(e) | Encoding::Legacy(e) => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => e.decode_without_bom_handling(bytes).0.into_owned(),
        },
    }
}

/// `text` in a legacy encoding; what it cannot hold becomes `?`.
fn encode_legacy(text: &str, enc: &'static encoding_rs::Encoding) -> Vec<u8> {
    use encoding_rs::EncoderResult;
    let mut encoder = enc.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut src = text;
    loop {
        let room = encoder
            .max_buffer_length_from_utf8_without_replacement(src.len())
            .unwrap_or(src.len() * 4 + 16);
        out.reserve(room);
        let (res, read) = encoder.encode_from_utf8_to_vec_without_replacement(src, &mut out, true);
        src = &src[read..];
        match res {
            EncoderResult::InputEmpty => return out,
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(_) => out.push(b'?'),
        }
    }
}

/// Encodes one line under `enc`. Characters a legacy encoding cannot hold become `?`.
pub fn encode_line(text: &str, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Utf8 | Encoding::Utf8Latin1 | Encoding::Utf8Or(_) => text.as_bytes().to_vec(),
        Encoding::Legacy(e) => encode_legacy(text, e),
        Encoding::Windows1252 => text
            .chars()
            .map(|c| match u32::from(c) {
                n @ (0..=0x7F | 0xA0..=0xFF) => u8::try_from(n).unwrap_or(b'?'),
                _ => CP1252_HIGH
                    .iter()
                    .position(|&h| h == c)
                    .and_then(|i| u8::try_from(0x80 + i).ok())
                    .unwrap_or(b'?'),
            })
            .collect(),
        Encoding::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    //! Valid UTF-8 must always win; anything else must decode without loss of bytes.
    use super::*;

    #[test]
    fn decode_table() {
        let cases: &[(&[u8], Encoding, &str)] = &[
            ("héllo ✓".as_bytes(), Encoding::Utf8, "héllo ✓"),
            (b"h\xe9llo", Encoding::Utf8, "héllo"),
            (
                b"\x93quoted\x94 \x80",
                Encoding::Utf8,
                "\u{201C}quoted\u{201D} €",
            ),
            (b"\x80", Encoding::Utf8Latin1, "\u{80}"),
            ("é".as_bytes(), Encoding::Latin1, "Ã©"),
            (b"\x81", Encoding::Windows1252, "\u{81}"),
        ];
        for (bytes, enc, want) in cases {
            assert_eq!(decode_line(bytes, *enc), *want, "{bytes:?} {enc:?}");
        }
    }

    #[test]
    fn legacy_encodings_by_label() {
        let koi = Encoding::from_config("koi8-r", None).unwrap();
        assert_eq!(koi, Encoding::Legacy(encoding_rs::KOI8_R));
        let bytes = encode_line("привет ✓", koi);
        assert_eq!(bytes, b"\xd0\xd2\xc9\xd7\xc5\xd4 ?");
        assert_eq!(decode_line(&bytes[..6], koi), "привет");
        // A UTF-8 line from a modern client still reads as UTF-8.
        assert_eq!(decode_line("привет".as_bytes(), koi), "привет");
        let sjis = Encoding::from_config("Shift_JIS", None).unwrap();
        assert_eq!(decode_line(&encode_line("日本語", sjis), sjis), "日本語");
        // UTF-8 sent, Windows-1251 read where a line is not UTF-8.
        let cyr = Encoding::from_config("utf-8", Some("windows-1251")).unwrap();
        assert_eq!(encode_line("д", cyr), "д".as_bytes());
        assert_eq!(decode_line(b"\xe4", cyr), "д");
        assert_eq!(Encoding::from_config("latin1", None), Ok(Encoding::Latin1));
        assert_eq!(
            Encoding::from_config("cp1252", None),
            Ok(Encoding::Windows1252)
        );
        let e = Encoding::from_config("utf-16", None).unwrap_err();
        assert!(e.starts_with("unknown encoding 'utf-16'"), "{e}");
        let e = Encoding::from_config("koi8-r", Some("latin1")).unwrap_err();
        assert!(e.contains("utf-8"), "{e}");
    }

    #[test]
    fn encode_table() {
        assert_eq!(encode_line("é€", Encoding::Utf8), "é€".as_bytes());
        assert_eq!(encode_line("é€✓", Encoding::Windows1252), b"\xe9\x80?");
        assert_eq!(encode_line("é€", Encoding::Latin1), b"\xe9?");
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(
            encode_line(
                &decode_line(&all, Encoding::Windows1252),
                Encoding::Windows1252
            ),
            all
        );
    }
}
