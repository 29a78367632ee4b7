//! `/v1/activities`: the activities Task states hand work to. Workers take and answer that work
//! through the AWS protocol (GetActivityTask, SendTaskSuccess, …), as with AWS's SDKs.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use engine::store::ActivityRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Body;
use super::Problem;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    /// 1 to 80 letters, digits, `-` or `_`.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Activity {
    pub arn: String,
    pub name: String,
    /// RFC 3339.
    pub created: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityList {
    pub items: Vec<Activity>,
}

fn view(r: &ActivityRecord) -> Activity {
    Activity { arn: r.arn.clone(), name: r.name.clone(), created: r.created.to_rfc3339() }
}

/// Creates an activity in the server's region and account (the same name gives the same one).
#[utoipa::path(post, path = "/v1/activities", tag = "activities", request_body = CreateActivity,
    responses((status = 201, body = Activity), (status = 400, body = Problem)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Body(req): Body<CreateActivity>,
) -> Result<(StatusCode, Json<Activity>), Problem> {
    let ok = !req.name.is_empty()
        && req.name.chars().count() <= 80
        && req.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !ok {
        return Err(Problem::bad_request(format!(
            "activity name '{}' must be 1 to 80 letters, digits, '-' or '_'",
            req.name
        )));
    }
    let rec = state.engine.create_activity(&state.config.region, &state.config.account, &req.name).await?;
    Ok((StatusCode::CREATED, Json(view(&rec))))
}

/// Every activity.
#[utoipa::path(get, path = "/v1/activities", tag = "activities", responses((status = 200, body = ActivityList)))]
pub async fn list(State(state): State<Arc<AppState>>) -> Json<ActivityList> {
    Json(ActivityList { items: state.engine.list_activities().iter().map(view).collect() })
}

/// An activity.
#[utoipa::path(get, path = "/v1/activities/{arn}", tag = "activities",
    params(("arn" = String, Path, description = "Activity ARN")),
    responses((status = 200, body = Activity), (status = 404, body = Problem)))]
pub async fn get(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<Json<Activity>, Problem> {
    Ok(Json(view(&state.engine.describe_activity(&arn)?)))
}

/// Deletes an activity; tasks already handed to it fail as on AWS.
#[utoipa::path(delete, path = "/v1/activities/{arn}", tag = "activities",
    params(("arn" = String, Path, description = "Activity ARN")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<Arc<AppState>>, Path(arn): Path<String>) -> Result<StatusCode, Problem> {
    state.engine.describe_activity(&arn)?;
    state.engine.delete_activity(&arn).await?;
    state.aws.forget(&arn).await?;
    Ok(StatusCode::NO_CONTENT)
}
