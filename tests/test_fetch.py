"""Fetching against a real HTTP server on 127.0.0.1 (tests/local_site.py): pages with
furniture, RSS, Atom, sitemaps, and the hostile endpoints. Nothing leaves loopback: the
refused addresses (169.254.169.254, 127.0.0.2) are refused before any connection."""
from __future__ import annotations

import ipaddress
import signal
import time
import subprocess
import sys
from pathlib import Path

import pytest

from eventwatch import fetch, pipeline
from eventwatch.fetch import feeds
from eventwatch.fetch.http import address_refusal
from eventwatch.fetch.watch import due, load_feeds
from eventwatch.model import RawDocument, Rejected
from eventwatch.settings import Options

from conftest import SAMPLE_ACTORS, read_jsonl
from local_site import FEED_DATES, FURNITURE, Site

EVENTWATCH = Path(sys.executable).parent / "eventwatch"
# The test server is on loopback: allow exactly 127.0.0.1, so every other private or
# metadata address a redirect points at is still refused.
LOCAL = dict(allowed_networks=("127.0.0.1/32",), host_delay=0.0, backoff=0.01)


class NoState:
    def get(self, url):
        return None

    def stored(self, doc_id):
        return False


@pytest.fixture(scope="module")
def site():
    with Site() as s:
        yield s


def client(**kw):
    return fetch.Client(fetch.settings(**{**LOCAL, **kw}))


def read(site, path, **kw):
    with fetch.Reader(fetch.settings(**{**LOCAL, **kw}), NoState()) as r:
        return list(r.read(fetch.Source(site.url(path)))), r


# --- the client's guards ------------------------------------------------------------------

@pytest.mark.parametrize("address, refused", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "metadata"), ("169.254.1.1", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "public"),
    ("100.100.100.200", "metadata"), ("fd00:ec2::254", "metadata"), ("240.0.0.1", "reserved"),
    ("93.184.215.14", None), ("2606:4700::1111", None),
])
def test_address_refusal(address, refused):
    why = address_refusal(ipaddress.ip_address(address))
    assert (why is None) if refused is None else (refused in why)


def test_loopback_refused_without_allow_private(site):
    with pytest.raises(fetch.Refused, match="127.0.0.1 is a loopback address.*--allow-private"):
        fetch.Client(fetch.settings(host_delay=0)).get(site.url("/feed.xml"))


def test_localhost_name_is_checked_on_every_address(site):
    with pytest.raises(fetch.Refused, match=r"localhost \(.*\) is a loopback address"):
        fetch.Client(fetch.settings(host_delay=0)).get(f"http://localhost:{site.server.server_port}/feed.xml")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "http://user:pw@127.0.0.1/"])
def test_only_http_and_https(url):
    with pytest.raises(fetch.Refused):
        client().get(url)


def test_redirect_chain_into_metadata_address_refused(site):
    n = len(site.log)
    with pytest.raises(fetch.Refused, match="169.254.169.254 is a cloud metadata address"):
        client().get(site.url("/hop1"))
    assert [p for p in site.log[n:] if p != "/robots.txt"] == ["/hop1", "/hop2", "/hop3"]  # the last hop never connected


def test_redirect_to_another_private_address_refused(site):
    with pytest.raises(fetch.Refused, match="127.0.0.2 is a loopback address"):
        client().get(site.url("/to-other-loopback"))


def test_redirect_loop_bounded(site):
    with pytest.raises(fetch.FetchError, match="more than 3 redirects"):
        client(max_redirects=3).get(site.url("/loop"))


def test_slow_endpoint_times_out(site):
    with pytest.raises(fetch.FetchError, match="timed out"):
        client(read_timeout=0.5).get(site.url("/slow"))


def test_huge_body_capped(site):
    with pytest.raises(fetch.FetchError, match="too large"):
        client(max_bytes=1024 * 1024).get(site.url("/huge"))
    with pytest.raises(fetch.FetchError, match="too large"):  # refused from its Content-Length, before reading
        client().get(site.url("/huge-declared"))


def test_decompression_bounded(site):
    c = client(max_bytes=1024 * 1024)
    with pytest.raises(fetch.FetchError, match="decompresses to more than"):
        c.get(site.url("/bomb"))
    assert c.stats.bytes < 200_000  # stopped after a few compressed chunks


def test_429_then_200(site):
    site.counts.pop("/busy", None)
    r = client().get(site.url("/busy"))
    assert r.status == 200 and site.counts["/busy"] == 3


def test_5xx_gives_up_with_one_line(site):
    with pytest.raises(fetch.FetchError, match=r"^HTTP 503 after 3 tries$"):
        client(retries=2).get(site.url("/always-busy"))


def test_content_type_checked(site):
    with pytest.raises(fetch.Refused, match="content type 'image/png'"):
        client().get(site.url("/image.png"))


def test_robots_txt_respected(site):
    with pytest.raises(fetch.Refused, match="robots.txt .* disallows /private/secret.html"):
        client().get(site.url("/private/secret.html"))


def test_etag_revalidation(site):
    c = client()
    first = c.get(site.url("/feed.xml"))
    assert first.status == 200 and first.etag
    again = c.get(site.url("/feed.xml"), etag=first.etag)
    assert again.not_modified and again.body == b""


# --- feeds, sitemaps, canonical URLs --------------------------------------------------------

def test_rss_items_with_feed_dates_and_canonical_ids(site):
    docs, reader = read(site, "/feed.xml")
    assert all(isinstance(d, RawDocument) for d in docs) and len(docs) == 5
    for d in docs:
        assert d.id == d.url and "utm_" not in d.id and d.id.startswith(site.url("/news/"))
        assert d.published == FEED_DATES[d.id.rsplit("/", 1)[1][:3]]
        assert d.raw.startswith(b"<!doctype html>")  # the bytes as fetched
        assert d.source == d.id  # fetched without the tracking parameters the feed added


def test_atom_feed(site):
    docs, _ = read(site, "/atom.xml")
    assert sorted(d.published for d in docs) == sorted(FEED_DATES.values())


def test_news_sitemap_through_its_index(site):
    docs, _ = read(site, "/sitemap-index.xml")
    assert len(docs) == 5 and {d.published for d in docs} == set(FEED_DATES.values())  # publication_date, not lastmod
    assert all(d.title or d.id.endswith("000_d8bafd3688d7390b.html") for d in docs)


def test_same_article_under_two_urls_is_one_document(site):
    slug = site.items[2]["slug"]
    with fetch.Reader(fetch.settings(**LOCAL), NoState()) as r:
        got = [*r.read(fetch.Source(site.url(f"/news/{slug}.html?utm_campaign=x"))),
               *r.read(fetch.Source(site.url(f"/amp/{slug}.html")))]
    assert [d.id for d in got if isinstance(d, RawDocument)] == [site.url(f"/news/{slug}.html")]


def test_canonical_must_stay_on_the_site():
    body = b'<html><head><link rel="canonical" href="https://elsewhere.example/story"></head></html>'
    assert feeds.canonical(body, "https://news.example/a?utm_source=x#top", ("utm_*",)) == "https://news.example/a"


def test_feedparser_never_fetches_what_a_feed_body_names():
    # Given a string, feedparser would open this file or fetch this URL; the body is parsed as a feed.
    for body in (b"/etc/passwd", b"http://127.0.0.1:9/feed"):
        with pytest.raises(ValueError, match="not a readable feed"):
            feeds.parse_feed(body, "https://x.example/", 10)


def test_failed_url_is_one_rejection_the_others_go_on(site):
    with fetch.Reader(fetch.settings(**LOCAL), NoState()) as r:
        got = [*r.read(fetch.Source(site.url("/missing.html"))), *r.read(fetch.Source(site.url("/atom.xml")))]
    bad = [g for g in got if isinstance(g, Rejected)]
    assert len(bad) == 1 and bad[0].reason == "HTTP 404 Not Found"
    assert sum(isinstance(g, RawDocument) for g in got) == 5


# --- the feeds file and the schedule --------------------------------------------------------

def test_feeds_file(tmp_path):
    f = tmp_path / "feeds.toml"
    f.write_text('[[feed]]\nname = "a"\nurl = "https://a.example/rss"\nevery = 5\noutlet = "A"\n'
                 '[[feed]]\nname = "b"\nurl = "https://b.example/sitemap.xml"\n')
    a, b = load_feeds(f)
    assert (a.outlet, a.every, b.every) == ("A", 5.0, None)
    assert due([a, b], lambda s: 1000.0, 15, 1000.0 + 6 * 60) == [a]
    f.write_text('[[feed]]\nname = "a"\nurl = "file:///etc/passwd"\n')
    with pytest.raises(ValueError, match="feed 1 .a.: 'url' must be an http"):
        load_feeds(f)


# --- end to end -----------------------------------------------------------------------------

def _events(rows):
    key = lambda x: tuple(sorted(e["name"] for e in x))  # noqa: E731
    return {(e["event"], key(e["actor"]), key(e["recipient"])) for e in rows}


def test_watch_once_stores_the_five_and_matches_the_text_run(site, sample_run, tmp_path):
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[[feed]]\nname = "gazette"\nurl = "{site.url("/feed.xml")}"\noutlet = "Example Gazette"\n')
    args = [str(EVENTWATCH), "watch", str(feeds_file), "--once", "--allow-private", "--db", str(tmp_path / "db.sqlite"),
            "--out", str(tmp_path / "out"), "--actors", str(SAMPLE_ACTORS), "-j", "1"]
    n = len(site.log)
    first = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    docs = read_jsonl(tmp_path / "out" / "documents.jsonl")
    assert len(docs) == 5
    for d in docs:
        assert d["published"] == FEED_DATES[d["doc"].rsplit("/", 1)[1][:3]] and d["outlet"] == "Example Gazette"
        assert d["url"] == d["doc"]
        assert not any(f in d["text"] for f in FURNITURE), d["doc"]
    assert _events(read_jsonl(tmp_path / "out" / "events.jsonl")) == _events(sample_run.rows("events"))
    # An article the feed titles reads exactly as its text file does (the site's own labels dropped too).
    from_files = {d["doc"][:3]: d["text"] for d in sample_run.rows("documents")}
    titled = {a["slug"][:3] for a in site.items if a["title"]}
    assert len(titled) == 4
    assert {d["doc"].rsplit("/", 1)[1][:3]: d["text"] for d in docs if d["doc"].rsplit("/", 1)[1][:3] in titled} == \
        {k: v for k, v in from_files.items() if k in titled}
    assert len([p for p in site.log[n:] if p.startswith("/news/")]) == 5
    n = len(site.log)
    second = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert site.log[n:] == []  # the feed is not due yet, and no article is fetched again
    assert "0 new documents" in second.stdout


def test_watch_refuses_loopback_without_allow_private(site, tmp_path):
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[[feed]]\nname = "gazette"\nurl = "{site.url("/feed.xml")}"\n')
    n = len(site.log)
    done = subprocess.run([str(EVENTWATCH), "watch", str(feeds_file), "--once", "--db", str(tmp_path / "db.sqlite")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    lines = [l for l in done.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "127.0.0.1 is a loopback address" in lines[0] and site.url("/feed.xml") in lines[0]
    assert site.log[n:] == []  # refused before connecting


def test_run_accepts_urls_and_fetches_each_article_once(site, tmp_path):
    opts = Options(db=tmp_path / "db.sqlite", actor_files=(str(SAMPLE_ACTORS),), workers=1, allow_private=True)
    s = fetch.settings(**LOCAL)
    n = len(site.log)
    first = pipeline.fetch_and_process([fetch.Source(site.url("/feed.xml"))], opts, conditional=False, fetch_settings=s)
    assert len(first.processed) == 5 and not first.rejected
    mark = len(site.log)
    again = pipeline.fetch_and_process([fetch.Source(site.url("/feed.xml")), fetch.Source(site.url(f"/amp/{site.items[0]['slug']}.html"))],
                                       opts, conditional=False, fetch_settings=s)
    assert again.processed == [] and sorted(again.skipped) == sorted(first.processed)
    assert site.log[mark:] == ["/feed.xml", f"/amp/{site.items[0]['slug']}.html"]  # the feed listed, no article again
    assert len([p for p in site.log[n:mark] if p.startswith("/news/")]) == 5


def test_run_names_a_refused_url_whole_and_exits_non_zero(site, tmp_path):
    url = site.url("/news/x.html?utm_source=a")
    done = subprocess.run([str(EVENTWATCH), "run", url, "--db", str(tmp_path / "db.sqlite"), "--out", str(tmp_path / "out"),
                           "-q"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    lines = [l for l in done.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and site.url("/news/x.html") in lines[0] and "loopback address" in lines[0], done.stderr


def test_watch_loops_until_sigterm_and_stops_cleanly(site, tmp_path):
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(f'[[feed]]\nname = "quiet"\nurl = "{site.url("/empty.xml")}"\n')
    proc = subprocess.Popen([str(EVENTWATCH), "watch", str(feeds_file), "--every", "0.1", "--allow-private",
                             "--db", str(tmp_path / "db.sqlite")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("pass 1 at ") and "next pass in 0.1 min" in first, first + proc.stderr.read()
        time.sleep(0.5)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert time.monotonic() - t0 < 10 and out.strip().endswith("stopped") and err == ""


def test_a_page_in_another_charset_becomes_utf8():
    from eventwatch.fetch.reader import _utf8

    page = "<html><head><meta charset=\"windows-1257\"></head><body><p>Kęstutis Budrys</p></body></html>"
    assert _utf8(page.encode("windows-1257"), None, "html").decode("utf-8") == page
    assert _utf8(page.encode("utf-8"), "iso-8859-1", "html") == page.encode("utf-8")  # UTF-8 bytes are kept as they came
