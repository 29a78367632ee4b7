//! Comparing normalized values: events in the corpus's stored form, `state_io` rows, masking
//! of skip paths, readable diffs, and the history comparison (in order or as multisets).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::path::{path_matches, Seg, Step};
use crate::pyfmt::{dumps, str_repr, Dumps};

/// A list item under a skip path.
pub const SKIPPED: &str = "<skipped>";

/// How the corpus stores input/output/parameters: JSON text parsed, else `{"$unparsed": text}`.
pub fn decode(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| {
            let mut m = Map::new();
            m.insert("$unparsed".into(), v.clone());
            Value::Object(m)
        }),
        other => other.clone(),
    }
}

/// An event as the corpus stores it: no timestamp; input/output/parameters decoded; details
/// `{"truncated": false}` dropped.
pub fn norm_event(ev: &Value) -> Value {
    let mut out = Map::new();
    for k in ["type", "id", "previousEventId"] {
        out.insert(k.into(), ev.get(k).cloned().unwrap_or(Value::Null));
    }
    let Value::Object(fields) = ev else {
        return Value::Object(out);
    };
    let untruncated = serde_json::json!({"truncated": false});
    for (k, v) in fields {
        match v {
            Value::Object(details) if k.ends_with("EventDetails") => {
                let mut d = Map::new();
                for (dk, dv) in details {
                    let value = match dk.as_str() {
                        "inputDetails" | "outputDetails" if *dv == untruncated => continue,
                        "input" | "output" | "parameters" => decode(dv),
                        "assignedVariables" => match dv {
                            Value::Object(vars) => {
                                Value::Object(vars.iter().map(|(a, b)| (a.clone(), decode(b))).collect())
                            }
                            other => other.clone(),
                        },
                        _ => dv.clone(),
                    };
                    d.insert(dk.clone(), value);
                }
                out.insert(k.clone(), Value::Object(d));
            }
            _ if !out.contains_key(k) && k != "timestamp" => {
                out.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// `(history index, details key, row)` for every state entered / exited.
pub fn state_io(events: &[Value]) -> Vec<(usize, &'static str, Value)> {
    let mut rows = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        for (dk, field) in [("stateEnteredEventDetails", "input"), ("stateExitedEventDetails", "output")] {
            let Some(details) = ev.get(dk) else { continue };
            let mut item = Map::new();
            item.insert("event".into(), ev.get("type").cloned().unwrap_or(Value::Null));
            item.insert("state".into(), details.get("name").cloned().unwrap_or(Value::Null));
            item.insert(field.into(), details.get(field).cloned().unwrap_or(Value::Null));
            if let Some(vars) = details.get("assignedVariables") {
                item.insert("assignedVariables".into(), vars.clone());
            }
            rows.push((i, dk, Value::Object(item)));
        }
    }
    rows
}

/// `v` without what a skip path selects (object keys dropped, array items blanked), as the
/// recording's comparison removed them from both sides. `aliases`: the paths `v` may have.
/// `None` stands for an absent value.
pub fn mask(v: Option<&Value>, aliases: &[Vec<Seg>], skip: &[Vec<Step>]) -> Option<Value> {
    let hit = |rel: &[Seg]| {
        skip.iter().any(|st| {
            aliases.iter().any(|a| {
                let full: Vec<Seg> = a.iter().chain(rel).cloned().collect();
                path_matches(st, &full)
            })
        })
    };
    if hit(&[]) {
        return Some(Value::String(SKIPPED.into()));
    }
    v.map(|v| mask_inner(v, &mut Vec::new(), &hit))
}

fn mask_inner(v: &Value, rel: &mut Vec<Seg>, hit: &dyn Fn(&[Seg]) -> bool) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, x) in map {
                rel.push(Seg::Key(k.clone()));
                if !hit(rel) {
                    out.insert(k.clone(), mask_inner(x, rel, hit));
                }
                rel.pop();
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                rel.push(Seg::Index(i));
                out.push(if hit(rel) { Value::String(SKIPPED.into()) } else { mask_inner(x, rel, hit) });
                rel.pop();
            }
            Value::Array(out)
        }
        other => other.clone(),
    }
}

/// One segment of a diff location.
#[derive(Debug, Clone)]
pub enum Loc {
    Key(String),
    Index(usize),
}

/// Append `path: expected X, got Y` for every leaf where `e` and `a` differ.
pub fn diff(e: Option<&Value>, a: Option<&Value>, path: &mut Vec<Loc>, out: &mut Vec<String>) {
    if e == a {
        return;
    }
    let mut where_ = String::new();
    for seg in path.iter() {
        match seg {
            Loc::Key(k) => {
                where_.push('.');
                where_.push_str(k);
            }
            Loc::Index(i) => where_.push_str(&format!("[{i}]")),
        }
    }
    let where_ = where_.trim_start_matches('.');
    match (e, a) {
        (Some(Value::Object(em)), Some(Value::Object(am))) => {
            let keys = em.keys().chain(am.keys().filter(|k| !em.contains_key(*k)));
            for k in keys {
                path.push(Loc::Key(k.clone()));
                diff(em.get(k), am.get(k), path, out);
                path.pop();
            }
        }
        (Some(Value::Array(el)), Some(Value::Array(al))) if el.len() == al.len() => {
            for (i, (x, y)) in el.iter().zip(al).enumerate() {
                path.push(Loc::Index(i));
                diff(Some(x), Some(y), path, out);
                path.pop();
            }
        }
        (Some(Value::String(es)), Some(Value::String(as_))) if es.chars().count().max(as_.chars().count()) > 80 => {
            let ec: Vec<char> = es.chars().collect();
            let ac: Vec<char> = as_.chars().collect();
            let i = ec.iter().zip(&ac).position(|(x, y)| x != y).unwrap_or(ec.len().min(ac.len()));
            let lo = i.saturating_sub(40);
            let dots = if i > 40 { "..." } else { "" };
            let tail = |c: &[char]| Value::String(c[lo.min(c.len())..].iter().collect());
            out.push(format!(
                "{where_}: strings differ at char {i}: expected {dots}{}, got {dots}{}",
                short(Some(&tail(&ec)), 120),
                short(Some(&tail(&ac)), 120)
            ));
        }
        _ => out.push(format!("{where_}: expected {}, got {}", short(e, 160), short(a, 160))),
    }
}

/// A value in a message, cut at `n` characters.
pub fn short(v: Option<&Value>, n: usize) -> String {
    let s = match v {
        Some(v) => dumps(v, Dumps::UNICODE),
        None => "(absent)".into(),
    };
    if s.chars().count() <= n {
        return s;
    }
    let cut: String = s.chars().take(n - 3).collect();
    format!("{cut}...")
}

/// Differences outside skip paths go to `diffs`; when only skipped parts differ, a soft note.
pub struct Comparison<'a> {
    pub skip: &'a [Vec<Step>],
    pub diffs: &'a mut Vec<String>,
    pub soft: &'a mut Vec<String>,
}

impl Comparison<'_> {
    pub fn compare(&mut self, e: Option<&Value>, a: Option<&Value>, label: &str, aliases: &[Vec<Seg>]) {
        let me = mask(e, aliases, self.skip);
        let ma = mask(a, aliases, self.skip);
        diff(me.as_ref(), ma.as_ref(), &mut vec![Loc::Key(label.into())], self.diffs);
        if me == ma && e != a {
            self.soft.push(format!("{label}: differs only under snapshot_skip_verify_paths"));
        }
    }
}

/// Event types and `state_io`: in order, or as multisets when the case may interleave.
pub fn compare_history(
    expected: &[Value],
    e_types: &[String],
    events: &[Value],
    interleave: bool,
    skip: &[Vec<Step>],
) -> Vec<String> {
    let mut out = Vec::new();
    let a_types: Vec<String> =
        events.iter().map(|e| e.get("type").and_then(Value::as_str).unwrap_or("None").to_string()).collect();
    if interleave {
        let (missing, unexpected) = multiset_diff(e_types, &a_types);
        if !missing.is_empty() || !unexpected.is_empty() {
            out.push(format!(
                "event types (as multiset): missing {}, unexpected {}",
                counts_repr(&missing),
                counts_repr(&unexpected)
            ));
        }
    } else if e_types != a_types.as_slice() {
        let i = e_types.iter().zip(&a_types).position(|(x, y)| x != y).unwrap_or(e_types.len().min(a_types.len()));
        out.push(format!(
            "event types differ at #{} ({} expected, {} got): expected {}, got {}",
            i + 1,
            e_types.len(),
            a_types.len(),
            list_repr(&e_types[i.min(e_types.len())..(i + 3).min(e_types.len())]),
            list_repr(&a_types[i.min(a_types.len())..(i + 3).min(a_types.len())])
        ));
    }
    let io = |evs: &[Value]| -> Vec<Value> {
        state_io(evs)
            .into_iter()
            .filter_map(|(i, dk, item)| {
                let alias = vec![Seg::Key("events".into()), Seg::Index(i), Seg::Key(dk.into())];
                mask(Some(&item), &[alias], skip)
            })
            .collect()
    };
    let (e_io, a_io) = (io(expected), io(events));
    if interleave {
        let key = |v: &Value| dumps(v, Dumps::SORTED);
        let e_keys: Vec<String> = e_io.iter().map(key).collect();
        let a_keys: Vec<String> = a_io.iter().map(key).collect();
        let (missing, unexpected) = multiset_diff(&e_keys, &a_keys);
        for (label, rows) in [("missing", missing), ("unexpected", unexpected)] {
            for (k, _) in rows.iter().take(3) {
                let v: Value = serde_json::from_str(k).unwrap_or(Value::Null);
                out.push(format!("state_io {label}: {}", short(Some(&v), 240)));
            }
        }
        return out;
    }
    if let Some(first) = e_io.iter().zip(&a_io).position(|(x, y)| x != y) {
        let mut sub = Vec::new();
        diff(Some(&e_io[first]), Some(&a_io[first]), &mut vec![Loc::Key(format!("state_io[{first}]"))], &mut sub);
        let row = &e_io[first];
        let event = row.get("event").and_then(Value::as_str).unwrap_or("None");
        let state = match row.get("state") {
            Some(Value::String(s)) => str_repr(s),
            _ => "None".into(),
        };
        out.extend(sub.iter().take(3).map(|d| format!("{event} {state}: {d}")));
    }
    if e_io.len() != a_io.len() {
        out.push(format!("state_io has {} entries, expected {}", a_io.len(), e_io.len()));
    }
    out
}

/// `Counter(e) - Counter(a)` and `Counter(a) - Counter(e)`, keys in first-seen order.
/// Items with how many more times they occur on one side.
type Surplus = Vec<(String, usize)>;

fn multiset_diff(e: &[String], a: &[String]) -> (Surplus, Surplus) {
    fn counts(xs: &[String]) -> (Vec<String>, HashMap<&str, usize>) {
        let mut order = Vec::new();
        let mut map: HashMap<&str, usize> = HashMap::new();
        for x in xs {
            let n = map.entry(x.as_str()).or_insert(0);
            if *n == 0 {
                order.push(x.clone());
            }
            *n += 1;
        }
        (order, map)
    }
    let (eo, ec) = counts(e);
    let (ao, ac) = counts(a);
    let minus = |order: &[String], left: &HashMap<&str, usize>, right: &HashMap<&str, usize>| {
        order
            .iter()
            .filter_map(|k| {
                let n = left[k.as_str()].saturating_sub(*right.get(k.as_str()).unwrap_or(&0));
                (n > 0).then(|| (k.clone(), n))
            })
            .collect::<Vec<_>>()
    };
    (minus(&eo, &ec, &ac), minus(&ao, &ac, &ec))
}

fn counts_repr(rows: &[(String, usize)]) -> String {
    let items: Vec<String> = rows.iter().map(|(k, n)| format!("{}: {n}", str_repr(k))).collect();
    format!("{{{}}}", items.join(", "))
}

fn list_repr(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| str_repr(s)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests;
