//! Invalid definitions: the fields of each state type, Choice rules, Retry and Catch.
//! Each must be rejected with exactly the listed diagnostics (code and JSON Pointer), in the order
//! the validator reports them.

mod common;

use common::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------- fields per state type

#[test]
fn timeout_seconds_on_pass() {
    let d = machine(json!({"A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "Field 'TimeoutSeconds' is not supported");
}

#[test]
fn catch_on_pass() {
    let d =
        machine(json!({"A": {"Type": "Pass", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}]}}));
    expect(d, &[(SCHEMA, "/States/A")]);
}

#[test]
fn retry_on_wait() {
    let d =
        machine(json!({"A": {"Type": "Wait", "Seconds": 1, "End": true, "Retry": [{"ErrorEquals": ["States.ALL"]}]}}));
    expect(d, &[(SCHEMA, "/States/A")]);
}

#[test]
fn unknown_field_on_task() {
    let d =
        machine(json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Foo": 1, "End": true}}));
    expect(d, &[(SCHEMA, "/States/A")]);
}

#[test]
fn input_path_on_fail() {
    expect(machine(json!({"A": {"Type": "Fail", "InputPath": "$"}})), &[(SCHEMA, "/States/A")]);
}

#[test]
fn task_without_resource() {
    let d = machine(json!({"A": {"Type": "Task", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "These fields are required: [Resource]");
}

#[test]
fn task_with_empty_resource() {
    expect(
        machine(json!({"A": {"Type": "Task", "Resource": " ", "End": true}})),
        &[("INVALID_RESOURCE", "/States/A/Resource")],
    );
}

#[test]
fn task_timeout_must_be_positive() {
    let d = machine(json!({"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 0, "End": true}}));
    expect(d, &[(SCHEMA, "/States/A/TimeoutSeconds")]);
}

#[test]
fn task_timeout_and_timeout_path() {
    let d = machine(
        json!({"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 3, "TimeoutSecondsPath": "$.t", "End": true}}),
    );
    expect(d, &[(SCHEMA, "/States/A/TimeoutSeconds")]);
}

#[test]
fn heartbeat_not_below_timeout() {
    let d = machine(
        json!({"A": {"Type": "Task", "Resource": "arn:x", "TimeoutSeconds": 5, "HeartbeatSeconds": 5, "End": true}}),
    );
    expect(d, &[(SCHEMA, "/States/A/HeartbeatSeconds")]);
}

#[test]
fn parameters_must_be_an_object() {
    let d = machine(json!({"A": {"Type": "Task", "Resource": "arn:x", "Parameters": "x", "End": true}}));
    expect(d, &[(SCHEMA, "/States/A/Parameters")]);
}

#[test]
fn input_path_must_be_a_string() {
    expect(machine(json!({"A": {"Type": "Pass", "InputPath": 3, "End": true}})), &[(SCHEMA, "/States/A/InputPath")]);
}

#[test]
fn result_path_must_be_a_string_or_null() {
    expect(
        machine(json!({"A": {"Type": "Pass", "ResultPath": true, "End": true}})),
        &[(SCHEMA, "/States/A/ResultPath")],
    );
}

#[test]
fn wait_without_duration() {
    let d = machine(json!({"A": {"Type": "Wait", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "Exactly one of these fields is required: [Seconds, SecondsPath, Timestamp, TimestampPath]");
}

#[test]
fn wait_with_two_durations() {
    let d = machine(json!({"A": {"Type": "Wait", "Seconds": 1, "Timestamp": "2016-03-14T01:59:00Z", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A")]);
    assert_eq!(message(d), "Only one of these fields can be specified: [Seconds, Timestamp]");
}

#[test]
fn wait_seconds_negative() {
    expect(machine(json!({"A": {"Type": "Wait", "Seconds": -1, "End": true}})), &[(SCHEMA, "/States/A/Seconds")]);
}

#[test]
fn wait_seconds_not_an_integer() {
    let d = machine(json!({"A": {"Type": "Wait", "Seconds": "10", "End": true}}));
    expect(d.clone(), &[(SCHEMA, "/States/A/Seconds")]);
    assert_eq!(message(d), "Expected value of type [INTEGER]");
}

#[test]
fn wait_timestamp_not_a_date() {
    expect(
        machine(json!({"A": {"Type": "Wait", "Timestamp": "tomorrow", "End": true}})),
        &[(SCHEMA, "/States/A/Timestamp")],
    );
}

#[test]
fn fail_error_and_error_path() {
    expect(machine(json!({"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})), &[(SCHEMA, "/States/A/Error")]);
}

#[test]
fn fail_cause_must_be_a_string() {
    expect(machine(json!({"A": {"Type": "Fail", "Cause": 42}})), &[(SCHEMA, "/States/A/Cause")]);
}

// ---------------------------------------------------------------- Choice

#[test]
fn choice_without_rules() {
    expect(choice(json!([])), &[(SCHEMA, "/States/C/Choices")]);
}

#[test]
fn choice_without_choices_field() {
    expect(machine(json!({"C": {"Type": "Choice", "Default": "Z"}, "Z": pass_end()})), &[(SCHEMA, "/States/C")]);
}

#[test]
fn choice_rule_next_names_no_state() {
    let d = choice(json!([{"Variable": "$.x", "IsPresent": true, "Next": "Ghost"}]));
    expect(d, &[(TARGET, "/States/C/Choices/0/Next")]);
}

#[test]
fn choice_rule_without_next() {
    expect(choice(json!([{"Variable": "$.x", "IsPresent": true}])), &[(SCHEMA, "/States/C/Choices/0")]);
}

#[test]
fn choice_default_names_no_state() {
    let d = machine(json!({
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Z"}], "Default": "Ghost"},
        "Z": pass_end()
    }));
    expect(d, &[(TARGET, "/States/C/Default")]);
}

#[test]
fn choice_rule_not_an_object() {
    expect(choice(json!(["x"])), &[(SCHEMA, "/States/C/Choices/0")]);
}

#[test]
fn condition_in_a_jsonpath_choice() {
    expect(choice(json!([{"Condition": "{% true %}", "Next": "Z"}])), &[(SCHEMA, "/States/C/Choices/0")]);
}

#[test]
fn jsonata_choice_rule_with_variable() {
    let d = jsonata(json!({
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Condition": "{% true %}", "Next": "Z"}], "Default": "Z"},
        "Z": pass_end()
    }));
    expect(d, &[(SCHEMA, "/States/C/Choices/0")]);
}

#[test]
fn jsonata_condition_must_be_an_expression() {
    let d = jsonata(json!({
        "C": {"Type": "Choice", "Choices": [{"Condition": "$x > 1", "Next": "Z"}], "Default": "Z"},
        "Z": pass_end()
    }));
    expect(d, &[(SCHEMA, "/States/C/Choices/0/Condition")]);
}

#[test]
fn choice_target_unreachable_rest() {
    let d = machine(json!({
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Z"}]},
        "Z": pass_end(),
        "Lost": pass_end()
    }));
    expect(d, &[(TARGET, "/States/Lost")]);
}

// ---------------------------------------------------------------- Retry and Catch

fn task_with(field: &str, value: Value) -> Value {
    let mut t = json!({"Type": "Task", "Resource": "arn:x", "Next": "Z"});
    t[field] = value;
    machine(json!({"T": t, "Z": pass_end()}))
}

#[test]
fn backoff_rate_below_one() {
    let d = task_with("Retry", json!([{"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}]));
    expect(d.clone(), &[(SCHEMA, "/States/T/Retry/0/BackoffRate")]);
    assert_eq!(message(d), "Minimum value is 1");
}

#[test]
fn interval_seconds_zero() {
    expect(
        task_with("Retry", json!([{"ErrorEquals": ["E"], "IntervalSeconds": 0}])),
        &[(SCHEMA, "/States/T/Retry/0/IntervalSeconds")],
    );
}

#[test]
fn max_attempts_negative() {
    expect(
        task_with("Retry", json!([{"ErrorEquals": ["E"], "MaxAttempts": -1}])),
        &[(SCHEMA, "/States/T/Retry/0/MaxAttempts")],
    );
}

#[test]
fn max_delay_seconds_zero() {
    expect(
        task_with("Retry", json!([{"ErrorEquals": ["E"], "MaxDelaySeconds": 0}])),
        &[(SCHEMA, "/States/T/Retry/0/MaxDelaySeconds")],
    );
}

#[test]
fn jitter_strategy_unknown() {
    expect(
        task_with("Retry", json!([{"ErrorEquals": ["E"], "JitterStrategy": "SOME"}])),
        &[(SCHEMA, "/States/T/Retry/0/JitterStrategy")],
    );
}

#[test]
fn retrier_unknown_field() {
    expect(task_with("Retry", json!([{"ErrorEquals": ["E"], "Backoff": 2}])), &[(SCHEMA, "/States/T/Retry/0")]);
}

#[test]
fn retrier_without_error_equals() {
    expect(task_with("Retry", json!([{"MaxAttempts": 1}])), &[(SCHEMA, "/States/T/Retry/0")]);
}

#[test]
fn error_equals_empty() {
    expect(task_with("Retry", json!([{"ErrorEquals": []}])), &[(SCHEMA, "/States/T/Retry/0/ErrorEquals")]);
}

#[test]
fn error_equals_not_strings() {
    expect(task_with("Retry", json!([{"ErrorEquals": ["E", 3]}])), &[(SCHEMA, "/States/T/Retry/0/ErrorEquals/1")]);
}

#[test]
fn states_all_not_alone() {
    expect(
        task_with("Retry", json!([{"ErrorEquals": ["States.ALL", "E"]}])),
        &[(SCHEMA, "/States/T/Retry/0/ErrorEquals")],
    );
}

#[test]
fn states_all_not_last_retrier() {
    let d = task_with("Retry", json!([{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}]));
    expect(d, &[(SCHEMA, "/States/T/Retry/0/ErrorEquals")]);
}

#[test]
fn states_all_not_last_catcher() {
    let d =
        task_with("Catch", json!([{"ErrorEquals": ["States.ALL"], "Next": "Z"}, {"ErrorEquals": ["E"], "Next": "Z"}]));
    expect(d, &[(SCHEMA, "/States/T/Catch/0/ErrorEquals")]);
}

#[test]
fn catch_next_names_no_state() {
    expect(task_with("Catch", json!([{"ErrorEquals": ["E"], "Next": "Ghost"}])), &[(TARGET, "/States/T/Catch/0/Next")]);
}

#[test]
fn catcher_without_next() {
    expect(task_with("Catch", json!([{"ErrorEquals": ["E"]}])), &[(SCHEMA, "/States/T/Catch/0")]);
}

#[test]
fn catcher_output_in_jsonpath() {
    expect(
        task_with("Catch", json!([{"ErrorEquals": ["E"], "Next": "Z", "Output": 1}])),
        &[(SCHEMA, "/States/T/Catch/0")],
    );
}

#[test]
fn retry_must_be_an_array() {
    expect(task_with("Retry", json!({"ErrorEquals": ["E"]})), &[(SCHEMA, "/States/T/Retry")]);
}

#[test]
fn catch_makes_a_state_reachable() {
    let d = machine(json!({
        "T": {"Type": "Task", "Resource": "arn:x", "End": true, "Catch": [{"ErrorEquals": ["E"], "Next": "H"}]},
        "H": pass_end()
    }));
    assert!(diagnostics(&d).is_empty());
}
