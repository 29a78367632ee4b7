//! State machines and executions, with the errors a user of AWS would see.

use aws_sdk_sfn::types::{ExecutionStatus, HistoryEventType, StateMachineType};

use super::harness::{create, error, machine_arn, wait_done, Server, PASS};

#[tokio::test]
async fn state_machines_and_executions_round_trip() {
    let server = Server::start().await;
    let c = server.client();
    let arn = create(&c, "hello", PASS).await;
    assert_eq!(arn, machine_arn("hello"));

    let d = c.describe_state_machine().state_machine_arn(&arn).send().await.unwrap();
    assert_eq!((d.name.as_str(), d.definition.as_str(), d.r#type), ("hello", PASS, StateMachineType::Standard));
    let listed = c.list_state_machines().send().await.unwrap();
    assert_eq!(listed.state_machines.len(), 1);

    let updated =
        c.update_state_machine().state_machine_arn(&arn).definition(PASS.replace("yes", "no")).send().await.unwrap();
    assert!(updated.revision_id.is_some());

    let started = c.start_execution().state_machine_arn(&arn).name("run-1").input(r#"{"a":1}"#).send().await.unwrap();
    let done = wait_done(&c, &started.execution_arn).await;
    assert_eq!(done.status, ExecutionStatus::Succeeded);
    assert_eq!(done.output.as_deref(), Some(r#"{"ok":"no"}"#));
    assert_eq!(done.input.as_deref(), Some(r#"{"a":1}"#));

    let h = c.get_execution_history().execution_arn(&started.execution_arn).send().await.unwrap();
    let types: Vec<HistoryEventType> = h.events.iter().map(|e| e.r#type.clone()).collect();
    assert_eq!(
        types,
        vec![
            HistoryEventType::ExecutionStarted,
            HistoryEventType::PassStateEntered,
            HistoryEventType::PassStateExited,
            HistoryEventType::ExecutionSucceeded
        ]
    );
    let reversed = c
        .get_execution_history()
        .execution_arn(&started.execution_arn)
        .reverse_order(true)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(reversed.events[0].r#type, HistoryEventType::ExecutionSucceeded);
    assert!(reversed.next_token.is_some());

    let execs =
        c.list_executions().state_machine_arn(&arn).status_filter(ExecutionStatus::Succeeded).send().await.unwrap();
    assert_eq!(execs.executions.len(), 1);
    let for_exec = c.describe_state_machine_for_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    assert_eq!(for_exec.state_machine_arn, arn);
    // After an update, the execution's state machine is still the definition it ran.
    let updated = r#"{"StartAt":"Q","States":{"Q":{"Type":"Succeed"}}}"#;
    c.update_state_machine().state_machine_arn(&arn).definition(updated).send().await.unwrap();
    let for_exec = c.describe_state_machine_for_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    assert_eq!(for_exec.definition, PASS.replace("yes", "no"));
    let now = c.describe_state_machine().state_machine_arn(&arn).send().await.unwrap();
    assert_eq!(now.definition, updated);

    let validated =
        c.validate_state_machine_definition().definition(r#"{"StartAt":"X","States":{}}"#).send().await.unwrap();
    assert_eq!(validated.result.as_str(), "FAIL");
    assert!(!validated.diagnostics.is_empty());

    c.delete_state_machine().state_machine_arn(&arn).send().await.unwrap();
    let (code, msg) = error(c.describe_state_machine().state_machine_arn(&arn).send().await);
    assert_eq!((code.as_str(), msg), ("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{arn}'")));
}

#[tokio::test]
async fn express_machines_answer_start_sync_execution() {
    let server = Server::start().await;
    let c = server.client();
    let arn = c
        .create_state_machine()
        .name("fast")
        .definition(PASS)
        .role_arn("arn:aws:iam::000000000000:role/r")
        .r#type(StateMachineType::Express)
        .send()
        .await
        .unwrap()
        .state_machine_arn;
    let out = c.start_sync_execution().state_machine_arn(&arn).input("{}").send().await.unwrap();
    assert_eq!(out.status.as_str(), "SUCCEEDED");
    assert_eq!(out.output.as_deref(), Some(r#"{"ok":"yes"}"#));
    let standard = create(&c, "slow", PASS).await;
    let (code, _) = error(c.start_sync_execution().state_machine_arn(&standard).send().await);
    assert_eq!(code, "StateMachineTypeNotSupported");
}

#[tokio::test]
async fn requests_are_validated_as_aws_validates_them() {
    let server = Server::start().await;
    let c = server.client();
    let arn = create(&c, "v", PASS).await;
    let missing = machine_arn("missing");

    let (code, msg) = error(c.start_execution().state_machine_arn(&missing).send().await);
    assert_eq!(
        (code.as_str(), msg),
        ("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{missing}'"))
    );
    let (code, msg) = error(c.start_execution().state_machine_arn("not-an-arn").send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'"));
    let (code, msg) = error(c.start_execution().state_machine_arn(&arn).input("{not json").send().await);
    assert_eq!(code, "InvalidExecutionInput");
    assert!(msg.starts_with("Invalid State Machine Execution Input: '"), "{msg}");
    let big = format!("\"{}\"", "a".repeat(256 * 1024));
    let (code, msg) = error(c.start_execution().state_machine_arn(&arn).input(big).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("Member must have size less than or equal to 262144 bytes"), "{msg}");
    let (code, msg) = error(c.start_execution().state_machine_arn(&arn).name("a b").send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("InvalidName", "Invalid Name: 'a b'"));
    let long = "n".repeat(81);
    let (code, msg) = error(c.start_execution().state_machine_arn(&arn).name(&long).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.ends_with("Member must have length less than or equal to 80"), "{msg}");

    let exec = arn.replace(":stateMachine:", ":execution:") + ":nope";
    let (code, msg) = error(c.describe_execution().execution_arn(&exec).send().await);
    assert_eq!((code.as_str(), msg), ("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{exec}'")));
    let (code, _) = error(c.describe_execution().execution_arn(&arn).send().await);
    assert_eq!(code, "InvalidArn");

    let (code, _) = error(c.create_state_machine().name("bad name").definition(PASS).role_arn("r").send().await);
    assert_eq!(code, "InvalidName");
    let (code, msg) = error(c.create_state_machine().name("bad").definition("{}").role_arn("r").send().await);
    assert_eq!(code, "InvalidDefinition");
    assert!(msg.starts_with("Invalid State Machine Definition: "), "{msg}");
    let huge = format!(
        r#"{{"Comment":"{}","StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}}"#,
        "x".repeat(1024 * 1024)
    );
    let (code, msg) = error(c.create_state_machine().name("huge").definition(huge).role_arn("r").send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.ends_with("Member must have length less than or equal to 1048576"), "{msg}");
    let (code, _) =
        error(c.create_state_machine().name("v").definition(PASS.replace("yes", "1")).role_arn("r").send().await);
    assert_eq!(code, "StateMachineAlreadyExists");
}

#[tokio::test]
async fn malformed_bodies_unknown_operations_and_oversize_requests_are_refused() {
    let server = Server::start().await;
    let (status, body) = server.aws_raw("ListStateMachines", "{not json").await;
    assert_eq!((status, body["__type"].as_str()), (400, Some("SerializationException")));
    let (status, body) = server.aws_raw("FlyToTheMoon", "{}").await;
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    let (status, body) = server.aws_raw("ListStateMachines", &" ".repeat(5 * 1024 * 1024)).await;
    assert_eq!((status, body["__type"].as_str()), (413, Some("RequestEntityTooLargeException")));
}

#[tokio::test]
async fn stopping_a_running_execution_aborts_it() {
    let server = Server::start().await;
    let c = server.client();
    let wait = r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#;
    let arn = create(&c, "waits", wait).await;
    let started = c.start_execution().state_machine_arn(&arn).send().await.unwrap();
    let running = c.describe_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    assert_eq!(running.status, ExecutionStatus::Running);
    c.stop_execution().execution_arn(&started.execution_arn).error("Halt").cause("by test").send().await.unwrap();
    let d = c.describe_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    assert_eq!((d.status, d.error.as_deref()), (ExecutionStatus::Aborted, Some("Halt")));
    // An aborted execution may be redriven: it resumes in its Wait.
    c.redrive_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    let d = c.describe_execution().execution_arn(&started.execution_arn).send().await.unwrap();
    assert_eq!((d.status, d.redrive_count), (ExecutionStatus::Running, Some(1)));
    let (code, _) = error(c.redrive_execution().execution_arn(&started.execution_arn).send().await);
    assert_eq!(code, "ExecutionNotRedrivable", "a running execution is not redrivable");
}

#[tokio::test]
async fn map_runs_and_test_state_answer_clearly() {
    let server = Server::start().await;
    let c = server.client();
    let arn = create(&c, "m", PASS).await;
    let started = c.start_execution().state_machine_arn(&arn).send().await.unwrap();
    let runs = c.list_map_runs().execution_arn(&started.execution_arn).send().await.unwrap();
    assert!(runs.map_runs.is_empty());
    let run = format!("arn:aws:states:us-east-1:000000000000:mapRun:m/x:{}", "1");
    let (code, msg) = error(c.describe_map_run().map_run_arn(&run).send().await);
    assert_eq!((code.as_str(), msg), ("ResourceNotFound", format!("Resource not found: '{run}'")));
    let (code, _) = error(c.update_map_run().map_run_arn(&run).max_concurrency(2).send().await);
    assert_eq!(code, "ResourceNotFound");
}
