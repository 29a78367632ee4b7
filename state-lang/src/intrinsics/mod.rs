//! The 18 intrinsic functions (`States.Format`, `States.Array`, …): parsing of a call and its
//! evaluation with AWS's argument rules and messages (`States.IntrinsicFailure`).

use serde_json::Value;

use crate::env::Env;
use crate::failure::Failure;

/// A parsed intrinsic function call.
#[derive(Debug, Clone)]
pub struct Intrinsic {
    text: String,
}

impl Intrinsic {
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Intrinsic { text: text.to_string() })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn eval(&self, _input: &Value, _env: &Env) -> Result<Value, Failure> {
        Err(Failure::new("States.IntrinsicFailure", "intrinsics not implemented yet"))
    }
}
