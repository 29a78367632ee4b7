//! JSONata in ASL: `{% … %}` expressions evaluated with `$states` (input, result, errorOutput,
//! context) and the workflow variables bound, plus AWS's extra functions.
//!
//! An expression is parsed once, when the definition is loaded, and evaluated many times. Every
//! failure is a `States.QueryEvaluationError` whose cause is worded as AWS words it; the engine
//! prefixes it with "An error occurred while executing the state …".

mod convert;
mod errors;
mod functions;
mod limits;
mod session;
mod strict_json;
mod template;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod fuzz_tests;

use std::fmt;
use std::sync::Arc;

use jsonata_core::ast::AstNode;
use serde_json::{Map, Value};

pub use errors::json_type_name;
pub use template::JsonataTemplate;

use crate::env::Env;
use crate::failure::Failure;
use errors::Thrown;
use session::Session;

/// Whether a JSON string is a JSONata expression: it starts with `{%` and ends with `%}`, with
/// nothing before or after (AWS keeps `" {% x %} "` as a literal string).
pub fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

/// The expression inside a `{% … %}` string, without the whitespace around it, as AWS quotes it
/// in its messages; `None` when the string is not an expression.
pub fn expression_text(s: &str) -> Option<&str> {
    is_expression(s).then(|| s[2..s.len() - 2].trim())
}

/// The `$states` object: `input` and `context` always, `result` (after a Task, Parallel or Map
/// succeeded) and `errorOutput` (in a Catch) when given.
pub fn states_object(input: &Value, context: &Value, result: Option<&Value>, error_output: Option<&Value>) -> Value {
    let mut m = Map::with_capacity(4);
    m.insert("input".to_string(), input.clone());
    if let Some(result) = result {
        m.insert("result".to_string(), result.clone());
    }
    if let Some(error_output) = error_output {
        m.insert("errorOutput".to_string(), error_output.clone());
    }
    m.insert("context".to_string(), context.clone());
    Value::Object(m)
}

/// The JSON types an ASL field can require of an expression's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Array,
    Boolean,
    Number,
    String,
    Object,
    Null,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::Array => "array",
            JsonType::Boolean => "boolean",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    pub fn matches(self, value: &Value) -> bool {
        json_type_name(value) == self.as_str()
    }
}

/// A parsed JSONata expression (the text between `{%` and `%}`). Cheap to clone.
#[derive(Clone)]
pub struct JsonataExpr {
    inner: Arc<Compiled>,
}

/// What parsing leaves for evaluation.
struct Compiled {
    /// The expression as AWS quotes it (trimmed).
    text: String,
    ast: AstNode,
    /// Every `$name` the text mentions (without the `$`), sorted and deduplicated: the names
    /// that may need binding when it is evaluated.
    names: Vec<String>,
}

impl JsonataExpr {
    /// Parses the text between `{%` and `%}`. The error is the JSONata syntax error as AWS
    /// reports it when refusing a definition (`Expected "]", got ","`), without its code.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() > limits::MAX_EXPRESSION_LEN {
            return Err("Expression is too long".to_string());
        }
        // The parser is not known to panic on any input (the fuzz tests look for that); should
        // it, the definition is refused rather than the process brought down.
        let parsed = std::panic::catch_unwind(|| jsonata_core::parser::parse(text))
            .map_err(|_| "The expression could not be parsed".to_string())?;
        let ast = parsed.map_err(|e| errors::syntax_error(&e))?;
        let names = referenced_names(text);
        Ok(JsonataExpr { inner: Arc::new(Compiled { text: text.to_string(), ast, names }) })
    }

    /// Parses a `{% … %}` string; `None` when the string is not an expression.
    pub fn parse_delimited(s: &str) -> Option<Result<Self, String>> {
        expression_text(s).map(JsonataExpr::parse)
    }

    /// The expression text (trimmed), as it appears in error messages.
    pub fn as_str(&self) -> &str {
        &self.inner.text
    }

    /// The `$name`s the expression mentions, without the `$` (`states`, variables, functions).
    pub fn referenced_names(&self) -> &[String] {
        &self.inner.names
    }

    /// Evaluates with `$states` bound to `states`. `Ok(None)` is JSONata's "undefined".
    /// Error causes do not name a field; prefer [`JsonataExpr::eval_field`].
    pub fn eval(&self, states: &Value, env: &Env) -> Result<Option<Value>, Failure> {
        let mut session = Session::new(&self.inner.names, states, env);
        self.inner.eval_in(&mut session, None)
    }

    /// Evaluates the expression an ASL field holds (`field` as AWS names it: `Items`,
    /// `Choices[0]/Condition`, `Seconds`). Returning nothing is an error, as on AWS.
    pub fn eval_field(&self, states: &Value, env: &Env, field: &str) -> Result<Value, Failure> {
        let mut session = Session::new(&self.inner.names, states, env);
        match self.inner.eval_in(&mut session, Some(field))? {
            Some(value) => Ok(value),
            None => Err(errors::returned_nothing(&self.inner.text, Some(field))),
        }
    }

    /// [`JsonataExpr::eval_field`] for a field that requires a result of one JSON type.
    pub fn eval_expecting(&self, states: &Value, env: &Env, field: &str, expected: JsonType) -> Result<Value, Failure> {
        let value = self.eval_field(states, env, field)?;
        if expected.matches(&value) {
            Ok(value)
        } else {
            Err(self.unexpected_type(field, expected.as_str(), &value))
        }
    }

    /// The failure for a result of the wrong type, for checks [`JsonataExpr::eval_expecting`]
    /// cannot express (`expected` as AWS names it: `array`, `boolean`, `number` …).
    pub fn unexpected_type(&self, field: &str, expected: &str, value: &Value) -> Failure {
        errors::unexpected_type(&self.inner.text, Some(field), expected, value)
    }
}

/// How evaluating one expression can fail, before it is worded for a field.
enum ExprError {
    Thrown(Thrown),
    Unsupported,
    Nothing,
}

impl Compiled {
    /// Evaluates in `session`; `Ok(None)` is "undefined".
    fn run(&self, session: &mut Session) -> Result<Option<Value>, ExprError> {
        let result = session.evaluate(self).map_err(ExprError::Thrown)?;
        convert::from_jsonata(&result).map_err(|e| match e {
            convert::NotJson::Unsupported => ExprError::Unsupported,
            convert::NotJson::TooDeep => ExprError::Thrown(Thrown::Bare(errors::MEMORY_LIMIT.to_string())),
        })
    }

    fn failure(&self, field: Option<&str>, error: ExprError) -> Failure {
        match error {
            ExprError::Thrown(thrown) => errors::threw(&self.text, field, &thrown),
            ExprError::Unsupported => errors::unsupported_result(&self.text, field),
            ExprError::Nothing => errors::returned_nothing(&self.text, field),
        }
    }

    fn eval_in(&self, session: &mut Session, field: Option<&str>) -> Result<Option<Value>, Failure> {
        self.run(session).map_err(|e| self.failure(field, e))
    }
}

impl fmt::Debug for JsonataExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonataExpr").field(&self.inner.text).finish()
    }
}

/// Characters that end a `$name` in JSONata's tokenizer.
fn ends_name(c: char) -> bool {
    c.is_whitespace() || ".[]{}(),@#;:?+-*/%|=<>^&!~'\"`$".contains(c)
}

/// Every `$name` in `text` outside string literals, sorted and deduplicated. It may include
/// names the expression binds itself (`$x := …`, lambda parameters); binding a workflow
/// variable of the same name under them is harmless, as the inner binding shadows it.
fn referenced_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        break;
                    }
                }
            }
            '$' => {
                let start = i + 1;
                let mut end = start;
                while let Some(&(j, d)) = chars.peek() {
                    if ends_name(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                if end > start {
                    names.push(text[start..end].to_string());
                }
            }
            _ => {}
        }
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests;
