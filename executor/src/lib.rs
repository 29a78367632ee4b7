//! The outbound side of Task states: the function registry and its runtimes (a local command, an
//! HTTP endpoint, or an in-process handler), and the Lambda-shaped resources that reach them.
//! One attempt per call; retries are the engine's.

mod error;
pub mod functions;
pub mod http_task;
mod invoker;
pub mod lambda;
pub mod mocks;
pub mod runtime;

pub use error::ExecutorError;
pub use functions::{FunctionError, FunctionSpec, Handler, Registry};
pub use http_task::HttpPolicy;
pub use invoker::Executor;
pub use mocks::MockConfig;
