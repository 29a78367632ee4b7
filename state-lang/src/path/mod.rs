//! JSONPath as ASL uses it, in AWS's dialect (Jayway JSONPath): reference paths (`$.a.b[0]`,
//! `$$.Execution.Id`, `$var.field`), paths with wildcards, slices, unions, deep scans and
//! filters where AWS allows them, and `ResultPath` writes.
//!
//! A path is parsed once, when the definition is loaded; evaluating it borrows from the
//! document and clones only the selected value. A definite path selects one value or fails;
//! an indefinite one yields the array of its matches, possibly empty.
//!
//! AWS words a failed selection in two ways, chosen by the field that holds the path (see
//! [`MissingPathStyle`]): `Invalid path '…' : No results for path: $['x']` for `InputPath`,
//! `OutputPath`, `ItemsPath`, `…SecondsPath` and the like, and `The JSONPath '…' specified for
//! the field 'x.$' could not be found in the input '…'` for payload templates and the Fail
//! state's `ErrorPath` / `CausePath`.

mod ast;
mod error;
mod eval;
mod filter;
mod parser;
mod result_path;

use std::borrow::Cow;

use serde_json::Value;

pub use error::PathError;
pub use result_path::ResultPath;

use crate::env::Env;
use crate::failure::{Failure, StatesError};
use ast::{Root, Step};

/// A parsed JSONPath. Its root is the state input (`$`), the context object (`$$`) or a variable
/// (`$name`).
#[derive(Debug, Clone)]
pub struct ReferencePath {
    text: String,
    root: Root,
    steps: Vec<Step>,
    definite: bool,
    /// Set when `['a','b']` is followed by more steps, which Jayway refuses at evaluation.
    misplaced_names: Option<String>,
}

impl PartialEq for ReferencePath {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// How a path that selects nothing is reported; AWS words it by the kind of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingPathStyle {
    /// `Invalid path '$.x' : No results for path: $['x']` (`InputPath`, `OutputPath`,
    /// `ItemsPath`, `TimeoutSecondsPath`, …).
    InvalidPath,
    /// `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{…}'`
    /// (payload template keys, `ErrorPath`, `CausePath`).
    NotFoundInInput,
}

impl MissingPathStyle {
    /// The style AWS uses for the field named `field` (`value.$`, `InputPath`, `ErrorPath` …).
    pub fn for_field(field: &str) -> Self {
        if field.ends_with(".$") || field == "ErrorPath" || field == "CausePath" {
            MissingPathStyle::NotFoundInInput
        } else {
            MissingPathStyle::InvalidPath
        }
    }
}

impl ReferencePath {
    /// Parses a path. The error says why the text is not a JSONPath AWS accepts.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parsed = parser::parse(text).map_err(|why| format!("'{text}' is not a valid JSONPath: {why}"))?;
        Ok(ReferencePath {
            text: text.to_string(),
            definite: ast::is_definite(&parsed.steps),
            root: parsed.root,
            steps: parsed.steps,
            misplaced_names: parsed.misplaced_names,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the path selects at most one node (no wildcard, slice, union, filter or `..`).
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// Whether the path is rooted at the context object (`$$…`).
    pub fn is_context(&self) -> bool {
        self.root == Root::Context
    }

    /// The variable the path reads (`$name…`), if any.
    pub fn variable(&self) -> Option<&str> {
        match &self.root {
            Root::Variable(name) => Some(name),
            _ => None,
        }
    }

    /// Whether the path is exactly `$`: the whole input.
    pub fn is_whole_input(&self) -> bool {
        self.root == Root::Input && self.steps.is_empty()
    }

    /// Selects from `input` (or `$$` / a variable, by the path's root), borrowing where it can.
    /// Indefinite paths yield an array of their matches and never fail.
    pub fn find<'v>(&self, input: &'v Value, env: &Env<'v>) -> Result<Cow<'v, Value>, PathError> {
        if let Some(prefix) = &self.misplaced_names {
            return Err(PathError::MultiPropertyNotLeaf { path: prefix.clone() });
        }
        let doc = self.document(input, env)?;
        if self.definite {
            return eval::definite(&self.steps, doc);
        }
        let mut found = Vec::new();
        eval::collect(&self.steps, doc, doc, &mut found);
        Ok(Cow::Owned(Value::Array(found.into_iter().map(Cow::into_owned).collect())))
    }

    /// Selects from `input` (or `$$` / a variable, by the path's root). `field` names the ASL
    /// field for error messages (`InputPath`, `ItemsPath`, `value.$` …) and chooses their
    /// wording (see [`MissingPathStyle::for_field`]).
    pub fn select(&self, input: &Value, env: &Env, field: &str) -> Result<Value, Failure> {
        let style = MissingPathStyle::for_field(field);
        if style == MissingPathStyle::NotFoundInInput && self.root == Root::Input && input.is_null() {
            return Err(Failure::states(
                StatesError::Runtime,
                "Unable to apply Path transformation to null or empty input.",
            ));
        }
        match self.find(input, env) {
            Ok(v) => Ok(v.into_owned()),
            Err(e) => Err(match style {
                MissingPathStyle::InvalidPath => self.invalid_path(&e),
                MissingPathStyle::NotFoundInInput => self.not_found_in_input(field, input, env),
            }),
        }
    }

    /// `Invalid path '$.x' : No results for path: $['x']`.
    pub fn invalid_path(&self, error: &PathError) -> Failure {
        Failure::states(StatesError::Runtime, format!("Invalid path '{}' : {error}", self.text))
    }

    /// `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{…}'`;
    /// the input quoted is the document the path is rooted at.
    pub fn not_found_in_input(&self, field: &str, input: &Value, env: &Env) -> Failure {
        let doc = self.document(input, env).unwrap_or(input);
        Failure::states(
            StatesError::Runtime,
            format!(
                "The JSONPath '{}' specified for the field '{field}' could not be found in the \
                 input '{}'",
                self.text,
                ast::compact_json(doc)
            ),
        )
    }

    fn document<'v>(&self, input: &'v Value, env: &Env<'v>) -> Result<&'v Value, PathError> {
        match &self.root {
            Root::Input => Ok(input),
            Root::Context => Ok(env.context),
            Root::Variable(name) => {
                env.vars.get(name).ok_or_else(|| PathError::UndefinedVariable { name: name.clone() })
            }
        }
    }

    pub(crate) fn root(&self) -> &Root {
        &self.root
    }

    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps
    }
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests;
