// One event: what happened, and every report of it with the evidence highlighted in
// the article text, the outlet and the speaker beside it.

import { get } from "../api.js";
import { h } from "../dom.js";
import { entities, entity, link, score, scoreColour, typeBadge, when } from "../format.js";
import { markedText } from "../text.js";
import { dataLinks } from "./common.js";

export async function eventView(id) {
  const ev = await get(`/api/events/${encodeURIComponent(id)}`);
  const facts = h("dl", { class: "facts" },
    h("dt", {}, "Actor"), h("dd", {}, entities(ev.actor)),
    h("dt", {}, "Recipient"), h("dd", {}, entities(ev.recipient)),
    h("dt", {}, "Date"), h("dd", {}, when(ev), ev.date ? ` (${ev.date_precision})` : ""),
    h("dt", {}, "Score"), h("dd", {}, h("span", { class: "score", style: { background: scoreColour(ev.score) } }, score(ev.score))),
    h("dt", {}, "Confidence"), h("dd", {}, ev.confidence === null ? "—" : ev.confidence.toFixed(2)),
    ev.sources ? [h("dt", {}, "Sources"), h("dd", {}, ev.sources)] : null,
    ev.merged_on && ev.merged_on.length ? [h("dt", {}, "Reports merged on"), h("dd", {}, ev.merged_on.join("; "))] : null,
    ev.aux.length ? [h("dt", {}, "Flags"), h("dd", {}, ev.aux.join(", "))] : null,
    ev.trigger ? [h("dt", {}, "Trigger"), h("dd", {}, ev.trigger)] : null,
    ev.story ? [h("dt", {}, "Story"), h("dd", {}, h("a", { href: link.story(ev.story) }, ev.story))] : null);
  const el = h("section", { class: "event" },
    h("h1", {}, typeBadge(ev), " ", entities(ev.actor), " → ", entities(ev.recipient)),
    facts,
    h("h2", {}, ev.reports.length === 1 ? "1 report" : `${ev.reports.length} reports`),
    ev.reports.map(report),
    dataLinks(`/api/events/${encodeURIComponent(ev.id)}`, {}, false));
  return { el, mounted: () => { for (const box of el.querySelectorAll(".article")) centreMark(box); } };
}

// scrollIntoView would also scroll the window (the page opened 136 px down, the navigation
// hidden): scroll only the article's own box, so its first mark sits in the middle of it.
function centreMark(box) {
  const mark = box.querySelector("mark");
  if (!mark) return;
  const b = box.getBoundingClientRect();
  const m = mark.getBoundingClientRect();
  box.scrollTop += m.top - b.top - (box.clientHeight - m.height) / 2;
}

function report(r) {
  const doc = r.document || {};
  const chain = [r.outlet || doc.outlet || "unknown outlet", ...(r.relay || []).map((x) => `according to ${x}`)];
  if (r.speaker) chain.push(`said by ${entity(r.speaker)}`);
  return h("article", { class: "report", "data-doc": r.doc },
    h("header", {},
      h("p", { class: "chain" }, chain.join(" → ")),
      h("p", {}, h("a", { href: link.document(r.doc) }, doc.title || r.doc),
        doc.published ? ` · published ${doc.published}` : "", r.date ? ` · dates the event ${r.date}` : "")),
    h("div", { class: "evidence-list" }, r.evidence.map((s) => h("blockquote", { class: "evidence-quote" }, s.text))),
    doc.text ? markedText(doc.text, r.evidence) : null);
}
