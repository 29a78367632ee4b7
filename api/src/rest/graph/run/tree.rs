//! Sums visits up into the views the UI shows: every state's run at the top level, each Map
//! iteration's states, and the timeline.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use engine::history::HistoryEvent;
use engine::interp::ExecStatus;
use state_lang::StateMachine;

use super::visits::{structure, visits, Attempt, Ctx, Outcome, StateInfo, Visit};
use super::{AttemptView, IterationRun, RunView, Span, StateRun, Status};
use crate::rest::model::time;

/// Iterations listed per Map state, and timeline bars, at most.
const MAX_ITERATIONS: usize = 1000;
const MAX_SPANS: usize = 2000;

/// The run of an execution from its history.
pub fn run_view(machine: &StateMachine, events: &[HistoryEvent], exec: ExecStatus, now: DateTime<Utc>) -> RunView {
    let info = structure(machine);
    let visits = visits(events, &info);
    let t = Tree::new(&info, &visits, exec, now);
    let mut all: Vec<&String> = info.keys().collect();
    all.sort();
    let states = t.states(&[], &all);
    let timeline: Vec<Span> = visits.iter().take(MAX_SPANS).map(|v| t.span(v)).collect();
    RunView { status: exec.as_str().into(), states, timeline, timeline_truncated: visits.len() > MAX_SPANS }
}

struct Tree<'a> {
    info: &'a HashMap<String, StateInfo>,
    visits: &'a [Visit],
    exec: ExecStatus,
    now: DateTime<Utc>,
    /// Visits of each state by the iterations they ran in: name → (ctx → visit indexes).
    groups: HashMap<&'a str, BTreeMap<&'a Ctx, Vec<usize>>>,
}

impl<'a> Tree<'a> {
    fn new(info: &'a HashMap<String, StateInfo>, visits: &'a [Visit], exec: ExecStatus, now: DateTime<Utc>) -> Self {
        let mut groups: HashMap<&str, BTreeMap<&Ctx, Vec<usize>>> = HashMap::new();
        for (i, v) in visits.iter().enumerate() {
            groups.entry(v.name.as_str()).or_default().entry(&v.ctx).or_default().push(i);
        }
        Tree { info, visits, exec, now, groups }
    }

    /// The fallback for what was still open when the execution ended (or is still running).
    fn open_status(&self) -> Status {
        match self.exec {
            ExecStatus::Running => Status::Running,
            ExecStatus::Succeeded => Status::Succeeded,
            ExecStatus::Failed => Status::Failed,
            ExecStatus::TimedOut | ExecStatus::Aborted => Status::Cancelled,
        }
    }

    fn visit_status(&self, v: &Visit) -> Status {
        let is_fail = self.info.get(&v.name).is_some_and(|i| i.type_name == "Fail");
        match (v.exited.is_some(), v.failing) {
            (true, true) => Status::Caught,
            (true, false) => Status::Succeeded,
            _ if v.aborted.is_some() => Status::Cancelled,
            (false, true) => Status::Failed,
            _ if is_fail => Status::Failed,
            _ => self.open_status(),
        }
    }

    /// The runs of `names` over the visits whose iterations start with `prefix`.
    fn states(&self, prefix: &[(String, usize)], names: &[&String]) -> BTreeMap<String, StateRun> {
        names.iter().map(|n| ((*n).clone(), self.state(prefix, n))).collect()
    }

    fn state(&self, prefix: &[(String, usize)], name: &str) -> StateRun {
        let type_name = self.info.get(name).map_or("", |i| i.type_name);
        // Contexts that extend `prefix` sort right after it.
        let start: Ctx = prefix.to_vec();
        let groups: Vec<(&Ctx, &Vec<usize>)> = self
            .groups
            .get(name)
            .map(|g| {
                g.range::<&Ctx, _>(&start..).take_while(|(c, _)| c.starts_with(prefix)).map(|(c, v)| (*c, v)).collect()
            })
            .unwrap_or_default();
        let mut run = StateRun {
            name: name.to_string(),
            state_type: type_name.into(),
            status: Status::NotRun.as_str().into(),
            visits: 0,
            retries: 0,
            entered_event: None,
            entered: None,
            exited: None,
            duration_ms: None,
            input: None,
            output: None,
            error: None,
            cause: None,
            attempts: Vec::new(),
            iterations: None,
            iterations_truncated: false,
        };
        // Each group's latest entry decides its status; the worst status wins, shown by its
        // latest entry.
        let mut best: Option<(Status, usize)> = None;
        for (_, idx) in &groups {
            run.visits += idx.len();
            run.retries += idx.iter().map(|&i| self.visits[i].attempts.len().saturating_sub(1)).sum::<usize>();
            if let Some(&last) = idx.last() {
                let s = self.visit_status(&self.visits[last]);
                if best.is_none_or(|(bs, bi)| s > bs || (s == bs && last > bi)) {
                    best = Some((s, last));
                }
            }
        }
        let Some((status, i)) = best else { return run };
        let v = &self.visits[i];
        run.status = status.as_str().into();
        run.entered_event = Some(v.entered_event);
        run.entered = Some(time(v.entered));
        let end = v.exited.or(v.aborted);
        run.exited = v.exited.map(time);
        run.duration_ms = Some((end.unwrap_or(self.now) - v.entered).num_milliseconds().max(0));
        run.input = v.input.clone();
        run.output = v.output.clone();
        run.error = v.error.clone();
        run.cause = v.cause.clone();
        run.attempts = self.attempts(&v.attempts);
        if type_name == "Map" && groups.len() == 1 {
            self.iterations(&mut run, groups[0].0, v);
        }
        run
    }

    fn iterations(&self, run: &mut StateRun, ctx: &Ctx, v: &Visit) {
        let inner: Vec<&String> = {
            let mut names: Vec<&String> = self.info.keys().filter(|n| self.inside(n, &v.name)).collect();
            names.sort();
            names
        };
        let mut out = Vec::new();
        for (&index, it) in v.iterations.iter().take(MAX_ITERATIONS) {
            let mut prefix = ctx.clone();
            prefix.push((v.name.clone(), index));
            let status = match it.end {
                Some("Succeeded") => Status::Succeeded,
                Some("Failed") => Status::Failed,
                Some(_) => Status::Cancelled,
                None => self.open_status(),
            };
            out.push(IterationRun {
                index,
                status: status.as_str().into(),
                start: time(it.started),
                end: it.ended.map(time),
                states: self.states(&prefix, &inner),
            });
        }
        run.iterations_truncated = v.iterations.len() > MAX_ITERATIONS;
        run.iterations = Some(out);
    }

    /// Whether state `name` is nested (at any depth) in container `outer`.
    fn inside(&self, name: &str, outer: &str) -> bool {
        let mut cur = self.info.get(name).and_then(|i| i.parent.as_deref());
        while let Some(p) = cur {
            if p == outer {
                return true;
            }
            cur = self.info.get(p).and_then(|i| i.parent.as_deref());
        }
        false
    }

    fn attempts(&self, attempts: &[Attempt]) -> Vec<AttemptView> {
        attempts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let outcome = match a.outcome {
                    Outcome::Running if self.exec.is_terminal() => "cancelled",
                    Outcome::Running => "running",
                    Outcome::Succeeded => "succeeded",
                    Outcome::Failed => "failed",
                    Outcome::TimedOut => "timedout",
                };
                AttemptView {
                    number: i + 1,
                    scheduled: time(a.scheduled),
                    started: a.started.map(time),
                    ended: a.ended.map(time),
                    duration_ms: a.ended.map(|e| (e - a.scheduled).num_milliseconds().max(0)),
                    outcome: outcome.into(),
                    error: a.error.clone(),
                    cause: a.cause.clone(),
                }
            })
            .collect()
    }

    fn span(&self, v: &Visit) -> Span {
        let iteration = v.ctx.iter().map(|(m, i)| format!("{m}[{i}]")).collect::<Vec<_>>().join(" › ");
        Span {
            state: v.name.clone(),
            state_type: self.info.get(&v.name).map_or("", |i| i.type_name).into(),
            iteration,
            event: v.entered_event,
            start: time(v.entered),
            end: v.exited.or(v.aborted).map(time),
            status: self.visit_status(v).as_str().into(),
            attempts: self.attempts(&v.attempts),
        }
    }
}

#[cfg(test)]
mod tests;
