//! The AWS JSON 1.0 protocol of Step Functions: `POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`,
//! members as in the AWS API reference, errors as `{"__type", "message"}`.

mod error;
mod executions;
mod shapes;
mod state_machines;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub use error::AwsError;

use crate::AppState;

/// The operations Cairn answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    CreateStateMachine,
    DescribeStateMachine,
    UpdateStateMachine,
    DeleteStateMachine,
    ListStateMachines,
    ValidateStateMachineDefinition,
    DescribeStateMachineForExecution,
    StartExecution,
    StartSyncExecution,
    StopExecution,
    DescribeExecution,
    ListExecutions,
    GetExecutionHistory,
}

impl Operation {
    fn parse(name: &str) -> Option<Self> {
        use Operation::*;
        Some(match name {
            "CreateStateMachine" => CreateStateMachine,
            "DescribeStateMachine" => DescribeStateMachine,
            "UpdateStateMachine" => UpdateStateMachine,
            "DeleteStateMachine" => DeleteStateMachine,
            "ListStateMachines" => ListStateMachines,
            "ValidateStateMachineDefinition" => ValidateStateMachineDefinition,
            "DescribeStateMachineForExecution" => DescribeStateMachineForExecution,
            "StartExecution" => StartExecution,
            "StartSyncExecution" => StartSyncExecution,
            "StopExecution" => StopExecution,
            "DescribeExecution" => DescribeExecution,
            "ListExecutions" => ListExecutions,
            "GetExecutionHistory" => GetExecutionHistory,
            _ => return None,
        })
    }
}

/// The caller's region and account: from the SigV4 credential scope when the access key is a
/// 12-digit account id (as local AWS emulators do), else the server's defaults.
#[derive(Debug, Clone)]
pub struct Caller {
    pub region: String,
    pub account: String,
}

fn caller(headers: &HeaderMap, state: &AppState) -> Caller {
    let mut c = Caller { region: state.config.region.clone(), account: state.config.account.clone() };
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(rest) = auth.split("Credential=").nth(1) {
        let scope: Vec<&str> = rest.split([',', ' ']).next().unwrap_or("").split('/').collect();
        if let Some(key) = scope.first() {
            if key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit()) {
                c.account = key.to_string();
            }
        }
        if let Some(region) = scope.get(2) {
            if !region.is_empty() {
                c.region = region.to_string();
            }
        }
    }
    c
}

pub async fn handle(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    match dispatch(&state, &headers, &body).await {
        Ok(v) => ([("content-type", "application/x-amz-json-1.0")], v.to_string()).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn dispatch(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, AwsError> {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(op_name) = target.strip_prefix("AWSStepFunctions.") else {
        return Err(AwsError::new("UnknownOperationException", format!("Unknown target: '{target}'")));
    };
    let Some(op) = Operation::parse(op_name) else {
        return Err(AwsError::new("UnknownOperationException", format!("Unknown operation: '{op_name}'")));
    };
    let req: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| AwsError::new("SerializationException", format!("The request body is not valid JSON: {e}")))?
    };
    if !req.is_object() {
        return Err(AwsError::new("SerializationException", "The request body must be a JSON object"));
    }
    let who = caller(headers, state);
    use Operation::*;
    match op {
        CreateStateMachine => state_machines::create(state, &who, &req).await,
        DescribeStateMachine => state_machines::describe(state, &req).await,
        UpdateStateMachine => state_machines::update(state, &req).await,
        DeleteStateMachine => state_machines::delete(state, &req).await,
        ListStateMachines => state_machines::list(state, &req).await,
        ValidateStateMachineDefinition => state_machines::validate(&req),
        DescribeStateMachineForExecution => state_machines::describe_for_execution(state, &req).await,
        StartExecution => executions::start(state, &req, false).await,
        StartSyncExecution => executions::start(state, &req, true).await,
        StopExecution => executions::stop(state, &req).await,
        DescribeExecution => executions::describe(state, &req).await,
        ListExecutions => executions::list(state, &req).await,
        GetExecutionHistory => executions::history(state, &req).await,
    }
}
