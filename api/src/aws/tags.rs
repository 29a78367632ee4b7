//! Tags on state machines and activities: TagResource, UntagResource, ListTagsForResource. The
//! engine has no tags, so they live in the API layer's own state.

use serde_json::{json, Value};

use super::shapes::{optional_array, required_str};
use super::AwsError;
use crate::AppState;

/// AWS allows at most 50 tags per resource.
const MAX_TAGS: usize = 50;

/// The `tags` member (`[{"key", "value"}]`), validated as AWS's model does.
pub fn parse_tags(req: &Value) -> Result<Option<Vec<(String, String)>>, AwsError> {
    let Some(items) = optional_array(req, "tags")? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let key = item.get("key").and_then(Value::as_str).unwrap_or("");
        let value = match item.get("value") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(AwsError::new(
                    "SerializationException",
                    format!("'tags.{}.member.value' must be a string", i + 1),
                ))
            }
        };
        if key.is_empty() || key.chars().count() > 128 {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{key}' at 'tags.{}.member.key' failed to satisfy constraint: Member must have length between 1 and 128",
                i + 1
            )));
        }
        if value.chars().count() > 256 {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{value}' at 'tags.{}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
                i + 1
            )));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(Some(out))
}

/// The resource must be an existing (unqualified) state machine or activity.
async fn existing_resource<'a>(state: &AppState, req: &'a Value) -> Result<&'a str, AwsError> {
    let arn = required_str(req, "resourceArn")?;
    let not_found = || AwsError::new("ResourceNotFound", format!("Resource not found: '{arn}'"));
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != "states" {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: 'Invalid ARN prefix: {arn}'")));
    }
    let exists = match (parts[5], parts.len()) {
        ("stateMachine", 7) => state.engine.store().get_state_machine(arn).await?.is_some(),
        ("activity", 7) => state.engine.describe_activity(arn).is_ok(),
        _ => false,
    };
    if exists {
        Ok(arn)
    } else {
        Err(not_found())
    }
}

pub async fn tag(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = existing_resource(state, req).await?;
    let Some(new) = parse_tags(req)? else {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
        ));
    };
    let mut merged = state.aws.tags(arn);
    merged.retain(|(k, _)| !new.iter().any(|(nk, _)| nk == k));
    if merged.len() + new.len() > MAX_TAGS {
        return Err(AwsError::new(
            "TooManyTags",
            format!("Too many tags: '{arn}' would have more than {MAX_TAGS} tags"),
        ));
    }
    state.aws.tag(arn, new).await?;
    Ok(json!({}))
}

pub async fn untag(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = existing_resource(state, req).await?;
    let Some(keys) = optional_array(req, "tagKeys")? else {
        return Err(AwsError::validation(
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
        ));
    };
    let keys: Vec<String> = keys.iter().filter_map(|k| k.as_str().map(str::to_string)).collect();
    state.aws.untag(arn, &keys).await?;
    Ok(json!({}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = existing_resource(state, req).await?;
    let tags: Vec<Value> = state.aws.tags(arn).into_iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
    Ok(json!({"tags": tags}))
}
