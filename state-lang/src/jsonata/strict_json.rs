//! JSON text straight into a JSONata value, refusing what AWS's `$parse` refuses: a repeated key
//! in an object (a lenient parser keeps the last one silently), trailing text, an empty string.

use std::fmt;

use indexmap::IndexMap;
use jsonata_core::value::JValue;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Parses `text` as one JSON value. The error is serde_json's description of the problem.
pub(super) fn parse(text: &str) -> Result<JValue, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = JValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<JValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = JValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<JValue, E> {
        Ok(JValue::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<JValue, E> {
        Ok(JValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<JValue, E> {
        Ok(JValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<JValue, E> {
        Ok(JValue::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<JValue, E> {
        Ok(JValue::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<JValue, E> {
        Ok(JValue::from(v))
    }

    fn visit_string<E>(self, v: String) -> Result<JValue, E> {
        Ok(JValue::from(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(JValue::array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JValue, A::Error> {
        let mut fields = IndexMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(StrictValue)?;
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key '{key}'")));
            }
            fields.insert(key, value);
        }
        Ok(JValue::object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_types() {
        let v = parse(r#" {"z": 1, "a": [1.5, "s", null, false], "m": {}} "#).unwrap();
        assert_eq!(v.to_json_string().unwrap(), r#"{"z":1,"a":[1.5,"s",null,false],"m":{}}"#);
    }

    #[test]
    fn refuses_what_aws_refuses() {
        for bad in ["", "   ", "{\"a\":1,\"a\":1}", "[1] [2]", "{a:1}", "[1,]", "NaN"] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
