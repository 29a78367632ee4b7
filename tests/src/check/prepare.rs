//! Laying the actual values out as the recording held them: renames, sorted keys, parsed
//! object strings, and the normalizer presets.

use serde_json::{json, Map, Value};

use crate::pyfmt::{dumps, dumps_str, Dumps};

/// Replace whole-word literal substrings everywhere in a JSON value, through its JSON text
/// (`(?<![\w-])old(?![\w-])`; the text is ASCII, so `\w` is `[A-Za-z0-9_]`).
pub fn rewrite(value: &Value, pairs: &[(String, String)]) -> Value {
    if pairs.is_empty() {
        return value.clone();
    }
    let mut text = dumps(value, Dumps::DEFAULT);
    for (old, new) in pairs {
        let old = dumps_str(old, true);
        let new = dumps_str(new, true);
        text = replace_words(&text, &old[1..old.len() - 1], &new[1..new.len() - 1]);
    }
    serde_json::from_str(&text).unwrap_or_else(|_| value.clone())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `re.sub` of a literal between the two look-arounds, on ASCII text.
fn replace_words(text: &str, old: &str, new: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut copied = 0;
    while pos <= bytes.len() {
        let fits = text[pos..].starts_with(old)
            && (pos == 0 || !is_word_byte(bytes[pos - 1]))
            && bytes.get(pos + old.len()).is_none_or(|b| !is_word_byte(*b));
        if fits {
            out.push_str(&text[copied..pos]);
            out.push_str(new);
            copied = pos + old.len();
            // After an empty match Python moves one character on before matching again.
            pos = if old.is_empty() { pos + 1 } else { copied };
        } else {
            pos += 1;
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// Object keys sorted recursively (snapshot numbering follows this order).
pub fn order(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(keys.into_iter().map(|k| (k.clone(), order(&map[k]))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(order).collect()),
        other => other.clone(),
    }
}

/// Parse string values that start with `{` (in objects, and objects inside arrays); what
/// was just parsed is not searched again.
pub fn parse_object_strings(map: &mut Map<String, Value>) {
    for (_k, v) in map.iter_mut() {
        match v {
            Value::Object(inner) => parse_object_strings(inner),
            Value::Array(items) => {
                for item in items.iter_mut() {
                    if let Value::Object(inner) = item {
                        parse_object_strings(inner);
                    }
                }
            }
            _ => {}
        }
        let parsed = match v {
            Value::String(s) if s.starts_with('{') => serde_json::from_str::<Value>(s).ok(),
            _ => None,
        };
        if let Some(parsed) = parsed {
            *v = parsed;
        }
    }
}

/// The two presets every case uses (the same as `_schema.json`'s `$defs.presets`).
fn preset(name: &str) -> Option<Value> {
    let ops = match name {
        "stepfunctions_api" => json!([
            {"op": "jsonpath_set", "path": "$..SdkHttpMetadata..Date", "value": "date"},
            {"op": "jsonpath_set", "path": "$..SdkResponseMetadata..RequestId", "value": "RequestId"},
            {"op": "jsonpath_set", "path": "$..X-Amzn-Trace-Id", "value": "X-Amzn-Trace-Id"},
            {"op": "jsonpath_set", "path": "$..x-amz-crc32", "value": "x-amz-crc32"},
            {"op": "jsonpath_set", "path": "$..x-amzn-RequestId", "value": "x-amzn-RequestId"},
            {"op": "jsonpath_set", "path": "$..x-amzn-requestid", "value": "x-amzn-requestid"},
            {"op": "cause_json_input", "name": "json-input"},
        ]),
        "localstack_global" => json!([
            {"op": "regex", "pattern": "<context.account_id>", "replacement": "111111111111"},
            {"op": "regex", "pattern": "<context.region>", "replacement": "<region>"},
            {"op": "regex", "pattern": "arn:<context.partition>:", "replacement": "arn:<partition>:"},
            {"op": "uuid_id_keys", "replacement": "<uuid:N>"},
            {"op": "iso8601_to_date", "replacement": "date"},
            {"op": "timestamp_keys", "replacement": "timestamp"},
        ]),
        _ => return None,
    };
    Some(ops)
}

/// `re.escape` of Python 3.7+.
pub fn re_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Known presets → their ops, with `<context.X>` in their regex patterns replaced by the
/// escaped context value; other normalizers as they are.
pub fn expand_presets(normalizers: &[Value], context: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for n in normalizers {
        let expansion = (n.get("op").and_then(Value::as_str) == Some("preset"))
            .then(|| n.get("name").and_then(Value::as_str).and_then(preset))
            .flatten();
        let Some(Value::Array(ops)) = expansion else {
            out.push(n.clone());
            continue;
        };
        for mut op in ops {
            let is_regex = op.get("op").and_then(Value::as_str) == Some("regex");
            if let (true, Some(Value::String(pattern))) = (is_regex, op.get_mut("pattern")) {
                for key in ["account_id", "region", "partition"] {
                    let value = context.get(key).and_then(Value::as_str).unwrap_or_default();
                    *pattern = pattern.replace(&format!("<context.{key}>"), &re_escape(value));
                }
            }
            out.push(op);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn rewrite_replaces_whole_words_only() {
        let v = json!({"arn": "arn:aws:states:eu-west-1:000000000000:execution:sm:abc", "x": "000000000000a", "y": "1000000000000"});
        let got = rewrite(&v, &pairs(&[("000000000000", "111111111111"), ("eu-west-1", "us-east-1")]));
        assert_eq!(
            got,
            json!({"arn": "arn:aws:states:us-east-1:111111111111:execution:sm:abc", "x": "000000000000a", "y": "1000000000000"})
        );
        let got = rewrite(&json!(["a \"q\" b", "q"]), &pairs(&[("\"q\"", "r")]));
        assert_eq!(got, json!(["a r b", "q"]));
    }

    #[test]
    fn order_sorts_keys_recursively_and_parse_only_object_strings() {
        let v = order(&json!({"b": 1, "a": [{"d": 1, "c": 2}]}));
        assert_eq!(dumps(&v, Dumps::DEFAULT), r#"{"a": [{"c": 2, "d": 1}], "b": 1}"#);
        let mut m = json!({"o": "{\"z\": 1, \"y\": \"{\\\"n\\\": 1}\"}", "l": "[1]", "bad": "{x", "in": [{"s": "{}"}]});
        if let Value::Object(map) = &mut m {
            parse_object_strings(map);
        }
        assert_eq!(
            dumps(&m, Dumps::DEFAULT),
            r#"{"o": {"z": 1, "y": "{\"n\": 1}"}, "l": "[1]", "bad": "{x", "in": [{"s": {}}]}"#
        );
    }

    #[test]
    fn presets_expand_with_escaped_context() {
        let ctx = json!({"account_id": "111111111111", "region": "us-east-1", "partition": "aws"});
        let ops = expand_presets(
            &[json!({"op": "preset", "name": "localstack_global"}), json!({"op": "preset", "name": "sns_api"})],
            &ctx,
        );
        assert_eq!(ops.len(), 7);
        assert_eq!(ops[1]["pattern"], "us\\-east\\-1");
        assert_eq!(ops[6], json!({"op": "preset", "name": "sns_api"}));
    }
}
