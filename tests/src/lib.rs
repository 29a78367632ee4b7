//! Shared code of the integration tests: the conformance comparator and case runner.

pub mod cases;
pub mod cdp;
pub mod check;
pub mod lambdas;
pub mod peers;
pub mod pyfmt;
