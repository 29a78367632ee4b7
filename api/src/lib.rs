//! HTTP APIs of Cairn.
