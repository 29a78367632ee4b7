//! Python's text forms of JSON values (`json.dumps`, `repr`, `str`), byte for byte.
//!
//! The reference comparator runs its text normalizers on `json.dumps` output and the recorded
//! Lambda functions format events with `str()`, so these must match CPython exactly for the
//! values JSON can hold.

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// The options of `json.dumps` that the comparator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dumps {
    /// `(", ", ": ")` (the default) when false, `(",", ":")` when true.
    pub compact: bool,
    /// Escape every non-ASCII character as `\uXXXX` (the default).
    pub ensure_ascii: bool,
    pub sort_keys: bool,
}

impl Dumps {
    /// `json.dumps(v)`.
    pub const DEFAULT: Dumps = Dumps { compact: false, ensure_ascii: true, sort_keys: false };
    /// `json.dumps(v, ensure_ascii=False)`.
    pub const UNICODE: Dumps = Dumps { compact: false, ensure_ascii: false, sort_keys: false };
    /// `json.dumps(v, separators=(",", ":"), ensure_ascii=False)`.
    pub const COMPACT_UNICODE: Dumps = Dumps { compact: true, ensure_ascii: false, sort_keys: false };
    /// `json.dumps(v, sort_keys=True)`.
    pub const SORTED: Dumps = Dumps { compact: false, ensure_ascii: true, sort_keys: true };
}

/// `json.dumps(value, **opts)`.
pub fn dumps(value: &Value, opts: Dumps) -> String {
    let mut out = String::new();
    write_json(&mut out, value, opts);
    out
}

/// `json.dumps(s)` for a string alone.
pub fn dumps_str(s: &str, ensure_ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_json_str(&mut out, s, ensure_ascii);
    out
}

fn write_json(out: &mut String, value: &Value, opts: Dumps) {
    let (item_sep, key_sep) = if opts.compact { (",", ":") } else { (", ", ": ") };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_repr(n)),
        Value::String(s) => write_json_str(out, s, opts.ensure_ascii),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                write_json(out, item, opts);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if opts.sort_keys {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                write_json_str(out, k, opts.ensure_ascii);
                out.push_str(key_sep);
                write_json(out, v, opts);
            }
            out.push('}');
        }
    }
}

fn write_json_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => push_u_escape(out, c as u32),
            // With ensure_ascii CPython escapes everything outside ' '..='~', DEL included.
            c if ensure_ascii && !(' '..='~').contains(&c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_u_escape(out, u32::from(*unit));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_u_escape(out: &mut String, unit: u32) {
    let _ = write!(out, "\\u{unit:04x}");
}

/// Python's `repr()` of a JSON number as `json.loads` would have produced it.
pub fn number_repr(n: &Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (None, Some(u), _) => u.to_string(),
        (None, None, Some(f)) => float_repr(f),
        (None, None, None) => n.to_string(),
    }
}

/// `repr(float)`: the shortest round-tripping digits, fixed notation for exponents in
/// [-4, 16), otherwise `d.ddde+XX`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // `{:e}` yields the shortest round-trip digits, e.g. "-1.25e-7".
    let sci = format!("{f:e}");
    let (sign, rest) = match sci.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", sci.as_str()),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let decpt = exp + 1;
    let ndigits = digits.len() as i32;
    let body = if decpt <= -4 || decpt > 16 {
        let (first, tail) = digits.split_at(1);
        let dot = if tail.is_empty() { String::new() } else { format!(".{tail}") };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}e{esign}{:02}", exp.abs())
    } else if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= ndigits {
        format!("{digits}{}.0", "0".repeat((decpt - ndigits) as usize))
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

/// Python's `str()` of the object `json.loads` makes of `value`: a string as itself,
/// anything else as its `repr()`.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr()` of the object `json.loads` makes of `value` (`{'k': 'v'}`, `None`, `True`).
pub fn py_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Number(n) => out.push_str(&number_repr(n)),
        Value::String(s) => out.push_str(&str_repr(s)),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&str_repr(k));
                out.push_str(": ");
                write_repr(out, v);
            }
            out.push('}');
        }
    }
}

/// `repr(str)`: single quotes unless the text holds `'` and no `"`; non-printable characters
/// as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let code = c as u32;
                let _ = match code {
                    0..=0xff => write!(out, "\\x{code:02x}"),
                    0x100..=0xffff => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                };
            }
        }
    }
    out.push(quote);
    out
}

/// `str.isprintable()` for one character: false for the Unicode categories Cc, Cf, Cs, Co,
/// Zl, Zp and Zs other than the space. (Unassigned code points, also unprintable in CPython,
/// are not tabulated here.)
fn is_printable(c: char) -> bool {
    let code = c as u32;
    !matches!(
        code,
        0x00..=0x1f
            | 0x7f..=0xa0
            | 0xad
            | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x1680
            | 0x180e
            | 0x2000..=0x200f
            | 0x2028..=0x202f
            | 0x205f..=0x2064
            | 0x2066..=0x206f
            | 0x3000
            | 0xd800..=0xf8ff
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
            | 0xf0000..=0x10ffff
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1.5e-7, "1.5e-07"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (1e22, "1e+22"),
            (123.456, "123.456"),
            (2.5e300, "2.5e+300"),
        ];
        for (f, text) in cases {
            assert_eq!(float_repr(f), text, "{f}");
        }
    }

    #[test]
    fn dumps_matches_python_default_and_compact() {
        let v = json!({"b": [1, 1.0, true, null], "a": "é\u{1F600}\n\"\u{7f}"});
        assert_eq!(dumps(&v, Dumps::DEFAULT), r#"{"b": [1, 1.0, true, null], "a": "\u00e9\ud83d\ude00\n\"\u007f"}"#);
        assert_eq!(dumps(&v, Dumps::COMPACT_UNICODE), "{\"b\":[1,1.0,true,null],\"a\":\"é\u{1F600}\\n\\\"\u{7f}\"}");
        assert_eq!(dumps(&v, Dumps::SORTED), r#"{"a": "\u00e9\ud83d\ude00\n\"\u007f", "b": [1, 1.0, true, null]}"#);
        assert_eq!(dumps(&json!("\u{1}"), Dumps::UNICODE), r#""\u0001""#);
    }

    #[test]
    fn str_and_repr_match_python() {
        assert_eq!(py_str(&json!({"k": "v"})), "{'k': 'v'}");
        assert_eq!(py_str(&Value::Null), "None");
        assert_eq!(py_str(&json!(true)), "True");
        assert_eq!(py_str(&json!("plain")), "plain");
        assert_eq!(py_str(&json!([1, 2.5, {"a": [null, false]}, "x"])), "[1, 2.5, {'a': [None, False]}, 'x']");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("it's \"q\""), "'it\\'s \"q\"'");
        assert_eq!(str_repr("a\\b\n\u{1}é\u{a0}"), "'a\\\\b\\n\\x01é\\xa0'");
    }
}
