//! How AWS turns values into text. Its runtime is Java: numbers print as Java's
//! `Double.toString` (`1.0`, `1.0E10`), JSON text is compact as Jackson writes it, and
//! `States.Format` prints objects and arrays as Java collections do (`{a=1, b=[x, y]}`).

use std::fmt::Write;

use serde_json::{Number, Value};

/// Compact JSON text, as `States.JsonToString` produces it.
pub(super) fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

fn write_json_string(out: &mut String, s: &str) {
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
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A value as `States.Format` prints it: strings bare, containers as Java collections.
pub(super) fn to_format_text(v: &Value) -> String {
    let mut out = String::new();
    write_format_text(&mut out, v);
    out
}

fn write_format_text(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_format_text(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_format_text(out, item);
            }
            out.push('}');
        }
        scalar => write_json(out, scalar),
    }
}

/// Integers as they are; other numbers as Java's `Double.toString`.
pub(super) fn number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    n.as_f64().map_or_else(|| n.to_string(), java_double)
}

/// Java's `Double.toString`: plain notation with at least one fractional digit for magnitudes
/// in [1e-3, 1e7), otherwise `d.dddE±n`; the digits are the shortest that round-trip.
pub(super) fn java_double(d: f64) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    if !d.is_finite() {
        return if d.is_nan() {
            "NaN".into()
        } else if d > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits, e.g. "-1.25e-5".
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if d < 0.0 { "-" } else { "" };
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let (int_part, frac_part) = if exp >= 0 {
            let point = exp as usize + 1;
            let padded = format!("{digits:0<point$}");
            (padded[..point].to_string(), padded[point..].to_string())
        } else {
            ("0".to_string(), format!("{}{}", "0".repeat((-exp - 1) as usize), digits))
        };
        let frac = if frac_part.is_empty() { "0".to_string() } else { frac_part };
        format!("{sign}{int_part}.{frac}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn doubles_print_as_java_does() {
        assert_eq!(java_double(1.1), "1.1");
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(-0.5), "-0.5");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(1234567.5), "1234567.5");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.5e300), "1.5E300");
        assert_eq!(java_double(-0.0), "-0.0");
        assert_eq!(java_double(100.0), "100.0");
    }

    #[test]
    fn json_text_is_compact_and_keeps_number_types() {
        let v = json!({"a": [1, 1.0, "x\"y\n\u{1}"], "b": null, "c": true, "d": 2.5e10});
        assert_eq!(to_json(&v), r#"{"a":[1,1.0,"x\"y\n\u0001"],"b":null,"c":true,"d":2.5E10}"#);
    }

    #[test]
    fn format_text_prints_containers_as_java_collections() {
        let v = json!({"Arg1": 1, "Arg2": [], "s": "x", "n": null, "l": [1.5, "a", {"k": false}]});
        assert_eq!(to_format_text(&v), "{Arg1=1, Arg2=[], s=x, n=null, l=[1.5, a, {k=false}]}");
        assert_eq!(to_format_text(&json!("plain")), "plain");
        assert_eq!(to_format_text(&json!(null)), "null");
    }
}
