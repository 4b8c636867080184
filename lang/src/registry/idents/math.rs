//! Number identifiers: `$calc`, rounding, roots and logarithms, trigonometry, random numbers,
//! `$base`, 32-bit bit operations, number theory, `$isnum`, `$bytes` and `$rgb`.
//!
//! Arguments are read leniently (the leading number of the text, `5e6` accepted, else 0).
//! Results are doubles returned through [`Value::num`], so they print the way mIRC prints them;
//! an undefined result (NaN, infinity) gives `$null`.

use crate::calc::calc as calc_text;
use crate::error::RunResult;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::{format_num, Value, MAX_EXACT};
use std::cell::Cell;

/// The math family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "calc",
        arity: Arity::ANY,
        run: calc,
    },
    IdentSpec {
        name: "int",
        arity: Arity::exact(1),
        run: int,
    },
    IdentSpec {
        name: "floor",
        arity: Arity::exact(1),
        run: floor,
    },
    IdentSpec {
        name: "ceil",
        arity: Arity::exact(1),
        run: ceil,
    },
    IdentSpec {
        name: "round",
        arity: Arity::range(1, 2),
        run: round,
    },
    IdentSpec {
        name: "abs",
        arity: Arity::exact(1),
        run: abs,
    },
    IdentSpec {
        name: "sqrt",
        arity: Arity::exact(1),
        run: sqrt,
    },
    IdentSpec {
        name: "cbrt",
        arity: Arity::exact(1),
        run: cbrt,
    },
    IdentSpec {
        name: "log",
        arity: Arity::exact(1),
        run: log,
    },
    IdentSpec {
        name: "log10",
        arity: Arity::exact(1),
        run: log10,
    },
    IdentSpec {
        name: "log2",
        arity: Arity::exact(1),
        run: log2,
    },
    IdentSpec {
        name: "pi",
        arity: Arity::exact(0),
        run: pi,
    },
    IdentSpec {
        name: "sin",
        arity: Arity::exact(1),
        run: sin,
    },
    IdentSpec {
        name: "cos",
        arity: Arity::exact(1),
        run: cos,
    },
    IdentSpec {
        name: "tan",
        arity: Arity::exact(1),
        run: tan,
    },
    IdentSpec {
        name: "asin",
        arity: Arity::exact(1),
        run: asin,
    },
    IdentSpec {
        name: "acos",
        arity: Arity::exact(1),
        run: acos,
    },
    IdentSpec {
        name: "atan",
        arity: Arity::exact(1),
        run: atan,
    },
    IdentSpec {
        name: "sinh",
        arity: Arity::exact(1),
        run: sinh,
    },
    IdentSpec {
        name: "cosh",
        arity: Arity::exact(1),
        run: cosh,
    },
    IdentSpec {
        name: "tanh",
        arity: Arity::exact(1),
        run: tanh,
    },
    IdentSpec {
        name: "atan2",
        arity: Arity::exact(2),
        run: atan2,
    },
    IdentSpec {
        name: "hypot",
        arity: Arity::exact(2),
        run: hypot,
    },
    IdentSpec {
        name: "rand",
        arity: Arity::exact(2),
        run: rand,
    },
    IdentSpec {
        name: "r",
        arity: Arity::exact(2),
        run: rand,
    },
    IdentSpec {
        name: "rands",
        arity: Arity::exact(2),
        run: rand,
    },
    IdentSpec {
        name: "base",
        arity: Arity::range(3, 5),
        run: base,
    },
    IdentSpec {
        name: "and",
        arity: Arity::exact(2),
        run: and,
    },
    IdentSpec {
        name: "or",
        arity: Arity::exact(2),
        run: or,
    },
    IdentSpec {
        name: "xor",
        arity: Arity::exact(2),
        run: xor,
    },
    IdentSpec {
        name: "not",
        arity: Arity::exact(1),
        run: not,
    },
    IdentSpec {
        name: "biton",
        arity: Arity::exact(2),
        run: biton,
    },
    IdentSpec {
        name: "bitoff",
        arity: Arity::exact(2),
        run: bitoff,
    },
    IdentSpec {
        name: "isbit",
        arity: Arity::exact(2),
        run: isbit,
    },
    IdentSpec {
        name: "numbits",
        arity: Arity::exact(1),
        run: numbits,
    },
    IdentSpec {
        name: "gcd",
        arity: Arity::at_least(1),
        run: gcd,
    },
    IdentSpec {
        name: "lcm",
        arity: Arity::at_least(1),
        run: lcm,
    },
    IdentSpec {
        name: "factorial",
        arity: Arity::exact(1),
        run: factorial,
    },
    IdentSpec {
        name: "fibonacci",
        arity: Arity::exact(1),
        run: fibonacci,
    },
    IdentSpec {
        name: "powmod",
        arity: Arity::exact(3),
        run: powmod,
    },
    IdentSpec {
        name: "modinv",
        arity: Arity::exact(2),
        run: modinv,
    },
    IdentSpec {
        name: "isnum",
        arity: Arity::range(1, 4),
        run: isnum,
    },
    IdentSpec {
        name: "bytes",
        arity: Arity::range(1, 2),
        run: bytes,
    },
    IdentSpec {
        name: "rgb",
        arity: Arity::range(1, 3),
        run: rgb,
    },
];

// ---------------------------------------------------------------------------------------------
// Argument reading.

/// The leading number of `s` with an optional exponent (`5e6`, ` -1.5x`); `None` without digits.
pub(crate) fn lead_num(s: &str) -> Option<f64> {
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
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
            digits += 1;
        }
        i = j;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let t = s[start..i].trim_end_matches('.');
    t.parse::<f64>().ok()
}

/// Argument `i` as a number, `None` when it holds no number.
fn opt_num(a: &Args<'_>, i: usize) -> Option<f64> {
    match a.vals.get(i)? {
        Value::Int(n) => Some(*n as f64),
        Value::Num(x) => Some(*x),
        Value::Null => None,
        Value::Str(s) => lead_num(s),
    }
}

/// Argument `i` as a number, 0 when it holds none.
fn num(a: &Args<'_>, i: usize) -> f64 {
    opt_num(a, i).unwrap_or(0.0)
}

/// A number cut to what mIRC shows (six decimals): identifiers hand their printed text to the
/// next computation, so `$calc($sqrt(7) * $sqrt(7))` is 6.999998, not 7.
pub(crate) fn shown(x: f64) -> f64 {
    if x.fract() == 0.0 {
        return x;
    }
    format_num(x).parse().unwrap_or(0.0)
}

/// A finite result as a number (cut to six decimals), anything else as `$null`.
fn out(x: f64) -> Value {
    if x.is_finite() {
        Value::num(if x == 0.0 { 0.0 } else { shown(x) })
    } else {
        Value::Null
    }
}

/// A double clamped into `i64`.
fn to_i64(x: f64) -> i64 {
    if x.is_nan() {
        0
    } else {
        x.trunc().clamp(i64::MIN as f64, i64::MAX as f64) as i64
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic and rounding.

/// `$calc(expr)`: evaluates an arithmetic expression; `$calc(2+3*4)` → `14`.
fn calc(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    // Commas inside the argument split it; rejoin so `$calc(1,000)` reads the text as written.
    let text = if a.len() <= 1 {
        a.text(0).into_owned()
    } else {
        (0..a.len())
            .map(|i| a.text(i))
            .collect::<Vec<_>>()
            .join(",")
    };
    Ok(Value::num(shown(calc_text(&text))))
}

/// `$int(N)`: integer part toward zero; `$int(-1.5)` → `-1`.
fn int(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    match a.vals.first() {
        Some(Value::Int(i)) => return Ok(Value::Int(*i)),
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        Some(Value::Num(x)) if x.abs() < MAX_EXACT as f64 => return Ok(Value::Int(*x as i64)),
        _ => {}
    }
    Ok(out(num(a, 0).trunc()))
}

/// `$floor(N)`: rounded down; `$floor(-1.5)` → `-2`.
fn floor(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).floor()))
}

/// `$ceil(N)`: rounded up; `$ceil(3.14)` → `4`.
fn ceil(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).ceil()))
}

/// `$round(N, D)`: rounded to D (0–6) decimals like C `printf("%.Nf")` on the binary value,
/// trailing zeros dropped; `$round(2.05,1)` → `2`.
fn round(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let x = num(a, 0);
    if !x.is_finite() {
        return Ok(Value::Null);
    }
    let d = usize::try_from(a.int(1).clamp(0, 6)).unwrap_or(0);
    let s = format!("{x:.d$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    let s = if s == "-0" { "0" } else { s };
    Ok(Value::text(s))
}

/// `$abs(N)`: absolute value; `$abs(-7)` → `7`.
fn abs(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).abs()))
}

/// `$sqrt(N)`: square root, `$null` for negatives; `$sqrt(3)` → `1.732051`.
fn sqrt(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).sqrt()))
}

/// `$cbrt(N)`: cube root; `$cbrt(27)` → `3`.
fn cbrt(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).cbrt()))
}

/// `$log(N)`: natural logarithm; `$log(50)` → `3.912023`.
fn log(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).ln()))
}

/// `$log10(N)`: base-10 logarithm; `$log10(1000)` → `3`.
fn log10(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).log10()))
}

/// `$log2(N)`: base-2 logarithm; `$log2(8)` → `3`.
fn log2(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).log2()))
}

/// `$pi`: the text `3.14159265358979323846`; `$calc($pi)` → `3.141593`.
fn pi(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text("3.14159265358979323846"))
}

// ---------------------------------------------------------------------------------------------
// Trigonometry.

/// Whether the `.deg` property was given.
fn deg(a: &Args<'_>) -> bool {
    a.prop() == "deg"
}

/// A function of an angle: `.deg` takes degrees.
fn angle_in(a: &Args<'_>, f: fn(f64) -> f64) -> Value {
    let x = num(a, 0);
    out(f(if deg(a) { x.to_radians() } else { x }))
}

/// A function giving an angle: `.deg` returns degrees.
fn angle_out(a: &Args<'_>, f: fn(f64) -> f64) -> Value {
    let r = f(num(a, 0));
    out(if deg(a) { r.to_degrees() } else { r })
}

/// `$sin(N)`: sine (`.deg` for degrees); `$sin(90).deg` → `1`.
fn sin(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::sin))
}

/// `$cos(N)`: cosine (`.deg` for degrees); `$cos(180).deg` → `-1`.
fn cos(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::cos))
}

/// `$tan(N)`: tangent (`.deg` for degrees); `$tan(45).deg` → `1`.
fn tan(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::tan))
}

/// `$sinh(N)`: hyperbolic sine; `$sinh(0)` → `0`.
fn sinh(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::sinh))
}

/// `$cosh(N)`: hyperbolic cosine; `$cosh(0)` → `1`.
fn cosh(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::cosh))
}

/// `$tanh(N)`: hyperbolic tangent; `$tanh(0)` → `0`.
fn tanh(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_in(a, f64::tanh))
}

/// `$asin(N)`: arc sine (`.deg` returns degrees); `$asin(1).deg` → `90`.
fn asin(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_out(a, f64::asin))
}

/// `$acos(N)`: arc cosine (`.deg` returns degrees); `$acos(-1)` → `3.141593`.
fn acos(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_out(a, f64::acos))
}

/// `$atan(N)`: arc tangent (`.deg` returns degrees); `$atan(1).deg` → `45`.
fn atan(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(angle_out(a, f64::atan))
}

/// `$atan2(O, A)`: angle of the point (A, O) (`.deg` returns degrees); `$atan2(1,1).deg` → `45`.
fn atan2(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let r = num(a, 0).atan2(num(a, 1));
    Ok(out(if deg(a) { r.to_degrees() } else { r }))
}

/// `$hypot(A, B)`: √(A² + B²); `$hypot(3,4)` → `5`.
fn hypot(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(out(num(a, 0).hypot(num(a, 1))))
}

// ---------------------------------------------------------------------------------------------
// Random numbers.

thread_local! {
    /// Xorshift state; 0 means "not seeded yet".
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// The next pseudo-random number, seeding from the host clock on first use.
fn next_random(cx: &mut Cx) -> u64 {
    RNG.with(|cell| {
        let mut x = cell.get();
        if x == 0 {
            // SplitMix64 of the clock so close seeds diverge.
            let mut z = (cx.host.now_ms() as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            x = (z ^ (z >> 31)) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        cell.set(x);
        x
    })
}

/// A uniform integer in `lo..=hi`.
fn rand_range(cx: &mut Cx, lo: i64, hi: i64) -> i64 {
    let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
    let r = u128::from(next_random(cx)) % span.max(1);
    (i128::from(lo) + r as i128) as i64
}

/// `$rand(a, b)` / `$r` / `$rands`: a random integer or character in the inclusive range, in
/// either order; `$rand(1,6)`, `$rand(A,Z)`. (`$rands` uses the same generator, not a
/// cryptographic one.)
fn rand(cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let (x, y) = (a.text(0), a.text(1));
    let single = |s: &str| {
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(c), None) if !c.is_ascii_digit() => Some(c),
            _ => None,
        }
    };
    if let (Some(p), Some(q)) = (single(&x), single(&y)) {
        let (lo, hi) = (u32::from(p.min(q)), u32::from(p.max(q)));
        loop {
            let n = rand_range(cx, i64::from(lo), i64::from(hi));
            if let Some(c) = u32::try_from(n).ok().and_then(char::from_u32) {
                return Ok(Value::text(c.encode_utf8(&mut [0u8; 4])));
            }
        }
    }
    let (p, q) = (to_i64(num(a, 0)), to_i64(num(a, 1)));
    Ok(Value::int(rand_range(cx, p.min(q), p.max(q))))
}

// ---------------------------------------------------------------------------------------------
// Bases.

/// `$base(N, in, out [, pad [, prec]])`: converts between bases 2–36 (letters take base-36
/// values in any base; `0x` is stripped for base 16; output upper-case; pad = minimum integer
/// digits; prec truncates the fraction); `$base(255,10,16)` → `FF`.
fn base(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let text = a.text(0);
    let (inb, outb) = (a.int(1), a.int(2));
    if !(2..=36).contains(&inb) || !(2..=36).contains(&outb) {
        return Ok(Value::Null);
    }
    let (inb, outb) = (inb as f64, outb as u32);
    let mut s = text.trim();
    let neg = s.starts_with('-');
    if neg {
        s = &s[1..];
    }
    if inb == 16.0 {
        s = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
    }
    let mut int_part = 0f64;
    let mut frac = 0f64;
    let mut scale = 1.0 / inb;
    let mut in_frac = false;
    for c in s.chars() {
        if c == '.' && !in_frac {
            in_frac = true;
            continue;
        }
        let Some(d) = c.to_digit(36) else { break };
        if in_frac {
            frac += f64::from(d) * scale;
            scale /= inb;
        } else {
            int_part = int_part * inb + f64::from(d);
        }
    }
    let pad = usize::try_from(a.int(3)).unwrap_or(0);
    let prec = if a.has(4) {
        Some(usize::try_from(a.int(4)).unwrap_or(0))
    } else {
        None
    };
    let mut value = int_part + frac;
    if outb == 10 && prec.is_none() {
        // Base 10 prints as mIRC prints numbers (six decimals, rounded).
        let shown = format_num(value);
        let (i, f) = shown.split_once('.').unwrap_or((&shown, ""));
        let mut res = String::new();
        if neg && value != 0.0 {
            res.push('-');
        }
        for _ in i.len()..pad {
            res.push('0');
        }
        res.push_str(i);
        if !f.is_empty() {
            res.push('.');
            res.push_str(f);
        }
        return Ok(Value::from_string(res));
    }
    let mut whole = value.trunc();
    value -= whole;
    let mut digits = Vec::new();
    let ob = f64::from(outb);
    while whole >= 1.0 {
        let d = (whole % ob) as u32;
        digits.push(
            char::from_digit(d, outb)
                .unwrap_or('0')
                .to_ascii_uppercase(),
        );
        whole = (whole / ob).floor();
    }
    if digits.is_empty() {
        digits.push('0');
    }
    while digits.len() < pad {
        digits.push('0');
    }
    let mut res = String::new();
    if neg && (int_part + frac) != 0.0 {
        res.push('-');
    }
    res.extend(digits.iter().rev());
    let max_frac = prec.unwrap_or(6);
    if value > 0.0 && max_frac > 0 {
        let mut fd = String::new();
        for _ in 0..max_frac {
            value *= ob;
            let d = value.trunc();
            value -= d;
            fd.push(
                char::from_digit(d as u32, outb)
                    .unwrap_or('0')
                    .to_ascii_uppercase(),
            );
            if value <= 0.0 {
                break;
            }
        }
        let fd = fd.trim_end_matches('0');
        if !fd.is_empty() {
            res.push('.');
            res.push_str(fd);
        }
    }
    Ok(Value::from_string(res))
}

// ---------------------------------------------------------------------------------------------
// Bits.

/// A number as mIRC's 32-bit unsigned operand: clamped to ±(2³²−1), negatives wrapped.
fn u32_of(x: f64) -> u32 {
    let m = f64::from(u32::MAX);
    let x = if x.is_nan() {
        0.0
    } else {
        x.trunc().clamp(-m, m)
    };
    (x as i64).rem_euclid(1 << 32) as u32
}

/// Argument `i` as a 32-bit operand.
fn bits(a: &Args<'_>, i: usize) -> u32 {
    u32_of(num(a, i))
}

/// `$and(a, b)`: bitwise and; `$and(14,27)` → `10`.
fn and(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(i64::from(bits(a, 0) & bits(a, 1))))
}

/// `$or(a, b)`: bitwise or; `$or(14,27)` → `31`.
fn or(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(i64::from(bits(a, 0) | bits(a, 1))))
}

/// `$xor(a, b)`: bitwise exclusive or; `$xor(21,9)` → `28`.
fn xor(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(i64::from(bits(a, 0) ^ bits(a, 1))))
}

/// `$not(N)`: 32-bit complement; `$not(5)` → `4294967290`.
fn not(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::int(i64::from(!bits(a, 0))))
}

/// The bit mask for bit argument `i` (1 = lowest), or `None` outside 1–32.
fn bit_mask(a: &Args<'_>, i: usize) -> Option<u32> {
    let b = a.int(i);
    (1..=32).contains(&b).then(|| 1u32 << (b - 1))
}

/// `$biton(N, B)`: N with bit B set; `$biton(10,3)` → `14`.
fn biton(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = bits(a, 0);
    Ok(Value::int(i64::from(bit_mask(a, 1).map_or(n, |m| n | m))))
}

/// `$bitoff(N, B)`: N with bit B cleared; `$bitoff(14,3)` → `10`.
fn bitoff(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = bits(a, 0);
    Ok(Value::int(i64::from(bit_mask(a, 1).map_or(n, |m| n & !m))))
}

/// `$isbit(N, B)`: 1 when bit B is set, else 0; `$isbit(5,3)` → `1`.
fn isbit(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = bits(a, 0);
    Ok(Value::int(i64::from(
        bit_mask(a, 1).is_some_and(|m| n & m != 0),
    )))
}

/// `$numbits(N)`: number of bits needed for N (at least 1); `$numbits(256)` → `9`.
fn numbits(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = num(a, 0).abs().trunc();
    let n = if n >= 2f64.powi(63) {
        u64::MAX
    } else {
        n as u64
    };
    Ok(Value::int(i64::from((64 - n.leading_zeros()).max(1))))
}

// ---------------------------------------------------------------------------------------------
// Number theory.

/// Greatest common divisor.
fn gcd2(mut x: u128, mut y: u128) -> u128 {
    while y != 0 {
        (x, y) = (y, x % y);
    }
    x
}

/// The integer arguments as magnitudes.
fn magnitudes(a: &Args<'_>) -> Vec<u128> {
    (0..a.len())
        .map(|i| to_i64(num(a, i)).unsigned_abs().into())
        .collect()
}

/// `$gcd(a, b, …)`: greatest common divisor; `$gcd(25,35)` → `5`.
fn gcd(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let g = magnitudes(a).into_iter().fold(0, gcd2);
    Ok(out(g as f64))
}

/// `$lcm(a, b, …)`: least common multiple; `$lcm(35,49,75)` → `3675`.
fn lcm(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let mut l: u128 = 1;
    for m in magnitudes(a) {
        if m == 0 {
            return Ok(Value::int(0));
        }
        l = match (l / gcd2(l, m)).checked_mul(m) {
            Some(v) => v,
            None => return Ok(Value::Null),
        };
    }
    Ok(out(l as f64))
}

/// `$factorial(N)`: N! as a double (`$null` for negatives); `$factorial(5)` → `120`.
fn factorial(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = to_i64(num(a, 0));
    if !(0..=170).contains(&n) {
        return Ok(Value::Null);
    }
    Ok(out((1..=n).fold(1.0, |acc, k| acc * k as f64)))
}

/// `$fibonacci(N)`: the N-th Fibonacci number with F(0)=0, F(1)=1; `$fibonacci(10)` → `55`.
fn fibonacci(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let n = to_i64(num(a, 0));
    if !(0..=1476).contains(&n) {
        return Ok(Value::Null);
    }
    let (mut x, mut y) = (0.0f64, 1.0f64);
    for _ in 0..n {
        (x, y) = (y, x + y);
    }
    Ok(out(x))
}

/// `$powmod(B, E, M)`: B^E mod M; `$powmod(2,10,1000)` → `24`.
fn powmod(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let (b, e, m) = (to_i64(num(a, 0)), to_i64(num(a, 1)), to_i64(num(a, 2)));
    if m <= 0 || e < 0 {
        return Ok(Value::Null);
    }
    let m = m as u128;
    let mut base = i128::from(b).rem_euclid(m as i128) as u128;
    let mut e = e as u64;
    let mut r: u128 = 1 % m;
    while e > 0 {
        if e & 1 == 1 {
            r = r * base % m;
        }
        base = base * base % m;
        e >>= 1;
    }
    Ok(out(r as f64))
}

/// `$modinv(N, M)`: the inverse of N modulo M, or -1 when none exists; `$modinv(3,11)` → `4`.
fn modinv(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let (n, m) = (i128::from(to_i64(num(a, 0))), i128::from(to_i64(num(a, 1))));
    if m <= 0 {
        return Ok(Value::int(-1));
    }
    let (mut r0, mut r1) = (n.rem_euclid(m), m);
    let (mut s0, mut s1) = (1i128, 0i128);
    while r1 != 0 {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (s0, s1) = (s1, s0 - q * s1);
    }
    if r0 != 1 {
        return Ok(Value::int(-1));
    }
    Ok(out(s0.rem_euclid(m) as f64))
}

// ---------------------------------------------------------------------------------------------
// Tests and formatting.

/// `$isnum(text [, sd] [, lo, hi])`: `$true` when text is digits (`s` allows a sign, `d` a
/// decimal point), optionally within lo..hi; `$isnum(-123,s)` → `$true`.
fn isnum(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let text = a.text(0);
    let mut next = 1;
    let mut sign = false;
    let mut dec = false;
    if a.has(1) {
        let sw = a.text(1);
        if !sw.is_empty() && sw.chars().all(|c| matches!(c, 's' | 'd' | 'S' | 'D')) {
            sign = sw.contains(['s', 'S']);
            dec = sw.contains(['d', 'D']);
            next = 2;
        }
    }
    let b = text.as_bytes();
    let start = usize::from(sign && matches!(b.first(), Some(b'-' | b'+')));
    let body = &b[start..];
    let dots = body.iter().filter(|&&c| c == b'.').count();
    let digits = body.iter().filter(|c| c.is_ascii_digit()).count();
    let ok = digits > 0 && digits + dots == body.len() && (dots == 0 || (dec && dots == 1));
    if !ok {
        return Ok(Value::bool(false));
    }
    let x = num(a, 0);
    let lo = opt_num(a, next);
    let hi = opt_num(a, next + 1);
    let in_range = lo.is_none_or(|l| x >= l) && hi.is_none_or(|h| x <= h);
    Ok(Value::bool(in_range))
}

/// Inserts thousands separators into the integer part of a decimal string.
fn commas(s: &str) -> String {
    let (sign, rest) = if let Some(r) = s.strip_prefix('-') {
        ("-", r)
    } else {
        ("", s)
    };
    let (i, f) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (k, c) in i.chars().enumerate() {
        if k > 0 && (i.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = f {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `$bytes(N [, bkmgt3d])`: size formatting in units of 1024 (`b` plain bytes with
/// separators, `k`/`m`/`g`/`t` a fixed unit, `3` three significant digits, `d` keep decimal
/// zeros; `.suf` appends B/KB/MB…); `$bytes(1024).suf` → `1KB`.
fn bytes(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    const SUF: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let n = num(a, 0);
    let opts = a.text(1).to_ascii_lowercase();
    let three = opts.contains('3');
    let keep = opts.contains('d');
    let suf = a.prop() == "suf";
    let unit = if opts.contains('b') {
        0
    } else if let Some(u) = opts.chars().find_map(|c| "kmgtp".find(c)) {
        u + 1
    } else {
        let mut u = 0;
        let mut v = n.abs();
        while v >= 1024.0 && u < 5 {
            v /= 1024.0;
            u += 1;
        }
        u
    };
    let v = n / 1024f64.powi(unit as i32);
    let decimals = if three {
        let m = v.abs();
        if m < 10.0 {
            2
        } else if m < 100.0 {
            1
        } else {
            0
        }
    } else if unit == 0 {
        0
    } else {
        2
    };
    let mut s = format!("{v:.decimals$}");
    if !keep && s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let mut res = commas(&s);
    if suf {
        res.push_str(SUF[unit]);
    }
    Ok(Value::from_string(res))
}

/// `$rgb(R, G, B)`: colour number R + G·256 + B·65536; `$rgb(N)`: `R,G,B`;
/// `$rgb(218,165,32)` → `2139610`.
fn rgb(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    if a.len() == 1 {
        let n = to_i64(num(a, 0)).clamp(0, 0xFF_FFFF);
        return Ok(Value::from_string(format!(
            "{},{},{}",
            n & 255,
            (n >> 8) & 255,
            (n >> 16) & 255
        )));
    }
    let c = |i: usize| to_i64(num(a, i)).clamp(0, 255);
    Ok(Value::int(c(0) + c(1) * 256 + c(2) * 65536))
}

#[cfg(test)]
mod tests {
    use crate::registry::idents::text::tests::{call, call_prop};

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], Option<&str>, &str)] = &[
            ("calc", &["2+3*4"], None, "14"),
            ("calc", &["7000"], None, "7000"),
            ("calc", &["3.14159265358979323846"], None, "3.141593"),
            ("int", &["1.9"], None, "1"),
            ("int", &["-1.5"], None, "-1"),
            ("int", &["5e6"], None, "5000000"),
            ("floor", &["9.318"], None, "9"),
            ("floor", &["3.14159265358979323846"], None, "3"),
            ("ceil", &["3.14"], None, "4"),
            ("ceil", &["-1.5"], None, "-1"),
            ("abs", &["-7"], None, "7"),
            ("abs", &["3.14159265358979323846"], None, "3.141593"),
            ("abs", &["5e6"], None, "5000000"),
            ("round", &["4.98472", "3"], None, "4.985"),
            ("round", &["3.14159265358979323846", "7"], None, "3.141593"),
            ("round", &["1.05", "1"], None, "1.1"),
            ("round", &["2.05", "1"], None, "2"),
            ("round", &["31.05", "1"], None, "31.1"),
            ("round", &["11.35", "1"], None, "11.3"),
            ("round", &["3.14159", "2"], None, "3.14"),
            ("round", &["1.23456", "0"], None, "1"),
            ("round", &["-1.5678", "1"], None, "-1.6"),
            ("sqrt", &["3"], None, "1.732051"),
            ("sqrt", &["2"], None, "1.414214"),
            ("sqrt", &["-4"], None, ""),
            ("log", &["50"], None, "3.912023"),
            ("log10", &["1000"], None, "3"),
            ("log10", &["50"], None, "1.69897"),
            ("cbrt", &["27"], None, "3"),
            ("hypot", &["3", "4"], None, "5"),
            ("sin", &["90"], Some("deg"), "1"),
            ("cos", &["0"], None, "1"),
            ("cos", &["180"], Some("deg"), "-1"),
            ("atan", &["1"], Some("deg"), "45"),
            ("atan2", &["1", "1"], Some("deg"), "45"),
            ("acos", &["-1"], None, "3.141593"),
            ("pi", &[], None, "3.14159265358979323846"),
            ("modinv", &["3", "11"], None, "4"),
            ("modinv", &["2", "4"], None, "-1"),
            ("powmod", &["2", "10", "1000"], None, "24"),
            ("powmod", &["-1", "2", "11"], None, "1"),
            ("numbits", &["255"], None, "8"),
            ("numbits", &["256"], None, "9"),
            ("rgb", &["218", "165", "32"], None, "2139610"),
            ("rgb", &["0", "0", "255"], None, "16711680"),
            ("rgb", &["32764"], None, "252,127,0"),
            ("gcd", &["25", "35"], None, "5"),
            ("lcm", &["35", "25"], None, "175"),
            ("lcm", &["35", "49", "75"], None, "3675"),
            ("factorial", &["5"], None, "120"),
            ("factorial", &["10"], None, "3628800"),
            ("fibonacci", &["10"], None, "55"),
            ("and", &["14", "27"], None, "10"),
            ("or", &["14", "27"], None, "31"),
            ("xor", &["21", "9"], None, "28"),
            ("xor", &["4444444444", "5555555555"], None, "0"),
            ("xor", &["1", "2"], None, "3"),
            ("xor", &["-9999999999", "0"], None, "1"),
            ("xor", &["-1", "0"], None, "4294967295"),
            ("not", &["5"], None, "4294967290"),
            ("not", &["4294967290"], None, "5"),
            ("and", &["127", "-8"], None, "120"),
            ("biton", &["10", "3"], None, "14"),
            ("biton", &["0", "1"], None, "1"),
            ("bitoff", &["14", "3"], None, "10"),
            ("isbit", &["5", "3"], None, "1"),
            ("isbit", &["5", "2"], None, "0"),
            (
                "base",
                &["123.456", "10", "10", "6", "2"],
                None,
                "000123.45",
            ),
            ("base", &["FFFFFFFFF", "16", "36", "7"], None, "VKHSVLR"),
            ("base", &["mIRC", "10", "10"], None, "24082"),
            ("base", &["ZZ", "2", "10"], None, "105"),
            ("base", &["0xFF", "16", "10"], None, "255"),
            ("base", &["FF", "16", "10"], None, "255"),
            ("base", &["255", "10", "16"], None, "FF"),
            ("base", &["1234", "10", "16"], None, "4D2"),
            ("base", &["7", "10", "10", "3"], None, "007"),
            ("base", &["14", "10", "2", "8"], None, "00001110"),
            ("base", &["00011100", "2", "10"], None, "28"),
            ("base", &["35", "10", "36"], None, "Z"),
            ("base", &["1.0000005", "10", "10"], None, "1.000001"),
            ("isnum", &["564"], None, "$true"),
            ("isnum", &["-123"], None, "$false"),
            ("isnum", &["-123", "s"], None, "$true"),
            ("isnum", &["1.5"], None, "$false"),
            ("isnum", &["1.5", "d"], None, "$true"),
            ("isnum", &["5", "1", "10"], None, "$true"),
            ("isnum", &["11", "1", "10"], None, "$false"),
            ("isnum", &["abc"], None, "$false"),
            ("bytes", &["317889213", "b"], None, "317,889,213"),
            ("bytes", &["1234567", "b"], None, "1,234,567"),
            ("bytes", &["1e4", "b"], None, "10,000"),
            ("bytes", &["1024"], Some("suf"), "1KB"),
            ("bytes", &["11.35", "3d"], None, "11.3"),
        ];
        for (name, args, prop, want) in rows {
            assert_eq!(
                call_prop(name, args, *prop),
                *want,
                "${name}({}){prop:?}",
                args.join(",")
            );
        }
    }

    #[test]
    fn random() {
        for _ in 0..200 {
            let n: i64 = call("rand", &["6", "1"]).parse().unwrap();
            assert!((1..=6).contains(&n));
            let c = call("r", &["A", "Z"]);
            assert!(c.len() == 1 && c.as_bytes()[0].is_ascii_uppercase(), "{c}");
        }
        assert_eq!(call("rand", &["3", "3"]), "3");
    }
}
