//! The state machine as `petgraph` graphs, one per scope (the top level, every Parallel branch,
//! every Map processor, nested to any depth), with labelled edges, and the serialisable forms the
//! UI and the CLI show: [`to_json`] and [`to_dot`].

mod dot;
mod json;
mod label;

use petgraph::graph::{DiGraph, NodeIndex};

pub use self::dot::to_dot;
pub use self::json::to_json;
use crate::diagnostic::pointer_push;
use crate::model::{Scope, State, StateId, StateKind, StateMachine, Transition};

/// A state of a scope graph. Its node index equals its [`StateId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: StateId,
    pub name: String,
    pub type_name: &'static str,
    /// JSON Pointer of the state in the definition: unique in the whole machine.
    pub pointer: String,
    /// The execution (or the branch / iteration) ends after this state.
    pub terminal: bool,
}

/// Why one state leads to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    Next,
    Default,
    /// Rule `index` of a Choice, with a short text of its condition.
    Choice {
        index: usize,
        label: String,
    },
    /// Catcher `index`, taken for these errors.
    Catch {
        index: usize,
        error_equals: Vec<String>,
    },
    /// Retrier `index`: a self-loop on the state.
    Retry {
        index: usize,
        error_equals: Vec<String>,
    },
}

impl Edge {
    /// `Next`, `Default`, `Choice`, `Catch` or `Retry`.
    pub fn kind(&self) -> &'static str {
        match self {
            Edge::Next => "Next",
            Edge::Default => "Default",
            Edge::Choice { .. } => "Choice",
            Edge::Catch { .. } => "Catch",
            Edge::Retry { .. } => "Retry",
        }
    }

    /// A short human-readable label.
    pub fn label(&self) -> String {
        match self {
            Edge::Next => "Next".to_string(),
            Edge::Default => "Default".to_string(),
            Edge::Choice { index, label } => format!("#{index} {label}"),
            Edge::Catch { error_equals, .. } => format!("Catch {}", error_equals.join(", ")),
            Edge::Retry { error_equals, .. } => format!("Retry {}", error_equals.join(", ")),
        }
    }
}

/// How a nested scope hangs off its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Parallel branch number `n`.
    Branch(usize),
    /// The Map's item processor.
    Processor,
}

/// The graph of one scope and the graphs of the scopes nested in its states.
#[derive(Debug, Clone)]
pub struct ScopeGraph {
    /// JSON Pointer of the scope object (`""` for the top level).
    pub pointer: String,
    pub start: NodeIndex,
    pub graph: DiGraph<Node, Edge>,
    pub children: Vec<ChildScope>,
}

#[derive(Debug, Clone)]
pub struct ChildScope {
    /// The Parallel or Map state that owns the scope.
    pub parent: StateId,
    pub relation: Relation,
    pub graph: ScopeGraph,
}

impl ScopeGraph {
    /// The node of a state.
    pub fn node(&self, id: StateId) -> &Node {
        &self.graph[NodeIndex::new(id)]
    }
}

/// The graphs of a validated machine.
pub fn build(machine: &StateMachine) -> ScopeGraph {
    build_scope(&machine.scope, &machine.source)
}

fn build_scope(scope: &Scope, source: &serde_json::Value) -> ScopeGraph {
    let states_ptr = pointer_push(&scope.pointer, "States");
    let mut graph = DiGraph::with_capacity(scope.states.len(), scope.states.len());
    for (id, state) in scope.states.iter().enumerate() {
        graph.add_node(Node {
            id,
            name: state.name.clone(),
            type_name: state.type_name(),
            pointer: pointer_push(&states_ptr, &state.name),
            terminal: is_terminal(state),
        });
    }
    let mut children = Vec::new();
    for (id, state) in scope.states.iter().enumerate() {
        let from = NodeIndex::new(id);
        for (to, edge) in edges(state, &pointer_push(&states_ptr, &state.name), source) {
            graph.add_edge(from, NodeIndex::new(to.unwrap_or(id)), edge);
        }
        match &state.kind {
            StateKind::Parallel(p) => children.extend(p.branches.iter().enumerate().map(|(i, b)| ChildScope {
                parent: id,
                relation: Relation::Branch(i),
                graph: build_scope(b, source),
            })),
            StateKind::Map(m) => children.push(ChildScope {
                parent: id,
                relation: Relation::Processor,
                graph: build_scope(&m.processor, source),
            }),
            _ => {}
        }
    }
    ScopeGraph { pointer: scope.pointer.clone(), start: NodeIndex::new(scope.start_at), graph, children }
}

fn is_terminal(state: &State) -> bool {
    state.transition == Transition::End || matches!(state.kind, StateKind::Succeed | StateKind::Fail(_))
}

/// The outgoing edges of a state; `None` as the target means the state itself (a retry).
fn edges(state: &State, pointer: &str, source: &serde_json::Value) -> Vec<(Option<StateId>, Edge)> {
    let mut out = Vec::new();
    if let Transition::Next(n) = state.transition {
        out.push((Some(n), Edge::Next));
    }
    if let StateKind::Choice(c) = &state.kind {
        for (index, branch) in c.choices.iter().enumerate() {
            let rule = source.pointer(&format!("{pointer}/Choices/{index}"));
            out.push((Some(branch.next), Edge::Choice { index, label: label::rule(rule) }));
        }
        if let Some(d) = c.default {
            out.push((Some(d), Edge::Default));
        }
    }
    for (index, r) in state.retry.iter().enumerate() {
        out.push((None, Edge::Retry { index, error_equals: r.error_equals.clone() }));
    }
    for (index, c) in state.catch.iter().enumerate() {
        out.push((Some(c.next), Edge::Catch { index, error_equals: c.error_equals.clone() }));
    }
    out
}

#[cfg(test)]
mod tests;
