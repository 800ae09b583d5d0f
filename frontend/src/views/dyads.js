// The escalation chart: events between two sides over time, stacked by type, with the
// mean conflict-cooperation score of each direction. Click a bar for its events.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip } from "chart.js";
import { get } from "../api.js";
import { h } from "../dom.js";
import { link, score, typeColour } from "../format.js";
import { dataLinks, field, select } from "./common.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement,
  Tooltip, Legend);

const INTERVALS = [["day", "Day"], ["week", "Week"], ["month", "Month"]];
// Each period gets at least this many pixels: a long range of days scrolls sideways
// rather than squeezing its bars to one pixel.
const MIN_SLOT_PX = 14;

export async function dyadView(params, go) {
  const countries = (await get("/api/countries")).items;
  const a = params.a || (countries[0] && countries[0].code);
  const b = params.b || (countries.find((c) => c.code !== a) || {}).code;
  const interval = params.interval || "week";
  const before = params.before !== "off";  // undated events at their first report, on or before
  const title = h("h1", {}, "Escalation");
  if (!a || !b) {
    return { el: h("section", {}, title, h("p", { class: "empty" },
      "No events between two countries yet: process some articles with 'eventwatch run' first.")) };
  }
  const data = await get("/api/dyads", { a, b, interval });
  const names = Object.fromEntries(countries.map((c) => [c.code, c.name ? `${c.code} — ${c.name}` : c.code]));
  const options = countries.map((c) => [c.code, names[c.code]]);
  const change = (e) => {
    const form = e.target.form;
    go("/dyads", { a: form.a.value, b: form.b.value, interval: form.interval.value,
      before: form.before.checked ? undefined : "off" });
  };
  const form = h("form", { class: "filters", onchange: change, onsubmit: (e) => e.preventDefault() },
    field("Side A", select("a", a, options.some(([c]) => c === a) ? options : [[a, a], ...options])),
    field("Side B", select("b", b, options.some(([c]) => c === b) ? options : [[b, b], ...options])),
    field("Interval", select("interval", interval, INTERVALS)),
    h("label", { class: "field toggle" }, h("input", { type: "checkbox", name: "before", checked: before }),
      h("span", {}, "Undated events on or before their first report")));
  const dyad = `${a},${b}`;
  const placed = data.total - data.undated;
  const onOrBefore = data.undated - (data.unplaced || 0);
  const summary = h("p", { class: "summary" },
    `${data.total} events between ${a} and ${b}, either direction; ${placed} placed by the date they happened`,
    data.undated ? [", ", h("a", { href: link.events({ dyad }) }, `${data.undated} with no usable date`),
      before ? `: ${onOrBefore} drawn hatched at the date first reported (they happened on or before it)`
        : " (hidden: tick the box to draw them on or before their first report)",
      data.unplaced ? `; ${data.unplaced} no report dates either, not on the chart` : ""] : null, ".");
  const shown = data.series.some((s) => s.n || (before && s.before.n));
  const canvas = h("canvas", { id: "dyad-chart", role: "img", "aria-label": `Events between ${a} and ${b} over time` });
  // two stacks a period (dated, and on or before) need twice the room to stay readable
  const stacks = before && onOrBefore > 0 ? 2 : 1;
  const wide = data.series.length * MIN_SLOT_PX * stacks;
  const chartBox = shown ? [h("div", { class: "chart" }, h("div", { class: "chart-scroll" },
    h("div", { class: "chart-inner", style: { width: `${wide}px` } }, canvas))),
  wide > 1200 ? h("p", { class: "chart-hint" },
    `${data.series.length} ${interval}s: scroll the chart sideways, or pick a longer interval.`) : null]
    : h("p", { class: "empty" }, "No dated events for this pair yet.");
  const el = h("section", {}, title, form, summary, chartBox,
    data.series.length ? seriesTable(data, dyad, before) : null, dataLinks("/api/dyads", { a, b, interval }));
  return { el, mounted: () => shown ? drawChart(canvas, data, dyad, before) : null };
}

// Undated events are drawn apart: their own stack beside the dated one, hatched and
// outlined in their type's colour, labelled "on or before" in the legend and tooltip.
function hatch(colour) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 8;
  const g = tile.getContext("2d");
  g.fillStyle = "#fff";
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = colour;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6);
  g.stroke();
  return g.createPattern(tile, "repeat");
}

function drawChart(canvas, data, dyad, before) {
  const series = data.series;
  const bars = data.types.filter((type) => series.some((s) => s.counts[type])).map((type) => ({
    type: "bar", label: type, stack: "events", yAxisID: "y", backgroundColor: typeColour(type), maxBarThickness: 90,
    data: series.map((s) => s.counts[type] || 0),
  }));
  const undated = before ? data.types.filter((type) => series.some((s) => s.before.counts[type])).map((type) => ({
    type: "bar", label: `${type} (on or before)`, stack: "on or before", yAxisID: "y", backgroundColor: hatch(typeColour(type)),
    borderColor: typeColour(type), borderWidth: 1.5, borderDash: [4, 2], maxBarThickness: 90,
    data: series.map((s) => s.before.counts[type] || 0),
  })) : [];
  const line = (label, key, colour) => ({
    type: "line", label, yAxisID: "score", data: series.map((s) => s[key].mean_score), borderColor: colour,
    // A period without events has no mean: the line breaks there instead of inventing one.
    backgroundColor: colour, spanGaps: false, tension: 0.2, pointRadius: 4, borderWidth: 2,
  });
  const chart = new Chart(canvas, {
    data: {
      labels: series.map((s) => s.period),
      datasets: [line(`mean score ${data.a}→${data.b}`, "a_to_b", "#222"),
        line(`mean score ${data.b}→${data.a}`, "b_to_a", "#7a52a8"), ...bars, ...undated],
    },
    options: {
      animation: false, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: true, offset: true, grid: { offset: true } }, // whole bars at both ends
        y: { stacked: true, beginAtZero: true, title: { display: true, text: "events" }, ticks: { precision: 0 } },
        score: { position: "right", min: -10, max: 10, grid: { drawOnChartArea: false },
          title: { display: true, text: "mean score (− conflict · + cooperation)" } },
      },
      plugins: { legend: { position: "bottom", align: "start" }, // in view when the chart scrolls sideways
        tooltip: { callbacks: { footer: (items) => `mean score ${score(series[items[0].dataIndex].mean_score)} · click for events` } } },
      onClick: (_, elements) => {
        if (!elements.length) return;
        const s = series[elements[0].index];
        location.hash = link.events({ dyad, from: s.start, to: s.end });
      },
    },
  });
  canvas.chart = chart; // its layout, for the browser tests
  return () => chart.destroy();
}

function seriesTable(data, dyad, before) {
  return h("details", { class: "series" }, h("summary", {}, "Table"),
    h("table", {},
      h("thead", {}, h("tr", {}, ["Period", "Events", "Mean score", `${data.a}→${data.b}`, `${data.b}→${data.a}`, "By type",
        "Undated, on or before"].map((t) => h("th", {}, t)))),
      h("tbody", {}, data.series.filter((s) => s.n || (before && s.before.n)).map((s) => h("tr", {},
        h("td", {}, h("a", { href: link.events({ dyad, from: s.start, to: s.end }) }, s.period)),
        h("td", { class: "num" }, s.n), h("td", { class: "num" }, score(s.mean_score)),
        h("td", { class: "num" }, `${s.a_to_b.n} (${score(s.a_to_b.mean_score)})`),
        h("td", { class: "num" }, `${s.b_to_a.n} (${score(s.b_to_a.mean_score)})`),
        h("td", {}, Object.entries(s.counts).map(([t, n]) => `${t} ${n}`).join(", ")),
        h("td", {}, before ? Object.entries(s.before.counts).map(([t, n]) => `${t} ${n}`).join(", ") : "—"))))));
}
