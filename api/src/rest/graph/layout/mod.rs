//! A layered (Sugiyama-style) drawing of a state machine's graph, computed on the server over the
//! `petgraph` scope graphs of `state_lang::graph`. Nested scopes (Parallel branches, Map
//! processors) are laid out first and drawn inside their state, which is sized to hold them; the
//! result is flat, in absolute coordinates, ready to be drawn as SVG.

mod layers;
mod order;
mod place;
mod scope;

use petgraph::visit::EdgeRef;
use serde::Serialize;
use state_lang::graph::{Edge, Relation, ScopeGraph};
use utoipa::ToSchema;

/// Sizes of the drawing, in pixels.
const NODE_HEIGHT: f64 = 46.0;
const MIN_NODE_WIDTH: f64 = 104.0;
const MAX_NODE_WIDTH: f64 = 232.0;
/// Average advance of a character of the labels (13 px sans-serif).
const CHAR_WIDTH: f64 = 7.3;
const HEADER: f64 = 34.0;
const STRIP: f64 = 20.0;
const PAD: f64 = 10.0;
const BRANCH_GAP: f64 = 14.0;

/// The whole drawing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Every state, containers before what they contain.
    pub nodes: Vec<NodeBox>,
    /// Every scope: the machine, each Parallel branch and each Map processor.
    pub scopes: Vec<ScopeBox>,
    pub edges: Vec<EdgePath>,
}

/// A state's box.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeBox {
    /// The state's JSON Pointer in the definition (unique).
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub state_type: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub start: bool,
    pub terminal: bool,
    /// A Parallel or Map state drawn around its nested scopes.
    pub container: bool,
    /// The scope the state belongs to.
    pub scope: String,
    /// Its retriers, as labels (`Retry States.ALL`).
    pub retry: Vec<String>,
}

/// A scope's box (the top level, a Parallel branch or a Map processor).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScopeBox {
    /// The scope's JSON Pointer (`""` for the top level).
    pub id: String,
    /// `machine`, `branch` or `processor`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The state that owns the scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A transition drawn as a polyline from its source to its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgePath {
    pub from: String,
    pub to: String,
    /// `Next`, `Default`, `Choice` or `Catch`.
    pub kind: String,
    pub label: String,
    pub points: Vec<[f64; 2]>,
    pub label_at: [f64; 2],
    /// The edge goes against the flow (it closes a loop).
    pub back: bool,
}

/// Lays out a whole machine.
pub fn layout(machine: &state_lang::StateMachine) -> Layout {
    let sg = state_lang::graph::build(machine);
    let mut out = draw_scope(&sg);
    out.scopes.insert(
        0,
        ScopeBox {
            id: sg.pointer.clone(),
            kind: "machine".into(),
            index: None,
            parent: None,
            label: String::new(),
            x: 0.0,
            y: 0.0,
            width: out.width,
            height: out.height,
        },
    );
    out
}

/// The width a plain state's box needs for its name and type.
fn text_width(name: &str, type_name: &str) -> f64 {
    let chars = name.chars().count().max(type_name.chars().count() + 3) as f64;
    (chars * CHAR_WIDTH + 28.0).clamp(MIN_NODE_WIDTH, MAX_NODE_WIDTH)
}

/// Draws one scope with its nested scopes, relative to its own top-left corner.
fn draw_scope(sg: &ScopeGraph) -> Layout {
    let n = sg.graph.node_count();
    // Nested scopes first: their size decides their owner's.
    let mut inner = nested_scopes(sg);
    let sizes: Vec<(f64, f64)> = sg
        .graph
        .node_indices()
        .map(|ix| {
            let node = &sg.graph[ix];
            let own = text_width(&node.name, node.type_name);
            let kids = &inner[ix.index()];
            if kids.is_empty() {
                return (own, NODE_HEIGHT);
            }
            let w: f64 = kids.iter().map(|(_, b)| b.width).sum::<f64>() + BRANCH_GAP * (kids.len() - 1) as f64;
            let h = kids.iter().map(|(_, b)| b.height).fold(0.0, f64::max);
            ((w + 2.0 * PAD).max(own), HEADER + h + PAD)
        })
        .collect();
    let mut edges = Vec::new();
    let mut edge_refs = Vec::new();
    let mut retry: Vec<Vec<String>> = vec![Vec::new(); n];
    for e in sg.graph.edge_references() {
        match e.weight() {
            Edge::Retry { .. } => retry[e.source().index()].push(e.weight().label()),
            w => {
                edges.push((e.source().index(), e.target().index()));
                edge_refs.push(w.clone());
            }
        }
    }
    let d = scope::layout(&sizes, &edges, sg.start.index());
    let mut out = Layout { width: d.width, height: d.height, nodes: Vec::new(), scopes: Vec::new(), edges: Vec::new() };
    for ix in sg.graph.node_indices() {
        let node = &sg.graph[ix];
        let r = d.nodes[ix.index()];
        let kids = std::mem::take(&mut inner[ix.index()]);
        out.nodes.push(NodeBox {
            id: node.pointer.clone(),
            name: node.name.clone(),
            state_type: node.type_name.into(),
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            start: ix == sg.start,
            terminal: node.terminal,
            container: !kids.is_empty(),
            scope: sg.pointer.clone(),
            retry: std::mem::take(&mut retry[ix.index()]),
        });
        embed(&mut out, kids, r);
    }
    for (i, (&(a, b), w)) in edges.iter().zip(&edge_refs).enumerate() {
        out.edges.push(EdgePath {
            from: sg.node(a).pointer.clone(),
            to: sg.node(b).pointer.clone(),
            kind: w.kind().into(),
            label: match w {
                Edge::Next => String::new(),
                other => other.label(),
            },
            points: d.edges[i].clone(),
            label_at: d.label_at[i],
            back: d.back[i],
        });
    }
    out
}

/// The drawings of the scopes nested in each state (by state id), each with its box.
fn nested_scopes(sg: &ScopeGraph) -> Vec<Vec<(Layout, ScopeBox)>> {
    let mut inner: Vec<Vec<(Layout, ScopeBox)>> = vec![Vec::new(); sg.graph.node_count()];
    for child in &sg.children {
        let (kind, index, label) = match child.relation {
            Relation::Branch(i) => ("branch", Some(i), format!("Branch {}", i + 1)),
            Relation::Processor => ("processor", None, "Item processor".to_string()),
        };
        let drawing = draw_scope(&child.graph);
        let parent = sg.node(child.parent).pointer.clone();
        let bx = ScopeBox {
            id: child.graph.pointer.clone(),
            kind: kind.into(),
            index,
            parent: Some(parent),
            label,
            x: 0.0,
            y: 0.0,
            width: drawing.width.max(MIN_NODE_WIDTH),
            height: drawing.height + STRIP,
        };
        inner[child.parent].push((drawing, bx));
    }
    inner
}

/// Places the nested scopes of a container state inside its box, side by side under its header.
fn embed(out: &mut Layout, kids: Vec<(Layout, ScopeBox)>, r: scope::Rect) {
    let total: f64 = kids.iter().map(|(_, b)| b.width).sum::<f64>() + BRANCH_GAP * kids.len().saturating_sub(1) as f64;
    let mut x = r.x + (r.width - total) / 2.0;
    for (inner, mut bx) in kids {
        let (dx, dy) = (x, r.y + HEADER);
        bx.x = dx;
        bx.y = dy;
        x += bx.width + BRANCH_GAP;
        let (ox, oy) = (dx + (bx.width - inner.width) / 2.0, dy + STRIP);
        out.scopes.push(bx);
        out.nodes.extend(inner.nodes.into_iter().map(|mut n| {
            n.x += ox;
            n.y += oy;
            n
        }));
        out.scopes.extend(inner.scopes.into_iter().map(|mut s| {
            s.x += ox;
            s.y += oy;
            s
        }));
        out.edges.extend(inner.edges.into_iter().map(|mut e| {
            e.points.iter_mut().for_each(|p| {
                p[0] += ox;
                p[1] += oy;
            });
            e.label_at = [e.label_at[0] + ox, e.label_at[1] + oy];
            e
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(def: serde_json::Value) -> state_lang::StateMachine {
        match state_lang::load(&def.to_string()) {
            Ok(m) => m,
            Err(d) => panic!("invalid test definition: {d:?}"),
        }
    }

    fn node<'a>(l: &'a Layout, name: &str) -> &'a NodeBox {
        l.nodes.iter().find(|n| n.name == name).unwrap_or_else(|| panic!("no node {name}"))
    }

    fn inside(inner: &NodeBox, outer: &NodeBox) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.width <= outer.x + outer.width
            && inner.y + inner.height <= outer.y + outer.height
    }

    #[test]
    fn nested_scopes_are_drawn_inside_their_state() {
        let m = machine(serde_json::json!({
            "StartAt": "P",
            "States": {
                "P": {"Type": "Parallel", "Next": "M", "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                    {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}}
                ]},
                "M": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}}
            }
        }));
        let l = layout(&m);
        let p = node(&l, "P");
        assert!(p.container);
        for name in ["A", "B", "C"] {
            assert!(inside(node(&l, name), p), "{name} inside P");
        }
        assert!(inside(node(&l, "I"), node(&l, "M")));
        assert!(node(&l, "A").x + node(&l, "A").width <= node(&l, "B").x || node(&l, "B").x + 1.0 >= node(&l, "A").x);
        assert_eq!(l.scopes.iter().filter(|s| s.kind == "branch").count(), 2);
        assert_eq!(l.scopes.iter().filter(|s| s.kind == "processor").count(), 1);
        assert!(node(&l, "P").y < node(&l, "M").y);
        assert_eq!(node(&l, "B").scope, "/States/P/Branches/1");
    }

    #[test]
    fn choice_and_catch_edges_are_labelled_and_retries_listed() {
        let m = machine(serde_json::json!({
            "StartAt": "C",
            "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "T"}], "Default": "F"},
                "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:f", "End": true,
                      "Retry": [{"ErrorEquals": ["States.Timeout"]}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
                "F": {"Type": "Fail"}
            }
        }));
        let l = layout(&m);
        let labels: Vec<(&str, &str)> = l.edges.iter().map(|e| (e.kind.as_str(), e.label.as_str())).collect();
        assert!(labels.contains(&("Choice", "#0 $.x NumericEquals 1")));
        assert!(labels.contains(&("Default", "Default")));
        assert!(labels.contains(&("Catch", "Catch States.ALL")));
        assert_eq!(node(&l, "T").retry, vec!["Retry States.Timeout".to_string()]);
        assert!(l.edges.iter().all(|e| e.kind != "Retry"));
    }

    #[test]
    fn every_box_fits_in_the_drawing() {
        let states: serde_json::Map<String, serde_json::Value> = (0..60)
            .map(|i| {
                let next = if i == 59 {
                    serde_json::json!({"Type": "Pass", "End": true})
                } else {
                    serde_json::json!({"Type": "Pass", "Next": format!("S{}", i + 1)})
                };
                (format!("S{i}"), next)
            })
            .collect();
        let l = layout(&machine(serde_json::json!({"StartAt": "S0", "States": states})));
        assert_eq!(l.nodes.len(), 60);
        assert!(l.nodes.iter().all(|n| n.x >= 0.0 && n.x + n.width <= l.width && n.y + n.height <= l.height));
    }
}
