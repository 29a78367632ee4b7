//! `cairn serve`: the server on one port (AWS JSON protocol, health).

use std::sync::Arc;

use engine::store::postgres::LeaseConfig;
use engine::{Engine, EngineConfig};
use executor::{Executor, HttpPolicy, MockConfig, Registry};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CAIRN_BIND")]
    bind: String,
    /// Storage: `sqlite://PATH` (relative to the working directory, created if missing),
    /// `postgres://…` (several servers may share it), or `memory` (nothing survives a restart).
    #[arg(long, default_value = "sqlite://cairn.db", env = "CAIRN_DB")]
    db: String,
    /// With PostgreSQL: how long this server's claim on its executions lasts without renewal;
    /// another server takes them over after it.
    #[arg(long, default_value_t = 10, env = "CAIRN_LEASE_SECONDS")]
    lease_seconds: u64,
    /// A JSON file of functions (`{"name": {"command": [...]} | {"url": "..."}}`).
    #[arg(long, env = "CAIRN_FUNCTIONS")]
    functions: Option<String>,
    /// Region used in ARNs when a request does not name one.
    #[arg(long, default_value = "us-east-1", env = "CAIRN_REGION")]
    region: String,
    /// Account used in ARNs when a request does not name one.
    #[arg(long, default_value = "000000000000", env = "CAIRN_ACCOUNT")]
    account: String,
    /// A mock configuration (AWS Step Functions Local's format): executions started on
    /// `…:stateMachine:Name#TestCase` get their task results from it.
    #[arg(long, env = "SFN_MOCK_CONFIG")]
    mock_config: Option<String>,
    /// Multiplies every durable delay (Wait, retry back-off, timeouts); 0 skips them in virtual
    /// time, for test runs (the histories are the same as in real time).
    #[arg(long, default_value_t = 1.0, env = "CAIRN_TIME_SCALE")]
    time_scale: f64,
    /// With PostgreSQL: this server's name among those sharing the database (default
    /// `HOSTNAME:PORT`). A server restarted with the same name takes its executions back at once
    /// instead of waiting for its lease to lapse; two live servers must never share one.
    #[arg(long, env = "CAIRN_NODE_ID")]
    node_id: Option<String>,
    /// Days finished executions are kept before they are deleted (0 keeps them for ever).
    #[arg(long, default_value_t = 90, env = "CAIRN_RETENTION_DAYS")]
    retention_days: u32,
    /// Accept `command` functions over REST even when listening beyond loopback (they run
    /// programs on this host).
    #[arg(long, env = "CAIRN_ALLOW_COMMAND_FUNCTIONS")]
    allow_command_functions: bool,
    /// A host HTTP Tasks may call besides loopback (repeatable; `*` allows every host).
    #[arg(long = "http-allow-host", env = "CAIRN_HTTP_ALLOW_HOSTS", value_delimiter = ',')]
    http_allow_hosts: Vec<String>,
    #[command(flatten)]
    security: crate::auth::SecurityArgs,
}

pub fn main(a: Args) -> u8 {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(run(a)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

async fn run(a: Args) -> anyhow::Result<()> {
    let auth = a.security.config_for(&a.bind).await?;
    let registry = Arc::new(Registry::new());
    if let Some(f) = &a.functions {
        let n = registry.load_file(f)?;
        tracing::info!(file = %f, functions = n, "functions loaded");
    }
    let config = EngineConfig {
        region: a.region.clone(),
        account: a.account.clone(),
        default_role_arn: format!("arn:aws:iam::{}:role/cairn", a.account),
        time_scale: engine::clock::TimeScale(a.time_scale),
    };
    if !(a.time_scale >= 0.0 && a.time_scale.is_finite()) {
        anyhow::bail!("--time-scale must be a number ≥ 0");
    }
    let node_id = a.node_id.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "cairn".into());
        format!("{host}:{}", a.bind.rsplit(':').next().unwrap_or("8080"))
    });
    let lease = LeaseConfig { lease: std::time::Duration::from_secs(a.lease_seconds.max(1)), owner: node_id };
    let store = engine::store::open(&a.db, lease).await?;
    let mut executor =
        Executor::new(registry.clone()).with_http_policy(HttpPolicy::allowing(a.http_allow_hosts.clone()));
    if let Some(f) = &a.mock_config {
        executor = executor.with_mocks(MockConfig::load_file(f)?);
        tracing::info!(file = %f, "mock configuration loaded");
    }
    let engine = Engine::new(store, Arc::new(executor), config);
    let resumed = engine.recover().await?;
    if a.retention_days > 0 {
        engine.start_retention(chrono::Duration::days(i64::from(a.retention_days)));
    }
    tracing::info!(db = %a.db, resumed, "storage ready");
    let listener = tokio::net::TcpListener::bind(&a.bind).await?;
    let loopback = listener.local_addr()?.ip().is_loopback();
    let config = crate::ServerConfig {
        region: a.region,
        account: a.account,
        allow_command_functions: loopback || a.allow_command_functions,
        auth,
        ..crate::ServerConfig::default()
    };
    let state = crate::AppState::new(engine, registry, config);
    state.aws.restore().await?;
    state.schedules.restore().await?;
    tokio::spawn(crate::schedules::run(state.clone()));
    if state.engine.store().claim_interval().is_some() {
        // Other servers share this database: what they change of aliases, tags and schedules is
        // read back every few seconds.
        let shared = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RESOURCE_REFRESH).await;
                if let Err(e) = shared.aws.restore().await {
                    tracing::warn!(error = %e, "cannot read back aliases and tags");
                }
                if let Err(e) = shared.schedules.restore().await {
                    tracing::warn!(error = %e, "cannot read back schedules");
                }
            }
        });
    }
    tracing::info!(address = %listener.local_addr()?, "cairn listening");
    crate::serve(listener, crate::router(state), shutdown_signal()).await?;
    Ok(())
}

/// How often a server sharing its database reads back aliases, tags and schedules.
const RESOURCE_REFRESH: std::time::Duration = std::time::Duration::from_secs(2);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
