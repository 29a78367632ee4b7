//! [`Executor`]: the engine's `TaskInvoker`, dispatching on the Task's resource.

use std::sync::Arc;

use base64::Engine as _;
use engine::interp::{TaskCall, TaskFamily};
use engine::invoker::{BoxFuture, InvokeContext, TaskInvoker};
use serde_json::Value;
use state_lang::Failure;

use crate::functions::{function_name, Function, Registry};
use crate::{lambda, runtime, FunctionError, HttpPolicy, MockConfig};

pub struct Executor {
    registry: Arc<Registry>,
    http: reqwest::Client,
    http_policy: HttpPolicy,
    mocks: Option<Arc<MockConfig>>,
}

impl Executor {
    pub fn new(registry: Arc<Registry>) -> Self {
        Executor { registry, http: reqwest::Client::new(), http_policy: HttpPolicy::default(), mocks: None }
    }

    /// Mocked results for executions that run a test case of this configuration.
    pub fn with_mocks(mut self, mocks: MockConfig) -> Self {
        self.mocks = Some(Arc::new(mocks));
        self
    }

    /// Which hosts HTTP Tasks may reach (loopback only by default).
    pub fn with_http_policy(mut self, policy: HttpPolicy) -> Self {
        self.http_policy = policy;
        self
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }
}

/// How a call's outcome is shaped for the resource that made it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    FunctionArn,
    Invoke,
}

impl TaskInvoker for Executor {
    fn invoke(&self, call: TaskCall, ctx: InvokeContext) -> BoxFuture<'static, Result<Value, Failure>> {
        let registry = self.registry.clone();
        let http = self.http.clone();
        let policy = self.http_policy.clone();
        let mocked = match (&self.mocks, &ctx.test_case) {
            (Some(m), Some(case)) => m.outcome(&ctx.state_machine_name, case, &call.state_name, &ctx.execution_arn),
            (None, Some(case)) => Some(Err(Failure::new(
                "States.Runtime",
                format!(
                    "The execution runs the test case '{case}', but no mock configuration is loaded (--mock-config)"
                ),
            ))),
            _ => None,
        };
        Box::pin(async move {
            if let Some(outcome) = mocked {
                return outcome;
            }
            if call.family == TaskFamily::Service && is_http_invoke(&call.resource) {
                return crate::http_task::invoke(&http, &policy, &call.payload).await;
            }
            let request_id = uuid::Uuid::new_v4().to_string();
            let log_tail = lambda::wants_log_tail(&call.payload);
            let (name, event, style) = match call.family {
                TaskFamily::Lambda => {
                    (function_name(&call.resource).to_string(), call.payload.clone(), Style::FunctionArn)
                }
                TaskFamily::Service if is_lambda_invoke(&call.resource) => {
                    let (n, p) = lambda::invoke_parameters(&call.payload)?;
                    (n, p, Style::Invoke)
                }
                _ => return Err(unsupported(&call.resource)),
            };
            let Some(function) = registry.get(function_name(&name)) else {
                return Err(lambda::not_found(&name, &ctx.region, &ctx.account, &request_id));
            };
            let outcome = run(&http, function, &event, &call.attempt_key).await;
            match (outcome, style) {
                (Ok(v), Style::FunctionArn) => Ok(v),
                (Ok(v), Style::Invoke) => {
                    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                    let mut out = lambda::wrap_invoke_result(v, &request_id, &date);
                    if log_tail {
                        // Functions here write no log Cairn keeps; the tail is the runtime's report.
                        let log =
                            format!("START RequestId: {request_id} Version: $LATEST\nEND RequestId: {request_id}\n");
                        out["LogResult"] = Value::String(base64::engine::general_purpose::STANDARD.encode(log));
                    }
                    Ok(out)
                }
                (Err(e), style) => Err(lambda::failure_from(e, style == Style::Invoke)),
            }
        })
    }
}

async fn run(http: &reqwest::Client, f: Function, event: &Value, key: &str) -> Result<Value, FunctionError> {
    match f {
        Function::Native(h) => h.call(event.clone()).await,
        Function::Spec(spec) => match (&spec.command, &spec.url) {
            (Some(argv), _) => runtime::command::call(&spec, argv, event, key).await,
            (None, Some(url)) => runtime::url::call(http, &spec, url, event, key).await,
            (None, None) => {
                Err(runtime::error_payload("Lambda.InvalidRuntimeException", "the function has no runtime"))
            }
        },
    }
}

fn is_http_invoke(resource: &str) -> bool {
    let tail = resource.rsplit_once(":http:").map(|(_, t)| t).unwrap_or("");
    resource.contains(":states:::http:") && (tail == "invoke" || tail == "invoke.waitForTaskToken")
}

fn is_lambda_invoke(resource: &str) -> bool {
    let tail = resource.rsplit_once(":lambda:").map(|(_, t)| t).unwrap_or("");
    resource.contains(":states:::lambda:") && (tail == "invoke" || tail == "invoke.waitForTaskToken")
}

fn unsupported(resource: &str) -> Failure {
    Failure::new(
        "States.Runtime",
        format!("The resource '{resource}' is not supported by Cairn (supported: Lambda function ARNs, arn:aws:states:::lambda:invoke, arn:aws:states:::http:invoke, arn:aws:states:::states:startExecution, arn:aws:states:::aws-sdk:sfn:<action>, activities)"),
    )
}
