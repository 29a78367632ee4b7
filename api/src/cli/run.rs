//! `cairn run DEF.json`: one execution in an embedded, in-memory engine. Prints the output on
//! stdout; exit 0 when SUCCEEDED, 1 otherwise, 2 on a bad definition or input.

use std::io::IsTerminal;
use std::sync::Arc;

use engine::clock::TimeScale;
use engine::store::memory::MemoryStore;
use engine::store::MachineType;
use engine::{Engine, EngineConfig, StartRequest};
use executor::{Executor, MockConfig, Registry};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (ASL JSON).
    definition: String,
    /// The execution input (JSON text).
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// A file holding the execution input.
    #[arg(long)]
    input_file: Option<String>,
    /// A JSON file of functions (`{"name": {"command": [...]} | {"url": "..."}}`).
    #[arg(long)]
    functions: Option<String>,
    /// Print one JSON object: {"status", "output" | "error" + "cause"}.
    #[arg(long)]
    json: bool,
    /// Also print the event history (to stderr, or in the JSON object with --json).
    #[arg(long)]
    history: bool,
    /// A mock configuration (AWS Step Functions Local's format) for `--test-case`.
    #[arg(long, requires = "test_case")]
    mock_config: Option<String>,
    /// The test case of the mock configuration to run (its state machine is named after the
    /// definition file, or `--name`).
    #[arg(long, requires = "mock_config")]
    test_case: Option<String>,
    /// The state machine's name (default: the definition file's name).
    #[arg(long)]
    name: Option<String>,
    /// Multiplies every durable delay (Wait, retry back-off); 0 skips them in virtual time.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
}

pub fn main(a: Args) -> u8 {
    let text = match super::read_definition(&a.definition) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if let Err(d) = state_lang::load(&text) {
        super::print_diagnostics(&a.definition, &d);
        return 2;
    }
    let input = match read_input(&a) {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 2;
        }
    };
    let registry = Arc::new(Registry::new());
    if let Some(f) = &a.functions {
        if let Err(e) = registry.load_file(f) {
            eprintln!("error: {e}");
            return 2;
        }
    }
    if !(a.time_scale >= 0.0 && a.time_scale.is_finite()) {
        eprintln!("error: --time-scale must be a number ≥ 0");
        return 2;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 1;
        }
    };
    rt.block_on(run(a, text, input, registry))
}

fn read_input(a: &Args) -> Result<Value, String> {
    let text = match (&a.input, &a.input_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| format!("cannot read {f}: {e}"))?,
        (None, None) => "{}".into(),
    };
    serde_json::from_str(&text).map_err(|e| format!("the input is not valid JSON: {e}"))
}

async fn run(a: Args, text: String, input: Value, registry: Arc<Registry>) -> u8 {
    let config = EngineConfig { time_scale: TimeScale(a.time_scale), ..EngineConfig::default() };
    let mut executor = Executor::new(registry);
    if let Some(f) = &a.mock_config {
        match MockConfig::load_file(f) {
            Ok(m) => executor = executor.with_mocks(m),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let engine = Engine::new(Arc::new(MemoryStore::new()), Arc::new(executor), config);
    let name = a.name.clone().unwrap_or_else(|| {
        std::path::Path::new(&a.definition)
            .file_stem()
            .and_then(|s| s.to_str())
            .map(sanitize)
            .unwrap_or_else(|| "cairn-run".into())
    });
    let sm = match engine.create_state_machine(&name, &text, MachineType::Standard, None).await {
        Ok(sm) => sm,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let progress = std::io::stderr().is_terminal().then(|| spawn_progress(&engine));
    let target = match &a.test_case {
        Some(case) => format!("{}#{case}", sm.arn),
        None => sm.arn,
    };
    let started = engine.start_execution(StartRequest { state_machine_arn: target, name: None, input }).await;
    let record = match started {
        Ok(r) => engine.wait_for(&r.arn).await,
        Err(e) => Err(e),
    };
    if let Some(p) = progress {
        p.abort();
    }
    let record = match record {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let history = if a.history { engine.history(&record.arn).await.unwrap_or_default() } else { Vec::new() };
    let succeeded = record.status == engine::interp::ExecStatus::Succeeded;
    if a.json {
        let mut out = json!({"status": record.status.as_str()});
        if succeeded {
            out["output"] = record.output.clone().unwrap_or(Value::Null);
        } else {
            out["error"] = json!(record.error);
            out["cause"] = json!(record.cause);
        }
        if a.history {
            out["history"] = Value::Array(history.iter().map(|e| e.to_aws_json(true)).collect());
        }
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        if a.history {
            for e in &history {
                eprintln!("{}", e.to_aws_json(true));
            }
        }
        if succeeded {
            println!("{}", serde_json::to_string_pretty(&record.output.unwrap_or(Value::Null)).unwrap_or_default());
        } else {
            eprintln!("execution {}", record.status.as_str());
            if let Some(e) = &record.error {
                eprintln!("error: {e}");
            }
            if let Some(c) = &record.cause {
                eprintln!("cause: {c}");
            }
        }
    }
    if succeeded {
        0
    } else {
        1
    }
}

/// A state machine name from a file name (AWS's character rules).
fn sanitize(s: &str) -> String {
    let n: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(80).collect();
    if n.is_empty() {
        "cairn-run".into()
    } else {
        n
    }
}

fn spawn_progress(engine: &Engine) -> tokio::task::JoinHandle<()> {
    let mut rx = engine.subscribe();
    tokio::spawn(async move {
        while let Ok(c) = rx.recv().await {
            for e in c.events.iter() {
                let name = e.details.as_ref().and_then(|d| d.get("name")).and_then(Value::as_str).unwrap_or("");
                if e.event_type.ends_with("StateEntered") {
                    eprintln!("→ {name}");
                } else if e.event_type.ends_with("StateExited") {
                    eprintln!("✓ {name}");
                } else if e.event_type.ends_with("Failed") {
                    let err = e.details.as_ref().and_then(|d| d.get("error")).and_then(Value::as_str).unwrap_or("");
                    eprintln!("✗ {} {err}", e.event_type);
                }
            }
        }
    })
}
