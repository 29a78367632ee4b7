//! Property: whatever definition it is given — corpus definitions with fields deleted, renamed,
//! retyped or pointed elsewhere, damaged text, or randomly generated machines — the parser never
//! panics, and whatever it accepts can be drawn as a graph.

mod common;

use serde_json::{json, Map, Value};

/// xorshift64*: tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "Type",
    "Next",
    "End",
    "StartAt",
    "States",
    "Choices",
    "Default",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "Retry",
    "Catch",
    "ErrorEquals",
    "Parameters",
    "ResultPath",
    "InputPath",
    "OutputPath",
    "ResultSelector",
    "Assign",
    "Output",
    "Arguments",
    "Items",
    "ItemsPath",
    "ItemSelector",
    "MaxConcurrency",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "Error",
    "Cause",
    "Condition",
    "Variable",
    "QueryLanguage",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "Resource",
    "BackoffRate",
    "ProcessorConfig",
    "Mode",
    "Label",
    "ItemReader",
    "Bogus",
];

const STRINGS: &[&str] = &[
    "",
    "$",
    "$$",
    "$.a",
    "$.a[",
    "$..x",
    "$[*]",
    "$$.Map.Item.Value",
    "$var",
    "{% %}",
    "{% 1 + %}",
    "{% $states.input %}",
    "{%",
    "States.Format('{}', $.a)",
    "States.Array(",
    "States.Nope()",
    "Pass",
    "Task",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
    "JSONata",
    "JSONPath",
    "jsonata",
    "States.ALL",
    "INLINE",
    "DISTRIBUTED",
    "FULL",
    "2016-03-14T01:59:00Z",
    "not a date",
    "a/b~c",
    "\u{0}",
    "ünï©ødé",
];

fn random_scalar(rng: &mut Rng, names: &[String]) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.below(200) as i64 - 100),
        3 => json!(*rng.pick(&[u64::MAX, 99_999_999, 100_000_000, 31_622_401])),
        4 => json!(*rng.pick(&[0.5, -1.5, 1e300, 100.5, 2.0])),
        5 if !names.is_empty() => json!(rng.pick(names)),
        _ => json!(rng.pick(STRINGS)),
    }
}

fn random_value(rng: &mut Rng, names: &[String], depth: usize) -> Value {
    if depth == 0 || rng.below(3) > 0 {
        return random_scalar(rng, names);
    }
    if rng.below(2) == 0 {
        Value::Array((0..rng.below(3)).map(|_| random_value(rng, names, depth - 1)).collect())
    } else {
        let mut m = Map::new();
        for _ in 0..rng.below(4) {
            m.insert(rng.pick(KEYS).to_string(), random_value(rng, names, depth - 1));
        }
        Value::Object(m)
    }
}

/// Every state name of a definition, as targets for mutated transitions.
fn state_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(states)) = m.get("States") {
                out.extend(states.keys().cloned());
            }
            m.values().for_each(|c| state_names(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| state_names(c, out)),
        _ => {}
    }
}

/// The pointer of a random container on a random path down from the root.
fn random_container(rng: &mut Rng, v: &Value) -> String {
    let mut pointer = String::new();
    let mut cursor: &Value = v;
    for _ in 0..rng.below(8) {
        let step = match cursor {
            Value::Object(m) if !m.is_empty() => {
                m.iter().nth(rng.below(m.len())).map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c))
            }
            Value::Array(a) if !a.is_empty() => {
                let i = rng.below(a.len());
                Some((i.to_string(), &a[i]))
            }
            _ => None,
        };
        match step {
            Some((token, c)) if c.is_object() || c.is_array() => {
                pointer = format!("{pointer}/{token}");
                cursor = c;
            }
            _ => break,
        }
    }
    pointer
}

/// Applies one random mutation somewhere in `v`.
fn mutate(rng: &mut Rng, v: &mut Value, names: &[String]) {
    let pointer = random_container(rng, v);
    let Some(node) = v.pointer_mut(&pointer) else {
        return;
    };
    match node {
        Value::Object(m) => match rng.below(5) {
            0 if !m.is_empty() => {
                let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                m.remove(&key);
            }
            1 if !m.is_empty() => {
                let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                if let Some(val) = m.remove(&key) {
                    m.insert(rng.pick(KEYS).to_string(), val);
                }
            }
            2 if !m.is_empty() => {
                let key = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                m.insert(key, random_value(rng, names, 3));
            }
            _ => {
                m.insert(rng.pick(KEYS).to_string(), random_value(rng, names, 3));
            }
        },
        Value::Array(a) => match rng.below(3) {
            0 if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            1 if !a.is_empty() => {
                let i = rng.below(a.len());
                let dup = a[i].clone();
                a.push(dup);
            }
            _ => a.push(random_value(rng, names, 3)),
        },
        other => *other = random_value(rng, names, 2),
    }
}

/// Damages the text itself: cut it, or replace a character.
fn damage_text(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let at = rng.below(chars.len());
    match rng.below(3) {
        0 => chars[..at].iter().collect(),
        1 => {
            let mut c = chars.clone();
            c[at] = *rng.pick(&['{', '}', '[', ']', '"', ',', ':', '\\', 'x', '0']);
            c.into_iter().collect()
        }
        _ => {
            let mut c = chars.clone();
            c.insert(at, *rng.pick(&['{', '"', ',']));
            c.into_iter().collect()
        }
    }
}

/// Parses, and draws whatever is accepted: a panic anywhere fails the test.
fn exercise(text: &str) -> bool {
    match state_lang::load(text) {
        Ok(m) => {
            let _ = state_lang::graph::to_json(&m);
            let _ = state_lang::graph::to_dot(&m);
            true
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error with no diagnostic for {text}");
            false
        }
    }
}

fn seeds() -> Vec<Value> {
    let mut seeds: Vec<Value> = common::corpus_definitions().into_iter().map(|(_, d)| d).collect();
    seeds.push(json!({"StartAt": "A", "States": {
        "A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "M"},
        "B": {"Type": "Task", "Resource": "arn:x", "Retry": [{"ErrorEquals": ["States.ALL"]}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "P"},
        "P": {"Type": "Parallel", "Branches": [{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}], "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.i", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true},
        "F": {"Type": "Fail", "Error": "E", "Cause": "C"}
    }}));
    seeds.push(json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Output": "{% $states.input %}", "Assign": {"v": "{% 1 %}"}, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Condition": "{% $v = 1 %}", "Next": "S"}], "Default": "S"},
        "S": {"Type": "Succeed"}
    }}));
    seeds
}

#[test]
fn mutated_definitions_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = seeds();
    let rounds = if seeds.len() > 100 { 20 } else { 300 };
    let (mut accepted, mut total) = (0, 0);
    for seed in &seeds {
        let mut names = Vec::new();
        state_names(seed, &mut names);
        for _ in 0..rounds {
            let mut def = seed.clone();
            for _ in 0..=rng.below(4) {
                mutate(&mut rng, &mut def, &names);
            }
            let text = serde_json::to_string(&def).unwrap_or_default();
            accepted += usize::from(exercise(&text));
            exercise(&damage_text(&mut rng, &text));
            total += 2;
        }
    }
    eprintln!("{total} mutated definitions, {accepted} still valid");
}

#[test]
fn random_definitions_never_panic() {
    let mut rng = Rng(42);
    let names: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
    for _ in 0..3000 {
        let mut states = Map::new();
        for name in &names {
            let mut state = Map::new();
            state.insert("Type".into(), json!(rng.pick(STRINGS)));
            for _ in 0..rng.below(6) {
                state.insert(rng.pick(KEYS).to_string(), random_value(&mut rng, &names, 4));
            }
            states.insert(name.clone(), Value::Object(state));
        }
        let def = json!({"StartAt": rng.pick(&names), "States": states});
        exercise(&serde_json::to_string(&def).unwrap_or_default());
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let mut def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    for _ in 0..200 {
        def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [def]}}});
    }
    let diags = state_lang::parse::parse_value(&def).unwrap_err();
    assert!(diags.iter().any(|d| d.code == "TOO_DEEPLY_NESTED"), "{diags:?}");
    // As text, serde_json's own recursion limit refuses it first.
    let text = serde_json::to_string(&def).unwrap_or_default();
    assert!(state_lang::load(&text).is_err());
}
