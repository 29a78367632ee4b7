// Draws a laid-out state machine graph (from the server's layered layout) as SVG, with pan and
// zoom, per-state statuses and selection. Every state is a <g data-state=… data-status=…>.

import { s, h, clear } from "./dom.js";

const CHAR = 7.3;
const LABEL_CHAR = 6.1;
const MAX_LABEL = 34;

function fit(text, width, charWidth) {
  const max = Math.max(3, Math.floor((width - 16) / charWidth));
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** The polyline with its corners rounded. */
function pathOf(points) {
  const f = (v) => v.toFixed(1);
  let d = `M${f(points[0][0])},${f(points[0][1])}`;
  for (let i = 1; i < points.length; i++) {
    const [x, y] = points[i];
    const next = points[i + 1];
    if (!next) {
      d += ` L${f(x)},${f(y)}`;
      break;
    }
    const [px, py] = points[i - 1];
    const r = Math.min(7, Math.hypot(x - px, y - py) / 2, Math.hypot(next[0] - x, next[1] - y) / 2);
    const inLen = Math.hypot(x - px, y - py) || 1;
    const outLen = Math.hypot(next[0] - x, next[1] - y) || 1;
    const ax = x - ((x - px) / inLen) * r;
    const ay = y - ((y - py) / inLen) * r;
    const bx = x + ((next[0] - x) / outLen) * r;
    const by = y + ((next[1] - y) / outLen) * r;
    d += ` L${f(ax)},${f(ay)} Q${f(x)},${f(y)} ${f(bx)},${f(by)}`;
  }
  return d;
}

/**
 * Draws `layout` into `host`. Options: onSelect(name), statuses: {name: StateRun}.
 * Returns {setRun(states), select(name), fit(), svg}.
 */
export function drawGraph(host, layout, options = {}) {
  clear(host);
  const pad = 12;
  const full = { x: -pad, y: -pad, w: layout.width + 2 * pad, h: layout.height + 2 * pad };
  let view = { ...full };
  const svg = s("svg", {
    class: "graph-svg",
    role: "img",
    "aria-label": "State machine graph",
    preserveAspectRatio: "xMidYMin meet",
  });
  const setView = () => svg.setAttribute("viewBox", `${view.x.toFixed(1)} ${view.y.toFixed(1)} ${view.w.toFixed(1)} ${view.h.toFixed(1)}`);
  setView();
  svg.appendChild(
    s("defs", {},
      marker("arrow", "arrow-head"),
      marker("arrow-catch", "arrow-head catch"),
      marker("arrow-choice", "arrow-head choice"),
    ),
  );
  const root = s("g", { class: "graph-root" });
  svg.appendChild(root);
  const byName = new Map();

  // Containers (Parallel, Map) and their scopes first, then edges, then plain states on top.
  const scopesByParent = new Map();
  for (const sc of layout.scopes) {
    if (!sc.parent) continue;
    if (!scopesByParent.has(sc.parent)) scopesByParent.set(sc.parent, []);
    scopesByParent.get(sc.parent).push(sc);
  }
  for (const n of layout.nodes.filter((n) => n.container)) {
    root.appendChild(nodeGroup(n, true, scopesByParent.get(n.id) || [], byName, options));
  }
  const edgeLayer = s("g", { class: "edges" });
  const labelLayer = s("g", { class: "edge-labels" });
  for (const e of layout.edges) drawEdge(e, edgeLayer, labelLayer);
  root.appendChild(edgeLayer);
  for (const n of layout.nodes.filter((n) => !n.container)) {
    root.appendChild(nodeGroup(n, false, [], byName, options));
  }
  root.appendChild(labelLayer);

  const toolbar = h("div", { class: "graph-tools" },
    h("button", { class: "icon", title: "Zoom in", onclick: () => zoom(0.8) }, "+"),
    h("button", { class: "icon", title: "Zoom out", onclick: () => zoom(1.25) }, "−"),
    h("button", { class: "icon", title: "Fit", onclick: () => { view = { ...full }; setView(); } }, "⤢"),
  );
  host.appendChild(toolbar);
  host.appendChild(svg);
  host.classList.add("graph-host");
  // Start with the whole drawing when it stays legible (small drawings at their natural size),
  // else at a readable scale from the top; a short drawing gets a shorter frame (CSSOM styles are allowed
  // by the page's CSP). "Fit" shows everything.
  const width = host.clientWidth;
  if (width > 0 && host.clientHeight > 0) {
    const scale = Math.max(0.6, Math.min(1, width / full.w, host.clientHeight / full.h));
    const natural = Math.max(260, full.h * scale + 4);
    if (natural < host.clientHeight) host.style.height = `${natural}px`;
    const w = width / scale;
    const hgt = host.clientHeight / scale;
    view = { x: full.w < w ? full.x - (w - full.w) / 2 : full.x, y: full.y, w, h: hgt };
    setView();
  }

  function zoom(f, cx, cy) {
    const px = cx ?? view.x + view.w / 2;
    const py = cy ?? view.y + view.h / 2;
    const w = Math.min(Math.max(view.w * f, 80), full.w * 4);
    const k = w / view.w;
    view = { x: px - (px - view.x) * k, y: py - (py - view.y) * k, w, h: view.h * k };
    setView();
  }
  svg.addEventListener("wheel", (ev) => {
    if (!ev.ctrlKey && !ev.metaKey && Math.abs(ev.deltaY) < 40 && !ev.shiftKey) {
      // Plain scrolling pans; pinch or ctrl+wheel zooms.
      const r = svg.getBoundingClientRect();
      const scale = view.w / r.width;
      view.x += ev.deltaX * scale;
      view.y += ev.deltaY * scale;
      setView();
      ev.preventDefault();
      return;
    }
    const pt = toGraph(ev);
    zoom(ev.deltaY > 0 ? 1.15 : 0.87, pt.x, pt.y);
    ev.preventDefault();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.target.closest("[data-state]")) return;
    drag = { x: ev.clientX, y: ev.clientY, view: { ...view } };
    svg.setPointerCapture(ev.pointerId);
    svg.classList.add("dragging");
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const scale = Math.max(view.w / r.width, view.h / r.height);
    view.x = drag.view.x - (ev.clientX - drag.x) * scale;
    view.y = drag.view.y - (ev.clientY - drag.y) * scale;
    setView();
  });
  const endDrag = () => {
    drag = null;
    svg.classList.remove("dragging");
  };
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);
  function toGraph(ev) {
    const r = svg.getBoundingClientRect();
    const scale = Math.max(view.w / r.width, view.h / r.height);
    const offX = (r.width * scale - view.w) / 2;
    return { x: view.x - offX + (ev.clientX - r.left) * scale, y: view.y + (ev.clientY - r.top) * scale };
  }

  let selected = null;
  const api = {
    svg,
    setRun(states) {
      for (const [name, g] of byName) {
        const run = states ? states[name] : null;
        const status = run ? run.status : "notrun";
        g.setAttribute("data-status", status);
        const badge = g.querySelector(".retry-count");
        if (badge) {
          const n = run ? run.retries : 0;
          badge.textContent = n > 0 ? `↻ ${n}` : "";
        }
        const visits = g.querySelector(".visit-count");
        if (visits) visits.textContent = run && run.visits > 1 ? `×${run.visits}` : "";
      }
    },
    select(name) {
      if (selected) selected.classList.remove("selected");
      selected = name ? byName.get(name) || null : null;
      if (selected) selected.classList.add("selected");
    },
    fit() {
      view = { ...full };
      setView();
    },
    names: () => [...byName.keys()],
  };
  if (options.states !== undefined) api.setRun(options.states);
  return api;
}

function marker(id, cls) {
  return s("marker", { id, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
    s("path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
}

function drawEdge(e, layer, labels) {
  const kind = e.kind.toLowerCase();
  const markerId = kind === "catch" ? "arrow-catch" : kind === "choice" || kind === "default" ? "arrow-choice" : "arrow";
  layer.appendChild(
    s("path", {
      d: pathOf(e.points),
      class: ["edge", `edge-${kind}`, e.back ? "edge-back" : ""],
      "marker-end": `url(#${markerId})`,
      "data-from": e.from,
      "data-to": e.to,
    }, s("title", {}, e.label || e.kind)),
  );
  if (!e.label) return;
  const text = e.label.length > MAX_LABEL ? e.label.slice(0, MAX_LABEL - 1) + "…" : e.label;
  const w = text.length * LABEL_CHAR + 10;
  const [x, y] = e.labelAt;
  labels.appendChild(
    s("g", { class: ["edge-label", `edge-label-${kind}`], transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` },
      s("title", {}, e.label),
      s("rect", { x: (-w / 2).toFixed(1), y: "-9", width: w.toFixed(1), height: "18", rx: "4" }),
      s("text", { x: "0", y: "4", "text-anchor": "middle" }, text),
    ),
  );
}

function nodeGroup(n, container, scopes, byName, options) {
  const g = s("g", {
    class: ["state", `type-${n.type.toLowerCase()}`, container ? "container" : "", n.start ? "start" : "", n.terminal ? "terminal" : ""],
    "data-state": n.name,
    "data-status": "notrun",
    "data-id": n.id,
    "data-type": n.type,
    tabindex: "0",
    role: "button",
    "aria-label": `${n.type} state ${n.name}`,
  });
  g.appendChild(s("title", {}, `${n.name} (${n.type})`));
  g.appendChild(s("rect", { class: "box", x: n.x, y: n.y, width: n.width, height: n.height, rx: container ? 10 : 8 }));
  if (container) {
    g.appendChild(s("text", { class: "name", x: n.x + 12, y: n.y + 21 }, fit(n.name, n.width - 90, CHAR)));
    g.appendChild(s("text", { class: "type", x: n.x + n.width - 12, y: n.y + 21, "text-anchor": "end" }, n.type));
    for (const sc of scopes) {
      g.appendChild(s("rect", { class: ["scope", `scope-${sc.kind}`], x: sc.x, y: sc.y, width: sc.width, height: sc.height, rx: 8 }));
      g.appendChild(s("text", { class: "scope-label", x: sc.x + 8, y: sc.y + 14 }, sc.label));
    }
  } else {
    const cx = n.x + n.width / 2;
    g.appendChild(s("text", { class: "name", x: cx, y: n.y + 20, "text-anchor": "middle" }, fit(n.name, n.width, CHAR)));
    g.appendChild(s("text", { class: "type", x: cx, y: n.y + 36, "text-anchor": "middle" }, n.type));
  }
  if (n.retry && n.retry.length) {
    g.appendChild(s("text", { class: "retry-mark", x: n.x + 6, y: n.y + 14 }, s("title", {}, n.retry.join("\n")), "↻"));
  }
  g.appendChild(s("text", { class: "retry-count", x: n.x + n.width - 6, y: n.y + (container ? 36 : 13), "text-anchor": "end" }, ""));
  g.appendChild(s("text", { class: "visit-count", x: n.x + n.width - 6, y: n.y + n.height - 5, "text-anchor": "end" }, ""));
  byName.set(n.name, g);
  const pick = (ev) => {
    ev.stopPropagation();
    if (options.onSelect) options.onSelect(n.name);
  };
  // A container's own area (its header) selects it; the states inside select themselves.
  g.addEventListener("click", (ev) => {
    if (ev.target.closest("[data-state]") === g) pick(ev);
  });
  g.addEventListener("keydown", (ev) => {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target === g) pick(ev);
  });
  return g;
}
