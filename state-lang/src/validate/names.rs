//! Names a definition gives: state names (unique in the whole machine, at most 80 characters),
//! workflow variable names in `Assign`, and Map `Label`s.

use crate::parse::fields::Ctx;
use crate::validate::codes::{DUPLICATE_LABEL_NAME, DUPLICATE_STATE_NAME, INVALID_LABEL_NAME, INVALID_STATE_NAME};

/// The longest state name AWS accepts, in characters.
pub(crate) const MAX_STATE_NAME: usize = 80;
/// The longest variable name AWS accepts, in characters.
pub(crate) const MAX_VARIABLE_NAME: usize = 80;
/// The longest Map `Label` AWS accepts, in characters.
pub(crate) const MAX_LABEL: usize = 40;

/// Records a state name, reporting it when it is malformed or already used anywhere in the
/// machine (AWS requires names to be unique across all scopes).
pub(crate) fn state_name(ctx: &mut Ctx, name: &str, ptr: &str) {
    let len = name.chars().count();
    if len == 0 || len > MAX_STATE_NAME {
        ctx.error(
            INVALID_STATE_NAME,
            ptr,
            format!("State name must be between 1 and {MAX_STATE_NAME} characters long: '{name}'"),
        );
    }
    if ctx.state_names.contains_key(name) {
        ctx.error(DUPLICATE_STATE_NAME, ptr, format!("Duplicate State name: {name}"));
    } else {
        ctx.state_names.insert(name.to_string(), ptr.to_string());
    }
}

/// Checks the variable name an `Assign` key declares (`name` or, in JSONPath, `name.$`).
/// Returns the problem, if any.
pub(crate) fn variable_name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len == 0 {
        return Some("Variable name must not be empty".to_string());
    }
    if len > MAX_VARIABLE_NAME {
        return Some(format!("Variable name '{name}' is longer than {MAX_VARIABLE_NAME} characters"));
    }
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_alphanumeric() || c == '_') {
        return Some(format!(
            "Variable name '{name}' is invalid: it must start with a letter and contain only letters, digits and '_'"
        ));
    }
    None
}

/// Checks a Map `Label` and records it: unique, at most 40 characters, none of the characters
/// AWS forbids in names.
pub(crate) fn label(ctx: &mut Ctx, label: &str, ptr: &str) {
    let len = label.chars().count();
    if len == 0 || len > MAX_LABEL {
        ctx.error(INVALID_LABEL_NAME, ptr, format!("Label must be between 1 and {MAX_LABEL} characters long"));
    } else if let Some(c) = label.chars().find(|c| forbidden_in_label(*c)) {
        ctx.error(INVALID_LABEL_NAME, ptr, format!("Label must not contain the character {c:?}"));
    }
    if ctx.labels.contains_key(label) {
        ctx.error(DUPLICATE_LABEL_NAME, ptr, format!("Duplicate Label: {label}"));
    } else {
        ctx.labels.insert(label.to_string(), ptr.to_string());
    }
}

fn forbidden_in_label(c: char) -> bool {
    c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_follow_identifier_rules() {
        assert_eq!(variable_name_problem("x"), None);
        assert_eq!(variable_name_problem("résumé_2"), None);
        assert_eq!(variable_name_problem("_hidden"), None);
        assert!(variable_name_problem("").is_some());
        assert!(variable_name_problem("9lives").is_some());
        assert!(variable_name_problem("has space").is_some());
        assert!(variable_name_problem("a.b").is_some());
        assert!(variable_name_problem(&"v".repeat(81)).is_some());
        assert_eq!(variable_name_problem(&"v".repeat(80)), None);
    }

    #[test]
    fn state_names_are_unique_machine_wide() {
        let mut ctx = Ctx::new();
        state_name(&mut ctx, "A", "/States/A");
        state_name(&mut ctx, "A", "/States/P/Branches/0/States/A");
        state_name(&mut ctx, &"n".repeat(81), "/States/long");
        let got: Vec<_> = ctx.diags.iter().map(|d| (d.code.as_str(), d.location.as_str())).collect();
        assert_eq!(
            got,
            vec![(DUPLICATE_STATE_NAME, "/States/P/Branches/0/States/A"), (INVALID_STATE_NAME, "/States/long")]
        );
    }

    #[test]
    fn labels_are_checked_and_unique() {
        let mut ctx = Ctx::new();
        label(&mut ctx, "ok-label_1", "/a");
        label(&mut ctx, "ok-label_1", "/b");
        label(&mut ctx, "bad label", "/c");
        label(&mut ctx, &"l".repeat(41), "/d");
        let got: Vec<_> = ctx.diags.iter().map(|d| (d.code.as_str(), d.location.as_str())).collect();
        assert_eq!(got, vec![(DUPLICATE_LABEL_NAME, "/b"), (INVALID_LABEL_NAME, "/c"), (INVALID_LABEL_NAME, "/d")]);
    }
}
