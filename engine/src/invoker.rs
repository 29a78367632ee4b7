//! The seam between the engine and whatever runs Task work: the engine hands a [`TaskCall`] to a
//! [`TaskInvoker`] (implemented by the executor crate) after the call is committed, and feeds the
//! outcome back as a signal.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;
use state_lang::Failure;

pub use crate::interp::TaskCall;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Who is calling: enough for a function to know the execution and for ARNs to be built.
#[derive(Debug, Clone)]
pub struct InvokeContext {
    pub execution_arn: String,
    pub region: String,
    pub account: String,
    pub state_machine_name: String,
    /// The mock configuration's test case of the execution, if it runs one.
    pub test_case: Option<String>,
}

/// Runs one attempt of a task. Timeouts are the engine's; retries are the engine's.
pub trait TaskInvoker: Send + Sync + 'static {
    fn invoke(&self, call: TaskCall, ctx: InvokeContext) -> BoxFuture<'static, Result<Value, Failure>>;
}

/// The `arn:aws:states:::aws-sdk:<service>:<action>` integrations this process answers itself
/// (`sfn`: the engine's own API). Set once with [`crate::Engine::set_sdk_service`]; held
/// weakly, since what implements it usually holds the engine.
pub trait SdkService: Send + Sync + 'static {
    /// `action` as the resource spells it (`sendTaskSuccess`), `parameters` with AWS SDK member
    /// names (`TaskToken`). The result uses the same names; a failure is `<Service>.<Exception>`.
    fn call(
        self: std::sync::Arc<Self>,
        service: String,
        action: String,
        parameters: Value,
        ctx: InvokeContext,
    ) -> BoxFuture<'static, Result<Value, Failure>>;
}

/// The SDK's exception name for an API error code, as integrations name their errors
/// (`InvalidToken` → `InvalidTokenException`; `ValidationException` stays).
pub fn sdk_exception_name(code: &str) -> String {
    if code.ends_with("Exception") {
        code.to_string()
    } else {
        format!("{code}Exception")
    }
}

/// An invoker that knows no resource: every task fails with a clear error.
pub struct NoInvoker;

impl TaskInvoker for NoInvoker {
    fn invoke(&self, call: TaskCall, _ctx: InvokeContext) -> BoxFuture<'static, Result<Value, Failure>> {
        Box::pin(async move {
            Err(Failure::new(
                "States.Runtime",
                format!("No task runtime is configured for resource '{}'", call.resource),
            ))
        })
    }
}
