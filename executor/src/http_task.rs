//! The HTTP Task (`arn:aws:states:::http:invoke`): AWS's parameters (`ApiEndpoint`, `Method`,
//! `Headers`, `QueryParameters`, `RequestBody`, `Transform`), AWS's result shape
//! (`Headers`, `ResponseBody`, `StatusCode`, `StatusText`) and error names
//! (`States.Http.StatusCode.<code>`, `States.Http.Socket`), and a host allow-list so that a
//! definition cannot reach hosts the server's operator did not allow.

use std::time::Duration;

use serde_json::{json, Map, Value};
use state_lang::Failure;

/// Which hosts HTTP Tasks may call.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// Allowed host names or addresses (exact, case-insensitive); `*` allows every host.
    allowed: Vec<String>,
}

impl Default for HttpPolicy {
    /// Loopback only.
    fn default() -> Self {
        HttpPolicy { allowed: Vec::new() }
    }
}

impl HttpPolicy {
    pub fn allowing(hosts: impl IntoIterator<Item = String>) -> Self {
        HttpPolicy { allowed: hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect() }
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        loopback || self.allowed.iter().any(|a| a == "*" || *a == host)
    }
}

fn param_error(message: impl Into<String>) -> Failure {
    Failure::new("States.Runtime", message)
}

/// A parameter value as text in a query string or form body.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `key=value` pairs of an object, arrays expanded as `Transform.RequestEncodingOptions.ArrayFormat` says.
fn encode_pairs(obj: &Map<String, Value>, array_format: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in obj {
        match v {
            Value::Array(items) => match array_format {
                "COMMAS" => out.push((k.clone(), items.iter().map(scalar_text).collect::<Vec<_>>().join(","))),
                "BRACKETS" => out.extend(items.iter().map(|i| (format!("{k}[]"), scalar_text(i)))),
                "INDICES" => out.extend(items.iter().enumerate().map(|(n, i)| (format!("{k}[{n}]"), scalar_text(i)))),
                _ => out.extend(items.iter().map(|i| (k.clone(), scalar_text(i)))),
            },
            other => out.push((k.clone(), scalar_text(other))),
        }
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn form(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

/// Calls the endpoint the parameters describe.
pub async fn invoke(client: &reqwest::Client, policy: &HttpPolicy, params: &Value) -> Result<Value, Failure> {
    let endpoint = params
        .get("ApiEndpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| param_error("The field 'ApiEndpoint' is required by the http:invoke resource"))?;
    let method = params.get("Method").and_then(Value::as_str).unwrap_or("GET").to_ascii_uppercase();
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| param_error(format!("The HTTP method '{method}' is not valid")))?;
    let mut url = reqwest::Url::parse(endpoint)
        .map_err(|e| param_error(format!("The ApiEndpoint '{endpoint}' is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(param_error(format!("The ApiEndpoint '{endpoint}' must use http or https")));
    }
    let host = url.host_str().unwrap_or("").to_string();
    if !policy.allows(&host) {
        return Err(Failure::new(
            "States.Permissions",
            format!("The HTTP Task may not call '{host}': the host is not in this server's allow-list (cairn serve --http-allow-host)"),
        ));
    }
    let transform = params.get("Transform").cloned().unwrap_or(Value::Null);
    let array_format = transform
        .pointer("/RequestEncodingOptions/ArrayFormat")
        .and_then(Value::as_str)
        .unwrap_or("INDICES")
        .to_string();
    if let Some(q) = params.get("QueryParameters").and_then(Value::as_object) {
        let mut qp = url.query_pairs_mut();
        for (k, v) in encode_pairs(q, &array_format) {
            qp.append_pair(&k, &v);
        }
    }
    let mut req = client.request(method, url).timeout(Duration::from_secs(60));
    let mut has_content_type = false;
    if let Some(h) = params.get("Headers").and_then(Value::as_object) {
        for (k, v) in h {
            has_content_type |= k.eq_ignore_ascii_case("content-type");
            req = req.header(k.as_str(), scalar_text(v));
        }
    }
    let url_encoded = transform.get("RequestBodyEncoding").and_then(Value::as_str) == Some("URL_ENCODED");
    match params.get("RequestBody") {
        None | Some(Value::Null) => {}
        Some(Value::Object(body)) if url_encoded => {
            if !has_content_type {
                req = req.header("content-type", "application/x-www-form-urlencoded");
            }
            req = req.body(form(&encode_pairs(body, &array_format)));
        }
        Some(Value::String(s)) => req = req.body(s.clone()),
        Some(body) => {
            if !has_content_type {
                req = req.header("content-type", "application/json");
            }
            req = req.body(body.to_string());
        }
    }
    let resp = req
        .send()
        .await
        .map_err(|e| Failure::new("States.Http.Socket", format!("The HTTP request to '{endpoint}' failed: {e}")))?;
    let status = resp.status();
    let mut headers = Map::new();
    for (name, value) in resp.headers() {
        let v = json!(value.to_str().unwrap_or_default());
        match headers.get_mut(name.as_str()) {
            Some(Value::Array(a)) => a.push(v),
            _ => {
                headers.insert(name.as_str().to_string(), json!([v]));
            }
        }
    }
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| Failure::new("States.Http.Socket", format!("Reading the response of '{endpoint}' failed: {e}")))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let result = json!({
        "Headers": headers,
        "ResponseBody": body,
        "StatusCode": status.as_u16(),
        "StatusText": status.canonical_reason().unwrap_or(""),
    });
    if status.is_success() {
        Ok(result)
    } else {
        Err(Failure::new(format!("States.Http.StatusCode.{}", status.as_u16()), result.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_always_allowed_and_other_hosts_only_when_listed() {
        let p = HttpPolicy::default();
        assert!(p.allows("127.0.0.1") && p.allows("localhost") && p.allows("[::1]"));
        assert!(!p.allows("example.com"));
        assert!(HttpPolicy::allowing(["Example.com".into()]).allows("example.com"));
        assert!(HttpPolicy::allowing(["*".into()]).allows("anything.test"));
    }

    #[test]
    fn arrays_are_encoded_in_the_requested_format() {
        let obj = json!({"a": [1, 2], "b": "x y"});
        let obj = obj.as_object().unwrap();
        assert_eq!(form(&encode_pairs(obj, "INDICES")), "a%5B0%5D=1&a%5B1%5D=2&b=x%20y");
        assert_eq!(form(&encode_pairs(obj, "REPEAT")), "a=1&a=2&b=x%20y");
        assert_eq!(form(&encode_pairs(obj, "COMMAS")), "a=1%2C2&b=x%20y");
        assert_eq!(form(&encode_pairs(obj, "BRACKETS")), "a%5B%5D=1&a%5B%5D=2&b=x%20y");
    }
}
