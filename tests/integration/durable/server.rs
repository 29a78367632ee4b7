//! `cairn serve` as a child process, and a small client of its AWS JSON protocol.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

/// A `command` function `keep` that writes the task token it is given to `token.txt` beside it.
const KEEP_TOKEN_PY: &str = r#"import json, os, sys
event = json.load(sys.stdin)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "token.txt"), "w") as f:
    f.write(event["token"])
print("{}")
"#;

/// Writes the `keep` function into `dir`; returns the `--functions` file that registers it.
pub fn keep_token_function(dir: &Path) -> String {
    std::fs::write(dir.join("keep_token.py"), KEEP_TOKEN_PY).expect("script");
    let functions = dir.join("functions.json");
    std::fs::write(&functions, json!({"keep": {"command": ["python3", dir.join("keep_token.py")]}}).to_string())
        .expect("functions");
    functions.display().to_string()
}

/// A machine whose one Task hands its token to `keep` and waits for it.
pub fn ask_definition() -> Value {
    json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "keep", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}})
}

/// The token `keep` wrote into `dir` (waiting up to 10 s for it).
pub async fn kept_token(dir: &Path) -> String {
    let token_file = dir.join("token.txt");
    for _ in 0..200 {
        if token_file.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::read_to_string(&token_file).expect("the function got its token")
}

/// A running `cairn serve`; killed with SIGKILL when dropped.
pub struct Server {
    child: Child,
    pub endpoint: String,
}

/// What a server is started with.
#[derive(Clone)]
pub struct ServerSpec {
    pub port: u16,
    pub db: String,
    pub functions: Option<String>,
    pub workdir: std::path::PathBuf,
    pub lease_seconds: u64,
}

impl ServerSpec {
    /// A server on a free port with `cairn.db` (SQLite) in `workdir`.
    pub fn sqlite(workdir: &Path, functions: Option<String>) -> ServerSpec {
        ServerSpec {
            port: free_port(),
            db: "sqlite://cairn.db".into(),
            functions,
            workdir: workdir.to_path_buf(),
            lease_seconds: 1,
        }
    }
}

pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

impl Server {
    pub async fn start(spec: &ServerSpec) -> Server {
        let bind = format!("127.0.0.1:{}", spec.port);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn-cli"));
        cmd.args(["serve", "--bind", &bind, "--db", &spec.db, "--lease-seconds", &spec.lease_seconds.to_string()]);
        if let Some(f) = &spec.functions {
            cmd.args(["--functions", f]);
        }
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(spec.workdir.join("server.log"))
            .expect("log file");
        let child = cmd
            .current_dir(&spec.workdir)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start cairn serve");
        let server = Server { child, endpoint: format!("http://{bind}") };
        server.wait_ready(&spec.workdir).await;
        server
    }

    async fn wait_ready(&self, workdir: &Path) {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/healthz", self.endpoint)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let log = std::fs::read_to_string(workdir.join("server.log")).unwrap_or_default();
        panic!("cairn serve did not come up:\n{log}");
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client of the AWS JSON protocol at an endpoint.
#[derive(Clone)]
pub struct Aws {
    http: reqwest::Client,
    pub endpoint: String,
}

impl Aws {
    pub fn new(endpoint: &str) -> Self {
        Aws { http: reqwest::Client::new(), endpoint: endpoint.to_string() }
    }

    /// Calls an operation; `Err` carries AWS's error body (or the transport error).
    pub async fn call(&self, op: &str, body: Value) -> Result<Value, Value> {
        let r = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("AWSStepFunctions.{op}"))
            .body(body.to_string())
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| json!({"transport": e.to_string()}))?;
        let ok = r.status().is_success();
        let v: Value = r.json().await.map_err(|e| json!({"body": e.to_string()}))?;
        if ok {
            Ok(v)
        } else {
            Err(v)
        }
    }

    pub async fn create_machine(&self, name: &str, def: &Value) -> String {
        let body = json!({"name": name, "definition": def.to_string(), "roleArn": "arn:aws:iam::000000000000:role/r"});
        let r = self.call("CreateStateMachine", body).await.expect("CreateStateMachine");
        r["stateMachineArn"].as_str().expect("arn").to_string()
    }

    pub async fn start(&self, machine: &str, name: &str, input: &Value) -> String {
        let body = json!({"stateMachineArn": machine, "name": name, "input": input.to_string()});
        let r = self.call("StartExecution", body).await.expect("StartExecution");
        r["executionArn"].as_str().expect("arn").to_string()
    }

    pub async fn describe(&self, arn: &str) -> Result<Value, Value> {
        self.call("DescribeExecution", json!({"executionArn": arn})).await
    }

    /// DescribeExecution once the execution has ended (or after 10 s, whatever it says then).
    pub async fn until_terminal(&self, arn: &str) -> Value {
        let mut last = Value::Null;
        for _ in 0..200 {
            last = self.describe(arn).await.expect("describe");
            if last["status"] != "RUNNING" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        last
    }

    /// The whole history, page by page.
    pub async fn history(&self, arn: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"executionArn": arn, "maxResults": 1000});
            if let Some(t) = &token {
                body["nextToken"] = json!(t);
            }
            let r = self.call("GetExecutionHistory", body).await.expect("GetExecutionHistory");
            out.extend(r["events"].as_array().cloned().unwrap_or_default());
            match r["nextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => return out,
            }
        }
    }
}

/// Resident memory of a process, in KiB (Linux).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
