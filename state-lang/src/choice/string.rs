//! `String*` comparisons and `StringMatches`: strings are ordered by UTF-16 code units (as AWS's Java
//! runtime orders them), and `StringMatches` patterns are compiled once into literal segments around `*`.

use std::cmp::Ordering;

use serde_json::Value;

use super::Cmp;

/// `String*` on two values: true only when both are strings and the relation holds.
pub fn compare(cmp: Cmp, left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::String(l), Value::String(r)) => match cmp {
            Cmp::Equals => l == r,
            _ => cmp.holds(compare_strings(l, r)),
        },
        _ => false,
    }
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units. It differs from Rust's order (by
/// code point) only between characters at or above U+E000 and those beyond U+FFFF, so the common case
/// compares bytes and only the first differing characters are re-examined.
pub fn compare_strings(a: &str, b: &str) -> Ordering {
    let prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Back up to the start of the character the first difference falls in.
    let mut start = prefix;
    while !a.is_char_boundary(start) {
        start -= 1;
    }
    let (Some(rest_a), Some(rest_b)) = (a.get(start..), b.get(start..)) else {
        return a.encode_utf16().cmp(b.encode_utf16());
    };
    match (rest_a.chars().next(), rest_b.chars().next()) {
        (Some(x), Some(y)) => {
            let mut bx = [0u16; 2];
            let mut by = [0u16; 2];
            let (ux, uy): (&[u16], &[u16]) = (x.encode_utf16(&mut bx), y.encode_utf16(&mut by));
            ux.cmp(uy)
        }
        _ => a.len().cmp(&b.len()),
    }
}

/// A compiled `StringMatches` pattern: `*` matches any run of characters (including none), `\*` is a
/// literal asterisk and `\\` a literal backslash; a backslash before anything else stands for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The literal text between wildcards: `a*b*c` is `["a", "b", "c"]`; no wildcard is one segment.
    segments: Vec<String>,
}

impl Pattern {
    pub fn compile(pattern: &str) -> Pattern {
        let mut segments = vec![String::new()];
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            let current = segments.last_mut();
            match (c, chars.peek()) {
                ('\\', Some(&next)) if next == '*' || next == '\\' => {
                    chars.next();
                    if let Some(s) = current {
                        s.push(next);
                    }
                }
                ('*', _) => segments.push(String::new()),
                (c, _) => {
                    if let Some(s) = current {
                        s.push(c);
                    }
                }
            }
        }
        Pattern { segments }
    }

    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            return text == first;
        };
        let Some(text) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        if text.len() < last.len() || !text.ends_with(last.as_str()) {
            return false;
        }
        let mut between = &text[..text.len() - last.len()];
        // Taking the leftmost occurrence of each middle segment leaves the most room for the others.
        for seg in middle {
            match between.find(seg.as_str()) {
                Some(at) => between = &between[at + seg.len()..],
                None => return false,
            }
        }
        true
    }
}

/// `StringMatches` on a value: true only for a string that matches.
pub fn matches(left: &Value, pattern: &Pattern) -> bool {
    left.as_str().is_some_and(|s| pattern.matches(s))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::compile(pattern).matches(text)
    }

    #[test]
    fn equality_is_exact() {
        assert!(compare(Cmp::Equals, &json!("Hello"), &json!("Hello")));
        assert!(!compare(Cmp::Equals, &json!(" "), &json!("     ")));
        assert!(!compare(Cmp::Equals, &json!("\t\n"), &json!("\t\r\n")));
        assert!(!compare(Cmp::Equals, &json!("hello"), &json!("Hello")));
        assert!(compare(Cmp::Equals, &json!(""), &json!("")));
    }

    #[test]
    fn ordering_is_lexicographic() {
        assert!(compare(Cmp::LessThan, &json!("A"), &json!("AB")));
        assert!(!compare(Cmp::LessThan, &json!(""), &json!("")));
        assert!(compare(Cmp::LessThanEquals, &json!(""), &json!("")));
        assert!(!compare(Cmp::GreaterThan, &json!("A"), &json!("A ")));
        assert!(!compare(Cmp::GreaterThan, &json!("A"), &json!("A\t\n\r")));
        assert!(compare(Cmp::GreaterThanEquals, &json!("AB"), &json!("A")));
        assert!(!compare(Cmp::GreaterThanEquals, &json!("A"), &json!("AB")));
        assert!(compare(Cmp::LessThan, &json!("B"), &json!("a")));
        assert!(compare(Cmp::GreaterThan, &json!("b"), &json!("abc")));
    }

    #[test]
    fn ordering_follows_utf16_code_units() {
        // U+FF21 (fullwidth A) is one code unit 0xFF21; U+1F600 starts with surrogate 0xD83D.
        assert_eq!(compare_strings("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
        assert_eq!(compare_strings("x\u{1F600}", "x\u{FF21}"), Ordering::Less);
        assert_eq!(compare_strings("é", "e"), Ordering::Greater);
        assert_eq!(compare_strings("ab", "abc"), Ordering::Less);
        assert_eq!(compare_strings("abc", "abc"), Ordering::Equal);
        // Same first byte, different characters.
        assert_eq!(compare_strings("\u{00E9}", "\u{00E8}"), Ordering::Greater);
    }

    #[test]
    fn non_strings_never_match() {
        for v in [json!(null), json!(0), json!(1.5), json!([]), json!([""]), json!({}), json!({"A": 0}), json!(true)] {
            for cmp in Cmp::ALL {
                assert!(!compare(cmp, &v, &json!("HelloWorld")), "{cmp:?} {v}");
                assert!(!compare(cmp, &json!("HelloWorld"), &v), "{cmp:?} {v} as operand");
            }
            assert!(!matches(&v, &Pattern::compile("*")));
        }
    }

    #[test]
    fn wildcards_match_any_run() {
        assert!(m("foo*.log", "foo23.log"));
        assert!(m("*.log", "zebra.log"));
        assert!(m("foo*.*", "foobar.zebra"));
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("**", "x"));
        assert!(m("a*a", "aa"));
        assert!(!m("a*a", "a"));
        assert!(m("a*b*c", "abc"));
        assert!(m("a*b*c", "aXbYbZc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("*ab*ab*", "abab"));
        assert!(!m("*ab*ab*", "aba"));
        assert!(!m("foo*.log", "foo23.txt"));
        assert!(!m("foo", "foobar"));
        assert!(m("", ""));
        assert!(!m("", "x"));
        assert!(m("日本*", "日本語"));
    }

    #[test]
    fn escapes_make_stars_and_backslashes_literal() {
        assert!(m(r"a\*b", "a*b"));
        assert!(!m(r"a\*b", "aXb"));
        assert!(m(r"a\\*", r"a\anything"));
        assert!(!m(r"a\\*", "aX"));
        assert!(m(r"a\\\*", r"a\*"));
        assert!(m(r"C:\dir\*", r"C:\dir*"));
        assert!(m(r"C:\dir*", r"C:\dir\file"));
        assert!(m("trailing\\", "trailing\\"));
    }
}
