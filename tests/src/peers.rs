//! What a case needs besides functions, when it is within Cairn's scope: the child state machines
//! its `states:startExecution` Tasks start, and the workers of its activities.
//!
//! The corpus keeps neither the child definitions nor the workers' code, only what they did in
//! the recording, as it keeps only what each Lambda function did (`lambdas[*].behaviour`). So a
//! child here is a machine that ends as the recorded child ended (its output, or its error and
//! cause), and a worker does what the recorded worker did (takes the task under its name, then
//! answers with the output it sent, fails with its error, or never answers). The engine's side
//! of it, the events, the result shapes, the timeouts, the error wrapping, is what is compared.

use serde_json::{json, Value};

use crate::cases::Case;

/// A child state machine to create before the case runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub name: String,
    pub definition: Value,
}

/// What the recorded worker did with one activity task.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `SendTaskSuccess` with this output; `None`: with the task's own input.
    Succeed(Option<Value>),
    /// `SendTaskFailure`.
    Fail { error: Option<String>, cause: Option<String> },
    /// Took the task and never answered (the Task timed out).
    Silent,
}

/// One task the worker takes, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub worker_name: Option<String>,
    pub answer: Answer,
}

/// An activity of the case: the placeholder its definition holds instead of an ARN, the name to
/// create it under, and what its worker does.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub placeholder: String,
    pub name: String,
    pub jobs: Vec<Job>,
}

/// Everything a case needs besides its functions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Peers {
    pub children: Vec<Child>,
    pub activities: Vec<Activity>,
}

const ACTIVITY_PLACEHOLDER: &str = "<create_activity>()";

/// The reasons (`task_needs_reasons`) this module and the runner's functions can satisfy.
pub fn can_provide(case: &Case) -> bool {
    let reasons = case.raw.get("task_needs_reasons").and_then(Value::as_array);
    let Some(reasons) = reasons.filter(|r| !r.is_empty()) else { return false };
    let ok = reasons.iter().all(|r| {
        r.as_str().is_some_and(|s| {
            s.ends_with(": return_bytes")
                || s.ends_with(": sleep_then_identity")
                || s.ends_with(": activity")
                || s.ends_with(": states")
                || s.ends_with(": aws-sdk:sfn")
        })
    });
    // Any other `<…>()` placeholder is a resource of a service Cairn does not have.
    ok && !placeholders(&case.definition).iter().chain(&placeholders(&case.input)).any(|p| !is_activity(p))
}

fn is_activity(placeholder: &str) -> bool {
    placeholder.starts_with(ACTIVITY_PLACEHOLDER)
}

/// Strings of the form `<name>(…)…` anywhere in `v`.
fn placeholders(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_strings(v, &mut |s| {
        if s.starts_with('<') && s.contains(">(") && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    });
    out
}

fn walk_strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        Value::Object(m) => m.values().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

fn events(case: &Case) -> &[Value] {
    case.raw.pointer("/expected/history").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn as_text(v: Option<&Value>) -> Option<String> {
    v.map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

impl Peers {
    pub fn of(case: &Case) -> Peers {
        Peers { children: children(case), activities: activities(case) }
    }

    /// The definition with each activity placeholder replaced by the ARN it was created under.
    pub fn definition_with(&self, case: &Case, arn_of: impl Fn(&str) -> String) -> Value {
        let mut text = case.definition.to_string();
        for a in &self.activities {
            text = text.replace(&Value::String(a.placeholder.clone()).to_string(), &json!(arn_of(&a.name)).to_string());
        }
        serde_json::from_str(&text).unwrap_or_else(|_| case.definition.clone())
    }
}

/// The state machines the case's input and definition name by ARN, other than its own, that the
/// recording shows exist: each ends as the recorded child ended.
fn children(case: &Case) -> Vec<Child> {
    let ctx = &case.context;
    let prefix = format!("arn:{}:states:{}:{}:stateMachine:", ctx.partition, ctx.region, ctx.account_id);
    let mut names: Vec<String> = Vec::new();
    for v in [&case.input, &case.definition] {
        walk_strings(v, &mut |s| {
            if let Some(name) = s.strip_prefix(&prefix) {
                let name = name.split(':').next().unwrap_or(name);
                if name != ctx.state_machine_name && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        });
    }
    let history = events(case);
    let missing = history.iter().any(|e| {
        e.pointer("/taskFailedEventDetails/error").and_then(Value::as_str)
            == Some("StepFunctions.StateMachineDoesNotExistException")
    }) || case.expected.error.as_deref() == Some("StepFunctions.StateMachineDoesNotExistException");
    if missing {
        return Vec::new();
    }
    let definition = child_definition(history);
    names.into_iter().map(|name| Child { name, definition: definition.clone() }).collect()
}

/// A machine that ends as the first recorded `.sync` child ended; one that just succeeds when
/// the recording does not show how it ended (fire and forget).
fn child_definition(history: &[Value]) -> Value {
    let is_sync = |d: &Value| {
        d.get("resourceType").and_then(Value::as_str) == Some("states")
            && d.get("resource").and_then(Value::as_str).is_some_and(|r| r.starts_with("startExecution.sync"))
    };
    for e in history {
        if let Some(d) = e.get("taskSucceededEventDetails").filter(|d| is_sync(d)) {
            let output = match d.pointer("/output/Output") {
                Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
                Some(v) => v.clone(),
                None => Value::Null,
            };
            return json!({"StartAt": "End", "States": {"End": {"Type": "Pass", "Result": output, "End": true}}});
        }
        if let Some(d) = e.get("taskFailedEventDetails").filter(|d| is_sync(d)) {
            let cause = match d.get("cause") {
                Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
                Some(v) => v.clone(),
                None => Value::Null,
            };
            let mut fail = json!({"Type": "Fail"});
            if let Some(e) = cause.get("Error").and_then(Value::as_str) {
                fail["Error"] = json!(e);
            }
            if let Some(c) = cause.get("Cause").and_then(Value::as_str) {
                fail["Cause"] = json!(c);
            }
            return json!({"StartAt": "End", "States": {"End": fail}});
        }
    }
    json!({"StartAt": "End", "States": {"End": {"Type": "Succeed"}}})
}

/// The activities behind the definition's placeholders, with what the recorded worker did.
fn activities(case: &Case) -> Vec<Activity> {
    let found: Vec<String> = placeholders(&case.definition).into_iter().filter(|p| is_activity(p)).collect();
    if found.is_empty() {
        return Vec::new();
    }
    let jobs = jobs(events(case));
    let names = activity_names(case);
    found
        .into_iter()
        .enumerate()
        .map(|(i, placeholder)| Activity {
            name: names.get(i).cloned().unwrap_or_else(|| format!("activity-{i}")),
            placeholder,
            // The recording does not say which activity a task came from when there are
            // several; each worker takes whatever its own activity is given, in order.
            jobs: jobs.clone(),
        })
        .collect()
}

/// The names the test created its activities under, as its normalizers show them.
fn activity_names(case: &Case) -> Vec<String> {
    let ops = case.raw.get("normalizers").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    ops.iter()
        .filter(|op| op.get("replacement").and_then(Value::as_str) == Some("activity_name"))
        .filter_map(|op| op.get("pattern").and_then(Value::as_str))
        .filter(|p| p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(str::to_string)
        .collect()
}

/// For each activity task the recording shows started: the worker's name and its answer.
fn jobs(history: &[Value]) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut scheduled_input: Option<Value> = None;
    let mut current: Option<Option<String>> = None;
    for e in history {
        let kind = e.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "ActivityScheduled" => {
                scheduled_input = e.pointer("/activityScheduledEventDetails/input").cloned();
                current = None;
            }
            "ActivityStarted" => {
                current = Some(as_text(e.pointer("/activityStartedEventDetails/workerName")));
            }
            "ActivitySucceeded" | "ActivityFailed" | "ActivityTimedOut" => {
                let Some(worker_name) = current.take() else { continue };
                let answer = match kind {
                    "ActivitySucceeded" => {
                        let output = e.pointer("/activitySucceededEventDetails/output").cloned();
                        // An output equal to the task's input is answered with the actual input.
                        Answer::Succeed(output.filter(|o| Some(o) != scheduled_input.as_ref()))
                    }
                    "ActivityFailed" => Answer::Fail {
                        error: as_text(e.pointer("/activityFailedEventDetails/error")),
                        cause: as_text(e.pointer("/activityFailedEventDetails/cause")),
                    },
                    _ => Answer::Silent,
                };
                jobs.push(Job { worker_name, answer });
            }
            _ => {}
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn case(definition: Value, input: Value, history: Value, extra: Value) -> Case {
        let mut raw = json!({
            "id": "t", "category": "c", "query_language": "JSONPath", "task_needs": "other",
            "definition": definition, "input": input,
            "context": {"account_id": "111111111111", "region": "us-east-1", "partition": "aws",
                        "state_machine_name": "parent", "state_machine_type": "STANDARD",
                        "execution_name": "e", "start": "async"},
            "expected": {"status": "SUCCEEDED", "history": history},
        });
        if let (Some(r), Some(e)) = (raw.as_object_mut(), extra.as_object()) {
            r.extend(e.clone());
        }
        Case::from_value(raw, PathBuf::from("t.json")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_sync_child_ends_as_recorded() {
        let input = json!({"StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:child"});
        let ok = json!([{"type": "TaskSucceeded", "taskSucceededEventDetails": {
            "resourceType": "states", "resource": "startExecution.sync", "output": {"Output": "{\"a\":1}"}}}]);
        let peers = Peers::of(&case(json!({}), input.clone(), ok, json!({})));
        assert_eq!(peers.children.len(), 1);
        assert_eq!(peers.children[0].name, "child");
        assert_eq!(peers.children[0].definition.pointer("/States/End/Result"), Some(&json!({"a": 1})));

        let failed = json!([{"type": "TaskFailed", "taskFailedEventDetails": {
            "resourceType": "states", "resource": "startExecution.sync:2", "error": "States.TaskFailed",
            "cause": {"Error": "E", "Cause": "why"}}}]);
        let peers = Peers::of(&case(json!({}), input.clone(), failed, json!({})));
        assert_eq!(
            peers.children[0].definition.pointer("/States/End"),
            Some(&json!({"Type": "Fail", "Error": "E", "Cause": "why"}))
        );

        let missing = json!([{"type": "TaskFailed", "taskFailedEventDetails": {
            "error": "StepFunctions.StateMachineDoesNotExistException"}}]);
        assert!(Peers::of(&case(json!({}), input, missing, json!({}))).children.is_empty());
    }

    #[test]
    fn a_worker_does_what_the_recorded_worker_did() {
        let def = json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "<create_activity>()[activityArn]", "End": true}}});
        let history = json!([
            {"type": "ActivityScheduled", "activityScheduledEventDetails": {"input": {"v": 1}}},
            {"type": "ActivityStarted", "activityStartedEventDetails": {"workerName": "W"}},
            {"type": "ActivitySucceeded", "activitySucceededEventDetails": {"output": {"v": 1}}},
            {"type": "ActivityScheduled", "activityScheduledEventDetails": {"input": {"v": 2}}},
            {"type": "ActivityStarted", "activityStartedEventDetails": {}},
            {"type": "ActivityFailed", "activityFailedEventDetails": {"error": "E", "cause": {"x": 1}}},
            {"type": "ActivityScheduled", "activityScheduledEventDetails": {"input": {}}},
            {"type": "ActivityStarted", "activityStartedEventDetails": {}},
            {"type": "ActivityTimedOut", "activityTimedOutEventDetails": {"error": "States.Timeout"}},
        ]);
        let norm = json!({"normalizers": [{"op": "regex", "pattern": "activity-u1", "replacement": "activity_name"}]});
        let c = case(def, json!({}), history, norm);
        let peers = Peers::of(&c);
        assert_eq!(peers.activities.len(), 1);
        let a = &peers.activities[0];
        assert_eq!(a.name, "activity-u1");
        assert_eq!(
            a.jobs,
            vec![
                Job { worker_name: Some("W".into()), answer: Answer::Succeed(None) },
                Job {
                    worker_name: None,
                    answer: Answer::Fail { error: Some("E".into()), cause: Some("{\"x\":1}".into()) }
                },
                Job { worker_name: None, answer: Answer::Silent },
            ]
        );
        let def = peers.definition_with(&c, |n| format!("arn:x:activity:{n}"));
        assert_eq!(def.pointer("/States/A/Resource"), Some(&json!("arn:x:activity:activity-u1")));
        assert!(can_provide(&Case { raw: json!({"task_needs_reasons": ["A: activity"]}), ..c.clone() }));
        assert!(!can_provide(&Case { raw: json!({"task_needs_reasons": ["A: sqs"]}), ..c }));
    }
}
