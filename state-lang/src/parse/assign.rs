//! `Assign` (on a state, a Choice rule or a Catcher): an object whose keys name workflow
//! variables (`name`, or `name.$` in JSONPath) and whose values are the template to assign.

use super::expr::template;
use super::fields::{Ctx, Fields};
use crate::diagnostic::pointer_push;
use crate::model::{QueryLanguage, Template};
use crate::validate::names::variable_name_problem;

/// Parses the `Assign` field of `f`, if present.
pub(crate) fn assign(ctx: &mut Ctx, f: &Fields, ql: QueryLanguage) -> Option<Template> {
    let value = f.get("Assign")?;
    let Some(map) = value.as_object() else {
        ctx.type_error(f.at("Assign"), "OBJECT");
        return None;
    };
    let ptr = f.at("Assign");
    for key in map.keys() {
        let name = match ql {
            QueryLanguage::JSONPath => key.strip_suffix(".$").unwrap_or(key),
            QueryLanguage::JSONata => key.as_str(),
        };
        if let Some(problem) = variable_name_problem(name) {
            ctx.schema(pointer_push(&ptr, key), problem);
        }
    }
    template(ctx, f, "Assign", ql)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn jsonpath_keys_may_end_in_dollar_jsonata_keys_may_not() {
        let v = json!({"Assign": {"a.$": "$.x", "b": 1}});
        let mut ctx = Ctx::new();
        let f = Fields::of(&mut ctx, &v, "/States/S").unwrap();
        assert!(assign(&mut ctx, &f, QueryLanguage::JSONPath).is_some());
        assert!(ctx.diags.is_empty());
        assign(&mut ctx, &f, QueryLanguage::JSONata);
        assert_eq!(ctx.diags.len(), 1);
        assert_eq!(ctx.diags[0].location, "/States/S/Assign/a.$");
    }

    #[test]
    fn assign_must_be_an_object() {
        let v = json!({"Assign": [1]});
        let mut ctx = Ctx::new();
        let f = Fields::of(&mut ctx, &v, "/States/S").unwrap();
        assert!(assign(&mut ctx, &f, QueryLanguage::JSONata).is_none());
        assert_eq!(ctx.diags[0].message, "Expected value of type [OBJECT]");
    }
}
