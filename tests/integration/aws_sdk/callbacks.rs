//! Callbacks (`.waitForTaskToken`) completed by token, and `.sync` nested executions.

use std::sync::{Arc, Mutex};

use aws_sdk_sfn::types::ExecutionStatus;
use engine::invoker::BoxFuture;
use executor::{FunctionError, Handler};
use serde_json::{json, Value};

use super::harness::{create, error, wait_done, Server, PASS};

/// A function that keeps the task token it is given and answers at once (the Task then waits
/// for the token).
struct TokenKeeper {
    tokens: Arc<Mutex<Vec<String>>>,
}

impl Handler for TokenKeeper {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>> {
        if let Some(t) = event.get("token").and_then(Value::as_str) {
            self.tokens.lock().unwrap().push(t.to_string());
        }
        Box::pin(async { Ok(json!({})) })
    }
}

const CALLBACK: &str = r#"{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
  "Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
  "Parameters":{"FunctionName":"keeper","Payload":{"token.$":"$$.Task.Token"}},"End":true}}}"#;

async fn token(tokens: &Arc<Mutex<Vec<String>>>, n: usize) -> String {
    for _ in 0..200 {
        if let Some(t) = tokens.lock().unwrap().get(n) {
            return t.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the function was not called");
}

#[tokio::test]
async fn a_callback_is_completed_by_its_token() {
    let server = Server::start().await;
    let tokens = Arc::new(Mutex::new(Vec::new()));
    server.registry.put_native("keeper".into(), Arc::new(TokenKeeper { tokens: tokens.clone() }));
    let c = server.client();
    let sm = create(&c, "callback", CALLBACK).await;

    let e = c.start_execution().state_machine_arn(&sm).send().await.unwrap();
    let t = token(&tokens, 0).await;
    let (code, _) = error(c.send_task_success().task_token("not-a-token").output("{}").send().await);
    assert_eq!(code, "InvalidToken");
    let (code, msg) = error(c.send_task_success().task_token(&t).output("{broken").send().await);
    assert_eq!(code, "InvalidOutput");
    assert!(msg.starts_with("Invalid Output: '"), "{msg}");
    c.send_task_success().task_token(&t).output(r#"{"approved":true}"#).send().await.unwrap();
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!((done.status, done.output.as_deref()), (ExecutionStatus::Succeeded, Some(r#"{"approved":true}"#)));
    let (code, _) = error(c.send_task_success().task_token(&t).output("{}").send().await);
    assert_eq!(code, "TaskTimedOut", "a second completion is refused");

    let e2 = c.start_execution().state_machine_arn(&sm).send().await.unwrap();
    let t2 = token(&tokens, 1).await;
    c.send_task_failure().task_token(&t2).error("Denied").cause("no").send().await.unwrap();
    let failed = wait_done(&c, &e2.execution_arn).await;
    assert_eq!((failed.status, failed.error.as_deref()), (ExecutionStatus::Failed, Some("Denied")));
}

#[tokio::test]
async fn a_sync_child_execution_returns_its_output() {
    let server = Server::start().await;
    let c = server.client();
    let child = create(&c, "child", PASS).await;
    let parent = format!(
        r#"{{"StartAt":"Run","States":{{"Run":{{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync",
        "Parameters":{{"StateMachineArn":"{child}","Input":{{"x":1}}}},"End":true}}}}}}"#
    );
    let sm = create(&c, "parent", &parent).await;
    let e = c.start_execution().state_machine_arn(&sm).send().await.unwrap();
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded, "{:?}", done.cause);
    let out: Value = serde_json::from_str(done.output.as_deref().unwrap_or("null")).unwrap();
    assert_eq!(out["Status"], "SUCCEEDED");
    assert_eq!(out["Output"], r#"{"ok":"yes"}"#);
    let children = c.list_executions().state_machine_arn(&child).send().await.unwrap();
    assert_eq!(children.executions.len(), 1);
}

#[tokio::test]
async fn a_workflow_answers_another_through_the_sfn_sdk_integration() {
    let server = Server::start().await;
    let tokens = Arc::new(Mutex::new(Vec::new()));
    server.registry.put_native("keeper".into(), Arc::new(TokenKeeper { tokens: tokens.clone() }));
    let c = server.client();
    let waiting = create(&c, "waiting", CALLBACK).await;
    let answer = r#"{"StartAt":"Send","States":{"Send":{"Type":"Task",
      "Resource":"arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
      "Parameters":{"TaskToken.$":"$.token","Output":{"approved":true}},"End":true}}}"#;
    let answerer = create(&c, "answerer", answer).await;

    let e = c.start_execution().state_machine_arn(&waiting).send().await.unwrap();
    let t = token(&tokens, 0).await;
    let a =
        c.start_execution().state_machine_arn(&answerer).input(json!({"token": t}).to_string()).send().await.unwrap();
    let sent = wait_done(&c, &a.execution_arn).await;
    assert_eq!((sent.status, sent.output.as_deref()), (ExecutionStatus::Succeeded, Some("{}")));
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!((done.status, done.output.as_deref()), (ExecutionStatus::Succeeded, Some(r#"{"approved":true}"#)));

    // The same token again: the API's refusal, as the SDK integration names it.
    let again =
        c.start_execution().state_machine_arn(&answerer).input(json!({"token": t}).to_string()).send().await.unwrap();
    let failed = wait_done(&c, &again.execution_arn).await;
    assert_eq!((failed.status, failed.error.as_deref()), (ExecutionStatus::Failed, Some("Sfn.TaskTimedOutException")));
    let cause = failed.cause.unwrap_or_default();
    assert!(cause.contains("(Service: Sfn, Status Code: 400, Request ID: "), "{cause}");
}

#[tokio::test]
async fn a_workflow_starts_and_describes_executions_through_the_sfn_sdk_integration() {
    let server = Server::start().await;
    let c = server.client();
    let child = create(&c, "target", PASS).await;
    let def = format!(
        r#"{{"StartAt":"Start","States":{{
        "Start":{{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sfn:startExecution",
          "Parameters":{{"StateMachineArn":"{child}","Name":"by-sdk","Input":{{"x":1}}}},"Next":"Describe"}},
        "Describe":{{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sfn:describeStateMachine",
          "Parameters":{{"StateMachineArn":"{child}"}},"ResultSelector":{{"Name.$":"$.Name","Status.$":"$.Status"}},"Next":"Missing"}},
        "Missing":{{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:sfn:describeExecution",
          "Parameters":{{"ExecutionArn":"{child}-nope"}},
          "Catch":[{{"ErrorEquals":["Sfn.InvalidArnException","Sfn.ExecutionDoesNotExistException"],"ResultPath":"$.err","Next":"Done"}}],"End":true}},
        "Done":{{"Type":"Pass","End":true}}}}}}"#
    );
    let sm = create(&c, "starter", &def).await;
    let e = c.start_execution().state_machine_arn(&sm).send().await.unwrap();
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded, "{:?}", done.cause);
    let out: Value = serde_json::from_str(done.output.as_deref().unwrap_or("null")).unwrap();
    assert_eq!(out["Name"], "target");
    assert_eq!(out["Status"], "ACTIVE");
    assert!(out["err"]["Error"].as_str().is_some_and(|e| e.starts_with("Sfn.")), "{out}");
    let child_execution = format!("{}:by-sdk", child.replace(":stateMachine:", ":execution:"));
    let ran = wait_done(&c, &child_execution).await;
    assert_eq!((ran.status, ran.input.as_deref()), (ExecutionStatus::Succeeded, Some(r#"{"x":1}"#)));
}
