//! Property test: parsing and evaluating random and mutated call strings never panics.

use serde_json::json;

use super::Intrinsic;
use crate::env::{Env, SeededEntropy};
use crate::vars::Variables;

/// xorshift64*: tiny, deterministic, good enough to drive mutations.
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

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SEEDS: &[&str] = &[
    "States.Format('a {} b \\{\\} {}', $.s, States.JsonToString($.o))",
    "States.StringSplit($.s, ',')",
    "States.ArrayRange(States.MathAdd($.n, 1), 10, $.n)",
    "States.ArrayPartition($.a, 2)",
    "States.ArrayGetItem($.a, $.n)",
    "States.JsonMerge($.o, States.StringToJson($.j), false)",
    "States.MathRandom(0, 999, 3)",
    "States.Hash($.s, 'SHA-256')",
    "States.Base64Decode(States.Base64Encode($.s))",
    "States.ArrayUnique(States.Array($.a, $.a, 1, 1.0, null))",
    "States.ArrayContains($.a, $$.Execution.Id)",
    "States.UUID()",
];

const TOKENS: &[&str] = &[
    "States.",
    "Format",
    "Array",
    "MathAdd",
    "ArrayRange",
    "(",
    ")",
    ",",
    "'",
    "\\",
    "{",
    "}",
    "{}",
    "$",
    "$.",
    "$$",
    "$.a",
    "$.s",
    "$.n",
    "$.o",
    "[",
    "]",
    "[0]",
    "1",
    "-1",
    "1.5",
    "1e400",
    "-0",
    "true",
    "null",
    "9223372036854775807",
    "-9223372036854775808",
    "1e18",
    "4e18",
    "0.5",
    " ",
    "é",
    "🚀",
    "States.Array(",
    "States.MathRandom(1, 2",
    "'x'",
    "$.a[?(@ > 1)]",
];

fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let end = (at + rng.below(5)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let t: Vec<char> = rng.pick(TOKENS).chars().collect();
                chars.splice(at..at, t);
            }
            _ => {
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or('x');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_and_mutated_calls_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let input = json!({"s": "x,y", "n": 2, "a": [1, 2, 3], "o": {"k": [1.5]}, "j": "{\"k\": 2}"});
    let ctx = json!({"Execution": {"Id": "id"}});
    let vars = Variables::new();
    let entropy = SeededEntropy::new(1);
    let env = Env { context: &ctx, vars: &vars, entropy: &entropy };
    let mut parsed = 0;
    for i in 0..6000 {
        let text = if i % 3 == 0 {
            (0..rng.below(12)).map(|_| rng.pick(TOKENS)).collect::<String>()
        } else {
            let seed = rng.pick(SEEDS);
            mutate(&mut rng, seed)
        };
        if let Ok(intrinsic) = Intrinsic::parse(&text) {
            parsed += 1;
            let _ = intrinsic.eval(&input, &env);
        }
    }
    // The mutations must leave enough valid calls for evaluation to be exercised too.
    assert!(parsed > 100, "only {parsed} calls parsed");
}
