//! Tests of path parsing, selection and AWS's messages.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::*;
use crate::env::SeededEntropy;
use crate::vars::Variables;

struct World {
    context: Value,
    vars: Variables,
    entropy: SeededEntropy,
}

impl World {
    fn new() -> Self {
        let mut vars = Variables::new();
        vars.set("answer".into(), json!(42));
        vars.set("obj".into(), json!({"list": [1, 2, 3], "in": {"deep": "yes"}}));
        World {
            context: json!({
                "Execution": {"Id": "arn:exec", "Input": {"int-literal": 0}, "Name": "run"},
                "Map": {"Item": {"Index": 2, "Value": {"k": "v"}}}
            }),
            vars,
            entropy: SeededEntropy::new(7),
        }
    }

    fn env(&self) -> Env<'_> {
        Env { context: &self.context, vars: &self.vars, entropy: &self.entropy }
    }
}

fn path(text: &str) -> ReferencePath {
    match ReferencePath::parse(text) {
        Ok(p) => p,
        Err(e) => panic!("{text} should parse: {e}"),
    }
}

/// Selects with the `InputPath` wording of errors.
fn select(text: &str, input: Value) -> Result<Value, String> {
    let w = World::new();
    path(text).select(&input, &w.env(), "InputPath").map_err(|f| f.cause.unwrap_or_default())
}

fn ok(text: &str, input: Value) -> Value {
    match select(text, input) {
        Ok(v) => v,
        Err(e) => panic!("{text} should select: {e}"),
    }
}

fn err(text: &str, input: Value) -> String {
    match select(text, input) {
        Ok(v) => panic!("{text} should fail, selected {v}"),
        Err(e) => e,
    }
}

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Rees", "title": "Sayings", "price": 8.95},
                {"category": "fiction", "author": "Waugh", "title": "Sword", "price": 12.99},
                {"category": "fiction", "author": "Melville", "title": "Moby Dick",
                 "isbn": "0-553", "price": 8.99},
                {"category": "fiction", "author": "Tolkien", "title": "Rings",
                 "isbn": "0-395", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "limit": 10
    })
}

#[test]
fn roots_select_input_context_and_variables() {
    let input = json!({"a": {"b": [10, 20]}});
    assert_eq!(ok("$", input.clone()), input);
    assert_eq!(ok("$.a.b[1]", input.clone()), json!(20));
    assert_eq!(ok("$$.Execution.Id", json!({})), json!("arn:exec"));
    assert_eq!(ok("$$.Map.Item.Value", json!({})), json!({"k": "v"}));
    assert_eq!(ok("$$", json!(null))["Execution"]["Name"], json!("run"));
    assert_eq!(ok("$answer", json!({})), json!(42));
    assert_eq!(ok("$obj.in.deep", json!({})), json!("yes"));
    assert_eq!(ok("$obj.list[-1]", json!({})), json!(3));
    assert_eq!(ok("$obj.list[*]", json!({})), json!([1, 2, 3]));
}

#[test]
fn path_properties_are_reported() {
    assert!(path("$.a.b").is_definite());
    assert!(path("$['a','b']").is_definite());
    assert!(!path("$.a[*]").is_definite());
    assert!(!path("$..a").is_definite());
    assert!(!path("$.a[0,1]").is_definite());
    assert!(path("$$.Task.Token").is_context());
    assert_eq!(path("$maxConcurrency").variable(), Some("maxConcurrency"));
    assert!(path("$").is_whole_input());
    assert!(!path("$.a").is_whole_input());
    assert_eq!(path(" $.a ").as_str(), " $.a ");
    assert_eq!(path("$.a"), path("$.a"));
}

#[test]
fn dot_and_bracket_notation_reach_the_same_node() {
    let input = json!({"a": {"b c": 1, "d-e": 2, "f.g": 3, "h": {"i": 4}}});
    assert_eq!(ok("$['a']['b c']", input.clone()), json!(1));
    assert_eq!(ok("$[\"a\"][\"d-e\"]", input.clone()), json!(2));
    assert_eq!(ok("$.a.d-e", input.clone()), json!(2));
    assert_eq!(ok("$.a['f.g']", input.clone()), json!(3));
    assert_eq!(ok("$[ 'a' ].h.i", input.clone()), json!(4));
    assert_eq!(ok("$['a'][ \"h\" ]['i']", input.clone()), json!(4));
    assert_eq!(ok("$.['a'].h.[\"i\"]", input.clone()), json!(4));
    assert_eq!(ok("$.a.h.['i']", input), json!(4));
}

#[test]
fn quoted_names_keep_backslashes_that_escape_nothing() {
    // The corpus case ESCAPE_SEQUENCES_JSONPATH: the key is `Test\""Name"`.
    let input = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(ok("$['Test\\\"\"Name\"']", input), json!("Value\"\\"));
    assert_eq!(ok("$['it\\'s']", json!({"it's": 1})), json!(1));
    assert_eq!(ok("$['a\\\\b']", json!({"a\\b": 2})), json!(2));
}

#[test]
fn array_index_and_negative_index() {
    let input = json!({"items": [{"item_key": 0}, {"item_key": 1}, {"item_key": 2}]});
    assert_eq!(ok("$.items[2]", input.clone()), json!({"item_key": 2}));
    assert_eq!(ok("$.items[-1].item_key", input.clone()), json!(2));
    assert_eq!(ok("$[0]", json!(["x", "y"])), json!("x"));
    assert_eq!(err("$.items[10]", input), "Invalid path '$.items[10]' : No results for path: $['items'][10]");
}

#[test]
fn wildcards_and_slices_on_missing_input_yield_empty_arrays() {
    // The corpus cases json_path_array_wildcard_or_slice_with_no_input.
    for p in [
        "$.item.items[*]",
        "$.item.items[1:]",
        "$.item.items[1:5].itemValue",
        "$.item.items[1:5]",
        "$.item.items[:1]",
        "$.items[*]",
        "$.items[:1]",
    ] {
        assert_eq!(ok(p, json!({})), json!([]), "{p}");
    }
}

#[test]
fn wildcards_select_values_of_objects_and_arrays() {
    let input = json!({"a": 1, "b": [2, 3], "c": {"d": 4}});
    assert_eq!(ok("$.*", input.clone()), json!([1, [2, 3], {"d": 4}]));
    assert_eq!(ok("$[*]", input.clone()), json!([1, [2, 3], {"d": 4}]));
    assert_eq!(ok("$.b[*]", input.clone()), json!([2, 3]));
    assert_eq!(ok("$.*.d", input), json!([4]));
    assert_eq!(ok("$.items[*].v", json!({"items": [{"v": 1}, {}, {"v": 3}]})), json!([1, 3]));
}

#[test]
fn slices_follow_start_end_and_step() {
    let input = json!({"n": [0, 1, 2, 3, 4, 5, 6]});
    assert_eq!(ok("$.n[1:5]", input.clone()), json!([1, 2, 3, 4]));
    assert_eq!(ok("$.n[1:]", input.clone()), json!([1, 2, 3, 4, 5, 6]));
    assert_eq!(ok("$.n[:2]", input.clone()), json!([0, 1]));
    assert_eq!(ok("$.n[-2:]", input.clone()), json!([5, 6]));
    assert_eq!(ok("$.n[:-5]", input.clone()), json!([0, 1]));
    assert_eq!(ok("$.n[::2]", input.clone()), json!([0, 2, 4, 6]));
    assert_eq!(ok("$.n[::-3]", input.clone()), json!([6, 3, 0]));
    assert_eq!(ok("$.n[5:100]", input.clone()), json!([5, 6]));
    assert_eq!(ok("$.n[4:2]", input.clone()), json!([]));
    assert_eq!(ok("$.n[::0]", input), json!([]));
}

#[test]
fn unions_of_indexes_and_names() {
    let input = json!({"n": [10, 11, 12], "a": 1, "b": 2, "c": 3});
    assert_eq!(ok("$.n[0,2]", input.clone()), json!([10, 12]));
    assert_eq!(ok("$.n[2, 0, 9]", input.clone()), json!([12, 10]));
    // A multi-name leaf is definite: one object with the names found.
    assert_eq!(ok("$['a','c','zz']", input.clone()), json!({"a": 1, "c": 3}));
    // Jayway refuses names before further steps, quoting the path up to them.
    assert_eq!(
        err("$['a', 'b'].v", input.clone()),
        "Invalid path '$['a', 'b'].v' : Multi properties can only be used as path leafs: $['a', 'b']"
    );
    assert!(err("$.x['a','b'][0]", json!({})).ends_with("leafs: $.x['a','b']"));
    assert!(select("$[*]['a','b'].v", input).is_err());
}

#[test]
fn deep_scan_finds_every_level_in_document_order() {
    assert_eq!(ok("$..author", store()), json!(["Rees", "Waugh", "Melville", "Tolkien"]));
    assert_eq!(ok("$.store..price", store()), json!([8.95, 12.99, 8.99, 22.99, 19.95]));
    assert_eq!(ok("$..book[2].title", store()), json!(["Moby Dick"]));
    assert_eq!(ok("$..[0].author", store()), json!(["Rees"]));
    assert_eq!(ok("$..*", json!({"a": {"b": 1}, "c": [2]})), json!([{"b": 1}, [2], 1, 2]));
    assert_eq!(ok("$..['b','x']", json!({"a": {"b": 1}})), json!([{}, {"b": 1}]));
    assert_eq!(ok("$..nothing", store()), json!([]));
}

#[test]
fn filters_compare_numbers_strings_and_existence() {
    let titles = |p: &str| ok(&format!("{p}.title"), store());
    assert_eq!(titles("$.store.book[?(@.price < 10)]"), json!(["Sayings", "Moby Dick"]));
    assert_eq!(titles("$.store.book[?(@.price<=8.99)]"), json!(["Sayings", "Moby Dick"]));
    assert_eq!(titles("$.store.book[?(@.price > 20)]"), json!(["Rings"]));
    assert_eq!(titles("$.store.book[?(@.category == 'reference')]"), json!(["Sayings"]));
    assert_eq!(titles("$.store.book[?(@.category != \"fiction\")]"), json!(["Sayings"]));
    assert_eq!(titles("$.store.book[?(@.isbn)]"), json!(["Moby Dick", "Rings"]));
    assert_eq!(titles("$.store.book[?(!@.isbn)]"), json!(["Sayings", "Sword"]));
    assert_eq!(titles("$.store.book[?(@.isbn && @.price < 10 || @.author == 'Waugh')]"), json!(["Sword", "Moby Dick"]));
    assert_eq!(
        titles("$.store.book[?(@.category == 'fiction' && (@.price < 10 || @.price > 20))]"),
        json!(["Moby Dick", "Rings"])
    );
    assert_eq!(titles("$.store.book[?(@.price < $.limit)]"), json!(["Sayings", "Moby Dick"]));
    assert_eq!(titles("$..book[?(@.author =~ /.*el.*/)]"), json!(["Moby Dick"]));
    assert_eq!(titles("$..book[?(@.author =~ /REES/i)]"), json!(["Sayings"]));
    assert_eq!(titles("$..book[?(@.author =~ /Re/)]"), json!([]));
    assert_eq!(titles("$..book[?(@.author in ['Rees', 'Tolkien'])]"), json!(["Sayings", "Rings"]));
    assert_eq!(titles("$..book[?(@.author nin ['Rees', 'Tolkien'])]"), json!(["Sword", "Moby Dick"]));
    assert_eq!(titles("$..book[?@.price > 20]"), json!(["Rings"]));
}

#[test]
fn filter_edge_cases_follow_jayway() {
    let input = json!({"xs": [{"a": 1}, {"a": "1"}, {"a": null}, {"b": 2}, {"a": [1, 2]}, 5]});
    assert_eq!(ok("$.xs[?(@.a == 1)]", input.clone()), json!([{"a": 1}, {"a": "1"}]));
    assert_eq!(ok("$.xs[?(@.a === 1)]", input.clone()), json!([{"a": 1}]));
    assert_eq!(ok("$.xs[?(@.a == null)]", input.clone()), json!([{"a": null}]));
    assert_eq!(ok("$.xs[?(@.a)]", input.clone()).as_array().map(Vec::len), Some(4));
    assert_eq!(ok("$.xs[?(@.a size 2)]", input.clone()), json!([{"a": [1, 2]}]));
    assert_eq!(ok("$.xs[?(@.a empty false)]", input.clone()), json!([{"a": "1"}, {"a": [1, 2]}]));
    assert_eq!(ok("$.xs[?(@.a subsetof [1, 2, 3])]", input.clone()), json!([{"a": [1, 2]}]));
    assert_eq!(ok("$.xs[?(@.a anyof [2])]", input.clone()), json!([{"a": [1, 2]}]));
    assert_eq!(ok("$.xs[?(@ == 5)]", input.clone()), json!([5]));
    assert_eq!(ok("$.xs[?(@.b != 2)].a", input.clone()), json!([1, "1", null, [1, 2]]));
    assert_eq!(ok("$.xs[?(@.a < 'z')]", input.clone()), json!([{"a": "1"}]));
    assert_eq!(ok("$.xs[?(true)]", json!({"xs": [1]})), json!([1]));
    // A filter on an object tests the object itself.
    assert_eq!(ok("$.o[?(@.k == 1)]", json!({"o": {"k": 1}})), json!([{"k": 1}]));
}

#[test]
fn missing_leaf_is_no_results_and_missing_step_is_missing_property() {
    // The corpus cases test_invalid_jsonpath_* and test_catch_states_runtime.
    assert_eq!(
        err("$.NoSuchInputPath", json!({"int-literal": 0})),
        "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    );
    assert_eq!(
        err("$.no.such.result.path", json!({})),
        "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
    );
    assert_eq!(err("$.a.b.c", json!({"a": {"x": 1}})), "Invalid path '$.a.b.c' : Missing property in path $['a']['b']");
    assert_eq!(err("$.a[0].b", json!({"a": [{}]})), "Invalid path '$.a[0].b' : No results for path: $['a'][0]['b']");
    assert_eq!(
        err("$.a.length()", json!({"a": [1]})),
        "Invalid path '$.a.length()' : No results for path: $['a'].length()"
    );
}

#[test]
fn stepping_through_scalars_and_nulls_is_reported_as_jayway_does() {
    assert_eq!(
        err("$.a.b", json!({"a": "text"})),
        "Invalid path '$.a.b' : Expected to find an object with property ['b'] in path $['a'] \
         but found 'java.lang.String'. This is not a json object according to the JsonProvider: \
         'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
    );
    assert!(err("$.a.b", json!({"a": null})).contains("but found 'null'"));
    assert!(err("$.a.b", json!({"a": [1]})).contains("but found 'net.minidev.json.JSONArray'"));
    assert_eq!(err("$.a[0]", json!({"a": null})), "Invalid path '$.a[0]' : The path $['a'] is null");
    assert_eq!(
        err("$.a[0].b", json!({"a": {"k": 1}})),
        "Invalid path '$.a[0].b' : Filter: [0]['b'] can only be applied to arrays. Current \
         context is: {\"k\":1}"
    );
    assert_eq!(
        err("$.a[1]", json!({"a": "str"})),
        "Invalid path '$.a[1]' : Filter: [1] can only be applied to arrays. Current context is: str"
    );
}

#[test]
fn undefined_variables_fail() {
    assert_eq!(err("$nope", json!({})), "Invalid path '$nope' : The variable 'nope' is not defined");
    let w = World::new();
    let f = path("$nope.x").select(&json!({"a": 1}), &w.env(), "v.$").unwrap_err();
    assert_eq!(
        f.cause.as_deref(),
        Some("The JSONPath '$nope.x' specified for the field 'v.$' could not be found in the input '{\"a\":1}'")
    );
}

#[test]
fn template_fields_report_the_path_and_the_input_it_was_applied_to() {
    let w = World::new();
    let f = path("$$.Execution.Input.no_such_jsonpath")
        .select(&json!({"int-literal": 0}), &w.env(), "value.$")
        .unwrap_err();
    assert_eq!(f.error, "States.Runtime");
    let cause = f.cause.unwrap_or_default();
    assert!(
        cause.starts_with(
            "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' \
             could not be found in the input '{\"Execution\":{\"Id\":\"arn:exec\""
        ),
        "{cause}"
    );
    let f = path("$.ErrorX").select(&json!({"Error": "error-value"}), &w.env(), "ErrorPath");
    assert_eq!(
        f.unwrap_err().cause.as_deref(),
        Some("The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"Error\":\"error-value\"}'")
    );
    let f = path("$.x").select(&json!({"b": 1, "a": [1.5, "é"]}), &w.env(), "x.$").unwrap_err();
    assert!(f.cause.unwrap_or_default().ends_with("'{\"b\":1,\"a\":[1.5,\"é\"]}'"));
}

#[test]
fn template_paths_on_a_null_input_fail_as_aws_does() {
    let w = World::new();
    let f = path("$").select(&Value::Null, &w.env(), "Input.$").unwrap_err();
    assert_eq!(f.cause.as_deref(), Some("Unable to apply Path transformation to null or empty input."));
    assert_eq!(path("$").select(&Value::Null, &w.env(), "InputPath"), Ok(Value::Null));
    assert_eq!(path("$$.Map.Item.Index").select(&Value::Null, &w.env(), "i.$"), Ok(json!(2)));
}

#[test]
fn missing_path_style_depends_on_the_field() {
    assert_eq!(MissingPathStyle::for_field("value.$"), MissingPathStyle::NotFoundInInput);
    assert_eq!(MissingPathStyle::for_field("ErrorPath"), MissingPathStyle::NotFoundInInput);
    assert_eq!(MissingPathStyle::for_field("CausePath"), MissingPathStyle::NotFoundInInput);
    for f in ["InputPath", "OutputPath", "ItemsPath", "TimeoutSecondsPath", "HeartbeatSecondsPath"] {
        assert_eq!(MissingPathStyle::for_field(f), MissingPathStyle::InvalidPath, "{f}");
    }
    let w = World::new();
    let f = path("$.NoSuchTimeoutSecondsPath").select(&json!({}), &w.env(), "TimeoutSecondsPath");
    assert_eq!(
        f.unwrap_err().cause.as_deref(),
        Some("Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']")
    );
}

#[test]
fn find_borrows_definite_results_and_reports_structured_errors() {
    let w = World::new();
    let input = json!({"a": {"b": [1, 2]}});
    let env = w.env();
    let found = path("$.a.b").find(&input, &env);
    assert!(matches!(found, Ok(Cow::Borrowed(v)) if *v == json!([1, 2])));
    assert_eq!(path("$.a.c").find(&input, &env), Err(PathError::NoResults { path: "$['a']['c']".into() }));
    assert_eq!(path("$.x.c").find(&input, &env), Err(PathError::MissingProperty { path: "$['x']".into() }));
    let f = path("$.x.c").invalid_path(&PathError::MissingProperty { path: "$['x']".into() });
    assert_eq!(f.cause.as_deref(), Some("Invalid path '$.x.c' : Missing property in path $['x']"));
}

#[test]
fn malformed_paths_are_rejected_with_a_reason() {
    for bad in [
        "",
        "a",
        "$.",
        "$..",
        "$.a.",
        "$.a b",
        "$[",
        "$['a'",
        "$['a']x",
        "$[abc]",
        "$$x",
        "$.a[1:2:3:4]",
        "$[?(@.a ==)]",
        "$[?(@.a =~ /(/)]",
        "$.f(",
        "$[?(@.a == 'x)]",
        "$x y",
        "$[]",
        "$a-b",
    ] {
        let e = ReferencePath::parse(bad).err();
        assert!(e.as_deref().is_some_and(|e| e.contains("is not a valid JSONPath")), "{bad}: {e:?}");
    }
    let deep_filter = format!("$[?({}@.a{})]", "(".repeat(10_000), ")".repeat(10_000));
    let negations = format!("$[?({}@.a)]", "!".repeat(10_000));
    let lists = format!("$[?(@.a in {})]", "[".repeat(10_000));
    let nested = "$[?(@[?(".repeat(5_000);
    let long = format!("${}", ".a".repeat(10_000));
    for bad in [deep_filter, negations, lists, nested, long] {
        assert!(ReferencePath::parse(&bad).is_err(), "{} chars", bad.len());
    }
    let e = ReferencePath::parse("$.a b").unwrap_err();
    assert!(e.contains("use bracket notation"), "{e}");
}
