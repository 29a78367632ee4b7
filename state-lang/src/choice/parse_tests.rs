//! Tests of parsing and validating Choice rules: accepted shapes, and every rejection with its pointer
//! and message.

use serde_json::{json, Value};

use super::parse::operator_from_name;
use super::{Cmp, Operand, Operator, Rule, TypeTest};

type Errors = Vec<(String, String)>;

fn errors(v: Value) -> Errors {
    match Rule::parse(&v) {
        Ok(rule) => panic!("{v} should be rejected, parsed as {rule:?}"),
        Err(e) => e,
    }
}

fn ok(v: Value) -> Rule {
    match Rule::parse(&v) {
        Ok(rule) => rule,
        Err(e) => panic!("{v} should parse: {e:?}"),
    }
}

fn one_error(v: Value) -> (String, String) {
    let e = errors(v);
    assert_eq!(e.len(), 1, "{e:?}");
    e.into_iter().next().unwrap_or_default()
}

#[test]
fn every_operator_name_round_trips() {
    let mut count = 0;
    for op in [Operator::StringMatches, Operator::BooleanEquals]
        .into_iter()
        .chain(Cmp::ALL.into_iter().flat_map(|c| [Operator::String(c), Operator::Numeric(c), Operator::Timestamp(c)]))
        .chain(TypeTest::ALL.into_iter().map(Operator::Is))
    {
        assert_eq!(operator_from_name(&op.name(false)), Some((op, false)));
        count += 1;
        if op.has_path_form() {
            assert_eq!(operator_from_name(&op.name(true)), Some((op, true)));
            assert_eq!(op.path_field(), op.name(true));
            count += 1;
        } else {
            assert_eq!(operator_from_name(&op.name(true)), None);
        }
    }
    assert_eq!(count, 39);
    for bad in ["", "Path", "String", "StringPath", "Equals", "NumericEqual", "isnull", "IsPresentPath"] {
        assert_eq!(operator_from_name(bad), None, "{bad}");
    }
}

#[test]
fn parses_comparisons_with_prepared_operands() {
    let rule = ok(json!({"Variable": "$.x", "StringEquals": "a", "Next": "N"}));
    assert!(matches!(
        rule,
        Rule::Compare { op: Operator::String(Cmp::Equals), operand: Operand::Literal(Value::String(ref s)), .. } if s == "a"
    ));
    let rule = ok(json!({"Variable": "$.x", "TimestampLessThan": "2016-03-14T01:59:00Z"}));
    assert!(matches!(rule, Rule::Compare { operand: Operand::Timestamp(_), .. }));
    let rule = ok(json!({"Variable": "$.x", "StringMatches": "log-*.txt"}));
    assert!(matches!(rule, Rule::Compare { operand: Operand::Pattern(_), .. }));
    let rule = ok(json!({"Variable": "$.x", "NumericLessThanPath": "$$.Execution.Input.max"}));
    assert!(matches!(rule, Rule::Compare { op: Operator::Numeric(Cmp::LessThan), operand: Operand::Path(_), .. }));
    let rule = ok(json!({"Variable": "$guess", "StringEqualsPath": "$answer"}));
    assert!(matches!(rule, Rule::Compare { operand: Operand::Path(_), .. }));
    ok(json!({"Variable": "$", "IsPresent": true}));
    ok(json!({"Variable": "$.x", "NumericEquals": 1.5e3}));
    ok(json!({"Variable": "$.x", "NumericGreaterThan": -3}));
    ok(json!({"BooleanEquals": true, "Next": "FinishTrue", "Variable": "$.result.done"}));
}

#[test]
fn parses_nested_boolean_rules() {
    let rule = ok(json!({
        "And": [
            {"Variable": "$", "IsPresent": true},
            {"Or": [
                {"Not": {"Variable": "$.a", "IsNull": true}},
                {"Variable": "$.b", "BooleanEquals": false, "Comment": "nested comment"}
            ]}
        ],
        "Comment": "top",
        "Next": "Break",
        "Assign": {"x": 1}
    }));
    let Rule::And(items) = rule else { panic!("not an And") };
    assert_eq!(items.len(), 2);
    let Rule::Or(inner) = &items[1] else { panic!("not an Or") };
    assert!(matches!(inner[0], Rule::Not(_)));
}

#[test]
fn rejects_non_objects() {
    for v in [json!(null), json!([]), json!("x"), json!(1), json!(true)] {
        assert_eq!(one_error(v).0, "");
    }
}

#[test]
fn requires_an_operator() {
    let (ptr, msg) = one_error(json!({"Next": "A"}));
    assert_eq!(ptr, "");
    assert!(msg.contains("must have a 'Variable' and a comparison operator"), "{msg}");
    let (ptr, msg) = one_error(json!({"Variable": "$.x", "Next": "A"}));
    assert_eq!(ptr, "");
    assert!(msg.contains("must have a comparison operator"), "{msg}");
}

#[test]
fn requires_exactly_one_operator() {
    let (ptr, msg) = one_error(json!({"Variable": "$.x", "StringEquals": "a", "StringLessThan": "b"}));
    assert_eq!(ptr, "/StringLessThan");
    assert!(msg.contains("only one comparison operator") && msg.contains("'StringEquals'"), "{msg}");
    let e = errors(json!({"And": [{"Variable": "$.x", "IsNull": true}], "Or": [{"Variable": "$.x", "IsNull": true}]}));
    assert_eq!(e[0].0, "/Or");
    let e = errors(json!({"Variable": "$.x", "IsNull": true, "Not": {"Variable": "$.x", "IsNull": true}}));
    let ptrs: Vec<&str> = e.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(ptrs, ["/Variable", "/IsNull"]);
}

#[test]
fn requires_variable_for_comparisons() {
    let (ptr, msg) = one_error(json!({"StringEquals": "a", "Next": "N"}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("", "A Choice rule with 'StringEquals' must have a 'Variable'"));
    let (ptr, msg) = one_error(json!({"And": [{"Variable": "$.x", "IsNull": true}, {"NumericEquals": 1}]}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("/And/1", "A Choice rule with 'NumericEquals' must have a 'Variable'"));
}

#[test]
fn checks_variable_and_path_operands() {
    let (ptr, msg) = one_error(json!({"Variable": 3, "IsNull": true}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("/Variable", "'Variable' must be a string holding a JSONPath"));
    let (ptr, msg) = one_error(json!({"Variable": "x.y", "IsNull": true}));
    assert_eq!(ptr, "/Variable");
    assert!(msg.contains("starting with '$'"), "{msg}");
    let (ptr, _) = one_error(json!({"Variable": "$.x", "StringEqualsPath": "plain"}));
    assert_eq!(ptr, "/StringEqualsPath");
    let (ptr, msg) = one_error(json!({"Variable": "$.x", "NumericEqualsPath": 1}));
    assert_eq!(
        (ptr.as_str(), msg.as_str()),
        ("/NumericEqualsPath", "'NumericEqualsPath' must be a string holding a JSONPath")
    );
}

#[test]
fn checks_operand_types() {
    let cases = [
        (
            json!({"Variable": "$.x", "StringEquals": 1}),
            "/StringEquals",
            "The value of 'StringEquals' must be a string",
        ),
        (
            json!({"Variable": "$.x", "StringMatches": null}),
            "/StringMatches",
            "The value of 'StringMatches' must be a string",
        ),
        (
            json!({"Variable": "$.x", "NumericEquals": "1"}),
            "/NumericEquals",
            "The value of 'NumericEquals' must be a number",
        ),
        (
            json!({"Variable": "$.x", "NumericLessThan": true}),
            "/NumericLessThan",
            "The value of 'NumericLessThan' must be a number",
        ),
        (
            json!({"Variable": "$.x", "BooleanEquals": "true"}),
            "/BooleanEquals",
            "The value of 'BooleanEquals' must be a boolean",
        ),
        (json!({"Variable": "$.x", "IsNull": 1}), "/IsNull", "The value of 'IsNull' must be a boolean"),
        (json!({"Variable": "$.x", "IsPresent": "yes"}), "/IsPresent", "The value of 'IsPresent' must be a boolean"),
        (
            json!({"Variable": "$.x", "TimestampEquals": "2016-03-14"}),
            "/TimestampEquals",
            "The value of 'TimestampEquals' must be a timestamp string such as \"2016-03-14T01:59:00Z\"",
        ),
        (
            json!({"Variable": "$.x", "TimestampGreaterThan": 1457920740}),
            "/TimestampGreaterThan",
            "The value of 'TimestampGreaterThan' must be a timestamp string such as \"2016-03-14T01:59:00Z\"",
        ),
    ];
    for (rule, ptr, msg) in cases {
        assert_eq!(one_error(rule), (ptr.to_string(), msg.to_string()));
    }
}

#[test]
fn checks_boolean_operators() {
    let (ptr, msg) = one_error(json!({"And": [], "Next": "N"}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("/And", "'And' must be a non-empty array of Choice rules"));
    let (ptr, _) = one_error(json!({"Or": {"Variable": "$.x", "IsNull": true}}));
    assert_eq!(ptr, "/Or");
    let (ptr, msg) = one_error(json!({"Not": [{"Variable": "$.x", "IsNull": true}]}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("/Not", "'Not' must be a Choice rule object"));
    let (ptr, _) = one_error(json!({"And": [1]}));
    assert_eq!(ptr, "/And/0");
    let (ptr, msg) = one_error(json!({"Or": [{"Variable": "$.x", "IsNull": true}], "Variable": "$.y"}));
    assert_eq!((ptr.as_str(), msg.as_str()), ("/Variable", "'Variable' is not allowed in a rule with 'Or'"));
}

#[test]
fn reports_every_error_with_its_pointer() {
    let e = errors(json!({
        "And": [
            {"Variable": "$.a", "NumericEquals": "x"},
            {"Not": {"Variable": "$.b", "StringEquals": "s", "Next": "Nope"}},
            {"Or": [{"Variable": "$.c", "IsString": true}, {"Bogus": 1, "Variable": "$.d", "IsNull": true}]}
        ]
    }));
    let ptrs: Vec<&str> = e.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(ptrs, ["/And/0/NumericEquals", "/And/1/Not/Next", "/And/2/Or/1/Bogus"]);
    assert_eq!(e[2].1, "'Bogus' is not a field of a Choice rule");
}

#[test]
fn escapes_pointer_tokens() {
    let (ptr, _) = one_error(json!({"Variable": "$.x", "IsNull": true, "a/b~c": 1}));
    assert_eq!(ptr, "/a~1b~0c");
}

#[test]
fn top_level_fields_of_the_state_are_ignored_but_comment_must_be_a_string() {
    ok(json!({"Variable": "$.x", "IsNull": true, "Next": "A", "Assign": {"v": 1}, "Output": {}, "Comment": "c"}));
    let (ptr, _) = one_error(json!({"Variable": "$.x", "IsNull": true, "Comment": 5}));
    assert_eq!(ptr, "/Comment");
    let (ptr, _) = one_error(json!({"Not": {"Variable": "$.x", "IsNull": true, "Assign": {}}}));
    assert_eq!(ptr, "/Not/Assign");
}

#[test]
fn path_forms_exist_only_where_aws_defines_them() {
    let e = errors(json!({"Variable": "$.x", "StringMatchesPath": "$.p"}));
    assert_eq!(
        e[0],
        ("/StringMatchesPath".to_string(), "'StringMatchesPath' is not a field of a Choice rule".to_string())
    );
    let e = errors(json!({"Variable": "$.x", "IsNullPath": "$.p", "IsNull": true}));
    assert_eq!(e, [("/IsNullPath".to_string(), "'IsNullPath' is not a field of a Choice rule".to_string())]);
}
