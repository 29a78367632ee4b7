//! Activities: Create/Describe/List/DeleteActivity, and GetActivityTask for workers (a long
//! poll that answers an empty `taskToken` when no task came in time).

use std::time::Duration;

use serde_json::{json, Value};

use super::shapes::{check_arn, check_name, epoch, optional_str, paginate, required_str};
use super::{tags, AwsError, Caller};
use crate::AppState;

pub async fn create(state: &AppState, who: &Caller, req: &Value) -> Result<Value, AwsError> {
    let name = required_str(req, "name")?;
    check_name(name)?;
    let tags = tags::parse_tags(req)?;
    let rec = state.engine.create_activity(&who.region, &who.account, name).await?;
    if let Some(t) = tags {
        state.aws.tag(&rec.arn, t).await?;
    }
    tracing::info!(activity = %rec.arn, "activity created");
    Ok(json!({"activityArn": rec.arn, "creationDate": epoch(rec.created)}))
}

fn activity_arn(req: &Value) -> Result<&str, AwsError> {
    let arn = required_str(req, "activityArn")?;
    check_arn(arn, &["activity"])?;
    Ok(arn)
}

pub async fn describe(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let rec = state.engine.describe_activity(activity_arn(req)?)?;
    Ok(json!({"activityArn": rec.arn, "name": rec.name, "creationDate": epoch(rec.created)}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let all = state.engine.list_activities();
    let (page, next) = paginate(&all, req)?;
    let items: Vec<Value> =
        page.iter().map(|a| json!({"activityArn": a.arn, "name": a.name, "creationDate": epoch(a.created)})).collect();
    let mut out = json!({"activities": items});
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

/// Deleting an activity that does not exist succeeds, as on AWS.
pub async fn delete(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = activity_arn(req)?;
    state.engine.delete_activity(arn).await?;
    state.aws.forget(arn).await?;
    Ok(json!({}))
}

pub async fn get_task(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = activity_arn(req)?;
    let worker = optional_str(req, "workerName")?;
    if let Some(w) = worker {
        if w.chars().count() > 80 {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{w}' at 'workerName' failed to satisfy constraint: Member must have length less than or equal to 80"
            )));
        }
    }
    let wait: Duration = state.config.activity_poll;
    match state.engine.get_activity_task(arn, worker.map(str::to_string), wait).await? {
        Some((token, input)) => Ok(json!({"taskToken": token, "input": input.to_string()})),
        None => Ok(json!({"taskToken": ""})),
    }
}
