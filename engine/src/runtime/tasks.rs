//! How an actor carries out a task attempt: a function through the `TaskInvoker`, an activity
//! through its queue, a nested execution through the engine itself; and how it cancels one.

use state_lang::Failure;

use super::actor::Actor;
use super::callbacks::ActivityTask;
use crate::interp::{is_two_phase, Signal, TaskCall, TaskFamily};
use crate::invoker::InvokeContext;

impl Actor {
    pub(super) fn start_task(&mut self, call: TaskCall) {
        let id = call.id;
        if let Some(token) = &call.task_token {
            self.engine.inner.callbacks.register(token, &self.record.arn, id);
            self.tokens.insert(id, (token.clone(), call.resource.clone()));
        }
        if call.family == TaskFamily::Activity {
            let token = call.task_token.clone().unwrap_or_default();
            let queued = self
                .engine
                .inner
                .callbacks
                .enqueue(&call.resource, ActivityTask { token, input: call.payload.clone() });
            if !queued {
                let failure = Failure::new("States.Runtime", format!("Activity Does Not Exist: '{}'", call.resource));
                let _ = self.tx.send(Signal::TaskFailed { id, failure });
            }
            return;
        }
        if super::nested::is_start_execution(&call.resource) {
            return self.start_nested(call);
        }
        let ctx = InvokeContext {
            execution_arn: self.record.arn.clone(),
            region: self.engine.inner.config.region.clone(),
            account: self.engine.inner.config.account.clone(),
            state_machine_name: self.state.info.state_machine_name.clone(),
            test_case: self.state.info.test_case.clone(),
        };
        let two_phase = is_two_phase(&call.resource);
        let fut = self.engine.inner.invoker.invoke(call, ctx);
        let tx = self.tx.clone();
        let h = tokio::spawn(async move {
            let signal = match fut.await {
                Ok(output) if two_phase => Signal::TaskSubmitted { id, output },
                Ok(output) => Signal::TaskSucceeded { id, output },
                Err(failure) => Signal::TaskFailed { id, failure },
            };
            let _ = tx.send(signal);
        });
        self.tasks.insert(id, h);
    }

    /// The attempt has a result: forget what was kept for it.
    pub(super) fn task_done(&mut self, id: u64) {
        self.tasks.remove(&id);
        self.children.remove(&id);
        self.forget_token(id);
    }

    /// Stops an attempt: its call, its queued activity task, its token, its `.sync` child.
    pub(super) fn cancel_task(&mut self, id: u64) {
        if let Some(h) = self.tasks.remove(&id) {
            h.abort();
        }
        if let Some(child) = self.children.remove(&id) {
            let arn = child.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(arn) = arn {
                let engine = self.engine.clone();
                tokio::spawn(async move {
                    let cause = Some("The parent execution was stopped or its task was cancelled".to_string());
                    let _ = engine.stop_execution(&arn, None, cause).await;
                });
            }
        }
        self.forget_token(id);
    }

    /// The attempt's token no longer answers, and its queued activity task is withdrawn.
    fn forget_token(&mut self, id: u64) {
        if let Some((token, resource)) = self.tokens.remove(&id) {
            self.engine.inner.callbacks.forget(&token);
            self.engine.inner.callbacks.withdraw(&resource, &token);
        }
    }
}
