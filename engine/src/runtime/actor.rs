//! One running execution: receives signals, advances the interpreter, commits, then acts.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use state_lang::StateMachine;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Engine, RngEntropy};
use crate::interp::{Command, ExecState, Interpreter, Signal, Step};
use crate::store::{waiting_on, ExecutionRecord};

/// How long a task in flight may take, in virtual time, before the next timer fires anyway.
const VIRTUAL_TASK_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// Most signals folded into one commit (their steps share a transaction). Every commit writes the
/// whole snapshot, so a large Map whose iterations finish together pays it once per this many.
const MAX_SIGNALS_PER_COMMIT: usize = 1024;

pub(super) struct Actor {
    pub(super) engine: Engine,
    pub(super) machine: Arc<StateMachine>,
    pub(super) state: ExecState,
    pub(super) record: ExecutionRecord,
    pub(super) tx: mpsc::UnboundedSender<Signal>,
    pub(super) entropy: RngEntropy,
    pub(super) tasks: HashMap<u64, JoinHandle<()>>,
    /// Token and resource of each task attempt that has a token (callbacks, activities).
    pub(super) tokens: HashMap<u64, (String, String)>,
    /// Child executions of `.sync` tasks, stopped when the task is cancelled.
    pub(super) children: HashMap<u64, std::sync::Arc<std::sync::Mutex<Option<String>>>>,
    timers: HashMap<u64, JoinHandle<()>>,
    /// Virtual-time timers (time scale 0): fired in due order whenever nothing else is pending.
    virtual_timers: BinaryHeap<Reverse<(DateTime<Utc>, u64)>>,
    /// The execution's notion of now, which runs ahead of the clock in virtual time.
    virtual_now: Option<DateTime<Utc>>,
}

impl Actor {
    pub(super) fn new(
        engine: Engine,
        machine: Arc<StateMachine>,
        state: ExecState,
        record: ExecutionRecord,
        tx: mpsc::UnboundedSender<Signal>,
        entropy: RngEntropy,
    ) -> Self {
        Actor {
            engine,
            machine,
            state,
            record,
            tx,
            entropy,
            tasks: HashMap::new(),
            tokens: HashMap::new(),
            children: HashMap::new(),
            timers: HashMap::new(),
            virtual_timers: BinaryHeap::new(),
            virtual_now: None,
        }
    }

    fn now(&self) -> DateTime<Utc> {
        let real = self.engine.now();
        match self.virtual_now {
            Some(v) if v > real => v,
            _ => real,
        }
    }

    pub(super) async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Signal>, first: Vec<Command>) {
        self.act(first);
        while !self.state.status.is_terminal() {
            if rx.is_empty() && self.try_park(&rx) {
                return;
            }
            let Some(signal) = self.next_signal(&mut rx).await else { break };
            let mut step = self.apply(signal);
            // Signals already queued join this step: one commit for all of them.
            for _ in 1..MAX_SIGNALS_PER_COMMIT {
                if step.terminal.is_some() {
                    break;
                }
                let Ok(signal) = rx.try_recv() else { break };
                let more = self.apply(signal);
                step.events.extend(more.events);
                step.commands.extend(more.commands);
                step.terminal = more.terminal;
            }
            let now = self.now();
            if !self.commit(step, now).await {
                break;
            }
        }
        let ids: Vec<u64> = self.tasks.keys().chain(self.tokens.keys()).copied().collect();
        for id in ids {
            self.cancel_task(id);
        }
        for (_, h) in self.timers.drain() {
            h.abort();
        }
        self.engine.finished(&self.record.arn);
    }

    /// The next signal: queued ones first; in virtual time, the next timer once nothing else is
    /// pending. `None` when no signal can come any more.
    async fn next_signal(&mut self, rx: &mut mpsc::UnboundedReceiver<Signal>) -> Option<Signal> {
        if let Ok(s) = rx.try_recv() {
            return Some(s);
        }
        if self.virtual_timers.is_empty() {
            return rx.recv().await;
        }
        // A task in flight gets a moment of real time before the next virtual timer fires.
        let waited =
            if self.tasks.is_empty() { None } else { tokio::time::timeout(VIRTUAL_TASK_GRACE, rx.recv()).await.ok() };
        match waited {
            Some(s) => s,
            None => {
                let Reverse((due, id)) = self.virtual_timers.pop()?;
                self.virtual_now = Some(due.max(self.now()));
                Some(Signal::Timer { id })
            }
        }
    }

    /// Advances the interpreter by one signal (nothing is committed yet).
    fn apply(&mut self, signal: Signal) -> Step {
        if let Signal::TaskSucceeded { id, .. } | Signal::TaskFailed { id, .. } = &signal {
            self.task_done(*id);
        }
        if let Signal::Timer { id } = &signal {
            self.timers.remove(id);
        }
        let now = self.now();
        Interpreter::resume(&self.machine, &mut self.state, signal, now, &self.entropy)
    }

    /// Leaves memory if the execution only waits on timers that are not near: the timer service
    /// brings it back from its last commit.
    fn try_park(&mut self, rx: &mpsc::UnboundedReceiver<Signal>) -> bool {
        if !self.engine.parks()
            || !self.engine.inner.store.keeps(&self.record.arn)
            || !self.tasks.is_empty()
            || !self.tokens.is_empty()
            || !self.children.is_empty()
        {
            return false;
        }
        let (wake, tasks) = waiting_on(&self.state);
        let soon = chrono::TimeDelta::from_std(super::parking::PARK_AFTER).unwrap_or(chrono::TimeDelta::MAX);
        if tasks > 0 || wake.is_some_and(|w| w - self.now() < soon) {
            return false;
        }
        if !self.engine.park(&self.record.arn, wake, rx) {
            return false;
        }
        for (_, h) in self.timers.drain() {
            h.abort();
        }
        true
    }

    /// Commits a step, then carries out its commands. `false` when the store refused.
    async fn commit(&mut self, step: Step, now: DateTime<Utc>) -> bool {
        if let Some(t) = &step.terminal {
            self.record.apply_terminal(t, now);
        }
        if step.events.is_empty() && step.terminal.is_none() && step.commands.is_empty() {
            return true;
        }
        let events: std::sync::Arc<[crate::history::HistoryEvent]> = step.events.into();
        if let Err(e) = self.engine.inner.store.commit_shared(&self.record, &self.state, events.clone()).await {
            tracing::error!(execution = %self.record.arn, error = %e, "commit failed; execution left for recovery");
            return false;
        }
        self.engine.publish(&self.record.arn, self.record.status, &events);
        self.act(step.commands);
        true
    }

    fn act(&mut self, commands: Vec<Command>) {
        let scale = self.engine.inner.config.time_scale;
        for c in commands {
            match c {
                Command::Invoke(call) => self.start_task(call),
                Command::CancelTask { id } => self.cancel_task(id),
                Command::Timer { id, due } => {
                    if scale.is_virtual() {
                        self.virtual_timers.push(Reverse((due, id)));
                        continue;
                    }
                    let secs = (due - self.now()).num_milliseconds().max(0) as f64 / 1000.0;
                    let delay = scale.real_delay(secs);
                    let tx = self.tx.clone();
                    let h = tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        let _ = tx.send(Signal::Timer { id });
                    });
                    self.timers.insert(id, h);
                }
            }
        }
    }
}
