// The resolved actors, with every spelling met, and links to their events.

import { get } from "../api.js";
import { h } from "../dom.js";
import { link } from "../format.js";
import { dataLinks, field, pager, select } from "./common.js";

export async function actorsView(params, go) {
  const wanted = Object.fromEntries(["q", "country", "sector", "sort", "offset"].filter((k) => params[k]).map((k) => [k, params[k]]));
  const page = await get("/api/actors", wanted);
  const form = h("form", { class: "filters", onsubmit: (e) => {
    e.preventDefault();
    go("/actors", Object.fromEntries([...new FormData(e.target).entries()].filter(([, v]) => v)));
  } },
  field("Name", h("input", { name: "q", value: params.q || "", type: "search" })),
  field("Country", h("input", { name: "country", value: params.country || "", type: "search", placeholder: "LTU" })),
  field("Sort", select("sort", params.sort || "-events", [["-events", "most events"], ["-mentions", "most mentions"], ["name", "name"]])),
  h("div", { class: "buttons" }, h("button", { type: "submit" }, "Filter")));
  const table = page.items.length ? h("table", { class: "actors" },
    h("thead", {}, h("tr", {}, ["Actor", "Country", "Sector", "Role", "Events", "Mentions", "Spellings"].map((t) => h("th", {}, t)))),
    h("tbody", {}, page.items.map((a) => h("tr", {},
      h("td", {}, h("a", { href: link.events({ actor: a.name }) }, a.name), a.inferred ? h("span", { class: "tag", title: "found in the text, not in an actor file" }, " inferred") : null),
      h("td", {}, a.country || "—"), h("td", {}, a.sector || "—"), h("td", {}, a.role || "—"),
      h("td", { class: "num" }, a.events), h("td", { class: "num" }, a.mentions),
      h("td", {}, a.aliases.join(", "))))))
    : h("p", { class: "empty" }, "No actors match.");
  const el = h("section", {}, h("h1", {}, "Actors"), form,
    pager(page, (offset) => go("/actors", { ...wanted, offset })), table, dataLinks("/api/actors", wanted));
  return { el };
}
