//! `/v1/state-machines`: create, list (with recent executions by status), get, update, delete.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use engine::store::{ExecutionFilter, MachineType, StateMachineRecord};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::definitions::definition_text;
use super::extract::{decode_cursor, encode_cursor, limit, Body, Page, Query};
use super::model::{time, RecentExecutions, StateMachine, StateMachineSummary, RECENT_WINDOW};
use super::Problem;
use crate::AppState;

/// What `POST /v1/state-machines` takes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateStateMachine {
    pub name: String,
    /// The ASL definition: a JSON object, or its JSON text.
    pub definition: Value,
    /// `STANDARD` (default) or `EXPRESS`.
    #[serde(default, rename = "type")]
    pub machine_type: Option<String>,
    #[serde(default)]
    pub role_arn: Option<String>,
}

/// What `PUT /v1/state-machines/{arn}` takes: the members to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateStateMachine {
    #[serde(default)]
    pub definition: Option<Value>,
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Where the previous page ended (its `nextCursor`).
    pub cursor: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
}

/// AWS's rules for names: 1 to 80 characters, no whitespace, control or URL-unsafe characters.
pub fn check_name(name: &str) -> Result<(), Problem> {
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c);
    let len = name.chars().count();
    if len == 0 || len > 80 {
        return Err(Problem::bad_request(format!("name must be 1 to 80 characters long, not {len}")));
    }
    if let Some(c) = name.chars().find(|c| bad_char(*c)) {
        return Err(Problem::bad_request(format!("name must not contain {c:?}")));
    }
    Ok(())
}

fn machine_type(t: Option<&str>) -> Result<MachineType, Problem> {
    match t {
        None => Ok(MachineType::Standard),
        Some(t) => MachineType::parse(t)
            .ok_or_else(|| Problem::bad_request(format!("type must be STANDARD or EXPRESS, not '{t}'"))),
    }
}

pub async fn find(state: &AppState, arn: &str) -> Result<StateMachineRecord, Problem> {
    state
        .engine
        .store()
        .get_state_machine(arn)
        .await?
        .ok_or_else(|| Problem::not_found("state-machine", format!("State Machine Does Not Exist: '{arn}'")))
}

/// Creates a state machine in the server's region and account.
#[utoipa::path(post, path = "/v1/state-machines", tag = "state machines", request_body = CreateStateMachine,
    responses((status = 201, body = StateMachine), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Body(req): Body<CreateStateMachine>,
) -> Result<(StatusCode, Json<StateMachine>), Problem> {
    check_name(&req.name)?;
    let mtype = machine_type(req.machine_type.as_deref())?;
    let text = definition_text(&req.definition)?;
    state_lang::load(&text).map_err(|d| Problem::diagnostics(&d))?;
    let arn = engine::runtime::state_machine_arn(&state.config.region, &state.config.account, &req.name);
    let rec = state.engine.create_state_machine_at(arn, &req.name, &text, mtype, req.role_arn).await?;
    Ok((StatusCode::CREATED, Json(StateMachine::from(&rec))))
}

/// Lists state machines, each with counts by status of its recent executions.
#[utoipa::path(get, path = "/v1/state-machines", tag = "state machines", params(ListParams),
    responses((status = 200, body = Page<StateMachineSummary>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(q): Query<ListParams>,
) -> Result<Json<Page<StateMachineSummary>>, Problem> {
    let limit = limit(q.limit)?;
    let offset = decode_cursor('m', q.cursor.as_deref())? as usize;
    let all = state.engine.store().list_state_machines().await?;
    let mut items = Vec::new();
    for sm in all.iter().skip(offset).take(limit) {
        items.push(StateMachineSummary {
            arn: sm.arn.clone(),
            name: sm.name.clone(),
            machine_type: sm.machine_type.as_str().into(),
            created: time(sm.created),
            recent_executions: recent(&state, &sm.arn).await?,
        });
    }
    let next_cursor = (offset + limit < all.len()).then(|| encode_cursor('m', (offset + limit) as u64));
    Ok(Json(Page { items, next_cursor }))
}

async fn recent(state: &AppState, arn: &str) -> Result<RecentExecutions, Problem> {
    let filter =
        ExecutionFilter { state_machine_arn: Some(arn.into()), status: None, offset: 0, limit: RECENT_WINDOW + 1 };
    let recs = state.engine.list_executions(filter).await?;
    let mut r = RecentExecutions {
        counted: recs.len().min(RECENT_WINDOW),
        more: recs.len() > RECENT_WINDOW,
        last_start: recs.first().map(|e| time(e.start)),
        ..Default::default()
    };
    for e in recs.iter().take(RECENT_WINDOW) {
        *r.by_status.entry(e.status.as_str().to_string()).or_default() += 1;
    }
    Ok(r)
}

/// A state machine with its definition.
#[utoipa::path(get, path = "/v1/state-machines/{arn}", tag = "state machines",
    params(("arn" = String, Path, description = "State machine ARN")),
    responses((status = 200, body = StateMachine), (status = 404, body = Problem)))]
pub async fn get(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<Json<StateMachine>, Problem> {
    Ok(Json(StateMachine::from(&find(&state, &arn).await?)))
}

/// Changes the definition and/or the role of a state machine; running executions keep theirs.
#[utoipa::path(put, path = "/v1/state-machines/{arn}", tag = "state machines", request_body = UpdateStateMachine,
    params(("arn" = String, Path, description = "State machine ARN")),
    responses((status = 200, body = StateMachine), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
    Body(req): Body<UpdateStateMachine>,
) -> Result<Json<StateMachine>, Problem> {
    let mut sm = find(&state, &arn).await?;
    if req.definition.is_none() && req.role_arn.is_none() {
        return Err(Problem::bad_request("give a definition, a roleArn, or both"));
    }
    if let Some(d) = &req.definition {
        let text = definition_text(d)?;
        state_lang::load(&text).map_err(|d| Problem::diagnostics(&d))?;
        sm.definition = text;
    }
    if let Some(r) = req.role_arn {
        sm.role_arn = r;
    }
    sm.updated = chrono::Utc::now();
    state.engine.store().put_state_machine(sm.clone(), true).await?;
    Ok(Json(StateMachine::from(&sm)))
}

/// Deletes a state machine.
#[utoipa::path(delete, path = "/v1/state-machines/{arn}", tag = "state machines",
    params(("arn" = String, Path, description = "State machine ARN")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<StatusCode, Problem> {
    find(&state, &arn).await?;
    state.engine.store().delete_state_machine(&arn).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert!(check_name("orders-v2_final").is_ok());
        assert_eq!(
            check_name("").err().map(|p| p.detail).as_deref(),
            Some("name must be 1 to 80 characters long, not 0")
        );
        assert_eq!(check_name("a b").err().map(|p| p.detail).as_deref(), Some("name must not contain ' '"));
        assert!(check_name("<script>").is_err());
        assert!(check_name(&"x".repeat(81)).is_err());
    }

    #[test]
    fn machine_types_are_checked() {
        assert_eq!(machine_type(None).ok(), Some(MachineType::Standard));
        assert_eq!(machine_type(Some("EXPRESS")).ok(), Some(MachineType::Express));
        assert_eq!(machine_type(Some("x")).err().map(|p| p.status), Some(400));
    }
}
