//! Cairn engine: durable execution of ASL state machines.
