//! Entering a state, and the states that need no outside work: Pass, Choice, Wait (its timer),
//! Succeed and Fail.

use chrono::{DateTime, Utc};
use serde_json::Value;
use state_lang::{
    Condition, Dynamic, Env, Fail, Failure, QueryLanguage, State, StateId, StateKind, StatesError, Transition, Wait,
};

use state_lang::template::PathExpr;

use super::complete::{plain_output, Origin};
use super::io::CtxExtra;
use super::{resolve_scope, Active, Entered, Frame, Interpreter, Pos, Signal, Work};

impl<'a> Interpreter<'a> {
    pub(super) fn state_of(&self, frame: &Frame, id: StateId) -> Option<&'a State> {
        let machine: &'a state_lang::StateMachine = self.machine;
        resolve_scope(machine, &frame.scope).and_then(|s| s.states.get(id))
    }

    /// Enters `id` with `input`: the `…StateEntered` event, then the state's behaviour.
    pub(super) fn enter(&mut self, frame: &mut Frame, id: StateId, input: Value) {
        let Some(st) = self.state_of(frame, id) else {
            frame.pos = Pos::Done(Err(Failure::states(StatesError::Runtime, "internal error: unknown state")));
            return;
        };
        let details = crate::history::details::state_entered(&st.name, &input);
        let mut last = frame.last_event;
        let entered_event =
            self.emit(&mut last, frame.silent, &format!("{}StateEntered", st.type_name()), Some(details));
        frame.last_event = last;
        let e = Entered {
            state: id,
            entered_event,
            entered_time: self.now,
            input,
            retries: vec![0; st.retry.len()],
            retry_count: 0,
        };
        self.run_state(frame, st, e);
    }

    /// Runs a state's behaviour (again, after a retry back-off).
    pub(super) fn run_state(&mut self, frame: &mut Frame, st: &'a State, e: Entered) {
        match &st.kind {
            StateKind::Pass(p) => self.run_pass(frame, st, e, p.result.as_ref()),
            StateKind::Task(t) => self.run_task(frame, st, e, t),
            StateKind::Choice(c) => self.run_choice(frame, st, e, c),
            StateKind::Wait(w) => self.run_wait(frame, st, e, w),
            StateKind::Succeed => self.run_succeed(frame, st, e),
            StateKind::Fail(f) => self.run_fail(frame, st, e, f),
            StateKind::Parallel(p) => self.run_parallel(frame, st, e, p),
            StateKind::Map(m) => self.run_map(frame, st, e, m),
        }
    }

    /// A task result or timer for this frame's active state.
    pub(super) fn on_signal(&mut self, frame: &mut Frame, signal: &Signal) {
        let Pos::Active(active) = std::mem::replace(&mut frame.pos, Pos::Done(Ok(Value::Null))) else {
            return;
        };
        let Active { entered: e, work } = *active;
        let Some(st) = self.state_of(frame, e.state) else {
            return;
        };
        match work {
            Work::Task(t) => self.on_task_signal(frame, st, e, t, signal),
            Work::Backoff { .. } => self.run_state(frame, st, e),
            Work::Wait { output, assigned, .. } => {
                self.exit(frame, st, e, plain_output(output, assigned), st.transition);
            }
            other => {
                frame.pos = Pos::Active(Box::new(Active { entered: e, work: other }));
            }
        }
    }

    fn run_pass(&mut self, frame: &mut Frame, st: &'a State, e: Entered, result: Option<&Value>) {
        match st.query_language {
            QueryLanguage::JSONPath => {
                let r = match result {
                    Some(r) => Ok(r.clone()),
                    None => self.effective_input(st, &e, &frame.vars, CtxExtra::default()),
                };
                match r {
                    Ok(r) => self.succeed_with_result(frame, st, e, r),
                    Err(f) => self.fail(frame, st, e, f, Origin::Evaluation),
                }
            }
            QueryLanguage::JSONata => {
                let input = e.input.clone();
                self.succeed_with_result(frame, st, e, input)
            }
        }
    }

    fn run_succeed(&mut self, frame: &mut Frame, st: &'a State, e: Entered) {
        match self.pass_through_output(frame, st, &e) {
            Ok(out) => self.exit(frame, st, e, out, Transition::End),
            Err(f) => self.fail(frame, st, e, f, Origin::Evaluation),
        }
    }

    /// Output of a state without a result: `InputPath`→`OutputPath` (JSONPath, with `Assign` on
    /// the effective input) or `Output` (JSONata, default the input).
    fn pass_through_output(&self, frame: &Frame, st: &State, e: &Entered) -> Result<super::io::Output, Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let r = match st.query_language {
            QueryLanguage::JSONPath => (|| {
                let eff = self.input_path(st, &e.input, &env)?;
                let assigned = self.assign(st.assign.as_ref(), &eff, &env)?;
                let value = self.output_path(st, eff, &env)?;
                Ok(plain_output(value, assigned))
            })(),
            QueryLanguage::JSONata => (|| {
                let states = Self::states_object(&e.input, ctx.clone(), None, None);
                let value = match &st.io.output {
                    Some(t) => t.eval(&states, &env, "Output")?,
                    None => e.input.clone(),
                };
                let assigned = self.assign(st.assign.as_ref(), &states, &env)?;
                Ok(plain_output(value, assigned))
            })(),
        };
        r.map_err(|f| self.in_state(st, e, f))
    }

    fn run_fail(&mut self, frame: &mut Frame, st: &'a State, e: Entered, fail: &Fail) {
        let ctx = self.context_value(st, &e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let states = Self::states_object(&e.input, ctx.clone(), None, None);
        let eval = |d: &Option<Dynamic<String>>, field: &str| -> Result<Option<String>, Failure> {
            match d {
                None => Ok(None),
                Some(Dynamic::Literal(s)) => Ok(Some(s.clone())),
                Some(Dynamic::Path(p)) => match p.eval(&e.input, &env, field)? {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(other.to_string())),
                },
                Some(Dynamic::Jsonata(x)) => match x.eval(&states, &env)? {
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(other) => Ok(Some(other.to_string())),
                    None => Ok(None),
                },
            }
        };
        let error = eval(&fail.error, if matches!(fail.error, Some(Dynamic::Path(_))) { "ErrorPath" } else { "Error" });
        let cause = eval(&fail.cause, if matches!(fail.cause, Some(Dynamic::Path(_))) { "CausePath" } else { "Cause" });
        match (error, cause) {
            (Ok(error), Ok(cause)) => {
                self.end_with_error(frame, e, Failure { error: error.unwrap_or_default(), cause });
            }
            (Err(f), _) | (_, Err(f)) => {
                let f = self.in_state(st, &e, f);
                self.end_with_error(frame, e, f);
            }
        }
    }

    fn run_choice(&mut self, frame: &mut Frame, st: &'a State, e: Entered, choice: &'a state_lang::Choice) {
        match self.choose(frame, st, &e, choice) {
            Ok((next, out)) => self.exit(frame, st, e, out, Transition::Next(next)),
            Err(f) => self.fail(frame, st, e, f, Origin::Evaluation),
        }
    }

    fn choose(
        &self,
        frame: &Frame,
        st: &State,
        e: &Entered,
        choice: &state_lang::Choice,
    ) -> Result<(StateId, super::io::Output), Failure> {
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let r = (|| match st.query_language {
            QueryLanguage::JSONPath => {
                let eff = self.input_path(st, &e.input, &env)?;
                for b in &choice.choices {
                    let Condition::JsonPath(rule) = &b.condition else { continue };
                    if rule.eval(&eff, &env)? {
                        let assigned = self.assign(b.assign.as_ref().or(st.assign.as_ref()), &eff, &env)?;
                        let value = self.output_path(st, eff, &env)?;
                        return Ok((b.next, plain_output(value, assigned)));
                    }
                }
                match choice.default {
                    Some(d) => {
                        let assigned = self.assign(st.assign.as_ref(), &eff, &env)?;
                        let value = self.output_path(st, eff, &env)?;
                        Ok((d, plain_output(value, assigned)))
                    }
                    None => Err(no_choice_matched()),
                }
            }
            QueryLanguage::JSONata => {
                let states = Self::states_object(&e.input, ctx.clone(), None, None);
                for b in &choice.choices {
                    let Condition::Jsonata(cond) = &b.condition else { continue };
                    let v = cond.eval(&states, &env)?;
                    let matched = match v {
                        Some(Value::Bool(x)) => x,
                        other => return Err(condition_not_boolean(cond.as_str(), other.as_ref())),
                    };
                    if matched {
                        let value = match b.output.as_ref().or(st.io.output.as_ref()) {
                            Some(t) => t.eval(&states, &env, "Output")?,
                            None => e.input.clone(),
                        };
                        let assigned = self.assign(b.assign.as_ref().or(st.assign.as_ref()), &states, &env)?;
                        return Ok((b.next, plain_output(value, assigned)));
                    }
                }
                match choice.default {
                    Some(d) => {
                        let value = match &st.io.output {
                            Some(t) => t.eval(&states, &env, "Output")?,
                            None => e.input.clone(),
                        };
                        let assigned = self.assign(st.assign.as_ref(), &states, &env)?;
                        Ok((d, plain_output(value, assigned)))
                    }
                    None => Err(no_choice_matched()),
                }
            }
        })();
        r.map_err(|f| if f.error == StatesError::NoChoiceMatched.as_str() { f } else { self.in_state(st, e, f) })
    }

    fn run_wait(&mut self, frame: &mut Frame, st: &'a State, e: Entered, wait: &Wait) {
        match self.wait_until(frame, st, &e, wait) {
            Ok((due, out)) => {
                let timer = self.new_timer(due);
                frame.pos = Pos::Active(Box::new(Active {
                    entered: e,
                    work: Work::Wait { timer, output: out.value, assigned: out.assigned },
                }));
            }
            Err(f) => self.fail(frame, st, e, f, Origin::Evaluation),
        }
    }

    fn wait_until(
        &self,
        frame: &Frame,
        st: &State,
        e: &Entered,
        wait: &Wait,
    ) -> Result<(DateTime<Utc>, super::io::Output), Failure> {
        let out = self.pass_through_output(frame, st, e)?;
        let ctx = self.context_value(st, e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let r = (|| {
            let eff = self.input_path(st, &e.input, &env)?;
            let states = Self::states_object(&e.input, ctx.clone(), None, None);
            match wait {
                Wait::Seconds(d) => {
                    let secs = match d {
                        Dynamic::Literal(n) => *n as f64,
                        Dynamic::Path(p) => wait_seconds_from_path(p, &eff, &env)?,
                        Dynamic::Jsonata(x) => {
                            let v = x.eval(&states, &env)?;
                            wait_seconds_from_jsonata(x.as_str(), v.as_ref())?
                        }
                    };
                    Ok(self.now + chrono::Duration::milliseconds((secs * 1000.0) as i64))
                }
                Wait::Timestamp(d) => match d {
                    Dynamic::Literal(s) => parse_timestamp(s).ok_or_else(|| bad_timestamp_literal(s)),
                    Dynamic::Path(p) => {
                        let v = p.eval(&eff, &env, "TimestampPath")?;
                        v.as_str().and_then(parse_timestamp).ok_or_else(|| bad_timestamp_path(p.as_str(), &v))
                    }
                    Dynamic::Jsonata(x) => {
                        let v = x.eval(&states, &env)?;
                        match v.as_ref().and_then(|v| v.as_str()) {
                            Some(s) => parse_timestamp(s).ok_or_else(|| bad_timestamp_jsonata(s)),
                            None => Err(bad_timestamp_jsonata(&v.map(|v| v.to_string()).unwrap_or_default())),
                        }
                    }
                },
            }
        })();
        let due = r.map_err(|f| self.in_state(st, e, f))?;
        Ok((due, out))
    }
}

fn no_choice_matched() -> Failure {
    Failure::states(StatesError::NoChoiceMatched, "No Matches!")
}

fn condition_not_boolean(expr: &str, v: Option<&Value>) -> Failure {
    let shown = v.map(|v| v.to_string()).unwrap_or_else(|| "undefined".into());
    Failure::states(
        StatesError::QueryEvaluationError,
        format!("The JSONata expression '{expr}' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '{}' for value: {shown}", json_type(v)),
    )
}

pub(super) fn json_type(v: Option<&Value>) -> &'static str {
    v.map_or("undefined", state_lang::jsonata::json_type_name)
}

fn wait_seconds_from_path(p: &PathExpr, input: &Value, env: &Env<'_>) -> Result<f64, Failure> {
    let path = p.as_str();
    let v = match p {
        PathExpr::Path(rp) => match rp.find(input, env) {
            Ok(v) => v.into_owned(),
            Err(_) => {
                return Err(Failure::states(
                    StatesError::Runtime,
                    format!("The SecondsPath parameter does not reference an input value: {path}"),
                ))
            }
        },
        PathExpr::Intrinsic(_) => p.eval(input, env, "SecondsPath")?,
    };
    match (v.as_u64(), v.as_i64()) {
        (Some(n), _) => Ok(n as f64),
        (None, Some(_)) => Err(Failure::states(
            StatesError::Runtime,
            format!("The SecondsPath parameter references a negative value: {path} == {v}"),
        )),
        _ => Err(Failure::states(
            StatesError::Runtime,
            format!("The SecondsPath parameter cannot be parsed as a long value: {path} == {v}"),
        )),
    }
}

fn wait_seconds_from_jsonata(expr: &str, v: Option<&Value>) -> Result<f64, Failure> {
    match v.and_then(|v| v.as_u64()) {
        Some(n) => Ok(n as f64),
        None => Err(Failure::states(
            StatesError::QueryEvaluationError,
            format!(
                "The JSONata expression '{expr}' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '{}' for value: {}",
                json_type(v),
                v.map(|v| v.to_string()).unwrap_or_else(|| "undefined".into())
            ),
        )),
    }
}

/// ISO-8601 extended offset date-time, as AWS accepts in Wait states.
pub(super) fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let t = state_lang::choice::parse_timestamp(s)?;
    DateTime::from_timestamp(t.unix_seconds(), t.subsec_nanos())
}

fn bad_timestamp_literal(s: &str) -> Failure {
    Failure::states(
        StatesError::Runtime,
        format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {s}"),
    )
}

fn bad_timestamp_path(path: &str, v: &Value) -> Failure {
    let shown = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Failure::states(
        StatesError::Runtime,
        format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path} == {shown}"),
    )
}

fn bad_timestamp_jsonata(s: &str) -> Failure {
    Failure::states(
        StatesError::QueryEvaluationError,
        format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {s}"),
    )
}
