//! Durable executions: one behavioural suite for every store (SQLite, PostgreSQL), recovery of an
//! engine from its last commit, `cairn serve` killed with SIGKILL mid-flight, parked Waits.
//!
//! PostgreSQL tests use `CAIRN_TEST_POSTGRES_URL` (each test in a database of its own) and skip
//! with a message when it is unset, unless `CAIRN_REQUIRE_POSTGRES=1`.

mod callback_restart;
mod crash;
mod engine_recovery;
mod parked;
mod scale_out;
mod schedules;
mod server;
mod signals_across;
mod store_suite;
mod waiting_work;

use std::path::PathBuf;

/// A directory of its own for a test, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!("cairn-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.0.join("cairn.db").display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh PostgreSQL database for one test, or `None` (with the reason printed) when no server
/// is configured. Panics when PostgreSQL is required and unavailable.
pub async fn postgres_database(tag: &str) -> Option<String> {
    let Ok(base) = std::env::var("CAIRN_TEST_POSTGRES_URL") else {
        let required = std::env::var("CAIRN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(!required, "CAIRN_REQUIRE_POSTGRES=1 but CAIRN_TEST_POSTGRES_URL is not set");
        eprintln!("skipping PostgreSQL test {tag}: CAIRN_TEST_POSTGRES_URL is not set");
        return None;
    };
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&base).await.expect("connect to CAIRN_TEST_POSTGRES_URL");
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or(0);
    let name = format!("cairn_{tag}_{}_{n}", std::process::id());
    // A database name cannot be a bind parameter; this one is made of digits, `_` and the tag.
    assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    let _ = conn.close().await;
    let (head, _) = base.rsplit_once('/').expect("database URL with a path");
    let url = format!("{head}/{name}");
    Some(url)
}
