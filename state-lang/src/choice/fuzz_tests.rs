//! Property tests with a small deterministic generator: random and mutated rule JSON never makes
//! parsing or evaluation panic, and the fast comparison paths agree with naive reference versions.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::{compare_strings, parse_timestamp, Pattern, Rule};
use crate::env::{Entropy, Env, SeededEntropy};
use crate::vars::Variables;

/// A tiny PRNG over the crate's SplitMix64.
struct Gen(SeededEntropy);

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen(SeededEntropy::new(seed))
    }

    fn below(&self, n: usize) -> usize {
        (self.0.next_u64() % n.max(1) as u64) as usize
    }

    fn chance(&self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn text(&self, alphabet: &[&str], max_len: usize) -> String {
        (0..self.below(max_len + 1)).map(|_| *self.pick(alphabet)).collect()
    }
}

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "StringEqualsPath",
    "StringLessThanPath",
    "StringMatches",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThanEqualsPath",
    "NumericEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThanPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
    "StringMatchesPath",
    "Bogus",
];

const TEXT: &[&str] =
    &["a", "b", "*", "\\", "2", "0", "1", "-", ":", "T", "Z", "+", ".", "é", "\u{1F600}", "\u{FF21}", " "];
const STAMP: &[&str] = &["2016-03-14T01:59:00Z", "2016-03-14T01:59:00.5+01:00", "2016-02-30T00:00:00Z", "2016-03-14"];
const PATHS: &[&str] = &["$", "$.a", "$.b.c", "$.missing", "$$.Execution.Id", "$v", "$.a[0]", "x", "", "$.."];

fn scalar(g: &Gen) -> Value {
    match g.below(9) {
        0 => Value::Null,
        1 => json!(g.chance(50)),
        2 => json!(g.below(5) as i64 - 2),
        3 => json!(g.below(1000) as f64 / 7.0),
        4 => json!(u64::MAX - g.below(3) as u64),
        5 => json!(g.pick(STAMP)),
        6 => json!(g.pick(PATHS)),
        _ => json!(g.text(TEXT, 6)),
    }
}

fn value(g: &Gen, depth: usize) -> Value {
    if depth == 0 || g.chance(60) {
        return scalar(g);
    }
    if g.chance(50) {
        Value::Array((0..g.below(3)).map(|_| value(g, depth - 1)).collect())
    } else {
        let mut m = Map::new();
        for _ in 0..g.below(3) {
            m.insert(g.pick(&["a", "b", "c", "v"]).to_string(), value(g, depth - 1));
        }
        Value::Object(m)
    }
}

/// A rule that is usually well-formed, sometimes subtly not.
fn rule(g: &Gen, depth: usize) -> Value {
    let mut m = Map::new();
    if depth > 0 && g.chance(35) {
        let kind = *g.pick(&["And", "Or", "Not"]);
        let body = if kind == "Not" && g.chance(90) {
            rule(g, depth - 1)
        } else {
            Value::Array((0..g.below(4)).map(|_| rule(g, depth - 1)).collect())
        };
        m.insert(kind.to_string(), body);
    } else {
        if g.chance(90) {
            m.insert("Variable".into(), json!(g.pick(PATHS)));
        }
        let op = *g.pick(OPERATORS);
        let operand = if op.ends_with("Path") && g.chance(80) { json!(g.pick(PATHS)) } else { scalar(g) };
        m.insert(op.to_string(), operand);
    }
    if g.chance(10) {
        m.insert(g.pick(OPERATORS).to_string(), scalar(g));
    }
    if g.chance(10) {
        m.insert(g.pick(&["Next", "Comment", "Assign", "Variable"]).to_string(), value(g, 1));
    }
    Value::Object(m)
}

/// Replaces one random node of `v` with random JSON.
fn mutate(g: &Gen, v: &mut Value) {
    let replace = g.chance(25);
    match v {
        Value::Object(m) if !m.is_empty() && !replace => {
            let idx = g.below(m.len());
            if let Some((_, child)) = m.iter_mut().nth(idx) {
                mutate(g, child);
            }
        }
        Value::Array(a) if !a.is_empty() && !replace => {
            let idx = g.below(a.len());
            mutate(g, &mut a[idx]);
        }
        _ => *v = value(g, 2),
    }
}

#[test]
fn random_and_mutated_rules_never_panic() {
    let g = Gen::new(0x00C0_FFEE);
    let context = json!({"Execution": {"Id": "arn:x"}});
    let mut vars = Variables::new();
    vars.set("v".into(), json!({"a": 1}));
    let env = Env { context: &context, vars: &vars, entropy: &g.0 };
    let (mut accepted, mut rejected) = (0, 0);
    for round in 0..4000 {
        let mut r = rule(&g, 3);
        if round % 2 == 1 {
            mutate(&g, &mut r);
        }
        match Rule::parse(&r) {
            Ok(parsed) => {
                accepted += 1;
                for _ in 0..3 {
                    let input = value(&g, 3);
                    let _ = parsed.eval(&input, &env);
                }
            }
            Err(errors) => {
                rejected += 1;
                assert!(!errors.is_empty());
                for (ptr, msg) in errors {
                    assert!(ptr.is_empty() || ptr.starts_with('/'), "{ptr}");
                    assert!(!msg.is_empty());
                }
            }
        }
    }
    // The generator must exercise both sides.
    assert!(accepted > 200 && rejected > 200, "accepted {accepted}, rejected {rejected}");
}

#[test]
fn string_order_agrees_with_utf16_order() {
    let g = Gen::new(42);
    for _ in 0..20_000 {
        let a = g.text(TEXT, 5);
        let b = if g.chance(30) { format!("{a}{}", g.text(TEXT, 2)) } else { g.text(TEXT, 5) };
        let expected: Ordering = a.encode_utf16().cmp(b.encode_utf16());
        assert_eq!(compare_strings(&a, &b), expected, "{a:?} vs {b:?}");
        assert_eq!(compare_strings(&b, &a), expected.reverse(), "{b:?} vs {a:?}");
    }
}

/// The textbook recursive matcher, as a reference for the segment-based one.
fn naive_match(pattern: &[Token], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Token::Star, rest)) => (0..=text.len()).any(|i| naive_match(rest, &text[i..])),
        Some((Token::Char(c), rest)) => text.first() == Some(c) && naive_match(rest, &text[1..]),
    }
}

#[derive(Debug)]
enum Token {
    Star,
    Char(char),
}

fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(n)) if n == '*' || n == '\\' => {
                chars.next();
                out.push(Token::Char(n));
            }
            ('*', _) => out.push(Token::Star),
            (c, _) => out.push(Token::Char(c)),
        }
    }
    out
}

#[test]
fn string_matches_agrees_with_a_naive_matcher() {
    let g = Gen::new(7);
    let alphabet = &["a", "b", "*", "\\", "é"];
    for _ in 0..20_000 {
        let pattern = g.text(alphabet, 6);
        let text = g.text(&["a", "b", "*", "\\", "é"], 6);
        let chars: Vec<char> = text.chars().collect();
        let expected = naive_match(&tokens(&pattern), &chars);
        assert_eq!(Pattern::compile(&pattern).matches(&text), expected, "{pattern:?} on {text:?}");
    }
}

#[test]
fn timestamp_parsing_never_panics_on_noise() {
    let g = Gen::new(99);
    let parts: &[&[&str]] = &[
        &["2016", "0000", "9999", "16", "20a6"],
        &["-", "/"],
        &["01", "02", "12", "13", "00"],
        &["-"],
        &["01", "28", "29", "30", "31", "32"],
        &["T", "t", " "],
        &["00", "23", "24"],
        &[":"],
        &["00", "59", "60"],
        &["", ":00", ":59", ":60", ":00.5", ":00.", ":00.123456789", ":00.1234567890"],
        &["Z", "z", "+01:00", "-18:00", "+18:01", "+19", "+0100", "+01:30:15", "", "Zx"],
    ];
    let (mut parsed, mut rejected) = (0, 0);
    for _ in 0..20_000 {
        let mut s: String = parts.iter().map(|options| *g.pick(options)).collect();
        if g.chance(10) {
            let cut = g.below(s.len());
            s.truncate(cut);
        }
        match parse_timestamp(&s) {
            Some(t) => {
                parsed += 1;
                assert!(t.subsec_nanos() < 1_000_000_000);
            }
            None => rejected += 1,
        }
    }
    assert!(parsed > 100 && rejected > 100, "parsed {parsed}, rejected {rejected}");
}
