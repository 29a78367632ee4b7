//! `arn:aws:states:::states:startExecution` (`.sync`, `.sync:2`): a Task that starts another
//! execution of this engine, and for `.sync` waits for it, with AWS's result shapes.

use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};
use state_lang::Failure;

use super::actor::Actor;
use super::StartRequest;
use crate::interp::{ExecStatus, Signal, TaskCall};
use crate::store::ExecutionRecord;

pub(super) fn is_start_execution(resource: &str) -> bool {
    let tail = resource.rsplit_once(":states:").map(|(_, t)| t).unwrap_or("");
    resource.contains(":states:::states:")
        && matches!(
            tail,
            "startExecution" | "startExecution.sync" | "startExecution.sync:2" | "startExecution.waitForTaskToken"
        )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    FireAndForget,
    Sync,
    Sync2,
    Callback,
}

fn mode(resource: &str) -> Mode {
    if resource.ends_with(".sync:2") {
        Mode::Sync2
    } else if resource.ends_with(".sync") {
        Mode::Sync
    } else if resource.ends_with(".waitForTaskToken") {
        Mode::Callback
    } else {
        Mode::FireAndForget
    }
}

fn millis(t: chrono::DateTime<chrono::Utc>) -> Value {
    json!(t.timestamp_millis())
}

fn sdk_metadata(request_id: &str) -> (Value, Value) {
    let headers = json!({"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request_id});
    (
        json!({"AllHttpHeaders": {"Content-Type": ["application/x-amz-json-1.0"], "x-amzn-RequestId": [request_id]},
               "HttpHeaders": headers, "HttpStatusCode": 200}),
        json!({"RequestId": request_id}),
    )
}

/// DescribeExecution in the SDK integration's shape (PascalCase); `parsed` for `.sync:2`.
fn description(r: &ExecutionRecord, parsed: bool) -> Map<String, Value> {
    let text = |v: &Value| if parsed { v.clone() } else { Value::String(v.to_string()) };
    let mut m = Map::new();
    m.insert("ExecutionArn".into(), json!(r.arn));
    m.insert("Input".into(), text(&r.input));
    m.insert("InputDetails".into(), json!({"Included": true}));
    m.insert("Name".into(), json!(r.name));
    if let Some(o) = &r.output {
        m.insert("Output".into(), text(o));
        m.insert("OutputDetails".into(), json!({"Included": true}));
    }
    m.insert("StartDate".into(), millis(r.start));
    m.insert("StateMachineArn".into(), json!(r.state_machine_arn));
    m.insert("Status".into(), json!(r.status.as_str()));
    if let Some(t) = r.stop {
        m.insert("StopDate".into(), millis(t));
    }
    m
}

/// The parameters: `StateMachineArn`, `Input` (JSON text or a value), `Name`.
fn parameters(payload: &Value) -> Result<(String, Value, Option<String>), Failure> {
    let arn = payload.get("StateMachineArn").and_then(Value::as_str).ok_or_else(|| {
        Failure::new("States.Runtime", "The field 'StateMachineArn' is required by the states:startExecution resource")
    })?;
    let input = match payload.get("Input") {
        None | Some(Value::Null) => json!({}),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map_err(|e| Failure::new("States.Runtime", format!("The field 'Input' is not valid JSON text: {e}")))?,
        Some(v) => v.clone(),
    };
    let name = payload.get("Name").and_then(Value::as_str).map(str::to_string);
    Ok((arn.to_string(), input, name))
}

impl Actor {
    pub(super) fn start_nested(&mut self, call: TaskCall) {
        let id = call.id;
        let mode = mode(&call.resource);
        let engine = self.engine.clone();
        let tx = self.tx.clone();
        let child_slot = Arc::new(Mutex::new(None));
        if matches!(mode, Mode::Sync | Mode::Sync2) {
            self.children.insert(id, child_slot.clone());
        }
        let h = tokio::spawn(async move {
            let (arn, input, name) = match parameters(&call.payload) {
                Ok(p) => p,
                Err(failure) => {
                    let _ = tx.send(Signal::TaskFailed { id, failure });
                    return;
                }
            };
            let req = StartRequest { state_machine_arn: arn.clone(), name, input };
            let started = match engine.start_execution(req).await {
                Ok(r) => r,
                Err(e) => {
                    let code = match &e {
                        crate::EngineError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
                        crate::EngineError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
                        crate::EngineError::Validation(_) => "ValidationException",
                        _ => "InvalidArn",
                    };
                    let exception = crate::invoker::sdk_exception_name(code);
                    // As AWS words a refused call of an optimized integration.
                    let cause = format!(
                        "{e} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; Request ID: {}; Proxy: null)",
                        uuid::Uuid::new_v4()
                    );
                    let failure = Failure::new(format!("StepFunctions.{exception}"), cause);
                    let _ = tx.send(Signal::TaskFailed { id, failure });
                    return;
                }
            };
            *child_slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(started.arn.clone());
            let request_id = uuid::Uuid::new_v4().to_string();
            let (http, sdk) = sdk_metadata(&request_id);
            let first = json!({"ExecutionArn": started.arn, "SdkHttpMetadata": http, "SdkResponseMetadata": sdk,
                               "StartDate": millis(started.start)});
            if mode == Mode::FireAndForget {
                let _ = tx.send(Signal::TaskSucceeded { id, output: first });
                return;
            }
            let _ = tx.send(Signal::TaskSubmitted { id, output: first });
            if mode == Mode::Callback {
                return;
            }
            let done = match engine.wait_for(&started.arn).await {
                Ok(r) => r,
                Err(e) => {
                    let _ =
                        tx.send(Signal::TaskFailed { id, failure: Failure::new("States.TaskFailed", e.to_string()) });
                    return;
                }
            };
            let desc = description(&done, mode == Mode::Sync2);
            let signal = if done.status == ExecStatus::Succeeded {
                Signal::TaskSucceeded { id, output: Value::Object(desc) }
            } else {
                let mut cause = Map::new();
                if let Some(c) = &done.cause {
                    cause.insert("Cause".into(), json!(c));
                }
                if let Some(e) = &done.error {
                    cause.insert("Error".into(), json!(e));
                }
                cause.extend(description(&done, false));
                Signal::TaskFailed { id, failure: Failure::new("States.TaskFailed", Value::Object(cause).to_string()) }
            };
            let _ = tx.send(signal);
        });
        self.tasks.insert(id, h);
    }
}
