//! Map runs: DescribeMapRun, ListMapRuns, UpdateMapRun. Cairn runs every Map inside its
//! execution (distributed Maps included), so no execution has a Map Run: listing answers an
//! empty page and a Map Run ARN is never found.

use serde_json::{json, Value};

use super::shapes::{check_arn, optional_u64, required_str};
use super::AwsError;
use crate::AppState;

fn map_run_arn(req: &Value) -> Result<&str, AwsError> {
    let arn = required_str(req, "mapRunArn")?;
    check_arn(arn, &["mapRun"])?;
    Ok(arn)
}

fn not_found(arn: &str) -> AwsError {
    AwsError::new("ResourceNotFound", format!("Resource not found: '{arn}'"))
}

pub async fn describe(req: &Value) -> Result<Value, AwsError> {
    Err(not_found(map_run_arn(req)?))
}

pub async fn update(req: &Value) -> Result<Value, AwsError> {
    let arn = map_run_arn(req)?;
    for member in ["maxConcurrency", "toleratedFailureCount"] {
        optional_u64(req, member)?;
    }
    Err(not_found(arn))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "executionArn")?;
    check_arn(arn, &["execution"])?;
    state.engine.describe_execution(arn).await?;
    Ok(json!({"mapRuns": []}))
}
