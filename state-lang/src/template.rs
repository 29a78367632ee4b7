//! JSONPath-mode payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, …): a JSON
//! value whose keys ending in `.$` take their value from a path, the context object, a variable or an
//! intrinsic function call.
//!
//! A template is compiled once into a tree whose static parts are kept as ready-made values, so
//! evaluating it only walks the dynamic parts and clones what it must.

use serde_json::{Map, Value};

use crate::env::Env;
use crate::failure::Failure;
use crate::intrinsics::Intrinsic;
use crate::path::ReferencePath;

/// The value of a `.$` key (or of a `…Path` field that also accepts intrinsics, such as `ErrorPath`).
#[derive(Debug, Clone)]
pub enum PathExpr {
    Path(ReferencePath),
    Intrinsic(Intrinsic),
}

impl PathExpr {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.starts_with("States.") {
            Ok(PathExpr::Intrinsic(Intrinsic::parse(text)?))
        } else {
            Ok(PathExpr::Path(ReferencePath::parse(text)?))
        }
    }

    /// Evaluates against the state input; `field` names the ASL field (`value.$`, `ErrorPath`,
    /// `TimeoutSecondsPath` …) and chooses the wording of a missing path's error (see
    /// [`crate::path::MissingPathStyle::for_field`]).
    /// The expression as written.
    pub fn as_str(&self) -> &str {
        match self {
            PathExpr::Path(p) => p.as_str(),
            PathExpr::Intrinsic(i) => i.as_str(),
        }
    }

    pub fn eval(&self, input: &Value, env: &Env, field: &str) -> Result<Value, Failure> {
        match self {
            PathExpr::Path(p) => p.select(input, env, field),
            PathExpr::Intrinsic(i) => i.eval(input, env),
        }
    }
}

/// A compiled payload template.
#[derive(Debug, Clone)]
pub struct PayloadTemplate {
    source: Value,
    root: Node,
}

/// A compiled part of a template.
#[derive(Debug, Clone)]
enum Node {
    /// A part with no `.$` key anywhere below it, evaluated by a clone.
    Literal(Value),
    /// An object with at least one dynamic entry, keys already stripped of `.$`, in order.
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// A `.$` key's expression; `field` is the key as written (`value.$`), for messages.
    Expr {
        field: String,
        expr: PathExpr,
    },
}

impl PayloadTemplate {
    /// Compiles a template; errors are `(JSON Pointer relative to the template, message)`.
    pub fn compile(value: &Value) -> Result<Self, Vec<(String, String)>> {
        let mut errors = Vec::new();
        let root = compile_node(value, &mut String::new(), &mut errors);
        if errors.is_empty() {
            Ok(PayloadTemplate { source: value.clone(), root })
        } else {
            Err(errors)
        }
    }

    pub fn source(&self) -> &Value {
        &self.source
    }

    /// Whether the template has no `.$` key at all (it then always yields its source).
    pub fn is_static(&self) -> bool {
        matches!(self.root, Node::Literal(_))
    }

    pub fn eval(&self, input: &Value, env: &Env) -> Result<Value, Failure> {
        eval_node(&self.root, input, env)
    }
}

fn compile_node(value: &Value, pointer: &mut String, errors: &mut Vec<(String, String)>) -> Node {
    match value {
        Value::Object(map) => compile_object(map, pointer, errors),
        Value::Array(items) => {
            let mut nodes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                nodes.push(compile_node(item, pointer, errors));
                pointer.truncate(len);
            }
            if nodes.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(Value::Array(nodes.into_iter().filter_map(into_literal).collect()))
            } else {
                Node::Array(nodes)
            }
        }
        other => Node::Literal(other.clone()),
    }
}

/// An object of the template. AWS writes its plain fields first, in template order, then its
/// `.$` fields in the iteration order of a Java `HashMap` holding them (recorded executions
/// show exactly that order), so the entries are arranged that way once, here.
fn compile_object(map: &Map<String, Value>, pointer: &mut String, errors: &mut Vec<(String, String)>) -> Node {
    let mut plain = Vec::with_capacity(map.len());
    let mut dynamic = Vec::new();
    for (key, child) in map {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        match key.strip_suffix(".$") {
            Some(name) => dynamic.push((name.to_string(), compile_expr(key, child, pointer, errors))),
            None => plain.push((key.clone(), compile_node(child, pointer, errors))),
        }
        pointer.truncate(len);
    }
    if dynamic.is_empty() && plain.iter().all(|(_, n)| matches!(n, Node::Literal(_))) {
        return Node::Literal(literal_object(plain));
    }
    java_hash_map_order(&mut dynamic);
    plain.extend(dynamic);
    Node::Object(plain)
}

/// Sorts entries (given in insertion order) into the iteration order of a `java.util.HashMap`
/// filled with them: by bucket, `(h ^ h >>> 16) & (capacity - 1)` of the key's `String`
/// hash, then by insertion within a bucket. The capacity starts at 16 and doubles whenever
/// the entries exceed three quarters of it.
fn java_hash_map_order<T>(entries: &mut [(String, T)]) {
    let mut capacity = 16usize;
    while entries.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let bucket = |key: &str| {
        let h = key.encode_utf16().fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)));
        (h ^ (h >> 16)) as usize & (capacity - 1)
    };
    entries.sort_by_cached_key(|(key, _)| bucket(key));
}

/// A `.$` key's value: a path or an intrinsic call, as a string.
fn compile_expr(key: &str, value: &Value, pointer: &str, errors: &mut Vec<(String, String)>) -> Node {
    let parsed = match value {
        Value::String(text) => PathExpr::parse(text),
        _ => Err(String::new()),
    };
    match parsed {
        Ok(expr) => Node::Expr { field: key.to_string(), expr },
        Err(why) => {
            let mut message = format!(
                "The value for the field '{key}' must be a valid JSONPath or a valid intrinsic \
                 function call"
            );
            if !why.is_empty() {
                message.push_str(&format!(" ({why})"));
            }
            errors.push((pointer.to_string(), message));
            Node::Literal(Value::Null)
        }
    }
}

fn into_literal(node: Node) -> Option<Value> {
    match node {
        Node::Literal(v) => Some(v),
        _ => None,
    }
}

fn literal_object(entries: Vec<(String, Node)>) -> Value {
    let mut map = Map::with_capacity(entries.len());
    for (key, node) in entries {
        if let Some(v) = into_literal(node) {
            map.insert(key, v);
        }
    }
    Value::Object(map)
}

fn eval_node(node: &Node, input: &Value, env: &Env) -> Result<Value, Failure> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Expr { field, expr } => expr.eval(input, env, field),
        Node::Object(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, child) in entries {
                map.insert(key.clone(), eval_node(child, input, env)?);
            }
            Ok(Value::Object(map))
        }
        Node::Array(items) => {
            items.iter().map(|n| eval_node(n, input, env)).collect::<Result<_, _>>().map(Value::Array)
        }
    }
}

#[cfg(test)]
mod tests;
