//! Tests of whole rules, parsed and evaluated against inputs through the JSONPath module: every
//! operator family, `…Path` operands, `$$` and variables, missing paths, and `And`/`Or`/`Not`.

use serde_json::{json, Value};

use super::Rule;
use crate::env::{Env, SeededEntropy};
use crate::failure::Failure;
use crate::vars::Variables;

fn rule(v: Value) -> Rule {
    match Rule::parse(&v) {
        Ok(r) => r,
        Err(e) => panic!("{v} should parse: {e:?}"),
    }
}

fn eval_with(r: &Value, input: &Value, context: &Value, vars: &Variables) -> Result<bool, Failure> {
    let entropy = SeededEntropy::new(7);
    let env = Env { context, vars, entropy: &entropy };
    rule(r.clone()).eval(input, &env)
}

fn eval(r: Value, input: Value) -> Result<bool, Failure> {
    eval_with(&r, &input, &json!({}), &Variables::new())
}

fn holds(r: Value, input: Value) -> bool {
    match eval(r.clone(), input.clone()) {
        Ok(b) => b,
        Err(f) => panic!("{r} on {input} failed: {f}"),
    }
}

fn invalid_path(path: &str) -> Failure {
    Failure::new(
        "States.Runtime",
        format!("Invalid path '{path}': The choice state's condition path references an invalid value."),
    )
}

#[test]
fn each_family_compares_literals_and_paths() {
    let cases = [
        ("StringEquals", json!("Hello"), json!("Hello"), true),
        ("StringLessThan", json!("A"), json!("AB"), true),
        ("StringGreaterThan", json!("A"), json!("A "), false),
        ("StringLessThanEquals", json!(""), json!(""), true),
        ("StringGreaterThanEquals", json!("AB"), json!("A"), true),
        ("NumericEquals", json!(1), json!(1.0), true),
        ("NumericLessThan", json!(0), json!(1), true),
        ("NumericGreaterThan", json!(1), json!(0.5), true),
        ("NumericLessThanEquals", json!(0.0), json!(0), true),
        ("NumericGreaterThanEquals", json!(-1), json!(0), false),
        ("BooleanEquals", json!(false), json!(false), true),
        ("TimestampEquals", json!("2012-10-09T19:00:55Z"), json!("2012-10-09T20:00:55+01:00"), true),
        ("TimestampLessThan", json!("2012-10-09T19:00:55Z"), json!("2012-10-09T19:00:56Z"), true),
        ("TimestampGreaterThan", json!("2012-10-09T19:00:55Z"), json!("2012-10-09T19:00:55Z"), false),
        ("TimestampLessThanEquals", json!("2012-10-09T19:00:56Z"), json!("2012-10-09T19:00:55Z"), false),
        ("TimestampGreaterThanEquals", json!("2012-10-09T19:00:56Z"), json!("2012-10-09T19:00:55Z"), true),
    ];
    for (op, variable, value, expected) in cases {
        let input = json!({"Variable": variable, "Value": value});
        assert_eq!(holds(json!({"Variable": "$.Variable", op: value}), input.clone()), expected, "{op} {input}");
        let path_op = format!("{op}Path");
        assert_eq!(
            holds(json!({"Variable": "$.Variable", path_op: "$.Value"}), input.clone()),
            expected,
            "{op}Path {input}"
        );
    }
}

#[test]
fn string_matches_and_type_tests() {
    let input = json!({"file": "report-2024.csv", "n": null, "num": 3.5, "flag": true, "when": "2016-03-14T01:59:00Z"});
    assert!(holds(json!({"Variable": "$.file", "StringMatches": "report-*.csv"}), input.clone()));
    assert!(!holds(json!({"Variable": "$.file", "StringMatches": "report-*.txt"}), input.clone()));
    assert!(!holds(json!({"Variable": "$.num", "StringMatches": "*"}), input.clone()));
    assert!(holds(json!({"Variable": "$.n", "IsNull": true}), input.clone()));
    assert!(holds(json!({"Variable": "$.num", "IsNumeric": true}), input.clone()));
    assert!(holds(json!({"Variable": "$.file", "IsString": true}), input.clone()));
    assert!(holds(json!({"Variable": "$.flag", "IsBoolean": true}), input.clone()));
    assert!(holds(json!({"Variable": "$.when", "IsTimestamp": true}), input.clone()));
    assert!(holds(json!({"Variable": "$.file", "IsTimestamp": false}), input.clone()));
    assert!(holds(json!({"Variable": "$.n", "IsPresent": true}), input.clone()));
    assert!(holds(json!({"Variable": "$", "IsPresent": true}), input));
}

#[test]
fn wrong_types_are_false_not_errors() {
    let input = json!({"s": "1", "n": 1, "b": true, "a": [1], "o": {"x": 1}, "z": null});
    for v in ["$.s", "$.n", "$.b", "$.a", "$.o", "$.z"] {
        assert!(!holds(json!({"Variable": v, "NumericEquals": 1}), input.clone()) || v == "$.n");
        assert!(!holds(json!({"Variable": v, "BooleanEquals": true}), input.clone()) || v == "$.b");
        assert!(!holds(json!({"Variable": v, "StringEquals": "1"}), input.clone()) || v == "$.s");
        assert!(!holds(json!({"Variable": v, "TimestampEquals": "2016-03-14T01:59:00Z"}), input.clone()));
    }
    // A `…Path` operand of the wrong type is false too.
    assert!(!holds(json!({"Variable": "$.n", "NumericEqualsPath": "$.s"}), input.clone()));
    assert!(!holds(json!({"Variable": "$.b", "BooleanEqualsPath": "$.s"}), input.clone()));
    assert!(!holds(json!({"Variable": "$.s", "StringEqualsPath": "$.n"}), input.clone()));
    assert!(!holds(json!({"Variable": "$.s", "TimestampEqualsPath": "$.s"}), input));
}

#[test]
fn a_missing_variable_fails_with_aws_error() {
    let err = eval(json!({"Variable": "$.missing", "StringEquals": "x"}), json!({"other": 1}));
    assert_eq!(err, Err(invalid_path("$.missing")));
    let err = eval(json!({"Variable": "$.a.b", "IsNull": true}), json!({"a": {}}));
    assert_eq!(err, Err(invalid_path("$.a.b")));
    let err = eval(json!({"Not": {"Variable": "$.missing", "IsString": true}}), json!({}));
    assert_eq!(err, Err(invalid_path("$.missing")));
}

#[test]
fn a_missing_operand_path_fails_naming_that_path() {
    let err = eval(json!({"Variable": "$.left", "NumericEqualsPath": "$.right"}), json!({"left": 7}));
    assert_eq!(err, Err(invalid_path("$.right")));
    // The Variable is read first: when both are missing, it is the one reported.
    let err = eval(json!({"Variable": "$.left", "NumericEqualsPath": "$.right"}), json!({}));
    assert_eq!(err, Err(invalid_path("$.left")));
}

#[test]
fn is_present_is_the_only_test_of_a_missing_path() {
    assert!(!holds(json!({"Variable": "$.missing", "IsPresent": true}), json!({})));
    assert!(holds(json!({"Variable": "$.missing", "IsPresent": false}), json!({})));
    assert!(!holds(json!({"Variable": "$.here", "IsPresent": false}), json!({"here": null})));
}

#[test]
fn and_or_stop_at_the_deciding_operand() {
    let guarded = json!({"And": [
        {"Variable": "$.x", "IsPresent": true},
        {"Variable": "$.x", "StringEquals": "go"}
    ]});
    assert!(!holds(guarded.clone(), json!({})));
    assert!(holds(guarded.clone(), json!({"x": "go"})));
    assert!(!holds(guarded, json!({"x": "stop"})));
    let either = json!({"Or": [
        {"Variable": "$.x", "IsPresent": false},
        {"Variable": "$.x", "NumericGreaterThan": 10}
    ]});
    assert!(holds(either.clone(), json!({})));
    assert!(holds(either.clone(), json!({"x": 11})));
    assert!(!holds(either, json!({"x": 10})));
    // Without the guard the missing path is an error.
    let unguarded = json!({"Or": [
        {"Variable": "$.y", "IsNull": true},
        {"Variable": "$.x", "NumericGreaterThan": 10}
    ]});
    assert_eq!(eval(unguarded, json!({"y": 1})), Err(invalid_path("$.x")));
}

#[test]
fn nested_boolean_rules() {
    // The AWS documentation's "path based on data" rules.
    let public = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
    let twenties = json!({"And": [
        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
        {"Variable": "$.value", "NumericLessThan": 30}
    ]});
    assert!(holds(public.clone(), json!({"type": "Public", "value": 0})));
    assert!(!holds(public, json!({"type": "Private", "value": 0})));
    assert!(holds(twenties.clone(), json!({"type": "Private", "value": 25})));
    assert!(!holds(twenties.clone(), json!({"type": "Private", "value": 30})));
    assert!(!holds(twenties, json!({"type": "Private", "value": 19.999})));
    let deep = json!({"Or": [
        {"And": [{"Variable": "$.a", "BooleanEquals": true}, {"Not": {"Variable": "$.b", "IsNull": true}}]},
        {"Not": {"Or": [{"Variable": "$.c", "StringMatches": "x*"}, {"Variable": "$.c", "IsNumeric": true}]}}
    ]});
    assert!(holds(deep.clone(), json!({"a": true, "b": 1, "c": "xy"})));
    assert!(!holds(deep.clone(), json!({"a": true, "b": null, "c": "xy"})));
    assert!(holds(deep.clone(), json!({"a": false, "b": null, "c": "yy"})));
    assert!(!holds(deep, json!({"a": false, "b": null, "c": 3})));
}

#[test]
fn variables_and_the_context_object_can_be_compared() {
    let context = json!({"Execution": {"Input": {"input-value": -1}, "Name": "exec-1"}});
    let mut vars = Variables::new();
    vars.set("guess".into(), json!("42"));
    vars.set("answer".into(), json!("42"));
    vars.set("limits".into(), json!({"max": 10}));
    let input = json!({"n": 5});
    let r = json!({"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(true));
    let r = json!({"Variable": "$$.Execution.Name", "StringEquals": "exec-1"});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(true));
    let r = json!({"Variable": "$guess", "StringEqualsPath": "$answer"});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(true));
    let r = json!({"Variable": "$.n", "NumericLessThanPath": "$limits.max"});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(true));
    let r = json!({"Variable": "$.n", "NumericLessThanPath": "$$.Execution.Input.input-value"});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(false));
    let r = json!({"Variable": "$nope", "IsPresent": false});
    assert_eq!(eval_with(&r, &input, &context, &vars), Ok(true));
}
