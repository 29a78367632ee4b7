//! `/v1/schedules`: start executions of a state machine on a `rate(…)` or cron expression (UTC).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::Body;
use super::{state_machines, Problem};
use crate::schedules::{Schedule as Kept, ScheduleError};
use crate::AppState;

/// What a schedule starts, and when.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutSchedule {
    /// The state machine (or version, or alias) to start.
    pub state_machine_arn: String,
    /// `rate(N second|minute|hour|day[s])`, `cron(min hour day-of-month month day-of-week year)` as
    /// in AWS EventBridge (day of week 1–7, 1 = Sunday), or a five-field crontab line; UTC.
    pub expression: String,
    /// The input of every execution it starts (default `{}`).
    #[schema(value_type = Object)]
    #[serde(default)]
    pub input: Option<Value>,
    /// A disabled schedule is kept but does not fire (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub name: String,
    pub state_machine_arn: String,
    pub expression: String,
    #[schema(value_type = Object)]
    pub input: Value,
    pub enabled: bool,
    /// RFC 3339.
    pub created: String,
    pub updated: String,
    /// When it fires next (RFC 3339); absent when disabled or it never fires again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_fire: Option<String>,
    /// The executions it starts are named `<name>-<UTC fire time>`.
    pub execution_name_prefix: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleList {
    pub items: Vec<Schedule>,
}

fn view(s: Kept, next: Option<chrono::DateTime<Utc>>) -> Schedule {
    Schedule {
        execution_name_prefix: format!("{}-", s.name),
        name: s.name,
        state_machine_arn: s.state_machine_arn,
        expression: s.expression,
        input: s.input,
        enabled: s.enabled,
        created: s.created.to_rfc3339(),
        updated: s.updated.to_rfc3339(),
        next_fire: next.map(|t| t.to_rfc3339()),
    }
}

fn not_found(name: &str) -> Problem {
    Problem::not_found("schedule", format!("Schedule Does Not Exist: '{name}'"))
}

/// Creates or replaces a schedule.
#[utoipa::path(put, path = "/v1/schedules/{name}", tag = "schedules", request_body = PutSchedule,
    params(("name" = String, Path, description = "Schedule name: 1 to 60 letters, digits, '-' or '_'")),
    responses((status = 200, body = Schedule), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn put(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Body(req): Body<PutSchedule>,
) -> Result<Json<Schedule>, Problem> {
    crate::schedules::check_name(&name).map_err(Problem::bad_request)?;
    // Executions started through a version or alias ARN resolve it when they start.
    let base = crate::aws::base_state_machine_arn(&req.state_machine_arn);
    state_machines::find(&state, &base).await?;
    let now = Utc::now();
    let input = req.input.unwrap_or_else(|| Value::Object(Default::default()));
    let kept = Kept {
        name,
        state_machine_arn: req.state_machine_arn,
        expression: req.expression,
        input,
        enabled: req.enabled.unwrap_or(true),
        created: now,
        updated: now,
    };
    match state.schedules.put(kept).await {
        Ok((s, next)) => Ok(Json(view(s, next))),
        Err(ScheduleError::Invalid(m)) => Err(Problem::bad_request(m)),
        Err(ScheduleError::Store(e)) => Err(e.into()),
    }
}

/// A schedule, with its next fire time.
#[utoipa::path(get, path = "/v1/schedules/{name}", tag = "schedules",
    params(("name" = String, Path, description = "Schedule name")),
    responses((status = 200, body = Schedule), (status = 404, body = Problem)))]
pub async fn get(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Result<Json<Schedule>, Problem> {
    let s = state.schedules.get(&name).ok_or_else(|| not_found(&name))?;
    let next = state.schedules.next_fire(&name);
    Ok(Json(view(s, next)))
}

/// Every schedule, by name.
#[utoipa::path(get, path = "/v1/schedules", tag = "schedules", responses((status = 200, body = ScheduleList)))]
pub async fn list(State(state): State<Arc<AppState>>) -> Json<ScheduleList> {
    Json(ScheduleList { items: state.schedules.list().into_iter().map(|(s, n)| view(s, n)).collect() })
}

/// Removes a schedule (executions it started are not touched).
#[utoipa::path(delete, path = "/v1/schedules/{name}", tag = "schedules",
    params(("name" = String, Path, description = "Schedule name")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Result<StatusCode, Problem> {
    if state.schedules.delete(&name).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&name))
    }
}
