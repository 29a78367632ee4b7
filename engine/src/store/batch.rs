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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::store::rows::ExecWrite;

    /// Refuses any transaction holding the write named "bad"; records the batch sizes it saw.
    #[derive(Default)]
    struct Picky {
        batches: Mutex<Vec<usize>>,
    }

    impl Sink for Picky {
        fn apply<'a>(&'a self, writes: &'a [Write]) -> BoxFuture<'a, Result<Vec<StoreResult<()>>, sqlx::Error>> {
            self.batches.lock().unwrap_or_else(|p| p.into_inner()).push(writes.len());
            let bad = writes.iter().any(|w| w.exec().arn == "bad");
            Box::pin(async move {
                if bad {
                    return Err(sqlx::Error::Protocol("refused".into()));
                }
                Ok(writes.iter().map(|_| Ok(())).collect())
            })
        }
    }

    fn write(arn: &str) -> Write {
        Write::Commit(ExecWrite {
            arn: arn.into(),
            name: arn.into(),
            state_machine_arn: "sm".into(),
            status: "RUNNING",
            start: chrono::Utc::now(),
            stop: None,
            input: "{}".into(),
            output: None,
            error: None,
            cause: None,
            redrive_count: 0,
            state: "{}".into(),
            prev_event_count: 0,
            event_count: 0,
            wake_at: None,
            tasks: 0,
            events: Vec::new(),
        })
    }

    #[tokio::test]
    async fn a_failed_batch_is_retried_write_by_write_so_only_the_bad_write_fails() {
        let sink = Picky::default();
        let stats = CommitStats::default();
        let writes = vec![write("a"), write("bad"), write("c")];
        let results = apply_all(&sink, &writes, &stats).await;
        assert_eq!(results.iter().map(Result::is_ok).collect::<Vec<_>>(), [true, false, true]);
        assert_eq!(*sink.batches.lock().unwrap_or_else(|p| p.into_inner()), [3, 1, 1, 1]);
        assert_eq!((stats.transactions.load(Ordering::Relaxed), stats.writes.load(Ordering::Relaxed)), (4, 3));
    }

    #[tokio::test]
    async fn queued_writes_share_one_transaction() {
        let sink = Arc::new(Picky::default());
        let batcher = Batcher::spawn(sink.clone());
        let all = futures_like_join((0..50).map(|i| batcher.write(write(&format!("e{i}")))).collect()).await;
        assert!(all.iter().all(Result::is_ok));
        let batches = sink.batches.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(batches.iter().sum::<usize>(), 50);
        assert!(batches.len() < 50, "{batches:?}");
    }

    /// Polls every future together (all are queued before the writer runs).
    async fn futures_like_join<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
        let mut futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = futs.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (f, o) in futs.iter_mut().zip(out.iter_mut()) {
                if o.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *o = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        out.into_iter().flatten().collect()
    }
}
