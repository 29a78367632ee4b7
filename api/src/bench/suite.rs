//! The whole suite: every workload run `sizes.runs` times on fresh engines, in a fixed order,
//! reduced to the report's rows. A workload that fails leaves its rows skipped with the reason.

use super::http::{self, LATENCY_STATES};
use super::report::{count, Report, Row};
use super::transitions::{self, CHAIN_STATES};
use super::worker::{self, OneExecution, ParkedWaits, WorkerKind};
use super::{cores, Backend, Sizes};

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub sizes: Sizes,
    /// The PostgreSQL database of the durable PostgreSQL row, if any.
    pub postgres: Option<String>,
    /// Run only the workloads whose row ids start with one of these (all when empty).
    pub only: Vec<String>,
}

impl Options {
    fn wants(&self, id: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| id.starts_with(o.as_str()) || o.starts_with(id))
    }
}

/// Runs the suite; `progress` hears what is about to run.
pub async fn run(opts: &Options, progress: &(dyn Fn(&str) + Sync)) -> Report {
    let s = &opts.sizes;
    let mut rows = Vec::new();
    for backend in [Some(Backend::Memory), Some(Backend::Sqlite), opts.postgres.clone().map(Backend::Postgres)] {
        transitions_rows(opts, backend, progress, &mut rows).await;
    }
    for backend in [Backend::Memory, Backend::Sqlite] {
        http_rows(opts, &backend, progress, &mut rows).await;
    }
    for backend in [Backend::Memory, Backend::Sqlite] {
        latency_rows(opts, &backend, progress, &mut rows).await;
    }
    one_execution_rows(opts, WorkerKind::Map, progress, &mut rows).await;
    one_execution_rows(opts, WorkerKind::Parallel, progress, &mut rows).await;
    waits_rows(opts, progress, &mut rows).await;
    Report { cores: cores(), profile: s.profile.as_str().into(), runs: s.runs, clients: s.clients, rows }
}

/// Runs `f` `runs` times, stopping at the first error.
async fn repeat<T, F, Fut>(runs: usize, progress: &(dyn Fn(&str) + Sync), id: &str, f: F) -> anyhow::Result<Vec<T>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut out = Vec::with_capacity(runs);
    for i in 0..runs.max(1) {
        progress(&format!("{id}: run {}/{}", i + 1, runs.max(1)));
        out.push(f().await?);
    }
    Ok(out)
}

/// Rows of a workload from its runs: one per figure, each picked out of every run by `fig`.
struct Figures<'a> {
    id: &'a str,
    workload: String,
    rows: &'a mut Vec<Row>,
}

impl Figures<'_> {
    fn add<T>(
        &mut self,
        runs: &anyhow::Result<Vec<T>>,
        suffix: &str,
        metric: &str,
        unit: &str,
        fig: impl Fn(&T) -> Option<f64>,
    ) {
        let id = if suffix.is_empty() { self.id.to_string() } else { format!("{}.{suffix}", self.id) };
        let row = match runs {
            Ok(rs) => match rs.iter().map(&fig).collect::<Option<Vec<f64>>>() {
                Some(v) => Row::measured(&id, &self.workload, metric, unit, v),
                None => Row::skipped(&id, &self.workload, metric, unit, "no /proc/self/status to read memory from"),
            },
            Err(e) => Row::skipped(&id, &self.workload, metric, unit, format!("failed: {e:#}")),
        };
        self.rows.push(row);
    }
}

async fn transitions_rows(
    opts: &Options,
    backend: Option<Backend>,
    progress: &(dyn Fn(&str) + Sync),
    rows: &mut Vec<Row>,
) {
    let s = &opts.sizes;
    let Some(backend) = backend else {
        let id = "transitions.postgres";
        if opts.wants(id) {
            let workload = format!("Pass chain ×{CHAIN_STATES} · {}", Backend::Postgres(String::new()).label());
            let why = "no PostgreSQL: pass --postgres URL or set CAIRN_TEST_POSTGRES_URL";
            rows.push(Row::skipped(id, &workload, "transitions/s", "1/s", why));
            let id = "transitions.postgres.writes_per_commit";
            rows.push(Row::skipped(id, &workload, "executions/commit", "1", why));
        }
        return;
    };
    let id = format!("transitions.{}", backend.key());
    if !opts.wants(&id) {
        return;
    }
    let runs = repeat(s.runs, progress, &id, || transitions::run_once(&backend, s)).await;
    let workload = format!("Pass chain ×{CHAIN_STATES} · {}", backend.label());
    let mut f = Figures { id: &id, workload, rows };
    f.add(&runs, "", "transitions/s", "1/s", |t| Some(t.transitions_per_s));
    if backend != Backend::Memory {
        f.add(&runs, "writes_per_commit", "executions/commit", "1", |t| t.writes_per_commit);
    }
}

async fn http_rows(opts: &Options, backend: &Backend, progress: &(dyn Fn(&str) + Sync), rows: &mut Vec<Row>) {
    let s = &opts.sizes;
    let id = format!("http.{}", backend.key());
    if !opts.wants(&id) {
        return;
    }
    let how = if *backend == Backend::Memory { "StartSync" } else { "Start+Describe" };
    let workload = format!("HTTP, chain ×{CHAIN_STATES}, {} clients · {how} · {}", s.clients, backend.label());
    let runs = repeat(s.runs, progress, &id, || http::executions_per_second(backend, s)).await;
    Figures { id: &id, workload, rows }.add(&runs, "", "executions/s", "1/s", |x| Some(*x));
}

async fn latency_rows(opts: &Options, backend: &Backend, progress: &(dyn Fn(&str) + Sync), rows: &mut Vec<Row>) {
    let s = &opts.sizes;
    let id = format!("latency.{}", backend.key());
    if !opts.wants(&id) {
        return;
    }
    let how = if *backend == Backend::Memory { "StartSync" } else { "Start+Describe" };
    let workload = format!("HTTP latency, {LATENCY_STATES} states · {how} · {}", backend.label());
    let runs = repeat(s.runs, progress, &id, || http::latency(backend, s)).await;
    let mut f = Figures { id: &id, workload, rows };
    f.add(&runs, "p50_ms", "p50 ms", "ms", |l| Some(l.p50_ms));
    f.add(&runs, "p99_ms", "p99 ms", "ms", |l| Some(l.p99_ms));
}

async fn one_execution_rows(opts: &Options, kind: WorkerKind, progress: &(dyn Fn(&str) + Sync), rows: &mut Vec<Row>) {
    let s = &opts.sizes;
    let (id, size, workload) = match kind {
        WorkerKind::Map => ("map", s.map_items, format!("inline Map, {} items · memory", count(s.map_items))),
        _ => ("parallel", s.parallel_branches, format!("Parallel, {} branches · memory", count(s.parallel_branches))),
    };
    if !opts.wants(id) {
        return;
    }
    let runs = repeat(s.runs, progress, id, || worker::spawn::<OneExecution>(kind, size, 0)).await;
    let mut f = Figures { id, workload, rows };
    f.add(&runs, "wall_ms", "wall ms", "ms", |r| Some(r.wall_ms));
    f.add(&runs, "peak_rss_mb", "peak RSS MiB", "MiB", |r| r.peak_rss_mb);
}

async fn waits_rows(opts: &Options, progress: &(dyn Fn(&str) + Sync), rows: &mut Vec<Row>) {
    let s = &opts.sizes;
    if !opts.wants("waits") {
        return;
    }
    let workload = format!("{} parked Waits of {} s · SQLite (Standard)", count(s.waits), s.wait_seconds);
    let runs =
        repeat(s.runs, progress, "waits", || worker::spawn::<ParkedWaits>(WorkerKind::Waits, s.waits, s.wait_seconds))
            .await;
    let mut f = Figures { id: "waits", workload, rows };
    f.add(&runs, "rss_added_mb", "RSS added MiB", "MiB", |r| r.rss_added_mb);
    f.add(&runs, "lateness_p50_ms", "wake lateness p50 ms", "ms", |r| Some(r.lateness_p50_ms));
    f.add(&runs, "lateness_p99_ms", "wake lateness p99 ms", "ms", |r| Some(r.lateness_p99_ms));
    f.add(&runs, "lateness_max_ms", "all woken within ms", "ms", |r| Some(r.lateness_max_ms));
    f.add(&runs, "start_per_s", "parked starts/s", "1/s", |r| Some(s.waits as f64 / r.start_s.max(1e-9)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Profile;

    #[test]
    fn only_selects_by_row_id_prefix() {
        let o = Options { sizes: Sizes::for_profile(Profile::Quick), postgres: None, only: vec!["latency".into()] };
        assert!(o.wants("latency.memory") && o.wants("latency.sqlite"));
        assert!(!o.wants("transitions.memory"));
        let o = Options { only: vec!["transitions.sqlite".into()], ..o };
        assert!(o.wants("transitions.sqlite") && !o.wants("transitions.memory"));
        let all = Options { only: vec![], ..o };
        assert!(all.wants("waits"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_postgres_its_row_says_why() {
        let o = Options {
            sizes: Sizes::for_profile(Profile::Quick),
            postgres: None,
            only: vec!["transitions.postgres".into()],
        };
        let r = run(&o, &|_| {}).await;
        let ids: Vec<&str> = r.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["transitions.postgres", "transitions.postgres.writes_per_commit"]);
        assert!(r.rows.iter().all(|r| r.skipped.as_deref().unwrap_or("").contains("--postgres URL")));
    }
}
