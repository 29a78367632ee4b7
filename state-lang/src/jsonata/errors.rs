//! The causes of `States.QueryEvaluationError` as AWS words them, and the translation of
//! jsonata-core's errors into the JSONata reference messages AWS prints.

use jsonata_core::evaluator::{error_code_prefix, EvaluatorError};
use jsonata_core::parser::ParserError;
use serde_json::Value;

use crate::failure::{Failure, StatesError};

/// AWS's message when an evaluation outgrows its memory bound.
pub(super) const MEMORY_LIMIT: &str = "Expression evaluation memory limit exceeded: Check for excessive memory usage";

/// AWS's message when an evaluation nests too deep.
pub(super) const STACK_OVERFLOW: &str = "Stack overflow error: Check for non-terminating \
                                         recursive function. Consider rewriting as tail-recursive.";

/// The JSONata reference message for an evaluation that runs out of time.
pub(super) const TIMEOUT: &str = "Expression evaluation timeout: Check for infinite loop";

/// Why an evaluation failed, in the two shapes AWS reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Thrown {
    /// A coded JSONata error (`T1006: Attempted to invoke a non-function`): AWS ends its
    /// sentence with a full stop and appends it.
    Coded(String),
    /// An uncoded one (the evaluation bounds): AWS appends it after a colon.
    Bare(String),
    /// A fault of the evaluator itself (a caught panic), which AWS reports without detail.
    Internal,
}

impl Thrown {
    pub(super) fn from_evaluator(error: &EvaluatorError) -> Thrown {
        let message = error.message();
        match error_code_prefix(message) {
            Some("D2015") => Thrown::Bare(MEMORY_LIMIT.to_string()),
            Some("D1011" | "U1001") => Thrown::Bare(STACK_OVERFLOW.to_string()),
            Some("D1012") => Thrown::Bare(TIMEOUT.to_string()),
            // jsonata-core names the callee after the reference message; AWS prints it bare.
            Some(code @ ("T1006" | "T1008")) => Thrown::Coded(message_head(message, code)),
            Some(_) => Thrown::Coded(message.to_string()),
            None => Thrown::Bare(message.to_string()),
        }
    }
}

/// The reference text of a T1006/T1008 message, without the detail (the callee's name)
/// jsonata-core appends after it.
fn message_head(message: &str, code: &str) -> String {
    let reference = match code {
        "T1008" => "T1008: Attempted to partially apply a non-function",
        _ => "T1006: Attempted to invoke a non-function",
    };
    if message.starts_with(reference) {
        reference.to_string()
    } else {
        message.to_string()
    }
}

fn subject(expr: &str, field: Option<&str>) -> String {
    match field {
        Some(field) => {
            format!("The JSONata expression '{expr}' specified for the field '{field}'")
        }
        None => format!("The JSONata expression '{expr}'"),
    }
}

fn failure(cause: String) -> Failure {
    Failure::states(StatesError::QueryEvaluationError, cause)
}

pub(super) fn threw(expr: &str, field: Option<&str>, thrown: &Thrown) -> Failure {
    let subject = subject(expr, field);
    failure(match thrown {
        Thrown::Coded(m) => format!("{subject} threw an error during evaluation. {m}"),
        Thrown::Bare(m) => format!("{subject} threw an error during evaluation: {m}"),
        Thrown::Internal => format!("{subject} threw an internal error during evaluation."),
    })
}

pub(super) fn returned_nothing(expr: &str, field: Option<&str>) -> Failure {
    failure(format!("{} returned nothing (undefined).", subject(expr, field)))
}

pub(super) fn unsupported_result(expr: &str, field: Option<&str>) -> Failure {
    failure(format!("{} returned an unsupported result type.", subject(expr, field)))
}

pub(super) fn unexpected_type(expr: &str, field: Option<&str>, expected: &str, value: &Value) -> Failure {
    failure(format!(
        "{} returned an unexpected result type. Expected '{expected}', but was '{}' for value: {value}",
        subject(expr, field),
        json_type_name(value),
    ))
}

/// The JSON type of a value, as AWS names it in its messages.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A syntax error as AWS reports it when it refuses a definition: the JSONata reference
/// message without its code (`Expected "]", got ","`).
pub(super) fn syntax_error(error: &ParserError) -> String {
    let message = error.to_string();
    let message = match error_code_prefix(&message) {
        Some(code) => message[code.len() + 1..].trim_start().to_string(),
        None => message,
    };
    match error {
        ParserError::Expected { expected, found } => {
            let expected = quote_token(expected);
            if found == "Eof" {
                format!("Expected {expected} before end of expression")
            } else {
                format!("Expected {expected}, got {}", quote_token(found))
            }
        }
        ParserError::UnexpectedToken(token) if token.starts_with(char::is_alphabetic) => {
            if token == "Eof" {
                message
            } else {
                format!("The symbol {} cannot be used as a unary operator", quote_token(token))
            }
        }
        _ => message,
    }
}

/// jsonata-core names punctuation tokens by their variant (`RightBracket`); the reference
/// messages quote the symbol itself (`"]"`).
fn quote_token(name: &str) -> String {
    let symbol = match name {
        "LeftParen" => "(",
        "RightParen" => ")",
        "LeftBracket" => "[",
        "RightBracket" => "]",
        "LeftBrace" => "{",
        "RightBrace" => "}",
        "Comma" => ",",
        "Semicolon" => ";",
        "Colon" => ":",
        "ColonEqual" => ":=",
        "Dot" => ".",
        "DotDot" => "..",
        "Question" => "?",
        "Plus" => "+",
        "Minus" => "-",
        "Star" => "*",
        "StarStar" => "**",
        "Slash" => "/",
        "Percent" => "%",
        "Equal" => "=",
        "NotEqual" => "!=",
        "LessThan" => "<",
        "LessThanOrEqual" => "<=",
        "GreaterThan" => ">",
        "GreaterThanOrEqual" => ">=",
        "Ampersand" => "&",
        "TildeArrow" => "~>",
        "Caret" => "^",
        "At" => "@",
        "Hash" => "#",
        "Pipe" => "|",
        "And" => "and",
        "Or" => "or",
        "In" => "in",
        other => return other.to_string(),
    };
    format!("\"{symbol}\"")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn thrown(e: EvaluatorError) -> Thrown {
        Thrown::from_evaluator(&e)
    }

    #[test]
    fn non_function_calls_print_the_reference_message() {
        for raw in
            ["T1006: Attempted to invoke a non-function: $randomSeeded", "T1006: Attempted to invoke a non-function"]
        {
            assert_eq!(
                thrown(EvaluatorError::ReferenceError(raw.into())),
                Thrown::Coded("T1006: Attempted to invoke a non-function".into())
            );
        }
    }

    #[test]
    fn bounds_use_aws_wording() {
        let e = EvaluatorError::EvaluationError("D2015: The maximum sequence length".into());
        assert_eq!(thrown(e), Thrown::Bare(MEMORY_LIMIT.into()));
        let e = EvaluatorError::EvaluationError("D1011: Stack overflow.".into());
        assert_eq!(thrown(e), Thrown::Bare(STACK_OVERFLOW.into()));
    }

    #[test]
    fn causes_match_aws() {
        let t = Thrown::Coded("T1006: Attempted to invoke a non-function".into());
        assert_eq!(
            threw("$f()", Some("Output/FunctionResult"), &t).cause.as_deref(),
            Some(
                "The JSONata expression '$f()' specified for the field 'Output/FunctionResult' \
                 threw an error during evaluation. T1006: Attempted to invoke a non-function"
            )
        );
        let t = Thrown::Bare(MEMORY_LIMIT.into());
        assert_eq!(
            threw("[1..900000]", Some("Output/r"), &t).cause.as_deref(),
            Some(
                "The JSONata expression '[1..900000]' specified for the field 'Output/r' threw \
                 an error during evaluation: Expression evaluation memory limit exceeded: Check \
                 for excessive memory usage"
            )
        );
        assert_eq!(
            returned_nothing("$doesNotExist", Some("Arguments/FunctionName")).cause.as_deref(),
            Some(
                "The JSONata expression '$doesNotExist' specified for the field \
                 'Arguments/FunctionName' returned nothing (undefined)."
            )
        );
        let f = unexpected_type("{'foo': 'bar'}", Some("Items"), "array", &json!({"foo": "bar"}));
        assert_eq!(f.error, "States.QueryEvaluationError");
        assert_eq!(
            f.cause.as_deref(),
            Some(
                "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned \
                 an unexpected result type. Expected 'array', but was 'object' for value: \
                 {\"foo\":\"bar\"}"
            )
        );
        assert_eq!(
            unsupported_result("$fn := function($x){$x}", Some("Items")).cause.as_deref(),
            Some(
                "The JSONata expression '$fn := function($x){$x}' specified for the field \
                 'Items' returned an unsupported result type."
            )
        );
    }

    #[test]
    fn syntax_errors_quote_symbols_without_codes() {
        let e = ParserError::Expected { expected: "RightBracket".into(), found: "Comma".into() };
        assert_eq!(syntax_error(&e), "Expected \"]\", got \",\"");
        let e = ParserError::UnexpectedToken("RightBrace".into());
        assert_eq!(syntax_error(&e), "The symbol \"}\" cannot be used as a unary operator");
        assert_eq!(syntax_error(&ParserError::UnexpectedEnd), "Unexpected end of expression");
        assert_eq!(syntax_error(&ParserError::UnclosedString), "String literal must be terminated by a matching quote");
    }
}
