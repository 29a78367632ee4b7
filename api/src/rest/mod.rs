//! The REST API under `/v1`, one module per resource: state machines, executions (with their
//! history, live events and graph), definitions (validate, graph), functions. JSON bodies, errors
//! as `application/problem+json`, cursor pagination, and an OpenAPI 3 document generated from the
//! handlers at `/v1/openapi.json`.

mod activities;
mod definitions;
mod events;
mod executions;
mod extract;
mod functions;
pub mod graph;
mod model;
mod problem;
mod schedules;
mod state_machines;

use std::sync::Arc;

use axum::routing::MethodRouter;
use axum::{Json, Router};
use utoipa::OpenApi;

pub use problem::{DiagnosticView, Problem};

use crate::AppState;

/// The OpenAPI document of the REST API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn REST API", version = "1", description = "State machines, executions, live events, graphs, functions and schedules of a Cairn server."),
    paths(
        openapi_json,
        state_machines::create, state_machines::list, state_machines::get, state_machines::update,
        state_machines::delete,
        executions::start, executions::list, executions::get, executions::history, executions::stop,
        executions::redrive, events::stream,
        graph::state_machine, graph::execution, graph::definition,
        definitions::validate,
        functions::put, functions::get, functions::list, functions::delete,
        schedules::put, schedules::get, schedules::list, schedules::delete,
        activities::create, activities::list, activities::get, activities::delete,
    ),
    tags(
        (name = "state machines"), (name = "executions"), (name = "graphs"), (name = "definitions"),
        (name = "functions"), (name = "schedules"), (name = "activities"), (name = "meta")
    )
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI 3 document", body = Object)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// One route: its method (lower-case, as OpenAPI writes it), its path and its handler. The
/// method name and the handler come from the same token, so the table cannot disagree with the
/// router.
macro_rules! route {
    ($method:ident, $path:literal, $handler:path) => {
        (stringify!($method), $path, axum::routing::$method($handler))
    };
}

/// Every route of the REST API.
pub fn routes() -> Vec<(&'static str, &'static str, MethodRouter<Arc<AppState>>)> {
    vec![
        route!(get, "/v1/openapi.json", openapi_json),
        route!(get, "/v1/state-machines", state_machines::list),
        route!(post, "/v1/state-machines", state_machines::create),
        route!(get, "/v1/state-machines/{arn}", state_machines::get),
        route!(put, "/v1/state-machines/{arn}", state_machines::update),
        route!(delete, "/v1/state-machines/{arn}", state_machines::delete),
        route!(get, "/v1/state-machines/{arn}/graph", graph::state_machine),
        route!(get, "/v1/executions", executions::list),
        route!(post, "/v1/executions", executions::start),
        route!(get, "/v1/executions/{arn}", executions::get),
        route!(get, "/v1/executions/{arn}/history", executions::history),
        route!(get, "/v1/executions/{arn}/events", events::stream),
        route!(get, "/v1/executions/{arn}/graph", graph::execution),
        route!(post, "/v1/executions/{arn}/stop", executions::stop),
        route!(post, "/v1/executions/{arn}/redrive", executions::redrive),
        route!(post, "/v1/validate", definitions::validate),
        route!(post, "/v1/graph", graph::definition),
        route!(get, "/v1/functions", functions::list),
        route!(put, "/v1/functions/{name}", functions::put),
        route!(get, "/v1/functions/{name}", functions::get),
        route!(delete, "/v1/functions/{name}", functions::delete),
        route!(get, "/v1/activities", activities::list),
        route!(post, "/v1/activities", activities::create),
        route!(get, "/v1/activities/{arn}", activities::get),
        route!(delete, "/v1/activities/{arn}", activities::delete),
        route!(get, "/v1/schedules", schedules::list),
        route!(put, "/v1/schedules/{name}", schedules::put),
        route!(get, "/v1/schedules/{name}", schedules::get),
        route!(delete, "/v1/schedules/{name}", schedules::delete),
    ]
}

/// The REST routes, and a problem+json 404 for any other `/v1` path.
pub fn router() -> Router<Arc<AppState>> {
    let r = routes().into_iter().fold(Router::new(), |r, (_, path, handler)| r.route(path, handler));
    r.route("/v1/{*rest}", axum::routing::any(not_found))
}

async fn not_found(uri: axum::http::Uri) -> Problem {
    Problem::new(axum::http::StatusCode::NOT_FOUND, "no-such-route", "Not found", format!("no route {}", uri.path()))
}

#[cfg(test)]
mod tests;
