//! JSONata templates: a JSON value (`Arguments`, `Output`, `Assign`, `Items` …) in which every
//! `{% … %}` string, at any depth, is an expression and everything else is literal.

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::session::Session;
use super::{expression_text, ExprError, JsonataExpr};
use crate::env::Env;
use crate::failure::Failure;

/// A JSON value in which every string of the form `{% … %}` is a JSONata expression.
#[derive(Clone)]
pub struct JsonataTemplate {
    inner: Arc<Inner>,
}

struct Inner {
    source: Value,
    root: Node,
    /// The names all its expressions mention, for one session per evaluation.
    names: Vec<String>,
}

/// The template with literal subtrees kept whole, so evaluating them is one clone.
enum Node {
    Literal(Value),
    Expr(JsonataExpr),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

/// One step of the path from the template's root to an expression, for messages.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl JsonataTemplate {
    /// Compiles a template, parsing every expression in it. Errors are `(pointer, message)`
    /// with the JSON Pointer of each bad expression relative to the template (`""` for the
    /// template itself, `/a/0` …) and the syntax error as [`JsonataExpr::parse`] words it.
    pub fn compile(value: &Value) -> Result<Self, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut pointer = String::new();
        let root = compile_node(value, &mut pointer, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut names = Vec::new();
        root.collect_names(&mut names);
        names.sort();
        names.dedup();
        Ok(JsonataTemplate { inner: Arc::new(Inner { source: value.clone(), root, names }) })
    }

    /// The template as written in the definition.
    pub fn source(&self) -> &Value {
        &self.inner.source
    }

    /// Whether the template holds no expression (it evaluates to itself).
    pub fn is_constant(&self) -> bool {
        matches!(self.inner.root, Node::Literal(_))
    }

    /// Every expression in the template, with its JSON Pointer relative to the template.
    pub fn expressions(&self) -> Vec<(String, &JsonataExpr)> {
        let mut out = Vec::new();
        self.inner.root.collect_exprs(&mut String::new(), &mut out);
        out
    }

    /// Evaluates the template. `field` names the ASL field for messages (`Arguments`, `Output`,
    /// `Assign`, `Items` …); an expression inside it is named by the path to it
    /// (`Output/error`, `Arguments/FunctionName`, `Items[1]`). An expression that returns
    /// nothing fails, wherever it sits.
    pub fn eval(&self, states: &Value, env: &Env, field: &str) -> Result<Value, Failure> {
        if let Node::Literal(value) = &self.inner.root {
            return Ok(value.clone());
        }
        let mut session = Session::new(&self.inner.names, states, env);
        let mut path = Vec::new();
        self.inner.root.eval(&mut session, field, &mut path)
    }
}

fn compile_node(value: &Value, pointer: &mut String, problems: &mut Vec<(String, String)>) -> Node {
    match value {
        Value::String(s) => match expression_text(s) {
            Some(text) => match JsonataExpr::parse(text) {
                Ok(expr) => Node::Expr(expr),
                Err(message) => {
                    problems.push((pointer.clone(), message));
                    Node::Literal(Value::Null)
                }
            },
            None => Node::Literal(value.clone()),
        },
        Value::Array(items) => {
            let nodes: Vec<Node> = items
                .iter()
                .enumerate()
                .map(|(i, item)| with_segment(pointer, &i.to_string(), |p| compile_node(item, p, problems)))
                .collect();
            if nodes.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(value.clone())
            } else {
                Node::Array(nodes)
            }
        }
        Value::Object(fields) => {
            let nodes: Vec<(String, Node)> = fields
                .iter()
                .map(|(k, v)| (k.clone(), with_segment(pointer, k, |p| compile_node(v, p, problems))))
                .collect();
            if nodes.iter().all(|(_, n)| matches!(n, Node::Literal(_))) {
                Node::Literal(value.clone())
            } else {
                Node::Object(nodes)
            }
        }
        other => Node::Literal(other.clone()),
    }
}

/// Runs `f` with `pointer` extended by one JSON Pointer segment (escaped per RFC 6901).
fn with_segment<T>(pointer: &mut String, segment: &str, f: impl FnOnce(&mut String) -> T) -> T {
    let len = pointer.len();
    pointer.push('/');
    pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    let out = f(pointer);
    pointer.truncate(len);
    out
}

impl Node {
    fn collect_names(&self, out: &mut Vec<String>) {
        match self {
            Node::Literal(_) => {}
            Node::Expr(e) => out.extend(e.referenced_names().iter().cloned()),
            Node::Array(items) => items.iter().for_each(|n| n.collect_names(out)),
            Node::Object(fields) => fields.iter().for_each(|(_, n)| n.collect_names(out)),
        }
    }

    fn collect_exprs<'a>(&'a self, pointer: &mut String, out: &mut Vec<(String, &'a JsonataExpr)>) {
        match self {
            Node::Literal(_) => {}
            Node::Expr(e) => out.push((pointer.clone(), e)),
            Node::Array(items) => {
                for (i, n) in items.iter().enumerate() {
                    with_segment(pointer, &i.to_string(), |p| n.collect_exprs(p, out));
                }
            }
            Node::Object(fields) => {
                for (k, n) in fields {
                    with_segment(pointer, k, |p| n.collect_exprs(p, out));
                }
            }
        }
    }

    fn eval<'a>(&'a self, session: &mut Session, field: &str, path: &mut Vec<Step<'a>>) -> Result<Value, Failure> {
        match self {
            Node::Literal(value) => Ok(value.clone()),
            Node::Expr(expr) => {
                let compiled = &expr.inner;
                // The field path is only spelled out when a message needs it.
                let error = match compiled.run(session) {
                    Ok(Some(value)) => return Ok(value),
                    Ok(None) => ExprError::Nothing,
                    Err(error) => error,
                };
                Err(compiled.failure(Some(&field_path(field, path)), error))
            }
            Node::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    out.push(item.eval(session, field, path)?);
                    path.pop();
                }
                Ok(Value::Array(out))
            }
            Node::Object(fields) => {
                let mut out = Map::with_capacity(fields.len());
                for (key, node) in fields {
                    path.push(Step::Key(key));
                    out.insert(key.clone(), node.eval(session, field, path)?);
                    path.pop();
                }
                Ok(Value::Object(out))
            }
        }
    }
}

/// `Output` + [`a`, 0, `b`] → `Output/a[0]/b`.
fn field_path(field: &str, path: &[Step<'_>]) -> String {
    let mut s = field.to_string();
    for step in path {
        match step {
            Step::Key(k) => {
                s.push('/');
                s.push_str(k);
            }
            Step::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

impl fmt::Debug for JsonataTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonataTemplate").field(&self.inner.source).finish()
    }
}
