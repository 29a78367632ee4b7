//! Validation rules of a definition as AWS applies them: the diagnostic codes, which fields each
//! state type accepts in each query language, value ranges, names, and the checks over a whole
//! scope (transition targets, reachability, a terminal state).
//!
//! The parser calls these while it walks the definition, so every problem is reported in one pass;
//! the model is built only when none was found.

pub(crate) mod names;
pub(crate) mod reachability;
pub(crate) mod rules;

/// AWS's diagnostic codes (ValidateStateMachineDefinition).
pub mod codes {
    /// The text is not JSON.
    pub const INVALID_JSON_DESCRIPTION: &str = "INVALID_JSON_DESCRIPTION";
    /// A field is missing, unknown, of the wrong type or out of range.
    pub const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
    /// A `Next`, `Default`, `StartAt` or Catch `Next` names no state of its scope, or a state is
    /// not reachable.
    pub const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
    /// The top-level scope has no state that ends the execution.
    pub const MISSING_END_STATE: &str = "MISSING_END_STATE";
    /// A state name is used twice in the machine.
    pub const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
    /// A state name is empty or too long.
    pub const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
    /// A Map `Label` is used twice.
    pub const DUPLICATE_LABEL_NAME: &str = "DUPLICATE_LABEL_NAME";
    /// A Map `Label` is malformed.
    pub const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
    /// A Task `Resource` is not usable.
    pub const INVALID_RESOURCE: &str = "INVALID_RESOURCE";
    /// A `{% … %}` expression does not parse.
    pub const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
}
