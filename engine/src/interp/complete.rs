//! Leaving a state: the `…StateExited` event, variable assignment and the transition; or, on an
//! error, Retry, Catch, or the end of the frame.

use serde_json::{Map, Value};
use state_lang::retry::{find_catcher, find_retrier, retry_delay};
use state_lang::{Env, Failure, QueryLanguage, State, StateKind, StatesError, Transition};

use super::io::{json_size, CtxExtra, Output, MAX_PAYLOAD_BYTES};
use super::{Active, Entered, Frame, Interpreter, Pos, Work};

/// Where a failure came from: evaluation errors are never retried; AWS writes an
/// `EvaluationFailed` event for an uncaught JSONata evaluation error.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Evaluation,
    Work,
}

impl<'a> Interpreter<'a> {
    /// Finishes a state whose raw result is `result`, running its output processing.
    pub(super) fn succeed_with_result(&mut self, frame: &mut Frame, st: &'a State, e: Entered, result: Value) {
        match self.process_result(st, &e, &frame.vars, result) {
            Ok(out) => self.exit(frame, st, e, out, st.transition),
            Err(f) => self.fail(frame, st, e, f, Origin::Evaluation),
        }
    }

    /// Writes `…StateExited`, assigns variables, and moves the frame on.
    pub(super) fn exit(&mut self, frame: &mut Frame, st: &'a State, e: Entered, out: Output, next: Transition) {
        if json_size(&out.value) > MAX_PAYLOAD_BYTES {
            let f = Self::data_limit(&st.name);
            return self.fail(frame, st, e, f, Origin::Work);
        }
        let details = crate::history::details::state_exited(&st.name, &out.value, out.assigned.as_ref());
        let mut last = frame.last_event;
        self.emit(&mut last, frame.silent, &format!("{}StateExited", st.type_name()), Some(details));
        frame.last_event = last;
        if let Some(assigned) = out.assigned {
            for (k, v) in assigned {
                frame.vars.set(k, v);
            }
        }
        frame.pos = match next {
            Transition::Next(id) => Pos::Enter { state: id, input: out.value },
            Transition::End | Transition::None => Pos::Done(Ok(out.value)),
        };
    }

    /// Handles an error raised in a state: Retry (for work errors), then Catch, else the frame
    /// ends with the error.
    pub(super) fn fail(&mut self, frame: &mut Frame, st: &'a State, e: Entered, f: Failure, origin: Origin) {
        self.fail_with(frame, st, e, f, origin, None)
    }

    /// Like [`Self::fail`], writing `final_event` (`MapStateFailed`, `ParallelStateFailed`) when the
    /// state is not retried.
    pub(super) fn fail_with(
        &mut self,
        frame: &mut Frame,
        st: &'a State,
        mut e: Entered,
        f: Failure,
        origin: Origin,
        final_event: Option<(&str, Option<Value>)>,
    ) {
        if origin == Origin::Work && f.error != StatesError::Runtime.as_str() {
            if let Some((idx, r)) = find_retrier(&st.retry, &f.error) {
                let done = e.retries.get(idx).copied().unwrap_or(0);
                if let Some(delay) = retry_delay(r, done, self.entropy) {
                    if let Some(slot) = e.retries.get_mut(idx) {
                        *slot += 1;
                    }
                    e.retry_count += 1;
                    let due = self.now + chrono::Duration::milliseconds((delay * 1000.0).round() as i64);
                    let timer = self.new_timer(due);
                    frame.pos = Pos::Active(Box::new(Active { entered: e, work: Work::Backoff { timer } }));
                    return;
                }
            }
        }
        // AWS never retries or catches States.Runtime, even when a catcher names it.
        let catcher = if f.error == StatesError::Runtime.as_str() { None } else { find_catcher(&st.catch, &f.error) };
        let mut last = frame.last_event;
        if catcher.is_none() && origin == Origin::Evaluation && f.error == StatesError::QueryEvaluationError.as_str() {
            let location = evaluation_location(f.cause.as_deref());
            let d = crate::history::details::evaluation_failed(&f, &st.name, location.as_deref());
            self.emit(&mut last, frame.silent, "EvaluationFailed", Some(d));
        }
        if let Some((event_type, details)) = final_event {
            self.emit(&mut last, frame.silent, event_type, details);
        }
        // A state doing work whose error ends a Parallel branch is recorded as aborted.
        let in_branch = !frame.scope.is_empty() && frame.iteration.is_none();
        if catcher.is_none() && in_branch && matches!(st.kind, StateKind::Task(_)) {
            self.emit(&mut last, frame.silent, &format!("{}StateAborted", st.type_name()), None);
        }
        frame.last_event = last;
        let Some(c) = catcher else {
            self.end_with_error(frame, e, f);
            return;
        };
        let error_output = f.to_error_output();
        let ctx = self.context_value(st, &e, CtxExtra::default());
        let env = Env { context: &ctx, vars: &frame.vars, entropy: self.entropy };
        let out: Result<Output, Failure> = match st.query_language {
            QueryLanguage::JSONPath => (|| {
                let assigned = self.assign(c.assign.as_ref(), &error_output, &env)?;
                let value = match &c.result_path {
                    None => error_output.clone(),
                    Some(rp) => rp.apply(e.input.clone(), error_output.clone())?,
                };
                Ok(Output { value, assigned })
            })(),
            QueryLanguage::JSONata => (|| {
                let states = Self::states_object(&e.input, ctx.clone(), None, Some(&error_output));
                let value = match &c.output {
                    Some(t) => t.eval(&states, &env, "Output")?,
                    None => error_output.clone(),
                };
                let assigned = self.assign(c.assign.as_ref(), &states, &env)?;
                Ok(Output { value, assigned })
            })(),
        };
        match out {
            Ok(out) => self.exit(frame, st, e, out, Transition::Next(c.next)),
            Err(err) => {
                let err = self.in_state(st, &e, err);
                self.end_with_error(frame, e, err);
            }
        }
    }

    /// Ends a frame with an error, remembering where a redrive resumes it (with the unfinished
    /// Parallel/Map work the caller left in `redrive_work`).
    pub(super) fn end_with_error(&mut self, frame: &mut Frame, e: Entered, f: Failure) {
        let work = self.redrive_work.take();
        frame.redrive = Some(Box::new(super::RedrivePoint { entered: e, work }));
        frame.pos = Pos::Done(Err(f));
    }
}

/// The field an evaluation error names (`… for the field 'Assign/result' …`).
fn evaluation_location(cause: Option<&str>) -> Option<String> {
    let c = cause?;
    let start = c.find("for the field '")? + "for the field '".len();
    let end = c[start..].find('\'')?;
    Some(c[start..start + end].to_string())
}

/// Used by states that produce their output without a separate result (Choice, Wait, Succeed).
pub(super) fn plain_output(value: Value, assigned: Option<Map<String, Value>>) -> Output {
    Output { value, assigned }
}
