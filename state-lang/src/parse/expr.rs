//! Compiling the expressions a definition holds — reference paths, payload templates, intrinsic
//! calls, JSONata — with the modules that own them, turning each of their errors into a diagnostic
//! at the right JSON Pointer.

use serde_json::Value;

use super::fields::{Ctx, Fields};
use crate::jsonata::{JsonataExpr, JsonataTemplate};
use crate::model::{Dynamic, QueryLanguage, Template};
use crate::path::{ReferencePath, ResultPath};
use crate::template::{PathExpr, PayloadTemplate};
use crate::validate::codes::INVALID_JSONATA_EXPRESSION;

/// The expression inside a `{% … %}` string, if `s` is one.
pub(crate) fn jsonata_inner(s: &str) -> Option<&str> {
    s.strip_prefix("{%")?.strip_suffix("%}")
}

/// Joins a pointer relative to some value (as the expression modules report them) onto the
/// value's own pointer.
pub(crate) fn join(base: &str, relative: &str) -> String {
    if relative.is_empty() {
        base.to_string()
    } else if relative.starts_with('/') {
        format!("{base}{relative}")
    } else {
        format!("{base}/{relative}")
    }
}

pub(crate) fn reference_path(ctx: &mut Ctx, text: &str, ptr: &str) -> Option<ReferencePath> {
    ReferencePath::parse(text).map_err(|m| ctx.schema(ptr, m)).ok()
}

/// `InputPath` / `OutputPath`: `null` selects nothing (`Some(None)`).
pub(crate) fn optional_path(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<Option<ReferencePath>> {
    match f.get(key)? {
        Value::Null => Some(None),
        Value::String(s) => reference_path(ctx, s, &f.at(key)).map(Some),
        _ => {
            ctx.type_error(f.at(key), "STRING");
            None
        }
    }
}

/// `ResultPath`: `null` discards the result.
pub(crate) fn result_path(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<ResultPath> {
    match f.get(key)? {
        Value::Null => Some(ResultPath::Discard),
        Value::String(s) => ResultPath::parse(s).map_err(|m| ctx.schema(f.at(key), m)).ok(),
        _ => {
            ctx.type_error(f.at(key), "STRING");
            None
        }
    }
}

/// The value of a `…Path` field that may also hold an intrinsic function call.
pub(crate) fn path_expr(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<PathExpr> {
    let text = f.string(ctx, key)?;
    PathExpr::parse(text).map_err(|m| ctx.schema(f.at(key), m)).ok()
}

pub(crate) fn payload(ctx: &mut Ctx, value: &Value, ptr: &str) -> Option<PayloadTemplate> {
    match PayloadTemplate::compile(value) {
        Ok(t) => Some(t),
        Err(errors) => {
            for (rel, message) in errors {
                ctx.schema(join(ptr, &rel), message);
            }
            None
        }
    }
}

/// A JSONPath payload template field that must be an object (`Parameters`, `ResultSelector` …).
pub(crate) fn payload_field(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<PayloadTemplate> {
    let value = f.get(key)?;
    if !value.is_object() {
        ctx.type_error(f.at(key), "OBJECT");
        return None;
    }
    payload(ctx, value, &f.at(key))
}

pub(crate) fn jsonata_expr(ctx: &mut Ctx, inner: &str, ptr: &str) -> Option<JsonataExpr> {
    JsonataExpr::parse(inner).map_err(|m| ctx.error(INVALID_JSONATA_EXPRESSION, ptr, m)).ok()
}

pub(crate) fn jsonata_template(ctx: &mut Ctx, value: &Value, ptr: &str) -> Option<JsonataTemplate> {
    match JsonataTemplate::compile(value) {
        Ok(t) => Some(t),
        Err(errors) => {
            for (rel, message) in errors {
                ctx.error(INVALID_JSONATA_EXPRESSION, join(ptr, &rel), message);
            }
            None
        }
    }
}

pub(crate) fn jsonata_field(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<JsonataTemplate> {
    jsonata_template(ctx, f.get(key)?, &f.at(key))
}

/// A template in the state's query language (`Assign`, `Credentials`, `ItemSelector` …).
pub(crate) fn template(ctx: &mut Ctx, f: &Fields, key: &str, ql: QueryLanguage) -> Option<Template> {
    let value = f.get(key)?;
    match ql {
        QueryLanguage::JSONPath => {
            if !value.is_object() {
                ctx.type_error(f.at(key), "OBJECT");
                return None;
            }
            payload(ctx, value, &f.at(key)).map(Template::JsonPath)
        }
        QueryLanguage::JSONata => jsonata_template(ctx, value, &f.at(key)).map(Template::Jsonata),
    }
}

/// A value given literally in `lit`, by a path in `path` (JSONPath) or as `{% … %}` in `lit`
/// (JSONata). `literal` checks and converts the literal form. Both fields present is an error.
pub(crate) fn dynamic<T>(
    ctx: &mut Ctx,
    f: &Fields,
    (lit, path): (&str, &str),
    ql: QueryLanguage,
    literal: impl FnOnce(&mut Ctx, &Value, &str) -> Option<T>,
) -> Option<Dynamic<T>> {
    if f.has(lit) && f.has(path) {
        ctx.schema(f.at(lit), format!("Only one of these fields can be specified: [{lit}, {path}]"));
        return None;
    }
    if f.has(path) {
        return path_expr(ctx, f, path).map(Dynamic::Path);
    }
    let value = f.get(lit)?;
    if ql == QueryLanguage::JSONata {
        if let Some(inner) = value.as_str().and_then(jsonata_inner) {
            return jsonata_expr(ctx, inner, &f.at(lit)).map(Dynamic::Jsonata);
        }
    }
    literal(ctx, value, &f.at(lit)).map(Dynamic::Literal)
}

/// The literal form of a string field (`Error`, `Cause`).
pub(crate) fn literal_string(ctx: &mut Ctx, value: &Value, ptr: &str) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        _ => {
            ctx.type_error(ptr, "STRING");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_jsonata_strings() {
        assert_eq!(jsonata_inner("{% $x %}"), Some(" $x "));
        assert_eq!(jsonata_inner("{%%}"), Some(""));
        assert_eq!(jsonata_inner("{% $x"), None);
        assert_eq!(jsonata_inner("x {% 1 %}"), None);
    }

    #[test]
    fn joins_relative_pointers() {
        assert_eq!(join("/States/A/Parameters", ""), "/States/A/Parameters");
        assert_eq!(join("/States/A/Parameters", "/a.$"), "/States/A/Parameters/a.$");
        assert_eq!(join("/States/A/Parameters", "a.$"), "/States/A/Parameters/a.$");
    }

    #[test]
    fn both_literal_and_path_is_reported_at_the_literal() {
        let mut ctx = Ctx::new();
        let v = serde_json::json!({"Seconds": 1, "SecondsPath": "$.s"});
        let f = Fields::of(&mut ctx, &v, "/States/W").unwrap();
        let got = dynamic(&mut ctx, &f, ("Seconds", "SecondsPath"), QueryLanguage::JSONPath, |_, _, _| Some(1u64));
        assert!(got.is_none());
        assert_eq!(ctx.diags[0].location, "/States/W/Seconds");
        assert_eq!(ctx.diags[0].message, "Only one of these fields can be specified: [Seconds, SecondsPath]");
    }
}
