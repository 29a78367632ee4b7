//! Cairn's HTTP side: the AWS JSON protocol (`POST /` with `X-Amz-Target`), the REST API under
//! `/v1`, the web UI, health, and the server loop. [`router`] builds the routes; [`serve`] runs them on a listener until shutdown.

pub mod aws;
pub mod cli;
mod state;

use std::future::Future;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

pub use state::{AppState, ServerConfig};

/// All routes of the server.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new().route("/", post(aws::handle)).route("/healthz", get(|| async { "ok" })).with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
