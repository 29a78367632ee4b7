//! Two `cairn serve` processes on one PostgreSQL database: a task token completed, and an
//! execution stopped, through the server that does not advance the execution.

use std::time::Duration;

use serde_json::json;

use super::server::{ask_definition, free_port, keep_token_function, kept_token, Aws, Server, ServerSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_reach_the_server_that_advances_the_execution() {
    let _heavy = crate::HEAVY.lock().await;
    let Some(url) = super::postgres_database("signals").await else { return };
    let dir = super::TempDir::new("signals");
    let functions = keep_token_function(&dir.0);
    let spec = |k: usize| {
        let workdir = dir.0.join(format!("s{k}"));
        std::fs::create_dir_all(&workdir).expect("dir");
        ServerSpec {
            port: free_port(),
            db: url.clone(),
            functions: Some(functions.clone()),
            workdir,
            lease_seconds: 10,
        }
    };
    let (a, b) = (Server::start(&spec(0)).await, Server::start(&spec(1)).await);
    let (on_a, on_b) = (Aws::new(&a.endpoint), Aws::new(&b.endpoint));
    let asks = on_a.create_machine("ask", &ask_definition()).await;
    let waits = on_a
        .create_machine(
            "hold",
            &json!({"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": true}}}),
        )
        .await;
    let asked = on_a.start(&asks, "asked", &json!({})).await;
    let held = on_a.start(&waits, "held", &json!({})).await;
    let token = kept_token(&dir.0).await;

    on_b.call("SendTaskSuccess", json!({"taskToken": token, "output": "{\"via\":\"b\"}"}))
        .await
        .expect("accepted by b");
    let done = on_a.until_terminal(&asked).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], json!("{\"via\":\"b\"}"));

    let stopped = on_b.call("StopExecution", json!({"executionArn": held, "error": "Halt"})).await;
    assert!(stopped.is_ok(), "{stopped:?}");
    let done = on_a.until_terminal(&held).await;
    assert_eq!((done["status"].as_str(), done["error"].as_str()), (Some("ABORTED"), Some("Halt")), "{done}");
    drop((a, b));
}

/// Aliases, tags and schedules made through one server are seen by another on the same database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_tags_and_schedules_are_shared_between_servers() {
    let _heavy = crate::HEAVY.lock().await;
    let Some(url) = super::postgres_database("shared_resources").await else { return };
    let dir = super::TempDir::new("shared-resources");
    let spec = |k: usize| {
        let workdir = dir.0.join(format!("s{k}"));
        std::fs::create_dir_all(&workdir).expect("dir");
        ServerSpec { port: free_port(), db: url.clone(), functions: None, workdir, lease_seconds: 10 }
    };
    let (a, b) = (Server::start(&spec(0)).await, Server::start(&spec(1)).await);
    let (on_a, on_b) = (Aws::new(&a.endpoint), Aws::new(&b.endpoint));
    let sm =
        on_a.create_machine("shared", &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})).await;
    let v = on_a.call("PublishStateMachineVersion", json!({"stateMachineArn": sm})).await.expect("publish");
    let alias = on_a
        .call(
            "CreateStateMachineAlias",
            json!({"name": "live", "routingConfiguration": [{"stateMachineVersionArn": v["stateMachineVersionArn"], "weight": 100}]}),
        )
        .await
        .expect("alias");
    let alias = alias["stateMachineAliasArn"].as_str().expect("alias arn").to_string();
    on_a.call("TagResource", json!({"resourceArn": sm, "tags": [{"key": "team", "value": "core"}]}))
        .await
        .expect("tag");
    let client = reqwest::Client::new();
    let put = client
        .put(format!("{}/v1/schedules/hourly", a.endpoint))
        .json(&json!({"stateMachineArn": sm, "expression": "rate(1 hour)"}))
        .send()
        .await
        .expect("schedule");
    assert_eq!(put.status().as_u16(), 200);

    let mut seen = false;
    for _ in 0..100 {
        if on_b.call("DescribeStateMachineAlias", json!({"stateMachineAliasArn": alias})).await.is_ok() {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(seen, "the alias made through one server is seen by the other within 10 s");
    let started = on_b.start(&alias, "via-b", &json!({})).await;
    assert_eq!(on_b.until_terminal(&started).await["status"], "SUCCEEDED");
    let tags = on_b.call("ListTagsForResource", json!({"resourceArn": sm})).await.expect("tags");
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "core"}]));
    let got = client.get(format!("{}/v1/schedules/hourly", b.endpoint)).send().await.expect("get schedule");
    assert_eq!(got.status().as_u16(), 200);
    drop((a, b));
}
