//! `States.StringToJson`, `States.JsonToString` and `States.JsonMerge`.

use serde_json::Value;

use super::args::{self, invalid};
use super::render;
use super::Function;

/// `States.StringToJson(text)`: the JSON value the text holds; blank text is `null`.
pub(super) fn string_to_json(values: &[Value]) -> Result<Value, String> {
    let f = Function::StringToJson;
    let [text] = args::fixed(f, values)?;
    let text = args::string(f, text)?.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    let mut value = serde_json::from_str(text).map_err(|_| invalid(f))?;
    integer_zero(&mut value);
    Ok(value)
}

/// serde_json reads the integer `-0` as the float `-0.0`; Java reads it as the integer `0`,
/// which is what AWS returns. (A literal `-0.0` becomes `0` too: serde cannot tell them apart.)
fn integer_zero(v: &mut Value) {
    match v {
        Value::Number(n) if n.as_f64() == Some(0.0) && n.as_f64().is_some_and(f64::is_sign_negative) => {
            *v = Value::from(0)
        }
        Value::Array(items) => items.iter_mut().for_each(integer_zero),
        Value::Object(map) => map.values_mut().for_each(integer_zero),
        _ => {}
    }
}

/// `States.JsonToString(value)`: compact JSON text.
pub(super) fn json_to_string(values: &[Value]) -> Result<Value, String> {
    let [v] = args::fixed(Function::JsonToString, values)?;
    Ok(Value::String(render::to_json(v)))
}

/// `States.JsonMerge(left, right, isDeepMerge)`: a shallow merge where `right`'s keys win.
/// AWS supports only the shallow merge and rejects `true`.
pub(super) fn merge(values: &[Value]) -> Result<Value, String> {
    let f = Function::JsonMerge;
    let [left, right, deep] = args::fixed(f, values)?;
    let (left, right) = (args::object(f, left)?, args::object(f, right)?);
    if deep != &Value::Bool(false) {
        return Err(invalid(f));
    }
    let mut merged = left.clone();
    for (k, v) in right {
        merged.insert(k.clone(), v.clone());
    }
    Ok(Value::Object(merged))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

    #[test]
    fn string_to_json_parses_every_json_type() {
        let e = "States.StringToJson($.s)";
        for (text, expected) in [
            ("", json!(null)),
            ("  ", json!(null)),
            ("null", json!(null)),
            ("-0", json!(0)),
            ("1", json!(1)),
            ("1.1", json!(1.1)),
            ("true", json!(true)),
            ("\"HelloWorld\"", json!("HelloWorld")),
            ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
            ("{\"Arg1\": 1, \"Arg2\": []}", json!({"Arg1": 1, "Arg2": []})),
        ] {
            assert_eq!(eval(e, &json!({ "s": text })), expected, "{text:?}");
        }
        assert_eq!(eval("States.StringToJson('{\"a\": 1.0}')", &json!({})).to_string(), r#"{"a":1.0}"#);
    }

    #[test]
    fn string_to_json_rejects_non_strings_and_bad_json() {
        let e = "States.StringToJson($.s)";
        for s in [json!(1), json!({}), json!(null), json!("{not json"), json!("1 2")] {
            assert_eq!(eval_err(e, &json!({ "s": s })), invalid_cause(e, "States.StringToJson"));
        }
    }

    #[test]
    fn json_to_string_is_compact_and_ordered() {
        let e = "States.JsonToString($.v)";
        for (v, expected) in [
            (json!(null), "null"),
            (json!(0), "0"),
            (json!(1.5), "1.5"),
            (json!(true), "true"),
            (json!("HelloWorld"), "\"HelloWorld\""),
            (json!([1, 2, "HelloWorld"]), "[1,2,\"HelloWorld\"]"),
            (json!({"b": 1, "a": []}), "{\"b\":1,\"a\":[]}"),
        ] {
            assert_eq!(eval(e, &json!({ "v": v })), json!(expected));
        }
    }

    #[test]
    fn json_merge_is_shallow_and_right_wins() {
        let input = json!({"a": {"x": 1, "n": {"p": 1}}, "b": {"y": 2, "n": {"q": 2}}});
        let r = eval("States.JsonMerge($.a, $.b, false)", &input);
        assert_eq!(r, json!({"x": 1, "n": {"q": 2}, "y": 2}));
        let r = eval(
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input, false)",
            &json!({}),
        );
        assert_eq!(r, json!({"constant_in_literal": "false", "FunctionInput": "a,b"}));
    }

    #[test]
    fn json_merge_rejects_deep_merge_and_non_objects() {
        let input = json!({"a": {"x": 1}, "b": {"y": 2}, "l": [1]});
        for e in [
            "States.JsonMerge($.a, $.b, true)",
            "States.JsonMerge($.a, $.b, 'false')",
            "States.JsonMerge($.a, $.l, false)",
            "States.JsonMerge(1, $.b, false)",
        ] {
            assert_eq!(eval_err(e, &input), invalid_cause(e, "States.JsonMerge"), "{e}");
        }
    }
}
