//! What every handler shares: the engine, the function registry and the server's settings.

use std::sync::Arc;

use engine::Engine;
use executor::Registry;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Region and account used when a request does not name its own.
    pub region: String,
    pub account: String,
    /// Whether REST may register `command` functions (they run programs on this host): only
    /// while the server listens on loopback alone, or when the operator allowed it explicitly.
    pub allow_command_functions: bool,
}

pub struct AppState {
    pub engine: Engine,
    pub registry: Arc<Registry>,
    pub config: ServerConfig,
}
