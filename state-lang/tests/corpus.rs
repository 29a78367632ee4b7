//! Every definition of the AWS-recorded conformance corpus was accepted by AWS, so the parser must
//! accept each one with no diagnostic.

mod common;

use common::{corpus_definitions, corpus_dir};

#[test]
fn every_aws_accepted_definition_loads_without_diagnostics() {
    let cases = corpus_definitions();
    if cases.is_empty() {
        eprintln!("conformance corpus not found at {}; skipping", corpus_dir().display());
        return;
    }
    let mut failures = Vec::new();
    for (name, definition) in &cases {
        let text = serde_json::to_string(definition).expect("serialisable");
        if let Err(diags) = state_lang::load(&text) {
            let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            failures.push(format!("{name}:\n    {}", shown.join("\n    ")));
        }
    }
    eprintln!("{} corpus definitions checked", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} definitions rejected:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
