//! Evaluation of parsed steps against a JSON document. Definite paths are followed strictly,
//! failing with Jayway's messages; indefinite paths collect every match and never fail. Both
//! borrow from the document: nothing is cloned until the caller needs an owned value.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::ast::{java_class, normalized, write_fragment, JavaText, Selector, Step};
use super::error::PathError;

/// Follows a definite path from `doc`.
pub(crate) fn definite<'v>(steps: &[Step], doc: &'v Value) -> Result<Cow<'v, Value>, PathError> {
    let mut cur = doc;
    let mut trail = String::from("$");
    for (i, step) in steps.iter().enumerate() {
        let leaf = i + 1 == steps.len();
        let Step::Child(selector) = step else {
            return Err(PathError::NoResults { path: normalized(steps) });
        };
        match selector {
            Selector::Name(name) => {
                let Value::Object(map) = cur else {
                    return Err(not_an_object(step, &trail, cur));
                };
                match map.get(name) {
                    Some(v) => cur = v,
                    None if leaf => return Err(PathError::NoResults { path: normalized(steps) }),
                    None => {
                        write_fragment(&mut trail, step);
                        return Err(PathError::MissingProperty { path: trail });
                    }
                }
            }
            Selector::Names(names) => {
                let Value::Object(map) = cur else {
                    return Err(not_an_object(step, &trail, cur));
                };
                if !leaf {
                    write_fragment(&mut trail, step);
                    return Err(PathError::MultiPropertyNotLeaf { path: trail });
                }
                return Ok(Cow::Owned(merge(map, names)));
            }
            Selector::Index(index) => match cur {
                Value::Array(items) => match resolve_index(*index, items.len()) {
                    Some(v) => cur = items.get(v).unwrap_or(&Value::Null),
                    None => return Err(PathError::NoResults { path: normalized(steps) }),
                },
                Value::Null => return Err(PathError::NullArray { path: trail }),
                other => {
                    let mut tokens = String::new();
                    steps[i..].iter().for_each(|s| write_fragment(&mut tokens, s));
                    let context = JavaText(other).to_string();
                    return Err(PathError::NotAnArray { tokens, context });
                }
            },
            // AWS does not evaluate Jayway's path functions (`.length()`, `.sum()` …).
            _ => return Err(PathError::NoResults { path: normalized(steps) }),
        }
        write_fragment(&mut trail, step);
    }
    Ok(Cow::Borrowed(cur))
}

fn not_an_object(step: &Step, trail: &str, found: &Value) -> PathError {
    let mut property = String::new();
    write_fragment(&mut property, step);
    PathError::NotAnObject { property, path: trail.to_string(), found: java_class(found) }
}

/// `['a','b']` as a leaf: an object of the listed properties that exist.
fn merge(map: &Map<String, Value>, names: &[String]) -> Value {
    let mut merged = Map::new();
    for name in names {
        if let Some(v) = map.get(name) {
            merged.insert(name.clone(), v.clone());
        }
    }
    Value::Object(merged)
}

/// An index into an array of `len` items; negative counts from the end.
pub(crate) fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if index < 0 { len.checked_add(index)? } else { index };
    (0..len).contains(&i).then(|| usize::try_from(i).ok()).flatten()
}

/// Every match of `steps` from `node`, in document order; `root` is what `$` means in filters.
pub(crate) fn collect<'v>(steps: &[Step], node: &'v Value, root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(Cow::Borrowed(node));
        return;
    };
    match step {
        Step::Child(selector) => apply(selector, rest, node, root, out),
        Step::Scan(selector) => scan(selector, rest, node, root, out),
    }
}

fn apply<'v>(selector: &Selector, rest: &[Step], node: &'v Value, root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    match (selector, node) {
        (Selector::Name(name), Value::Object(map)) => {
            if let Some(v) = map.get(name) {
                collect(rest, v, root, out);
            }
        }
        (Selector::Names(names), Value::Object(map)) if rest.is_empty() => {
            out.push(Cow::Owned(merge(map, names)));
        }
        (Selector::Names(names), Value::Object(map)) => {
            for v in names.iter().filter_map(|n| map.get(n)) {
                collect(rest, v, root, out);
            }
        }
        (Selector::Index(index), Value::Array(items)) => {
            if let Some(v) = resolve_index(*index, items.len()).and_then(|i| items.get(i)) {
                collect(rest, v, root, out);
            }
        }
        (Selector::Indices(indexes), Value::Array(items)) => {
            for index in indexes {
                if let Some(v) = resolve_index(*index, items.len()).and_then(|i| items.get(i)) {
                    collect(rest, v, root, out);
                }
            }
        }
        (Selector::Slice { start, end, step }, Value::Array(items)) => {
            for i in slice_indexes(items.len(), *start, *end, *step) {
                if let Some(v) = items.get(i) {
                    collect(rest, v, root, out);
                }
            }
        }
        (Selector::Wildcard, Value::Object(map)) => {
            map.values().for_each(|v| collect(rest, v, root, out));
        }
        (Selector::Wildcard, Value::Array(items)) => {
            items.iter().for_each(|v| collect(rest, v, root, out));
        }
        (Selector::Filter(filter), Value::Array(items)) => {
            for v in items.iter().filter(|v| filter.test(v, root)) {
                collect(rest, v, root, out);
            }
        }
        (Selector::Filter(filter), Value::Object(_)) if filter.test(node, root) => {
            collect(rest, node, root, out);
        }
        _ => {}
    }
}

/// `..selector`: the selector applied to `node` and to every container below it, pre-order.
fn scan<'v>(selector: &Selector, rest: &[Step], node: &'v Value, root: &'v Value, out: &mut Vec<Cow<'v, Value>>) {
    let children: Box<dyn Iterator<Item = &'v Value>> = match node {
        Value::Object(map) => Box::new(map.values()),
        Value::Array(items) => Box::new(items.iter()),
        _ => return,
    };
    match (selector, node) {
        // A filter under `..` tests each object it reaches (array elements are reached as
        // nodes of their own), not each array's elements, so nothing is selected twice.
        (Selector::Filter(filter), Value::Object(_)) => {
            if filter.test(node, root) {
                collect(rest, node, root, out);
            }
        }
        (Selector::Filter(_), _) => {}
        _ => apply(selector, rest, node, root, out),
    }
    for child in children {
        scan(selector, rest, child, root, out);
    }
}

/// The indexes a slice selects, clamped to the array as Jayway and RFC 9535 both do.
pub(crate) fn slice_indexes(len: usize, start: Option<i64>, end: Option<i64>, step: Option<i64>) -> Vec<usize> {
    let Ok(n) = i64::try_from(len) else {
        return Vec::new();
    };
    let step = step.unwrap_or(1);
    let norm = |i: i64| if i < 0 { n.saturating_add(i) } else { i };
    let mut picked = Vec::new();
    if step > 0 {
        let lo = start.map_or(0, norm).clamp(0, n);
        let hi = end.map_or(n, norm).clamp(0, n);
        let mut i = lo;
        while i < hi {
            picked.extend(usize::try_from(i).ok());
            i = i.saturating_add(step);
        }
    } else if step < 0 {
        let hi = start.map_or(n - 1, norm).clamp(-1, n - 1);
        let lo = end.map_or(-1, norm).clamp(-1, n - 1);
        let mut i = hi;
        while i > lo {
            picked.extend(usize::try_from(i).ok());
            i = i.saturating_add(step);
        }
    }
    picked
}
