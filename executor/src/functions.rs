//! The function registry: functions by name, each run by a local command, an HTTP endpoint or an
//! in-process handler.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use engine::invoker::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ExecutorError;

/// How a function is run, as registered (`--functions` file or REST).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// Program and arguments; the event JSON on stdin, the result JSON on stdout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Endpoint the event is POSTed to as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
}

impl FunctionSpec {
    pub fn validate(&self, name: &str) -> Result<(), ExecutorError> {
        let bad = |m: &str| Err(ExecutorError::InvalidFunction { name: name.into(), message: m.into() });
        match (&self.command, &self.url) {
            (Some(_), Some(_)) => bad("give either \"command\" or \"url\", not both"),
            (None, None) => bad("give \"command\" (a program and its arguments) or \"url\""),
            (Some(c), None) if c.is_empty() => bad("\"command\" must name a program"),
            _ => Ok(()),
        }
    }
}

/// A function's error, as a Lambda runtime reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionError {
    /// The error name (`errorType`), which becomes the Task's error.
    pub error_type: String,
    /// The error payload's JSON text exactly as the function produced it.
    pub payload_text: String,
}

/// An in-process function.
pub trait Handler: Send + Sync + 'static {
    fn call(&self, event: Value) -> BoxFuture<'static, Result<Value, FunctionError>>;
}

#[derive(Clone)]
pub enum Function {
    Spec(FunctionSpec),
    Native(Arc<dyn Handler>),
}

/// Functions by name.
#[derive(Default)]
pub struct Registry {
    functions: RwLock<HashMap<String, Function>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a `--functions` file: `{"name": {spec}, …}`.
    pub fn load_file(&self, path: &str) -> Result<usize, ExecutorError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ExecutorError::ReadFile { path: path.into(), source })?;
        let specs: BTreeMap<String, FunctionSpec> = serde_json::from_str(&text)
            .map_err(|e| ExecutorError::InvalidFile { path: path.into(), message: e.to_string() })?;
        for (name, spec) in &specs {
            spec.validate(name)?;
        }
        let n = specs.len();
        for (name, spec) in specs {
            self.put(name, spec)?;
        }
        Ok(n)
    }

    pub fn put(&self, name: String, spec: FunctionSpec) -> Result<(), ExecutorError> {
        spec.validate(&name)?;
        self.write().insert(name, Function::Spec(spec));
        Ok(())
    }

    pub fn put_native(&self, name: String, handler: Arc<dyn Handler>) {
        self.write().insert(name, Function::Native(handler));
    }

    pub fn remove(&self, name: &str) -> bool {
        self.write().remove(name).is_some()
    }

    pub fn get(&self, name: &str) -> Option<Function> {
        self.functions.read().unwrap_or_else(|p| p.into_inner()).get(name).cloned()
    }

    /// Registered specs (native handlers are not listed).
    pub fn specs(&self) -> Vec<(String, FunctionSpec)> {
        let g = self.functions.read().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<_> = g
            .iter()
            .filter_map(|(n, f)| match f {
                Function::Spec(s) => Some((n.clone(), s.clone())),
                Function::Native(_) => None,
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Function>> {
        self.functions.write().unwrap_or_else(|p| p.into_inner())
    }
}

/// The function name in a plain name or a Lambda function ARN (`…:function:NAME[:qualifier]`).
pub fn function_name(name_or_arn: &str) -> &str {
    match name_or_arn.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => name_or_arn,
    }
}
