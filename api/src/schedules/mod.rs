//! Schedules: start an execution of a state machine on a `rate(…)` or cron expression. Kept in
//! the store beside the state machines, fired by every server that runs [`run`]. Each firing
//! starts an execution named `<schedule>-<fire time>`, so two servers sharing a database (or a
//! server restarted mid-tick) start it once: the second start finds the name taken. Ticks missed
//! while no server ran are not made up.

pub mod expr;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use engine::store::{Store, StoreResult};
use engine::{EngineError, StartRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use expr::Expr;

use crate::AppState;

const KIND: &str = "schedule";

/// A schedule as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub name: String,
    pub state_machine_arn: String,
    pub expression: String,
    pub input: Value,
    pub enabled: bool,
    pub created: DateTime<Utc>,
    /// When it was last changed: a `rate` counts from here.
    pub updated: DateTime<Utc>,
}

/// A schedule held by the runner: its expression parsed once, and when it fires next.
struct Entry {
    schedule: Schedule,
    expr: Option<Expr>,
    next: Option<DateTime<Utc>>,
}

impl Entry {
    /// `expr`: the schedule's expression, parsed (`None` when it does not parse: it never fires).
    fn new(schedule: Schedule, expr: Option<Expr>, now: DateTime<Utc>) -> Entry {
        let mut e = Entry { schedule, expr, next: None };
        e.advance(now);
        e
    }

    /// Moves `next` to the first fire time after `now` (`None`: disabled, or it never fires again).
    fn advance(&mut self, now: DateTime<Utc>) {
        self.next = match &self.expr {
            Some(x) if self.schedule.enabled => x.next_after(now, self.schedule.updated),
            _ => None,
        };
    }
}

pub struct Schedules {
    store: Arc<dyn Store>,
    entries: Mutex<HashMap<String, Entry>>,
    /// Wakes the runner when a schedule changes.
    changed: tokio::sync::Notify,
    /// Held by each change and by a read-back (see `AwsState`).
    gate: tokio::sync::Mutex<()>,
}

/// Why a schedule was refused.
#[derive(Debug)]
pub enum ScheduleError {
    Invalid(String),
    Store(EngineError),
}

impl From<EngineError> for ScheduleError {
    fn from(e: EngineError) -> Self {
        ScheduleError::Store(e)
    }
}

/// A schedule's name: 1–60 letters, digits, `-` or `_` (it prefixes execution names).
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 60
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!("schedule name '{name}' must be 1 to 60 letters, digits, '-' or '_'"))
    }
}

impl Schedules {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Schedules {
            store,
            entries: Mutex::new(HashMap::new()),
            changed: tokio::sync::Notify::new(),
            gate: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads back the schedules the store keeps, replacing what is held (at start, and
    /// periodically when other servers share the database). A schedule that did not change keeps
    /// its next fire time.
    pub async fn restore(&self) -> StoreResult<()> {
        let _gate = self.gate.lock().await;
        let now = Utc::now();
        let kept = self.store.list_resources(KIND).await?;
        let mut fresh = HashMap::new();
        let mut g = self.lock();
        for (name, body) in kept {
            match serde_json::from_str::<Schedule>(&body) {
                Ok(schedule) => {
                    let entry = match g.remove(&name) {
                        Some(old) if old.schedule == schedule => old,
                        _ => {
                            let expr = Expr::parse(&schedule.expression).ok();
                            Entry::new(schedule, expr, now)
                        }
                    };
                    fresh.insert(name, entry);
                }
                Err(e) => tracing::warn!(schedule = %name, error = %e, "unreadable schedule skipped"),
            }
        }
        *g = fresh;
        drop(g);
        self.changed.notify_one();
        Ok(())
    }

    /// Creates or replaces a schedule.
    pub async fn put(&self, mut schedule: Schedule) -> Result<(Schedule, Option<DateTime<Utc>>), ScheduleError> {
        let _gate = self.gate.lock().await;
        check_name(&schedule.name).map_err(ScheduleError::Invalid)?;
        let expr = Expr::parse(&schedule.expression).map_err(ScheduleError::Invalid)?;
        if let Some(old) = self.get(&schedule.name) {
            schedule.created = old.created;
        }
        let body = serde_json::to_string(&schedule).map_err(|e| ScheduleError::Invalid(e.to_string()))?;
        self.store.put_resource(KIND, &schedule.name, Some(&body)).await?;
        let entry = Entry::new(schedule.clone(), Some(expr), Utc::now());
        let next = entry.next;
        self.lock().insert(schedule.name.clone(), entry);
        self.changed.notify_one();
        Ok((schedule, next))
    }

    pub fn get(&self, name: &str) -> Option<Schedule> {
        self.lock().get(name).map(|e| e.schedule.clone())
    }

    /// The next fire time of a schedule, as the runner will see it.
    pub fn next_fire(&self, name: &str) -> Option<DateTime<Utc>> {
        self.lock().get(name).and_then(|e| e.next)
    }

    /// Every schedule, by name.
    pub fn list(&self) -> Vec<(Schedule, Option<DateTime<Utc>>)> {
        let mut v: Vec<_> = self.lock().values().map(|e| (e.schedule.clone(), e.next)).collect();
        v.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        v
    }

    /// Removes a schedule; `false` when there was none.
    pub async fn delete(&self, name: &str) -> StoreResult<bool> {
        let _gate = self.gate.lock().await;
        let existed = self.lock().remove(name).is_some();
        if existed {
            self.store.put_resource(KIND, name, None).await?;
            self.changed.notify_one();
        }
        Ok(existed)
    }

    /// The schedules due at `now`, each moved on to its next fire time after `now`.
    fn take_due(&self, now: DateTime<Utc>) -> Vec<(Schedule, DateTime<Utc>)> {
        let mut due = Vec::new();
        for e in self.lock().values_mut() {
            if let Some(at) = e.next.filter(|t| *t <= now) {
                due.push((e.schedule.clone(), at));
                e.advance(now);
            }
        }
        due
    }

    fn earliest(&self) -> Option<DateTime<Utc>> {
        self.lock().values().filter_map(|e| e.next).min()
    }
}

/// The name of the execution a firing starts: `<schedule>-<UTC time>`, the same on every server.
pub fn execution_name(schedule: &str, at: DateTime<Utc>) -> String {
    format!("{schedule}-{}", at.format("%Y%m%dT%H%M%S%.3fZ")).replace('.', "")
}

/// Fires schedules as they come due, for as long as the server runs.
pub async fn run(state: Arc<AppState>) {
    loop {
        let now = Utc::now();
        for (schedule, at) in state.schedules.take_due(now) {
            fire(&state, &schedule, at).await;
        }
        // Sleep until the next fire time (at most a second, so clock changes are noticed), or
        // until a schedule changes.
        let wait = state
            .schedules
            .earliest()
            .map(|t| (t - Utc::now()).to_std().unwrap_or_default())
            .unwrap_or(std::time::Duration::from_secs(1))
            .min(std::time::Duration::from_secs(1));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.schedules.changed.notified() => {}
        }
    }
}

async fn fire(state: &AppState, schedule: &Schedule, at: DateTime<Utc>) {
    let name = execution_name(&schedule.name, at);
    let req = StartRequest {
        state_machine_arn: schedule.state_machine_arn.clone(),
        name: Some(name),
        input: schedule.input.clone(),
    };
    match state.engine.start_execution(req).await {
        Ok(rec) => tracing::info!(schedule = %schedule.name, execution = %rec.arn, "schedule fired"),
        // Another server (or this one before a restart) fired this tick already.
        Err(EngineError::ExecutionAlreadyExists(_)) => {}
        Err(e) => tracing::warn!(schedule = %schedule.name, error = %e, "schedule could not start its execution"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_names_are_the_same_everywhere_and_fit_aws_limits() {
        let at = DateTime::parse_from_rfc3339("2026-11-27T10:15:00.250Z").map(|t| t.with_timezone(&Utc));
        let name = execution_name("nightly-report", at.unwrap_or_default());
        assert_eq!(name, "nightly-report-20261127T101500250Z");
        assert!(execution_name(&"x".repeat(60), Utc::now()).len() <= 80);
        assert!(check_name("ok_name-1").is_ok());
        assert!(check_name("").is_err() && check_name("a b").is_err() && check_name(&"x".repeat(61)).is_err());
    }
}
