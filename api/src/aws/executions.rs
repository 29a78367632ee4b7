//! Execution operations. An execution may be started through a version ARN (it runs that
//! snapshot) or an alias ARN (it runs a version drawn by the alias's weights); listings and
//! descriptions then name the version and alias, as AWS does.

use engine::interp::ExecStatus;
use engine::store::{ExecutionFilter, ExecutionRecord, MachineType};
use engine::StartRequest;
use serde_json::{json, Value};

use super::shapes::{
    check_arn, check_name_chars, check_name_length, epoch, execution_description, lineage, max_results, next_token,
    optional_bool, optional_str, page_offset, required_str, MachineArn, Qualifier,
};
use super::versions::versions_of;
use super::{aliases, AwsError};
use crate::AppState;

/// AWS's limit on an execution's input.
const MAX_INPUT_BYTES: usize = 256 * 1024;

fn input_text(req: &Value) -> Result<Option<&str>, AwsError> {
    let text = optional_str(req, "input")?;
    if text.is_some_and(|t| t.len() > MAX_INPUT_BYTES) {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to {MAX_INPUT_BYTES} bytes in UTF-8 encoding"
        )));
    }
    Ok(text)
}

fn parse_input(text: Option<&str>) -> Result<Value, AwsError> {
    let Some(text) = text else {
        return Ok(json!({}));
    };
    serde_json::from_str(text)
        .map_err(|e| AwsError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'")))
}

fn machine_missing(arn: &str) -> AwsError {
    AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'"))
}

/// The record to run for `arn` and the alias it came through.
async fn target(state: &AppState, arn: &str) -> Result<(String, Option<String>), AwsError> {
    let parsed = MachineArn::parse(arn)?;
    let (run_arn, alias) = match &parsed.qualifier {
        Some(Qualifier::Alias(_)) => {
            let version = aliases::pick_version(state, arn).ok_or_else(|| machine_missing(arn))?;
            (version, Some(arn.to_string()))
        }
        _ => (arn.to_string(), None),
    };
    if state.engine.store().get_state_machine(&run_arn).await?.is_none() {
        return Err(machine_missing(arn));
    }
    Ok((run_arn, alias))
}

pub async fn start(state: &AppState, req: &Value, sync: bool) -> Result<Value, AwsError> {
    let full_arn = required_str(req, "stateMachineArn")?;
    // Step Functions Local's convention: `…:stateMachine:Name#TestCase` runs a mocked test case.
    let (sm_arn, test_case) = match full_arn.split_once('#') {
        Some((arn, case)) => (arn, Some(case)),
        None => (full_arn, None),
    };
    let name = optional_str(req, "name")?;
    if let Some(n) = name {
        check_name_length("name", n)?;
    }
    let text = input_text(req)?;
    let (run_arn, alias) = target(state, sm_arn).await?;
    if let Some(n) = name {
        check_name_chars(n)?;
    }
    let input = parse_input(text)?;
    let sm = state.engine.store().get_state_machine(&run_arn).await?.ok_or_else(|| machine_missing(sm_arn))?;
    if sync && sm.machine_type != MachineType::Express {
        return Err(AwsError::new(
            "StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine",
        ));
    }
    let rec = state
        .engine
        .start_execution(StartRequest {
            state_machine_arn: match test_case {
                Some(case) => format!("{}#{case}", sm.arn),
                None => sm.arn,
            },
            name: name.map(str::to_string),
            input,
        })
        .await?;
    if let Some(a) = &alias {
        state.aws.set_execution_alias(&rec.arn, a).await?;
    }
    tracing::info!(execution = %rec.arn, "execution started");
    if !sync {
        return Ok(json!({"executionArn": rec.arn, "startDate": epoch(rec.start)}));
    }
    let done = state.engine.wait_for(&rec.arn).await?;
    let mut out = execution_description(&done, alias.as_deref());
    if let Some(o) = out.as_object_mut() {
        for key in
            ["redriveCount", "redriveStatus", "redriveStatusReason", "stateMachineAliasArn", "stateMachineVersionArn"]
        {
            o.remove(key);
        }
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
    Ok(execution_description(&rec, state.aws.execution_alias(&rec.arn).as_deref()))
}

pub async fn stop(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = execution_arn(req)?;
    let error = optional_str(req, "error")?.map(str::to_string);
    let cause = optional_str(req, "cause")?.map(str::to_string);
    let rec = state.engine.describe_execution(arn).await?;
    let rec =
        if rec.status == ExecStatus::Running { state.engine.stop_execution(arn, error, cause).await? } else { rec };
    tracing::info!(execution = %arn, "execution stopped");
    Ok(json!({"stopDate": epoch(rec.stop.unwrap_or_else(chrono::Utc::now))}))
}

/// RedriveExecution needs the engine's redrive, which this server does not have yet: the
/// request is checked as AWS checks it, then refused with a clear reason.
pub async fn redrive(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = execution_arn(req)?;
    let rec = state.engine.redrive_execution(arn).await?;
    Ok(json!({"redriveDate": epoch(chrono::Utc::now()), "redriveCount": rec.redrive_count}))
}

fn status_filter(req: &Value) -> Result<Option<ExecStatus>, AwsError> {
    match optional_str(req, "statusFilter")? {
        None => Ok(None),
        Some(s) => ExecStatus::parse(s).map(Some).ok_or_else(|| {
            AwsError::validation(format!(
                "1 validation error detected: Value '{s}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"
            ))
        }),
    }
}

/// Executions of the state machine records in `sources`, newest first, one page past `offset`.
async fn executions_of(
    state: &AppState,
    sources: &[String],
    status: Option<ExecStatus>,
    offset: usize,
    limit: usize,
) -> Result<Vec<ExecutionRecord>, AwsError> {
    if let [only] = sources {
        let filter = ExecutionFilter { state_machine_arn: Some(only.clone()), status, offset, limit: limit + 1 };
        return Ok(state.engine.list_executions(filter).await?);
    }
    let mut all = Vec::new();
    for s in sources {
        let filter =
            ExecutionFilter { state_machine_arn: Some(s.clone()), status, offset: 0, limit: offset + limit + 1 };
        all.extend(state.engine.list_executions(filter).await?);
    }
    all.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| b.arn.cmp(&a.arn)));
    Ok(all.into_iter().skip(offset).take(limit + 1).collect())
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let sm_arn = required_str(req, "stateMachineArn")?;
    let parsed = MachineArn::parse(sm_arn)?;
    let status = status_filter(req)?;
    let limit = max_results(req)?;
    let offset = page_offset(req)?;
    let (sources, alias) = match &parsed.qualifier {
        None => {
            if state.engine.store().get_state_machine(sm_arn).await?.is_none() {
                return Err(machine_missing(sm_arn));
            }
            let mut s = vec![sm_arn.to_string()];
            s.extend(versions_of(state, sm_arn).await?.into_iter().map(|(_, v)| v.arn));
            (s, None)
        }
        Some(Qualifier::Version(_)) => {
            if state.engine.store().get_state_machine(sm_arn).await?.is_none() {
                return Err(machine_missing(sm_arn));
            }
            (vec![sm_arn.to_string()], None)
        }
        Some(Qualifier::Alias(_)) => {
            let a = state.aws.alias(sm_arn).ok_or_else(|| machine_missing(sm_arn))?;
            (a.routing.iter().map(|(v, _)| v.clone()).collect(), Some(sm_arn))
        }
    };
    let mut recs = executions_of(state, &sources, status, offset, limit).await?;
    if let Some(a) = alias {
        // Only those started through this alias (its versions may also be started directly).
        recs.retain(|r| state.aws.execution_alias(&r.arn).as_deref() == Some(a));
    }
    let more = recs.len() > limit;
    recs.truncate(limit);
    let items: Vec<Value> = recs.iter().map(|r| list_item(state, r)).collect();
    let mut out = json!({"executions": items});
    if more {
        out["nextToken"] = json!(next_token(offset + limit));
    }
    Ok(out)
}

fn list_item(state: &AppState, r: &ExecutionRecord) -> Value {
    let alias = state.aws.execution_alias(&r.arn);
    let mut m = lineage(&r.state_machine_arn, alias.as_deref());
    m.insert("executionArn".into(), json!(r.arn));
    m.insert("name".into(), json!(r.name));
    m.insert("status".into(), json!(r.status.as_str()));
    m.insert("startDate".into(), epoch(r.start));
    if let Some(t) = r.stop {
        m.insert("stopDate".into(), epoch(t));
    }
    m.insert("redriveCount".into(), json!(r.redrive_count));
    Value::Object(m)
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
