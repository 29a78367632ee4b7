//! Functions as Task states reach them: a `command` (event on stdin, result on stdout) and a
//! `url` (event POSTed), through both Lambda resource styles, with their error shapes.

use std::sync::Arc;
use std::time::Duration;

use engine::clock::TimeScale;
use engine::store::memory::MemoryStore;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use executor::{Executor, FunctionSpec, Registry};
use serde_json::{json, Value};

fn script(name: &str, body: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cairn-fn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, body).expect("write script");
    p
}

fn command(path: &std::path::Path, timeout: Option<u64>) -> FunctionSpec {
    FunctionSpec {
        command: Some(vec!["python3".into(), path.to_string_lossy().into_owned()]),
        url: None,
        timeout_seconds: timeout,
        env: [("GREETING".to_string(), "hi".to_string())].into_iter().collect(),
        headers: Default::default(),
        working_dir: None,
    }
}

async fn run(registry: Arc<Registry>, def: Value, input: Value) -> engine::store::ExecutionRecord {
    let config = EngineConfig { time_scale: TimeScale::SKIP, ..EngineConfig::default() };
    let engine = Engine::new(Arc::new(MemoryStore::new()), Arc::new(Executor::new(registry)), config);
    let sm = engine.create_state_machine("fns", &def.to_string(), MachineType::Standard, None).await.expect("create");
    let started =
        engine.start_execution(StartRequest { state_machine_arn: sm.arn, name: None, input }).await.expect("start");
    tokio::time::timeout(Duration::from_secs(30), engine.wait_for(&started.arn))
        .await
        .expect("finishes")
        .expect("record")
}

fn task(resource: &str, parameters: Option<Value>) -> Value {
    let mut t = json!({"Type": "Task", "Resource": resource, "End": true});
    if let Some(p) = parameters {
        t["Parameters"] = p;
    }
    json!({"StartAt": "T", "States": {"T": t}})
}

const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:";

#[tokio::test]
async fn a_command_function_gets_the_event_on_stdin_and_answers_on_stdout() {
    let p = script(
        "echo.py",
        "import json, os, sys\nevent = json.load(sys.stdin)\nprint(json.dumps({'got': event, 'greeting': os.environ['GREETING'], 'key': bool(os.environ.get('CAIRN_IDEMPOTENCY_KEY'))}))\n",
    );
    let registry = Arc::new(Registry::new());
    registry.put("echo".into(), command(&p, None)).expect("valid spec");
    let r = run(registry.clone(), task(&format!("{ARN}echo"), None), json!({"a": 1})).await;
    assert_eq!(r.output, Some(json!({"got": {"a": 1}, "greeting": "hi", "key": true})));
    // Through lambda:invoke the result is wrapped as AWS wraps it.
    let def = task("arn:aws:states:::lambda:invoke", Some(json!({"FunctionName": "echo", "Payload": {"b": 2}})));
    let r = run(registry, def, json!({})).await;
    let out = r.output.expect("output");
    assert_eq!(out["Payload"], json!({"got": {"b": 2}, "greeting": "hi", "key": true}));
    assert_eq!(out["StatusCode"], json!(200));
    assert_eq!(out["ExecutedVersion"], json!("$LATEST"));
}

#[tokio::test]
async fn a_command_function_error_becomes_the_task_error() {
    let p = script(
        "fail.py",
        "import json, sys\nprint(json.dumps({'errorType': 'ValidationError', 'errorMessage': 'no way'}))\nsys.exit(1)\n",
    );
    let crash = script("crash.py", "import sys\nsys.stderr.write('segfault-ish trouble')\nsys.exit(3)\n");
    let registry = Arc::new(Registry::new());
    registry.put("fail".into(), command(&p, None)).expect("spec");
    registry.put("crash".into(), command(&crash, None)).expect("spec");
    let r = run(registry.clone(), task(&format!("{ARN}fail"), None), json!({})).await;
    assert_eq!(r.error.as_deref(), Some("ValidationError"));
    let cause: Value = serde_json::from_str(r.cause.as_deref().unwrap_or("")).expect("cause is the error JSON");
    assert_eq!(cause["errorMessage"], json!("no way"));
    let r = run(registry, task(&format!("{ARN}crash"), None), json!({})).await;
    assert_eq!(r.error.as_deref(), Some("Unhandled"));
    assert!(r.cause.unwrap_or_default().contains("segfault-ish trouble"), "stderr goes into the cause");
}

#[tokio::test]
async fn a_command_function_that_runs_too_long_times_out() {
    let p = script("slow.py", "import time\ntime.sleep(30)\n");
    let registry = Arc::new(Registry::new());
    registry.put("slow".into(), command(&p, Some(1))).expect("spec");
    let start = std::time::Instant::now();
    let r = run(registry, task(&format!("{ARN}slow"), None), json!({})).await;
    assert!(start.elapsed() < Duration::from_secs(15));
    assert_eq!(r.error.as_deref(), Some("Sandbox.Timedout"));
}

#[tokio::test]
async fn an_unknown_function_fails_as_aws_does() {
    let registry = Arc::new(Registry::new());
    let def = task("arn:aws:states:::lambda:invoke", Some(json!({"FunctionName": "nope"})));
    let r = run(registry, def, json!({})).await;
    assert_eq!(r.error.as_deref(), Some("Lambda.ResourceNotFoundException"));
    assert!(r
        .cause
        .unwrap_or_default()
        .starts_with("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST"));
}

/// Reads one HTTP request: its head and its body (as long as its `content-length` says).
async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        let n = sock.read(&mut buf).await.ok().filter(|n| *n > 0)?;
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0usize);
            if seen.len() >= end + 4 + len {
                return Some((text[..end].to_string(), text[end + 4..end + 4 + len].to_string()));
            }
        }
    }
}

/// A one-route HTTP server on loopback answering every POST with `status` and `body`.
async fn http_function(status: u16, body: &'static str) -> String {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                if read_request(&mut sock).await.is_none() {
                    return;
                }
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/invoke")
}

#[tokio::test]
async fn a_url_function_answers_over_http() {
    let ok = http_function(200, r#"{"answer": 42}"#).await;
    let bad = http_function(500, r#"{"errorType": "Overloaded", "errorMessage": "try later"}"#).await;
    let registry = Arc::new(Registry::new());
    let spec = |url: String| FunctionSpec {
        command: None,
        url: Some(url),
        timeout_seconds: Some(5),
        env: Default::default(),
        headers: Default::default(),
        working_dir: None,
    };
    registry.put("ok".into(), spec(ok)).expect("spec");
    registry.put("bad".into(), spec(bad)).expect("spec");
    registry.put("gone".into(), spec("http://127.0.0.1:9/invoke".into())).expect("spec");
    let r = run(registry.clone(), task(&format!("{ARN}ok"), None), json!({})).await;
    assert_eq!(r.output, Some(json!({"answer": 42})));
    let r = run(registry.clone(), task(&format!("{ARN}bad"), None), json!({})).await;
    assert_eq!(r.error.as_deref(), Some("Overloaded"));
    let r = run(registry, task(&format!("{ARN}gone"), None), json!({})).await;
    assert_eq!(r.error.as_deref(), Some("Lambda.ServiceException"));
}

/// An HTTP server on loopback that answers with what it received: `{"line", "body"}`, or a 404
/// for paths under `/missing`.
async fn echo_server() -> String {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut sock).await else { return };
                let line = head.lines().next().unwrap_or("").to_string();
                let (status, reply) = if line.contains(" /missing") {
                    ("404 Not Found", json!({"message": "no such thing"}).to_string())
                } else {
                    ("200 OK", json!({"line": line, "body": body, "head": head}).to_string())
                };
                let out = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = sock.write_all(out.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_http_task_calls_an_endpoint_with_aws_parameters() {
    let base = echo_server().await;
    let def = task(
        "arn:aws:states:::http:invoke",
        Some(json!({"ApiEndpoint": format!("{base}/orders"), "Method": "POST",
            "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:000000000000:connection/c"},
            "Headers": {"x-trace": "t-1"}, "QueryParameters": {"ids": [1, 2], "q": "a b"},
            "RequestBody": {"item.$": "$.item"},
            "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "REPEAT"}}})),
    );
    let r = run(Arc::new(Registry::new()), def, json!({"item": "book"})).await;
    let out = r.output.unwrap_or_else(|| panic!("{:?} {:?}", r.error, r.cause));
    assert_eq!(out["StatusCode"], json!(200));
    assert_eq!(out["StatusText"], json!("OK"));
    assert_eq!(out["Headers"]["content-type"], json!(["application/json"]));
    assert_eq!(out["ResponseBody"]["line"], json!("POST /orders?ids=1&ids=2&q=a+b HTTP/1.1"));
    assert_eq!(out["ResponseBody"]["body"], json!("item=book"));
    let head = out["ResponseBody"]["head"].as_str().unwrap_or("").to_ascii_lowercase();
    assert!(head.contains("x-trace: t-1") && head.contains("application/x-www-form-urlencoded"), "{head}");
}

#[tokio::test]
async fn http_task_errors_are_named_as_aws_names_them() {
    let base = echo_server().await;
    let missing =
        task("arn:aws:states:::http:invoke", Some(json!({"ApiEndpoint": format!("{base}/missing"), "Method": "GET"})));
    let r = run(Arc::new(Registry::new()), missing, json!({})).await;
    assert_eq!(r.error.as_deref(), Some("States.Http.StatusCode.404"));
    let cause: Value = serde_json::from_str(r.cause.as_deref().unwrap_or("")).expect("the response as cause");
    assert_eq!(cause["ResponseBody"], json!({"message": "no such thing"}));
    // Hosts outside the allow-list are refused before any connection is made.
    let far = task(
        "arn:aws:states:::http:invoke",
        Some(json!({"ApiEndpoint": "https://example.invalid/x", "Method": "GET"})),
    );
    let r = run(Arc::new(Registry::new()), far, json!({})).await;
    assert_eq!(r.error.as_deref(), Some("States.Permissions"));
    let closed =
        task("arn:aws:states:::http:invoke", Some(json!({"ApiEndpoint": "http://127.0.0.1:9/x", "Method": "GET"})));
    let r = run(Arc::new(Registry::new()), closed, json!({})).await;
    assert_eq!(r.error.as_deref(), Some("States.Http.Socket"));
}
