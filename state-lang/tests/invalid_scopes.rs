//! Invalid definitions: query languages, Parallel and Map, and expressions.
//! Each must be rejected with exactly the listed diagnostics (code and JSON Pointer), in the order
//! the validator reports them.

mod common;

use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------- query languages

#[test]
fn jsonpath_field_in_a_jsonata_state() {
    let d = jsonata(json!({"A": {"Type": "Pass", "InputPath": "$.a", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(
        message(d),
        "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage"
    );
}

#[test]
fn jsonata_field_in_a_jsonpath_state() {
    let d = machine(json!({"A": {"Type": "Task", "Resource": "arn:x", "Arguments": {}, "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(
        message(d),
        "The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage"
    );
}

#[test]
fn seconds_path_in_a_jsonata_wait() {
    expect(jsonata(json!({"A": {"Type": "Wait", "SecondsPath": "$.s", "End": true}})), &[(SCHEMA, "/States/A")]);
}

#[test]
fn jsonpath_state_in_a_jsonata_machine() {
    let d = jsonata(json!({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "Output": 1, "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
}

#[test]
fn state_query_language_non_string() {
    let d = machine(json!({"A": {"Type": "Pass", "QueryLanguage": 5, "End": true}}));
    expect(d, &[(SCHEMA, "/States/A/QueryLanguage")]);
}

#[test]
fn query_language_on_a_branch() {
    let d = machine(json!({"P": {"Type": "Parallel", "End": true,
        "Branches": [{"QueryLanguage": "JSONata", "StartAt": "B", "States": {"B": pass_end()}}]}}));
    expect(d, &[(SCHEMA, "/States/P/Branches/0")]);
}

#[test]
fn nested_states_inherit_the_machine_language_not_the_parent() {
    let d = machine(json!({"P": {"Type": "Parallel", "QueryLanguage": "JSONata", "End": true,
        "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": 1, "End": true}}}]}}));
    expect(d, &[(SCHEMA, "/States/P/Branches/0/States/B")]);
}

#[test]
fn jsonata_seconds_string_not_an_expression() {
    expect(jsonata(json!({"A": {"Type": "Wait", "Seconds": "10", "End": true}})), &[(SCHEMA, "/States/A/Seconds")]);
}

#[test]
fn assign_variable_name_invalid() {
    let d = machine(json!({"A": {"Type": "Pass", "Assign": {"9lives": 1}, "End": true}}));
    expect(d, &[(SCHEMA, "/States/A/Assign/9lives")]);
}

#[test]
fn assign_variable_name_too_long() {
    let name = "v".repeat(81);
    let d = jsonata(json!({"A": {"Type": "Pass", "Assign": {name.clone(): 1}, "End": true}}));
    expect(d, &[(SCHEMA, &format!("/States/A/Assign/{name}"))]);
}

#[test]
fn assign_in_a_choice_rule_invalid_name() {
    let d = choice(json!([{"Variable": "$.x", "IsPresent": true, "Next": "Z", "Assign": {"a b": 1}}]));
    expect(d, &[(SCHEMA, "/States/C/Choices/0/Assign/a b")]);
}

// ---------------------------------------------------------------- Parallel and Map

#[test]
fn parallel_without_branches() {
    expect(machine(json!({"P": {"Type": "Parallel", "Branches": [], "End": true}})), &[(SCHEMA, "/States/P/Branches")]);
}

#[test]
fn next_cannot_leave_a_branch() {
    let d = machine(json!({
        "P": {"Type": "Parallel", "Next": "Out", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "Out"}}}]},
        "Out": pass_end()
    }));
    expect(d, &[(TARGET, "/States/P/Branches/0/States/B/Next")]);
}

#[test]
fn unreachable_state_in_a_branch() {
    let d = machine(json!({"P": {"Type": "Parallel", "End": true,
        "Branches": [{"StartAt": "W", "States": {"W": pass_end(), "Ghost": pass_end()}}]}}));
    expect(d, &[(TARGET, "/States/P/Branches/0/States/Ghost")]);
}

#[test]
fn branch_unknown_field() {
    let d = machine(json!({"P": {"Type": "Parallel", "End": true,
        "Branches": [{"StartAt": "W", "States": {"W": pass_end()}, "Bogus": true}]}}));
    expect(d, &[(SCHEMA, "/States/P/Branches/0")]);
}

fn map_with(extra: Value) -> Value {
    let mut m = json!({"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "I", "States": {"I": pass_end()}}});
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    machine(json!({"M": m}))
}

#[test]
fn map_without_processor() {
    let d = machine(json!({"M": {"Type": "Map", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/M")]);
    assert_eq!(message(d), "These fields are required: [ItemProcessor]");
}

#[test]
fn map_with_processor_and_iterator() {
    expect(
        map_with(json!({"Iterator": {"StartAt": "J", "States": {"J": pass_end()}}})),
        &[(SCHEMA, "/States/M/Iterator")],
    );
}

#[test]
fn map_max_concurrency_negative() {
    expect(map_with(json!({"MaxConcurrency": -1})), &[(SCHEMA, "/States/M/MaxConcurrency")]);
}

#[test]
fn map_max_concurrency_and_path() {
    expect(
        map_with(json!({"MaxConcurrency": 2, "MaxConcurrencyPath": "$.n"})),
        &[(SCHEMA, "/States/M/MaxConcurrency")],
    );
}

#[test]
fn map_tolerated_failure_percentage_over_100() {
    expect(map_with(json!({"ToleratedFailurePercentage": 101})), &[(SCHEMA, "/States/M/ToleratedFailurePercentage")]);
}

#[test]
fn map_item_selector_and_parameters() {
    expect(map_with(json!({"ItemSelector": {}, "Parameters": {}})), &[(SCHEMA, "/States/M/ItemSelector")]);
}

#[test]
fn map_processor_mode_unknown() {
    let d = map_with(
        json!({"ItemProcessor": {"ProcessorConfig": {"Mode": "FAST"}, "StartAt": "I", "States": {"I": pass_end()}}}),
    );
    expect(d, &[(SCHEMA, "/States/M/ItemProcessor/ProcessorConfig/Mode")]);
}

#[test]
fn map_processor_query_language() {
    let d =
        map_with(json!({"ItemProcessor": {"QueryLanguage": "JSONata", "StartAt": "I", "States": {"I": pass_end()}}}));
    expect(d, &[(SCHEMA, "/States/M/ItemProcessor")]);
}

#[test]
fn map_items_in_jsonpath() {
    expect(map_with(json!({"Items": [1, 2]})), &[(SCHEMA, "/States/M")]);
}

#[test]
fn map_label_duplicated() {
    let d = machine(json!({
        "M1": {"Type": "Map", "Label": "L", "Next": "M2", "ItemProcessor": {"StartAt": "I1", "States": {"I1": pass_end()}}},
        "M2": {"Type": "Map", "Label": "L", "End": true, "ItemProcessor": {"StartAt": "I2", "States": {"I2": pass_end()}}}
    }));
    expect(d, &[("DUPLICATE_LABEL_NAME", "/States/M2/Label")]);
}

#[test]
fn map_label_invalid() {
    expect(map_with(json!({"Label": "has space"})), &[("INVALID_LABEL_NAME", "/States/M/Label")]);
}

#[test]
fn map_item_reader_parameters_in_jsonata() {
    let d = jsonata(json!({"M": {"Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}},
        "ItemProcessor": {"StartAt": "I", "States": {"I": pass_end()}}}}));
    expect(d, &[(SCHEMA, "/States/M/ItemReader/Parameters")]);
}

#[test]
fn map_item_batcher_unknown_field() {
    expect(map_with(json!({"ItemBatcher": {"MaxItems": 3}})), &[(SCHEMA, "/States/M/ItemBatcher")]);
}

#[test]
fn unreachable_state_in_a_processor() {
    let d = map_with(json!({"ItemProcessor": {"StartAt": "I", "States": {"I": pass_end(), "Lost": pass_end()}}}));
    expect(d, &[(TARGET, "/States/M/ItemProcessor/States/Lost")]);
}

#[test]
fn processor_start_at_names_no_state() {
    let d = map_with(json!({"ItemProcessor": {"StartAt": "Nope", "States": {"I": pass_end()}}}));
    expect(d, &[(TARGET, "/States/M/ItemProcessor/StartAt"), (TARGET, "/States/M/ItemProcessor/States/I")]);
}

#[test]
fn nested_loop_without_terminal_state_is_accepted() {
    let d = map_with(json!({"ItemProcessor": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}}));
    assert!(diagnostics(&d).is_empty());
}

// ---------------------------------------------------------------- expressions (other modules' errors)

#[test]
fn input_path_not_a_path() {
    expect(
        machine(json!({"A": {"Type": "Pass", "InputPath": "foo", "End": true}})),
        &[(SCHEMA, "/States/A/InputPath")],
    );
}

#[test]
fn result_path_not_a_reference_path() {
    expect(
        machine(json!({"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}})),
        &[(SCHEMA, "/States/A/ResultPath")],
    );
}

#[test]
fn unknown_intrinsic_in_parameters() {
    let d = machine(json!({"A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope(1)"}, "End": true}}));
    expect(d, &[(SCHEMA, "/States/A/Parameters/x.$")]);
}

#[test]
fn jsonata_output_does_not_parse() {
    let d = jsonata(json!({"A": {"Type": "Pass", "Output": {"v": "{% a[1,2) %}"}, "End": true}}));
    expect(d, &[(JSONATA, "/States/A/Output/v")]);
}

#[test]
fn jsonata_seconds_does_not_parse() {
    expect(
        jsonata(json!({"A": {"Type": "Wait", "Seconds": "{% 1 + %}", "End": true}})),
        &[(JSONATA, "/States/A/Seconds")],
    );
}

#[test]
fn choice_rule_operand_of_the_wrong_type() {
    let d = choice(json!([{"Variable": "$.x", "NumericEquals": "a", "Next": "Z"}]));
    expect(d, &[(SCHEMA, "/States/C/Choices/0/NumericEquals")]);
}

#[test]
fn cause_path_not_a_path() {
    expect(machine(json!({"A": {"Type": "Fail", "CausePath": "nope"}})), &[(SCHEMA, "/States/A/CausePath")]);
}
