"""URLs to raw documents: a page is one document; a feed or a sitemap is every article it
lists, each fetched once. What the store already holds is not fetched again.

The reader never writes the store: what it learnt (ETags, which URL gave which document,
robots.txt) waits in ``pending`` until the pipeline has stored the documents, so a pass
that dies half-way is done again in full rather than marked done.
"""
from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

from ..model import Known, RawDocument, Rejected
from . import feeds
from .http import Client, FetchError, Response, Settings


@dataclass
class Source:
    """A URL to read: a feed of FEEDS.toml, or a URL given to ``eventwatch run``."""

    url: str
    name: str | None = None
    outlet: str | None = None
    every: float | None = None  # minutes between checks (watch)


class State(Protocol):
    def get(self, url: str) -> dict | None: ...  # fetch state of a URL: doc, etag, last_modified, checked, body
    def stored(self, doc_id: str) -> bool: ...  # a document with this id or URL is in the store


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", str(value), re.I))


class Reader:
    """Reads sources through one polite client. ``conditional`` revalidates feeds and
    sitemaps with their ETag / Last-Modified (the watcher); ``should_stop`` ends a pass
    early between two articles (a signal)."""

    def __init__(self, s: Settings, state: State, max_bytes: int | None = None, conditional: bool = True,
                 should_stop: Callable[[], bool] = lambda: False, sleep: Callable[[float], None] = time.sleep):
        self.s = s
        self.state = state
        self.max_bytes = max_bytes
        self.conditional = conditional
        self.should_stop = should_stop
        self.client = Client(s, cache=self, sleep=sleep)
        self.pending: dict[str, dict] = {}
        self.seen: set[str] = set()
        self.unchanged: list[str] = []  # sources that answered 304
        self.stopped = False

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # robots.txt cache and pending state (the client's RobotsCache)
    def get(self, url: str) -> dict | None:
        return self.pending.get(url) or self.state.get(url)

    def put(self, url: str, **fields) -> None:
        self.pending[url] = {**(self.get(url) or {}), **fields}

    def _norm(self, url: str) -> str:
        return feeds.normalise(url, self.s.tracking_parameters)

    # -- sources ------------------------------------------------------------------------
    def read(self, source: Source) -> Iterator[RawDocument | Rejected | Known]:
        """Every document ``source`` gives: itself if a page, its articles if a feed or sitemap."""
        try:
            url = self._norm(source.url)
        except ValueError as e:
            yield Rejected(source.url, source.url, f"not a URL ({e})")
            return
        row = self.get(url)
        if row and row.get("doc"):
            yield Known(row["doc"])
            return
        if self.state.stored(url):
            yield Known(url)
            return
        validators = {}
        if self.conditional and row and row.get("kind") in ("feed", "sitemap"):
            validators = {"etag": row.get("etag"), "last_modified": row.get("last_modified")}
        try:
            r = self.client.get(url, kinds=("html", "text", "feed", "xml", "gzip"), **validators)
        except FetchError as e:
            yield Rejected(url, url, str(e))
            return
        if r.not_modified:
            self.unchanged.append(url)
            self.put(url, checked=time.time())
            return
        yield from self._listing_or_page(url, r, source, 0)

    def _listing_or_page(self, url: str, r: Response, source: Source, depth: int) -> Iterator:
        body = r.body
        if r.kind == "gzip":
            try:
                body = feeds.gunzip(body, self.s.max_bytes)
            except (ValueError, zlib.error) as e:
                yield Rejected(url, url, f"not a readable .gz sitemap ({e})")
                return
        what = feeds.sniff(body)
        if r.kind in ("xml", "gzip") and what == "page":
            yield Rejected(url, url, "XML that is neither an RSS/Atom feed nor a sitemap")
            return
        if what == "page":
            yield from self._page(url, r, feeds.Item(url), source, top=True)
            return
        try:
            if what == "feed":
                _title, items = feeds.parse_feed(body, r.url, self.s.max_items)
                children: list[str] = []
            else:
                items, children = feeds.parse_sitemap(body, r.url, self.s.max_items)
        except ValueError as e:
            yield Rejected(url, url, str(e))
            return
        for item in items:
            if self.should_stop():
                self.stopped = True
                return
            yield from self._article(item, source, url)
        for child in children:
            if self.should_stop():
                self.stopped = True
                return
            if depth + 1 > self.s.max_sitemap_depth:
                yield Rejected(child, url, f"sitemap index nested deeper than {self.s.max_sitemap_depth} levels; not followed")
                continue
            yield from self._child_sitemap(child, source, depth + 1)
        if not self.stopped:  # the listing is done only when all it lists was read
            self.put(url, kind="sitemap" if what == "sitemap" else "feed", etag=r.etag,
                     last_modified=r.last_modified, checked=time.time(), doc=None)

    def _child_sitemap(self, url: str, source: Source, depth: int) -> Iterator:
        url = self._norm(url)
        row = self.get(url)
        validators = {}
        if self.conditional and row and row.get("kind") == "sitemap":
            validators = {"etag": row.get("etag"), "last_modified": row.get("last_modified")}
        try:
            r = self.client.get(url, kinds=("xml", "gzip"), **validators)
        except FetchError as e:
            yield Rejected(url, source.url, str(e))
            return
        if r.not_modified:
            self.unchanged.append(url)
            return
        yield from self._listing_or_page(url, r, source, depth)

    def _article(self, item: feeds.Item, source: Source, listing: str) -> Iterator:
        try:
            url = self._norm(item.url)
        except ValueError as e:
            yield Rejected(item.url, listing, f"not a URL ({e})")
            return
        row = self.get(url)
        if row and row.get("doc"):
            yield Known(row["doc"])
            return
        if url in self.seen:
            return
        if self.state.stored(url):
            yield Known(url)
            return
        try:
            r = self.client.get(url, kinds=("html", "text"), max_bytes=self.max_bytes)
        except FetchError as e:
            yield Rejected(url, listing, str(e))
            return
        yield from self._page(url, r, item, source)

    def _page(self, url: str, r: Response, item: feeds.Item, source: Source, top: bool = False) -> Iterator:
        canon = feeds.canonical(r.body, r.url, self.s.tracking_parameters) if r.kind == "html" else self._norm(r.url)
        for u in {url, self._norm(r.url), canon}:
            self.put(u, kind="article", doc=canon, checked=time.time())
        if canon in self.seen:
            return  # the same article under another URL, read already in this pass
        if canon != url and self.state.stored(canon):
            yield Known(canon)
            return
        self.seen.add(canon)
        yield RawDocument(id=canon, source=r.url, raw=_utf8(r.body, r.charset, r.kind), kind="html" if r.kind == "html" else "text",
                          title=item.title, outlet=source.outlet, published=item.published, url=canon)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def _utf8(body: bytes, charset: str | None, kind: str) -> bytes:
    """The body as UTF-8, which the next stage reads: a page declared in another charset
    (HTTP header, else ``<meta charset>``) is converted; UTF-8 bytes are kept as they came."""
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
    if charset is None and kind == "html":
        m = _META_CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii", "replace").lower() if m else None
    if not charset or charset.replace("-", "") == "utf8":
        return body  # not UTF-8 and no other charset declared: the next stage says so by name
    try:
        return body.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body
