//! The model the parser builds from valid definitions.

use serde_json::json;

use super::*;
use crate::model::{Condition, Dynamic, JitterStrategy, ProcessorMode, StateKind, Template, Transition, Wait};
use crate::path::ResultPath;

fn load(v: serde_json::Value) -> StateMachine {
    match parse_value(&v) {
        Ok(m) => m,
        Err(d) => panic!("unexpected diagnostics: {d:?}"),
    }
}

#[test]
fn resolves_names_to_ids_in_order() {
    let m = load(json!({
        "Comment": "c", "Version": "1.0", "TimeoutSeconds": 60,
        "StartAt": "B",
        "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "Result": {"x": 1}, "Next": "A"}}
    }));
    assert_eq!((m.comment.as_deref(), m.version.as_deref(), m.timeout_seconds), (Some("c"), Some("1.0"), Some(60)));
    assert_eq!(m.scope.start_at, 1);
    assert_eq!(m.scope.id_of("A"), Some(0));
    let b = m.scope.start();
    assert_eq!(b.transition, Transition::Next(0));
    assert!(matches!(&b.kind, StateKind::Pass(p) if p.result == Some(json!({"x": 1}))));
    assert_eq!(m.scope.state(0).transition, Transition::None);
    assert_eq!(m.source["StartAt"], "B");
}

#[test]
fn io_fields_keep_null_apart_from_absent() {
    let m = load(json!({"StartAt": "A", "States": {"A": {
        "Type": "Pass", "InputPath": null, "ResultPath": null, "OutputPath": "$.x", "End": true
    }}}));
    let io = &m.scope.state(0).io;
    assert_eq!(io.input_path, Some(None));
    assert_eq!(io.result_path, Some(ResultPath::Discard));
    assert_eq!(io.output_path.as_ref().and_then(|p| p.as_ref()).map(|p| p.as_str()), Some("$.x"));
    assert!(io.parameters.is_none() && io.output.is_none());
}

#[test]
fn retry_defaults_and_catch_targets() {
    let m = load(json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true,
              "TimeoutSeconds": 10, "HeartbeatSecondsPath": "$.hb",
              "Retry": [{"ErrorEquals": ["A"]}, {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 0,
                         "BackoffRate": 1.5, "MaxDelaySeconds": 9, "JitterStrategy": "FULL"}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H", "ResultPath": "$.err"}]},
        "H": {"Type": "Fail"}
    }}));
    let t = m.scope.state(0);
    assert_eq!(t.retry[0].interval_seconds, 1);
    assert_eq!(t.retry[0].max_attempts, 3);
    assert_eq!(t.retry[0].backoff_rate, 2.0);
    assert_eq!(t.retry[0].jitter, JitterStrategy::None);
    let r = &t.retry[1];
    assert_eq!((r.interval_seconds, r.max_attempts, r.backoff_rate, r.max_delay_seconds), (2, 0, 1.5, Some(9)));
    assert_eq!(r.jitter, JitterStrategy::Full);
    assert_eq!(t.catch[0].next, 1);
    let StateKind::Task(task) = &t.kind else { panic!("task") };
    assert!(matches!(task.timeout_seconds, Some(Dynamic::Literal(10))));
    assert!(matches!(task.heartbeat_seconds, Some(Dynamic::Path(_))));
}

#[test]
fn states_take_the_machine_language_unless_they_set_their_own() {
    let m = load(json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "Assign": {"v": 1}, "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 5, "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"i.$": "$$.Map.Item.Value"}, "MaxConcurrency": 2,
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                                "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "End": true}
    }}));
    let a = m.scope.state(0);
    assert_eq!(a.query_language, QueryLanguage::JSONata);
    assert!(a.io.output.is_some());
    assert!(matches!(a.assign, Some(Template::Jsonata(_))));
    assert!(matches!(&m.scope.state(1).kind, StateKind::Wait(Wait::Seconds(Dynamic::Literal(5)))));
    let StateKind::Map(map) = &m.scope.state(2).kind else { panic!("map") };
    assert_eq!(map.mode, ProcessorMode::Distributed);
    assert_eq!(map.execution_type.as_deref(), Some("EXPRESS"));
    assert!(matches!(map.item_selector, Some(Template::JsonPath(_))));
    assert!(matches!(map.max_concurrency, Some(Dynamic::Literal(2))));
    assert_eq!(map.processor.pointer, "/States/M/ItemProcessor");
    assert_eq!(map.processor.state(0).query_language, QueryLanguage::JSONPath);
}

#[test]
fn jsonata_machine_parses_expressions_in_scalar_fields() {
    let m = load(json!({"QueryLanguage": "JSONata", "StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.ok %}", "Next": "W", "Output": {"a": 1}}],
              "Default": "F"},
        "W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "End": true},
        "F": {"Type": "Fail", "Error": "{% 'E' & 'rr' %}", "Cause": "plain"}
    }}));
    assert_eq!(m.query_language, QueryLanguage::JSONata);
    let StateKind::Choice(c) = &m.scope.state(0).kind else { panic!("choice") };
    assert!(matches!(c.choices[0].condition, Condition::Jsonata(_)));
    assert!(c.choices[0].output.is_some());
    assert_eq!((c.choices[0].next, c.default), (1, Some(3)));
    assert!(matches!(&m.scope.state(1).kind, StateKind::Wait(Wait::Seconds(Dynamic::Jsonata(_)))));
    let StateKind::Parallel(p) = &m.scope.state(2).kind else { panic!("parallel") };
    assert_eq!(p.branches[0].pointer, "/States/P/Branches/0");
    let StateKind::Fail(f) = &m.scope.state(3).kind else { panic!("fail") };
    assert!(matches!(f.error, Some(Dynamic::Jsonata(_))));
    assert!(matches!(&f.cause, Some(Dynamic::Literal(s)) if s == "plain"));
}

#[test]
fn legacy_iterator_and_parameters_of_a_map() {
    let m = load(json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "Parameters": {"x.$": "$"}, "Label": "Lbl",
        "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true
    }}}));
    let StateKind::Map(map) = &m.scope.state(0).kind else { panic!("map") };
    assert!(matches!(map.item_selector, Some(Template::JsonPath(_))));
    assert!(m.scope.state(0).io.parameters.is_none());
    assert_eq!(map.processor.pointer, "/States/M/Iterator");
    assert_eq!(map.label.as_deref(), Some("Lbl"));
}

#[test]
fn text_and_value_entry_points_agree() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
    let from_text = parse_text(text).unwrap();
    let from_value = parse_value(&serde_json::from_str(text).unwrap()).unwrap();
    assert_eq!(from_text.source, from_value.source);
    assert_eq!(from_text.scope.states.len(), from_value.scope.states.len());
}
