//! Workflow variables (`Assign`, `$name`): a state sees the variables of its own scope and, read-only,
//! those of the scopes around it (a Parallel branch or Map iteration sees the outer variables as they
//! were when it started).

use std::sync::Arc;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Variables {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outer: Option<Arc<Variables>>,
    #[serde(default)]
    local: Map<String, Value>,
}

impl Variables {
    pub fn new() -> Self {
        Self::default()
    }

    /// A new inner scope that reads through to `outer`.
    pub fn child_of(outer: Arc<Variables>) -> Self {
        Variables { outer: Some(outer), local: Map::new() }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.local.get(name) {
            Some(v) => Some(v),
            None => self.outer.as_ref().and_then(|o| o.get(name)),
        }
    }

    /// Assigns in this scope. An inner scope cannot change an outer variable: AWS rejects such a
    /// definition, and at run time the assignment shadows it inside the scope only.
    pub fn set(&mut self, name: String, value: Value) {
        self.local.insert(name, value);
    }

    pub fn local(&self) -> &Map<String, Value> {
        &self.local
    }

    pub fn is_empty(&self) -> bool {
        self.local.is_empty() && self.outer.as_ref().is_none_or(|o| o.is_empty())
    }

    /// Every visible variable (inner ones win), e.g. to bind them all in a JSONata evaluation.
    pub fn flatten(&self) -> Map<String, Value> {
        let mut m = match &self.outer {
            Some(o) => o.flatten(),
            None => Map::new(),
        };
        for (k, v) in &self.local {
            m.insert(k.clone(), v.clone());
        }
        m
    }
}
