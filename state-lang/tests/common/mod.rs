//! Shared helpers of the integration tests: the AWS-recorded conformance corpus, and building and
//! checking invalid definitions.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{json, Value};

pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/aws-recorded")
}

/// The `definition` of every case, with its file name; empty when the corpus is not present.
pub fn corpus_definitions() -> Vec<(String, serde_json::Value)> {
    let Ok(dir) = std::fs::read_dir(corpus_dir()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".json") || name.starts_with('_') {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("readable case");
        let case: serde_json::Value = serde_json::from_str(&text).expect("case is JSON");
        out.push((name, case["definition"].clone()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

pub const SCHEMA: &str = "SCHEMA_VALIDATION_FAILED";
pub const TARGET: &str = "MISSING_TRANSITION_TARGET";
pub const JSONATA: &str = "INVALID_JSONATA_EXPRESSION";

/// A machine whose states are `states`, starting at the first one.
pub fn machine(states: Value) -> Value {
    let start = states.as_object().and_then(|m| m.keys().next().cloned()).unwrap_or_default();
    json!({"StartAt": start, "States": states})
}

pub fn jsonata(states: Value) -> Value {
    let mut m = machine(states);
    m["QueryLanguage"] = json!("JSONata");
    m
}

pub fn diagnostics(definition: &Value) -> Vec<(String, String)> {
    let text = serde_json::to_string(definition).unwrap();
    match state_lang::load(&text) {
        Ok(_) => Vec::new(),
        Err(diags) => diags.into_iter().map(|d| (d.code, d.location)).collect(),
    }
}

pub fn expect(definition: Value, expected: &[(&str, &str)]) {
    let got = diagnostics(&definition);
    let want: Vec<(String, String)> = expected.iter().map(|(c, p)| (c.to_string(), p.to_string())).collect();
    assert_eq!(got, want, "definition: {definition}");
}

/// The message of the only diagnostic of `definition`.
pub fn message(definition: Value) -> String {
    let text = serde_json::to_string(&definition).unwrap();
    let diags = state_lang::load(&text).expect_err("invalid");
    assert_eq!(diags.len(), 1, "{diags:?}");
    diags[0].message.clone()
}

pub fn pass_end() -> Value {
    json!({"Type": "Pass", "End": true})
}

pub fn choice(choices: Value) -> Value {
    machine(json!({"C": {"Type": "Choice", "Choices": choices, "Default": "Z"}, "Z": pass_end()}))
}
