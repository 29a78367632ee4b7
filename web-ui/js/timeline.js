// The timeline (Gantt): one bar per state entry, placed on the execution's clock, with each task
// attempt drawn inside its bar.

import { h, s, replace, fmtDuration } from "./dom.js";

const ROW = 22;
const LABEL = 230;
const AXIS = 24;
const PAGE = 300;

/** Draws the spans; `onSelect(name)` when a bar is clicked. */
export function drawTimeline(host, run, exec, onSelect, limit = PAGE) {
  const spans = run.timeline || [];
  if (!spans.length) {
    replace(host, h("p", { class: "muted" }, "No state has been entered yet."));
    return;
  }
  const t0 = Date.parse(exec.start);
  const now = Date.now();
  const end = exec.stop ? Date.parse(exec.stop) : now;
  const span = Math.max(end - t0, 1);
  const width = Math.max(host.clientWidth || 900, 600);
  const plot = width - LABEL - 16;
  const x = (t) => LABEL + ((Math.min(t, end) - t0) / span) * plot;
  const shown = spans.slice(0, limit);
  const height = AXIS + shown.length * ROW + 6;
  const svg = s("svg", { class: "timeline-svg", width, height, viewBox: `0 0 ${width} ${height}` });
  // Axis with ticks.
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const tx = LABEL + (plot * i) / ticks;
    svg.appendChild(s("line", { class: "tick", x1: tx, x2: tx, y1: AXIS - 6, y2: height }));
    svg.appendChild(s("text", { class: "tick-label", x: tx, y: 12, "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" }, `+${fmtDuration((span * i) / ticks)}`));
  }
  shown.forEach((sp, i) => {
    const y = AXIS + i * ROW;
    const start = Date.parse(sp.start);
    const stop = sp.end ? Date.parse(sp.end) : end;
    const bx = x(start);
    const bw = Math.max(x(stop) - bx, 2);
    const label = sp.iteration ? `${sp.state}  ${sp.iteration}` : sp.state;
    const g = s("g", { class: ["bar", `st-${sp.status}`], "data-span": sp.state, "data-status": sp.status, tabindex: "0" },
      s("title", {}, `${sp.state}${sp.iteration ? ` (${sp.iteration})` : ""} — ${sp.status}, ${fmtDuration(stop - start)}`),
      s("rect", { class: "row-bg", x: 0, y, width, height: ROW }),
      s("text", { class: "bar-label", x: 8, y: y + 15 }, label.length > 32 ? label.slice(0, 31) + "…" : label),
      s("rect", { class: "bar-box", x: bx, y: y + 4, width: bw, height: ROW - 8, rx: 3 }),
    );
    for (const a of sp.attempts || []) {
      const as = Date.parse(a.scheduled);
      const ae = a.ended ? Date.parse(a.ended) : stop;
      g.appendChild(s("rect", { class: ["attempt", `att-${a.outcome}`], x: x(as), y: y + 8, width: Math.max(x(ae) - x(as), 2), height: ROW - 16, rx: 2 },
        s("title", {}, `Attempt ${a.number}: ${a.outcome}${a.error ? ` (${a.error})` : ""}, ${fmtDuration(ae - as)}`)));
    }
    g.addEventListener("click", () => onSelect && onSelect(sp.state));
    svg.appendChild(g);
  });
  const parts = [h("div", { class: "timeline-scroll" }, svg)];
  if (spans.length > shown.length || run.timelineTruncated) {
    parts.push(h("div", { class: "table-foot" },
      h("span", { class: "muted" }, `Showing ${shown.length} of ${spans.length}${run.timelineTruncated ? "+" : ""} state entries`),
      spans.length > shown.length ? h("button", { class: "secondary", onclick: () => drawTimeline(host, run, exec, onSelect, limit + PAGE) }, "Show more") : null));
  }
  replace(host, parts);
}
