//! History events with AWS's type names and detail fields. Every event is built here (the event
//! factory), so the shape of the history is defined in one place.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use state_lang::Failure;

/// One event of an execution's history. `details` is the AWS `…EventDetails` object (camelCase
/// members; `input`/`output`/`parameters` as JSON text), absent for events that carry none.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp: DateTime<Utc>,
    pub event_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl HistoryEvent {
    /// The name of the details member in AWS's JSON (`stateEnteredEventDetails`, …).
    pub fn details_key(event_type: &str) -> String {
        if event_type.ends_with("StateEntered") {
            return "stateEnteredEventDetails".into();
        }
        if event_type.ends_with("StateExited") {
            return "stateExitedEventDetails".into();
        }
        let mut s = String::with_capacity(event_type.len() + 12);
        let mut chars = event_type.chars();
        if let Some(c) = chars.next() {
            s.push(c.to_ascii_lowercase());
        }
        s.extend(chars);
        s.push_str("EventDetails");
        s
    }

    /// The event as GetExecutionHistory returns it (timestamp as epoch seconds).
    pub fn to_aws_json(&self, include_data: bool) -> Value {
        let mut m = Map::new();
        m.insert("timestamp".into(), json!(self.timestamp.timestamp_millis() as f64 / 1000.0));
        m.insert("type".into(), json!(self.event_type));
        m.insert("id".into(), json!(self.id));
        m.insert("previousEventId".into(), json!(self.previous_event_id));
        if let Some(d) = &self.details {
            let mut d = d.clone();
            if !include_data {
                if let Some(o) = d.as_object_mut() {
                    for k in ["input", "output", "parameters"] {
                        o.remove(k);
                    }
                }
            }
            m.insert(Self::details_key(&self.event_type), d);
        }
        Value::Object(m)
    }
}

/// Compact JSON text of a value, as AWS stores payloads in events.
pub fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Builders for the details of each event type.
pub mod details {
    use super::*;

    pub fn execution_started(input: &Value, role_arn: &str) -> Value {
        json!({"input": json_text(input), "inputDetails": {"truncated": false}, "roleArn": role_arn})
    }

    pub fn execution_succeeded(output: &Value) -> Value {
        json!({"output": json_text(output), "outputDetails": {"truncated": false}})
    }

    pub fn failure(f: &Failure) -> Value {
        let mut m = Map::new();
        if !f.error.is_empty() {
            m.insert("error".into(), json!(f.error));
        }
        if let Some(c) = &f.cause {
            m.insert("cause".into(), json!(c));
        }
        Value::Object(m)
    }

    pub fn failure_with_resource(f: &Failure, resource: &str, resource_type: &str) -> Value {
        let mut v = failure(f);
        if let Some(o) = v.as_object_mut() {
            o.insert("resource".into(), json!(resource));
            o.insert("resourceType".into(), json!(resource_type));
        }
        v
    }

    pub fn state_entered(name: &str, input: &Value) -> Value {
        json!({"name": name, "input": json_text(input), "inputDetails": {"truncated": false}})
    }

    pub fn state_exited(name: &str, output: &Value, assigned: Option<&Map<String, Value>>) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("output".into(), json!(json_text(output)));
        m.insert("outputDetails".into(), json!({"truncated": false}));
        if let Some(a) = assigned.filter(|a| !a.is_empty()) {
            let texts: Map<String, Value> = a.iter().map(|(k, v)| (k.clone(), json!(json_text(v)))).collect();
            m.insert("assignedVariables".into(), Value::Object(texts));
            m.insert("assignedVariablesDetails".into(), json!({"truncated": false}));
        }
        Value::Object(m)
    }

    pub fn map_iteration(name: &str, index: usize) -> Value {
        json!({"name": name, "index": index})
    }

    pub fn evaluation_failed(f: &Failure, state: &str, location: Option<&str>) -> Value {
        let mut v = failure(f);
        if let Some(o) = v.as_object_mut() {
            o.insert("state".into(), json!(state));
            if let Some(l) = location {
                o.insert("location".into(), json!(l));
            }
        }
        v
    }
}
