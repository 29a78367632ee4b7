// DOM helpers. Everything the user or a server gives us is inserted as text nodes or attribute
// values — never parsed as HTML — so state names and payloads cannot inject markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.setAttribute("class", Array.isArray(v) ? v.filter(Boolean).join(" ") : v);
    else if (k === "text") el.textContent = String(v);
    else if (k === "value" && "value" in el) el.value = v;
    else if (k === "checked" || k === "disabled" || k === "selected") el[k] = Boolean(v);
    else if (k === "style") throw new Error("inline styles are not allowed (CSP); use classes");
    else el.setAttribute(k, v === true ? "" : String(v));
  }
}

/** An HTML element: h("div", {class: "x", onclick: f}, "text", child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

const pad = (n, w = 2) => String(n).padStart(w, "0");

/** "2026-11-26 23:01:02.345" in local time. */
export function fmtTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "23:01:02.345" in local time. */
export function fmtClock(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const sec = ms / 1000;
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 2 : 1)} s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min} min ${pad(Math.floor(sec % 60))} s`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `${hr} h ${pad(min % 60)} min`;
  return `${Math.floor(hr / 24)} d ${hr % 24} h`;
}

/** A JSON value as indented text; strings that hold JSON are shown parsed. */
export function pretty(value) {
  if (value === undefined) return "";
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** A status pill. Execution statuses are upper-case, state statuses lower-case. */
export function badge(status) {
  const st = String(status || "").toLowerCase();
  return h("span", { class: ["badge", `st-${st}`], "data-badge": st }, st.replace("_", " "));
}

/** A titled block of JSON or text, copyable. */
export function codeBlock(title, value, field) {
  const text = pretty(value);
  return h(
    "section",
    { class: "code-block" },
    h("div", { class: "code-title" }, h("span", {}, title), text ? h("button", { class: "link small", onclick: () => navigator.clipboard?.writeText(text) }, "Copy") : null),
    h("pre", { class: "code", "data-field": field || null }, text || "—"),
  );
}

/** A modal dialog; resolves with the value of the button pressed (or null when dismissed). */
export function dialog(title, body, buttons) {
  return new Promise((resolve) => {
    const dlg = h("dialog", { class: "dialog" });
    const close = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    const btns = buttons.map((b) =>
      h("button", { class: b.class || "", "data-action": b.value, onclick: async () => {
        if (b.check && !(await b.check())) return;
        close(b.value);
      } }, b.label),
    );
    append(dlg, [h("h2", {}, title), h("div", { class: "dialog-body" }, body), h("div", { class: "dialog-buttons" }, btns)]);
    dlg.addEventListener("cancel", (e) => {
      e.preventDefault();
      close(null);
    });
    document.body.appendChild(dlg);
    dlg.showModal();
  });
}

/** Asks for confirmation; resolves true when confirmed. */
export async function confirmAction(title, message, label, danger) {
  const v = await dialog(title, h("p", {}, message), [
    { label: "Cancel", value: "cancel", class: "secondary" },
    { label, value: "ok", class: danger ? "danger" : "primary" },
  ]);
  return v === "ok";
}

/** A message that disappears after a while. */
export function toast(message, kind = "info") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts" });
    document.body.appendChild(box);
  }
  const t = h("div", { class: ["toast", kind], role: "status" }, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), 6000);
}

/** Calls f at most once per `ms`, with the latest arguments. */
export function throttle(f, ms) {
  let timer = null;
  let last = 0;
  let pending = null;
  return (...args) => {
    pending = args;
    const wait = Math.max(0, last + ms - Date.now());
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      const a = pending;
      pending = null;
      f(...a);
    }, wait);
  };
}

export function debounce(f, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}
