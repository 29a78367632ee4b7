//! Whole-machine checks that need the complete model (reachability, termination, scopes).
