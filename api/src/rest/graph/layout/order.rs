//! Crossing reduction: the order of nodes within each layer, by repeated barycenter sweeps down
//! and up the layers, keeping the order with the fewest crossings seen.

use super::layers::Layered;

/// Sweeps tried at most, and how many sweeps without improvement end the search.
const MAX_SWEEPS: usize = 24;
const PATIENCE: usize = 4;

/// Nodes of every layer, left to right.
pub fn order(g: &Layered, roots: &[usize]) -> Vec<Vec<usize>> {
    let (up, down) = g.neighbours();
    let mut layers = initial(g, &down, roots);
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, &down);
    let mut stale = 0;
    for sweep in 0..MAX_SWEEPS {
        if best_crossings == 0 || stale >= PATIENCE {
            break;
        }
        if sweep % 2 == 0 {
            for l in 1..layers.len() {
                reorder(&mut layers, l, l - 1, &up);
            }
        } else {
            for l in (0..layers.len().saturating_sub(1)).rev() {
                reorder(&mut layers, l, l + 1, &down);
            }
        }
        transpose(&mut layers, &up, &down);
        let c = crossings(&layers, &down);
        if c < best_crossings {
            best_crossings = c;
            best = layers.clone();
            stale = 0;
        } else {
            stale += 1;
        }
    }
    best
}

/// A depth-first order from the roots, so that a state's successors start out next to each
/// other in the order the definition lists them.
fn initial(g: &Layered, down: &[Vec<usize>], roots: &[usize]) -> Vec<Vec<usize>> {
    let n = g.node_count();
    let mut seen = vec![false; n];
    let mut layers = vec![Vec::new(); g.layer_count()];
    let starts = roots.iter().copied().chain(0..n).collect::<Vec<_>>();
    for s in starts {
        if s >= n || seen[s] {
            continue;
        }
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            layers[g.layer[v]].push(v);
            for &w in down[v].iter().rev() {
                if !seen[w] {
                    stack.push(w);
                }
            }
        }
    }
    layers
}

/// Sorts layer `l` by the mean position of each node's neighbours in layer `fixed`; nodes with no
/// such neighbour keep their place.
fn reorder(layers: &mut [Vec<usize>], l: usize, fixed: usize, nbrs: &[Vec<usize>]) {
    let pos = positions(&layers[fixed]);
    let mut keyed: Vec<(f64, usize)> = layers[l]
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let ps: Vec<f64> = nbrs[v].iter().filter_map(|w| pos.get(w)).map(|&p| p as f64).collect();
            let key = if ps.is_empty() { i as f64 } else { ps.iter().sum::<f64>() / ps.len() as f64 };
            (key, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
}

fn positions(layer: &[usize]) -> std::collections::HashMap<usize, usize> {
    layer.iter().enumerate().map(|(i, &v)| (v, i)).collect()
}

/// Swaps neighbours within a layer while that removes crossings with both adjacent layers.
fn transpose(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>]) {
    let mut improved = true;
    let mut rounds = 0;
    while improved && rounds < 4 {
        improved = false;
        rounds += 1;
        for l in 0..layers.len() {
            for i in 0..layers[l].len().saturating_sub(1) {
                let (a, b) = (layers[l][i], layers[l][i + 1]);
                let mut before = 0;
                let mut after = 0;
                for (adj, nbrs) in [(l.checked_sub(1), up), (Some(l + 1), down)] {
                    let Some(adj) = adj.filter(|&a| a < layers.len()) else { continue };
                    let pos = positions(&layers[adj]);
                    before += pair_crossings(&nbrs[a], &nbrs[b], &pos);
                    after += pair_crossings(&nbrs[b], &nbrs[a], &pos);
                }
                if after < before {
                    layers[l].swap(i, i + 1);
                    improved = true;
                }
            }
        }
    }
}

/// Crossings between the edges of `left` and those of `right` when `left` is placed first.
fn pair_crossings(left: &[usize], right: &[usize], pos: &std::collections::HashMap<usize, usize>) -> usize {
    let mut c = 0;
    for p in left.iter().filter_map(|v| pos.get(v)) {
        c += right.iter().filter_map(|v| pos.get(v)).filter(|q| *q < p).count();
    }
    c
}

/// Total edge crossings between adjacent layers.
pub fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for l in 0..layers.len().saturating_sub(1) {
        let pos = positions(&layers[l + 1]);
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (i, &v) in layers[l].iter().enumerate() {
            edges.extend(down[v].iter().filter_map(|w| pos.get(w)).map(|&j| (i, j)));
        }
        for (k, &(a1, b1)) in edges.iter().enumerate() {
            total += edges[k + 1..].iter().filter(|&&(a2, b2)| (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2)).count();
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::super::layers::{assign_layers, break_cycles, Layered};
    use super::*;

    fn layered(n: usize, edges: &[(usize, usize)]) -> Layered {
        let arcs = break_cycles(n, edges, &[0]);
        let layers = assign_layers(n, &arcs);
        Layered::build(n, &arcs, layers)
    }

    #[test]
    fn a_crossing_that_can_be_avoided_is_avoided() {
        // 0 → {1, 2}; 1 → 4, 2 → 3: the first DFS order puts 1,2 then 4,3 — sweeps fix it.
        let g = layered(5, &[(0, 1), (0, 2), (2, 3), (1, 4)]);
        let layers = order(&g, &[0]);
        let (_, down) = g.neighbours();
        assert_eq!(crossings(&layers, &down), 0);
    }

    #[test]
    fn crossings_are_counted() {
        // Layer 0: a b; layer 1: c d; a→d, b→c cross once.
        let layers = vec![vec![0, 1], vec![2, 3]];
        let down = vec![vec![3], vec![2], vec![], vec![]];
        assert_eq!(crossings(&layers, &down), 1);
    }

    #[test]
    fn every_node_is_placed_once() {
        let g = layered(6, &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 0), (0, 5)]);
        let layers = order(&g, &[0]);
        let mut all: Vec<usize> = layers.concat();
        all.sort();
        assert_eq!(all, (0..g.node_count()).collect::<Vec<_>>());
    }
}
