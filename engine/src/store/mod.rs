//! Storage of state machines, executions and their histories, behind the [`Store`] trait. The
//! execution row is a summary written together with the events it summarises.

mod batch;
pub mod memory;
pub mod postgres;
mod rows;
pub mod sqlite;
pub mod tiered;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::history::HistoryEvent;
use crate::interp::{ExecState, ExecStatus, Interpreter, Terminal};
use crate::invoker::BoxFuture;

pub use batch::CommitStats;

pub type StoreResult<T> = Result<T, crate::EngineError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MachineType {
    Standard,
    Express,
}

impl MachineType {
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "STANDARD" => Some(MachineType::Standard),
            "EXPRESS" => Some(MachineType::Express),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateMachineRecord {
    pub arn: String,
    pub name: String,
    pub definition: String,
    pub machine_type: MachineType,
    pub role_arn: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecutionRecord {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub status: ExecStatus,
    pub start: DateTime<Utc>,
    pub stop: Option<DateTime<Utc>>,
    pub input: Value,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrive_count: u32,
}

impl ExecutionRecord {
    pub fn apply_terminal(&mut self, t: &Terminal, at: DateTime<Utc>) {
        self.status = t.status();
        self.stop = Some(at);
        match t {
            Terminal::Succeeded(v) => self.output = Some(v.clone()),
            Terminal::Failed(f) | Terminal::TimedOut(f) | Terminal::Aborted(f) => {
                self.error = (!f.error.is_empty()).then(|| f.error.clone());
                self.cause = f.cause.clone();
            }
        }
    }
}

/// Filter and page of a listing.
#[derive(Debug, Clone, Default)]
pub struct ExecutionFilter {
    pub state_machine_arn: Option<String>,
    pub status: Option<ExecStatus>,
    /// Continue after this many records.
    pub offset: usize,
    pub limit: usize,
}

/// One committed step of an execution.
pub struct Commit<'a> {
    pub record: &'a ExecutionRecord,
    pub state: &'a ExecState,
    pub events: &'a [HistoryEvent],
}

/// An unfinished execution as recovery sees it: what it waits for, without its state.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfinished {
    pub arn: String,
    /// Due time of its earliest pending timer.
    pub wake_at: Option<DateTime<Utc>>,
    /// Task attempts without a recorded result, to be sent again.
    pub tasks: usize,
}

/// Everything needed to continue an execution from its last commit.
#[derive(Debug, Clone)]
pub struct StoredExecution {
    pub record: ExecutionRecord,
    pub state: ExecState,
    /// The definition the execution started with (the machine may have been updated since).
    pub definition: String,
}

/// What an execution waits for, derived from its state: the earliest timer and the number of
/// task attempts in flight. Durable stores keep it beside the snapshot for recovery and parking.
pub fn waiting_on(state: &ExecState) -> (Option<DateTime<Utc>>, usize) {
    Interpreter::waiting_on(state)
}

/// Opens the store a URL names: `memory`, `sqlite://PATH` (created if missing) or
/// `postgres://…` (shared by every process given the same URL, each with its own lease).
pub async fn open(url: &str, lease: postgres::LeaseConfig) -> StoreResult<std::sync::Arc<dyn Store>> {
    if url == "memory" {
        return Ok(std::sync::Arc::new(memory::MemoryStore::new()));
    }
    if url.starts_with("sqlite:") {
        let durable = std::sync::Arc::new(sqlite::SqliteStore::open(url).await?);
        return Ok(std::sync::Arc::new(tiered::TieredStore::new(durable)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let durable = std::sync::Arc::new(postgres::PostgresStore::open(url, lease).await?);
        return Ok(std::sync::Arc::new(tiered::TieredStore::new(durable)));
    }
    Err(crate::EngineError::Validation(format!(
        "unsupported database URL '{url}': use memory, sqlite://PATH or postgres://…"
    )))
}

/// A created activity.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActivityRecord {
    pub arn: String,
    pub name: String,
    pub created: DateTime<Utc>,
}

pub trait Store: Send + Sync + 'static {
    fn put_state_machine(&self, rec: StateMachineRecord, replace: bool) -> BoxFuture<'_, StoreResult<()>>;
    fn get_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StateMachineRecord>>>;
    fn list_state_machines(&self) -> BoxFuture<'_, StoreResult<Vec<StateMachineRecord>>>;
    fn delete_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>>;

    /// Creates the execution with its first events; fails with `ExecutionAlreadyExists` when the
    /// ARN is taken.
    fn create_execution(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>>;
    /// Appends events and updates the summary, atomically.
    fn commit(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>>;
    /// [`Store::create_execution`] handing the events over: a store that keeps them in memory
    /// need not copy them.
    fn create_execution_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        state: &'a ExecState,
        events: std::sync::Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move { self.create_execution(Commit { record, state, events: &events }).await })
    }
    /// [`Store::commit`] handing the events over.
    fn commit_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        state: &'a ExecState,
        events: std::sync::Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move { self.commit(Commit { record, state, events: &events }).await })
    }
    fn get_execution(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<ExecutionRecord>>>;
    fn list_executions(&self, filter: ExecutionFilter) -> BoxFuture<'_, StoreResult<Vec<ExecutionRecord>>>;
    /// Events with `id > after`, at most `limit`, in id order.
    fn history(&self, arn: &str, after: u64, limit: usize) -> BoxFuture<'_, StoreResult<Vec<HistoryEvent>>>;

    /// Does the store keep execution snapshots, so that an execution can leave memory while it
    /// waits and be continued after a restart?
    fn durable(&self) -> bool {
        false
    }
    /// Is this execution's state kept (so that it may leave memory while it waits)?
    fn keeps(&self, arn: &str) -> bool {
        let _ = arn;
        self.durable()
    }
    /// Every execution still running, as of the last commit, that this process should continue.
    /// A store shared by several processes claims them for this one.
    fn unfinished(&self) -> BoxFuture<'_, StoreResult<Vec<Unfinished>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// For a store shared by several processes: how often to look for executions whose owner
    /// stopped renewing its lease (with [`Store::unfinished`]).
    fn claim_interval(&self) -> Option<std::time::Duration> {
        None
    }
    /// Deletes executions (and their histories) that finished before `cutoff`; returns how many.
    fn delete_finished_before(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, StoreResult<u64>> {
        let _ = cutoff;
        Box::pin(async { Ok(0) })
    }
    /// For a store shared by several processes: hands a signal to the live process that advances
    /// the execution. `Ok(false)` when no other process does, so this one delivers it itself.
    fn forward_signal(&self, arn: &str, signal: &crate::interp::Signal) -> BoxFuture<'_, StoreResult<bool>> {
        let _ = (arn, signal);
        Box::pin(async { Ok(false) })
    }
    /// The signals other processes forwarded for executions this process advances.
    fn take_signals(&self) -> BoxFuture<'_, StoreResult<Vec<(String, crate::interp::Signal)>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// Keeps an activity (idempotent for the same ARN). Stores that keep nothing across a
    /// restart need not implement the activity methods.
    fn put_activity(&self, rec: ActivityRecord) -> BoxFuture<'_, StoreResult<()>> {
        let _ = rec;
        Box::pin(async { Ok(()) })
    }
    fn delete_activity(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let _ = arn;
        Box::pin(async { Ok(()) })
    }
    fn list_activities(&self) -> BoxFuture<'_, StoreResult<Vec<ActivityRecord>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// Keeps (`Some`) or deletes (`None`) a document of the API layer under (kind, key). Stores
    /// that keep nothing across a restart need not implement the resource methods.
    fn put_resource(&self, kind: &str, key: &str, body: Option<&str>) -> BoxFuture<'_, StoreResult<()>> {
        let _ = (kind, key, body);
        Box::pin(async { Ok(()) })
    }
    /// Every document of a kind, as (key, body).
    fn list_resources(&self, kind: &str) -> BoxFuture<'_, StoreResult<Vec<(String, String)>>> {
        let _ = kind;
        Box::pin(async { Ok(Vec::new()) })
    }
    /// The definition an execution started with (`None` when the store does not keep it).
    fn execution_definition(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<String>>> {
        let arn = arn.to_string();
        Box::pin(async move { Ok(self.load(&arn).await?.map(|s| s.definition)) })
    }
    /// The last committed snapshot of an execution (`None` from stores that keep none).
    fn load(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StoredExecution>>> {
        let _ = arn;
        Box::pin(async { Ok(None) })
    }
}
