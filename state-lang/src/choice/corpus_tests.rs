//! Tests against the AWS-recorded conformance corpus (when it is present next to the repository):
//! every JSONPath Choice rule AWS accepted must parse, and every `choiceoperators` case must take the
//! branch AWS took.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::Rule;
use crate::env::{Env, SeededEntropy};
use crate::vars::Variables;

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CAIRN_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d).join("aws-recorded"),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/aws-recorded"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: no conformance corpus at {}", dir.display());
        None
    }
}

/// Every case file of the corpus, parsed.
fn cases() -> Vec<(String, Value)> {
    let Some(dir) = corpus_dir() else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('_')))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let value = serde_json::from_str(&text).unwrap_or(Value::Null);
            (p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string(), value)
        })
        .collect()
}

/// Every JSONPath Choice state of a definition, nested scopes included, with its pointer.
fn jsonpath_choice_states<'a>(scope: &'a Value, language: &str, ptr: &str, out: &mut Vec<(String, &'a Value)>) {
    let language = scope.get("QueryLanguage").and_then(Value::as_str).unwrap_or(language);
    let Some(states) = scope.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        let here = format!("{ptr}/States/{name}");
        let state_language = state.get("QueryLanguage").and_then(Value::as_str).unwrap_or(language);
        if state.get("Type") == Some(&json!("Choice")) && state_language == "JSONPath" {
            out.push((here.clone(), state));
        }
        for (i, branch) in state.get("Branches").and_then(Value::as_array).into_iter().flatten().enumerate() {
            jsonpath_choice_states(branch, state_language, &format!("{here}/Branches/{i}"), out);
        }
        for key in ["Iterator", "ItemProcessor"] {
            if let Some(processor) = state.get(key) {
                jsonpath_choice_states(processor, state_language, &format!("{here}/{key}"), out);
            }
        }
    }
}

#[test]
fn every_recorded_jsonpath_choice_rule_parses() {
    let mut parsed = 0;
    for (file, case) in cases() {
        let mut states = Vec::new();
        jsonpath_choice_states(&case["definition"], "JSONPath", "", &mut states);
        for (ptr, state) in states {
            for (i, choice) in state["Choices"].as_array().into_iter().flatten().enumerate() {
                if let Err(e) = Rule::parse(choice) {
                    panic!("{file} {ptr}/Choices/{i}: {e:?}");
                }
                parsed += 1;
            }
        }
    }
    eprintln!("parsed {parsed} recorded Choice rules");
}

#[test]
fn every_recorded_choice_operator_case_takes_the_aws_branch() {
    let vars = Variables::new();
    let entropy = SeededEntropy::new(3);
    let mut checked = 0;
    for (file, case) in cases().into_iter().filter(|(_, c)| c["category"] == "choiceoperators") {
        let context = json!({"Execution": {"Input": case["input"].clone()}});
        let env = Env { context: &context, vars: &vars, entropy: &entropy };
        let mut states = Vec::new();
        jsonpath_choice_states(&case["definition"], "JSONPath", "", &mut states);
        let [(_, state)] = states.as_slice() else { panic!("{file}: expected one Choice state") };
        let mut next = state["Default"].clone();
        for choice in state["Choices"].as_array().into_iter().flatten() {
            let rule = Rule::parse(choice).unwrap_or_else(|e| panic!("{file}: {e:?}"));
            match rule.eval(&case["input"], &env) {
                Ok(true) => {
                    next = choice["Next"].clone();
                    break;
                }
                Ok(false) => {}
                Err(f) => panic!("{file}: unexpected failure {f}"),
            }
        }
        // Each branch is a Pass state whose `Result` names it.
        let expected = &case["expected"]["output"]["TestResult.$"];
        assert_eq!(&next, expected, "{file}: input {}", case["input"]);
        checked += 1;
    }
    eprintln!("checked {checked} recorded choiceoperators cases");
}
