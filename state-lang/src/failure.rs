//! Runtime errors of a state machine as data: an error name plus an optional cause, exactly as AWS
//! reports them, and the predefined `States.*` error names.

use std::fmt;

/// A runtime error raised while a state runs: what Retry and Catch match on, and what
/// `ExecutionFailed` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

impl Failure {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: Some(cause.into()) }
    }

    /// A failure named by one of the predefined `States.*` errors.
    pub fn states(error: StatesError, cause: impl Into<String>) -> Self {
        Failure::new(error.as_str(), cause)
    }

    pub fn without_cause(error: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: None }
    }

    /// The `{"Error", "Cause"}` object that Catch hands to the next state.
    pub fn to_error_output(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("Error".into(), self.error.clone().into());
        if let Some(c) = &self.cause {
            m.insert("Cause".into(), c.clone().into());
        }
        serde_json::Value::Object(m)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

/// The error names ASL predefines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatesError {
    All,
    DataLimitExceeded,
    ExceedToleratedFailureThreshold,
    HeartbeatTimeout,
    IntrinsicFailure,
    ItemReaderFailed,
    NoChoiceMatched,
    ParameterPathFailure,
    Permissions,
    QueryEvaluationError,
    ResultPathMatchFailure,
    ResultWriterFailed,
    Runtime,
    TaskFailed,
    Timeout,
    BranchFailed,
}

impl StatesError {
    pub fn as_str(self) -> &'static str {
        match self {
            StatesError::All => "States.ALL",
            StatesError::DataLimitExceeded => "States.DataLimitExceeded",
            StatesError::ExceedToleratedFailureThreshold => "States.ExceedToleratedFailureThreshold",
            StatesError::HeartbeatTimeout => "States.HeartbeatTimeout",
            StatesError::IntrinsicFailure => "States.IntrinsicFailure",
            StatesError::ItemReaderFailed => "States.ItemReaderFailed",
            StatesError::NoChoiceMatched => "States.NoChoiceMatched",
            StatesError::ParameterPathFailure => "States.ParameterPathFailure",
            StatesError::Permissions => "States.Permissions",
            StatesError::QueryEvaluationError => "States.QueryEvaluationError",
            StatesError::ResultPathMatchFailure => "States.ResultPathMatchFailure",
            StatesError::ResultWriterFailed => "States.ResultWriterFailed",
            StatesError::Runtime => "States.Runtime",
            StatesError::TaskFailed => "States.TaskFailed",
            StatesError::Timeout => "States.Timeout",
            StatesError::BranchFailed => "States.BranchFailed",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL_NAMES.iter().copied().find(|e| e.as_str() == name)
    }

    pub const ALL_NAMES: [StatesError; 16] = [
        StatesError::All,
        StatesError::DataLimitExceeded,
        StatesError::ExceedToleratedFailureThreshold,
        StatesError::HeartbeatTimeout,
        StatesError::IntrinsicFailure,
        StatesError::ItemReaderFailed,
        StatesError::NoChoiceMatched,
        StatesError::ParameterPathFailure,
        StatesError::Permissions,
        StatesError::QueryEvaluationError,
        StatesError::ResultPathMatchFailure,
        StatesError::ResultWriterFailed,
        StatesError::Runtime,
        StatesError::TaskFailed,
        StatesError::Timeout,
        StatesError::BranchFailed,
    ];
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
