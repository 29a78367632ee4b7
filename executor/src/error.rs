//! The executor's error type (configuration problems; task failures are `Failure` data).

#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    #[error("cannot read functions file {path}: {source}")]
    ReadFile { path: String, source: std::io::Error },
    #[error("invalid functions file {path}: {message}")]
    InvalidFile { path: String, message: String },
    #[error("invalid function '{name}': {message}")]
    InvalidFunction { name: String, message: String },
}
