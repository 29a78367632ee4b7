//! The interpreter driven directly: a fixed clock, scripted task results, timers fired by hand.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use state_lang::env::SeededEntropy;
use state_lang::{Failure, StateMachine};

use super::*;

fn machine(def: Value) -> StateMachine {
    state_lang::load(&def.to_string()).unwrap_or_else(|d| panic!("invalid test definition: {d:?}"))
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid date")
}

fn info(input: Value) -> ExecInfo {
    ExecInfo {
        arn: "arn:aws:states:us-east-1:000000000000:execution:m:e".into(),
        name: "e".into(),
        state_machine_arn: "arn:aws:states:us-east-1:000000000000:stateMachine:m".into(),
        state_machine_name: "m".into(),
        role_arn: "arn:aws:iam::000000000000:role/r".into(),
        start_time: t0(),
        input: input.into(),
        redrive_count: 0,
        test_case: None,
    }
}

fn types(events: &[HistoryEvent]) -> Vec<&str> {
    events.iter().map(|e| e.event_type.as_str()).collect()
}

fn invokes(step: &Step) -> Vec<&TaskCall> {
    step.commands
        .iter()
        .filter_map(|c| match c {
            Command::Invoke(call) => Some(call),
            _ => None,
        })
        .collect()
}

fn timers(step: &Step) -> Vec<(u64, DateTime<Utc>)> {
    step.commands
        .iter()
        .filter_map(|c| match c {
            Command::Timer { id, due } => Some((*id, *due)),
            _ => None,
        })
        .collect()
}

const FN: &str = "arn:aws:lambda:us-east-1:000000000000:function:work";

#[test]
fn pure_states_run_in_one_burst() {
    let m = machine(json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.a", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.a.x", "NumericEquals": 1, "Next": "C"}], "Default": "D"},
        "C": {"Type": "Succeed"},
        "D": {"Type": "Fail", "Error": "Wrong"}}}));
    let e = SeededEntropy::new(1);
    let (state, step) = Interpreter::start(&m, info(json!({"in": true})), t0(), &e);
    assert_eq!(
        types(&step.events),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(step.terminal, Some(Terminal::Succeeded(json!({"in": true, "a": {"x": 1}}))));
    assert_eq!(state.status, ExecStatus::Succeeded);
    let ids: Vec<u64> = step.events.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=8).collect::<Vec<_>>());
}

#[test]
fn a_wait_sets_a_durable_timer_and_continues_when_it_fires() {
    let m = machine(json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let t = timers(&step);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].1, t0() + chrono::Duration::hours(1));
    assert!(step.terminal.is_none());
    // An unrelated timer changes nothing.
    let nothing = Interpreter::resume(&m, &mut state, Signal::Timer { id: 999 }, t0(), &e);
    assert!(nothing.events.is_empty());
    let later = t[0].1;
    let step = Interpreter::resume(&m, &mut state, Signal::Timer { id: t[0].0 }, later, &e);
    assert_eq!(types(&step.events), ["WaitStateExited", "ExecutionSucceeded"]);
    assert_eq!(step.events[0].timestamp, later);
}

#[test]
fn a_task_is_called_after_its_events_and_its_result_is_processed() {
    let m = machine(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN,
        "Parameters": {"n.$": "$.n"}, "ResultSelector": {"doubled.$": "$.v"}, "ResultPath": "$.r", "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({"n": 21})), t0(), &e);
    assert_eq!(
        types(&step.events),
        ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted"]
    );
    let calls = invokes(&step);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].payload, json!({"n": 21}));
    assert!(calls[0].attempt_key.starts_with(&state.info.arn));
    let id = calls[0].id;
    let step = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id, output: json!({"v": 42}) }, t0(), &e);
    assert_eq!(types(&step.events), ["LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    assert_eq!(step.terminal, Some(Terminal::Succeeded(json!({"n": 21, "r": {"doubled": 42}}))));
}

#[test]
fn retries_back_off_geometrically_then_the_error_is_caught() {
    let m = machine(json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Next": "Done",
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handled"}]},
        "Done": {"Type": "Succeed"},
        "Handled": {"Type": "Pass", "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({"k": 1})), t0(), &e);
    let mut id = invokes(&step)[0].id;
    let mut now = t0();
    for expected_delay in [2, 6] {
        let fail = Signal::TaskFailed { id, failure: Failure::new("Boom", "bad") };
        let step = Interpreter::resume(&m, &mut state, fail, now, &e);
        assert_eq!(types(&step.events), ["LambdaFunctionFailed"]);
        let t = timers(&step);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].1 - now, chrono::Duration::seconds(expected_delay));
        now = t[0].1;
        let step = Interpreter::resume(&m, &mut state, Signal::Timer { id: t[0].0 }, now, &e);
        assert_eq!(types(&step.events), ["LambdaFunctionScheduled", "LambdaFunctionStarted"]);
        id = invokes(&step)[0].id;
    }
    let fail = Signal::TaskFailed { id, failure: Failure::new("Boom", "still bad") };
    let step = Interpreter::resume(&m, &mut state, fail, now, &e);
    assert_eq!(
        types(&step.events),
        ["LambdaFunctionFailed", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    );
    assert_eq!(
        step.terminal,
        Some(Terminal::Succeeded(json!({"k": 1, "err": {"Error": "Boom", "Cause": "still bad"}})))
    );
}

#[test]
fn a_task_timeout_fails_with_states_timeout_and_cancels_the_call() {
    let m = machine(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "TimeoutSeconds": 5, "End": true}}}),
    );
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let call = invokes(&step)[0].id;
    let (timer, due) = timers(&step)[0];
    assert_eq!(due - t0(), chrono::Duration::seconds(5));
    let step = Interpreter::resume(&m, &mut state, Signal::Timer { id: timer }, due, &e);
    assert_eq!(types(&step.events), ["LambdaFunctionTimedOut", "ExecutionFailed"]);
    assert!(step.commands.iter().any(|c| matches!(c, Command::CancelTask { id } if *id == call)));
    assert_eq!(step.terminal, Some(Terminal::Failed(Failure::without_cause("States.Timeout"))));
    // A late result is ignored.
    let late = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: call, output: json!(1) }, due, &e);
    assert!(late.events.is_empty());
}

#[test]
fn a_callback_task_waits_for_its_token_after_submission() {
    let m = machine(json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "HeartbeatSeconds": 30,
        "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let call = invokes(&step)[0].clone();
    let token = call.task_token.clone().expect("a token");
    assert_eq!(call.payload["Payload"]["token"], json!(token));
    assert_eq!(parse_token(&token), Some((state.info.arn.clone(), call.id)));
    let step = Interpreter::resume(
        &m,
        &mut state,
        Signal::TaskSubmitted { id: call.id, output: json!({"StatusCode": 200}) },
        t0(),
        &e,
    );
    assert_eq!(types(&step.events), ["TaskSubmitted"]);
    assert!(step.terminal.is_none());
    let step = Interpreter::resume(
        &m,
        &mut state,
        Signal::TaskSucceeded { id: call.id, output: json!({"ok": true}) },
        t0(),
        &e,
    );
    assert_eq!(types(&step.events), ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
}

#[test]
fn a_missing_heartbeat_fails_with_heartbeat_timeout() {
    let m = machine(json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "HeartbeatSeconds": 10,
        "Parameters": {"FunctionName": "f"}, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let id = invokes(&step)[0].id;
    let (first, _) = timers(&step)[0];
    let beat = Interpreter::resume(&m, &mut state, Signal::Heartbeat { id }, t0() + chrono::Duration::seconds(8), &e);
    let (second, due) = timers(&beat)[0];
    assert_eq!(due, t0() + chrono::Duration::seconds(18));
    // The first heartbeat timer is stale now.
    assert!(Interpreter::resume(&m, &mut state, Signal::Timer { id: first }, due, &e).events.is_empty());
    let step = Interpreter::resume(&m, &mut state, Signal::Timer { id: second }, due, &e);
    assert_eq!(types(&step.events), ["TaskTimedOut", "ExecutionFailed"]);
    assert_eq!(step.terminal, Some(Terminal::Failed(Failure::without_cause("States.HeartbeatTimeout"))));
}

#[test]
fn parallel_branches_run_tasks_concurrently_and_collect_outputs_in_order() {
    let branch = |name: &str| json!({"StartAt": name, "States": {name: {"Type": "Task", "Resource": FN, "End": true}}});
    let m = machine(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [branch("A"), branch("B")], "End": true}}}),
    );
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({"x": 1})), t0(), &e);
    let calls: Vec<u64> = invokes(&step).iter().map(|c| c.id).collect();
    assert_eq!(calls.len(), 2, "both branches call at once");
    let s1 = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: calls[1], output: json!("b") }, t0(), &e);
    assert!(s1.terminal.is_none());
    let s2 = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: calls[0], output: json!("a") }, t0(), &e);
    assert_eq!(s2.terminal, Some(Terminal::Succeeded(json!(["a", "b"]))));
}

#[test]
fn a_failing_branch_aborts_the_others_and_fails_the_parallel() {
    let slow = json!({"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": FN, "End": true}}});
    let bad = json!({"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "E", "Cause": "c"}}});
    let m =
        machine(json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [slow, bad], "End": true}}}));
    let e = SeededEntropy::new(1);
    let (_, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let t = types(&step.events);
    assert!(t.contains(&"TaskStateAborted"), "{t:?}");
    assert!(t.contains(&"ParallelStateFailed"), "{t:?}");
    assert!(step.commands.iter().any(|c| matches!(c, Command::CancelTask { .. })));
    assert_eq!(step.terminal, Some(Terminal::Failed(Failure::new("E", "c"))));
}

#[test]
fn map_max_concurrency_limits_iterations_in_flight() {
    let m = machine(json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": true}}}, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!([10, 20, 30])), t0(), &e);
    let first: Vec<(u64, Value)> = invokes(&step).iter().map(|c| (c.id, c.payload.clone())).collect();
    assert_eq!(first.iter().map(|c| c.1.clone()).collect::<Vec<_>>(), [json!(10), json!(20)]);
    let s = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: first[0].0, output: json!(1) }, t0(), &e);
    let third: Vec<&TaskCall> = invokes(&s);
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].payload, json!(30));
    let third = third[0].id;
    Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: third, output: json!(3) }, t0(), &e);
    let s = Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: first[1].0, output: json!(2) }, t0(), &e);
    assert_eq!(s.terminal, Some(Terminal::Succeeded(json!([1, 2, 3]))));
}

#[test]
fn the_execution_timeout_aborts_running_work() {
    let m = machine(
        json!({"TimeoutSeconds": 60, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}),
    );
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let t = timers(&step);
    let exec_timer = t.iter().find(|(_, due)| *due == t0() + chrono::Duration::seconds(60)).expect("execution timer");
    let step = Interpreter::resume(&m, &mut state, Signal::Timer { id: exec_timer.0 }, exec_timer.1, &e);
    assert_eq!(types(&step.events), ["WaitStateAborted", "ExecutionTimedOut"]);
    assert_eq!(state.status, ExecStatus::TimedOut);
}

#[test]
fn stop_aborts_with_the_given_error_and_cause() {
    let m = machine(json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, _) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let stop = Signal::Stop { error: Some("Manual".into()), cause: Some("operator".into()) };
    let step = Interpreter::resume(&m, &mut state, stop, t0(), &e);
    assert_eq!(types(&step.events), ["TaskStateAborted", "ExecutionAborted"]);
    assert_eq!(step.terminal, Some(Terminal::Aborted(Failure::new("Manual", "operator"))));
}

#[test]
fn redrive_resumes_at_the_failed_state_and_keeps_succeeded_iterations() {
    let m = machine(json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": true}}}, "End": true}}}));
    let e = SeededEntropy::new(1);
    let (mut state, step) = Interpreter::start(&m, info(json!(["a", "b"])), t0(), &e);
    let calls: Vec<u64> = invokes(&step).iter().map(|c| c.id).collect();
    Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: calls[0], output: json!("A") }, t0(), &e);
    let s = Interpreter::resume(
        &m,
        &mut state,
        Signal::TaskFailed { id: calls[1], failure: Failure::new("Flaky", "x") },
        t0(),
        &e,
    );
    assert_eq!(s.terminal, Some(Terminal::Failed(Failure::new("Flaky", "x"))));
    let redriven = Interpreter::redrive(&m, &mut state, t0(), &e).expect("redrivable");
    assert_eq!(redriven.events[0].event_type, "ExecutionRedriven");
    assert_eq!(state.info.redrive_count, 1);
    let again = invokes(&redriven);
    assert_eq!(again.len(), 1, "only the failed iteration runs again");
    assert_eq!(again[0].payload, json!("b"));
    let s =
        Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: again[0].id, output: json!("B") }, t0(), &e);
    assert_eq!(s.terminal, Some(Terminal::Succeeded(json!(["A", "B"]))));
    assert!(Interpreter::redrive(&m, &mut state, t0(), &e).is_none(), "a succeeded execution is not redriven");
}

#[test]
fn pending_commands_rebuild_what_a_recovered_execution_waits_for() {
    let m = machine(json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}},
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": true}}}], "End": true}}}));
    let e = SeededEntropy::new(1);
    let (state, step) = Interpreter::start(&m, info(json!({})), t0(), &e);
    let snapshot: ExecState = serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
    let pending = Interpreter::pending_commands(&snapshot);
    let original_call = invokes(&step)[0].clone();
    let again: Vec<&TaskCall> =
        pending.iter().filter_map(|c| if let Command::Invoke(c) = c { Some(c) } else { None }).collect();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempt_key, original_call.attempt_key, "same idempotency key");
    assert!(pending
        .iter()
        .any(|c| matches!(c, Command::Timer { due, .. } if *due == t0() + chrono::Duration::seconds(10))));
}

#[test]
fn map_iterations_finish_in_any_order_and_across_a_restore() {
    // Each iteration runs a nested Map of two tasks, so signals reach iterations two levels down.
    let m = machine(json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Map", "ItemsPath": "$.pair",
            "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FN, "End": true}}},
            "End": true}}}, "End": true}}}));
    let e = SeededEntropy::new(1);
    let n = 40;
    let items: Vec<Value> = (0..n).map(|i| json!({"pair": [i * 10, i * 10 + 1]})).collect();
    let (mut state, step) = Interpreter::start(&m, info(Value::Array(items)), t0(), &e);
    let mut calls: Vec<(u64, Value)> = invokes(&step).iter().map(|c| (c.id, c.payload.clone())).collect();
    assert_eq!(calls.len(), 2 * n as usize);
    // A scrambled order: every 7th call first, then the rest from the end.
    calls.sort_by_key(|(id, _)| (id % 7 != 0, std::cmp::Reverse(*id)));
    let mut last = Step::default();
    for (k, (id, payload)) in calls.iter().enumerate() {
        if k == calls.len() / 2 {
            // Half-way, the execution is restored from its snapshot, as after a restart.
            let text = serde_json::to_string(&state).expect("serialize");
            state = serde_json::from_str(&text).expect("deserialize");
        }
        last =
            Interpreter::resume(&m, &mut state, Signal::TaskSucceeded { id: *id, output: payload.clone() }, t0(), &e);
        if k + 1 < calls.len() {
            assert_eq!(last.terminal, None, "finished early after {} results", k + 1);
        }
    }
    let expected: Vec<Value> = (0..n).map(|i| json!([i * 10, i * 10 + 1])).collect();
    assert_eq!(last.terminal, Some(Terminal::Succeeded(Value::Array(expected))));
}
