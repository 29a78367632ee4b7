//! TestState: one state run on its own with an input, variables and an optional mocked task
//! result, answering with its status, output or error, next state and — at the DEBUG and TRACE
//! inspection levels — the intermediate values of its input and output processing.

use engine::runtime::test_state::{TestMock, TestStateRequest};
use serde_json::{json, Map, Value};

use super::shapes::{optional_str, required_str};
use super::{AwsError, Caller};
use crate::AppState;

/// The JSON text of a request member, parsed (`None` when absent).
fn json_member(req: &Value, member: &str, error: &'static str) -> Result<Option<Value>, AwsError> {
    match optional_str(req, member)? {
        None => Ok(None),
        Some(t) => serde_json::from_str(t)
            .map(Some)
            .map_err(|e| AwsError::new(error, format!("Invalid {member}: the value is not valid JSON: {e}"))),
    }
}

fn mock(req: &Value) -> Result<Option<TestMock>, AwsError> {
    let Some(m) = req.get("mock").filter(|m| !m.is_null()) else { return Ok(None) };
    if let Some(r) = m.get("result").and_then(Value::as_str) {
        let v = serde_json::from_str(r)
            .map_err(|e| AwsError::validation(format!("The mock result is not valid JSON: {e}")))?;
        return Ok(Some(TestMock::Result(v)));
    }
    if let Some(e) = m.get("errorOutput") {
        let error = e.get("error").and_then(Value::as_str).unwrap_or_default().to_string();
        let cause = e.get("cause").and_then(Value::as_str).map(str::to_string);
        return Ok(Some(TestMock::Error { error, cause }));
    }
    Err(AwsError::validation("A mock needs either 'result' or 'errorOutput'"))
}

pub async fn test_state(state: &AppState, who: &Caller, req: &Value) -> Result<Value, AwsError> {
    let definition_text = required_str(req, "definition")?;
    let definition: Value = serde_json::from_str(definition_text)
        .map_err(|e| AwsError::new("InvalidDefinition", format!("Invalid State Machine Definition: '{e}'")))?;
    let input = json_member(req, "input", "InvalidExecutionInput")?.unwrap_or_else(|| json!({}));
    let variables = match json_member(req, "variables", "ValidationException")? {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(AwsError::validation("'variables' must be a JSON object")),
    };
    let level = optional_str(req, "inspectionLevel")?.unwrap_or("INFO");
    if !matches!(level, "INFO" | "DEBUG" | "TRACE") {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{level}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]"
        )));
    }
    let role_arn = optional_str(req, "roleArn")?
        .map(str::to_string)
        .unwrap_or_else(|| format!("arn:aws:iam::{}:role/cairn", who.account));
    let request = TestStateRequest {
        definition,
        state_name: optional_str(req, "stateName")?.map(str::to_string),
        input,
        variables,
        mock: mock(req)?,
        role_arn,
    };
    let r = state.engine.test_state(request).await?;
    let mut out = Map::new();
    out.insert("status".into(), json!(r.status.as_str()));
    if let Some(o) = &r.output {
        out.insert("output".into(), json!(o.to_string()));
    }
    if let Some(e) = &r.error {
        out.insert("error".into(), json!(e));
    }
    if let Some(c) = &r.cause {
        out.insert("cause".into(), json!(c));
    }
    if let Some(n) = &r.next_state {
        out.insert("nextState".into(), json!(n));
    }
    if level != "INFO" {
        // Payloads are JSON text in AWS's answer; errorDetails stays an object.
        let data: Map<String, Value> = r
            .inspection
            .into_iter()
            .map(|(k, v)| if k == "errorDetails" { (k, v) } else { (k, json!(v.to_string())) })
            .collect();
        out.insert("inspectionData".into(), Value::Object(data));
    }
    Ok(Value::Object(out))
}
