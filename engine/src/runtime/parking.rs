//! Parked executions and recovery. An execution that only waits on timers leaves memory: its
//! actor ends, and one timer service (a min-heap of due times) brings it back from its last commit
//! when the earliest timer is due, or when a signal arrives for it. Recovery after a restart is
//! the same path: every unfinished execution is parked at its next due time, or resumed at once
//! when it has task attempts to send again.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, Notify};

use super::actor::Actor;
use super::{Engine, Inner, RngEntropy, Running};
use crate::interp::{ExecStatus, Interpreter, Signal};
use crate::store::{StoredExecution, Unfinished};
use crate::EngineError;

/// An execution whose next timer is nearer than this stays in memory: parking and waking would
/// cost more than the wait.
pub(super) const PARK_AFTER: Duration = Duration::from_secs(2);

/// The longest the timer service sleeps without looking again (so that it notices when the
/// engine is gone).
const MAX_IDLE: Duration = Duration::from_secs(1);

/// The timer service's state: parked executions by due time.
#[derive(Default)]
pub(super) struct Parking {
    heap: Mutex<Heap>,
    /// Woken when an earlier due time arrives.
    notify: Arc<Notify>,
    started: std::sync::OnceLock<()>,
}

#[derive(Default)]
struct Heap {
    queue: BinaryHeap<Reverse<(DateTime<Utc>, Arc<str>)>>,
    /// The current due time of each parked execution; queue entries that disagree are stale.
    due: HashMap<Arc<str>, DateTime<Utc>>,
}

impl Parking {
    fn lock(&self) -> MutexGuard<'_, Heap> {
        self.heap.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn insert(&self, arn: &str, due: DateTime<Utc>) {
        let mut h = self.lock();
        let arn: Arc<str> = Arc::from(arn);
        let earliest = h.queue.peek().is_none_or(|Reverse((d, _))| due < *d);
        h.due.insert(arn.clone(), due);
        h.queue.push(Reverse((due, arn)));
        drop(h);
        if earliest {
            self.notify.notify_one();
        }
    }

    fn forget(&self, arn: &str) {
        self.lock().due.remove(arn);
    }

    /// Removes and returns the executions due by `now`, and the next due time after them.
    fn take_due(&self, now: DateTime<Utc>) -> (Vec<Arc<str>>, Option<DateTime<Utc>>) {
        let mut h = self.lock();
        let mut out = Vec::new();
        while let Some(Reverse((due, arn))) = h.queue.peek().cloned() {
            if h.due.get(&arn) != Some(&due) {
                h.queue.pop();
                continue;
            }
            if due > now {
                return (out, Some(due));
            }
            h.queue.pop();
            h.due.remove(&arn);
            out.push(arn);
        }
        // Stale entries are gone; give the memory of a drained burst back.
        let keep = h.due.len().max(16);
        h.queue.shrink_to(keep);
        (out, None)
    }

    /// Executions parked now.
    pub(super) fn len(&self) -> usize {
        self.lock().due.len()
    }
}

/// Wakes parked executions when they are due, for as long as the engine exists.
async fn timer_service(engine: Weak<Inner>, notify: Arc<Notify>) {
    loop {
        let notified = notify.notified();
        let sleep = {
            let Some(inner) = engine.upgrade() else { return };
            let engine = Engine { inner };
            let now = engine.now();
            let (due, next) = engine.inner.parking.take_due(now);
            for arn in due {
                engine.activate(&arn, None);
            }
            next.map_or(MAX_IDLE, |n| (n - now).to_std().unwrap_or(Duration::ZERO).min(MAX_IDLE))
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = notified => {}
        }
    }
}

impl Engine {
    /// Can executions leave memory while they wait? Only with a store that keeps their state,
    /// and in real time (scaled and virtual time run their timers in the actor).
    pub(super) fn parks(&self) -> bool {
        self.inner.store.durable() && self.inner.config.time_scale.0 == 1.0
    }

    /// Parks an execution whose actor is about to end, unless a signal is already queued for it
    /// (checked under the lock that senders hold, so no signal is lost).
    pub(super) fn park(&self, arn: &str, wake: Option<DateTime<Utc>>, rx: &mpsc::UnboundedReceiver<Signal>) -> bool {
        let mut running = self.lock_running();
        if !rx.is_empty() {
            return false;
        }
        running.remove(arn);
        // Still under the lock, so that an activation racing with this park forgets it.
        if let Some(due) = wake {
            self.start_timer_service();
            self.inner.parking.insert(arn, due);
        }
        true
    }

    fn start_timer_service(&self) {
        let p = &self.inner.parking;
        p.started.get_or_init(|| {
            tokio::spawn(timer_service(Arc::downgrade(&self.inner), p.notify.clone()));
        });
    }

    /// Brings an execution into memory (if it is not there already) and hands it a signal.
    pub(super) fn activate(&self, arn: &str, signal: Option<Signal>) {
        let rx = {
            let mut running = self.lock_running();
            if let Some(r) = running.get(arn) {
                if let Some(s) = signal {
                    let _ = r.tx.send(s);
                }
                return;
            }
            let (tx, rx) = mpsc::unbounded_channel();
            if let Some(s) = signal {
                let _ = tx.send(s);
            }
            running.insert(arn.to_string(), Running { tx, input: serde_json::Value::Null });
            rx
        };
        self.inner.parking.forget(arn);
        let engine = self.clone();
        let arn = arn.to_string();
        tokio::spawn(async move {
            match engine.inner.store.load(&arn).await {
                Ok(Some(stored)) if stored.record.status == ExecStatus::Running => engine.resume_actor(stored, rx),
                Ok(_) => engine.finished(&arn),
                Err(e) => {
                    tracing::error!(execution = %arn, error = %e, "cannot load execution; retrying later");
                    engine.finished(&arn);
                    engine.start_timer_service();
                    engine.inner.parking.insert(&arn, engine.now() + PARK_AFTER);
                }
            }
        });
    }

    /// Runs an actor from a stored snapshot, re-issuing its pending timers and task attempts.
    fn resume_actor(&self, stored: StoredExecution, rx: mpsc::UnboundedReceiver<Signal>) {
        let arn = stored.record.arn.clone();
        let machine = match self.machine_for_definition(&stored.record.state_machine_arn, &stored.definition) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(execution = %arn, error = %e, "stored definition no longer loads");
                return self.finished(&arn);
            }
        };
        let tx = {
            let mut running = self.lock_running();
            let Some(r) = running.get_mut(&arn) else { return };
            r.input = stored.record.input.clone();
            r.tx.clone()
        };
        let first = Interpreter::pending_commands(&stored.state);
        let actor = Actor::new(self.clone(), machine, stored.state, stored.record, tx, RngEntropy::new());
        tokio::spawn(actor.run(rx, first));
    }

    /// Continues every unfinished execution after a start: parked until its next timer, or
    /// resumed at once. With a store shared by several processes, keeps looking for executions
    /// whose owner stopped renewing its lease. Returns how many were taken on.
    pub async fn recover(&self) -> Result<usize, EngineError> {
        self.load_activities().await?;
        let found = self.inner.store.unfinished().await?;
        let n = found.len();
        self.adopt(found);
        if self.inner.store.claim_interval().is_some() {
            let engine = Arc::downgrade(&self.inner);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    let Some(inner) = engine.upgrade() else { return };
                    let engine = Engine { inner };
                    match engine.inner.store.take_signals().await {
                        Ok(found) => found.into_iter().for_each(|(arn, s)| engine.activate(&arn, Some(s))),
                        Err(e) => tracing::warn!(error = %e, "cannot read forwarded signals"),
                    }
                }
            });
        }
        if let Some(every) = self.inner.store.claim_interval() {
            let engine = Arc::downgrade(&self.inner);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    let Some(inner) = engine.upgrade() else { return };
                    let engine = Engine { inner };
                    match engine.inner.store.unfinished().await {
                        Ok(found) => engine.adopt(found),
                        Err(e) => tracing::warn!(error = %e, "cannot claim executions"),
                    }
                }
            });
        }
        Ok(n)
    }

    fn adopt(&self, found: Vec<Unfinished>) {
        let horizon = self.now() + PARK_AFTER;
        for u in found {
            match u.wake_at {
                Some(due) if self.parks() && u.tasks == 0 && due > horizon => {
                    self.start_timer_service();
                    self.inner.parking.insert(&u.arn, due);
                }
                _ => self.activate(&u.arn, None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn due_executions_come_out_in_due_order_and_the_next_due_time_is_told() {
        let p = Parking::default();
        p.insert("c", at(30));
        p.insert("a", at(10));
        p.insert("b", at(20));
        assert_eq!(p.take_due(at(5)), (vec![], Some(at(10))));
        let (due, next) = p.take_due(at(20));
        assert_eq!(due.iter().map(|a| a.as_ref()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!((next, p.len()), (Some(at(30)), 1));
    }

    #[test]
    fn a_parked_execution_brought_back_or_parked_again_is_not_woken_twice() {
        let p = Parking::default();
        p.insert("a", at(10));
        p.insert("b", at(10));
        p.forget("a");
        p.insert("b", at(40));
        assert_eq!(p.take_due(at(20)), (vec![], Some(at(40))));
        let (due, next) = p.take_due(at(40));
        assert_eq!((due.len(), next, p.len()), (1, None, 0));
    }
}
