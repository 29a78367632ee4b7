//! The `cairn` binary as a user runs it: `run`, `validate`, `graph`.
