//! The engine over a durable store: the same histories as in memory, executions that leave memory
//! while they wait, and recovery from the last commit after the runtime is torn down mid-flight.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use engine::interp::ExecStatus;
use engine::invoker::{BoxFuture, InvokeContext, TaskCall, TaskInvoker};
use engine::store::memory::MemoryStore;
use engine::store::postgres::LeaseConfig;
use engine::store::{MachineType, Store};
use engine::{Engine, EngineConfig, StartRequest};
use serde_json::{json, Value};
use state_lang::Failure;

/// Answers every task with its payload, after a delay; `hang` makes it never answer. Records the
/// attempt keys it was given.
struct Echo {
    delay: Duration,
    hang: bool,
    keys: Arc<Mutex<Vec<String>>>,
}

impl TaskInvoker for Echo {
    fn invoke(&self, call: TaskCall, _ctx: InvokeContext) -> BoxFuture<'static, Result<Value, Failure>> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).push(call.attempt_key.clone());
        let (delay, hang) = (self.delay, self.hang);
        Box::pin(async move {
            if hang {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(delay).await;
            Ok(call.payload)
        })
    }
}

fn echo(hang: bool) -> (Arc<Echo>, Arc<Mutex<Vec<String>>>) {
    let keys = Arc::new(Mutex::new(Vec::new()));
    (Arc::new(Echo { delay: Duration::from_millis(20), hang, keys: keys.clone() }), keys)
}

const F: &str = "arn:aws:lambda:us-east-1:000000000000:function:echo";

fn machines() -> Vec<(&'static str, Value, Value)> {
    vec![
        (
            "chain",
            json!({"StartAt": "A", "States": {
                "A": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "B"},
                "B": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"},
                "Big": {"Type": "Wait", "Seconds": 1, "Next": "Call"},
                "Small": {"Type": "Fail", "Error": "Small", "Cause": "too small"},
                "Call": {"Type": "Task", "Resource": F, "End": true}}}),
            json!({"n": 5}),
        ),
        (
            "fanout",
            json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}},
                {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "End": true,
                    "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": F, "End": true}}}}}}
            ]}}}),
            json!([1, 2, 3]),
        ),
    ]
}

/// A history without its timestamps, for comparing runs.
async fn shape(engine: &Engine, arn: &str) -> Vec<Value> {
    let h = engine.history(arn).await.expect("history");
    h.into_iter().map(|e| json!([e.id, e.previous_event_id, e.event_type, e.details])).collect()
}

async fn new_engine(store: Arc<dyn Store>, invoker: Arc<Echo>) -> Engine {
    let engine = Engine::new(store, invoker, EngineConfig::default());
    engine.recover().await.expect("recover");
    engine
}

async fn run_all(engine: &Engine) -> Vec<(ExecStatus, Option<Value>, Vec<Value>)> {
    let mut out = Vec::new();
    for (name, def, input) in machines() {
        let sm =
            engine.create_state_machine(name, &def.to_string(), MachineType::Standard, None).await.expect("create");
        let started = engine
            .start_execution(StartRequest { state_machine_arn: sm.arn, name: Some("x".into()), input })
            .await
            .expect("start");
        let done = tokio::time::timeout(Duration::from_secs(20), engine.wait_for(&started.arn)).await.expect("in time");
        let done = done.expect("describe");
        out.push((done.status, done.output.clone(), shape(engine, &done.arn).await));
    }
    out
}

/// The durable stores write the same histories the in-memory store does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_engine_runs_like_the_memory_engine() {
    let dir = super::TempDir::new("same");
    let memory = new_engine(Arc::new(MemoryStore::new()), echo(false).0).await;
    let store = engine::store::open(&dir.sqlite_url(), LeaseConfig::default()).await.expect("open");
    let sqlite = new_engine(store, echo(false).0).await;
    let (a, b) = (run_all(&memory).await, run_all(&sqlite).await);
    assert_eq!(a[0].1, Some(json!({"n": 5})));
    assert_eq!(a[1].1, Some(json!([[1, 2, 3], [1, 2, 3]])));
    assert_eq!(a, b);
}

/// A Wait of a few seconds takes the execution out of memory; it comes back when due, and a
/// StopExecution reaches it while it is parked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_executions_leave_memory_and_come_back() {
    let dir = super::TempDir::new("park");
    let store = engine::store::open(&dir.sqlite_url(), LeaseConfig::default()).await.expect("open");
    let engine = new_engine(store, echo(false).0).await;
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": "woke", "End": true}}});
    let sm = engine.create_state_machine("nap", &def.to_string(), MachineType::Standard, None).await.expect("create");
    let mut arns = Vec::new();
    for i in 0..40 {
        let req = StartRequest { state_machine_arn: sm.arn.clone(), name: Some(format!("n{i}")), input: json!({}) };
        arns.push(engine.start_execution(req).await.expect("start").arn);
    }
    for _ in 0..50 {
        if engine.load_figures() == (0, 40) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(engine.load_figures(), (0, 40), "all parked, none in memory");
    let stopped = engine.stop_execution(&arns[0], Some("Why".into()), Some("because".into())).await.expect("stop");
    assert_eq!((stopped.status, stopped.error.as_deref()), (ExecStatus::Aborted, Some("Why")));
    for arn in &arns[1..] {
        let done = tokio::time::timeout(Duration::from_secs(10), engine.wait_for(arn)).await.expect("in time");
        let done = done.expect("describe");
        assert_eq!((done.status, done.output), (ExecStatus::Succeeded, Some(json!("woke"))));
        let late = done.stop.expect("stopped") - done.start;
        assert!((3000..5500).contains(&late.num_milliseconds()), "woke {late} after start");
    }
    let aborted = shape(&engine, &arns[0]).await;
    let types: Vec<&str> = aborted.iter().filter_map(|e| e[2].as_str()).collect();
    assert_eq!(types, ["ExecutionStarted", "WaitStateEntered", "WaitStateAborted", "ExecutionAborted"]);
}

/// Tears a runtime down mid-flight (as a crash would), then continues from the store: a Wait
/// mid-way, a task attempt without result (sent again with the same attempt key), a Map half done.
#[test]
fn a_new_engine_continues_from_the_last_commit() {
    let dir = super::TempDir::new("recover");
    let url = dir.sqlite_url();
    let def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": F, "Next": "Nap"},
        "Nap": {"Type": "Wait", "Seconds": 1, "Next": "Each"},
        "Each": {"Type": "Map", "MaxConcurrency": 1, "End": true,
            "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}}}});
    let first_keys = {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let keys = rt.block_on(async {
            let store = engine::store::open(&url, LeaseConfig::default()).await.expect("open");
            let (invoker, keys) = echo(true);
            let engine = new_engine(store, invoker).await;
            let sm = engine.create_state_machine("r", &def.to_string(), MachineType::Standard, None).await.expect("sm");
            for (name, input) in [("task", json!([1, 2])), ("map", json!([1, 2, 3]))] {
                let req = StartRequest { state_machine_arn: sm.arn.clone(), name: Some(name.into()), input };
                engine.start_execution(req).await.expect("start");
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
            keys
        });
        drop(rt);
        let k = keys.lock().unwrap_or_else(|p| p.into_inner()).clone();
        k
    };
    assert_eq!(first_keys.len(), 2, "both executions called their task once: {first_keys:?}");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = engine::store::open(&url, LeaseConfig::default()).await.expect("reopen");
        let (invoker, keys) = echo(false);
        let engine = new_engine(store, invoker).await;
        for name in ["task", "map"] {
            let arn = format!("arn:aws:states:us-east-1:000000000000:execution:r:{name}");
            let done = tokio::time::timeout(Duration::from_secs(20), engine.wait_for(&arn)).await.expect("in time");
            let done = done.expect("describe");
            assert_eq!(done.status, ExecStatus::Succeeded, "{name}");
            let h = shape(&engine, &arn).await;
            let ids: Vec<u64> = h.iter().filter_map(|e| e[0].as_u64()).collect();
            assert_eq!(ids, (1..=h.len() as u64).collect::<Vec<_>>());
            let scheduled = h.iter().filter(|e| e[2] == "LambdaFunctionScheduled").count();
            assert_eq!(scheduled, 1, "one attempt in the history of {name}");
        }
        let mut again = keys.lock().unwrap_or_else(|p| p.into_inner()).clone();
        again.sort();
        let mut first = first_keys.clone();
        first.sort();
        assert_eq!(again, first, "the attempts are sent again with the same keys");
    });
}
