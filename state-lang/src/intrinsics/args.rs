//! Argument checks shared by the functions. AWS answers every wrong type or out-of-range value
//! with the same cause, `Invalid arguments in States.<Name>`, so the helpers only need to know
//! which function they check for.

use serde_json::{Map, Value};

use super::Function;

/// The detail AWS gives for any argument a function rejects.
pub(super) fn invalid(f: Function) -> String {
    format!("Invalid arguments in {}", f.name())
}

/// The arguments of a fixed-arity call. The parser checks arity, so a mismatch here only comes
/// from a bug; it still fails cleanly rather than panicking.
pub(super) fn fixed<const N: usize>(f: Function, values: &[Value]) -> Result<&[Value; N], String> {
    <&[Value; N]>::try_from(values).map_err(|_| invalid(f))
}

pub(super) fn string(f: Function, v: &Value) -> Result<&str, String> {
    v.as_str().ok_or_else(|| invalid(f))
}

pub(super) fn array(f: Function, v: &Value) -> Result<&Vec<Value>, String> {
    v.as_array().ok_or_else(|| invalid(f))
}

pub(super) fn object(f: Function, v: &Value) -> Result<&Map<String, Value>, String> {
    v.as_object().ok_or_else(|| invalid(f))
}

/// A number as an integer, its fraction dropped (AWS truncates the bounds of `ArrayRange`,
/// `MathRandom`, the size of `ArrayPartition` and the index of `ArrayGetItem`).
pub(super) fn truncated(f: Function, v: &Value) -> Result<i64, String> {
    number(f, v).map(|x| match x {
        Num::Int(i) => i,
        // `as` saturates, which is what a too-large bound deserves: it then fails a range check.
        Num::Float(d) => d.trunc() as i64,
    })
}

/// A number rounded to the nearest integer, halves upwards (Java's `Math.round`), as
/// `States.MathAdd` does: 1.5 → 2, -1.5 → -1, -2.5 → -2.
pub(super) fn rounded(f: Function, v: &Value) -> Result<i64, String> {
    number(f, v).map(|x| match x {
        Num::Int(i) => i,
        Num::Float(d) => (d + 0.5).floor() as i64,
    })
}

enum Num {
    Int(i64),
    Float(f64),
}

fn number(f: Function, v: &Value) -> Result<Num, String> {
    let Value::Number(n) = v else {
        return Err(invalid(f));
    };
    if let Some(i) = n.as_i64() {
        return Ok(Num::Int(i));
    }
    match n.as_f64() {
        Some(d) if d.is_finite() => Ok(Num::Float(d)),
        _ => Err(invalid(f)),
    }
}

/// The length of a string as AWS (Java) counts it: in UTF-16 code units.
pub(super) fn java_len(s: &str) -> usize {
    s.encode_utf16().count()
}
