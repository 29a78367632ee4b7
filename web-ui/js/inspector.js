// The panel that shows one state's run: status, timing, retries with each attempt, and its
// input, output, error and cause as text.

import { h, replace, badge, fmtTime, fmtClock, fmtDuration, codeBlock } from "./dom.js";

export function renderInspector(host, name, run, type) {
  if (!name) {
    replace(host, h("div", { class: "inspector-empty" }, h("p", {}, "Select a state in the graph or the timeline to see its input, output, error, retries and timing.")));
    return;
  }
  if (!run || run.status === "notrun") {
    replace(host,
      h("div", { class: "inspector-head" }, h("h3", { "data-field": "state-name" }, name), badge("notrun")),
      h("p", { class: "muted" }, `${type || run?.type || "This"} state was not entered in this run${run ? "" : " (or in the selected iteration)"}.`));
    return;
  }
  const attempts = run.attempts || [];
  replace(host,
    h("div", { class: "inspector-head" }, h("h3", { "data-field": "state-name" }, name), badge(run.status)),
    h("dl", { class: "facts" },
      fact("Type", run.type),
      fact("Entered", fmtTime(run.entered)),
      fact("Exited", fmtTime(run.exited)),
      fact("Duration", fmtDuration(run.durationMs)),
      run.visits > 1 ? fact("Entries", String(run.visits)) : null,
      fact("Retries", String(run.retries || 0)),
    ),
    run.error || run.cause
      ? h("div", { class: "error-box" },
          h("div", { class: "error-name", "data-field": "error" }, run.error || "(no error name)"),
          run.cause ? h("pre", { class: "code small", "data-field": "cause" }, run.cause) : null)
      : null,
    attempts.length
      ? h("div", { class: "attempts" },
          h("h4", {}, `Attempts (${attempts.length})`),
          h("table", { class: "table compact" },
            h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Outcome"), h("th", {}, "Started"), h("th", {}, "Duration"), h("th", {}, "Error"))),
            h("tbody", {}, attempts.map((a) =>
              h("tr", { "data-attempt": String(a.number) },
                h("td", {}, String(a.number)),
                h("td", {}, badge(a.outcome)),
                h("td", {}, fmtClock(a.scheduled)),
                h("td", {}, fmtDuration(a.durationMs)),
                h("td", { title: a.cause || "" }, a.error || ""))))))
      : null,
    codeBlock("Input", run.input, "input"),
    codeBlock("Output", run.output, "output"),
  );
}

function fact(k, v) {
  return [h("dt", {}, k), h("dd", {}, v)];
}
