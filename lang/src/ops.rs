//! Value operations the VM's instructions use: comparisons and typed arithmetic.
//! Pure functions over values; no VM state.

use crate::state::fold;
use crate::value::{format_num, parse_plain_number, Value, MAX_EXACT};
use rustirc_bytecode::{ArithOp, Cmp};

/// A value read as a number for arithmetic, when the whole text is a plain number.
#[inline]
pub fn num_of(v: &Value) -> Option<Value> {
    match v {
        Value::Int(_) | Value::Num(_) => Some(v.clone()),
        _ => v.to_numeric(),
    }
}

/// `a op b` on numbers, as `$calc` computes it. `None` when the result is undefined
/// (division by zero, NaN): the whole `$calc` is then 0, which the caller's fallback handles.
#[inline(always)]
pub fn arith(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let r = match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Mod if y > 0 && x >= 0 => Some(x % y),
            _ => None,
        };
        if let Some(r) = r {
            if r.abs() <= MAX_EXACT {
                return Some(Value::Int(r));
            }
        }
    }
    arith_general(op, a, b)
}

/// [`arith`] for every case its inline fast path leaves out.
#[inline(never)]
fn arith_general(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let r = match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Mod => {
                if y == 0 {
                    return None;
                }
                Some(x % y)
            }
            ArithOp::FloorDiv => {
                if y == 0 {
                    return None;
                }
                Some(x.div_euclid(y) - i64::from(y < 0 && x.rem_euclid(y) != 0))
            }
            ArithOp::Div => {
                if y == 0 {
                    return None;
                }
                if x % y == 0 {
                    Some(x / y)
                } else {
                    #[allow(clippy::cast_precision_loss)]
                    return Some(Value::Num(x as f64 / y as f64));
                }
            }
            ArithOp::Pow => None,
        };
        if let Some(r) = r {
            if r.abs() <= MAX_EXACT {
                return Some(Value::Int(r));
            }
        }
    }
    let x = a.as_number()?;
    let y = b.as_number()?;
    let r = match op {
        ArithOp::Add => x + y,
        ArithOp::Sub => x - y,
        ArithOp::Mul => x * y,
        ArithOp::Div => {
            if y == 0.0 {
                return None;
            }
            x / y
        }
        ArithOp::Mod => {
            if y == 0.0 {
                return None;
            }
            x % y
        }
        ArithOp::FloorDiv => {
            if y == 0.0 {
                return None;
            }
            (x / y).floor()
        }
        ArithOp::Pow => x.powf(y),
    };
    if r.is_nan() || r.is_infinite() {
        return None;
    }
    Some(Value::num(r))
}

/// Case-insensitive equality of text (ASCII fast path, Unicode lower-casing otherwise).
pub fn eq_ci(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let h = hay.as_bytes();
        let n = needle.as_bytes();
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(&needle.to_lowercase())
}

fn both_numbers(a: &Value, b: &Value) -> Option<(f64, f64)> {
    Some((a.as_number()?, b.as_number()?))
}

/// Evaluates a built-in comparison (not the host ones).
pub fn compare(cmp: Cmp, a: &Value, b: &Value) -> bool {
    match cmp {
        Cmp::Eq => {
            if let (Value::Int(x), Value::Int(y)) = (a, b) {
                return x == y;
            }
            if let Some((x, y)) = both_numbers(a, b) {
                return x == y;
            }
            eq_ci(&a.as_str(), &b.as_str())
        }
        Cmp::EqCs => a.as_str() == b.as_str(),
        Cmp::Lt | Cmp::Gt | Cmp::Le | Cmp::Ge => {
            let ord = if let (Value::Int(x), Value::Int(y)) = (a, b) {
                x.cmp(y)
            } else if let Some((x, y)) = both_numbers(a, b) {
                x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
            } else {
                let (x, y) = (a.as_str(), b.as_str());
                fold(&x).cmp(&fold(&y))
            };
            match cmp {
                Cmp::Lt => ord.is_lt(),
                Cmp::Gt => ord.is_gt(),
                Cmp::Le => ord.is_le(),
                _ => ord.is_ge(),
            }
        }
        Cmp::Divides | Cmp::NotDivides => {
            let ok = match both_numbers(a, b) {
                Some((x, y)) if x != 0.0 => (y % x) == 0.0,
                _ => false,
            };
            if cmp == Cmp::Divides {
                ok
            } else {
                !ok && both_numbers(a, b).is_some_and(|(x, _)| x != 0.0)
            }
        }
        Cmp::BitAnd => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let x = a.to_f64_lenient() as i64 as u32;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let y = b.to_f64_lenient() as i64 as u32;
            x & y != 0
        }
        Cmp::IsIn => contains_ci(&b.as_str(), &a.as_str()),
        Cmp::IsInCs => b.as_str().contains(a.as_str().as_ref()),
        Cmp::IsWm => crate::wild::wildmatch(&a.as_str(), &b.as_str(), false),
        Cmp::IsWmCs => crate::wild::wildmatch(&a.as_str(), &b.as_str(), true),
        Cmp::IsNum => isnum(a, b),
        Cmp::IsLetter => {
            let t = a.as_str();
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    let list = b.as_str();
                    if list.is_empty() {
                        c.is_alphabetic()
                    } else {
                        list.contains(c)
                    }
                }
                _ => false,
            }
        }
        Cmp::IsAlnum => {
            let t = a.as_str();
            !t.is_empty() && t.chars().all(char::is_alphanumeric)
        }
        Cmp::IsAlpha => {
            let t = a.as_str();
            !t.is_empty() && t.chars().all(char::is_alphabetic)
        }
        Cmp::IsLower => !a.as_str().chars().any(char::is_uppercase),
        Cmp::IsUpper => !a.as_str().chars().any(char::is_lowercase),
    }
}

/// `v isnum [N | N- | N-M]`.
fn isnum(a: &Value, range: &Value) -> bool {
    let Some(x) = a.as_number() else { return false };
    let r = range.as_str();
    let r = r.trim();
    if r.is_empty() {
        return true;
    }
    // A range "N-M", "N-" (a leading '-' belongs to the number).
    let (lo, hi) = match r[1..].find('-').map(|i| i + 1) {
        Some(i) => (&r[..i], Some(&r[i + 1..])),
        None => (r, None),
    };
    let Some(lo) = parse_plain_number(lo) else {
        return false;
    };
    match hi {
        None => x == lo,
        Some("") => x >= lo,
        Some(h) => parse_plain_number(h).is_some_and(|h| x >= lo && x <= h),
    }
}

/// Text for `a op b` when `var`/`set` math does not apply (kept as written).
pub fn math_text(a: &Value, op: ArithOp, b: &Value) -> String {
    let o = match op {
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::Div => "/",
        ArithOp::Mod => "%",
        ArithOp::FloorDiv => "//",
        ArithOp::Pow => "^",
    };
    format!("{} {o} {}", a.as_str(), b.as_str())
}

/// Formats a number for display (re-exported for the VM).
pub fn show_num(x: f64) -> String {
    format_num(x)
}
