//! Integration tests, one module per area.

mod cli;
mod conformance;
mod durable;
mod functions;
