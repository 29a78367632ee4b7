//! The interpreter: a deterministic function from (machine, execution state, signal) to (events,
//! commands). It advances every frame as far as it can without waiting — pure states run in one
//! burst — and hands back the events to commit and the commands (call a task, set a timer) that a
//! driver carries out only after the commit.

mod complete;
mod frame;
mod io;
mod map;
mod parallel;
mod recovery;
mod states;
mod task;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use state_lang::{Entropy, Failure, StateMachine, Variables};

pub use frame::*;
pub use task::{classify, is_two_phase, make_token, parse_token, ResourceInfo};

use crate::context::ExecInfo;
use crate::history::{details, HistoryEvent};

/// Something the outside world tells a running execution.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Signal {
    /// The first answer of a two-phase task (`.sync`, `.waitForTaskToken`): written as
    /// `TaskSubmitted`; the task goes on waiting.
    TaskSubmitted {
        id: u64,
        output: Value,
    },
    /// A worker took an activity task.
    TaskStarted {
        id: u64,
        worker_name: Option<String>,
    },
    /// `SendTaskHeartbeat`.
    Heartbeat {
        id: u64,
    },
    TaskSucceeded {
        id: u64,
        output: Value,
    },
    TaskFailed {
        id: u64,
        failure: Failure,
    },
    Timer {
        id: u64,
    },
    Stop {
        error: Option<String>,
        cause: Option<String>,
    },
}

/// Work for the driver, to be carried out once the step's events are committed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Command {
    Invoke(TaskCall),
    CancelTask { id: u64 },
    Timer { id: u64, due: DateTime<Utc> },
}

/// One task attempt to run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskCall {
    pub id: u64,
    /// The Task state making the call (mocked results are chosen by state).
    #[serde(default)]
    pub state_name: String,
    /// Stable across redelivery after a crash: the function's idempotency key.
    pub attempt_key: String,
    pub family: TaskFamily,
    pub resource: String,
    pub payload: Value,
    pub heartbeat_seconds: Option<u64>,
    pub task_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExecStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl ExecStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecStatus::Running => "RUNNING",
            ExecStatus::Succeeded => "SUCCEEDED",
            ExecStatus::Failed => "FAILED",
            ExecStatus::TimedOut => "TIMED_OUT",
            ExecStatus::Aborted => "ABORTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Succeeded, Self::Failed, Self::TimedOut, Self::Aborted]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn is_terminal(self) -> bool {
        self != ExecStatus::Running
    }
}

/// How an execution ended.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Terminal {
    Succeeded(Value),
    Failed(Failure),
    TimedOut(Failure),
    Aborted(Failure),
}

impl Terminal {
    pub fn status(&self) -> ExecStatus {
        match self {
            Terminal::Succeeded(_) => ExecStatus::Succeeded,
            Terminal::Failed(_) => ExecStatus::Failed,
            Terminal::TimedOut(_) => ExecStatus::TimedOut,
            Terminal::Aborted(_) => ExecStatus::Aborted,
        }
    }
}

/// Everything needed to continue an execution; a summary of its history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecState {
    pub info: ExecInfo,
    pub event_count: u64,
    pub next_id: u64,
    pub root: Frame,
    pub status: ExecStatus,
    #[serde(default)]
    pub exec_timer: Option<Timer>,
}

/// The result of advancing an execution.
#[derive(Debug, Default)]
pub struct Step {
    pub events: Vec<HistoryEvent>,
    pub commands: Vec<Command>,
    pub terminal: Option<Terminal>,
}

/// Advances executions of one machine. Holds no state of its own between calls.
pub struct Interpreter<'a> {
    machine: &'a StateMachine,
    info: &'a ExecInfo,
    now: DateTime<Utc>,
    entropy: &'a dyn Entropy,
    event_count: u64,
    next_id: u64,
    step: Step,
    /// The work of a Parallel or Map state that is failing, kept for a redrive.
    redrive_work: Option<Work>,
    /// TestState's inspection data (`afterInputPath`, `result` …), recorded only when asked for.
    inspect: Option<std::cell::RefCell<serde_json::Map<String, Value>>>,
}

impl<'a> Interpreter<'a> {
    /// An interpreter that continues `state` from its counters.
    fn at(
        machine: &'a StateMachine,
        info: &'a ExecInfo,
        state: &ExecState,
        now: DateTime<Utc>,
        entropy: &'a dyn Entropy,
        inspect: bool,
    ) -> Self {
        Interpreter {
            machine,
            info,
            now,
            entropy,
            event_count: state.event_count,
            next_id: state.next_id,
            step: Step::default(),
            redrive_work: None,
            inspect: inspect.then(Default::default),
        }
    }

    /// Starts an execution: `ExecutionStarted`, then as far as the first wait.
    pub fn start(
        machine: &StateMachine,
        info: ExecInfo,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
    ) -> (ExecState, Step) {
        let (state, step, _) = Self::start_with(machine, info, Variables::new(), now, entropy, false);
        (state, step)
    }

    /// Starts an execution for TestState: the root scope sees `variables`, and the intermediate
    /// values of input and output processing are recorded.
    pub fn start_inspected(
        machine: &StateMachine,
        info: ExecInfo,
        variables: serde_json::Map<String, Value>,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
    ) -> (ExecState, Step, serde_json::Map<String, Value>) {
        let mut vars = Variables::new();
        for (k, v) in variables {
            vars.set(k, v);
        }
        Self::start_with(machine, info, vars, now, entropy, true)
    }

    fn start_with(
        machine: &StateMachine,
        info: ExecInfo,
        vars: Variables,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
        inspect: bool,
    ) -> (ExecState, Step, serde_json::Map<String, Value>) {
        let root = Frame::new(Vec::new(), vars, machine.scope.start_at, (*info.input).clone(), 0);
        let mut state =
            ExecState { info, event_count: 0, next_id: 1, root, status: ExecStatus::Running, exec_timer: None };
        let info = state.info.clone();
        let mut it = Interpreter::at(machine, &info, &state, now, entropy, inspect);
        let mut last = 0;
        it.emit(&mut last, false, "ExecutionStarted", Some(details::execution_started(&info.input, &info.role_arn)));
        if let Some(secs) = machine.timeout_seconds {
            state.exec_timer = Some(it.new_timer(now + chrono::Duration::seconds(secs as i64)));
        }
        it.run(&mut state);
        let inspection = it.inspect.take().map(|c| c.into_inner()).unwrap_or_default();
        (state, it.step, inspection)
    }

    /// [`Self::resume`] with inspection data recorded (for TestState).
    pub fn resume_inspected(
        machine: &StateMachine,
        state: &mut ExecState,
        signal: Signal,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
    ) -> (Step, serde_json::Map<String, Value>) {
        let info = state.info.clone();
        let mut it = Interpreter::at(machine, &info, state, now, entropy, true);
        it.deliver(&mut state.root, &signal);
        it.run(state);
        let inspection = it.inspect.take().map(|c| c.into_inner()).unwrap_or_default();
        (it.step, inspection)
    }

    /// Applies a signal and advances.
    pub fn resume(
        machine: &StateMachine,
        state: &mut ExecState,
        signal: Signal,
        now: DateTime<Utc>,
        entropy: &dyn Entropy,
    ) -> Step {
        if state.status.is_terminal() {
            return Step::default();
        }
        let info = state.info.clone();
        let mut it = Interpreter::at(machine, &info, state, now, entropy, false);
        match signal {
            Signal::Stop { error, cause } => {
                it.abort_frame(&mut state.root);
                let f = Failure { error: error.unwrap_or_default(), cause };
                let mut d = serde_json::Map::new();
                if !f.error.is_empty() {
                    d.insert("error".into(), f.error.clone().into());
                }
                if let Some(c) = &f.cause {
                    d.insert("cause".into(), c.clone().into());
                }
                let mut last = it.event_count;
                it.emit(&mut last, false, "ExecutionAborted", Some(Value::Object(d)));
                it.finish(state, Terminal::Aborted(f));
                return it.step;
            }
            Signal::Timer { id } if state.exec_timer.is_some_and(|t| t.id == id) => {
                it.abort_frame(&mut state.root);
                let f = Failure::without_cause("States.Timeout");
                let mut last = it.event_count;
                it.emit(&mut last, false, "ExecutionTimedOut", Some(details::failure(&f)));
                it.finish(state, Terminal::TimedOut(f));
                return it.step;
            }
            other => {
                it.deliver(&mut state.root, &other);
            }
        }
        it.run(state);
        it.step
    }

    fn run(&mut self, state: &mut ExecState) {
        self.advance(&mut state.root);
        if let Pos::Done(result) = &state.root.pos {
            let mut last = state.root.last_event;
            let terminal = match result {
                Ok(output) => {
                    self.emit(&mut last, false, "ExecutionSucceeded", Some(details::execution_succeeded(output)));
                    Terminal::Succeeded(output.clone())
                }
                Err(f) => {
                    self.emit(&mut last, false, "ExecutionFailed", Some(details::failure(f)));
                    Terminal::Failed(f.clone())
                }
            };
            self.finish(state, terminal);
        } else {
            state.event_count = self.event_count;
            state.next_id = self.next_id;
        }
    }

    fn finish(&mut self, state: &mut ExecState, terminal: Terminal) {
        state.status = terminal.status();
        state.event_count = self.event_count;
        state.next_id = self.next_id;
        self.step.terminal = Some(terminal);
    }

    fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A new durable timer, and the command that sets it.
    fn new_timer(&mut self, due: DateTime<Utc>) -> Timer {
        let t = Timer { id: self.new_id(), due };
        self.step.commands.push(Command::Timer { id: t.id, due });
        t
    }

    /// Appends an event written by a frame whose last event is `*last`.
    fn emit(&mut self, last: &mut u64, silent: bool, event_type: &str, details: Option<Value>) -> u64 {
        if silent {
            return *last;
        }
        self.event_count += 1;
        let id = self.event_count;
        self.step.events.push(HistoryEvent {
            id,
            previous_event_id: *last,
            timestamp: self.now,
            event_type: event_type.to_string(),
            details,
        });
        *last = id;
        id
    }

    /// Advances a frame (and its children) until it waits or is done.
    fn advance(&mut self, frame: &mut Frame) {
        loop {
            match &mut frame.pos {
                Pos::Done(_) => return,
                Pos::Enter { .. } => {
                    let Pos::Enter { state, input } = std::mem::replace(&mut frame.pos, Pos::Done(Ok(Value::Null)))
                    else {
                        return;
                    };
                    self.enter(frame, state, input);
                }
                Pos::Active(active) => match &active.work {
                    Work::Parallel { .. } => {
                        if !self.advance_parallel(frame) {
                            return;
                        }
                    }
                    Work::Map(_) => {
                        if !self.advance_map(frame) {
                            return;
                        }
                    }
                    _ => return,
                },
            }
        }
    }

    /// Routes a task result or timer to the frame waiting for it.
    fn deliver(&mut self, frame: &mut Frame, signal: &Signal) -> bool {
        let Pos::Active(active) = &mut frame.pos else {
            return false;
        };
        match (&mut active.work, signal) {
            (Work::Task(t), Signal::TaskSucceeded { id, .. }) if t.id == *id => {}
            (Work::Task(t), Signal::TaskFailed { id, .. }) if t.id == *id => {}
            (Work::Task(t), Signal::Timer { id }) if t.timeout_timer.is_some_and(|t| t.id == *id) => {}
            (Work::Task(t), Signal::Timer { id }) if t.heartbeat_timer.is_some_and(|t| t.id == *id) => {}
            (Work::Task(t), Signal::TaskSubmitted { id, output }) if t.id == *id => {
                let (t, output) = (t.clone(), output.clone());
                let silent = frame.silent;
                let info = task::classify(&t.resource);
                let d = json!({"output": crate::history::json_text(&output), "outputDetails": {"truncated": false},
                    "resourceType": info.resource_type, "resource": info.resource});
                let mut last = frame.last_event;
                self.emit(&mut last, silent, "TaskSubmitted", Some(d));
                frame.last_event = last;
                return true;
            }
            (Work::Task(t), Signal::TaskStarted { id, worker_name }) if t.id == *id => {
                let mut d = serde_json::Map::new();
                if let Some(w) = worker_name {
                    d.insert("workerName".into(), json!(w));
                }
                if let Some(h) = t.heartbeat_seconds {
                    t.heartbeat_timer = Some(self.new_timer(self.now + chrono::Duration::seconds(h as i64)));
                }
                let mut last = frame.last_event;
                self.emit(&mut last, frame.silent, "ActivityStarted", Some(Value::Object(d)));
                frame.last_event = last;
                return true;
            }
            (Work::Task(t), Signal::Heartbeat { id }) if t.id == *id => {
                if let Some(h) = t.heartbeat_seconds {
                    t.heartbeat_timer = Some(self.new_timer(self.now + chrono::Duration::seconds(h as i64)));
                }
                return true;
            }
            (Work::Backoff { timer }, Signal::Timer { id }) if timer.id == *id => {}
            (Work::Wait { timer, .. }, Signal::Timer { id }) if timer.id == *id => {}
            (Work::Parallel { branches }, _) => {
                return branches.iter_mut().any(|b| self.deliver(b, signal));
            }
            (Work::Map(m), _) => {
                let Some(i) = m.running.iter_mut().position(|b| self.deliver(b, signal)) else { return false };
                if let Some(touched) = &mut m.touched {
                    touched.push(i);
                }
                return true;
            }
            _ => return false,
        }
        self.on_signal(frame, signal);
        true
    }

    /// Cancels everything running under a frame, writing the `…Aborted` events AWS writes.
    fn abort_frame(&mut self, frame: &mut Frame) {
        let Pos::Active(active) = &mut frame.pos else {
            return;
        };
        let silent = frame.silent;
        let scope = resolve_scope(self.machine, &frame.scope);
        let type_name = scope.map(|s| s.state(active.entered.state).type_name()).unwrap_or("Task");
        match &mut active.work {
            Work::Task(t) => {
                self.step.commands.push(Command::CancelTask { id: t.id });
            }
            Work::Parallel { branches } => {
                for b in branches.iter_mut() {
                    self.abort_frame(b);
                }
            }
            Work::Map(m) => {
                let mut running = std::mem::take(&mut m.running);
                for b in running.iter_mut() {
                    self.abort_frame(b);
                }
                m.running = running;
            }
            _ => {}
        }
        let mut last = frame.last_event;
        self.emit(&mut last, silent, &format!("{type_name}StateAborted"), None);
        frame.last_event = last;
        let Pos::Active(active) =
            std::mem::replace(&mut frame.pos, Pos::Done(Err(Failure::without_cause("States.Aborted"))))
        else {
            return;
        };
        let Active { entered, work } = *active;
        let work = matches!(work, Work::Parallel { .. } | Work::Map(_)).then_some(work);
        frame.redrive = Some(Box::new(RedrivePoint { entered, work }));
    }
}
