//! The SQLite store, Cairn's embedded default: one file in WAL mode, one writer connection fed by
//! the group-commit writer, and a pool of readers.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

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

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The summary columns of an execution, as `ExecutionRow` reads them.
macro_rules! execution_columns {
    () => {
        "arn, name, state_machine_arn, status, start_date, stop_date, input, output, error, cause, redrive_count"
    };
}

pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    batcher: Batcher,
    /// Held while the store is open: SQLite has one writer, so one server per database file.
    _lock: Option<std::fs::File>,
}

/// Takes `PATH.lock` beside the database, or says which file is in use.
fn lock(path: &std::path::Path) -> StoreResult<Option<std::fs::File>> {
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(None);
    }
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&name)
        .map_err(|e| EngineError::Storage(format!("cannot open the lock file {}: {e}", name.to_string_lossy())))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(EngineError::Storage(format!(
            "the SQLite database {} is in use by another Cairn server (it holds {}); SQLite has a single writer: \
             give each server its own file, or share a PostgreSQL database between them",
            path.display(),
            name.to_string_lossy()
        ))),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(EngineError::Storage(format!("cannot lock {}: {e}", name.to_string_lossy())))
        }
    }
}

/// The writer's side: owns the only connection that writes.
struct Writer {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://PATH` URL, relative to the working
    /// directory, and applies the migrations.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(db)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed step survives a power cut, not only a crash; group commit pays
            // one sync per batch.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let lock = lock(options.get_filename())?;
        let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await.map_err(db)?;
        MIGRATOR.run(&write).await.map_err(|e| EngineError::Storage(e.to_string()))?;
        let read =
            SqlitePoolOptions::new().max_connections(4).connect_with(options.read_only(true)).await.map_err(db)?;
        let batcher = Batcher::spawn(Arc::new(Writer { pool: write.clone() }));
        Ok(SqliteStore { read, write, batcher, _lock: lock })
    }

    /// Transactions and writes committed so far.
    pub fn commit_stats(&self) -> &CommitStats {
        self.batcher.stats()
    }
}

impl Sink for Writer {
    fn apply<'a>(&'a self, writes: &'a [Write]) -> BoxFuture<'a, Result<Vec<StoreResult<()>>, sqlx::Error>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            let mut out = Vec::with_capacity(writes.len());
            for w in writes {
                let id = match w {
                    Write::Create(e) => insert_execution(&mut tx, e).await?,
                    Write::Commit(e) => update_execution(&mut tx, e).await?,
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

type Tx<'c> = sqlx::Transaction<'c, sqlx::Sqlite>;

/// Inserts the row (taking the definition from the state machine); its id, or why not.
async fn insert_execution(tx: &mut Tx<'_>, e: &ExecWrite) -> Result<StoreResult<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO executions (arn, name, state_machine_arn, status, start_date, stop_date, input, output, \
         error, cause, redrive_count, definition, state, event_count, wake_at, tasks) \
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, sm.definition, ?12, ?13, ?14, ?15 \
         FROM state_machines sm WHERE sm.arn = ?3 \
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
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        return Ok(Ok(id));
    }
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM executions WHERE arn = ?1").bind(&e.arn).fetch_optional(&mut **tx).await?;
    Ok(Err(match exists {
        Some(_) => EngineError::ExecutionAlreadyExists(e.arn.clone()),
        None => EngineError::StateMachineDoesNotExist(e.state_machine_arn.clone()),
    }))
}

/// Updates the summary and snapshot, provided no other writer advanced the execution since.
async fn update_execution(tx: &mut Tx<'_>, e: &ExecWrite) -> Result<StoreResult<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE executions SET status = ?2, stop_date = ?3, output = ?4, error = ?5, cause = ?6, \
         redrive_count = ?7, state = ?8, event_count = ?9, wake_at = ?10, tasks = ?11 \
         WHERE arn = ?1 AND event_count = ?12 RETURNING id",
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
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.ok_or_else(|| stale(&e.arn)))
}

fn stale(arn: &str) -> EngineError {
    EngineError::Storage(format!("execution '{arn}' does not exist or was advanced by another writer"))
}

/// All of a commit's events in one statement: the rows travel as one JSON array.
async fn insert_events(tx: &mut Tx<'_>, execution_id: i64, e: &ExecWrite) -> Result<(), sqlx::Error> {
    if e.events.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = e
        .events
        .iter()
        .map(|ev| {
            serde_json::json!([ev.id, ev.previous_event_id, ev.timestamp.to_rfc3339(), ev.event_type, ev.details])
        })
        .collect();
    sqlx::query(
        "INSERT INTO events (execution_id, id, previous_event_id, timestamp, type, details) \
         SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), \
                json_extract(value, '$[3]'), json_extract(value, '$[4]') \
         FROM json_each(?2)",
    )
    .bind(execution_id)
    .bind(serde_json::Value::Array(rows).to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store for SqliteStore {
    fn put_state_machine(&self, rec: StateMachineRecord, replace: bool) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO state_machines (arn, name, definition, machine_type, role_arn, created, updated, description) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (arn) DO UPDATE SET name = excluded.name, definition = excluded.definition, \
                 machine_type = excluded.machine_type, role_arn = excluded.role_arn, updated = excluded.updated, \
                 description = excluded.description WHERE ?9",
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
            .execute(&self.write)
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
                 FROM state_machines WHERE arn = ?1",
            )
            .bind(&arn)
            .fetch_optional(&self.read)
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
            .fetch_all(&self.read)
            .await
            .map_err(db)?;
            rows.into_iter().map(StateMachineRow::into_record).collect()
        })
    }

    fn delete_finished_before(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, StoreResult<u64>> {
        Box::pin(async move {
            let mut tx = self.write.begin().await.map_err(db)?;
            sqlx::query(
                "DELETE FROM events WHERE execution_id IN \
                 (SELECT id FROM executions WHERE status <> 'RUNNING' AND stop_date < ?1)",
            )
            .bind(cutoff)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            let gone = sqlx::query("DELETE FROM executions WHERE status <> 'RUNNING' AND stop_date < ?1")
                .bind(cutoff)
                .execute(&mut *tx)
                .await
                .map_err(db)?
                .rows_affected();
            tx.commit().await.map_err(db)?;
            Ok(gone)
        })
    }

    fn put_activity(&self, rec: super::ActivityRecord) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO activities (arn, name, created) VALUES (?1, ?2, ?3) ON CONFLICT (arn) DO NOTHING")
                .bind(&rec.arn)
                .bind(&rec.name)
                .bind(rec.created)
                .execute(&self.write)
                .await
                .map_err(db)?;
            Ok(())
        })
    }

    fn delete_activity(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let arn = arn.to_string();
        Box::pin(async move {
            sqlx::query("DELETE FROM activities WHERE arn = ?1").bind(&arn).execute(&self.write).await.map_err(db)?;
            Ok(())
        })
    }

    fn list_activities(&self) -> BoxFuture<'_, StoreResult<Vec<super::ActivityRecord>>> {
        Box::pin(async move {
            sqlx::query_as("SELECT arn, name, created FROM activities ORDER BY seq")
                .fetch_all(&self.read)
                .await
                .map_err(db)
        })
    }

    fn put_resource(&self, kind: &str, key: &str, body: Option<&str>) -> BoxFuture<'_, StoreResult<()>> {
        let (kind, key, body) = (kind.to_string(), key.to_string(), body.map(str::to_string));
        Box::pin(async move {
            match body {
                Some(body) => sqlx::query(
                    "INSERT INTO api_resources (kind, key, body) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
                )
                .bind(&kind)
                .bind(&key)
                .bind(&body)
                .execute(&self.write)
                .await
                .map_err(db)?,
                None => sqlx::query("DELETE FROM api_resources WHERE kind = ?1 AND key = ?2")
                    .bind(&kind)
                    .bind(&key)
                    .execute(&self.write)
                    .await
                    .map_err(db)?,
            };
            Ok(())
        })
    }

    fn list_resources(&self, kind: &str) -> BoxFuture<'_, StoreResult<Vec<(String, String)>>> {
        let kind = kind.to_string();
        Box::pin(async move {
            sqlx::query_as("SELECT key, body FROM api_resources WHERE kind = ?1 ORDER BY key")
                .bind(&kind)
                .fetch_all(&self.read)
                .await
                .map_err(db)
        })
    }

    fn delete_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let arn = arn.to_string();
        Box::pin(async move {
            sqlx::query("DELETE FROM state_machines WHERE arn = ?1")
                .bind(&arn)
                .execute(&self.write)
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
            let sql = concat!("SELECT ", execution_columns!(), " FROM executions WHERE arn = ?1");
            let row: Option<ExecutionRow> =
                sqlx::query_as(sql).bind(&arn).fetch_optional(&self.read).await.map_err(db)?;
            row.map(ExecutionRow::into_record).transpose()
        })
    }

    fn list_executions(&self, f: ExecutionFilter) -> BoxFuture<'_, StoreResult<Vec<ExecutionRecord>>> {
        Box::pin(async move {
            let sql = concat!(
                "SELECT ",
                execution_columns!(),
                " FROM executions WHERE (?1 IS NULL OR state_machine_arn = ?1) AND (?2 IS NULL OR status = ?2) \
                 ORDER BY id DESC LIMIT ?3 OFFSET ?4"
            );
            let rows: Vec<ExecutionRow> = sqlx::query_as(sql)
                .bind(&f.state_machine_arn)
                .bind(f.status.map(|s| s.as_str()))
                .bind(sql_limit(f.limit))
                .bind(i64::try_from(f.offset).unwrap_or(i64::MAX))
                .fetch_all(&self.read)
                .await
                .map_err(db)?;
            rows.into_iter().map(ExecutionRow::into_record).collect()
        })
    }

    fn history(&self, arn: &str, after: u64, limit: usize) -> BoxFuture<'_, StoreResult<Vec<HistoryEvent>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let mut conn = self.read.acquire().await.map_err(db)?;
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM executions WHERE arn = ?1")
                .bind(&arn)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db)?;
            let id = id.ok_or_else(|| EngineError::ExecutionDoesNotExist(arn.clone()))?;
            let rows: Vec<EventRow> = sqlx::query_as(
                "SELECT id, previous_event_id, timestamp, type AS event_type, details FROM events \
                 WHERE execution_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )
            .bind(id)
            .bind(i64::try_from(after).unwrap_or(i64::MAX))
            .bind(sql_limit(limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?;
            rows.into_iter().map(EventRow::into_event).collect()
        })
    }

    fn durable(&self) -> bool {
        true
    }

    fn unfinished(&self) -> BoxFuture<'_, StoreResult<Vec<Unfinished>>> {
        Box::pin(async move {
            let rows: Vec<UnfinishedRow> =
                sqlx::query_as("SELECT id, arn, wake_at, tasks FROM executions WHERE status = 'RUNNING' ORDER BY id")
                    .fetch_all(&self.read)
                    .await
                    .map_err(db)?;
            Ok(rows.into_iter().map(UnfinishedRow::into_unfinished).collect())
        })
    }

    fn execution_definition(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<String>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let row: Option<(String,)> = sqlx::query_as("SELECT definition FROM executions WHERE arn = ?1")
                .bind(&arn)
                .fetch_optional(&self.read)
                .await
                .map_err(db)?;
            Ok(row.map(|(d,)| d))
        })
    }

    fn load(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StoredExecution>>> {
        let arn = arn.to_string();
        Box::pin(async move {
            let sql = concat!("SELECT ", execution_columns!(), ", definition, state FROM executions WHERE arn = ?1");
            let row: Option<SnapshotRow> =
                sqlx::query_as(sql).bind(&arn).fetch_optional(&self.read).await.map_err(db)?;
            row.map(SnapshotRow::into_stored).transpose()
        })
    }
}
