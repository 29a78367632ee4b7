//! A scope (`StartAt` + `States`: the top level, a Parallel branch, a Map processor) and the parts
//! every state shares: its name, `Type`, `QueryLanguage`, `Next`/`End`, input/output fields.

use serde_json::Value;

use super::expr::{jsonata_field, optional_path, payload_field, result_path};
use super::fields::{Ctx, Fields};
use super::{assign, declared_language, errors, states};
use crate::diagnostic::pointer_push;
use crate::model::{Io, QueryLanguage, Scope, State, StateId, Transition};
use crate::validate::codes::{DUPLICATE_STATE_NAME, SCHEMA_VALIDATION_FAILED};
use crate::validate::names;
use crate::validate::reachability::{self, ScopeLinks};
use crate::validate::rules::{check_state_fields, LanguageCheck};

/// Scopes nested deeper than this are refused (`TOO_DEEPLY_NESTED`), which also bounds recursion.
const MAX_DEPTH: usize = 40;

const STATE_TYPES: &[&str] = &["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    Top,
    Branch,
    Processor,
}

/// What a state-type parser gets: the state's fields, its effective language, and the scope's
/// transitions to resolve its targets against.
pub(crate) struct StateCx<'a, 'l> {
    pub f: Fields<'a>,
    pub ql: QueryLanguage,
    pub id: StateId,
    pub links: &'l mut ScopeLinks,
}

impl StateCx<'_, '_> {
    /// Resolves a transition target named by field `key` of object `obj`.
    pub fn target(&mut self, ctx: &mut Ctx, obj: &Fields, key: &str) -> StateId {
        match obj.string(ctx, key) {
            Some(name) => self.links.resolve(ctx, Some(self.id), name, &obj.at(key)),
            None => 0,
        }
    }
}

/// Parses `StartAt` and `States` of the scope object `f`; the caller has checked its other fields.
pub(crate) fn parse_scope(ctx: &mut Ctx, f: &Fields, kind: ScopeKind) -> Option<Scope> {
    f.require(ctx, &["StartAt", "States"]);
    if ctx.depth >= MAX_DEPTH {
        ctx.error("TOO_DEEPLY_NESTED", f.ptr.clone(), format!("States may be nested at most {MAX_DEPTH} levels deep"));
        return None;
    }
    let states_obj = f.object(ctx, "States")?;
    let states_ptr = f.at("States");
    report_duplicate_names(ctx, &states_ptr);
    let names: Vec<String> = states_obj.map.keys().cloned().collect();
    let mut links = ScopeLinks::new(&f.ptr, names);
    if let Some(start) = f.string(ctx, "StartAt") {
        links.resolve(ctx, None, start, &f.at("StartAt"));
    }
    ctx.depth += 1;
    let mut states = Vec::with_capacity(states_obj.map.len());
    for (id, (name, value)) in states_obj.map.iter().enumerate() {
        states.push(parse_state(ctx, &mut links, id, name, value, &pointer_push(&states_ptr, name)));
    }
    ctx.depth -= 1;
    reachability::check(ctx, &links, kind == ScopeKind::Top);
    let states: Option<Vec<State>> = states.into_iter().collect();
    Some(Scope { start_at: links.start?, states: states?, by_name: links.by_name().clone(), pointer: f.ptr.clone() })
}

fn report_duplicate_names(ctx: &mut Ctx, states_ptr: &str) {
    let dups: Vec<String> =
        ctx.duplicate_keys.iter().filter(|d| d.object == states_ptr).map(|d| d.key.clone()).collect();
    for name in dups {
        ctx.error(DUPLICATE_STATE_NAME, pointer_push(states_ptr, &name), format!("Duplicate State name: {name}"));
    }
}

fn parse_state(
    ctx: &mut Ctx,
    links: &mut ScopeLinks,
    id: StateId,
    name: &str,
    value: &Value,
    ptr: &str,
) -> Option<State> {
    names::state_name(ctx, name, ptr);
    // A state that is not even an object may or may not have ended the workflow: do not also
    // claim the machine has no terminal state.
    links.terminal[id] = !value.is_object();
    let mut f = Fields::of(ctx, value, ptr)?;
    links.terminal[id] = is_terminal(&f);
    let type_name = state_type(ctx, &f);
    let Some(type_name) = type_name else {
        link_unknown_state(links, id, &f);
        return None;
    };
    let (ql, check) = state_language(ctx, &f);
    check_state_fields(ctx, &mut f, type_name, ql, check);
    let comment = f.string(ctx, "Comment").map(str::to_string);
    let mut cx = StateCx { f, ql, id, links };
    let transition = transition(ctx, &mut cx, type_name);
    let io = io(ctx, &cx.f, type_name);
    let assign = assign::assign(ctx, &cx.f, ql);
    let retry = errors::retry(ctx, &cx.f);
    let catch = errors::catch(ctx, &mut cx);
    let kind = states::kind(ctx, &mut cx, type_name);
    let (transition, kind) = (transition?, kind?);
    let reads_context = mentions_context(value);
    Some(State {
        name: name.to_string(),
        comment,
        query_language: ql,
        io,
        assign,
        transition,
        retry,
        catch,
        kind,
        reads_context,
    })
}

/// Whether any string of a state's JSON can reach the context object. Deliberately textual, so
/// that it errs on the side of building the context.
fn mentions_context(v: &Value) -> bool {
    fn text(s: &str) -> bool {
        if s.contains("$$") {
            return true;
        }
        s.match_indices("$states").any(|(i, _)| {
            let rest = &s[i + "$states".len()..];
            !(rest.starts_with(".input") || rest.starts_with(".result") || rest.starts_with(".errorOutput"))
        })
    }
    match v {
        Value::String(s) => text(s),
        Value::Array(a) => a.iter().any(mentions_context),
        Value::Object(o) => o.iter().any(|(k, v)| text(k) || mentions_context(v)),
        _ => false,
    }
}

fn is_terminal(f: &Fields) -> bool {
    matches!(f.get("End"), Some(Value::Bool(true)))
        || matches!(f.get("Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
}

fn state_type(ctx: &mut Ctx, f: &Fields) -> Option<&'static str> {
    f.require(ctx, &["Type"]);
    let t = f.string(ctx, "Type")?;
    let found = STATE_TYPES.iter().copied().find(|k| *k == t);
    if found.is_none() {
        ctx.schema(f.at("Type"), format!("Value should be one of the following: [{}]", STATE_TYPES.join(", ")));
    }
    found
}

/// Keeps the edges of a state whose type is unknown, so that the states after it are not also
/// reported unreachable.
fn link_unknown_state(links: &mut ScopeLinks, id: StateId, f: &Fields) {
    let mut targets: Vec<&str> = ["Next", "Default"].iter().filter_map(|k| f.get(k)?.as_str()).collect();
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = f.get(list) {
            targets.extend(items.iter().filter_map(|c| c.get("Next")?.as_str()));
        }
    }
    for t in targets {
        links.link_quietly(id, t);
    }
}

/// The state's effective query language: its own, else the machine's. A state may not go back
/// to JSONPath inside a JSONata machine.
fn state_language(ctx: &mut Ctx, f: &Fields) -> (QueryLanguage, LanguageCheck) {
    let Some(v) = f.get("QueryLanguage") else {
        return (ctx.machine_ql, LanguageCheck::Enforce);
    };
    let ql = declared_language(ctx, v, &f.at("QueryLanguage"));
    if ql == QueryLanguage::JSONPath && ctx.machine_ql == QueryLanguage::JSONata {
        ctx.schema(f.ptr.clone(), "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
        return (ql, LanguageCheck::Skip);
    }
    (ql, LanguageCheck::Enforce)
}

/// `Next` / `End`: exactly one for every type but Choice, Succeed and Fail (which accept neither;
/// the field check has already reported them there).
fn transition(ctx: &mut Ctx, cx: &mut StateCx, type_name: &str) -> Option<Transition> {
    if matches!(type_name, "Choice" | "Succeed" | "Fail") {
        return Some(Transition::None);
    }
    let end = cx.f.boolean(ctx, "End");
    let has_end_field = cx.f.has("End");
    let next = cx.f.has("Next");
    match (end, next) {
        (Some(true), true) => {
            ctx.error(
                SCHEMA_VALIDATION_FAILED,
                cx.f.ptr.clone(),
                "Only one of these fields can be specified: [Next, End]",
            );
            let f = Fields::new(cx.f.map, cx.f.ptr.clone());
            cx.target(ctx, &f, "Next");
            None
        }
        (Some(true), false) => Some(Transition::End),
        (_, true) => {
            let f = Fields::new(cx.f.map, cx.f.ptr.clone());
            Some(Transition::Next(cx.target(ctx, &f, "Next")))
        }
        (_, false) => {
            if !has_end_field || end.is_some() {
                ctx.schema(cx.f.ptr.clone(), "Exactly one of these fields is required: [Next, End]");
            }
            None
        }
    }
}

/// The input/output fields. Map's `Parameters` is its item selector and is read by the Map parser.
fn io(ctx: &mut Ctx, f: &Fields, type_name: &str) -> Io {
    let parameters = if type_name == "Map" { None } else { payload_field(ctx, f, "Parameters") };
    Io {
        input_path: optional_path(ctx, f, "InputPath"),
        parameters,
        result_selector: payload_field(ctx, f, "ResultSelector"),
        result_path: result_path(ctx, f, "ResultPath"),
        output_path: optional_path(ctx, f, "OutputPath"),
        arguments: jsonata_field(ctx, f, "Arguments"),
        output: jsonata_field(ctx, f, "Output"),
    }
}

#[cfg(test)]
mod context_tests {
    use serde_json::json;

    use super::mentions_context;

    #[test]
    fn context_readers_are_found() {
        assert!(mentions_context(&json!({"Parameters": {"id.$": "$$.Execution.Id"}})));
        assert!(mentions_context(&json!({"Output": "{% $states.context.State.Name %}"})));
        assert!(mentions_context(&json!({"Output": "{% $keys($states) %}"})));
        assert!(!mentions_context(
            &json!({"Output": "{% $states.input.a & $states.result.b %}", "Parameters": {"a.$": "$.a"}})
        ));
    }
}
