//! Errors of the REST API as RFC 9457 problem details (`application/problem+json`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::EngineError;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem detail: what went wrong, in a shape every HTTP client understands.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:cairn:problem:<kind>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened this time.
    pub detail: String,
    /// For an invalid definition: every problem found, each with a JSON Pointer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<DiagnosticView>>,
}

/// A validation problem of a definition, located by a JSON Pointer.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct DiagnosticView {
    /// `ERROR` (Cairn reports no warnings yet).
    pub severity: String,
    /// AWS-style code, e.g. `SCHEMA_VALIDATION_FAILED`.
    pub code: String,
    pub message: String,
    /// JSON Pointer (RFC 6901) into the definition.
    pub location: String,
}

impl From<&state_lang::Diagnostic> for DiagnosticView {
    fn from(d: &state_lang::Diagnostic) -> Self {
        DiagnosticView {
            severity: "ERROR".into(),
            code: d.code.clone(),
            message: d.message.clone(),
            location: d.location.clone(),
        }
    }
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            kind: format!("urn:cairn:problem:{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            diagnostics: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request", detail)
    }

    pub fn not_found(what: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, &format!("{what}-not-found"), "Not found", detail)
    }

    pub fn conflict(kind: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, kind, "Conflict", detail)
    }

    pub fn forbidden(kind: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, kind, "Forbidden", detail)
    }

    pub fn not_implemented(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, "not-implemented", "Not implemented", detail)
    }

    pub fn invalid_definition(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-definition", "Invalid state machine definition", detail)
    }

    /// An invalid definition with its diagnostics.
    pub fn diagnostics(d: &[state_lang::Diagnostic]) -> Self {
        let mut p = Self::invalid_definition(engine::runtime::describe_diagnostics(d));
        p.diagnostics = Some(d.iter().map(DiagnosticView::from).collect());
        p
    }
}

impl From<EngineError> for Problem {
    fn from(e: EngineError) -> Self {
        let detail = e.to_string();
        match e {
            EngineError::StateMachineDoesNotExist(_) => Problem::not_found("state-machine", detail),
            EngineError::ExecutionDoesNotExist(_) => Problem::not_found("execution", detail),
            EngineError::ExecutionAlreadyExists(_) => Problem::conflict("execution-already-exists", detail),
            EngineError::StateMachineAlreadyExists(_) => Problem::conflict("state-machine-already-exists", detail),
            EngineError::InvalidDefinition(_) => Problem::invalid_definition(detail),
            EngineError::Validation(_) => Problem::bad_request(detail),
            EngineError::Storage(_) => {
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "storage", "Internal server error", detail)
            }
            EngineError::ActivityDoesNotExist(_) => Problem::not_found("activity", detail),
            EngineError::TaskTimedOut(_) => Problem::conflict("task-timed-out", detail),
            EngineError::InvalidToken(_) => Problem::bad_request(detail),
            EngineError::ExecutionNotRedrivable(_) => Problem::conflict("execution-not-redrivable", detail),
            // Errors the engine may add later are the caller's until said otherwise.
            #[allow(unreachable_patterns)]
            _ => Problem::bad_request(detail),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        (status, [("content-type", "application/problem+json")], body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_map_to_http_statuses() {
        let p = Problem::from(EngineError::ExecutionDoesNotExist("arn:x".into()));
        assert_eq!(p.status, 404);
        assert_eq!(p.kind, "urn:cairn:problem:execution-not-found");
        assert_eq!(p.detail, "Execution Does Not Exist: 'arn:x'");
        assert_eq!(Problem::from(EngineError::StateMachineAlreadyExists("a".into())).status, 409);
        assert_eq!(Problem::from(EngineError::InvalidDefinition("x".into())).status, 400);
    }

    #[test]
    fn response_is_problem_json() {
        let r = Problem::not_implemented("redrive").into_response();
        assert_eq!(r.status(), StatusCode::NOT_IMPLEMENTED);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}
