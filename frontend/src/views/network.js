// Who acts on whom: actors (or countries) as nodes, the events between them as arrows
// coloured by their mean conflict-cooperation score. Laid out once with d3-force.

import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";
import { get } from "../api.js";
import { h } from "../dom.js";
import { link, score, scoreColour, TYPES } from "../format.js";
import { dataLinks, field, select } from "./common.js";

const W = 960;
const H = 620;
const FILTERS = ["type", "from", "to", "story", "country", "q"];

export async function networkView(params, go) {
  const level = params.level === "country" ? "country" : "actor";
  const wanted = { level, nodes: params.nodes || 40 };
  for (const k of FILTERS) if (params[k]) wanted[k] = params[k];
  const data = await get("/api/network", wanted);
  const form = h("form", { class: "filters", onsubmit: (e) => {
    e.preventDefault();
    const chosen = Object.fromEntries([...new FormData(e.target).entries()].filter(([, v]) => v));
    go("/network", chosen);
  } },
  field("Nodes are", select("level", level, [["actor", "actors"], ["country", "countries"]])),
  field("Type", select("type", params.type, [["", "any"], ...TYPES.map((t) => [t, t])])),
  field("From", h("input", { name: "from", value: params.from || "", placeholder: "YYYY-MM-DD", type: "search" })),
  field("To", h("input", { name: "to", value: params.to || "", placeholder: "YYYY-MM-DD", type: "search" })),
  field("Busiest", h("input", { name: "nodes", value: wanted.nodes, type: "number", min: 1, max: 500 })),
  h("div", { class: "buttons" }, h("button", { type: "submit" }, "Show")));
  const el = h("section", {}, h("h1", {}, "Network"), form,
    data.edges.length ? graph(data, level) : h("p", { class: "empty" }, "No events with both an actor and a recipient match."),
    legend(), dataLinks("/api/network", wanted));
  return { el };
}

function eventsFor(level, source, target) {
  const side = level === "country" ? "country" : "actor";
  return link.events(target === undefined ? { party: source } : { [side]: source, recipient: target });
}

// Centre the layout in the drawing: a small graph is spread out (node and label sizes
// stay), a large one makes the drawing bigger rather than squeezing nodes together.
function fit(nodes) {
  const [padX, padY] = [110, 50];
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.max(1, Math.min((W - 2 * padX) / Math.max(x1 - x0, 1), (H - 2 * padY) / Math.max(y1 - y0, 1), 3));
  const width = Math.max(W, (x1 - x0) * scale + 2 * padX);
  const height = Math.max(H, (y1 - y0) * scale + 2 * padY);
  for (const n of nodes) {
    n.x = width / 2 + (n.x - (x0 + x1) / 2) * scale;
    n.y = height / 2 + (n.y - (y0 + y1) / 2) * scale;
  }
  return [width, height];
}

function label(name) {
  return name.length > 30 ? name.slice(0, 29) + "…" : name;
}

function graph(data, level) {
  const linked = new Set(data.edges.flatMap((e) => [e.source, e.target]));
  const nodes = data.nodes.filter((n) => linked.has(n.id)).map((n) => ({ ...n }));
  const edges = data.edges.map((e) => ({ ...e }));
  const radius = (n) => 5 + 3 * Math.sqrt(n.events);
  // Labels are wider than nodes: keep nodes apart by about half their label's width.
  const room = (n) => Math.max(radius(n) + 12, 3.4 * label(n.name).length);
  forceSimulation(nodes)
    .force("link", forceLink(edges).id((d) => d.id).distance(120))
    .force("charge", forceManyBody().strength(-300))
    .force("x", forceX(W / 2).strength(0.06))
    .force("y", forceY(H / 2).strength(0.1))
    .force("collide", forceCollide(room).strength(0.9))
    .stop()
    .tick(500);
  const [width, height] = fit(nodes);
  const pairs = new Set(edges.map((e) => `${e.source.id}\u0000${e.target.id}`));
  const arrows = h("svg:defs", {}, h("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerUnits: "userSpaceOnUse", markerWidth: 11, markerHeight: 11, orient: "auto-start-reverse" }, h("svg:path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" })));
  const lines = edges.map((e) => {
    const { x: x1, y: y1 } = e.source;
    const { x: x2, y: y2 } = e.target;
    const len = Math.hypot(x2 - x1, y2 - y1) || 1;
    const [ux, uy] = [(x2 - x1) / len, (y2 - y1) / len];
    const [sx, sy] = [x1 + ux * radius(e.source), y1 + uy * radius(e.source)];
    const [tx, ty] = [x2 - ux * (radius(e.target) + 3), y2 - uy * (radius(e.target) + 3)];
    // Both directions between two nodes: bend each to its own side so neither hides the other.
    const bend = pairs.has(`${e.target.id}\u0000${e.source.id}`) ? 28 : 0;
    const [cx, cy] = [(sx + tx) / 2 - uy * bend, (sy + ty) / 2 + ux * bend];
    return h("svg:a", { href: eventsFor(level, e.source.id, e.target.id) },
      h("svg:path", { class: "edge", d: `M${sx},${sy} Q${cx},${cy} ${tx},${ty}`, fill: "none",
        stroke: scoreColour(e.mean_score), "stroke-width": 1.5 + 2 * Math.log2(e.n), "marker-end": "url(#arrow)" },
      h("svg:title", {}, `${e.source.name} → ${e.target.name}: ${e.n} event(s), mean score ${score(e.mean_score)}\n` +
        Object.entries(e.counts).map(([t, n]) => `${t} ${n}`).join(", "))));
  });
  const circles = nodes.map((n) => h("svg:a", { href: eventsFor(level, n.id), class: "node" },
    h("svg:circle", { cx: n.x, cy: n.y, r: radius(n), fill: "#e8eef6", stroke: "#4a6fa5", "stroke-width": 1.5 }),
    h("svg:text", { x: n.x, y: n.y - radius(n) - 4, "text-anchor": "middle" }, label(n.name)),
    h("svg:title", {}, `${n.name}${n.country && n.country !== n.name ? ` (${n.country})` : ""}: ${n.events} event(s)`)));
  return h("svg:svg", { class: "network", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Actor network" },
    arrows, h("svg:g", {}, lines), h("svg:g", {}, circles));
}

function legend() {
  const stops = [-9, -6, -3, -1, 0, 2, 4, 7];
  return h("p", { class: "legend" }, "Arrow colour, mean score: ",
    stops.map((s) => h("span", { class: "swatch", style: { background: scoreColour(s) } }, score(s))),
    " — thicker arrows carry more events; click a node or an arrow for its events. Actors with no recipient are left out.");
}
