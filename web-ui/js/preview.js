// Definition preview: edit a definition, see its diagnostics pinned to the lines they point at,
// and its graph redrawn as you type. It can be saved as a new state machine, or back to the one
// it was opened from.

import { api, links } from "./api.js";
import { h, replace, debounce, toast } from "./dom.js";
import { drawGraph } from "./graph.js";
import { jsonEditor, checkJson, locatePointer, pointerOffsets } from "./json-editor.js";

const SAMPLE = {
  Comment: "An example: edit me",
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [{ Variable: "$.count", NumericGreaterThan: 0, Next: "Work" }],
      Default: "Nothing to do",
    },
    "Nothing to do": { Type: "Succeed" },
    Work: {
      Type: "Parallel",
      Branches: [
        { StartAt: "Left", States: { Left: { Type: "Pass", End: true } } },
        { StartAt: "Right", States: { Right: { Type: "Wait", Seconds: 1, End: true } } },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
      Next: "Done",
    },
    Failed: { Type: "Fail", Error: "WorkFailed" },
    Done: { Type: "Succeed" },
  },
};

export async function render(root, _param, query) {
  document.title = "Definition preview · Cairn";
  const from = query.get("from");
  const source = from ? await api.machine(from) : null;
  const initial = source ? JSON.stringify(JSON.parse(source.definition), null, 2) : JSON.stringify(SAMPLE, null, 2);
  const diagList = h("ul", { class: "diagnostics", id: "diagnostics" });
  const status = h("div", { class: "editor-status" });
  const graphHost = h("div", { class: "graph-frame tall" });
  let graph = null;
  let generation = 0;

  const editor = jsonEditor({ value: initial, rows: 30, label: "Definition", onInput: debounce(update, 250) });

  async function update() {
    const text = editor.value;
    const mine = ++generation;
    const parsed = checkJson(text);
    if (!parsed.ok) {
      showDiagnostics([{ line: parsed.line, column: parsed.column, code: "INVALID_JSON", message: parsed.message, location: "" }]);
      return;
    }
    try {
      const v = await api.validate(text);
      if (mine !== generation) return;
      const offsets = pointerOffsets(text);
      showDiagnostics(v.diagnostics.map((d) => ({ ...d, ...locatePointer(text, d.location, offsets) })));
      if (v.valid) {
        const g = await api.graph(text);
        if (mine !== generation) return;
        graph = drawGraph(graphHost, g.layout, { states: {} });
        graphHost.classList.remove("stale");
      }
    } catch (e) {
      if (mine === generation) showDiagnostics([{ line: 1, column: 1, code: "ERROR", message: e.message, location: "" }]);
    }
  }

  function showDiagnostics(list) {
    editor.setMarkers(list.map((d) => ({ line: d.line, message: `${d.code}: ${d.message}` })));
    status.className = `editor-status ${list.length ? "bad" : "ok"}`;
    status.textContent = list.length ? `${list.length} problem${list.length === 1 ? "" : "s"}` : "Valid definition";
    if (list.length) graphHost.classList.add("stale");
    replace(diagList, list.map((d) =>
      h("li", { class: "diagnostic", "data-line": String(d.line), "data-code": d.code, tabindex: "0", onclick: () => editor.reveal(d.line, d.column) },
        h("span", { class: "where" }, `Line ${d.line}:${d.column}`),
        h("span", { class: "code-name" }, d.code),
        h("span", { class: "message" }, d.message),
        d.location ? h("code", { class: "pointer" }, d.location) : null)));
  }

  const name = h("input", { type: "text", placeholder: "state-machine-name", "aria-label": "Name", maxlength: "80" });
  const type = h("select", { "aria-label": "Type" }, h("option", { value: "STANDARD" }, "Standard"), h("option", { value: "EXPRESS" }, "Express"));
  const create = h("button", { class: "primary", onclick: async () => {
    try {
      const sm = await api.post("/v1/state-machines", { name: name.value.trim(), definition: editor.value, type: type.value });
      location.href = links.machine(sm.arn);
    } catch (e) {
      toast(e.message, "error");
    }
  } }, "Create state machine");
  const save = source
    ? h("button", { class: "primary", onclick: async () => {
        try {
          await api.put(`/v1/state-machines/${encodeURIComponent(source.arn)}`, { definition: editor.value });
          toast("Definition saved");
        } catch (e) {
          toast(e.message, "error");
        }
      } }, `Save to ${source.name}`)
    : null;

  replace(root,
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, "Definition preview"), h("p", { class: "muted" }, source ? `Editing ${source.name}` : "Paste or edit an Amazon States Language definition.")),
      h("div", { class: "actions" }, save, source ? null : [name, type, create])),
    h("div", { class: "grid-preview" },
      h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Definition"), status), editor.el, diagList),
      h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Graph")), graphHost)),
  );
  await update();
  return () => graph;
}
