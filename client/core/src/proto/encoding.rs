//! Bytes ⇄ text for one IRC line.
//!
//! IRC has no declared encoding. Most networks are UTF-8 today, but old clients still send
//! Windows-1252 or Latin-1, so a line that is not valid UTF-8 is decoded with a legacy
//! encoding instead (the per-network [`Encoding`]). Decoding never fails: every byte maps to
//! some character. Only the two single-byte Western encodings are built in; other legacy
//! encodings (KOI8-R, Shift-JIS …) would need `encoding_rs` and are not implemented yet.
//! This module does not split the byte stream into lines (that is the network codec's job).

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
    }
}

/// Encodes one line under `enc`. Characters a legacy encoding cannot hold become `?`.
pub fn encode_line(text: &str, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Utf8 | Encoding::Utf8Latin1 => text.as_bytes().to_vec(),
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
