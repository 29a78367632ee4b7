//! Workload 1: state transitions per second of a 20-state Pass chain, driven through the engine's
//! own API (no HTTP) on each store. A transition is one state entered, so each execution is
//! `CHAIN_STATES` of them.

use std::sync::Arc;
use std::time::Duration;

use engine::interp::ExecStatus;
use engine::store::ExecutionRecord;
use engine::{Engine, StartRequest};
use serde_json::Value;

use super::measure::throughput;
use super::setup::Bench;
use super::{machines, Backend, Sizes};

/// States in the chain of the throughput workloads.
pub const CHAIN_STATES: usize = 20;

/// Starts an execution and waits for its end; an error unless it SUCCEEDED.
pub async fn run_to_end(engine: &Engine, machine_arn: &str, input: Value) -> anyhow::Result<ExecutionRecord> {
    let req = StartRequest { state_machine_arn: machine_arn.to_string(), name: None, input };
    let mut rec = engine.start_execution(req).await?;
    if !rec.status.is_terminal() {
        rec = engine.wait_for(&rec.arn).await?;
    }
    anyhow::ensure!(
        rec.status == ExecStatus::Succeeded,
        "execution {} ended {}: {} {}",
        rec.arn,
        rec.status.as_str(),
        rec.error.as_deref().unwrap_or(""),
        rec.cause.as_deref().unwrap_or("")
    );
    Ok(rec)
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct Throughput {
    pub transitions_per_s: f64,
    /// Executions' writes per transaction of a durable store's group commit, while measuring.
    pub writes_per_commit: Option<f64>,
}

/// One run: a fresh store, `sizes.clients` concurrent starters for `sizes.duration` after a short
/// warm-up.
pub async fn run_once(backend: &Backend, sizes: &Sizes) -> anyhow::Result<Throughput> {
    let bench = Bench::open(backend).await?;
    let sm = bench.machine("chain", &machines::pass_chain(CHAIN_STATES)).await?;
    let engine = bench.engine.clone();
    let arn: Arc<str> = Arc::from(sm.arn.as_str());
    let op = move |_client: usize| {
        let engine = engine.clone();
        let arn = arn.clone();
        async move { run_to_end(&engine, &arn, Value::Object(Default::default())).await.map(drop) }
    };
    let op = Arc::new(op);
    let warm = op.clone();
    throughput(sizes.clients, warm_up(sizes.duration), move |c| warm(c)).await?;
    let before = bench.commit_counts();
    let executions_per_s = throughput(sizes.clients, sizes.duration, move |c| op(c)).await?;
    let writes_per_commit = bench.commit_counts().zip(before).map(|((t1, w1), (t0, w0))| {
        let commits = t1.saturating_sub(t0).max(1);
        w1.saturating_sub(w0) as f64 / commits as f64
    });
    Ok(Throughput { transitions_per_s: executions_per_s * CHAIN_STATES as f64, writes_per_commit })
}

/// A fifth of the measured time, at most half a second: fills caches, pools and the page cache.
pub fn warm_up(measured: Duration) -> Duration {
    (measured / 5).min(Duration::from_millis(500))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_in_memory_chain_runs_and_counts_twenty_transitions_an_execution() {
        let sizes = Sizes {
            clients: 2,
            duration: Duration::from_millis(50),
            ..Sizes::for_profile(super::super::Profile::Quick)
        };
        let t = run_once(&Backend::Memory, &sizes).await.unwrap();
        assert!(t.transitions_per_s >= CHAIN_STATES as f64, "{t:?}");
        assert!(t.writes_per_commit.is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_sqlite_chain_reports_its_group_commit() {
        let sizes = Sizes {
            clients: 8,
            duration: Duration::from_millis(100),
            ..Sizes::for_profile(super::super::Profile::Quick)
        };
        let t = run_once(&Backend::Sqlite, &sizes).await.unwrap();
        assert!(t.transitions_per_s >= CHAIN_STATES as f64, "{t:?}");
        assert!(t.writes_per_commit.is_some_and(|w| w >= 1.0), "{t:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_execution_is_an_error() {
        let bench = Bench::open(&Backend::Memory).await.unwrap();
        let def = serde_json::json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}});
        let sm = bench.machine("fail", &def).await.unwrap();
        let err = run_to_end(&bench.engine, &sm.arn, serde_json::json!({})).await.unwrap_err().to_string();
        assert!(err.ends_with("ended FAILED: E c"), "{err}");
    }
}
