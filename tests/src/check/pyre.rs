//! Python `re` patterns and `re.sub` on top of the `regex` crate: the pattern syntax that
//! differs (escapes, literal braces, character classes), Python's replacement templates, and
//! its rule for empty matches. Look-around and back-references are not supported.

use regex::{Captures, Regex};

/// A compiled Python pattern.
#[derive(Debug, Clone)]
pub struct PyRegex {
    rx: Regex,
}

impl PyRegex {
    /// `re.compile(pattern)`; the error says why the pattern cannot be used.
    pub fn new(pattern: &str) -> Result<PyRegex, String> {
        let translated = translate(pattern)?;
        Regex::new(&translated).map(|rx| PyRegex { rx }).map_err(|e| e.to_string())
    }

    /// `re.match(pattern, text)`: the captures of a match anchored at the start.
    pub fn match_start<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.rx.captures(text).filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
    }

    /// `pattern.sub(template, text)`.
    pub fn sub(&self, template: &str, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        let mut search = 0;
        let mut must_advance = false;
        while search <= text.len() {
            let Some(caps) = self.captures_from(text, search, must_advance) else {
                break;
            };
            let Some(m) = caps.get(0) else { break };
            out.push_str(&text[last..m.start()]);
            expand_template(template, &caps, &mut out);
            last = m.end();
            must_advance = m.start() == m.end();
            search = m.end();
        }
        out.push_str(&text[last..]);
        out
    }

    /// The first match at or after `from`; after an empty match Python does not accept another
    /// empty match at the same place, so the search moves one character on.
    fn captures_from<'t>(&self, text: &'t str, from: usize, must_advance: bool) -> Option<Captures<'t>> {
        let caps = self.rx.captures_at(text, from)?;
        let m = caps.get(0)?;
        if must_advance && m.start() == from && m.end() == from {
            let next = from + text[from..].chars().next()?.len_utf8();
            return self.rx.captures_at(text, next);
        }
        Some(caps)
    }
}

/// Python pattern syntax → `regex` syntax.
fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i = translate_escape(&chars, i, &mut out)?,
            '[' => i = translate_class(&chars, i, &mut out)?,
            '{' => match quantifier(&chars, i) {
                Some((text, next)) => {
                    out.push_str(&text);
                    i = next;
                }
                None => {
                    out.push_str("\\{");
                    i += 1;
                }
            },
            '}' => {
                out.push_str("\\}");
                i += 1;
            }
            '(' if chars.get(i + 1) == Some(&'?') => i = translate_group(&chars, i, &mut out)?,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` are repetitions in Python; any other `{` is literal.
fn quantifier(chars: &[char], open: usize) -> Option<(String, usize)> {
    let close = (open + 1..chars.len()).find(|&i| chars[i] == '}')?;
    let inner: String = chars[open + 1..close].iter().collect();
    let (lo, hi) = match inner.split_once(',') {
        Some((lo, hi)) => (lo, Some(hi)),
        None => (inner.as_str(), None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(lo) || !hi.is_none_or(digits) || (lo.is_empty() && hi.is_none_or(str::is_empty)) {
        return None;
    }
    let lo = if lo.is_empty() { "0" } else { lo };
    let text = match hi {
        Some(hi) => format!("{{{lo},{hi}}}"),
        None => format!("{{{lo}}}"),
    };
    Some((text, close + 1))
}

fn translate_group(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let rest: String = chars[i..].iter().take(4).collect();
    if rest.starts_with("(?=") || rest.starts_with("(?!") || rest.starts_with("(?<=") || rest.starts_with("(?<!") {
        return Err("look-around is not supported".into());
    }
    if rest.starts_with("(?P=") {
        return Err("back-references are not supported".into());
    }
    if rest.starts_with("(?#") {
        let close = (i..chars.len()).find(|&j| chars[j] == ')').ok_or("unterminated comment")?;
        return Ok(close + 1);
    }
    out.push_str("(?");
    Ok(i + 2)
}

/// One escape outside a class; returns the index after it.
fn translate_escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let c = *chars.get(i + 1).ok_or("bad escape (end of pattern)")?;
    match c {
        'd' | 'D' | 'w' | 'W' | 's' | 'S' | 'b' | 'B' | 'A' => {
            out.push('\\');
            out.push(c);
        }
        'Z' => out.push_str("\\z"),
        '1'..='9' => return Err("back-references are not supported".into()),
        _ => return char_escape(chars, i, out),
    }
    Ok(i + 2)
}

/// An escape that stands for one character (valid in and out of classes).
fn char_escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let c = *chars.get(i + 1).ok_or("bad escape (end of pattern)")?;
    let (ch, next) = match c {
        'n' => ('\n', i + 2),
        't' => ('\t', i + 2),
        'r' => ('\r', i + 2),
        'f' => ('\u{c}', i + 2),
        'v' => ('\u{b}', i + 2),
        'a' => ('\u{7}', i + 2),
        'x' => hex_escape(chars, i + 2, 2)?,
        'u' => hex_escape(chars, i + 2, 4)?,
        'U' => hex_escape(chars, i + 2, 8)?,
        '0' => {
            let end = (i + 2..(i + 4).min(chars.len()))
                .find(|&j| !('0'..='7').contains(&chars[j]))
                .unwrap_or((i + 4).min(chars.len()));
            let digits: String = chars[i + 2..end].iter().collect();
            let code =
                if digits.is_empty() { 0 } else { u32::from_str_radix(&digits, 8).map_err(|e| e.to_string())? };
            (char::from_u32(code).ok_or("bad octal escape")?, end)
        }
        c if c.is_ascii_alphanumeric() => return Err(format!("bad escape \\{c}")),
        c => (c, i + 2),
    };
    push_literal(ch, out);
    Ok(next)
}

fn hex_escape(chars: &[char], start: usize, width: usize) -> Result<(char, usize), String> {
    let digits: String = chars.get(start..start + width).ok_or("incomplete escape")?.iter().collect();
    let code = u32::from_str_radix(&digits, 16).map_err(|_| format!("incomplete escape {digits}"))?;
    Ok((char::from_u32(code).ok_or("bad character code")?, start + width))
}

/// A literal character, escaped when `regex` gives it a meaning (in or out of a class).
fn push_literal(c: char, out: &mut String) {
    if c.is_ascii_punctuation() && c != '<' && c != '>' {
        out.push('\\');
        out.push(c);
    } else if c.is_ascii_whitespace() || c.is_ascii_control() {
        out.push_str(&format!("\\x{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// A Python character class, item by item as `sre_parse` reads it; returns the index after
/// its closing `]`.
fn translate_class(chars: &[char], open: usize, out: &mut String) -> Result<usize, String> {
    let mut i = open + 1;
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let start = i;
    loop {
        let c = *chars.get(i).ok_or("unterminated character set")?;
        if c == ']' && i > start {
            out.push(']');
            return Ok(i + 1);
        }
        let (lo, next) = class_item(chars, i, out)?;
        i = next;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
            let (hi, next) = class_item(chars, i + 1, &mut String::new())?;
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo <= hi => {
                    out.push('-');
                    push_literal(hi, out);
                }
                _ => return Err("bad character range".into()),
            }
            i = next;
        }
    }
}

/// One class member at `i`: emitted to `out`; returns its character when it is a single
/// character (so it may start or end a range).
fn class_item(chars: &[char], i: usize, out: &mut String) -> Result<(Option<char>, usize), String> {
    let c = chars[i];
    if c != '\\' {
        push_literal(c, out);
        return Ok((Some(c), i + 1));
    }
    let e = *chars.get(i + 1).ok_or("bad escape (end of pattern)")?;
    if matches!(e, 'd' | 'D' | 'w' | 'W' | 's' | 'S') {
        out.push('\\');
        out.push(e);
        return Ok((None, i + 2));
    }
    if e == 'b' {
        push_literal('\u{8}', out);
        return Ok((Some('\u{8}'), i + 2));
    }
    let mut one = String::new();
    let next = char_escape(chars, i, &mut one)?;
    out.push_str(&one);
    let ch = if one.starts_with("\\x{") {
        one_char_of_hex(&one)
    } else {
        one.strip_prefix('\\').unwrap_or(&one).chars().next()
    };
    Ok((ch, next))
}

fn one_char_of_hex(escaped: &str) -> Option<char> {
    let hex = escaped.strip_prefix("\\x{")?.strip_suffix('}')?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// Python's replacement template: `\1`, `\g<name>`, `\g<1>`, `\n`-style escapes, octal
/// escapes; unknown escapes of non-letters stay as written; unmatched groups are empty.
pub fn expand_template(template: &str, caps: &Captures<'_>, out: &mut String) {
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' || i + 1 == chars.len() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let c = chars[i + 1];
        let group = |name: &str| -> String {
            match name.parse::<usize>() {
                Ok(n) => caps.get(n),
                Err(_) => caps.name(name),
            }
            .map(|m| m.as_str().to_string())
            .unwrap_or_default()
        };
        i += 2;
        match c {
            'g' if chars.get(i) == Some(&'<') => {
                let close = (i..chars.len()).find(|&j| chars[j] == '>').unwrap_or(chars.len());
                let name: String = chars[(i + 1).min(close)..close].iter().collect();
                out.push_str(&group(&name));
                i = close + 1;
            }
            '0'..='7' if octal3(&chars, i - 1) || c == '0' => {
                let end = (i..(i + 2).min(chars.len()))
                    .find(|&j| !('0'..='7').contains(&chars[j]))
                    .unwrap_or((i + 2).min(chars.len()));
                let digits: String = chars[i - 1..end].iter().collect();
                let code = u32::from_str_radix(&digits, 8).unwrap_or(0);
                out.extend(char::from_u32(code));
                i = end;
            }
            '1'..='9' => {
                let two = chars.get(i).is_some_and(|d| d.is_ascii_digit());
                let name: String = chars[i - 1..i + usize::from(two)].iter().collect();
                out.push_str(&group(&name));
                i += usize::from(two);
            }
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            '\\' => out.push('\\'),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
}

/// Three octal digits starting at `i` (Python reads `\123` as a character, not group 12).
fn octal3(chars: &[char], i: usize) -> bool {
    (i..i + 3).all(|j| chars.get(j).is_some_and(|c| ('0'..='7').contains(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(p: &str, r: &str, s: &str) -> String {
        match PyRegex::new(p) {
            Ok(rx) => rx.sub(r, s),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn corpus_patterns_behave_as_in_python() {
        assert_eq!(
            sub("Extended Request ID: [a-zA-Z0-9-/=+]+", "Extended Request ID: <x>", "Extended Request ID: ab/c=+-9 z"),
            "Extended Request ID: <x> z"
        );
        assert_eq!(sub("<s3_create_bucket>\\(\\)", "bucket-name", "a <s3_create_bucket>() b"), "a bucket-name b");
        assert_eq!(
            sub(
                r#"\\"requestId\\": \\"([a-f0-9\-]+)\\""#,
                r#"\"requestId\": \"<request-id>\""#,
                r#"{\"requestId\": \"ab-12\"}"#
            ),
            r#"{\"requestId\": \"<request-id>\"}"#
        );
        assert_eq!(sub("config\\.TEST", "<t>", "config.TEST configxTEST"), "<t> configxTEST");
    }

    #[test]
    fn python_syntax_differences() {
        assert_eq!(sub("a{", "X", "a{b"), "X".to_string() + "b");
        assert_eq!(sub("a{,2}b", "X", "aab"), "X");
        assert_eq!(sub(r"\<x\>", "X", "<x>"), "X");
        assert_eq!(sub(r"[]a]", "X", "]a"), "XX");
        assert_eq!(sub(r"[a-c-]", "X", "b-d"), "XXd");
        assert_eq!(sub(r"(?<=a)b", "X", "ab"), "ERR look-around is not supported");
        assert_eq!(sub(r"\q", "X", "q"), "ERR bad escape \\q");
    }

    #[test]
    fn templates_and_empty_matches_follow_python() {
        assert_eq!(sub("x*", "-", "abxd"), "-a-b--d-");
        assert_eq!(sub("(a)(?P<n>b)", r"\2\1\g<n>\g<1>\n\&", "ab"), "baba\n\\&");
        assert_eq!(sub("(a)|b", r"[\1]", "ab"), "[a][]");
        assert_eq!(sub("a", r"\101", "a"), "A");
    }
}
