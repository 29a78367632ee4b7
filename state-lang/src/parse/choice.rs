//! The Choice state: its rules (JSONPath comparison rules, or JSONata `Condition`s) with their
//! `Next`, `Assign` and `Output`, and `Default`.

use serde_json::{Map, Value};

use super::assign::assign;
use super::expr::{join, jsonata_expr, jsonata_field, jsonata_inner};
use super::fields::{Ctx, Fields};
use super::scope::StateCx;
use crate::choice::Rule;
use crate::diagnostic::pointer_push;
use crate::jsonata::JsonataExpr;
use crate::model::{Choice, ChoiceBranch, Condition, QueryLanguage};
use crate::validate::rules::language_mismatch;

/// Fields of a top-level rule that are not part of its boolean expression.
const RULE_ENVELOPE: &[&str] = &["Next", "Assign", "Output", "Comment", "Condition"];
const JSONATA_RULE_FIELDS: &[&str] = &["Condition", "Next", "Assign", "Output", "Comment"];

pub(crate) fn choice(ctx: &mut Ctx, cx: &mut StateCx) -> Option<Choice> {
    cx.f.require(ctx, &["Choices"]);
    let list = cx.f.array(ctx, "Choices");
    let list_ptr = cx.f.at("Choices");
    if list.is_some_and(Vec::is_empty) {
        ctx.schema(list_ptr.clone(), "The field 'Choices' must contain at least one rule");
    }
    let mut choices = Vec::new();
    for (i, rule) in list.into_iter().flatten().enumerate() {
        let Some(mut rf) = Fields::of(ctx, rule, pointer_push(&list_ptr, &i.to_string())) else {
            continue;
        };
        choices.push(branch(ctx, cx, &mut rf));
    }
    let default = match cx.f.has("Default") {
        true => {
            let f = Fields::new(cx.f.map, cx.f.ptr.clone());
            Some(cx.target(ctx, &f, "Default"))
        }
        false => None,
    };
    let choices: Option<Vec<ChoiceBranch>> = choices.into_iter().collect();
    Some(Choice { choices: choices?, default })
}

fn branch(ctx: &mut Ctx, cx: &mut StateCx, rf: &mut Fields) -> Option<ChoiceBranch> {
    let condition = match cx.ql {
        QueryLanguage::JSONata => {
            rf.only(ctx, JSONATA_RULE_FIELDS);
            rf.require(ctx, &["Condition", "Next"]);
            jsonata_condition(ctx, rf)
        }
        QueryLanguage::JSONPath => {
            if let Some(message) = rf.has("Output").then(|| language_mismatch("Output", cx.ql)).flatten() {
                ctx.schema(rf.ptr.clone(), message);
                rf.hide("Output");
            }
            if rf.has("Condition") {
                ctx.schema(
                    rf.ptr.clone(),
                    "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage",
                );
            }
            rf.require(ctx, &["Next"]);
            jsonpath_rule(ctx, rf)
        }
    };
    rf.string(ctx, "Comment");
    let next = cx.target(ctx, rf, "Next");
    let assign = assign(ctx, rf, cx.ql);
    let output = jsonata_field(ctx, rf, "Output");
    Some(ChoiceBranch { condition: condition?, next, assign, output })
}

fn jsonata_condition(ctx: &mut Ctx, rf: &Fields) -> Option<Condition> {
    let ptr = rf.at("Condition");
    let expr = match rf.get("Condition")? {
        Value::String(s) => match jsonata_inner(s) {
            Some(inner) => jsonata_expr(ctx, inner, &ptr),
            None => {
                ctx.schema(ptr, "The field 'Condition' must be a JSONata expression ({% … %}) or a boolean");
                None
            }
        },
        Value::Bool(b) => JsonataExpr::parse(if *b { "true" } else { "false" }).map_err(|m| ctx.schema(&ptr, m)).ok(),
        _ => {
            ctx.type_error(ptr, "STRING");
            None
        }
    };
    expr.map(Condition::Jsonata)
}

/// The rule without its envelope, compiled by the choice module.
fn jsonpath_rule(ctx: &mut Ctx, rf: &Fields) -> Option<Condition> {
    let expression: Map<String, Value> = rf
        .map
        .iter()
        .filter(|(k, _)| !RULE_ENVELOPE.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if expression.is_empty() && rf.map.contains_key("Condition") {
        // The misplaced `Condition` was the rule; it has been reported already.
        return None;
    }
    match Rule::parse(&Value::Object(expression)) {
        Ok(rule) => Some(Condition::JsonPath(Box::new(rule))),
        Err(errors) => {
            for (rel, message) in errors {
                ctx.schema(join(&rf.ptr, &rel), message);
            }
            None
        }
    }
}
