//! Invalid definitions: the document, its scopes, state types and transitions.
//! Each must be rejected with exactly the listed diagnostics (code and JSON Pointer), in the order
//! the validator reports them.

mod common;

use common::*;
use serde_json::json;

// ---------------------------------------------------------------- the document and its scopes

#[test]
fn not_json_at_all() {
    let diags = state_lang::load("{\"StartAt\": \"A\",\n \"States\": }").unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "INVALID_JSON_DESCRIPTION");
    assert!(diags[0].message.contains("line 2, column 12"), "{}", diags[0].message);
}

#[test]
fn empty_text() {
    let diags = state_lang::load("  ").unwrap_err();
    assert_eq!(diags[0].code, "MISSING_DESCRIPTION");
}

#[test]
fn definition_not_an_object() {
    expect(json!([1]), &[(SCHEMA, "")]);
}

#[test]
fn missing_start_at_and_states() {
    expect(json!({"Comment": "x"}), &[(SCHEMA, "")]);
    assert_eq!(message(json!({})), "These fields are required: [StartAt, States]");
}

#[test]
fn unknown_top_level_field() {
    expect(json!({"StartAt": "A", "States": {"A": pass_end()}, "Bogus": 1}), &[(SCHEMA, "")]);
}

#[test]
fn top_level_timeout_must_be_positive() {
    expect(json!({"StartAt": "A", "States": {"A": pass_end()}, "TimeoutSeconds": 0}), &[(SCHEMA, "/TimeoutSeconds")]);
}

#[test]
fn top_level_comment_must_be_a_string() {
    expect(json!({"StartAt": "A", "States": {"A": pass_end()}, "Comment": 5}), &[(SCHEMA, "/Comment")]);
}

#[test]
fn start_at_names_no_state() {
    expect(json!({"StartAt": "Nope", "States": {"A": pass_end()}}), &[(TARGET, "/StartAt"), (TARGET, "/States/A")]);
}

#[test]
fn states_must_be_an_object() {
    expect(json!({"StartAt": "A", "States": []}), &[(SCHEMA, "/States")]);
}

#[test]
fn top_level_query_language_outside_the_enum() {
    let d = json!({"QueryLanguage": "jsonata", "StartAt": "A", "States": {"A": pass_end()}});
    expect(d.clone(), &[(SCHEMA, "/QueryLanguage")]);
    assert_eq!(message(d), "Value should be one of the following: [JSONPath, JSONata]");
}

#[test]
fn duplicate_state_name_in_the_same_scope() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}"#;
    let diags = state_lang::load(text).unwrap_err();
    assert_eq!(diags[0].code, "DUPLICATE_STATE_NAME");
    assert_eq!(diags[0].location, "/States/A");
}

#[test]
fn duplicate_state_name_across_scopes() {
    let d = machine(json!({
        "A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "A", "States": {"A": pass_end()}}]}
    }));
    expect(d, &[("DUPLICATE_STATE_NAME", "/States/A/Branches/0/States/A")]);
}

#[test]
fn state_name_too_long() {
    let name = "n".repeat(81);
    expect(machine(json!({ name.clone(): pass_end() })), &[("INVALID_STATE_NAME", &format!("/States/{name}"))]);
}

#[test]
fn state_name_with_slash_is_escaped_in_the_pointer() {
    let d = machine(json!({"A": pass_end(), "a/b~c": pass_end()}));
    expect(d, &[(TARGET, "/States/a~1b~0c")]);
}

// ---------------------------------------------------------------- Type, Next, End

#[test]
fn missing_type() {
    expect(machine(json!({"A": {"End": true}})), &[(SCHEMA, "/States/A")]);
}

#[test]
fn unknown_type() {
    expect(machine(json!({"A": {"Type": "Sleep", "End": true}})), &[(SCHEMA, "/States/A/Type")]);
}

#[test]
fn state_not_an_object() {
    expect(machine(json!({"A": "Pass"})), &[(SCHEMA, "/States/A")]);
}

#[test]
fn both_end_and_next() {
    expect(
        machine(json!({"A": {"Type": "Pass", "Next": "B", "End": true}, "B": pass_end()})),
        &[(SCHEMA, "/States/A")],
    );
}

#[test]
fn neither_end_nor_next() {
    let d = machine(json!({"A": {"Type": "Pass"}, "B": pass_end()}));
    expect(d, &[(SCHEMA, "/States/A"), (TARGET, "/States/B")]);
}

#[test]
fn end_false_without_next() {
    expect(
        machine(json!({"A": {"Type": "Pass", "End": false}, "B": {"Type": "Succeed"}})),
        &[(SCHEMA, "/States/A"), (TARGET, "/States/B")],
    );
}

#[test]
fn end_must_be_boolean() {
    expect(
        machine(json!({"A": {"Type": "Pass", "End": "yes"}, "B": {"Type": "Succeed"}})),
        &[(SCHEMA, "/States/A/End"), (TARGET, "/States/B")],
    );
}

#[test]
fn next_names_no_state() {
    let d = machine(json!({"A": {"Type": "Pass", "Next": "Ghost"}, "B": pass_end()}));
    expect(d, &[(TARGET, "/States/A/Next"), (TARGET, "/States/B")]);
}

#[test]
fn next_missing_and_no_terminal_state() {
    let d = machine(json!({"A": {"Type": "Pass", "Next": "NOPE"}}));
    expect(d, &[(TARGET, "/States/A/Next"), ("MISSING_END_STATE", "")]);
}

#[test]
fn unreachable_state() {
    let d = machine(json!({"A": pass_end(), "B": pass_end()}));
    expect(d.clone(), &[(TARGET, "/States/B")]);
    assert_eq!(message(d), "State \"B\" is not reachable.");
}

#[test]
fn loop_without_terminal_state() {
    let d = machine(json!({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}));
    expect(d.clone(), &[("MISSING_END_STATE", "")]);
    assert_eq!(message(d), "Workflow has no terminal state");
}

#[test]
fn next_on_succeed_is_not_supported() {
    let d = machine(json!({"A": {"Type": "Succeed", "Next": "A"}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "Field 'Next' is not supported");
}

// ---------------------------------------------------------------- many problems at once

#[test]
fn every_problem_is_reported() {
    let d = machine(json!({
        "A": {"Type": "Pass", "Next": "Ghost", "Bogus": 1},
        "B": {"Type": "Wait", "Seconds": -3, "End": true},
        "C": {"Type": "Task", "Resource": "arn:x", "End": true, "Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0}]}
    }));
    expect(
        d,
        &[
            (SCHEMA, "/States/A"),
            (TARGET, "/States/A/Next"),
            (SCHEMA, "/States/B/Seconds"),
            (SCHEMA, "/States/C/Retry/0/BackoffRate"),
            (TARGET, "/States/B"),
            (TARGET, "/States/C"),
        ],
    );
}
