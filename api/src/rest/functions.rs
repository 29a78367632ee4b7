//! `/v1/functions`: the functions Task states call, by name. A `command` function runs a program
//! on this host, so REST accepts one only while the server listens on loopback alone (or the
//! operator allowed it); a `url` function is always accepted.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use executor::FunctionSpec;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::Body;
use super::Problem;
use crate::AppState;

/// A registered function: `{"command": [...]}` or `{"url": "..."}` with its options.
#[derive(Debug, Serialize, ToSchema)]
pub struct Function {
    pub name: String,
    /// `{"command": [program, args…], "timeout_seconds", "env", "working_dir"}` or
    /// `{"url", "headers", "timeout_seconds"}`.
    #[schema(value_type = Object)]
    pub spec: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FunctionList {
    pub items: Vec<Function>,
}

fn view(name: String, spec: &FunctionSpec) -> Function {
    Function { name, spec: serde_json::to_value(spec).unwrap_or(Value::Null) }
}

fn check_name(name: &str) -> Result<(), Problem> {
    let ok = !name.is_empty()
        && name.len() <= 140
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Problem::bad_request(format!("function name '{name}' must be 1 to 140 letters, digits, '-', '_' or '.'")))
    }
}

/// Registers (or replaces) a function.
#[utoipa::path(put, path = "/v1/functions/{name}", tag = "functions",
    params(("name" = String, Path, description = "Function name")),
    request_body(content = Object, description = "`{\"command\": [...]}` or `{\"url\": \"...\"}`"),
    responses((status = 200, body = Function), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn put(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Body(spec): Body<FunctionSpec>,
) -> Result<Json<Function>, Problem> {
    check_name(&name)?;
    if spec.command.is_some() && !state.config.allow_command_functions {
        return Err(Problem::forbidden(
            "command-functions-disabled",
            "command functions run programs on the server; they can be registered over REST only while it \
             listens on loopback (or with --allow-command-functions)",
        ));
    }
    state.registry.put(name.clone(), spec.clone()).map_err(|e| Problem::bad_request(e.to_string()))?;
    Ok(Json(view(name, &spec)))
}

/// A registered function.
#[utoipa::path(get, path = "/v1/functions/{name}", tag = "functions",
    params(("name" = String, Path, description = "Function name")),
    responses((status = 200, body = Function), (status = 404, body = Problem)))]
pub async fn get(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Result<Json<Function>, Problem> {
    state
        .registry
        .specs()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(n, s)| Json(view(n, &s)))
        .ok_or_else(|| Problem::not_found("function", format!("Function Does Not Exist: '{name}'")))
}

/// Every registered function (in-process handlers are not listed).
#[utoipa::path(get, path = "/v1/functions", tag = "functions", responses((status = 200, body = FunctionList)))]
pub async fn list(State(state): State<Arc<AppState>>) -> Json<FunctionList> {
    Json(FunctionList { items: state.registry.specs().into_iter().map(|(n, s)| view(n, &s)).collect() })
}

/// Removes a function.
#[utoipa::path(delete, path = "/v1/functions/{name}", tag = "functions",
    params(("name" = String, Path, description = "Function name")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Result<StatusCode, Problem> {
    if state.registry.remove(&name) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found("function", format!("Function Does Not Exist: '{name}'")))
    }
}
