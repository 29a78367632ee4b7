//! Reading typed fields out of a JSON object while recording a diagnostic for every field that is
//! missing, of the wrong JSON type or out of range. Readers return `None` both when a field is
//! absent and when it is wrong: the diagnostic already stops the model from being built.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json::DuplicateKey;
use crate::diagnostic::{pointer_push, Diagnostic};
use crate::model::QueryLanguage;
use crate::validate::codes::SCHEMA_VALIDATION_FAILED;

/// State shared by the whole walk over one definition.
pub(crate) struct Ctx {
    pub diags: Vec<Diagnostic>,
    /// The machine's own `QueryLanguage` (JSONPath when absent).
    pub machine_ql: QueryLanguage,
    /// Every state name met so far, with its pointer: names are unique machine-wide.
    pub state_names: HashMap<String, String>,
    /// Every Map `Label` met so far.
    pub labels: HashMap<String, String>,
    /// Keys the JSON text repeated within one object (a repeated state name is one).
    pub duplicate_keys: Vec<DuplicateKey>,
    /// How many scopes deep the walk is.
    pub depth: usize,
}

impl Ctx {
    pub fn new() -> Self {
        Ctx {
            diags: Vec::new(),
            machine_ql: QueryLanguage::JSONPath,
            state_names: HashMap::new(),
            labels: HashMap::new(),
            duplicate_keys: Vec::new(),
            depth: 0,
        }
    }

    pub fn error(&mut self, code: &str, location: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(code, location, message));
    }

    pub fn schema(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.error(SCHEMA_VALIDATION_FAILED, location, message);
    }

    pub fn type_error(&mut self, location: impl Into<String>, expected: &str) {
        self.schema(location, format!("Expected value of type [{expected}]"));
    }
}

/// Inclusive bounds of an integer field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub min: u64,
    pub max: u64,
}

impl Bounds {
    pub const fn new(min: u64, max: u64) -> Self {
        Bounds { min, max }
    }
}

/// An object of the definition with its pointer. Keys that another check already rejected can
/// be hidden so that they are not reported twice.
pub(crate) struct Fields<'a> {
    pub map: &'a Map<String, Value>,
    pub ptr: String,
    hidden: Vec<String>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, ptr: impl Into<String>) -> Self {
        Fields { map, ptr: ptr.into(), hidden: Vec::new() }
    }

    /// `value` as an object, or a type error at `ptr`.
    pub fn of(ctx: &mut Ctx, value: &'a Value, ptr: impl Into<String>) -> Option<Self> {
        let ptr = ptr.into();
        match value {
            Value::Object(map) => Some(Fields::new(map, ptr)),
            _ => {
                ctx.type_error(ptr, "OBJECT");
                None
            }
        }
    }

    pub fn hide(&mut self, key: &str) {
        self.hidden.push(key.to_string());
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if self.hidden.iter().any(|h| h == key) {
            return None;
        }
        self.map.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The pointer of one of this object's fields.
    pub fn at(&self, key: &str) -> String {
        pointer_push(&self.ptr, key)
    }

    /// Reports the fields of `keys` that are absent, in one diagnostic as AWS does.
    pub fn require(&self, ctx: &mut Ctx, keys: &[&str]) {
        let missing: Vec<&str> = keys.iter().copied().filter(|k| !self.map.contains_key(*k)).collect();
        if !missing.is_empty() {
            ctx.schema(self.ptr.clone(), format!("These fields are required: [{}]", missing.join(", ")));
        }
    }

    /// Reports every field not in `allowed`.
    pub fn only(&mut self, ctx: &mut Ctx, allowed: &[&str]) {
        let unknown: Vec<String> = self.map.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
        for key in unknown {
            ctx.schema(self.ptr.clone(), format!("Field '{key}' is not supported"));
            self.hide(&key);
        }
    }

    pub fn string(&self, ctx: &mut Ctx, key: &str) -> Option<&'a str> {
        match self.get(key)? {
            Value::String(s) => Some(s),
            _ => {
                ctx.type_error(self.at(key), "STRING");
                None
            }
        }
    }

    pub fn boolean(&self, ctx: &mut Ctx, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                ctx.type_error(self.at(key), "BOOLEAN");
                None
            }
        }
    }

    pub fn object(&self, ctx: &mut Ctx, key: &str) -> Option<Fields<'a>> {
        Fields::of(ctx, self.get(key)?, self.at(key))
    }

    pub fn array(&self, ctx: &mut Ctx, key: &str) -> Option<&'a Vec<Value>> {
        match self.get(key)? {
            Value::Array(a) => Some(a),
            _ => {
                ctx.type_error(self.at(key), "ARRAY");
                None
            }
        }
    }

    pub fn integer(&self, ctx: &mut Ctx, key: &str, bounds: Bounds) -> Option<u64> {
        integer_value(ctx, self.get(key)?, &self.at(key), bounds)
    }

    pub fn number(&self, ctx: &mut Ctx, key: &str, min: f64, max: f64) -> Option<f64> {
        number_value(ctx, self.get(key)?, &self.at(key), min, max)
    }
}

/// An integer within `bounds`. A float with no fractional part counts as an integer.
pub(crate) fn integer_value(ctx: &mut Ctx, value: &Value, ptr: &str, bounds: Bounds) -> Option<u64> {
    let Value::Number(n) = value else {
        ctx.type_error(ptr, "INTEGER");
        return None;
    };
    let as_float = n.as_f64().unwrap_or(f64::NAN);
    let int = match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => Some(u),
        (None, Some(_)) => None,
        (None, None) if as_float.fract() == 0.0 && as_float >= 0.0 && as_float < u64::MAX as f64 => {
            Some(as_float as u64)
        }
        (None, None) if as_float.fract() == 0.0 => None,
        (None, None) => {
            ctx.type_error(ptr, "INTEGER");
            return None;
        }
    };
    match int {
        Some(v) if v < bounds.min => ctx.schema(ptr, format!("Minimum value is {}", bounds.min)),
        Some(v) if v > bounds.max => ctx.schema(ptr, format!("Maximum value is {}", bounds.max)),
        Some(v) => return Some(v),
        None if as_float < 0.0 => ctx.schema(ptr, format!("Minimum value is {}", bounds.min)),
        None => ctx.schema(ptr, format!("Maximum value is {}", bounds.max)),
    }
    None
}

/// A number within `[min, max]`.
pub(crate) fn number_value(ctx: &mut Ctx, value: &Value, ptr: &str, min: f64, max: f64) -> Option<f64> {
    let Some(v) = value.as_f64() else {
        ctx.type_error(ptr, "NUMBER");
        return None;
    };
    if v < min {
        ctx.schema(ptr, format!("Minimum value is {}", show_number(min)));
    } else if v > max {
        ctx.schema(ptr, format!("Maximum value is {}", show_number(max)));
    } else {
        return Some(v);
    }
    None
}

fn show_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(ctx: &Ctx) -> Vec<(String, String)> {
        ctx.diags.iter().map(|d| (d.location.clone(), d.message.clone())).collect()
    }

    #[test]
    fn integers_are_range_checked_and_typed() {
        let mut ctx = Ctx::new();
        let b = Bounds::new(1, 10);
        assert_eq!(integer_value(&mut ctx, &json!(3), "/a", b), Some(3));
        assert_eq!(integer_value(&mut ctx, &json!(4.0), "/a", b), Some(4));
        assert_eq!(integer_value(&mut ctx, &json!(0), "/b", b), None);
        assert_eq!(integer_value(&mut ctx, &json!(-5), "/c", b), None);
        assert_eq!(integer_value(&mut ctx, &json!(11), "/d", b), None);
        assert_eq!(integer_value(&mut ctx, &json!(1.5), "/e", b), None);
        assert_eq!(integer_value(&mut ctx, &json!("3"), "/f", b), None);
        assert_eq!(integer_value(&mut ctx, &json!(1e300), "/g", b), None);
        assert_eq!(
            messages(&ctx),
            vec![
                ("/b".into(), "Minimum value is 1".into()),
                ("/c".into(), "Minimum value is 1".into()),
                ("/d".into(), "Maximum value is 10".into()),
                ("/e".into(), "Expected value of type [INTEGER]".into()),
                ("/f".into(), "Expected value of type [INTEGER]".into()),
                ("/g".into(), "Maximum value is 10".into()),
            ]
        );
    }

    #[test]
    fn numbers_report_their_bounds() {
        let mut ctx = Ctx::new();
        assert_eq!(number_value(&mut ctx, &json!(1.5), "/r", 1.0, 10.0), Some(1.5));
        assert_eq!(number_value(&mut ctx, &json!(0.5), "/r", 1.0, 10.0), None);
        assert_eq!(number_value(&mut ctx, &json!(true), "/r", 1.0, 10.0), None);
        assert_eq!(
            messages(&ctx),
            vec![("/r".into(), "Minimum value is 1".into()), ("/r".into(), "Expected value of type [NUMBER]".into())]
        );
    }

    #[test]
    fn required_and_unknown_fields_are_reported_once() {
        let mut ctx = Ctx::new();
        let v = json!({"A": 1, "Bogus": 2});
        let mut f = Fields::of(&mut ctx, &v, "/x").unwrap();
        f.require(&mut ctx, &["A", "B", "C"]);
        f.only(&mut ctx, &["A", "B", "C"]);
        assert!(f.get("Bogus").is_none());
        assert_eq!(
            messages(&ctx),
            vec![
                ("/x".into(), "These fields are required: [B, C]".into()),
                ("/x".into(), "Field 'Bogus' is not supported".into()),
            ]
        );
    }
}
