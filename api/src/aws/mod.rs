//! The AWS JSON 1.0 protocol of Step Functions: `POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`,
//! members as in the AWS API reference, errors as `{"__type", "message"}`. Requests are size-
//! limited before parsing and, when the server has credentials, SigV4-verified.

mod activities;
mod aliases;
mod error;
mod executions;
mod map_runs;
mod resources;
mod sdk;
mod shapes;
mod state_machines;
mod tags;
mod tasks;
mod test_state;
mod versions;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub use error::AwsError;
pub use resources::{Alias, AwsState};

use crate::auth::sigv4;
use crate::AppState;

/// Requests larger than this are refused before parsing: a 1 MiB definition escaped into a
/// JSON string, with room for the other members.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

macro_rules! operations {
    ($($op:ident),* $(,)?) => {
        /// Every Step Functions operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Operation { $($op),* }

        impl Operation {
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($op) => Some(Operation::$op),)*
                    _ => None,
                }
            }

            pub fn name(self) -> &'static str {
                match self {
                    $(Operation::$op => stringify!($op),)*
                }
            }
        }
    };
}

operations!(
    CreateStateMachine,
    DescribeStateMachine,
    UpdateStateMachine,
    DeleteStateMachine,
    ListStateMachines,
    ValidateStateMachineDefinition,
    DescribeStateMachineForExecution,
    PublishStateMachineVersion,
    ListStateMachineVersions,
    DeleteStateMachineVersion,
    CreateStateMachineAlias,
    DescribeStateMachineAlias,
    UpdateStateMachineAlias,
    DeleteStateMachineAlias,
    ListStateMachineAliases,
    StartExecution,
    StartSyncExecution,
    StopExecution,
    DescribeExecution,
    ListExecutions,
    GetExecutionHistory,
    RedriveExecution,
    CreateActivity,
    DescribeActivity,
    ListActivities,
    DeleteActivity,
    GetActivityTask,
    SendTaskSuccess,
    SendTaskFailure,
    SendTaskHeartbeat,
    TagResource,
    UntagResource,
    ListTagsForResource,
    DescribeMapRun,
    ListMapRuns,
    UpdateMapRun,
    TestState,
);

/// The state machine a version or alias ARN belongs to (an unqualified ARN is returned as is).
pub fn base_state_machine_arn(arn: &str) -> String {
    shapes::MachineArn::parse(arn).map(|m| m.base).unwrap_or_else(|_| arn.to_string())
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

pub async fn handle(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let op_label = target.strip_prefix("AWSStepFunctions.").unwrap_or("unknown").to_string();
    let result = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Err(_) => Err(AwsError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "RequestEntityTooLargeException",
            message: format!("Request body is larger than the limit of {MAX_REQUEST_BYTES} bytes"),
        }),
        Ok(bytes) => match authenticate(&state, &method, &uri, &headers, &bytes) {
            Err(e) => Err(e),
            Ok(()) => dispatch(&state, &headers, &target, &bytes).await,
        },
    };
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let op = Operation::parse(&op_label).map_or("unknown", Operation::name);
    match result {
        Ok(v) => {
            state.metrics.request(op, "ok");
            tracing::debug!(operation = op, elapsed_ms, "aws request");
            ([("content-type", "application/x-amz-json-1.0")], v.to_string()).into_response()
        }
        Err(e) => {
            state.metrics.request(op, e.kind);
            tracing::info!(operation = op, error = e.kind, message = %e.message, elapsed_ms, "aws request refused");
            e.into_response()
        }
    }
}

/// With credentials configured, a request must carry a valid SigV4 signature (403 otherwise).
fn authenticate(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), AwsError> {
    let auth = &state.config.auth;
    if !auth.requires_signature() {
        return Ok(());
    }
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let req = sigv4::HttpRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers,
        body,
    };
    sigv4::verify(auth, &req, chrono::Utc::now()).map(|_| ()).map_err(|e| AwsError {
        status: StatusCode::FORBIDDEN,
        kind: e.kind,
        message: e.message,
    })
}

async fn dispatch(state: &AppState, headers: &HeaderMap, target: &str, body: &[u8]) -> Result<Value, AwsError> {
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
    run(state, &who, op, &req).await
}

async fn run(state: &AppState, who: &Caller, op: Operation, req: &Value) -> Result<Value, AwsError> {
    use Operation::*;
    match op {
        CreateStateMachine => state_machines::create(state, who, req).await,
        DescribeStateMachine => state_machines::describe(state, req).await,
        UpdateStateMachine => state_machines::update(state, req).await,
        DeleteStateMachine => state_machines::delete(state, req).await,
        ListStateMachines => state_machines::list(state, req).await,
        ValidateStateMachineDefinition => state_machines::validate(req),
        DescribeStateMachineForExecution => state_machines::describe_for_execution(state, req).await,
        PublishStateMachineVersion => versions::publish(state, req).await,
        ListStateMachineVersions => versions::list(state, req).await,
        DeleteStateMachineVersion => versions::delete(state, req).await,
        CreateStateMachineAlias => aliases::create(state, req).await,
        DescribeStateMachineAlias => aliases::describe(state, req).await,
        UpdateStateMachineAlias => aliases::update(state, req).await,
        DeleteStateMachineAlias => aliases::delete(state, req).await,
        ListStateMachineAliases => aliases::list(state, req).await,
        StartExecution => executions::start(state, req, false).await,
        StartSyncExecution => executions::start(state, req, true).await,
        StopExecution => executions::stop(state, req).await,
        DescribeExecution => executions::describe(state, req).await,
        ListExecutions => executions::list(state, req).await,
        GetExecutionHistory => executions::history(state, req).await,
        RedriveExecution => executions::redrive(state, req).await,
        CreateActivity => activities::create(state, who, req).await,
        DescribeActivity => activities::describe(state, req).await,
        ListActivities => activities::list(state, req).await,
        DeleteActivity => activities::delete(state, req).await,
        GetActivityTask => activities::get_task(state, req).await,
        SendTaskSuccess => tasks::success(state, req).await,
        SendTaskFailure => tasks::failure(state, req).await,
        SendTaskHeartbeat => tasks::heartbeat(state, req).await,
        TagResource => tags::tag(state, req).await,
        UntagResource => tags::untag(state, req).await,
        ListTagsForResource => tags::list(state, req).await,
        DescribeMapRun => map_runs::describe(req).await,
        ListMapRuns => map_runs::list(state, req).await,
        UpdateMapRun => map_runs::update(req).await,
        TestState => test_state::test_state(state, who, req).await,
    }
}
