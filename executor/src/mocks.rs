//! Mocked task results, in the format of AWS Step Functions Local's mock configuration file:
//! `StateMachines.<machine>.TestCases.<case>.<state> = <response name>`, and
//! `MockedResponses.<response name>` mapping attempt numbers (`"0"`, `"1-2"`) to a `Return`
//! value or a `Throw` (`Error`, `Cause`). An execution runs a test case when it is started on
//! `…:stateMachine:<machine>#<case>`.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use state_lang::Failure;

use crate::ExecutorError;

#[derive(Debug, Default)]
pub struct MockConfig {
    doc: Value,
    /// Attempts made so far per (execution, state).
    attempts: Mutex<HashMap<(String, String), u64>>,
}

impl MockConfig {
    pub fn from_value(doc: Value) -> Result<Self, ExecutorError> {
        let bad = |m: String| ExecutorError::InvalidFile { path: "mock configuration".into(), message: m };
        let machines = doc
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("'StateMachines' must be an object".into()))?;
        let responses = doc
            .get("MockedResponses")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("'MockedResponses' must be an object".into()))?;
        for (m, spec) in machines {
            let cases = spec
                .get("TestCases")
                .and_then(Value::as_object)
                .ok_or_else(|| bad(format!("'{m}' needs 'TestCases'")))?;
            for (case, states) in cases {
                for (state, response) in states.as_object().into_iter().flatten() {
                    let r = response.as_str().unwrap_or_default();
                    if !responses.contains_key(r) {
                        return Err(bad(format!(
                            "test case '{m}#{case}' state '{state}' names an unknown mocked response '{r}'"
                        )));
                    }
                }
            }
        }
        for (name, steps) in responses {
            for (range, step) in steps.as_object().into_iter().flatten() {
                parse_range(range).ok_or_else(|| {
                    bad(format!("mocked response '{name}': '{range}' is not an attempt number or range"))
                })?;
                if step.get("Return").is_none() && step.get("Throw").is_none() {
                    return Err(bad(format!("mocked response '{name}' attempt '{range}' needs 'Return' or 'Throw'")));
                }
            }
        }
        Ok(MockConfig { doc, attempts: Mutex::new(HashMap::new()) })
    }

    pub fn load_file(path: &str) -> Result<Self, ExecutorError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ExecutorError::ReadFile { path: path.into(), source })?;
        let doc = serde_json::from_str(&text)
            .map_err(|e| ExecutorError::InvalidFile { path: path.into(), message: e.to_string() })?;
        Self::from_value(doc)
    }

    /// The mocked outcome of this attempt of `state`, or `None` when the test case does not
    /// mock the state (the real task runs). An unknown test case is an error.
    pub fn outcome(&self, machine: &str, case: &str, state: &str, execution: &str) -> Option<Result<Value, Failure>> {
        let Some(states) = self.doc.pointer(&format!("/StateMachines/{}/TestCases/{}", esc(machine), esc(case))) else {
            return Some(Err(Failure::new(
                "States.Runtime",
                format!("The mock configuration has no test case '{case}' for the state machine '{machine}'"),
            )));
        };
        let response = states.get(state)?.as_str()?;
        let steps = self.doc.pointer(&format!("/MockedResponses/{}", esc(response)))?.as_object()?;
        let attempt = {
            let mut g = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
            let n = g.entry((execution.to_string(), state.to_string())).or_insert(0);
            let a = *n;
            *n += 1;
            a
        };
        let step =
            steps.iter().find(|(range, _)| parse_range(range).is_some_and(|(lo, hi)| (lo..=hi).contains(&attempt)));
        let Some((_, step)) = step else {
            return Some(Err(Failure::new(
                "States.Runtime",
                format!("The mocked response '{response}' has no answer for attempt {attempt} of state '{state}'"),
            )));
        };
        if let Some(v) = step.get("Return") {
            return Some(Ok(v.clone()));
        }
        let t = step.get("Throw")?;
        let error = t.get("Error").and_then(Value::as_str).unwrap_or("States.TaskFailed").to_string();
        let cause = t.get("Cause").and_then(Value::as_str).map(str::to_string);
        Some(Err(Failure { error, cause }))
    }
}

/// `"3"` → (3, 3); `"1-2"` → (1, 2).
fn parse_range(s: &str) -> Option<(u64, u64)> {
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => s.trim().parse().ok().map(|n| (n, n)),
    }
}

fn esc(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn config() -> MockConfig {
        MockConfig::from_value(json!({
            "StateMachines": {"Orders": {"TestCases": {"Happy": {"Charge": "ChargeOk"}, "Flaky": {"Charge": "ChargeFlaky"}}}},
            "MockedResponses": {
                "ChargeOk": {"0": {"Return": {"charged": true}}},
                "ChargeFlaky": {"0-1": {"Throw": {"Error": "Timeout", "Cause": "slow"}}, "2": {"Return": {"charged": true}}}
            }
        }))
        .expect("valid")
    }

    #[test]
    fn attempts_follow_the_ranges() {
        let c = config();
        assert_eq!(c.outcome("Orders", "Happy", "Charge", "e1"), Some(Ok(json!({"charged": true}))));
        assert_eq!(c.outcome("Orders", "Flaky", "Charge", "e2"), Some(Err(Failure::new("Timeout", "slow"))));
        assert_eq!(c.outcome("Orders", "Flaky", "Charge", "e2"), Some(Err(Failure::new("Timeout", "slow"))));
        assert_eq!(c.outcome("Orders", "Flaky", "Charge", "e2"), Some(Ok(json!({"charged": true}))));
        assert!(matches!(c.outcome("Orders", "Flaky", "Charge", "e2"), Some(Err(_))), "no answer for attempt 3");
    }

    #[test]
    fn unmocked_states_run_for_real_and_unknown_cases_fail() {
        let c = config();
        assert_eq!(c.outcome("Orders", "Happy", "Ship", "e1"), None);
        assert!(matches!(c.outcome("Orders", "Nope", "Charge", "e1"), Some(Err(_))));
    }

    #[test]
    fn references_to_unknown_responses_are_rejected() {
        let bad = MockConfig::from_value(
            json!({"StateMachines": {"M": {"TestCases": {"C": {"S": "Missing"}}}}, "MockedResponses": {}}),
        );
        assert!(bad.is_err());
    }
}
