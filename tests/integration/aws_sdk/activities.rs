//! Activities: a worker thread completing and failing tasks, a worker that stops sending
//! heartbeats, long polls that time out, and the activity lifecycle's errors.

use std::time::Duration;

use aws_sdk_sfn::types::ExecutionStatus;
use aws_sdk_sfn::Client;

use super::harness::{create, error, wait_done, Server};

fn activity_machine(activity: &str, heartbeat: Option<u32>) -> String {
    let hb = heartbeat.map(|s| format!(r#","HeartbeatSeconds":{s}"#)).unwrap_or_default();
    format!(r#"{{"StartAt":"Work","States":{{"Work":{{"Type":"Task","Resource":"{activity}"{hb},"End":true}}}}}}"#)
}

/// Polls until a task arrives (each poll waits up to the server's poll time).
async fn next_task(c: &Client, activity: &str) -> (String, String) {
    for _ in 0..20 {
        let t = c.get_activity_task().activity_arn(activity).worker_name("w1").send().await.unwrap();
        if let Some(token) = t.task_token.filter(|t| !t.is_empty()) {
            return (token, t.input.unwrap_or_default());
        }
    }
    panic!("no activity task came");
}

#[tokio::test]
async fn a_worker_completes_and_fails_activity_tasks() {
    let server = Server::start().await;
    let c = server.client();
    let act = c.create_activity().name("double").send().await.unwrap();
    assert_eq!(act.activity_arn, "arn:aws:states:us-east-1:000000000000:activity:double");
    // Creating it again is idempotent.
    let again = c.create_activity().name("double").send().await.unwrap();
    assert_eq!(again.activity_arn, act.activity_arn);
    let d = c.describe_activity().activity_arn(&act.activity_arn).send().await.unwrap();
    assert_eq!(d.name, "double");
    assert_eq!(c.list_activities().send().await.unwrap().activities.len(), 1);

    let sm = create(&c, "uses-activity", &activity_machine(&act.activity_arn, None)).await;
    let worker = {
        let c = c.clone();
        let arn = act.activity_arn.clone();
        tokio::spawn(async move {
            // First task: double the number; second: fail.
            let (token, input) = next_task(&c, &arn).await;
            let n: serde_json::Value = serde_json::from_str(&input).unwrap();
            let out = serde_json::json!({"n": n["n"].as_i64().unwrap_or(0) * 2});
            c.send_task_success().task_token(&token).output(out.to_string()).send().await.unwrap();
            let (code, _) = error(c.send_task_success().task_token(&token).output("{}").send().await);
            assert_eq!(code, "TaskTimedOut", "a token is single-use");
            let (token, _) = next_task(&c, &arn).await;
            c.send_task_heartbeat().task_token(&token).send().await.unwrap();
            c.send_task_failure().task_token(&token).error("Worker.Broken").cause("gears").send().await.unwrap();
        })
    };
    let e1 = c.start_execution().state_machine_arn(&sm).input(r#"{"n":21}"#).send().await.unwrap();
    let done = wait_done(&c, &e1.execution_arn).await;
    assert_eq!((done.status, done.output.as_deref()), (ExecutionStatus::Succeeded, Some(r#"{"n":42}"#)));
    let e2 = c.start_execution().state_machine_arn(&sm).input(r#"{"n":1}"#).send().await.unwrap();
    let failed = wait_done(&c, &e2.execution_arn).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!((failed.error.as_deref(), failed.cause.as_deref()), (Some("Worker.Broken"), Some("gears")));
    worker.await.unwrap();

    let h = c.get_execution_history().execution_arn(&e1.execution_arn).send().await.unwrap();
    let types: Vec<&str> = h.events.iter().map(|e| e.r#type.as_str()).collect();
    for t in ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
}

#[tokio::test]
async fn a_worker_that_misses_heartbeats_times_the_task_out() {
    let server = Server::start().await;
    let c = server.client();
    let act = c.create_activity().name("sleepy").send().await.unwrap().activity_arn;
    let sm = create(&c, "heartbeats", &activity_machine(&act, Some(1))).await;
    let e = c.start_execution().state_machine_arn(&sm).send().await.unwrap();
    let (token, _) = next_task(&c, &act).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!((done.status, done.error.as_deref()), (ExecutionStatus::Failed, Some("States.HeartbeatTimeout")));
    let (code, _) = error(c.send_task_heartbeat().task_token(&token).send().await);
    assert_eq!(code, "TaskTimedOut");
}

#[tokio::test]
async fn polls_time_out_with_an_empty_token_and_deleted_activities_are_gone() {
    let server = Server::start().await;
    let c = server.client();
    let act = c.create_activity().name("idle").send().await.unwrap().activity_arn;
    let t = c.get_activity_task().activity_arn(&act).send().await.unwrap();
    assert_eq!(t.task_token.as_deref().unwrap_or(""), "");
    c.delete_activity().activity_arn(&act).send().await.unwrap();
    c.delete_activity().activity_arn(&act).send().await.unwrap();
    let (code, msg) = error(c.describe_activity().activity_arn(&act).send().await);
    assert_eq!((code.as_str(), msg), ("ActivityDoesNotExist", format!("Activity Does Not Exist: '{act}'")));
    let (code, _) = error(c.get_activity_task().activity_arn(&act).send().await);
    assert_eq!(code, "ActivityDoesNotExist");
    let (code, msg) = error(c.create_activity().name("Bad Name$").send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidName", "Invalid Name: 'Bad Name$'"));
    let (code, _) =
        error(c.describe_activity().activity_arn("arn:aws:states:us-east-1:000000000000:stateMachine:x").send().await);
    assert_eq!(code, "InvalidArn");
}
