//! The corpus's Lambda functions (`lambdas[*].behaviour`) as pure code: what each answers to
//! an event, with the error causes exactly as the Lambda Python runtime and AWS build them.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};

use crate::pyfmt::{dumps, py_str, Dumps};

/// How the Task reached the function; it decides how AWS serializes an error's cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceStyle {
    /// `arn:aws:lambda:<region>:<account>:function:<name>`: the runtime's text verbatim.
    FunctionArn,
    /// `arn:aws:states:::lambda:invoke`: AWS re-serializes the cause compactly.
    LambdaInvoke,
}

/// A failed invocation: the Task fails with `error` and `cause`.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaError {
    pub error: String,
    /// `None` when AWS records no cause (a timeout).
    pub cause: Option<String>,
    /// Set for a function that sleeps this long and then answers like `identity`: the caller
    /// must time the Task out (`States.Timeout`, no cause) when its `TimeoutSeconds` is shorter.
    pub sleep_seconds: Option<f64>,
}

impl fmt::Display for LambdaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for LambdaError {}

impl LambdaError {
    fn new(error: impl Into<String>, cause: impl Into<String>) -> LambdaError {
        LambdaError { error: error.into(), cause: Some(cause.into()), sleep_seconds: None }
    }

    /// Whether this is the "sleeps past the timeout" marker rather than a function error.
    pub fn is_timeout(&self) -> bool {
        self.sleep_seconds.is_some()
    }
}

/// What the function named in `lambda:invoke` answers when it does not exist.
pub fn function_not_found(region: &str, account: &str, name: &str, request_id: &str) -> LambdaError {
    LambdaError::new(
        "Lambda.ResourceNotFoundException",
        format!(
            "Function not found: arn:aws:lambda:{region}:{account}:function:{name}:$LATEST \
             (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; \
             Request ID: {request_id}; Proxy: null)"
        ),
    )
}

/// Invoke a function with `behaviour` on `event`: its result, or how it failed.
pub fn invoke(behaviour: &Value, event: &Value, style: ResourceStyle) -> Result<Value, LambdaError> {
    let kind = behaviour.get("kind").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "identity" => Ok(event.clone()),
        "constant" => Ok(behaviour.get("value").cloned().unwrap_or(Value::Null)),
        "raise" => Err(raised(behaviour, style)),
        "return_bytes" => {
            let body = response_body(behaviour).unwrap_or_default();
            Ok(serde_json::from_str(&body).unwrap_or(Value::String(body)))
        }
        "sleep_then_identity" => Err(LambdaError {
            error: "States.Timeout".into(),
            cause: None,
            sleep_seconds: Some(behaviour.get("sleep_seconds").and_then(Value::as_f64).unwrap_or(60.0)),
        }),
        "format_string" => {
            let template = behaviour.get("template").and_then(Value::as_str).unwrap_or("{event}");
            Ok(Value::String(template.replace("{event}", &py_str(event))))
        }
        other => Err(LambdaError::new(
            "Lambda.Unknown",
            format!("the corpus function behaviour {other:?} cannot be reproduced"),
        )),
    }
}

/// The exact bytes a `return_bytes` function answers with.
pub fn response_body(behaviour: &Value) -> Option<String> {
    if let Some(text) = behaviour.get("value_utf8").and_then(Value::as_str) {
        return Some(text.to_string());
    }
    let repeated = behaviour.get("value_utf8_repeated")?;
    let ch = repeated.get("char").and_then(Value::as_str)?;
    let count = repeated.get("count").and_then(Value::as_u64)?;
    Some(ch.repeat(usize::try_from(count).ok()?))
}

/// The uncaught-exception object of the Lambda Python runtime, serialized as AWS shows it.
fn raised(behaviour: &Value, style: ResourceStyle) -> LambdaError {
    let error_type = behaviour.get("error_type").and_then(Value::as_str).unwrap_or("Exception");
    let custom = behaviour.get("custom_exception").and_then(Value::as_bool).unwrap_or(false);
    let message = if custom { "" } else { behaviour.get("message").and_then(Value::as_str).unwrap_or_default() };
    // The recorded handlers: `raise Exception("…")` on line 2, or a custom exception class
    // whose constructor takes no message on line 9.
    let frame = if custom {
        format!("  File \"/var/task/handler.py\", line 9, in handler\n    raise {error_type}()\n")
    } else {
        format!("  File \"/var/task/handler.py\", line 2, in handler\n    raise {error_type}(\"{message}\")\n")
    };
    let object = json!({
        "errorMessage": message,
        "errorType": error_type,
        "requestId": next_request_id(),
        "stackTrace": [frame],
    });
    let cause = match style {
        ResourceStyle::FunctionArn => dumps(&object, Dumps::DEFAULT),
        ResourceStyle::LambdaInvoke => dumps(&object, Dumps::COMPACT_UNICODE),
    };
    LambdaError::new(error_type, cause)
}

/// A fresh UUID-shaped request id. The comparator numbers distinct ids (`<uuid:N>`), so each
/// invocation needs its own; a process-wide sequence gives that without a random source.
pub fn next_request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("c0ffee00-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise_behaviour(custom: bool) -> Value {
        if custom {
            json!({"kind": "raise", "error_type": "CustomException", "message": "", "custom_exception": true})
        } else {
            json!({"kind": "raise", "error_type": "Exception", "message": "Some exception was raised."})
        }
    }

    fn cause_without_request_id(e: &LambdaError) -> String {
        let cause = e.cause.clone().unwrap_or_default();
        let start = cause.find("c0ffee00-").unwrap_or(0);
        format!("{}<id>{}", &cause[..start], &cause[start + 36..])
    }

    #[test]
    fn identity_and_constant() {
        let event = json!({"k": [1, 1.0]});
        assert_eq!(invoke(&json!({"kind": "identity"}), &event, ResourceStyle::FunctionArn), Ok(event.clone()));
        assert_eq!(invoke(&json!({"kind": "identity"}), &Value::Null, ResourceStyle::LambdaInvoke), Ok(Value::Null));
        let constant = json!({"kind": "constant", "value": {"Return": "HelloWorld"}});
        assert_eq!(invoke(&constant, &event, ResourceStyle::FunctionArn), Ok(json!({"Return": "HelloWorld"})));
    }

    #[test]
    fn raise_with_a_function_arn_keeps_python_spacing() {
        let err = invoke(&raise_behaviour(false), &Value::Null, ResourceStyle::FunctionArn);
        let Err(err) = err else { panic!("expected an error") };
        assert_eq!(err.error, "Exception");
        assert_eq!(
            cause_without_request_id(&err),
            r#"{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "<id>", "stackTrace": ["  File \"/var/task/handler.py\", line 2, in handler\n    raise Exception(\"Some exception was raised.\")\n"]}"#
        );
    }

    #[test]
    fn raise_through_lambda_invoke_is_compact() {
        let err = invoke(&raise_behaviour(true), &json!({}), ResourceStyle::LambdaInvoke);
        let Err(err) = err else { panic!("expected an error") };
        assert_eq!(err.error, "CustomException");
        assert_eq!(
            cause_without_request_id(&err),
            r#"{"errorMessage":"","errorType":"CustomException","requestId":"<id>","stackTrace":["  File \"/var/task/handler.py\", line 9, in handler\n    raise CustomException()\n"]}"#
        );
    }

    #[test]
    fn request_ids_are_fresh_uuids() {
        let (a, b) = (next_request_id(), next_request_id());
        assert_ne!(a, b);
        let shape = regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
        assert!(shape.is_ok_and(|rx| rx.is_match(&a)));
    }

    #[test]
    fn return_bytes_answers_the_bytes_as_json_when_they_are() {
        let hello = json!({"kind": "return_bytes", "value_utf8": "\"HelloWorld!\""});
        assert_eq!(invoke(&hello, &Value::Null, ResourceStyle::LambdaInvoke), Ok(json!("HelloWorld!")));
        let big = json!({"kind": "return_bytes", "value_utf8_repeated": {"char": "a", "count": 263168}});
        assert_eq!(response_body(&big).map(|b| b.len()), Some(263168));
        let got = invoke(&big, &Value::Null, ResourceStyle::LambdaInvoke);
        assert!(matches!(got, Ok(Value::String(s)) if s.len() == 263168));
    }

    #[test]
    fn sleep_then_identity_is_a_timeout_marker() {
        let b = json!({"kind": "sleep_then_identity", "sleep_seconds": 60});
        let Err(err) = invoke(&b, &json!({}), ResourceStyle::FunctionArn) else { panic!("expected the marker") };
        assert!(err.is_timeout());
        assert_eq!((err.error.as_str(), err.cause, err.sleep_seconds), ("States.Timeout", None, Some(60.0)));
    }

    #[test]
    fn format_string_uses_python_str_of_the_event() {
        let b = json!({"kind": "format_string", "template": "Got: {event}!"});
        let run = |e: Value| invoke(&b, &e, ResourceStyle::FunctionArn);
        assert_eq!(run(json!({"k": "v"})), Ok(json!("Got: {'k': 'v'}!")));
        assert_eq!(run(Value::Null), Ok(json!("Got: None!")));
        assert_eq!(run(json!(true)), Ok(json!("Got: True!")));
        assert_eq!(run(json!([1, 2.0, "x"])), Ok(json!("Got: [1, 2.0, 'x']!")));
        assert_eq!(run(json!("s")), Ok(json!("Got: s!")));
    }

    #[test]
    fn unknown_function_through_lambda_invoke() {
        let e = function_not_found("us-east-1", "111111111111", "nope", "abc");
        assert_eq!(e.error, "Lambda.ResourceNotFoundException");
        assert_eq!(
            e.cause.as_deref(),
            Some("Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: abc; Proxy: null)")
        );
    }
}
