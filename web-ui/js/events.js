// The event history as a table: filter by type, expand a row to see its details. Rows are
// rendered a page at a time so long histories stay quick.

import { h, replace, fmtTime, fmtDuration, pretty } from "./dom.js";

const PAGE = 250;

function family(type) {
  if (/Failed|TimedOut|Aborted/.test(type)) return "bad";
  if (/Succeeded|Exited/.test(type)) return "good";
  if (/Entered|Started|Scheduled/.test(type)) return "start";
  return "other";
}

/** Payloads recorded as JSON text are shown parsed. */
function readable(details) {
  if (!details) return {};
  const out = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === "string" && ["input", "output", "parameters", "cause", "result"].includes(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // Not JSON: shown as text.
      }
    }
    out[k] = v;
  }
  return out;
}

export function eventsTable(onSelectState) {
  const events = [];
  const seen = new Set();
  let startMs = null;
  let limit = PAGE;
  const typeFilter = h("select", { "aria-label": "Event type filter", id: "event-type-filter" }, h("option", { value: "" }, "All event types"));
  const search = h("input", { type: "search", placeholder: "Filter by state name…", "aria-label": "Filter by state name" });
  const body = h("tbody");
  const foot = h("div", { class: "table-foot" });
  const count = h("span", { class: "muted" });
  const types = new Map();

  function matches(e) {
    if (typeFilter.value && e.type !== typeFilter.value) return false;
    const q = search.value.trim().toLowerCase();
    if (q) {
      const name = (e.details && (e.details.name || e.details.state)) || "";
      if (!String(name).toLowerCase().includes(q)) return false;
    }
    return true;
  }

  function row(e) {
    const name = e.details && (e.details.name || e.details.state);
    const tr = h("tr", { class: ["event", `fam-${family(e.type)}`], "data-event": String(e.id), "data-type": e.type, tabindex: "0" },
      h("td", { class: "num" }, String(e.id)),
      h("td", {}, h("span", { class: "etype" }, e.type)),
      h("td", {}, name ? h("a", { href: "#", class: "state-link", onclick: (ev) => { ev.preventDefault(); ev.stopPropagation(); onSelectState(String(name)); } }, String(name)) : ""),
      h("td", { class: "num" }, startMs === null ? "" : `+${fmtDuration(Date.parse(e.timestamp) - startMs)}`),
      h("td", {}, fmtTime(e.timestamp)),
    );
    const toggle = () => {
      const open = tr.nextSibling && tr.nextSibling.classList && tr.nextSibling.classList.contains("event-details");
      if (open) {
        tr.nextSibling.remove();
        tr.classList.remove("open");
      } else {
        tr.classList.add("open");
        tr.after(h("tr", { class: "event-details" }, h("td", { colspan: 5 },
          h("pre", { class: "code small" }, pretty({ previousEventId: e.previousEventId, ...readable(e.details) })))));
      }
    };
    tr.addEventListener("click", toggle);
    tr.addEventListener("keydown", (ev) => ev.key === "Enter" && toggle());
    return tr;
  }

  function render() {
    const list = events.filter(matches);
    const shown = list.slice(0, limit);
    replace(body, shown.map(row));
    count.textContent = `${list.length} of ${events.length} events`;
    replace(foot, count, list.length > shown.length ? h("button", { class: "secondary", onclick: () => { limit += PAGE; render(); } }, `Show ${Math.min(PAGE, list.length - shown.length)} more`) : null);
  }

  function refreshTypes() {
    const current = typeFilter.value;
    replace(typeFilter, h("option", { value: "" }, "All event types"),
      [...types.entries()].sort().map(([t, n]) => h("option", { value: t, selected: t === current }, `${t} (${n})`)));
  }

  typeFilter.addEventListener("change", () => {
    limit = PAGE;
    render();
  });
  search.addEventListener("input", () => {
    limit = PAGE;
    render();
  });

  const el = h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Event history"), h("div", { class: "actions" }, search, typeFilter)),
    h("div", { class: "table-scroll" },
      h("table", { class: "table events", id: "events" },
        h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Type"), h("th", {}, "State"), h("th", {}, "Elapsed"), h("th", {}, "Timestamp"))),
        body)),
    foot,
  );
  render();

  let pending = false;
  return {
    el,
    /** Adds events (duplicates ignored); re-renders at most once per frame. */
    add(list) {
      let changed = false;
      for (const e of list) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        events.push(e);
        if (startMs === null && e.type === "ExecutionStarted") startMs = Date.parse(e.timestamp);
        types.set(e.type, (types.get(e.type) || 0) + 1);
        changed = true;
      }
      if (!changed || pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        refreshTypes();
        render();
      }, 60);
    },
    count: () => events.length,
  };
}
