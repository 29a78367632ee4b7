//! A server on a free loopback port and SDK clients for it.

use std::sync::Arc;
use std::time::Duration;

use api::auth::AuthConfig;
use api::{AppState, ServerConfig};
use aws_sdk_sfn::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_sfn::config::retry::RetryConfig;
use aws_sdk_sfn::config::{BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_sfn::error::ProvideErrorMetadata;
use aws_sdk_sfn::Client;
use engine::store::memory::MemoryStore;
use engine::{Engine, EngineConfig};
use executor::{Executor, Registry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

pub const ACCOUNT: &str = "000000000000";

pub struct Server {
    pub endpoint: String,
    pub addr: std::net::SocketAddr,
    pub registry: Arc<Registry>,
    _stop: oneshot::Sender<()>,
}

#[derive(Default)]
pub struct Options {
    pub access_key: Option<(String, String)>,
    pub api_token: Option<String>,
}

impl Server {
    pub async fn start() -> Server {
        Self::with(Options::default()).await
    }

    pub async fn with(o: Options) -> Server {
        let registry = Arc::new(Registry::new());
        let engine = Engine::new(
            Arc::new(MemoryStore::new()),
            Arc::new(Executor::new(registry.clone())),
            EngineConfig::default(),
        );
        let config = ServerConfig {
            auth: AuthConfig { access_keys: o.access_key.into_iter().collect(), api_token: o.api_token },
            activity_poll: Duration::from_secs(1),
            ..ServerConfig::default()
        };
        let state = AppState::new(engine, registry.clone(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let router = api::router(state);
        tokio::spawn(api::serve(listener, router, async {
            let _ = rx.await;
        }));
        Server { endpoint: format!("http://{addr}"), addr, registry, _stop: tx }
    }

    /// A client signing with these credentials (the server checks them only when configured).
    pub fn client_with(&self, key: &str, secret: &str) -> Client {
        let conf = aws_sdk_sfn::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, None, None, "tests"))
            .endpoint_url(&self.endpoint)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(RetryConfig::disabled())
            .interceptor(NoHostPrefix)
            .build();
        Client::from_conf(conf)
    }

    pub fn client(&self) -> Client {
        self.client_with("AKIDTEST", "secret")
    }

    /// A raw HTTP/1.1 request; returns the status code and the body.
    pub async fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut s = tokio::net::TcpStream::connect(self.addr).await.expect("connect");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            self.addr,
            body.len()
        );
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).await.expect("write");
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.expect("read");
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// An AWS-protocol call with a raw body (unsigned).
    pub async fn aws_raw(&self, op: &str, body: &str) -> (u16, serde_json::Value) {
        let target = format!("AWSStepFunctions.{op}");
        let (status, body) = self
            .raw("POST", "/", &[("content-type", "application/x-amz-json-1.0"), ("x-amz-target", &target)], body)
            .await;
        (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
    }
}

/// The SDK sends StartSyncExecution to `sync-<endpoint host>` (a host prefix AWS's model sets),
/// which does not resolve for an IP endpoint: drop the prefix before the request is signed.
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_sfn::error::BoxError> {
        let uri = ctx.request().uri().replace("://sync-", "://");
        ctx.request_mut().set_uri(uri)?;
        Ok(())
    }
}

/// The AWS error code and message of a failed SDK call.
pub fn error<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug>(r: Result<T, E>) -> (String, String) {
    let e = r.expect_err("the call should have failed");
    (e.code().unwrap_or("").to_string(), e.message().unwrap_or("").to_string())
}

pub fn machine_arn(name: &str) -> String {
    format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{name}")
}

pub const PASS: &str = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":"yes"},"End":true}}}"#;

/// Creates a state machine and returns its ARN.
pub async fn create(client: &Client, name: &str, definition: &str) -> String {
    client
        .create_state_machine()
        .name(name)
        .definition(definition)
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/r"))
        .send()
        .await
        .expect("create state machine")
        .state_machine_arn
}

/// Polls DescribeExecution until the execution leaves RUNNING.
pub async fn wait_done(
    client: &Client,
    arn: &str,
) -> aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput {
    for _ in 0..300 {
        let d = client.describe_execution().execution_arn(arn).send().await.expect("describe execution");
        if d.status.as_str() != "RUNNING" {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("execution {arn} did not finish");
}
