//! Filter expressions, `[?(@.price < 10 && @.tag == 'x')]`: their parser and their test of one
//! node, with Jayway's comparison rules (a missing property makes a comparison false; a bare
//! path is an existence test; `=~` must match the whole string).

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::ast::{is_definite, Step};
use super::eval;
use super::parser::{parse_steps, read_quoted, Cursor, StepContext};

#[derive(Debug, Clone)]
pub(crate) enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// A bare operand: a path that selects something, or the literal `true`.
    Exists(Operand),
    Compare {
        left: Operand,
        op: CmpOp,
        right: Operand,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Operand {
    /// `@…`: relative to the node under test.
    Current(Vec<Step>),
    /// `$…`: relative to the document's root.
    Root(Vec<Step>),
    Literal(Value),
    Regex(regex::Regex),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    Matches,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
}

/// Parses what follows `[?`: `(expr)` as Jayway writes it, or a bare `expr`.
pub(crate) fn parse_filter(cur: &mut Cursor) -> Result<Filter, String> {
    cur.skip_ws();
    // The whole filter is usually parenthesized; an inner parenthesized group is handled by
    // the expression grammar, so the outer pair is just a group too.
    parse_or(cur)
}

fn parse_or(cur: &mut Cursor) -> Result<Filter, String> {
    let mut left = parse_and(cur)?;
    loop {
        cur.skip_ws();
        if !cur.eat_str("||") {
            return Ok(left);
        }
        let right = parse_and(cur)?;
        left = Filter::Or(Box::new(left), Box::new(right));
    }
}

fn parse_and(cur: &mut Cursor) -> Result<Filter, String> {
    let mut left = parse_unary(cur)?;
    loop {
        cur.skip_ws();
        if !cur.eat_str("&&") {
            return Ok(left);
        }
        let right = parse_unary(cur)?;
        left = Filter::And(Box::new(left), Box::new(right));
    }
}

fn parse_unary(cur: &mut Cursor) -> Result<Filter, String> {
    cur.descend()?;
    let parsed = parse_unary_inner(cur);
    cur.ascend();
    parsed
}

fn parse_unary_inner(cur: &mut Cursor) -> Result<Filter, String> {
    cur.skip_ws();
    if cur.peek() == Some('!') && cur.peek_at(1) != Some('=') {
        cur.bump();
        return Ok(Filter::Not(Box::new(parse_unary(cur)?)));
    }
    if cur.eat('(') {
        let inner = parse_or(cur)?;
        cur.skip_ws();
        cur.expect(')')?;
        return Ok(inner);
    }
    let left = parse_operand(cur)?;
    cur.skip_ws();
    match parse_op(cur) {
        Some(op) => {
            cur.skip_ws();
            let right = parse_operand(cur)?;
            Ok(Filter::Compare { left, op, right })
        }
        None => Ok(Filter::Exists(left)),
    }
}

fn parse_op(cur: &mut Cursor) -> Option<CmpOp> {
    const SYMBOLS: [(&str, CmpOp); 9] = [
        ("===", CmpOp::StrictEq),
        ("!==", CmpOp::StrictNe),
        ("==", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("=~", CmpOp::Matches),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
    ];
    for (text, op) in SYMBOLS {
        if cur.eat_str(text) {
            return Some(op);
        }
    }
    const WORDS: [(&str, CmpOp); 7] = [
        ("subsetof", CmpOp::SubsetOf),
        ("anyof", CmpOp::AnyOf),
        ("noneof", CmpOp::NoneOf),
        ("empty", CmpOp::Empty),
        ("size", CmpOp::Size),
        ("nin", CmpOp::Nin),
        ("in", CmpOp::In),
    ];
    for (word, op) in WORDS {
        let followed_by_space = cur.peek_at(word.len()).is_none_or(|c| !c.is_alphanumeric());
        if followed_by_space && cur.eat_str(word) {
            return Some(op);
        }
    }
    None
}

fn parse_operand(cur: &mut Cursor) -> Result<Operand, String> {
    cur.skip_ws();
    match cur.peek() {
        Some('@') => {
            cur.bump();
            Ok(Operand::Current(parse_steps(cur, StepContext::Filter)?))
        }
        Some('$') => {
            cur.bump();
            Ok(Operand::Root(parse_steps(cur, StepContext::Filter)?))
        }
        Some('/') => parse_regex(cur),
        Some(_) => Ok(Operand::Literal(parse_literal(cur)?)),
        None => Err(cur.unexpected("an operand")),
    }
}

/// `/pattern/flags`; Jayway matches the whole string, so the pattern is anchored.
fn parse_regex(cur: &mut Cursor) -> Result<Operand, String> {
    cur.expect('/')?;
    let mut pattern = String::new();
    loop {
        match cur.bump() {
            None => return Err("unclosed regular expression".to_string()),
            Some('\\') if cur.peek() == Some('/') => {
                cur.bump();
                pattern.push('/');
            }
            Some('\\') => {
                pattern.push('\\');
                if let Some(c) = cur.bump() {
                    pattern.push(c);
                }
            }
            Some('/') => break,
            Some(c) => pattern.push(c),
        }
    }
    let mut flags = String::new();
    while let Some(c) = cur.peek().filter(char::is_ascii_alphabetic) {
        if "imsx".contains(c) {
            flags.push(c);
        }
        cur.bump();
    }
    let full = match flags.is_empty() {
        true => format!("^(?:{pattern})$"),
        false => format!("(?{flags})^(?:{pattern})$"),
    };
    regex::Regex::new(&full).map(Operand::Regex).map_err(|e| format!("invalid regular expression /{pattern}/: {e}"))
}

/// A literal: a quoted string, a number, `true`/`false`/`null`, or a list / object of them.
fn parse_literal(cur: &mut Cursor) -> Result<Value, String> {
    cur.descend()?;
    let parsed = parse_literal_inner(cur);
    cur.ascend();
    parsed
}

fn parse_literal_inner(cur: &mut Cursor) -> Result<Value, String> {
    cur.skip_ws();
    match cur.peek() {
        Some('\'' | '"') => Ok(Value::String(read_quoted(cur)?)),
        Some('[') => parse_list(cur),
        Some('{') => parse_object(cur),
        Some(c) if c == '-' || c.is_ascii_digit() => parse_number(cur),
        _ => {
            for (word, value) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
                if cur.eat_str(word) {
                    return Ok(value);
                }
            }
            Err(cur.unexpected("a value"))
        }
    }
}

fn parse_list(cur: &mut Cursor) -> Result<Value, String> {
    cur.expect('[')?;
    let mut items = Vec::new();
    cur.skip_ws();
    if cur.eat(']') {
        return Ok(Value::Array(items));
    }
    loop {
        items.push(parse_literal(cur)?);
        cur.skip_ws();
        if cur.eat(']') {
            return Ok(Value::Array(items));
        }
        cur.expect(',')?;
    }
}

fn parse_object(cur: &mut Cursor) -> Result<Value, String> {
    cur.expect('{')?;
    let mut map = Map::new();
    cur.skip_ws();
    if cur.eat('}') {
        return Ok(Value::Object(map));
    }
    loop {
        cur.skip_ws();
        let key = read_quoted(cur)?;
        cur.skip_ws();
        cur.expect(':')?;
        map.insert(key, parse_literal(cur)?);
        cur.skip_ws();
        if cur.eat('}') {
            return Ok(Value::Object(map));
        }
        cur.expect(',')?;
    }
}

fn parse_number(cur: &mut Cursor) -> Result<Value, String> {
    let mut text = String::new();
    while let Some(c) = cur.peek() {
        if !(c.is_ascii_digit() || "+-.eE".contains(c)) {
            break;
        }
        text.push(c);
        cur.bump();
    }
    if let Ok(i) = text.parse::<i64>() {
        return Ok(Value::from(i));
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("invalid number '{text}'"))
}

impl Filter {
    /// Whether `node` passes; `root` is the document `$` refers to inside the filter.
    pub(crate) fn test(&self, node: &Value, root: &Value) -> bool {
        match self {
            Filter::Or(a, b) => a.test(node, root) || b.test(node, root),
            Filter::And(a, b) => a.test(node, root) && b.test(node, root),
            Filter::Not(inner) => !inner.test(node, root),
            Filter::Exists(operand) => match operand {
                Operand::Literal(v) => *v == Value::Bool(true),
                Operand::Regex(_) => false,
                Operand::Current(steps) => selects_any(steps, node, root),
                Operand::Root(steps) => selects_any(steps, root, root),
            },
            Filter::Compare { left, op, right } => compare(left, *op, right, node, root),
        }
    }
}

fn selects_any(steps: &[Step], start: &Value, root: &Value) -> bool {
    let mut found = Vec::new();
    eval::collect(steps, start, root, &mut found);
    !found.is_empty()
}

/// An operand's value: `None` when a path selects nothing.
fn resolve<'v>(operand: &'v Operand, node: &'v Value, root: &'v Value) -> Option<Cow<'v, Value>> {
    let (steps, start) = match operand {
        Operand::Literal(v) => return Some(Cow::Borrowed(v)),
        Operand::Regex(_) => return None,
        Operand::Current(steps) => (steps, node),
        Operand::Root(steps) => (steps, root),
    };
    let mut found = Vec::new();
    eval::collect(steps, start, root, &mut found);
    if is_definite(steps) {
        found.into_iter().next()
    } else {
        Some(Cow::Owned(Value::Array(found.into_iter().map(Cow::into_owned).collect())))
    }
}

fn compare(left: &Operand, op: CmpOp, right: &Operand, node: &Value, root: &Value) -> bool {
    if op == CmpOp::Matches {
        let Operand::Regex(re) = right else {
            return false;
        };
        return match resolve(left, node, root).as_deref() {
            Some(Value::String(s)) => re.is_match(s),
            _ => false,
        };
    }
    let l = resolve(left, node, root);
    let r = resolve(right, node, root);
    let (Some(l), Some(r)) = (l.as_deref(), r.as_deref()) else {
        // A missing operand fails every test but the negative ones.
        return matches!(op, CmpOp::Ne | CmpOp::StrictNe | CmpOp::Nin | CmpOp::NoneOf);
    };
    match op {
        CmpOp::Eq => loose_eq(l, r),
        CmpOp::Ne => !loose_eq(l, r),
        CmpOp::StrictEq => l == r || numbers_eq(l, r),
        CmpOp::StrictNe => !(l == r || numbers_eq(l, r)),
        CmpOp::Lt => order(l, r).is_some_and(|o| o.is_lt()),
        CmpOp::Le => order(l, r).is_some_and(|o| o.is_le()),
        CmpOp::Gt => order(l, r).is_some_and(|o| o.is_gt()),
        CmpOp::Ge => order(l, r).is_some_and(|o| o.is_ge()),
        CmpOp::In => r.as_array().is_some_and(|a| a.iter().any(|x| loose_eq(l, x))),
        CmpOp::Nin => !r.as_array().is_some_and(|a| a.iter().any(|x| loose_eq(l, x))),
        CmpOp::SubsetOf => set_test(l, r, |ls, rs| ls.iter().all(|x| contains(rs, x))),
        CmpOp::AnyOf => set_test(l, r, |ls, rs| ls.iter().any(|x| contains(rs, x))),
        CmpOp::NoneOf => set_test(l, r, |ls, rs| !ls.iter().any(|x| contains(rs, x))),
        CmpOp::Size => size_of(l).is_some_and(|n| r.as_u64() == Some(n as u64)),
        CmpOp::Empty => match (size_of(l), r) {
            (Some(n), Value::Bool(want)) => (n == 0) == *want,
            _ => false,
        },
        CmpOp::Matches => false,
    }
}

fn contains(items: &[Value], x: &Value) -> bool {
    items.iter().any(|y| loose_eq(x, y))
}

fn set_test(l: &Value, r: &Value, test: impl Fn(&[Value], &[Value]) -> bool) -> bool {
    match (l, r) {
        (Value::Array(ls), Value::Array(rs)) => test(ls, rs),
        _ => false,
    }
}

fn size_of(v: &Value) -> Option<usize> {
    match v {
        Value::Array(a) => Some(a.len()),
        Value::String(s) => Some(s.chars().count()),
        _ => None,
    }
}

fn numbers_eq(l: &Value, r: &Value) -> bool {
    match (l.as_f64(), r.as_f64()) {
        (Some(a), Some(b)) => l.is_number() && r.is_number() && a == b,
        _ => false,
    }
}

/// Jayway's `==`: numbers by value (a numeric string counts as its number), everything else
/// as JSON.
fn loose_eq(l: &Value, r: &Value) -> bool {
    match (as_number(l), as_number(r)) {
        (Some(a), Some(b)) if l.is_number() || r.is_number() => a == b,
        _ => l == r || numbers_eq(l, r),
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// Ordering for `<`, `<=`, `>`, `>=`: numbers with numbers, strings with strings.
fn order(l: &Value, r: &Value) -> Option<std::cmp::Ordering> {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
