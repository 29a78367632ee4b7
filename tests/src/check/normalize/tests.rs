//! Unit tests of the normalizers, with the values the reference produces.

use serde_json::{json, Value};

use super::*;

fn run(state: Value, ops: Value) -> (Value, Vec<String>) {
    let mut notes = Vec::new();
    let ops = ops.as_array().cloned().unwrap_or_default();
    (normalize(state, &ops, &mut notes), notes)
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["type"].as_str()).collect()
}

#[test]
fn sort_parallel_sorts_blanks_ids_and_drops_the_first_of_two_end_events() {
    let ev = |t: &str, id: i64, name: &str| json!({"type": t, "id": id, "name": name});
    let mut events = vec![
        ev("ParallelStateStarted", 1, ""),
        ev("PassStateEntered", 2, "b"),
        ev("PassStateEntered", 3, "a"),
        ev("ParallelStateSucceeded", 4, ""),
        ev("ParallelStateExited", 5, ""),
        ev("ExecutionSucceeded", 6, ""),
    ];
    sort_parallel(&mut events);
    assert_eq!(
        types(&events),
        ["ParallelStateStarted", "PassStateEntered", "PassStateEntered", "ParallelStateExited", "ExecutionSucceeded"]
    );
    assert_eq!(events[1], json!({"type": "PassStateEntered", "id": [0], "name": "a", "previousEventId": 0}));
    assert_eq!(events[2]["name"], "b");
}

#[test]
fn sort_parallel_on_nested_parallels_drops_three_end_events() {
    let t = [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "PassStateEntered",
        "PassStateExited",
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ];
    let mut events: Vec<Value> = t.iter().enumerate().map(|(i, t)| json!({"type": t, "id": i + 1})).collect();
    sort_parallel(&mut events);
    // What the recording holds for scenarios/test_parallel_state_nested.
    assert_eq!(
        types(&events),
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(events[3]["id"], json!([0]));
    assert_eq!(events[4]["id"], json!(5));
    assert_eq!(events[7]["id"], json!(11));
}

#[test]
fn references_number_per_name_in_first_met_order() {
    let u1 = "0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab";
    let u2 = "1b5cd3c0-1a2b-4c3d-8e4f-0123456789ab";
    let state = json!({"r": {"a": {"requestId": u2}, "b": [{"RunId": u1}, {"ID": u2}], "other": u1, "id": "nope"}});
    let (out, notes) = run(state, json!([{"op": "uuid_id_keys"}]));
    assert!(notes.is_empty());
    assert_eq!(
        out,
        json!({"r": {"a": {"requestId": "<uuid:1>"}, "b": [{"RunId": "<uuid:2>"}, {"ID": "<uuid:1>"}], "other": "<uuid:2>", "id": "nope"}})
    );
}

#[test]
fn a_value_is_referenced_once_across_names() {
    let state = json!({"r": {"ApiEndpoint": "x.y", "Arn": "x.y", "Other": "z"}});
    let ops = json!([
        {"op": "key_value_ref", "key": "ApiEndpoint", "replacement": "api"},
        {"op": "jsonpath_ref", "path": "$..Arn", "name": "arn"},
        {"op": "jsonpath_ref", "path": "$..Other", "name": "arn"}
    ]);
    let (out, _) = run(state, ops);
    assert_eq!(out, json!({"r": {"ApiEndpoint": "<api:1>", "Arn": "<api:1>", "Other": "<arn:1>"}}));
}

#[test]
fn timestamp_keys_keep_iso_dates_and_dates_become_date() {
    let state = json!({"r": {"someTimestamp": 12, "Timestamp": "2024-02-29T10:00:00.123Z", "creationTime": "now",
                             "x": "2023-02-29T10:00:00Z", "y": "2024-02-29T10:00:00Z and on"}});
    let (out, _) = run(state, json!([{"op": "iso8601_to_date"}, {"op": "timestamp_keys"}]));
    assert_eq!(
        out,
        json!({"r": {"someTimestamp": "timestamp", "Timestamp": "date", "creationTime": "timestamp",
                     "x": "2023-02-29T10:00:00Z", "y": "date and on"}})
    );
}

#[test]
fn cause_json_input_references_the_quoted_json() {
    let state =
        json!({"r": {"cause": "Invalid path '$.x' : No results for path: $['x'] in '{\"a\": 1}'", "c": "{\"a\": 1}"}});
    let (out, _) = run(state, json!([{"op": "cause_json_input", "name": "json-input"}]));
    assert_eq!(out["r"]["cause"], "Invalid path '$.x' : No results for path: $['x'] in '<json-input:1>'");
    assert_eq!(out["r"]["c"], json!("<json-input:1>"));
}

#[test]
fn map_run_arn_parts_are_replaced() {
    let arn = "arn:aws:states:us-east-1:111111111111:mapRun:sm/0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab:9f8e7d6c";
    let state = json!({"h": {"mapRunArn": arn}});
    let (out, _) = run(state, json!([{"op": "map_run_arn", "index": 0}, {"op": "map_run_arn", "index": 1}]));
    assert_eq!(
        out["h"]["mapRunArn"],
        "arn:aws:states:us-east-1:111111111111:mapRun:sm/<MapRunArnPart0_0idx>:<MapRunArnPart1_0idx>"
    );
}

#[test]
fn jsonpath_set_does_not_write_into_a_value_it_replaced() {
    let state = json!({"r": {"Deep": {"Deep": {"Deep": 1}}}});
    let (out, _) = run(state, json!([{"op": "jsonpath_set", "path": "$..Deep", "value": {"Deep": 0}}]));
    assert_eq!(out, json!({"r": {"Deep": {"Deep": 0}}}));
}

#[test]
fn unreproducible_ops_and_bad_regexes_are_noted() {
    let ops = json!([{"op": "custom"}, {"op": "preset", "name": "sns_api"}, {"op": "regex", "pattern": "(?<=a)b", "replacement": ""}]);
    let (_, notes) = run(json!({"r": {}}), ops);
    assert_eq!(
        notes,
        [
            "normalizer custom is not reproducible; ignored",
            "normalizer preset sns_api is not reproducible; ignored",
            "bad regex normalizer '(?<=a)b' ignored"
        ]
    );
}

#[test]
fn text_ops_run_in_registration_order_after_tree_ops() {
    let state = json!({"r": {"a": "exec_u1 0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab", "runId": "0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab"}});
    let ops = json!([
        {"op": "regex", "pattern": "exec_u1", "replacement": "<ExecArnPart_0idx>"},
        {"op": "uuid_id_keys"},
        {"op": "regex", "pattern": "<uuid:1>", "replacement": "U"}
    ]);
    let (out, _) = run(state, ops);
    assert_eq!(out, json!({"r": {"a": "<ExecArnPart_0idx> U", "runId": "U"}}));
}
