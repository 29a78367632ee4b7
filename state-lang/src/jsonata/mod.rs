//! JSONata in ASL: `{% … %}` expressions evaluated with `$states` (input, result, errorOutput,
//! context) and the workflow variables bound, plus AWS's extra functions.

use serde_json::Value;

use crate::env::Env;
use crate::failure::Failure;

/// A parsed JSONata expression (the text between `{%` and `%}`).
#[derive(Debug, Clone)]
pub struct JsonataExpr {
    text: String,
}

impl JsonataExpr {
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(JsonataExpr { text: text.to_string() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Evaluates with `$states` bound to `states`. `Ok(None)` is JSONata's "undefined".
    pub fn eval(&self, _states: &Value, _env: &Env) -> Result<Option<Value>, Failure> {
        Err(Failure::new("States.QueryEvaluationError", "JSONata not implemented yet"))
    }
}

/// A JSON value in which every string of the form `{% … %}` is a JSONata expression.
#[derive(Debug, Clone)]
pub struct JsonataTemplate {
    source: Value,
}

impl JsonataTemplate {
    pub fn compile(value: &Value) -> Result<Self, Vec<(String, String)>> {
        Ok(JsonataTemplate { source: value.clone() })
    }

    pub fn source(&self) -> &Value {
        &self.source
    }

    /// `field` names the ASL field for messages (`Arguments`, `Output`, …).
    pub fn eval(&self, _states: &Value, _env: &Env, _field: &str) -> Result<Value, Failure> {
        Err(Failure::new("States.QueryEvaluationError", "JSONata not implemented yet"))
    }
}
