//! State machine operations. Versions are stored as state machine records under their version
//! ARN (see `versions`), so listings here leave them out.

use engine::store::{MachineType, StateMachineRecord};
use serde_json::{json, Value};

use super::shapes::{
    check_arn, check_name_chars, check_name_length, epoch, optional_bool, optional_str, paginate, required_str,
    MachineArn, Qualifier,
};
use super::versions::{check_version_description, publish_current, revision_id, versions_of};
use super::{tags, AwsError, Caller};
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

/// `publish` and `versionDescription`, which only goes with `publish`.
fn publish_request(req: &Value) -> Result<(bool, Option<&str>), AwsError> {
    let publish = optional_bool(req, "publish")?.unwrap_or(false);
    let description = optional_str(req, "versionDescription")?;
    check_version_description(description)?;
    if description.is_some() && !publish {
        return Err(AwsError::validation("Version description can only be set when publish is true"));
    }
    Ok((publish, description))
}

pub async fn create(state: &AppState, who: &Caller, req: &Value) -> Result<Value, AwsError> {
    let name = required_str(req, "name")?;
    let definition = required_str(req, "definition")?;
    check_name_length("name", name)?;
    check_definition_size(definition)?;
    check_name_chars(name)?;
    let mtype = machine_type(req)?;
    let role = optional_str(req, "roleArn")?.map(str::to_string);
    let (publish, version_description) = publish_request(req)?;
    let tags = tags::parse_tags(req)?;
    let arn = engine::runtime::state_machine_arn(&who.region, &who.account, name);
    let rec = match state.engine.store().get_state_machine(&arn).await? {
        Some(existing) => {
            let same = existing.definition == definition
                && existing.machine_type == mtype
                && role.as_ref().is_none_or(|r| *r == existing.role_arn);
            if !same {
                return Err(AwsError::new(
                    "StateMachineAlreadyExists",
                    format!("State Machine Already Exists: '{arn}'"),
                ));
            }
            existing
        }
        None => {
            let rec = state.engine.create_state_machine_at(arn, name, definition, mtype, role).await?;
            tracing::info!(state_machine = %rec.arn, "state machine created");
            rec
        }
    };
    if let Some(t) = tags {
        state.aws.tag(&rec.arn, t).await?;
    }
    let mut out = json!({"stateMachineArn": rec.arn, "creationDate": epoch(rec.created)});
    if publish {
        let v = publish_current(state, &rec, version_description).await?;
        out["stateMachineVersionArn"] = json!(v.arn);
    }
    Ok(out)
}

async fn get(state: &AppState, arn: &str) -> Result<StateMachineRecord, AwsError> {
    MachineArn::parse(arn)?;
    state
        .engine
        .store()
        .get_state_machine(arn)
        .await?
        .ok_or_else(|| AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'")))
}

fn describe_shape(sm: &StateMachineRecord) -> Value {
    let mut v = json!({
        "stateMachineArn": sm.arn,
        "name": sm.name,
        "status": "ACTIVE",
        "definition": sm.definition,
        "roleArn": sm.role_arn,
        "type": sm.machine_type.as_str(),
        "creationDate": epoch(sm.created),
        "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
        "tracingConfiguration": {"enabled": false},
    });
    if let Some(d) = &sm.description {
        v["description"] = json!(d);
    }
    if let Some(r) = revision_id(sm) {
        v["revisionId"] = json!(r);
    }
    v
}

pub async fn describe(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    if let Some(Qualifier::Alias(_)) = MachineArn::parse(arn)?.qualifier {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    Ok(describe_shape(&get(state, arn).await?))
}

pub async fn describe_for_execution(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "executionArn")?;
    check_arn(arn, &["execution", "express"])?;
    let exec = state.engine.describe_execution(arn).await?;
    let sm = get(state, &exec.state_machine_arn).await?;
    let mut v = describe_shape(&sm);
    if let Some(o) = v.as_object_mut() {
        for key in ["status", "type", "creationDate", "description"] {
            o.remove(key);
        }
        if let Ok(MachineArn { base, qualifier: Some(_) }) = MachineArn::parse(&sm.arn) {
            o.insert("stateMachineArn".into(), json!(base));
        }
        o.insert("updateDate".into(), epoch(sm.updated));
        // The definition the execution runs, not one the state machine was updated to since.
        if let Some(d) = state.engine.execution_definition(arn).await? {
            o.insert("definition".into(), json!(d));
        }
    }
    Ok(v)
}

pub async fn update(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    let definition = optional_str(req, "definition")?;
    if let Some(d) = definition {
        check_definition_size(d)?;
    }
    let (publish, version_description) = publish_request(req)?;
    if MachineArn::parse(arn)?.qualifier.is_some() {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    let mut sm = get(state, arn).await?;
    let role = optional_str(req, "roleArn")?;
    if definition.is_none() && role.is_none() {
        return Err(AwsError::new(
            "MissingRequiredParameter",
            "Either the definition or the roleArn must be specified",
        ));
    }
    if let Some(d) = definition {
        if let Err(diags) = state_lang::load(d) {
            return Err(AwsError::new(
                "InvalidDefinition",
                format!("Invalid State Machine Definition: '{}'", engine::runtime::describe_diagnostics(&diags)),
            ));
        }
    }
    let changed = definition.is_some_and(|d| d != sm.definition) || role.is_some_and(|r| r != sm.role_arn);
    if changed {
        if let Some(d) = definition {
            sm.definition = d.to_string();
        }
        if let Some(r) = role {
            sm.role_arn = r.to_string();
        }
        sm.updated = chrono::Utc::now();
        state.engine.store().put_state_machine(sm.clone(), true).await?;
        tracing::info!(state_machine = %sm.arn, "state machine updated");
    }
    let mut out = json!({"updateDate": epoch(sm.updated)});
    if changed {
        if let Some(r) = revision_id(&sm) {
            out["revisionId"] = json!(r);
        }
    }
    if publish {
        let v = publish_current(state, &sm, version_description).await?;
        out["stateMachineVersionArn"] = json!(v.arn);
    }
    Ok(out)
}

/// Deletes a state machine with its versions, aliases and tags; deleting a version ARN deletes
/// that version.
pub async fn delete(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    let parsed = MachineArn::parse(arn)?;
    if let Some(Qualifier::Alias(_)) = parsed.qualifier {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    if parsed.qualifier.is_none() {
        for (_, v) in versions_of(state, arn).await? {
            state.engine.store().delete_state_machine(&v.arn).await?;
        }
        state.aws.forget(arn).await?;
    }
    state.engine.store().delete_state_machine(arn).await?;
    tracing::info!(state_machine = %arn, "state machine deleted");
    Ok(json!({}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let all: Vec<StateMachineRecord> = state
        .engine
        .store()
        .list_state_machines()
        .await?
        .into_iter()
        .filter(|sm| matches!(MachineArn::parse(&sm.arn), Ok(MachineArn { qualifier: None, .. })))
        .collect();
    let (page, next) = paginate(&all, req)?;
    let items: Vec<Value> = page
        .iter()
        .map(|sm| {
            json!({"stateMachineArn": sm.arn, "name": sm.name, "type": sm.machine_type.as_str(), "creationDate": epoch(sm.created)})
        })
        .collect();
    let mut out = json!({"stateMachines": items});
    if let Some(t) = next {
        out["nextToken"] = json!(t);
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
