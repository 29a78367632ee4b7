//! Definitions that are not stored: `POST /v1/validate` for an editor, and the shared handling of
//! a definition given in a request body (a JSON object or its text, at most 1 MiB).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::Body;
use super::problem::DiagnosticView;
use super::Problem;

/// AWS's limit on a definition.
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

/// A request carrying a definition.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinitionBody {
    /// The ASL definition: a JSON object, or its JSON text.
    pub definition: Value,
}

impl DefinitionBody {
    pub fn text(&self) -> Result<String, Problem> {
        definition_text(&self.definition)
    }
}

/// The definition's text: a string as given (so diagnostics point into what the user typed), an
/// object serialised.
pub fn definition_text(v: &Value) -> Result<String, Problem> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(_) => v.to_string(),
        _ => return Err(Problem::bad_request("definition must be a JSON object or its text")),
    };
    if text.len() > MAX_DEFINITION_BYTES {
        return Err(Problem::bad_request(format!(
            "definition is {} bytes; at most {MAX_DEFINITION_BYTES} are allowed",
            text.len()
        )));
    }
    Ok(text)
}

/// Parses and validates, or a 400 problem with every diagnostic.
pub fn load(text: &str) -> Result<state_lang::StateMachine, Problem> {
    state_lang::load(text).map_err(|d| Problem::diagnostics(&d))
}

/// The verdict on a definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct Validation {
    pub valid: bool,
    pub diagnostics: Vec<DiagnosticView>,
}

/// Validates a definition: every problem, each located by a JSON Pointer.
#[utoipa::path(post, path = "/v1/validate", tag = "definitions", request_body = DefinitionBody,
    responses((status = 200, body = Validation), (status = 400, body = Problem)))]
pub async fn validate(Body(req): Body<DefinitionBody>) -> Result<axum::Json<Validation>, Problem> {
    let text = req.text()?;
    let diagnostics: Vec<DiagnosticView> = match state_lang::load(&text) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(DiagnosticView::from).collect(),
    };
    Ok(axum::Json(Validation { valid: diagnostics.is_empty(), diagnostics }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn definitions_are_taken_as_text_or_object() {
        assert_eq!(definition_text(&json!({"StartAt": "A"})).ok().as_deref(), Some(r#"{"StartAt":"A"}"#));
        assert_eq!(definition_text(&json!("{ }")).ok().as_deref(), Some("{ }"));
        assert_eq!(definition_text(&json!(3)).err().map(|p| p.status), Some(400));
        let big = Value::String(" ".repeat(MAX_DEFINITION_BYTES + 1));
        assert!(definition_text(&big).err().is_some_and(|p| p.detail.contains("at most 1048576")));
    }

    #[tokio::test]
    async fn validation_points_at_the_problem() {
        let body = DefinitionBody {
            definition: json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}),
        };
        let v = validate(Body(body)).await.map(|j| j.0).ok();
        let v = v.as_ref();
        assert_eq!(v.map(|v| v.valid), Some(false));
        let d = v.and_then(|v| v.diagnostics.first());
        assert_eq!(d.map(|d| d.location.as_str()), Some("/States/A/Next"));
    }
}
