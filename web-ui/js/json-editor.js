// A JSON text editor: a textarea with line numbers, markers pinned to lines, and live parsing.

import { h, clear } from "./dom.js";

/** Where JSON.parse stopped, as {line, column} (1-based), from its message. */
export function parseErrorLocation(text, message) {
  const m = /position (\d+)/.exec(message || "");
  if (m) return offsetToLineCol(text, Number(m[1]));
  const lc = /line (\d+) column (\d+)/.exec(message || "");
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  return null;
}

export function offsetToLineCol(text, offset) {
  let line = 1;
  let col = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

/** Parses JSON text: {ok: true, value} or {ok: false, message, line, column}. */
export function checkJson(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const loc = parseErrorLocation(text, e.message) || { line: 1, column: 1 };
    return { ok: false, message: e.message, ...loc };
  }
}

/**
 * An editor element. `onInput(text)` is called on every change. `setMarkers([{line, message}])`
 * pins messages to lines; `reveal(line, column)` moves the caret there.
 */
export function jsonEditor({ value = "", onInput, rows = 16, label = "JSON" } = {}) {
  const gutter = h("div", { class: "gutter", "aria-hidden": "true" });
  const area = h("textarea", { class: "editor-text", spellcheck: "false", rows: String(rows), "aria-label": label, wrap: "off" });
  area.value = value;
  const wrap = h("div", { class: "editor" }, gutter, area);
  let markers = new Map();

  function renderGutter() {
    const lines = area.value.split("\n").length;
    clear(gutter);
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= lines; i++) {
      const msgs = markers.get(i);
      frag.appendChild(h("div", { class: ["ln", msgs ? "marked" : ""], title: msgs ? msgs.join("\n") : null, "data-line": String(i) }, msgs ? "●" : String(i)));
    }
    gutter.appendChild(frag);
    gutter.scrollTop = area.scrollTop;
  }
  area.addEventListener("scroll", () => (gutter.scrollTop = area.scrollTop));
  area.addEventListener("input", () => {
    renderGutter();
    if (onInput) onInput(area.value);
  });
  area.addEventListener("keydown", (ev) => {
    if (ev.key === "Tab") {
      ev.preventDefault();
      const { selectionStart: a, selectionEnd: b } = area;
      area.setRangeText("  ", a, b, "end");
      area.dispatchEvent(new Event("input"));
    }
  });
  renderGutter();
  return {
    el: wrap,
    textarea: area,
    get value() {
      return area.value;
    },
    set value(v) {
      area.value = v;
      renderGutter();
    },
    setMarkers(list) {
      markers = new Map();
      for (const m of list) {
        if (!markers.has(m.line)) markers.set(m.line, []);
        markers.get(m.line).push(m.message);
      }
      renderGutter();
    },
    reveal(line, column = 1) {
      const lines = area.value.split("\n");
      let offset = 0;
      for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
      offset += Math.max(0, column - 1);
      area.focus();
      area.setSelectionRange(offset, offset + 1);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (line - 4) * lineHeight);
    },
  };
}

/**
 * Offsets of every JSON Pointer in a JSON text: pointer → {start, keyStart}. Lets diagnostics
 * (which carry pointers) be pinned to where the user wrote the value.
 */
export function pointerOffsets(text) {
  const out = new Map();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i));
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const esc = (k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1");
  function value(ptr, keyStart) {
    ws();
    out.set(ptr, { start: i, keyStart: keyStart ?? i });
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      while (i < text.length && text[i] !== "}") {
        ws();
        const ks = i;
        if (text[i] !== '"') return;
        const key = str();
        ws();
        if (text[i] !== ":") return;
        i++;
        value(`${ptr}/${esc(key)}`, ks);
        ws();
        if (text[i] === ",") i++;
        else break;
      }
      i++;
    } else if (c === "[") {
      i++;
      let n = 0;
      ws();
      while (i < text.length && text[i] !== "]") {
        value(`${ptr}/${n++}`);
        ws();
        if (text[i] === ",") i++;
        else break;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && /[^,\]}\s]/.test(text[i])) i++;
  }
  try {
    value("");
  } catch {
    // A partial map is still useful.
  }
  return out;
}

/** The line and column of a JSON Pointer in `text` (its key when it has one), or of its
 * closest existing ancestor. */
export function locatePointer(text, pointer, offsets) {
  const map = offsets || pointerOffsets(text);
  let p = pointer || "";
  while (true) {
    const hit = map.get(p);
    if (hit) return offsetToLineCol(text, hit.keyStart);
    if (!p) return { line: 1, column: 1 };
    p = p.slice(0, p.lastIndexOf("/"));
  }
}
