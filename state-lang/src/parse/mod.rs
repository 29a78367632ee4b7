//! Definition JSON → validated [`StateMachine`](crate::StateMachine).
//!
//! One walk over the definition builds the model and, through [`crate::validate`], reports every
//! problem it meets with a JSON Pointer; the model is returned only when there was none.

mod assign;
mod choice;
mod errors;
mod expr;
pub(crate) mod fields;
mod json;
mod map;
mod scope;
mod states;

use serde_json::Value;

use self::fields::{Ctx, Fields};
use self::scope::ScopeKind;
use crate::diagnostic::Diagnostic;
use crate::model::{QueryLanguage, StateMachine};
use crate::validate::codes::INVALID_JSON_DESCRIPTION;
use crate::validate::rules::POSITIVE_SECONDS;

/// Fields of the definition object itself.
const MACHINE_FIELDS: &[&str] = &["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"];

/// Parses JSON text into a validated state machine, reporting every problem found.
pub fn parse_text(text: &str) -> Result<StateMachine, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::new("MISSING_DESCRIPTION", "", "Received a null or empty workflow input.")]);
    }
    let (value, duplicates) = json::read(text).map_err(|e| {
        vec![Diagnostic::new(
            INVALID_JSON_DESCRIPTION,
            "",
            format!("Invalid JSON at line {}, column {}: {e}", e.line(), e.column()),
        )]
    })?;
    let mut ctx = Ctx::new();
    ctx.duplicate_keys = duplicates;
    machine(ctx, &value)
}

/// Parses an already-decoded definition into a validated state machine.
pub fn parse_value(value: &Value) -> Result<StateMachine, Vec<Diagnostic>> {
    machine(Ctx::new(), value)
}

fn machine(mut ctx: Ctx, value: &Value) -> Result<StateMachine, Vec<Diagnostic>> {
    let Some(mut f) = Fields::of(&mut ctx, value, "") else {
        return Err(ctx.diags);
    };
    f.only(&mut ctx, MACHINE_FIELDS);
    let comment = f.string(&mut ctx, "Comment").map(str::to_string);
    let version = f.string(&mut ctx, "Version").map(str::to_string);
    let timeout_seconds = f.integer(&mut ctx, "TimeoutSeconds", POSITIVE_SECONDS);
    ctx.machine_ql = match f.get("QueryLanguage") {
        None => QueryLanguage::JSONPath,
        Some(v) => declared_language(&mut ctx, v, &f.at("QueryLanguage")),
    };
    let query_language = ctx.machine_ql;
    let scope = scope::parse_scope(&mut ctx, &f, ScopeKind::Top);
    match scope {
        Some(scope) if ctx.diags.is_empty() => {
            Ok(StateMachine { comment, version, timeout_seconds, query_language, scope, source: value.clone() })
        }
        _ => Err(ctx.diags),
    }
}

/// A `QueryLanguage` value. AWS treats exactly `"JSONPath"` as JSONPath and anything else as
/// JSONata, reporting values outside the enum on top.
pub(crate) fn declared_language(ctx: &mut Ctx, value: &Value, ptr: &str) -> QueryLanguage {
    match value {
        Value::String(s) if s == "JSONPath" => QueryLanguage::JSONPath,
        Value::String(s) if s == "JSONata" => QueryLanguage::JSONata,
        Value::String(_) => {
            ctx.schema(ptr, "Value should be one of the following: [JSONPath, JSONata]");
            QueryLanguage::JSONata
        }
        _ => {
            ctx.type_error(ptr, "STRING");
            QueryLanguage::JSONata
        }
    }
}

#[cfg(test)]
mod tests;
