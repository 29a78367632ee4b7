//! State machine aliases: Create/Describe/Update/Delete/ListStateMachineAliases, and resolving an
//! alias to one of its versions (by weight) when an execution is started through it.

use chrono::Utc;
use serde_json::{json, Value};

use super::resources::Alias;
use super::shapes::{check_length, epoch, optional_array, optional_str, paginate, required_str, MachineArn, Qualifier};
use super::versions::base_machine;
use super::AwsError;
use crate::AppState;

fn not_found() -> AwsError {
    AwsError::new("ResourceNotFound", "Request references a resource that does not exist.")
}

/// AWS's rule for alias names: letters, digits, `_`, `-`, `.`, not only digits, 1–80 chars.
fn check_alias_name(name: &str) -> Result<(), AwsError> {
    if name.chars().count() > 80 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80"
        )));
    }
    let allowed = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let not_numeric = name.chars().any(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.'));
    if name.is_empty() || !allowed || !not_numeric {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
        )));
    }
    Ok(())
}

/// Parses and checks `routingConfiguration`; returns the state machine it routes to.
async fn routing(state: &AppState, items: &[Value]) -> Result<(String, Vec<(String, u64)>), AwsError> {
    if items.is_empty() || items.len() > 2 {
        let bound = if items.is_empty() { "greater than or equal to 1" } else { "less than or equal to 2" };
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length {bound}"
        )));
    }
    let mut routes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let arn = item.get("stateMachineVersionArn").and_then(Value::as_str).unwrap_or("");
        let weight = item.get("weight").and_then(Value::as_u64).unwrap_or(0);
        if weight > 100 {
            return Err(AwsError::validation(format!(
                "1 validation error detected: Value '{weight}' at 'routingConfiguration.{}.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
                i + 1
            )));
        }
        routes.push((arn.to_string(), weight));
    }
    let arns: Vec<&str> = routes.iter().map(|(a, _)| a.as_str()).collect();
    let listed = || format!("[{}]", arns.join(", "));
    let parsed: Vec<Option<MachineArn>> = arns.iter().map(|a| MachineArn::parse(a).ok()).collect();
    if parsed.iter().any(|p| p.as_ref().and_then(MachineArn::version).is_none()) {
        return Err(AwsError::validation(format!(
            "Routing configuration must contain state machine version ARNs. Received: {}",
            listed()
        )));
    }
    if arns.len() == 2 && arns[0] == arns[1] {
        return Err(AwsError::validation(format!(
            "Routing configuration must contain distinct state machine version ARNs. Received: {}",
            listed()
        )));
    }
    let bases: Vec<String> = parsed.into_iter().flatten().map(|p| p.base).collect();
    if bases.iter().any(|b| *b != bases[0]) {
        return Err(AwsError::validation(format!(
            "Routing configuration must contain state machine version ARNs of the same state machine. Received: {}",
            listed()
        )));
    }
    let sum: u64 = routes.iter().map(|(_, w)| w).sum();
    if sum != 100 {
        let weights: Vec<String> = routes.iter().map(|(_, w)| w.to_string()).collect();
        return Err(AwsError::validation(format!(
            "Sum of routing configuration weights must equal 100. Received: [{}]",
            weights.join(", ")
        )));
    }
    for (arn, _) in &routes {
        base_machine(state, arn).await?;
    }
    Ok((bases[0].clone(), routes))
}

fn description(req: &Value) -> Result<Option<String>, AwsError> {
    let d = optional_str(req, "description")?;
    if let Some(d) = d {
        check_length("description", d, 256)?;
    }
    Ok(d.map(str::to_string))
}

pub async fn create(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let name = required_str(req, "name")?;
    check_alias_name(name)?;
    let desc = description(req)?;
    let items = optional_array(req, "routingConfiguration")?.map(Vec::as_slice).unwrap_or(&[]);
    let (base, routes) = routing(state, items).await?;
    base_machine(state, &base).await?;
    let arn = format!("{base}:{name}");
    if let Some(existing) = state.aws.alias(&arn) {
        if existing.routing == routes && existing.description == desc {
            return Ok(json!({"stateMachineAliasArn": arn, "creationDate": epoch(existing.created)}));
        }
        return Err(AwsError::new(
            "ConflictException",
            "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
        ));
    }
    let now = Utc::now();
    let alias = Alias {
        arn: arn.clone(),
        name: name.to_string(),
        state_machine_arn: base,
        description: desc,
        routing: routes,
        created: now,
        updated: now,
    };
    state.aws.put_alias(alias).await?;
    Ok(json!({"stateMachineAliasArn": arn, "creationDate": epoch(now)}))
}

fn alias_arn(req: &Value) -> Result<&str, AwsError> {
    let arn = required_str(req, "stateMachineAliasArn")?;
    match MachineArn::parse(arn)?.qualifier {
        Some(Qualifier::Alias(_)) => Ok(arn),
        _ => Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'"))),
    }
}

fn routing_json(routes: &[(String, u64)]) -> Value {
    routes.iter().map(|(v, w)| json!({"stateMachineVersionArn": v, "weight": w})).collect()
}

pub async fn describe(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let a = state.aws.alias(alias_arn(req)?).ok_or_else(not_found)?;
    let mut out = json!({
        "stateMachineAliasArn": a.arn, "name": a.name, "routingConfiguration": routing_json(&a.routing),
        "creationDate": epoch(a.created), "updateDate": epoch(a.updated),
    });
    if let Some(d) = &a.description {
        out["description"] = json!(d);
    }
    Ok(out)
}

pub async fn update(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let mut a = state.aws.alias(alias_arn(req)?).ok_or_else(not_found)?;
    let desc = description(req)?;
    let items = optional_array(req, "routingConfiguration")?;
    if desc.is_none() && items.is_none() {
        return Err(AwsError::validation("Either the description or the routing configuration must be specified"));
    }
    if let Some(items) = items {
        let (base, routes) = routing(state, items).await?;
        if base != a.state_machine_arn {
            return Err(AwsError::validation(format!(
                "Routing configuration must contain state machine version ARNs of '{}'",
                a.state_machine_arn
            )));
        }
        a.routing = routes;
    }
    if desc.is_some() {
        a.description = desc;
    }
    a.updated = Utc::now();
    let updated = a.updated;
    state.aws.put_alias(a).await?;
    Ok(json!({"updateDate": epoch(updated)}))
}

/// Deleting an alias that does not exist succeeds, as on AWS.
pub async fn delete(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    state.aws.remove_alias(alias_arn(req)?).await?;
    Ok(json!({}))
}

pub async fn list(state: &AppState, req: &Value) -> Result<Value, AwsError> {
    let arn = required_str(req, "stateMachineArn")?;
    if MachineArn::parse(arn)?.qualifier.is_some() {
        return Err(AwsError::new("InvalidArn", format!("Invalid Arn: '{arn}'")));
    }
    base_machine(state, arn).await?;
    let all = state.aws.aliases_of(arn);
    let (page, next) = paginate(&all, req)?;
    let items: Vec<Value> =
        page.iter().map(|a| json!({"stateMachineAliasArn": a.arn, "creationDate": epoch(a.created)})).collect();
    let mut out = json!({"stateMachineAliases": items});
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

/// The version an execution started through `alias_arn` runs, drawn by the routing weights.
pub fn pick_version(state: &AppState, alias_arn: &str) -> Option<String> {
    let a = state.aws.alias(alias_arn)?;
    let draw = (uuid::Uuid::new_v4().as_u128() % 100) as u64;
    let mut acc = 0;
    for (v, w) in &a.routing {
        acc += w;
        if draw < acc {
            return Some(v.clone());
        }
    }
    a.routing.last().map(|(v, _)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_follow_aws_pattern() {
        for ok in ["prod", "v1.2", "a-b_c", "1a"] {
            assert!(check_alias_name(ok).is_ok(), "{ok}");
        }
        for bad in ["123", "INVALID ALIAS", "!INVALID", "ALIAS@", ""] {
            let e = check_alias_name(bad).unwrap_err();
            assert_eq!(e.kind, "ValidationException");
            assert!(
                e.message.ends_with(
                    "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"
                ),
                "{bad}"
            );
        }
    }
}
