//! `cairn bench --quick`: every workload of the benchmark suite still runs and reports its figures
//! (no timing thresholds: the figures depend on the machine).

use std::process::Command;

use serde_json::Value;

/// The row ids a run reports; the PostgreSQL row is skipped (with its reason) without a server.
const ROWS: &[&str] = &[
    "transitions.memory",
    "transitions.sqlite",
    "transitions.sqlite.writes_per_commit",
    "transitions.postgres",
    "transitions.postgres.writes_per_commit",
    "http.memory",
    "http.sqlite",
    "latency.memory.p50_ms",
    "latency.memory.p99_ms",
    "latency.sqlite.p50_ms",
    "latency.sqlite.p99_ms",
    "map.wall_ms",
    "map.peak_rss_mb",
    "parallel.wall_ms",
    "parallel.peak_rss_mb",
    "waits.rss_added_mb",
    "waits.lateness_p50_ms",
    "waits.lateness_p99_ms",
    "waits.lateness_max_ms",
    "waits.start_per_s",
];

#[test]
fn a_quick_bench_reports_every_figure_as_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn-cli"))
        .args(["bench", "--quick", "--json"])
        .output()
        .expect("run cairn bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {}: {stderr}", out.status);
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["profile"], "quick");
    let cores = report["cores"].as_u64().expect("core count");
    assert!(cores >= 1);
    let rows = report["rows"].as_array().expect("rows");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ROWS, "rows in order");
    let postgres = std::env::var("CAIRN_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty());
    for row in rows {
        let id = row["id"].as_str().unwrap_or_default();
        if id.starts_with("transitions.postgres") && !postgres {
            let why = row["skipped"].as_str().unwrap_or_default();
            assert!(why.contains("CAIRN_TEST_POSTGRES_URL"), "{row}");
            continue;
        }
        let median = row["median"].as_f64().unwrap_or_else(|| panic!("no figure in {row}"));
        assert!(median.is_finite(), "{row}");
        assert_eq!(row["runs"].as_array().map(Vec::len), Some(1), "{row}");
        if !id.ends_with("rss_added_mb") {
            // Rates, durations and sizes are positive; memory added can be within noise of zero.
            assert!(median > 0.0, "{row}");
        }
    }
}

#[test]
fn the_table_names_the_cores_and_every_workload() {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn-cli"))
        .args(["bench", "--quick", "--only", "transitions.memory", "--only", "parallel"])
        .output()
        .expect("run cairn bench");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("cairn bench — ") && lines[0].contains(" cores"), "{table}");
    assert!(lines.iter().any(|l| l.starts_with("Pass chain ×20 · memory (Express)") && l.contains("transitions/s")));
    assert!(lines.iter().any(|l| l.starts_with("Parallel, 10 branches") && l.contains("wall ms")), "{table}");
    assert!(lines.iter().all(|l| !l.contains("SQLite")), "--only keeps the others out: {table}");
}

#[test]
fn bad_options_exit_with_status_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn-cli")).args(["bench", "--runs", "0"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "error: --runs must be at least 1");
}
