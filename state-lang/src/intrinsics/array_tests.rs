//! Tests of the array functions against the results AWS recorded.

use serde_json::json;

use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

#[test]
fn array_collects_its_arguments() {
    assert_eq!(eval("States.Array()", &json!({})), json!([]));
    let input = json!({"fst": null, "snd": {"Arg1": 1}});
    assert_eq!(eval("States.Array($.fst, $.snd)", &input), json!([null, {"Arg1": 1}]));
    assert_eq!(
        eval("States.Array('a', 1, 1.5, true, null, States.Array())", &json!({})),
        json!(["a", 1, 1.5, true, null, []])
    );
}

#[test]
fn array_partition_chunks_in_order() {
    let e = "States.ArrayPartition($.a, $.n)";
    let cases = [
        (json!([]), 2, json!([])),
        (json!([0]), 1, json!([[0]])),
        (json!([0, 1]), 1, json!([[0], [1]])),
        (json!([0, 1, 2]), 2, json!([[0, 1], [2]])),
        (json!([0, 1, 2, 3]), 3, json!([[0, 1, 2], [3]])),
        (json!([0, 1, 2, 3]), 5, json!([[0, 1, 2, 3]])),
    ];
    for (a, n, expected) in cases {
        assert_eq!(eval(e, &json!({"a": a, "n": n})), expected);
    }
    assert_eq!(eval("States.ArrayPartition($.a, 2.9)", &json!({"a": [1, 2, 3]})), json!([[1, 2], [3]]));
}

#[test]
fn array_partition_rejects_bad_sizes_and_non_arrays() {
    let input = json!({"a": [1, 2, 3]});
    for e in [
        "States.ArrayPartition($.a, 0)",
        "States.ArrayPartition($.a, 0.49)",
        "States.ArrayPartition($.a, -0.4)",
        "States.ArrayPartition($.a, -1)",
        "States.ArrayPartition($.a, '2')",
        "States.ArrayPartition('abc', 2)",
    ] {
        assert_eq!(eval_err(e, &input), invalid_cause(e, "States.ArrayPartition"), "{e}");
    }
}

#[test]
fn array_contains_uses_json_equality() {
    let e = "States.ArrayContains($.a, $.v)";
    let cases = [
        (json!([]), json!(null), false),
        (json!([]), json!([]), false),
        (json!([[1, 2, 3], 2]), json!(null), false),
        (json!([[1, 2, 3], 2]), json!([1, 2, 3]), true),
        (json!([{"1": 2, "2": []}]), json!({"2": [], "1": 2}), true),
        (json!([true, false]), json!(false), true),
        (json!([1]), json!(1.0), false),
    ];
    for (a, v, expected) in cases {
        assert_eq!(eval(e, &json!({"a": a, "v": v})), json!(expected));
    }
    assert_eq!(eval_err(e, &json!({"a": {}, "v": 1})), invalid_cause(e, "States.ArrayContains"));
}

#[test]
fn array_range_includes_the_end_when_the_step_reaches_it() {
    let e = "States.ArrayRange($.a, $.b, $.s)";
    let cases = [
        ((0, 9, 3), json!([0, 3, 6, 9])),
        ((0, 10, 3), json!([0, 3, 6, 9])),
        ((1, 9, 9), json!([1])),
        ((1, 9, 2), json!([1, 3, 5, 7, 9])),
        ((5, 1, -2), json!([5, 3, 1])),
        ((3, 3, -1), json!([3])),
        ((5, 1, 1), json!([])),
        ((1, 5, -1), json!([])),
    ];
    for ((a, b, s), expected) in cases {
        assert_eq!(eval(e, &json!({"a": a, "b": b, "s": s})), expected, "{a} {b} {s}");
    }
    assert_eq!(eval("States.ArrayRange(1.4, 5.6, 2.2)", &json!({})), json!([1, 3, 5]));
    assert_eq!(eval("States.ArrayRange(1.6, 1.4, 1)", &json!({})), json!([1]));
    assert_eq!(eval("States.ArrayRange(5.4, -0.6, -2.4)", &json!({})), json!([5, 3, 1]));
    assert_eq!(eval("States.ArrayRange(0, 3, 1)", &json!({})), json!([0, 1, 2, 3]));
    assert_eq!(
        eval("States.ArrayRange(-9000000000000000000, 9000000000000000000, 9000000000000000000)", &json!({})),
        json!([-9000000000000000000i64, 0, 9000000000000000000i64])
    );
}

#[test]
fn array_range_allows_at_most_1000_items() {
    let up = eval("States.ArrayRange(1, 1000, 1)", &json!({}));
    assert_eq!(up.as_array().map(Vec::len), Some(1000));
    let down = eval("States.ArrayRange(1000, 1, -1)", &json!({}));
    assert_eq!(down.as_array().and_then(|a| a.last().cloned()), Some(json!(1)));
    for e in [
        "States.ArrayRange(1, 1001, 1)",
        "States.ArrayRange(1001, 1, -1)",
        "States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
    ] {
        assert_eq!(eval_err(e, &json!({})), invalid_cause(e, "States.ArrayRange"));
    }
}

#[test]
fn array_range_rejects_zero_steps_and_non_numbers() {
    for e in [
        "States.ArrayRange(1, 10, 0)",
        "States.ArrayRange(1, 10, 0.49)",
        "States.ArrayRange('a', 5, 1)",
        "States.ArrayRange(1, 'b', 1)",
        "States.ArrayRange(1, 5, null)",
    ] {
        assert_eq!(eval_err(e, &json!({})), invalid_cause(e, "States.ArrayRange"), "{e}");
    }
}

#[test]
fn array_get_item_indexes_from_zero() {
    let input = json!({"a": [1, 2, 3, 4, 5, 6, 7, 8, 9], "i": 5, "e": []});
    assert_eq!(eval("States.ArrayGetItem($.a, $.i)", &input), json!(6));
    assert_eq!(eval("States.ArrayGetItem($.a, 1.2)", &input), json!(2));
    assert_eq!(eval("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)", &input), json!("y"));
    assert_eq!(eval("States.ArrayGetItem($.e, 999)", &input), json!(null));
}

#[test]
fn array_get_item_rejects_indexes_out_of_range() {
    let input = json!({"a": [10, 20, 30]});
    for e in [
        "States.ArrayGetItem($.a, 3)",
        "States.ArrayGetItem($.a, -1)",
        "States.ArrayGetItem($.a, '1')",
        "States.ArrayGetItem('not-array', 0)",
    ] {
        assert_eq!(eval_err(e, &input), invalid_cause(e, "States.ArrayGetItem"), "{e}");
    }
}

#[test]
fn array_length_and_unique() {
    let input = json!({"a": [null, null, true, true, false, 1, 1, 1.0, 1.1, 0, "x", "x", [], [], [null], [null],
        {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 1}]});
    assert_eq!(eval("States.ArrayLength($.a)", &input), json!(19));
    assert_eq!(
        eval("States.ArrayUnique($.a)", &input),
        json!([null, true, false, 1, 1.0, 1.1, 0, "x", [], [null], {"a": 1, "b": 2}, {"a": 1, "b": 1}])
    );
    assert_eq!(eval("States.ArrayLength(States.Array())", &input), json!(0));
    for (e, f) in
        [("States.ArrayLength('abc')", "States.ArrayLength"), ("States.ArrayUnique(null)", "States.ArrayUnique")]
    {
        assert_eq!(eval_err(e, &input), invalid_cause(e, f));
    }
}
