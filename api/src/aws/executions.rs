//! Execution operations.

use engine::interp::ExecStatus;
use engine::store::{ExecutionFilter, MachineType};
use engine::StartRequest;
use serde_json::{json, Value};

use super::shapes::{
    check_arn, check_name, epoch, execution_description, max_results, next_token, optional_bool, optional_str,
    page_offset, required_str,
};
use super::AwsError;
use crate::AppState;

/// AWS's limit on an execution's input.
const MAX_INPUT_BYTES: usize = 256 * 1024;

fn parse_input(req: &Value) -> Result<Value, AwsError> {
    let Some(text) = optional_str(req, "input")? else {
        return Ok(json!({}));
    };
    if text.len() > MAX_INPUT_BYTES {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to {MAX_INPUT_BYTES}"
        )));
    }
    serde_json::from_str(text)
        .map_err(|e| AwsError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'")))
}

pub async fn start(state: &AppState, req: &Value, sync: bool) -> Result<Value, AwsError> {
    let sm_arn = required_str(req, "stateMachineArn")?;
    check_arn(sm_arn, &["stateMachine"])?;
    let name = optional_str(req, "name")?;
    if let Some(n) = name {
        check_name(n)?;
    }
    let input = parse_input(req)?;
    let sm = state.engine.store().get_state_machine(sm_arn).await?.ok_or_else(|| {
        AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{sm_arn}'"))
    })?;
    if sync && sm.machine_type != MachineType::Express {
        return Err(AwsError::new(
            "StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine",
        ));
    }
    let rec = state
        .engine
        .start_execution(StartRequest { state_machine_arn: sm.arn, name: name.map(str::to_string), input })
        .await?;
    if !sync {
        return Ok(json!({"executionArn": rec.arn, "startDate": epoch(rec.start)}));
    }
    let done = state.engine.wait_for(&rec.arn).await?;
    let mut out = execution_description(&done);
    if let Some(o) = out.as_object_mut() {
        o.remove("redriveCount");
        o.insert("billingDetails".into(), json!({"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100}));
    }
    Ok(out)
}

fn execution_arn(req: &Value) -> Result<&str, AwsError> {
    let arn = required_str(req, "executionArn")?;
    check_arn(arn, &["execution", "express"])?;
    Ok(arn)
}

pub async fn describe(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let rec = state.engine.describe_execution(execution_arn(req)?).await?;
    Ok(execution_description(&rec))
}

pub async fn stop(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = execution_arn(req)?;
    let error = optional_str(req, "error")?.map(str::to_string);
    let cause = optional_str(req, "cause")?.map(str::to_string);
    let rec = state.engine.describe_execution(arn).await?;
    let rec =
        if rec.status == ExecStatus::Running { state.engine.stop_execution(arn, error, cause).await? } else { rec };
    Ok(json!({"stopDate": epoch(rec.stop.unwrap_or_else(chrono::Utc::now))}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let sm_arn = required_str(req, "stateMachineArn")?;
    check_arn(sm_arn, &["stateMachine"])?;
    if state.engine.store().get_state_machine(sm_arn).await?.is_none() {
        return Err(AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{sm_arn}'")));
    }
    let status = match optional_str(req, "statusFilter")? {
        None => None,
        Some(s) => Some(ExecStatus::parse(s).ok_or_else(|| {
            AwsError::validation(format!(
                "1 validation error detected: Value '{s}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
            ))
        })?),
    };
    let limit = max_results(req)?;
    let offset = page_offset(req)?;
    let filter = ExecutionFilter { state_machine_arn: Some(sm_arn.to_string()), status, offset, limit: limit + 1 };
    let mut recs = state.engine.list_executions(filter).await?;
    let more = recs.len() > limit;
    recs.truncate(limit);
    let items: Vec<Value> = recs
        .iter()
        .map(|r| {
            let mut v = json!({
                "executionArn": r.arn, "stateMachineArn": r.state_machine_arn, "name": r.name,
                "status": r.status.as_str(), "startDate": epoch(r.start), "redriveCount": r.redrive_count,
            });
            if let Some(t) = r.stop {
                v["stopDate"] = epoch(t);
            }
            v
        })
        .collect();
    let mut out = json!({"executions": items});
    if more {
        out["nextToken"] = json!(next_token(offset + limit));
    }
    Ok(out)
}

pub async fn history(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = execution_arn(req)?;
    state.engine.describe_execution(arn).await?;
    let limit = max_results(req)?;
    let offset = page_offset(req)?;
    let reverse = optional_bool(req, "reverseOrder")?.unwrap_or(false);
    let include = optional_bool(req, "includeExecutionData")?.unwrap_or(true);
    let mut events = state.engine.history(arn).await?;
    if reverse {
        events.reverse();
    }
    let total = events.len();
    let page: Vec<Value> = events.iter().skip(offset).take(limit).map(|e| e.to_aws_json(include)).collect();
    let mut out = json!({"events": page});
    if offset + limit < total {
        out["nextToken"] = json!(next_token(offset + limit));
    }
    Ok(out)
}
