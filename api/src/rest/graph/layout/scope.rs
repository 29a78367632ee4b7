//! The layered layout of one scope (nodes of known sizes and directed edges): layers, order,
//! coordinates, and each edge as a polyline through the layers it crosses.

use super::layers::{assign_layers, break_cycles, Layered};
use super::{order, place};

/// Vertical gap between layers (room for edge labels) and the margin around the drawing.
pub const LAYER_GAP: f64 = 58.0;
pub const MARGIN: f64 = 16.0;
/// How far a self-loop sticks out to the right of its node.
const LOOP_REACH: f64 = 22.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The drawing of one scope, with the origin at its top-left corner.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub nodes: Vec<Rect>,
    /// One polyline per input edge, from its source to its target.
    pub edges: Vec<Vec<[f64; 2]>>,
    /// Where each edge's label goes.
    pub label_at: Vec<[f64; 2]>,
    /// The edge runs against the flow (it closes a loop).
    pub back: Vec<bool>,
    pub width: f64,
    pub height: f64,
}

/// Lays out `sizes.len()` nodes (width, height) joined by `edges`; `start` is drawn on top.
pub fn layout(sizes: &[(f64, f64)], edges: &[(usize, usize)], start: usize) -> Drawing {
    let n = sizes.len();
    let arcs = break_cycles(n, edges, &[start]);
    let layer = assign_layers(n, &arcs);
    let g = Layered::build(n, &arcs, layer);
    let layers = order::order(&g, &[start]);
    let widths: Vec<f64> = sizes.iter().map(|s| s.0).collect();
    let mut x = place::x_positions(&g, &layers, &widths);

    // Shift so the leftmost box (or self-loop) starts at the margin.
    let half = |v: usize| if g.is_dummy(v) { 0.0 } else { sizes[v].0 / 2.0 };
    let left = (0..g.node_count()).map(|v| x[v] - half(v)).fold(f64::INFINITY, f64::min);
    let shift = if left.is_finite() { MARGIN - left } else { MARGIN };
    x.iter_mut().for_each(|v| *v += shift);

    let mut tops = Vec::with_capacity(layers.len());
    let mut heights = Vec::with_capacity(layers.len());
    let mut y = MARGIN;
    for layer in &layers {
        let h = layer.iter().filter(|&&v| !g.is_dummy(v)).map(|&v| sizes[v].1).fold(0.0, f64::max);
        tops.push(y);
        heights.push(h);
        y += h + LAYER_GAP;
    }
    let nodes: Vec<Rect> = (0..n)
        .map(|v| {
            let l = g.layer[v];
            let (w, h) = sizes[v];
            Rect { x: x[v] - w / 2.0, y: tops[l] + (heights[l] - h) / 2.0, width: w, height: h }
        })
        .collect();
    let mut d = Drawing { nodes, edges: Vec::new(), label_at: Vec::new(), back: Vec::new(), width: 0.0, height: 0.0 };
    for (chain, arc) in g.chains.iter().zip(&arcs) {
        let mut pts = if arc.from == arc.to {
            self_loop(&d.nodes[arc.from])
        } else {
            let mut pts = polyline(&g, chain, &x, &d.nodes, &tops, &heights);
            if arc.reversed {
                // A loop back attaches off-centre, so it does not run over the forward edges.
                offset_ends(&mut pts, &d.nodes[arc.from], &d.nodes[arc.to]);
            }
            pts
        };
        if arc.reversed {
            pts.reverse();
        }
        d.label_at.push(label_point(&pts));
        d.back.push(arc.reversed);
        d.edges.push(pts);
    }
    let right = d.nodes.iter().map(|r| r.x + r.width).fold(0.0, f64::max);
    let loops = d.edges.iter().flatten().map(|p| p[0]).fold(0.0, f64::max);
    d.width = right.max(loops) + MARGIN;
    d.height = if layers.is_empty() { 2.0 * MARGIN } else { y - LAYER_GAP + MARGIN };
    d
}

/// From the bottom of the upper node to the top of the lower one: straight down through each layer
/// the edge crosses, and in each gap between layers down, across at mid-gap, and down again.
fn polyline(g: &Layered, chain: &[usize], x: &[f64], nodes: &[Rect], tops: &[f64], heights: &[f64]) -> Vec<[f64; 2]> {
    let (Some(&first), Some(&last)) = (chain.first(), chain.last()) else { return Vec::new() };
    let a = nodes[first];
    // Turns happen halfway between the bottom of one layer and the top of the next, so they
    // clear every box of both layers.
    let gap_mid = |upper: usize| tops[upper] + heights[upper] + LAYER_GAP / 2.0;
    let mut mids = vec![gap_mid(g.layer[first])];
    let mut anchors = vec![[x[first], a.y + a.height]];
    for &v in &chain[1..chain.len() - 1] {
        let l = g.layer[v];
        anchors.push([x[v], tops[l]]);
        anchors.push([x[v], tops[l] + heights[l]]);
        mids.push(gap_mid(l));
    }
    anchors.push([x[last], nodes[last].y]);
    let mut pts = Vec::with_capacity(anchors.len() * 2);
    for (pair, mid) in anchors.chunks(2).zip(mids) {
        let [from, to] = [pair[0], pair[pair.len() - 1]];
        pts.push(from);
        if (from[0] - to[0]).abs() > 0.5 {
            pts.push([from[0], mid]);
            pts.push([to[0], mid]);
        }
        pts.push(to);
    }
    pts
}

/// Moves both ends of an edge (and the bends next to them) a third of the way to the right of
/// their boxes.
fn offset_ends(pts: &mut [[f64; 2]], upper: &Rect, lower: &Rect) {
    let n = pts.len();
    if n < 2 {
        return;
    }
    let (du, dl) = (upper.width / 3.0, lower.width / 3.0);
    let (x0, x1) = (pts[0][0], pts[n - 1][0]);
    for p in pts.iter_mut().take(2).filter(|p| (p[0] - x0).abs() < 0.5) {
        p[0] += du;
    }
    for p in pts.iter_mut().rev().take(2).filter(|p| (p[0] - x1).abs() < 0.5) {
        p[0] += dl;
    }
}

fn self_loop(r: &Rect) -> Vec<[f64; 2]> {
    let right = r.x + r.width;
    vec![
        [right, r.y + r.height * 0.3],
        [right + LOOP_REACH, r.y + r.height * 0.3],
        [right + LOOP_REACH, r.y + r.height * 0.7],
        [right, r.y + r.height * 0.7],
    ]
}

/// Where the label goes: on the first vertical stretch after the edge's first turn (below the
/// source, where edges fanning out of a Choice are apart), else the middle of its first segment.
fn label_point(pts: &[[f64; 2]]) -> [f64; 2] {
    match pts {
        [_, b, c, d, ..] if (b[1] - c[1]).abs() < 0.5 && (c[0] - d[0]).abs() < 0.5 => [c[0], (c[1] + d[1]) / 2.0],
        [a, b, ..] => [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0],
        [a] => *a,
        [] => [0.0, 0.0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlap(a: &Rect, b: &Rect) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    #[test]
    fn a_diamond_is_drawn_top_down_without_overlaps() {
        let sizes = vec![(120.0, 40.0); 4];
        let d = layout(&sizes, &[(0, 1), (0, 2), (1, 3), (2, 3)], 0);
        assert!(d.nodes[0].y < d.nodes[1].y && d.nodes[1].y < d.nodes[3].y);
        assert_eq!(d.nodes[1].y, d.nodes[2].y);
        assert!(!overlap(&d.nodes[1], &d.nodes[2]));
        // Edge 0→1 starts at the bottom of 0 and ends at the top of 1.
        let e = &d.edges[0];
        assert_eq!(e[0][1], d.nodes[0].y + 40.0);
        assert_eq!(e[e.len() - 1][1], d.nodes[1].y);
        assert!(d.width >= 2.0 * 120.0 && d.height > 3.0 * 40.0);
    }

    #[test]
    fn a_loop_back_is_marked_and_drawn_from_its_source() {
        let sizes = vec![(100.0, 40.0); 3];
        let d = layout(&sizes, &[(0, 1), (1, 2), (2, 1)], 0);
        assert_eq!(d.back, vec![false, false, true]);
        let e = &d.edges[2];
        assert_eq!(e[0][1], d.nodes[2].y, "leaves node 2 from its top");
        assert_eq!(e[e.len() - 1][1], d.nodes[1].y + 40.0, "enters node 1 from below");
    }

    #[test]
    fn fifty_states_stay_within_the_drawing() {
        // A chain of 50 with a Choice every 5 states skipping ahead.
        let sizes = vec![(140.0, 44.0); 50];
        let mut edges: Vec<(usize, usize)> = (0..49).map(|i| (i, i + 1)).collect();
        edges.extend((0..45).step_by(5).map(|i| (i, i + 4)));
        let d = layout(&sizes, &edges, 0);
        for (i, a) in d.nodes.iter().enumerate() {
            assert!(a.x >= 0.0 && a.x + a.width <= d.width && a.y + a.height <= d.height);
            for b in &d.nodes[i + 1..] {
                assert!(!overlap(a, b));
            }
        }
    }

    #[test]
    fn a_self_loop_stays_beside_its_node() {
        let d = layout(&[(100.0, 40.0)], &[(0, 0)], 0);
        assert_eq!(d.edges[0].len(), 4);
        assert!(d.width >= d.nodes[0].x + 100.0 + LOOP_REACH);
    }
}
