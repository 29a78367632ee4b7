//! Integration tests, one module per area.

mod aws_sdk;
mod bench;
mod browser;
mod cli;
mod conformance;
mod durable;
mod functions;

/// Held by the tests that run servers under load (crash, parking, scale-out, the browser): on a
/// 2-core machine they would otherwise starve one another and measure each other's noise.
pub static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
