//! `cairn bench`: runs the benchmark suite of DESIGN.md §6 and prints one table of medians (or
//! JSON). `--worker` is the hidden child-process side of the memory workloads.

use std::io::IsTerminal;

use crate::bench::suite::{self, Options};
use crate::bench::worker::{self, WorkerKind};
use crate::bench::{Profile, Sizes};

#[derive(clap::Args)]
pub struct Args {
    /// Tiny sizes and one run: checks that every workload works, in seconds.
    #[arg(long, conflicts_with = "full")]
    quick: bool,
    /// The long run: more runs, longer measurements, a 60 s Wait.
    #[arg(long)]
    full: bool,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Measured runs of each workload (the table shows their median).
    #[arg(long)]
    runs: Option<usize>,
    /// Concurrent clients of the throughput workloads (default 200).
    #[arg(long)]
    clients: Option<usize>,
    /// Seconds each throughput run keeps starting executions.
    #[arg(long)]
    seconds: Option<f64>,
    /// PostgreSQL database for the durable PostgreSQL row (it keeps the executions it ran).
    #[arg(long, env = "CAIRN_TEST_POSTGRES_URL")]
    postgres: Option<String>,
    /// Run only the workloads whose ids start with this (repeatable): transitions, transitions.sqlite,
    /// http, latency, map, parallel, waits…
    #[arg(long)]
    only: Vec<String>,
    #[arg(long, hide = true)]
    worker: Option<WorkerKind>,
    #[arg(long, hide = true, default_value_t = 0)]
    size: usize,
    #[arg(long, hide = true, default_value_t = 0)]
    wait_seconds: u64,
}

pub fn main(a: Args) -> u8 {
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 1;
        }
    };
    if let Some(kind) = a.worker {
        return match rt.block_on(worker::run(kind, a.size, a.wait_seconds)) {
            Ok(figures) => {
                println!("{figures}");
                0
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                1
            }
        };
    }
    let opts = match options(&a) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 2;
        }
    };
    let verbose = std::io::stderr().is_terminal() || !a.json;
    let report = rt.block_on(suite::run(&opts, &|step| {
        if verbose {
            eprintln!("… {step}");
        }
    }));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print!("{}", report.table());
    }
    let failed = report.rows.iter().any(|r| r.skipped.as_deref().is_some_and(|s| s.starts_with("failed")));
    u8::from(failed)
}

fn options(a: &Args) -> Result<Options, String> {
    let profile = match (a.quick, a.full) {
        (true, _) => Profile::Quick,
        (_, true) => Profile::Full,
        _ => Profile::Default,
    };
    let mut sizes = Sizes::for_profile(profile);
    if let Some(r) = a.runs {
        if r == 0 {
            return Err("--runs must be at least 1".into());
        }
        sizes.runs = r;
    }
    if let Some(c) = a.clients {
        if c == 0 {
            return Err("--clients must be at least 1".into());
        }
        sizes.clients = c;
    }
    if let Some(s) = a.seconds {
        if !(s > 0.0 && s.is_finite()) {
            return Err("--seconds must be a positive number".into());
        }
        sizes.duration = std::time::Duration::from_secs_f64(s);
    }
    let postgres = a.postgres.clone().filter(|u| !u.is_empty());
    Ok(Options { sizes, postgres, only: a.only.clone() })
}
