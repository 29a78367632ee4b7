//! The PostgreSQL store: shared by several Cairn processes. Each process owns the executions it
//! advances through a lease it keeps renewing; a commit is accepted only from the owner, and the
//! executions of a process that stopped renewing are claimed by the others
//! (`FOR UPDATE SKIP LOCKED`).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::batch::{Batcher, CommitStats, Sink};
use super::rows::{
    db, sql_limit, EventRow, ExecWrite, ExecutionRow, SnapshotRow, StateMachineRow, UnfinishedRow, Write,
};
use super::{
    Commit, ExecutionFilter, ExecutionRecord, StateMachineRecord, Store, StoreResult, StoredExecution, Unfinished,
};
use crate::history::HistoryEvent;
use crate::invoker::BoxFuture;
use crate::EngineError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The summary columns of an execution, as `ExecutionRow` reads them.
macro_rules! execution_columns {
    () => {
        "arn, name, state_machine_arn, status, start_date, stop_date, input, output, error, cause, redrive_count"
    };
}

/// Most executions claimed at once: a process takes its share and leaves the rest to others.
const CLAIM_BATCH: i64 = 1000;

/// How a process shares the database with others.
#[derive(Debug, Clone)]
pub struct LeaseConfig {
    /// This process's name in the `owner` column (unique per process).
    pub owner: String,
    /// How long a claim lasts without renewal; another process takes over after it.
    pub lease: Duration,
}

impl Default for LeaseConfig {
    fn default() -> Self {
        LeaseConfig { owner: uuid::Uuid::new_v4().to_string(), lease: Duration::from_secs(10) }
    }
}

pub struct PostgresStore {
    pool: PgPool,
    batcher: Batcher,
    lease: Arc<LeaseConfig>,
    renewal: tokio::task::JoinHandle<()>,
    /// Set once the first claim ran: only that one also takes back the executions this owner
    /// (a restarted process with the same node id) left, without waiting for its lease to lapse.
    reclaimed: std::sync::atomic::AtomicBool,
}

struct Writer {
    pool: PgPool,
    lease: Arc<LeaseConfig>,
}

fn lease_until(lease: &LeaseConfig) -> i64 {
    Utc::now().timestamp_millis() + i64::try_from(lease.lease.as_millis()).unwrap_or(i64::MAX / 2)
}

impl PostgresStore {
    /// Connects, applies the migrations and starts renewing this process's leases.
    pub async fn open(url: &str, lease: LeaseConfig) -> StoreResult<Self> {
        let pool = PgPoolOptions::new().max_connections(8).connect(url).await.map_err(db)?;
        MIGRATOR.run(&pool).await.map_err(|e| EngineError::Storage(e.to_string()))?;
        let lease = Arc::new(lease);
        let batcher = Batcher::spawn(Arc::new(Writer { pool: pool.clone(), lease: lease.clone() }));
        let renewal = tokio::spawn(renew(pool.clone(), lease.clone()));
        Ok(PostgresStore { pool, batcher, lease, renewal, reclaimed: Default::default() })
    }

    pub fn commit_stats(&self) -> &CommitStats {
        self.batcher.stats()
    }

    pub fn owner(&self) -> &str {
        &self.lease.owner
    }
}

/// Extends this process's leases three times per lease period (until the store is dropped).
async fn renew(pool: PgPool, lease: Arc<LeaseConfig>) {
    let period = (lease.lease / 3).max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(period).await;
        let r = sqlx::query("UPDATE executions SET lease_until = $2 WHERE owner = $1 AND status = 'RUNNING'")
            .bind(&lease.owner)
            .bind(lease_until(&lease))
            .execute(&pool)
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "cannot renew execution leases");
        }
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

impl Sink for Writer {
    fn apply<'a>(&'a self, writes: &'a [Write]) -> BoxFuture<'a, Result<Vec<StoreResult<()>>, sqlx::Error>> {
        Box::pin(async move {
            let until = lease_until(&self.lease);
            let mut tx = self.pool.begin().await?;
            let mut out = Vec::with_capacity(writes.len());
            for w in writes {
                let id = match w {
                    Write::Create(e) => insert_execution(&mut tx, e, &self.lease.owner, until).await?,
                    Write::Commit(e) => update_execution(&mut tx, e, &self.lease.owner, until).await?,
                };
                match id {
                    Ok(id) => {
                        insert_events(&mut tx, id, w.exec()).await?;
                        out.push(Ok(()));
                    }
                    Err(e) => out.push(Err(e)),
                }
            }
            tx.commit().await?;
            Ok(out)
        })
    }
}

type Tx<'c> = sqlx::Transaction<'c, sqlx::Postgres>;

/// Inserts the row (taking the definition from the state machine), owned by this process.
async fn insert_execution(
    tx: &mut Tx<'_>,
    e: &ExecWrite,
    owner: &str,
    until: i64,
) -> Result<StoreResult<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO executions (arn, name, state_machine_arn, status, start_date, stop_date, input, output, \
         error, cause, redrive_count, definition, state, event_count, wake_at, tasks, owner, lease_until) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, sm.definition, $12, $13, $14, $15, $16, $17 \
         FROM state_machines sm WHERE sm.arn = $3 \
         ON CONFLICT (arn) DO NOTHING RETURNING id",
    )
    .bind(&e.arn)
    .bind(&e.name)
    .bind(&e.state_machine_arn)
    .bind(e.status)
    .bind(e.start)
    .bind(e.stop)
    .bind(&e.input)
    .bind(&e.output)
    .bind(&e.error)
    .bind(&e.cause)
    .bind(e.redrive_count)
    .bind(&e.state)
    .bind(e.event_count)
    .bind(e.wake_at)
    .bind(e.tasks)
    .bind(owner)
    .bind(until)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        return Ok(Ok(id));
    }
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM executions WHERE arn = $1").bind(&e.arn).fetch_optional(&mut **tx).await?;
    Ok(Err(match exists {
        Some(_) => EngineError::ExecutionAlreadyExists(e.arn.clone()),
        None => EngineError::StateMachineDoesNotExist(e.state_machine_arn.clone()),
    }))
}

/// Updates the summary and snapshot, provided this process still owns the execution (a finished
/// one, being redriven, is anyone's to take) and no one else advanced it since.
async fn update_execution(
    tx: &mut Tx<'_>,
    e: &ExecWrite,
    owner: &str,
    until: i64,
) -> Result<StoreResult<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE executions SET status = $2, stop_date = $3, output = $4, error = $5, cause = $6, \
         redrive_count = $7, state = $8, event_count = $9, wake_at = $10, tasks = $11, owner = $13, \
         lease_until = $14 WHERE arn = $1 AND event_count = $12 AND (owner = $13 OR status <> 'RUNNING') \
         RETURNING id",
    )
    .bind(&e.arn)
    .bind(e.status)
    .bind(e.stop)
    .bind(&e.output)
    .bind(&e.error)
    .bind(&e.cause)
    .bind(e.redrive_count)
    .bind(&e.state)
    .bind(e.event_count)
    .bind(e.wake_at)
    .bind(e.tasks)
    .bind(e.prev_event_count)
    .bind(owner)
    .bind(until)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.ok_or_else(|| {
        EngineError::Storage(format!("execution '{}' does not exist or is advanced by another process", e.arn))
    }))
}

/// All of a step's events in one statement.
async fn insert_events(tx: &mut Tx<'_>, execution_id: i64, e: &ExecWrite) -> Result<(), sqlx::Error> {
    if e.events.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = e.events.iter().map(|v| v.id).collect();
    let previous: Vec<i64> = e.events.iter().map(|v| v.previous_event_id).collect();
    let times: Vec<_> = e.events.iter().map(|v| v.timestamp).collect();
    let types: Vec<&str> = e.events.iter().map(|v| v.event_type.as_str()).collect();
    let details: Vec<Option<&str>> = e.events.iter().map(|v| v.details.as_deref()).collect();
    sqlx::query(
        "INSERT INTO events (execution_id, id, previous_event_id, timestamp, type, details) \
         SELECT $1, * FROM UNNEST($2::bigint[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[])",
    )
    .bind(execution_id)
    .bind(ids)
    .bind(previous)
    .bind(times)
    .bind(types)
    .bind(details)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store for PostgresStore {
    fn put_state_machine(&self, rec: StateMachineRecord, replace: bool) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO state_machines (arn, name, definition, machine_type, role_arn, created, updated, description) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (arn) DO UPDATE SET name = excluded.name, definition = excluded.definition, \
                 machine_type = excluded.machine_type, role_arn = excluded.role_arn, updated = excluded.updated, \
                 description = excluded.description WHERE $9",
            )
            .bind(&rec.arn)
            .bind(&rec.name)
            .bind(&rec.definition)
            .bind(rec.machine_type.as_str())
            .bind(&rec.role_arn)
            .bind(rec.created)
            .bind(rec.updated)
            .bind(&rec.description)
            .bind(replace)
            .execute(&self.pool)
            .await
            .map_err(db)?;
            if done.rows_affected() == 0 {
                return Err(EngineError::StateMachineAlreadyExists(rec.arn));
            }
            Ok(())
        })
    }

    fn get_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StateMachineRecord>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let row: Option<StateMachineRow> = sqlx::query_as(
                "SELECT arn, name, definition, machine_type, role_arn, created, updated, description \
                 FROM state_machines WHERE arn = $1",
            )
            .bind(&arn)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
            row.map(StateMachineRow::into_record).transpose()
        })
    }

    fn list_state_machines(&self) -> BoxFuture<'_, StoreResult<Vec<StateMachineRecord>>> {
        Box::pin(async move {
            let rows: Vec<StateMachineRow> = sqlx::query_as(
                "SELECT arn, name, definition, machine_type, role_arn, created, updated, description \
                 FROM state_machines ORDER BY seq",
            )
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            rows.into_iter().map(StateMachineRow::into_record).collect()
        })
    }

    fn delete_finished_before(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, StoreResult<u64>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await.map_err(db)?;
            sqlx::query(
                "DELETE FROM events WHERE execution_id IN \
                 (SELECT id FROM executions WHERE status <> 'RUNNING' AND stop_date < $1)",
            )
            .bind(cutoff)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let gone = sqlx::query("DELETE FROM executions WHERE status <> 'RUNNING' AND stop_date < $1")
                .bind(cutoff)
                .execute(&mut *tx)
                .await
                .map_err(db)?
                .rows_affected();
            tx.commit().await.map_err(db)?;
            Ok(gone)
        })
    }

    fn forward_signal(&self, arn: &str, signal: &crate::interp::Signal) -> BoxFuture<'_, StoreResult<bool>> {
        let arn = arn.to_string();
        let text = serde_json::to_string(signal).unwrap_or_default();
        Box::pin(async move {
            let row = sqlx::query(
                "INSERT INTO signals (execution_arn, signal) SELECT arn, $2 FROM executions \
                 WHERE arn = $1 AND status = 'RUNNING' AND owner IS NOT NULL AND owner <> $3 AND lease_until >= $4 \
                 RETURNING id",
            )
            .bind(&arn)
            .bind(&text)
            .bind(&self.lease.owner)
            .bind(Utc::now().timestamp_millis())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
            Ok(row.is_some())
        })
    }

    fn take_signals(&self) -> BoxFuture<'_, StoreResult<Vec<(String, crate::interp::Signal)>>> {
        Box::pin(async move {
            // Matched on the current owner, so that signals for an execution taken over from a
            // process that died go to its new owner.
            let rows: Vec<(i64, String, String)> = sqlx::query_as(
                "WITH taken AS (DELETE FROM signals s USING executions e \
                 WHERE s.execution_arn = e.arn AND e.owner = $1 RETURNING s.id, s.execution_arn, s.signal) \
                 SELECT id, execution_arn, signal FROM taken ORDER BY id",
            )
            .bind(&self.lease.owner)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            Ok(rows
                .into_iter()
                .filter_map(|(_, arn, text)| serde_json::from_str(&text).ok().map(|s| (arn, s)))
                .collect())
        })
    }

    fn put_activity(&self, rec: super::ActivityRecord) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO activities (arn, name, created) VALUES ($1, $2, $3) ON CONFLICT (arn) DO NOTHING")
                .bind(&rec.arn)
                .bind(&rec.name)
                .bind(rec.created)
                .execute(&self.pool)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn delete_activity(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let arn = arn.to_string();
        Box::pin(async move {
            sqlx::query("DELETE FROM activities WHERE arn = $1").bind(&arn).execute(&self.pool).await.map_err(db)?;
            Ok(())
        })
    }

    fn list_activities(&self) -> BoxFuture<'_, StoreResult<Vec<super::ActivityRecord>>> {
        Box::pin(async move {
            sqlx::query_as("SELECT arn, name, created FROM activities ORDER BY seq")
                .fetch_all(&self.pool)
                .await
                .map_err(db)
        })
    }

    fn put_resource(&self, kind: &str, key: &str, body: Option<&str>) -> BoxFuture<'_, StoreResult<()>> {
        let (kind, key, body) = (kind.to_string(), key.to_string(), body.map(str::to_string));
        Box::pin(async move {
            match body {
                Some(body) => sqlx::query(
                    "INSERT INTO api_resources (kind, key, body) VALUES ($1, $2, $3) \
                     ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
                )
                .bind(&kind)
                .bind(&key)
                .bind(&body)
                .execute(&self.pool)
                .await
                .map_err(db)?,
                None => sqlx::query("DELETE FROM api_resources WHERE kind = $1 AND key = $2")
                    .bind(&kind)
                    .bind(&key)
                    .execute(&self.pool)
                    .await
                    .map_err(db)?,
            };
            Ok(())
        })
    }

    fn list_resources(&self, kind: &str) -> BoxFuture<'_, StoreResult<Vec<(String, String)>>> {
        let kind = kind.to_string();
        Box::pin(async move {
            sqlx::query_as("SELECT key, body FROM api_resources WHERE kind = $1 ORDER BY key")
                .bind(&kind)
                .fetch_all(&self.pool)
                .await
                .map_err(db)
        })
    }

    fn delete_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let arn = arn.to_string();
        Box::pin(async move {
            sqlx::query("DELETE FROM state_machines WHERE arn = $1")
                .bind(&arn)
                .execute(&self.pool)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn create_execution(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        let w = ExecWrite::from_commit(&commit);
        Box::pin(async move { self.batcher.write(Write::Create(w?)).await })
    }

    fn commit(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        let w = ExecWrite::from_commit(&commit);
        Box::pin(async move { self.batcher.write(Write::Commit(w?)).await })
    }

    fn get_execution(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<ExecutionRecord>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let sql = concat!("SELECT ", execution_columns!(), " FROM executions WHERE arn = $1");
            let row: Option<ExecutionRow> =
                sqlx::query_as(sql).bind(&arn).fetch_optional(&self.pool).await.map_err(db)?;
            row.map(ExecutionRow::into_record).transpose()
        })
    }

    fn list_executions(&self, f: ExecutionFilter) -> BoxFuture<'_, StoreResult<Vec<ExecutionRecord>>> {
        Box::pin(async move {
            let sql = concat!(
                "SELECT ",
                execution_columns!(),
                " FROM executions WHERE ($1::text IS NULL OR state_machine_arn = $1) \
                 AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3 OFFSET $4"
            );
            let rows: Vec<ExecutionRow> = sqlx::query_as(sql)
                .bind(&f.state_machine_arn)
                .bind(f.status.map(|s| s.as_str()))
                .bind(sql_limit(f.limit))
                .bind(i64::try_from(f.offset).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
            rows.into_iter().map(ExecutionRow::into_record).collect()
        })
    }

    fn history(&self, arn: &str, after: u64, limit: usize) -> BoxFuture<'_, StoreResult<Vec<HistoryEvent>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM executions WHERE arn = $1")
                .bind(&arn)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
            let id = id.ok_or_else(|| EngineError::ExecutionDoesNotExist(arn.clone()))?;
            let rows: Vec<EventRow> = sqlx::query_as(
                "SELECT id, previous_event_id, timestamp, type AS event_type, details FROM events \
                 WHERE execution_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(id)
            .bind(i64::try_from(after).unwrap_or(i64::MAX))
            .bind(sql_limit(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
            rows.into_iter().map(EventRow::into_event).collect()
        })
    }

    fn durable(&self) -> bool {
        true
    }

    /// Claims every running execution that no live process owns (never owned, or its owner's
    /// lease ran out), in batches that other processes can claim beside. The first claim also
    /// takes back this owner's own executions (a restart with the same node id).
    fn unfinished(&self) -> BoxFuture<'_, StoreResult<Vec<Unfinished>>> {
        Box::pin(async move {
            let first = !self.reclaimed.swap(true, std::sync::atomic::Ordering::SeqCst);
            let own = if first { self.lease.owner.as_str() } else { "" };
            let mut out = Vec::new();
            let mut after = 0i64;
            loop {
                let rows: Vec<UnfinishedRow> = sqlx::query_as(
                    "UPDATE executions SET owner = $1, lease_until = $2 WHERE id IN ( \
                     SELECT id FROM executions WHERE status = 'RUNNING' \
                     AND (owner IS NULL OR lease_until < $3 OR owner = $6) \
                     AND id > $5 ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                     RETURNING id, arn, wake_at, tasks",
                )
                .bind(&self.lease.owner)
                .bind(lease_until(&self.lease))
                .bind(Utc::now().timestamp_millis())
                .bind(CLAIM_BATCH)
                .bind(after)
                .bind(own)
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
                let n = rows.len() as i64;
                after = rows.iter().map(|r| r.id).max().unwrap_or(after);
                out.extend(rows.into_iter().map(UnfinishedRow::into_unfinished));
                if n < CLAIM_BATCH {
                    return Ok(out);
                }
            }
        })
    }

    fn claim_interval(&self) -> Option<Duration> {
        Some((self.lease.lease / 4).max(Duration::from_millis(250)))
    }

    fn execution_definition(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<String>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let row: Option<(String,)> = sqlx::query_as("SELECT definition FROM executions WHERE arn = $1")
                .bind(&arn)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
            Ok(row.map(|(d,)| d))
        })
    }

    fn load(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StoredExecution>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let sql = concat!("SELECT ", execution_columns!(), ", definition, state FROM executions WHERE arn = $1");
            let row: Option<SnapshotRow> =
                sqlx::query_as(sql).bind(&arn).fetch_optional(&self.pool).await.map_err(db)?;
            row.map(SnapshotRow::into_stored).transpose()
        })
    }
}
