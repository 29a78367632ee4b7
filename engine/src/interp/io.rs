//! Input and output processing of a state, in both query languages: `InputPath`/`Parameters`/
//! `ResultSelector`/`ResultPath`/`OutputPath` for JSONPath, `Arguments`/`Output` for JSONata, and
//! `Assign` in both.

use serde_json::{json, Map, Value};
use state_lang::{Env, Failure, QueryLanguage, State, StateKind, StatesError, Template, Variables};

use super::{Entered, Interpreter};
use crate::context::{self, StateCtx};

/// AWS's limit on a payload: 256 KiB of JSON text.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Extra parts of the context object for one evaluation.
#[derive(Default, Clone, Copy)]
pub struct CtxExtra<'v> {
    pub token: Option<&'v str>,
    pub map_item: Option<(usize, &'v Value)>,
}

/// The size in bytes of a value's compact JSON text, without building the text.
pub fn json_size(v: &Value) -> usize {
    match v {
        Value::Null => 4,
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => s.len() + 2 + s.bytes().filter(|b| *b == b'"' || *b == b'\\' || *b < 0x20).count(),
        Value::Array(a) => 2 + a.iter().map(json_size).sum::<usize>() + a.len().saturating_sub(1),
        Value::Object(o) => {
            2 + o.iter().map(|(k, v)| k.len() + 3 + json_size(v)).sum::<usize>() + o.len().saturating_sub(1)
        }
    }
}

/// The output of a state: its value and the variables it assigns.
pub struct Output {
    pub value: Value,
    pub assigned: Option<Map<String, Value>>,
}

impl<'a> Interpreter<'a> {
    /// Records an intermediate value for TestState's inspection data.
    pub(super) fn note(&self, key: &str, v: &Value) {
        if let Some(m) = &self.inspect {
            m.borrow_mut().insert(key.to_string(), v.clone());
        }
    }

    pub(super) fn context_value(&self, st: &State, e: &Entered, extra: CtxExtra<'_>) -> Value {
        // Building `$$` copies the execution input: only do it for states that read it.
        if !st.reads_context {
            return Value::Null;
        }
        context::build(
            self.info,
            &StateCtx {
                name: &st.name,
                entered: e.entered_time,
                retry_count: matches!(st.kind, StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_))
                    .then_some(e.retry_count),
                task_token: extra.token,
                map_item: extra.map_item,
            },
        )
    }

    /// Puts AWS's "An error occurred while executing the state …" before an evaluation error.
    pub(super) fn in_state(&self, st: &State, e: &Entered, f: Failure) -> Failure {
        let cause = match f.cause {
            Some(c) => format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                st.name, e.entered_event, c
            ),
            None => format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}).",
                st.name, e.entered_event
            ),
        };
        Failure { error: f.error, cause: Some(cause) }
    }

    /// `$states` for a JSONata evaluation.
    pub(super) fn states_object(
        input: &Value,
        ctx: Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> Value {
        let mut m = Map::new();
        m.insert("input".into(), input.clone());
        m.insert("context".into(), ctx);
        if let Some(r) = result {
            m.insert("result".into(), r.clone());
        }
        if let Some(e) = error_output {
            m.insert("errorOutput".into(), e.clone());
        }
        Value::Object(m)
    }

    /// `InputPath` then `Parameters` (JSONPath), or `Arguments` (JSONata, default: the input).
    /// Errors are already prefixed with the state.
    pub(super) fn effective_input(
        &self,
        st: &State,
        e: &Entered,
        vars: &Variables,
        extra: CtxExtra<'_>,
    ) -> Result<Value, Failure> {
        let ctx = self.context_value(st, e, extra);
        let env = Env { context: &ctx, vars, entropy: self.entropy };
        match st.query_language {
            QueryLanguage::JSONPath => {
                let after_input = self.input_path(st, &e.input, &env).map_err(|f| self.in_state(st, e, f))?;
                self.note("afterInputPath", &after_input);
                let r = match &st.io.parameters {
                    Some(t) => t.eval(&after_input, &env).map_err(|f| self.in_state(st, e, f)),
                    None => Ok(after_input),
                };
                if let Ok(v) = &r {
                    self.note("afterParameters", v);
                }
                r
            }
            QueryLanguage::JSONata => match &st.io.arguments {
                Some(t) => {
                    let states = Self::states_object(&e.input, ctx.clone(), None, None);
                    let r = t.eval(&states, &env, "Arguments").map_err(|f| self.in_state(st, e, f));
                    if let Ok(v) = &r {
                        self.note("afterArguments", v);
                    }
                    r
                }
                None => Ok(e.input.clone()),
            },
        }
    }

    pub(super) fn input_path(&self, st: &State, input: &Value, env: &Env<'_>) -> Result<Value, Failure> {
        match &st.io.input_path {
            None => Ok(input.clone()),
            Some(None) => Ok(json!({})),
            Some(Some(p)) => p.select(input, env, "InputPath"),
        }
    }

    /// From a state's result to its output: `ResultSelector`, `ResultPath`, `OutputPath` and
    /// `Assign` (JSONPath, where `Assign` sees the selected result), or `Output` and `Assign`
    /// (JSONata, with `$states.result`). Errors are prefixed with the state.
    pub(super) fn process_result(
        &self,
        st: &State,
        e: &Entered,
        vars: &Variables,
        result: Value,
    ) -> Result<Output, Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars, entropy: self.entropy };
        let r = match st.query_language {
            QueryLanguage::JSONPath => self.jsonpath_result(st, e, &env, result),
            QueryLanguage::JSONata => (|| {
                self.note("result", &result);
                let states = Self::states_object(&e.input, ctx.clone(), Some(&result), None);
                let value = match &st.io.output {
                    Some(t) => t.eval(&states, &env, "Output")?,
                    None => result.clone(),
                };
                let assigned = self.assign(st.assign.as_ref(), &states, &env)?;
                Ok(Output { value, assigned })
            })(),
        };
        r.map_err(|f| self.in_state(st, e, f))
    }

    fn jsonpath_result(&self, st: &State, e: &Entered, env: &Env<'_>, result: Value) -> Result<Output, Failure> {
        self.note("result", &result);
        let selected = match &st.io.result_selector {
            Some(t) => t.eval(&result, env)?,
            None => result,
        };
        self.note("afterResultSelector", &selected);
        let assigned = self.assign(st.assign.as_ref(), &selected, env)?;
        let merged = match &st.io.result_path {
            None => selected,
            Some(rp) => rp.apply(e.input.clone(), selected)?,
        };
        self.note("afterResultPath", &merged);
        let value = self.output_path(st, merged, env)?;
        Ok(Output { value, assigned })
    }

    pub(super) fn output_path(&self, st: &State, v: Value, env: &Env<'_>) -> Result<Value, Failure> {
        match &st.io.output_path {
            None => Ok(v),
            Some(None) => Ok(json!({})),
            Some(Some(p)) => p.select(&v, env, "OutputPath"),
        }
    }

    /// Evaluates an `Assign` block; `subject` is `$` (JSONPath) or `$states` (JSONata).
    pub(super) fn assign(
        &self,
        assign: Option<&Template>,
        subject: &Value,
        env: &Env<'_>,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        let Some(t) = assign else {
            return Ok(None);
        };
        let v = match t {
            Template::JsonPath(t) => t.eval(subject, env)?,
            Template::Jsonata(t) => t.eval(subject, env, "Assign")?,
        };
        match v {
            Value::Object(m) => Ok(Some(m)),
            other => Err(Failure::states(
                StatesError::Runtime,
                format!("The Assign field must evaluate to an object, not {other}"),
            )),
        }
    }

    /// The `States.DataLimitExceeded` failure for a state whose output is too large.
    pub(super) fn data_limit(name: &str) -> Failure {
        Failure::states(
            StatesError::DataLimitExceeded,
            format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_size_matches_serialised_length() {
        for v in [
            json!(null),
            json!({"a": [1, 2.5, "x\"y\\z\n"], "b": {"c": true, "d": false}}),
            json!([]),
            json!({}),
            json!("héllo"),
        ] {
            assert_eq!(json_size(&v), serde_json::to_string(&v).unwrap().len(), "{v}");
        }
    }
}
