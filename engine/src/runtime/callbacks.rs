//! Work that waits on the outside world: task tokens (`.waitForTaskToken`, activities) and
//! activity workers polling for tasks. Tokens name their execution and attempt; a result sent
//! with a token becomes a signal to that execution's actor.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use state_lang::Failure;
use tokio::sync::Notify;

use super::Engine;
use crate::interp::{parse_token, Signal};
use crate::EngineError;

pub use crate::store::ActivityRecord;

/// A task waiting for an activity worker.
#[derive(Debug, Clone)]
pub(super) struct ActivityTask {
    pub token: String,
    pub input: Value,
}

#[derive(Default)]
struct ActivityQueue {
    record: Option<ActivityRecord>,
    tasks: VecDeque<ActivityTask>,
    notify: Arc<Notify>,
}

/// Tokens in flight and activity queues, shared by the engine's actors.
#[derive(Default)]
pub(super) struct Callbacks {
    /// token → (execution ARN, task id)
    tokens: Mutex<HashMap<String, (String, u64)>>,
    activities: Mutex<HashMap<String, ActivityQueue>>,
}

impl Callbacks {
    fn tokens(&self) -> MutexGuard<'_, HashMap<String, (String, u64)>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn activities(&self) -> MutexGuard<'_, HashMap<String, ActivityQueue>> {
        self.activities.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn register(&self, token: &str, execution_arn: &str, task_id: u64) {
        self.tokens().insert(token.to_string(), (execution_arn.to_string(), task_id));
    }

    pub fn forget(&self, token: &str) {
        self.tokens().remove(token);
    }

    /// Queues an activity task; `false` when no such activity exists.
    pub fn enqueue(&self, activity_arn: &str, task: ActivityTask) -> bool {
        let mut g = self.activities();
        let Some(q) = g.get_mut(activity_arn).filter(|q| q.record.is_some()) else {
            return false;
        };
        q.tasks.push_back(task);
        q.notify.notify_one();
        true
    }

    /// Drops queued tasks of a finished attempt.
    pub fn withdraw(&self, activity_arn: &str, token: &str) {
        if let Some(q) = self.activities().get_mut(activity_arn) {
            q.tasks.retain(|t| t.token != token);
        }
    }
}

/// `arn:aws:states:REGION:ACCOUNT:activity:NAME`
pub fn activity_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{account}:activity:{name}")
}

impl Engine {
    fn callbacks(&self) -> &Callbacks {
        &self.inner.callbacks
    }

    /// Creates an activity (idempotent for the same name), kept by the store.
    pub async fn create_activity(
        &self,
        region: &str,
        account: &str,
        name: &str,
    ) -> Result<ActivityRecord, EngineError> {
        let arn = activity_arn(region, account, name);
        let rec = {
            let mut g = self.callbacks().activities();
            let q = g.entry(arn.clone()).or_default();
            q.record.get_or_insert_with(|| ActivityRecord { arn, name: name.to_string(), created: self.now() }).clone()
        };
        self.inner.store.put_activity(rec.clone()).await?;
        Ok(rec)
    }

    /// Makes the store's activities known again after a restart.
    pub(super) async fn load_activities(&self) -> Result<(), EngineError> {
        let all = self.inner.store.list_activities().await?;
        let mut g = self.callbacks().activities();
        for rec in all {
            g.entry(rec.arn.clone()).or_default().record.get_or_insert(rec);
        }
        Ok(())
    }

    pub fn describe_activity(&self, arn: &str) -> Result<ActivityRecord, EngineError> {
        self.callbacks()
            .activities()
            .get(arn)
            .and_then(|q| q.record.clone())
            .ok_or_else(|| EngineError::ActivityDoesNotExist(arn.to_string()))
    }

    pub fn list_activities(&self) -> Vec<ActivityRecord> {
        let mut v: Vec<_> = self.callbacks().activities().values().filter_map(|q| q.record.clone()).collect();
        v.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)));
        v
    }

    pub async fn delete_activity(&self, arn: &str) -> Result<(), EngineError> {
        if let Some(q) = self.callbacks().activities().get_mut(arn) {
            q.record = None;
        }
        self.inner.store.delete_activity(arn).await
    }

    /// Long-polls for a task of an activity: `Ok(None)` when none came within `wait`.
    pub async fn get_activity_task(
        &self,
        arn: &str,
        worker_name: Option<String>,
        wait: Duration,
    ) -> Result<Option<(String, Value)>, EngineError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notify = {
                let mut g = self.callbacks().activities();
                let q = g
                    .get_mut(arn)
                    .filter(|q| q.record.is_some())
                    .ok_or_else(|| EngineError::ActivityDoesNotExist(arn.to_string()))?;
                if let Some(task) = q.tasks.pop_front() {
                    drop(g);
                    if let Some((exec, id)) = self.token_target(&task.token) {
                        self.signal(&exec, Signal::TaskStarted { id, worker_name: worker_name.clone() });
                        return Ok(Some((task.token, task.input)));
                    }
                    continue;
                }
                q.notify.clone()
            };
            if tokio::time::timeout_at(deadline, notify.notified()).await.is_err() {
                return Ok(None);
            }
        }
    }

    fn token_target(&self, token: &str) -> Option<(String, u64)> {
        self.callbacks().tokens().get(token).cloned()
    }

    /// Resolves a token to its waiting execution: `InvalidToken` for a malformed token,
    /// `TaskTimedOut` for one whose task is no longer waiting. An execution that is not in
    /// memory (parked, or not yet resumed after a restart) is checked in the store.
    async fn waiting_task(&self, token: &str) -> Result<(String, u64), EngineError> {
        let Some((arn, id)) = parse_token(token) else {
            // AWS does not echo the token back.
            return Err(EngineError::InvalidToken("Invalid token".to_string()));
        };
        if let Some(target) = self.token_target(token).filter(|(exec, _)| self.is_running(exec)) {
            return Ok(target);
        }
        let gone = || EngineError::TaskTimedOut("Provided task does not exist anymore".into());
        match self.inner.store.load(&arn).await? {
            Some(s) if crate::interp::Interpreter::awaits_token(&s.state, id, token) => Ok((arn, id)),
            _ => Err(gone()),
        }
    }

    /// Whether a token names a task that is waiting for it, without answering it.
    pub async fn check_task_token(&self, token: &str) -> Result<(), EngineError> {
        self.waiting_task(token).await.map(|_| ())
    }

    pub async fn send_task_success(&self, token: &str, output: Value) -> Result<(), EngineError> {
        let (exec, id) = self.waiting_task(token).await?;
        self.callbacks().forget(token);
        self.signal(&exec, Signal::TaskSucceeded { id, output });
        Ok(())
    }

    pub async fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), EngineError> {
        let (exec, id) = self.waiting_task(token).await?;
        self.callbacks().forget(token);
        let failure = Failure { error: error.unwrap_or_default(), cause };
        self.signal(&exec, Signal::TaskFailed { id, failure });
        Ok(())
    }

    pub async fn send_task_heartbeat(&self, token: &str) -> Result<(), EngineError> {
        let (exec, id) = self.waiting_task(token).await?;
        self.signal(&exec, Signal::Heartbeat { id });
        Ok(())
    }
}
