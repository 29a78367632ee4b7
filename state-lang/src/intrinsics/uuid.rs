//! `States.UUID()`: a random version-4 UUID from the execution's entropy.

use serde_json::Value;

use crate::env::Env;

pub(super) fn uuid(env: &Env) -> Value {
    Value::String(env.entropy.uuid_v4())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::intrinsics::test_support::eval;

    #[test]
    fn uuid_is_a_version_4_uuid() {
        let v = eval("States.UUID()", &json!({}));
        let s = v.as_str().unwrap_or_default();
        let groups: Vec<usize> = s.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(s.chars().nth(14), Some('4'));
        assert!(matches!(s.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
        let two = eval("States.Array(States.UUID(), States.UUID())", &json!({}));
        assert_ne!(two[0], two[1]);
    }
}
