//! The JSONPath subset of the corpus (`$`, `.name`, `..name`, `[n]`, `[*]`, `..[n]`): parsing,
//! selecting locations in document order, and testing whether a path selects a node.

use serde_json::Value;

/// One position in a JSON document: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// What a step selects among a node's children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Key(String),
    Index(usize),
    Any,
}

impl Selector {
    fn selects(&self, seg: &Seg) -> bool {
        match (self, seg) {
            (Selector::Any, _) => true,
            (Selector::Key(k), Seg::Key(s)) => k == s,
            (Selector::Index(i), Seg::Index(j)) => i == j,
            _ => false,
        }
    }
}

/// One step of a path; `descendant` is the `..` form (the node itself or any descendant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub descendant: bool,
    pub selector: Selector,
}

/// `'$..a.b[2]'` → steps. Errors name the path, as the reference does.
pub fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let unsupported = || format!("unsupported JSONPath {path:?}");
    let chars: Vec<char> = path.chars().collect();
    let mut steps = Vec::new();
    let mut pos = 1;
    while pos < chars.len() {
        let (step, next) = parse_step(&chars, pos).ok_or_else(unsupported)?;
        steps.push(step);
        pos = next;
    }
    Ok(steps)
}

/// One match of `(\.\.|\.)([^.\[]+)|(\.\.)?\[(\d+|\*)\]` at `pos`, with Python's alternation
/// order: a dotted name first (trying `..` before `.`), then a bracket.
fn parse_step(chars: &[char], pos: usize) -> Option<(Step, usize)> {
    let name_at = |start: usize| {
        let end = (start..chars.len()).find(|&i| chars[i] == '.' || chars[i] == '[').unwrap_or(chars.len());
        (end > start).then(|| (chars[start..end].iter().collect::<String>(), end))
    };
    let dots = chars[pos..].iter().take(2).take_while(|c| **c == '.').count();
    for (descendant, width) in [(true, 2), (false, 1)] {
        if dots >= width {
            if let Some((name, end)) = name_at(pos + width) {
                let selector = Selector::Key(name);
                return Some((Step { descendant, selector }, end));
            }
        }
    }
    let (descendant, open) = if dots == 2 { (true, pos + 2) } else { (false, pos) };
    if chars.get(open) != Some(&'[') {
        return None;
    }
    let close = (open + 1..chars.len()).find(|&i| chars[i] == ']')?;
    let inner: String = chars[open + 1..close].iter().collect();
    let selector = if inner == "*" {
        Selector::Any
    } else if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        Selector::Index(inner.parse().ok()?)
    } else {
        return None;
    };
    Some((Step { descendant, selector }, close + 1))
}

fn kids(node: &Value) -> Vec<(Seg, &Value)> {
    match node {
        Value::Object(map) => map.iter().map(|(k, v)| (Seg::Key(k.clone()), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (Seg::Index(i), v)).collect(),
        _ => Vec::new(),
    }
}

/// The node and all its descendants, pre-order, each with its path from the document root.
fn self_and_descendants<'a>(node: &'a Value, at: Vec<Seg>, out: &mut Vec<(Vec<Seg>, &'a Value)>) {
    let children = kids(node);
    out.push((at.clone(), node));
    for (seg, child) in children {
        let mut path = at.clone();
        path.push(seg);
        self_and_descendants(child, path, out);
    }
}

/// Every location `path` selects, as paths from the root, in document order (pre-order for
/// `..`, duplicates kept, as the reference walks it).
pub fn find(doc: &Value, steps: &[Step]) -> Vec<Vec<Seg>> {
    let mut nodes: Vec<(Vec<Seg>, &Value)> = vec![(Vec::new(), doc)];
    let mut locs = Vec::new();
    for step in steps {
        let mut next_locs = Vec::new();
        let mut next_nodes = Vec::new();
        for (at, node) in &nodes {
            let mut bases = Vec::new();
            if step.descendant {
                self_and_descendants(node, at.clone(), &mut bases);
            } else {
                bases.push((at.clone(), *node));
            }
            for (base_at, base) in bases {
                for (seg, child) in kids(base) {
                    if step.selector.selects(&seg) {
                        let mut path = base_at.clone();
                        path.push(seg);
                        next_nodes.push((path.clone(), child));
                        next_locs.push(path);
                    }
                }
            }
        }
        locs = next_locs;
        nodes = next_nodes;
    }
    locs
}

/// The value at `path`, if it still exists.
pub fn get<'a>(doc: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |node, seg| match (node, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get(k),
        (Value::Array(items), Seg::Index(i)) => items.get(*i),
        _ => None,
    })
}

/// The value at `path` for writing, if it still exists.
pub fn get_mut<'a>(doc: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |node, seg| match (node, seg) {
        (Value::Object(map), Seg::Key(k)) => map.get_mut(k),
        (Value::Array(items), Seg::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// Does a parsed path select the node at `segs`, or an ancestor of it?
pub fn path_matches(steps: &[Step], segs: &[Seg]) -> bool {
    let Some((step, rest)) = steps.split_first() else {
        return true;
    };
    if step.descendant {
        (0..segs.len()).any(|j| step.selector.selects(&segs[j]) && path_matches(rest, &segs[j + 1..]))
    } else {
        segs.first().is_some_and(|seg| step.selector.selects(seg) && path_matches(rest, &segs[1..]))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.into())
    }

    #[test]
    fn parses_the_corpus_forms() {
        let steps = parse_path("$..events[4].previousEventId").unwrap_or_default();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].selector, Selector::Key("events".into()));
        assert!(steps[0].descendant);
        assert_eq!(steps[1].selector, Selector::Index(4));
        assert!(!steps[1].descendant);
        let steps = parse_path("$..a[*]..[2]").unwrap_or_default();
        assert_eq!(steps.iter().map(|s| s.descendant).collect::<Vec<_>>(), [true, false, true]);
        assert_eq!(steps[1].selector, Selector::Any);
        assert_eq!(steps[2].selector, Selector::Index(2));
        assert_eq!(parse_path("$..[x]"), Err("unsupported JSONPath \"$..[x]\"".to_string()));
        assert_eq!(parse_path("$"), Ok(vec![]));
    }

    #[test]
    fn find_walks_pre_order_with_duplicates() {
        let doc = json!({"a": {"x": 1, "b": {"x": 2}}, "x": 3, "l": [{"x": 4}]});
        let steps = parse_path("$..x").unwrap_or_default();
        let found: Vec<_> = find(&doc, &steps).iter().filter_map(|p| get(&doc, p).cloned()).collect();
        assert_eq!(found, vec![json!(3), json!(1), json!(2), json!(4)]);
        let steps = parse_path("$..a..x").unwrap_or_default();
        assert_eq!(find(&doc, &steps).len(), 2);
        let steps = parse_path("$.l[0].x").unwrap_or_default();
        assert_eq!(find(&doc, &steps), vec![vec![key("l"), Seg::Index(0), key("x")]]);
    }

    #[test]
    fn path_matches_nodes_and_their_descendants() {
        let p = parse_path("$..events[4].previousEventId").unwrap_or_default();
        let at = |s: &[Seg]| path_matches(&p, s);
        assert!(at(&[key("history"), key("events"), Seg::Index(4), key("previousEventId")]));
        assert!(at(&[key("events"), Seg::Index(4), key("previousEventId"), key("deeper")]));
        assert!(!at(&[key("events"), Seg::Index(3), key("previousEventId")]));
        assert!(!at(&[key("events")]));
        let all = parse_path("$..events").unwrap_or_default();
        assert!(path_matches(&all, &[key("events")]));
        assert!(path_matches(&[], &[]));
    }
}
