//! Proof that the port is exact: for every corpus case, an ACTUAL rebuilt from the case's own
//! expected values (and deliberate mutations of it) gets the same verdict from `check_case`
//! and from the reference `check.py`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};

use super::{check_case, Verdict};
use crate::cases::shared_conformance_dir;

/// Expected values in the shape a runner collects them: history events back in the AWS form
/// (input/output/parameters as JSON text, a timestamp, untruncated details).
pub fn actual_from_expected(case: &Value) -> Value {
    let exp = &case["expected"];
    let mut actual = Map::new();
    actual.insert("status".into(), exp["status"].clone());
    if let Some(output) = exp.get("output").filter(|_| exp["status"] == "SUCCEEDED") {
        actual.insert("output".into(), output.clone());
    }
    if let Some(error) = exp.get("error") {
        actual.insert("error".into(), error.clone());
    }
    if let Some(cause) = exp.get("cause") {
        actual.insert("cause".into(), Value::String(as_text(cause)));
    }
    if let Some(Value::Array(events)) = exp.get("history") {
        actual.insert("history".into(), Value::Array(events.iter().map(aws_event).collect()));
    }
    Value::Object(actual)
}

/// How AWS carries a payload: JSON text, or the original text of an unparsed one.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.len() == 1 && m.get("$unparsed").is_some_and(Value::is_string) => {
            m["$unparsed"].as_str().unwrap_or_default().to_string()
        }
        other => other.to_string(),
    }
}

fn payload_text(v: &Value) -> Value {
    match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("$unparsed") => m["$unparsed"].clone(),
        other => Value::String(other.to_string()),
    }
}

fn aws_event(ev: &Value) -> Value {
    let mut out = Map::new();
    let Value::Object(fields) = ev else { return ev.clone() };
    out.insert("timestamp".into(), json!(1_732_796_473.0));
    for (k, v) in fields {
        let Value::Object(details) = v.clone() else {
            out.insert(k.clone(), v.clone());
            continue;
        };
        if !k.ends_with("EventDetails") {
            out.insert(k.clone(), v.clone());
            continue;
        }
        let mut d = Map::new();
        for (dk, dv) in details {
            let value = match dk.as_str() {
                "input" | "output" | "parameters" => payload_text(&dv),
                // AWS gives a cause as text; the corpus parsed the JSON ones.
                "cause" if dv.is_object() => Value::String(dv.to_string()),
                "assignedVariables" => match dv {
                    Value::Object(vars) => {
                        Value::Object(vars.iter().map(|(a, b)| (a.clone(), payload_text(b))).collect())
                    }
                    other => other,
                },
                _ => dv,
            };
            d.insert(dk, value);
        }
        for (field, details_key) in [("input", "inputDetails"), ("output", "outputDetails")] {
            if d.contains_key(field) && !d.contains_key(details_key) {
                d.insert(details_key.into(), json!({"truncated": false}));
            }
        }
        out.insert(k.clone(), Value::Object(d));
    }
    Value::Object(out)
}

/// The mutations that must fail: `(label, mutated actual)`, where applicable to the case.
pub fn mutations(case: &Value, actual: &Value) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    let succeeded = actual["status"] == "SUCCEEDED";
    if succeeded {
        let mut m = actual.clone();
        edit_output(&mut m, &mut |o| *o = json!({"mutated": [o.clone()]}));
        out.push(("changed output", m));
        let mut m = actual.clone();
        let mut changed = false;
        edit_output(&mut m, &mut |o| changed |= int_to_float(o));
        if changed {
            out.push(("1 -> 1.0", m));
        }
    }
    let events = actual.get("history").and_then(Value::as_array).cloned().unwrap_or_default();
    if events.len() > 2 {
        let mut m = actual.clone();
        let mut evs = events.clone();
        evs.remove(1);
        m["history"] = Value::Array(evs);
        out.push(("dropped event", m));
    }
    let interleave = case.pointer("/flags/history_order_may_interleave") == Some(&json!(true));
    let swap_at = (1..events.len().saturating_sub(1)).find(|&i| events[i]["type"] != events[i + 1]["type"]);
    if let (false, Some(i)) = (interleave, swap_at) {
        let mut m = actual.clone();
        let mut evs = events;
        evs.swap(i, i + 1);
        m["history"] = Value::Array(evs);
        out.push(("swapped events", m));
    }
    out
}

/// Apply `f` to the output wherever the comparator may take it from (the result, and the
/// terminal event's output text).
fn edit_output(actual: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    if let Some(o) = actual.get_mut("output") {
        f(o);
    }
    let last = actual.get_mut("history").and_then(Value::as_array_mut).and_then(|e| e.last_mut());
    if let Some(text) = last.and_then(|ev| ev.pointer_mut("/executionSucceededEventDetails/output")) {
        let mut parsed: Value = serde_json::from_str(text.as_str().unwrap_or("null")).unwrap_or(Value::Null);
        f(&mut parsed);
        *text = Value::String(parsed.to_string());
    }
}

/// The first integer found (depth-first, outside the `Sdk*` metadata that every case skips)
/// becomes a float of the same value.
fn int_to_float(v: &mut Value) -> bool {
    match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            let f = n.as_f64().and_then(serde_json::Number::from_f64);
            f.map(|f| *n = f).is_some()
        }
        Value::Array(items) => items.iter_mut().any(int_to_float),
        Value::Object(m) => m.iter_mut().filter(|(k, _)| !k.starts_with("Sdk")).any(|(_, v)| int_to_float(v)),
        _ => false,
    }
}

/// One comparison to make with both implementations.
struct Run {
    case: usize,
    label: &'static str,
    actual: Value,
    /// The account the "engine" used, when not the case's.
    account_id: Option<&'static str>,
}

/// Whether the reference comparator can run here (the corpus is present and so is python3).
pub(super) fn reference_dir() -> Option<PathBuf> {
    let dir = shared_conformance_dir()?;
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("python3 is not available: the cross-check against check.py is skipped");
        return None;
    }
    Some(dir)
}

/// Run the reference comparator once over `(case file, actual, engine account)` triples; its
/// verdicts, in order.
pub(super) fn python_verdicts(conformance: &Path, work: &Path, runs: &[(&Path, &Value, Option<&str>)]) -> Vec<Verdict> {
    let mut manifest = Vec::new();
    for (i, (case_file, actual, account_id)) in runs.iter().enumerate() {
        let actual_file = work.join(format!("actual-{i}.json"));
        let written = fs::write(&actual_file, actual.to_string());
        assert!(written.is_ok(), "cannot write {}", actual_file.display());
        manifest.push(json!([case_file, actual_file, account_id]));
    }
    let manifest_file = work.join("manifest.json");
    assert!(fs::write(&manifest_file, Value::Array(manifest).to_string()).is_ok());
    let script = "import json, sys\nsys.path.insert(0, sys.argv[1])\nimport check\nout = []\n\
        for c, a, acct in json.load(open(sys.argv[2])):\n    \
        out.append(check.check_case(json.load(open(c)), json.load(open(a)), account_id=acct))\n\
        print(json.dumps(out))\n";
    let out = Command::new("python3").arg("-c").arg(script).arg(conformance).arg(&manifest_file).output();
    let Ok(out) = out else { panic!("python3 did not run") };
    assert!(out.status.success(), "check.py failed: {}", String::from_utf8_lossy(&out.stderr));
    match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("check.py output is not a verdict list: {e}"),
    }
}

/// `check.py CASE ACTUAL --json` on the command line: exit status and verdict.
fn python_cli(conformance: &Path, work: &Path, case_file: &Path, actual: &Value) -> (bool, Verdict) {
    let actual_file = work.join("cli-actual.json");
    assert!(fs::write(&actual_file, actual.to_string()).is_ok());
    let out = Command::new("python3")
        .arg(conformance.join("check.py"))
        .arg(case_file)
        .arg(&actual_file)
        .arg("--json")
        .output();
    let Ok(out) = out else { panic!("python3 did not run") };
    match serde_json::from_slice(&out.stdout) {
        Ok(v) => (out.status.success(), v),
        Err(e) => panic!("check.py --json printed no verdict: {e}"),
    }
}

fn corpus(dir: &Path) -> Vec<(PathBuf, Value)> {
    let Ok(index) = fs::read_to_string(dir.join("_index.json")) else { return Vec::new() };
    let rows: Vec<Value> = serde_json::from_str(&index).unwrap_or_default();
    rows.iter()
        .filter_map(|r| r["file"].as_str())
        .filter(|f| !f.starts_with('_'))
        .filter_map(|f| {
            let file = dir.join(f);
            let case = serde_json::from_str(&fs::read_to_string(&file).ok()?).ok()?;
            Some((file, case))
        })
        .collect()
}

/// Why a case's own expected values cannot pass again, if they cannot.
fn known_round_trip_failure(case: &Value) -> Option<&'static str> {
    // A date under a key named like /timestamp/ survived timestamp_keys while it was ISO and
    // then became "date"; normalized again, "date" is not ISO and becomes "timestamp". An
    // engine producing the ISO date passes; only the round trip cannot.
    let text = case["expected"].to_string();
    let re = regex::Regex::new(r#""[^"]*(?i:timestamp)[^"]*":"date""#).ok()?;
    re.is_match(&text).then_some("a /timestamp/ key holding a date is not idempotent under timestamp_keys")
}

/// The actual as an engine in account 000000000000 would report it.
fn in_other_account(actual: &Value) -> Value {
    let text = actual.to_string().replace("111111111111", "000000000000");
    serde_json::from_str(&text).unwrap_or_else(|_| actual.clone())
}

/// For a case whose recording ran `sort_parallel_events` over one Parallel: the history as an
/// engine reports it, with the `ParallelStateSucceeded` the transformer dropped put back.
fn with_parallel_succeeded(case: &Value, actual: &Value) -> Option<Value> {
    let normalizers = case["normalizers"].as_array()?;
    if !normalizers.iter().any(|n| n["op"] == "sort_parallel_events") {
        return None;
    }
    let events = actual["history"].as_array()?;
    if events.iter().filter(|e| e["type"] == "ParallelStateStarted").count() != 1 {
        return None;
    }
    let at = events.iter().position(|e| e["type"] == "ParallelStateExited")?;
    let mut evs = events.clone();
    evs.insert(at, json!({"type": "ParallelStateSucceeded", "id": 0, "previousEventId": 0, "timestamp": 1.0}));
    let mut out = actual.clone();
    out["history"] = Value::Array(evs);
    Some(out)
}

fn all_runs(cases: &[(PathBuf, Value)]) -> Vec<Run> {
    let mut runs = Vec::new();
    for (i, (_, case)) in cases.iter().enumerate() {
        let actual = actual_from_expected(case);
        let other = in_other_account(&actual);
        runs.push(Run { case: i, label: "engine account", actual: other, account_id: Some("000000000000") });
        if let Some(engine_like) = with_parallel_succeeded(case, &actual) {
            runs.push(Run { case: i, label: "parallel succeeded", actual: engine_like, account_id: None });
        }
        for (label, m) in std::iter::once(("round trip", actual.clone())).chain(mutations(case, &actual)) {
            runs.push(Run { case: i, label, actual: m, account_id: None });
        }
    }
    runs
}

#[test]
fn rust_and_python_agree_on_every_case_and_mutation() {
    let Some(conformance) = reference_dir() else { return };
    let cases = corpus(&conformance.join("aws-recorded"));
    assert!(!cases.is_empty());
    let work = std::env::temp_dir().join(format!("cairn-crosscheck-{}", std::process::id()));
    assert!(fs::create_dir_all(&work).is_ok());
    let runs = all_runs(&cases);
    let triples: Vec<_> = runs.iter().map(|r| (cases[r.case].0.as_path(), &r.actual, r.account_id)).collect();
    let python = python_verdicts(&conformance, &work, &triples);
    let cli_run = runs.iter().find(|r| r.label == "dropped event");
    let cli = cli_run.map(|r| (r, python_cli(&conformance, &work, &cases[r.case].0, &r.actual)));
    let _ = fs::remove_dir_all(&work);
    assert_eq!(python.len(), runs.len());

    let mut disagreements = Vec::new();
    let mut round_trip_failures = BTreeMap::new();
    let mut uncaught = Vec::new();
    let mut passes_under_skip = 0;
    for (run, py) in runs.iter().zip(&python) {
        let case = &cases[run.case].1;
        let id = case["id"].as_str().unwrap_or_default();
        let rs = check_case(case, &run.actual, run.account_id, None);
        if rs != *py {
            disagreements.push(format!("{id} [{}]:\n  rust   {rs:?}\n  python {py:?}", run.label));
        }
        let must_pass = matches!(run.label, "round trip" | "engine account" | "parallel succeeded");
        if must_pass && !rs.passed {
            round_trip_failures
                .insert(format!("{id} [{}]", run.label), known_round_trip_failure(case).unwrap_or("UNEXPLAINED"));
        }
        if !must_pass && rs.passed {
            if rs.soft.iter().any(|s| s.contains("snapshot_skip_verify_paths")) {
                passes_under_skip += 1;
            } else {
                uncaught.push(format!("{id} [{}]", run.label));
            }
        }
    }
    eprintln!(
        "crosscheck: {} cases, {} runs, round trips failing: {round_trip_failures:#?}, {passes_under_skip} mutations only under skip paths",
        cases.len(),
        runs.len(),
    );
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
    let unexplained: Vec<_> = round_trip_failures.iter().filter(|(_, why)| **why == "UNEXPLAINED").collect();
    assert!(unexplained.is_empty(), "cases that do not round-trip: {unexplained:#?}");
    assert!(uncaught.is_empty(), "mutations that were not caught: {uncaught:#?}");
    if let Some((run, (exit_ok, verdict))) = cli {
        let rs = check_case(&cases[run.case].1, &run.actual, None, None);
        assert_eq!((exit_ok, &verdict), (rs.passed, &rs));
    }
}
