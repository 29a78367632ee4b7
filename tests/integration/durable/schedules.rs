//! Schedules through REST against `cairn serve`: one fires on its rate, survives `kill -9`, and
//! stops firing once deleted; bad schedules are refused with a problem saying why.

use std::time::Duration;

use serde_json::{json, Value};

use super::server::{Aws, Server, ServerSpec};

async fn rest(client: &reqwest::Client, method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let mut req = client.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The executions of `machine` the schedule `prefix` started, by name.
async fn scheduled(aws: &Aws, machine: &str, prefix: &str) -> Vec<String> {
    let listed =
        aws.call("ListExecutions", json!({"stateMachineArn": machine, "maxResults": 1000})).await.expect("list");
    let mut names: Vec<String> = listed["executions"]
        .as_array()
        .map(|v| v.iter().filter_map(|e| e["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    names.retain(|n| n.starts_with(prefix));
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_fires_survives_kill_9_and_stops_when_deleted() {
    let _heavy = crate::HEAVY.lock().await;
    let dir = super::TempDir::new("schedules");
    let spec = ServerSpec::sqlite(&dir.0, None);
    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let client = reqwest::Client::new();
    let machine =
        aws.create_machine("ticked", &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})).await;
    let url = format!("{}/v1/schedules/every-second", server.endpoint);

    let (status, problem) = rest(
        &client,
        reqwest::Method::PUT,
        url.clone(),
        Some(json!({"stateMachineArn": machine, "expression": "rate(1 seconds)"})),
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap_or("").contains("singular"), "{problem}");
    let (status, problem) = rest(
        &client,
        reqwest::Method::PUT,
        url.clone(),
        Some(json!({"stateMachineArn": format!("{machine}-missing"), "expression": "rate(1 second)"})),
    )
    .await;
    assert_eq!(status, 404, "{problem}");

    let (status, created) = rest(
        &client,
        reqwest::Method::PUT,
        url.clone(),
        Some(json!({"stateMachineArn": machine, "expression": "rate(1 second)", "input": {"from": "schedule"}})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert!(created["nextFire"].is_string(), "{created}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let fired = scheduled(&aws, &machine, "every-second-").await;
    assert!(fired.len() >= 2, "fired {fired:?}");
    let first = format!("{}:{}", machine.replace(":stateMachine:", ":execution:"), fired[0]);
    let d = aws.describe(&first).await.expect("describe");
    assert_eq!(d["input"].as_str(), Some(r#"{"from":"schedule"}"#));
    server.kill9();

    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let url = format!("{}/v1/schedules/every-second", server.endpoint);
    let (status, kept) = rest(&client, reqwest::Method::GET, url.clone(), None).await;
    assert_eq!((status, kept["expression"].as_str()), (200, Some("rate(1 second)")), "{kept}");
    let before = scheduled(&aws, &machine, "every-second-").await.len();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let after = scheduled(&aws, &machine, "every-second-").await;
    assert!(after.len() >= before + 2, "still firing after the restart: {before} then {}", after.len());
    let mut unique = after.clone();
    unique.dedup();
    assert_eq!(unique.len(), after.len(), "each tick starts one execution");

    let (status, _) = rest(&client, reqwest::Method::DELETE, url.clone(), None).await;
    assert_eq!(status, 204);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = scheduled(&aws, &machine, "every-second-").await.len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(scheduled(&aws, &machine, "every-second-").await.len(), stopped, "a deleted schedule does not fire");
    let (status, listed) = rest(&client, reqwest::Method::GET, format!("{}/v1/schedules", server.endpoint), None).await;
    assert_eq!((status, listed["items"].as_array().map(Vec::len)), (200, Some(0)), "{listed}");
    drop(server);
}
