//! `/metrics` in Prometheus' text format: executions started and finished by status, state
//! transitions, task latency, running executions and queued activity tasks (counted from the
//! engine's committed events), and AWS-protocol requests by operation and outcome.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use engine::history::HistoryEvent;
use engine::runtime::Committed;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;

/// Upper bounds (seconds) of the task-latency histogram's buckets.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0, 300.0];

#[derive(Default)]
pub struct Metrics {
    collecting: AtomicBool,
    started: AtomicU64,
    transitions: AtomicU64,
    running: AtomicI64,
    activities_queued: AtomicI64,
    missed_events: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    finished: BTreeMap<&'static str, u64>,
    requests: BTreeMap<(String, &'static str), u64>,
    task_buckets: [u64; BUCKETS.len()],
    task_count: u64,
    task_sum: f64,
    /// (execution, scheduled event id) → when the task was scheduled.
    scheduled: HashMap<(String, u64), DateTime<Utc>>,
    /// (execution, started event id) → its scheduled event id.
    started: HashMap<(String, u64), u64>,
}

impl Metrics {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts one AWS-protocol request (`outcome`: `ok` or the error name).
    pub fn request(&self, operation: &str, outcome: &'static str) {
        *self.lock().requests.entry((operation.to_string(), outcome)).or_default() += 1;
    }

    /// Folds one commit of the engine into the counters.
    pub fn observe(&self, c: &Committed) {
        let mut g = self.lock();
        for e in c.events.iter() {
            self.observe_event(&mut g, &c.execution_arn, e);
        }
    }

    fn observe_event(&self, g: &mut Inner, exec: &str, e: &HistoryEvent) {
        let t = e.event_type.as_str();
        if t.ends_with("StateEntered") {
            self.transitions.fetch_add(1, Ordering::Relaxed);
        }
        match t {
            "ExecutionStarted" => {
                self.started.fetch_add(1, Ordering::Relaxed);
                self.running.fetch_add(1, Ordering::Relaxed);
            }
            "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionTimedOut" | "ExecutionAborted" => {
                let status = match t {
                    "ExecutionSucceeded" => "SUCCEEDED",
                    "ExecutionFailed" => "FAILED",
                    "ExecutionTimedOut" => "TIMED_OUT",
                    _ => "ABORTED",
                };
                *g.finished.entry(status).or_default() += 1;
                self.running.fetch_sub(1, Ordering::Relaxed);
                g.scheduled.retain(|(x, _), _| x != exec);
                g.started.retain(|(x, _), _| x != exec);
            }
            _ => {}
        }
        let kind = task_event_kind(t);
        match kind {
            Some(TaskEvent::Scheduled) => {
                g.scheduled.insert((exec.to_string(), e.id), e.timestamp);
                if t == "ActivityScheduled" {
                    self.activities_queued.fetch_add(1, Ordering::Relaxed);
                }
            }
            Some(TaskEvent::Started) => {
                g.started.insert((exec.to_string(), e.id), e.previous_event_id);
                if t == "ActivityStarted" {
                    self.activities_queued.fetch_sub(1, Ordering::Relaxed);
                }
            }
            Some(TaskEvent::Ended) => {
                let prev = (exec.to_string(), e.previous_event_id);
                let scheduled_id = g.started.remove(&prev).unwrap_or(e.previous_event_id);
                if let Some(at) = g.scheduled.remove(&(exec.to_string(), scheduled_id)) {
                    let secs = (e.timestamp - at).num_milliseconds().max(0) as f64 / 1000.0;
                    g.task_count += 1;
                    g.task_sum += secs;
                    if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
                        g.task_buckets[i] += 1;
                    }
                }
            }
            None => {}
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let g = self.lock();
        let mut out = String::new();
        let gauge = |v: i64| v.max(0);
        let _ = writeln!(out, "# HELP cairn_executions_started_total Executions started.");
        let _ = writeln!(out, "# TYPE cairn_executions_started_total counter");
        let _ = writeln!(out, "cairn_executions_started_total {}", self.started.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP cairn_executions_finished_total Executions finished, by status.");
        let _ = writeln!(out, "# TYPE cairn_executions_finished_total counter");
        for status in ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] {
            let n = g.finished.get(status).copied().unwrap_or(0);
            let _ = writeln!(out, "cairn_executions_finished_total{{status=\"{status}\"}} {n}");
        }
        let _ = writeln!(out, "# HELP cairn_executions_running Executions started and not finished.");
        let _ = writeln!(out, "# TYPE cairn_executions_running gauge");
        let _ = writeln!(out, "cairn_executions_running {}", gauge(self.running.load(Ordering::Relaxed)));
        let _ = writeln!(out, "# HELP cairn_state_transitions_total States entered.");
        let _ = writeln!(out, "# TYPE cairn_state_transitions_total counter");
        let _ = writeln!(out, "cairn_state_transitions_total {}", self.transitions.load(Ordering::Relaxed));
        let _ =
            writeln!(out, "# HELP cairn_activity_tasks_queued Activity tasks scheduled and not yet taken by a worker.");
        let _ = writeln!(out, "# TYPE cairn_activity_tasks_queued gauge");
        let _ = writeln!(out, "cairn_activity_tasks_queued {}", gauge(self.activities_queued.load(Ordering::Relaxed)));
        render_histogram(&mut out, &g);
        let _ = writeln!(out, "# HELP cairn_aws_requests_total AWS-protocol requests, by operation and outcome.");
        let _ = writeln!(out, "# TYPE cairn_aws_requests_total counter");
        for ((op, outcome), n) in &g.requests {
            let _ = writeln!(out, "cairn_aws_requests_total{{operation=\"{op}\",outcome=\"{outcome}\"}} {n}");
        }
        let _ =
            writeln!(out, "# HELP cairn_metrics_events_missed_total Engine events these metrics missed (slow reader).");
        let _ = writeln!(out, "# TYPE cairn_metrics_events_missed_total counter");
        let _ = writeln!(out, "cairn_metrics_events_missed_total {}", self.missed_events.load(Ordering::Relaxed));
        out
    }
}

fn render_histogram(out: &mut String, g: &Inner) {
    let _ = writeln!(out, "# HELP cairn_task_duration_seconds Time from a task's scheduling to its result.");
    let _ = writeln!(out, "# TYPE cairn_task_duration_seconds histogram");
    let mut cumulative = 0;
    for (b, n) in BUCKETS.iter().zip(g.task_buckets) {
        cumulative += n;
        let _ = writeln!(out, "cairn_task_duration_seconds_bucket{{le=\"{b}\"}} {cumulative}");
    }
    let _ = writeln!(out, "cairn_task_duration_seconds_bucket{{le=\"+Inf\"}} {}", g.task_count);
    let _ = writeln!(out, "cairn_task_duration_seconds_sum {}", g.task_sum);
    let _ = writeln!(out, "cairn_task_duration_seconds_count {}", g.task_count);
}

enum TaskEvent {
    Scheduled,
    Started,
    Ended,
}

/// Task-like events: `TaskScheduled`, `ActivityStarted`, `LambdaFunctionSucceeded` …
fn task_event_kind(t: &str) -> Option<TaskEvent> {
    let rest = ["Task", "Activity", "LambdaFunction"].iter().find_map(|p| t.strip_prefix(p))?;
    match rest {
        "Scheduled" => Some(TaskEvent::Scheduled),
        "Started" => Some(TaskEvent::Started),
        "Succeeded" | "Failed" | "TimedOut" | "ScheduleFailed" | "StartFailed" | "SubmitFailed" => {
            Some(TaskEvent::Ended)
        }
        _ => None,
    }
}

/// Starts counting the engine's commits (once per state; needs a Tokio runtime).
pub fn start_collector(state: &Arc<AppState>) {
    if state.metrics.collecting.swap(true, Ordering::SeqCst) {
        return;
    }
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        state.metrics.collecting.store(false, Ordering::SeqCst);
        return;
    };
    let mut rx = state.engine.subscribe();
    // Holding only a weak reference lets the state (and the engine) go when the server does.
    let weak = Arc::downgrade(state);
    rt.spawn(async move {
        loop {
            let next = rx.recv().await;
            let Some(state) = weak.upgrade() else { break };
            match next {
                Ok(c) => state.metrics.observe(&c),
                Err(RecvError::Lagged(n)) => {
                    state.metrics.missed_events.fetch_add(n, Ordering::Relaxed);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

pub async fn handler(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    ([("content-type", "text/plain; version=0.0.4")], state.metrics.render())
}

#[cfg(test)]
mod tests {
    use engine::interp::ExecStatus;
    use serde_json::Value;

    use super::*;

    fn ev(id: u64, prev: u64, t: &str, ms: i64) -> HistoryEvent {
        HistoryEvent {
            id,
            previous_event_id: prev,
            timestamp: DateTime::from_timestamp_millis(ms).unwrap_or_default(),
            event_type: t.into(),
            details: None::<Value>,
        }
    }

    #[test]
    fn executions_transitions_and_task_latency_are_counted() {
        let m = Metrics::default();
        let events = vec![
            ev(1, 0, "ExecutionStarted", 0),
            ev(2, 1, "TaskStateEntered", 0),
            ev(3, 2, "TaskScheduled", 1_000),
            ev(4, 3, "TaskStarted", 1_010),
            ev(5, 4, "TaskSucceeded", 1_200),
            ev(6, 5, "TaskStateExited", 1_200),
            ev(7, 6, "ExecutionFailed", 1_300),
        ];
        m.observe(&Committed { execution_arn: "e1".into(), status: ExecStatus::Failed, events: events.into() });
        m.request("StartExecution", "ok");
        let text = m.render();
        for line in [
            "cairn_executions_started_total 1",
            "cairn_executions_finished_total{status=\"FAILED\"} 1",
            "cairn_executions_finished_total{status=\"SUCCEEDED\"} 0",
            "cairn_executions_running 0",
            "cairn_state_transitions_total 1",
            "cairn_task_duration_seconds_bucket{le=\"0.1\"} 0",
            "cairn_task_duration_seconds_bucket{le=\"0.25\"} 1",
            "cairn_task_duration_seconds_count 1",
            "cairn_aws_requests_total{operation=\"StartExecution\",outcome=\"ok\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
    }

    #[test]
    fn activity_tasks_waiting_for_a_worker_are_a_queue() {
        let m = Metrics::default();
        let events = vec![ev(1, 0, "ExecutionStarted", 0), ev(2, 1, "ActivityScheduled", 5)];
        m.observe(&Committed { execution_arn: "e".into(), status: ExecStatus::Running, events: events.into() });
        assert!(m.render().lines().any(|l| l == "cairn_activity_tasks_queued 1"));
        let events = vec![ev(3, 2, "ActivityStarted", 10)];
        m.observe(&Committed { execution_arn: "e".into(), status: ExecStatus::Running, events: events.into() });
        assert!(m.render().lines().any(|l| l == "cairn_activity_tasks_queued 0"));
    }
}
