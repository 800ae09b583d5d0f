"""The dashboard in a real browser: Debian's chromium driven by Playwright, against real
servers on loopback. Each test saves a screenshot of its view under out/screenshots/.

Skipped only when /usr/bin/chromium is absent (CI installs it); never `playwright install`."""
from __future__ import annotations

from pathlib import Path

import pytest

from api_fixtures import TOKEN, XSS_TEXT, api, serving, writable  # noqa: F401
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "out" / "screenshots"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def store_backend() -> str:
    """The dashboard reads through the API, whose tests cover both stores: one is enough here."""
    return "sqlite"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Dashboard:
    """A browser tab on one server that records script errors, dialogs and any request
    leaving the server (the dashboard must work offline)."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _route(self, route):
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, hash_: str = "#/") -> None:
        self.page.goto(self.base + "/" + hash_)
        self.settled(hash_)

    def settled(self, hash_prefix: str = "") -> None:
        """Wait until the router has rendered the current URL, which starts with ``hash_prefix``
        (after a click the hash changes before the router starts: busy is still false then)."""
        self.page.wait_for_function(
            "p => { const v = document.querySelector('#view'); return location.hash.startsWith(p)"
            " && v.dataset.hash === location.hash && v.getAttribute('aria-busy') === 'false'; }",
            arg=hash_prefix, timeout=15000)

    def shot(self, name: str, full_page: bool = True) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors
        assert self.outside == [], f"the dashboard fetched from elsewhere: {self.outside}"


@pytest.fixture
def dash(browser, api):
    d = Dashboard(browser, api.url)
    yield d
    d.close()


def test_escalation_chart(dash):
    dash.open("#/")
    page = dash.page
    page.select_option("select[name=a]", "LTU")
    dash.settled("#/dyads?a=LTU")
    page.select_option("select[name=b]", "BLR")
    dash.settled("#/dyads?a=LTU&b=BLR")
    assert page.locator("h1").inner_text() == "Escalation"
    assert "between LTU and BLR" in page.locator(".summary").inner_text()
    if page.locator("canvas#dyad-chart").count():
        box = page.locator("canvas#dyad-chart").bounding_box()
        assert box["width"] > 400 and box["height"] > 200
        summary = page.locator(".summary").inner_text()
        assert "drawn hatched at the date first reported" in summary  # undated events, on or before
        page.locator("details.series summary").click()
        assert page.locator("details.series th", has_text="Undated, on or before").count() == 1
        dash.shot("01-escalation")
        page.locator("input[name=before]").uncheck()
        dash.settled("#/dyads?a=LTU&b=BLR")
        assert "before=off" in page.url and "hidden" in page.locator(".summary").inner_text()
        page.locator("input[name=before]").check()
        dash.settled("#/dyads?a=LTU&b=BLR")
        assert "before=off" not in page.url
        page.locator("details.series summary").click()
        page.locator("details.series tbody a").first.click()
        dash.settled("#/events?dyad=LTU%2CBLR")
        assert page.locator("table.events tbody tr").count() >= 1
    else:
        assert page.locator(".empty").is_visible()
        dash.shot("01-escalation")


def test_filter_ltu_blr_and_open_a_reject_event(dash):
    dash.open("#/")
    page = dash.page
    page.get_by_role("link", name="Events").click()
    dash.settled("#/events")
    page.select_option("select[name=country]", "LTU")
    page.fill("input[name=recipient]", "BLR")
    page.get_by_role("button", name="Filter").click()
    dash.settled("#/events?country=LTU&recipient=BLR")
    rows = page.locator("table.events tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        assert "LTU" in cells.nth(2).inner_text() and "BLR" in cells.nth(3).inner_text()
    dash.shot("02-events-ltu-blr")

    page.select_option("select[name=type]", "REJECT")
    page.get_by_role("button", name="Filter").click()
    dash.settled("#/events?country=LTU&recipient=BLR&type=REJECT")
    assert set(page.locator("table.events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.type)")) == {"REJECT"}
    reject = page.locator("tr[data-type=REJECT][data-docs*='003_'], tr[data-type=REJECT][data-docs*='004_']").first
    reject.locator("a.event-link").click()
    dash.settled("#/events/ev-")
    report = page.locator("article.report").filter(has=page.locator("mark.evidence")).first
    mark = report.locator("mark.evidence").first
    assert mark.is_visible()
    quotes = [q.strip() for q in report.locator(".evidence-quote").all_inner_texts()]
    assert any(mark.inner_text().strip() in q for q in quotes)
    assert page.locator(".report .chain").first.inner_text()  # the outlet → speaker chain
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    dash.shot("03-event-reject")

    report.locator("header a").first.click()
    dash.settled("#/documents/")
    assert page.locator(".document mark.evidence").count() >= 1
    dash.shot("04-document")
    page.locator(".document mark.evidence").first.click()
    dash.settled("#/events/ev-")
    assert page.locator("section.event").is_visible()


def test_network(dash):
    dash.open("#/network?level=country")
    page = dash.page
    assert page.locator("svg.network circle").count() >= 2
    assert page.locator("svg.network path.edge").count() >= 1
    labels = page.locator("svg.network text").all_text_contents()
    assert "Lithuania" in labels and "Belarus" in labels
    dash.shot("05-network-countries")
    dash.open("#/network")
    assert page.locator("svg.network circle").count() >= 2
    dash.shot("06-network-actors")
    page.locator("svg.network a.node").first.click()
    dash.settled("#/events?party=")  # events on either side of the actor
    assert page.locator("table.events tbody tr").count() >= 1


def test_story_lists_its_outlets(dash):
    dash.open("#/stories")
    page = dash.page
    page.locator("table.stories tr", has_text="Pozirk").locator("a").first.click()
    dash.settled("#/stories/story-")
    assert "Pozirk" in page.locator("ul.outlets").inner_text()
    assert page.locator("table.events tbody tr").count() >= 1
    dash.shot("07-story")
    dash.open("#/actors")
    assert page.locator("table.actors tbody tr").count() >= 1
    dash.shot("08-actors")


def test_bad_link_shows_the_error(dash):
    dash.open("#/events/ev-no-such-event")
    assert "404" in dash.page.locator(".error").inner_text()
    dash.open("#/events?type=FOO")  # a refused filter is told beside the form, which stays
    assert "unknown event type FOO" in dash.page.locator(".form-error").inner_text()
    assert dash.page.locator("form.filters").is_visible()


def test_markup_in_articles_shows_as_text(browser, writable):
    # News of its own, so the article is a story of its own and every view lists its own title:
    # XSS_TEXT tells the sample's news, and its event would merge into one whose first report
    # is a sample article.
    text = XSS_TEXT.replace("Lithuanian", "Chilean").replace("Lithuania", "Chile").replace("Belarus", "Bolivia") \
        .replace("Vilnius", "Santiago").replace("Kęstutis Budrys", "Alberto van Klaveren")
    body = {"text": text, "id": "xss-web", "title": "<img src=x onerror=alert(1)> Border talks",
            "outlet": "<script>alert(2)</script>", "published": "2025-11-12", "url": "javascript:alert(3)"}
    reply = writable.request("/api/documents", "POST", body, {"Authorization": f"Bearer {TOKEN}"})
    assert reply.status in (200, 201), reply.body[:300]
    story = writable.json("/api/documents/xss-web")["story"]
    event = reply.json()["events"][0]["id"]
    d = Dashboard(browser, writable.url)
    try:
        for hash_ in ("#/documents/xss-web", f"#/stories/{story}", "#/events?doc=xss-web", f"#/events/{event}", "#/stories"):
            d.open(hash_)
            view = d.page.locator("#view")
            text = view.inner_text()
            assert "onerror=" in text, hash_
            assert view.locator("img, script").count() == 0, hash_
            assert d.page.evaluate("window.__xss") is None, hash_
            if hash_ == "#/documents/xss-web":
                assert "<img src=x onerror=alert(1)> Border talks" in d.page.locator("h1").inner_text()
                assert d.page.locator("a", has_text="original").get_attribute("href") == "#"
                d.shot("09-xss-document")
        assert d.dialogs == []
    finally:
        d.close()


# --- the fixes a newcomer asked for, one test each ----------------------------------------

def test_event_view_opens_at_the_top_with_the_evidence_centred_in_its_box(dash, api):
    """It used to scroll the whole page (136 px) to the mark, hiding the navigation."""
    events = api.json("/api/events?limit=1000")["items"]
    deep = max(events, key=lambda e: e["reports"][0]["evidence"][0]["start"])  # evidence far down its article
    assert deep["reports"][0]["evidence"][0]["start"] > 1000
    dash.open(f"#/events/{deep['id']}")
    page = dash.page
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") == 0
    nav = page.locator("header nav").bounding_box()
    assert nav["y"] >= 0 and page.locator("header nav a.active").inner_text() == "Events"
    box = page.locator("article.report .article").first
    assert box.evaluate("b => b.scrollTop") > 0  # the article box scrolled, not the page
    inside = box.evaluate("""b => { const m = b.querySelector('mark').getBoundingClientRect();
        const r = b.getBoundingClientRect(); return m.top >= r.top && m.bottom <= r.bottom; }""")
    assert inside
    dash.shot("10-event-opens-at-top", full_page=False)


def test_document_view_highlights_no_section(dash, api):
    doc = api.json("/api/events?limit=1")["items"][0]["reports"][0]["doc"]
    dash.open(f"#/documents/{doc}")
    page = dash.page
    assert page.locator("header nav a.active").count() == 0
    assert "active" not in (page.locator("header nav a[data-nav=stories]").get_attribute("class") or "")
    dash.shot("11-document-no-section", full_page=False)
    dash.open("#/stories")  # the control: a story page does light Stories
    assert page.locator("header nav a.active").inner_text() == "Stories"


def test_an_invalid_from_date_is_told_beside_the_form(dash):
    """It used to replace the whole view with a raw 422."""
    dash.open("#/events")
    page = dash.page
    page.select_option("select[name=country]", "LTU")
    page.fill("input[name=from]", "2025-13-45")
    page.get_by_role("button", name="Filter").click()
    dash.settled("#/events?country=LTU&from=2025-13-45")
    error = page.locator(".form-error")
    assert error.is_visible()
    assert "From:" in error.inner_text() and "not a date" in error.inner_text() and "YYYY-MM-DD" in error.inner_text()
    assert "422" not in page.locator("#view").inner_text()
    assert page.locator("input[name=from]").get_attribute("aria-invalid") == "true"
    assert page.locator("input[name=from]").input_value() == "2025-13-45"
    assert page.locator("select[name=country]").input_value() == "LTU"  # the rest of the form is kept
    dash.shot("12-events-bad-from-date")
    page.select_option("select[name=country]", "")
    page.fill("input[name=from]", "2025-11")
    page.get_by_role("button", name="Filter").click()
    dash.settled("#/events?from=2025-11")
    assert page.locator(".form-error").count() == 0
    assert page.locator("table.events tbody tr").count() >= 1


def test_type_filter_takes_several_types(dash, api):
    dash.open("#/events")
    page = dash.page
    page.select_option("select[name=type]", ["REJECT", "REQUEST"])
    page.get_by_role("button", name="Filter").click()
    dash.settled("#/events?type=REQUEST%2CREJECT")
    shown = page.locator("table.events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.type)")
    assert set(shown) == {"REJECT", "REQUEST"}
    assert len(shown) == min(50, api.json("/api/events?type=REJECT,REQUEST")["total"])
    selected = page.locator("select[name=type] option:checked").all_inner_texts()
    assert selected == ["REQUEST", "REJECT"]  # kept on the redrawn form (in PLOVER order)
    dash.shot("13-events-two-types")


@pytest.fixture(scope="module")
def long_range(tmp_path_factory):
    """A store of events spread over a year (through the store's own write path, as the
    latency bench builds it): most days have no LTU-BLR event."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("api_latency", ROOT / "bench" / "api_latency.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path_factory.mktemp("long") / "store.db"
    bench.build(db, 400)
    with serving(db, None) as server:
        yield server


CHART_LAYOUT = """c => { const ch = c.chart, area = ch.chartArea, bars = [], line = [];
  ch.data.datasets.forEach((d, i) => { const meta = ch.getDatasetMeta(i);
    meta.data.forEach((el, j) => { const v = d.data[j];
      if (d.type === 'bar' && v) bars.push({x: el.x, width: el.width});
      if (i === 0) line.push({x: el.x, y: el.y, value: v}); }); });
  return {area: {left: area.left, right: area.right, top: area.top, bottom: area.bottom}, bars, line,
          dpr: window.devicePixelRatio, width: c.width, cssWidth: c.getBoundingClientRect().width}; }"""

DARK_NEAR = """(c, [x, y, r]) => { const k = c.width / c.getBoundingClientRect().width;
  const px = c.getContext('2d').getImageData(Math.round((x - r) * k), Math.round((y - r) * k),
                                             Math.round(2 * r * k) || 1, Math.round(2 * r * k) || 1).data;
  for (let i = 0; i < px.length; i += 4) {
    const [R, G, B, A] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
    if (A > 200 && R < 70 && G < 70 && B < 70 && Math.abs(R - G) < 20 && Math.abs(G - B) < 20) return true; }
  return false; }"""


@pytest.mark.parametrize("interval", ["day", "week"])
def test_escalation_chart_over_a_long_range(browser, long_range, interval):
    """Bars keep a readable width and stay whole at both ends; the mean-score line breaks
    over periods without events instead of being drawn across them."""
    d = Dashboard(browser, long_range.url)
    try:
        d.open(f"#/dyads?a=LTU&b=BLR&interval={interval}")
        page = d.page
        canvas = page.locator("canvas#dyad-chart")
        layout = canvas.evaluate(CHART_LAYOUT)
        series = long_range.json(f"/api/dyads?a=LTU&b=BLR&interval={interval}")["series"]
        assert len(layout["line"]) == len(series) > 30
        area = layout["area"]
        assert layout["bars"]
        for bar in layout["bars"]:
            assert bar["width"] >= 6, bar  # 1 px before
            assert area["left"] - 0.5 <= bar["x"] - bar["width"] / 2 and bar["x"] + bar["width"] / 2 <= area["right"] + 0.5
        # The line: a dark point where a period has a mean; nothing dark halfway across a gap.
        points = [(i, p) for i, p in enumerate(layout["line"]) if p["value"] is not None]
        assert points
        assert canvas.evaluate(DARK_NEAR, [points[0][1]["x"], points[0][1]["y"], 2])  # the check sees the line
        gaps = [(p, q) for (i, p), (j, q) in zip(points, points[1:]) if j > i + 1]
        assert gaps
        for p, q in gaps:
            mid = ((p["x"] + q["x"]) / 2, (p["y"] + q["y"]) / 2)
            if abs(mid[0] - p["x"]) > 12 and abs(mid[0] - q["x"]) > 12:
                assert not canvas.evaluate(DARK_NEAR, [mid[0], mid[1], 2]), (interval, p, q)
        if interval == "day":
            assert page.locator(".chart-scroll").evaluate("s => s.scrollWidth > s.clientWidth")
            assert "scroll the chart sideways" in page.locator(".chart-hint").inner_text()
        d.shot(f"14-escalation-long-{interval}", full_page=False)
    finally:
        d.close()
