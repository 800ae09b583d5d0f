// Stories (documents telling the same story) and, for one story, the outlets that
// reported it and the events coded from it.

import { get } from "../api.js";
import { h } from "../dom.js";
import { link } from "../format.js";
import { dataLinks, eventsTable, field, pager } from "./common.js";

export async function storiesView(params, go) {
  const wanted = Object.fromEntries(["q", "outlet", "sort", "offset"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const page = await get("/api/stories", wanted);
  const form = h("form", { class: "filters", onsubmit: (e) => {
    e.preventDefault();
    go("/stories", Object.fromEntries([...new FormData(e.target).entries()].filter(([, v]) => v)));
  } },
  field("Title", h("input", { name: "q", value: params.q || "", type: "search" })),
  field("Outlet", h("input", { name: "outlet", value: params.outlet || "", type: "search" })),
  h("div", { class: "buttons" }, h("button", { type: "submit" }, "Filter")));
  const table = page.items.length ? h("table", { class: "stories" },
    h("thead", {}, h("tr", {}, ["Story", "Reported by", "Documents", "Events", "Event dates"].map((t) => h("th", {}, t)))),
    h("tbody", {}, page.items.map((s) => h("tr", {},
      h("td", {}, h("a", { href: link.story(s.id) }, s.title || s.id)),
      h("td", {}, s.outlets.join(", ") || "—"),
      h("td", { class: "num" }, s.documents.length),
      h("td", { class: "num" }, s.events),
      h("td", {}, s.first_date ? (s.first_date === s.last_date ? s.first_date : `${s.first_date} – ${s.last_date}`) : "—")))))
    : h("p", { class: "empty" }, "No stories match.");
  const el = h("section", {}, h("h1", {}, "Stories"), form,
    pager(page, (offset) => go("/stories", { ...wanted, offset })), table, dataLinks("/api/stories", wanted));
  return { el };
}

export async function storyView(id) {
  const s = await get(`/api/stories/${encodeURIComponent(id)}`);
  const byOutlet = new Map();
  for (const d of s.documents) {
    const key = d.outlet || "outlet unknown";
    byOutlet.set(key, [...(byOutlet.get(key) || []), d]);
  }
  const el = h("section", { class: "story" },
    h("h1", {}, s.title || s.id),
    h("p", { class: "meta" }, `${s.documents.length} document(s) from ${byOutlet.size} outlet(s) · ${s.events} event(s)`),
    h("h2", {}, "Reported by"),
    h("ul", { class: "outlets" }, [...byOutlet.entries()].map(([outlet, docs]) => h("li", {},
      h("strong", { class: "outlet" }, outlet), ": ",
      docs.map((d, i) => [i ? "; " : "", h("a", { href: link.document(d.doc) }, d.title || d.doc),
        d.published ? ` (${d.published})` : ""])))),
    h("h2", {}, "Events"),
    eventsTable(s.event_list),
    dataLinks(`/api/stories/${encodeURIComponent(s.id)}`, {}, false));
  return { el };
}
