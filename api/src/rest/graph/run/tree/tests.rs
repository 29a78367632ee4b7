//! Statuses read from real histories: ones the engine writes, and one shaped as AWS writes it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use engine::clock::TimeScale;
use engine::history::HistoryEvent;
use engine::invoker::BoxFuture;
use engine::store::memory::MemoryStore;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use executor::{Executor, FunctionError, Handler, Registry};
use serde_json::{json, Value};

use super::*;

/// `flaky` fails its first call; `work` fails for item 2; `broken` always fails.
struct Fn {
    name: &'static str,
    calls: AtomicUsize,
}

impl Handler for Fn {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = match self.name {
            "flaky" => n == 0,
            "work" => event == json!(2),
            _ => true,
        };
        let r = if fail {
            Err(FunctionError {
                error_type: "Oops".into(),
                payload_text: r#"{"errorType":"Oops","errorMessage":"no"}"#.into(),
            })
        } else {
            Ok(json!({"done": event}))
        };
        Box::pin(async move { r })
    }
}

fn lambda(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:000000000000:function:{name}")
}

fn definition() -> Value {
    json!({
        "StartAt": "Route",
        "States": {
            "Route": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Fan"}], "Default": "Skipped"},
            "Skipped": {"Type": "Pass", "End": true},
            "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Items", "Branches": [
                {"StartAt": "Flaky", "States": {"Flaky": {"Type": "Task", "Resource": lambda("flaky"), "End": true,
                    "Retry": [{"ErrorEquals": ["Oops"], "IntervalSeconds": 1, "MaxAttempts": 2}]}}},
                {"StartAt": "Broken", "States": {
                    "Broken": {"Type": "Task", "Resource": lambda("broken"), "End": true,
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]},
                    "Recover": {"Type": "Pass", "End": true}}}
            ]},
            "Items": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.items", "Next": "Done",
                "ItemProcessor": {"StartAt": "Work", "States": {
                    "Work": {"Type": "Task", "Resource": lambda("work"), "End": true,
                        "Catch": [{"ErrorEquals": ["Oops"], "Next": "Patch"}]},
                    "Patch": {"Type": "Pass", "End": true}}}},
            "Done": {"Type": "Succeed"}
        }
    })
}

async fn run(def: Value, input: Value) -> (RunView, Vec<HistoryEvent>) {
    let registry = Arc::new(Registry::new());
    for name in ["flaky", "work", "broken"] {
        registry.put_native(name.into(), Arc::new(Fn { name, calls: AtomicUsize::new(0) }));
    }
    let config = EngineConfig { time_scale: TimeScale::SKIP, ..EngineConfig::default() };
    let engine = Engine::new(Arc::new(MemoryStore::new()), Arc::new(Executor::new(registry)), config);
    let text = def.to_string();
    let sm = engine.create_state_machine("m", &text, MachineType::Standard, None).await;
    let sm = sm.map(|s| s.arn).unwrap_or_default();
    let started = engine.start_execution(StartRequest { state_machine_arn: sm, name: None, input }).await;
    let arn = started.map(|r| r.arn).unwrap_or_default();
    let rec = engine.wait_for(&arn).await;
    let status = rec.map(|r| r.status).unwrap_or(ExecStatus::Running);
    let events = engine.history(&arn).await.unwrap_or_default();
    let machine = state_lang::load(&text).ok();
    let view = machine.map(|m| run_view(&m, &events, status, Utc::now()));
    (view.unwrap_or_else(|| panic!("no view")), events)
}

fn status<'a>(v: &'a BTreeMap<String, super::StateRun>, name: &str) -> &'a str {
    v.get(name).map_or("missing", |s| s.status.as_str())
}

#[tokio::test]
async fn choice_parallel_map_retry_and_catch_are_told_apart() {
    let (view, _) = run(definition(), json!({"go": true, "items": [1, 2, 3]})).await;
    assert_eq!(view.status, "SUCCEEDED");
    let s = &view.states;
    let expect = [
        ("Route", "succeeded"),
        ("Skipped", "notrun"),
        ("Fan", "succeeded"),
        ("Flaky", "succeeded"),
        ("Broken", "caught"),
        ("Recover", "succeeded"),
        ("Items", "succeeded"),
        ("Work", "caught"),
        ("Patch", "succeeded"),
        ("Done", "succeeded"),
    ];
    for (name, want) in expect {
        assert_eq!(status(s, name), want, "{name}");
    }
    let flaky = &s["Flaky"];
    assert_eq!(flaky.retries, 1);
    assert_eq!(flaky.attempts.len(), 2);
    assert_eq!(flaky.attempts[0].outcome, "failed");
    assert_eq!(flaky.attempts[0].error.as_deref(), Some("Oops"));
    assert_eq!(flaky.attempts[1].outcome, "succeeded");
    assert_eq!(flaky.error, None, "a retry that succeeded clears the state's error");
    assert_eq!(flaky.output, Some(json!({"done": {"go": true, "items": [1, 2, 3]}})));
    assert_eq!(s["Broken"].error.as_deref(), Some("Oops"));
    assert_eq!(s["Work"].visits, 3);

    let iterations = s["Items"].iterations.as_deref().unwrap_or_default();
    assert_eq!(iterations.len(), 3);
    assert_eq!(status(&iterations[0].states, "Work"), "succeeded");
    assert_eq!(status(&iterations[0].states, "Patch"), "notrun");
    assert_eq!(status(&iterations[1].states, "Work"), "caught");
    assert_eq!(status(&iterations[1].states, "Patch"), "succeeded");
    assert_eq!(iterations[1].states["Work"].input, Some(json!(2)));
    assert_eq!(iterations[2].states["Work"].output, Some(json!({"done": 3})));
    assert!(iterations.iter().all(|i| i.status == "succeeded"));

    // One timeline bar per state entry, the Map's tagged with their iteration.
    assert_eq!(view.timeline.len(), 11);
    assert!(view.timeline.iter().any(|b| b.state == "Patch" && b.iteration == "Items[1]"));
}

#[tokio::test]
async fn the_other_branch_of_a_choice_and_a_fail_state() {
    let (view, _) = run(definition(), json!({"go": false})).await;
    assert_eq!(status(&view.states, "Skipped"), "succeeded");
    assert_eq!(status(&view.states, "Fan"), "notrun");

    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Stop", "States": {"Stop": {"Type": "Fail", "Error": "Bad", "Cause": "<b>why</b>"}}}]}}});
    let (view, _) = run(def, json!({})).await;
    assert_eq!(view.status, "FAILED");
    assert_eq!(status(&view.states, "Stop"), "failed");
    assert_eq!(status(&view.states, "P"), "failed");
    assert_eq!(view.states["P"].error.as_deref(), Some("Bad"));
}

fn ev(id: u64, prev: u64, t: &str, details: Value) -> HistoryEvent {
    let at = Utc.timestamp_opt(1_700_000_000 + id as i64, 0).single().unwrap_or_default();
    HistoryEvent { id, previous_event_id: prev, timestamp: at, event_type: t.into(), details: Some(details) }
}

/// AWS chains an iteration's `MapIterationStarted` to the previous iteration's last event.
#[test]
fn aws_iteration_chaining_is_followed() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {
        "StartAt": "T", "States": {
            "T": {"Type": "Task", "Resource": lambda("f"), "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
            "F": {"Type": "Pass", "End": true}}}}}});
    let m = state_lang::load(&def.to_string()).unwrap_or_else(|d| panic!("{d:?}"));
    let name = |n: &str| json!({"name": n, "input": "{}"});
    let it = |i: u64| json!({"name": "M", "index": i});
    let events = vec![
        ev(1, 0, "ExecutionStarted", json!({"input": "{}"})),
        ev(2, 0, "MapStateEntered", name("M")),
        ev(3, 2, "MapStateStarted", json!({"length": 2})),
        ev(4, 3, "MapIterationStarted", it(0)),
        ev(5, 4, "TaskStateEntered", json!({"name": "T", "input": "1"})),
        ev(6, 5, "TaskScheduled", json!({})),
        ev(7, 6, "TaskFailed", json!({"error": "E"})),
        ev(8, 7, "TaskStateExited", json!({"name": "T", "output": "{}"})),
        ev(9, 8, "PassStateEntered", name("F")),
        ev(10, 9, "PassStateExited", json!({"name": "F", "output": "{}"})),
        ev(11, 10, "MapIterationSucceeded", it(0)),
        ev(12, 10, "MapIterationStarted", it(1)),
        ev(13, 12, "TaskStateEntered", json!({"name": "T", "input": "2"})),
        ev(14, 13, "TaskScheduled", json!({})),
        ev(15, 14, "TaskSucceeded", json!({"output": "2"})),
        ev(16, 15, "TaskStateExited", json!({"name": "T", "output": "2"})),
        ev(17, 16, "MapIterationSucceeded", it(1)),
        ev(18, 17, "MapStateSucceeded", json!({})),
        ev(19, 17, "MapStateExited", json!({"name": "M", "output": "[]"})),
        ev(20, 19, "ExecutionSucceeded", json!({"output": "[]"})),
    ];
    let view = run_view(&m, &events, ExecStatus::Succeeded, Utc::now());
    assert_eq!(status(&view.states, "M"), "succeeded");
    let its = view.states["M"].iterations.clone().unwrap_or_default();
    assert_eq!(its.len(), 2);
    assert_eq!(status(&its[0].states, "T"), "caught");
    assert_eq!(status(&its[0].states, "F"), "succeeded");
    assert_eq!(status(&its[1].states, "T"), "succeeded");
    assert_eq!(status(&its[1].states, "F"), "notrun");
    assert_eq!(its[1].states["T"].input, Some(json!(2)));
    assert_eq!(view.states["T"].entered_event, Some(5), "the worst entry is shown");
}
