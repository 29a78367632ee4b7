//! Work that waits on the outside world survives a restart: an activity task queued before the
//! restart is handed to a worker after it, and a callback task is completed with the token it
//! was given before the restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::interp::ExecStatus;
use engine::invoker::{BoxFuture, InvokeContext, TaskCall, TaskInvoker};
use engine::store::postgres::LeaseConfig;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use serde_json::{json, Value};
use state_lang::Failure;

/// Answers a callback task's first call at once and keeps the token it was given.
struct KeepToken(Arc<Mutex<Vec<String>>>);

impl TaskInvoker for KeepToken {
    fn invoke(&self, call: TaskCall, _ctx: InvokeContext) -> BoxFuture<'static, Result<Value, Failure>> {
        if let Some(t) = &call.task_token {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).push(t.clone());
        }
        Box::pin(async { Ok(json!({"StatusCode": 200})) })
    }
}

async fn engine_on(url: &str, tokens: Arc<Mutex<Vec<String>>>) -> Engine {
    let store = engine::store::open(url, LeaseConfig::default()).await.expect("open");
    let engine = Engine::new(store, Arc::new(KeepToken(tokens)), EngineConfig::default());
    engine.recover().await.expect("recover");
    engine
}

#[test]
fn activity_tasks_and_callback_tokens_outlive_a_restart() {
    let dir = super::TempDir::new("waiting-work");
    let url = dir.sqlite_url();
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let activity_def = |arn: &str| json!({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": arn, "TimeoutSeconds": 600, "End": true}}});
    let callback_def = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "asker", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let (activity_exec, callback_exec) = {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let arns = rt.block_on(async {
            let engine = engine_on(&url, tokens.clone()).await;
            let activity = engine.create_activity("us-east-1", "000000000000", "review").await.expect("activity");
            let a = engine
                .create_state_machine("act", &activity_def(&activity.arn).to_string(), MachineType::Standard, None)
                .await
                .expect("sm");
            let c = engine
                .create_state_machine("cb", &callback_def.to_string(), MachineType::Standard, None)
                .await
                .expect("sm");
            let ea = engine
                .start_execution(StartRequest {
                    state_machine_arn: a.arn,
                    name: Some("a".into()),
                    input: json!({"doc": 7}),
                })
                .await
                .expect("start");
            let ec = engine
                .start_execution(StartRequest { state_machine_arn: c.arn, name: Some("c".into()), input: json!({}) })
                .await
                .expect("start");
            tokio::time::sleep(Duration::from_millis(300)).await;
            (ea.arn, ec.arn)
        });
        drop(rt);
        arns
    };
    let first_token =
        tokens.lock().unwrap_or_else(|p| p.into_inner()).first().cloned().expect("a token was handed out");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let engine = engine_on(&url, tokens.clone()).await;
        // The activity is still known, and its queued task goes to the first worker that asks.
        let activity = "arn:aws:states:us-east-1:000000000000:activity:review";
        assert_eq!(engine.list_activities().len(), 1);
        let (token, input) = engine
            .get_activity_task(activity, Some("worker-1".into()), Duration::from_secs(10))
            .await
            .expect("poll")
            .expect("the task survived the restart");
        assert_eq!(input, json!({"doc": 7}));
        engine.send_task_success(&token, json!({"approved": true})).await.expect("complete");
        // The callback is completed with the token handed out before the restart.
        engine.send_task_success(&first_token, json!({"answer": 42})).await.expect("token still valid");
        for (arn, output) in [(&activity_exec, json!({"approved": true})), (&callback_exec, json!({"answer": 42}))] {
            let done = tokio::time::timeout(Duration::from_secs(20), engine.wait_for(arn))
                .await
                .expect("in time")
                .expect("record");
            assert_eq!(done.status, ExecStatus::Succeeded, "{arn}");
            assert_eq!(done.output, Some(output));
        }
        // A used token is refused.
        let again = engine.send_task_success(&first_token, json!(1)).await;
        assert!(matches!(again, Err(engine::EngineError::TaskTimedOut(_))), "{again:?}");
    });
}
