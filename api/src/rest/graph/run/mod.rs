//! What happened to each state of an execution, computed from its history: status (`notrun`,
//! `running`, `succeeded`, `failed`, `caught`, `cancelled`), retries, payloads, error and timing,
//! with Map iterations nested, and a timeline of every state entry and task attempt.

mod tree;
mod visits;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

pub use tree::run_view;

/// What happened to a state, best first when several runs of it are summed up (a failure shows
/// over a success).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    NotRun,
    Succeeded,
    Cancelled,
    Caught,
    Running,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotRun => "notrun",
            Status::Succeeded => "succeeded",
            Status::Cancelled => "cancelled",
            Status::Caught => "caught",
            Status::Running => "running",
            Status::Failed => "failed",
        }
    }
}

/// A state's run: the latest entry's details, with counts over all entries.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StateRun {
    pub name: String,
    #[serde(rename = "type")]
    pub state_type: String,
    /// `notrun`, `running`, `succeeded`, `failed`, `caught` or `cancelled`.
    pub status: String,
    /// How many times the state was entered (over all iterations in this view).
    pub visits: usize,
    /// Task attempts beyond the first, over all entries.
    pub retries: usize,
    /// Id of the `…StateEntered` event of the latest entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered_event: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exited: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The task attempts of the latest entry.
    pub attempts: Vec<AttemptView>,
    /// For a Map state: its iterations, each with the states of its processor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<Vec<IterationRun>>,
    /// More iterations ran than are listed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub iterations_truncated: bool,
}

/// One attempt of a Task (the first, then each retry).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    pub number: usize,
    pub scheduled: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<i64>,
    /// `running`, `succeeded`, `failed` or `timedout`.
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// One iteration of a Map state.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IterationRun {
    pub index: usize,
    pub status: String,
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The processor's states in this iteration, by name.
    #[schema(value_type = Object)]
    pub states: BTreeMap<String, StateRun>,
}

/// One bar of the timeline: a state entry, with its task attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub state: String,
    #[serde(rename = "type")]
    pub state_type: String,
    /// The Map iterations it ran in, e.g. `Items[3]`; empty at the top level.
    pub iteration: String,
    /// Id of the `…StateEntered` event.
    pub event: u64,
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    pub status: String,
    pub attempts: Vec<AttemptView>,
}

/// The run of a whole execution.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    /// The execution's status (`RUNNING`, `SUCCEEDED`, …).
    pub status: String,
    /// Every state of the machine by name, summed up over all Map iterations.
    #[schema(value_type = Object)]
    pub states: BTreeMap<String, StateRun>,
    pub timeline: Vec<Span>,
    /// The timeline lists the first entries only.
    pub timeline_truncated: bool,
}
