//! Validation diagnostics: a code, a message and a JSON Pointer to the offending place.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// A stable code in AWS's style, e.g. `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`.
    pub code: String,
    pub message: String,
    /// JSON Pointer (RFC 6901) into the definition, e.g. `/States/Foo/Retry/0/BackoffRate`.
    pub location: String,
}

impl Diagnostic {
    pub fn new(code: impl Into<String>, location: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { code: code.into(), message: message.into(), location: location.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.code, if self.location.is_empty() { "/" } else { &self.location }, self.message)
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/` as RFC 6901 says.
pub fn pointer_push(base: &str, token: &str) -> String {
    let mut s = String::with_capacity(base.len() + token.len() + 1);
    s.push_str(base);
    s.push('/');
    for c in token.chars() {
        match c {
            '~' => s.push_str("~0"),
            '/' => s.push_str("~1"),
            c => s.push(c),
        }
    }
    s
}
