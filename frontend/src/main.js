// The dashboard: a hash router over the views. Every view is a URL (#/events?type=REJECT),
// and every view's data is one API call, linked at the bottom of the page.

import { h, clear } from "./dom.js";
import { actorsView } from "./views/actors.js";
import { documentView } from "./views/document.js";
import { dyadView } from "./views/dyads.js";
import { eventView } from "./views/event.js";
import { eventsView } from "./views/events.js";
import { networkView } from "./views/network.js";
import { storiesView, storyView } from "./views/stories.js";

const ROUTES = [
  [/^\/(dyads)?$/, "dyads", (m, p, go) => dyadView(p, go)],
  [/^\/events$/, "events", (m, p, go) => eventsView(p, go)],
  [/^\/events\/(.+)$/, "events", (m) => eventView(decodeURIComponent(m[1]))],
  // A document belongs to no section of the navigation (it is reached from events and stories alike).
  [/^\/documents\/(.+)$/, null, (m) => documentView(decodeURIComponent(m[1]))],
  [/^\/network$/, "network", (m, p, go) => networkView(p, go)],
  [/^\/stories$/, "stories", (m, p, go) => storiesView(p, go)],
  [/^\/stories\/(.+)$/, "stories", (m) => storyView(decodeURIComponent(m[1]))],
  [/^\/actors$/, "actors", (m, p, go) => actorsView(p, go)],
];

const view = document.getElementById("view");
let current = 0;
let cleanup = null;

function go(path, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== undefined && v !== null));
  location.hash = path + (q.toString() ? "?" + q : "");
}

async function render() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, qs] = raw.split("?", 2);
  const params = Object.fromEntries(new URLSearchParams(qs || ""));
  const route = ROUTES.find(([re]) => re.test(path));
  const mine = ++current;
  view.setAttribute("aria-busy", "true");
  for (const a of document.querySelectorAll("header nav a[data-nav]")) {
    a.classList.toggle("active", Boolean(route && route[1] && a.dataset.nav === route[1]));
  }
  let result;
  try {
    result = route ? await route[2](path.match(route[0]), params, go)
      : { el: h("p", { class: "error" }, `No page ${path}.`) };
  } catch (err) {
    result = { el: h("p", { class: "error" }, `Could not load this view: ${err.message}`) };
  }
  if (mine !== current) return;
  if (cleanup) cleanup();
  clear(view, result.el);
  cleanup = result.mounted ? result.mounted() || null : null;
  document.title = `${(view.querySelector("h1") || {}).textContent || "eventwatch"} · eventwatch`;
  view.dataset.hash = location.hash; // which URL the view shows: a click changes the hash before the view
  view.setAttribute("aria-busy", "false");
}

window.addEventListener("hashchange", render);
render();
