//! The context object (`$$` in JSONPath, `$states.context` in JSONata): execution, state machine,
//! state, task token and Map item, as AWS builds it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// What an execution knows about itself, fixed at start.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecInfo {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub state_machine_name: String,
    pub role_arn: String,
    pub start_time: DateTime<Utc>,
    /// Shared: the interpreter takes a copy of this info at every step.
    pub input: std::sync::Arc<Value>,
    #[serde(default)]
    pub redrive_count: u32,
    /// The mock configuration's test case this execution runs (`…:stateMachine:Name#Case`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_case: Option<String>,
}

/// AWS's timestamp text in the context object: ISO-8601 with milliseconds and `Z`.
pub fn iso_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Per-state parts of the context object.
pub struct StateCtx<'a> {
    pub name: &'a str,
    pub entered: DateTime<Utc>,
    /// `None` for states that cannot retry (AWS leaves `RetryCount` out for them).
    pub retry_count: Option<u64>,
    pub task_token: Option<&'a str>,
    /// `(index, value)` of the Map item, while evaluating `ItemSelector`.
    pub map_item: Option<(usize, &'a Value)>,
}

pub fn build(info: &ExecInfo, st: &StateCtx<'_>) -> Value {
    let mut m = Map::new();
    m.insert(
        "Execution".into(),
        json!({
            "Id": info.arn,
            "Input": info.input,
            "StartTime": iso_millis(info.start_time),
            "Name": info.name,
            "RoleArn": info.role_arn,
            "RedriveCount": info.redrive_count,
        }),
    );
    m.insert("StateMachine".into(), json!({"Id": info.state_machine_arn, "Name": info.state_machine_name}));
    let mut state = Map::new();
    state.insert("EnteredTime".into(), json!(iso_millis(st.entered)));
    state.insert("Name".into(), json!(st.name));
    if let Some(n) = st.retry_count {
        state.insert("RetryCount".into(), json!(n));
    }
    m.insert("State".into(), Value::Object(state));
    if let Some(t) = st.task_token {
        m.insert("Task".into(), json!({"Token": t}));
    }
    if let Some((i, v)) = st.map_item {
        m.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
    }
    Value::Object(m)
}
