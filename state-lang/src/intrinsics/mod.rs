//! The 18 intrinsic functions (`States.Format`, `States.Array`, …): parsing of a call and its
//! evaluation with AWS's argument rules and messages.
//!
//! A call is parsed once, when the definition is loaded, into a tree of [`Call`]s whose arguments
//! are literals, reference paths or nested calls. Evaluation walks that tree. Every failure at run
//! time is a `States.Runtime` error whose cause names the whole expression, as AWS words it:
//! `The function '<expression>' had the following error: <detail>` (the engine adds the
//! "An error occurred while executing the state …" prefix).

mod args;
mod array;
mod encoding;
mod hash;
mod json;
mod math;
mod parse;
mod render;
mod string;
mod uuid;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod test_support;

use serde_json::Value;

use crate::env::Env;
use crate::failure::{Failure, StatesError};

pub(crate) use parse::{Arg, Call};

/// A parsed intrinsic function call.
#[derive(Debug, Clone)]
pub struct Intrinsic {
    text: String,
    call: Call,
}

impl Intrinsic {
    /// Parses a call such as `States.Format('{} items', States.ArrayLength($.items))`. The error
    /// says what is wrong and where (unknown function, bad syntax, wrong number of arguments).
    pub fn parse(text: &str) -> Result<Self, String> {
        let call = parse::parse_call(text)?;
        Ok(Intrinsic { text: text.to_string(), call })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The function called at the top of the expression.
    pub fn function(&self) -> Function {
        self.call.func
    }

    pub fn eval(&self, input: &Value, env: &Env) -> Result<Value, Failure> {
        self.call.eval(input, env).map_err(|detail| {
            Failure::states(
                StatesError::Runtime,
                format!("The function '{}' had the following error: {}", self.text, detail),
            )
        })
    }
}

/// The intrinsic functions AWS defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Function {
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The full name, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The smallest and (when bounded) largest number of arguments the function takes.
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::Format => (1, None),
            Function::Array => (0, None),
            Function::Uuid => (0, Some(0)),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, Some(1)),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, Some(2)),
            Function::MathRandom => (2, Some(3)),
            Function::ArrayRange | Function::JsonMerge => (3, Some(3)),
        }
    }
}

impl Call {
    /// Evaluates the call; the error is the detail of AWS's cause.
    fn eval(&self, input: &Value, env: &Env) -> Result<Value, String> {
        let mut values = Vec::with_capacity(self.args.len());
        for arg in &self.args {
            values.push(arg.eval(input, env)?);
        }
        let f = self.func;
        match f {
            Function::Format => string::format(self.template.as_ref(), &values),
            Function::StringSplit => string::split(&values),
            Function::StringToJson => json::string_to_json(&values),
            Function::JsonToString => json::json_to_string(&values),
            Function::JsonMerge => json::merge(&values),
            Function::Array => Ok(Value::Array(values)),
            Function::ArrayPartition => array::partition(&values),
            Function::ArrayContains => array::contains(&values),
            Function::ArrayRange => array::range(&values),
            Function::ArrayGetItem => array::get_item(&values),
            Function::ArrayLength => array::length(&values),
            Function::ArrayUnique => array::unique(&values),
            Function::Base64Encode => encoding::encode(&values),
            Function::Base64Decode => encoding::decode(&values),
            Function::Hash => hash::hash(&values),
            Function::MathRandom => math::random(&values, env),
            Function::MathAdd => math::add(&values),
            Function::Uuid => Ok(uuid::uuid(env)),
        }
    }
}

impl Arg {
    fn eval(&self, input: &Value, env: &Env) -> Result<Value, String> {
        match self {
            Arg::Literal(v) => Ok(v.clone()),
            Arg::Str(s) => Ok(Value::String(s.value.clone())),
            Arg::Call(c) => c.eval(input, env),
            Arg::Path(p) => match p.find(input, env) {
                Ok(v) => Ok(v.into_owned()),
                Err(_) => {
                    // AWS quotes the document the path was applied to.
                    let searched = if p.is_context() {
                        env.context
                    } else {
                        p.variable().and_then(|name| env.vars.get(name)).unwrap_or(input)
                    };
                    Err(format!(
                        "The JsonPath argument for the field '{}' could not be found in the input '{}'",
                        p.as_str(),
                        render::to_json(searched)
                    ))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::test_support::{context, eval, eval_err, try_eval_with};
    use crate::vars::Variables;

    #[test]
    fn a_missing_path_argument_fails_naming_the_whole_expression() {
        let input = json!({"other": 1});
        assert_eq!(
            eval_err("States.Format('{}', $.nope)", &input),
            "The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument \
             for the field '$.nope' could not be found in the input '{\"other\":1}'"
        );
        assert_eq!(
            eval_err("States.Format('{}', States.Format('{}', $.nope))", &input),
            "The function 'States.Format('{}', States.Format('{}', $.nope))' had the following error: \
             The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'"
        );
        let items = json!({"items": [1, 2]});
        assert!(eval_err("States.Format('{}', $.items[5])", &items).ends_with(
            "The JsonPath argument for the field '$.items[5]' could not be found in the input '{\"items\":[1,2]}'"
        ));
    }

    #[test]
    fn a_missing_context_path_quotes_the_context_object() {
        let cause = eval_err("States.Array($$.Execution.Nope)", &json!({}));
        let ctx = super::render::to_json(&context());
        assert!(cause.ends_with(&format!("could not be found in the input '{ctx}'")), "{cause}");
    }

    #[test]
    fn an_explicit_null_argument_is_a_value() {
        assert_eq!(eval("States.Format('{}', $.nul)", &json!({"nul": null})), json!("null"));
    }

    #[test]
    fn arguments_read_the_context_object_and_variables() {
        let split = eval("States.StringSplit($$.Execution.Input.FunctionInput, ',')", &json!({}));
        assert_eq!(split, json!(["a", "b"]));
        let mut vars = Variables::new();
        vars.set("AnswerTemplate".into(), json!("It's {}!"));
        vars.set("n".into(), json!({"x": 40}));
        let r = try_eval_with("States.Format($AnswerTemplate, States.MathAdd($n.x, 2))", &json!({}), &vars);
        assert_eq!(r, Ok(json!("It's 42!")));
        let missing = try_eval_with("States.Array($n.y)", &json!({}), &vars).map_err(|f| f.cause);
        assert_eq!(
            missing,
            Err(Some(
                "The function 'States.Array($n.y)' had the following error: The JsonPath argument for \
                 the field '$n.y' could not be found in the input '{\"x\":40}'"
                    .into()
            ))
        );
    }
}
