//! Helpers for the intrinsic tests: evaluate an expression against an input with a fixed
//! context, no variables and seeded entropy.

use serde_json::{json, Value};

use super::Intrinsic;
use crate::env::{Env, SeededEntropy};
use crate::failure::Failure;
use crate::vars::Variables;

pub(crate) fn context() -> Value {
    json!({"Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:exec", "Name": "exec",
        "Input": {"FunctionInput": "a,b"}}, "State": {"Name": "State_0"}})
}

pub(crate) fn try_eval(expr: &str, input: &Value) -> Result<Value, Failure> {
    try_eval_with(expr, input, &Variables::new())
}

pub(crate) fn try_eval_with(expr: &str, input: &Value, vars: &Variables) -> Result<Value, Failure> {
    let intrinsic = Intrinsic::parse(expr).map_err(|e| panic!("{expr} does not parse: {e}"))?;
    let ctx = context();
    let entropy = SeededEntropy::new(7);
    intrinsic.eval(input, &Env { context: &ctx, vars, entropy: &entropy })
}

pub(crate) fn eval(expr: &str, input: &Value) -> Value {
    try_eval(expr, input).unwrap_or_else(|f| panic!("{expr} failed: {f}"))
}

/// The cause of the failure, after checking that it is a `States.Runtime` error.
pub(crate) fn eval_err(expr: &str, input: &Value) -> String {
    match try_eval(expr, input) {
        Ok(v) => panic!("{expr} should fail, gave {v}"),
        Err(f) => {
            assert_eq!(f.error, "States.Runtime", "{expr}");
            f.cause.unwrap_or_default()
        }
    }
}

/// AWS's cause for an argument a function rejects.
pub(crate) fn invalid_cause(expr: &str, function: &str) -> String {
    format!("The function '{expr}' had the following error: Invalid arguments in {function}")
}
