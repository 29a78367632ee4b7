//! Field rules: which fields each state type accepts, which belong to one query language only,
//! the value ranges AWS enforces, and the `ErrorEquals` rules of Retry and Catch.

use serde_json::Value;

use crate::model::QueryLanguage;
use crate::parse::fields::{Bounds, Ctx, Fields};

/// The largest value AWS accepts for most second counts.
pub(crate) const MAX_SECONDS: u64 = 99_999_999;
/// `TimeoutSeconds`, `HeartbeatSeconds`, `IntervalSeconds`: positive.
pub(crate) const POSITIVE_SECONDS: Bounds = Bounds::new(1, MAX_SECONDS);
/// Wait `Seconds`, `MaxAttempts`: zero allowed.
pub(crate) const NON_NEGATIVE_SECONDS: Bounds = Bounds::new(0, MAX_SECONDS);
/// `MaxDelaySeconds`: positive, at most a year and a day.
pub(crate) const MAX_DELAY_SECONDS: Bounds = Bounds::new(1, 31_622_400);
/// Counts with no upper limit of their own (`MaxConcurrency`, `ToleratedFailureCount` …).
pub(crate) const COUNT: Bounds = Bounds::new(0, u64::MAX);

/// Fields every state accepts.
const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// Fields each state type accepts besides [`COMMON`], in either query language.
pub(crate) fn allowed_fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "Pass" => PASS_FIELDS,
        "Task" => TASK_FIELDS,
        "Choice" => CHOICE_FIELDS,
        "Wait" => WAIT_FIELDS,
        "Succeed" => SUCCEED_FIELDS,
        "Fail" => FAIL_FIELDS,
        "Parallel" => PARALLEL_FIELDS,
        "Map" => MAP_FIELDS,
        _ => &[],
    }
}

const PASS_FIELDS: &[&str] =
    &["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign", "Output"];
const TASK_FIELDS: &[&str] = &[
    "Next",
    "End",
    "Resource",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
    "Assign",
    "Arguments",
    "Output",
];
const CHOICE_FIELDS: &[&str] = &["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"];
const WAIT_FIELDS: &[&str] = &[
    "Next",
    "End",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "TimestampPath",
    "InputPath",
    "OutputPath",
    "Assign",
    "Output",
];
const SUCCEED_FIELDS: &[&str] = &["InputPath", "OutputPath", "Output"];
const FAIL_FIELDS: &[&str] = &["Error", "ErrorPath", "Cause", "CausePath"];
const PARALLEL_FIELDS: &[&str] = &[
    "Next",
    "End",
    "Branches",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "Assign",
    "Arguments",
    "Output",
];

const MAP_FIELDS: &[&str] = &[
    "Next",
    "End",
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "Items",
    "ItemSelector",
    "Parameters",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "Label",
    "InputPath",
    "OutputPath",
    "ResultSelector",
    "ResultPath",
    "Retry",
    "Catch",
    "Assign",
    "Output",
];

/// Fields that exist only in JSONata states.
pub(crate) const JSONATA_ONLY: &[&str] = &["Output", "Arguments", "Items"];

/// Fields that exist only in JSONPath states: the five I/O fields, Pass `Result`, and every
/// `…Path` variant of a field that JSONata writes as `{% … %}` instead.
pub(crate) const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ResultSelector",
    "Parameters",
    "Result",
    "ItemsPath",
    "MaxConcurrencyPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ErrorPath",
    "CausePath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
];

/// How a state's `QueryLanguage` relates to the machine's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LanguageCheck {
    /// Check the fields against the effective language.
    Enforce,
    /// The state tried to go back to JSONPath inside a JSONata machine: that is the one problem
    /// AWS reports for it, not its fields on top.
    Skip,
}

/// Reports fields the state type does not accept and fields of the other query language, and
/// hides them from further parsing.
pub(crate) fn check_state_fields(
    ctx: &mut Ctx,
    f: &mut Fields,
    type_name: &str,
    ql: QueryLanguage,
    check: LanguageCheck,
) {
    let allowed = allowed_fields(type_name);
    let keys: Vec<String> = f.map.keys().cloned().collect();
    for key in keys {
        if COMMON.contains(&key.as_str()) {
            continue;
        }
        if !allowed.contains(&key.as_str()) {
            ctx.schema(f.ptr.clone(), format!("Field '{key}' is not supported"));
            f.hide(&key);
            continue;
        }
        if let Some(message) = language_mismatch(&key, ql) {
            if check == LanguageCheck::Enforce {
                ctx.schema(f.ptr.clone(), message);
            }
            f.hide(&key);
        }
    }
}

/// The message for a field that belongs to the other query language, if `key` is one.
pub(crate) fn language_mismatch(key: &str, ql: QueryLanguage) -> Option<String> {
    let (other, foreign) = match ql {
        QueryLanguage::JSONPath => (QueryLanguage::JSONata, JSONATA_ONLY),
        QueryLanguage::JSONata => (QueryLanguage::JSONPath, JSONPATH_ONLY),
    };
    foreign.contains(&key).then(|| {
        format!(
            "The QueryLanguage is set to '{}', but field '{key}' is only supported for the '{}' QueryLanguage",
            ql.as_str(),
            other.as_str()
        )
    })
}

/// Checks one `ErrorEquals` array: non-empty strings, and `States.ALL` alone in it. Returns the
/// names and whether the array is exactly `["States.ALL"]`.
pub(crate) fn error_equals(ctx: &mut Ctx, f: &Fields) -> (Vec<String>, bool) {
    let ptr = f.at("ErrorEquals");
    let Some(list) = f.array(ctx, "ErrorEquals") else {
        return (Vec::new(), false);
    };
    if list.is_empty() {
        ctx.schema(ptr.clone(), "The field 'ErrorEquals' must contain at least one error name");
    }
    let mut names = Vec::new();
    for (i, v) in list.iter().enumerate() {
        match v {
            Value::String(s) => names.push(s.clone()),
            _ => ctx.type_error(format!("{ptr}/{i}"), "STRING"),
        }
    }
    let has_all = names.iter().any(|n| n == "States.ALL");
    if has_all && list.len() > 1 {
        ctx.schema(ptr, "'States.ALL' must appear alone in 'ErrorEquals'");
    }
    (names, has_all)
}

/// `States.ALL` may only be used by the last retrier or catcher of its list.
pub(crate) fn states_all_last(ctx: &mut Ctx, list_ptr: &str, field: &str, has_all: &[bool]) {
    let last = has_all.len().saturating_sub(1);
    for (i, all) in has_all.iter().enumerate() {
        if *all && i != last {
            ctx.schema(
                format!("{list_ptr}/{i}/ErrorEquals"),
                format!("The {field} with 'States.ALL' must be the last one in the array"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_of_the_other_language_are_reported_at_the_state() {
        let mut ctx = Ctx::new();
        let v = json!({"Type": "Pass", "InputPath": "$", "Output": 1, "Bogus": 2, "End": true});
        let mut f = Fields::of(&mut ctx, &v, "/States/X").unwrap();
        check_state_fields(&mut ctx, &mut f, "Pass", QueryLanguage::JSONata, LanguageCheck::Enforce);
        let got: Vec<_> = ctx.diags.iter().map(|d| (d.location.as_str(), d.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (
                    "/States/X",
                    "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage"
                ),
                ("/States/X", "Field 'Bogus' is not supported"),
            ]
        );
        assert!(!f.has("InputPath") && !f.has("Bogus") && f.has("Output"));
    }

    #[test]
    fn skipping_the_language_check_still_hides_foreign_fields() {
        let mut ctx = Ctx::new();
        let v = json!({"Type": "Pass", "Output": 1, "End": true});
        let mut f = Fields::of(&mut ctx, &v, "/States/X").unwrap();
        check_state_fields(&mut ctx, &mut f, "Pass", QueryLanguage::JSONPath, LanguageCheck::Skip);
        assert!(ctx.diags.is_empty());
        assert!(!f.has("Output"));
    }

    #[test]
    fn states_all_must_be_alone_and_last() {
        let mut ctx = Ctx::new();
        let v = json!({"ErrorEquals": ["States.ALL", "X"]});
        let f = Fields::of(&mut ctx, &v, "/States/T/Retry/0").unwrap();
        let (names, all) = error_equals(&mut ctx, &f);
        assert_eq!(names, vec!["States.ALL", "X"]);
        assert!(all);
        states_all_last(&mut ctx, "/States/T/Retry", "Retrier", &[true, false]);
        let got: Vec<_> = ctx.diags.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(got, vec!["/States/T/Retry/0/ErrorEquals", "/States/T/Retry/0/ErrorEquals"]);
    }
}
