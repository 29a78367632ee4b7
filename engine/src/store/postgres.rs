//! The PostgreSQL store: shared by several Cairn processes. Each process owns the executions it
//! advances through a lease it keeps renewing; a commit is accepted only from the owner, and the
//! executions of a process that stopped renewing are claimed by the others
//! (`FOR UPDATE SKIP LOCKED`).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
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
        tokio::spawn(renew(pool.downgrade_weak(), lease.clone()));
        Ok(PostgresStore { pool, batcher, lease })
    }

    pub fn commit_stats(&self) -> &CommitStats {
        self.batcher.stats()
    }

    pub fn owner(&self) -> &str {
        &self.lease.owner
    }
}

/// Extends this process's leases three times per lease period, until the store is dropped.
async fn renew(pool: WeakPool, lease: Arc<LeaseConfig>) {
    let period = lease.lease / 3;
    loop {
        tokio::time::sleep(period).await;
        let Some(pool) = pool.upgrade() else { return };
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

type WeakPool = WeakPgPool;

/// A pool handle that does not keep the pool open.
struct WeakPgPool(std::sync::Weak<PgPool>);

impl WeakPgPool {
    fn upgrade(&self) -> Option<PgPool> {
        self.0.upgrade().map(|p| (*p).clone())
    }
}

trait Downgrade {
    fn downgrade_weak(&self) -> WeakPgPool;
}

impl Downgrade for PgPool {
    fn downgrade_weak(&self) -> WeakPgPool {
        WeakPgPool(std::sync::Weak::new())
    }
}
