//! The conformance runner: every AWS-recorded case (and the project's own, in
//! `tests/conformance/`) run through the engine and compared with `check_case`. Prints
//! `N passed, N failed` with the failing ids by category, and the history figures.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cairn_tests::cases::{load_cases, Case, StartMode};
use cairn_tests::check::{check_case, Verdict};
use cairn_tests::lambdas::{self, ResourceStyle};
use cairn_tests::peers::{Answer, Job, Peers};
use engine::clock::{Clock, OffsetClock, SystemClock, TimeScale};
use engine::invoker::BoxFuture;
use engine::store::memory::MemoryStore;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use executor::{Executor, FunctionError, Handler, Registry};
use serde_json::{json, Value};

/// A corpus function as an in-process handler.
struct CaseFunction {
    behaviour: Value,
}

impl Handler for CaseFunction {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>> {
        if let Some(body) = lambdas::response_body(&self.behaviour) {
            // The function answers these exact bytes. An in-process handler answers values, so
            // bytes that are not JSON stand as a string of the same size (what AWS measures).
            let r = Ok(serde_json::from_str(&body).unwrap_or(Value::String(body)));
            return Box::pin(async move { r });
        }
        let r = lambdas::invoke(&self.behaviour, &event, ResourceStyle::FunctionArn);
        Box::pin(async move {
            match r {
                Ok(v) => Ok(v),
                Err(e) if e.is_timeout() => {
                    // Sleeps past any Task timeout: the engine's timer decides.
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok(event)
                }
                Err(e) => Err(FunctionError { error_type: e.error, payload_text: e.cause.unwrap_or_default() }),
            }
        })
    }
}

/// How cases reach the engine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Via {
    /// Engine calls in-process.
    Engine,
    /// The AWS JSON protocol over HTTP, as AWS tooling (and the held-back corpus) uses it.
    AwsApi,
}

/// An engine set up for one case: its functions, clock, account and region.
fn case_engine(case: &Case) -> (Engine, Arc<Registry>) {
    let ctx = &case.context;
    let expect_running = case.expected.status == "RUNNING";
    let clock: Arc<dyn Clock> =
        match ctx.clock_now.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
            Some(t) => Arc::new(OffsetClock::starting_at(t.with_timezone(&chrono::Utc))),
            None => Arc::new(SystemClock),
        };
    let registry = Arc::new(Registry::new());
    for (name, spec) in &case.lambdas {
        let behaviour = spec.get("behaviour").cloned().unwrap_or(Value::Null);
        registry.put_native(name.clone(), Arc::new(CaseFunction { behaviour }));
    }
    let config = EngineConfig {
        region: ctx.region.clone(),
        account: ctx.account_id.clone(),
        // A worker must take an activity task before its timeout: activity cases run in real time.
        time_scale: if expect_running || !Peers::of(case).activities.is_empty() {
            TimeScale::REAL
        } else {
            TimeScale::SKIP
        },
        default_role_arn: format!("arn:aws:iam::{}:role/cairn", ctx.account_id),
    };
    let engine =
        Engine::with_clock(Arc::new(MemoryStore::new()), Arc::new(Executor::new(registry.clone())), clock, config);
    (engine, registry)
}

/// What a case run produced, in check.py's ACTUAL shape.
async fn run_case(case: &Case, via: Via) -> Result<Value, String> {
    match via {
        Via::Engine => run_case_in_process(case).await,
        Via::AwsApi => run_case_over_http(case).await,
    }
}

async fn run_case_in_process(case: &Case) -> Result<Value, String> {
    let ctx = &case.context;
    let expect_running = case.expected.status == "RUNNING";
    let (engine, registry) = case_engine(case);
    // The AWS API layer answers `aws-sdk:sfn` Tasks; nothing else of it is used here.
    let config =
        api::ServerConfig { region: ctx.region.clone(), account: ctx.account_id.clone(), ..Default::default() };
    let _api = api::AppState::new(engine.clone(), registry, config);
    let mtype = if ctx.state_machine_type == "EXPRESS" { MachineType::Express } else { MachineType::Standard };
    let peers = Peers::of(case);
    for child in &peers.children {
        engine
            .create_state_machine(&child.name, &child.definition.to_string(), MachineType::Standard, None)
            .await
            .map_err(|e| format!("create child {}: {e}", child.name))?;
    }
    let mut renames = Vec::new();
    for a in &peers.activities {
        let rec = engine
            .create_activity(&ctx.region, &ctx.account_id, &a.name)
            .await
            .map_err(|e| format!("create activity: {e}"))?;
        renames.push(json!([rec.arn, a.placeholder]));
        let (engine, arn, jobs) = (engine.clone(), rec.arn.clone(), a.jobs.clone());
        tokio::spawn(async move { work_in_process(&engine, &arn, jobs).await });
    }
    let definition = peers
        .definition_with(case, |name| engine::runtime::callbacks::activity_arn(&ctx.region, &ctx.account_id, name))
        .to_string();
    let sm = engine
        .create_state_machine(&ctx.state_machine_name, &definition, mtype, ctx.role_arn.clone())
        .await
        .map_err(|e| format!("create: {e}"))?;
    let req =
        StartRequest { state_machine_arn: sm.arn, name: Some(ctx.execution_name.clone()), input: case.input.clone() };
    let started = engine.start_execution(req).await.map_err(|e| format!("start: {e}"))?;
    let record = if expect_running {
        tokio::time::sleep(Duration::from_secs(2)).await;
        engine.describe_execution(&started.arn).await.map_err(|e| e.to_string())?
    } else {
        tokio::time::timeout(Duration::from_secs(30), engine.wait_for(&started.arn))
            .await
            .map_err(|_| "did not finish within 30 s".to_string())?
            .map_err(|e| e.to_string())?
    };
    let mut actual = json!({"status": record.status.as_str()});
    if let Some(o) = &record.output {
        actual["output"] = o.clone();
    }
    if let Some(e) = &record.error {
        actual["error"] = json!(e);
    }
    if let Some(c) = &record.cause {
        actual["cause"] = json!(c);
    }
    if ctx.start == StartMode::Async {
        let events = engine.history(&started.arn).await.map_err(|e| e.to_string())?;
        actual["history"] = Value::Array(events.iter().map(|e| e.to_aws_json(true)).collect());
    }
    if let Some(expected_arn) = &ctx.execution_arn {
        if mtype == MachineType::Express {
            renames.push(json!([started.arn, expected_arn]));
        }
    }
    if !renames.is_empty() {
        actual["renames"] = Value::Array(renames);
    }
    if expect_running {
        let _ = engine.stop_execution(&started.arn, None, None).await;
    }
    Ok(actual)
}

/// An activity worker of a case, through the engine: takes each task under the recorded worker's
/// name and answers as it did.
async fn work_in_process(engine: &Engine, arn: &str, jobs: Vec<Job>) {
    for job in jobs {
        let (token, input) = loop {
            match engine.get_activity_task(arn, job.worker_name.clone(), Duration::from_secs(5)).await {
                Ok(Some(task)) => break task,
                Ok(None) => continue,
                Err(_) => return,
            }
        };
        let _ = match job.answer {
            Answer::Succeed(output) => engine.send_task_success(&token, output.unwrap_or(input)).await,
            Answer::Fail { error, cause } => engine.send_task_failure(&token, error, cause).await,
            Answer::Silent => Ok(()),
        };
    }
}

/// The same worker over the AWS protocol: GetActivityTask, SendTaskSuccess, SendTaskFailure.
async fn work_over_http(client: reqwest::Client, base: String, arn: String, jobs: Vec<Job>) {
    for job in jobs {
        let mut poll = json!({"activityArn": arn});
        if let Some(w) = &job.worker_name {
            poll["workerName"] = json!(w);
        }
        let task = loop {
            match aws(&client, &base, "GetActivityTask", poll.clone()).await {
                Ok(t) if t["taskToken"].as_str().is_some_and(|t| !t.is_empty()) => break t,
                Ok(_) => continue,
                Err(_) => return,
            }
        };
        let token = task["taskToken"].clone();
        let _ = match job.answer {
            Answer::Succeed(output) => {
                let output =
                    output.map(|o| o.to_string()).unwrap_or_else(|| task["input"].as_str().unwrap_or("{}").to_string());
                aws(&client, &base, "SendTaskSuccess", json!({"taskToken": token, "output": output})).await
            }
            Answer::Fail { error, cause } => {
                let mut req = json!({"taskToken": token});
                if let Some(e) = error {
                    req["error"] = json!(e);
                }
                if let Some(c) = cause {
                    req["cause"] = json!(c);
                }
                aws(&client, &base, "SendTaskFailure", req).await
            }
            Answer::Silent => Ok(json!({})),
        };
    }
}

/// One AWS JSON protocol call.
async fn aws(client: &reqwest::Client, base: &str, op: &str, body: Value) -> Result<Value, String> {
    let resp = client
        .post(base)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AWSStepFunctions.{op}"))
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| format!("{op}: {e}"))?;
    let status = resp.status();
    let v: Value = resp.json().await.map_err(|e| format!("{op}: bad response: {e}"))?;
    if !status.is_success() {
        return Err(format!("{op}: HTTP {status}: {v}"));
    }
    Ok(v)
}

async fn run_case_over_http(case: &Case) -> Result<Value, String> {
    let ctx = &case.context;
    let expect_running = case.expected.status == "RUNNING";
    let (engine, registry) = case_engine(case);
    let config = api::ServerConfig {
        region: ctx.region.clone(),
        account: ctx.account_id.clone(),
        activity_poll: Duration::from_secs(5),
        ..Default::default()
    };
    let state = api::AppState::new(engine, registry, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}/", listener.local_addr().map_err(|e| e.to_string())?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::serve(listener, api::router(state), async move {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::new();
    let result = drive_over_http(case, &client, &base, expect_running).await;
    let _ = stop_tx.send(());
    let _ = server.await;
    result
}

async fn drive_over_http(
    case: &Case,
    client: &reqwest::Client,
    base: &str,
    expect_running: bool,
) -> Result<Value, String> {
    let ctx = &case.context;
    let peers = Peers::of(case);
    for child in &peers.children {
        let create = json!({"name": child.name, "definition": child.definition.to_string(), "type": "STANDARD",
            "roleArn": format!("arn:aws:iam::{}:role/cairn", ctx.account_id)});
        aws(client, base, "CreateStateMachine", create).await?;
    }
    let mut renames = Vec::new();
    let mut arns = Vec::new();
    for a in &peers.activities {
        let created = aws(client, base, "CreateActivity", json!({"name": a.name})).await?;
        let arn = created["activityArn"].as_str().ok_or("no activityArn")?.to_string();
        renames.push(json!([arn, a.placeholder]));
        arns.push((a.name.clone(), arn.clone()));
        tokio::spawn(work_over_http(client.clone(), base.to_string(), arn, a.jobs.clone()));
    }
    let definition = peers
        .definition_with(case, |name| arns.iter().find(|(n, _)| n == name).map(|(_, a)| a.clone()).unwrap_or_default());
    let mut create = json!({"name": ctx.state_machine_name, "definition": definition.to_string(),
        "type": ctx.state_machine_type});
    if let Some(role) = &ctx.role_arn {
        create["roleArn"] = json!(role);
    }
    let sm = aws(client, base, "CreateStateMachine", create).await?;
    let sm_arn = sm["stateMachineArn"].as_str().ok_or("no stateMachineArn")?.to_string();
    let start = json!({"stateMachineArn": sm_arn, "name": ctx.execution_name, "input": case.input.to_string()});
    let (arn, mut desc) = if ctx.start == StartMode::Sync {
        let d = aws(client, base, "StartSyncExecution", start).await?;
        (d["executionArn"].as_str().unwrap_or_default().to_string(), d)
    } else {
        let s = aws(client, base, "StartExecution", start).await?;
        let arn = s["executionArn"].as_str().ok_or("no executionArn")?.to_string();
        if expect_running {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let d = aws(client, base, "DescribeExecution", json!({"executionArn": arn})).await?;
            if d["status"] != "RUNNING" || expect_running {
                break (arn, d);
            }
            if tokio::time::Instant::now() > deadline {
                return Err("did not finish within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let mut actual = json!({"status": desc["status"]});
    if let Some(o) = desc.get("output").and_then(Value::as_str) {
        actual["output"] = serde_json::from_str(o).map_err(|e| format!("output is not JSON: {e}"))?;
    }
    for k in ["error", "cause"] {
        if let Some(v) = desc.get_mut(k) {
            actual[k] = v.take();
        }
    }
    if ctx.start == StartMode::Async {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut req = json!({"executionArn": arn, "maxResults": 1000});
            if let Some(t) = &token {
                req["nextToken"] = json!(t);
            }
            let page = aws(client, base, "GetExecutionHistory", req).await?;
            events.extend(page["events"].as_array().cloned().unwrap_or_default());
            match page.get("nextToken").and_then(Value::as_str) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        actual["history"] = Value::Array(events);
    }
    if let Some(expected_arn) = &ctx.execution_arn {
        if ctx.state_machine_type == "EXPRESS" {
            renames.push(json!([arn, expected_arn]));
        }
    }
    if !renames.is_empty() {
        actual["renames"] = Value::Array(renames);
    }
    if expect_running {
        aws(client, base, "StopExecution", json!({"executionArn": arn})).await?;
    }
    Ok(actual)
}

struct Outcome {
    case: Case,
    verdict: Result<Verdict, String>,
}

async fn run_all(cases: Vec<Case>, via: Via) -> Vec<Outcome> {
    let sem = Arc::new(tokio::sync::Semaphore::new(16));
    let mut handles = Vec::new();
    for case in cases {
        let sem = sem.clone();
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire().await;
            let verdict = match run_case(&case, via).await {
                Ok(actual) => Ok(check_case(&case.raw, &actual, None, None)),
                Err(e) => Err(e),
            };
            Outcome { case, verdict }
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        if let Ok(o) = h.await {
            out.push(o);
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    result_pass: usize,
    total: usize,
    history_pass: usize,
    history_total: usize,
}

fn report(outcomes: &[Outcome], skipped: &[Case]) -> (usize, usize) {
    let mut by_cat: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut passed, mut failed) = (0, 0);
    let (mut hist_pass, mut hist_total) = (0, 0);
    for o in outcomes {
        let (result_ok, history_ok, why) = match &o.verdict {
            Ok(v) => (
                v.result_ok,
                v.history_ok,
                v.diffs.iter().chain(&v.history_diffs).take(2).cloned().collect::<Vec<_>>().join(" | "),
            ),
            Err(e) => (false, Some(false), e.clone()),
        };
        let pass = result_ok && history_ok != Some(false);
        for t in [
            by_cat.entry(o.case.category.clone()).or_default(),
            by_lang.entry(o.case.query_language.clone()).or_default(),
        ] {
            t.total += 1;
            t.result_pass += result_ok as usize;
            if let Some(h) = history_ok {
                t.history_total += 1;
                t.history_pass += (h && result_ok) as usize;
            }
        }
        if let Some(h) = history_ok {
            hist_total += 1;
            hist_pass += (h && result_ok) as usize;
        }
        if pass {
            passed += 1;
        } else {
            failed += 1;
            failing.entry(o.case.category.clone()).or_default().push(format!("{}  [{}]", o.case.id, why));
        }
    }
    let result_pass: usize = by_cat.values().map(|t| t.result_pass).sum();
    println!("\n=== conformance: {} cases run, {} skipped (task_needs = other) ===", outcomes.len(), skipped.len());
    println!(
        "result: {}/{} ({:.1}%)   history: {}/{} ({:.1}%)",
        result_pass,
        outcomes.len(),
        pct(result_pass, outcomes.len()),
        hist_pass,
        hist_total,
        pct(hist_pass, hist_total)
    );
    for (title, map) in [("category", &by_cat), ("query language", &by_lang)] {
        println!("by {title}:");
        for (k, t) in map {
            println!(
                "  {k:<22} result {:>4}/{:<4} history {:>4}/{:<4}",
                t.result_pass, t.total, t.history_pass, t.history_total
            );
        }
    }
    if !failing.is_empty() {
        println!("failing cases:");
        for (cat, ids) in &failing {
            println!("  [{cat}] {}", ids.len());
            for id in ids {
                println!("    {id}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    (passed, failed)
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

fn corpus() -> (Vec<Case>, Vec<Case>) {
    let mut cases = Vec::new();
    if let Some(dir) = cairn_tests::cases::shared_corpus_dir() {
        cases.extend(load_cases(&dir).unwrap_or_else(|e| panic!("cannot load the shared corpus: {e}")));
    } else {
        println!("note: ../shared/conformance not found; running the project's own cases only");
    }
    let own = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    if own.join("_index.json").exists() || std::fs::read_dir(&own).map(|d| d.count() > 0).unwrap_or(false) {
        cases.extend(load_cases(&own).unwrap_or_else(|e| panic!("cannot load tests/conformance: {e}")));
    }
    if let Ok(filter) = std::env::var("CAIRN_CONFORMANCE_FILTER") {
        cases.retain(|c| c.id.contains(&filter));
    }
    cases.into_iter().partition(|c| c.task_needs != "other")
}

/// Cases that need a service (`task_needs = other`) only for what the runner provides (function
/// behaviours such as `return_bytes`, child state machines, activity workers, Cairn's own
/// `aws-sdk:sfn`): run and reported apart from the headline.
fn runnable_extra(c: &Case) -> bool {
    cairn_tests::peers::can_provide(c)
}

/// The acceptance threshold of the engine issue: at least this share of results must match.
const MIN_RESULT_PASS_RATE: f64 = 0.97;

fn run_corpus(via: Via, label: &str) {
    let (runnable, other) = corpus();
    assert!(!runnable.is_empty(), "no conformance cases found");
    let (extra, skipped): (Vec<Case>, Vec<Case>) = other.into_iter().partition(runnable_extra);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let extra_outcomes = rt.block_on(run_all(extra, via));
    println!(
        "\n=== {label}: cases that need other services, run with what the runner provides (functions, child \
         machines, activity workers; not in the headline) ==="
    );
    let (extra_passed, _) = report(&extra_outcomes, &[]);
    println!("\n=== {label} ===");
    let outcomes = rt.block_on(run_all(runnable, via));
    let (passed, _failed) = report(&outcomes, &skipped);
    let rate = passed as f64 / outcomes.len().max(1) as f64;
    assert!(rate >= MIN_RESULT_PASS_RATE, "conformance pass rate {rate:.3} is below {MIN_RESULT_PASS_RATE}");
    let extra_rate = extra_passed as f64 / extra_outcomes.len().max(1) as f64;
    assert!(
        extra_rate >= MIN_RESULT_PASS_RATE,
        "the pass rate of the cases run with the runner's peers, {extra_rate:.3}, is below {MIN_RESULT_PASS_RATE}"
    );
}

#[test]
fn aws_recorded_conformance() {
    run_corpus(Via::Engine, "conformance, engine in-process");
}

#[test]
fn aws_recorded_conformance_over_the_aws_api() {
    run_corpus(Via::AwsApi, "conformance over the AWS JSON protocol");
}
