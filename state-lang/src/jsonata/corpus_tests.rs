//! The AWS-recorded conformance cases as JSONata tests: every `{% %}` expression in their
//! definitions parses, and the one-state Pass machines whose `Output` is JSONata evaluate to what
//! AWS recorded (output, or the cause of the `States.QueryEvaluationError`).
//!
//! The corpus lives outside the repository (`../shared/conformance`); without it these tests
//! check nothing.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{is_expression, states_object, JsonataExpr, JsonataTemplate};
use crate::env::{Env, SeededEntropy};
use crate::vars::Variables;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/aws-recorded")
}

/// Every case file whose query language is JSONata or mixed, parsed.
fn jsonata_cases() -> Vec<(String, Value)> {
    let Ok(entries) = std::fs::read_dir(corpus_dir()) else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if name.starts_with('_') || !name.ends_with(".json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if matches!(case["query_language"].as_str(), Some("JSONata" | "mixed")) {
            cases.push((name, case));
        }
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    cases
}

fn collect_expressions(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if is_expression(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_expressions(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| collect_expressions(v, out)),
        _ => {}
    }
}

#[test]
fn every_corpus_expression_parses() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, case) in jsonata_cases() {
        let mut exprs = Vec::new();
        collect_expressions(&case["definition"], &mut exprs);
        for e in exprs {
            count += 1;
            if let Some(Err(message)) = JsonataExpr::parse_delimited(&e) {
                failures.push(format!("{name}: {e}: {message}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    if corpus_dir().exists() {
        assert!(count > 100, "only {count} expressions found");
    }
}

/// The `Output` of a one-state JSONata Pass machine, if that is the shape of `definition`.
fn single_pass_output(definition: &Value) -> Option<&Value> {
    let states = definition["States"].as_object()?;
    let (_, state) = states.iter().next().filter(|_| states.len() == 1)?;
    let jsonata = state["QueryLanguage"] == "JSONata" || definition["QueryLanguage"] == "JSONata";
    let plain = state["Type"] == "Pass" && state.get("Assign").is_none();
    (jsonata && plain).then(|| state.get("Output")).flatten()
}

/// AWS's cause without the engine's "An error occurred while executing the state …" prefix.
fn cause_tail(cause: &str) -> &str {
    cause.split_once("). ").map_or(cause, |(_, tail)| tail)
}

#[test]
fn one_state_pass_outputs_match_aws() {
    let context = json!({});
    let vars = Variables::new();
    let entropy = SeededEntropy::new(1);
    let env = Env { context: &context, vars: &vars, entropy: &entropy };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (name, case) in jsonata_cases() {
        let Some(output) = single_pass_output(&case["definition"]) else {
            continue;
        };
        let expected = &case["expected"];
        let template = match JsonataTemplate::compile(output) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: does not compile: {e:?}"));
                continue;
            }
        };
        let states = states_object(&case["input"], &context, None, None);
        let actual = template.eval(&states, &env, "Output");
        checked += 1;
        let ok = match (expected["status"].as_str(), &actual) {
            (Some("SUCCEEDED"), Ok(value)) => *value == expected["output"],
            (Some("FAILED"), Err(f)) => {
                Some(f.error.as_str()) == expected["error"].as_str()
                    && f.cause.as_deref() == expected["cause"].as_str().map(cause_tail)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expected}, got {actual:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    if corpus_dir().exists() {
        assert!(checked >= 20, "only {checked} cases checked");
    }
}
