//! `ResultPath`: where a state's result is written into its input. Only reference paths rooted
//! at `$` are allowed; missing objects on the way are created, as AWS does.

use serde_json::{Map, Value};

use super::ast::{compact_json, Root, Selector, Step};
use super::eval::resolve_index;
use super::ReferencePath;
use crate::failure::{Failure, StatesError};

/// `ResultPath`: where a state's result is written into its input.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    /// `null`: the result is discarded, the input passes through.
    Discard,
    Path(ReferencePath),
}

impl ResultPath {
    /// Parses a `ResultPath` string: a reference path on `$` made of names and indexes only.
    pub fn parse(text: &str) -> Result<Self, String> {
        let path = ReferencePath::parse(text)?;
        if *path.root() != Root::Input {
            return Err(format!(
                "'{text}' is not a valid ResultPath: it must be a reference path on the state \
                 input ('$'), not on the context object or a variable"
            ));
        }
        let writable =
            path.steps().iter().all(|s| matches!(s, Step::Child(Selector::Name(_)) | Step::Child(Selector::Index(_))));
        if !writable {
            return Err(format!(
                "'{text}' is not a valid ResultPath: a reference path may only use names and \
                 array indexes (no wildcards, slices, unions, filters, functions or '..')"
            ));
        }
        Ok(ResultPath::Path(path))
    }

    /// Writes `result` into `input` at this path, creating intermediate objects. Writing
    /// through a value that is not an object (or into an array slot that does not exist)
    /// fails with `States.ResultPathMatchFailure`.
    pub fn apply(&self, input: Value, result: Value) -> Result<Value, Failure> {
        let path = match self {
            ResultPath::Discard => return Ok(input),
            ResultPath::Path(p) if p.steps().is_empty() => return Ok(result),
            ResultPath::Path(p) => p,
        };
        let mut input = input;
        if write(&mut input, path.steps(), result).is_err() {
            return Err(Failure::states(
                StatesError::ResultPathMatchFailure,
                format!("Unable to apply ResultPath '{}' to input '{}'", path.as_str(), compact_json(&input)),
            ));
        }
        Ok(input)
    }
}

/// Why a write failed: the input keeps its shape up to that point.
struct Mismatch;

fn write(doc: &mut Value, steps: &[Step], result: Value) -> Result<(), Mismatch> {
    let Some((last, init)) = steps.split_last() else {
        *doc = result;
        return Ok(());
    };
    // Check the whole way first, so a failed write leaves the input untouched.
    if !writable(doc, steps) {
        return Err(Mismatch);
    }
    let mut cur = doc;
    for step in init {
        cur = slot(cur, step).ok_or(Mismatch)?;
    }
    *slot(cur, last).ok_or(Mismatch)? = result;
    Ok(())
}

/// Whether every step can be taken (an absent property counts: it will be created).
fn writable(doc: &Value, steps: &[Step]) -> bool {
    let mut cur = doc;
    for step in steps {
        match (step, cur) {
            (Step::Child(Selector::Name(name)), Value::Object(map)) => match map.get(name) {
                Some(next) => cur = next,
                None => return true,
            },
            (Step::Child(Selector::Index(index)), Value::Array(items)) => {
                match resolve_index(*index, items.len()).and_then(|i| items.get(i)) {
                    Some(next) => cur = next,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

/// The place a step leads to, creating an empty object for an absent property.
fn slot<'a>(cur: &'a mut Value, step: &Step) -> Option<&'a mut Value> {
    match (step, cur) {
        (Step::Child(Selector::Name(name)), Value::Object(map)) => {
            if !map.contains_key(name) {
                map.insert(name.clone(), Value::Object(Map::new()));
            }
            map.get_mut(name)
        }
        (Step::Child(Selector::Index(index)), Value::Array(items)) => {
            let i = resolve_index(*index, items.len())?;
            items.get_mut(i)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn apply(path: &str, input: Value, result: Value) -> Result<Value, Failure> {
        ResultPath::parse(path).map_err(|e| Failure::new("parse", e))?.apply(input, result)
    }

    #[test]
    fn root_replaces_and_discard_keeps_the_input() {
        assert_eq!(apply("$", json!({"a": 1}), json!(2)), Ok(json!(2)));
        assert_eq!(ResultPath::Discard.apply(json!({"a": 1}), json!(2)), Ok(json!({"a": 1})));
    }

    #[test]
    fn writes_into_the_input_keeping_key_order() {
        let out = apply("$.b", json!({"a": 1, "b": 0, "c": 3}), json!({"x": true}));
        assert_eq!(out, Ok(json!({"a": 1, "b": {"x": true}, "c": 3})));
        let text = serde_json::to_string(&out.unwrap_or_default()).unwrap_or_default();
        assert_eq!(text, r#"{"a":1,"b":{"x":true},"c":3}"#);
    }

    #[test]
    fn creates_missing_intermediate_objects() {
        let out = apply("$.detail.shipped_output.x", json!({"detail": {"a": 1}}), json!(5));
        assert_eq!(out, Ok(json!({"detail": {"a": 1, "shipped_output": {"x": 5}}})));
        assert_eq!(apply("$.a.b", json!({}), json!(null)), Ok(json!({"a": {"b": null}})));
    }

    #[test]
    fn writes_into_existing_array_slots() {
        assert_eq!(apply("$.arr[1]", json!({"arr": [1, 2]}), json!(9)), Ok(json!({"arr": [1, 9]})));
        assert_eq!(apply("$.arr[-1].k", json!({"arr": [{}, {}]}), json!(9)), Ok(json!({"arr": [{}, {"k": 9}]})));
        assert_eq!(apply("$['odd key']", json!({}), json!(1)), Ok(json!({"odd key": 1})));
    }

    #[test]
    fn writing_through_a_non_object_fails_and_names_the_input() {
        let err = apply("$.a.b", json!({"a": "text"}), json!(1)).unwrap_err();
        assert_eq!(err.error, "States.ResultPathMatchFailure");
        assert_eq!(err.cause.as_deref(), Some(r#"Unable to apply ResultPath '$.a.b' to input '{"a":"text"}'"#));
        let err = apply("$.x", json!([1, 2]), json!(1)).unwrap_err();
        assert_eq!(err.cause.as_deref(), Some("Unable to apply ResultPath '$.x' to input '[1,2]'"));
        assert!(apply("$.arr[5]", json!({"arr": [1]}), json!(1)).is_err());
        assert!(apply("$.n.x", json!({"n": null}), json!(1)).is_err());
    }

    #[test]
    fn rejects_paths_that_are_not_writable_reference_paths() {
        for bad in ["$$.Execution", "$var.x", "$.a[*]", "$..a", "$.a[1:2]", "$.a[?(@.b)]", "a", ""] {
            assert!(ResultPath::parse(bad).is_err(), "{bad} should be rejected");
        }
        let err = ResultPath::parse("$.items[*]").unwrap_err();
        assert!(err.contains("'$.items[*]' is not a valid ResultPath"), "{err}");
    }
}
