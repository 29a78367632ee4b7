//! Group commit: one writer task takes every write queued by any execution and applies them in
//! one transaction, so a burst of steps from many executions costs one sync, not one each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::rows::Write;
use super::StoreResult;
use crate::invoker::BoxFuture;
use crate::EngineError;

/// Most writes in one transaction: bounds the time a batch holds the write lock.
const MAX_BATCH: usize = 1024;

/// Where batches go: a database that applies a slice of writes in one transaction.
pub(crate) trait Sink: Send + Sync + 'static {
    /// Applies the writes in one transaction and returns one result per write. A refused write
    /// (its execution exists already, or was advanced by someone else) is an `Err` in its slot
    /// and does not spoil the others; an `Err` overall means the transaction did not commit.
    fn apply<'a>(&'a self, writes: &'a [Write]) -> BoxFuture<'a, Result<Vec<StoreResult<()>>, sqlx::Error>>;
}

type Queued = (Write, oneshot::Sender<StoreResult<()>>);

/// Counters of the writer, for benchmarks and logs.
#[derive(Debug, Default)]
pub struct CommitStats {
    pub transactions: AtomicU64,
    pub writes: AtomicU64,
}

/// The sending side of the writer task.
pub(crate) struct Batcher {
    tx: mpsc::UnboundedSender<Queued>,
    stats: Arc<CommitStats>,
}

impl Batcher {
    /// Starts the writer task; it ends when the batcher is dropped.
    pub fn spawn<S: Sink>(sink: Arc<S>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let stats = Arc::new(CommitStats::default());
        tokio::spawn(writer(sink, rx, stats.clone()));
        Batcher { tx, stats }
    }

    /// Queues a write and waits until its transaction has committed.
    pub async fn write(&self, w: Write) -> StoreResult<()> {
        let (done, wait) = oneshot::channel();
        self.tx.send((w, done)).map_err(|_| EngineError::Storage("the store is closed".into()))?;
        wait.await.map_err(|_| EngineError::Storage("the store's writer stopped".into()))?
    }

    pub fn stats(&self) -> &CommitStats {
        &self.stats
    }
}

async fn writer<S: Sink>(sink: Arc<S>, mut rx: mpsc::UnboundedReceiver<Queued>, stats: Arc<CommitStats>) {
    let mut batch: Vec<Queued> = Vec::new();
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(q) => batch.push(q),
                Err(_) => break,
            }
        }
        let (writes, replies): (Vec<Write>, Vec<_>) = batch.drain(..).unzip();
        let results = apply_all(sink.as_ref(), &writes, &stats).await;
        for (reply, r) in replies.into_iter().zip(results) {
            let _ = reply.send(r);
        }
    }
}

/// One transaction for the whole batch; if it fails, each write alone, so that one bad write
/// costs only its own execution.
async fn apply_all<S: Sink>(sink: &S, writes: &[Write], stats: &CommitStats) -> Vec<StoreResult<()>> {
    stats.transactions.fetch_add(1, Ordering::Relaxed);
    stats.writes.fetch_add(writes.len() as u64, Ordering::Relaxed);
    match sink.apply(writes).await {
        Ok(results) => results,
        Err(e) if writes.len() == 1 => vec![Err(super::rows::db(e))],
        Err(e) => {
            tracing::warn!(error = %e, writes = writes.len(), "group commit failed; retrying writes one by one");
            let mut out = Vec::with_capacity(writes.len());
            for w in writes.chunks(1) {
                stats.transactions.fetch_add(1, Ordering::Relaxed);
                out.push(match sink.apply(w).await {
                    Ok(mut r) => r.pop().unwrap_or(Ok(())),
                    Err(e) => Err(super::rows::db(e)),
                });
            }
            out
        }
    }
}
