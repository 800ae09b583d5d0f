// Shared presentation: entity labels, dates, colours for event types and scores.

import { h } from "./dom.js";

export const COOPERATION = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"];
export const CONFLICT = ["REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
export const TYPES = [...COOPERATION, ...CONFLICT];

const TYPE_COLOURS = {
  AGREE: "#2b8cbe", CONSULT: "#74a9cf", SUPPORT: "#41ae76", CONCEDE: "#66c2a4", COOPERATE: "#238b45",
  AID: "#005824", RETREAT: "#99d8c9",
  REQUEST: "#fdae6b", ACCUSE: "#fd8d3c", REJECT: "#e6550d", THREATEN: "#d94801", PROTEST: "#c994c7",
  SANCTION: "#a63603", MOBILIZE: "#cb181d", COERCE: "#a50f15", ASSAULT: "#67000d",
};

export function typeColour(type) {
  return TYPE_COLOURS[type] || "#888";
}

// Conflict-cooperation score (-10..10): red for conflict, green for cooperation.
export function scoreColour(score) {
  if (score === null || score === undefined) return "#9aa0a6";
  const t = Math.min(1, Math.abs(score) / 8);
  return score < 0 ? `hsl(4, ${45 + 40 * t}%, ${62 - 22 * t}%)` : `hsl(140, ${35 + 40 * t}%, ${55 - 20 * t}%)`;
}

export function entity(e) {
  if (!e) return "";
  const extra = [e.country, e.sector].filter(Boolean).join(" ");
  return extra ? `${e.name || "?"} (${extra})` : e.name || "?";
}

export function entities(list) {
  return list && list.length ? list.map(entity).join("; ") : "—";
}

export function when(ev) {
  if (!ev.date) return "date unknown";
  return ev.date.startsWith("XXXX") ? `${ev.date.slice(5)} (year unknown)` : ev.date;
}

export function score(s) {
  return s === null || s === undefined ? "—" : (s > 0 ? "+" : "") + s.toFixed(1);
}

export function typeBadge(ev) {
  return h("span", { class: "badge", style: { background: typeColour(ev.event) } },
    ev.event, ev.mode ? ` · ${ev.mode}` : "");
}

export function outlets(ev) {
  const names = [...new Set((ev.reports || []).map((r) => r.outlet || r.doc))];
  return names.join(", ");
}

export function firstEvidence(ev) {
  for (const r of ev.reports || []) for (const s of r.evidence || []) return s.text;
  return "";
}

export function truncate(text, n) {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

// Links between views: every view is a hash URL, so it can be bookmarked and shared.
export const link = {
  event: (id) => `#/events/${encodeURIComponent(id)}`,
  document: (id) => `#/documents/${encodeURIComponent(id)}`,
  story: (id) => `#/stories/${encodeURIComponent(id)}`,
  events: (params) => `#/events${new URLSearchParams(params).toString() ? "?" + new URLSearchParams(params) : ""}`,
};
