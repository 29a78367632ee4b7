//! The Lambda-shaped Task resources: `arn:aws:lambda:…:function:NAME` (the result as returned,
//! the error payload verbatim as cause) and `arn:aws:states:::lambda:invoke` (the result wrapped
//! as AWS wraps it, the error payload re-serialised compactly).

use serde_json::{json, Map, Value};
use state_lang::Failure;

use crate::functions::function_name;
use crate::FunctionError;

/// The failure a function error becomes: error = `errorType`, cause = the payload text.
pub fn failure_from(e: FunctionError, compact: bool) -> Failure {
    let cause = if compact {
        match serde_json::from_str::<Value>(&e.payload_text) {
            Ok(v) => v.to_string(),
            Err(_) => e.payload_text,
        }
    } else {
        e.payload_text
    };
    Failure::new(e.error_type, cause)
}

/// AWS's error for a function that does not exist.
pub fn not_found(name_or_arn: &str, region: &str, account: &str, request_id: &str) -> Failure {
    let name = function_name(name_or_arn);
    Failure::new(
        "Lambda.ResourceNotFoundException",
        format!(
            "Function not found: arn:aws:lambda:{region}:{account}:function:{name}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: {request_id}; Proxy: null)"
        ),
    )
}

/// `LogType: Tail` asks for the end of the function's log in the result.
pub fn wants_log_tail(params: &Value) -> bool {
    params.get("LogType").and_then(Value::as_str) == Some("Tail")
}

/// `FunctionName` and `Payload` of a `lambda:invoke` call.
pub fn invoke_parameters(params: &Value) -> Result<(String, Value), Failure> {
    let Some(o) = params.as_object() else {
        return Err(Failure::new(
            "States.Runtime",
            "The lambda:invoke resource needs an object with FunctionName and Payload as its parameters",
        ));
    };
    let Some(name) = o.get("FunctionName").and_then(Value::as_str) else {
        return Err(Failure::new(
            "States.Runtime",
            "The field 'FunctionName' is required by the lambda:invoke resource",
        ));
    };
    // Lambda receives the payload's bytes: a string is sent as the JSON text it holds, and no
    // payload at all arrives as an empty object.
    let payload = match o.get("Payload") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
        Some(v) => v.clone(),
    };
    Ok((name.to_string(), payload))
}

/// The `lambda:invoke` result as AWS returns it.
pub fn wrap_invoke_result(payload: Value, request_id: &str, now_http_date: &str) -> Value {
    let mut headers = Map::new();
    headers.insert("Connection".into(), json!("keep-alive"));
    headers.insert("Content-Type".into(), json!("application/json"));
    headers.insert("Date".into(), json!(now_http_date));
    headers.insert("X-Amz-Executed-Version".into(), json!("$LATEST"));
    headers.insert("x-amzn-Remapped-Content-Length".into(), json!("0"));
    headers.insert("x-amzn-RequestId".into(), json!(request_id));
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": headers.iter().map(|(k, v)| (k.clone(), json!([v]))).collect::<Map<String, Value>>(),
            "HttpHeaders": headers,
            "HttpStatusCode": 200
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoke_errors_are_recompacted_and_function_arn_errors_kept_verbatim() {
        let text = r#"{"errorMessage": "boom", "errorType": "Exception"}"#;
        let e = FunctionError { error_type: "Exception".into(), payload_text: text.into() };
        assert_eq!(failure_from(e.clone(), false).cause.as_deref(), Some(text));
        assert_eq!(failure_from(e, true).cause.as_deref(), Some(r#"{"errorMessage":"boom","errorType":"Exception"}"#));
    }

    #[test]
    fn not_found_names_the_latest_version() {
        let f = not_found("arn:aws:lambda:us-east-1:1:function:nope", "eu-west-1", "123", "r-1");
        assert_eq!(f.error, "Lambda.ResourceNotFoundException");
        assert!(f.cause.unwrap().starts_with("Function not found: arn:aws:lambda:eu-west-1:123:function:nope:$LATEST"));
    }

    #[test]
    fn invoke_parameters_need_a_function_name() {
        assert!(invoke_parameters(&json!({"Payload": 1})).is_err());
        assert_eq!(invoke_parameters(&json!({"FunctionName": "f"})).unwrap(), ("f".into(), json!({})));
        assert_eq!(invoke_parameters(&json!({"FunctionName": "f", "Payload": "[1]"})).unwrap().1, json!([1]));
    }
}
