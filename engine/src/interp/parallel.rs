//! Parallel states: every branch runs as a child frame on the same input; the state's result is
//! the array of branch outputs, or the first branch error (the other branches are aborted).

use std::sync::Arc;

use serde_json::Value;
use state_lang::{Parallel, State, Variables};

use super::complete::Origin;
use super::io::CtxExtra;
use super::{Active, Frame, Interpreter, Pos, Work};

impl<'a> Interpreter<'a> {
    pub(super) fn run_parallel(&mut self, frame: &mut Frame, st: &'a State, e: super::Entered, p: &'a Parallel) {
        let input = match self.effective_input(st, &e, &frame.vars, CtxExtra::default()) {
            Ok(v) => v,
            Err(f) => return self.fail(frame, st, e, f, Origin::Evaluation),
        };
        let mut last = frame.last_event;
        self.emit(&mut last, frame.silent, "ParallelStateStarted", None);
        frame.last_event = last;
        let outer = Arc::new(frame.vars.clone());
        let branches = p
            .branches
            .iter()
            .enumerate()
            .map(|(i, scope)| {
                let mut path = frame.scope.clone();
                path.push((e.state, i as u32));
                let mut child =
                    Frame::new(path, Variables::child_of(outer.clone()), scope.start_at, input.clone(), last);
                child.silent = frame.silent;
                child
            })
            .collect();
        frame.pos = Pos::Active(Box::new(Active { entered: e, work: Work::Parallel { branches } }));
    }

    /// Advances the branches; `true` when the Parallel state is finished (the frame moved on).
    pub(super) fn advance_parallel(&mut self, frame: &mut Frame) -> bool {
        let Pos::Active(active) = &mut frame.pos else { return true };
        let Work::Parallel { branches } = &mut active.work else { return true };
        for b in branches.iter_mut() {
            self.advance(b);
        }
        let failed = branches.iter().position(|b| matches!(b.pos, Pos::Done(Err(_))));
        let all_done = branches.iter().all(Frame::is_done);
        if failed.is_none() && !all_done {
            return false;
        }
        let Pos::Active(active) = std::mem::replace(&mut frame.pos, Pos::Done(Ok(Value::Null))) else {
            return true;
        };
        let Active { entered: e, work } = *active;
        let Work::Parallel { mut branches } = work else { return true };
        let Some(st) = self.state_of(frame, e.state) else { return true };
        if let Some(i) = failed {
            for (j, b) in branches.iter_mut().enumerate() {
                if j != i {
                    self.abort_frame(b);
                }
            }
            let Pos::Done(Err(f)) = &branches[i].pos else {
                return true;
            };
            let f = f.clone();
            self.redrive_work = Some(Work::Parallel { branches });
            let details = Some(crate::history::details::failure(&f));
            self.fail_with(frame, st, e, f, Origin::Work, Some(("ParallelStateFailed", details)));
            return true;
        }
        let outputs: Vec<Value> = branches
            .into_iter()
            .map(|b| match b.pos {
                Pos::Done(Ok(v)) => v,
                _ => Value::Null,
            })
            .collect();
        let mut last = frame.last_event;
        self.emit(&mut last, frame.silent, "ParallelStateSucceeded", None);
        frame.last_event = last;
        self.succeed_with_result(frame, st, e, Value::Array(outputs));
        true
    }
}
