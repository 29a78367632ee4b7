//! The grammar of an intrinsic call: `States.Name(arg, …)` where an argument is a string literal
//! in single quotes, a number, `true`/`false`/`null`, a JSONPath (`$…`, `$$…`, `$var…`) or a
//! nested call. Parsed once at load time into [`Call`].

use serde_json::Value;

use super::Function;
use crate::path::ReferencePath;

/// How deep calls may nest; deeper input is rejected rather than risking the stack.
const MAX_DEPTH: usize = 32;

/// One call in the tree.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub func: Function,
    pub args: Vec<Arg>,
    /// For `States.Format` with a literal template: the template, parsed once (or why it is
    /// malformed, which AWS reports only when the state runs).
    pub template: Option<Result<Template, String>>,
}

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    /// A number, `true`, `false` or `null`.
    Literal(Value),
    Str(StrLit),
    Path(ReferencePath),
    Call(Box<Call>),
}

/// A single-quoted string literal: its value with the escapes `\'`, `\\`, `\{`, `\}` resolved,
/// and its raw text, which `States.Format` reads to tell an escaped brace from a placeholder.
#[derive(Debug, Clone)]
pub(crate) struct StrLit {
    pub value: String,
    pub raw: String,
}

/// A `States.Format` template: literal text and `{}` placeholders.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    Placeholder,
}

impl Template {
    /// Parses a template: `{}` is a placeholder, a backslash escapes the next character, and a
    /// lone `{` or `}` is an error.
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(e @ ('\'' | '\\' | '{' | '}')) => text.push(e),
                    Some(other) => {
                        text.push('\\');
                        text.push(other);
                    }
                    None => text.push('\\'),
                },
                '{' if chars.peek() == Some(&'}') => {
                    chars.next();
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Placeholder);
                }
                // AWS rejects an unescaped brace that is not part of `{}`.
                '{' | '}' => return Err(super::args::invalid(Function::Format)),
                _ => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template { pieces })
    }

    pub fn placeholders(&self) -> usize {
        self.pieces.iter().filter(|p| **p == Piece::Placeholder).count()
    }
}

/// Parses a whole call; nothing but whitespace may follow it.
pub(crate) fn parse_call(text: &str) -> Result<Call, String> {
    let mut p = Parser { src: text, pos: 0 };
    p.skip_ws();
    if !p.rest().starts_with("States.") {
        return Err(p.error("an intrinsic function call must start with 'States.'"));
    }
    let call = p.call(0)?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.error("unexpected characters after the closing ')'"));
    }
    Ok(call)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, what: &str) -> String {
        let at = self.src[..self.pos].chars().count();
        format!("Invalid intrinsic function call '{}': {what} (at character {at})", self.src)
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    /// `States.Name(args)`, the cursor on the `S`.
    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth >= MAX_DEPTH {
            return Err(self.error("intrinsic function calls are nested too deeply"));
        }
        let start = self.pos;
        let name_len = self
            .rest()
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_alphanumeric() || (c == '.' && i == "States".len())))
            .map_or(self.rest().len(), |(i, _)| i);
        let name = &self.src[start..start + name_len];
        let func =
            Function::from_name(name).ok_or_else(|| self.error(&format!("unknown intrinsic function '{name}'")))?;
        self.pos += name_len;
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.error(&format!("expected '(' after '{name}'")));
        }
        self.pos += 1;
        let args = self.arguments(depth)?;
        check_arity(func, args.len()).map_err(|m| self.error(&m))?;
        let template = match (func, args.first()) {
            (Function::Format, Some(Arg::Str(s))) => Some(Template::parse(&s.raw)),
            _ => None,
        };
        Ok(Call { func, args, template })
    }

    /// The arguments up to and including the closing `)`.
    fn arguments(&mut self, depth: usize) -> Result<Vec<Arg>, String> {
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(args);
        }
        loop {
            self.skip_ws();
            args.push(self.argument(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(args);
                }
                Some(_) => return Err(self.error("expected ',' or ')' after an argument")),
                None => return Err(self.error("missing ')' at the end of the call")),
            }
        }
    }

    fn argument(&mut self, depth: usize) -> Result<Arg, String> {
        match self.peek() {
            None => Err(self.error("missing ')' at the end of the call")),
            Some(',' | ')') => Err(self.error("expected an argument")),
            Some('\'') => self.string().map(Arg::Str),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(_) if self.rest().starts_with("States.") => Ok(Arg::Call(Box::new(self.call(depth + 1)?))),
            Some(_) => self.keyword(),
        }
    }

    fn string(&mut self) -> Result<StrLit, String> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    let raw = self.rest()[..i].to_string();
                    self.pos += i + 1;
                    return Ok(StrLit { value, raw });
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('\'' | '\\' | '{' | '}'))) => value.push(e),
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => break,
                },
                _ => value.push(c),
            }
        }
        self.pos = open;
        Err(self.error("unterminated string literal"))
    }

    /// A JSONPath runs to the next `,` or `)` outside brackets and quotes, or to whitespace.
    fn path(&mut self) -> Result<Arg, String> {
        let start = self.pos;
        let (mut brackets, mut parens, mut quote) = (0usize, 0usize, None::<char>);
        let mut end = self.src.len();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if let Some(q) = quote {
                if c == '\\' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '\'' | '"' if brackets > 0 => quote = Some(c),
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                '(' => parens += 1,
                ')' if parens > 0 => parens -= 1,
                ',' | ')' if brackets == 0 && parens == 0 => {
                    end = start + i;
                    break;
                }
                c if c.is_whitespace() && brackets == 0 && parens == 0 => {
                    end = start + i;
                    break;
                }
                _ => {}
            }
        }
        let text = &self.src[start..end];
        let path = ReferencePath::parse(text).map_err(|e| self.error(&format!("invalid JSONPath '{text}': {e}")))?;
        self.pos = end;
        Ok(Arg::Path(path))
    }

    fn number(&mut self) -> Result<Arg, String> {
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(self.rest().len());
        let text = &self.rest()[..len];
        match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) => {
                self.pos += len;
                Ok(Arg::Literal(Value::Number(n)))
            }
            Err(_) => Err(self.error(&format!("invalid number '{text}'"))),
        }
    }

    fn keyword(&mut self) -> Result<Arg, String> {
        let len =
            self.rest().find(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.').unwrap_or(self.rest().len());
        let word = &self.rest()[..len];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            "" => {
                let c = self.peek().unwrap_or(' ');
                return Err(self.error(&format!("unexpected character '{c}'")));
            }
            _ => return Err(self.error(&format!("unexpected argument '{word}'"))),
        };
        self.pos += len;
        Ok(Arg::Literal(value))
    }
}

fn check_arity(func: Function, given: usize) -> Result<(), String> {
    let (min, max) = func.arity();
    if given >= min && max.is_none_or(|m| given <= m) {
        return Ok(());
    }
    let expected = match max {
        Some(m) if m == min => format!("{min} argument{}", if min == 1 { "" } else { "s" }),
        Some(m) => format!("{min} to {m} arguments"),
        None => format!("at least {min} argument{}", if min == 1 { "" } else { "s" }),
    };
    Err(format!("{} takes {expected}, but {given} {} given", func.name(), if given == 1 { "was" } else { "were" }))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
