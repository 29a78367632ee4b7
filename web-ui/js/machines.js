// The list of state machines, with how their recent executions ended.

import { api, links } from "./api.js";
import { h, replace, badge, fmtTime } from "./dom.js";

const ORDER = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

export async function render(root) {
  document.title = "State machines · Cairn";
  const body = h("tbody");
  const more = h("button", { class: "secondary", hidden: true }, "Load more");
  const count = h("span", { class: "muted" });
  replace(
    root,
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, "State machines"), count),
      h("div", { class: "actions" }, h("a", { class: "button primary", href: links.preview() }, "New from a definition")),
    ),
    h("div", { class: "card" },
      h("table", { class: "table", id: "machines" },
        h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Type"), h("th", {}, "Created"), h("th", {}, "Recent executions"), h("th", {}, "Last started"))),
        body,
      ),
      h("div", { class: "table-foot" }, more),
    ),
  );
  let cursor = null;
  let shown = 0;
  async function load() {
    more.disabled = true;
    const page = await api.machines(cursor);
    for (const m of page.items) body.appendChild(row(m));
    shown += page.items.length;
    cursor = page.nextCursor || null;
    more.hidden = !cursor;
    more.disabled = false;
    count.textContent = shown ? `${shown}${cursor ? "+" : ""} state machine${shown === 1 ? "" : "s"}` : "";
    if (!shown) {
      body.appendChild(h("tr", {}, h("td", { colspan: 5, class: "empty-cell" },
        "No state machines yet. Create one with the AWS CLI, the REST API, or ", h("a", { href: links.preview() }, "from a definition"), ".")));
    }
  }
  more.addEventListener("click", load);
  await load();
}

function row(m) {
  const r = m.recentExecutions || { byStatus: {} };
  const counts = ORDER.filter((st) => r.byStatus[st]).map((st) =>
    h("span", { class: "count-pill", title: st }, badge(st), h("b", {}, String(r.byStatus[st]))),
  );
  return h("tr", {},
    h("td", {}, h("a", { href: links.machine(m.arn), class: "strong" }, m.name), h("div", { class: "arn" }, m.arn)),
    h("td", {}, m.type),
    h("td", {}, fmtTime(m.created)),
    h("td", {}, counts.length ? h("div", { class: "pills" }, counts, r.more ? h("span", { class: "muted" }, ` (last ${r.counted})`) : null) : h("span", { class: "muted" }, "none")),
    h("td", {}, fmtTime(r.lastStart)),
  );
}
