//! The state machine as `petgraph` graphs, one per scope, with labelled edges.
