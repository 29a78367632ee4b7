//! The parsed form of a JSONPath, and its rendering in Jayway's normalized notation
//! (`$['a'][0]`), which AWS quotes in its error messages.

use std::fmt::{self, Write};

use serde_json::Value;

use super::filter::Filter;

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Root {
    /// `$`: the state input (or whatever document the caller hands in).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

/// One step after the root.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// `.x`, `['x']`, `[0]`, `[*]`, `[?(…)]` …: applied to the current node.
    Child(Selector),
    /// `..x`: applied to the current node and every node below it.
    Scan(Selector),
}

#[derive(Debug, Clone)]
pub(crate) enum Selector {
    Name(String),
    /// `['a','b']`: as a leaf, an object of the properties found.
    Names(Vec<String>),
    Index(i64),
    Indices(Vec<i64>),
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    Wildcard,
    Filter(Box<Filter>),
    /// `.length()` and friends: Jayway syntax that AWS does not evaluate.
    Function(String),
}

impl Step {
    pub(crate) fn selector(&self) -> &Selector {
        match self {
            Step::Child(s) | Step::Scan(s) => s,
        }
    }

    /// Whether this step can select at most one node (Jayway's "definite" token).
    pub(crate) fn is_definite(&self) -> bool {
        match self {
            Step::Scan(_) => false,
            Step::Child(s) => {
                matches!(s, Selector::Name(_) | Selector::Names(_) | Selector::Index(_) | Selector::Function(_))
            }
        }
    }
}

/// Whether a whole path is definite: it then yields one value or an error, never an array of
/// matches.
pub(crate) fn is_definite(steps: &[Step]) -> bool {
    steps.iter().all(Step::is_definite)
}

/// Appends the Jayway fragment of one step (`['a']`, `[0]`, `..['a']`, `[?]`).
pub(crate) fn write_fragment(out: &mut String, step: &Step) {
    if let Step::Scan(_) = step {
        out.push_str("..");
    }
    write_selector(out, step.selector());
}

fn write_selector(out: &mut String, selector: &Selector) {
    // Writing into a String cannot fail, so the results of write! are ignored.
    match selector {
        Selector::Name(n) => {
            let _ = write!(out, "['{n}']");
        }
        Selector::Names(ns) => {
            out.push('[');
            for (i, n) in ns.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "'{n}'");
            }
            out.push(']');
        }
        Selector::Index(i) => {
            let _ = write!(out, "[{i}]");
        }
        Selector::Indices(is) => {
            let list: Vec<String> = is.iter().map(i64::to_string).collect();
            let _ = write!(out, "[{}]", list.join(","));
        }
        Selector::Slice { start, end, step } => {
            let part = |v: &Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
            let _ = write!(out, "[{}:{}", part(start), part(end));
            if step.is_some() {
                let _ = write!(out, ":{}", part(step));
            }
            out.push(']');
        }
        Selector::Wildcard => out.push_str("[*]"),
        Selector::Filter(_) => out.push_str("[?]"),
        Selector::Function(name) => {
            let _ = write!(out, ".{name}()");
        }
    }
}

/// The Jayway notation of a root and steps: `$['a']['b'][0]`.
pub(crate) fn normalized(steps: &[Step]) -> String {
    let mut out = String::from("$");
    for s in steps {
        write_fragment(&mut out, s);
    }
    out
}

/// A value as Java's `toString` of the Jayway model prints it in messages: strings bare,
/// everything else as compact JSON.
pub(crate) struct JavaText<'a>(pub &'a Value);

impl fmt::Display for JavaText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::String(s) => f.write_str(s),
            other => f.write_str(&compact_json(other)),
        }
    }
}

/// Compact JSON text, keys in their input order, as AWS quotes values in messages.
pub(crate) fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The Java class name the default Jayway provider (json-smart) gives a value, quoted by AWS in
/// "Expected to find an object" messages.
pub(crate) fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => "java.lang.Integer",
            Some(_) => "java.lang.Long",
            None if n.is_u64() => "java.math.BigInteger",
            None => "java.lang.Double",
        },
    }
}
