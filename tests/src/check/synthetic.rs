//! Hand-made cases that reach what the corpus seldom does (every normalizer op, notes, float
//! and Unicode text, multiset and long-string messages), judged by both `check_case` and the
//! reference `check.py`: the two verdicts must be identical, messages included.

use std::fs;

use serde_json::{json, Value};

use super::check_case;
use super::crosscheck::{python_verdicts, reference_dir};

fn normalizers() -> Value {
    json!([
        {"op": "preset", "name": "stepfunctions_api"},
        {"op": "key_value_ref", "key": "ApiEndpoint", "replacement": "api-endpoint"},
        {"op": "key_value_set", "key": "Date", "replacement": "date"},
        {"op": "jsonpath_ref", "path": "$..ExecutionArn", "name": "exec-arn"},
        {"op": "jsonpath_set", "path": "$..events[2].previousEventId", "value": 99},
        {"op": "jsonpath_set", "path": "$..Deep..Deep", "value": "set"},
        {"op": "map_run_arn", "index": 0},
        {"op": "regex", "pattern": "(ab)(?P<x>c)", "replacement": "\\g<x>\\1-\\2"},
        {"op": "regex", "pattern": "(", "replacement": "x"},
        {"op": "regex", "pattern": "1\\.5e-07|1e\\+16", "replacement": "7"},
        {"op": "regex", "pattern": "Q*", "replacement": ""},
        {"op": "custom", "note": "test-specific"},
        {"op": "preset", "name": "sns_api"},
        {"op": "sort_parallel_events"},
        {"op": "preset", "name": "localstack_global"}
    ])
}

fn event(t: &str, id: i64, details: Option<(&str, Value)>) -> Value {
    let mut ev = json!({"type": t, "id": id, "previousEventId": id - 1, "timestamp": 1_700_000_000.5});
    if let Some((k, v)) = details {
        ev[k] = v;
    }
    ev
}

fn history() -> Value {
    let map_run = "arn:aws:states:us-east-1:111111111111:mapRun:sm/0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab:9f8e7d6c-1a2b-4c3d-8e4f-0123456789ab";
    let input = json!({"ExecutionArn": "arn:aws:states:us-east-1:111111111111:execution:sm:e1", "n": [1, 1.0, 1.5e-7, 1e16, 0.1],
        "é": "\u{1F600}\"q\"", "Deep": {"Deep": {"Deep": 1}}, "someTimestamp": 123, "creationTime": "2024-02-29T10:00:00Z",
        "requestId": "0b5cd3c0-1a2b-4c3d-8e4f-0123456789ab", "ApiEndpoint": "abc.execute-api", "Date": ["x"], "s": "abcab"});
    json!([
        event(
            "ExecutionStarted",
            1,
            Some((
                "executionStartedEventDetails",
                json!({"input": input.to_string(), "inputDetails": {"truncated": false}, "roleArn": "arn:aws:iam::111111111111:role/r"})
            ))
        ),
        event("ParallelStateEntered", 2, Some(("stateEnteredEventDetails", json!({"name": "P", "input": "[1, 2]"})))),
        event("ParallelStateStarted", 3, None),
        event("PassStateEntered", 4, Some(("stateEnteredEventDetails", json!({"name": "B", "input": "{\"b\": 2}"})))),
        event("PassStateEntered", 5, Some(("stateEnteredEventDetails", json!({"name": "A", "input": "not json"})))),
        event(
            "PassStateExited",
            6,
            Some((
                "stateExitedEventDetails",
                json!({"name": "A", "output": "\"x\"", "assignedVariables": {"v": "1.0"}})
            ))
        ),
        event("PassStateExited", 7, Some(("stateExitedEventDetails", json!({"name": "B", "output": "null"})))),
        event("ParallelStateSucceeded", 8, None),
        event("ParallelStateExited", 9, Some(("stateExitedEventDetails", json!({"name": "P", "output": "[{}, {}]"})))),
        event("MapRunStarted", 10, Some(("mapRunStartedEventDetails", json!({"mapRunArn": map_run})))),
        event(
            "TaskFailed",
            11,
            Some(("taskFailedEventDetails", json!({"error": "E", "cause": "bad input '{\"k\": [1]}' here"})))
        ),
        event(
            "ExecutionSucceeded",
            12,
            Some((
                "executionSucceededEventDetails",
                json!({"output": "{\"r\": 1.0, \"long\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"}"})
            ))
        ),
    ])
}

/// `(case, actual)` pairs; the case's expected values are deliberately partly wrong.
fn synthetic() -> Vec<(Value, Value)> {
    let ctx = json!({"account_id": "111111111111", "region": "us-east-1", "partition": "aws"});
    let actual = json!({"status": "SUCCEEDED", "output": {"r": 1.0, "long": "a".repeat(90) + "b"}, "history": history(),
        "renames": [["e1", "<ExecArnPart_0idx>"]]});
    let exp_history = json!([
        {"type": "ExecutionStarted", "id": 1, "previousEventId": 0},
        {"type": "PassStateEntered", "id": [0], "previousEventId": 0, "stateEnteredEventDetails": {"name": "A", "input": {"$unparsed": "not json"}}},
        {"type": "PassStateExited", "id": [0], "previousEventId": 0, "stateExitedEventDetails": {"name": "A", "output": "y"}},
        {"type": "ExecutionSucceeded", "id": 12, "previousEventId": 11, "executionSucceededEventDetails": {"output": {"r": 1, "long": "a".repeat(91)}}}
    ]);
    let types = json!([
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "PassStateEntered",
        "PassStateEntered",
        "PassStateExited",
        "PassStateExited",
        "MapRunStarted",
        "TaskFailed",
        "ExecutionSucceeded"
    ]);
    let case = |id: &str, interleave: bool, skip: Value, expected: Value| {
        json!({"id": id, "context": ctx, "normalizers": normalizers(), "snapshot_skip_verify_paths": skip,
               "flags": {"history_order_may_interleave": interleave}, "expected": expected})
    };
    let with_history = json!({"status": "SUCCEEDED", "output": {"r": 1, "long": "a".repeat(91)}, "history": exp_history, "history_event_types": types});
    vec![
        (
            case(
                "in-order",
                false,
                json!(["$..SdkHttpMetadata", "$..events[2].stateEnteredEventDetails", "not a path"]),
                with_history.clone(),
            ),
            actual.clone(),
        ),
        (case("multiset", true, json!(["$..long"]), with_history.clone()), actual.clone()),
        (case("all-skipped", true, json!(["<entire snapshot>"]), with_history), actual.clone()),
        (
            case("no-history", false, json!([]), json!({"status": "FAILED", "error": "E", "cause": {"a": 1}})),
            json!({"status": "FAILED", "error": "E", "cause": "{\"a\": 1.0}", "history": null}),
        ),
        (
            case(
                "running",
                false,
                json!(["$..cause"]),
                json!({"status": "RUNNING", "history": [], "history_event_types": []}),
            ),
            json!({"status": "RUNNING", "history": [event("ExecutionStarted", 1, None)]}),
        ),
        (
            case("status-mismatch", false, json!([]), json!({"status": "TIMED_OUT", "error": "States.Timeout"})),
            json!({"status": "FAILED", "error": "States.Timeout", "output": [1]}),
        ),
    ]
}

#[test]
fn synthetic_cases_get_the_same_verdict_from_both() {
    let Some(conformance) = reference_dir() else { return };
    let work = std::env::temp_dir().join(format!("cairn-synthetic-{}", std::process::id()));
    assert!(fs::create_dir_all(&work).is_ok());
    let pairs = synthetic();
    let files: Vec<_> = (0..pairs.len()).map(|i| work.join(format!("case-{i}.json"))).collect();
    for ((case, _), file) in pairs.iter().zip(&files) {
        assert!(fs::write(file, case.to_string()).is_ok());
    }
    let runs: Vec<_> = pairs.iter().zip(&files).map(|((_, actual), f)| (f.as_path(), actual, None)).collect();
    let python = python_verdicts(&conformance, &work, &runs);
    let _ = fs::remove_dir_all(&work);
    for ((case, actual), py) in pairs.iter().zip(&python) {
        let rs = check_case(case, actual, None, None);
        assert_eq!(&rs, py, "{}", case["id"]);
    }
    // The cases reach what they were made for.
    assert!(python[0].notes.iter().any(|n| n.contains("bad regex")));
    assert!(python[0].history_diffs.iter().any(|d| d.contains("event types differ")));
    assert!(python[0].diffs.iter().any(|d| d.contains("strings differ at char 91")), "{:?}", python[0].diffs);
    assert!(python[1].history_diffs.iter().any(|d| d.contains("as multiset")));
    assert_eq!(python[2].history_ok, None);
    assert!(!python[3].result_ok);
    assert!(python[5].diffs.iter().any(|d| d.contains("status")));
}
