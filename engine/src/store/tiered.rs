//! Express executions in memory beside a durable store. AWS keeps no durable state for Express
//! workflows (they are at-least-once, and are not redriven); sparing them the fsync of every
//! step is what makes StartSyncExecution fast on a durable server. State machines, activities and
//! Standard executions go to the durable store.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::memory::MemoryStore;
use super::{
    ActivityRecord, Commit, ExecutionFilter, ExecutionRecord, StateMachineRecord, Store, StoreResult, StoredExecution,
    Unfinished,
};
use crate::history::HistoryEvent;
use crate::invoker::BoxFuture;

pub struct TieredStore {
    durable: Arc<dyn Store>,
    express: MemoryStore,
}

impl TieredStore {
    pub fn new(durable: Arc<dyn Store>) -> Self {
        TieredStore { durable, express: MemoryStore::new() }
    }

    fn for_execution(&self, arn: &str) -> &dyn Store {
        if is_express(arn) {
            &self.express
        } else {
            self.durable.as_ref()
        }
    }
}

/// `arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:ID`
fn is_express(arn: &str) -> bool {
    arn.split(':').nth(5) == Some("express")
}

impl Store for TieredStore {
    fn put_state_machine(&self, rec: StateMachineRecord, replace: bool) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            // The memory tier needs the machine too: it finds definitions there for its executions.
            self.express.put_state_machine(rec.clone(), true).await?;
            self.durable.put_state_machine(rec, replace).await
        })
    }

    fn get_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StateMachineRecord>>> {
        self.durable.get_state_machine(arn)
    }

    fn list_state_machines(&self) -> BoxFuture<'_, StoreResult<Vec<StateMachineRecord>>> {
        self.durable.list_state_machines()
    }

    fn delete_state_machine(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        let arn = arn.to_string();
        Box::pin(async move {
            self.express.delete_state_machine(&arn).await?;
            self.durable.delete_state_machine(&arn).await
        })
    }

    fn create_execution(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        self.for_execution(&commit.record.arn).create_execution(commit)
    }

    fn commit(&self, commit: Commit<'_>) -> BoxFuture<'_, StoreResult<()>> {
        self.for_execution(&commit.record.arn).commit(commit)
    }

    fn create_execution_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        state: &'a crate::interp::ExecState,
        events: Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.for_execution(&record.arn).create_execution_shared(record, state, events)
    }

    fn commit_shared<'a>(
        &'a self,
        record: &'a ExecutionRecord,
        state: &'a crate::interp::ExecState,
        events: Arc<[HistoryEvent]>,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.for_execution(&record.arn).commit_shared(record, state, events)
    }

    fn get_execution(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<ExecutionRecord>>> {
        self.for_execution(arn).get_execution(arn)
    }

    fn list_executions(&self, filter: ExecutionFilter) -> BoxFuture<'_, StoreResult<Vec<ExecutionRecord>>> {
        Box::pin(async move {
            // Both tiers up to the end of the page, merged newest first, then the page.
            let upto =
                ExecutionFilter { offset: 0, limit: filter.offset.saturating_add(filter.limit), ..filter.clone() };
            let upto = if filter.limit == 0 { ExecutionFilter { limit: 0, ..upto } } else { upto };
            let mut all = self.durable.list_executions(upto.clone()).await?;
            all.extend(self.express.list_executions(upto).await?);
            all.sort_by_key(|r| std::cmp::Reverse(r.start));
            let limit = if filter.limit == 0 { usize::MAX } else { filter.limit };
            Ok(all.into_iter().skip(filter.offset).take(limit).collect())
        })
    }

    fn history(&self, arn: &str, after: u64, limit: usize) -> BoxFuture<'_, StoreResult<Vec<HistoryEvent>>> {
        self.for_execution(arn).history(arn, after, limit)
    }

    fn durable(&self) -> bool {
        true
    }

    fn keeps(&self, arn: &str) -> bool {
        !is_express(arn)
    }

    fn unfinished(&self) -> BoxFuture<'_, StoreResult<Vec<Unfinished>>> {
        self.durable.unfinished()
    }

    fn claim_interval(&self) -> Option<std::time::Duration> {
        self.durable.claim_interval()
    }

    fn load(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<StoredExecution>>> {
        self.for_execution(arn).load(arn)
    }

    fn execution_definition(&self, arn: &str) -> BoxFuture<'_, StoreResult<Option<String>>> {
        self.for_execution(arn).execution_definition(arn)
    }

    fn delete_finished_before(&self, cutoff: DateTime<Utc>) -> BoxFuture<'_, StoreResult<u64>> {
        Box::pin(async move {
            Ok(self.express.delete_finished_before(cutoff).await? + self.durable.delete_finished_before(cutoff).await?)
        })
    }

    fn forward_signal(&self, arn: &str, signal: &crate::interp::Signal) -> BoxFuture<'_, StoreResult<bool>> {
        if is_express(arn) {
            return Box::pin(async { Ok(false) });
        }
        self.durable.forward_signal(arn, signal)
    }

    fn take_signals(&self) -> BoxFuture<'_, StoreResult<Vec<(String, crate::interp::Signal)>>> {
        self.durable.take_signals()
    }

    fn put_activity(&self, rec: ActivityRecord) -> BoxFuture<'_, StoreResult<()>> {
        self.durable.put_activity(rec)
    }

    fn delete_activity(&self, arn: &str) -> BoxFuture<'_, StoreResult<()>> {
        self.durable.delete_activity(arn)
    }

    fn list_activities(&self) -> BoxFuture<'_, StoreResult<Vec<ActivityRecord>>> {
        self.durable.list_activities()
    }

    fn put_resource(&self, kind: &str, key: &str, body: Option<&str>) -> BoxFuture<'_, StoreResult<()>> {
        self.durable.put_resource(kind, key, body)
    }

    fn list_resources(&self, kind: &str) -> BoxFuture<'_, StoreResult<Vec<(String, String)>>> {
        self.durable.list_resources(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::is_express;

    #[test]
    fn express_executions_are_told_by_their_arn() {
        assert!(is_express("arn:aws:states:us-east-1:1:express:m:n:0f0"));
        assert!(!is_express("arn:aws:states:us-east-1:1:execution:express:n"));
    }
}
