//! A property test: random and mutated path strings never panic the parser or the evaluator.

use serde_json::json;

use super::*;
use crate::env::SeededEntropy;
use crate::vars::Variables;

/// SplitMix64: a tiny deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PIECES: [&str; 40] = [
    "$",
    "$$",
    "$v",
    ".",
    "..",
    "[",
    "]",
    "*",
    "'",
    "\"",
    "a",
    "b",
    "0",
    "-1",
    ":",
    ",",
    "?",
    "(",
    ")",
    "@",
    "<",
    "==",
    "!",
    "&&",
    "||",
    " ",
    "=~",
    "/x/i",
    "\\",
    "length()",
    "1.5",
    "in",
    "[1,2]",
    "{",
    "}",
    "é",
    "\u{1F600}",
    "true",
    "null",
    "[?(@.a > 1)]",
];

fn random_path(rng: &mut Rng) -> String {
    let mut s = String::from(if rng.below(4) == 0 { "$$" } else { "$" });
    for _ in 0..rng.below(12) {
        s.push_str(rng.pick(&PIECES));
    }
    s
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, rng.pick(&PIECES).chars().next().unwrap_or('$')),
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_and_mutated_paths_never_panic() {
    let context = json!({"Map": {"Item": {"Value": {"a": [1]}}}});
    let mut vars = Variables::new();
    vars.set("v".into(), json!({"a": ["x", {"a": 1}]}));
    let entropy = SeededEntropy::new(3);
    let env = Env { context: &context, vars: &vars, entropy: &entropy };
    let doc = json!({"a": [1, {"a": 2, "b": [null, "x"]}], "b": {"a": {"a": 3}}, "0": true});
    let seeds = [
        "$.a[1].b[-1]",
        "$..a[?(@.a > 1 && @.b)]",
        "$['a','b']",
        "$.a[0:2:1]",
        "$$.Map.Item.Value",
        "$v.a[?(@ =~ /x/i)]",
        "$.a[*].b[?(!@)]",
        "$..*",
    ];
    let mut rng = Rng(0x5EED);
    for i in 0..20_000 {
        let text = if i % 2 == 0 {
            random_path(&mut rng)
        } else {
            let seed = rng.pick(&seeds);
            mutate(&mut rng, seed)
        };
        if let Ok(p) = ReferencePath::parse(&text) {
            let _ = p.select(&doc, &env, "InputPath");
            let _ = p.select(&doc, &env, "k.$");
            let _ = ResultPath::parse(&text).map(|r| r.apply(doc.clone(), json!(1)));
        }
    }
}
