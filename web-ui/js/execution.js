// An execution's page: status, times, payloads; the graph coloured by what happened to each state
// (with an iteration picker for Maps); the state inspector; the timeline; the event history.
// Everything follows the execution live over server-sent events.

import { api, links } from "./api.js";
import { h, replace, badge, fmtTime, fmtDuration, codeBlock, confirmAction, toast, throttle } from "./dom.js";
import { drawGraph } from "./graph.js";
import { renderInspector } from "./inspector.js";
import { drawTimeline } from "./timeline.js";
import { eventsTable } from "./events.js";
import { startDialog } from "./machine.js";

export async function render(root, arn) {
  const [exec, graph] = await Promise.all([api.execution(arn), api.executionGraph(arn, true)]);
  document.title = `${exec.name} · Cairn`;
  const page = new ExecutionPage(root, arn, exec, graph);
  page.mount();
  page.follow();
}

class ExecutionPage {
  constructor(root, arn, exec, graph) {
    this.root = root;
    this.arn = arn;
    this.exec = exec;
    this.layout = graph.layout;
    this.run = graph.run;
    this.types = new Map(graph.layout.nodes.map((n) => [n.name, n.type]));
    this.selected = null;
    this.picks = new Map();
    this.refresh = throttle(() => this.reload(), 400);
  }

  mount() {
    const e = this.exec;
    this.head = h("div", { class: "page-head" });
    this.summary = h("div", { class: "card summary" });
    this.payloads = h("div", { class: "grid-2" });
    this.graphHost = h("div", { class: "graph-frame tall" });
    this.pickers = h("div", { class: "pickers" });
    this.inspector = h("div", { class: "inspector", id: "inspector" });
    this.timelineHost = h("div", { class: "timeline" });
    this.events = eventsTable((name) => this.select(name, true));
    replace(this.root,
      h("nav", { class: "crumbs" },
        h("a", { href: links.machines() }, "State machines"), " / ",
        h("a", { href: links.machine(e.stateMachineArn) }, e.stateMachineArn.split(":").pop()), " / ",
        h("span", {}, e.name)),
      this.head,
      this.summary,
      h("div", { class: "grid-graph" },
        h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Graph"), this.pickers, legend()), this.graphHost),
        h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "State")), this.inspector)),
      this.payloads,
      h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Timeline")), this.timelineHost),
      this.events.el,
    );
    this.graph = drawGraph(this.graphHost, this.layout, { onSelect: (name) => this.select(name) });
    this.renderAll();
    this.ticker = setInterval(() => this.exec.status === "RUNNING" && this.renderSummary(), 1000);
  }

  /** Follows the execution: the history so far, then each new event, until it ends. */
  follow() {
    const es = new EventSource(api.eventsUrl(this.arn));
    this.source = es;
    const batch = [];
    const flush = throttle(() => {
      this.events.add(batch.splice(0));
      this.refresh();
    }, 150);
    es.addEventListener("history", (m) => {
      try {
        batch.push(JSON.parse(m.data));
        flush();
      } catch {
        // A malformed message is skipped; the next reload shows the truth.
      }
    });
    es.addEventListener("end", () => {
      es.close();
      this.live(false);
      setTimeout(() => this.reload(), 150);
    });
    es.addEventListener("open", () => this.live(this.exec.status === "RUNNING"));
  }

  live(on) {
    this.isLive = on;
    this.renderHead();
  }

  async reload() {
    try {
      const [exec, g] = await Promise.all([api.execution(this.arn), api.executionGraph(this.arn, false)]);
      this.exec = exec;
      this.run = g.run;
      this.renderAll();
    } catch (err) {
      toast(`Could not refresh: ${err.message}`, "error");
    }
  }

  renderAll() {
    this.renderHead();
    this.renderSummary();
    this.renderPayloads();
    this.renderGraph();
    this.renderInspector();
    drawTimeline(this.timelineHost, this.run, this.exec, (name) => this.select(name, true));
  }

  renderHead() {
    const e = this.exec;
    const running = e.status === "RUNNING";
    const redrivable = ["FAILED", "TIMED_OUT", "ABORTED"].includes(e.status);
    replace(this.head,
      h("div", {},
        h("h1", {}, e.name, " ", h("span", { id: "execution-status" }, badge(e.status)),
          this.isLive ? h("span", { class: "live", title: "Following live" }, "● live") : null),
        h("div", { class: "arn" }, e.arn)),
      h("div", { class: "actions" },
        h("button", { class: "danger", id: "stop", disabled: !running, onclick: () => this.stop() }, "Stop"),
        h("button", { class: "secondary", id: "redrive", disabled: !redrivable, onclick: () => this.redrive() }, "Redrive"),
        h("button", { class: "secondary", id: "run-again", title: "Start a new execution with this input",
          onclick: () => startDialog({ arn: e.stateMachineArn, name: e.stateMachineArn.split(":").pop() }, e.input) }, "Run again")),
    );
  }

  renderSummary() {
    const e = this.exec;
    const duration = e.stop ? e.durationMs : Date.now() - Date.parse(e.start);
    replace(this.summary,
      h("dl", { class: "facts wide" },
        fact("Status", badge(e.status)),
        fact("Started", fmtTime(e.start)),
        fact("Stopped", fmtTime(e.stop)),
        fact("Duration", h("span", { id: "duration" }, fmtDuration(duration))),
        fact("State machine", h("a", { href: links.machine(e.stateMachineArn) }, e.stateMachineArn.split(":").pop())),
        fact("Redrives", String(e.redriveCount || 0)),
      ),
      e.error || e.cause
        ? h("div", { class: "error-box" },
            h("div", { class: "error-name", id: "execution-error" }, e.error || "(no error name)"),
            e.cause ? h("pre", { class: "code small", id: "execution-cause" }, e.cause) : null)
        : null,
    );
  }

  renderPayloads() {
    const e = this.exec;
    replace(this.payloads,
      h("div", { class: "card" }, codeBlock("Execution input", e.input, "execution-input")),
      h("div", { class: "card" }, codeBlock(e.status === "SUCCEEDED" || e.output !== undefined ? "Execution output" : "Execution output (none yet)", e.output, "execution-output")),
    );
  }

  /** Every state's run, with the picked Map iterations overlaid (outermost first). */
  effectiveStates() {
    const states = { ...this.run.states };
    const applied = new Set();
    let changed = true;
    while (changed) {
      changed = false;
      for (const [map, index] of this.picks) {
        if (applied.has(map)) continue;
        const it = states[map] && states[map].iterations && states[map].iterations.find((i) => i.index === index);
        if (!it) continue;
        Object.assign(states, it.states);
        applied.add(map);
        changed = true;
      }
    }
    return states;
  }

  renderGraph() {
    const states = this.effectiveStates();
    this.graph.setRun(states);
    this.graph.select(this.selected);
    const maps = Object.values(states).filter((r) => r.iterations && r.iterations.length);
    replace(this.pickers, maps.map((m) => {
      const sel = h("select", { "data-map": m.name, "aria-label": `Iteration of ${m.name}` },
        h("option", { value: "" }, `${m.name}: all ${m.iterations.length}${m.iterationsTruncated ? "+" : ""} iterations`),
        m.iterations.map((it) => h("option", { value: String(it.index), selected: this.picks.get(m.name) === it.index }, `${m.name} #${it.index} — ${it.status}`)));
      sel.addEventListener("change", () => {
        if (sel.value === "") this.picks.delete(m.name);
        else this.picks.set(m.name, Number(sel.value));
        this.renderGraph();
        this.renderInspector();
      });
      return h("label", { class: "picker" }, sel);
    }));
  }

  renderInspector() {
    const states = this.effectiveStates();
    renderInspector(this.inspector, this.selected, this.selected ? states[this.selected] : null, this.types.get(this.selected));
  }

  select(name, scroll) {
    this.selected = name;
    this.graph.select(name);
    this.renderInspector();
    if (scroll) this.inspector.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  async stop() {
    if (!(await confirmAction("Stop this execution?", `The execution ${this.exec.name} will be aborted. States that are running are cancelled.`, "Stop execution", true))) return;
    try {
      this.exec = await api.stop(this.arn);
      toast("Execution stopped");
      this.reload();
    } catch (err) {
      toast(`Stop failed: ${err.message}`, "error");
    }
  }

  async redrive() {
    if (!(await confirmAction("Redrive this execution?", `The execution ${this.exec.name} will restart from the states that did not succeed.`, "Redrive", false))) return;
    try {
      this.exec = await api.redrive(this.arn);
      toast("Execution redriven");
      location.reload();
    } catch (err) {
      toast(`Redrive failed: ${err.message}`, "error");
    }
  }
}

function fact(k, v) {
  return [h("dt", {}, k), h("dd", {}, v)];
}

function legend() {
  const items = ["notrun", "running", "succeeded", "caught", "failed", "cancelled"];
  const label = { notrun: "not run" };
  return h("div", { class: "legend" }, items.map((st) => h("span", { class: ["legend-item", `st-${st}`] }, h("i", {}), label[st] || st)));
}
