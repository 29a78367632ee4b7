//! The validated, immutable model of a state machine. States are addressed by [`StateId`] within
//! their [`Scope`]: the top level, each Parallel branch and each Map processor is a scope of its own.
//! Every expression is already parsed (paths, templates, intrinsic calls, JSONata), so nothing
//! downstream re-parses text while running.

mod states;

use std::collections::HashMap;

pub use states::*;

/// Index of a state within its scope.
pub type StateId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default)]
pub enum QueryLanguage {
    #[default]
    JSONPath,
    JSONata,
}

impl QueryLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JSONPath => "JSONPath",
            QueryLanguage::JSONata => "JSONata",
        }
    }
}

/// A whole state machine.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub comment: Option<String>,
    pub version: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub scope: Scope,
    /// The definition as it was given, for DescribeStateMachine and the UI.
    pub source: serde_json::Value,
}

/// A set of states with its own `StartAt`: the top level, a Parallel branch or a Map processor.
#[derive(Debug, Clone)]
pub struct Scope {
    pub start_at: StateId,
    pub states: Vec<State>,
    pub by_name: HashMap<String, StateId>,
    /// JSON Pointer of this scope's `States` object's parent (`""` for the top level,
    /// `/States/P/Branches/0` for a branch), used to locate diagnostics and graph nodes.
    pub pointer: String,
}

impl Scope {
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id]
    }

    pub fn id_of(&self, name: &str) -> Option<StateId> {
        self.by_name.get(name).copied()
    }

    pub fn start(&self) -> &State {
        &self.states[self.start_at]
    }
}
