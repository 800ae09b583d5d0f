// The events table with every filter the API has; the filters live in the URL.

import { get } from "../api.js";
import { h } from "../dom.js";
import { TYPES } from "../format.js";
import { dataLinks, eventsTable, field, pager, select } from "./common.js";

const FILTERS = ["actor", "country", "recipient", "type", "from", "to", "story", "doc", "dyad", "party", "q"];
const PASSED = [...FILTERS, "sort", "limit", "offset"];
const LABELS = { actor: "Actor", country: "Actor country", recipient: "Recipient", type: "Type", from: "From", to: "To",
  story: "Story", q: "Text", doc: "Document", dyad: "Between", party: "Involving", sort: "Sort", limit: "Rows",
  offset: "Offset" };

function pick(params, keys) {
  return Object.fromEntries(keys.filter((k) => params[k]).map((k) => [k, params[k]]));
}

// What was wrong with a filter the API refused (422), in words, per parameter.
function problems(err) {
  return Object.fromEntries((err.fields || []).map((f) => [f.name, f.name === "from" || f.name === "to"
    ? `"${f.input}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-11-27)`
    : f.msg]));
}

export async function eventsView(params, go) {
  const wanted = pick(params, PASSED);
  wanted.sort = wanted.sort || "date";
  const countries = await get("/api/countries");
  let page = null;
  let refused = {};
  try {
    page = await get("/api/events", wanted);
  } catch (err) {
    // A filter the API refuses (a mistyped date) is shown beside its field; the view stays.
    if (err.status !== 422 || !(err.fields || []).length) throw err;
    refused = problems(err);
  }
  const codes = countries.items.map((c) => [c.code, c.name ? `${c.code} — ${c.name}` : c.code]);
  const filters = pick(params, FILTERS);
  const submit = (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const data = Object.fromEntries(form.entries());
    data.type = form.getAll("type").filter(Boolean).join(","); // several types, as the API takes them
    go("/events", pick({ ...pick(params, ["dyad", "doc", "sort"]), ...data }, [...FILTERS, "sort"]));
  };
  const text = (name, placeholder = "", extra = {}) =>
    h("input", { name, value: params[name] || "", placeholder, type: "search", ...extra,
      "aria-invalid": refused[name] ? "true" : null, class: refused[name] ? "invalid" : null });
  const chosen = new Set((params.type || "").split(",").map((t) => t.trim().toUpperCase()).filter(Boolean));
  const types = h("select", { name: "type", multiple: true, size: 4, class: "types",
    "aria-invalid": refused.type ? "true" : null, title: "Ctrl- or ⌘-click to pick several" },
  TYPES.map((t) => h("option", { value: t, selected: chosen.has(t) }, t)));
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
    field("Type (one or several)", types),
    field("From", text("from", "YYYY-MM-DD")),
    field("To", text("to", "YYYY-MM-DD")),
    field("Story", text("story")),
    field("Text", text("q", "words in the evidence")),
    h("div", { class: "buttons" }, h("button", { type: "submit" }, "Filter"), h("a", { href: "#/events" }, "Clear")));
  const wrong = Object.entries(refused);
  const alert = wrong.length ? h("div", { class: "form-error", role: "alert" },
    h("p", {}, "This filter cannot be applied; correct it and press Filter again:"),
    h("ul", {}, wrong.map(([name, msg]) => h("li", { "data-field": name }, h("strong", {}, `${LABELS[name] || name}: `), msg))))
    : null;
  const sortBy = (sort) => go("/events", { ...filters, sort });
  const el = h("section", {}, h("h1", {}, "Events"), form, alert,
    h("div", { class: "chips" }, chip("dyad", "between"), chip("party", "involving"), chip("doc", "document")),
    page ? [pager(page, (offset) => go("/events", { ...pick(params, [...FILTERS, "sort", "limit"]), offset })),
      eventsTable(page.items, { sort: wanted.sort, onSort: sortBy }), dataLinks("/api/events", wanted)] : null);
  return { el };
}
