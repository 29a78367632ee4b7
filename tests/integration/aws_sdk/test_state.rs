//! TestState through the SDK: a Pass state with inspection data, a mocked Task error that a
//! Catch handles, and a Choice's next state.

use aws_sdk_sfn::types::{InspectionLevel, MockErrorOutput, MockInput, TestExecutionStatus};
use serde_json::{json, Value};

use super::harness::{error, Server};

#[tokio::test]
async fn test_state_runs_one_state_with_inspection_data() {
    let server = Server::start().await;
    let c = server.client();
    let pass =
        json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.x"}, "ResultPath": "$.r", "Next": "After"});
    let r = c
        .test_state()
        .definition(pass.to_string())
        .input(r#"{"a": {"x": 1}}"#)
        .inspection_level(InspectionLevel::Debug)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status, Some(TestExecutionStatus::Succeeded));
    assert_eq!(r.next_state.as_deref(), Some("After"));
    let out: Value = serde_json::from_str(r.output.as_deref().unwrap()).unwrap();
    assert_eq!(out, json!({"a": {"x": 1}, "r": {"b": 1}}));
    let data = r.inspection_data.expect("DEBUG inspection data");
    assert_eq!(data.after_input_path.as_deref(), Some(r#"{"x":1}"#));
    assert_eq!(data.after_parameters.as_deref(), Some(r#"{"b":1}"#));

    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
        "Catch": [{"ErrorEquals": ["Boom"], "Next": "Handler"}], "End": true});
    let mock = MockInput::builder().error_output(MockErrorOutput::builder().error("Boom").cause("bad").build()).build();
    let r = c.test_state().definition(task.to_string()).mock(mock).send().await.unwrap();
    assert_eq!(r.status, Some(TestExecutionStatus::CaughtError));
    assert_eq!(r.next_state.as_deref(), Some("Handler"));
    assert_eq!(r.error.as_deref(), Some("Boom"));

    let bad = c.test_state().definition(r#"{"Type": "Nope"}"#).send().await;
    assert_eq!(error(bad).0, "InvalidDefinition");
}
