//! Fresh engines and servers for each run: a store for a [`Backend`] (SQLite in a temporary
//! directory removed afterwards), the engine over it, and the HTTP server on `127.0.0.1:0`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use engine::store::memory::MemoryStore;
use engine::store::postgres::{LeaseConfig, PostgresStore};
use engine::store::sqlite::SqliteStore;
use engine::store::{CommitStats, MachineType, StateMachineRecord, Store};
use engine::{Engine, EngineConfig};
use executor::{Executor, Registry};
use serde_json::Value;
use tokio::sync::oneshot;

use super::Backend;

/// A directory of its own under the system's temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> std::io::Result<Self> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("cairn-bench-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An engine over a fresh store, and what keeps that store's files alive.
pub struct Bench {
    pub engine: Engine,
    pub registry: Arc<Registry>,
    pub machine_type: MachineType,
    /// The group-commit writer's counters of a durable store.
    durable: Option<Durable>,
    _dir: Option<TempDir>,
}

enum Durable {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl Bench {
    pub async fn open(backend: &Backend) -> anyhow::Result<Self> {
        let (store, durable, dir): (Arc<dyn Store>, _, _) = match backend {
            Backend::Memory => (Arc::new(MemoryStore::new()), None, None),
            Backend::Sqlite => {
                let dir = TempDir::new()?;
                let s = Arc::new(SqliteStore::open(&format!("sqlite://{}", dir.0.join("cairn.db").display())).await?);
                (s.clone(), Some(Durable::Sqlite(s)), Some(dir))
            }
            Backend::Postgres(url) => {
                let s = Arc::new(PostgresStore::open(url, LeaseConfig::default()).await?);
                (s.clone(), Some(Durable::Postgres(s)), None)
            }
        };
        let registry = Arc::new(Registry::new());
        let engine = Engine::new(store, Arc::new(Executor::new(registry.clone())), EngineConfig::default());
        let machine_type = if *backend == Backend::Memory { MachineType::Express } else { MachineType::Standard };
        Ok(Bench { engine, registry, machine_type, durable, _dir: dir })
    }

    /// Transactions and writes committed so far by a durable store's writer.
    pub fn commit_counts(&self) -> Option<(u64, u64)> {
        let stats: &CommitStats = match self.durable.as_ref()? {
            Durable::Sqlite(s) => s.commit_stats(),
            Durable::Postgres(s) => s.commit_stats(),
        };
        Some((stats.transactions.load(Ordering::Relaxed), stats.writes.load(Ordering::Relaxed)))
    }

    /// Creates a machine under a name unique to this process and run (a shared PostgreSQL
    /// database may hold the machines of earlier runs).
    pub async fn machine(&self, tag: &str, definition: &Value) -> anyhow::Result<StateMachineRecord> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("bench-{tag}-{}-{}-{n}", std::process::id(), uuid::Uuid::new_v4().simple());
        Ok(self.engine.create_state_machine(&name, &definition.to_string(), self.machine_type, None).await?)
    }
}

/// The server started in this process, stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Serves `bench`'s engine with `api::router` on an ephemeral loopback port.
    pub async fn start(bench: &Bench) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = crate::AppState::new(bench.engine.clone(), bench.registry.clone(), crate::ServerConfig::default());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve(listener, crate::router(state), async move {
            let _ = rx.await;
        }));
        Ok(Server { addr, stop: Some(tx), task: Some(task) })
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(mut t) = self.task.take() {
            // A client that still holds idle keep-alive connections would hold the server open.
            match tokio::time::timeout(std::time::Duration::from_secs(2), &mut t).await {
                Ok(r) => r??,
                Err(_) => t.abort(),
            }
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
