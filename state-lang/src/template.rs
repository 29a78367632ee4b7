//! JSONPath-mode payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, …): a JSON
//! value whose keys ending in `.$` take their value from a path, the context object, a variable or an
//! intrinsic function call.

use serde_json::Value;

use crate::env::Env;
use crate::failure::Failure;
use crate::intrinsics::Intrinsic;
use crate::path::ReferencePath;

/// The value of a `.$` key (or of a `…Path` field that also accepts intrinsics, such as `ErrorPath`).
#[derive(Debug, Clone)]
pub enum PathExpr {
    Path(ReferencePath),
    Intrinsic(Intrinsic),
}

impl PathExpr {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with("States.") {
            Ok(PathExpr::Intrinsic(Intrinsic::parse(text)?))
        } else {
            Ok(PathExpr::Path(ReferencePath::parse(text)?))
        }
    }

    pub fn eval(&self, input: &Value, env: &Env, field: &str) -> Result<Value, Failure> {
        match self {
            PathExpr::Path(p) => p.select(input, env, field),
            PathExpr::Intrinsic(i) => i.eval(input, env),
        }
    }
}

/// A compiled payload template.
#[derive(Debug, Clone)]
pub struct PayloadTemplate {
    source: Value,
}

impl PayloadTemplate {
    /// Compiles a template; errors are `(JSON Pointer relative to the template, message)`.
    pub fn compile(value: &Value) -> Result<Self, Vec<(String, String)>> {
        Ok(PayloadTemplate { source: value.clone() })
    }

    pub fn source(&self) -> &Value {
        &self.source
    }

    pub fn eval(&self, _input: &Value, _env: &Env) -> Result<Value, Failure> {
        Err(Failure::new("States.Runtime", "payload templates not implemented yet"))
    }
}
