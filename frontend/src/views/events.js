// The events table with every filter the API has; the filters live in the URL.

import { get } from "../api.js";
import { h } from "../dom.js";
import { TYPES } from "../format.js";
import { dataLinks, eventsTable, field, pager, select } from "./common.js";

const FILTERS = ["actor", "country", "recipient", "type", "from", "to", "story", "doc", "dyad", "party", "q"];
const PASSED = [...FILTERS, "sort", "limit", "offset"];

function pick(params, keys) {
  return Object.fromEntries(keys.filter((k) => params[k]).map((k) => [k, params[k]]));
}

export async function eventsView(params, go) {
  const wanted = pick(params, PASSED);
  wanted.sort = wanted.sort || "date";
  const [countries, page] = await Promise.all([get("/api/countries"), get("/api/events", wanted)]);
  const codes = countries.items.map((c) => [c.code, c.name ? `${c.code} — ${c.name}` : c.code]);
  const filters = pick(params, FILTERS);
  const submit = (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target).entries());
    go("/events", pick({ ...pick(params, ["dyad", "doc", "sort"]), ...data }, [...FILTERS, "sort"]));
  };
  const text = (name, placeholder = "", extra = {}) =>
    h("input", { name, value: params[name] || "", placeholder, type: "search", ...extra });
  const chip = (key, label) => params[key] ? h("span", { class: "chip" }, `${label}: ${params[key]} `,
    h("button", { type: "button", "aria-label": `remove ${label} filter`, onclick: () => {
      const rest = { ...filters };
      delete rest[key];
      go("/events", rest);
    } }, "×")) : null;
  const form = h("form", { class: "filters", onsubmit: submit },
    field("Actor", text("actor", "name, any spelling")),
    field("Actor country", select("country", params.country, [["", "any"], ...codes])),
    field("Recipient", h("span", {}, text("recipient", "code or name", { list: "countries" }),
      h("datalist", { id: "countries" }, countries.items.map((c) => h("option", { value: c.code }, c.name || c.code))))),
    field("Type", select("type", params.type, [["", "any"], ...TYPES.map((t) => [t, t])])),
    field("From", text("from", "YYYY-MM-DD")),
    field("To", text("to", "YYYY-MM-DD")),
    field("Story", text("story")),
    field("Text", text("q", "words in the evidence")),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Filter"), h("a", { href: "#/events" }, "Clear")));
  const sortBy = (sort) => go("/events", { ...filters, sort });
  const el = h("section", {}, h("h1", {}, "Events"), form,
    h("div", { class: "chips" }, chip("dyad", "between"), chip("party", "involving"), chip("doc", "document")),
    pager(page, (offset) => go("/events", { ...pick(params, [...FILTERS, "sort", "limit"]), offset })),
    eventsTable(page.items, { sort: wanted.sort, onSort: sortBy }),
    dataLinks("/api/events", wanted));
  return { el };
}
