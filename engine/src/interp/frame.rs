//! The serialisable state of a running execution: a tree of frames (the top level, each running
//! Parallel branch and Map iteration), each at a state or finished.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use state_lang::{Failure, Scope, StateId, StateKind, StateMachine, Variables};

/// Where a frame's scope is: the path of (state id, branch index) from the top-level scope.
pub type ScopePath = Vec<(StateId, u32)>;

pub fn resolve_scope<'m>(machine: &'m StateMachine, path: &[(StateId, u32)]) -> Option<&'m Scope> {
    let mut scope = &machine.scope;
    for &(sid, branch) in path {
        scope = match &scope.states.get(sid)?.kind {
            StateKind::Parallel(p) => p.branches.get(branch as usize)?,
            StateKind::Map(m) => &m.processor,
            _ => return None,
        };
    }
    Some(scope)
}

/// One thread of control within a scope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frame {
    pub scope: ScopePath,
    pub vars: Variables,
    pub pos: Pos,
    /// Id of the last event this frame wrote (its next event's `previousEventId`).
    pub last_event: u64,
    /// The iteration index when this frame is a Map iteration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iteration: Option<usize>,
    /// Frames whose events AWS does not put in this history (a distributed Map's iterations run
    /// as child executions of their own).
    #[serde(default)]
    pub silent: bool,
    /// Where a frame that ended in an error (or was aborted) resumes when the execution is
    /// redriven.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redrive: Option<Box<RedrivePoint>>,
}

/// The state a failed frame was in, with its unfinished work (a Parallel's branches, a Map's
/// iterations: the succeeded ones are kept, the others resume from their own redrive points).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedrivePoint {
    pub entered: Entered,
    pub work: Option<Work>,
}

impl Frame {
    pub fn new(scope: ScopePath, vars: Variables, state: StateId, input: Value, last_event: u64) -> Self {
        Frame {
            scope,
            vars,
            pos: Pos::Enter { state, input },
            last_event,
            iteration: None,
            silent: false,
            redrive: None,
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.pos, Pos::Done(_))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Pos {
    /// About to enter `state` with `input`.
    Enter { state: StateId, input: Value },
    /// Inside a state that waits for something.
    Active(Box<Active>),
    /// Finished: the scope's output, or the error that ended it.
    Done(Result<Value, Failure>),
}

/// A state that has been entered and is waiting (for a task, a timer, or child frames).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Active {
    pub entered: Entered,
    pub work: Work,
}

/// What is known about a state from the moment it was entered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entered {
    pub state: StateId,
    pub entered_event: u64,
    pub entered_time: DateTime<Utc>,
    /// The state's raw input (what `ResultPath` merges into and `$states.input` is).
    pub input: Value,
    /// Attempts used per retrier, by retrier index.
    pub retries: Vec<u64>,
    /// Retries so far (`$$.State.RetryCount`).
    pub retry_count: u64,
}

/// A durable timer: what fires, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    pub id: u64,
    pub due: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Work {
    Task(TaskWork),
    /// Waiting out a retry back-off before running the state again.
    Backoff {
        timer: Timer,
    },
    Wait {
        timer: Timer,
        output: Value,
        assigned: Option<serde_json::Map<String, Value>>,
    },
    Parallel {
        branches: Vec<Frame>,
    },
    Map(Box<MapWork>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskFamily {
    /// `arn:aws:lambda:…:function:NAME`: `LambdaFunction*` events.
    Lambda,
    /// `arn:aws:states:…:activity:NAME`: `Activity*` events.
    Activity,
    /// `arn:aws:states:::service:action[.pattern]`: `Task*` events.
    Service,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskWork {
    pub id: u64,
    #[serde(default)]
    pub state_name: String,
    pub family: TaskFamily,
    pub resource: String,
    pub payload: Value,
    pub timeout_timer: Option<Timer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_seconds: Option<u64>,
    /// Fires when no heartbeat came for `heartbeat_seconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_timer: Option<Timer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MapWork {
    /// The items, before `ItemSelector`.
    pub items: Vec<Value>,
    /// Next item index to start.
    pub next: usize,
    pub running: Vec<Frame>,
    pub results: Vec<Value>,
    pub succeeded: usize,
    pub failed: usize,
    pub max_concurrency: usize,
    pub tolerated_count: Option<u64>,
    pub tolerated_percentage: Option<f64>,
    /// The (effective) input the items were taken from, for `ItemSelector` evaluations.
    pub effective_input: Value,
    pub distributed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_run_arn: Option<String>,
    /// Iterations that failed (kept so that a redrive runs them again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_frames: Vec<Frame>,
    /// The first iteration failure, reported when the tolerance is exceeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<Failure>,
    /// The running iterations a signal reached since the last pass, which are the only ones that
    /// can have moved; `None`: look at every one (after entering, restoring or redriving).
    #[serde(skip)]
    pub touched: Option<Vec<usize>>,
}
