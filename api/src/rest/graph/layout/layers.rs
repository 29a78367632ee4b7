//! The first two phases of the layered (Sugiyama) layout: break cycles by reversing back edges
//! found by a depth-first search from the start, then assign layers by longest path, and split
//! every edge that spans several layers into a chain of dummy nodes.

/// A directed edge between two real nodes, oriented top-down after cycle breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    pub from: usize,
    pub to: usize,
    /// The original edge points the other way (a loop back up the graph).
    pub reversed: bool,
}

/// Edges that close a cycle are reversed so the graph becomes acyclic. The depth-first search
/// starts at `roots` (the start state first), so the main path flows downwards.
pub fn break_cycles(n: usize, edges: &[(usize, usize)], roots: &[usize]) -> Vec<Arc> {
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, &(a, _)) in edges.iter().enumerate() {
        out_edges[a].push(i);
    }
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut mark = vec![0u8; n];
    let mut back = vec![false; edges.len()];
    let order = roots.iter().copied().chain(0..n).collect::<Vec<_>>();
    for root in order {
        if root >= n || mark[root] != 0 {
            continue;
        }
        // Iterative DFS: (node, next out-edge index).
        let mut stack = vec![(root, 0usize)];
        mark[root] = 1;
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if let Some(&e) = out_edges[v].get(i) {
                top.1 += 1;
                let w = edges[e].1;
                match mark[w] {
                    0 => {
                        mark[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                mark[v] = 2;
                stack.pop();
            }
        }
    }
    edges
        .iter()
        .zip(back)
        .map(
            |(&(a, b), r)| {
                if r {
                    Arc { from: b, to: a, reversed: true }
                } else {
                    Arc { from: a, to: b, reversed: false }
                }
            },
        )
        .collect()
}

/// Longest-path layering of an acyclic graph: every node sits one layer below its lowest
/// predecessor; self-loops are ignored.
pub fn assign_layers(n: usize, arcs: &[Arc]) -> Vec<usize> {
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for a in arcs.iter().filter(|a| a.from != a.to) {
        indeg[a.to] += 1;
        succ[a.from].push(a.to);
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    ready.reverse();
    while let Some(v) = ready.pop() {
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                ready.push(w);
            }
        }
    }
    layer
}

/// The layered graph: real nodes `0..n`, dummy nodes after them, and for every arc the chain of
/// nodes it passes through (first = its upper end, last = its lower end).
#[derive(Debug, Clone)]
pub struct Layered {
    pub layer: Vec<usize>,
    pub real: usize,
    pub chains: Vec<Vec<usize>>,
}

impl Layered {
    pub fn build(n: usize, arcs: &[Arc], layer: Vec<usize>) -> Self {
        let mut layered = Layered { layer, real: n, chains: Vec::with_capacity(arcs.len()) };
        for a in arcs {
            let mut chain = vec![a.from];
            if a.from != a.to {
                let (top, bottom) = (layered.layer[a.from], layered.layer[a.to]);
                for l in top + 1..bottom {
                    layered.layer.push(l);
                    chain.push(layered.layer.len() - 1);
                }
            }
            chain.push(a.to);
            layered.chains.push(chain);
        }
        layered
    }

    pub fn node_count(&self) -> usize {
        self.layer.len()
    }

    pub fn is_dummy(&self, v: usize) -> bool {
        v >= self.real
    }

    pub fn layer_count(&self) -> usize {
        self.layer.iter().max().map_or(0, |m| m + 1)
    }

    /// Neighbours one layer up and one layer down, for every node.
    pub fn neighbours(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let n = self.node_count();
        let (mut up, mut down) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for chain in &self.chains {
            for w in chain.windows(2) {
                if w[0] != w[1] {
                    down[w[0]].push(w[1]);
                    up[w[1]].push(w[0]);
                }
            }
        }
        (up, down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_back_to_the_start_is_reversed() {
        // 0 → 1 → 2 → 0
        let arcs = break_cycles(3, &[(0, 1), (1, 2), (2, 0)], &[0]);
        assert_eq!(arcs[2], Arc { from: 0, to: 2, reversed: true });
        assert!(!arcs[0].reversed && !arcs[1].reversed);
        let layers = assign_layers(3, &arcs);
        assert_eq!(layers, vec![0, 1, 2]);
    }

    #[test]
    fn layers_follow_the_longest_path_and_long_edges_get_dummies() {
        // 0 → 1 → 2 → 3 and a shortcut 0 → 3.
        let arcs = break_cycles(4, &[(0, 1), (1, 2), (2, 3), (0, 3)], &[0]);
        let layers = assign_layers(4, &arcs);
        assert_eq!(layers, vec![0, 1, 2, 3]);
        let g = Layered::build(4, &arcs, layers);
        assert_eq!(g.chains[3].len(), 4, "two dummies between layer 0 and 3");
        assert!(g.is_dummy(g.chains[3][1]) && g.is_dummy(g.chains[3][2]));
        assert_eq!(g.layer_count(), 4);
    }

    #[test]
    fn sinks_sit_right_below_their_lowest_predecessor() {
        // 0 → 1 → 2 → 3, 0 → 4 (end state reached from the top only).
        let arcs = break_cycles(5, &[(0, 1), (1, 2), (2, 3), (0, 4)], &[0]);
        assert_eq!(assign_layers(5, &arcs)[4], 1);
    }
}
