//! `/v1/executions`: start, list (by state machine and status, cursor-paged), get, history
//! (cursor-paged by event id), stop and redrive.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use engine::interp::ExecStatus;
use engine::store::ExecutionFilter;
use engine::StartRequest;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::extract::{decode_cursor, encode_cursor, limit, Body, Page, Query};
use super::model::{Event, Execution, Payloads};
use super::state_machines::{check_name, find};
use super::Problem;
use crate::AppState;

/// AWS's limit on an execution's input.
const MAX_INPUT_BYTES: usize = 256 * 1024;

/// What `POST /v1/executions` takes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartExecution {
    pub state_machine_arn: String,
    /// Unique per state machine; a UUID when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Any JSON value (default `{}`).
    #[serde(default)]
    pub input: Option<Value>,
}

/// What `POST /v1/executions/{arn}/stop` takes.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopExecution {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub cause: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ListParams {
    /// Only the executions of this state machine.
    pub state_machine_arn: Option<String>,
    /// Only executions with this status (`RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`).
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    pub cursor: Option<String>,
    /// Page size (default 50, at most 1000).
    pub limit: Option<usize>,
}

/// Starts an execution.
#[utoipa::path(post, path = "/v1/executions", tag = "executions", request_body = StartExecution,
    responses((status = 201, body = Execution), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn start(
    State(state): State<Arc<AppState>>,
    Body(req): Body<StartExecution>,
) -> Result<(StatusCode, Json<Execution>), Problem> {
    if let Some(n) = &req.name {
        check_name(n)?;
    }
    let input = req.input.unwrap_or_else(|| Value::Object(Default::default()));
    let size = input.to_string().len();
    if size > MAX_INPUT_BYTES {
        return Err(Problem::bad_request(format!("input is {size} bytes; at most {MAX_INPUT_BYTES} are allowed")));
    }
    let sm = find(&state, &req.state_machine_arn).await?;
    let rec = state.engine.start_execution(StartRequest { state_machine_arn: sm.arn, name: req.name, input }).await?;
    Ok((StatusCode::CREATED, Json(Execution::from_record(&rec, Payloads::Included))))
}

fn status_filter(s: Option<&str>) -> Result<Option<ExecStatus>, Problem> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => ExecStatus::parse(s).map(Some).ok_or_else(|| {
            Problem::bad_request(format!(
                "status must be one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, not '{s}'"
            ))
        }),
    }
}

/// Lists executions, newest first.
#[utoipa::path(get, path = "/v1/executions", tag = "executions", params(ListParams),
    responses((status = 200, body = Page<Execution>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(q): Query<ListParams>,
) -> Result<Json<Page<Execution>>, Problem> {
    let status = status_filter(q.status.as_deref())?;
    let limit = limit(q.limit)?;
    let offset = decode_cursor('x', q.cursor.as_deref())? as usize;
    if let Some(sm) = &q.state_machine_arn {
        find(&state, sm).await?;
    }
    let filter = ExecutionFilter { state_machine_arn: q.state_machine_arn, status, offset, limit: limit + 1 };
    let mut recs = state.engine.list_executions(filter).await?;
    let more = recs.len() > limit;
    recs.truncate(limit);
    let items = recs.iter().map(|r| Execution::from_record(r, Payloads::Omitted)).collect();
    Ok(Json(Page { items, next_cursor: more.then(|| encode_cursor('x', (offset + limit) as u64)) }))
}

/// An execution with its input and output.
#[utoipa::path(get, path = "/v1/executions/{arn}", tag = "executions",
    params(("arn" = String, Path, description = "Execution ARN")),
    responses((status = 200, body = Execution), (status = 404, body = Problem)))]
pub async fn get(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<Json<Execution>, Problem> {
    let rec = state.engine.describe_execution(&arn).await?;
    Ok(Json(Execution::from_record(&rec, Payloads::Included)))
}

/// The execution's events in order, a page at a time (the cursor is the last event id seen).
#[utoipa::path(get, path = "/v1/executions/{arn}/history", tag = "executions",
    params(("arn" = String, Path, description = "Execution ARN"), HistoryParams),
    responses((status = 200, body = Page<Event>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn history(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
    Query(q): Query<HistoryParams>,
) -> Result<Json<Page<Event>>, Problem> {
    let limit = limit(q.limit)?;
    let after = decode_cursor('e', q.cursor.as_deref())?;
    state.engine.describe_execution(&arn).await?;
    let events = state.engine.store().history(&arn, after, limit + 1).await?;
    let more = events.len() > limit;
    let items: Vec<Event> = events.iter().take(limit).map(Event::from).collect();
    let next_cursor = match items.last() {
        Some(last) if more => Some(encode_cursor('e', last.id)),
        _ => None,
    };
    Ok(Json(Page { items, next_cursor }))
}

/// Stops a running execution (ABORTED); a finished one is returned as it is.
#[utoipa::path(post, path = "/v1/executions/{arn}/stop", tag = "executions", request_body = StopExecution,
    params(("arn" = String, Path, description = "Execution ARN")),
    responses((status = 200, body = Execution), (status = 404, body = Problem)))]
pub async fn stop(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
    Body(req): Body<StopExecution>,
) -> Result<Json<Execution>, Problem> {
    let rec = state.engine.describe_execution(&arn).await?;
    let rec = if rec.status == ExecStatus::Running {
        state.engine.stop_execution(&arn, req.error, req.cause).await?
    } else {
        rec
    };
    Ok(Json(Execution::from_record(&rec, Payloads::Included)))
}

/// Redrives a failed, timed-out or aborted execution from where it failed; succeeded Map
/// iterations and Parallel branches are not run again.
#[utoipa::path(post, path = "/v1/executions/{arn}/redrive", tag = "executions",
    params(("arn" = String, Path, description = "Execution ARN")),
    responses((status = 200, body = Execution), (status = 409, body = Problem), (status = 404, body = Problem)))]
pub async fn redrive(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<Json<Execution>, Problem> {
    let rec = state.engine.redrive_execution(&arn).await?;
    Ok(Json(Execution::from_record(&rec, Payloads::Included)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_are_checked() {
        assert_eq!(status_filter(Some("FAILED")).ok(), Some(Some(ExecStatus::Failed)));
        assert_eq!(status_filter(Some("")).ok(), Some(None));
        let e = status_filter(Some("DONE")).err().map(|p| p.detail);
        assert_eq!(
            e.as_deref(),
            Some("status must be one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, not 'DONE'")
        );
    }
}
