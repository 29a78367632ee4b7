//! Request member access with AWS's validation messages, and the response shapes shared by
//! several operations.

use chrono::{DateTime, Utc};
use engine::store::ExecutionRecord;
use serde_json::{json, Map, Value};

use super::AwsError;

/// A required string member.
pub fn required_str<'a>(req: &'a Value, member: &str) -> Result<&'a str, AwsError> {
    match req.get(member) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(AwsError::validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))),
        Some(_) => Err(AwsError::new("SerializationException", format!("'{member}' must be a string"))),
    }
}

pub fn optional_str<'a>(req: &'a Value, member: &str) -> Result<Option<&'a str>, AwsError> {
    match req.get(member) {
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(AwsError::new("SerializationException", format!("'{member}' must be a string"))),
    }
}

pub fn optional_bool(req: &Value, member: &str) -> Result<Option<bool>, AwsError> {
    match req.get(member) {
        Some(Value::Bool(b)) => Ok(Some(*b)),
        None | Some(Value::Null) => Ok(None),
        Some(_) => Err(AwsError::new("SerializationException", format!("'{member}' must be a boolean"))),
    }
}

/// `maxResults` (0 or absent: the default page size).
pub fn max_results(req: &Value) -> Result<usize, AwsError> {
    match req.get("maxResults") {
        None | Some(Value::Null) => Ok(100),
        Some(v) => match v.as_u64() {
            Some(0) => Ok(100),
            Some(n) if n <= 1000 => Ok(n as usize),
            _ => Err(AwsError::validation(format!(
                "1 validation error detected: Value '{v}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
            ))),
        },
    }
}

/// The offset a `nextToken` stands for.
pub fn page_offset(req: &Value) -> Result<usize, AwsError> {
    match optional_str(req, "nextToken")? {
        None => Ok(0),
        Some(t) => t
            .strip_prefix("cairn-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| AwsError::new("InvalidToken", format!("Invalid Token: '{t}'"))),
    }
}

pub fn next_token(offset: usize) -> String {
    format!("cairn-{offset}")
}

/// AWS's timestamps: epoch seconds with milliseconds.
pub fn epoch(t: DateTime<Utc>) -> Value {
    json!(t.timestamp_millis() as f64 / 1000.0)
}

/// The model's length rule for a name member (checked before anything is looked up).
pub fn check_name_length(member: &str, name: &str) -> Result<(), AwsError> {
    if name.is_empty() {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )));
    }
    if name.chars().count() > 80 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must have length less than or equal to 80"
        )));
    }
    Ok(())
}

/// AWS's character rules for state machine, activity and execution names: no whitespace,
/// brackets, wildcards, special characters or control characters.
pub fn check_name_chars(name: &str) -> Result<(), AwsError> {
    let bad = name.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
            || ('\u{7f}'..='\u{9f}').contains(&c)
    });
    if bad {
        return Err(AwsError::new("InvalidName", format!("Invalid Name: '{name}'")));
    }
    Ok(())
}

/// Both name rules, for operations that look nothing up first.
pub fn check_name(name: &str) -> Result<(), AwsError> {
    check_name_length("name", name)?;
    check_name_chars(name)
}

/// Checks that `arn` is a Step Functions ARN of one of the given resource types.
pub fn check_arn(arn: &str, resource: &[&str]) -> Result<(), AwsError> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: 'Invalid ARN prefix: {arn}'")));
    }
    if !resource.contains(&parts[5]) {
        return Err(AwsError::new(
            "InvalidArn",
            format!("Invalid Arn: 'Resource type not valid in this context: {}'", parts[5]),
        ));
    }
    if parts[6].is_empty() {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    Ok(())
}

/// A state machine ARN split into its base and what follows the name: a version number or
/// an alias name (`…:stateMachine:NAME:1`, `…:stateMachine:NAME:prod`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineArn {
    pub base: String,
    pub qualifier: Option<Qualifier>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    Version(u64),
    Alias(String),
}

impl MachineArn {
    pub fn parse(arn: &str) -> Result<Self, AwsError> {
        check_arn(arn, &["stateMachine"])?;
        let parts: Vec<&str> = arn.split(':').collect();
        match parts.len() {
            7 => Ok(MachineArn { base: arn.to_string(), qualifier: None }),
            8 if !parts[7].is_empty() => {
                let base = parts[..7].join(":");
                let qualifier = match parts[7].parse::<u64>() {
                    Ok(n) if n > 0 => Qualifier::Version(n),
                    _ => Qualifier::Alias(parts[7].to_string()),
                };
                Ok(MachineArn { base, qualifier: Some(qualifier) })
            }
            _ => Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'"))),
        }
    }

    pub fn version(&self) -> Option<u64> {
        match self.qualifier {
            Some(Qualifier::Version(n)) => Some(n),
            _ => None,
        }
    }
}

pub fn optional_u64(req: &Value, member: &str) -> Result<Option<u64>, AwsError> {
    match req.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            AwsError::new("SerializationException", format!("'{member}' must be a non-negative integer"))
        }),
    }
}

pub fn optional_array<'a>(req: &'a Value, member: &str) -> Result<Option<&'a Vec<Value>>, AwsError> {
    match req.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(AwsError::new("SerializationException", format!("'{member}' must be a list"))),
    }
}

/// A string member's length limit, with AWS's message.
pub fn check_length(member: &str, value: &str, max: usize) -> Result<(), AwsError> {
    if value.len() > max {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}"
        )));
    }
    Ok(())
}

/// A page of `items` from `offset`, and the token for the next page when there is one.
pub fn paginate<T: Clone>(items: &[T], req: &Value) -> Result<(Vec<T>, Option<String>), AwsError> {
    let limit = max_results(req)?;
    let offset = page_offset(req)?;
    let page = items.iter().skip(offset).take(limit).cloned().collect();
    let next = (offset + limit < items.len()).then(|| next_token(offset + limit));
    Ok((page, next))
}

/// Where an execution came from: its state machine, and the version and alias it was started
/// through (an execution started through a version records the version's ARN).
pub fn lineage(state_machine_arn: &str, alias: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    match MachineArn::parse(state_machine_arn) {
        Ok(MachineArn { base, qualifier: Some(Qualifier::Version(_)) }) => {
            m.insert("stateMachineArn".into(), json!(base));
            m.insert("stateMachineVersionArn".into(), json!(state_machine_arn));
        }
        _ => {
            m.insert("stateMachineArn".into(), json!(state_machine_arn));
        }
    }
    if let Some(a) = alias {
        m.insert("stateMachineAliasArn".into(), json!(a));
    }
    m
}

/// DescribeExecution's answer (also the base of StartSyncExecution's).
pub fn execution_description(r: &ExecutionRecord, alias: Option<&str>) -> Value {
    let mut m = Map::new();
    m.insert("executionArn".into(), json!(r.arn));
    m.extend(lineage(&r.state_machine_arn, alias));
    m.insert("name".into(), json!(r.name));
    m.insert("status".into(), json!(r.status.as_str()));
    m.insert("startDate".into(), epoch(r.start));
    if let Some(t) = r.stop {
        m.insert("stopDate".into(), epoch(t));
    }
    m.insert("input".into(), json!(r.input.to_string()));
    m.insert("inputDetails".into(), json!({"included": true}));
    if let Some(o) = &r.output {
        m.insert("output".into(), json!(o.to_string()));
        m.insert("outputDetails".into(), json!({"included": true}));
    }
    if let Some(e) = &r.error {
        m.insert("error".into(), json!(e));
    }
    if let Some(c) = &r.cause {
        m.insert("cause".into(), json!(c));
    }
    m.insert("redriveCount".into(), json!(r.redrive_count));
    let (status, reason) = redrive_status(r);
    m.insert("redriveStatus".into(), json!(status));
    if let Some(reason) = reason {
        m.insert("redriveStatusReason".into(), json!(reason));
    }
    Value::Object(m)
}

/// Whether RedriveExecution could take this execution, as DescribeExecution reports it.
fn redrive_status(r: &ExecutionRecord) -> (&'static str, Option<String>) {
    use engine::interp::ExecStatus::*;
    match r.status {
        Running | Succeeded => {
            ("NOT_REDRIVABLE", Some(format!("Execution is {} and cannot be redriven", r.status.as_str())))
        }
        Failed | TimedOut | Aborted => ("REDRIVABLE", None),
    }
}
