//! The type tests `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`: each
//! compares whether the selected value has the type with the rule's boolean.

use serde_json::Value;

use super::timestamp;

/// Which `Is*` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeTest {
    Null,
    /// Whether the `Variable` path selects anything at all; the only test a missing path does not fail.
    Present,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

impl TypeTest {
    pub const ALL: [TypeTest; 6] = [
        TypeTest::Null,
        TypeTest::Present,
        TypeTest::Numeric,
        TypeTest::String,
        TypeTest::Boolean,
        TypeTest::Timestamp,
    ];

    /// Whether a value that is present has this type. `IsString` is true for any string, timestamps
    /// included; `IsTimestamp` only for strings that parse as one.
    pub fn holds(self, value: &Value) -> bool {
        match self {
            TypeTest::Null => value.is_null(),
            TypeTest::Present => true,
            TypeTest::Numeric => value.is_number(),
            TypeTest::String => value.is_string(),
            TypeTest::Boolean => value.is_boolean(),
            TypeTest::Timestamp => timestamp::is_timestamp(value),
        }
    }
}

/// `Is*: expected` on a present value.
pub fn test(kind: TypeTest, value: &Value, expected: &Value) -> bool {
    match expected {
        Value::Bool(expected) => kind.holds(value) == *expected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The values the recorded AWS cases feed every operator, with the one type test each passes.
    fn samples() -> Vec<(Value, &'static [TypeTest])> {
        use TypeTest::*;
        vec![
            (json!(null), &[Null, Present]),
            (json!(0), &[Numeric, Present]),
            (json!(0.0), &[Numeric, Present]),
            (json!(1.1), &[Numeric, Present]),
            (json!(-5), &[Numeric, Present]),
            (json!(""), &[String, Present]),
            (json!(" "), &[String, Present]),
            (json!("HelloWorld"), &[String, Present]),
            (json!("2012-10-09T19:00:55"), &[String, Present]),
            (json!("2012-10-09T19:00:55Z"), &[String, Timestamp, Present]),
            (json!("2012-10-09T19:00:55+01:00"), &[String, Timestamp, Present]),
            (json!("2023-02-24"), &[String, Present]),
            (json!([]), &[Present]),
            (json!([""]), &[Present]),
            (json!({}), &[Present]),
            (json!({"A": 0}), &[Present]),
            (json!(true), &[Boolean, Present]),
            (json!(false), &[Boolean, Present]),
        ]
    }

    #[test]
    fn each_value_has_exactly_its_types() {
        for (value, kinds) in samples() {
            for kind in TypeTest::ALL {
                let has = kinds.contains(&kind);
                assert_eq!(kind.holds(&value), has, "{kind:?} on {value}");
                assert_eq!(test(kind, &value, &json!(true)), has, "{kind:?}: true on {value}");
                assert_eq!(test(kind, &value, &json!(false)), !has, "{kind:?}: false on {value}");
            }
        }
    }

    #[test]
    fn a_non_boolean_expectation_never_matches() {
        assert!(!test(TypeTest::Null, &json!(null), &json!("true")));
        assert!(!test(TypeTest::String, &json!("x"), &json!(1)));
    }
}
