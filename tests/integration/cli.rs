//! The `cairn` command as a user runs it: `run` (output, exit status, failures, large Map and
//! Parallel), `validate` and `graph`.

use std::io::Write;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn cairn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cairn-cli")).args(args).output().expect("run cairn")
}

fn write_temp(name: &str, v: &Value) -> tempfile_path::TempPath {
    tempfile_path::TempPath::new(name, &v.to_string())
}

/// A file under the target directory, removed on drop.
mod tempfile_path {
    pub struct TempPath(pub std::path::PathBuf);

    impl TempPath {
        pub fn new(name: &str, text: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("cairn-cli-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            let p = dir.join(name);
            let mut f = std::fs::File::create(&p).expect("create");
            super::Write::write_all(&mut f, text.as_bytes()).expect("write");
            TempPath(p)
        }

        pub fn as_str(&self) -> &str {
            self.0.to_str().expect("utf-8 path")
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

fn readme_example() -> Value {
    json!({
        "StartAt": "Greet",
        "States": {
            "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"}, "Next": "Check"},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.greeting", "StringMatches": "Hello*", "Next": "Done"}], "Default": "Oops"},
            "Oops": {"Type": "Fail", "Error": "Unexpected", "Cause": "no greeting"},
            "Done": {"Type": "Succeed"}
        }
    })
}

#[test]
fn run_prints_the_output_of_the_readme_example() {
    let def = write_temp("hello.json", &readme_example());
    let out = cairn(&["run", def.as_str(), "--input", r#"{"name": "Ada"}"#]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v, json!({"greeting": "Hello, Ada!"}));
}

#[test]
fn run_json_reports_a_failure_with_exit_status_1() {
    let def = write_temp(
        "fail.json",
        &json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Broken", "Cause": "on purpose"}}}),
    );
    let out = cairn(&["run", def.as_str(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v, json!({"status": "FAILED", "error": "Broken", "cause": "on purpose"}));
}

#[test]
fn run_rejects_a_bad_definition_with_exit_status_2_and_diagnostics() {
    let def = write_temp("bad.json", &json!({"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}}));
    let out = cairn(&["run", def.as_str()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/StartAt"), "{err}");
}

#[test]
fn run_rejects_bad_input_with_exit_status_2() {
    let def = write_temp("ok.json", &readme_example());
    let out = cairn(&["run", def.as_str(), "--input", "{not json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn run_skips_waits_in_virtual_time_with_history() {
    let def = write_temp(
        "wait.json",
        &json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}),
    );
    let start = std::time::Instant::now();
    let out = cairn(&["run", def.as_str(), "--time-scale", "0", "--json", "--history", "--input", "{\"a\":1}"]);
    assert!(out.status.success());
    assert!(start.elapsed().as_secs() < 20, "a day-long Wait must not be waited for");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v["output"], json!({"a": 1}));
    let types: Vec<&str> = v["history"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]);
}

#[test]
fn a_map_over_1000_items_completes() {
    let def = write_temp(
        "map.json",
        &json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
            "ItemSelector": {"n.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
            "ItemProcessor": {"StartAt": "Double", "States": {"Double": {"Type": "Pass",
                "Parameters": {"v.$": "States.MathAdd($.n, $.n)", "i.$": "$.i"}, "End": true}}},
            "End": true}}}),
    );
    let items: Vec<i64> = (0..1000).collect();
    let input = json!({ "items": items }).to_string();
    let out = cairn(&["run", def.as_str(), "--input", &input]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 1000);
    for (i, x) in arr.iter().enumerate() {
        assert_eq!(x, &json!({"v": 2 * i as i64, "i": i}));
    }
}

#[test]
fn a_parallel_of_50_branches_completes() {
    let branches: Vec<Value> = (0..50)
        .map(|i| json!({"StartAt": format!("B{i}"), "States": {format!("B{i}"): {"Type": "Pass", "Result": i, "End": true}}}))
        .collect();
    let def = write_temp(
        "par.json",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": branches, "End": true}}}),
    );
    let out = cairn(&["run", def.as_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v, json!((0..50).collect::<Vec<i64>>()));
}

#[test]
fn validate_reports_every_problem_with_its_pointer() {
    let def = write_temp(
        "invalid.json",
        &json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Next": "Missing"},
            "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true,
                  "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 0.5}]}}}),
    );
    let out = cairn(&["validate", def.as_str(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v["valid"], json!(false));
    let locations: Vec<&str> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["location"].as_str().unwrap()).collect();
    assert!(locations.contains(&"/States/A/Next"), "{locations:?}");
    assert!(locations.contains(&"/States/B/Retry/0/BackoffRate"), "{locations:?}");
    let ok = write_temp("valid.json", &readme_example());
    assert_eq!(cairn(&["validate", ok.as_str()]).status.code(), Some(0));
}

#[test]
fn graph_prints_dot_and_json() {
    let def = write_temp("g.json", &readme_example());
    let dot = cairn(&["graph", def.as_str()]);
    assert!(dot.status.success());
    let text = String::from_utf8_lossy(&dot.stdout);
    assert!(text.starts_with("digraph"), "{text}");
    assert!(text.contains("Greet") && text.contains("Check"));
    let js = cairn(&["graph", def.as_str(), "--format", "json"]);
    let v: Value = serde_json::from_slice(&js.stdout).expect("JSON graph");
    assert!(v.to_string().contains("\"Oops\""));
}

#[test]
fn run_with_a_mock_configuration_test_case() {
    let def = write_temp(
        "Orders.json",
        &json!({"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:charge",
                "Retry": [{"ErrorEquals": ["Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3}], "Next": "Ship"},
            "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "ship"},
                "OutputPath": "$.Payload", "End": true}}}),
    );
    let mocks = write_temp(
        "mocks.json",
        &json!({
            "StateMachines": {"Orders": {"TestCases": {
                "Happy": {"Charge": "ChargeOk", "Ship": "Shipped"},
                "Flaky": {"Charge": "ChargeFlaky", "Ship": "Shipped"},
                "Broken": {"Charge": "ChargeDown"}}}},
            "MockedResponses": {
                "ChargeOk": {"0": {"Return": {"charged": true}}},
                "ChargeFlaky": {"0-1": {"Throw": {"Error": "Timeout", "Cause": "slow"}}, "2": {"Return": {"charged": true}}},
                "ChargeDown": {"0-3": {"Throw": {"Error": "Timeout", "Cause": "down"}}},
                "Shipped": {"0": {"Return": {"Payload": {"shipped": true}}}}}
        }),
    );
    for case in ["Happy", "Flaky"] {
        let out =
            cairn(&["run", def.as_str(), "--time-scale", "0", "--mock-config", mocks.as_str(), "--test-case", case]);
        assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
        assert_eq!(v, json!({"shipped": true}), "{case}");
    }
    let out = cairn(&[
        "run",
        def.as_str(),
        "--time-scale",
        "0",
        "--json",
        "--mock-config",
        mocks.as_str(),
        "--test-case",
        "Broken",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v, json!({"status": "FAILED", "error": "Timeout", "cause": "down"}));
}
