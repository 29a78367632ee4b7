//! JSONPath Choice rules: the comparison operators, `And`/`Or`/`Not`, and AWS's type rules.
//!
//! A rule is parsed once into a [`Rule`] tree (see `parse.rs`) and evaluated against each input. The
//! comparisons themselves are pure functions on `&Value`, one file per operator family. AWS's rules:
//! comparing a value of the wrong type is simply false; a `Variable` (or `…Path` operand) that selects
//! nothing fails the state with `States.Runtime`, except under `IsPresent`, which is false.

mod boolean;
mod numeric;
mod parse;
mod string;
mod timestamp;
mod type_test;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod eval_tests;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod parse_tests;

use std::cmp::Ordering;

use serde_json::Value;

use crate::env::Env;
use crate::failure::{Failure, StatesError};
use crate::path::ReferencePath;

pub use numeric::compare_numbers;
pub use string::{compare_strings, Pattern};
pub use timestamp::{parse_timestamp, Timestamp};
pub use type_test::TypeTest;

/// A Choice rule's boolean expression (without its `Next`, `Assign`, `Output`).
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
    Compare { variable: ReferencePath, op: Operator, operand: Operand },
}

/// The relation of an `…Equals`, `…LessThan`, `…GreaterThan`, `…LessThanEquals`, `…GreaterThanEquals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Cmp {
    pub const ALL: [Cmp; 5] =
        [Cmp::Equals, Cmp::LessThan, Cmp::GreaterThan, Cmp::LessThanEquals, Cmp::GreaterThanEquals];

    /// Whether `left ? right` holds, given how `left` orders against `right`.
    pub fn holds(self, order: Ordering) -> bool {
        match self {
            Cmp::Equals => order == Ordering::Equal,
            Cmp::LessThan => order == Ordering::Less,
            Cmp::GreaterThan => order == Ordering::Greater,
            Cmp::LessThanEquals => order != Ordering::Greater,
            Cmp::GreaterThanEquals => order != Ordering::Less,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Cmp::Equals => "Equals",
            Cmp::LessThan => "LessThan",
            Cmp::GreaterThan => "GreaterThan",
            Cmp::LessThanEquals => "LessThanEquals",
            Cmp::GreaterThanEquals => "GreaterThanEquals",
        }
    }
}

/// A comparison operator, without its `Path` suffix (that is a property of the [`Operand`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    String(Cmp),
    StringMatches,
    Numeric(Cmp),
    BooleanEquals,
    Timestamp(Cmp),
    Is(TypeTest),
}

impl Operator {
    /// The operator's name in ASL, with `Path` appended for a path operand.
    pub fn name(self, path: bool) -> String {
        let base = match self {
            Operator::String(c) => format!("String{}", c.suffix()),
            Operator::StringMatches => "StringMatches".to_string(),
            Operator::Numeric(c) => format!("Numeric{}", c.suffix()),
            Operator::BooleanEquals => "BooleanEquals".to_string(),
            Operator::Timestamp(c) => format!("Timestamp{}", c.suffix()),
            Operator::Is(t) => format!("Is{t:?}"),
        };
        if path {
            base + "Path"
        } else {
            base
        }
    }

    /// The name of this operator's `…Path` field, without allocating (it is passed on every
    /// evaluation of a path operand).
    fn path_field(self) -> &'static str {
        const STRING: [&str; 5] = [
            "StringEqualsPath",
            "StringLessThanPath",
            "StringGreaterThanPath",
            "StringLessThanEqualsPath",
            "StringGreaterThanEqualsPath",
        ];
        const NUMERIC: [&str; 5] = [
            "NumericEqualsPath",
            "NumericLessThanPath",
            "NumericGreaterThanPath",
            "NumericLessThanEqualsPath",
            "NumericGreaterThanEqualsPath",
        ];
        const TIMESTAMP: [&str; 5] = [
            "TimestampEqualsPath",
            "TimestampLessThanPath",
            "TimestampGreaterThanPath",
            "TimestampLessThanEqualsPath",
            "TimestampGreaterThanEqualsPath",
        ];
        match self {
            Operator::String(c) => STRING[c as usize],
            Operator::Numeric(c) => NUMERIC[c as usize],
            Operator::Timestamp(c) => TIMESTAMP[c as usize],
            Operator::BooleanEquals => "BooleanEqualsPath",
            Operator::StringMatches | Operator::Is(_) => "Variable",
        }
    }

    /// Whether AWS defines a `…Path` form of this operator.
    pub fn has_path_form(self) -> bool {
        !matches!(self, Operator::StringMatches | Operator::Is(_))
    }

    /// The comparison itself, on the value the `Variable` selected and the operand's value. Wrong
    /// types on either side make it false, never an error.
    pub fn test(self, left: &Value, right: &Value) -> bool {
        match self {
            Operator::String(c) => string::compare(c, left, right),
            Operator::StringMatches => right.as_str().is_some_and(|p| string::matches(left, &Pattern::compile(p))),
            Operator::Numeric(c) => numeric::compare(c, left, right),
            Operator::BooleanEquals => boolean::equals(left, right),
            Operator::Timestamp(c) => timestamp::compare(c, left, right),
            Operator::Is(t) => type_test::test(t, left, right),
        }
    }
}

/// The right-hand side of a comparison, prepared at parse time.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal string, number or boolean, already checked against the operator's type.
    Literal(Value),
    /// A `Timestamp*` literal, already parsed.
    Timestamp(Timestamp),
    /// A `StringMatches` pattern, already compiled.
    Pattern(Pattern),
    /// A `…Path` operand, read from the input (or `$$`, or a variable) at evaluation time.
    Path(ReferencePath),
}

impl Rule {
    /// Parses a rule object; errors are `(JSON Pointer relative to the rule, message)`. `Next`,
    /// `Assign` and `Output` at the top of the rule belong to the state and are ignored here.
    pub fn parse(value: &Value) -> Result<Self, Vec<(String, String)>> {
        parse::parse_top(value)
    }

    /// Evaluates the rule. `And`/`Or` stop at the first operand that decides the result, so a later
    /// operand's missing path is not an error (the `IsPresent` guard idiom).
    pub fn eval(&self, input: &Value, env: &Env) -> Result<bool, Failure> {
        match self {
            Rule::And(rules) => {
                for rule in rules {
                    if !rule.eval(input, env)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Rule::Or(rules) => {
                for rule in rules {
                    if rule.eval(input, env)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Rule::Not(rule) => Ok(!rule.eval(input, env)?),
            Rule::Compare { variable, op, operand } => eval_compare(variable, *op, operand, input, env),
        }
    }
}

fn eval_compare(
    variable: &ReferencePath,
    op: Operator,
    operand: &Operand,
    input: &Value,
    env: &Env,
) -> Result<bool, Failure> {
    let selected = variable.select(input, env, "Variable");
    if op == Operator::Is(TypeTest::Present) {
        return Ok(match operand {
            Operand::Literal(Value::Bool(expected)) => selected.is_ok() == *expected,
            _ => false,
        });
    }
    let left = selected.map_err(|_| invalid_path(variable))?;
    Ok(match operand {
        Operand::Literal(right) => op.test(&left, right),
        Operand::Timestamp(right) => match op {
            Operator::Timestamp(c) => timestamp::compare_with(c, &left, *right),
            _ => false,
        },
        Operand::Pattern(pattern) => string::matches(&left, pattern),
        Operand::Path(path) => {
            let right = path.select(input, env, op.path_field()).map_err(|_| invalid_path(path))?;
            op.test(&left, &right)
        }
    })
}

/// AWS's failure when a Choice path selects nothing. The engine prefixes the cause with
/// "An error occurred while executing the state '…' (entered at the event id #…). ", as for every
/// `States.Runtime` failure of a state.
pub fn invalid_path(path: &ReferencePath) -> Failure {
    Failure::states(
        StatesError::Runtime,
        format!("Invalid path '{}': The choice state's condition path references an invalid value.", path.as_str()),
    )
}
