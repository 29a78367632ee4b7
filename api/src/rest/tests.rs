//! The REST API through the router: the OpenAPI document against the route table, and each
//! resource's requests and problems as a client sees them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use engine::store::memory::MemoryStore;
use engine::{Engine, EngineConfig};
use executor::{Executor, Registry};
use serde_json::{json, Value};
use tower::ServiceExt;
use utoipa::OpenApi;

use super::{routes, ApiDoc};
use crate::{AppState, ServerConfig};

fn app(allow_command_functions: bool) -> axum::Router {
    let registry = Arc::new(Registry::new());
    let engine =
        Engine::new(Arc::new(MemoryStore::new()), Arc::new(Executor::new(registry.clone())), EngineConfig::default());
    let config = ServerConfig {
        region: "us-east-1".into(),
        account: "000000000000".into(),
        allow_command_functions,
        ..ServerConfig::default()
    };
    crate::router(AppState::new(engine, registry, config))
}

async fn call(app: &axum::Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, String, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap_or_default();
    let Ok(resp) = app.clone().oneshot(req).await;
    let status = resp.status();
    let ctype = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 24).await.unwrap_or_default();
    (status, ctype, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn enc(arn: &str) -> String {
    arn.replace(':', "%3A")
}

#[test]
fn every_route_is_in_the_openapi_document() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let table = routes();
    assert!(table.len() >= 20);
    for (method, path, _) in &table {
        let op = &doc["paths"][*path][*method];
        assert!(op.is_object(), "{method} {path} is missing from the OpenAPI document");
    }
    // And nothing documented is missing from the router.
    let documented: usize =
        doc["paths"].as_object().map_or(0, |p| p.values().map(|m| m.as_object().map_or(0, |m| m.len())).sum());
    assert_eq!(documented, table.len());
    assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let app = app(true);
    let (status, _, doc) = call(&app, "GET", "/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/v1/executions/{arn}/events"]["get"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

const DEF: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": true}, "End": true}}}"#;

#[tokio::test]
async fn state_machines_are_created_listed_updated_and_deleted() {
    let app = app(true);
    let (status, _, sm) =
        call(&app, "POST", "/v1/state-machines", Some(json!({"name": "orders", "definition": DEF}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let arn = sm["arn"].as_str().unwrap_or("").to_string();
    assert_eq!(arn, "arn:aws:states:us-east-1:000000000000:stateMachine:orders");
    assert_eq!(sm["type"], "STANDARD");

    let (status, ctype, p) =
        call(&app, "POST", "/v1/state-machines", Some(json!({"name": "orders", "definition": DEF}))).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::CONFLICT, "application/problem+json"));
    assert_eq!(p["detail"], format!("State Machine Already Exists: '{arn}'"));

    let bad = json!({"name": "bad", "definition": {"StartAt": "X", "States": {}}});
    let (status, _, p) = call(&app, "POST", "/v1/state-machines", Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(p["type"], "urn:cairn:problem:invalid-definition");
    assert!(p["diagnostics"].as_array().is_some_and(|d| !d.is_empty()));

    let (_, _, page) = call(&app, "GET", "/v1/state-machines", None).await;
    assert_eq!(page["items"][0]["name"], "orders");
    assert_eq!(page["items"][0]["recentExecutions"]["counted"], 0);

    let new_def = DEF.replace("\"A\"", "\"B\"");
    let (status, _, sm) =
        call(&app, "PUT", &format!("/v1/state-machines/{}", enc(&arn)), Some(json!({"definition": new_def}))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sm["definition"].as_str().is_some_and(|d| d.contains("\"B\"")));

    let (status, _, g) = call(&app, "GET", &format!("/v1/state-machines/{}/graph", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g["layout"]["nodes"][0]["name"], "B");

    let (status, _, _) = call(&app, "DELETE", &format!("/v1/state-machines/{}", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, p) = call(&app, "GET", &format!("/v1/state-machines/{}", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(p["status"], 404);
}

async fn machine(app: &axum::Router, name: &str, def: &str) -> String {
    let (_, _, sm) = call(app, "POST", "/v1/state-machines", Some(json!({"name": name, "definition": def}))).await;
    sm["arn"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn executions_are_started_listed_paged_and_inspected() {
    let app = app(true);
    let sm = machine(&app, "m", DEF).await;
    for i in 0..5 {
        let body = json!({"stateMachineArn": sm, "name": format!("run-{i}"), "input": {"i": i}});
        let (status, _, _) = call(&app, "POST", "/v1/executions", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let q = format!("/v1/executions?stateMachineArn={}&limit=2", enc(&sm));
    let (_, _, p1) = call(&app, "GET", &q, None).await;
    assert_eq!(p1["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(p1["items"][0]["name"], "run-4", "newest first");
    let cursor = p1["nextCursor"].as_str().unwrap_or("").to_string();
    let (_, _, p2) = call(&app, "GET", &format!("{q}&cursor={cursor}"), None).await;
    assert_eq!(p2["items"][0]["name"], "run-2");
    let (_, _, p3) = call(&app, "GET", &format!("{q}&cursor={}", p2["nextCursor"].as_str().unwrap_or("")), None).await;
    assert_eq!(p3["items"].as_array().map(Vec::len), Some(1));
    assert!(p3.get("nextCursor").is_none());

    let (status, _, p) = call(&app, "GET", "/v1/executions?status=DONE", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("'DONE'")));

    let arn = p1["items"][0]["arn"].as_str().unwrap_or("").to_string();
    let (_, _, e) = call(&app, "GET", &format!("/v1/executions/{}", enc(&arn)), None).await;
    assert_eq!(e["status"], "SUCCEEDED");
    assert_eq!(e["input"], json!({"i": 4}));
    assert_eq!(e["output"], json!({"ok": true}));

    let (_, _, h) = call(&app, "GET", &format!("/v1/executions/{}/history?limit=2", enc(&arn)), None).await;
    assert_eq!(h["items"][0]["type"], "ExecutionStarted");
    let next = h["nextCursor"].as_str().unwrap_or("").to_string();
    let (_, _, h2) =
        call(&app, "GET", &format!("/v1/executions/{}/history?limit=10&cursor={next}", enc(&arn)), None).await;
    assert_eq!(h2["items"][0]["id"], 3);
    assert_eq!(h2["items"][1]["type"], "ExecutionSucceeded");

    let (_, _, g) = call(&app, "GET", &format!("/v1/executions/{}/graph", enc(&arn)), None).await;
    assert_eq!(g["run"]["states"]["A"]["status"], "succeeded");
    assert_eq!(g["run"]["states"]["A"]["output"], json!({"ok": true}));

    // A succeeded execution cannot be redriven.
    let (status, _, p) = call(&app, "POST", &format!("/v1/executions/{}/redrive", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["type"], "urn:cairn:problem:execution-not-redrivable");

    let (status, _, p) =
        call(&app, "GET", "/v1/executions/arn%3Aaws%3Astates%3Aus-east-1%3A0%3Aexecution%3Ax%3Ay", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(p["detail"], "Execution Does Not Exist: 'arn:aws:states:us-east-1:0:execution:x:y'");
}

#[tokio::test]
async fn a_running_execution_is_stopped_and_its_events_stream_ends() {
    let app = app(true);
    let sm =
        machine(&app, "w", r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#).await;
    let (_, _, e) = call(&app, "POST", "/v1/executions", Some(json!({"stateMachineArn": sm}))).await;
    let arn = e["arn"].as_str().unwrap_or("").to_string();
    assert_eq!(e["status"], "RUNNING");
    let (_, _, g) = call(&app, "GET", &format!("/v1/executions/{}/graph?layout=false", enc(&arn)), None).await;
    assert_eq!(g["run"]["states"]["W"]["status"], "running");
    assert!(g.get("layout").is_none());

    let stream = {
        let app = app.clone();
        let uri = format!("/v1/executions/{}/events", enc(&arn));
        tokio::spawn(async move {
            let req = Request::builder().uri(uri).body(Body::empty()).unwrap_or_default();
            let Ok(resp) = app.oneshot(req).await;
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap_or_default();
            String::from_utf8_lossy(&bytes).to_string()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (status, _, stopped) =
        call(&app, "POST", &format!("/v1/executions/{}/stop", enc(&arn)), Some(json!({"error": "E"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stopped["status"], "ABORTED");
    let text = tokio::time::timeout(std::time::Duration::from_secs(5), stream).await;
    let text = text.ok().and_then(Result::ok).unwrap_or_default();
    assert!(text.contains("event: history\nid: 1\ndata: {\"id\":1,"), "{text}");
    assert!(text.contains("\"type\":\"WaitStateAborted\""), "{text}");
    assert!(text.ends_with("event: end\ndata: {\"status\":\"ABORTED\"}\n\n"), "{text}");
    let (_, _, g) = call(&app, "GET", &format!("/v1/executions/{}/graph?layout=false", enc(&arn)), None).await;
    assert_eq!(g["run"]["states"]["W"]["status"], "cancelled");
}

#[tokio::test]
async fn definitions_are_validated_and_drawn_without_being_stored() {
    let app = app(true);
    let (status, _, v) = call(&app, "POST", "/v1/validate", Some(json!({"definition": "{\"StartAt\": 1}"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["valid"], false);
    let (_, _, v) = call(&app, "POST", "/v1/validate", Some(json!({"definition": DEF}))).await;
    assert_eq!(v, json!({"valid": true, "diagnostics": []}));
    let (status, _, g) = call(&app, "POST", "/v1/graph", Some(json!({"definition": DEF}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g["graph"]["scope"]["nodes"][0]["name"], "A");
    let (status, ctype, _) = call(&app, "POST", "/v1/graph", Some(json!({"definition": "{"}))).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"));
    let (status, _, p) = call(&app, "POST", "/v1/validate", Some(json!({"nope": 1}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("unknown field `nope`")));
}

#[tokio::test]
async fn command_functions_need_a_loopback_server() {
    let open = app(false);
    let cmd = json!({"command": ["python3", "handler.py"]});
    let (status, _, p) = call(&open, "PUT", "/v1/functions/f", Some(cmd.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(p["type"], "urn:cairn:problem:command-functions-disabled");
    let url = json!({"url": "http://127.0.0.1:9000/invoke"});
    assert_eq!(call(&open, "PUT", "/v1/functions/u", Some(url)).await.0, StatusCode::OK);

    let local = app(true);
    assert_eq!(call(&local, "PUT", "/v1/functions/f", Some(cmd)).await.0, StatusCode::OK);
    let (_, _, f) = call(&local, "GET", "/v1/functions/f", None).await;
    assert_eq!(f["spec"]["command"], json!(["python3", "handler.py"]));
    let (_, _, l) = call(&local, "GET", "/v1/functions", None).await;
    assert_eq!(l["items"].as_array().map(Vec::len), Some(1));
    let (status, _, _) = call(&local, "PUT", "/v1/functions/g", Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(call(&local, "DELETE", "/v1/functions/f", None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(&local, "DELETE", "/v1/functions/f", None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_v1_paths_are_problems() {
    let (status, ctype, p) = call(&app(true), "GET", "/v1/nothing", None).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::NOT_FOUND, "application/problem+json"));
    assert_eq!(p["detail"], "no route /v1/nothing");
}

#[tokio::test]
async fn activities_are_created_listed_and_deleted() {
    let app = app(true);
    let (status, _, a) = call(&app, "POST", "/v1/activities", Some(json!({"name": "review"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let arn = a["arn"].as_str().unwrap_or_default().to_string();
    assert_eq!(arn, "arn:aws:states:us-east-1:000000000000:activity:review");
    let (status, _, list) = call(&app, "GET", "/v1/activities", None).await;
    assert_eq!((status, list["items"][0]["name"].as_str()), (StatusCode::OK, Some("review")));
    let (status, _, one) = call(&app, "GET", &format!("/v1/activities/{}", enc(&arn)), None).await;
    assert_eq!((status, one["arn"].as_str()), (StatusCode::OK, Some(arn.as_str())));
    let (status, ctype, problem) = call(&app, "POST", "/v1/activities", Some(json!({"name": "no spaces"}))).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"), "{problem}");
    let (status, _, _) = call(&app, "DELETE", &format!("/v1/activities/{}", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, problem) = call(&app, "GET", &format!("/v1/activities/{}", enc(&arn)), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
}

#[tokio::test]
async fn schedules_are_checked_shown_with_their_next_fire_and_deleted() {
    let app = app(true);
    let (_, _, sm) =
        call(&app, "POST", "/v1/state-machines", Some(json!({"name": "nightly", "definition": DEF}))).await;
    let arn = sm["arn"].as_str().unwrap_or_default().to_string();
    let body = json!({"stateMachineArn": arn, "expression": "cron(0 2 * * ? *)", "input": {"k": 1}});
    let (status, _, s) = call(&app, "PUT", "/v1/schedules/nightly", Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let next = s["nextFire"].as_str().unwrap_or_default();
    assert!(next.contains("T02:00:00"), "{s}");
    assert_eq!(s["executionNamePrefix"], "nightly-");
    let off = json!({"stateMachineArn": arn, "expression": "rate(1 hour)", "enabled": false});
    let (status, _, s) = call(&app, "PUT", "/v1/schedules/off", Some(off)).await;
    assert_eq!((status, s.get("nextFire")), (StatusCode::OK, None), "a disabled schedule has no next fire: {s}");
    let (_, _, list) = call(&app, "GET", "/v1/schedules", None).await;
    let names: Vec<&str> =
        list["items"].as_array().map(|v| v.iter().filter_map(|s| s["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["nightly", "off"]);
    for (body, why) in [
        (json!({"stateMachineArn": arn, "expression": "cron(0 2 * * ?)"}), "six fields"),
        (json!({"stateMachineArn": arn, "expression": "rate(1 hour)", "extra": 1}), "unknown field"),
    ] {
        let (status, ctype, problem) = call(&app, "PUT", "/v1/schedules/bad", Some(body)).await;
        assert_eq!((status, ctype.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"), "{problem}");
        assert!(problem["detail"].as_str().unwrap_or("").contains(why), "{problem}");
    }
    let (status, _, _) = call(
        &app,
        "PUT",
        "/v1/schedules/bad%20name",
        Some(json!({"stateMachineArn": arn, "expression": "rate(1 hour)"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let missing = json!({"stateMachineArn": format!("{arn}x"), "expression": "rate(1 hour)"});
    let (status, _, _) = call(&app, "PUT", "/v1/schedules/orphan", Some(missing)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = call(&app, "DELETE", "/v1/schedules/nightly", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = call(&app, "GET", "/v1/schedules/nightly", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
