//! Tests of payload templates: compilation, evaluation, nesting, intrinsics and messages.

use serde_json::{json, Value};

use super::*;
use crate::env::SeededEntropy;
use crate::vars::Variables;

fn with_env<T>(f: impl FnOnce(&Env) -> T) -> T {
    let context = json!({"Map": {"Item": {"Index": 1, "Value": "Pikachu"}}, "Task": {"Token": "tok"}});
    let mut vars = Variables::new();
    vars.set("bucket".into(), json!("test-name"));
    vars.set("cfg".into(), json!({"retries": [1, 2]}));
    let entropy = SeededEntropy::new(1);
    f(&Env { context: &context, vars: &vars, entropy: &entropy })
}

fn compile(template: Value) -> PayloadTemplate {
    match PayloadTemplate::compile(&template) {
        Ok(t) => t,
        Err(e) => panic!("{template} should compile: {e:?}"),
    }
}

fn eval(template: Value, input: Value) -> Result<Value, Failure> {
    let t = compile(template);
    with_env(|env| t.eval(&input, env))
}

#[test]
fn dollar_keys_take_their_values_and_others_stay_literal() {
    let out = eval(
        json!({
            "literal": "$.not_a_path",
            "bucketName": "$bucket",
            "value.$": "$.a",
            "token.$": "$$.Task.Token",
            "var.$": "$bucket",
            "deep.$": "$cfg.retries[1]",
            "whole.$": "$"
        }),
        json!({"a": [1, 2]}),
    );
    assert_eq!(
        out,
        Ok(json!({
            "literal": "$.not_a_path",
            "bucketName": "$bucket",
            "value": [1, 2],
            "token": "tok",
            "var": "test-name",
            "deep": 2,
            "whole": {"a": [1, 2]}
        }))
    );
}

#[test]
fn nested_objects_and_arrays_are_evaluated() {
    let out = eval(
        json!({"z": 1, "outer": {"b": true, "inner.$": "$.x", "list": [{"i.$": "$$.Map.Item.Index"}, 3, [{"v.$": "$.x"}]]}, "a": null}),
        json!({"x": "X"}),
    );
    let text = serde_json::to_string(&out.unwrap_or_default()).unwrap_or_default();
    // Plain fields first, in template order, then the `.$` fields.
    assert_eq!(text, r#"{"z":1,"outer":{"b":true,"list":[{"i":1},3,[{"v":"X"}]],"inner":"X"},"a":null}"#);
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default()
}

#[test]
fn output_order_is_plain_fields_then_dollar_fields_in_java_hash_map_order() {
    // As recorded for the corpus case test_map_state_item_selector.
    let out = eval(
        json!({
            "original_input.$": "$",
            "iteration_input_value.$": "$.v",
            "iteration_index.$": "$$.Map.Item.Index",
            "from_input_constant.$": "$.v",
            "constant_value": "c"
        }),
        json!({"v": 1}),
    )
    .unwrap_or_default();
    assert_eq!(
        keys(&out),
        ["constant_value", "iteration_input_value", "from_input_constant", "iteration_index", "original_input"]
    );
    // Keys in one bucket keep their template order (SNS publish, recorded).
    let out = eval(
        json!({"TopicArn.$": "$.t", "Message.$": "$.m", "MessageAttributes": {"a": {"DataType": "String", "StringValue.$": "$.m"}}}),
        json!({"t": "arn", "m": "hi"}),
    )
    .unwrap_or_default();
    assert_eq!(keys(&out), ["MessageAttributes", "TopicArn", "Message"]);
    let out = eval(json!({"Iterations.$": "$.i", "Values.$": "$.v"}), json!({"i": 1, "v": 2}));
    assert_eq!(keys(&out.unwrap_or_default()), ["Values", "Iterations"]);
}

#[test]
fn many_dollar_fields_are_all_kept() {
    let template: serde_json::Map<String, Value> = (0..40).map(|i| (format!("k{i}.$"), json!("$.v"))).collect();
    let out = eval(Value::Object(template), json!({"v": 0})).unwrap_or_default();
    assert_eq!(keys(&out).len(), 40);
    assert!(out.as_object().is_some_and(|m| m.values().all(|v| *v == json!(0))));
}

#[test]
fn indefinite_paths_yield_arrays() {
    let out = eval(json!({"item.$": "$.item.items[*]", "first.$": "$.items[:1]"}), json!({}));
    assert_eq!(out, Ok(json!({"item": [], "first": []})));
    let out = eval(json!({"v.$": "$.items[?(@.n > 1)].n"}), json!({"items": [{"n": 1}, {"n": 2}]}));
    assert_eq!(out, Ok(json!({"v": [2]})));
}

#[test]
fn static_templates_are_recognized_and_returned_as_written() {
    let source = json!({"a": [1, {"b": "$.c"}], "d": {}});
    let t = compile(source.clone());
    assert!(t.is_static());
    assert_eq!(t.source(), &source);
    assert_eq!(with_env(|env| t.eval(&json!(null), env)), Ok(source));
    assert!(!compile(json!({"a": {"b.$": "$"}})).is_static());
}

#[test]
fn a_missing_path_names_the_field_and_the_input() {
    let err = eval(json!({"outer": {"missing.$": "$.nope.deep"}}), json!({"other": 1})).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(
        err.cause.as_deref(),
        Some("The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{\"other\":1}'")
    );
    let err = eval(json!({"item.$": "$.items[10]"}), json!({"items": [0]})).unwrap_err();
    assert!(err.cause.unwrap_or_default().starts_with("The JSONPath '$.items[10]' specified"));
}

#[test]
fn intrinsic_calls_are_evaluated() {
    let out = eval(
        json!({
            "arr.$": "States.Array($.a, $$.Map.Item.Index, $bucket)",
            "msg.$": "States.Format('It is {}!', $$.Map.Item.Value)"
        }),
        json!({"a": "x"}),
    );
    assert_eq!(out, Ok(json!({"arr": ["x", 1, "test-name"], "msg": "It is Pikachu!"})));
}

#[test]
fn path_expressions_parse_paths_and_intrinsics() {
    assert!(matches!(PathExpr::parse("$.a"), Ok(PathExpr::Path(_))));
    assert!(matches!(PathExpr::parse("States.UUID()"), Ok(PathExpr::Intrinsic(_))));
    assert!(PathExpr::parse("a.b").is_err());
    let expr = PathExpr::parse("$.missing");
    let err = with_env(|env| expr.map(|e| e.eval(&json!({}), env, "ErrorPath")));
    assert_eq!(
        err.ok().and_then(|r| r.err()).and_then(|f| f.cause),
        Some(
            "The JSONPath '$.missing' specified for the field 'ErrorPath' could not be found in the input '{}'"
                .to_string()
        )
    );
}

#[test]
fn bad_dollar_values_are_compile_errors_with_pointers() {
    let errors = PayloadTemplate::compile(&json!({
        "ok.$": "$.a",
        "num.$": 5,
        "nested": {"a/b.$": "no path", "list": [{"x~y.$": null}]},
        "bad.$": "$.a["
    }))
    .err()
    .unwrap_or_default();
    let pointers: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/num.$", "/nested/a~1b.$", "/nested/list/0/x~0y.$", "/bad.$"]);
    assert_eq!(
        errors[0].1,
        "The value for the field 'num.$' must be a valid JSONPath or a valid intrinsic function call"
    );
    assert!(errors[3].1.contains("'$.a[' is not a valid JSONPath"), "{}", errors[3].1);
}
