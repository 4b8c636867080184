//! Script values: mIRC strings in meaning, numbers kept typed while they can be.
//!
//! Every value prints exactly as mIRC would print it: integers plainly, other numbers with at
//! most six decimals (see [`format_num`]). Text that looks numeric is parsed on demand.
//! This module does not evaluate anything; it only converts.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

/// The largest integer a double holds exactly; beyond it mIRC's arithmetic loses precision,
/// so integer results outside ±2^53 are computed as doubles.
pub const MAX_EXACT: i64 = 1 << 53;

/// One script value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `$null`: the empty string.
    #[default]
    Null,
    /// An integral number within ±2^53.
    Int(i64),
    /// Any other number.
    Num(f64),
    /// Text.
    Str(Rc<str>),
}

impl Value {
    /// A text value; the empty string becomes `Null`.
    pub fn text(s: impl AsRef<str>) -> Value {
        let s = s.as_ref();
        if s.is_empty() {
            Value::Null
        } else {
            Value::Str(Rc::from(s))
        }
    }

    /// A value from an owned string.
    pub fn from_string(s: String) -> Value {
        if s.is_empty() {
            Value::Null
        } else {
            Value::Str(Rc::from(s))
        }
    }

    /// A number, kept as `Int` when integral and exact.
    pub fn num(x: f64) -> Value {
        if x.fract() == 0.0 && x.abs() < MAX_EXACT as f64 {
            #[allow(clippy::cast_possible_truncation)]
            Value::Int(x as i64)
        } else {
            Value::Num(x)
        }
    }

    /// An integer; falls back to a double outside ±2^53 as mIRC would.
    pub fn int(i: i64) -> Value {
        if i.abs() <= MAX_EXACT {
            Value::Int(i)
        } else {
            #[allow(clippy::cast_precision_loss)]
            Value::Num(i as f64)
        }
    }

    /// `$true` / `$false`.
    pub fn bool(b: bool) -> Value {
        Value::Str(Rc::from(if b { "$true" } else { "$false" }))
    }

    /// The value as text.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            Value::Null => Cow::Borrowed(""),
            Value::Str(s) => Cow::Borrowed(s),
            Value::Int(i) => {
                let mut s = String::with_capacity(20);
                write_int(*i, &mut s);
                Cow::Owned(s)
            }
            Value::Num(x) => Cow::Owned(format_num(*x)),
        }
    }

    /// Appends the value's text to `out` without an intermediate allocation for numbers.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Value::Null => {}
            Value::Str(s) => out.push_str(s),
            Value::Int(i) => write_int(*i, out),
            Value::Num(x) => out.push_str(&format_num(*x)),
        }
    }

    /// The length of the value's text when that is known without formatting (text), or an
    /// upper bound (numbers); for sizing buffers.
    pub fn len_hint(&self) -> usize {
        match self {
            Value::Null => 0,
            Value::Str(s) => s.len(),
            Value::Int(_) => 20,
            Value::Num(_) => 24,
        }
    }

    /// True for `$null` and the empty string.
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Str(s) => s.is_empty(),
            _ => false,
        }
    }

    /// The number this value denotes when the whole text is a plain number
    /// (optional sign, digits, optional decimals), else `None`.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Int(i) =>
            {
                #[allow(clippy::cast_precision_loss)]
                Some(*i as f64)
            }
            Value::Num(x) => Some(*x),
            Value::Null => None,
            Value::Str(s) => parse_plain_number(s),
        }
    }

    /// Like [`Value::as_number`] but returns the typed value (`Int` kept).
    pub fn to_numeric(&self) -> Option<Value> {
        match self {
            Value::Int(_) | Value::Num(_) => Some(self.clone()),
            Value::Null => None,
            Value::Str(s) => {
                if let Some(i) = parse_plain_int(s) {
                    return Some(Value::Int(i));
                }
                parse_plain_number(s).map(Value::num)
            }
        }
    }

    /// mIRC's numeric reading of text for arithmetic: the leading number, or 0
    /// (`1abc` is 1, `abc` is 0).
    pub fn to_f64_lenient(&self) -> f64 {
        match self {
            Value::Int(i) => {
                #[allow(clippy::cast_precision_loss)]
                let x = *i as f64;
                x
            }
            Value::Num(x) => *x,
            Value::Null => 0.0,
            Value::Str(s) => leading_number(s).0,
        }
    }

    /// Integer reading for counts and positions: the leading number truncated toward zero.
    pub fn to_i64_lenient(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            other => {
                let x = other.to_f64_lenient();
                if x.is_finite() {
                    #[allow(clippy::cast_possible_truncation)]
                    let i = x.trunc() as i64;
                    i
                } else {
                    0
                }
            }
        }
    }

    /// mIRC truth: false for `$false`, `$null` and any zero number (`0`, `000`, `0.00`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Int(i) => *i != 0,
            Value::Num(x) => *x != 0.0,
            Value::Str(s) => {
                if s.is_empty() || s.eq_ignore_ascii_case("$false") {
                    return false;
                }
                match parse_plain_number(s) {
                    Some(x) => x != 0.0,
                    None => true,
                }
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::text(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::from_string(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::num(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::bool(b)
    }
}

/// Formats a number as mIRC prints it: integers plainly; otherwise add 0.0000005 away from zero
/// (in double arithmetic) and truncate to six decimals, dropping trailing zeros and a bare `.`.
/// `$calc(10/3)` → `3.333333`, `$calc(8589934592 + .999999)` → `8589934592.999998`.
/// Appends the decimal digits of `i`.
pub fn write_int(i: i64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push('-');
    }
    // The buffer holds ASCII digits only.
    out.push_str(std::str::from_utf8(&buf[at..]).unwrap_or_default());
}

pub fn format_num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    if x.fract() == 0.0 {
        if x == 0.0 {
            return "0".to_string();
        }
        return format!("{x:.0}");
    }
    let y = x + 0.000_000_5_f64.copysign(x);
    let s = format!("{y:.30}");
    let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.get(..6).unwrap_or(frac).trim_end_matches('0');
    let mut out = String::with_capacity(int_part.len() + 7);
    if frac.is_empty() {
        if int_part == "-0" {
            return "0".to_string();
        }
        out.push_str(int_part);
    } else {
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Parses a whole-text plain integer (`-12`, `+3`, `007`) that fits ±2^53.
pub fn parse_plain_int(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 17 {
        return None;
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(if neg { -v } else { v })
}

/// Parses a whole-text plain number: optional sign, digits, optional `.digits`
/// (`1.5`, `-.5`, `3.`). No exponent, no spaces.
pub fn parse_plain_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let start = usize::from(b[0] == b'-' || b[0] == b'+');
    let mut digits = 0;
    let mut dot = false;
    for &c in &b[start..] {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c == b'.' && !dot {
            dot = true;
        } else {
            return None;
        }
    }
    if digits == 0 {
        return None;
    }
    s.parse::<f64>().ok().or_else(|| {
        // Forms like "3." or "-.5" that Rust's parser may reject.
        let t = s.trim_end_matches('.');
        t.parse::<f64>().ok()
    })
}

/// Reads the leading number of `s` (after optional spaces): sign, digits, decimals.
/// Returns the number (0 when none) and the bytes consumed.
pub fn leading_number(s: &str) -> (f64, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let start = i;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        let mut j = i + 1;
        let mut frac = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
            frac += 1;
        }
        if frac > 0 || digits > 0 {
            i = j;
            digits += frac;
        }
    }
    if digits == 0 {
        return (0.0, 0);
    }
    let x = s[start..i].parse::<f64>().unwrap_or(0.0);
    (x, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_mirc() {
        assert_eq!(format_num(10.0 / 3.0), "3.333333");
        assert_eq!(format_num(0.125), "0.125");
        assert_eq!(format_num(2.5), "2.5");
        assert_eq!(format_num(900_719_925_474_099.3), "900719925474099.25");
        assert_eq!(format_num(8_589_934_592.0 + 0.999_999), "8589934592.999998");
        assert_eq!(format_num(0.111_111_1 * 6.0), "0.666667");
        assert_eq!(format_num(-0.58), "-0.58");
        assert_eq!(format_num(9_007_199_254_740_992.0), "9007199254740992");
        assert_eq!(format_num(-0.0000001), "0");
    }

    #[test]
    fn truth() {
        for f in ["0", "000", "0.00", "$false", ""] {
            assert!(!Value::text(f).truthy(), "{f}");
        }
        for t in ["abc", "-1", "$true", "0x"] {
            assert!(Value::text(t).truthy(), "{t}");
        }
    }

    #[test]
    fn leading_numbers() {
        assert_eq!(leading_number("1abc").0, 1.0);
        assert_eq!(leading_number("abc").0, 0.0);
        assert_eq!(leading_number("-2.5x").0, -2.5);
    }
}
