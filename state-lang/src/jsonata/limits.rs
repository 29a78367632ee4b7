//! The bounds on one JSONata evaluation. AWS bounds evaluation too and fails the state with
//! `States.QueryEvaluationError` past them; these are set to where AWS was measured to stop.

use jsonata_core::evaluator::EvaluatorOptions;

/// The longest sequence an evaluation may build. AWS accepts `[1..873782]` and refuses one
/// element more ("memory limit exceeded").
pub(super) const MAX_SEQUENCE_LENGTH: usize = 873_782;

/// How deep evaluation may nest. AWS refuses an evaluation nested deeper than 100 levels
/// ("stack overflow"); jsonata-core counts levels slightly differently, so this is approximate.
pub(super) const MAX_STACK_DEPTH: usize = 100;

/// How deep a result may be nested to be turned into JSON; deeper is refused as exceeding
/// memory, and keeps the conversion's recursion bounded.
pub(super) const MAX_RESULT_DEPTH: usize = 512;

/// The longest expression text accepted. AWS caps a whole definition at 1 MiB; one expression
/// longer than that cannot occur in a valid definition.
pub(super) const MAX_EXPRESSION_LEN: usize = 1 << 20;

/// Wall-clock bound on one evaluation, enforced inside jsonata-core.
///
/// This is the one clock this crate lets anything read, deliberately: a tail-recursive
/// expression without a base case (`($f := function($x){ $f($x + 1) }; $f(1))`) loops without
/// growing any stack or sequence, so only time can stop it, and a worker stuck in it forever is
/// worse than a nondeterministic failure of an expression that never terminates. Results of
/// expressions that finish in time never depend on the clock.
pub(super) const TIMEOUT_MS: u64 = 10_000;

pub(super) fn options() -> EvaluatorOptions {
    EvaluatorOptions {
        timeout_ms: Some(TIMEOUT_MS),
        max_stack_depth: Some(MAX_STACK_DEPTH),
        max_sequence_length: Some(MAX_SEQUENCE_LENGTH),
        ..EvaluatorOptions::default()
    }
}
