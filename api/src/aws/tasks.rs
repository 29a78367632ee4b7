//! Task tokens: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, for activity workers
//! and `.waitForTaskToken` callbacks.

use serde_json::{json, Value};

use super::shapes::{check_length, optional_str, required_str};
use super::AwsError;
use crate::AppState;

/// AWS's limits on the members of these requests.
const MAX_TOKEN: usize = 2048;
const MAX_OUTPUT: usize = 256 * 1024;
const MAX_ERROR: usize = 256;
const MAX_CAUSE: usize = 32768;

fn token(req: &Value) -> Result<&str, AwsError> {
    let t = required_str(req, "taskToken")?;
    if t.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value '' at 'taskToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    check_length("taskToken", t, MAX_TOKEN)?;
    Ok(t)
}

pub async fn success(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let token = token(req)?;
    let text = required_str(req, "output")?;
    if text.len() > MAX_OUTPUT {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to {MAX_OUTPUT}"
        )));
    }
    let output: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            // AWS answers for the token before it looks at the output.
            state.engine.check_task_token(token).await?;
            return Err(AwsError::new("InvalidOutput", format!("Invalid Output: '{e}'")));
        }
    };
    state.engine.send_task_success(token, output).await?;
    Ok(json!({}))
}

pub async fn failure(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let token = token(req)?;
    let error = optional_str(req, "error")?;
    let cause = optional_str(req, "cause")?;
    if let Some(e) = error {
        check_length("error", e, MAX_ERROR)?;
    }
    if let Some(c) = cause {
        check_length("cause", c, MAX_CAUSE)?;
    }
    state.engine.send_task_failure(token, error.map(str::to_string), cause.map(str::to_string)).await?;
    Ok(json!({}))
}

pub async fn heartbeat(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    state.engine.send_task_heartbeat(token(req)?).await?;
    Ok(json!({}))
}
