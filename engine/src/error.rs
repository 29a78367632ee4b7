//! The engine's error type.

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("State Machine Does Not Exist: '{0}'")]
    StateMachineDoesNotExist(String),
    #[error("Execution Does Not Exist: '{0}'")]
    ExecutionDoesNotExist(String),
    #[error("Execution Already Exists: '{0}'")]
    ExecutionAlreadyExists(String),
    #[error("State Machine Already Exists: '{0}'")]
    StateMachineAlreadyExists(String),
    #[error("Invalid State Machine Definition: {0}")]
    InvalidDefinition(String),
    #[error("{0}")]
    Validation(String),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("Invalid Token: '{0}'")]
    InvalidToken(String),
    #[error("Task Timed Out: '{0}'")]
    TaskTimedOut(String),
    #[error("Activity Does Not Exist: '{0}'")]
    ActivityDoesNotExist(String),
    #[error("{0}")]
    ExecutionNotRedrivable(String),
}
