//! Tests of the call grammar: what parses into which tree, and the messages for what does not.

use serde_json::json;

use super::{parse_call, Arg, Piece, Template};
use crate::intrinsics::{Function, Intrinsic};

fn err(text: &str) -> String {
    match Intrinsic::parse(text) {
        Ok(_) => panic!("{text} should not parse"),
        Err(e) => e,
    }
}

#[test]
fn parses_literals_of_every_kind() {
    let call =
        parse_call("States.Array('a', 1, -2, 1.5, 1.0, 2e3, true, false, null)").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(call.func, Function::Array);
    let kinds: Vec<String> = call
        .args
        .iter()
        .map(|a| match a {
            Arg::Literal(v) => v.to_string(),
            Arg::Str(s) => format!("'{}'", s.value),
            Arg::Path(p) => p.as_str().to_string(),
            Arg::Call(c) => c.func.name().to_string(),
        })
        .collect();
    assert_eq!(kinds, ["'a'", "1", "-2", "1.5", "1.0", "2000.0", "true", "false", "null"]);
}

#[test]
fn parses_nested_calls_and_paths() {
    let call = parse_call("States.Format('{} {}', States.ArrayLength($.items), $$.Execution.Id)")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(call.args.len(), 3);
    assert!(
        matches!(&call.args[1], Arg::Call(c) if c.func == Function::ArrayLength && matches!(&c.args[0], Arg::Path(p) if p.as_str() == "$.items"))
    );
    assert!(matches!(&call.args[2], Arg::Path(p) if p.as_str() == "$$.Execution.Id"));
}

#[test]
fn paths_keep_brackets_quotes_and_filters_whole() {
    let call = parse_call("States.Array($.a['x,y)'], $.b[?(@.c == 1)], $var.x, $)").unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> =
        call.args.iter().filter_map(|a| if let Arg::Path(p) = a { Some(p.as_str()) } else { None }).collect();
    assert_eq!(paths, ["$.a['x,y)']", "$.b[?(@.c == 1)]", "$var.x", "$"]);
}

#[test]
fn whitespace_is_allowed_between_tokens() {
    assert!(Intrinsic::parse("  States.Array ( 1 ,\n'a' , States.UUID( ) )  ").is_ok());
    assert!(Intrinsic::parse("States.Format('x')").is_ok());
}

#[test]
fn string_escapes_resolve_quotes_backslashes_and_braces() {
    let call = parse_call(
        r"States.Array('it\'s', 'a\\b', '\{\}', 'tab\t', 'new
line')",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let values: Vec<&str> =
        call.args.iter().filter_map(|a| if let Arg::Str(s) = a { Some(s.value.as_str()) } else { None }).collect();
    assert_eq!(values, ["it's", r"a\b", "{}", r"tab\t", "new\nline"]);
}

#[test]
fn format_templates_are_parsed_at_load_time() {
    let call = parse_call(r"States.Format('a {} \{b\} {}', 1, 2)").unwrap_or_else(|e| panic!("{e}"));
    let expected = Template {
        pieces: vec![Piece::Text("a ".into()), Piece::Placeholder, Piece::Text(" {b} ".into()), Piece::Placeholder],
    };
    assert_eq!(call.template, Some(Ok(expected)));
    assert!(matches!(parse_call("States.Format('oops {', 1)").map(|c| c.template), Ok(Some(Err(_)))));
    assert!(matches!(parse_call("States.Format($.t, 1)").map(|c| c.template), Ok(None)));
}

#[test]
fn unknown_functions_are_named() {
    assert_eq!(
        err("States.Compare($.a, $.b)"),
        "Invalid intrinsic function call 'States.Compare($.a, $.b)': unknown intrinsic function 'States.Compare' (at character 0)"
    );
    assert!(err("States.Array(States.Nope())").contains("unknown intrinsic function 'States.Nope'"));
    assert!(err("States.format('x')").contains("unknown intrinsic function 'States.format'"));
}

#[test]
fn wrong_arity_is_reported_at_load_time() {
    assert!(err("States.ArrayRange(1, 5)").contains("States.ArrayRange takes 3 arguments, but 2 were given"));
    assert!(err("States.MathRandom(1)").contains("States.MathRandom takes 2 to 3 arguments, but 1 was given"));
    assert!(err("States.Format()").contains("States.Format takes at least 1 argument, but 0 were given"));
    assert!(err("States.UUID(1)").contains("States.UUID takes 0 arguments, but 1 was given"));
    assert!(err("States.Hash('a', 'MD5', 'x')").contains("States.Hash takes 2 arguments, but 3 were given"));
}

#[test]
fn syntax_errors_say_what_and_where() {
    let cases = [
        ("$.a", "an intrinsic function call must start with 'States.'"),
        ("States.Array", "expected '(' after 'States.Array'"),
        ("States.Array(1", "missing ')' at the end of the call"),
        ("States.Array(1,", "missing ')' at the end of the call"),
        ("States.ArrayGetItem($.arr, )", "expected an argument"),
        ("States.Array(,1)", "expected an argument"),
        ("States.Array('abc)", "unterminated string literal"),
        ("States.Array(1 2)", "expected ',' or ')' after an argument"),
        ("States.Array(1) x", "unexpected characters after the closing ')'"),
        ("States.Array(1.2.3)", "invalid number '1.2.3'"),
        ("States.Array(-)", "invalid number '-'"),
        ("States.Array(yes)", "unexpected argument 'yes'"),
        ("States.Array(\"x\")", "unexpected character '\"'"),
    ];
    for (text, what) in cases {
        let e = err(text);
        assert!(e.contains(what), "{text}: {e}");
    }
    assert!(err("States.Array(1 2)").ends_with("(at character 15)"));
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let deep = format!("{}1{}", "States.Array(".repeat(200), ")".repeat(200));
    assert!(err(&deep).contains("nested too deeply"));
    let fine = format!("{}1{}", "States.Array(".repeat(10), ")".repeat(10));
    let v = crate::intrinsics::test_support::eval(&fine, &json!({}));
    assert_eq!(v, json!([[[[[[[[[[1]]]]]]]]]]));
}

#[test]
fn as_str_and_function_report_the_source() {
    let i = Intrinsic::parse("States.MathAdd(1, 2)").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(i.as_str(), "States.MathAdd(1, 2)");
    assert_eq!(i.function(), Function::MathAdd);
    for f in Function::ALL {
        assert_eq!(Function::from_name(f.name()), Some(f));
    }
}
