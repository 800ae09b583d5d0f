// A document's cleaned text with the evidence of every event it reports marked
// (coloured by score) and its quotes underlined with their speaker.

import { get } from "../api.js";
import { h } from "../dom.js";
import { entity, link, scoreColour } from "../format.js";
import { dataLinks, eventsTable } from "./common.js";

export async function documentView(id) {
  const doc = await get(`/api/documents/${encodeURIComponent(id)}`);
  const byId = Object.fromEntries(doc.events.map((e) => [e.id, e]));
  const text = h("div", { class: "article" }, doc.segments.map((seg) => piece(seg, byId, doc.quotes)));
  const meta = [doc.outlet, doc.published && `published ${doc.published}`, doc.language].filter(Boolean).join(" · ");
  const el = h("section", { class: "document" },
    h("h1", {}, doc.title || doc.doc),
    h("p", { class: "meta" }, meta, doc.story ? [" · story ", h("a", { href: link.story(doc.story) }, doc.story)] : null,
      doc.url ? [" · ", h("a", { href: doc.url, rel: "noreferrer noopener", target: "_blank" }, "original")] : null),
    h("div", { class: "two-columns" },
      h("div", {}, h("h2", {}, "Text"), text),
      h("aside", {},
        h("h2", {}, `Quotes (${doc.quotes.length})`),
        doc.quotes.length ? h("ul", { class: "quotes" }, doc.quotes.map((q) => h("li", {},
          h("q", {}, q.text), " — ", q.speaker ? entity(q.speaker) : "speaker unknown"))) : h("p", { class: "empty" }, "None."))),
    h("h2", {}, `Events (${doc.events.length})`),
    eventsTable(doc.events),
    dataLinks(`/api/documents/${encodeURIComponent(doc.doc)}`, {}, false));
  return { el };
}

function piece(seg, byId, quotes) {
  let node = seg.text;
  if (seg.quotes.length) {
    const q = quotes[seg.quotes[0]];
    node = h("span", { class: "quote", title: `quote — ${q.speaker ? entity(q.speaker) : "speaker unknown"}` }, node);
  }
  if (!seg.events.length) return node;
  const evs = seg.events.map((id) => byId[id]).filter(Boolean);
  const worst = evs.reduce((m, e) => (e.score !== null && (m === null || e.score < m) ? e.score : m), null);
  return h("mark", {
    class: "evidence", style: { borderBottomColor: scoreColour(worst) }, tabindex: 0,
    title: evs.map((e) => `${e.event}: ${entity(e.actor[0])} → ${entity(e.recipient[0]) || "—"}`).join("\n"),
    "data-events": seg.events.join(" "),
    onclick: () => { location.hash = link.event(seg.events[0]); },
  }, node);
}
