//! The in-memory store: for Express executions, `cairn run`, and tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Commit, ExecutionFilter, ExecutionRecord, StateMachineRecord, Store, StoreResult};
use crate::history::HistoryEvent;
use crate::invoker::BoxFuture;
use crate::EngineError;

#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

/// A history as the commits that wrote it, shared with the engine rather than copied.
type History = Vec<Arc<[HistoryEvent]>>;

#[derive(Default)]
struct Inner {
    machines: HashMap<String, StateMachineRecord>,
    /// Each state machine's current definition, shared with the executions started on it.
    texts: HashMap<String, Arc<str>>,
    machine_order: Vec<String>,
    /// Each execution with its history and the definition it started with.
    executions: HashMap<String, (ExecutionRecord, History, Option<Arc<str>>)>,
    /// The final state of finished executions, so that they can be redriven.
    finished: HashMap<String, crate::interp::ExecState>,
    execution_order: Vec<String>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl MemoryStore {
    fn create(&self, record: &ExecutionRecord, events: Arc<[HistoryEvent]>) -> StoreResult<()> {
        let mut g = self.lock();
        if g.executions.contains_key(&record.arn) {
            return Err(EngineError::ExecutionAlreadyExists(record.arn.clone()));
        }
        g.execution_order.push(record.arn.clone());
        let definition = g.texts.get(&record.state_machine_arn).cloned();
        g.executions.insert(record.arn.clone(), (record.clone(), vec![events], definition));
        Ok(())
    }

    fn append(
        &self,
        record: &ExecutionRecord,
        state: &crate::interp::ExecState,
        events: Arc<[HistoryEvent]>,
    ) -> StoreResult<()> {
        let mut g = self.lock();
        let Some((rec, chunks, _)) = g.executions.get_mut(&record.arn) else {
            return Err(EngineError::ExecutionDoesNotExist(record.arn.clone()));
        };
        *rec = record.clone();
        if !events.is_empty() {
            chunks.push(events);
        }
        if record.status.is_terminal() {
            g.finished.insert(record.arn.clone(), state.clone());
        } else {
            g.finished.remove(&record.arn);
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn put_state_machine(&self, rec: StateMachineRecord, replace: bool) -> BoxFuture<'_, StoreResult<()>> {
        let mut g = self.lock();
        let r = if g.machines.contains_key(&rec.arn) && !replace {
            Err(EngineError::StateMachineAlreadyExists(rec.arn.clone()))
        } else {
            if !g.machines.contains_key(&rec.arn) {
                g.machine_order.push(rec.arn.clone());
            }
            g.texts.insert(rec.arn.clone(), Arc::from(rec.definition.as_str()));
            g.machines.insert(rec.arn.clone(), rec);
            Ok(())
        };
        Box::pin(async move { r })
    }

    fn get_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StateMachineRecord>>> {
        let r = self.lock().machines.get(arn).cloned();
        Box::pin(async move { Ok(r) })
    }

    fn list_state_machines(&self) -> BoxFuture<'_, StoreResult<Vec<StateMachineRecord>>> {
        let g = self.lock();
        let r: Vec<_> = g.machine_order.iter().filter_map(|a| g.machines.get(a).cloned()).collect();
        Box::pin(async move { Ok(r) })
    }

    fn delete_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let mut g = self.lock();
        g.machines.remove(arn);
        g.texts.remove(arn);
        g.machine_order.retain(|a| a != arn);
        Box::pin(async move { Ok(()) })
    }

    fn create_execution(&self, c: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        let r = self.create(c.record, Arc::from(c.events));
        Box::pin(async move { r })
    }

    fn commit(&self, c: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        let r = self.append(c.record, c.state, Arc::from(c.events));
        Box::pin(async move { r })
    }

    fn create_execution_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        _state: &'a crate::interp::ExecState,
        events: Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let r = self.create(record, events);
        Box::pin(async move { r })
    }

    fn commit_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        state: &'a crate::interp::ExecState,
        events: Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let r = self.append(record, state, events);
        Box::pin(async move { r })
    }

    fn delete_finished_before(&self, cutoff: chrono::DateTime<chrono::Utc>) -> BoxFuture<'_, StoreResult<u64>> {
        let mut g = self.lock();
        let old: Vec<String> = g
            .executions
            .iter()
            .filter(|(_, (r, _, _))| r.status.is_terminal() && r.stop.is_some_and(|t| t < cutoff))
            .map(|(a, _)| a.clone())
            .collect();
        for a in &old {
            g.executions.remove(a);
            g.finished.remove(a);
        }
        g.execution_order.retain(|a| !old.contains(a));
        let n = old.len() as u64;
        Box::pin(async move { Ok(n) })
    }

    fn load(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<super::StoredExecution>>> {
        let g = self.lock();
        let r = match (g.executions.get(arn), g.finished.get(arn)) {
            (Some((record, _, text)), Some(state)) => {
                let definition = text
                    .as_deref()
                    .map(str::to_string)
                    .or_else(|| g.machines.get(&record.state_machine_arn).map(|m| m.definition.clone()));
                definition.map(|definition| super::StoredExecution {
                    record: record.clone(),
                    state: state.clone(),
                    definition,
                })
            }
            _ => None,
        };
        Box::pin(async move { Ok(r) })
    }

    fn execution_definition(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<String>>> {
        let r = self.lock().executions.get(arn).and_then(|(_, _, t)| t.as_deref().map(str::to_string));
        Box::pin(async move { Ok(r) })
    }

    fn get_execution(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<ExecutionRecord>>> {
        let r = self.lock().executions.get(arn).map(|(r, _, _)| r.clone());
        Box::pin(async move { Ok(r) })
    }

    fn list_executions(&self, f: ExecutionFilter) -> BoxFuture<'_, StoreResult<Vec<ExecutionRecord>>> {
        let g = self.lock();
        let limit = if f.limit == 0 { usize::MAX } else { f.limit };
        let r: Vec<_> = g
            .execution_order
            .iter()
            .rev()
            .filter_map(|a| g.executions.get(a).map(|(r, _, _)| r))
            .filter(|r| f.state_machine_arn.as_ref().is_none_or(|s| &r.state_machine_arn == s))
            .filter(|r| f.status.is_none_or(|s| r.status == s))
            .skip(f.offset)
            .take(limit)
            .cloned()
            .collect();
        Box::pin(async move { Ok(r) })
    }

    fn history(&self, arn: &str, after: u64, limit: usize) -> BoxFuture<'_, StoreResult<Vec<HistoryEvent>>> {
        let g = self.lock();
        let r = match g.executions.get(arn) {
            Some((_, chunks, _)) => {
                let take = if limit == 0 { usize::MAX } else { limit };
                Ok(chunks.iter().flat_map(|c| c.iter()).skip(after as usize).take(take).cloned().collect())
            }
            None => Err(EngineError::ExecutionDoesNotExist(arn.to_string())),
        };
        Box::pin(async move { r })
    }
}
