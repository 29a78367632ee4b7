//! TestState: one state run on its own, with the given input and variables, its task answered by
//! a mock or by the real function, reporting what AWS's TestState reports (status, output or
//! error, next state, and the inspection data of input and output processing).

use chrono::Utc;
use serde_json::{json, Map, Value};
use state_lang::Failure;

use super::{Engine, RngEntropy};
use crate::context::ExecInfo;
use crate::interp::{Command, ExecStatus, Interpreter, Signal, Step, Terminal};
use crate::invoker::InvokeContext;
use crate::EngineError;

/// A mocked answer for the state's task.
#[derive(Debug, Clone)]
pub enum TestMock {
    Result(Value),
    Error { error: String, cause: Option<String> },
}

pub struct TestStateRequest {
    /// One state's definition, or a whole machine when `state_name` names the state to test.
    pub definition: Value,
    pub state_name: Option<String>,
    pub input: Value,
    pub variables: Map<String, Value>,
    pub mock: Option<TestMock>,
    pub role_arn: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    Retriable,
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TestStateResult {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    /// `input`, `afterInputPath`, `afterParameters`, `result`, `afterResultSelector`,
    /// `afterResultPath` (JSONPath) or `afterArguments` (JSONata), and `variables`.
    pub inspection: Map<String, Value>,
    /// For RETRIABLE: the delay before the retry.
    pub retry_backoff_seconds: Option<f64>,
}

/// The state to test inside a machine of its own, every state it can go to standing in as a
/// `Succeed` state.
fn wrapper(req: &TestStateRequest) -> Result<(String, Value), EngineError> {
    let bad = |m: &str| EngineError::InvalidDefinition(m.to_string());
    let (name, state, query_language) = match &req.state_name {
        Some(n) => {
            let st = req.definition.get("States").and_then(|s| s.get(n)).ok_or_else(|| {
                EngineError::Validation(format!("The state '{n}' is not a top-level state of the definition"))
            })?;
            (n.clone(), st.clone(), req.definition.get("QueryLanguage").cloned())
        }
        None => {
            if !req.definition.is_object() || req.definition.get("Type").is_none() {
                return Err(bad("A state definition must be a JSON object with a \"Type\""));
            }
            ("TestState".to_string(), req.definition.clone(), None)
        }
    };
    let mut states = Map::new();
    states.insert(name.clone(), state.clone());
    let mut targets: Vec<&str> = Vec::new();
    if let Some(n) = state.get("Next").and_then(Value::as_str) {
        targets.push(n);
    }
    if let Some(d) = state.get("Default").and_then(Value::as_str) {
        targets.push(d);
    }
    for list in ["Choices", "Catch"] {
        for c in state.get(list).and_then(Value::as_array).into_iter().flatten() {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                targets.push(n);
            }
        }
    }
    for t in targets {
        if t != name {
            states.insert(t.to_string(), json!({"Type": "Succeed"}));
        }
    }
    let mut machine = json!({"StartAt": name, "States": states});
    if let Some(q) = query_language {
        machine["QueryLanguage"] = q;
    }
    Ok((name, machine))
}

fn entered_names(step: &Step) -> impl Iterator<Item = String> + '_ {
    step.events
        .iter()
        .filter(|e| e.event_type.ends_with("StateEntered"))
        .filter_map(|e| e.details.as_ref()?.get("name")?.as_str().map(str::to_string))
}

impl Engine {
    pub async fn test_state(&self, req: TestStateRequest) -> Result<TestStateResult, EngineError> {
        let (name, machine_def) = wrapper(&req)?;
        let machine = state_lang::parse::parse_value(&machine_def)
            .map_err(|d| EngineError::InvalidDefinition(super::describe_diagnostics(&d)))?;
        let now = Utc::now();
        let c = &self.inner.config;
        let info = ExecInfo {
            arn: format!("arn:aws:states:{}:{}:execution:TestState:{}", c.region, c.account, uuid::Uuid::new_v4()),
            name: "TestState".into(),
            state_machine_arn: format!("arn:aws:states:{}:{}:stateMachine:TestState", c.region, c.account),
            state_machine_name: "TestState".into(),
            role_arn: req.role_arn.clone(),
            start_time: now,
            input: req.input.clone().into(),
            redrive_count: 0,
            test_case: None,
        };
        let entropy = RngEntropy::new();
        let (mut state, mut step, mut inspection) =
            Interpreter::start_inspected(&machine, info, req.variables.clone(), now, &entropy);
        inspection.insert("input".into(), req.input.clone());
        let mut next_state: Option<String> = None;
        let mut failure: Option<Failure> = None;
        loop {
            next_state = next_state.or_else(|| entered_names(&step).find(|n| *n != name));
            if let Some(t) = step.terminal.take() {
                let mut r = match t {
                    Terminal::Succeeded(out) => TestStateResult {
                        status: if failure.is_some() { TestStatus::CaughtError } else { TestStatus::Succeeded },
                        output: Some(out),
                        error: failure.as_ref().map(|f| f.error.clone()),
                        cause: failure.as_ref().and_then(|f| f.cause.clone()),
                        next_state: next_state.clone(),
                        inspection: Map::new(),
                        retry_backoff_seconds: None,
                    },
                    Terminal::Failed(f) | Terminal::TimedOut(f) | Terminal::Aborted(f) => TestStateResult {
                        status: TestStatus::Failed,
                        output: None,
                        error: Some(f.error),
                        cause: f.cause,
                        next_state: None,
                        inspection: Map::new(),
                        retry_backoff_seconds: None,
                    },
                };
                let vars: Map<String, Value> = state.root.vars.flatten();
                if !vars.is_empty() {
                    inspection.insert("variables".into(), Value::Object(vars));
                }
                r.inspection = inspection;
                return Ok(r);
            }
            let call = step.commands.iter().find_map(|c| match c {
                Command::Invoke(call) => Some(call.clone()),
                _ => None,
            });
            let timer = step.commands.iter().find_map(|c| match c {
                Command::Timer { id, due } => Some((*id, *due)),
                _ => None,
            });
            let signal = match (call, timer) {
                (Some(call), _) => {
                    let outcome = match &req.mock {
                        Some(TestMock::Result(v)) => Ok(v.clone()),
                        Some(TestMock::Error { error, cause }) => {
                            Err(Failure { error: error.clone(), cause: cause.clone() })
                        }
                        None => {
                            let ctx = InvokeContext {
                                execution_arn: state.info.arn.clone(),
                                region: c.region.clone(),
                                account: c.account.clone(),
                                state_machine_name: state.info.state_machine_name.clone(),
                                test_case: None,
                            };
                            self.inner.invoker.invoke(call.clone(), ctx).await
                        }
                    };
                    match outcome {
                        Ok(output) => Signal::TaskSucceeded { id: call.id, output },
                        Err(f) => {
                            failure = Some(f.clone());
                            Signal::TaskFailed { id: call.id, failure: f }
                        }
                    }
                }
                (None, Some((id, due))) => {
                    if let Some(f) = &failure {
                        // The state would be retried: TestState reports that and stops.
                        let backoff = (due - now).num_milliseconds() as f64 / 1000.0;
                        inspection.insert("errorDetails".into(), json!({"retryBackoffIntervalSeconds": backoff}));
                        return Ok(TestStateResult {
                            status: TestStatus::Retriable,
                            output: None,
                            error: Some(f.error.clone()),
                            cause: f.cause.clone(),
                            next_state: None,
                            inspection,
                            retry_backoff_seconds: Some(backoff),
                        });
                    }
                    Signal::Timer { id }
                }
                (None, None) => {
                    if state.status != ExecStatus::Running {
                        return Err(EngineError::Validation("TestState ended without a result".into()));
                    }
                    return Err(EngineError::Validation(
                        "TestState cannot wait for a task token or an activity worker; give a mock result".into(),
                    ));
                }
            };
            let (s, more) = Interpreter::resume_inspected(&machine, &mut state, signal, now, &entropy);
            inspection.extend(more);
            step = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::invoker::NoInvoker;
    use crate::store::memory::MemoryStore;
    use crate::EngineConfig;

    fn engine() -> Engine {
        Engine::new(Arc::new(MemoryStore::new()), Arc::new(NoInvoker), EngineConfig::default())
    }

    fn req(definition: Value, input: Value, mock: Option<TestMock>) -> TestStateRequest {
        TestStateRequest { definition, state_name: None, input, variables: Map::new(), mock, role_arn: "r".into() }
    }

    #[tokio::test]
    async fn a_pass_state_reports_its_output_next_state_and_inspection() {
        let def = json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"b.$": "$.x"}, "ResultPath": "$.r", "Next": "After"});
        let r = engine().test_state(req(def, json!({"a": {"x": 1}}), None)).await.unwrap();
        assert_eq!(r.status, TestStatus::Succeeded);
        assert_eq!(r.next_state.as_deref(), Some("After"));
        assert_eq!(r.output, Some(json!({"a": {"x": 1}, "r": {"b": 1}})));
        assert_eq!(r.inspection["afterInputPath"], json!({"x": 1}));
        assert_eq!(r.inspection["afterParameters"], json!({"b": 1}));
        assert_eq!(r.inspection["afterResultPath"], json!({"a": {"x": 1}, "r": {"b": 1}}));
    }

    #[tokio::test]
    async fn a_mocked_error_is_caught_or_retried() {
        let task = |extra: Value| {
            let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                "Parameters": {"FunctionName": "f"}});
            for (k, v) in extra.as_object().unwrap() {
                t[k] = v.clone();
            }
            t
        };
        let boom = Some(TestMock::Error { error: "Boom".into(), cause: Some("bad".into()) });
        let caught = task(json!({"Catch": [{"ErrorEquals": ["Boom"], "Next": "Handler"}]}));
        let r = engine().test_state(req(caught, json!({}), boom.clone())).await.unwrap();
        assert_eq!(r.status, TestStatus::CaughtError);
        assert_eq!(r.next_state.as_deref(), Some("Handler"));
        assert_eq!(r.output, Some(json!({"Error": "Boom", "Cause": "bad"})));
        let retried = task(json!({"Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 4}]}));
        let r = engine().test_state(req(retried, json!({}), boom.clone())).await.unwrap();
        assert_eq!(r.status, TestStatus::Retriable);
        assert_eq!(r.retry_backoff_seconds, Some(4.0));
        let r = engine().test_state(req(task(json!({})), json!({}), boom)).await.unwrap();
        assert_eq!((r.status, r.error.as_deref()), (TestStatus::Failed, Some("Boom")));
    }

    #[tokio::test]
    async fn a_choice_names_the_branch_taken_and_bad_definitions_are_refused() {
        let def = json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"});
        let r = engine().test_state(req(def, json!({"n": 5}), None)).await.unwrap();
        assert_eq!(r.next_state.as_deref(), Some("Big"));
        let bad = engine().test_state(req(json!({"Type": "Nope"}), json!({}), None)).await;
        assert!(matches!(bad, Err(EngineError::InvalidDefinition(_))));
    }
}
