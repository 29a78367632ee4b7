//! The `url` runtime: the event POSTed as JSON; a 2xx response body is the result, any other
//! status an error in the Lambda error shape.

use std::time::Duration;

use serde_json::Value;

use super::{error_payload, parse_error_body, timed_out, DEFAULT_TIMEOUT_SECS, MAX_RESPONSE_BYTES};
use crate::{FunctionError, FunctionSpec};

pub async fn call(
    client: &reqwest::Client,
    spec: &FunctionSpec,
    url: &str,
    event: &Value,
    attempt_key: &str,
) -> Result<Value, FunctionError> {
    let secs = spec.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let mut req = client
        .post(url)
        .timeout(Duration::from_secs(secs))
        .header("content-type", "application/json")
        .header("idempotency-key", attempt_key)
        .body(serde_json::to_vec(event).unwrap_or_default());
    for (k, v) in &spec.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return Err(timed_out(secs)),
        Err(e) => return Err(error_payload("Lambda.ServiceException", &format!("cannot reach {url}: {e}"))),
    };
    let status = resp.status();
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) if e.is_timeout() => return Err(timed_out(secs)),
        Err(e) => return Err(error_payload("Lambda.ServiceException", &format!("reading the response of {url}: {e}"))),
    };
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(error_payload(
            "Lambda.ResponseSizeTooLarge",
            &format!("Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."),
        ));
    }
    let text = String::from_utf8_lossy(&body);
    if !status.is_success() {
        return Err(parse_error_body(&text, "Unhandled"));
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| {
        error_payload("Lambda.InvalidResponseException", &format!("The function's response is not JSON: {e}"))
    })
}
