//! Workloads 2 and 3 over the AWS JSON protocol, against a server started in this process:
//! executions per second with many concurrent clients, and the start→terminal latency of one
//! client. Express machines run on the in-memory store and are started with StartSyncExecution;
//! Standard machines run on SQLite and are started with StartExecution, then polled with
//! DescribeExecution until they end.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::measure::{latencies, percentile, throughput};
use super::setup::{Bench, Server};
use super::transitions::{warm_up, CHAIN_STATES};
use super::{machines, Backend, Sizes};

/// States of the latency workload's machine.
pub const LATENCY_STATES: usize = 5;

/// Between two DescribeExecution calls on a running execution.
const POLL_INTERVAL: Duration = Duration::from_millis(1);

/// A client of the AWS JSON protocol: one connection pool with keep-alive, shared by every task.
#[derive(Clone)]
pub struct AwsClient {
    http: reqwest::Client,
    url: Arc<str>,
}

#[derive(Deserialize)]
struct Status {
    status: String,
}

#[derive(Deserialize)]
struct Started {
    #[serde(rename = "executionArn")]
    execution_arn: String,
}

impl AwsClient {
    pub fn new(server: &Server) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().tcp_nodelay(true).pool_idle_timeout(None).build()?;
        Ok(AwsClient { http, url: Arc::from(format!("http://{}/", server.addr)) })
    }

    /// One operation; the response body, or an error naming the operation and AWS's error.
    async fn call(&self, operation: &str, body: String) -> anyhow::Result<axum::body::Bytes> {
        let resp = self
            .http
            .post(&*self.url)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("AWSStepFunctions.{operation}"))
            .body(body)
            .send()
            .await?;
        let ok = resp.status().is_success();
        let body = resp.bytes().await?;
        anyhow::ensure!(ok, "{operation}: {}", String::from_utf8_lossy(&body));
        Ok(body)
    }

    /// StartSyncExecution; an error unless the execution SUCCEEDED.
    pub async fn start_sync(&self, machine_arn: &str) -> anyhow::Result<()> {
        let body = self.call("StartSyncExecution", start_body(machine_arn)).await?;
        let s: Status = serde_json::from_slice(&body)?;
        anyhow::ensure!(s.status == "SUCCEEDED", "StartSyncExecution: execution {}", s.status);
        Ok(())
    }

    /// StartExecution, then DescribeExecution until the execution ends; an error unless it
    /// SUCCEEDED.
    pub async fn start_and_wait(&self, machine_arn: &str) -> anyhow::Result<()> {
        let body = self.call("StartExecution", start_body(machine_arn)).await?;
        let started: Started = serde_json::from_slice(&body)?;
        let describe = serde_json::json!({"executionArn": started.execution_arn}).to_string();
        loop {
            let body = self.call("DescribeExecution", describe.clone()).await?;
            let s: Status = serde_json::from_slice(&body)?;
            match s.status.as_str() {
                "RUNNING" => tokio::time::sleep(POLL_INTERVAL).await,
                "SUCCEEDED" => return Ok(()),
                other => anyhow::bail!("execution {} ended {other}", started.execution_arn),
            }
        }
    }

    /// Runs one execution of `machine_arn` to its end the way its type allows.
    async fn execute(&self, backend: &Backend, machine_arn: &str) -> anyhow::Result<()> {
        match backend {
            Backend::Memory => self.start_sync(machine_arn).await,
            Backend::Sqlite | Backend::Postgres(_) => self.start_and_wait(machine_arn).await,
        }
    }
}

fn start_body(machine_arn: &str) -> String {
    serde_json::json!({"stateMachineArn": machine_arn, "input": "{}"}).to_string()
}

/// A fresh engine on `backend`, a server over it, a client, and a machine of `definition`.
async fn prepare(
    backend: &Backend,
    tag: &str,
    definition: &serde_json::Value,
) -> anyhow::Result<(Bench, Server, AwsClient, String)> {
    let bench = Bench::open(backend).await?;
    let sm = bench.machine(tag, definition).await?;
    let server = Server::start(&bench).await?;
    let client = AwsClient::new(&server)?;
    Ok((bench, server, client, sm.arn))
}

/// One run of workload 2: executions of the 20-state chain per second, `sizes.clients`
/// concurrent clients, each running one execution to its end after another.
pub async fn executions_per_second(backend: &Backend, sizes: &Sizes) -> anyhow::Result<f64> {
    let (_bench, server, client, arn) = prepare(backend, "http", &machines::pass_chain(CHAIN_STATES)).await?;
    let arn: Arc<str> = Arc::from(arn);
    let backend = Arc::new(backend.clone());
    let op = {
        let client = client.clone();
        Arc::new(move |_c: usize| {
            let (client, arn, backend) = (client.clone(), arn.clone(), backend.clone());
            async move { client.execute(&backend, &arn).await }
        })
    };
    let warm = op.clone();
    throughput(sizes.clients, warm_up(sizes.duration), move |c| warm(c)).await?;
    let rate = throughput(sizes.clients, sizes.duration, move |c| op(c)).await?;
    drop(client);
    server.shutdown().await?;
    Ok(rate)
}

/// Start→terminal latency of one client, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// One run of workload 3: `sizes.latency_samples` executions of the 5-state chain, one after
/// another, after a few to warm up.
pub async fn latency(backend: &Backend, sizes: &Sizes) -> anyhow::Result<Latency> {
    let (_bench, server, client, arn) = prepare(backend, "latency", &machines::pass_chain(LATENCY_STATES)).await?;
    let warm = (sizes.latency_samples / 10).clamp(1, 100);
    latencies(warm, || client.execute(backend, &arn)).await?;
    let ms = latencies(sizes.latency_samples, || client.execute(backend, &arn)).await?;
    drop(client);
    server.shutdown().await?;
    Ok(Latency { p50_ms: percentile(&ms, 50.0), p99_ms: percentile(&ms, 99.0) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Profile;

    fn tiny() -> Sizes {
        Sizes {
            clients: 4,
            duration: Duration::from_millis(50),
            latency_samples: 5,
            ..Sizes::for_profile(Profile::Quick)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn express_executions_complete_over_http() {
        assert!(executions_per_second(&Backend::Memory, &tiny()).await.unwrap() > 0.0);
        let l = latency(&Backend::Memory, &tiny()).await.unwrap();
        assert!(l.p50_ms > 0.0 && l.p99_ms >= l.p50_ms);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn standard_executions_complete_over_http_on_sqlite() {
        assert!(executions_per_second(&Backend::Sqlite, &tiny()).await.unwrap() > 0.0);
        let l = latency(&Backend::Sqlite, &tiny()).await.unwrap();
        assert!(l.p99_ms >= l.p50_ms);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sync_start_of_a_standard_machine_is_an_error() {
        let (_bench, server, client, arn) = prepare(&Backend::Sqlite, "err", &machines::pass_chain(2)).await.unwrap();
        let err = client.start_sync(&arn).await.unwrap_err().to_string();
        assert!(err.contains("StateMachineTypeNotSupported"), "{err}");
        drop(client);
        server.shutdown().await.unwrap();
    }
}
