//! JSONPath Choice rules: the comparison operators, `And`/`Or`/`Not`, and AWS's type rules.

use serde_json::Value;

use crate::env::Env;
use crate::failure::Failure;

/// A Choice rule's boolean expression (without its `Next`).
#[derive(Debug, Clone)]
pub struct Rule {
    source: Value,
}

impl Rule {
    /// Parses a rule object; errors are `(JSON Pointer relative to the rule, message)`.
    pub fn parse(value: &Value) -> Result<Self, Vec<(String, String)>> {
        Ok(Rule { source: value.clone() })
    }

    pub fn eval(&self, _input: &Value, _env: &Env) -> Result<bool, Failure> {
        Err(Failure::new("States.Runtime", "Choice rules not implemented yet"))
    }
}
