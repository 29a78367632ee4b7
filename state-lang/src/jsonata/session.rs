//! One evaluation context: a jsonata-core evaluator with AWS's functions registered and
//! `$states` and the workflow variables bound, shared by every expression of a template so that
//! each value is converted at most once.

use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use jsonata_core::evaluator::{Context, Evaluator};
use jsonata_core::value::JValue;
use serde_json::Value;

use super::errors::Thrown;
use super::{convert, functions, limits, Compiled};
use crate::env::{Env, SeededEntropy};

/// The name `$states` is bound under; a workflow variable cannot take it.
pub(super) const STATES: &str = "states";

/// The names whose functions draw on the execution's entropy.
pub(super) const RANDOM_FUNCTIONS: [&str; 2] = ["random", "uuid"];

pub(super) struct Session {
    /// `None` once a panic inside jsonata-core left the evaluator in an unknown state.
    evaluator: Option<Evaluator>,
}

impl Session {
    /// A session for expressions that refer to `names` (the `$name`s in their text): `$states`
    /// and the workflow variables among them are bound. Other names stay unbound (undefined),
    /// which is also what lets `$sum` keep meaning the builtin. A seed is drawn from the
    /// execution's entropy only if `$random` or `$uuid` is among them.
    pub(super) fn new(names: &[String], states: &Value, env: &Env<'_>) -> Self {
        let mut context = Context::new();
        let mut needs_entropy = false;
        for name in names {
            let value = if name == STATES {
                Some(states)
            } else {
                needs_entropy |= RANDOM_FUNCTIONS.contains(&name.as_str());
                env.vars.get(name)
            };
            if let Some(value) = value {
                context.bind(name.clone(), convert::to_jsonata(value));
            }
        }
        let seed = if needs_entropy { env.entropy.next_u64() } else { 0 };
        let mut evaluator = Evaluator::with_options(context, limits::options());
        register_functions(&mut evaluator, Rc::new(SeededEntropy::new(seed)));
        Session { evaluator: Some(evaluator) }
    }

    /// Evaluates one expression (whose names were given to [`Session::new`]).
    ///
    /// A panic inside jsonata-core is caught and reported as an internal evaluation error (as
    /// AWS reports its own) rather than taking the worker down. This is a last resort: the one
    /// known case is the range operator with operands near ±2^63 (`0 .. 1e308`), whose size
    /// computation overflows `i64` and panics where overflow checks are on (debug builds; a
    /// release build wraps and reports D2014). The fuzz tests look for others.
    pub(super) fn evaluate(&mut self, expr: &Compiled) -> Result<JValue, Thrown> {
        let Some(evaluator) = self.evaluator.as_mut() else {
            return Err(Thrown::Internal);
        };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| evaluator.evaluate(&expr.ast, &JValue::Undefined)));
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(Thrown::from_evaluator(&error)),
            Err(_) => {
                self.evaluator = None;
                Err(Thrown::Internal)
            }
        }
    }
}

/// An extension function that needs nothing but its arguments.
type PlainFn = fn(&[JValue]) -> functions::FnResult;

/// Registers AWS's functions and disables `$eval`. Registration fails only for a name that
/// shadows a built-in without an override, which these fixed names do not.
fn register_functions(evaluator: &mut Evaluator, rng: Rc<SeededEntropy>) {
    let plain: [(&str, PlainFn); 4] = [
        ("partition", functions::partition),
        ("range", functions::range),
        ("hash", functions::hash),
        ("parse", functions::parse),
    ];
    for (name, f) in plain {
        let _ = evaluator.register_fn(name, f);
    }
    let uuid_rng = Rc::clone(&rng);
    let _ = evaluator.register_fn("uuid", move |args: &[JValue]| functions::uuid(args, &*uuid_rng));
    let _ = evaluator.register_fn_override("random", move |args: &[JValue]| functions::random(args, &*rng));
    let _ = evaluator.register_fn_override("eval", functions::eval_disabled);
}
