// The UI's entry point: picks the page from the path and renders it into #app.

import { h, replace } from "./dom.js";

const routes = [
  { re: /^\/$/, nav: "machines", load: () => import("./machines.js") },
  { re: /^\/state-machines\/([^/]+)$/, nav: "machines", load: () => import("./machine.js") },
  { re: /^\/executions\/([^/]+)$/, nav: "machines", load: () => import("./execution.js") },
  { re: /^\/preview$/, nav: "preview", load: () => import("./preview.js") },
];

async function main() {
  const root = document.getElementById("app");
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const route = routes.find((r) => r.re.test(path));
  if (!route) {
    replace(root, h("div", { class: "empty" }, h("h1", {}, "Not found"), h("p", {}, "There is no page at ", h("code", {}, path), ".")));
    return;
  }
  for (const a of document.querySelectorAll("[data-nav]")) {
    a.classList.toggle("active", a.dataset.nav === route.nav);
  }
  const param = (path.match(route.re) || [])[1];
  try {
    const page = await route.load();
    await page.render(root, param ? decodeURIComponent(param) : null, new URLSearchParams(location.search));
  } catch (e) {
    replace(root, h("div", { class: "error-panel" }, h("h1", {}, "Something went wrong"), h("p", {}, String(e && e.message ? e.message : e))));
  }
}

main();
