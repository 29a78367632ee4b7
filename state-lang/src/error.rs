//! The crate's error type for API misuse outside of validation diagnostics and runtime failures.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid definition: {count} problem(s), first: {first}")]
    InvalidDefinition { count: usize, first: crate::Diagnostic },
}
