//! Shared code of the integration tests: the conformance comparator and case runner.
