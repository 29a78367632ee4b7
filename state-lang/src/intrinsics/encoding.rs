//! `States.Base64Encode` and `States.Base64Decode`.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, Engine, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use super::args::{self, invalid};
use super::Function;

/// AWS accepts at most this many characters of input to either function.
const MAX_INPUT_CHARS: usize = 10_000;

/// Standard alphabet; like Java's basic decoder, padding is optional when decoding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// `States.Base64Encode(string)`: the Base64 of the string's UTF-8 bytes.
pub(super) fn encode(values: &[Value]) -> Result<Value, String> {
    let f = Function::Base64Encode;
    let [s] = args::fixed(f, values)?;
    let s = limited(f, s)?;
    Ok(Value::String(BASE64.encode(s.as_bytes())))
}

/// `States.Base64Decode(base64)`: the decoded bytes read as UTF-8 (invalid sequences become
/// U+FFFD, as Java's decoder does).
pub(super) fn decode(values: &[Value]) -> Result<Value, String> {
    let f = Function::Base64Decode;
    let [s] = args::fixed(f, values)?;
    let bytes = BASE64.decode(limited(f, s)?).map_err(|_| invalid(f))?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

fn limited(f: Function, v: &Value) -> Result<&str, String> {
    let s = args::string(f, v)?;
    if args::java_len(s) > MAX_INPUT_CHARS {
        return Err(invalid(f));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::intrinsics::test_support::{eval, eval_err, invalid_cause};

    #[test]
    fn base64_encode_encodes_utf8() {
        let e = "States.Base64Encode($.s)";
        for (s, expected) in [
            ("", ""),
            ("Data to encode", "RGF0YSB0byBlbmNvZGU="),
            ("✓", "4pyT"),
            ("こんにちは", "44GT44KT44Gr44Gh44Gv"),
            ("abc\u{0}def", "YWJjAGRlZg=="),
            ("🚀", "8J+agA=="),
        ] {
            assert_eq!(eval(e, &json!({ "s": s })), json!(expected));
        }
        assert_eq!(eval("States.Base64Encode(States.Format('{}-{}', 'x', 'y'))", &json!({})), json!("eC15"));
    }

    #[test]
    fn base64_encode_limits_input_to_10000_characters() {
        let e = "States.Base64Encode($.s)";
        let ok = eval(e, &json!({ "s": "a".repeat(10_000) }));
        assert_eq!(ok.as_str().map(str::len), Some(13_336));
        assert_eq!(eval_err(e, &json!({ "s": "a".repeat(10_001) })), invalid_cause(e, "States.Base64Encode"));
        for v in [json!(123), json!({}), json!(["x"]), json!(null)] {
            assert_eq!(eval_err(e, &json!({ "s": v })), invalid_cause(e, "States.Base64Encode"));
        }
    }

    #[test]
    fn base64_decode_decodes_to_text() {
        let e = "States.Base64Decode($.s)";
        assert_eq!(eval(e, &json!({"s": ""})), json!(""));
        assert_eq!(eval(e, &json!({"s": "RGF0YSB0byBlbmNvZGU="})), json!("Data to encode"));
        assert_eq!(eval(e, &json!({"s": "RGF0YSB0byBlbmNvZGU"})), json!("Data to encode"));
        assert_eq!(eval(e, &json!({"s": "8J+agA=="})), json!("🚀"));
    }

    #[test]
    fn base64_decode_rejects_bad_input() {
        let e = "States.Base64Decode($.s)";
        for v in [json!("not base64!"), json!(1), json!(null), json!("A".repeat(10_004))] {
            assert_eq!(eval_err(e, &json!({ "s": v })), invalid_cause(e, "States.Base64Decode"));
        }
        assert_eq!(eval(e, &json!({"s": "A".repeat(10_000)})).as_str().map(|s| s.chars().count()), Some(7_500));
    }
}
