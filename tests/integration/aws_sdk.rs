//! The AWS JSON protocol driven by the official AWS SDK for Rust (`aws-sdk-sfn`) against a
//! server started in-process on `127.0.0.1:0`: every operation, its error cases, activities,
//! callbacks, nested executions, and SigV4 enforcement.

mod activities;
mod callbacks;
mod harness;
mod machines;
mod redrive;
mod security;
mod test_state;
mod versions;
