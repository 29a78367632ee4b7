//! `arn:aws:states:::aws-sdk:sfn:<action>`: a Task that calls this server's own Step Functions
//! API, as AWS's SDK integration calls the real one. Parameters and results use the SDK's
//! member names (`TaskToken`, `ExecutionArn`); errors are `Sfn.<Exception>` with the SDK's cause.

use std::sync::Arc;

use engine::invoker::{BoxFuture, InvokeContext, SdkService};
use serde_json::{Map, Value};
use state_lang::Failure;

use super::{run, AwsError, Caller, Operation};
use crate::AppState;

/// Members whose value the API takes as JSON text: the SDK integration also accepts a value there
/// and sends its JSON text.
const JSON_TEXT_MEMBERS: [&str; 3] = ["input", "output", "definition"];

impl SdkService for AppState {
    fn call(
        self: Arc<Self>,
        service: String,
        action: String,
        parameters: Value,
        ctx: InvokeContext,
    ) -> BoxFuture<'static, Result<Value, Failure>> {
        Box::pin(async move {
            if service != "sfn" {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("The aws-sdk service '{service}' is not supported by Cairn (supported: sfn)"),
                ));
            }
            let Some(op) = operation(&action) else {
                return Err(Failure::new(
                    "States.Runtime",
                    format!("'{action}' is not an action of the aws-sdk:sfn integration"),
                ));
            };
            let req = match parameters {
                Value::Null => Value::Object(Map::new()),
                Value::Object(m) => request(m),
                other => {
                    return Err(Failure::new(
                        "States.Runtime",
                        format!("The parameters of aws-sdk:sfn:{action} must be an object, not {other}"),
                    ))
                }
            };
            let who = Caller { region: ctx.region, account: ctx.account };
            match run(&self, &who, op, &req).await {
                Ok(v) => Ok(response(v)),
                Err(e) => Err(failure(e)),
            }
        })
    }
}

/// `sendTaskSuccess` → `SendTaskSuccess`; TestState is not reachable from a Task.
fn operation(action: &str) -> Option<Operation> {
    let mut chars = action.chars();
    let first = chars.next()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    let name: String = first.to_ascii_uppercase().to_string() + chars.as_str();
    Operation::parse(&name).filter(|op| *op != Operation::TestState)
}

fn with_first(key: &str, upper: bool) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if upper => c.to_ascii_uppercase().to_string() + chars.as_str(),
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// SDK member names to the API's (`StateMachineArn` → `stateMachineArn`), all the way down.
fn request(members: Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (k, v) in members {
        let key = with_first(&k, false);
        let value = match v {
            v if JSON_TEXT_MEMBERS.contains(&key.as_str()) && !v.is_string() => Value::String(v.to_string()),
            Value::Object(m) => request(m),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|i| if let Value::Object(m) = i { request(m) } else { i }).collect())
            }
            v => v,
        };
        out.insert(key, value);
    }
    Value::Object(out)
}

/// The API's member names to the SDK's (`executionArn` → `ExecutionArn`), all the way down.
fn response(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (with_first(&k, true), response(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(response).collect()),
        v => v,
    }
}

/// `InvalidToken` → `Sfn.InvalidTokenException`, with the SDK's cause text.
fn failure(e: AwsError) -> Failure {
    let exception = engine::invoker::sdk_exception_name(e.kind);
    let request_id = uuid::Uuid::new_v4();
    Failure::new(
        format!("Sfn.{exception}"),
        format!(
            "{} (Service: Sfn, Status Code: {}, Request ID: {request_id}) (SDK Attempt Count: 1)",
            e.message,
            e.status.as_u16()
        ),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn actions_name_operations() {
        assert_eq!(operation("sendTaskSuccess"), Some(Operation::SendTaskSuccess));
        assert_eq!(operation("startExecution"), Some(Operation::StartExecution));
        assert_eq!(operation("SendTaskSuccess"), None);
        assert_eq!(operation("testState"), None);
        assert_eq!(operation("publish"), None);
        assert_eq!(operation(""), None);
    }

    #[test]
    fn members_are_renamed_both_ways() {
        let req = request(
            json!({"StateMachineArn": "arn", "Input": {"a": {"B": 1}}, "Tags": [{"Key": "k", "Value": "v"}]})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        assert_eq!(
            req,
            json!({"stateMachineArn": "arn", "input": "{\"a\":{\"B\":1}}", "tags": [{"key": "k", "value": "v"}]})
        );
        let resp = response(json!({"executionArn": "x", "startDate": 1.5, "items": [{"name": "n"}]}));
        assert_eq!(resp, json!({"ExecutionArn": "x", "StartDate": 1.5, "Items": [{"Name": "n"}]}));
    }

    #[test]
    fn errors_name_the_sdk_exception() {
        let f = failure(AwsError::new("InvalidToken", "Invalid Token: 'Invalid token'"));
        assert_eq!(f.error, "Sfn.InvalidTokenException");
        let cause = f.cause.unwrap_or_default();
        assert!(
            cause.starts_with("Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400, Request ID: "),
            "{cause}"
        );
        assert!(cause.ends_with(") (SDK Attempt Count: 1)"), "{cause}");
        assert_eq!(failure(AwsError::validation("bad")).error, "Sfn.ValidationException");
    }
}
