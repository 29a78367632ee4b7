//! Workloads 4 and 5, whose figures include memory: each run happens in a child process of the
//! same binary (`cairn bench --worker NAME`), so that its peak RSS is its own. The child prints
//! one JSON object of figures on stdout; [`spawn`] runs it and reads them.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::measure::{memory, percentile};
use super::setup::Bench;
use super::transitions::run_to_end;
use super::{machines, Backend};

/// The workloads a worker process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkerKind {
    /// One execution of an inline Map over `size` items (in memory).
    Map,
    /// One execution of a Parallel of `size` branches (in memory).
    Parallel,
    /// `size` executions parked in a Wait of `wait_seconds`, on SQLite.
    Waits,
}

impl WorkerKind {
    fn as_str(self) -> &'static str {
        match self {
            WorkerKind::Map => "map",
            WorkerKind::Parallel => "parallel",
            WorkerKind::Waits => "waits",
        }
    }
}

/// What a Map or Parallel worker measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OneExecution {
    pub wall_ms: f64,
    /// The process's high-water mark of resident memory, at the end.
    pub peak_rss_mb: Option<f64>,
    /// Resident memory before the execution started.
    pub baseline_rss_mb: Option<f64>,
}

/// What a Waits worker measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParkedWaits {
    /// Seconds to start them all.
    pub start_s: f64,
    /// Resident memory added once every execution was parked.
    pub rss_added_mb: Option<f64>,
    /// How long after its due time each execution ended: median, 99th percentile, worst.
    pub lateness_p50_ms: f64,
    pub lateness_p99_ms: f64,
    pub lateness_max_ms: f64,
}

/// Runs the worker in this process (the child side); the figures as JSON.
pub async fn run(kind: WorkerKind, size: usize, wait_seconds: u64) -> anyhow::Result<Value> {
    Ok(match kind {
        WorkerKind::Map => {
            serde_json::to_value(one_execution(&machines::inline_map(), machines::map_input(size), size).await?)?
        }
        WorkerKind::Parallel => {
            serde_json::to_value(one_execution(&machines::parallel(size), serde_json::json!({}), size).await?)?
        }
        WorkerKind::Waits => serde_json::to_value(parked_waits(size, wait_seconds).await?)?,
    })
}

/// Runs the worker as a child process of this binary (the parent side) and parses its figures.
pub async fn spawn<T: for<'de> Deserialize<'de>>(
    kind: WorkerKind,
    size: usize,
    wait_seconds: u64,
) -> anyhow::Result<T> {
    let exe = std::env::current_exe()?;
    let out = tokio::process::Command::new(exe)
        .args(["bench", "--worker", kind.as_str(), "--size", &size.to_string()])
        .args(["--wait-seconds", &wait_seconds.to_string()])
        .stdin(std::process::Stdio::null())
        .output()
        .await?;
    anyhow::ensure!(
        out.status.success(),
        "the {} worker failed ({}): {}",
        kind.as_str(),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// One execution of `definition` with `input`, in memory; checks that its output has `items`
/// elements.
async fn one_execution(definition: &Value, input: Value, items: usize) -> anyhow::Result<OneExecution> {
    let bench = Bench::open(&Backend::Memory).await?;
    let sm = bench.machine("one", definition).await?;
    let baseline = memory();
    let t = Instant::now();
    let rec = run_to_end(&bench.engine, &sm.arn, input).await?;
    let wall_ms = t.elapsed().as_secs_f64() * 1e3;
    let n = rec.output.as_ref().and_then(Value::as_array).map_or(0, Vec::len);
    anyhow::ensure!(n == items, "the output has {n} elements, not {items}");
    Ok(OneExecution { wall_ms, peak_rss_mb: memory().map(|m| m.peak_mb), baseline_rss_mb: baseline.map(|m| m.rss_mb) })
}

/// Executions started at once to park the waits.
const STARTERS: usize = 200;

/// `n` executions of a Wait of `wait_seconds` on SQLite: started, left parked, and woken.
async fn parked_waits(n: usize, wait_seconds: u64) -> anyhow::Result<ParkedWaits> {
    let bench = Bench::open(&Backend::Sqlite).await?;
    let sm = bench.machine("waits", &machines::wait_then_pass(wait_seconds)).await?;
    let baseline = memory();
    let t = Instant::now();
    let arns = start_all(&bench, &sm.arn, n).await?;
    let start_s = t.elapsed().as_secs_f64();
    settle(&bench, Duration::from_secs(wait_seconds)).await;
    let parked = memory();
    let mut ends = tokio::task::JoinSet::new();
    for arn in arns {
        let engine = bench.engine.clone();
        ends.spawn(async move { engine.wait_for(&arn).await });
    }
    let mut late_ms = Vec::with_capacity(n);
    while let Some(r) = ends.join_next().await {
        let rec = r??;
        anyhow::ensure!(rec.status.as_str() == "SUCCEEDED", "execution {} ended {}", rec.arn, rec.status.as_str());
        let due = rec.start + chrono::Duration::seconds(i64::try_from(wait_seconds)?);
        let stop = rec.stop.unwrap_or_else(chrono::Utc::now);
        late_ms.push((stop - due).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e3);
    }
    Ok(ParkedWaits {
        start_s,
        rss_added_mb: baseline.zip(parked).map(|(b, p)| p.rss_mb - b.rss_mb),
        lateness_p50_ms: percentile(&late_ms, 50.0),
        lateness_p99_ms: percentile(&late_ms, 99.0),
        lateness_max_ms: percentile(&late_ms, 100.0),
    })
}

/// Starts `n` executions from [`STARTERS`] concurrent tasks; their ARNs.
async fn start_all(bench: &Bench, machine_arn: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let mut tasks = tokio::task::JoinSet::new();
    for s in 0..STARTERS.min(n.max(1)) {
        let engine = bench.engine.clone();
        let arn = machine_arn.to_string();
        let mine = (s..n).step_by(STARTERS).count();
        tasks.spawn(async move {
            let mut out = Vec::with_capacity(mine);
            for _ in 0..mine {
                let req =
                    engine::StartRequest { state_machine_arn: arn.clone(), name: None, input: serde_json::json!({}) };
                out.push(engine.start_execution(req).await?.arn);
            }
            anyhow::Ok(out)
        });
    }
    let mut arns = Vec::with_capacity(n);
    while let Some(r) = tasks.join_next().await {
        arns.extend(r??);
    }
    Ok(arns)
}

/// Waits until no execution is left in memory (all parked), at most `limit`.
async fn settle(bench: &Bench, limit: Duration) {
    let until = Instant::now() + limit;
    while Instant::now() < until && bench.engine.load_figures().0 > 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn map_and_parallel_workers_report_wall_time_and_memory() {
        let v = run(WorkerKind::Map, 50, 0).await.unwrap();
        let m: OneExecution = serde_json::from_value(v).unwrap();
        assert!(m.wall_ms > 0.0);
        if let (Some(p), Some(b)) = (m.peak_rss_mb, m.baseline_rss_mb) {
            assert!(p >= b);
        }
        let v = run(WorkerKind::Parallel, 7, 0).await.unwrap();
        assert!(serde_json::from_value::<OneExecution>(v).unwrap().wall_ms > 0.0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parked_waits_all_end_after_their_due_time() {
        let w = parked_waits(20, 1).await.unwrap();
        assert!(w.lateness_p50_ms >= 0.0, "{w:?}");
        assert!(w.lateness_max_ms >= w.lateness_p99_ms && w.lateness_p99_ms >= w.lateness_p50_ms);
    }
}
