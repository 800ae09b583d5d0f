"""The dashboard in a real browser: Debian's chromium driven by Playwright, against real
servers on loopback. Each test saves a screenshot of its view under out/screenshots/.

Skipped only when /usr/bin/chromium is absent (CI installs it); never `playwright install`."""
from __future__ import annotations

from pathlib import Path

import pytest

from api_fixtures import TOKEN, XSS_TEXT, api, writable  # noqa: F401
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "out" / "screenshots"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")


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

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

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
    dash.open("#/events?type=FOO")
    assert "422" in dash.page.locator(".error").inner_text()


def test_markup_in_articles_shows_as_text(browser, writable):
    body = {"text": XSS_TEXT, "id": "xss-web", "title": "<img src=x onerror=alert(1)> Border talks",
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
