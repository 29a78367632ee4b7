//! `States.MathAdd` and `States.MathRandom`.

use serde_json::Value;

use super::args::{self, invalid};
use super::Function;
use crate::env::Env;

/// `States.MathAdd(a, b)`: each number is first rounded to an integer (halves upwards), so
/// `1.5 + 1.51` is `2 + 2`.
pub(super) fn add(values: &[Value]) -> Result<Value, String> {
    let f = Function::MathAdd;
    let [a, b] = args::fixed(f, values)?;
    let sum = args::rounded(f, a)?.checked_add(args::rounded(f, b)?).ok_or_else(|| invalid(f))?;
    Ok(Value::from(sum))
}

/// `States.MathRandom(start, end[, seed])`: an integer in `[start, end)`, the bounds truncated.
/// With a seed the value is a pure function of (start, end, seed), drawn as Java's
/// `new Random(seed).nextInt(end - start) + start` would; without one it comes from the
/// execution's entropy.
pub(super) fn random(values: &[Value], env: &Env) -> Result<Value, String> {
    let f = Function::MathRandom;
    let (start, end, seed) = match values {
        [start, end] => (start, end, None),
        [start, end, seed] => (start, end, Some(seed)),
        _ => return Err(invalid(f)),
    };
    let (start, end) = (args::truncated(f, start)?, args::truncated(f, end)?);
    let range = end.checked_sub(start).filter(|r| *r > 0).ok_or_else(|| invalid(f))?;
    let offset = match seed {
        Some(seed) => JavaRandom::new(args::truncated(f, seed)?).below(range),
        None => ((u128::from(env.entropy.next_u64()) * range as u128) >> 64) as i64,
    };
    Ok(Value::from(start + offset))
}

/// `java.util.Random`, the 48-bit linear congruential generator, so that a seed gives the
/// numbers a Java runtime gives.
struct JavaRandom(u64);

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom((seed as u64 ^ Self::MULTIPLIER) & Self::MASK)
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.0 = self.0.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        (self.0 >> (48 - bits)) as u32 as i32
    }

    /// `nextInt(bound)` for `bound > 0`.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound & bound.wrapping_neg() == bound {
            return ((i64::from(bound) * i64::from(self.next(31))) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            // Java rejects the draws that would bias the result: the sum overflows to negative.
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }

    fn next_long(&mut self) -> i64 {
        (i64::from(self.next(32)) << 32).wrapping_add(i64::from(self.next(32)))
    }

    /// A value in `[0, range)`, `range > 0`.
    fn below(&mut self, range: i64) -> i64 {
        match i32::try_from(range) {
            Ok(bound) => i64::from(self.next_int(bound)),
            Err(_) => self.next_long().rem_euclid(range),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::JavaRandom;
    use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

    #[test]
    fn math_add_rounds_each_operand_half_up() {
        let e = "States.MathAdd($.a, $.b)";
        let cases = [
            (json!(-9), json!(3), -6),
            (json!(-1.5), json!(0), -1),
            (json!(0.5), json!(0), 1),
            (json!(1.5), json!(0), 2),
            (json!(2.5), json!(0), 3),
            (json!(-0.5), json!(0.5), 1),
            (json!(-0.5), json!(0), 0),
            (json!(-2.5), json!(0), -2),
            (json!(1.5), json!(1.51), 4),
            (json!(-3.5), json!(0), -3),
            (json!(-1.5), json!(-1.51), -3),
            (json!(1.49), json!(0), 1),
            (json!(-1.49), json!(0), -1),
        ];
        for (a, b, sum) in cases {
            assert_eq!(eval(e, &json!({"a": a, "b": b})), json!(sum), "{a} + {b}");
        }
        assert_eq!(eval("States.MathAdd(States.MathAdd(1, 2), -1)", &json!({})), json!(2));
    }

    #[test]
    fn math_add_rejects_non_numbers_and_overflow() {
        for e in [
            "States.MathAdd('1', 2)",
            "States.MathAdd(1, null)",
            "States.MathAdd(States.Array(), 1)",
            "States.MathAdd(9223372036854775807, 1)",
        ] {
            assert_eq!(eval_err(e, &json!({})), invalid_cause(e, "States.MathAdd"), "{e}");
        }
    }

    #[test]
    fn math_random_stays_in_the_half_open_range() {
        for (start, end) in [(0, 999), (12, 44), (-99999, -9999), (1, 2), (-1000000, 1000000)] {
            let v = eval("States.MathRandom($.s, $.e)", &json!({"s": start, "e": end}));
            let v = v.as_i64().unwrap_or(i64::MIN);
            assert!((start..end).contains(&v), "{v} not in [{start}, {end})");
        }
        let v = eval("States.MathRandom(1.6, 5.4)", &json!({}));
        assert!((1..5).contains(&v.as_i64().unwrap_or(0)));
    }

    #[test]
    fn math_random_with_a_seed_is_deterministic() {
        let a = eval("States.MathRandom(0, 999, 3)", &json!({}));
        let b = eval("States.Array(States.MathRandom(0, 999, 3), States.MathRandom(0, 999, 3))", &json!({}));
        assert_eq!(b, json!([a, a]));
        let v = eval("States.MathRandom(2147483640, 2147483647, 1)", &json!({})).as_i64().unwrap_or(0);
        assert!((2147483640..2147483647).contains(&v));
        let negative_seed = eval("States.MathRandom(1, 10, -10)", &json!({})).as_i64().unwrap_or(0);
        assert!((1..10).contains(&negative_seed));
    }

    #[test]
    fn java_random_matches_the_jdk_sequence() {
        // Values printed by a JDK for the same calls on `new java.util.Random(seed)`.
        let mut r = JavaRandom::new(42);
        assert_eq!((r.next(32), r.next_int(100), r.next_int(16)), (-1170105035, 63, 10));
        let mut r = JavaRandom::new(0);
        assert_eq!((r.next_int(10), r.next_int(10), r.next_long()), (0, 8, 4437113781045784766));
        let mut r = JavaRandom::new(-10);
        assert_eq!((r.next_int(9), r.next_int(1000000007)), (0, 39238929));
    }

    #[test]
    fn math_random_rejects_empty_ranges_and_bad_arguments() {
        for e in [
            "States.MathRandom(1, 1)",
            "States.MathRandom(10, 5)",
            "States.MathRandom(1.49, 1.49)",
            "States.MathRandom(1.4, 1.6)",
            "States.MathRandom('a', 10)",
            "States.MathRandom(1, 'b')",
            "States.MathRandom(1, 10, 'seed')",
            "States.MathRandom(1, 10, null)",
        ] {
            assert_eq!(eval_err(e, &json!({})), invalid_cause(e, "States.MathRandom"), "{e}");
        }
    }
}
