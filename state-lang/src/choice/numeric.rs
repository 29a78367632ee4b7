//! `Numeric*` comparisons: exact comparison of JSON numbers, integers and floats alike (`1 == 1.0`),
//! without the precision loss of converting big integers to floats.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::Cmp;

/// `Numeric*` on two values: true only when both are numbers and the relation holds.
pub fn compare(cmp: Cmp, left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(l), Value::Number(r)) => cmp.holds(compare_numbers(l, r)),
        _ => false,
    }
}

/// A JSON number as an exact integer when it is one, else as a float.
#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn classify(n: &Number) -> Num {
    if let Some(i) = n.as_i64() {
        Num::Int(i128::from(i))
    } else if let Some(u) = n.as_u64() {
        Num::Int(i128::from(u))
    } else {
        Num::Float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// The exact order of two JSON numbers. JSON has no NaN or infinity, so the order is total; a NaN
/// (which serde_json cannot produce) would be treated as equal rather than panic.
pub fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    match (classify(a), classify(b)) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Num::Int(x), Num::Float(y)) => int_vs_float(x, y),
        (Num::Float(x), Num::Int(y)) => int_vs_float(y, x).reverse(),
    }
}

/// Compares an integer with a float exactly: the float's integral part is compared as an integer, and
/// only on a tie does its fraction decide.
fn int_vs_float(i: i128, f: f64) -> Ordering {
    const TWO_POW_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f >= TWO_POW_127 {
        return Ordering::Less;
    }
    if f < -TWO_POW_127 {
        return Ordering::Greater;
    }
    let whole = f.trunc();
    // In range, so the conversion is exact.
    let whole_int = whole as i128;
    match i.cmp(&whole_int) {
        Ordering::Equal => whole.partial_cmp(&f).unwrap_or(Ordering::Equal),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn n(v: Value) -> Number {
        match v {
            Value::Number(n) => n,
            other => panic!("not a number: {other}"),
        }
    }

    #[test]
    fn integers_and_floats_compare_by_value() {
        assert!(compare(Cmp::Equals, &json!(1), &json!(1.0)));
        assert!(compare(Cmp::Equals, &json!(0.0), &json!(0)));
        assert!(compare(Cmp::Equals, &json!(-0.0), &json!(0)));
        assert!(!compare(Cmp::Equals, &json!(1.1), &json!(1)));
        assert!(compare(Cmp::GreaterThan, &json!(1.1), &json!(1)));
        assert!(compare(Cmp::LessThan, &json!(-1.5), &json!(-1)));
        assert!(compare(Cmp::GreaterThan, &json!(-0.5), &json!(-1)));
        assert!(compare(Cmp::LessThanEquals, &json!(2), &json!(2.0)));
        assert!(compare(Cmp::GreaterThanEquals, &json!(2), &json!(1.999)));
        assert!(!compare(Cmp::GreaterThanEquals, &json!(1), &json!(1.0000001)));
    }

    #[test]
    fn big_integers_keep_their_precision() {
        // 2^53 + 1 is not representable as f64; a float comparison would call these equal.
        let a = json!(9_007_199_254_740_993_i64);
        let b = json!(9_007_199_254_740_992_i64);
        assert!(!compare(Cmp::Equals, &a, &b));
        assert!(compare(Cmp::GreaterThan, &a, &b));
        assert!(compare(Cmp::GreaterThan, &a, &json!(9_007_199_254_740_992.0)));
        assert!(compare(Cmp::Equals, &json!(u64::MAX), &json!(u64::MAX)));
        assert!(compare(Cmp::GreaterThan, &json!(u64::MAX), &json!(i64::MAX)));
        assert!(compare(Cmp::LessThan, &json!(i64::MIN), &json!(u64::MAX)));
        assert!(compare(Cmp::LessThan, &json!(u64::MAX), &json!(1e300)));
        assert!(compare(Cmp::GreaterThan, &json!(i64::MIN), &json!(-1e300)));
    }

    #[test]
    fn numbers_parsed_from_text_compare_exactly() {
        let big: Value = serde_json::from_str("123456789012345678901234567890").unwrap_or(Value::Null);
        assert!(big.is_number());
        assert!(compare(Cmp::GreaterThan, &big, &json!(u64::MAX)));
        let a = n(serde_json::from_str("1e2").unwrap_or(Value::Null));
        assert_eq!(compare_numbers(&a, &n(json!(100))), Ordering::Equal);
    }

    #[test]
    fn non_numbers_never_match() {
        for v in [json!(null), json!(""), json!("1"), json!(" "), json!([]), json!([1]), json!({}), json!(true)] {
            for cmp in Cmp::ALL {
                assert!(!compare(cmp, &v, &json!(0)), "{cmp:?} {v}");
                assert!(!compare(cmp, &v, &json!(1.0)), "{cmp:?} {v}");
                assert!(!compare(cmp, &json!(1), &v), "{cmp:?} {v} as operand");
            }
        }
    }
}
