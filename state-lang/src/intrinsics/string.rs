//! `States.Format` and `States.StringSplit`.

use serde_json::Value;

use super::args::{self, invalid};
use super::parse::{Piece, Template};
use super::render;
use super::Function;

/// `States.Format(template, args…)`: each `{}` takes the next argument. `parsed` is the
/// template parsed at load time when it was a literal; a template read from a path is parsed
/// here.
pub(super) fn format(parsed: Option<&Result<Template, String>>, values: &[Value]) -> Result<Value, String> {
    let f = Function::Format;
    let (first, rest) = values.split_first().ok_or_else(|| invalid(f))?;
    let runtime;
    let template = match parsed {
        Some(t) => t.as_ref().map_err(Clone::clone)?,
        None => {
            runtime = Template::parse(args::string(f, first)?)?;
            &runtime
        }
    };
    if template.placeholders() != rest.len() {
        return Err(invalid(f));
    }
    let mut out = String::new();
    let mut next = rest.iter();
    for piece in &template.pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder => {
                if let Some(v) = next.next() {
                    out.push_str(&render::to_format_text(v));
                }
            }
        }
    }
    Ok(Value::String(out))
}

/// `States.StringSplit(string, delimiters)`: every character of `delimiters` separates, and
/// empty pieces are dropped (`", , ,"` split on `","` is `[" ", " "]`).
pub(super) fn split(values: &[Value]) -> Result<Value, String> {
    let f = Function::StringSplit;
    let [s, delims] = args::fixed(f, values)?;
    let s = args::string(f, s)?;
    let delims = args::string(f, delims)?;
    let parts =
        s.split(|c: char| delims.contains(c)).filter(|p| !p.is_empty()).map(|p| Value::String(p.to_string())).collect();
    Ok(Value::Array(parts))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

    #[test]
    fn format_fills_placeholders_in_order() {
        let input = json!({"fst": "HelloWorld", "snd": 1});
        let r = eval("States.Format('fst={} and snd={}.', $.fst, $.snd)", &input);
        assert_eq!(r, json!("fst=HelloWorld and snd=1."));
    }

    #[test]
    fn format_prints_values_as_aws_does() {
        let input = json!({"n": null, "f": 1.1, "i": 1, "b": true, "o": {"Arg1": 1, "Arg2": []}, "s": ""});
        let r = eval("States.Format('{}|{}|{}|{}|{}|{}', $.n, $.f, $.i, $.b, $.o, $.s)", &input);
        assert_eq!(r, json!("null|1.1|1|true|{Arg1=1, Arg2=[]}|"));
        assert_eq!(eval("States.Format('{}', $.a)", &json!({"a": [1, "x"]})), json!("[1, x]"));
        assert_eq!(eval("States.Format('v={}', 1.0)", &json!({})), json!("v=1.0"));
    }

    #[test]
    fn format_honours_escaped_braces_and_quotes() {
        assert_eq!(eval(r"States.Format('This value is \{{}\}', 'Foo')", &json!({})), json!("This value is {Foo}"));
        assert_eq!(eval(r"States.Format('\{\}')", &json!({})), json!("{}"));
        assert_eq!(eval(r"States.Format('v {} - \'\{\}\\', 'Foo')", &json!({})), json!(r"v Foo - '{}\"));
        assert_eq!(eval("States.Format('no placeholders')", &json!({})), json!("no placeholders"));
        assert_eq!(eval("States.Format('')", &json!({})), json!(""));
    }

    #[test]
    fn format_reads_a_template_from_a_path() {
        let input = json!({"t": "It's {}!", "v": "Pikachu"});
        assert_eq!(eval("States.Format($.t, $.v)", &input), json!("It's Pikachu!"));
    }

    #[test]
    fn format_rejects_mismatched_arguments_and_bad_templates() {
        let input = json!({"a": "x", "b": "y", "t": 123, "u": "Hello {"});
        for expr in [
            "States.Format('{} {}', $.a)",
            "States.Format('{}', $.a, $.b)",
            "States.Format('Hello {', $.a)",
            "States.Format('Hello {{}}', $.a)",
            "States.Format('}')",
            "States.Format($.t, $.a)",
            "States.Format($.u, $.a)",
        ] {
            assert_eq!(eval_err(expr, &input), invalid_cause(expr, "States.Format"), "{expr}");
        }
    }

    #[test]
    fn string_split_splits_on_any_delimiter_character_and_drops_empty_pieces() {
        let e = "States.StringSplit($.s, $.d)";
        assert_eq!(eval(e, &json!({"s": "1,2,3,4,5", "d": ","})), json!(["1", "2", "3", "4", "5"]));
        assert_eq!(eval(e, &json!({"s": ", , ,", "d": ","})), json!([" ", " "]));
        assert_eq!(eval(e, &json!({"s": " ", "d": ","})), json!([" "]));
        assert_eq!(
            eval(e, &json!({"s": "split on T and \nnew line", "d": "T\n"})),
            json!(["split on ", " and ", "new line"])
        );
        assert_eq!(
            eval(e, &json!({"s": "This.is+a,test=string", "d": ".+,="})),
            json!(["This", "is", "a", "test", "string"])
        );
        assert_eq!(eval(e, &json!({"s": "", "d": ","})), json!([]));
        assert_eq!(eval(e, &json!({"s": "abc", "d": ""})), json!(["abc"]));
        assert_eq!(eval("States.StringSplit('Hello\nWorld', '\n')", &json!({})), json!(["Hello", "World"]));
    }

    #[test]
    fn string_split_rejects_non_strings() {
        let e = "States.StringSplit($.s, ',')";
        assert_eq!(eval_err(e, &json!({"s": 1})), invalid_cause(e, "States.StringSplit"));
        let e = "States.StringSplit('a', $.d)";
        assert_eq!(eval_err(e, &json!({"d": null})), invalid_cause(e, "States.StringSplit"));
    }
}
