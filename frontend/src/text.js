// Article text with spans highlighted, built from text nodes and <mark> elements only.

import { h } from "./dom.js";

// Cut `text` at every span edge; `spans` are {start, end, ...}; overlapping spans are
// fine: a piece covered by several carries all of them.
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    out.push({ start: a, end: b, text: text.slice(a, b), spans: spans.filter((s) => s.start <= a && b <= s.end) });
  }
  return out;
}

// The article with the given evidence spans marked.
export function markedText(text, spans, className = "evidence") {
  return h("div", { class: "article" },
    segments(text, spans).map((seg) => seg.spans.length ? h("mark", { class: className }, seg.text) : seg.text));
}
