//! `cairn serve` killed with SIGKILL mid-flight, twice, then restarted: every execution ends with
//! the right output, its history has no gap or duplicate, and no state was entered twice.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::server::{free_port, Aws, Server, ServerSpec};

const FLAKY: &str = "arn:aws:lambda:us-east-1:000000000000:function:flaky";
const ECHO: &str = "arn:aws:lambda:us-east-1:000000000000:function:echo";

/// Fails (`Flaky`) until the state's retry count reaches `fail`, whichever attempt is re-sent.
const FLAKY_PY: &str = r#"import json, sys
ev = json.load(sys.stdin)
if ev["retry"] < ev["fail"]:
    print(json.dumps({"errorType": "Flaky", "errorMessage": "try again"}))
    sys.exit(1)
print(json.dumps({"n": ev["n"], "retries": ev["retry"]}))
"#;

const ECHO_PY: &str = "import sys\nsys.stdout.write(sys.stdin.read())\n";

/// One kind of execution: its definition, how many to start, the output for input `{"n": i}`,
/// and how often each state is entered.
pub(super) struct Shape {
    pub name: &'static str,
    pub definition: Value,
    count: usize,
    input: fn(usize) -> Value,
    output: fn(usize) -> Value,
    entered: &'static [(&'static str, usize)],
}

fn n_input(i: usize) -> Value {
    json!({"n": i})
}

pub(super) fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            name: "waits",
            definition: json!({"StartAt": "Start", "States": {
                "Start": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Wait1"},
                "Wait1": {"Type": "Wait", "Seconds": 3, "Next": "Wait2"},
                "Wait2": {"Type": "Wait", "Seconds": 2, "Next": "Done"},
                "Done": {"Type": "Pass", "Parameters": {"n.$": "$.n", "done": true}, "End": true}}}),
            count: 20,
            input: n_input,
            output: |i| json!({"n": i, "done": true}),
            entered: &[("Start", 1), ("Wait1", 1), ("Wait2", 1), ("Done", 1)],
        },
        Shape {
            name: "retry",
            definition: json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": FLAKY,
                "Parameters": {"n.$": "$.n", "fail": 2, "retry.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "BackoffRate": 2, "MaxAttempts": 3}],
                "End": true}}}),
            count: 15,
            input: n_input,
            output: |i| json!({"n": i, "retries": 2}),
            entered: &[("Call", 1)],
        },
        Shape {
            name: "map",
            definition: json!({"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
                "MaxConcurrency": 50, "End": true,
                "ItemProcessor": {"StartAt": "Nap", "States": {
                    "Nap": {"Type": "Wait", "Seconds": 2, "Next": "Tag"},
                    "Tag": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": true}}}}}}),
            count: 2,
            input: |_| json!({"items": (0..200).collect::<Vec<_>>()}),
            output: |_| Value::Array((0..200).map(|v| json!({"v": v})).collect()),
            entered: &[("Each", 1), ("Nap", 200), ("Tag", 200)],
        },
        Shape {
            name: "parallel",
            definition: json!({"StartAt": "Par", "States": {"Par": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "PW", "States": {"PW": {"Type": "Wait", "Seconds": 2, "Next": "PA"},
                    "PA": {"Type": "Pass", "Result": {"b": 1}, "End": true}}},
                {"StartAt": "PT", "States": {"PT": {"Type": "Task", "Resource": ECHO,
                    "Parameters": {"b": 2, "n.$": "$.n"}, "End": true}}},
                {"StartAt": "PV", "States": {"PV": {"Type": "Wait", "Seconds": 4, "Next": "PB"},
                    "PB": {"Type": "Pass", "Result": {"b": 3}, "End": true}}}]}}}),
            count: 10,
            input: n_input,
            output: |i| json!([{"b": 1}, {"b": 2, "n": i}, {"b": 3}]),
            entered: &[("Par", 1), ("PW", 1), ("PA", 1), ("PT", 1), ("PV", 1), ("PB", 1)],
        },
        Shape {
            name: "tasks",
            definition: json!({"StartAt": "T1", "States": {
                "T1": {"Type": "Task", "Resource": ECHO, "Parameters": {"step": 1, "n.$": "$.n"}, "Next": "Nap"},
                "Nap": {"Type": "Wait", "Seconds": 3, "Next": "T2"},
                "T2": {"Type": "Task", "Resource": ECHO, "Parameters": {"step": 2, "n.$": "$.n"}, "End": true}}}),
            count: 5,
            input: n_input,
            output: |i| json!({"step": 2, "n": i}),
            entered: &[("T1", 1), ("Nap", 1), ("T2", 1)],
        },
    ]
}

pub(super) fn write_functions(dir: &std::path::Path) -> String {
    std::fs::write(dir.join("flaky.py"), FLAKY_PY).expect("write flaky.py");
    std::fs::write(dir.join("echo.py"), ECHO_PY).expect("write echo.py");
    let f = json!({
        "flaky": {"command": ["python3", dir.join("flaky.py")]},
        "echo": {"command": ["python3", dir.join("echo.py")]},
    });
    let path = dir.join("functions.json");
    std::fs::write(&path, f.to_string()).expect("write functions.json");
    path.display().to_string()
}

/// Starts every execution of every shape (concurrently, spread over the servers given); returns
/// (shape index, i, ARN).
pub(super) async fn start_all(servers: &[Aws]) -> Vec<(usize, usize, String)> {
    let mut jobs = Vec::new();
    for (k, shape) in shapes().into_iter().enumerate() {
        let machine = servers[0].create_machine(shape.name, &shape.definition).await;
        for i in 0..shape.count {
            let aws = servers[(k + i) % servers.len()].clone();
            let (machine, input) = (machine.clone(), (shape.input)(i));
            jobs.push(tokio::spawn(async move { (k, i, aws.start(&machine, &format!("run-{i}"), &input).await) }));
        }
    }
    let mut out = Vec::new();
    for j in jobs {
        out.push(j.await.expect("start task"));
    }
    out
}

pub(super) async fn count_running(aws: &Aws, runs: &[(usize, usize, String)]) -> usize {
    let mut running = 0;
    for (_, _, arn) in runs {
        if aws.describe(arn).await.expect("describe")["status"] == "RUNNING" {
            running += 1;
        }
    }
    running
}

pub(super) async fn wait_all_done(aws: &Aws, runs: &[(usize, usize, String)], deadline: Duration) {
    let t0 = Instant::now();
    loop {
        let running = count_running(aws, runs).await;
        if running == 0 {
            return;
        }
        assert!(t0.elapsed() < deadline, "{running} executions still running after {deadline:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// No gap, no duplicate; each state entered as often as the shape says (a Retry does not enter
/// again); one ending.
fn check_history(what: &str, events: &[Value], entered: &[(&str, usize)]) {
    let ids: Vec<u64> = events.iter().filter_map(|e| e["id"].as_u64()).collect();
    assert_eq!(ids, (1..=events.len() as u64).collect::<Vec<_>>(), "{what}: event ids");
    for e in events {
        assert!(e["previousEventId"].as_u64() < e["id"].as_u64(), "{what}: {e}");
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        if e["type"].as_str().is_some_and(|t| t.ends_with("StateEntered")) {
            let name = e["stateEnteredEventDetails"]["name"].as_str().unwrap_or_default().to_string();
            *counts.entry(name).or_default() += 1;
        }
    }
    let expected: BTreeMap<String, usize> = entered.iter().map(|(n, c)| (n.to_string(), *c)).collect();
    assert_eq!(counts, expected, "{what}: states entered");
    let endings = events.iter().filter(|e| e["type"].as_str().is_some_and(|t| t.starts_with("Execution"))).count();
    assert_eq!(endings, 2, "{what}: ExecutionStarted and one ending");
    let iterations: HashSet<u64> = events
        .iter()
        .filter(|e| e["type"] == "MapIterationSucceeded")
        .filter_map(|e| e["mapIterationSucceededEventDetails"]["index"].as_u64())
        .collect();
    let started = events.iter().filter(|e| e["type"] == "MapIterationStarted").count();
    assert_eq!(started, iterations.len(), "{what}: each Map iteration started once and succeeded once");
}

fn check_retry_history(what: &str, events: &[Value]) {
    let count = |t: &str| events.iter().filter(|e| e["type"] == t).count();
    assert_eq!(
        (count("LambdaFunctionScheduled"), count("LambdaFunctionFailed"), count("LambdaFunctionSucceeded")),
        (3, 2, 1),
        "{what}: two failed attempts, then success"
    );
}

/// Every execution succeeded with its shape's output and a clean history.
pub(super) async fn verify_all(aws: &Aws, runs: &[(usize, usize, String)]) {
    let shapes = shapes();
    for (k, i, arn) in runs {
        let shape = &shapes[*k];
        let what = format!("{} #{i}", shape.name);
        let d = aws.describe(arn).await.expect("describe");
        assert_eq!(d["status"], "SUCCEEDED", "{what}: {d}");
        let output: Value = serde_json::from_str(d["output"].as_str().unwrap_or("null")).expect("output JSON");
        assert_eq!(output, (shape.output)(*i), "{what}");
        let events = aws.history(arn).await;
        check_history(&what, &events, shape.entered);
        if shape.name == "retry" {
            check_retry_history(&what, &events);
        }
    }
}

/// Prints the warnings and errors a server logged (for a failing test's report).
pub(super) fn print_server_log(dir: &std::path::Path) {
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    for line in log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR")) {
        eprintln!("server: {line}");
    }
}

async fn crash_scenario(db: String, dir: &super::TempDir) {
    let spec = ServerSpec {
        port: free_port(),
        db,
        functions: Some(write_functions(&dir.0)),
        workdir: dir.0.clone(),
        lease_seconds: 1,
    };
    let server = Server::start(&spec).await;
    let aws = Aws::new(&server.endpoint);
    let runs = start_all(std::slice::from_ref(&aws)).await;
    assert!(runs.len() >= 50);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill9();
    let server = Server::start(&spec).await;
    let running = count_running(&aws, &runs).await;
    assert!(running >= runs.len() / 2, "the first kill came mid-flight ({running} running)");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.kill9();
    let server = Server::start(&spec).await;
    let running = count_running(&aws, &runs).await;
    assert!(running > 0, "the second kill came mid-flight");
    wait_all_done(&aws, &runs, Duration::from_secs(90)).await;
    verify_all(&aws, &runs).await;
    drop(server);
    print_server_log(&dir.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_executions_survive_kill_9() {
    let _heavy = crate::HEAVY.lock().await;
    let dir = super::TempDir::new("crash");
    // The default database: `cairn.db` in the server's working directory.
    crash_scenario("sqlite://cairn.db".into(), &dir).await;
    assert!(dir.0.join("cairn.db").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_executions_survive_kill_9() {
    let _heavy = crate::HEAVY.lock().await;
    let Some(url) = super::postgres_database("crash").await else { return };
    let dir = super::TempDir::new("pgcrash");
    crash_scenario(url, &dir).await;
}
