//! Task execution: functions and Lambda-shaped resources.
