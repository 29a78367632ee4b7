//! `States.Hash(data, algorithm)`: a hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512.

use md5::Md5;
use serde_json::Value;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::args::{self, invalid};
use super::{render, Function};

/// AWS hashes at most this many characters.
const MAX_INPUT_CHARS: usize = 10_000;

pub(super) fn hash(values: &[Value]) -> Result<Value, String> {
    let f = Function::Hash;
    let [data, algorithm] = args::fixed(f, values)?;
    // AWS hashes a value that is not a string as its JSON text.
    let text = match data {
        Value::String(s) => s.clone(),
        other => render::to_json(other),
    };
    if args::java_len(&text) > MAX_INPUT_CHARS {
        return Err(invalid(f));
    }
    let bytes = text.as_bytes();
    let digest = match args::string(f, algorithm)? {
        "MD5" => Md5::digest(bytes).to_vec(),
        "SHA-1" => Sha1::digest(bytes).to_vec(),
        "SHA-256" => Sha256::digest(bytes).to_vec(),
        "SHA-384" => Sha384::digest(bytes).to_vec(),
        "SHA-512" => Sha512::digest(bytes).to_vec(),
        _ => return Err(invalid(f)),
    };
    Ok(Value::String(digest.iter().map(|b| format!("{b:02x}")).collect()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

    #[test]
    fn hash_supports_the_five_algorithms() {
        let e = "States.Hash($.d, $.a)";
        for (a, digest) in [
            ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
            ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
            ("SHA-512", "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"),
        ] {
            assert_eq!(eval(e, &json!({"d": "input data", "a": a})), json!(digest));
        }
        assert_eq!(
            eval("States.Hash('hello', 'SHA-256')", &json!({})),
            json!("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert_eq!(
            eval("States.Hash('hello', 'SHA-384')", &json!({})),
            json!("59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f")
        );
        assert_eq!(
            eval("States.Hash('🚀', 'SHA-256')", &json!({})),
            json!("ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5")
        );
    }

    #[test]
    fn hash_takes_non_string_data_as_json_text() {
        let text = eval("States.Hash('123', 'MD5')", &json!({}));
        assert_eq!(eval("States.Hash(123, 'MD5')", &json!({})), text);
    }

    #[test]
    fn hash_rejects_unknown_algorithms_and_long_input() {
        for e in [
            "States.Hash('data', 'UNSUPPORTED')",
            "States.Hash('data', 'sha-256')",
            "States.Hash('data', 'SHA256')",
            "States.Hash('data', '')",
            "States.Hash('data', 'MD-5')",
            "States.Hash('hello', 123)",
        ] {
            assert_eq!(eval_err(e, &json!({})), invalid_cause(e, "States.Hash"), "{e}");
        }
        let e = "States.Hash($.s, 'SHA-256')";
        assert_eq!(eval(e, &json!({"s": "a".repeat(10_000)})).as_str().map(str::len), Some(64));
        assert_eq!(eval_err(e, &json!({"s": "a".repeat(10_001)})), invalid_cause(e, "States.Hash"));
    }
}
