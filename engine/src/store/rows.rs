//! Rows as the SQL stores write and read them: commits turned into owned, serialised writes (so
//! that they can be queued for the group-commit writer), and rows turned back into records.

use chrono::{DateTime, TimeZone, Utc};

use super::{waiting_on, Commit, ExecutionRecord, MachineType, StateMachineRecord, StoreResult, StoredExecution};
use crate::history::HistoryEvent;
use crate::interp::ExecStatus;
use crate::EngineError;

/// A database failure, as the engine reports it.
pub(crate) fn db(e: sqlx::Error) -> EngineError {
    EngineError::Storage(e.to_string())
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::Storage(format!("stored {what} cannot be read: {e}"))
}

fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| EngineError::Storage(format!("cannot serialise: {e}")))
}

/// One event, ready to insert.
pub(crate) struct EventWrite {
    pub id: i64,
    pub previous_event_id: i64,
    pub timestamp: DateTime<Utc>,
    pub event_type: String,
    pub details: Option<String>,
}

/// An execution's summary row, snapshot and new events: what one step writes.
pub(crate) struct ExecWrite {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub status: &'static str,
    pub start: DateTime<Utc>,
    pub stop: Option<DateTime<Utc>>,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrive_count: i64,
    pub state: String,
    /// The event count before this step: the row must still say so (no other writer got there).
    pub prev_event_count: i64,
    pub event_count: i64,
    /// Epoch milliseconds of the earliest pending timer.
    pub wake_at: Option<i64>,
    pub tasks: i64,
    pub events: Vec<EventWrite>,
}

/// A write queued for the group-commit writer.
pub(crate) enum Write {
    Create(ExecWrite),
    Commit(ExecWrite),
}

impl Write {
    pub fn exec(&self) -> &ExecWrite {
        match self {
            Write::Create(w) | Write::Commit(w) => w,
        }
    }
}

impl ExecWrite {
    pub fn from_commit(c: &Commit<'_>) -> StoreResult<Self> {
        let r = c.record;
        let (wake, tasks) = waiting_on(c.state);
        let events = c
            .events
            .iter()
            .map(|e| {
                Ok(EventWrite {
                    id: e.id as i64,
                    previous_event_id: e.previous_event_id as i64,
                    timestamp: e.timestamp,
                    event_type: e.event_type.clone(),
                    details: e.details.as_ref().map(to_json).transpose()?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ExecWrite {
            arn: r.arn.clone(),
            name: r.name.clone(),
            state_machine_arn: r.state_machine_arn.clone(),
            status: r.status.as_str(),
            start: r.start,
            stop: r.stop,
            input: to_json(&r.input)?,
            output: r.output.as_ref().map(to_json).transpose()?,
            error: r.error.clone(),
            cause: r.cause.clone(),
            redrive_count: i64::from(r.redrive_count),
            state: to_json(c.state)?,
            prev_event_count: (c.state.event_count as i64) - (c.events.len() as i64),
            event_count: c.state.event_count as i64,
            wake_at: wake.map(|t| t.timestamp_millis()),
            tasks: tasks as i64,
            events,
        })
    }
}

pub(crate) fn millis_to_time(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

#[derive(sqlx::FromRow)]
pub(crate) struct StateMachineRow {
    pub arn: String,
    pub name: String,
    pub definition: String,
    pub machine_type: String,
    pub role_arn: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub description: Option<String>,
}

impl StateMachineRow {
    pub fn into_record(self) -> StoreResult<StateMachineRecord> {
        let machine_type =
            MachineType::parse(&self.machine_type).ok_or_else(|| corrupt("machine type", &self.machine_type))?;
        Ok(StateMachineRecord {
            arn: self.arn,
            name: self.name,
            definition: self.definition,
            machine_type,
            role_arn: self.role_arn,
            created: self.created,
            updated: self.updated,
            description: self.description,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ExecutionRow {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub status: String,
    pub start_date: DateTime<Utc>,
    pub stop_date: Option<DateTime<Utc>>,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrive_count: i64,
}

impl ExecutionRow {
    pub fn into_record(self) -> StoreResult<ExecutionRecord> {
        let status = ExecStatus::parse(&self.status).ok_or_else(|| corrupt("status", &self.status))?;
        let input = serde_json::from_str(&self.input).map_err(|e| corrupt("input", e))?;
        let output = match &self.output {
            Some(o) => Some(serde_json::from_str(o).map_err(|e| corrupt("output", e))?),
            None => None,
        };
        Ok(ExecutionRecord {
            arn: self.arn,
            name: self.name,
            state_machine_arn: self.state_machine_arn,
            status,
            start: self.start_date,
            stop: self.stop_date,
            input,
            output,
            error: self.error,
            cause: self.cause,
            redrive_count: u32::try_from(self.redrive_count).unwrap_or(0),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SnapshotRow {
    #[sqlx(flatten)]
    pub execution: ExecutionRow,
    pub definition: String,
    pub state: String,
}

impl SnapshotRow {
    pub fn into_stored(self) -> StoreResult<StoredExecution> {
        let state = serde_json::from_str(&self.state).map_err(|e| corrupt("execution state", e))?;
        Ok(StoredExecution { record: self.execution.into_record()?, state, definition: self.definition })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub id: i64,
    pub previous_event_id: i64,
    pub timestamp: DateTime<Utc>,
    pub event_type: String,
    pub details: Option<String>,
}

impl EventRow {
    pub fn into_event(self) -> StoreResult<HistoryEvent> {
        let details = match &self.details {
            Some(d) => Some(serde_json::from_str(d).map_err(|e| corrupt("event details", e))?),
            None => None,
        };
        Ok(HistoryEvent {
            id: self.id as u64,
            previous_event_id: self.previous_event_id as u64,
            timestamp: self.timestamp,
            event_type: self.event_type,
            details,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnfinishedRow {
    pub id: i64,
    pub arn: String,
    pub wake_at: Option<i64>,
    pub tasks: i64,
}

impl UnfinishedRow {
    pub fn into_unfinished(self) -> super::Unfinished {
        super::Unfinished {
            arn: self.arn,
            wake_at: self.wake_at.and_then(millis_to_time),
            tasks: usize::try_from(self.tasks).unwrap_or(0),
        }
    }
}

/// `limit` 0 means all rows.
pub(crate) fn sql_limit(limit: usize) -> i64 {
    if limit == 0 {
        i64::MAX
    } else {
        i64::try_from(limit).unwrap_or(i64::MAX)
    }
}
