//! State machine versions: PublishStateMachineVersion, ListStateMachineVersions,
//! DeleteStateMachineVersion. A version is an immutable snapshot of the definition, stored as its
//! own state machine record under the version ARN (`…:stateMachine:NAME:N`), so executions
//! started through it run that snapshot whatever happens to the state machine later.

use chrono::Utc;
use engine::store::StateMachineRecord;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::shapes::{check_length, epoch, optional_str, paginate, required_str, MachineArn};
use super::AwsError;
use crate::AppState;

/// The revision of a state machine: absent until its first update, then a UUID-shaped digest of
/// what the update set (a version carries the revision it was published from).
pub fn revision_id(sm: &StateMachineRecord) -> Option<String> {
    if sm.updated == sm.created {
        return None;
    }
    let mut h = Sha256::new();
    h.update(sm.definition.as_bytes());
    h.update([0]);
    h.update(sm.role_arn.as_bytes());
    h.update([0]);
    h.update(sm.updated.timestamp_micros().to_be_bytes());
    let d = h.finalize();
    let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Some(format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]))
}

/// The versions of a state machine, newest first, with their numbers.
pub async fn versions_of(state: &AppState, base: &str) -> Result<Vec<(u64, StateMachineRecord)>, AwsError> {
    let prefix = format!("{base}:");
    let mut v: Vec<(u64, StateMachineRecord)> = state
        .engine
        .store()
        .list_state_machines()
        .await?
        .into_iter()
        .filter_map(|sm| {
            let n = sm.arn.strip_prefix(&prefix)?.parse::<u64>().ok()?;
            Some((n, sm))
        })
        .collect();
    v.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    Ok(v)
}

pub async fn base_machine(state: &AppState, arn: &str) -> Result<StateMachineRecord, AwsError> {
    state
        .engine
        .store()
        .get_state_machine(arn)
        .await?
        .ok_or_else(|| AwsError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'")))
}

/// Publishes the current revision of `sm` (or returns the version that already holds it).
pub async fn publish_current(
    state: &AppState,
    sm: &StateMachineRecord,
    description: Option<&str>,
) -> Result<StateMachineRecord, AwsError> {
    let existing = versions_of(state, &sm.arn).await?;
    if let Some((_, latest)) = existing.first() {
        if latest.definition == sm.definition
            && latest.role_arn == sm.role_arn
            && latest.machine_type == sm.machine_type
        {
            return Ok(latest.clone());
        }
    }
    let highest = existing.first().map_or(0, |(n, _)| *n);
    let number = state.aws.next_version(&sm.arn, highest).await?;
    let now = Utc::now();
    let version = StateMachineRecord {
        arn: format!("{}:{number}", sm.arn),
        name: sm.name.clone(),
        definition: sm.definition.clone(),
        machine_type: sm.machine_type,
        role_arn: sm.role_arn.clone(),
        created: now,
        // Carries the revision it snapshots (see `revision_id`).
        updated: if sm.updated == sm.created { now } else { sm.updated },
        description: description.map(str::to_string),
    };
    state.engine.store().put_state_machine(version.clone(), false).await?;
    tracing::info!(version = %version.arn, "state machine version published");
    Ok(version)
}

pub fn check_version_description(description: Option<&str>) -> Result<(), AwsError> {
    if let Some(d) = description {
        check_length("description", d, 256)?;
    }
    Ok(())
}

pub async fn publish(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    let parsed = MachineArn::parse(arn)?;
    let description = optional_str(req, "description")?;
    check_version_description(description)?;
    if parsed.qualifier.is_some() {
        return Err(AwsError::validation(format!(
            "Invalid State Machine Arn: '{arn}': a version can only be published from an unqualified state machine ARN"
        )));
    }
    let sm = base_machine(state, arn).await?;
    if let Some(wanted) = optional_str(req, "revisionId")? {
        let current = revision_id(&sm).unwrap_or_default();
        if wanted != current {
            return Err(AwsError::new(
                "ConflictException",
                format!(
                    "Failed to publish the State Machine version for revision {wanted}. The current State Machine revision is {current}."
                ),
            ));
        }
    }
    let v = publish_current(state, &sm, description).await?;
    Ok(json!({"stateMachineVersionArn": v.arn, "creationDate": epoch(v.created)}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    let parsed = MachineArn::parse(arn)?;
    if parsed.qualifier.is_some() {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    base_machine(state, arn).await?;
    let all = versions_of(state, arn).await?;
    let (page, next) = paginate(&all, req)?;
    let items: Vec<Value> =
        page.iter().map(|(_, v)| json!({"stateMachineVersionArn": v.arn, "creationDate": epoch(v.created)})).collect();
    let mut out = json!({"stateMachineVersions": items});
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

/// Deleting a version that does not exist succeeds; one that an alias routes to cannot go.
pub async fn delete(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineVersionArn")?;
    let parsed = MachineArn::parse(arn)?;
    if parsed.version().is_none() {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    let referencing: Vec<String> = state
        .aws
        .aliases_of(&parsed.base)
        .into_iter()
        .filter(|a| a.routing.iter().any(|(v, _)| v == arn))
        .map(|a| a.name)
        .collect();
    if !referencing.is_empty() {
        return Err(AwsError::new(
            "ConflictException",
            format!(
                "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
                referencing.join(", ")
            ),
        ));
    }
    state.engine.store().delete_state_machine(arn).await?;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use engine::store::MachineType;

    use super::*;

    #[test]
    fn a_revision_exists_only_after_an_update() {
        let now = Utc::now();
        let mut sm = StateMachineRecord {
            arn: "arn:aws:states:us-east-1:000000000000:stateMachine:m".into(),
            name: "m".into(),
            definition: "{}".into(),
            machine_type: MachineType::Standard,
            role_arn: "r".into(),
            created: now,
            updated: now,
            description: None,
        };
        assert_eq!(revision_id(&sm), None);
        sm.updated = now + chrono::TimeDelta::seconds(1);
        let r1 = revision_id(&sm).unwrap_or_default();
        assert_eq!(r1.len(), 36);
        sm.definition = "{ }".into();
        assert_ne!(revision_id(&sm), Some(r1));
    }
}
