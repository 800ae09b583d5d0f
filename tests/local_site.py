"""A news site on 127.0.0.1 for the fetch tests and the fetch benchmark: the five sample
articles as HTML pages with site furniture around them, an RSS feed, an Atom feed, a news
sitemap and its index, and the awkward endpoints (redirects, slow, huge, 429, ...).

A real ThreadingHTTPServer in a thread; it records every request path so a test can say
what was fetched. Nothing here reaches outside loopback.
"""
from __future__ import annotations

import gzip
import html
import http.server
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "belarus-lithuania-2025"
# The day each article is dated by the feed (what `watch` must store as `published`).
FEED_DATES = {"000": "2025-11-27", "001": "2025-10-31", "002": "2025-11-25", "003": "2025-11-12", "004": "2025-11-11"}
# Furniture around every article: none of these lines may reach a stored text.
FURNITURE = ["Subscribe to our newsletter", "Accept all cookies", "Most read this week",
             "All rights reserved by the Example Gazette", "Follow us on social networks"]
_RFC822 = {"2025-10-31": "Fri, 31 Oct 2025 09:15:00 +0200", "2025-11-11": "Tue, 11 Nov 2025 18:40:00 +0200",
           "2025-11-12": "Wed, 12 Nov 2025 07:05:00 +0200", "2025-11-25": "Tue, 25 Nov 2025 23:30:00 +0300",
           "2025-11-27": "Thu, 27 Nov 2025 12:00:00 +0300"}


def articles() -> list[dict]:
    """The sample files with the title the text pipeline finds in each (the feed's title)."""
    from eventwatch import clean
    from eventwatch.model import RawDocument

    out = []
    for f in sorted(SAMPLE.glob("*.txt")):
        raw = f.read_bytes()
        doc = clean.clean(RawDocument(id=f.name, source=str(f), raw=raw, kind="text"))
        out.append({"file": f.name, "slug": f.stem, "text": raw.decode("utf-8"), "title": doc.title,
                    "date": FEED_DATES[f.name[:3]]})
    return out


def page(a: dict, canonical: str, variant: str = "") -> bytes:
    """An article page: navigation, a cookie banner, related links and a footer around it."""
    paras = "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in a["text"].splitlines() if line.strip())
    related = "".join(f'<li><a href="/news/other-{i}.html">{html.escape(t)} {i}</a></li>'
                      for i, t in enumerate(["Weather balloons over Vilnius again", "Truck drivers wait at the border",
                                             "Ministers meet in Brussels"]))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(a['title'] + ' | ' if a['title'] else '')}Example Gazette</title>
<link rel="canonical" href="{canonical}"><meta name="viewport" content="width=device-width">
<script>window.dataLayer = [];</script></head>
<body{variant}>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner"><p>{FURNITURE[1]}</p><button>OK</button></div></header>
<main><article>
{paras}
</article>
<aside><h2>{FURNITURE[2]}</h2><ul>{related}</ul><p>{FURNITURE[0]}</p></aside></main>
<footer><p>{FURNITURE[4]}</p><p>{FURNITURE[3]}</p></footer>
</body></html>""".encode("utf-8")


def rss(base: str, items: list[dict]) -> bytes:
    entries = "".join(f"""<item>{f"<title>{html.escape(a['title'])}</title>" if a['title'] else ""}
<link>{base}/news/{a['slug']}.html?utm_source=rss&amp;utm_medium=feed</link><guid>{a['slug']}</guid>
<pubDate>{_RFC822[a['date']]}</pubDate><description>Summary.</description></item>""" for a in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Gazette</title><link>{base}/</link><description>News</description>
{entries}</channel></rss>""".encode("utf-8")


def atom(base: str, items: list[dict]) -> bytes:
    entries = "".join(f"""<entry><title>{html.escape(a['title'] or '')}</title><id>urn:{a['slug']}</id>
<link rel="alternate" href="/news/{a['slug']}.html"/><updated>{a['date']}T10:00:00+02:00</updated></entry>""" for a in items)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/"><title>Example Gazette</title><id>urn:gazette</id>
<updated>2025-11-27T10:00:00Z</updated>{entries}</feed>""".encode("utf-8")


def sitemap(base: str, items: list[dict]) -> bytes:
    urls = "".join(f"""<url><loc>{base}/news/{a['slug']}.html</loc><lastmod>2026-01-01</lastmod>
<news:news><news:publication><news:name>Example Gazette</news:name><news:language>en</news:language></news:publication>
<news:publication_date>{a['date']}T08:00:00+02:00</news:publication_date><news:title>{html.escape(a['title'] or '')}</news:title></news:news></url>"""
                   for a in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}</urlset>""".encode("utf-8")


class Site:
    """The server. ``routes`` maps a path to (status, headers, body) or to a callable taking
    the handler; ``log`` lists the paths requested, in order."""

    def __init__(self, copies: int = 1):
        self.log: list[str] = []
        self.counts: dict[str, int] = {}
        base = articles()  # copies > 1 (the benchmark): the same articles under more addresses
        self.items = base if copies == 1 else [{**a, "slug": f"{a['slug']}-{i}"} for i in range(copies) for a in base]
        handler = self._handler()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.routes: dict[str, object] = {}
        self._build()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Site":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def articles_fetched(self) -> list[str]:
        return [p for p in self.log if p.startswith(("/news/", "/amp/"))]

    def _build(self) -> None:
        b = self.base
        r = self.routes
        r["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
        for a in self.items:
            canon = f"{b}/news/{a['slug']}.html"
            r[f"/news/{a['slug']}.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(a, canon))
            # The same article at a second address (a mobile edition), naming the first as canonical.
            r[f"/amp/{a['slug']}.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page(a, canon, ' class="amp"'))
        r["/feed.xml"] = self._conditional(rss(b, self.items), "application/rss+xml")
        r["/empty.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(b, []))
        r["/atom.xml"] = (200, {"Content-Type": "application/atom+xml"}, atom(b, self.items))
        r["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap(b, self.items))
        r["/sitemap-index.xml"] = (200, {"Content-Type": "application/xml"}, f"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{b}/sitemap.xml</loc></sitemap></sitemapindex>""".encode())
        r["/private/secret.html"] = (200, {"Content-Type": "text/html"}, b"<p>not for crawlers</p>")
        r["/image.png"] = (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        for i in (1, 2):
            r[f"/hop{i}"] = (302, {"Location": f"/hop{i + 1}"}, b"")
        r["/hop3"] = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
        r["/to-other-loopback"] = (301, {"Location": "http://127.0.0.2:9/"}, b"")
        r["/loop"] = (302, {"Location": "/loop"}, b"")
        r["/slow"] = self._slow
        r["/huge"] = self._huge
        r["/huge-declared"] = (200, {"Content-Type": "text/html", "Content-Length": str(50 * 1024 * 1024)}, b"")
        r["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, gzip.compress(b"<p>" + b"a" * (20 * 1024 * 1024)))
        r["/busy"] = self._busy
        r["/always-busy"] = (503, {"Content-Type": "text/plain"}, b"down")

    def _conditional(self, body: bytes, ctype: str):
        etag = '"v1-%d"' % len(body)

        def serve(h) -> None:
            if h.headers.get("If-None-Match") == etag:
                h.reply(304, {"ETag": etag}, b"")
            else:
                h.reply(200, {"Content-Type": ctype, "ETag": etag, "Last-Modified": "Thu, 27 Nov 2025 12:00:00 GMT"}, body)
        return serve

    def _slow(self, h) -> None:
        time.sleep(3)
        h.reply(200, {"Content-Type": "text/html"}, b"<p>late</p>")

    def _huge(self, h) -> None:  # no Content-Length: the cap must stop the reading
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        try:
            for _ in range(64):
                h.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
        except OSError:
            pass

    def _busy(self, h) -> None:
        n = self.counts.get("/busy", 0)  # this request included
        if n <= 2:
            h.reply(429, {"Retry-After": "0", "Content-Type": "text/plain"}, b"slow down")
        else:
            h.reply(200, {"Content-Type": "text/html; charset=utf-8"}, page(self.items[3], f"{self.base}/busy"))

    def _handler(self):
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

            def reply(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                site.log.append(path)
                # counted before replying: a client that has its answer must find it counted
                site.counts[path] = site.counts.get(path, 0) + 1
                route = site.routes.get(path)
                try:
                    if route is None:
                        self.reply(404, {"Content-Type": "text/plain"}, b"not found")
                    elif callable(route):
                        route(self)
                    else:
                        self.reply(*route)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        return Handler


if __name__ == "__main__":  # the benchmark's server, in a process of its own: python tests/local_site.py COPIES PAGES_DIR
    import sys

    site = Site(copies=int(sys.argv[1]))
    out = Path(sys.argv[2])
    for path, route in site.routes.items():
        if path.startswith("/news/"):
            (out / path.rsplit("/", 1)[1]).write_bytes(route[2])
    print(site.base, flush=True)
    site.thread.run()
