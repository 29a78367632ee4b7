//! The behavioural suite every durable store passes: state machines, executions and their
//! histories, refused writes, group commit, and what recovery reads back.

use std::sync::Arc;

use chrono::Utc;
use engine::context::ExecInfo;
use engine::interp::{ExecState, ExecStatus, Interpreter, Signal, Step};
use engine::runtime::RngEntropy;
use engine::store::postgres::LeaseConfig;
use engine::store::{Commit, ExecutionFilter, ExecutionRecord, MachineType, StateMachineRecord, Store};
use engine::EngineError;
use serde_json::{json, Value};

const WAIT_MACHINE: &str = r#"{"StartAt": "First", "States": {
    "First": {"Type": "Pass", "Result": {"k": 1}, "Next": "Nap"},
    "Nap": {"Type": "Wait", "Seconds": 30, "Next": "Last"},
    "Last": {"Type": "Pass", "End": true}}}"#;

const TASK_MACHINE: &str = r#"{"StartAt": "Call", "States": {
    "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:f", "End": true}}}"#;

fn machine_record(name: &str, definition: &str) -> StateMachineRecord {
    let now = Utc::now();
    StateMachineRecord {
        arn: format!("arn:aws:states:us-east-1:000000000000:stateMachine:{name}"),
        name: name.into(),
        definition: definition.into(),
        machine_type: MachineType::Standard,
        role_arn: "arn:aws:iam::000000000000:role/r".into(),
        created: now,
        updated: now,
        description: None,
    }
}

/// An execution just started by the interpreter: its record, state and first step.
struct Started {
    record: ExecutionRecord,
    state: ExecState,
    step: Step,
    machine: state_lang::StateMachine,
}

fn start(sm: &StateMachineRecord, name: &str, input: Value) -> Started {
    let machine = state_lang::load(&sm.definition).expect("valid definition");
    let now = Utc::now();
    let arn = format!("arn:aws:states:us-east-1:000000000000:execution:{}:{name}", sm.name);
    let info = ExecInfo {
        arn: arn.clone(),
        name: name.into(),
        state_machine_arn: sm.arn.clone(),
        state_machine_name: sm.name.clone(),
        role_arn: sm.role_arn.clone(),
        start_time: now,
        input: input.clone().into(),
        redrive_count: 0,
        test_case: None,
    };
    let (state, step) = Interpreter::start(&machine, info, now, &RngEntropy::new());
    let record = ExecutionRecord {
        arn,
        name: name.into(),
        state_machine_arn: sm.arn.clone(),
        status: ExecStatus::Running,
        start: now,
        stop: None,
        input,
        output: None,
        error: None,
        cause: None,
        redrive_count: 0,
    };
    Started { record, state, step, machine }
}

async fn create(store: &dyn Store, s: &Started) -> Result<(), EngineError> {
    store.create_execution(Commit { record: &s.record, state: &s.state, events: &s.step.events }).await
}

/// Fires the Wait's timer and commits the rest of the execution.
async fn finish_wait(store: &dyn Store, s: &mut Started) {
    let (wake, _) = engine::store::waiting_on(&s.state);
    assert!(wake.is_some(), "the execution waits on a timer");
    let timer = Interpreter::pending_commands(&s.state)
        .into_iter()
        .find_map(|c| match c {
            engine::interp::Command::Timer { id, .. } => Some(id),
            _ => None,
        })
        .expect("a pending timer");
    let step =
        Interpreter::resume(&s.machine, &mut s.state, Signal::Timer { id: timer }, Utc::now(), &RngEntropy::new());
    if let Some(t) = &step.terminal {
        s.record.apply_terminal(t, Utc::now());
    }
    store.commit(Commit { record: &s.record, state: &s.state, events: &step.events }).await.expect("commit");
    s.step = step;
}

/// Events with their timestamps at AWS's precision (PostgreSQL keeps microseconds, the clock
/// gives nanoseconds).
fn to_millis(events: Vec<engine::history::HistoryEvent>) -> Vec<engine::history::HistoryEvent> {
    events
        .into_iter()
        .map(|mut e| {
            e.timestamp = chrono::DateTime::from_timestamp_millis(e.timestamp.timestamp_millis()).unwrap_or_default();
            e
        })
        .collect()
}

pub async fn state_machines(store: &dyn Store) {
    let a = machine_record("a", WAIT_MACHINE);
    let b = machine_record("b", TASK_MACHINE);
    store.put_state_machine(a.clone(), false).await.expect("put a");
    store.put_state_machine(b.clone(), false).await.expect("put b");
    let again = store.put_state_machine(a.clone(), false).await;
    assert!(matches!(again, Err(EngineError::StateMachineAlreadyExists(_))), "{again:?}");
    let got = store.get_state_machine(&a.arn).await.expect("get").expect("a exists");
    assert_eq!(
        (got.name.as_str(), got.definition.as_str(), got.machine_type),
        ("a", WAIT_MACHINE, MachineType::Standard)
    );
    assert_eq!(got.created.timestamp_millis(), a.created.timestamp_millis());

    let mut updated = a.clone();
    updated.definition = TASK_MACHINE.into();
    updated.description = Some("now a task".into());
    store.put_state_machine(updated, true).await.expect("replace");
    let got = store.get_state_machine(&a.arn).await.expect("get").expect("a exists");
    assert_eq!((got.definition.as_str(), got.description.as_deref()), (TASK_MACHINE, Some("now a task")));

    let names: Vec<String> = store.list_state_machines().await.expect("list").into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["a", "b"], "listed in creation order, a replaced machine keeps its place");
    store.delete_state_machine(&a.arn).await.expect("delete");
    assert!(store.get_state_machine(&a.arn).await.expect("get").is_none());
    assert!(store
        .get_state_machine("arn:aws:states:us-east-1:000000000000:stateMachine:none")
        .await
        .expect("get")
        .is_none());
}

pub async fn executions_and_history(store: &dyn Store) {
    let sm = machine_record("hist", WAIT_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    let mut s = start(&sm, "one", json!({"x": [1, 2], "b": "z", "a": null}));
    create(store, &s).await.expect("create");
    let dup = create(store, &s).await;
    assert!(matches!(dup, Err(EngineError::ExecutionAlreadyExists(_))), "{dup:?}");

    let rec = store.get_execution(&s.record.arn).await.expect("get").expect("exists");
    assert_eq!(rec.status, ExecStatus::Running);
    assert_eq!(
        serde_json::to_string(&rec.input).ok(),
        Some(r#"{"x":[1,2],"b":"z","a":null}"#.into()),
        "member order kept"
    );
    let first = store.history(&s.record.arn, 0, 0).await.expect("history");
    assert_eq!(to_millis(first), to_millis(s.step.events.clone()), "events read back as written");

    finish_wait(store, &mut s).await;
    let rec = store.get_execution(&s.record.arn).await.expect("get").expect("exists");
    assert_eq!((rec.status, rec.output.clone()), (ExecStatus::Succeeded, Some(json!({"k": 1}))));
    assert!(rec.stop.is_some());
    let all = store.history(&s.record.arn, 0, 0).await.expect("history");
    let ids: Vec<u64> = all.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=all.len() as u64).collect::<Vec<_>>(), "no gap, no duplicate");
    assert_eq!(all.last().map(|e| e.event_type.as_str()), Some("ExecutionSucceeded"));
    let page = store.history(&s.record.arn, 2, 3).await.expect("page");
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), [3, 4, 5]);

    let missing = store.history("arn:aws:states:us-east-1:000000000000:execution:hist:none", 0, 0).await;
    assert!(matches!(missing, Err(EngineError::ExecutionDoesNotExist(_))), "{missing:?}");
    assert!(store
        .get_execution("arn:aws:states:us-east-1:000000000000:execution:hist:none")
        .await
        .expect("get")
        .is_none());
}

pub async fn listing(store: &dyn Store) {
    let a = machine_record("la", WAIT_MACHINE);
    let b = machine_record("lb", WAIT_MACHINE);
    store.put_state_machine(a.clone(), false).await.expect("put");
    store.put_state_machine(b.clone(), false).await.expect("put");
    for (i, sm) in [&a, &b, &a, &b, &a].into_iter().enumerate() {
        let mut s = start(sm, &format!("e{i}"), json!(i));
        create(store, &s).await.expect("create");
        if i == 2 {
            finish_wait(store, &mut s).await;
        }
    }
    let names = |v: Vec<ExecutionRecord>| v.into_iter().map(|r| r.name).collect::<Vec<_>>();
    let all = store.list_executions(ExecutionFilter::default()).await.expect("list");
    assert_eq!(names(all), ["e4", "e3", "e2", "e1", "e0"], "newest first");
    let of_a = ExecutionFilter { state_machine_arn: Some(a.arn.clone()), ..ExecutionFilter::default() };
    assert_eq!(names(store.list_executions(of_a.clone()).await.expect("list")), ["e4", "e2", "e0"]);
    let running_a = ExecutionFilter { status: Some(ExecStatus::Running), ..of_a.clone() };
    assert_eq!(names(store.list_executions(running_a).await.expect("list")), ["e4", "e0"]);
    let page = ExecutionFilter { offset: 1, limit: 1, ..of_a };
    assert_eq!(names(store.list_executions(page).await.expect("list")), ["e2"]);
}

pub async fn refuses_a_stale_commit(store: &dyn Store) {
    let sm = machine_record("stale", WAIT_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    let mut s = start(&sm, "s", json!({}));
    create(store, &s).await.expect("create");
    let mut twin = Started {
        record: s.record.clone(),
        state: s.state.clone(),
        step: Step::default(),
        machine: state_lang::load(WAIT_MACHINE).expect("valid"),
    };
    finish_wait(store, &mut s).await;
    // A second writer continuing from the same commit must not append a second ending.
    let step = Interpreter::resume(
        &twin.machine,
        &mut twin.state,
        Signal::Stop { error: None, cause: None },
        Utc::now(),
        &RngEntropy::new(),
    );
    let refused = store.commit(Commit { record: &twin.record, state: &twin.state, events: &step.events }).await;
    assert!(refused.is_err(), "a commit from a stale state is refused");
    let all = store.history(&s.record.arn, 0, 0).await.expect("history");
    assert_eq!(
        all.iter().filter(|e| e.event_type.starts_with("Execution") && e.event_type != "ExecutionStarted").count(),
        1
    );
}

pub async fn recovery_reads(store: &dyn Store) {
    let sm = machine_record("rec", WAIT_MACHINE);
    let tm = machine_record("rect", TASK_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    store.put_state_machine(tm.clone(), false).await.expect("put");
    let waiting = start(&sm, "w", json!({"w": 1}));
    let calling = start(&tm, "t", json!({"t": 2}));
    let mut done = start(&sm, "d", json!({}));
    create(store, &waiting).await.expect("create");
    create(store, &calling).await.expect("create");
    create(store, &done).await.expect("create");
    finish_wait(store, &mut done).await;

    // The machine changes; its running executions keep the definition they started with.
    let mut changed = sm.clone();
    changed.definition = TASK_MACHINE.into();
    store.put_state_machine(changed, true).await.expect("replace");

    let found = store.unfinished().await.expect("unfinished");
    assert_eq!(found.len(), 2, "{found:?}");
    let by_arn = |arn: &str| found.iter().find(|u| u.arn == arn).expect("listed as unfinished");
    let (t, w) = (by_arn(&calling.record.arn), by_arn(&waiting.record.arn));
    assert_eq!((t.arn.as_str(), t.tasks, t.wake_at), (calling.record.arn.as_str(), 1, None));
    let due = engine::store::waiting_on(&waiting.state).0.expect("due");
    assert_eq!((w.arn.as_str(), w.tasks), (waiting.record.arn.as_str(), 0));
    assert_eq!(w.wake_at.map(|d| d.timestamp_millis()), Some(due.timestamp_millis()));

    let loaded = store.load(&waiting.record.arn).await.expect("load").expect("stored");
    assert_eq!(loaded.definition, WAIT_MACHINE);
    assert_eq!(loaded.record.input, json!({"w": 1}));
    assert_eq!(
        serde_json::to_value(&loaded.state).ok(),
        serde_json::to_value(&waiting.state).ok(),
        "the snapshot round-trips"
    );
    assert!(store.load("arn:aws:states:us-east-1:000000000000:execution:rec:none").await.expect("load").is_none());
}

/// Many executions committing at once: every commit lands, in its own history.
pub async fn concurrent_commits(store: Arc<dyn Store>) {
    let sm = machine_record("many", WAIT_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    let mut handles = Vec::new();
    for i in 0..200 {
        let store = store.clone();
        let sm = sm.clone();
        handles.push(tokio::spawn(async move {
            let mut s = start(&sm, &format!("m{i}"), json!(i));
            create(store.as_ref(), &s).await.expect("create");
            finish_wait(store.as_ref(), &mut s).await;
            s.record.arn
        }));
    }
    for h in handles {
        let arn = h.await.expect("task");
        let rec = store.get_execution(&arn).await.expect("get").expect("exists");
        assert_eq!(rec.status, ExecStatus::Succeeded);
        let n = store.history(&arn, 0, 0).await.expect("history").len();
        assert_eq!(n, 8, "{arn}");
    }
}

/// Finished executions past retention are deleted with their histories; running ones are kept.
async fn retention(store: &dyn Store) {
    let sm = machine_record("keep", WAIT_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    let mut done = start(&sm, "done", json!({}));
    create(store, &done).await.expect("create");
    finish_wait(store, &mut done).await;
    let running = start(&sm, "running", json!({}));
    create(store, &running).await.expect("create");
    let gone = store.delete_finished_before(Utc::now() - chrono::Duration::hours(1)).await.expect("retention");
    assert_eq!(gone, 0, "nothing finished an hour ago");
    let gone = store.delete_finished_before(Utc::now() + chrono::Duration::seconds(1)).await.expect("retention");
    assert_eq!(gone, 1);
    assert!(store.get_execution(&done.record.arn).await.expect("get").is_none());
    assert!(store.history(&done.record.arn, 0, 0).await.is_err());
    assert!(store.get_execution(&running.record.arn).await.expect("get").is_some(), "running executions stay");
}

/// The API layer's documents: kept, overwritten, listed by kind in key order, deleted.
async fn api_resources(store: &dyn Store) {
    store.put_resource("alias", "b", Some("{\"n\":1}")).await.expect("put");
    store.put_resource("alias", "a", Some("{}")).await.expect("put");
    store.put_resource("tags", "a", Some("[]")).await.expect("put");
    store.put_resource("alias", "b", Some("{\"n\":2}")).await.expect("overwrite");
    let listed = store.list_resources("alias").await.expect("list");
    assert_eq!(listed, vec![("a".to_string(), "{}".to_string()), ("b".into(), "{\"n\":2}".into())]);
    store.put_resource("alias", "a", None).await.expect("delete");
    store.put_resource("alias", "absent", None).await.expect("deleting nothing is fine");
    assert_eq!(store.list_resources("alias").await.expect("list").len(), 1);
    assert_eq!(store.list_resources("tags").await.expect("list"), vec![("a".to_string(), "[]".to_string())]);
    assert!(store.list_resources("none").await.expect("list").is_empty());
}

async fn run_suite(make: impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Arc<dyn Store>>>>) {
    retention(make().await.as_ref()).await;
    api_resources(make().await.as_ref()).await;
    state_machines(make().await.as_ref()).await;
    executions_and_history(make().await.as_ref()).await;
    listing(make().await.as_ref()).await;
    refuses_a_stale_commit(make().await.as_ref()).await;
    recovery_reads(make().await.as_ref()).await;
    concurrent_commits(make().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_passes_the_store_suite() {
    let dir = Arc::new(super::TempDir::new("suite"));
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    run_suite(|| {
        let dir = dir.clone();
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::pin(async move {
            let url = format!("sqlite://{}", dir.0.join(format!("s{n}.db")).display());
            engine::store::open(&url, LeaseConfig::default()).await.expect("open sqlite")
        })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_passes_the_store_suite() {
    if std::env::var("CAIRN_TEST_POSTGRES_URL").is_err() {
        super::postgres_database("suite").await;
        return;
    }
    run_suite(|| {
        Box::pin(async move {
            let url = super::postgres_database("suite").await.expect("database");
            // Leases that lapse at once: `unfinished` then reads back what this store wrote,
            // as SQLite's does.
            let lease = LeaseConfig { lease: std::time::Duration::from_millis(1), ..LeaseConfig::default() };
            engine::store::open(&url, lease).await.expect("open postgres")
        })
    })
    .await;
}

/// Commits from many executions at once share transactions (one sync per batch, not per step).
async fn group_commit(store: Arc<dyn Store>, stats: impl Fn() -> (u64, u64), backend: &str) {
    let sm = machine_record("group", WAIT_MACHINE);
    store.put_state_machine(sm.clone(), false).await.expect("put");
    let prepared: Vec<Started> = (0..2000).map(|i| start(&sm, &format!("g{i}"), json!(i))).collect();
    let (tx0, w0) = stats();
    let t0 = std::time::Instant::now();
    let handles: Vec<_> = prepared
        .into_iter()
        .map(|s| {
            let store = store.clone();
            tokio::spawn(async move { create(store.as_ref(), &s).await })
        })
        .collect();
    for h in handles {
        h.await.expect("task").expect("create");
    }
    let took = t0.elapsed();
    let (tx1, w1) = stats();
    let (transactions, writes) = (tx1 - tx0, w1 - w0);
    eprintln!(
        "{backend} group commit: {writes} commits in {transactions} transactions, {:.0} commits/s",
        writes as f64 / took.as_secs_f64()
    );
    assert_eq!(writes, 2000);
    assert!(transactions * 4 <= writes, "{transactions} transactions for {writes} commits");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_commits_of_many_executions_share_transactions() {
    let dir = super::TempDir::new("group");
    let store = Arc::new(engine::store::sqlite::SqliteStore::open(&dir.sqlite_url()).await.expect("open"));
    let s = store.clone();
    let stats = move || {
        let c = s.commit_stats();
        (c.transactions.load(std::sync::atomic::Ordering::Relaxed), c.writes.load(std::sync::atomic::Ordering::Relaxed))
    };
    group_commit(store, stats, "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_commits_of_many_executions_share_transactions() {
    let Some(url) = super::postgres_database("group").await else { return };
    let store =
        Arc::new(engine::store::postgres::PostgresStore::open(&url, LeaseConfig::default()).await.expect("open"));
    let s = store.clone();
    let stats = move || {
        let c = s.commit_stats();
        (c.transactions.load(std::sync::atomic::Ordering::Relaxed), c.writes.load(std::sync::atomic::Ordering::Relaxed))
    };
    group_commit(store, stats, "PostgreSQL").await;
}

/// SQLite has a single writer: a second server on the same file is refused with a message that
/// says why, and the file is free again once the first store is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_serves_one_server_at_a_time() {
    let dir = super::TempDir::new("sqlite-lock");
    let url = format!("sqlite://{}", dir.0.join("one.db").display());
    let first = engine::store::sqlite::SqliteStore::open(&url).await.expect("open");
    let second = engine::store::sqlite::SqliteStore::open(&url).await;
    let Err(err) = second else { panic!("a second store opened the same SQLite file") };
    let msg = err.to_string();
    assert!(msg.contains("is in use by another Cairn server") && msg.contains("one.db"), "{msg}");
    drop(first);
    engine::store::sqlite::SqliteStore::open(&url).await.expect("the file is free once the first store is closed");
}
