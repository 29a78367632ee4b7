//! `BooleanEquals` / `BooleanEqualsPath`: only a JSON boolean equals a boolean — `0`, `"true"`,
//! `null`, `[]` never do.

use serde_json::Value;

/// True only when both values are booleans and equal.
pub fn equals(left: &Value, right: &Value) -> bool {
    matches!((left, right), (Value::Bool(l), Value::Bool(r)) if l == r)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn booleans_compare_by_value() {
        assert!(equals(&json!(true), &json!(true)));
        assert!(equals(&json!(false), &json!(false)));
        assert!(!equals(&json!(true), &json!(false)));
        assert!(!equals(&json!(false), &json!(true)));
    }

    #[test]
    fn other_types_are_never_equal_to_a_boolean() {
        for v in [
            json!(null),
            json!(0),
            json!(1),
            json!(0.0),
            json!(1.1),
            json!(""),
            json!("true"),
            json!("false"),
            json!([]),
            json!([true]),
            json!({}),
            json!({"A": 0}),
        ] {
            assert!(!equals(&v, &json!(true)), "{v}");
            assert!(!equals(&v, &json!(false)), "{v}");
            assert!(!equals(&json!(true), &v), "{v} as operand");
        }
    }
}
