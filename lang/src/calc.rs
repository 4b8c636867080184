//! `$calc`: mIRC's arithmetic expression evaluator over text.

/// Evaluates `expr` as `$calc` does.
pub fn calc(expr: &str) -> f64 {
    let _ = expr;
    unimplemented!("calc")
}
