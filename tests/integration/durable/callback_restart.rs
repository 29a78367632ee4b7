//! Through the AWS protocol against `cairn serve` killed with SIGKILL and started again: a
//! callback task is completed with the token handed out before the kill, and an activity task
//! queued before the kill is handed to a worker after it.

use serde_json::{json, Value};

use super::server::{ask_definition, keep_token_function, kept_token, Aws, Server, ServerSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_and_activity_tasks_survive_kill_9() {
    let _heavy = crate::HEAVY.lock().await;
    let dir = super::TempDir::new("callback-restart");
    let functions = keep_token_function(&dir.0);
    let spec = ServerSpec::sqlite(&dir.0, Some(functions));
    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let callback = aws.create_machine("ask", &ask_definition()).await;
    let activity = aws.call("CreateActivity", json!({"name": "review"})).await.expect("activity");
    let activity_arn = activity["activityArn"].as_str().expect("arn").to_string();
    let worked = aws
        .create_machine(
            "work",
            &json!({"StartAt": "Review", "States": {"Review": {"Type": "Task", "Resource": activity_arn, "End": true}}}),
        )
        .await;
    let asked = aws.start(&callback, "asked", &json!({})).await;
    let reviewed = aws.start(&worked, "reviewed", &json!({"doc": 1})).await;
    let token = kept_token(&dir.0).await;
    server.kill9();

    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let wrong = aws.call("SendTaskSuccess", json!({"taskToken": "garbage", "output": "{}"})).await;
    assert_eq!(wrong.err().and_then(|e| e["__type"].as_str().map(str::to_string)).as_deref(), Some("InvalidToken"));
    aws.call("SendTaskSuccess", json!({"taskToken": token, "output": "{\"answer\":42}"})).await.expect("token kept");
    let task =
        aws.call("GetActivityTask", json!({"activityArn": activity_arn, "workerName": "w1"})).await.expect("poll");
    let activity_token = task["taskToken"].as_str().expect("token").to_string();
    assert!(!activity_token.is_empty(), "the activity task survived the kill");
    assert_eq!(serde_json::from_str::<Value>(task["input"].as_str().unwrap_or("null")).ok(), Some(json!({"doc": 1})));
    aws.call("SendTaskSuccess", json!({"taskToken": activity_token, "output": "{\"ok\":true}"})).await.expect("done");
    for (arn, output) in [(&asked, json!({"answer": 42})), (&reviewed, json!({"ok": true}))] {
        let last = aws.until_terminal(arn).await;
        assert_eq!(last["status"], "SUCCEEDED", "{arn}: {last}");
        assert_eq!(serde_json::from_str::<Value>(last["output"].as_str().unwrap_or("null")).ok(), Some(output));
    }
    // The token was used: a second completion is refused.
    let again = aws.call("SendTaskSuccess", json!({"taskToken": token, "output": "{}"})).await;
    assert_eq!(again.err().and_then(|e| e["__type"].as_str().map(str::to_string)).as_deref(), Some("TaskTimedOut"));
    drop(server);
}

/// Versions, aliases, tags and version numbers are the server's too: after `kill -9` the alias
/// still routes executions, the tags are still listed, and a new version gets a new number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aliases_versions_and_tags_survive_kill_9() {
    let _heavy = crate::HEAVY.lock().await;
    let dir = super::TempDir::new("resources-restart");
    let spec = ServerSpec::sqlite(&dir.0, None);
    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let pass = |v: i64| json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": v, "End": true}}});
    let sm = aws.create_machine("routed", &pass(1)).await;
    let v1 = aws.call("PublishStateMachineVersion", json!({"stateMachineArn": sm})).await.expect("publish");
    let v1 = v1["stateMachineVersionArn"].as_str().expect("version").to_string();
    let alias = aws
        .call(
            "CreateStateMachineAlias",
            json!({"name": "live", "description": "kept",
                   "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 100}]}),
        )
        .await
        .expect("alias");
    let alias = alias["stateMachineAliasArn"].as_str().expect("alias arn").to_string();
    aws.call("TagResource", json!({"resourceArn": sm, "tags": [{"key": "team", "value": "core"}]})).await.expect("tag");
    let plain = aws.start(&sm, "plain", &json!({})).await;
    // A version deleted before the kill keeps its number used.
    aws.call("UpdateStateMachine", json!({"stateMachineArn": sm, "definition": pass(2).to_string()}))
        .await
        .expect("update");
    let v2 = aws.call("PublishStateMachineVersion", json!({"stateMachineArn": sm})).await.expect("publish 2");
    let v2 = v2["stateMachineVersionArn"].as_str().expect("version").to_string();
    aws.call("DeleteStateMachineVersion", json!({"stateMachineVersionArn": v2})).await.expect("delete v2");
    let before = aws.start(&alias, "through-alias", &json!({})).await;
    server.kill9();

    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let described = aws.call("DescribeStateMachineAlias", json!({"stateMachineAliasArn": alias})).await;
    let described = described.expect("the alias survived the kill");
    assert_eq!(described["description"], "kept");
    assert_eq!(described["routingConfiguration"][0]["stateMachineVersionArn"], json!(v1));
    let tags = aws.call("ListTagsForResource", json!({"resourceArn": sm})).await.expect("tags");
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "core"}]));
    let after = aws.start(&alias, "after-restart", &json!({})).await;
    // An execution's state machine is the definition it ran, not the one updated since.
    let ran = aws.call("DescribeStateMachineForExecution", json!({"executionArn": plain})).await.expect("describe");
    let ran: Value = serde_json::from_str(ran["definition"].as_str().unwrap_or("null")).expect("definition");
    assert_eq!(ran, pass(1));
    for arn in [&before, &after] {
        let last = aws.until_terminal(arn).await;
        assert_eq!((last["status"].as_str(), last["output"].as_str()), (Some("SUCCEEDED"), Some("1")), "{last}");
        assert_eq!(last["stateMachineAliasArn"], json!(alias), "{last}");
    }
    aws.call("UpdateStateMachine", json!({"stateMachineArn": sm, "definition": pass(3).to_string()}))
        .await
        .expect("update");
    let v3 = aws.call("PublishStateMachineVersion", json!({"stateMachineArn": sm})).await.expect("publish 3");
    assert_eq!(v3["stateMachineVersionArn"], json!(format!("{sm}:3")), "version numbers are never reused");
    drop(server);
}
