//! The web UI in headless Chromium (driven over the DevTools protocol by `cairn_tests::cdp`)
//! against an in-process server: statuses of the drawn states, the state inspector, live
//! updates, Stop, the Start dialog, the definition preview, HTML in names and payloads shown as
//! text, no request leaving the machine, and big listings and histories. Skipped (with the
//! reason) when Chromium is absent, unless `CAIRN_REQUIRE_BROWSER=1`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use cairn_tests::cdp::{chromium_path, Browser, Page};
use engine::invoker::BoxFuture;
use engine::store::memory::MemoryStore;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use executor::{Executor, FunctionError, Handler, Registry};
use serde_json::{json, Value};

const WIDTH: u32 = 1480;
const HEIGHT: u32 = 1100;
const SCRIPT_STATE: &str = "<script>window.__xss=1</script>";
const HTML_PAYLOAD: &str = "<img src=x onerror=\"window.__xss=2\">";

/// `flaky` fails its first call, `broken` always fails, `work` fails for the item `{"bad": true}`.
struct Function {
    name: &'static str,
    calls: AtomicUsize,
}

impl Handler for Function {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let fail = match self.name {
            "flaky" => n == 1,
            "broken" => true,
            _ => event["bad"] == json!(true),
        };
        let r = if fail {
            Err(FunctionError {
                error_type: "Oops".into(),
                payload_text: json!({"errorType": "Oops", "errorMessage": format!("{} failed", self.name)}).to_string(),
            })
        } else {
            Ok(json!({"handled": self.name, "attempt": n}))
        };
        Box::pin(async move { r })
    }
}

fn lambda(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:000000000000:function:{name}")
}

/// A Choice, a Parallel (with a failing-then-retried Task, a failing-then-caught Task and a
/// state whose name is HTML), a Map whose second item fails and is caught.
fn main_definition() -> Value {
    json!({
        "StartAt": "Route",
        "States": {
            "Route": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Fan"}], "Default": "Skipped"},
            "Skipped": {"Type": "Pass", "End": true},
            "Fan": {"Type": "Parallel", "ResultPath": "$.fan", "Next": "Items", "Branches": [
                {"StartAt": SCRIPT_STATE, "States": {SCRIPT_STATE: {"Type": "Pass", "Result": {"html": HTML_PAYLOAD}, "End": true}}},
                {"StartAt": "Flaky", "States": {"Flaky": {"Type": "Task", "Resource": lambda("flaky"), "End": true,
                    "Retry": [{"ErrorEquals": ["Oops"], "IntervalSeconds": 1, "MaxAttempts": 2}]}}},
                {"StartAt": "Broken", "States": {
                    "Broken": {"Type": "Task", "Resource": lambda("broken"), "End": true,
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}]},
                    "Recover": {"Type": "Pass", "End": true}}}
            ]},
            "Items": {"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.items", "Next": "Done",
                "ItemProcessor": {"StartAt": "Work", "States": {
                    "Work": {"Type": "Task", "Resource": lambda("work"), "End": true,
                        "Catch": [{"ErrorEquals": ["Oops"], "Next": "Patch"}]},
                    "Patch": {"Type": "Pass", "End": true}}}},
            "Done": {"Type": "Succeed"}
        }
    })
}

/// The server, in-process on 127.0.0.1:0, with an in-memory engine.
struct Server {
    rt: tokio::runtime::Runtime,
    engine: Engine,
    base: String,
}

impl Server {
    fn start() -> Result<Server> {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let registry = Arc::new(Registry::new());
        for name in ["flaky", "broken", "work"] {
            registry.put_native(name.into(), Arc::new(Function { name, calls: AtomicUsize::new(0) }));
        }
        let engine = rt.block_on(async {
            Engine::new(
                Arc::new(MemoryStore::new()),
                Arc::new(Executor::new(registry.clone())),
                EngineConfig::default(),
            )
        });
        let config = api::ServerConfig { allow_command_functions: true, ..api::ServerConfig::default() };
        let state = api::AppState::new(engine.clone(), registry, config);
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let base = format!("http://{}", listener.local_addr()?);
        rt.spawn(api::serve(listener, api::router(state), std::future::pending::<()>()));
        Ok(Server { rt, engine, base })
    }

    fn machine(&self, name: &str, def: &Value) -> Result<String> {
        let rec =
            self.rt.block_on(self.engine.create_state_machine(name, &def.to_string(), MachineType::Standard, None))?;
        Ok(rec.arn)
    }

    fn start_execution(&self, sm: &str, name: &str, input: Value) -> Result<String> {
        let req = StartRequest { state_machine_arn: sm.into(), name: Some(name.into()), input };
        Ok(self.rt.block_on(self.engine.start_execution(req))?.arn)
    }

    fn run(&self, sm: &str, name: &str, input: Value) -> Result<String> {
        let arn = self.start_execution(sm, name, input)?;
        let done =
            self.rt.block_on(async { tokio::time::timeout(Duration::from_secs(30), self.engine.wait_for(&arn)).await });
        let rec = done.context("execution did not finish in 30 s")??;
        ensure!(rec.status.is_terminal(), "{arn} is still {:?}", rec.status);
        Ok(arn)
    }

    fn execution_url(&self, arn: &str) -> String {
        format!("{}/executions/{}", self.base, encode(arn))
    }
}

/// Percent-encodes everything but unreserved characters, as `encodeURIComponent` does.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts")
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// `{state name: data-status}` of every drawn state.
const STATUSES: &str =
    "Object.fromEntries([...document.querySelectorAll('[data-state]')].map(e => [e.dataset.state, e.dataset.status]))";

/// Waits until the graph is drawn and the run is applied (the first state is not `notrun`).
fn wait_graph(page: &mut Page<'_>, first: &str) -> Result<()> {
    let probe = format!(
        "(() => {{ const e = [...document.querySelectorAll('[data-state]')].find(e => e.dataset.state === {}); return e && e.dataset.status !== 'notrun'; }})()",
        js(first)
    );
    page.wait_for(&probe, Duration::from_secs(20))?;
    Ok(())
}

fn state_selector(name: &str) -> String {
    // Attribute selectors take a CSS string: escape what CSS strings need.
    format!("[data-state=\"{}\"]", name.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
fn web_ui_in_headless_chromium() -> Result<()> {
    let _heavy = crate::HEAVY.blocking_lock();
    let required = std::env::var("CAIRN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !chromium_path().exists() {
        if required {
            bail!("CAIRN_REQUIRE_BROWSER=1 but {} does not exist", chromium_path().display());
        }
        println!(
            "skipping the browser tests: {} is not installed (apt-get install chromium)",
            chromium_path().display()
        );
        return Ok(());
    }
    let server = Server::start()?;
    let mut browser = match Browser::launch((WIDTH, HEIGHT)) {
        Ok(b) => b,
        Err(e) if !required => {
            println!("skipping the browser tests: Chromium does not start: {e:#}");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    {
        let mut page = browser.new_page(WIDTH, HEIGHT)?;
        execution_page_shows_what_happened(&server, &mut page).context("execution page")?;
        a_running_execution_turns_green_live(&server, &mut page).context("live updates")?;
        stop_asks_for_confirmation(&server, &mut page).context("stop")?;
        start_dialog_checks_the_input(&server, &mut page).context("start dialog")?;
        preview_pins_diagnostics(&server, &mut page).context("definition preview")?;
        big_listings_and_histories_stay_responsive(&server, &mut page).context("big data")?;
        page.idle(Duration::from_millis(300))?;
    }
    let (requested, blocked) = browser.requests();
    ensure!(blocked.is_empty(), "the pages tried to reach other machines: {blocked:?}");
    ensure!(requested.iter().any(|u| u.contains("/assets/app.js")), "requests were not observed: {requested:?}");
    let foreign: Vec<&String> = requested.iter().filter(|u| !cairn_tests::cdp::is_local(u)).collect();
    ensure!(foreign.is_empty(), "non-local requests: {foreign:?}");
    let errors = browser.page_errors();
    ensure!(errors.is_empty(), "the pages reported errors: {errors:?}");
    Ok(())
}

fn execution_page_shows_what_happened(server: &Server, page: &mut Page<'_>) -> Result<()> {
    let sm = server.machine("orders", &main_definition())?;
    let input = json!({"go": true, "items": [{"n": 1}, {"bad": true}, {"n": 3}]});
    let arn = server.run(&sm, "first-run", input)?;
    page.goto(&server.execution_url(&arn))?;
    wait_graph(page, "Route")?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'succeeded'", Duration::from_secs(10))?;
    let statuses = page.eval(STATUSES)?;
    let expected = [
        ("Route", "succeeded"),
        ("Skipped", "notrun"),
        ("Fan", "succeeded"),
        (SCRIPT_STATE, "succeeded"),
        ("Flaky", "succeeded"),
        ("Broken", "caught"),
        ("Recover", "succeeded"),
        ("Items", "succeeded"),
        ("Work", "caught"),
        ("Patch", "succeeded"),
        ("Done", "succeeded"),
    ];
    for (name, want) in expected {
        ensure!(statuses[name] == want, "{name}: drawn as {}, expected {want} (all: {statuses})", statuses[name]);
    }
    ensure!(statuses.as_object().map(|o| o.len()) == Some(expected.len()), "unexpected states drawn: {statuses}");

    // Clicking a state shows its output (and its retries) as text.
    page.click(&state_selector("Flaky"))?;
    let out = page.wait_for(
        "document.querySelector('#inspector [data-field=state-name]')?.textContent === 'Flaky' && document.querySelector('#inspector [data-field=output]')?.textContent",
        Duration::from_secs(5),
    )?;
    let output: Value = serde_json::from_str(out.as_str().unwrap_or(""))?;
    ensure!(output == json!({"handled": "flaky", "attempt": 2}), "Flaky's output shows {output}");
    let attempts = page.eval("document.querySelectorAll('#inspector [data-attempt]').length")?;
    ensure!(attempts == json!(2), "Flaky shows {attempts} attempts");
    page.click(&state_selector("Broken"))?;
    page.wait_for(
        "document.querySelector('#inspector [data-field=error]')?.textContent === 'Oops'",
        Duration::from_secs(5),
    )?;

    // The Map's iteration picker shows one iteration's states.
    page.eval("(() => { const s = document.querySelector('select[data-map=Items]'); s.value = '0'; s.dispatchEvent(new Event('change')); })()")?;
    let it0 = page.eval(STATUSES)?;
    ensure!(it0["Work"] == "succeeded" && it0["Patch"] == "notrun", "iteration 0 drawn as {it0}");
    page.eval("(() => { const s = document.querySelector('select[data-map=Items]'); s.value = '1'; s.dispatchEvent(new Event('change')); })()")?;
    let it1 = page.eval(STATUSES)?;
    ensure!(it1["Work"] == "caught" && it1["Patch"] == "succeeded", "iteration 1 drawn as {it1}");
    page.click(&state_selector("Work"))?;
    let input =
        page.wait_for("document.querySelector('#inspector [data-field=input]')?.textContent", Duration::from_secs(5))?;
    ensure!(
        serde_json::from_str::<Value>(input.as_str().unwrap_or(""))? == json!({"bad": true}),
        "iteration 1's input: {input}"
    );
    page.eval("(() => { const s = document.querySelector('select[data-map=Items]'); s.value = ''; s.dispatchEvent(new Event('change')); })()")?;

    html_is_shown_as_text(page)?;

    // Events: filter by type, expand one.
    page.eval("(() => { const s = document.querySelector('#event-type-filter'); s.value = 'TaskStateEntered'; s.dispatchEvent(new Event('change')); })()")?;
    page.wait_for("document.querySelectorAll('#events tr.event').length === 5", Duration::from_secs(5))?;
    page.click("#events tr.event")?;
    page.wait_for(
        "document.querySelector('#events tr.event-details pre')?.textContent.includes('\"name\"')",
        Duration::from_secs(5),
    )?;
    page.eval("(() => { const s = document.querySelector('#event-type-filter'); s.value = ''; s.dispatchEvent(new Event('change')); })()")?;

    // The timeline has a bar per state entry.
    let bars = page.eval("document.querySelectorAll('.timeline [data-span]').length")?;
    ensure!(bars == json!(12), "timeline bars: {bars}");

    page.click(&state_selector("Flaky"))?;
    page.screenshot(&artifacts().join("execution.png"))?;
    Ok(())
}

/// HTML in a state name and in a payload is text, never markup.
fn html_is_shown_as_text(page: &mut Page<'_>) -> Result<()> {
    page.click(&state_selector(SCRIPT_STATE))?;
    let shown =
        page.wait_for("document.querySelector('#inspector [data-field=output]')?.textContent", Duration::from_secs(5))?;
    let shown: Value = serde_json::from_str(shown.as_str().unwrap_or(""))?;
    ensure!(shown == json!({"html": HTML_PAYLOAD}), "the payload is not shown as text: {shown}");
    let name = page.eval("document.querySelector('#inspector [data-field=state-name]').textContent")?;
    ensure!(name == json!(SCRIPT_STATE), "the state name is shown as {name}");
    let injected = page.eval(
        "({xss: window.__xss ?? null, imgs: document.querySelectorAll('img[src=\"x\"]').length, \
          scripts: [...document.scripts].filter(s => s.textContent.includes('__xss')).length, \
          historyText: document.querySelector('#events').textContent.includes('<script>window.__xss=1</script>')})",
    )?;
    ensure!(
        injected == json!({"xss": null, "imgs": 0, "scripts": 0, "historyText": true}),
        "markup was injected: {injected}"
    );

    Ok(())
}

fn a_running_execution_turns_green_live(server: &Server, page: &mut Page<'_>) -> Result<()> {
    let def = json!({"StartAt": "Pause", "States": {
        "Pause": {"Type": "Wait", "Seconds": 3, "Next": "After"},
        "After": {"Type": "Pass", "End": true}}});
    let sm = server.machine("slow", &def)?;
    let arn = server.start_execution(&sm, "live-run", json!({}))?;
    page.goto(&server.execution_url(&arn))?;
    page.wait_for(
        &format!("document.querySelector({})?.dataset.status === 'running'", js(&state_selector("Pause"))),
        Duration::from_secs(10),
    )?;
    page.eval("window.__sameDocument = true")?;
    ensure!(page.eval(STATUSES)?["After"] == "notrun", "After ran before Pause ended");
    page.screenshot(&artifacts().join("execution-running.png"))?;
    let started = Instant::now();
    page.wait_for(
        &format!("document.querySelector({})?.dataset.status === 'succeeded'", js(&state_selector("After"))),
        Duration::from_secs(20),
    )?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'succeeded'", Duration::from_secs(10))?;
    ensure!(page.eval("window.__sameDocument === true")? == json!(true), "the page reloaded instead of updating live");
    ensure!(page.eval(STATUSES)?["Pause"] == "succeeded", "Pause did not turn green");
    ensure!(started.elapsed() < Duration::from_secs(15), "live update took {:?}", started.elapsed());
    Ok(())
}

fn stop_asks_for_confirmation(server: &Server, page: &mut Page<'_>) -> Result<()> {
    let def = json!({"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let sm = server.machine("long", &def)?;
    let arn = server.start_execution(&sm, "to-stop", json!({}))?;
    page.goto(&server.execution_url(&arn))?;
    page.wait_for(
        &format!("document.querySelector({})?.dataset.status === 'running'", js(&state_selector("Long"))),
        Duration::from_secs(10),
    )?;
    page.click("#stop")?;
    page.wait_for("document.querySelector('dialog[open] [data-action=ok]')", Duration::from_secs(5))?;
    page.click("dialog[open] [data-action=ok]")?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'aborted'", Duration::from_secs(10))?;
    page.wait_for(
        &format!("document.querySelector({})?.dataset.status === 'cancelled'", js(&state_selector("Long"))),
        Duration::from_secs(10),
    )?;
    // Redrive (with confirmation) resumes the aborted execution in the state it was stopped in.
    page.click("#redrive")?;
    page.wait_for("document.querySelector('dialog[open] [data-action=ok]')", Duration::from_secs(5))?;
    page.click("dialog[open] [data-action=ok]")?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'running'", Duration::from_secs(10))?;
    page.wait_for(
        &format!("document.querySelector({})?.dataset.status === 'running'", js(&state_selector("Long"))),
        Duration::from_secs(10),
    )?;
    Ok(())
}

fn start_dialog_checks_the_input(server: &Server, page: &mut Page<'_>) -> Result<()> {
    let sm = server.machine("echo", &json!({"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}))?;
    // A schedule of this machine is listed on its page (it never fires during the test).
    let schedule = json!({"stateMachineArn": sm, "expression": "cron(0 0 1 1 ? 2099)"});
    let put = server.rt.block_on(async {
        reqwest::Client::new().put(format!("{}/v1/schedules/new-year", server.base)).json(&schedule).send().await
    })?;
    ensure!(put.status().is_success(), "schedule: {}", put.status());
    page.goto(&format!("{}/state-machines/{}", server.base, encode(&sm)))?;
    page.wait_for("document.querySelector('#start-execution')", Duration::from_secs(10))?;
    let listed = page.eval("document.querySelector('#schedules tr[data-schedule=new-year] code')?.textContent")?;
    ensure!(listed == json!("cron(0 0 1 1 ? 2099)"), "the schedule is not listed: {listed}");
    page.click("#start-execution")?;
    page.wait_for("document.querySelector('#start-dialog textarea')", Duration::from_secs(5))?;
    let set = |text: &str| {
        format!(
            "(() => {{ const t = document.querySelector('#start-dialog textarea'); t.value = {}; t.dispatchEvent(new Event('input')); return document.querySelector('#start-dialog [data-action=start]').disabled; }})()",
            js(text)
        )
    };
    ensure!(page.eval(&set("{\"a\": "))? == json!(true), "Start is enabled with invalid JSON");
    let status = page.eval("document.querySelector('#start-dialog .editor-status').textContent")?;
    ensure!(
        status.as_str().is_some_and(|s| s.starts_with("Line 1, column")),
        "no location for the JSON error: {status}"
    );
    ensure!(page.eval(&set("{\"greeting\": \"<b>hi</b>\"}"))? == json!(false), "Start is disabled with valid JSON");
    page.click("#start-dialog [data-action=start]")?;
    page.wait_for("location.pathname.startsWith('/executions/')", Duration::from_secs(10))?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'succeeded'", Duration::from_secs(15))?;
    let out = page.eval("document.querySelector('[data-field=execution-output]').textContent")?;
    ensure!(
        serde_json::from_str::<Value>(out.as_str().unwrap_or(""))? == json!({"greeting": "<b>hi</b>"}),
        "output {out}"
    );
    // "Run again" opens the same dialog with this execution's input, and starts a new execution.
    let first = page.eval("location.pathname")?;
    page.click("#run-again")?;
    page.wait_for("document.querySelector('#start-dialog textarea')", Duration::from_secs(5))?;
    let prefilled = page.eval("document.querySelector('#start-dialog textarea').value")?;
    ensure!(
        serde_json::from_str::<Value>(prefilled.as_str().unwrap_or(""))? == json!({"greeting": "<b>hi</b>"}),
        "the dialog holds {prefilled}"
    );
    page.click("#start-dialog [data-action=start]")?;
    page.wait_for(&format!("location.pathname !== {first}"), Duration::from_secs(10))?;
    page.wait_for("document.querySelector('#execution-status')?.textContent === 'succeeded'", Duration::from_secs(15))?;
    Ok(())
}

fn preview_pins_diagnostics(server: &Server, page: &mut Page<'_>) -> Result<()> {
    page.goto(&format!("{}/preview", server.base))?;
    page.wait_for("document.querySelector('.graph-frame [data-state]')", Duration::from_secs(10))?;
    let bad =
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}\n  }\n}";
    page.eval(&format!(
        "(() => {{ const t = document.querySelector('.editor textarea'); t.value = {}; t.dispatchEvent(new Event('input')); }})()",
        js(bad)
    ))?;
    let line = page.wait_for("document.querySelector('#diagnostics li')?.dataset.line", Duration::from_secs(10))?;
    ensure!(line == json!("4"), "the diagnostic is pinned to line {line}, not 4");
    ensure!(
        page.eval("document.querySelector('.gutter [data-line=\"4\"]').classList.contains('marked')")? == json!(true),
        "no gutter marker"
    );
    let good = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}, \"B\": {\"Type\": \"Succeed\"}}}";
    page.eval(&format!(
        "(() => {{ const t = document.querySelector('.editor textarea'); t.value = {}; t.dispatchEvent(new Event('input')); }})()",
        js(good)
    ))?;
    page.wait_for(
        "document.querySelectorAll('.graph-frame [data-state]').length === 2 && !document.querySelector('#diagnostics li')",
        Duration::from_secs(10),
    )?;
    page.screenshot(&artifacts().join("preview.png"))?;
    Ok(())
}

fn big_listings_and_histories_stay_responsive(server: &Server, page: &mut Page<'_>) -> Result<()> {
    let sm = server.machine("many", &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}))?;
    for i in 0..10_000 {
        server.start_execution(&sm, &format!("run-{i:05}"), json!({"i": i}))?;
    }
    let t = Instant::now();
    page.goto(&format!("{}/state-machines/{}", server.base, encode(&sm)))?;
    page.wait_for("document.querySelectorAll('#executions tbody tr').length === 25", Duration::from_secs(10))?;
    ensure!(t.elapsed() < Duration::from_secs(5), "the machine page took {:?} with 10,000 executions", t.elapsed());
    let first = page.eval("document.querySelector('#executions tbody tr a').textContent")?;
    ensure!(first == json!("run-09999"), "newest first, got {first}");
    page.click("#executions + .table-foot button:last-child")?;
    page.wait_for(
        "document.querySelector('#executions tbody tr a')?.textContent === 'run-09974'",
        Duration::from_secs(5),
    )?;
    let t = Instant::now();
    page.goto(&server.base)?;
    page.wait_for("document.querySelector('#machines tbody tr')", Duration::from_secs(10))?;
    ensure!(t.elapsed() < Duration::from_secs(5), "the list took {:?}", t.elapsed());

    // A Map of 250 items: a history of more than 1,000 events.
    let def = json!({"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": true}}}}}});
    let sm = server.machine("wide", &def)?;
    let items: Vec<Value> = (0..250).map(|i| json!({"i": i})).collect();
    let arn = server.run(&sm, "big-history", Value::Array(items))?;
    let t = Instant::now();
    page.goto(&server.execution_url(&arn))?;
    let count = page.wait_for(
        "(() => { const t = document.querySelector('#events')?.closest('.card')?.querySelector('.table-foot span')?.textContent || ''; const m = /of (\\d+) events/.exec(t); return m && Number(m[1]) >= 1000 && Number(m[1]); })()",
        Duration::from_secs(30),
    )?;
    ensure!(t.elapsed() < Duration::from_secs(10), "the 1,000-event page took {:?}", t.elapsed());
    ensure!(count.as_u64().is_some_and(|n| n >= 1000), "history has {count} events");
    let t = Instant::now();
    page.eval("(() => { const s = document.querySelector('#event-type-filter'); s.value = 'PassStateEntered'; s.dispatchEvent(new Event('change')); })()")?;
    page.wait_for("document.querySelectorAll('#events tr.event').length === 250", Duration::from_secs(5))?;
    ensure!(t.elapsed() < Duration::from_secs(2), "filtering took {:?}", t.elapsed());
    let iterations = page.eval("document.querySelector('select[data-map=Each]').options.length")?;
    ensure!(iterations == json!(251), "iteration picker has {iterations} options");
    Ok(())
}
