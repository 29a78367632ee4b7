//! Loading the conformance corpus: the cases listed in a directory's `_index.json`, with the
//! fields a runner needs and the raw JSON kept for the comparator.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// How a case's execution is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    /// StartExecution.
    Async,
    /// StartSyncExecution (Express only; no history).
    Sync,
}

/// `context`: the names, account and region the case's expectations use.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseContext {
    pub account_id: String,
    pub region: String,
    pub partition: String,
    pub state_machine_name: String,
    /// `STANDARD` or `EXPRESS`.
    pub state_machine_type: String,
    pub role_arn: Option<String>,
    pub execution_name: String,
    pub state_machine_arn: Option<String>,
    pub execution_arn: Option<String>,
    pub start: StartMode,
    /// The instant the test computed timestamps of its input from (ISO-8601).
    pub clock_now: Option<String>,
}

/// `flags`: how to run and compare.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseFlags {
    pub history_order_may_interleave: bool,
    pub max_wait_seconds: Option<f64>,
    pub clock_dependent: bool,
    pub not_terminated_when_recorded: bool,
    pub has_unreproducible_normalizer: bool,
}

/// The expected outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED` or `RUNNING`.
    pub status: String,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<Value>,
    pub has_history: bool,
}

/// One conformance case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    pub file: PathBuf,
    pub category: String,
    /// `JSONPath`, `JSONata` or `mixed`.
    pub query_language: String,
    /// `none`, `lambda-echo`, `lambda-error` or `other`.
    pub task_needs: String,
    pub definition: Value,
    pub input: Value,
    pub context: CaseContext,
    /// Function name → `{arn, behaviour, observed?}`.
    pub lambdas: Map<String, Value>,
    pub expected: Expected,
    pub flags: CaseFlags,
    /// The whole case, for `check::check_case`.
    pub raw: Value,
}

/// Why the corpus could not be read.
#[derive(Debug)]
pub struct LoadError {
    pub file: PathBuf,
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.reason)
    }
}

impl std::error::Error for LoadError {}

fn read_json(file: &Path) -> Result<Value, LoadError> {
    let err = |reason: String| LoadError { file: file.to_path_buf(), reason };
    let text = fs::read_to_string(file).map_err(|e| err(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| err(e.to_string()))
}

/// The cases listed in `dir/_index.json`, in its order (files named `_*.json` are not cases).
/// Without an index, every `*.json` of the directory in name order.
pub fn load_cases(dir: impl AsRef<Path>) -> Result<Vec<Case>, LoadError> {
    let dir = dir.as_ref();
    let index = dir.join("_index.json");
    let files: Vec<String> = if index.exists() {
        let rows = read_json(&index)?;
        rows.as_array()
            .map(|rows| rows.iter().filter_map(|r| r.get("file").and_then(Value::as_str)).map(str::to_string).collect())
            .unwrap_or_default()
    } else {
        let entries = fs::read_dir(dir).map_err(|e| LoadError { file: dir.to_path_buf(), reason: e.to_string() })?;
        let mut names: Vec<String> =
            entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".json")).collect();
        names.sort();
        names
    };
    files
        .iter()
        .filter(|f| !f.starts_with('_'))
        .map(|f| {
            let file = dir.join(f);
            let raw = read_json(&file)?;
            Case::from_value(raw, file)
        })
        .collect()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

impl Case {
    /// A case from its JSON; `file` is where it came from (for messages).
    pub fn from_value(raw: Value, file: PathBuf) -> Result<Case, LoadError> {
        let missing = |what: &str| LoadError { file: file.clone(), reason: format!("missing {what}") };
        let id = opt_text(&raw, "id").ok_or_else(|| missing("id"))?;
        let definition = raw.get("definition").cloned().ok_or_else(|| missing("definition"))?;
        let ctx = raw.get("context").ok_or_else(|| missing("context"))?;
        let exp = raw.get("expected").ok_or_else(|| missing("expected"))?;
        let context = CaseContext {
            account_id: text(ctx, "account_id"),
            region: text(ctx, "region"),
            partition: opt_text(ctx, "partition").unwrap_or_else(|| "aws".into()),
            state_machine_name: text(ctx, "state_machine_name"),
            state_machine_type: opt_text(ctx, "state_machine_type").unwrap_or_else(|| "STANDARD".into()),
            role_arn: opt_text(ctx, "role_arn"),
            execution_name: text(ctx, "execution_name"),
            state_machine_arn: opt_text(ctx, "state_machine_arn"),
            execution_arn: opt_text(ctx, "execution_arn"),
            start: if text(ctx, "start") == "sync" { StartMode::Sync } else { StartMode::Async },
            clock_now: opt_text(ctx, "clock_now"),
        };
        let expected = Expected {
            status: opt_text(exp, "status").ok_or_else(|| missing("expected.status"))?,
            output: exp.get("output").cloned(),
            error: opt_text(exp, "error"),
            cause: exp.get("cause").cloned(),
            has_history: exp.get("history").is_some(),
        };
        let f = raw.get("flags").cloned().unwrap_or(Value::Null);
        let flags = CaseFlags {
            history_order_may_interleave: flag(&f, "history_order_may_interleave"),
            max_wait_seconds: f.get("max_wait_seconds").and_then(Value::as_f64),
            clock_dependent: flag(&f, "clock_dependent"),
            not_terminated_when_recorded: flag(&f, "not_terminated_when_recorded"),
            has_unreproducible_normalizer: flag(&f, "has_unreproducible_normalizer"),
        };
        Ok(Case {
            id,
            category: text(&raw, "category"),
            query_language: text(&raw, "query_language"),
            task_needs: opt_text(&raw, "task_needs").unwrap_or_else(|| "none".into()),
            definition,
            input: raw.get("input").cloned().unwrap_or(Value::Null),
            context,
            lambdas: raw.get("lambdas").and_then(Value::as_object).cloned().unwrap_or_default(),
            expected,
            flags,
            file,
            raw,
        })
    }

    /// The execution input as JSON text, as StartExecution takes it.
    pub fn input_text(&self) -> String {
        self.input.to_string()
    }
}

/// The shared conformance directory (holding `aws-recorded/` and `check.py`):
/// `$CAIRN_CONFORMANCE_DIR`, else `../shared/conformance` beside the workspace, when present.
pub fn shared_conformance_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CAIRN_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    dir.join("aws-recorded/_index.json").exists().then_some(dir)
}

/// The recorded cases of [`shared_conformance_dir`].
pub fn shared_corpus_dir() -> Option<PathBuf> {
    shared_conformance_dir().map(|d| d.join("aws-recorded"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_case_reads_its_fields() {
        let raw = json!({
            "id": "x::y", "category": "base", "query_language": "JSONPath", "task_needs": "none",
            "definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
            "input": {"a": 1},
            "context": {"account_id": "111111111111", "region": "us-east-1", "partition": "aws",
                        "role_arn": null, "state_machine_name": "sm", "state_machine_type": "EXPRESS",
                        "execution_name": "ex", "start": "sync"},
            "lambdas": {}, "normalizers": [],
            "expected": {"status": "FAILED", "error": "E", "cause": {"k": 1}},
            "flags": {"history_order_may_interleave": true, "max_wait_seconds": 5}
        });
        let case = Case::from_value(raw.clone(), PathBuf::from("x.json"));
        let Ok(case) = case else {
            panic!("case did not load: {case:?}");
        };
        assert_eq!(case.id, "x::y");
        assert_eq!(case.context.start, StartMode::Sync);
        assert_eq!(case.context.role_arn, None);
        assert_eq!(case.expected.error.as_deref(), Some("E"));
        assert_eq!(case.expected.cause, Some(json!({"k": 1})));
        assert!(!case.expected.has_history);
        assert!(case.flags.history_order_may_interleave);
        assert_eq!(case.flags.max_wait_seconds, Some(5.0));
        assert_eq!(case.input_text(), r#"{"a":1}"#);
        assert_eq!(case.raw, raw);
    }

    #[test]
    fn a_case_without_an_id_is_an_error() {
        let err = Case::from_value(json!({"definition": {}}), PathBuf::from("bad.json"));
        assert_eq!(err.map_err(|e| e.to_string()), Err("bad.json: missing id".to_string()));
    }

    #[test]
    fn the_shared_corpus_loads_when_present() {
        let Some(dir) = shared_corpus_dir() else { return };
        let cases = load_cases(&dir).unwrap_or_default();
        assert!(cases.len() > 700, "{} cases", cases.len());
        assert!(cases.iter().all(|c| !c.file.file_name().is_some_and(|n| n.to_string_lossy().starts_with('_'))));
        assert!(cases.iter().any(|c| c.task_needs == "lambda-error" && !c.lambdas.is_empty()));
    }
}
