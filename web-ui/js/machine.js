// A state machine's page: its graph and definition, its executions (status filter, paging) and a
// "Start execution" dialog whose JSON input is checked before it is sent.

import { api, links } from "./api.js";
import { h, replace, badge, fmtTime, fmtDuration, pretty } from "./dom.js";
import { drawGraph } from "./graph.js";
import { jsonEditor, checkJson } from "./json-editor.js";

const STATUSES = ["", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
const PAGE = 25;

export async function render(root, arn) {
  const [sm, graph] = await Promise.all([api.machine(arn), api.machineGraph(arn).catch(() => null)]);
  document.title = `${sm.name} · Cairn`;
  const graphHost = h("div", { class: "graph-frame" });
  const defPre = h("pre", { class: "code tall", "data-field": "definition" }, pretty(sm.definition));
  const graphTab = h("button", { class: "tab active" }, "Graph");
  const defTab = h("button", { class: "tab" }, "Definition");
  const defPanel = h("div", { hidden: true }, defPre);
  graphTab.addEventListener("click", () => {
    graphTab.classList.add("active");
    defTab.classList.remove("active");
    graphHost.hidden = false;
    defPanel.hidden = true;
  });
  defTab.addEventListener("click", () => {
    defTab.classList.add("active");
    graphTab.classList.remove("active");
    graphHost.hidden = true;
    defPanel.hidden = false;
  });

  const execs = executionsTable(sm);
  const schedules = await api.schedules().then((r) => r.items).catch(() => []);
  // Schedules of this machine, or of one of its versions or aliases (`ARN:qualifier`).
  const ours = schedules.filter((s) => s.stateMachineArn === sm.arn || s.stateMachineArn.startsWith(`${sm.arn}:`));
  replace(
    root,
    h("nav", { class: "crumbs" }, h("a", { href: links.machines() }, "State machines"), " / ", h("span", {}, sm.name)),
    h("div", { class: "page-head" },
      h("div", {},
        h("h1", {}, sm.name),
        h("div", { class: "arn" }, sm.arn),
        h("div", { class: "meta" },
          h("span", {}, h("b", {}, "Type "), sm.type),
          h("span", {}, h("b", {}, "Created "), fmtTime(sm.created)),
          h("span", {}, h("b", {}, "Updated "), fmtTime(sm.updated)),
        ),
      ),
      h("div", { class: "actions" },
        h("a", { class: "button secondary", href: links.preview(sm.arn) }, "Edit definition"),
        h("button", { class: "primary", id: "start-execution", onclick: () => startDialog(sm) }, "Start execution"),
      ),
    ),
    h("div", { class: "card" }, h("div", { class: "tabs" }, graphTab, defTab), graphHost, defPanel),
    ours.length ? schedulesTable(ours) : null,
    execs.el,
  );
  if (graph) drawGraph(graphHost, graph.layout, { states: {} });
  else graphHost.appendChild(h("p", { class: "muted" }, "The definition cannot be drawn."));
  await execs.load();
}

function executionsTable(sm) {
  const body = h("tbody");
  const filter = h("select", { "aria-label": "Status filter", id: "status-filter" },
    STATUSES.map((st) => h("option", { value: st }, st ? st.replace("_", " ") : "All statuses")));
  const prev = h("button", { class: "secondary", disabled: true }, "← Newer");
  const next = h("button", { class: "secondary", disabled: true }, "Older →");
  const info = h("span", { class: "muted" });
  // Cursors of the pages seen so far: cursors[i] opens page i.
  let cursors = [null];
  let page = 0;
  async function load() {
    const res = await api.executions({ stateMachineArn: sm.arn, status: filter.value, cursor: cursors[page], limit: PAGE });
    replace(body, res.items.map(row));
    if (!res.items.length) body.appendChild(h("tr", {}, h("td", { colspan: 5, class: "empty-cell" }, "No executions.")));
    cursors[page + 1] = res.nextCursor || null;
    prev.disabled = page === 0;
    next.disabled = !res.nextCursor;
    info.textContent = res.items.length ? `${page * PAGE + 1}–${page * PAGE + res.items.length}` : "";
  }
  filter.addEventListener("change", () => {
    cursors = [null];
    page = 0;
    load();
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    load();
  });
  next.addEventListener("click", () => {
    page++;
    load();
  });
  const el = h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Executions"),
      h("div", { class: "actions" }, filter, h("button", { class: "secondary", onclick: load }, "Refresh"))),
    h("table", { class: "table", id: "executions" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Status"), h("th", {}, "Started"), h("th", {}, "Stopped"), h("th", {}, "Duration"))),
      body),
    h("div", { class: "table-foot" }, info, prev, next),
  );
  return { el, load };
}

/** The schedules that start this machine: expression, next fire time, and whether they are on. */
function schedulesTable(items) {
  return h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Schedules")),
    h("table", { class: "table", id: "schedules" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Expression (UTC)"), h("th", {}, "Next start"), h("th", {}, "Target"))),
      h("tbody", {}, items.map((s) => h("tr", { "data-schedule": s.name },
        h("td", { class: "strong" }, s.name),
        h("td", {}, h("code", {}, s.expression)),
        h("td", {}, s.enabled ? fmtTime(s.nextFire) : "disabled"),
        h("td", {}, s.stateMachineArn.split(":").slice(6).join(":")))))));
}

function row(e) {
  return h("tr", {},
    h("td", {}, h("a", { href: links.execution(e.arn), class: "strong" }, e.name)),
    h("td", {}, badge(e.status)),
    h("td", {}, fmtTime(e.start)),
    h("td", {}, fmtTime(e.stop)),
    h("td", {}, fmtDuration(e.durationMs)),
  );
}

/**
 * The "Start execution" dialog: a name and a JSON input that must parse before it is sent;
 * `input` (a JSON value) fills the editor, to run an execution again.
 */
export function startDialog(sm, input) {
  const dlg = h("dialog", { class: "dialog wide", id: "start-dialog" });
  const name = h("input", { type: "text", placeholder: "(generated)", "aria-label": "Execution name", maxlength: "80" });
  const status = h("div", { class: "editor-status" });
  const problem = h("div", { class: "problem", hidden: true });
  const start = h("button", { class: "primary", "data-action": "start" }, "Start");
  const initial = input === undefined ? '{\n  \n}' : JSON.stringify(input, null, 2);
  const editor = jsonEditor({ value: initial, rows: 14, label: "Execution input", onInput: check });
  function check() {
    const r = checkJson(editor.value);
    start.disabled = !r.ok;
    status.className = `editor-status ${r.ok ? "ok" : "bad"}`;
    status.textContent = r.ok ? "Valid JSON" : `Line ${r.line}, column ${r.column}: ${r.message}`;
    editor.setMarkers(r.ok ? [] : [{ line: r.line, message: r.message }]);
    return r;
  }
  start.addEventListener("click", async () => {
    const r = check();
    if (!r.ok) return;
    start.disabled = true;
    problem.hidden = true;
    try {
      const e = await api.start(sm.arn, name.value.trim(), r.value);
      dlg.close();
      location.href = links.execution(e.arn);
    } catch (err) {
      problem.hidden = false;
      problem.textContent = err.message;
      start.disabled = false;
    }
  });
  const cancel = h("button", { class: "secondary", onclick: () => { dlg.close(); dlg.remove(); } }, "Cancel");
  dlg.append(
    h("h2", {}, `Start an execution of ${sm.name}`),
    h("div", { class: "dialog-body" },
      h("label", { class: "field" }, h("span", {}, "Name"), name),
      h("div", { class: "field" }, h("span", {}, "Input"), editor.el, status),
      problem),
    h("div", { class: "dialog-buttons" }, cancel, start),
  );
  document.body.appendChild(dlg);
  check();
  dlg.showModal();
  editor.textarea.focus();
  dlg.addEventListener("close", () => dlg.remove());
}
