//! `cairn bench`'s workloads: the figures of DESIGN.md §6, each measured several times on fresh
//! engines, reduced to medians and printed as one table (or JSON).

pub mod http;
pub mod machines;
pub mod measure;
pub mod report;
pub mod setup;
pub mod suite;
pub mod transitions;
pub mod worker;

use std::time::Duration;

pub use report::{Report, Row};

/// How big and how long: the tiny run of the test suite, the default (under two minutes), or
/// the long one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Quick,
    Default,
    Full,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Quick => "quick",
            Profile::Default => "default",
            Profile::Full => "full",
        }
    }
}

/// The sizes every workload takes from the profile (and the command line's overrides).
#[derive(Debug, Clone)]
pub struct Sizes {
    pub profile: Profile,
    /// Measured runs of each workload; the table shows their median.
    pub runs: usize,
    /// Concurrent clients (or starters) of the throughput workloads.
    pub clients: usize,
    /// How long each throughput run keeps starting executions.
    pub duration: Duration,
    /// Sequential executions per latency run.
    pub latency_samples: usize,
    pub map_items: usize,
    pub parallel_branches: usize,
    pub waits: usize,
    pub wait_seconds: u64,
}

impl Sizes {
    pub fn for_profile(profile: Profile) -> Self {
        match profile {
            Profile::Quick => Sizes {
                profile,
                runs: 1,
                clients: 8,
                duration: Duration::from_millis(250),
                latency_samples: 20,
                map_items: 100,
                parallel_branches: 10,
                waits: 50,
                // Long enough for the executions to leave memory (the engine parks waits > 2 s).
                wait_seconds: 3,
            },
            Profile::Default => Sizes {
                profile,
                runs: 3,
                clients: 200,
                duration: Duration::from_secs(2),
                latency_samples: 1000,
                map_items: 10_000,
                parallel_branches: 100,
                waits: 10_000,
                wait_seconds: 5,
            },
            Profile::Full => Sizes {
                profile,
                runs: 5,
                clients: 200,
                duration: Duration::from_secs(10),
                latency_samples: 10_000,
                map_items: 10_000,
                parallel_branches: 100,
                waits: 10_000,
                wait_seconds: 60,
            },
        }
    }
}

/// Where the durable rows keep their data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `MemoryStore`, with Express machines.
    Memory,
    /// A fresh SQLite file per run, with Standard machines.
    Sqlite,
    /// The PostgreSQL database at this URL, with Standard machines.
    Postgres(String),
}

impl Backend {
    pub fn label(&self) -> &'static str {
        match self {
            Backend::Memory => "memory (Express)",
            Backend::Sqlite => "SQLite (Standard)",
            Backend::Postgres(_) => "PostgreSQL (Standard)",
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            Backend::Memory => "memory",
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

/// The machine's core count, as the table reports it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
