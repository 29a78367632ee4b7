//! Versions, aliases and tags.

use aws_sdk_sfn::types::{RoutingConfigurationListItem, Tag};

use super::harness::{create, error, wait_done, Server, PASS};

fn route(version: &str, weight: i32) -> RoutingConfigurationListItem {
    RoutingConfigurationListItem::builder().state_machine_version_arn(version).weight(weight).build().unwrap()
}

#[tokio::test]
async fn versions_are_snapshots_that_executions_can_run() {
    let server = Server::start().await;
    let c = server.client();
    let arn = create(&c, "ver", PASS).await;
    let v1 = c.publish_state_machine_version().state_machine_arn(&arn).description("first").send().await.unwrap();
    assert_eq!(v1.state_machine_version_arn, format!("{arn}:1"));
    // Publishing an unchanged revision returns the same version.
    let again = c.publish_state_machine_version().state_machine_arn(&arn).send().await.unwrap();
    assert_eq!(again.state_machine_version_arn, v1.state_machine_version_arn);

    let changed = PASS.replace("yes", "v2");
    let up = c.update_state_machine().state_machine_arn(&arn).definition(&changed).publish(true).send().await.unwrap();
    let v2 = up.state_machine_version_arn.clone().unwrap();
    assert_eq!(v2, format!("{arn}:2"));
    let (code, msg) =
        error(c.publish_state_machine_version().state_machine_arn(&arn).revision_id("stale").send().await);
    assert_eq!(code, "ConflictException");
    assert!(msg.starts_with("Failed to publish the State Machine version for revision stale."), "{msg}");

    let versions = c.list_state_machine_versions().state_machine_arn(&arn).send().await.unwrap();
    let arns: Vec<&str> =
        versions.state_machine_versions.iter().map(|v| v.state_machine_version_arn.as_str()).collect();
    assert_eq!(arns, vec![v2.as_str(), v1.state_machine_version_arn.as_str()]);
    let d1 = c.describe_state_machine().state_machine_arn(&v1.state_machine_version_arn).send().await.unwrap();
    assert_eq!((d1.definition.as_str(), d1.description.as_deref()), (PASS, Some("first")));
    // Versions are not state machines of their own in listings.
    assert_eq!(c.list_state_machines().send().await.unwrap().state_machines.len(), 1);

    // Running version 1 runs its snapshot, not the updated definition.
    let e = c.start_execution().state_machine_arn(&v1.state_machine_version_arn).send().await.unwrap();
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!(done.output.as_deref(), Some(r#"{"ok":"yes"}"#));
    assert_eq!(done.state_machine_arn, arn);
    assert_eq!(done.state_machine_version_arn.as_deref(), Some(v1.state_machine_version_arn.as_str()));

    let (code, msg) =
        error(c.create_state_machine().name("x").definition(PASS).role_arn("r").version_description("d").send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ValidationException", "Version description can only be set when publish is true")
    );
    c.delete_state_machine_version().state_machine_version_arn(&v2).send().await.unwrap();
    let (code, _) = error(c.describe_state_machine().state_machine_arn(&v2).send().await);
    assert_eq!(code, "StateMachineDoesNotExist");
    // Numbers are never reused.
    let v3 = c
        .update_state_machine()
        .state_machine_arn(&arn)
        .definition(PASS.replace("yes", "3"))
        .publish(true)
        .send()
        .await
        .unwrap();
    assert_eq!(v3.state_machine_version_arn.unwrap(), format!("{arn}:3"));
}

#[tokio::test]
async fn aliases_route_executions_to_versions() {
    let server = Server::start().await;
    let c = server.client();
    let arn = c
        .create_state_machine()
        .name("ali")
        .definition(PASS)
        .role_arn("arn:aws:iam::000000000000:role/r")
        .publish(true)
        .send()
        .await
        .unwrap();
    let v1 = arn.state_machine_version_arn.unwrap();
    let arn = arn.state_machine_arn;
    let alias = c
        .create_state_machine_alias()
        .name("prod")
        .description("live")
        .routing_configuration(route(&v1, 100))
        .send()
        .await
        .unwrap();
    assert_eq!(alias.state_machine_alias_arn, format!("{arn}:prod"));
    // Creating the same alias again is idempotent; a different routing is a conflict.
    c.create_state_machine_alias()
        .name("prod")
        .description("live")
        .routing_configuration(route(&v1, 100))
        .send()
        .await
        .unwrap();
    let (code, _) =
        error(c.create_state_machine_alias().name("prod").routing_configuration(route(&v1, 100)).send().await);
    assert_eq!(code, "ConflictException");
    let (code, msg) =
        error(c.create_state_machine_alias().name("bad").routing_configuration(route(&arn, 100)).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, format!("Routing configuration must contain state machine version ARNs. Received: [{arn}]"));
    let (code, msg) =
        error(c.create_state_machine_alias().name("half").routing_configuration(route(&v1, 50)).send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ValidationException", "Sum of routing configuration weights must equal 100. Received: [50]")
    );

    let e = c.start_execution().state_machine_arn(&alias.state_machine_alias_arn).send().await.unwrap();
    let done = wait_done(&c, &e.execution_arn).await;
    assert_eq!(done.state_machine_alias_arn.as_deref(), Some(alias.state_machine_alias_arn.as_str()));
    assert_eq!(done.state_machine_version_arn.as_deref(), Some(v1.as_str()));
    let listed = c.list_executions().state_machine_arn(&arn).send().await.unwrap();
    assert_eq!(listed.executions.len(), 1);
    assert_eq!(listed.executions[0].state_machine_alias_arn.as_deref(), Some(alias.state_machine_alias_arn.as_str()));

    let (code, msg) = error(c.delete_state_machine_version().state_machine_version_arn(&v1).send().await);
    assert_eq!(code, "ConflictException");
    assert_eq!(msg, "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [prod]");

    c.update_state_machine_alias()
        .state_machine_alias_arn(&alias.state_machine_alias_arn)
        .description("new")
        .send()
        .await
        .unwrap();
    let d =
        c.describe_state_machine_alias().state_machine_alias_arn(&alias.state_machine_alias_arn).send().await.unwrap();
    assert_eq!((d.name.as_deref(), d.description.as_deref()), (Some("prod"), Some("new")));
    assert_eq!(
        c.list_state_machine_aliases().state_machine_arn(&arn).send().await.unwrap().state_machine_aliases.len(),
        1
    );
    c.delete_state_machine_alias().state_machine_alias_arn(&alias.state_machine_alias_arn).send().await.unwrap();
    let (code, msg) =
        error(c.describe_state_machine_alias().state_machine_alias_arn(&alias.state_machine_alias_arn).send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ResourceNotFound", "Request references a resource that does not exist.")
    );
    c.delete_state_machine_version().state_machine_version_arn(&v1).send().await.unwrap();
}

#[tokio::test]
async fn tags_on_state_machines_and_activities() {
    let server = Server::start().await;
    let c = server.client();
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    let arn = c
        .create_state_machine()
        .name("tagged")
        .definition(PASS)
        .role_arn("r")
        .tags(tag("team", "a"))
        .send()
        .await
        .unwrap()
        .state_machine_arn;
    c.tag_resource().resource_arn(&arn).tags(tag("env", "dev")).tags(tag("team", "b")).send().await.unwrap();
    let tags = c.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap_or_default();
    let pairs: Vec<(&str, &str)> =
        tags.iter().map(|t| (t.key.as_deref().unwrap_or(""), t.value.as_deref().unwrap_or(""))).collect();
    assert_eq!(pairs, vec![("team", "b"), ("env", "dev")]);
    c.untag_resource().resource_arn(&arn).tag_keys("team").send().await.unwrap();
    assert_eq!(c.list_tags_for_resource().resource_arn(&arn).send().await.unwrap().tags.unwrap_or_default().len(), 1);

    let act = c.create_activity().name("tagged-act").tags(tag("k", "v")).send().await.unwrap().activity_arn;
    assert_eq!(c.list_tags_for_resource().resource_arn(&act).send().await.unwrap().tags.unwrap_or_default().len(), 1);
    let missing = format!("{arn}-missing");
    let (code, msg) = error(c.tag_resource().resource_arn(&missing).tags(tag("a", "b")).send().await);
    assert_eq!((code.as_str(), msg), ("ResourceNotFound", format!("Resource not found: '{missing}'")));
}
