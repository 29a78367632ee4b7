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
    /// Credentials requests must prove (SigV4 for the AWS protocol, a bearer token for REST).
    pub auth: crate::auth::AuthConfig,
    /// How long GetActivityTask waits for a task before answering with an empty token.
    pub activity_poll: std::time::Duration,
}

impl Default for ServerConfig {
    /// AWS's default region, the local account, and no `command` functions over REST.
    fn default() -> Self {
        ServerConfig {
            region: "us-east-1".into(),
            account: "000000000000".into(),
            allow_command_functions: false,
            auth: crate::auth::AuthConfig::default(),
            activity_poll: std::time::Duration::from_secs(60),
        }
    }
}

pub struct AppState {
    pub engine: Engine,
    pub registry: Arc<Registry>,
    pub config: ServerConfig,
    /// What the AWS protocol keeps beside the engine: tags, aliases, version counters.
    pub aws: crate::aws::AwsState,
    /// Schedules that start executions (fired by [`crate::schedules::run`]).
    pub schedules: crate::schedules::Schedules,
    /// Counters behind `/metrics`.
    pub metrics: crate::metrics::Metrics,
}

impl AppState {
    /// The state, shared, and bound to its engine as the answer to `aws-sdk:sfn` Tasks.
    pub fn new(engine: Engine, registry: Arc<Registry>, config: ServerConfig) -> Arc<Self> {
        let aws = crate::aws::AwsState::new(engine.store().clone());
        let schedules = crate::schedules::Schedules::new(engine.store().clone());
        let state = Arc::new(AppState { engine, registry, config, aws, schedules, metrics: Default::default() });
        let weak = Arc::downgrade(&state);
        state.engine.set_sdk_service(weak);
        state
    }
}
