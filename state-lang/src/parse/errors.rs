//! `Retry` and `Catch` of Task, Parallel and Map states.

use super::assign::assign;
use super::expr::{jsonata_field, result_path};
use super::fields::{Ctx, Fields};
use super::scope::StateCx;
use crate::diagnostic::pointer_push;
use crate::model::{Catcher, JitterStrategy, Retrier};
use crate::validate::rules::{
    error_equals, language_mismatch, states_all_last, MAX_DELAY_SECONDS, NON_NEGATIVE_SECONDS, POSITIVE_SECONDS,
};

const RETRIER_FIELDS: &[&str] =
    &["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"];
const CATCHER_FIELDS: &[&str] = &["ErrorEquals", "Next", "ResultPath", "Output", "Assign", "Comment"];

/// The largest `BackoffRate` the arithmetic is asked to handle.
const MAX_BACKOFF_RATE: f64 = 1e9;

/// Each element of the array field `key` as an object, with its pointer.
fn elements<'a>(ctx: &mut Ctx, f: &Fields<'a>, key: &str) -> Vec<Fields<'a>> {
    let Some(list) = f.array(ctx, key) else {
        return Vec::new();
    };
    let ptr = f.at(key);
    list.iter().enumerate().filter_map(|(i, v)| Fields::of(ctx, v, pointer_push(&ptr, &i.to_string()))).collect()
}

pub(crate) fn retry(ctx: &mut Ctx, f: &Fields) -> Vec<Retrier> {
    let mut retriers = Vec::new();
    let mut has_all = Vec::new();
    for mut r in elements(ctx, f, "Retry") {
        r.only(ctx, RETRIER_FIELDS);
        r.require(ctx, &["ErrorEquals"]);
        r.string(ctx, "Comment");
        let (names, all) = error_equals(ctx, &r);
        has_all.push(all);
        let jitter = match r.string(ctx, "JitterStrategy") {
            None | Some("NONE") => JitterStrategy::None,
            Some("FULL") => JitterStrategy::Full,
            Some(_) => {
                ctx.schema(r.at("JitterStrategy"), "Value should be one of the following: [FULL, NONE]");
                JitterStrategy::None
            }
        };
        retriers.push(Retrier {
            error_equals: names,
            interval_seconds: r.integer(ctx, "IntervalSeconds", POSITIVE_SECONDS).unwrap_or(1),
            max_attempts: r.integer(ctx, "MaxAttempts", NON_NEGATIVE_SECONDS).unwrap_or(3),
            backoff_rate: r.number(ctx, "BackoffRate", 1.0, MAX_BACKOFF_RATE).unwrap_or(2.0),
            max_delay_seconds: r.integer(ctx, "MaxDelaySeconds", MAX_DELAY_SECONDS),
            jitter,
        });
    }
    states_all_last(ctx, &f.at("Retry"), "Retrier", &has_all);
    retriers
}

pub(crate) fn catch(ctx: &mut Ctx, cx: &mut StateCx) -> Vec<Catcher> {
    let mut catchers = Vec::new();
    let mut has_all = Vec::new();
    for mut c in elements(ctx, &cx.f, "Catch") {
        c.only(ctx, CATCHER_FIELDS);
        for key in ["ResultPath", "Output"] {
            if let Some(message) = c.has(key).then(|| language_mismatch(key, cx.ql)).flatten() {
                ctx.schema(c.ptr.clone(), message);
                c.hide(key);
            }
        }
        c.require(ctx, &["ErrorEquals", "Next"]);
        c.string(ctx, "Comment");
        let (names, all) = error_equals(ctx, &c);
        has_all.push(all);
        let next = cx.target(ctx, &c, "Next");
        catchers.push(Catcher {
            error_equals: names,
            next,
            result_path: result_path(ctx, &c, "ResultPath"),
            output: jsonata_field(ctx, &c, "Output"),
            assign: assign(ctx, &c, cx.ql),
        });
    }
    states_all_last(ctx, &cx.f.at("Catch"), "Catcher", &has_all);
    catchers
}
