//! Integration tests, one module per area.

mod aws_sdk;
mod bench;
mod browser;
mod cli;
mod conformance;
mod durable;
mod functions;
