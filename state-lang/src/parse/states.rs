//! The type-specific fields of Pass, Task, Wait, Succeed and Fail, and the dispatch to the
//! Choice, Parallel and Map parsers.

use serde_json::Value;

use super::expr::{dynamic, literal_string, template};
use super::fields::{integer_value, Ctx};
use super::scope::StateCx;
use super::{choice, map};
use crate::model::{Dynamic, Fail, Pass, QueryLanguage, StateKind, Task, Wait};
use crate::validate::codes::INVALID_RESOURCE;
use crate::validate::rules::{NON_NEGATIVE_SECONDS, POSITIVE_SECONDS};

pub(crate) fn kind(ctx: &mut Ctx, cx: &mut StateCx, type_name: &str) -> Option<StateKind> {
    match type_name {
        "Pass" => Some(StateKind::Pass(Pass { result: cx.f.get("Result").cloned() })),
        "Task" => task(ctx, cx).map(StateKind::Task),
        "Choice" => choice::choice(ctx, cx).map(StateKind::Choice),
        "Wait" => wait(ctx, cx).map(StateKind::Wait),
        "Succeed" => Some(StateKind::Succeed),
        "Fail" => Some(StateKind::Fail(fail(ctx, cx))),
        "Parallel" => map::parallel(ctx, cx).map(StateKind::Parallel),
        "Map" => map::map(ctx, cx).map(StateKind::Map),
        _ => None,
    }
}

fn task(ctx: &mut Ctx, cx: &mut StateCx) -> Option<Task> {
    let f = &cx.f;
    f.require(ctx, &["Resource"]);
    let resource = f.string(ctx, "Resource").unwrap_or_default().to_string();
    if f.has("Resource") && resource.trim().is_empty() {
        ctx.error(INVALID_RESOURCE, f.at("Resource"), "The value of 'Resource' must not be empty");
    }
    let seconds = |ctx: &mut Ctx, v: &Value, p: &str| integer_value(ctx, v, p, POSITIVE_SECONDS);
    let timeout_seconds = dynamic(ctx, f, ("TimeoutSeconds", "TimeoutSecondsPath"), cx.ql, seconds);
    let heartbeat_seconds = dynamic(ctx, f, ("HeartbeatSeconds", "HeartbeatSecondsPath"), cx.ql, seconds);
    if let (Some(Dynamic::Literal(t)), Some(Dynamic::Literal(h))) = (&timeout_seconds, &heartbeat_seconds) {
        if h >= t {
            ctx.schema(f.at("HeartbeatSeconds"), "The field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'");
        }
    }
    let credentials = template(ctx, f, "Credentials", cx.ql);
    Some(Task { resource, timeout_seconds, heartbeat_seconds, credentials })
}

const WAIT_FIELDS: [&str; 4] = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];

fn wait(ctx: &mut Ctx, cx: &mut StateCx) -> Option<Wait> {
    let f = &cx.f;
    let present: Vec<&str> = WAIT_FIELDS.iter().copied().filter(|k| f.has(k)).collect();
    match present.len() {
        0 => {
            // A field of the other language was already reported; otherwise none was given.
            if !WAIT_FIELDS.iter().any(|k| f.map.contains_key(*k)) {
                let choices = match cx.ql {
                    QueryLanguage::JSONPath => WAIT_FIELDS.join(", "),
                    QueryLanguage::JSONata => "Seconds, Timestamp".to_string(),
                };
                ctx.schema(f.ptr.clone(), format!("Exactly one of these fields is required: [{choices}]"));
            }
            return None;
        }
        1 => {}
        _ => {
            ctx.schema(f.ptr.clone(), format!("Only one of these fields can be specified: [{}]", present.join(", ")));
            return None;
        }
    }
    if f.has("Seconds") || f.has("SecondsPath") {
        let seconds = |ctx: &mut Ctx, v: &Value, p: &str| integer_value(ctx, v, p, NON_NEGATIVE_SECONDS);
        dynamic(ctx, f, ("Seconds", "SecondsPath"), cx.ql, seconds).map(Wait::Seconds)
    } else {
        dynamic(ctx, f, ("Timestamp", "TimestampPath"), cx.ql, timestamp).map(Wait::Timestamp)
    }
}

/// A literal `Timestamp`: an RFC 3339 date-time string.
fn timestamp(ctx: &mut Ctx, value: &Value, ptr: &str) -> Option<String> {
    let s = literal_string(ctx, value, ptr)?;
    if chrono::DateTime::parse_from_rfc3339(&s).is_err() {
        ctx.schema(ptr, format!("The value '{s}' is not a valid ISO-8601 timestamp"));
        return None;
    }
    Some(s)
}

fn fail(ctx: &mut Ctx, cx: &mut StateCx) -> Fail {
    Fail {
        error: dynamic(ctx, &cx.f, ("Error", "ErrorPath"), cx.ql, literal_string),
        cause: dynamic(ctx, &cx.f, ("Cause", "CausePath"), cx.ql, literal_string),
    }
}
