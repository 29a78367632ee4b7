//! The JSONPath parser: text to [`Root`] and [`Step`]s, once, when a definition is loaded.
//! It follows Jayway's grammar (dot and bracket notation, `..`, `*`, slices, unions, `[?(…)]`
//! filters) since that is the dialect AWS accepts.

use super::ast::{Root, Selector, Step};
use super::filter;

/// A character cursor over a path (or a filter inside one).
pub(crate) struct Cursor {
    chars: Vec<char>,
    pos: usize,
    /// Nesting of filters and groups, bounded so that no path can exhaust the stack.
    depth: usize,
}

/// The deepest nesting of filters, groups and negations a path may have.
const MAX_DEPTH: usize = 64;
/// The most steps a path (or a path inside a filter) may have; evaluation recurses per step.
const MAX_STEPS: usize = 512;

impl Cursor {
    pub(crate) fn new(text: &str) -> Self {
        Cursor { chars: text.chars().collect(), pos: 0, depth: 0 }
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub(crate) fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    pub(crate) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn eat_str(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        let matches = s.chars().enumerate().all(|(i, c)| self.peek_at(i) == Some(c));
        if matches {
            self.pos += n;
        }
        matches
    }

    pub(crate) fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    /// Enters a nested construct; fails past [`MAX_DEPTH`].
    pub(crate) fn descend(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("filters and groups nest deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    pub(crate) fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{c}'")))
        }
    }

    /// "expected X at position N" (or "at the end").
    pub(crate) fn unexpected(&self, expected: &str) -> String {
        match self.peek() {
            Some(c) => format!("expected {expected} but found '{c}' at position {}", self.pos),
            None => format!("expected {expected} but the path ends"),
        }
    }
}

/// Where steps are being read: a whole path, or a path inside a filter (`@.a`, `$.b`), which
/// ends at the first operator or blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepContext {
    Path,
    Filter,
}

/// A parsed path.
pub(crate) struct Parsed {
    pub(crate) root: Root,
    pub(crate) steps: Vec<Step>,
    /// The text up to a `['a','b']` that is not the last step: Jayway refuses such a path
    /// whatever the document ("Multi properties can only be used as path leafs: $['a','b']").
    pub(crate) misplaced_names: Option<String>,
}

/// Parses a whole path. The error is the reason only; callers add the path and field.
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    let trimmed = text.trim();
    let mut cur = Cursor::new(trimmed);
    if !cur.eat('$') {
        return Err("a path must start with '$'".to_string());
    }
    let root = if cur.eat('$') {
        Root::Context
    } else {
        match cur.peek() {
            None | Some('.') | Some('[') => Root::Input,
            Some(_) => Root::Variable(read_variable_name(&mut cur)?),
        }
    };
    let mut steps = Vec::new();
    let mut names_end = None;
    while let Some(step) = parse_step(&mut cur, StepContext::Path, steps.len())? {
        if names_end.is_none() && matches!(step, Step::Child(Selector::Names(_))) {
            names_end = Some(cur.pos());
        }
        steps.push(step);
    }
    if !cur.at_end() {
        return Err(cur.unexpected("'.' or '['"));
    }
    let last_is_names = matches!(steps.last(), Some(Step::Child(Selector::Names(_))));
    let misplaced_names =
        names_end.filter(|end| !(last_is_names && *end == cur.pos())).map(|end| trimmed.chars().take(end).collect());
    Ok(Parsed { root, steps, misplaced_names })
}

fn read_variable_name(cur: &mut Cursor) -> Result<String, String> {
    let mut name = String::new();
    while let Some(c) = cur.peek() {
        if c == '.' || c == '[' {
            break;
        }
        if !(c.is_alphanumeric() || c == '_') {
            return Err(format!("invalid character '{c}' in a variable name"));
        }
        name.push(c);
        cur.bump();
    }
    Ok(name)
}

/// Reads steps until the end of the path (or, in a filter, the end of the operand).
pub(crate) fn parse_steps(cur: &mut Cursor, ctx: StepContext) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    while let Some(step) = parse_step(cur, ctx, steps.len())? {
        steps.push(step);
    }
    Ok(steps)
}

/// Reads one step, if one starts here; `count` is the number of steps read so far.
fn parse_step(cur: &mut Cursor, ctx: StepContext, count: usize) -> Result<Option<Step>, String> {
    if count >= MAX_STEPS && matches!(cur.peek(), Some('.' | '[')) {
        return Err(format!("a path may have at most {MAX_STEPS} steps"));
    }
    let step = match cur.peek() {
        Some('.') if cur.peek_at(1) == Some('.') => {
            cur.bump();
            cur.bump();
            Step::Scan(parse_after_dot(cur, ctx)?)
        }
        Some('.') => {
            cur.bump();
            Step::Child(parse_after_dot(cur, ctx)?)
        }
        Some('[') => Step::Child(parse_bracket(cur)?),
        _ => return Ok(None),
    };
    Ok(Some(step))
}

/// What follows `.` or `..`: `*`, a bracket, a name or a function call.
fn parse_after_dot(cur: &mut Cursor, ctx: StepContext) -> Result<Selector, String> {
    match cur.peek() {
        None => Err("a path must not end with '.' or '..'".to_string()),
        Some('*') => {
            cur.bump();
            Ok(Selector::Wildcard)
        }
        // Jayway also reads `$.['a']` and `$.[0]` as `$['a']` and `$[0]`.
        Some('[') => parse_bracket(cur),
        Some('.') => Err(cur.unexpected("a property name")),
        Some(_) => parse_name(cur, ctx),
    }
}

fn ends_name(c: char, ctx: StepContext) -> bool {
    match ctx {
        StepContext::Path => c == '.' || c == '[' || c == '(',
        StepContext::Filter => c == '.' || c == '[' || c == '(' || c.is_whitespace() || "=<>!)&|,~".contains(c),
    }
}

fn parse_name(cur: &mut Cursor, ctx: StepContext) -> Result<Selector, String> {
    let mut name = String::new();
    while let Some(c) = cur.peek() {
        if ends_name(c, ctx) {
            break;
        }
        if c.is_whitespace() {
            return Err(format!(
                "use bracket notation ['my prop'] if a property contains blanks (position {})",
                cur.pos()
            ));
        }
        name.push(c);
        cur.bump();
    }
    if name.is_empty() {
        return Err(cur.unexpected("a property name"));
    }
    if cur.peek() == Some('(') {
        skip_arguments(cur)?;
        return Ok(Selector::Function(name));
    }
    Ok(Selector::Name(name))
}

/// Skips a function's argument list, `(` … `)`, balancing nested parentheses and quotes.
fn skip_arguments(cur: &mut Cursor) -> Result<(), String> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    while let Some(c) = cur.bump() {
        match (quote, c) {
            (Some(_), '\\') => {
                cur.bump();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(());
                }
            }
            (None, _) => {}
        }
    }
    Err("unclosed '(' in a function call".to_string())
}

/// `[…]`: quoted names, `*`, a filter, or indexes / a slice.
fn parse_bracket(cur: &mut Cursor) -> Result<Selector, String> {
    cur.expect('[')?;
    cur.skip_ws();
    let selector = match cur.peek() {
        Some('\'') | Some('"') => parse_names(cur)?,
        Some('*') => {
            cur.bump();
            Selector::Wildcard
        }
        Some('?') => {
            cur.bump();
            cur.descend()?;
            let parsed = filter::parse_filter(cur)?;
            cur.ascend();
            Selector::Filter(Box::new(parsed))
        }
        Some(_) => parse_indexes(cur)?,
        None => return Err(cur.unexpected("a bracket expression")),
    };
    cur.skip_ws();
    cur.expect(']')?;
    Ok(selector)
}

fn parse_names(cur: &mut Cursor) -> Result<Selector, String> {
    let mut names = vec![read_quoted(cur)?];
    loop {
        cur.skip_ws();
        if !cur.eat(',') {
            break;
        }
        cur.skip_ws();
        names.push(read_quoted(cur)?);
    }
    Ok(match names.len() {
        1 => Selector::Name(names.remove(0)),
        _ => Selector::Names(names),
    })
}

/// A quoted string. A backslash escapes the quote and a backslash; before any other character
/// it is kept as it is (AWS reads `['a\"b']` as the key `a\"b`).
pub(crate) fn read_quoted(cur: &mut Cursor) -> Result<String, String> {
    let quote = match cur.bump() {
        Some(q @ ('\'' | '"')) => q,
        _ => return Err("expected a quoted string".to_string()),
    };
    let mut out = String::new();
    loop {
        match cur.bump() {
            None => return Err("unclosed quoted string".to_string()),
            Some('\\') => match cur.bump() {
                Some(c) if c == quote || c == '\\' => out.push(c),
                Some(c) => {
                    out.push('\\');
                    out.push(c);
                }
                None => return Err("unclosed quoted string".to_string()),
            },
            Some(c) if c == quote => return Ok(out),
            Some(c) => out.push(c),
        }
    }
}

/// `[0]`, `[-1]`, `[0,2]`, `[1:5]`, `[:2]`, `[1:]`, `[::2]`.
fn parse_indexes(cur: &mut Cursor) -> Result<Selector, String> {
    let mut raw = String::new();
    while let Some(c) = cur.peek() {
        if c == ']' {
            break;
        }
        raw.push(c);
        cur.bump();
    }
    if raw.contains(':') {
        let parts: Vec<&str> = raw.split(':').collect();
        if parts.len() > 3 {
            return Err(format!("invalid array slice '[{raw}]'"));
        }
        let part = |i: usize| -> Result<Option<i64>, String> {
            match parts.get(i).map(|s| s.trim()) {
                None | Some("") => Ok(None),
                Some(s) => s.parse().map(Some).map_err(|_| format!("invalid array slice '[{raw}]'")),
            }
        };
        return Ok(Selector::Slice { start: part(0)?, end: part(1)?, step: part(2)? });
    }
    let mut indexes = Vec::new();
    for item in raw.split(',') {
        let item = item.trim();
        let index = item.parse::<i64>().map_err(|_| format!("invalid array index '[{raw}]'"))?;
        indexes.push(index);
    }
    Ok(match indexes.len() {
        1 => Selector::Index(indexes[0]),
        _ => Selector::Indices(indexes),
    })
}
