//! Cairn's engine: durable execution of ASL state machines. The interpreter turns (machine,
//! execution state, signal) into (events, commands); a driver commits the events to a [`store`]
//! and only then carries out the commands through a [`TaskInvoker`](invoker::TaskInvoker).

pub mod clock;
pub mod context;
mod error;
pub mod history;
pub mod interp;
pub mod invoker;
pub mod runtime;
pub mod store;

pub use error::EngineError;
pub use runtime::{Engine, EngineConfig, StartRequest};
