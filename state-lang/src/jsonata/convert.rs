//! Conversions between JSON (`serde_json::Value`) and JSONata values, with the number and
//! non-JSON-value rules AWS applies to a result.

use indexmap::IndexMap;
use jsonata_core::value::JValue;
use serde_json::{Map, Number, Value};

use super::limits::MAX_RESULT_DEPTH;

/// A JSON value as JSONata sees it: every number a double, objects keeping their key order.
pub(super) fn to_jsonata(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::from(s.as_str()),
        Value::Array(items) => JValue::array(items.iter().map(to_jsonata).collect()),
        Value::Object(fields) => {
            let map: IndexMap<String, JValue> = fields.iter().map(|(k, v)| (k.clone(), to_jsonata(v))).collect();
            JValue::object(map)
        }
    }
}

/// Why a JSONata result cannot become JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NotJson {
    /// A function or a regular expression: AWS's "unsupported result type".
    Unsupported,
    /// Nested deeper than JSON output may be.
    TooDeep,
}

/// A JSONata result as JSON. `Ok(None)` is "undefined" (the expression returned nothing).
///
/// Numbers follow AWS: a whole number is written as an integer (`3`, not `3.0`; `-0` is `0`),
/// and the values JSON has no literal for are the strings JavaScript names them by
/// (`"Infinity"`, `"-Infinity"`, `"NaN"`). Inside arrays and objects, "undefined" and functions
/// are dropped from objects and become `null` in arrays, as `JSON.stringify` does.
pub(super) fn from_jsonata(value: &JValue) -> Result<Option<Value>, NotJson> {
    match value {
        JValue::Undefined => Ok(None),
        JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => Err(NotJson::Unsupported),
        other => nested(other, 0).map(Some),
    }
}

fn nested(value: &JValue, depth: usize) -> Result<Value, NotJson> {
    if depth > MAX_RESULT_DEPTH {
        return Err(NotJson::TooDeep);
    }
    Ok(match value {
        JValue::Null | JValue::Undefined => Value::Null,
        JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number(*n),
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => Value::Array(items.iter().map(|v| nested(v, depth + 1)).collect::<Result<_, _>>()?),
        JValue::Object(fields) => {
            let mut map = Map::with_capacity(fields.len());
            for (k, v) in fields.iter() {
                if v.is_undefined() || v.is_function() || v.is_regex() {
                    continue;
                }
                map.insert(k.clone(), nested(v, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

/// The largest magnitude below which a whole double is written as an integer.
const WHOLE_NUMBER_LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63

/// A JSONata number as JSON, by AWS's rules (see [`from_jsonata`]).
pub(super) fn number(n: f64) -> Value {
    if n.is_nan() {
        return Value::String("NaN".to_string());
    }
    if n.is_infinite() {
        let name = if n > 0.0 { "Infinity" } else { "-Infinity" };
        return Value::String(name.to_string());
    }
    if n.fract() == 0.0 && n.abs() < WHOLE_NUMBER_LIMIT {
        return Value::Number(Number::from(n as i64));
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn round_trip(v: Value) -> Value {
        match from_jsonata(&to_jsonata(&v)) {
            Ok(Some(v)) => v,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_round_trips_with_key_order() {
        let v = json!({"z": 1, "a": [1.5, "x", null, true, {"k": []}], "m": {}});
        assert_eq!(round_trip(v.clone()).to_string(), v.to_string());
    }

    #[test]
    fn whole_numbers_are_integers() {
        assert_eq!(number(3.0), json!(3));
        assert_eq!(number(-0.0), json!(0));
        assert_eq!(number(1e18), json!(1_000_000_000_000_000_000_i64));
        assert_eq!(number(0.1 + 0.2), json!(0.30000000000000004));
        assert_eq!(number(1e300), json!(1e300));
        assert_eq!(round_trip(json!(2.0)), json!(2));
    }

    #[test]
    fn non_finite_numbers_are_named() {
        assert_eq!(number(f64::INFINITY), json!("Infinity"));
        assert_eq!(number(f64::NEG_INFINITY), json!("-Infinity"));
        assert_eq!(number(f64::NAN), json!("NaN"));
    }

    #[test]
    fn undefined_and_functions() {
        assert_eq!(from_jsonata(&JValue::Undefined), Ok(None));
        assert_eq!(from_jsonata(&JValue::builtin("sum")), Err(NotJson::Unsupported));
        assert_eq!(from_jsonata(&JValue::regex("a", "")), Err(NotJson::Unsupported));
        let mut m = IndexMap::new();
        m.insert("gone".to_string(), JValue::Undefined);
        m.insert("f".to_string(), JValue::builtin("sum"));
        m.insert("a".to_string(), JValue::array(vec![JValue::Undefined, JValue::builtin("sum")]));
        assert_eq!(from_jsonata(&JValue::object(m)), Ok(Some(json!({"a": [null, null]}))));
    }

    #[test]
    fn too_deep_results_are_refused() {
        let mut v = JValue::Null;
        for _ in 0..MAX_RESULT_DEPTH + 5 {
            v = JValue::array(vec![v]);
        }
        assert_eq!(from_jsonata(&v), Err(NotJson::TooDeep));
    }
}
