// Building DOM nodes. Text from the store (article text, names, titles, outlets) only
// ever goes in as text nodes, never as HTML, so markup in an article shows as text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElementNS(
    tag.startsWith("svg:") ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
    tag.replace(/^svg:/, ""));
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "style") Object.assign(el.style, value);
    else if (key === "href") el.setAttribute("href", safeHref(value));
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Links the dashboard makes are relative ("#/...", "/api/..."); a URL from a document
// is shown as a link only when it is plain http(s).
export function safeHref(value) {
  const s = String(value);
  if (s.startsWith("#") || s.startsWith("/")) return s;
  return /^https?:\/\//i.test(s) ? s : "#";
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
