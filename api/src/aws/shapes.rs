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

/// AWS's rules for state machine and execution names.
pub fn check_name(name: &str) -> Result<(), AwsError> {
    let bad = name.is_empty()
        || name.chars().count() > 80
        || name.chars().any(|c| {
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

/// Checks that `arn` is a Step Functions ARN of the given resource type.
pub fn check_arn(arn: &str, resource: &[&str]) -> Result<(), AwsError> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let ok = parts.len() >= 7
        && parts[0] == "arn"
        && parts[2] == "states"
        && resource.contains(&parts[5])
        && !parts[6].is_empty();
    if ok {
        Ok(())
    } else {
        Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")))
    }
}

/// DescribeExecution's answer (also the base of StartSyncExecution's).
pub fn execution_description(r: &ExecutionRecord) -> Value {
    let mut m = Map::new();
    m.insert("executionArn".into(), json!(r.arn));
    m.insert("stateMachineArn".into(), json!(r.state_machine_arn));
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
    Value::Object(m)
}
