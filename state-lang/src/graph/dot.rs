//! The graph in Graphviz DOT, for `cairn graph` and documentation: one cluster per nested scope,
//! a dashed edge from a Parallel or Map state to the start of each of its scopes.

use std::fmt::Write;

use super::{build, Edge, Relation, ScopeGraph};
use crate::model::StateMachine;

pub fn to_dot(machine: &StateMachine) -> String {
    let graph = build(machine);
    let mut out = String::from("digraph StateMachine {\n  node [shape=box, style=rounded];\n");
    out.push_str("  \"__start\" [shape=point];\n");
    if let Some(start) = graph.graph.node_weight(graph.start) {
        let _ = writeln!(out, "  \"__start\" -> {};", quote(&start.pointer));
    }
    let mut clusters = 0;
    write_scope(&mut out, &graph, 1, &mut clusters);
    out.push_str("}\n");
    out
}

fn write_scope(out: &mut String, g: &ScopeGraph, depth: usize, clusters: &mut usize) {
    let pad = "  ".repeat(depth);
    for n in g.graph.node_weights() {
        let shape = match (n.type_name, n.terminal) {
            ("Choice", _) => ", shape=diamond, style=\"\"",
            (_, true) => ", peripheries=2",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{pad}{} [label={}{shape}];",
            quote(&n.pointer),
            quote(&format!("{}\n({})", n.name, n.type_name))
        );
    }
    for e in g.graph.edge_indices() {
        let (Some((from, to)), Some(edge)) = (g.graph.edge_endpoints(e), g.graph.edge_weight(e)) else {
            continue;
        };
        let style = match edge {
            Edge::Catch { .. } => ", color=red, fontcolor=red",
            Edge::Retry { .. } => ", style=dotted",
            _ => "",
        };
        let _ = writeln!(
            out,
            "{pad}{} -> {} [label={}{style}];",
            quote(&g.graph[from].pointer),
            quote(&g.graph[to].pointer),
            quote(&edge.label())
        );
    }
    for child in &g.children {
        *clusters += 1;
        let owner = g.node(child.parent);
        let title = match child.relation {
            Relation::Branch(i) => format!("{} branch {i}", owner.name),
            Relation::Processor => format!("{} processor", owner.name),
        };
        let _ = writeln!(out, "{pad}subgraph cluster_{} {{\n{pad}  label={};", clusters, quote(&title));
        write_scope(out, &child.graph, depth + 1, clusters);
        let _ = writeln!(out, "{pad}}}");
        if let Some(start) = child.graph.graph.node_weight(child.graph.start) {
            let _ = writeln!(out, "{pad}{} -> {} [style=dashed];", quote(&owner.pointer), quote(&start.pointer));
        }
    }
}

/// A DOT double-quoted string.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}
