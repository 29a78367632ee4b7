//! State machine operations.

use engine::store::MachineType;
use serde_json::{json, Value};

use super::shapes::{check_arn, check_name, epoch, max_results, next_token, optional_str, page_offset, required_str};
use super::{AwsError, Caller};
use crate::AppState;

/// AWS's limit on a definition.
const MAX_DEFINITION_BYTES: usize = 1024 * 1024;

fn machine_type(req: &Value) -> Result<MachineType, AwsError> {
    match optional_str(req, "type")? {
        None => Ok(MachineType::Standard),
        Some(t) => MachineType::parse(t).ok_or_else(|| {
            AwsError::validation(format!(
                "1 validation error detected: Value '{t}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"
            ))
        }),
    }
}

fn check_definition_size(definition: &str) -> Result<(), AwsError> {
    if definition.len() > MAX_DEFINITION_BYTES {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to {MAX_DEFINITION_BYTES}"
        )));
    }
    Ok(())
}

pub async fn create(state: &AppState, who: &Caller, req: &Value) -> Result<Value, AwsError> {
    let name = required_str(req, "name")?;
    let definition = required_str(req, "definition")?;
    check_definition_size(definition)?;
    check_name(name)?;
    let mtype = machine_type(req)?;
    let role = optional_str(req, "roleArn")?.map(str::to_string);
    let arn = engine::runtime::state_machine_arn(&who.region, &who.account, name);
    if let Some(existing) = state.engine.store().get_state_machine(&arn).await? {
        let same = existing.definition == definition
            && existing.machine_type == mtype
            && role.as_ref().is_none_or(|r| *r == existing.role_arn);
        if same {
            return Ok(json!({"stateMachineArn": existing.arn, "creationDate": epoch(existing.created)}));
        }
        return Err(AwsError::new("StateMachineAlreadyExists", format!("State Machine Already Exists: '{arn}'")));
    }
    let rec = state.engine.create_state_machine_at(arn, name, definition, mtype, role).await?;
    Ok(json!({"stateMachineArn": rec.arn, "creationDate": epoch(rec.created)}))
}

async fn get(state: &AppState, arn: &str) -> Result<engine::store::StateMachineRecord, AwsError> {
    check_arn(arn, &["stateMachine"])?;
    state
        .engine
        .store()
        .get_state_machine(arn)
        .await?
        .ok_or_else(|| AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'")))
}

fn describe_shape(sm: &engine::store::StateMachineRecord) -> Value {
    json!({
        "stateMachineArn": sm.arn,
        "name": sm.name,
        "status": "ACTIVE",
        "definition": sm.definition,
        "roleArn": sm.role_arn,
        "type": sm.machine_type.as_str(),
        "creationDate": epoch(sm.created),
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
        "tracingConfiguration": {"enabled": false},
    })
}

pub async fn describe(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let sm = get(state, required_str(req, "stateMachineArn")?).await?;
    Ok(describe_shape(&sm))
}

pub async fn describe_for_execution(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "executionArn")?;
    check_arn(arn, &["execution", "express"])?;
    let exec = state.engine.describe_execution(arn).await?;
    let sm = get(state, &exec.state_machine_arn).await?;
    let mut v = describe_shape(&sm);
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
        o.remove("type");
        o.remove("creationDate");
        o.insert("updateDate".into(), epoch(sm.updated));
    }
    Ok(v)
}

pub async fn update(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let mut sm = get(state, required_str(req, "stateMachineArn")?).await?;
    let definition = optional_str(req, "definition")?;
    let role = optional_str(req, "roleArn")?;
    if definition.is_none() && role.is_none() {
        return Err(AwsError::new(
            "MissingRequiredParameter",
            "Either the definition or the roleArn must be specified",
        ));
    }
    if let Some(d) = definition {
        check_definition_size(d)?;
        if let Err(diags) = state_lang::load(d) {
            return Err(AwsError::new(
                "InvalidDefinition",
                format!("Invalid State Machine Definition: '{}'", engine::runtime::describe_diagnostics(&diags)),
            ));
        }
        sm.definition = d.to_string();
    }
    if let Some(r) = role {
        sm.role_arn = r.to_string();
    }
    sm.updated = chrono::Utc::now();
    state.engine.store().put_state_machine(sm.clone(), true).await?;
    Ok(json!({"updateDate": epoch(sm.updated)}))
}

pub async fn delete(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    check_arn(arn, &["stateMachine"])?;
    state.engine.store().delete_state_machine(arn).await?;
    Ok(json!({}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let limit = max_results(req)?;
    let offset = page_offset(req)?;
    let all = state.engine.store().list_state_machines().await?;
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|sm| {
            json!({"stateMachineArn": sm.arn, "name": sm.name, "type": sm.machine_type.as_str(), "creationDate": epoch(sm.created)})
        })
        .collect();
    let mut out = json!({"stateMachines": page});
    if offset + limit < all.len() {
        out["nextToken"] = json!(next_token(offset + limit));
    }
    Ok(out)
}

pub fn validate(req: &Value) -> Result<Value, AwsError> {
    let definition = required_str(req, "definition")?;
    check_definition_size(definition)?;
    let diagnostics: Vec<Value> = match state_lang::load(definition) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| json!({"severity": "ERROR", "code": d.code, "message": d.message, "location": d.location}))
            .collect(),
    };
    let result = if diagnostics.is_empty() { "OK" } else { "FAIL" };
    Ok(json!({"result": result, "diagnostics": diagnostics, "truncated": false}))
}
