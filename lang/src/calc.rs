//! `$calc`: mIRC's arithmetic expression evaluator over text.
//!
//! Operators `( ) ^ // % * / + -` and unary minus. Precedence: parentheses, unary minus, `^`
//! (left-to-right, so `4^.5^3` is 8), then `* / % //` left-to-right, then `+ -`. `%` keeps the
//! dividend's sign (C `fmod`), `//` floors. Division by zero or an undefined power (NaN)
//! anywhere makes the whole result 0. Reading stops at the first character that is not part of
//! a number, an operator, a parenthesis or a space; what was read so far is evaluated
//! (`123 + 1abc + 2def` is 124). Missing `)` are closed at the end, extra `)` are ignored.
//! Evaluation is a shunting-yard loop over explicit stacks, so deep nesting cannot overflow.

/// A binary or prefix operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    FloorDiv,
    Pow,
    /// Unary minus.
    Neg,
    /// An open parenthesis on the operator stack.
    Open,
}

impl Op {
    /// Binding strength; higher binds tighter.
    fn prec(self) -> u8 {
        match self {
            Op::Add | Op::Sub => 1,
            Op::Mul | Op::Div | Op::Mod | Op::FloorDiv => 2,
            Op::Pow => 3,
            Op::Neg => 4,
            Op::Open => 0,
        }
    }
}

/// True for the characters `$calc` treats as operators: `calc_operator('%')`.
pub fn is_calc_operator(c: char) -> bool {
    matches!(c, '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')')
}

/// Reads a number at the start of `b` (`12`, `.5`, `3.`, `5e6`); returns it and its length.
fn read_number(b: &[u8]) -> Option<(f64, usize)> {
    let mut i = 0;
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
        return None;
    }
    // An exponent only when digits follow (`5e6`, `1e-3`); `2def` stays 2.
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let text = std::str::from_utf8(&b[..i]).ok()?;
    let x = text
        .parse::<f64>()
        .ok()
        .or_else(|| text.trim_end_matches('.').parse::<f64>().ok())?;
    Some((x, i))
}

/// Applies `op` to the value stack; `false` when the result is undefined.
fn apply(op: Op, vals: &mut Vec<f64>) -> bool {
    if op == Op::Neg {
        if let Some(v) = vals.last_mut() {
            *v = -*v;
        }
        return true;
    }
    let (Some(y), Some(x)) = (vals.pop(), vals.pop()) else {
        return true;
    };
    let r = match op {
        Op::Add => x + y,
        Op::Sub => x - y,
        Op::Mul => x * y,
        Op::Div => {
            if y == 0.0 {
                return false;
            }
            x / y
        }
        Op::Mod => {
            if y == 0.0 {
                return false;
            }
            x % y
        }
        Op::FloorDiv => {
            if y == 0.0 {
                return false;
            }
            (x / y).floor()
        }
        Op::Pow => x.powf(y),
        Op::Neg | Op::Open => return true,
    };
    if r.is_nan() {
        return false;
    }
    vals.push(r);
    true
}

/// Evaluates `expr` as `$calc` does: `calc("2+3*4")` is 14, `calc("1/0")` is 0.
pub fn calc(expr: &str) -> f64 {
    let b = expr.as_bytes();
    let mut vals: Vec<f64> = Vec::new();
    let mut ops: Vec<Op> = Vec::new();
    let mut i = 0;
    // True when the next thing should be an operand (number, `(` or unary minus).
    let mut want_operand = true;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' {
            i += 1;
            continue;
        }
        if want_operand {
            match c {
                b'(' => {
                    ops.push(Op::Open);
                    i += 1;
                }
                b'-' => {
                    ops.push(Op::Neg);
                    i += 1;
                }
                b'+' => i += 1,
                _ => match read_number(&b[i..]) {
                    Some((x, len)) => {
                        vals.push(x);
                        i += len;
                        want_operand = false;
                    }
                    None => break,
                },
            }
            continue;
        }
        let op = match c {
            b')' => {
                // Close the innermost group; an unmatched `)` is ignored.
                if ops.contains(&Op::Open) {
                    while let Some(op) = ops.pop() {
                        if op == Op::Open {
                            break;
                        }
                        if !apply(op, &mut vals) {
                            return 0.0;
                        }
                    }
                }
                i += 1;
                continue;
            }
            b'+' => Op::Add,
            b'-' => Op::Sub,
            b'*' => Op::Mul,
            b'%' => Op::Mod,
            b'^' => Op::Pow,
            b'/' => {
                if b.get(i + 1) == Some(&b'/') {
                    i += 1;
                    Op::FloorDiv
                } else {
                    Op::Div
                }
            }
            _ => break,
        };
        i += 1;
        // Every binary operator is left-associative, `^` included.
        while let Some(&top) = ops.last() {
            if top != Op::Open && top.prec() >= op.prec() {
                ops.pop();
                if !apply(top, &mut vals) {
                    return 0.0;
                }
            } else {
                break;
            }
        }
        ops.push(op);
        want_operand = true;
    }
    // A dangling binary operator (or unary minus) with no operand is dropped.
    if want_operand {
        while let Some(&top) = ops.last() {
            if top == Op::Open || top == Op::Neg {
                ops.pop();
            } else {
                break;
            }
        }
        if ops.last().is_some_and(|op| op.prec() > 0) {
            ops.pop();
        }
    }
    while let Some(op) = ops.pop() {
        if op != Op::Open && !apply(op, &mut vals) {
            return 0.0;
        }
    }
    match vals.last() {
        Some(&x) if x.is_finite() => x,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::format_num;

    fn c(e: &str) -> String {
        format_num(calc(e))
    }

    /// Every `$calc` row of the public conformance file, with `$pi`, `$log`, `$sqrt` and `$+`
    /// substituted by hand.
    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &str)] = &[
            ("2+3*4", "14"),
            ("3 + 5", "8"),
            ("3 * 4 * (3 + 5)", "96"),
            ("3 * 4 * (3 + 5)))", "96"),
            ("10 % 3", "1"),
            ("2 / 4 * 5", "2.5"),
            ("2 - 3 + 5", "4"),
            ("4^.5^3", "8"),
            (" 99 - 77 * 2 // 4 ^ .5 ^ 3 + 11 % 3 * 2 + 1", "85"),
            ("7 // 2", "3"),
            ("10 // -3", "-4"),
            ("10/3", "3.333333"),
            ("1/8", "0.125"),
            ("1/7", "0.142857"),
            ("22/7", "3.142857"),
            ("100/7", "14.285714"),
            ("0.1 + 0.2", "0.3"),
            ("1/0", "0"),
            (" 2 + ((-1) ^ .5) + 2 ", "0"),
            ("-10 % 3.14", "-0.58"),
            ("5 % -3", "2"),
            ("9007199254740992 + 1", "9007199254740992"),
            ("9007199254740993", "9007199254740992"),
            ("900719925474099.3", "900719925474099.25"),
            (" 8589934592 + .999999", "8589934592.999998"),
            ("0.1111111 * 6", "0.666667"),
            ("3.14159265358979323846", "3.141593"),
            ("900150983cd24fb0d6963f7d28e17f72", "900150983"),
            ("abc + 5", "0"),
            ("", "0"),
            ("123 + 1abc + 2def", "124"),
            ("7000", "7000"),
            ("0-2^8*3-1", "-769"),
            ("9 + (2000000 / 2000001)", "10"),
            ("9 + (2000000 // 2000001)", "9"),
            ("1 + 2 * 3", "7"),
            ("10 - 2 - 3", "5"),
            ("2 * -3", "-6"),
            ("10-5", "5"),
            ("2^0.5", "1.414214"),
            ("3^.5", "1.732051"),
            ("2^-1", "0.5"),
            ("2 * (3 + (4 - 1))", "12"),
            ("1.5 * 2", "3"),
            ("1.0000005", "1.000001"),
            ("2.718281^3.912023", "49.99994"),
            ("3.912023 / 1.098612", "3.560878"),
            ("1 + 2", "3"),
            ("-7 // 2", "-4"),
            ("-2^3", "-8"),
        ];
        for (e, want) in rows {
            assert_eq!(c(e), *want, "$calc({e})");
        }
        // `$calc($sqrt(7) * $sqrt(7))`: identifiers hand `$calc` their six-decimal text.
        assert_eq!(
            c(&format!(
                "{} * {}",
                crate::value::format_num(7f64.sqrt()),
                crate::value::format_num(7f64.sqrt())
            )),
            "6.999998"
        );
    }

    #[test]
    fn edges() {
        assert_eq!(c("-(2+3)"), "-5");
        assert_eq!(c("((((1+2"), "3");
        assert_eq!(c("5 +"), "5");
        assert_eq!(c("5 + abc"), "5");
        assert_eq!(c("5e6"), "5000000");
        assert_eq!(c("1 % 0"), "0");
        assert_eq!(c("2 // 0 + 5"), "0");
        assert_eq!(c(&"(".repeat(100_000)), "0");
        assert_eq!(
            c(&format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000))),
            "1"
        );
        assert!(is_calc_operator('%'));
    }
}
