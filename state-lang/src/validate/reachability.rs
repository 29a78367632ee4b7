//! Whole-scope checks: transition targets that name no state of their scope, states that cannot
//! be reached from `StartAt`, and a top level with no terminal state.
//!
//! AWS reports `MISSING_END_STATE` only for the top level, only when none of its states ends the
//! execution (`End: true`, Succeed, Fail), and then does not report unreachable states on top.

use std::collections::{HashMap, VecDeque};

use crate::diagnostic::pointer_push;
use crate::model::StateId;
use crate::parse::fields::Ctx;
use crate::validate::codes::{MISSING_END_STATE, MISSING_TRANSITION_TARGET};

/// Resolves the transitions of one scope while its states are parsed, and remembers the edges
/// for the reachability check.
pub(crate) struct ScopeLinks {
    /// Pointer of the scope object (`""` for the top level).
    pub ptr: String,
    pub names: Vec<String>,
    by_name: HashMap<String, StateId>,
    pub edges: Vec<Vec<StateId>>,
    pub terminal: Vec<bool>,
    pub start: Option<StateId>,
}

impl ScopeLinks {
    pub fn new(ptr: &str, names: Vec<String>) -> Self {
        let by_name = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        let n = names.len();
        ScopeLinks {
            ptr: ptr.to_string(),
            names,
            by_name,
            edges: vec![Vec::new(); n],
            terminal: vec![false; n],
            start: None,
        }
    }

    pub fn by_name(&self) -> &HashMap<String, StateId> {
        &self.by_name
    }

    /// Resolves `target` named at `ptr` by state `from` (or by `StartAt` when `from` is `None`),
    /// reporting it when the scope has no such state. Unresolved targets yield 0: the
    /// diagnostic keeps the model from being built.
    pub fn resolve(&mut self, ctx: &mut Ctx, from: Option<StateId>, target: &str, ptr: &str) -> StateId {
        match self.by_name.get(target).copied() {
            Some(id) => {
                match from {
                    Some(f) => self.edges[f].push(id),
                    None => self.start = Some(id),
                }
                id
            }
            None => {
                ctx.error(MISSING_TRANSITION_TARGET, ptr, format!("Missing 'Next' target: {target}"));
                0
            }
        }
    }

    /// Records an edge without reporting anything (for states whose type is unknown).
    pub fn link_quietly(&mut self, from: StateId, target: &str) {
        if let Some(id) = self.by_name.get(target).copied() {
            self.edges[from].push(id);
        }
    }
}

/// Reports unreachable states, and a missing terminal state at the top level.
pub(crate) fn check(ctx: &mut Ctx, links: &ScopeLinks, top_level: bool) {
    if top_level && !links.terminal.iter().any(|t| *t) {
        ctx.error(MISSING_END_STATE, "", "Workflow has no terminal state");
        return;
    }
    let mut seen = vec![false; links.names.len()];
    let mut queue: VecDeque<StateId> = links.start.into_iter().collect();
    while let Some(id) = queue.pop_front() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        queue.extend(links.edges[id].iter().copied().filter(|n| !seen[*n]));
    }
    let states_ptr = pointer_push(&links.ptr, "States");
    for (id, name) in links.names.iter().enumerate() {
        if !seen[id] {
            ctx.error(
                MISSING_TRANSITION_TARGET,
                pointer_push(&states_ptr, name),
                format!("State \"{name}\" is not reachable."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(names: &[&str]) -> ScopeLinks {
        ScopeLinks::new("", names.iter().map(|s| s.to_string()).collect())
    }

    fn found(ctx: &Ctx) -> Vec<(&str, &str, &str)> {
        ctx.diags.iter().map(|d| (d.code.as_str(), d.location.as_str(), d.message.as_str())).collect()
    }

    #[test]
    fn unreachable_states_are_reported_at_the_state() {
        let mut ctx = Ctx::new();
        let mut l = links(&["A", "B", "C"]);
        l.resolve(&mut ctx, None, "A", "/StartAt");
        l.resolve(&mut ctx, Some(0), "B", "/States/A/Next");
        l.terminal[1] = true;
        l.terminal[2] = true;
        check(&mut ctx, &l, true);
        assert_eq!(found(&ctx), vec![(MISSING_TRANSITION_TARGET, "/States/C", "State \"C\" is not reachable.")]);
    }

    #[test]
    fn missing_targets_are_reported_where_they_are_named() {
        let mut ctx = Ctx::new();
        let mut l = links(&["A"]);
        assert_eq!(l.resolve(&mut ctx, None, "Nope", "/StartAt"), 0);
        l.terminal[0] = true;
        check(&mut ctx, &l, true);
        assert_eq!(
            found(&ctx),
            vec![
                (MISSING_TRANSITION_TARGET, "/StartAt", "Missing 'Next' target: Nope"),
                (MISSING_TRANSITION_TARGET, "/States/A", "State \"A\" is not reachable."),
            ]
        );
    }

    #[test]
    fn a_top_level_without_terminal_state_reports_only_that() {
        let mut ctx = Ctx::new();
        let mut l = links(&["A", "B", "Unused"]);
        l.resolve(&mut ctx, None, "A", "/StartAt");
        l.resolve(&mut ctx, Some(0), "B", "/States/A/Next");
        l.resolve(&mut ctx, Some(1), "A", "/States/B/Next");
        check(&mut ctx, &l, true);
        assert_eq!(found(&ctx), vec![(MISSING_END_STATE, "", "Workflow has no terminal state")]);
        // A nested scope may loop forever: AWS accepts it.
        let mut ctx = Ctx::new();
        let mut l = links(&["A", "B"]);
        l.resolve(&mut ctx, None, "A", "/StartAt");
        l.resolve(&mut ctx, Some(0), "B", "/States/A/Next");
        l.resolve(&mut ctx, Some(1), "A", "/States/B/Next");
        check(&mut ctx, &l, false);
        assert!(ctx.diags.is_empty());
    }
}
