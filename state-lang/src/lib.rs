//! The Amazon States Language (ASL): the model of a state machine, its parser and validator, its graph,
//! and every piece of its semantics that needs no I/O — reference paths, payload templates, intrinsic
//! functions, JSONata, Choice rules, Retry/Catch arithmetic and the `States.*` errors.
//!
//! Nothing here reads a clock or a random source: time and entropy are passed in through [`Env`].

pub mod choice;
pub mod diagnostic;
pub mod env;
pub mod error;
pub mod failure;
pub mod graph;
pub mod intrinsics;
pub mod jsonata;
pub mod model;
pub mod parse;
pub mod path;
pub mod retry;
pub mod template;
pub mod validate;
pub mod vars;

pub use diagnostic::Diagnostic;
pub use env::{Entropy, Env};
pub use error::Error;
pub use failure::{Failure, StatesError};
pub use model::*;
pub use vars::Variables;

/// Parses and validates a definition given as JSON text. Every problem is reported, each with a
/// JSON Pointer to where it is.
pub fn load(text: &str) -> Result<StateMachine, Vec<Diagnostic>> {
    parse::parse_text(text)
}
