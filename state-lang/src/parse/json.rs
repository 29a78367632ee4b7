//! JSON text → `serde_json::Value`, remembering every key that an object repeats (serde_json keeps
//! only the last one silently, which would hide a duplicated state name).

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::diagnostic::pointer_push;

/// A key that appeared more than once in one object: the object's JSON Pointer and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    pub object: String,
    pub key: String,
}

/// Parses `text`, returning the value and the repeated keys, or serde_json's error (with line and
/// column) when the text is not JSON.
pub(crate) fn read(text: &str) -> Result<(Value, Vec<DuplicateKey>), serde_json::Error> {
    let dups = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed { pointer: String::new(), dups: &dups }.deserialize(&mut de)?;
    de.end()?;
    Ok((value, dups.into_inner()))
}

struct Seed<'d> {
    pointer: String,
    dups: &'d RefCell<Vec<DuplicateKey>>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Seed { pointer: pointer_push(&self.pointer, &items.len().to_string()), dups: self.dups };
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let seed = Seed { pointer: pointer_push(&self.pointer, &key), dups: self.dups };
            let value = access.next_value_seed(seed)?;
            if map.contains_key(&key) {
                self.dups.borrow_mut().push(DuplicateKey { object: self.pointer.clone(), key: key.clone() });
            }
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_json_like_serde_json() {
        let text = r#"{"a": [1, 2.5, "x", null, true], "b": {"c": -3}}"#;
        let (v, dups) = read(text).unwrap();
        assert_eq!(v, serde_json::from_str::<Value>(text).unwrap());
        assert!(dups.is_empty());
    }

    #[test]
    fn reports_repeated_keys_with_the_object_pointer() {
        let (v, dups) = read(r#"{"States": {"A": 1, "A": 2}, "x": [{"k": 1, "k": 2}]}"#).unwrap();
        assert_eq!(v["States"]["A"], 2);
        assert_eq!(
            dups,
            vec![
                DuplicateKey { object: "/States".into(), key: "A".into() },
                DuplicateKey { object: "/x/0".into(), key: "k".into() },
            ]
        );
    }

    #[test]
    fn invalid_json_keeps_line_and_column() {
        let err = read("{\n  \"a\": ,\n}").unwrap_err();
        assert_eq!((err.line(), err.column()), (2, 8));
        assert!(read("{} trailing").is_err());
    }
}
