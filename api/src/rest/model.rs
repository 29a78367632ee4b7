//! The REST API's resource shapes (camelCase JSON, RFC 3339 timestamps), built from the engine's
//! records.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use engine::history::HistoryEvent;
use engine::store::{ExecutionRecord, StateMachineRecord};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Timestamps as RFC 3339 with milliseconds, in UTC.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A state machine with its definition.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateMachine {
    pub arn: String,
    pub name: String,
    /// `STANDARD` or `EXPRESS`.
    #[serde(rename = "type")]
    pub machine_type: String,
    pub role_arn: String,
    /// The definition as submitted (ASL JSON text).
    pub definition: String,
    pub created: String,
    pub updated: String,
}

impl From<&StateMachineRecord> for StateMachine {
    fn from(r: &StateMachineRecord) -> Self {
        StateMachine {
            arn: r.arn.clone(),
            name: r.name.clone(),
            machine_type: r.machine_type.as_str().into(),
            role_arn: r.role_arn.clone(),
            definition: r.definition.clone(),
            created: time(r.created),
            updated: time(r.updated),
        }
    }
}

/// A state machine in a listing, with how its recent executions ended.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineSummary {
    pub arn: String,
    pub name: String,
    #[serde(rename = "type")]
    pub machine_type: String,
    pub created: String,
    pub recent_executions: RecentExecutions,
}

/// Counts by status over the most recent executions of a state machine.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecentExecutions {
    /// How many executions were counted (at most the most recent [`RECENT_WINDOW`]).
    pub counted: usize,
    /// Whether there are more executions than were counted.
    pub more: bool,
    pub by_status: BTreeMap<String, usize>,
    /// When the most recent execution started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_start: Option<String>,
}

/// How many recent executions a listing counts per state machine.
pub const RECENT_WINDOW: usize = 1000;

/// An execution; `input`/`output` are JSON values.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    pub status: String,
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<String>,
    /// Milliseconds from start to stop (to now while running).
    pub duration_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    pub redrive_count: u32,
}

/// Whether an execution's payloads are part of the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payloads {
    Included,
    Omitted,
}

impl Execution {
    pub fn from_record(r: &ExecutionRecord, payloads: Payloads) -> Self {
        let end = r.stop.unwrap_or_else(Utc::now);
        let full = payloads == Payloads::Included;
        Execution {
            arn: r.arn.clone(),
            name: r.name.clone(),
            state_machine_arn: r.state_machine_arn.clone(),
            status: r.status.as_str().into(),
            start: time(r.start),
            stop: r.stop.map(time),
            duration_ms: (end - r.start).num_milliseconds().max(0),
            input: full.then(|| r.input.clone()),
            output: if full { r.output.clone() } else { None },
            error: r.error.clone(),
            cause: r.cause.clone(),
            redrive_count: r.redrive_count,
        }
    }
}

/// One history event: AWS's type name and `…EventDetails` members (payloads as JSON text, as AWS
/// records them).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl From<&HistoryEvent> for Event {
    fn from(e: &HistoryEvent) -> Self {
        Event {
            id: e.id,
            previous_event_id: e.previous_event_id,
            timestamp: time(e.timestamp),
            event_type: e.event_type.clone(),
            details: e.details.clone(),
        }
    }
}
