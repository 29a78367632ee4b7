//! Graphs: of a stored state machine, of a definition being edited, and of an execution with
//! what happened to each state. Each comes with its layered layout, ready to draw.

pub mod layout;
pub mod run;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::definitions::{load, DefinitionBody};
use super::extract::{Body, Query};
use super::{state_machines, Problem};
use crate::AppState;
use layout::Layout;
use run::RunView;

/// A definition's graph: scopes, nodes and labelled edges, and where to draw them.
#[derive(Debug, Serialize, ToSchema)]
pub struct GraphView {
    /// `{"queryLanguage", "scope": {"id", "kind", "startAt", "nodes", "edges"}}`, nested scopes
    /// inside the nodes of their states.
    #[schema(value_type = Object)]
    pub graph: Value,
    pub layout: Layout,
}

impl GraphView {
    pub fn of(machine: &state_lang::StateMachine) -> Self {
        GraphView { graph: state_lang::graph::to_json(machine), layout: layout::layout(machine) }
    }
}

/// An execution's graph with the run of every state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionGraph {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub graph: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    pub run: RunView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExecutionGraphParams {
    /// Include the graph and its layout (default); `false` returns the run only, for live updates.
    pub layout: Option<bool>,
}

/// The graph of a stored state machine.
#[utoipa::path(get, path = "/v1/state-machines/{arn}/graph", tag = "graphs",
    params(("arn" = String, Path, description = "State machine ARN")),
    responses((status = 200, body = GraphView), (status = 404, body = Problem)))]
pub async fn state_machine(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
) -> Result<Json<GraphView>, Problem> {
    let sm = state_machines::find(&state, &arn).await?;
    let machine = load(&sm.definition)?;
    Ok(Json(GraphView::of(&machine)))
}

/// The graph of a definition being edited (400 with diagnostics when it is invalid).
#[utoipa::path(post, path = "/v1/graph", tag = "graphs", request_body = DefinitionBody,
    responses((status = 200, body = GraphView), (status = 400, body = Problem)))]
pub async fn definition(Body(req): Body<DefinitionBody>) -> Result<Json<GraphView>, Problem> {
    let machine = load(&req.text()?)?;
    Ok(Json(GraphView::of(&machine)))
}

/// The graph of an execution's state machine with each state's status, payloads, retries and
/// timing, Map iterations nested, and the timeline.
#[utoipa::path(get, path = "/v1/executions/{arn}/graph", tag = "graphs",
    params(("arn" = String, Path, description = "Execution ARN"), ExecutionGraphParams),
    responses((status = 200, body = ExecutionGraph), (status = 404, body = Problem)))]
pub async fn execution(
    State(state): State<Arc<AppState>>,
    Path(arn): Path<String>,
    Query(q): Query<ExecutionGraphParams>,
) -> Result<Json<ExecutionGraph>, Problem> {
    let rec = state.engine.describe_execution(&arn).await?;
    let definition = match state.engine.execution_definition(&arn).await? {
        Some(d) => d,
        None => state_machines::find(&state, &rec.state_machine_arn).await?.definition,
    };
    let machine = load(&definition)?;
    let events = state.engine.history(&arn).await?;
    let run = run::run_view(&machine, &events, rec.status, chrono::Utc::now());
    let with_layout = q.layout.unwrap_or(true);
    Ok(Json(ExecutionGraph {
        graph: with_layout.then(|| state_lang::graph::to_json(&machine)),
        layout: with_layout.then(|| layout::layout(&machine)),
        run,
    }))
}
