//! The measuring instruments: a closed-loop throughput driver, a sequential latency sampler,
//! medians and percentiles, and the process's resident memory from `/proc/self/status`.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs `op` in a loop from `clients` concurrent tasks until `duration` has passed (operations
/// already in flight finish); returns completed operations per second of wall time, tail
/// included. The first error stops the measurement.
pub async fn throughput<F, Fut>(clients: usize, duration: Duration, op: F) -> anyhow::Result<f64>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let op = Arc::new(op);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..clients.max(1) {
        let op = op.clone();
        tasks.spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                op(client).await?;
                done += 1;
            }
            anyhow::Ok(done)
        });
    }
    let mut total = 0u64;
    while let Some(r) = tasks.join_next().await {
        total += r??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Runs `op` `samples` times, one after another; each run's duration in milliseconds.
pub async fn latencies<F, Fut>(samples: usize, op: F) -> anyhow::Result<Vec<f64>>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        op().await?;
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(out)
}

/// The median (the mean of the middle two for an even count); NaN when empty.
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (0–100) by the nearest-rank method; NaN when empty.
pub fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The process's memory, in MiB: resident now (`VmRSS`) and its high-water mark (`VmHWM`).
/// `None` where `/proc` is unavailable.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_mb: f64,
    pub peak_mb: f64,
}

pub fn memory() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    Some(Memory { rss_mb: status_kb(&status, "VmRSS:")? / 1024.0, peak_mb: status_kb(&status, "VmHWM:")? / 1024.0 })
}

/// A `Name:   1234 kB` line of `/proc/self/status`, in kB.
fn status_kb(status: &str, name: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 50.0), 50.0);
        assert_eq!(percentile(&xs, 99.0), 99.0);
        assert_eq!(percentile(&xs, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn reads_kilobyte_lines_of_proc_status() {
        let s = "Name:\tcairn\nVmHWM:\t   2048 kB\nVmRSS:\t    1024 kB\n";
        assert_eq!(status_kb(s, "VmHWM:"), Some(2048.0));
        assert_eq!(status_kb(s, "VmRSS:"), Some(1024.0));
        assert_eq!(status_kb(s, "VmSwap:"), None);
    }

    #[test]
    fn the_process_has_resident_memory() {
        if let Some(m) = memory() {
            assert!(m.rss_mb > 0.0 && m.peak_mb >= m.rss_mb);
        }
    }

    #[tokio::test]
    async fn throughput_counts_every_completed_operation() {
        let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let c = counter.clone();
        let rate = throughput(4, Duration::from_millis(50), move |_| {
            let c = c.clone();
            async move {
                c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok(())
            }
        })
        .await
        .unwrap();
        assert!(rate > 0.0);
        assert!(counter.load(std::sync::atomic::Ordering::Relaxed) >= 4);
    }

    #[tokio::test]
    async fn an_error_stops_the_measurement() {
        let r = throughput(2, Duration::from_secs(5), |_| async { anyhow::bail!("boom") }).await;
        assert_eq!(r.unwrap_err().to_string(), "boom");
    }
}
