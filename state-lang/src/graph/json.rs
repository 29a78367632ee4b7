//! The graph as JSON for the UI and `cairn graph --json`: every scope with its nodes and edges,
//! nested scopes inside the node of the state that owns them. Node ids are the states' JSON
//! Pointers, unique in the whole machine.

use serde_json::{json, Value};

use super::{build, Edge, Relation, ScopeGraph};
use crate::model::StateMachine;

/// `{"queryLanguage", "scope": {"id", "kind", "startAt", "nodes": [{"id", "name", "type", "start",
/// "terminal", "scopes": [...]}], "edges": [{"from", "to", "kind", "label", ...}]}}`.
pub fn to_json(machine: &StateMachine) -> Value {
    let graph = build(machine);
    json!({
        "queryLanguage": machine.query_language.as_str(),
        "scope": scope_json(&graph, "machine", None),
    })
}

fn scope_json(g: &ScopeGraph, kind: &str, index: Option<usize>) -> Value {
    let nodes: Vec<Value> = g
        .graph
        .node_indices()
        .map(|ix| {
            let n = &g.graph[ix];
            let scopes: Vec<Value> = g
                .children
                .iter()
                .filter(|c| c.parent == n.id)
                .map(|c| match c.relation {
                    Relation::Branch(i) => scope_json(&c.graph, "branch", Some(i)),
                    Relation::Processor => scope_json(&c.graph, "processor", None),
                })
                .collect();
            json!({
                "id": n.pointer,
                "name": n.name,
                "type": n.type_name,
                "start": ix == g.start,
                "terminal": n.terminal,
                "scopes": scopes,
            })
        })
        .collect();
    let edges: Vec<Value> = g
        .graph
        .edge_indices()
        .filter_map(|e| {
            let (from, to) = g.graph.edge_endpoints(e)?;
            Some(edge_json(&g.graph[from].pointer, &g.graph[to].pointer, &g.graph[e]))
        })
        .collect();
    let mut scope = json!({
        "id": g.pointer,
        "kind": kind,
        "startAt": g.graph.node_weight(g.start).map(|n| n.pointer.as_str()),
        "nodes": nodes,
        "edges": edges,
    });
    if let Some(i) = index {
        scope["index"] = json!(i);
    }
    scope
}

fn edge_json(from: &str, to: &str, edge: &Edge) -> Value {
    let mut v = json!({"from": from, "to": to, "kind": edge.kind(), "label": edge.label()});
    match edge {
        Edge::Choice { index, .. } => v["index"] = json!(index),
        Edge::Catch { index, error_equals } | Edge::Retry { index, error_equals } => {
            v["index"] = json!(index);
            v["errorEquals"] = json!(error_equals);
        }
        Edge::Next | Edge::Default => {}
    }
    v
}
