//! RedriveExecution as the AWS documentation describes it: a failed execution resumes at the
//! failed state, Map iterations that succeeded are not run again, the history gains
//! `ExecutionRedriven`, and only failed, timed-out or aborted executions can be redriven.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use aws_sdk_sfn::types::{ExecutionRedriveStatus, ExecutionStatus, HistoryEventType};
use engine::invoker::BoxFuture;
use executor::{FunctionError, Handler};
use serde_json::{json, Value};

use super::harness::{create, error, wait_done, Server};

/// Fails for items marked `flaky` until it is "fixed"; counts its calls.
struct Flaky {
    fixed: Arc<AtomicBool>,
    calls: Arc<AtomicUsize>,
}

impl Handler for Flaky {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = event["flaky"] == json!(true) && !self.fixed.load(Ordering::SeqCst);
        Box::pin(async move {
            if fail {
                return Err(FunctionError {
                    error_type: "Upstream".into(),
                    payload_text: json!({"errorType": "Upstream", "errorMessage": "not yet"}).to_string(),
                });
            }
            Ok(json!({"done": event["id"]}))
        })
    }
}

#[tokio::test]
async fn a_failed_map_is_redriven_without_rerunning_succeeded_iterations() {
    let server = Server::start().await;
    let fixed = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    server.registry.put_native("flaky".into(), Arc::new(Flaky { fixed: fixed.clone(), calls: calls.clone() }));
    let c = server.client();
    let def = json!({"StartAt": "Items", "States": {"Items": {"Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:000000000000:function:flaky", "End": true}}},
        "End": true}}});
    let arn = create(&c, "redrive-me", &def.to_string()).await;
    let input = json!([{"id": 1}, {"id": 2}, {"id": 3, "flaky": true}, {"id": 4}]);
    let started = c.start_execution().state_machine_arn(&arn).name("r1").input(input.to_string()).send().await.unwrap();
    let failed = wait_done(&c, &started.execution_arn).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(failed.error.as_deref(), Some("Upstream"));
    assert_eq!(failed.redrive_status, Some(ExecutionRedriveStatus::Redrivable));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "items 1 and 2 succeeded, item 3 failed, item 4 never ran");

    fixed.store(true, Ordering::SeqCst);
    let r = c.redrive_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    let _ = r.redrive_date;
    let done = wait_done(&c, &started.execution_arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded);
    assert_eq!(done.redrive_count, Some(1));
    let output: Value = serde_json::from_str(done.output.as_deref().unwrap()).unwrap();
    assert_eq!(output, json!([{"done": 1}, {"done": 2}, {"done": 3}, {"done": 4}]));
    assert_eq!(calls.load(Ordering::SeqCst), 5, "only items 3 and 4 ran again");

    let h = c.get_execution_history().execution_arn(&started.execution_arn).send().await.unwrap();
    let types: Vec<HistoryEventType> = h.events.iter().map(|e| e.r#type.clone()).collect();
    assert!(types.contains(&HistoryEventType::ExecutionRedriven));
    assert_eq!(types.last(), Some(&HistoryEventType::ExecutionSucceeded));
    let ids: Vec<i64> = h.events.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>(), "one history without gaps");

    // A succeeded execution is not redrivable.
    let again = c.redrive_execution().execution_arn(&started.execution_arn).send().await;
    assert_eq!(error(again).0, "ExecutionNotRedrivable");
}

#[tokio::test]
async fn an_aborted_execution_is_redriven_from_the_state_it_was_stopped_in() {
    let server = Server::start().await;
    let c = server.client();
    let def = json!({"StartAt": "First", "States": {
        "First": {"Type": "Pass", "Result": "one", "ResultPath": "$.first", "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 1, "End": true}}});
    let arn = create(&c, "stop-then-redrive", &def.to_string()).await;
    let started = c.start_execution().state_machine_arn(&arn).input("{}").send().await.unwrap();
    c.stop_execution().execution_arn(&started.execution_arn).error("Paused").send().await.unwrap();
    let stopped = wait_done(&c, &started.execution_arn).await;
    assert_eq!(stopped.status, ExecutionStatus::Aborted);
    c.redrive_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    let done = wait_done(&c, &started.execution_arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"first":"one"}"#));
    let h = c.get_execution_history().execution_arn(&started.execution_arn).send().await.unwrap();
    let passes = h.events.iter().filter(|e| e.r#type == HistoryEventType::PassStateEntered).count();
    assert_eq!(passes, 1, "the Pass state before the stop is not run again");
}
