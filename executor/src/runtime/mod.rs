//! Function runtimes: how one call of a registered function is carried out.

pub mod command;
pub mod url;

use serde_json::{json, Value};

use crate::FunctionError;

/// Default time a function may run when its spec sets none.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Largest result a function may return (Lambda's synchronous response limit).
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// Builds a Lambda-style error payload.
pub fn error_payload(error_type: &str, message: &str) -> FunctionError {
    let payload = json!({"errorMessage": message, "errorType": error_type});
    FunctionError { error_type: error_type.into(), payload_text: payload.to_string() }
}

/// Interprets a function's error body: a `{"errorType", "errorMessage", …}` object keeps its
/// text and names the error; anything else becomes `fallback_type` with the text as message.
pub fn parse_error_body(text: &str, fallback_type: &str) -> FunctionError {
    if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(text) {
        if let Some(t) = o.get("errorType").and_then(Value::as_str) {
            return FunctionError { error_type: t.to_string(), payload_text: text.trim().to_string() };
        }
    }
    error_payload(fallback_type, text.trim())
}

/// The timeout error AWS Lambda reports.
pub fn timed_out(secs: u64) -> FunctionError {
    error_payload("Sandbox.Timedout", &format!("Task timed out after {secs}.00 seconds"))
}
