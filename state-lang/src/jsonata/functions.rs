//! The functions AWS adds to JSONata (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
//! `$parse`), with the argument handling and error messages AWS gives them, and the `$eval` that
//! AWS removes.

use jsonata_core::evaluator::EvaluatorError;
use jsonata_core::value::JValue;

use super::limits::MAX_SEQUENCE_LENGTH;
use super::strict_json;
use crate::env::Entropy;

/// The result of an extension function: a value, `Undefined` for "nothing".
pub(super) type FnResult = Result<JValue, EvaluatorError>;

/// The argument in slot `index`, or `None` when it was left out or evaluated to nothing: AWS
/// treats both alike.
fn arg(args: &[JValue], index: usize) -> Option<&JValue> {
    args.get(index).filter(|v| !v.is_undefined())
}

/// JSONata's signature-mismatch error, as AWS words it for its own functions.
fn signature_error(function: &str, argument: usize) -> EvaluatorError {
    EvaluatorError::TypeError(format!(
        "T0410: Argument {argument} of function \"{function}\" does not match function signature"
    ))
}

/// AWS refuses a call with more arguments than the function takes, naming the first extra one.
fn reject_extra(args: &[JValue], function: &str, takes: usize) -> Result<(), EvaluatorError> {
    match args.iter().skip(takes).position(|v| !v.is_undefined()) {
        Some(i) => Err(signature_error(function, takes + i + 1)),
        None => Ok(()),
    }
}

/// A numeric argument rounded towards zero, as AWS rounds non-integers (`-1.7` is `-1`).
fn integer_arg(value: Option<&JValue>, function: &str, argument: usize) -> Result<i64, EvaluatorError> {
    match value {
        Some(JValue::Number(n)) if n.is_finite() => Ok(n.trunc() as i64),
        _ => Err(signature_error(function, argument)),
    }
}

fn d3137(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("D3137: {}", message.into()))
}

/// The evaluation-size error AWS raises when a value grows past its memory bound.
pub(super) fn memory_limit_error() -> EvaluatorError {
    EvaluatorError::EvaluationError(format!("D2015: {}", super::errors::MEMORY_LIMIT))
}

/// `$partition(array, size)`: the array in chunks of `size`, the last one holding the rest.
pub(super) fn partition(args: &[JValue]) -> FnResult {
    reject_extra(args, "partition", 2)?;
    let items = match arg(args, 0) {
        None => return Ok(JValue::Undefined),
        Some(JValue::Array(items)) => items,
        Some(_) => {
            return Err(EvaluatorError::TypeError(
                "T0412: Argument 1 of function \"partition\" must be an array of undefined".to_string(),
            ))
        }
    };
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    let Some(size) = arg(args, 1) else {
        return Ok(JValue::array(vec![JValue::array(items.to_vec())]));
    };
    let size = integer_arg(Some(size), "partition", 2)?;
    if size < 0 {
        return Err(d3137("Second argument must be zero or greater"));
    }
    if size == 0 {
        return Ok(JValue::Undefined);
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX).min(items.len());
    let chunks = items.chunks(size).map(|c| JValue::array(c.to_vec())).collect();
    Ok(JValue::array(chunks))
}

/// `$range(start, end, step)`: `start`, `start + step`, … up to `end` inclusive. A range of one
/// value (`start == end`) is that value itself, not an array.
pub(super) fn range(args: &[JValue]) -> FnResult {
    reject_extra(args, "range", 3)?;
    let start = integer_arg(arg(args, 0), "range", 1)?;
    let end = integer_arg(arg(args, 1), "range", 2)?;
    let Some(step) = arg(args, 2) else {
        return Ok(JValue::Undefined);
    };
    let step = integer_arg(Some(step), "range", 3)?;
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JValue::Undefined);
    }
    if start == end {
        return Ok(JValue::from_i64(start));
    }
    // Counted in i128 so that a step near i64::MAX cannot wrap around the end.
    let count = (i128::from(end) - i128::from(start)) / i128::from(step) + 1;
    if count > MAX_SEQUENCE_LENGTH as i128 {
        return Err(memory_limit_error());
    }
    let values = (0..count).map(|i| JValue::Number((i128::from(start) + i * i128::from(step)) as f64)).collect();
    Ok(JValue::array(values))
}

/// The hash algorithms `$hash` accepts, in the order AWS lists them in its error.
const HASH_ALGORITHMS: &str = "SHA-1, SHA-384, SHA-256, SHA-512, MD5";

/// `$hash(text, algorithm)`: the lower-case hex digest of the UTF-8 text.
pub(super) fn hash(args: &[JValue]) -> FnResult {
    use md5::Md5;
    use sha1::Sha1;
    use sha2::{Digest, Sha256, Sha384, Sha512};

    reject_extra(args, "hash", 2)?;
    let Some(JValue::String(text)) = arg(args, 0) else {
        return Err(signature_error("hash", 1));
    };
    let algorithm = match arg(args, 1) {
        None => return Ok(JValue::Undefined),
        Some(JValue::String(a)) => a,
        Some(_) => return Err(signature_error("hash", 2)),
    };
    let bytes = text.as_bytes();
    let digest: Vec<u8> = match &**algorithm {
        "MD5" => Md5::digest(bytes).to_vec(),
        "SHA-1" => Sha1::digest(bytes).to_vec(),
        "SHA-256" => Sha256::digest(bytes).to_vec(),
        "SHA-384" => Sha384::digest(bytes).to_vec(),
        "SHA-512" => Sha512::digest(bytes).to_vec(),
        other => return Err(d3137(format!("Hash algorithm '{other}' must be one of {HASH_ALGORITHMS}"))),
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(JValue::from(hex))
}

/// `$parse(text)`: the JSON value `text` holds. Stricter than most parsers, as AWS is: a
/// repeated key, trailing text or an empty string is invalid JSON.
pub(super) fn parse(args: &[JValue]) -> FnResult {
    reject_extra(args, "parse", 1)?;
    match arg(args, 0) {
        None => Ok(JValue::Undefined),
        Some(JValue::String(text)) => strict_json::parse(text).map_err(|_| d3137("Invalid JSON")),
        Some(_) => Err(signature_error("parse", 1)),
    }
}

/// `$random([seed])`: a number in [0, 1). With a seed it is what `java.util.Random(seed)`
/// draws first, which is what AWS returns; without one it comes from the execution's entropy.
pub(super) fn random(args: &[JValue], rng: &dyn Entropy) -> FnResult {
    reject_extra(args, "random", 1)?;
    match arg(args, 0) {
        None => Ok(JValue::Number(rng.next_f64())),
        Some(seed) => {
            let seed = integer_arg(Some(seed), "random", 1)?;
            Ok(JValue::Number(java_random_first_double(seed)))
        }
    }
}

/// `$uuid()`: a random version-4 UUID from the execution's entropy.
pub(super) fn uuid(args: &[JValue], rng: &dyn Entropy) -> FnResult {
    reject_extra(args, "uuid", 0)?;
    Ok(JValue::from(rng.uuid_v4()))
}

/// `$eval` does not exist in AWS's JSONata: calling it is calling a non-function.
pub(super) fn eval_disabled(_args: &[JValue]) -> FnResult {
    Err(EvaluatorError::ReferenceError("T1006: Attempted to invoke a non-function".to_string()))
}

/// The first `nextDouble()` of a `java.util.Random` seeded with `seed` (a 48-bit LCG).
fn java_random_first_double(seed: i64) -> f64 {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| -> u64 {
        state = state.wrapping_mul(MULTIPLIER).wrapping_add(0xB) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::SeededEntropy;

    fn n(x: f64) -> JValue {
        JValue::Number(x)
    }

    fn arr(xs: &[f64]) -> JValue {
        JValue::array(xs.iter().map(|x| n(*x)).collect())
    }

    fn json(v: &JValue) -> String {
        v.to_json_string().unwrap_or_default()
    }

    fn err(r: FnResult) -> String {
        match r {
            Err(e) => e.message().to_string(),
            Ok(v) => panic!("expected an error, got {}", json(&v)),
        }
    }

    #[test]
    fn partition_splits_into_chunks_with_remainder() {
        let out = partition(&[arr(&[1.0, 2.0, 3.0, 4.0, 5.0]), n(2.0)]).unwrap();
        assert_eq!(json(&out), "[[1,2],[3,4],[5]]");
        let out = partition(&[arr(&[0.0, 1.0, 2.0]), n(5.0)]).unwrap();
        assert_eq!(json(&out), "[[0,1,2]]");
        let out = partition(&[arr(&[0.0, 1.0]), n(1.9)]).unwrap();
        assert_eq!(json(&out), "[[0],[1]]");
    }

    #[test]
    fn partition_edge_cases_follow_aws() {
        assert!(partition(&[arr(&[])]).unwrap().is_undefined());
        assert!(partition(&[arr(&[1.0]), n(0.0)]).unwrap().is_undefined());
        assert!(partition(&[arr(&[1.0]), n(-0.5)]).unwrap().is_undefined());
        assert_eq!(json(&partition(&[arr(&[1.0, 2.0])]).unwrap()), "[[1,2]]");
        assert_eq!(err(partition(&[arr(&[1.0]), n(-2.0)])), "D3137: Second argument must be zero or greater");
        assert_eq!(
            err(partition(&[n(1.0), n(2.0)])),
            "T0412: Argument 1 of function \"partition\" must be an array of undefined"
        );
        assert_eq!(
            err(partition(&[arr(&[1.0]), JValue::from("x")])),
            "T0410: Argument 2 of function \"partition\" does not match function signature"
        );
        assert_eq!(
            err(partition(&[arr(&[1.0]), n(1.0), n(1.0)])),
            "T0410: Argument 3 of function \"partition\" does not match function signature"
        );
    }

    #[test]
    fn range_is_inclusive_when_the_step_lands_on_the_end() {
        assert_eq!(json(&range(&[n(0.0), n(9.0), n(3.0)]).unwrap()), "[0,3,6,9]");
        assert_eq!(json(&range(&[n(0.0), n(10.0), n(3.0)]).unwrap()), "[0,3,6,9]");
        assert_eq!(json(&range(&[n(1.0), n(9.0), n(9.0)]).unwrap()), "[1]");
        assert_eq!(json(&range(&[n(10.0), n(0.0), n(-5.0)]).unwrap()), "[10,5,0]");
        assert_eq!(json(&range(&[n(-1.7), n(2.0), n(1.0)]).unwrap()), "[-1,0,1,2]");
        assert_eq!(json(&range(&[n(4.0), n(4.0), n(1.0)]).unwrap()), "4");
    }

    #[test]
    fn range_edge_cases_follow_aws() {
        assert!(range(&[n(0.0), n(9.0)]).unwrap().is_undefined());
        assert!(range(&[n(0.0), n(9.0), n(0.0)]).unwrap().is_undefined());
        assert!(range(&[n(0.0), n(9.0), n(-1.0)]).unwrap().is_undefined());
        assert_eq!(
            err(range(&[JValue::from("a"), n(9.0), n(1.0)])),
            "T0410: Argument 1 of function \"range\" does not match function signature"
        );
        assert_eq!(err(range(&[n(0.0)])), "T0410: Argument 2 of function \"range\" does not match function signature");
        assert_eq!(
            err(range(&[n(0.0), n(i64::MAX as f64), n(1.0)])),
            "D2015: Expression evaluation memory limit exceeded: Check for excessive memory usage"
        );
    }

    #[test]
    fn hash_gives_hex_digests() {
        let h = |a: &str| json(&hash(&[JValue::from("input"), JValue::from(a)]).unwrap());
        assert_eq!(h("SHA-1"), "\"140f86aae51ab9e1cda9b4254fe98a74eb54c1a1\"");
        assert_eq!(h("MD5"), "\"a43c1b0aa53a0c908810c06ab1ff3967\"");
        assert_eq!(h("SHA-256"), "\"c96c6d5be8d08a12e7b5cdc1b207fa6b2430974c86803d8891675e76fd992c20\"");
        assert_eq!(h("SHA-384").len(), 96 + 2);
        assert_eq!(h("SHA-512").len(), 128 + 2);
    }

    #[test]
    fn hash_errors_follow_aws() {
        assert!(hash(&[JValue::from("x")]).unwrap().is_undefined());
        assert_eq!(
            err(hash(&[JValue::from("x"), JValue::from("sha-256")])),
            "D3137: Hash algorithm 'sha-256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
        );
        assert_eq!(
            err(hash(&[n(1.0), JValue::from("MD5")])),
            "T0410: Argument 1 of function \"hash\" does not match function signature"
        );
        assert_eq!(
            err(hash(&[JValue::from("x"), n(1.0)])),
            "T0410: Argument 2 of function \"hash\" does not match function signature"
        );
    }

    #[test]
    fn random_with_a_seed_is_java_util_random() {
        let rng = SeededEntropy::new(1);
        assert_eq!(json(&random(&[n(42.0)], &rng).unwrap()), "0.7275636800328681");
        let a = random(&[], &rng).unwrap();
        let b = random(&[], &rng).unwrap();
        let (Some(a), Some(b)) = (a.as_f64(), b.as_f64()) else { panic!("not numbers") };
        assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b) && a != b);
        assert_eq!(
            err(random(&[JValue::from("x")], &rng)),
            "T0410: Argument 1 of function \"random\" does not match function signature"
        );
    }

    #[test]
    fn uuid_is_version_4_and_takes_no_argument() {
        let rng = SeededEntropy::new(7);
        let u = uuid(&[], &rng).unwrap();
        let s = u.as_str().unwrap_or_default().to_string();
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert_ne!(s, uuid(&[], &rng).unwrap().as_str().unwrap_or_default());
        assert_eq!(
            err(uuid(&[n(1.0)], &rng)),
            "T0410: Argument 1 of function \"uuid\" does not match function signature"
        );
    }

    #[test]
    fn parse_reads_json_strictly() {
        let p = |s: &str| parse(&[JValue::from(s)]);
        assert_eq!(json(&p("{\"b\":1,\"a\":[true,null]}").unwrap()), "{\"b\":1,\"a\":[true,null]}");
        assert_eq!(json(&p("-0").unwrap()), "0");
        assert_eq!(json(&p("1.1").unwrap()), "1.1");
        assert_eq!(err(p("")), "D3137: Invalid JSON");
        assert_eq!(err(p("{\"a\":1,\"a\":2}")), "D3137: Invalid JSON");
        assert_eq!(err(p("1 2")), "D3137: Invalid JSON");
        assert!(parse(&[]).unwrap().is_undefined());
        assert_eq!(err(parse(&[n(1.0)])), "T0410: Argument 1 of function \"parse\" does not match function signature");
    }

    #[test]
    fn eval_is_not_a_function() {
        assert_eq!(err(eval_disabled(&[])), "T1006: Attempted to invoke a non-function");
    }
}
