//! Cairn's HTTP side: the AWS JSON protocol (`POST /` with `X-Amz-Target`), the REST API under
//! `/v1`, the web UI, health, and the server loop. [`router`] builds the routes; [`serve`] runs
//! them on a listener until shutdown.

pub mod auth;
pub mod aws;
pub mod bench;
pub mod cli;
pub mod metrics;
pub mod rest;
pub mod schedules;
mod state;
mod ui;

use std::future::Future;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

pub use state::{AppState, ServerConfig};

/// All routes of the server.
pub fn router(state: Arc<AppState>) -> Router {
    metrics::start_collector(&state);
    Router::new()
        .route("/", post(aws::handle))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::handler))
        .merge(rest::router())
        .merge(ui::router())
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_bearer))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
