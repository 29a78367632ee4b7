//! Parsing and validating a JSONPath Choice rule object into a [`Rule`]: exactly one operator per rule,
//! operand types per operator, `Variable` where it belongs, non-empty `And`/`Or`. Every problem is
//! reported with a JSON Pointer relative to the rule.

use serde_json::{Map, Value};

use super::{string::Pattern, timestamp::parse_timestamp, Cmp, Operand, Operator, Rule, TypeTest};
use crate::diagnostic::pointer_push;
use crate::path::ReferencePath;

type Errors = Vec<(String, String)>;

/// Where a rule object sits: the top of a `Choices` element carries the state's `Next`, `Assign`,
/// `Output`; a rule nested in `And`/`Or`/`Not` may carry none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Nested,
}

pub(super) fn parse_top(value: &Value) -> Result<Rule, Errors> {
    let mut errors = Errors::new();
    let rule = parse_rule(value, "", Level::Top, &mut errors);
    match rule {
        Some(rule) if errors.is_empty() => Ok(rule),
        _ => {
            if errors.is_empty() {
                errors.push((String::new(), "Invalid Choice rule".to_string()));
            }
            Err(errors)
        }
    }
}

fn push(errors: &mut Errors, ptr: &str, message: impl Into<String>) {
    errors.push((ptr.to_string(), message.into()));
}

/// The fields of a rule object, sorted by role.
#[derive(Default)]
struct Fields<'a> {
    variable: Option<&'a Value>,
    /// `And`, `Or`, `Not`.
    combinators: Vec<(&'a str, &'a Value)>,
    /// Comparison operators: name as written, operator, whether it is the `…Path` form, operand.
    comparisons: Vec<(&'a str, Operator, bool, &'a Value)>,
}

/// Returns `None` only after reporting at least one error.
fn parse_rule(value: &Value, ptr: &str, level: Level, errors: &mut Errors) -> Option<Rule> {
    let Some(obj) = value.as_object() else {
        push(errors, ptr, "A Choice rule must be a JSON object");
        return None;
    };
    let fields = classify_fields(obj, ptr, level, errors);
    if fields.combinators.is_empty() {
        parse_comparison(&fields, ptr, errors)
    } else {
        parse_boolean(&fields, ptr, errors)
    }
}

fn classify_fields<'a>(obj: &'a Map<String, Value>, ptr: &str, level: Level, errors: &mut Errors) -> Fields<'a> {
    let mut fields = Fields::default();
    for (key, value) in obj {
        match key.as_str() {
            "Variable" => fields.variable = Some(value),
            "And" | "Or" | "Not" => fields.combinators.push((key, value)),
            "Comment" => {
                if !value.is_string() {
                    push(errors, &pointer_push(ptr, key), "'Comment' must be a string");
                }
            }
            "Next" | "Assign" | "Output" => {
                if level == Level::Nested {
                    push(
                        errors,
                        &pointer_push(ptr, key),
                        format!("'{key}' is not allowed in a rule nested in 'And', 'Or' or 'Not'"),
                    );
                }
            }
            _ => match operator_from_name(key) {
                Some((op, path)) => fields.comparisons.push((key, op, path, value)),
                None => push(errors, &pointer_push(ptr, key), format!("'{key}' is not a field of a Choice rule")),
            },
        }
    }
    fields
}

/// The operator a field name stands for, and whether it is the `…Path` form.
pub(super) fn operator_from_name(name: &str) -> Option<(Operator, bool)> {
    let (base, path) = match name.strip_suffix("Path") {
        Some(base) => (base, true),
        None => (name, false),
    };
    let op = base_operator(base)?;
    if path && !op.has_path_form() {
        return None;
    }
    Some((op, path))
}

fn base_operator(base: &str) -> Option<Operator> {
    if base == "StringMatches" {
        return Some(Operator::StringMatches);
    }
    if base == "BooleanEquals" {
        return Some(Operator::BooleanEquals);
    }
    if let Some(rest) = base.strip_prefix("String") {
        return cmp_from(rest).map(Operator::String);
    }
    if let Some(rest) = base.strip_prefix("Numeric") {
        return cmp_from(rest).map(Operator::Numeric);
    }
    if let Some(rest) = base.strip_prefix("Timestamp") {
        return cmp_from(rest).map(Operator::Timestamp);
    }
    TypeTest::ALL.into_iter().map(Operator::Is).find(|op| op.name(false) == base)
}

fn cmp_from(suffix: &str) -> Option<Cmp> {
    Cmp::ALL.into_iter().find(|c| c.suffix() == suffix)
}

fn parse_boolean(fields: &Fields, ptr: &str, errors: &mut Errors) -> Option<Rule> {
    let (name, value) = *fields.combinators.first()?;
    for (other, _) in &fields.combinators[1..] {
        push(
            errors,
            &pointer_push(ptr, other),
            format!("A Choice rule may have only one of 'And', 'Or', 'Not'; this one already has '{name}'"),
        );
    }
    if fields.variable.is_some() {
        push(errors, &pointer_push(ptr, "Variable"), format!("'Variable' is not allowed in a rule with '{name}'"));
    }
    for (op_name, ..) in &fields.comparisons {
        push(errors, &pointer_push(ptr, op_name), format!("'{op_name}' is not allowed in a rule with '{name}'"));
    }
    let here = pointer_push(ptr, name);
    if name == "Not" {
        if !value.is_object() {
            push(errors, &here, "'Not' must be a Choice rule object");
            return None;
        }
        return parse_rule(value, &here, Level::Nested, errors).map(|r| Rule::Not(Box::new(r)));
    }
    let items = match value.as_array() {
        Some(items) if !items.is_empty() => items,
        _ => {
            push(errors, &here, format!("'{name}' must be a non-empty array of Choice rules"));
            return None;
        }
    };
    // Parse every element before giving up, so that all their errors are reported.
    let parsed: Vec<Option<Rule>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_rule(item, &pointer_push(&here, &i.to_string()), Level::Nested, errors))
        .collect();
    let rules: Vec<Rule> = parsed.into_iter().collect::<Option<_>>()?;
    Some(if name == "And" { Rule::And(rules) } else { Rule::Or(rules) })
}

fn parse_comparison(fields: &Fields, ptr: &str, errors: &mut Errors) -> Option<Rule> {
    let Some(&(name, op, path, operand)) = fields.comparisons.first() else {
        let message = if fields.variable.is_some() {
            "A Choice rule with a 'Variable' must have a comparison operator such as 'StringEquals'"
        } else {
            "A Choice rule must have a 'Variable' and a comparison operator, or one of 'And', 'Or', 'Not'"
        };
        push(errors, ptr, message);
        return None;
    };
    for (other, ..) in &fields.comparisons[1..] {
        push(
            errors,
            &pointer_push(ptr, other),
            format!("A Choice rule may have only one comparison operator; this one already has '{name}'"),
        );
    }
    let variable = match fields.variable {
        Some(v) => parse_path(v, &pointer_push(ptr, "Variable"), "Variable", errors),
        None => {
            push(errors, ptr, format!("A Choice rule with '{name}' must have a 'Variable'"));
            None
        }
    };
    let operand = parse_operand(op, path, operand, &pointer_push(ptr, name), name, errors);
    Some(Rule::Compare { variable: variable?, op, operand: operand? })
}

fn parse_path(value: &Value, ptr: &str, field: &str, errors: &mut Errors) -> Option<ReferencePath> {
    let Some(text) = value.as_str() else {
        push(errors, ptr, format!("'{field}' must be a string holding a JSONPath"));
        return None;
    };
    if !text.starts_with('$') {
        push(errors, ptr, format!("'{field}' must be a JSONPath starting with '$': {text:?}"));
        return None;
    }
    match ReferencePath::parse(text) {
        Ok(path) => Some(path),
        Err(message) => {
            push(errors, ptr, format!("'{field}' is not a valid JSONPath: {message}"));
            None
        }
    }
}

fn parse_operand(
    op: Operator,
    path: bool,
    value: &Value,
    ptr: &str,
    name: &str,
    errors: &mut Errors,
) -> Option<Operand> {
    if path {
        return parse_path(value, ptr, name, errors).map(Operand::Path);
    }
    let (ok, expected) = match op {
        Operator::String(_) | Operator::StringMatches => (value.is_string(), "a string"),
        Operator::Numeric(_) => (value.is_number(), "a number"),
        Operator::BooleanEquals | Operator::Is(_) => (value.is_boolean(), "a boolean"),
        Operator::Timestamp(_) => match value.as_str().and_then(parse_timestamp) {
            Some(t) => return Some(Operand::Timestamp(t)),
            None => (false, "a timestamp string such as \"2016-03-14T01:59:00Z\""),
        },
    };
    if !ok {
        push(errors, ptr, format!("The value of '{name}' must be {expected}"));
        return None;
    }
    Some(match (op, value.as_str()) {
        (Operator::StringMatches, Some(pattern)) => Operand::Pattern(Pattern::compile(pattern)),
        _ => Operand::Literal(value.clone()),
    })
}
