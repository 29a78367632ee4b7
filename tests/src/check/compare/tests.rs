//! Unit tests of the comparison helpers.

use serde_json::json;

use super::*;
use crate::check::path::parse_path;

fn skip(paths: &[&str]) -> Vec<Vec<Step>> {
    paths.iter().filter_map(|p| parse_path(p).ok()).collect()
}

#[test]
fn norm_event_stores_events_as_the_corpus_does() {
    let ev = json!({"timestamp": 1.5, "type": "PassStateExited", "id": 3,
        "stateExitedEventDetails": {"name": "A", "output": "{\"a\":1}", "outputDetails": {"truncated": false},
                                    "assignedVariables": {"v": "[1]", "w": "x y"}},
        "extra": true});
    assert_eq!(
        norm_event(&ev),
        json!({"type": "PassStateExited", "id": 3, "previousEventId": null,
               "stateExitedEventDetails": {"name": "A", "output": {"a": 1}, "assignedVariables": {"v": [1], "w": {"$unparsed": "x y"}}},
               "extra": true})
    );
    let truncated = json!({"type": "T", "id": 1, "previousEventId": 0, "taskSucceededEventDetails": {"outputDetails": {"truncated": true}}});
    assert_eq!(norm_event(&truncated), truncated);
}

#[test]
fn mask_drops_keys_blanks_items_and_whole_values() {
    let v = json!({"a": [1, 2, 3], "b": {"c": 1, "d": 2}});
    let s = skip(&["$..a[1]", "$..c"]);
    assert_eq!(mask(Some(&v), &[vec![Seg::Key("x".into())]], &s), Some(json!({"a": [1, SKIPPED, 3], "b": {"d": 2}})));
    let s = skip(&["$..x"]);
    assert_eq!(mask(None, &[vec![Seg::Key("x".into())]], &s), Some(json!(SKIPPED)));
    assert_eq!(mask(None, &[vec![Seg::Key("y".into())]], &s), None);
}

#[test]
fn diff_tells_integers_from_floats_and_names_the_place() {
    let mut out = Vec::new();
    let e = json!({"a": [1, {"b": true}], "c": 1});
    let a = json!({"a": [1.0, {"b": 1}], "d": null});
    diff(Some(&e), Some(&a), &mut vec![Loc::Key("output".into())], &mut out);
    assert_eq!(
        out,
        [
            "output.a[0]: expected 1, got 1.0",
            "output.a[1].b: expected true, got 1",
            "output.c: expected 1, got (absent)",
            "output.d: expected (absent), got null"
        ]
    );
}

#[test]
fn history_as_multisets_reports_missing_and_unexpected() {
    let ev = |t: &str, name: &str| json!({"type": t, "id": 1, "previousEventId": 0, "stateEnteredEventDetails": {"name": name, "input": {}}});
    let expected = vec![ev("PassStateEntered", "A"), ev("PassStateEntered", "B")];
    let actual = vec![ev("PassStateEntered", "B"), ev("PassStateEntered", "A")];
    let types = vec!["PassStateEntered".to_string(); 2];
    assert!(compare_history(&expected, &types, &actual, true, &[]).is_empty());
    let out = compare_history(&expected, &types, &actual, false, &[]);
    assert_eq!(out[0], "PassStateEntered 'A': state_io[0].state: expected \"A\", got \"B\"");
    let actual = vec![ev("PassStateEntered", "A"), ev("TaskStateEntered", "C")];
    let out = compare_history(&expected, &types, &actual, true, &[]);
    assert_eq!(
        out[0],
        "event types (as multiset): missing {'PassStateEntered': 1}, unexpected {'TaskStateEntered': 1}"
    );
    assert_eq!(out[1], "state_io missing: {\"event\": \"PassStateEntered\", \"input\": {}, \"state\": \"B\"}");
}
