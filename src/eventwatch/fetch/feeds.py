"""What a fetched body is, and the links it lists: RSS and Atom feeds (feedparser),
sitemaps and news sitemaps, canonical URLs.

One article is one document whatever link reached it: URLs are normalised (scheme and
host lower-cased, default port, fragment and tracking parameters dropped) and a page's
``<link rel=canonical>`` names it, when it points into the same site.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import time
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


@dataclass
class Item:
    """One link a feed or sitemap lists, with what it says about it."""

    url: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD, the day the feed gives (its own time zone)


# --- URLs --------------------------------------------------------------------------------

def _tracking(name: str, params: tuple[str, ...]) -> bool:
    name = name.lower()
    return any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in params)


def normalise(url: str, tracking: tuple[str, ...] = ()) -> str:
    """The one spelling of a URL: lower-case scheme and host, no default port, no
    fragment, no tracking parameters."""
    p = urlsplit(url.strip())
    scheme = p.scheme.lower()
    host = (p.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = p.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(p.query, keep_blank_values=True) if not _tracking(k, tracking)])
    return urlunsplit((scheme, netloc, p.path or "/", query, ""))


def same_site(a: str, b: str) -> bool:
    ha, hb = (urlsplit(u).hostname or "" for u in (a, b))
    strip = lambda h: h[4:] if h.startswith("www.") else h  # noqa: E731
    return strip(ha.lower()) == strip(hb.lower())


_LINK = re.compile(r"<link\b[^>]*>", re.I)
_REL_CANONICAL = re.compile(r"""\brel\s*=\s*["']?\s*canonical\b""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def canonical(body: bytes, page_url: str, tracking: tuple[str, ...] = ()) -> str:
    """The page's canonical URL (``<link rel=canonical>`` in the same site), else its own."""
    head = body[:262_144].decode("utf-8", "replace")
    end = re.search(r"</head\s*>", head, re.I)
    for tag in _LINK.findall(head[: end.start()] if end else head):
        if _REL_CANONICAL.search(tag):
            m = _HREF.search(tag)
            href = html.unescape(next(g for g in m.groups() if g is not None)).strip() if m else ""
            if href:
                found = urljoin(page_url, href)
                if urlsplit(found).scheme in ("http", "https") and same_site(found, page_url):
                    return normalise(found, tracking)
            break
    return normalise(page_url, tracking)


# --- what a body is ----------------------------------------------------------------------

def sniff(body: bytes) -> str:
    """'feed', 'sitemap' or 'page', by the document's first element."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    head = re.sub(rb"<\?xml[^>]*\?>|<!--.*?-->|<!doctype[^>]*>|\s+", b" ", head, flags=re.S).lstrip()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")):
        return "feed"
    if head.startswith((b"<urlset", b"<sitemapindex")):
        return "sitemap"
    return "page"


def gunzip(body: bytes, cap: int) -> bytes:
    """A .gz sitemap's content, bounded like every other body."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(body, cap + 1)
    if d.unconsumed_tail or len(out) > cap:
        raise ValueError(f"decompresses to more than {cap:,} bytes")
    return out


# --- feeds -------------------------------------------------------------------------------

def _day(raw: str | None, parsed: time.struct_time | None) -> str | None:
    """The day a feed dates an item, in the feed's own time zone (converting to UTC would
    move an article published after midnight in Vilnius to the day before)."""
    if raw:
        m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", raw)
        if m:
            y, mo, d = map(int, m.groups())
        else:
            m = re.search(r"\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})\b", raw)
            y, mo, d = (int(m.group(3)), _MONTHS.get(m.group(2).lower()), int(m.group(1))) if m else (0, None, 0)
        try:
            if mo:
                return dt.date(y, mo, d).isoformat()
        except ValueError:
            pass
    if parsed:
        try:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
        except ValueError:
            return None
    return None


def parse_feed(body: bytes, base_url: str, max_items: int) -> tuple[str | None, list[Item]]:
    """(the feed's title, its items' links with title and date). feedparser is handed a
    stream, never a string: given a string it would fetch a URL or open a file."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url,
                                                                  "content-type": "application/xml"})
    if not parsed.version and not parsed.entries:  # an empty feed is a feed; broken XML is not
        err = parsed.get("bozo_exception")
        raise ValueError(f"not a readable feed ({type(err).__name__ if err else 'unknown error'}: {err})")
    items = []
    for e in parsed.entries[:max_items]:
        link = e.get("link") or next((l.get("href") for l in e.get("links", []) if l.get("href")), None)
        if not link:
            continue
        link = urljoin(base_url, link)
        if urlsplit(link).scheme not in ("http", "https"):
            continue
        published = _day(e.get("published"), e.get("published_parsed")) or _day(e.get("updated"), e.get("updated_parsed"))
        items.append(Item(url=link, title=(e.get("title") or "").strip() or None, published=published))
    return (parsed.feed.get("title") or None), items


# --- sitemaps ----------------------------------------------------------------------------

def parse_sitemap(body: bytes, base_url: str, max_items: int) -> tuple[list[Item], list[str]]:
    """(the articles a sitemap lists, the child sitemaps a sitemap index lists). A news
    sitemap's publication date and title are kept; ``lastmod`` is not a publication date."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"not a readable sitemap ({e})") from None

    def local(el) -> str:
        return etree.QName(el).localname if isinstance(el.tag, str) else ""

    def child_text(el, name: str) -> str | None:
        for c in el.iter():
            if local(c) == name and c.text and c.text.strip():
                return c.text.strip()
        return None

    items, children = [], []
    kind = local(root)
    for entry in root:
        loc = child_text(entry, "loc")
        if not loc:
            continue
        loc = urljoin(base_url, loc)
        if urlsplit(loc).scheme not in ("http", "https"):
            continue
        if kind == "sitemapindex":
            children.append(loc)
        elif kind == "urlset":
            items.append(Item(url=loc, title=child_text(entry, "title"),
                              published=_day(child_text(entry, "publication_date"), None)))
        if len(items) + len(children) >= max_items:
            break
    return items, children
