//! Time identifiers: `$ctime`, `$asctime`, `$gmt`, `$time`, `$date`, `$duration`, `$ticks`…
//!
//! The clock comes from the host (`now_ms`, `ticks_ms`) so tests can freeze it. Local time is
//! treated as UTC everywhere: `$timezone` and `$daylight` are 0, and `$asctime` formats exactly
//! like `$gmt`. Calendar conversion is a small self-contained days-from-civil algorithm
//! (Howard Hinnant's), valid for the whole proleptic Gregorian calendar.

use crate::error::RunResult;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::{parse_plain_number, Value};

/// The time family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "gmt",
        arity: Arity::range(0, 2),
        run: gmt,
    },
    IdentSpec {
        name: "asctime",
        arity: Arity::range(0, 2),
        run: asctime,
    },
    IdentSpec {
        name: "fulldate",
        arity: Arity::exact(0),
        run: fulldate,
    },
    IdentSpec {
        name: "time",
        arity: Arity::range(0, 1),
        run: time,
    },
    IdentSpec {
        name: "date",
        arity: Arity::range(0, 2),
        run: date,
    },
    IdentSpec {
        name: "adate",
        arity: Arity::exact(0),
        run: adate,
    },
    IdentSpec {
        name: "day",
        arity: Arity::exact(0),
        run: day,
    },
    IdentSpec {
        name: "ctime",
        arity: Arity::range(0, 1),
        run: ctime,
    },
    IdentSpec {
        name: "duration",
        arity: Arity::range(1, 2),
        run: duration,
    },
    IdentSpec {
        name: "ticks",
        arity: Arity::exact(0),
        run: ticks,
    },
    IdentSpec {
        name: "ticksqpc",
        arity: Arity::exact(0),
        run: ticks,
    },
    IdentSpec {
        name: "timezone",
        arity: Arity::exact(0),
        run: zero,
    },
    IdentSpec {
        name: "daylight",
        arity: Arity::exact(0),
        run: zero,
    },
    IdentSpec {
        name: "timestamp",
        arity: Arity::exact(0),
        run: timestamp,
    },
    IdentSpec {
        name: "timestampfmt",
        arity: Arity::exact(0),
        run: timestampfmt,
    },
];

/// mIRC's default `$asctime` / `$gmt` format.
const DEFAULT_FMT: &str = "ddd mmm dd HH:nn:ss yyyy";
/// mIRC's default timestamp format.
const STAMP_FMT: &str = "[HH:nn]";

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// ---------------------------------------------------------------------------------------------
// Calendar.

/// Days since 1970-01-01 of the civil date `y-m-d` (m 1–12).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(y, m, d)` of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tm {
    pub year: i64,
    /// 1–12.
    pub month: i64,
    /// 1–31.
    pub day: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    /// 0 = Sunday.
    pub wday: i64,
}

impl Tm {
    /// The UTC time of a ctime (seconds since 1970).
    pub(crate) fn from_ctime(t: i64) -> Tm {
        let days = t.div_euclid(86_400);
        let secs = t.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Tm {
            year,
            month,
            day,
            hour: secs / 3600,
            min: secs / 60 % 60,
            sec: secs % 60,
            wday: (days + 4).rem_euclid(7),
        }
    }
}

/// The ordinal suffix of a day number (`st`, `nd`, `rd`, `th`).
fn ord_suffix(n: i64) -> &'static str {
    if (n % 100) / 10 == 1 {
        return "th";
    }
    match n % 10 {
        1 => "st",
        2 => "nd",
        3 => "rd",
        _ => "th",
    }
}

/// Formats ctime `t` (UTC) with mIRC's format letters, longest match first:
/// `format_time(0, "yyyy-mm-dd")` is `1970-01-01`.
pub(crate) fn format_time(t: i64, fmt: &str) -> String {
    let tm = Tm::from_ctime(t);
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut i = 0;
    let h12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    let pm = tm.hour >= 12;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let (text, used): (String, usize) = match c {
            'd' => match run {
                1 => (tm.day.to_string(), 1),
                2 => (format!("{:02}", tm.day), 2),
                3 => (DAYS[tm.wday as usize][..3].to_string(), 3),
                _ => (DAYS[tm.wday as usize].to_string(), 4),
            },
            'm' => match run {
                1 => (tm.month.to_string(), 1),
                2 => (format!("{:02}", tm.month), 2),
                3 => (MONTHS[(tm.month - 1) as usize][..3].to_string(), 3),
                _ => (MONTHS[(tm.month - 1) as usize].to_string(), 4),
            },
            'y' => match run {
                1 => ("y".to_string(), 1),
                2 | 3 => (format!("{:02}", tm.year.rem_euclid(100)), 2),
                _ => (tm.year.to_string(), 4),
            },
            'h' => match run {
                1 => (h12.to_string(), 1),
                _ => (format!("{h12:02}"), 2),
            },
            'H' => match run {
                1 => (tm.hour.to_string(), 1),
                _ => (format!("{:02}", tm.hour), 2),
            },
            'n' => match run {
                1 => (tm.min.to_string(), 1),
                _ => (format!("{:02}", tm.min), 2),
            },
            's' => match run {
                1 => (tm.sec.to_string(), 1),
                _ => (format!("{:02}", tm.sec), 2),
            },
            't' => match run {
                1 => ((if pm { "p" } else { "a" }).to_string(), 1),
                _ => ((if pm { "pm" } else { "am" }).to_string(), 2),
            },
            'T' => match run {
                1 => ((if pm { "P" } else { "A" }).to_string(), 1),
                _ => ((if pm { "PM" } else { "AM" }).to_string(), 2),
            },
            'o' if run >= 2 => (ord_suffix(tm.day).to_string(), 2),
            'z' => match run {
                1 => ("+0".to_string(), 1),
                2 => ("+00".to_string(), 2),
                _ => ("+0000".to_string(), 3),
            },
            _ => (c.to_string(), 1),
        };
        out.push_str(&text);
        i += used;
    }
    out
}

/// Current ctime from the host clock.
fn now(cx: &mut Cx) -> i64 {
    cx.host.now_ms().div_euclid(1000)
}

/// Argument `i` as a ctime when it is a plain number.
fn ctime_arg(a: &Args<'_>, i: usize) -> Option<i64> {
    match a.vals.get(i)? {
        Value::Int(n) => Some(*n),
        Value::Num(x) => Some(x.trunc() as i64),
        Value::Null => None,
        Value::Str(s) => parse_plain_number(s.trim()).map(|x| x.trunc() as i64),
    }
}

/// Shared body of `$gmt` / `$asctime` with arguments: `(N)`, `(N, fmt)` or `(fmt)`.
fn format_args(cx: &mut Cx, a: &Args<'_>, default: &str) -> Value {
    let (t, fmt) = match ctime_arg(a, 0) {
        Some(t) => (
            t,
            if a.has(1) {
                a.text(1).into_owned()
            } else {
                default.to_string()
            },
        ),
        None => (now(cx), a.text(0).into_owned()),
    };
    Value::from_string(format_time(t, &fmt))
}

// ---------------------------------------------------------------------------------------------
// Identifiers.

/// `$gmt` / `$gmt(N [, fmt])`: the current UTC ctime, or N formatted in UTC;
/// `$gmt(0)` → `Thu Jan 01 00:00:00 1970`.
fn gmt(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.is_empty() {
        return Ok(Value::int(now(cx)));
    }
    Ok(format_args(cx, a, DEFAULT_FMT))
}

/// `$asctime([N,] fmt)`: a ctime as text (local time is UTC here);
/// `$asctime(0,yyyy)` → `1970`.
fn asctime(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.is_empty() {
        let t = now(cx);
        return Ok(Value::from_string(format_time(t, DEFAULT_FMT)));
    }
    Ok(format_args(cx, a, DEFAULT_FMT))
}

/// `$fulldate`: the current time in the default `$asctime` format.
fn fulldate(cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    let t = now(cx);
    Ok(Value::from_string(format_time(t, DEFAULT_FMT)))
}

/// `$time` / `$time(fmt)`: the current time, `HH:nn:ss` by default.
fn time(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let t = now(cx);
    let fmt = if a.has(0) {
        a.text(0).into_owned()
    } else {
        "HH:nn:ss".to_string()
    };
    Ok(Value::from_string(format_time(t, &fmt)))
}

/// `$date` / `$date(fmt)` / `$date(N, fmt)`: a date, `dd/mm/yyyy` by default.
fn date(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.is_empty() {
        let t = now(cx);
        return Ok(Value::from_string(format_time(t, "dd/mm/yyyy")));
    }
    Ok(format_args(cx, a, "dd/mm/yyyy"))
}

/// `$adate`: the current date as `mm/dd/yyyy`.
fn adate(cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    let t = now(cx);
    Ok(Value::from_string(format_time(t, "mm/dd/yyyy")))
}

/// `$day`: the current weekday name, e.g. `Friday`.
fn day(cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    let t = now(cx);
    Ok(Value::from_string(format_time(t, "dddd")))
}

/// `$ctime` / `$ctime(text)`: the current ctime, or a date text converted to one
/// (`n/n/n` is day/month/year); `$ctime(13/02/2009 23:31:30)` → `1234567890`.
fn ctime(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.is_empty() {
        return Ok(Value::int(now(cx)));
    }
    let today = Tm::from_ctime(now(cx));
    Ok(parse_date(&a.text(0), today.year).map_or(Value::Null, Value::int))
}

/// The month number of a month name or its first three letters.
fn month_of(w: &str) -> Option<i64> {
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.len() >= w.len() && m[..w.len()].eq_ignore_ascii_case(w))
        .map(|i| i as i64 + 1)
}

/// Whether `w` is a weekday name or abbreviation.
fn is_weekday(w: &str) -> bool {
    w.len() >= 3
        && DAYS
            .iter()
            .any(|d| d.len() >= w.len() && d[..w.len()].eq_ignore_ascii_case(w))
}

/// A two-digit year completed: `< 70` → 20xx, else 19xx.
fn full_year(y: i64, digits: usize) -> i64 {
    if digits <= 2 {
        if y < 70 {
            2000 + y
        } else {
            1900 + y
        }
    } else {
        y
    }
}

/// Parses a date text into a ctime (UTC). Accepts `dd/mm/yyyy`, `yyyy-mm-dd[Thh:nn:ss]`,
/// `ddd mmm dd hh:nn:ss yyyy`, `dd mmmm yyyy`, `mmmm dd, yyyy`, times with `am`/`pm`.
pub(crate) fn parse_date(text: &str, this_year: i64) -> Option<i64> {
    let (mut y, mut mo, mut d): (Option<i64>, Option<i64>, Option<i64>) = (None, None, None);
    let (mut hh, mut mi, mut ss) = (0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut any = false;
    let nums = |s: &str, sep: char| -> Option<Vec<(i64, usize)>> {
        s.split(sep)
            .map(|p| p.parse::<i64>().ok().map(|n| (n, p.len())))
            .collect()
    };
    let mut take_time = |s: &str, pm: &mut Option<bool>| -> bool {
        let lower = s.to_ascii_lowercase();
        let (core, suffix) = if let Some(c) = lower.strip_suffix("pm") {
            (c.to_string(), Some(true))
        } else if let Some(c) = lower.strip_suffix("am") {
            (c.to_string(), Some(false))
        } else {
            (lower.clone(), None)
        };
        let core = core.trim_end_matches('z');
        let Some(parts) = nums(core, ':') else {
            return false;
        };
        if parts.len() < 2 || parts.len() > 3 {
            return false;
        }
        hh = parts[0].0;
        mi = parts[1].0;
        ss = parts.get(2).map_or(0, |p| p.0);
        if suffix.is_some() {
            *pm = suffix;
        }
        true
    };
    for raw in text.split([' ', ',', '\t']).filter(|w| !w.is_empty()) {
        let mut words = vec![raw];
        // ISO `2009-02-13T23:31:30`.
        if let Some((l, r)) = raw.split_once(['T', 't']) {
            if l.contains('-') && r.contains(':') {
                words = vec![l, r];
            }
        }
        for w in words {
            let lw = w.to_ascii_lowercase();
            if w.contains(':') {
                if !take_time(w, &mut pm) {
                    return None;
                }
            } else if w.contains('/')
                || (w.contains('-') && w.len() > 2 && !w.starts_with(['+', '-']))
            {
                let sep = if w.contains('/') { '/' } else { '-' };
                let parts: Vec<&str> = w.split(sep).collect();
                if parts.len() != 3 {
                    return None;
                }
                let p: Vec<(i64, usize)> = match parts
                    .iter()
                    .map(|p| p.parse::<i64>().ok().map(|n| (n, p.len())))
                    .collect()
                {
                    Some(v) => v,
                    None => {
                        // `13-Feb-2009`.
                        let m = month_of(parts[1])?;
                        d = Some(parts[0].parse().ok()?);
                        mo = Some(m);
                        y = Some(full_year(parts[2].parse().ok()?, parts[2].len()));
                        any = true;
                        continue;
                    }
                };
                if p[0].1 == 4 {
                    y = Some(p[0].0);
                    mo = Some(p[1].0);
                    d = Some(p[2].0);
                } else {
                    d = Some(p[0].0);
                    mo = Some(p[1].0);
                    y = Some(full_year(p[2].0, p[2].1));
                }
                any = true;
            } else if lw == "am" || lw == "pm" {
                pm = Some(lw == "pm");
            } else if let Some(m) = month_of(&lw) {
                mo = Some(m);
                any = true;
            } else if is_weekday(&lw)
                || matches!(lw.as_str(), "gmt" | "utc" | "z")
                || w.starts_with('+')
            {
            } else if let Ok(n) = lw
                .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .parse::<i64>()
            {
                // `13th`, `2009`, `13`.
                let digits = lw.chars().take_while(char::is_ascii_digit).count();
                if digits >= 3 || n > 31 || d.is_some() {
                    y = Some(full_year(n, digits));
                } else {
                    d = Some(n);
                }
                any = true;
            } else {
                return None;
            }
        }
    }
    if !any {
        return None;
    }
    let (y, mo, d) = (y.unwrap_or(this_year), mo?, d.unwrap_or(1));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    match pm {
        Some(true) if hh < 12 => hh += 12,
        Some(false) if hh == 12 => hh = 0,
        _ => {}
    }
    Some(days_from_civil(y, mo, d) * 86_400 + hh * 3600 + mi * 60 + ss)
}

/// Seconds as `$duration` writes them, `Nwks Ndays Nhrs Nmins Nsecs` (`drop_secs` for N=2,
/// as `$duration(N,2)` and `$uptime(…,2)` write them).
pub fn duration_text(mut n: i64, drop_secs: bool) -> String {
    let neg = n < 0;
    n = n.abs();
    let units: [(i64, &str, &str); 5] = [
        (604_800, "wk", "wks"),
        (86_400, "day", "days"),
        (3600, "hr", "hrs"),
        (60, "min", "mins"),
        (1, "sec", "secs"),
    ];
    let mut parts = Vec::new();
    for (size, one, many) in units {
        if drop_secs && size == 1 {
            break;
        }
        let q = n / size;
        n %= size;
        if q > 0 {
            parts.push(format!("{q}{}", if q == 1 { one } else { many }));
        }
    }
    if parts.is_empty() {
        parts.push(if drop_secs {
            "0mins".to_string()
        } else {
            "0secs".to_string()
        });
    }
    let s = parts.join(" ");
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

/// Parses `64wks 1hr 16mins 50secs` or `H:nn:ss` back into seconds.
fn duration_secs(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.contains(':') && !t.contains(|c: char| c.is_ascii_alphabetic()) {
        let parts: Vec<i64> = t
            .split(':')
            .map(|p| p.trim().parse().ok())
            .collect::<Option<_>>()?;
        return Some(parts.iter().fold(0, |acc, p| acc * 60 + p));
    }
    let b = t.as_bytes();
    let mut i = 0;
    let mut total = 0i64;
    let mut any = false;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let n: i64 = t[start..i].parse().ok()?;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let us = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = t[us..i].to_ascii_lowercase();
        let size = match unit.as_str() {
            "wk" | "wks" | "week" | "weeks" | "w" => 604_800,
            "day" | "days" | "d" => 86_400,
            "hr" | "hrs" | "hour" | "hours" | "h" => 3600,
            "min" | "mins" | "minute" | "minutes" | "m" => 60,
            "sec" | "secs" | "second" | "seconds" | "s" | "" => 1,
            _ => return None,
        };
        total += n * size;
        any = true;
    }
    any.then_some(total)
}

/// `$duration(secs [, N])` / `$duration(text)`: seconds as `Nwks Ndays Nhrs Nmins Nsecs`
/// (N=2 drops seconds, N=3 gives `H:nn:ss`), or such a text back to seconds;
/// `$duration(7384)` → `2hrs 3mins 4secs`.
fn duration(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    match ctime_arg(a, 0) {
        Some(n) => {
            let mode = a.int(1);
            if mode == 3 {
                let m = n.abs();
                let sign = if n < 0 { "-" } else { "" };
                return Ok(Value::from_string(format!(
                    "{sign}{}:{:02}:{:02}",
                    m / 3600,
                    m / 60 % 60,
                    m % 60
                )));
            }
            Ok(Value::from_string(duration_text(n, mode == 2)))
        }
        None => Ok(duration_secs(&a.text(0)).map_or(Value::Null, Value::int)),
    }
}

/// `$ticks`: milliseconds from the host's tick clock.
fn ticks(cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(cx.host.ticks_ms()))
}

/// `$timezone` / `$daylight`: 0, since local time is UTC here.
fn zero(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(0))
}

/// `$timestamp`: the current time in the timestamp format, e.g. `[23:31]`.
fn timestamp(cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    let t = now(cx);
    Ok(Value::from_string(format_time(t, STAMP_FMT)))
}

/// `$timestampfmt`: the timestamp format, `[HH:nn]`.
fn timestampfmt(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text(STAMP_FMT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::idents::text::tests::call;

    #[test]
    fn calendar_round_trip() {
        for z in [-800_000, -1, 0, 1, 59, 60, 365, 10_957, 14_288, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(14_288), (2009, 2, 13));
    }

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("duration", &["38711810"], "64wks 1hr 16mins 50secs"),
            ("duration", &["38711810", "2"], "64wks 1hr 16mins"),
            ("duration", &["38711810", "3"], "10753:16:50"),
            ("duration", &["64wks 1hr 16mins 50secs"], "38711810"),
            ("duration", &["7384"], "2hrs 3mins 4secs"),
            ("duration", &["7204"], "2hrs 4secs"),
            ("duration", &["1209600"], "2wks"),
            ("duration", &["3600"], "1hr"),
            ("duration", &["2hrs 3mins"], "7380"),
            ("duration", &["0"], "0secs"),
            ("gmt", &["0"], "Thu Jan 01 00:00:00 1970"),
            ("gmt", &["1234567890", "yyyy-mm-dd"], "2009-02-13"),
            ("gmt", &["1234567890", "dddd"], "Friday"),
            ("gmt", &["1234567890", "ddd mmm"], "Fri Feb"),
            ("gmt", &["1234567890", "doo"], "13th"),
            ("gmt", &["1234567890", "yy"], "09"),
            ("gmt", &["46800", "h TT"], "1 PM"),
            (
                "gmt",
                &["1000000000", "yyyy-mm-dd HH:nn:ss"],
                "2001-09-09 01:46:40",
            ),
            (
                "gmt",
                &["1234567890", "mmmm d, yyyy hh:nntt"],
                "February 13, 2009 11:31pm",
            ),
            ("gmt", &[], "1234567890"),
            ("ctime", &[], "1234567890"),
            ("asctime", &[], "Fri Feb 13 23:31:30 2009"),
            ("time", &[], "23:31:30"),
            ("date", &[], "13/02/2009"),
            ("adate", &[], "02/13/2009"),
            ("day", &[], "Friday"),
            ("date", &["0", "yyyy"], "1970"),
            ("asctime", &["0", "dd mmmm yyyy"], "01 January 1970"),
            ("timezone", &[], "0"),
            ("ctime", &["13/02/2009 23:31:30"], "1234567890"),
            ("ctime", &["2009-02-13 23:31:30"], "1234567890"),
            ("ctime", &["2009-02-13T23:31:30Z"], "1234567890"),
            ("ctime", &["Fri Feb 13 23:31:30 2009"], "1234567890"),
            ("ctime", &["February 13, 2009 11:31:30pm"], "1234567890"),
            ("ctime", &["1 January 1970"], "0"),
            ("ctime", &["nonsense"], ""),
        ];
        for (name, args, want) in rows {
            assert_eq!(call(name, args), *want, "${name}({})", args.join(","));
        }
    }
}
