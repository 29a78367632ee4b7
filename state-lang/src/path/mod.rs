//! JSONPath as ASL uses it: reference paths (`$.a.b[0]`, `$$.Execution.Id`, `$var.field`), paths with
//! wildcards, slices and filters where AWS allows them, and `ResultPath` writes.
//! (Being implemented — see the owner's module docs once filled in.)

use serde_json::Value;

use crate::env::Env;
use crate::failure::Failure;

/// A parsed JSONPath. Its root is the state input (`$`), the context object (`$$`) or a variable
/// (`$name`).
#[derive(Debug, Clone, PartialEq)]
pub struct ReferencePath {
    text: String,
}

impl ReferencePath {
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(ReferencePath { text: text.to_string() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Selects from `input` (or `$$` / a variable, by the path's root). `field` names the ASL field
    /// for error messages (`InputPath`, `ItemsPath`, `value.$` …).
    pub fn select(&self, _input: &Value, _env: &Env, _field: &str) -> Result<Value, Failure> {
        Err(Failure::new("States.Runtime", "JSONPath not implemented yet"))
    }
}

/// `ResultPath`: where a state's result is written into its input.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    /// `null`: the result is discarded, the input passes through.
    Discard,
    Path(ReferencePath),
}

impl ResultPath {
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(ResultPath::Path(ReferencePath::parse(text)?))
    }

    /// Writes `result` into `input` at this path, creating intermediate objects.
    pub fn apply(&self, input: Value, result: Value) -> Result<Value, Failure> {
        match self {
            ResultPath::Discard => Ok(input),
            ResultPath::Path(p) if p.as_str() == "$" => Ok(result),
            ResultPath::Path(_) => Err(Failure::new("States.Runtime", "ResultPath not implemented yet")),
        }
    }
}
