//! RedriveExecution: a failed, timed-out or aborted Standard execution continues from where it
//! failed, with `ExecutionRedriven` in its history and its redrive count raised.

use tokio::sync::mpsc;

use super::actor::Actor;
use super::{Engine, RngEntropy, Running};
use crate::interp::{ExecStatus, Interpreter};
use crate::store::{ExecutionRecord, MachineType};
use crate::EngineError;

impl Engine {
    pub async fn redrive_execution(&self, arn: &str) -> Result<ExecutionRecord, EngineError> {
        let not =
            |why: &str| EngineError::ExecutionNotRedrivable(format!("Execution '{arn}' cannot be redriven: {why}"));
        let record = self.describe_execution(arn).await?;
        if !matches!(record.status, ExecStatus::Failed | ExecStatus::TimedOut | ExecStatus::Aborted) {
            return Err(not(&format!("its status is {}", record.status.as_str())));
        }
        let sm = self.inner.store.get_state_machine(&record.state_machine_arn).await?;
        if sm.as_ref().is_some_and(|sm| sm.machine_type == MachineType::Express) {
            return Err(not("Express executions are not redrivable"));
        }
        let stored = self.inner.store.load(arn).await?.ok_or_else(|| not("its last state was not kept"))?;
        let machine = self.machine_for_definition(&stored.record.state_machine_arn, &stored.definition)?;
        let mut state = stored.state;
        let mut record = stored.record;
        let entropy = RngEntropy::new();
        let now = self.now();
        let step = Interpreter::redrive(&machine, &mut state, now, &entropy)
            .ok_or_else(|| not("it has no failed state to resume"))?;
        record.status = ExecStatus::Running;
        record.stop = None;
        record.output = None;
        record.error = None;
        record.cause = None;
        record.redrive_count = state.info.redrive_count;
        if let Some(t) = &step.terminal {
            record.apply_terminal(t, now);
        }
        // Register before committing, so that no signal for the execution is lost.
        let (tx, rx) = mpsc::unbounded_channel();
        if !record.status.is_terminal() {
            let mut running = self.lock_running();
            if running.contains_key(arn) {
                return Err(not("it is running"));
            }
            running.insert(arn.to_string(), Running { tx: tx.clone(), input: record.input.clone() });
        }
        let events: std::sync::Arc<[crate::history::HistoryEvent]> = step.events.into();
        if let Err(e) = self.inner.store.commit_shared(&record, &state, events.clone()).await {
            self.finished(arn);
            return Err(e);
        }
        self.publish(arn, record.status, &events);
        if !record.status.is_terminal() {
            let actor = Actor::new(self.clone(), machine, state, record.clone(), tx, entropy);
            tokio::spawn(actor.run(rx, step.commands));
        }
        Ok(record)
    }
}
