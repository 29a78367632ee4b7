//! Reads a history into visits: one per time a state was entered, in the Map iteration(s) it ran
//! in, with its payloads, task attempts, failure and timing.
//!
//! Histories carry no frame ids, so the Map iteration of an event is found through
//! `previousEventId`: an event continues the iteration of the event before it, a
//! `MapIterationStarted` opens one, and an event that names its state is cut back to that state's
//! depth (a Parallel or Map that finishes continues from an event of its last child).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use engine::history::HistoryEvent;
use serde_json::Value;
use state_lang::{Scope, StateKind, StateMachine};

/// The Map iterations an event ran in, outermost first: (Map state name, iteration index).
pub type Ctx = Vec<(String, usize)>;

/// What the definition says about a state.
#[derive(Debug, Clone)]
pub struct StateInfo {
    pub type_name: &'static str,
    /// The Parallel or Map state whose scope holds this state.
    pub parent: Option<String>,
    /// Map processors around the state.
    pub depth: usize,
}

/// Every state of the machine by name (names are unique in the whole machine).
pub fn structure(machine: &StateMachine) -> HashMap<String, StateInfo> {
    let mut out = HashMap::new();
    walk(&machine.scope, None, 0, &mut out);
    out
}

fn walk(scope: &Scope, parent: Option<&str>, depth: usize, out: &mut HashMap<String, StateInfo>) {
    for st in &scope.states {
        out.insert(st.name.clone(), StateInfo { type_name: st.type_name(), parent: parent.map(str::to_string), depth });
        match &st.kind {
            StateKind::Parallel(p) => p.branches.iter().for_each(|b| walk(b, Some(&st.name), depth, out)),
            StateKind::Map(m) => walk(&m.processor, Some(&st.name), depth + 1, out),
            _ => {}
        }
    }
}

/// How a task attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Running,
    Succeeded,
    Failed,
    TimedOut,
}

#[derive(Debug, Clone)]
pub struct Attempt {
    pub scheduled: DateTime<Utc>,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    pub outcome: Outcome,
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// A Map iteration as its events tell it.
#[derive(Debug, Clone)]
pub struct Iteration {
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    /// The iteration's closing event type suffix: `Succeeded`, `Failed` or `Aborted`.
    pub end: Option<&'static str>,
}

/// One entry into a state.
#[derive(Debug, Clone)]
pub struct Visit {
    pub name: String,
    pub ctx: Ctx,
    pub entered_event: u64,
    pub entered: DateTime<Utc>,
    pub exited: Option<DateTime<Utc>>,
    /// When an abort ended the visit.
    pub aborted: Option<DateTime<Utc>>,
    pub input: Option<Value>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The last thing that happened was a failure (cleared by a successful retry).
    pub failing: bool,
    pub attempts: Vec<Attempt>,
    pub iterations: std::collections::BTreeMap<usize, Iteration>,
}

/// Task-like event families whose events describe one attempt.
const ATTEMPT_FAMILIES: [&str; 3] = ["Task", "LambdaFunction", "Activity"];

fn attempt_event(event_type: &str) -> Option<&str> {
    let rest = ATTEMPT_FAMILIES.iter().find_map(|f| event_type.strip_prefix(f))?;
    const KNOWN: [&str; 9] = [
        "Scheduled",
        "Started",
        "Succeeded",
        "Failed",
        "TimedOut",
        "StartFailed",
        "ScheduleFailed",
        "SubmitFailed",
        "Submitted",
    ];
    KNOWN.contains(&rest).then_some(rest)
}

fn text(d: Option<&Value>, key: &str) -> Option<String> {
    d?.get(key)?.as_str().map(str::to_string)
}

/// A payload recorded as JSON text, parsed back (kept as a string if it is not JSON).
fn payload(d: Option<&Value>, key: &str) -> Option<Value> {
    let t = d?.get(key)?.as_str()?;
    Some(serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_string())))
}

/// Reads the history into visits, in the order the states were entered.
pub fn visits(events: &[HistoryEvent], info: &HashMap<String, StateInfo>) -> Vec<Visit> {
    let mut r = Reader { info, ctx: HashMap::new(), owner: HashMap::new(), open: HashMap::new(), out: Vec::new() };
    let by_id: HashMap<u64, &HistoryEvent> = events.iter().map(|e| (e.id, e)).collect();
    for e in events {
        r.read(e, by_id.get(&e.previous_event_id).copied());
    }
    r.out
}

struct Reader<'a> {
    info: &'a HashMap<String, StateInfo>,
    ctx: HashMap<u64, Ctx>,
    owner: HashMap<u64, usize>,
    open: HashMap<(String, Ctx), usize>,
    out: Vec<Visit>,
}

impl Reader<'_> {
    fn depth(&self, name: &str) -> usize {
        self.info.get(name).map_or(0, |i| i.depth)
    }

    fn read(&mut self, e: &HistoryEvent, prev: Option<&HistoryEvent>) {
        let d = e.details.as_ref();
        let mut ctx: Ctx = prev.and_then(|p| self.ctx.get(&p.id)).cloned().unwrap_or_default();
        if let Some(p) = prev.filter(|p| p.event_type == "MapIterationStarted") {
            let details = p.details.as_ref();
            if let (Some(map), Some(index)) =
                (text(details, "name"), details.and_then(|d| d.get("index")).and_then(Value::as_u64))
            {
                ctx.truncate(self.depth(&map));
                ctx.push((map, index as usize));
            }
        }
        if e.event_type.starts_with("Execution") {
            self.ctx.insert(e.id, Vec::new());
            return;
        }
        let named = text(d, "name").or_else(|| text(d, "state")).filter(|n| self.info.contains_key(n));
        let owner = match named {
            Some(name) => {
                ctx.truncate(self.depth(&name));
                if e.event_type.ends_with("StateEntered") {
                    Some(self.enter(e, name, ctx.clone()))
                } else {
                    self.open.get(&(name, ctx.clone())).copied()
                }
            }
            None => prev.and_then(|p| self.owner.get(&p.id).copied()).and_then(|o| self.container_owner(e, o)),
        };
        if let Some(o) = owner {
            let depth = self.depth(&self.out[o].name);
            ctx.truncate(depth);
            self.owner.insert(e.id, o);
            self.apply(o, e);
        }
        self.ctx.insert(e.id, ctx);
    }

    /// A `Parallel…`/`Map…` event that follows an event of a nested state belongs to the
    /// enclosing Parallel or Map state.
    fn container_owner(&self, e: &HistoryEvent, owner: usize) -> Option<usize> {
        let family = ["Parallel", "Map"].into_iter().find(|f| e.event_type.starts_with(f));
        let Some(family) = family else { return Some(owner) };
        let mut name = self.out[owner].name.clone();
        let ctx = self.out[owner].ctx.clone();
        loop {
            let info = self.info.get(&name)?;
            if info.type_name == family {
                let mut c = ctx.clone();
                c.truncate(info.depth);
                return self.open.get(&(name, c)).copied();
            }
            name = info.parent.clone()?;
        }
    }

    fn enter(&mut self, e: &HistoryEvent, name: String, ctx: Ctx) -> usize {
        let d = e.details.as_ref();
        self.out.push(Visit {
            name: name.clone(),
            ctx: ctx.clone(),
            entered_event: e.id,
            entered: e.timestamp,
            exited: None,
            aborted: None,
            input: payload(d, "input"),
            output: None,
            error: None,
            cause: None,
            failing: false,
            attempts: Vec::new(),
            iterations: Default::default(),
        });
        let i = self.out.len() - 1;
        self.open.insert((name, ctx), i);
        i
    }

    fn apply(&mut self, o: usize, e: &HistoryEvent) {
        let d = e.details.as_ref();
        let t = e.event_type.as_str();
        let v = &mut self.out[o];
        if let Some(kind) = attempt_event(t) {
            apply_attempt(v, kind, e);
            return;
        }
        if t.ends_with("StateExited") {
            v.exited = Some(e.timestamp);
            v.output = payload(d, "output");
        } else if t.ends_with("StateAborted") {
            v.aborted = Some(e.timestamp);
        } else if let Some(end) = t.strip_prefix("MapIteration") {
            let index = d.and_then(|d| d.get("index")).and_then(Value::as_u64).unwrap_or(0) as usize;
            if end == "Started" {
                v.iterations.insert(index, Iteration { started: e.timestamp, ended: None, end: None });
            } else if let Some(it) = v.iterations.get_mut(&index) {
                it.ended = Some(e.timestamp);
                it.end = ["Succeeded", "Failed", "Aborted"].into_iter().find(|s| *s == end);
            }
        } else if t.ends_with("Failed") || t.ends_with("TimedOut") {
            v.failing = true;
            if let Some(err) = text(d, "error") {
                v.error = Some(err);
            }
            if let Some(c) = text(d, "cause") {
                v.cause = Some(c);
            }
        }
    }
}

fn apply_attempt(v: &mut Visit, kind: &str, e: &HistoryEvent) {
    let d = e.details.as_ref();
    match kind {
        "Scheduled" => v.attempts.push(Attempt {
            scheduled: e.timestamp,
            started: None,
            ended: None,
            outcome: Outcome::Running,
            error: None,
            cause: None,
        }),
        "Started" => {
            if let Some(a) = v.attempts.last_mut() {
                a.started = Some(e.timestamp);
            }
        }
        "Succeeded" => {
            // A retry that succeeds leaves the failures to the attempts that had them.
            v.failing = false;
            v.error = None;
            v.cause = None;
            if let Some(a) = v.attempts.last_mut() {
                a.ended = Some(e.timestamp);
                a.outcome = Outcome::Succeeded;
            }
        }
        "Submitted" => {}
        failed => {
            v.failing = true;
            v.error = text(d, "error");
            v.cause = text(d, "cause");
            if let Some(a) = v.attempts.last_mut().filter(|a| a.outcome == Outcome::Running) {
                a.ended = Some(e.timestamp);
                a.outcome = if failed == "TimedOut" { Outcome::TimedOut } else { Outcome::Failed };
                a.error = v.error.clone();
                a.cause = v.cause.clone();
            }
        }
    }
}
