//! What outlives a step: the commands a recovered execution carries out again, what it waits for
//! (for parking and recovery), whether a token is still awaited, and redrive.

use chrono::{DateTime, Utc};
use serde_json::json;
use state_lang::{Entropy, StateMachine};

use super::{
    Active, Command, ExecState, ExecStatus, Frame, Interpreter, Pos, RedrivePoint, Step, TaskCall, TaskWork, Timer,
    Work,
};

impl<'a> Interpreter<'a> {
    /// The commands a recovered execution must carry out again: every timer still pending and
    /// every task attempt without a recorded result (sent again with the same attempt key).
    pub fn pending_commands(state: &ExecState) -> Vec<Command> {
        let mut out = Vec::new();
        if let Some(t) = state.exec_timer {
            out.push(Command::Timer { id: t.id, due: t.due });
        }
        let arn = &state.info.arn;
        visit_pending(&state.root, &mut |p| match p {
            Pending::Timer(t) => out.push(Command::Timer { id: t.id, due: t.due }),
            Pending::Task(t) => out.push(Command::Invoke(TaskCall {
                id: t.id,
                state_name: t.state_name.clone(),
                attempt_key: format!("{arn}/{}", t.id),
                family: t.family,
                resource: t.resource.clone(),
                payload: t.payload.clone(),
                heartbeat_seconds: t.heartbeat_seconds,
                task_token: t.token.clone(),
            })),
        });
        out
    }

    /// Is the task attempt `id` waiting, with this token?
    pub fn awaits_token(state: &ExecState, id: u64, token: &str) -> bool {
        let mut found = false;
        visit_pending(&state.root, &mut |p| {
            if let Pending::Task(t) = p {
                found |= t.id == id && t.token.as_deref() == Some(token);
            }
        });
        found && !state.status.is_terminal()
    }

    /// The earliest pending timer and the number of task attempts in flight, without building
    /// commands (cheap enough to compute on every commit).
    pub fn waiting_on(state: &ExecState) -> (Option<DateTime<Utc>>, usize) {
        if state.status.is_terminal() {
            return (None, 0);
        }
        let mut wake: Option<DateTime<Utc>> = state.exec_timer.map(|t| t.due);
        let mut tasks = 0;
        visit_pending(&state.root, &mut |p| match p {
            Pending::Timer(t) => wake = Some(wake.map_or(t.due, |w| w.min(t.due))),
            Pending::Task(_) => tasks += 1,
        });
        (wake, tasks)
    }

    /// Redrives a failed, timed-out or aborted execution: `ExecutionRedriven`, then every frame
    /// that ended in an error resumes at the state it failed in; succeeded Map iterations and
    /// Parallel branches are not run again. `None` when there is nothing to redrive.
    pub fn redrive(
        machine: &StateMachine,
        state: &mut ExecState,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
    ) -> Option<Step> {
        if !matches!(state.status, ExecStatus::Failed | ExecStatus::TimedOut | ExecStatus::Aborted) {
            return None;
        }
        state.root.redrive.as_ref()?;
        state.info.redrive_count += 1;
        state.status = ExecStatus::Running;
        let info = state.info.clone();
        let mut it = Interpreter::at(machine, &info, state, now, entropy, false);
        let mut last = it.event_count;
        let d = json!({"redriveCount": info.redrive_count});
        it.emit(&mut last, false, "ExecutionRedriven", Some(d));
        if let Some(secs) = machine.timeout_seconds {
            state.exec_timer = Some(it.new_timer(now + chrono::Duration::seconds(secs as i64)));
        }
        state.root.last_event = last;
        restore(&mut state.root, now);
        it.run(state);
        Some(it.step)
    }
}

/// What a frame still waits for: its timers and its task attempts without a result.
enum Pending<'s> {
    Timer(Timer),
    Task(&'s TaskWork),
}

fn visit_pending<'s>(frame: &'s Frame, f: &mut impl FnMut(Pending<'s>)) {
    let Pos::Active(active) = &frame.pos else { return };
    match &active.work {
        Work::Task(t) => {
            for timer in [t.timeout_timer, t.heartbeat_timer].into_iter().flatten() {
                f(Pending::Timer(timer));
            }
            f(Pending::Task(t));
        }
        Work::Backoff { timer } | Work::Wait { timer, .. } => f(Pending::Timer(*timer)),
        Work::Parallel { branches } => branches.iter().for_each(|b| visit_pending(b, f)),
        Work::Map(m) => m.running.iter().for_each(|b| visit_pending(b, f)),
    }
}

/// Puts a frame that ended in an error back where it failed (see [`Interpreter::redrive`]).
fn restore(frame: &mut Frame, now: DateTime<Utc>) {
    if !matches!(frame.pos, Pos::Done(Err(_))) {
        return;
    }
    let Some(point) = frame.redrive.take() else { return };
    let RedrivePoint { mut entered, work } = *point;
    frame.pos = match work {
        None => Pos::Enter { state: entered.state, input: entered.input },
        Some(Work::Parallel { mut branches }) => {
            branches.iter_mut().for_each(|b| restore(b, now));
            entered.entered_time = now;
            Pos::Active(Box::new(Active { entered, work: Work::Parallel { branches } }))
        }
        Some(Work::Map(mut m)) => {
            let mut again = std::mem::take(&mut m.failed_frames);
            again.append(&mut m.running);
            again.iter_mut().for_each(|b| restore(b, now));
            m.running = again;
            m.touched = None;
            m.failed = 0;
            m.first_failure = None;
            entered.entered_time = now;
            Pos::Active(Box::new(Active { entered, work: Work::Map(m) }))
        }
        Some(_) => Pos::Enter { state: entered.state, input: entered.input },
    };
}
