//! Why a path selected nothing, worded as Jayway JSONPath (the engine behind AWS's JSONPath)
//! words it, because AWS quotes these texts in its `States.Runtime` causes.

use std::fmt;

/// A definite path that could not be followed. Indefinite paths never fail: they yield the
/// (possibly empty) array of their matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The last step found nothing: `No results for path: $['a']['b']`.
    NoResults { path: String },
    /// A step before the last found nothing: `Missing property in path $['a']`.
    MissingProperty { path: String },
    /// A property step met a value that is not an object.
    NotAnObject { property: String, path: String, found: &'static str },
    /// An index step met `null`.
    NullArray { path: String },
    /// An index step met a value that is neither an array nor `null`.
    NotAnArray { tokens: String, context: String },
    /// `['a','b']` followed by more steps.
    MultiPropertyNotLeaf { path: String },
    /// `$name…` where no variable `name` is in scope.
    UndefinedVariable { name: String },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NoResults { path } => write!(f, "No results for path: {path}"),
            PathError::MissingProperty { path } => write!(f, "Missing property in path {path}"),
            PathError::NotAnObject { property, path, found } => write!(
                f,
                "Expected to find an object with property {property} in path {path} but found \
                 '{found}'. This is not a json object according to the JsonProvider: \
                 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
            ),
            PathError::NullArray { path } => write!(f, "The path {path} is null"),
            PathError::NotAnArray { tokens, context } => {
                write!(f, "Filter: {tokens} can only be applied to arrays. Current context is: {context}")
            }
            PathError::MultiPropertyNotLeaf { path } => {
                write!(f, "Multi properties can only be used as path leafs: {path}")
            }
            PathError::UndefinedVariable { name } => {
                write!(f, "The variable '{name}' is not defined")
            }
        }
    }
}

impl std::error::Error for PathError {}
