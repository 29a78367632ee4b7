//! The eight state types and the parts they share.

use serde_json::Value;

use super::{QueryLanguage, Scope, StateId};
use crate::choice::Rule;
use crate::jsonata::{JsonataExpr, JsonataTemplate};
use crate::path::{ReferencePath, ResultPath};
use crate::template::{PathExpr, PayloadTemplate};

/// One state of a scope.
#[derive(Debug, Clone)]
pub struct State {
    pub name: String,
    pub comment: Option<String>,
    /// The effective query language (the state's own, else the machine's).
    pub query_language: QueryLanguage,
    pub io: Io,
    pub assign: Option<Template>,
    /// `Next` / `End`. Choice, Succeed and Fail have [`Transition::None`].
    pub transition: Transition,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub kind: StateKind,
    /// Does any expression of the state (or of the states nested in it) read the context object
    /// (`$$…`, `$states.context`, or `$states` as a whole)? When not, running the state need not
    /// build it.
    pub reads_context: bool,
}

impl State {
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Next(StateId),
    End,
    /// Choice, Succeed and Fail decide (or end) on their own.
    None,
}

/// Input and output processing. JSONPath states use the path fields; JSONata states use
/// `arguments` (Task/Parallel/Map input to the work) and `output`.
#[derive(Debug, Clone, Default)]
pub struct Io {
    /// `InputPath`: `None` when absent (the whole input), `Some(None)` for `null` (`{}`).
    pub input_path: Option<Option<ReferencePath>>,
    /// `Parameters` (Pass, Task, Parallel, Map) or Map's `ItemSelector`/legacy `Parameters`.
    pub parameters: Option<PayloadTemplate>,
    pub result_selector: Option<PayloadTemplate>,
    /// `ResultPath`: `None` when absent (`$`), `Some(ResultPath::Discard)` for `null`.
    pub result_path: Option<ResultPath>,
    /// `OutputPath`: `None` when absent, `Some(None)` for `null`.
    pub output_path: Option<Option<ReferencePath>>,
    /// JSONata `Arguments`.
    pub arguments: Option<JsonataTemplate>,
    /// JSONata `Output`.
    pub output: Option<JsonataTemplate>,
}

/// A payload template in either query language (`Assign`, Pass `Result` in JSONata is plain JSON).
#[derive(Debug, Clone)]
pub enum Template {
    JsonPath(PayloadTemplate),
    Jsonata(JsonataTemplate),
}

/// A value that may be given literally, by a JSONPath (`…Path` fields; intrinsic calls where
/// AWS allows them) or by a JSONata expression (`{% … %}`).
#[derive(Debug, Clone)]
pub enum Dynamic<T> {
    Literal(T),
    Path(PathExpr),
    Jsonata(JsonataExpr),
}

/// The model is built once per definition and read many times, so the size difference between
/// variants costs nothing worth an extra indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum StateKind {
    Pass(Pass),
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Map),
}

impl StateKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass(_) => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pass {
    /// `Result` (JSONPath) — a literal value.
    pub result: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub resource: String,
    pub timeout_seconds: Option<Dynamic<u64>>,
    pub heartbeat_seconds: Option<Dynamic<u64>>,
    pub credentials: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<StateId>,
}

#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub condition: Condition,
    pub next: StateId,
    pub assign: Option<Template>,
    /// JSONata `Output` of a choice rule.
    pub output: Option<JsonataTemplate>,
}

#[derive(Debug, Clone)]
pub enum Condition {
    JsonPath(Box<Rule>),
    Jsonata(JsonataExpr),
}

#[derive(Debug, Clone)]
pub enum Wait {
    Seconds(Dynamic<u64>),
    Timestamp(Dynamic<String>),
}

#[derive(Debug, Clone, Default)]
pub struct Fail {
    pub error: Option<Dynamic<String>>,
    pub cause: Option<Dynamic<String>>,
}

#[derive(Debug, Clone)]
pub struct Parallel {
    pub branches: Vec<Scope>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessorMode {
    #[default]
    Inline,
    Distributed,
}

#[derive(Debug, Clone)]
pub struct Map {
    pub processor: Box<Scope>,
    pub mode: ProcessorMode,
    /// `ProcessorConfig.ExecutionType` of a distributed Map (`STANDARD` / `EXPRESS`).
    pub execution_type: Option<String>,
    pub items_path: Option<ReferencePath>,
    /// JSONata `Items`.
    pub items: Option<JsonataTemplate>,
    /// `ItemSelector` (or legacy `Parameters`), in the state's query language.
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<Dynamic<u64>>,
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    pub item_reader: Option<Value>,
    pub item_batcher: Option<ItemBatcher>,
    pub result_writer: Option<Value>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ItemBatcher {
    pub max_items_per_batch: Option<Dynamic<u64>>,
    pub max_input_bytes_per_batch: Option<Dynamic<u64>>,
    pub batch_input: Option<Template>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JitterStrategy {
    #[default]
    None,
    Full,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    /// Seconds before the first retry (default 1).
    pub interval_seconds: u64,
    /// Retries after the first attempt (default 3).
    pub max_attempts: u64,
    /// Multiplier of the interval per retry (default 2.0).
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u64>,
    pub jitter: JitterStrategy,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: StateId,
    /// JSONPath `ResultPath` (default `$`).
    pub result_path: Option<ResultPath>,
    /// JSONata `Output`.
    pub output: Option<JsonataTemplate>,
    pub assign: Option<Template>,
}
