//! Coordinate assignment: each node's x is pulled towards its neighbours in the adjacent layers
//! (long edges pulled hardest, so they run straight) while the layer keeps its order and spacing.
//! Each layer's positions are the least-squares optimum under those constraints, found by
//! isotonic regression (pool adjacent violators).

use super::layers::Layered;

/// Horizontal gap between two nodes of a layer, and the width a dummy (an edge passing through a
/// layer) takes.
pub const NODE_GAP: f64 = 36.0;
pub const DUMMY_WIDTH: f64 = 14.0;
const ROUNDS: usize = 10;
/// How much more a state weighs than an edge passing through its layer when both want the
/// same place.
const REAL_WEIGHT: f64 = 20.0;

/// x of every node's centre, given the node widths (dummies ignored) and the order of each layer.
pub fn x_positions(g: &Layered, layers: &[Vec<usize>], widths: &[f64]) -> Vec<f64> {
    let width = |v: usize| if g.is_dummy(v) { DUMMY_WIDTH } else { widths[v] };
    let (up, down) = g.neighbours();
    let mut x = vec![0.0; g.node_count()];
    for layer in layers {
        let mut at = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                at += separation(width(layer[i - 1]), width(v));
            }
            x[v] = at;
        }
    }
    for round in 0..ROUNDS {
        let both = round + 1 == ROUNDS;
        let ls: Vec<usize> =
            if round % 2 == 0 { (0..layers.len()).collect() } else { (0..layers.len()).rev().collect() };
        for l in ls {
            let layer = &layers[l];
            let mut wanted = Vec::with_capacity(layer.len());
            let mut weights = Vec::with_capacity(layer.len());
            for &v in layer {
                let nbrs: Vec<usize> = match (round % 2 == 0, both) {
                    (_, true) => up[v].iter().chain(&down[v]).copied().collect(),
                    (true, false) => up[v].clone(),
                    (false, false) => down[v].clone(),
                };
                let (sum, total) = nbrs.iter().fold((0.0, 0.0), |(s, t), &w| {
                    let k = pull(g, v, w);
                    (s + k * x[w], t + k)
                });
                if total > 0.0 {
                    wanted.push(sum / total);
                    // States hold their place; edges passing through the layer make room.
                    weights.push(if g.is_dummy(v) { total } else { total * REAL_WEIGHT });
                } else {
                    wanted.push(x[v]);
                    weights.push(0.1);
                }
            }
            let seps: Vec<f64> = layer.windows(2).map(|p| separation(width(p[0]), width(p[1]))).collect();
            for (v, xv) in layer.iter().zip(fit(&wanted, &weights, &seps)) {
                x[*v] = xv;
            }
        }
    }
    x
}

/// How hard an edge segment pulls its ends together: dummies keep the middle of long edges
/// straight, and transitions between states beat the ends of long edges (which would otherwise
/// push a chain of states sideways, one layer after the other).
fn pull(g: &Layered, a: usize, b: usize) -> f64 {
    match (g.is_dummy(a), g.is_dummy(b)) {
        (true, true) => 1.5,
        (true, false) | (false, true) => 0.5,
        (false, false) => 4.0,
    }
}

fn separation(left: f64, right: f64) -> f64 {
    let gap = if left <= DUMMY_WIDTH || right <= DUMMY_WIDTH { NODE_GAP / 3.0 } else { NODE_GAP };
    (left + right) / 2.0 + gap
}

/// Positions closest (weighted least squares) to `wanted` such that consecutive positions are at
/// least `seps[i]` apart. With `y_i = x_i - (seps[0] + … + seps[i-1])` the constraint becomes
/// `y` non-decreasing: isotonic regression, solved exactly by pooling adjacent violators.
pub fn fit(wanted: &[f64], weights: &[f64], seps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(wanted.len());
    let mut acc = 0.0;
    for i in 0..wanted.len() {
        if i > 0 {
            acc += seps[i - 1];
        }
        offset.push(acc);
    }
    // Blocks of (weighted mean, total weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for i in 0..wanted.len() {
        let w = weights[i].max(1e-6);
        blocks.push((wanted[i] - offset[i], w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (m, _, c) in blocks {
        for _ in 0..c {
            out.push(m + offset[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::layers::{assign_layers, break_cycles, Layered};
    use super::*;

    #[test]
    fn fit_keeps_order_and_spacing() {
        // Both want x = 0 but must be 10 apart: they split the difference.
        let x = fit(&[0.0, 0.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(x, vec![-5.0, 5.0]);
        // Already far enough apart: untouched.
        assert_eq!(fit(&[0.0, 50.0], &[1.0, 1.0], &[10.0]), vec![0.0, 50.0]);
        // A heavier node moves less.
        let x = fit(&[0.0, 0.0], &[3.0, 1.0], &[8.0]);
        assert_eq!(x, vec![-2.0, 6.0]);
    }

    #[test]
    fn a_chain_is_a_straight_vertical_line() {
        let arcs = break_cycles(3, &[(0, 1), (1, 2)], &[0]);
        let g = Layered::build(3, &arcs, assign_layers(3, &arcs));
        let layers = vec![vec![0], vec![1], vec![2]];
        let x = x_positions(&g, &layers, &[100.0, 60.0, 140.0]);
        assert!((x[0] - x[1]).abs() < 1e-9 && (x[1] - x[2]).abs() < 1e-9);
    }

    #[test]
    fn siblings_do_not_overlap_and_the_parent_is_centred() {
        let arcs = break_cycles(3, &[(0, 1), (0, 2)], &[0]);
        let g = Layered::build(3, &arcs, assign_layers(3, &arcs));
        let layers = vec![vec![0], vec![1, 2]];
        let x = x_positions(&g, &layers, &[100.0, 100.0, 100.0]);
        assert!(x[2] - x[1] >= 100.0 + NODE_GAP - 1e-9);
        assert!((x[0] - (x[1] + x[2]) / 2.0).abs() < 1.0);
    }
}
