// Pieces several views share: the events table, data links, paging.

import { h } from "../dom.js";
import { query } from "../api.js";
import { entities, firstEvidence, link, outlets, score, scoreColour, truncate, typeBadge, when } from "../format.js";

// "JSON · CSV" links to the API call behind a view, so every view's data is one call away.
export function dataLinks(path, params, csv = true) {
  return h("p", { class: "data-links" }, "Data: ",
    h("a", { href: path + query(params) }, "JSON"),
    csv ? [" · ", h("a", { href: path + ".csv" + query(params) }, "CSV")] : null);
}

const SORTABLE = { date: "Date", event: null, type: "Type", score: "Score", confidence: "Conf." };

function header(label, key, sort, onSort) {
  if (!key || !onSort) return h("th", {}, label);
  const current = sort === key ? "ascending" : sort === "-" + key ? "descending" : null;
  const next = sort === key ? "-" + key : key;
  return h("th", { "aria-sort": current || "none" },
    h("button", { class: "sort", type: "button", onclick: () => onSort(next) },
      label, current === "ascending" ? " ▲" : current === "descending" ? " ▼" : ""));
}

export function eventsTable(items, { sort = null, onSort = null } = {}) {
  if (!items.length) return h("p", { class: "empty" }, "No events match.");
  return h("table", { class: "events" },
    h("thead", {}, h("tr", {},
      header(SORTABLE.date, "date", sort, onSort), header(SORTABLE.type, "type", sort, onSort),
      h("th", {}, "Actor"), h("th", {}, "Recipient"), header(SORTABLE.score, "score", sort, onSort),
      h("th", {}, "Reported by"), h("th", {}, "Evidence"),
      h("th", { title: "Earliest publication date among the reports: the act happened on or before it" }, "First reported"))),
    h("tbody", {}, items.map((ev) => h("tr", { "data-event": ev.id, "data-type": ev.event,
      "data-docs": ev.reports.map((r) => r.doc).join(" ") },
      h("td", { class: "date" }, when(ev)),
      h("td", {}, h("a", { href: link.event(ev.id), class: "event-link" }, typeBadge(ev))),
      h("td", {}, entities(ev.actor)),
      h("td", {}, entities(ev.recipient)),
      h("td", { class: "num" }, h("span", { class: "score", style: { background: scoreColour(ev.score) } }, score(ev.score))),
      h("td", {}, outlets(ev)),
      h("td", { class: "evidence-cell" }, truncate(firstEvidence(ev), 160)),
      h("td", { class: "date reported-by" }, ev.reported_by || "—")))));
}

export function pager(page, go) {
  const from = page.total ? page.offset + 1 : 0;
  const to = Math.min(page.offset + page.limit, page.total);
  return h("nav", { class: "pager" },
    h("button", { type: "button", disabled: page.offset === 0, onclick: () => go(Math.max(0, page.offset - page.limit)) }, "← Previous"),
    h("span", {}, `${from}–${to} of ${page.total}`),
    h("button", { type: "button", disabled: !page.next, onclick: () => go(page.offset + page.limit) }, "Next →"));
}

export function field(label, control) {
  return h("label", { class: "field" }, h("span", {}, label), control);
}

export function select(name, value, options) {
  return h("select", { name }, options.map(([v, text]) => h("option", { value: v, selected: v === (value || "") }, text)));
}
