//! AWS-shaped errors: HTTP 400 (or the code AWS uses) with `{"__type", "message"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::EngineError;
use serde_json::json;

#[derive(Debug)]
pub struct AwsError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
}

impl AwsError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        AwsError { status: StatusCode::BAD_REQUEST, kind, message: message.into() }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }
}

impl From<EngineError> for AwsError {
    fn from(e: EngineError) -> Self {
        let kind = match &e {
            EngineError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            EngineError::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            EngineError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            EngineError::StateMachineAlreadyExists(_) => "StateMachineAlreadyExists",
            EngineError::InvalidDefinition(_) => "InvalidDefinition",
            EngineError::Validation(_) => "ValidationException",
            EngineError::InvalidToken(_) => "InvalidToken",
            EngineError::TaskTimedOut(_) => "TaskTimedOut",
            EngineError::ActivityDoesNotExist(_) => "ActivityDoesNotExist",
            EngineError::ExecutionNotRedrivable(_) => "ExecutionNotRedrivable",
            EngineError::Storage(_) => {
                return AwsError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    kind: "InternalError",
                    message: e.to_string(),
                }
            }
        };
        AwsError::new(kind, e.to_string())
    }
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        let body = json!({"__type": self.kind, "message": self.message});
        (self.status, [("content-type", "application/x-amz-json-1.0")], body.to_string()).into_response()
    }
}
