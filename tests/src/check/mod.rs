//! The conformance comparator: a port of `shared/conformance/check.py`. The actual result of
//! a run is laid out as the recording held it, normalized with the case's normalizers, and
//! compared with the case's expected values (result, then history).

mod compare;
mod normalize;
mod path;
mod prepare;
mod pyre;

#[cfg(test)]
mod crosscheck;
#[cfg(test)]
mod synthetic;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use self::compare::{compare_history, decode, norm_event, Comparison};
use self::normalize::normalize;
use self::path::{parse_path, path_matches, Seg, Step};
use self::prepare::{expand_presets, order, parse_object_strings, rewrite};
use crate::pyfmt::{dumps, Dumps};

/// The comparator's answer for one case (the same fields as check.py's verdict dict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub id: Option<String>,
    /// Result and (when compared) history match.
    pub passed: bool,
    /// Status and output, or error and cause, match.
    pub result_ok: bool,
    /// `None` when the histories were not compared.
    pub history_ok: Option<bool>,
    pub diffs: Vec<String>,
    pub history_diffs: Vec<String>,
    /// Differences only under `snapshot_skip_verify_paths`, and histories not compared.
    pub soft: Vec<String>,
    /// Normalizers that could not be applied.
    pub notes: Vec<String>,
}

const TERMINAL_EVENTS: [(&str, &str); 4] = [
    ("ExecutionSucceeded", "SUCCEEDED"),
    ("ExecutionFailed", "FAILED"),
    ("ExecutionTimedOut", "TIMED_OUT"),
    ("ExecutionAborted", "ABORTED"),
];

/// The actual result as compared: `None` = absent.
#[derive(Default)]
struct Got {
    status: Option<Value>,
    output: Option<Value>,
    error: Option<Value>,
    cause: Option<Value>,
}

impl Got {
    fn field(&self, k: &str) -> Option<&Value> {
        match k {
            "output" => self.output.as_ref(),
            "error" => self.error.as_ref(),
            "cause" => self.cause.as_ref(),
            _ => self.status.as_ref(),
        }
    }
}

/// Compare ACTUAL (`{"status", "output"?, "error"?, "cause"?, "history"?, "renames"?}`) with a
/// case. `account_id`/`region`: what the engine put in its ARNs, when not the case's.
pub fn check_case(case: &Value, actual: &Value, account_id: Option<&str>, region: Option<&str>) -> Verdict {
    let null = Value::Null;
    let ctx = case.get("context").unwrap_or(&null);
    let exp = case.get("expected").unwrap_or(&null);
    let (mut notes, mut diffs, mut soft) = (Vec::new(), Vec::new(), Vec::new());
    let skip = skip_paths(case, &mut notes);
    let actual = rewrite(actual, &rename_pairs(ctx, actual, account_id, region));

    // 1. the actual values as the recording would hold them, normalized
    let use_history = exp.get("history").is_some() && actual.get("history").is_some_and(|h| !h.is_null());
    let mut state = Map::new();
    if use_history {
        state.insert("history".into(), history_state(&actual));
    }
    state.insert("result".into(), result_state(&actual));
    parse_object_strings(&mut state);
    let normalizers = case.get("normalizers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let state = normalize(Value::Object(state), &expand_presets(normalizers, ctx), &mut notes);
    let result = state.get("result").unwrap_or(&null);
    let mut got = Got {
        status: Some(result.get("status").cloned().unwrap_or(Value::Null)),
        output: result.get("output").map(decode),
        error: result.get("error").cloned(),
        cause: result.get("cause").cloned(),
    };

    // 2. status, then output or error + cause; from the terminal event when there is a history
    let events: Vec<Value> = match state.pointer("/history/events") {
        Some(Value::Array(evs)) if use_history => evs.iter().map(norm_event).collect(),
        _ => Vec::new(),
    };
    if use_history {
        got = from_terminal_event(events.last(), got, &mut diffs);
    }
    compare_result(exp, &got, &skip, &mut diffs, &mut soft);

    // 3. the history, unless all of it is under a skip path
    let mut history_diffs = Vec::new();
    let mut history_ok = None;
    let events_key = [Seg::Key("events".into())];
    if use_history && skip.iter().any(|st| path_matches(st, &events_key)) {
        soft.push("history: all of $..events is under snapshot_skip_verify_paths; not compared".into());
    } else if use_history {
        let expected = exp.get("history").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let e_types: Vec<String> = exp
            .get("history_event_types")
            .and_then(Value::as_array)
            .map(|ts| ts.iter().map(|t| t.as_str().unwrap_or("None").to_string()).collect())
            .unwrap_or_default();
        let interleave = case.pointer("/flags/history_order_may_interleave").is_some_and(truthy);
        history_diffs = compare_history(expected, &e_types, &events, interleave, &skip);
        history_ok = Some(history_diffs.is_empty());
    }
    Verdict {
        id: case.get("id").and_then(Value::as_str).map(str::to_string),
        passed: diffs.is_empty() && history_ok != Some(false),
        result_ok: diffs.is_empty(),
        history_ok,
        diffs,
        history_diffs,
        soft,
        notes,
    }
}

/// Python truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn skip_paths(case: &Value, notes: &mut Vec<String>) -> Vec<Vec<Step>> {
    let paths: Vec<&str> = case
        .get("snapshot_skip_verify_paths")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut skip = Vec::new();
    for p in paths.iter().filter(|p| p.starts_with('$')) {
        match parse_path(p) {
            Ok(steps) => skip.push(steps),
            Err(e) => notes.push(format!("{e}; skip path ignored")),
        }
    }
    if paths.contains(&"<entire snapshot>") {
        skip.push(Vec::new());
    }
    skip
}

fn rename_pairs(ctx: &Value, actual: &Value, account_id: Option<&str>, region: Option<&str>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = actual
        .get("renames")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter().filter_map(|r| Some((r.get(0)?.as_str()?.to_string(), r.get(1)?.as_str()?.to_string()))).collect()
        })
        .unwrap_or_default();
    for (engine, key) in [(account_id, "account_id"), (region, "region")] {
        let case_value = ctx.get(key).and_then(Value::as_str).unwrap_or_default();
        if let Some(x) = engine.filter(|x| !x.is_empty() && *x != case_value) {
            pairs.push((x.to_string(), case_value.to_string()));
        }
    }
    pairs
}

fn history_state(actual: &Value) -> Value {
    let events = actual.get("history").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let events = events
        .iter()
        .map(|e| match e {
            Value::Object(m) => order(&Value::Object(
                m.iter().filter(|(k, _)| *k != "timestamp").map(|(k, v)| (k.clone(), v.clone())).collect(),
            )),
            other => order(other),
        })
        .collect();
    let mut h = Map::new();
    h.insert("events".into(), Value::Array(events));
    Value::Object(h)
}

fn result_state(actual: &Value) -> Value {
    let mut result = Map::new();
    for k in ["status", "error", "cause"] {
        if let Some(v) = actual.get(k).filter(|v| !v.is_null()) {
            result.insert(k.into(), v.clone());
        }
    }
    if let (Some(output), Some("SUCCEEDED")) = (actual.get("output"), actual.get("status").and_then(Value::as_str)) {
        result.insert("output".into(), Value::String(dumps(output, Dumps::COMPACT_UNICODE)));
    }
    order(&Value::Object(result))
}

/// The result as the history's last event tells it (where the expected values came from).
fn from_terminal_event(last: Option<&Value>, got: Got, diffs: &mut Vec<String>) -> Got {
    let empty = Value::Object(Map::new());
    let last = last.unwrap_or(&empty);
    let det = last
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v))
        .filter(|v| v.is_object())
        .unwrap_or(&empty);
    let last_type = last.get("type").and_then(Value::as_str).unwrap_or_default();
    let h_status = TERMINAL_EVENTS.iter().find(|(t, _)| *t == last_type).map_or("RUNNING", |(_, s)| s);
    let status = Value::String(h_status.into());
    if got.status.as_ref() != Some(&status) {
        let shown = match &got.status {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => "None".into(),
            Some(other) => crate::pyfmt::py_repr(other),
        };
        diffs.push(format!("the history ends as {h_status} but the status is {shown}"));
    }
    Got {
        status: Some(status),
        output: det.get("output").cloned(),
        error: det.get("error").cloned(),
        cause: det.get("cause").cloned(),
    }
}

fn compare_result(exp: &Value, got: &Got, skip: &[Vec<Step>], diffs: &mut Vec<String>, soft: &mut Vec<String>) {
    let n = exp.get("history").and_then(Value::as_array).map_or(0, Vec::len);
    let status = exp.get("status").and_then(Value::as_str).unwrap_or_default();
    let term = match status {
        "FAILED" => "executionFailedEventDetails",
        "ABORTED" => "executionAbortedEventDetails",
        "TIMED_OUT" => "executionTimedOutEventDetails",
        _ => "executionSucceededEventDetails",
    };
    let key = |k: &str| Seg::Key(k.into());
    let aliases = |field: &[Seg]| -> Vec<Vec<Seg>> {
        let mut a = vec![vec![field[field.len() - 1].clone()]];
        if n > 0 {
            let mut at = vec![key("events"), Seg::Index(n - 1)];
            at.extend_from_slice(field);
            a.push(at);
        }
        a
    };
    let mut cmp = Comparison { skip, diffs, soft };
    let status_aliases = {
        let mut a = vec![vec![key("status")]];
        if n > 0 {
            a.push(vec![key("events"), Seg::Index(n - 1), key("type")]);
        }
        a
    };
    cmp.compare(exp.get("status"), got.status.as_ref(), "status", &status_aliases);
    if !cmp.diffs.is_empty() {
        return;
    }
    let fields: &[&str] = if status == "SUCCEEDED" { &["output"] } else { &["error", "cause"] };
    for k in fields {
        cmp.compare(exp.get(*k), got.field(k), k, &aliases(&[key(term), key(k)]));
    }
}
