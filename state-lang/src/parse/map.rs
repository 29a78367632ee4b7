//! Parallel (its branches) and Map (its processor, items, selector, concurrency, tolerated
//! failures, and the distributed-mode reader, batcher and writer).

use serde_json::Value;

use super::expr::{dynamic, jsonata_field, payload, reference_path, template};
use super::fields::{integer_value, number_value, Ctx, Fields};
use super::scope::{parse_scope, ScopeKind, StateCx};
use crate::diagnostic::pointer_push;
use crate::model::{ItemBatcher, Map, Parallel, ProcessorMode, QueryLanguage, Scope};
use crate::validate::names;
use crate::validate::rules::{language_mismatch, COUNT};

const BRANCH_FIELDS: &[&str] = &["StartAt", "States", "Comment"];
const PROCESSOR_FIELDS: &[&str] = &["StartAt", "States", "Comment", "ProcessorConfig"];
const READER_FIELDS: &[&str] = &["Resource", "Parameters", "Arguments", "ReaderConfig"];
const WRITER_FIELDS: &[&str] = &["Resource", "Parameters", "Arguments", "WriterConfig"];
const BATCHER_FIELDS: &[&str] =
    &["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"];

pub(crate) fn parallel(ctx: &mut Ctx, cx: &mut StateCx) -> Option<Parallel> {
    cx.f.require(ctx, &["Branches"]);
    let list = cx.f.array(ctx, "Branches")?;
    let ptr = cx.f.at("Branches");
    if list.is_empty() {
        ctx.schema(ptr.clone(), "The field 'Branches' must contain at least one branch");
    }
    let mut branches = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        let Some(mut bf) = Fields::of(ctx, b, pointer_push(&ptr, &i.to_string())) else {
            branches.push(None);
            continue;
        };
        bf.only(ctx, BRANCH_FIELDS);
        bf.string(ctx, "Comment");
        branches.push(parse_scope(ctx, &bf, ScopeKind::Branch));
    }
    let branches: Option<Vec<Scope>> = branches.into_iter().collect();
    Some(Parallel { branches: branches? })
}

pub(crate) fn map(ctx: &mut Ctx, cx: &mut StateCx) -> Option<Map> {
    let f = &cx.f;
    let ql = cx.ql;
    let processor = processor(ctx, f);
    if f.has("ItemSelector") && f.has("Parameters") {
        ctx.schema(f.at("ItemSelector"), "Only one of these fields can be specified: [ItemSelector, Parameters]");
    }
    let selector_key = if f.has("ItemSelector") { "ItemSelector" } else { "Parameters" };
    let count = |ctx: &mut Ctx, v: &Value, p: &str| integer_value(ctx, v, p, COUNT);
    let percentage = |ctx: &mut Ctx, v: &Value, p: &str| number_value(ctx, v, p, 0.0, 100.0);
    let items_path = f.string(ctx, "ItemsPath").and_then(|s| reference_path(ctx, s, &f.at("ItemsPath")));
    let label = f.string(ctx, "Label").map(str::to_string);
    if let Some(l) = &label {
        names::label(ctx, l, &f.at("Label"));
    }
    let item_reader = io_config(ctx, f, "ItemReader", READER_FIELDS, ql);
    let result_writer = io_config(ctx, f, "ResultWriter", WRITER_FIELDS, ql);
    let item_batcher = item_batcher(ctx, f, ql);
    let (processor, mode, execution_type) = processor?;
    Some(Map {
        processor: Box::new(processor),
        mode,
        execution_type,
        items_path,
        items: jsonata_field(ctx, f, "Items"),
        item_selector: template(ctx, f, selector_key, ql),
        max_concurrency: dynamic(ctx, f, ("MaxConcurrency", "MaxConcurrencyPath"), ql, count),
        tolerated_failure_percentage: dynamic(
            ctx,
            f,
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
            ql,
            percentage,
        ),
        tolerated_failure_count: dynamic(ctx, f, ("ToleratedFailureCount", "ToleratedFailureCountPath"), ql, count),
        item_reader,
        item_batcher,
        result_writer,
        label,
    })
}

/// `ItemProcessor` (or the legacy `Iterator`) with its `ProcessorConfig`.
fn processor(ctx: &mut Ctx, f: &Fields) -> Option<(Scope, ProcessorMode, Option<String>)> {
    let key = match (f.has("ItemProcessor"), f.has("Iterator")) {
        (true, true) => {
            ctx.schema(f.at("Iterator"), "Only one of these fields can be specified: [ItemProcessor, Iterator]");
            return None;
        }
        (false, false) => {
            f.require(ctx, &["ItemProcessor"]);
            return None;
        }
        (true, false) => "ItemProcessor",
        (false, true) => "Iterator",
    };
    let mut pf = f.object(ctx, key)?;
    pf.only(ctx, PROCESSOR_FIELDS);
    pf.string(ctx, "Comment");
    let (mut mode, mut execution_type) = (ProcessorMode::Inline, None);
    if let Some(config) = pf.object(ctx, "ProcessorConfig") {
        let mut config = config;
        config.only(ctx, &["Mode", "ExecutionType"]);
        mode = match config.string(ctx, "Mode") {
            Some("DISTRIBUTED") => ProcessorMode::Distributed,
            None | Some("INLINE") => ProcessorMode::Inline,
            Some(_) => {
                ctx.schema(config.at("Mode"), "Value should be one of the following: [INLINE, DISTRIBUTED]");
                ProcessorMode::Inline
            }
        };
        execution_type = config.string(ctx, "ExecutionType").map(str::to_string);
        if execution_type.as_deref().is_some_and(|t| t != "STANDARD" && t != "EXPRESS") {
            ctx.schema(config.at("ExecutionType"), "Value should be one of the following: [STANDARD, EXPRESS]");
        }
    }
    let scope = parse_scope(ctx, &pf, ScopeKind::Processor)?;
    Some((scope, mode, execution_type))
}

/// `ItemReader` / `ResultWriter`: kept as given for the engine, after checking their shape and
/// compiling their `Parameters` (JSONPath) or `Arguments` (JSONata).
fn io_config(ctx: &mut Ctx, f: &Fields, key: &str, allowed: &[&str], ql: QueryLanguage) -> Option<Value> {
    let mut cf = f.object(ctx, key)?;
    cf.only(ctx, allowed);
    hide_foreign(ctx, &mut cf, ql, &["Parameters", "Arguments"]);
    cf.string(ctx, "Resource");
    for config in ["ReaderConfig", "WriterConfig"] {
        cf.object(ctx, config);
    }
    if let Some(v) = cf.get("Parameters") {
        payload(ctx, v, &cf.at("Parameters"));
    }
    jsonata_field(ctx, &cf, "Arguments");
    f.get(key).cloned()
}

fn item_batcher(ctx: &mut Ctx, f: &Fields, ql: QueryLanguage) -> Option<ItemBatcher> {
    let mut bf = f.object(ctx, "ItemBatcher")?;
    bf.only(ctx, BATCHER_FIELDS);
    hide_foreign(ctx, &mut bf, ql, &["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"]);
    let count = |ctx: &mut Ctx, v: &Value, p: &str| integer_value(ctx, v, p, COUNT);
    Some(ItemBatcher {
        max_items_per_batch: dynamic(ctx, &bf, ("MaxItemsPerBatch", "MaxItemsPerBatchPath"), ql, count),
        max_input_bytes_per_batch: dynamic(ctx, &bf, ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"), ql, count),
        batch_input: template(ctx, &bf, "BatchInput", ql),
    })
}

/// Reports and hides those of `keys` that belong to the other query language. `…Path` keys
/// other than the listed JSONPath-only ones count as JSONPath fields too.
fn hide_foreign(ctx: &mut Ctx, f: &mut Fields, ql: QueryLanguage, keys: &[&str]) {
    for key in keys {
        if !f.has(key) {
            continue;
        }
        let foreign = match (*key, ql) {
            ("Arguments", QueryLanguage::JSONPath) => true,
            ("Arguments", QueryLanguage::JSONata) => false,
            (_, QueryLanguage::JSONata) => true,
            (_, QueryLanguage::JSONPath) => false,
        };
        if foreign {
            let message = language_mismatch(key, ql).unwrap_or_else(|| {
                format!(
                    "The QueryLanguage is set to '{}', but field '{key}' is only supported for the 'JSONPath' QueryLanguage",
                    ql.as_str()
                )
            });
            ctx.schema(f.at(key), message);
            f.hide(key);
        }
    }
}
