//! Short texts for Choice rules, read from the definition, to label graph edges.

use serde_json::Value;

/// Labels longer than this are cut with an ellipsis.
const MAX_LABEL: usize = 60;

/// A one-line summary of a Choice rule: `$.x NumericEquals 3`, `And(2)`, or a JSONata condition.
pub(super) fn rule(rule: Option<&Value>) -> String {
    let text = match rule {
        Some(Value::Object(m)) => summarize(m),
        _ => String::new(),
    };
    shorten(&text)
}

fn summarize(m: &serde_json::Map<String, Value>) -> String {
    if let Some(c) = m.get("Condition") {
        let text = c.as_str().map(str::to_string).unwrap_or_else(|| c.to_string());
        let inner = text.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")).unwrap_or(&text);
        return inner.trim().to_string();
    }
    for op in ["And", "Or"] {
        if let Some(Value::Array(items)) = m.get(op) {
            return format!("{op}({})", items.len());
        }
    }
    if let Some(Value::Object(inner)) = m.get("Not") {
        return format!("Not({})", summarize(inner));
    }
    let variable = m.get("Variable").and_then(Value::as_str).unwrap_or("?");
    let comparison =
        m.iter().find(|(k, _)| !matches!(k.as_str(), "Variable" | "Next" | "Assign" | "Comment" | "Output"));
    match comparison {
        Some((op, v)) => format!("{variable} {op} {v}"),
        None => variable.to_string(),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_LABEL - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn summarises_each_rule_shape() {
        assert_eq!(rule(Some(&json!({"Variable": "$.x", "NumericEquals": 3, "Next": "A"}))), "$.x NumericEquals 3");
        assert_eq!(rule(Some(&json!({"And": [{}, {}], "Next": "A"}))), "And(2)");
        assert_eq!(rule(Some(&json!({"Not": {"Variable": "$.s", "IsNull": true}}))), "Not($.s IsNull true)");
        assert_eq!(rule(Some(&json!({"Condition": "{% $x > 1 %}", "Next": "A"}))), "$x > 1");
        assert_eq!(rule(None), "");
    }

    #[test]
    fn long_labels_are_cut() {
        let long = json!({"Condition": format!("{{% {} %}}", "a".repeat(100))});
        let label = rule(Some(&long));
        assert_eq!(label.chars().count(), MAX_LABEL);
        assert!(label.ends_with('…'));
    }
}
