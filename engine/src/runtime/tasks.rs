//! How an actor carries out a task attempt: a function through the `TaskInvoker`, an activity
//! through its queue, a nested execution through the engine itself; and how it cancels one.

use state_lang::Failure;

use super::actor::Actor;
use super::callbacks::ActivityTask;
use crate::interp::{is_two_phase, Signal, TaskCall, TaskFamily};
use crate::invoker::InvokeContext;

/// `arn:<partition>:states:::aws-sdk:<service>:<action>` for a service this process answers itself
/// (`sfn`), as (service, action). Service patterns (`.waitForTaskToken`) are not among them.
fn sdk_action(resource: &str) -> Option<(&str, &str)> {
    let (_, tail) = resource.split_once(":states:::aws-sdk:")?;
    let (service, action) = tail.split_once(':')?;
    (service == "sfn" && !action.is_empty() && !action.contains(['.', ':'])).then_some((service, action))
}

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
        let sdk = match sdk_action(&call.resource) {
            // A mocked test case answers from its mock configuration, through the invoker.
            Some((service, action)) if ctx.test_case.is_none() => Some((service.to_string(), action.to_string())),
            _ => None,
        };
        let fut = match sdk {
            Some((service, action)) => match self.engine.inner.sdk.get().and_then(|w| w.upgrade()) {
                Some(s) => s.call(service, action, call.payload, ctx),
                None => {
                    let failure = Failure::new(
                        "States.Runtime",
                        format!(
                            "The resource '{}' needs the AWS API layer, which this process does not run",
                            call.resource
                        ),
                    );
                    Box::pin(async move { Err(failure) })
                }
            },
            None => self.engine.inner.invoker.invoke(call, ctx),
        };
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
