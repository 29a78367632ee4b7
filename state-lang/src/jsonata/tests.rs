//! Tests of the public JSONata API: expressions, templates, `$states`, variables, AWS's errors.

use serde_json::{json, Value};

use super::*;
use crate::env::{Entropy, SeededEntropy};
use crate::vars::Variables;

/// Counts draws, to check that entropy is used only when an expression needs it.
struct Counting(SeededEntropy, std::cell::Cell<u32>);

impl Entropy for Counting {
    fn next_u64(&self) -> u64 {
        self.1.set(self.1.get() + 1);
        self.0.next_u64()
    }
}

struct Fixture {
    context: Value,
    vars: Variables,
    entropy: Counting,
}

impl Fixture {
    fn new() -> Self {
        let mut vars = Variables::new();
        vars.set("answer".into(), json!(42));
        vars.set("list".into(), json!([1, 2, 3]));
        vars.set("states".into(), json!("a variable cannot hide $states"));
        Fixture {
            context: json!({"Execution": {"Id": "arn:exec"}, "State": {"Name": "S"}}),
            vars,
            entropy: Counting(SeededEntropy::new(9), std::cell::Cell::new(0)),
        }
    }

    fn env(&self) -> Env<'_> {
        Env { context: &self.context, vars: &self.vars, entropy: &self.entropy }
    }

    fn states(&self, input: Value) -> Value {
        states_object(&input, &self.context, None, None)
    }
}

fn expr(text: &str) -> JsonataExpr {
    match JsonataExpr::parse(text) {
        Ok(e) => e,
        Err(m) => panic!("{text}: {m}"),
    }
}

fn template(v: Value) -> JsonataTemplate {
    match JsonataTemplate::compile(&v) {
        Ok(t) => t,
        Err(p) => panic!("{p:?}"),
    }
}

fn cause(r: Result<Value, Failure>) -> String {
    match r {
        Err(f) => {
            assert_eq!(f.error, "States.QueryEvaluationError");
            f.cause.unwrap_or_default()
        }
        Ok(v) => panic!("expected a failure, got {v}"),
    }
}

#[test]
fn delimiters_follow_aws() {
    assert!(is_expression("{% $x %}"));
    assert!(is_expression("{%$x%}"));
    assert!(!is_expression(" {% $x %}"));
    assert!(!is_expression("{% $x %} "));
    assert!(!is_expression("{%}"));
    assert!(!is_expression("$states.input"));
    assert_eq!(expression_text("{%  $a + 1 \n%}"), Some("$a + 1"));
    assert_eq!(expression_text("{ % x % }"), None);
}

#[test]
fn states_and_variables_are_bound() {
    let f = Fixture::new();
    let states = f.states(json!({"a": {"b": [1, 2]}, "s": "x"}));
    let env = f.env();
    let eval = |t: &str| expr(t).eval(&states, &env);
    assert_eq!(eval("$states.input.a.b[1]"), Ok(Some(json!(2))));
    assert_eq!(eval("$answer + $sum($list)"), Ok(Some(json!(48))));
    assert_eq!(eval("$states.context.Execution.Id"), Ok(Some(json!("arn:exec"))));
    assert_eq!(eval("$states.input.s & '-' & $string($answer)"), Ok(Some(json!("x-42"))));
    assert_eq!(eval("$states.input.missing"), Ok(None));
    assert_eq!(eval("$notAVariable"), Ok(None));
    assert_eq!(eval("$exists($notAVariable) ? 'y' : 'n'"), Ok(Some(json!("n"))));
    assert_eq!(eval("$type($states)"), Ok(Some(json!("object"))));
}

#[test]
fn result_and_error_output_appear_when_given() {
    let f = Fixture::new();
    let err = json!({"Error": "E", "Cause": "c"});
    let states = states_object(&json!(1), &f.context, Some(&json!({"r": 1})), Some(&err));
    let env = f.env();
    let e = expr("[$states.input, $states.result.r, $states.errorOutput.Error]");
    assert_eq!(e.eval(&states, &env), Ok(Some(json!([1, 1, "E"]))));
    assert_eq!(
        states.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["input".into(), "result".into(), "errorOutput".into(), "context".into()])
    );
}

#[test]
fn numbers_are_written_as_aws_writes_them() {
    let f = Fixture::new();
    let states = f.states(json!({"x": 1.5}));
    let env = f.env();
    let eval = |t: &str| expr(t).eval(&states, &env);
    assert_eq!(eval("1 + 2"), Ok(Some(json!(3))));
    assert_eq!(eval("$states.input.x * 2"), Ok(Some(json!(3))));
    assert_eq!(eval("0.1 + 0.2"), Ok(Some(json!(0.30000000000000004))));
    assert_eq!(eval("1/0"), Ok(Some(json!("Infinity"))));
    assert_eq!(eval("$parse('-0')"), Ok(Some(json!(0))));
}

#[test]
fn object_keys_keep_their_order() {
    let f = Fixture::new();
    let states = f.states(json!({"z": 1, "a": 2}));
    let out = expr("{'zeta': 1, 'alpha': 2, 'in': $states.input}").eval(&states, &f.env());
    let text = out.ok().flatten().map(|v| v.to_string());
    assert_eq!(text.as_deref(), Some(r#"{"zeta":1,"alpha":2,"in":{"z":1,"a":2}}"#));
}

#[test]
fn field_evaluation_fails_on_nothing_with_aws_cause() {
    let f = Fixture::new();
    let states = f.states(json!({}));
    let r = expr("$doesNotExist").eval_field(&states, &f.env(), "Output");
    assert_eq!(
        cause(r),
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing \
         (undefined)."
    );
}

#[test]
fn unknown_functions_and_eval_are_non_functions() {
    let f = Fixture::new();
    let states = f.states(json!({"FunctionInput": "fst"}));
    let t = template(json!({"FunctionResult": "{% $randomSeeded($states.input.FunctionInput.fst) %}"}));
    assert_eq!(
        cause(t.eval(&states, &f.env(), "Output")),
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the \
         field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to \
         invoke a non-function"
    );
    let t = template(json!({"r": "{% $eval(\"1+1\") %}"}));
    assert_eq!(
        cause(t.eval(&states, &f.env(), "Output")),
        "The JSONata expression '$eval(\"1+1\")' specified for the field 'Output/r' threw an error \
         during evaluation. T1006: Attempted to invoke a non-function"
    );
    let r = expr("($f := $eval; $f('1'))").eval_field(&states, &f.env(), "Output");
    assert!(cause(r).ends_with("T1006: Attempted to invoke a non-function"));
}

#[test]
fn items_type_errors_name_the_type_and_value() {
    let f = Fixture::new();
    let states = f.states(json!({}));
    let env = f.env();
    let check = |t: &str| cause(expr(t).eval_expecting(&states, &env, "Items", JsonType::Array));
    assert_eq!(
        check("true"),
        "The JSONata expression 'true' specified for the field 'Items' returned an unexpected \
         result type. Expected 'array', but was 'boolean' for value: true"
    );
    assert_eq!(
        check("'string'"),
        "The JSONata expression ''string'' specified for the field 'Items' returned an \
         unexpected result type. Expected 'array', but was 'string' for value: \"string\""
    );
    assert_eq!(
        check("$fn := function($x){$x}"),
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' \
         returned an unsupported result type."
    );
    let ok = expr("[1, 'two', 3]").eval_expecting(&states, &env, "Items", JsonType::Array);
    assert_eq!(ok, Ok(json!([1, "two", 3])));
}

#[test]
fn templates_evaluate_nested_expressions_and_keep_literals() {
    let f = Fixture::new();
    let states = f.states(json!({"name": "n", "items": [1, 2]}));
    let t = template(json!({
        "static": "Hello",
        "not-evaluated": "$answer",
        "spaced": " {% $answer %} ",
        "name": "{% $states.input.name %}",
        "list": [1, "{% $number('2') %}", {"deep": "{% $answer %}"}],
        "n": null
    }));
    assert!(!t.is_constant());
    let out = t.eval(&states, &f.env(), "Arguments");
    assert_eq!(
        out,
        Ok(json!({
            "static": "Hello",
            "not-evaluated": "$answer",
            "spaced": " {% $answer %} ",
            "name": "n",
            "list": [1, 2, {"deep": 42}],
            "n": null
        }))
    );
    let whole = template(json!("{% $states.input.items %}"));
    assert_eq!(whole.eval(&states, &f.env(), "Items"), Ok(json!([1, 2])));
    let constant = template(json!({"a": [1, "x"]}));
    assert!(constant.is_constant());
    assert_eq!(constant.eval(&states, &f.env(), "Output"), Ok(json!({"a": [1, "x"]})));
}

#[test]
fn template_errors_name_the_path_inside_the_field() {
    let f = Fixture::new();
    let states = f.states(json!({}));
    let t = template(json!({"a": {"b": [0, "{% $nothing %}"]}}));
    assert_eq!(
        cause(t.eval(&states, &f.env(), "Output")),
        "The JSONata expression '$nothing' specified for the field 'Output/a/b[1]' returned \
         nothing (undefined)."
    );
    let t = template(json!("{% $nothing %}"));
    assert_eq!(
        cause(t.eval(&states, &f.env(), "Assign/result")),
        "The JSONata expression '$nothing' specified for the field 'Assign/result' returned \
         nothing (undefined)."
    );
}

#[test]
fn template_compile_reports_every_bad_expression_by_pointer() {
    let bad = json!({"ok": "{% 1 %}", "a/b": ["{% [1, %}"], "c": {"d": "{% 1 + %}"}});
    let Err(problems) = JsonataTemplate::compile(&bad) else { panic!("should not compile") };
    let pointers: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/a~1b/0", "/c/d"]);
    assert_eq!(problems[1].1, "Unexpected end of expression");
    let Err(root) = JsonataTemplate::compile(&json!("{% %}")) else { panic!("an empty expression should not compile") };
    assert_eq!(root[0].0, "");
    let t = template(json!({"x": ["{% $a %}", {"y": "{% $b %}"}]}));
    let found: Vec<(String, String)> = t.expressions().into_iter().map(|(p, e)| (p, e.as_str().to_string())).collect();
    assert_eq!(found, [("/x/0".into(), "$a".into()), ("/x/1/y".into(), "$b".into())]);
}

#[test]
fn parse_errors_are_worded_without_codes() {
    assert_eq!(JsonataExpr::parse("a[1,2)").err().as_deref(), Some("Expected \"]\", got \",\""));
    assert_eq!(
        JsonataExpr::parse("'unterminated").err().as_deref(),
        Some("String literal must be terminated by a matching quote")
    );
}

#[test]
fn randomness_comes_only_from_the_execution_entropy() {
    let f = Fixture::new();
    let states = f.states(json!({}));
    let env = f.env();
    let t = template(json!({"a": "{% $uuid() %}", "b": "{% $uuid() %}", "r": "{% $random() %}"}));
    let out = t.eval(&states, &env, "Output").unwrap_or_default();
    assert_eq!(f.entropy.1.get(), 1, "one seed per evaluation");
    assert_ne!(out["a"], out["b"]);
    let r = out["r"].as_f64().unwrap_or(-1.0);
    assert!((0.0..1.0).contains(&r));
    let same = Fixture::new();
    let again = t.eval(&same.states(json!({})), &same.env(), "Output");
    assert_eq!(again, Ok(out), "the same entropy gives the same values");
    let _ = expr("$states.input").eval(&states, &env);
    assert_eq!(f.entropy.1.get(), 1, "no draw without $random or $uuid");
    let seeded = expr("$random(42)").eval(&states, &env);
    assert_eq!(seeded, Ok(Some(json!(0.7275636800328681))));
}

#[test]
fn evaluation_bounds_fail_with_aws_causes() {
    let f = Fixture::new();
    let states = f.states(json!({}));
    let env = f.env();
    let r = expr("[1..900000] ~> $count()").eval_field(&states, &env, "Output/r");
    assert!(cause(r).ends_with(
        "threw an error during evaluation: Expression evaluation memory limit exceeded: Check for \
         excessive memory usage"
    ));
    let chain = vec!["1"; 200].join("+");
    let r = expr(&chain).eval_field(&states, &env, "Output/r");
    assert!(cause(r).ends_with(
        "threw an error during evaluation: Stack overflow error: Check for non-terminating \
         recursive function. Consider rewriting as tail-recursive."
    ));
    let r = expr("($f := function($x){ $x > 1000 ? $x : $f($x + 1) }; $f(1))").eval_field(&states, &env, "Output");
    assert_eq!(r, Ok(json!(1001)), "tail calls do not count against the depth");
}

#[test]
fn aws_functions_are_callable() {
    let f = Fixture::new();
    let states = f.states(json!({"fst": [0, 1, 2], "snd": 2, "s": "{\"Arg1\": 1, \"Arg2\": []}"}));
    let env = f.env();
    let eval = |t: &str| expr(t).eval(&states, &env);
    assert_eq!(eval("$partition($states.input.fst, $states.input.snd)"), Ok(Some(json!([[0, 1], [2]]))));
    assert_eq!(eval("$range(0, 10, 3)"), Ok(Some(json!([0, 3, 6, 9]))));
    assert_eq!(eval("$parse($states.input.s).Arg1"), Ok(Some(json!(1))));
    assert_eq!(eval("$hash('input', 'SHA-1')"), Ok(Some(json!("140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"))));
    assert_eq!(eval("$map([1, 2], function($v){ $hash($string($v), 'MD5') })").map(|v| v.is_some()), Ok(true));
}

#[test]
fn parsed_values_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<JsonataExpr>();
    assert_send_sync::<JsonataTemplate>();
}

#[test]
fn referenced_names_skip_string_literals() {
    let e = expr("$a + $b.c & '$notme' & \"$nor\\\"$me\" & $$ & $sum($x)");
    assert_eq!(e.referenced_names(), ["a", "b", "sum", "x"]);
}
