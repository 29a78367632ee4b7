//! The case's normalizers applied to the actual values, in order, exactly as the recording
//! applied them: tree ops edit values in place, text ops (regexes, dates and `<name:N>`
//! references) run afterwards on each key's `json.dumps` text, in registration order.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::path::{find, get, get_mut, parse_path, Seg};
use super::pyre::PyRegex;
use crate::pyfmt::{dumps, py_str, str_repr, Dumps};

pub const PATTERN_ISO8601: &str = concat!(
    r"(?:[1-9]\d{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)",
    r"|(?:0[13578]|1[02])-31)|(?:[1-9]\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]",
    r"|[13579][26])00)-02-29)T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-][01]\d:?([0-5]\d)?)"
);
pub const PATTERN_UUID: &str = r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}";

enum TextOp {
    Regex(PyRegex, String),
    Literal(String, String),
}

impl TextOp {
    fn apply(&self, text: &str) -> String {
        match self {
            TextOp::Regex(rx, template) => rx.sub(template, text),
            TextOp::Literal(old, new) => text.replace(old.as_str(), new),
        }
    }
}

/// The normalizing pass over one state (`{"history": …, "result": …}`).
struct Normalizer<'n> {
    text_ops: Vec<TextOp>,
    seen: HashSet<String>,
    counters: HashMap<String, usize>,
    notes: &'n mut Vec<String>,
    iso: Option<PyRegex>,
    uuid: Option<PyRegex>,
    cause_input: Option<PyRegex>,
}

/// Normalize `state` (an object of snapshot keys) with `normalizers` (presets expanded).
pub fn normalize(mut state: Value, normalizers: &[Value], notes: &mut Vec<String>) -> Value {
    let mut n = Normalizer {
        text_ops: Vec::new(),
        seen: HashSet::new(),
        counters: HashMap::new(),
        notes,
        iso: PyRegex::new(PATTERN_ISO8601).ok(),
        uuid: PyRegex::new(PATTERN_UUID).ok(),
        cause_input: PyRegex::new(r".*'({.*})'").ok(),
    };
    for op in normalizers {
        n.apply(&mut state, op);
    }
    let Value::Object(map) = state else {
        return state;
    };
    let mut out = Map::new();
    for (key, value) in map {
        let mut text = dumps(&value, Dumps::DEFAULT);
        for op in &n.text_ops {
            text = op.apply(&text);
        }
        let normalized = serde_json::from_str(&text).unwrap_or_else(|e| {
            n.notes.push(format!("{key}: normalized text is not JSON ({e}); left as it was"));
            value
        });
        out.insert(key, normalized);
    }
    Value::Object(out)
}

fn text_field<'v>(op: &'v Value, field: &str) -> &'v str {
    op.get(field).and_then(Value::as_str).unwrap_or_default()
}

impl Normalizer<'_> {
    fn apply(&mut self, state: &mut Value, op: &Value) {
        let kind = text_field(op, "op");
        match kind {
            "regex" => {
                let pattern = text_field(op, "pattern");
                match PyRegex::new(pattern) {
                    Ok(rx) => self.text_ops.push(TextOp::Regex(rx, text_field(op, "replacement").into())),
                    Err(_) => self.notes.push(format!("bad regex normalizer {} ignored", str_repr(pattern))),
                }
            }
            "iso8601_to_date" => {
                if let Some(rx) = self.iso.clone() {
                    self.text_ops.push(TextOp::Regex(rx, "date".into()));
                }
            }
            "jsonpath_set" | "jsonpath_ref" => self.jsonpath(state, op, kind == "jsonpath_set"),
            "key_value_ref" | "key_value_set" => {
                let key = text_field(op, "key").to_string();
                let replacement = text_field(op, "replacement").to_string();
                let set = kind == "key_value_set";
                walk_kv(state, &mut |k, v| {
                    if k != key || v.is_null() || v.as_str() == Some("") {
                        return false;
                    }
                    if set {
                        *v = Value::String(replacement.clone());
                    } else {
                        self.reference(v, &replacement);
                    }
                    true
                });
            }
            "uuid_id_keys" => self.uuid_id_keys(state),
            "timestamp_keys" => self.timestamp_keys(state),
            "cause_json_input" => self.cause_json_input(state),
            "map_run_arn" => self.map_run_arn(state, op),
            "sort_parallel_events" => {
                let Ok(steps) = parse_path("$..events") else { return };
                for loc in find(state, &steps) {
                    if let Some(Value::Array(events)) = get_mut(state, &loc) {
                        sort_parallel(events);
                    }
                }
            }
            _ => {
                let name = text_field(op, "name");
                let label = format!("normalizer {kind} {name}");
                self.notes.push(format!("{} is not reproducible; ignored", label.trim_end()));
            }
        }
    }

    /// One distinct non-empty string → `<name:N>` everywhere (by text replacement).
    fn reference(&mut self, value: &Value, name: &str) {
        let Some(s) = value.as_str().filter(|s| !s.is_empty()) else {
            return;
        };
        let escaped = s.replace('"', "\\\"");
        if !self.seen.insert(escaped.clone()) {
            return;
        }
        let counter = self.counters.entry(name.to_string()).or_insert(0);
        *counter += 1;
        self.text_ops.push(TextOp::Literal(escaped, format!("<{name}:{counter}>")));
    }

    fn jsonpath(&mut self, state: &mut Value, op: &Value, set: bool) {
        let path = text_field(op, "path");
        let steps = match parse_path(path) {
            Ok(steps) => steps,
            Err(e) => {
                self.notes.push(format!("{e}; normalizer ignored"));
                return;
            }
        };
        let mut done: Vec<Vec<Seg>> = Vec::new();
        for loc in find(state, &steps) {
            if set {
                // A location inside a value replaced earlier belongs to the detached old value.
                if done.iter().any(|d| d.len() < loc.len() && loc.starts_with(d)) {
                    continue;
                }
                if let Some(slot) = get_mut(state, &loc) {
                    *slot = op.get("value").cloned().unwrap_or(Value::Null);
                }
                done.push(loc);
            } else if let Some(v) = get(state, &loc).cloned() {
                self.reference(&v, text_field(op, "name"));
            }
        }
    }

    fn uuid_id_keys(&mut self, state: &mut Value) {
        let Some(uuid) = self.uuid.clone() else { return };
        walk_kv(state, &mut |k, v| {
            let hit = v.as_str().is_some_and(|s| k.to_lowercase().ends_with("id") && uuid.match_start(s).is_some());
            if hit {
                self.reference(v, "uuid");
            }
            hit
        });
    }

    fn timestamp_keys(&mut self, state: &mut Value) {
        let Some(iso) = self.iso.clone() else { return };
        walk_kv(state, &mut |k, v| {
            let hit = (timestamp_key(k) || k == "creationTime" || k == "ingestionTime")
                && iso.match_start(&py_str(v)).is_none();
            if hit {
                *v = Value::String("timestamp".into());
            }
            hit
        });
    }

    fn cause_json_input(&mut self, state: &mut Value) {
        let Some(rx) = self.cause_input.clone() else { return };
        walk_kv(state, &mut |k, v| {
            let quoted = match v {
                Value::String(s) if k == "cause" => rx
                    .match_start(s)
                    .and_then(|c| c.get(1))
                    .map(|g| g.as_str().to_string())
                    .filter(|g| serde_json::from_str::<Value>(g).is_ok()),
                _ => None,
            };
            match quoted {
                Some(text) => {
                    self.reference(&Value::String(text), "json-input");
                    true
                }
                None => false,
            }
        });
    }

    /// The index-th distinct `mapRunArn` `…/<sm>/<label>:<uuid>`: the part after `:` and a
    /// uuid-like label become `<MapRunArnPart{1,0}_{index}idx>`.
    fn map_run_arn(&mut self, state: &mut Value, op: &Value) {
        let index = op.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        let Ok(steps) = parse_path("$..mapRunArn") else { return };
        let mut arns: Vec<String> = Vec::new();
        for loc in find(state, &steps) {
            if let Some(Value::String(s)) = get(state, &loc) {
                if !arns.contains(s) {
                    arns.push(s.clone());
                }
            }
        }
        let Some(arn) = arns.get(index) else { return };
        let last = arn.rsplit('/').next().unwrap_or_default();
        let mut parts: Vec<&str> = last.split(':').collect();
        parts.push("");
        parts.truncate(2);
        for (i, part) in parts.iter().enumerate().rev() {
            let uuid_like = self.uuid.as_ref().is_some_and(|u| u.match_start(part).is_some());
            if part.is_empty() || !(i == 1 || uuid_like) {
                continue;
            }
            match PyRegex::new(part) {
                Ok(rx) => self.text_ops.push(TextOp::Regex(rx, format!("<MapRunArnPart{i}_{index}idx>"))),
                Err(e) => self.notes.push(format!("map_run_arn part {part:?}: {e}")),
            }
        }
    }
}

/// `re.match(r"^.*timestamp.*$", key, re.I)`: "timestamp" on the first line, and no line
/// break after it except one at the very end.
fn timestamp_key(key: &str) -> bool {
    let body = key.strip_suffix('\n').unwrap_or(key);
    !body.contains('\n') && body.to_lowercase().contains("timestamp")
}

/// Visit every key/value of every object reached through objects and arrays of objects;
/// `act` returns true when it matched (then the value is not searched further).
fn walk_kv(node: &mut Value, act: &mut dyn FnMut(&str, &mut Value) -> bool) {
    let Value::Object(map) = node else { return };
    for (k, v) in map.iter_mut() {
        if act(k, v) {
            continue;
        }
        match v {
            Value::Object(_) => walk_kv(v, act),
            Value::Array(items) => {
                for item in items.iter_mut().filter(|i| i.is_object()) {
                    walk_kv(item, act);
                }
            }
            _ => {}
        }
    }
}

const PARALLEL_ENDS: [&str; 4] =
    ["ParallelStateSucceeded", "ParallelStateAborted", "ParallelStateExited", "ParallelStateFailed"];

/// The recording's transformer, faithfully: events between `ParallelStateStarted` and an end
/// get id `[0]` / previousEventId 0 and are sorted by their JSON text. Each end event
/// (re)writes the slice up to itself, so a second end event drops the first one.
pub fn sort_parallel(events: &mut Vec<Value>) {
    let mut start: Option<usize> = None;
    let mut sub: Vec<Value> = Vec::new();
    let mut inside = false;
    let mut i = 0;
    while i < events.len() {
        let t = events[i].get("type").and_then(Value::as_str).map(str::to_string);
        match t.as_deref() {
            None => inside = false,
            Some(t) if PARALLEL_ENDS.contains(&t) => {
                let mut sorted = sub.clone();
                sorted.sort_by_cached_key(|ev| dumps(ev, Dumps::DEFAULT));
                let from = start.unwrap_or(0).min(events.len());
                let to = i.max(from);
                events.splice(from..to, sorted);
                inside = false;
            }
            Some("ParallelStateStarted") => {
                inside = true;
                sub.clear();
                start = Some(i + 1);
            }
            Some(_) if inside => {
                if let Value::Object(ev) = &mut events[i] {
                    ev.insert("id".into(), Value::Array(vec![Value::from(0)]));
                    ev.insert("previousEventId".into(), Value::from(0));
                }
                sub.push(events[i].clone());
            }
            Some(_) => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests;
