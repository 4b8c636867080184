//! mIRC formatting codes in a shown line, split into runs of text with one style each:
//! colour (`\x03` with a foreground and optional background, 0–98), bold (`\x02`),
//! italic (`\x1d`), underline (`\x1f`), reverse (`\x16`) and reset (`\x0f`).
//! Pure: it knows nothing of egui; the message view turns each [`Span`] into a text format.

/// The style of a run of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// The foreground colour index (0–98), if set.
    pub fg: Option<u8>,
    /// The background colour index (0–98), if set.
    pub bg: Option<u8>,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
    /// Foreground and background swapped.
    pub reverse: bool,
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text, without formatting codes.
    pub text: String,
    /// Its style.
    pub style: Style,
}

/// Reads up to two digits at the start of `s` as a colour number (0–98; 99 means "default",
/// as in mIRC, and is returned as `None` inside `Some`).
fn colour_number(s: &str) -> Option<(Option<u8>, usize)> {
    let digits = s.bytes().take(2).take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n: u8 = s[..digits].parse().ok()?;
    Some(((n < 99).then_some(n), digits))
}

/// Splits `line` into styled runs. Codes that set nothing (a bare `\x03`) reset the colours,
/// as in mIRC; unknown control characters are dropped.
pub fn spans(line: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut style = Style::default();
    let mut text = String::new();
    let mut rest = line;
    let flush = |text: &mut String, style: Style, out: &mut Vec<Span>| {
        if !text.is_empty() {
            out.push(Span {
                text: std::mem::take(text),
                style,
            });
        }
    };
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\x02' | '\x1d' | '\x1f' | '\x16' | '\x0f' | '\x03' => {
                flush(&mut text, style, &mut out);
            }
            _ => {}
        }
        match c {
            '\x02' => style.bold = !style.bold,
            '\x1d' => style.italic = !style.italic,
            '\x1f' => style.underline = !style.underline,
            '\x16' => style.reverse = !style.reverse,
            '\x0f' => style = Style::default(),
            '\x03' => match colour_number(rest) {
                Some((fg, n)) => {
                    style.fg = fg;
                    rest = &rest[n..];
                    if let Some(after) = rest.strip_prefix(',') {
                        if let Some((bg, n)) = colour_number(after) {
                            style.bg = bg;
                            rest = &after[n..];
                        }
                    }
                }
                None => {
                    style.fg = None;
                    style.bg = None;
                }
            },
            c if c.is_control() && c != '\t' => {}
            c => text.push(c),
        }
    }
    flush(&mut text, style, &mut out);
    out
}

/// The text of `line` without formatting codes (what search and copying see).
pub fn strip(line: &str) -> String {
    spans(line).into_iter().map(|s| s.text).collect()
}

/// The RGB colour of mIRC colour `n` (0–98): the 16 classic colours, then the 83 extended
/// ones of mIRC 7 (<https://modern.ircdocs.horse/formatting.html#colors-16-98>).
pub fn rgb(n: u8) -> [u8; 3] {
    const TABLE: [u32; 99] = [
        0xffffff, 0x000000, 0x00007f, 0x009300, 0xff0000, 0x7f0000, 0x9c009c, 0xfc7f00, 0xffff00,
        0x00fc00, 0x009393, 0x00ffff, 0x0000fc, 0xff00ff, 0x7f7f7f, 0xd2d2d2, 0x470000, 0x472100,
        0x474700, 0x324700, 0x004700, 0x00472c, 0x004747, 0x002747, 0x000047, 0x2e0047, 0x470047,
        0x47002a, 0x740000, 0x743a00, 0x747400, 0x517400, 0x007400, 0x007449, 0x007474, 0x004074,
        0x000074, 0x4b0074, 0x740074, 0x740045, 0xb50000, 0xb56300, 0xb5b500, 0x7db500, 0x00b500,
        0x00b571, 0x00b5b5, 0x0063b5, 0x0000b5, 0x7500b5, 0xb500b5, 0xb5006b, 0xff0000, 0xff8c00,
        0xffff00, 0xb2ff00, 0x00ff00, 0x00ffa0, 0x00ffff, 0x008cff, 0x0000ff, 0xa500ff, 0xff00ff,
        0xff0098, 0xff5959, 0xffb459, 0xffff71, 0xcfff60, 0x6fff6f, 0x65ffc9, 0x6dffff, 0x59b4ff,
        0x5959ff, 0xc459ff, 0xff66ff, 0xff59bc, 0xff9c9c, 0xffd39c, 0xffff9c, 0xe2ff9c, 0x9cff9c,
        0x9cffdb, 0x9cffff, 0x9cd3ff, 0x9c9cff, 0xdc9cff, 0xff9cff, 0xff94d3, 0x000000, 0x131313,
        0x282828, 0x363636, 0x4d4d4d, 0x656565, 0x818181, 0x9f9f9f, 0xbcbcbc, 0xe2e2e2, 0xffffff,
    ];
    let v = TABLE[usize::from(n.min(98))];
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// The colour index a nick is drawn in: the same nick always gets the same one, chosen among
/// the classic colours that read on both light and dark backgrounds.
pub fn nick_colour(nick: &str) -> u8 {
    const READABLE: [u8; 8] = [3, 4, 6, 7, 10, 12, 13, 5];
    let h = nick
        .to_ascii_lowercase()
        .bytes()
        .fold(5381u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    READABLE[(h % 8) as usize]
}

#[cfg(test)]
mod tests {
    //! Every code mIRC scripts use splits the text where it should and styles each run.
    use super::*;

    fn st(f: impl FnOnce(&mut Style)) -> Style {
        let mut s = Style::default();
        f(&mut s);
        s
    }

    #[test]
    fn plain_text_is_one_span() {
        assert_eq!(
            spans("hello"),
            vec![Span {
                text: "hello".into(),
                style: Style::default()
            }]
        );
        assert!(spans("").is_empty());
    }

    #[test]
    fn bold_italic_underline_reverse_toggle_and_reset() {
        let s = spans("a\x02b\x1dc\x1fd\x16e\x0ff\x02\x02g");
        let texts: Vec<_> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c", "d", "e", "f", "g"]);
        assert_eq!(s[1].style, st(|s| s.bold = true));
        assert_eq!(
            s[4].style,
            st(|s| {
                s.bold = true;
                s.italic = true;
                s.underline = true;
                s.reverse = true;
            })
        );
        assert_eq!(s[5].style, Style::default());
        assert_eq!(s[6].style, Style::default());
    }

    #[test]
    fn colours_with_and_without_background() {
        let s = spans("\x034red\x0312,1blue on black\x03plain\x0398x\x0399,99d");
        assert_eq!(s[0].text, "red");
        assert_eq!(s[0].style.fg, Some(4));
        assert_eq!(s[1].text, "blue on black");
        assert_eq!((s[1].style.fg, s[1].style.bg), (Some(12), Some(1)));
        assert_eq!(s[2].text, "plain");
        assert_eq!((s[2].style.fg, s[2].style.bg), (None, None));
        assert_eq!(s[3].style.fg, Some(98));
        assert_eq!((s[4].style.fg, s[4].style.bg), (None, None));
    }

    #[test]
    fn a_comma_without_a_number_is_text() {
        let s = spans("\x035,hello");
        assert_eq!(s[0].text, ",hello");
        assert_eq!(s[0].style.fg, Some(5));
        assert_eq!(s[0].style.bg, None);
        // Three digits: the third is text.
        assert_eq!(spans("\x03123")[0].text, "3");
    }

    #[test]
    fn strip_and_other_controls() {
        assert_eq!(strip("\x02bold\x02 \x034,5col\x03 a\x07b"), "bold col ab");
        assert_eq!(rgb(0), [255, 255, 255]);
        assert_eq!(rgb(4), [255, 0, 0]);
        assert_eq!(rgb(98), [255, 255, 255]);
        assert_eq!(nick_colour("Alice"), nick_colour("alice"));
    }
}
