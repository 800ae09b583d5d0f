"""The HTTP API, against real servers on loopback over the sample store built by the real
pipeline. Assertions hold for any reasonable coder output: they compare the API with the
query layer and check that filters keep exactly what they say, not particular counts."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from datetime import date
from urllib.parse import quote, urlencode

import pytest

from eventwatch import query
from eventwatch.store import Store

from api_fixtures import TOKEN, XSS_TEXT, Server, api, copy_store, free_socket, serving, store_backend, writable  # noqa: F401
from conftest import ROOT

SAMPLE_REJECT_DOCS = ("003_", "004_")


def all_events(server: Server, **params) -> list[dict]:
    """Every page of /api/events, following the ``next`` links."""
    items, url = [], "/api/events?" + urlencode({**params, "limit": 7})
    while url:
        page = server.json(url)
        items += page["items"]
        url = page["next"] and page["next"].removeprefix(server.url)
    return items


def csv_rows(server: Server, path: str) -> list[dict]:
    reply = server.get(path)
    assert reply.status == 200, reply.body[:300]
    assert reply.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(reply.text)))


def names(entities: list[dict]) -> set:
    return {e["name"] for e in entities}


def countries(entities: list[dict]) -> set:
    return {e["country"] for e in entities}


# --- reads ---------------------------------------------------------------------------------

def test_openapi_describes_every_endpoint(api):
    paths = api.json("/openapi.json")["paths"]
    for p in ("/api/events", "/api/events.csv", "/api/events/{event_id}", "/api/actors", "/api/actors.csv",
              "/api/stories", "/api/stories.csv", "/api/stories/{story_id}", "/api/documents/{doc_id}", "/api/dyads",
              "/api/dyads.csv", "/api/network", "/api/network.csv", "/api/countries"):
        assert p in paths, p
    assert "post" in paths["/api/documents"]
    params = {x["name"] for x in paths["/api/events"]["get"]["parameters"]}
    assert {"actor", "country", "recipient", "type", "from", "to", "story", "q", "sort", "limit", "offset"} <= params


def test_events_are_the_query_layers_records(api):
    with Store(api.db) as store:
        expected = list(query.events(store))
    got = all_events(api)
    assert len(got) == api.json("/api/events")["total"] == len(expected) > 0
    assert {e["id"]: e for e in got} == {e["id"]: e for e in expected}  # the CLI export's records, field for field


def test_paging_is_disjoint_and_complete(api):
    total = api.json("/api/events")["total"]
    first = api.json("/api/events?limit=3&sort=id")
    second = api.json("/api/events?limit=3&offset=3&sort=id")
    assert first["limit"] == 3 and len(first["items"]) == min(3, total) and first["total"] == total
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert "offset=3" in first["next"]
    assert api.json(f"/api/events?offset={total}")["items"] == [] and api.json(f"/api/events?offset={total}")["next"] is None


@pytest.mark.parametrize("sort", ["score", "-score", "confidence", "-confidence", "type", "-type", "id", "-id"])
def test_sorting(api, sort):
    key = {"type": "event"}.get(sort.lstrip("-"), sort.lstrip("-"))
    values = [e[key] for e in api.json(f"/api/events?limit=1000&sort={sort}")["items"] if e[key] is not None]
    assert values == sorted(values, reverse=sort.startswith("-"))


def test_date_sort_puts_undated_last(api):
    dates = [e["date"] for e in api.json("/api/events?limit=1000&sort=date")["items"]]
    known = [d for d in dates if d and not d.startswith("X")]
    assert dates[:len(known)] == sorted(known)
    newest = [e["date"] for e in api.json("/api/events?limit=1000&sort=-date")["items"]][:len(known)]
    assert newest == sorted(known, reverse=True)


def test_filter_by_type(api):
    got = all_events(api, type="REJECT")
    assert got and {e["event"] for e in got} == {"REJECT"}
    both = all_events(api, type="reject,accuse")
    assert {e["event"] for e in both} <= {"REJECT", "ACCUSE"} and len(both) > len(got) - 1


def test_filter_by_country_and_recipient(api):
    got = all_events(api, country="LTU", recipient="BLR")
    assert got
    for e in got:
        assert "LTU" in countries(e["actor"]) and "BLR" in countries(e["recipient"])
    everything = all_events(api)
    assert len(got) == sum(1 for e in everything if "LTU" in countries(e["actor"]) and "BLR" in countries(e["recipient"]))


def test_lithuania_rejects_belarus_in_003_or_004(api):
    got = all_events(api, country="LTU", recipient="BLR", type="REJECT")
    assert any(r["doc"].startswith(SAMPLE_REJECT_DOCS) for e in got for r in e["reports"]), got


def test_filter_by_actor_name_and_spelling(api):
    actors = api.json("/api/actors?limit=1000&sort=-events")["items"]
    actor = next(a for a in actors if a["events"])
    got = all_events(api, actor=actor["name"])
    assert got and all(actor["name"] in names(e["actor"]) for e in got)
    other = next((a for a in actors if a["events"] and any(x != a["name"] for x in a["aliases"])), None)
    if other is not None:  # any spelling of an actor finds its events
        alias = next(x for x in other["aliases"] if x != other["name"])
        assert [e["id"] for e in all_events(api, actor=alias)] == [e["id"] for e in all_events(api, actor=other["name"])]


def test_party_is_either_side(api):
    got = all_events(api, party="BLR")
    assert got and all("BLR" in {x["country"] for x in e["actor"] + e["recipient"]} for e in got)
    as_actor = {e["id"] for e in all_events(api, country="BLR")}
    as_recipient = {e["id"] for e in all_events(api, recipient="BLR")}
    assert {e["id"] for e in got} == as_actor | as_recipient


def test_filter_by_dates_story_doc_and_text(api):
    dated = [e for e in all_events(api) if e["date"] and not e["date"].startswith("X")]
    if dated:
        day = dated[0]["date"]
        got = all_events(api, **{"from": day, "to": day})
        assert dated[0]["id"] in {e["id"] for e in got}
        assert all(e["date"].startswith(day) for e in got)
        month = all_events(api, **{"from": day[:7], "to": day[:7]})
        assert {e["id"] for e in got} <= {e["id"] for e in month} and all(e["date"].startswith(day[:7]) for e in month)
    assert all_events(api, **{"from": "1900-01-01", "to": "1900-12-31"}) == []
    story = api.json("/api/stories")["items"][0]["id"]
    assert {e["story"] for e in all_events(api, story=story)} == {story}
    doc = "003_f674e547d65f028a.txt"
    by_doc = all_events(api, doc=doc)
    assert by_doc and all(any(r["doc"] == doc for r in e["reports"]) for e in by_doc)
    evidence = next(e for e in all_events(api) if e["reports"][0]["evidence"])["reports"][0]["evidence"][0]["text"]
    word = next(w for w in evidence.split() if w.isalpha() and len(w) > 4)
    found = all_events(api, q=word)
    assert found and all(word.lower() in str(e).lower() for e in found)


def test_dyad_filter_is_both_directions(api):
    got = {e["id"] for e in all_events(api, dyad="LTU,BLR")}
    one = {e["id"] for e in all_events(api, country="LTU", recipient="BLR")}
    other = {e["id"] for e in all_events(api, country="BLR", recipient="LTU")}
    assert got == one | other


def test_event_detail_has_reports_evidence_speaker_outlet(api):
    for e in all_events(api):
        detail = api.json(f"/api/events/{e['id']}")
        assert detail["id"] == e["id"] and detail["reports"]
        for r in detail["reports"]:
            assert {"doc", "evidence", "speaker", "outlet", "document"} <= r.keys()
            text = r["document"]["text"]
            for span in r["evidence"]:
                assert text[span["start"]:span["end"]] == span["text"]
    assert api.get("/api/events/ev-nope").status == 404


def test_document_text_with_evidence_marked(api):
    doc = api.json("/api/documents/003_f674e547d65f028a.txt")
    assert doc["text"] and doc["events"] and doc["marks"]
    assert "".join(s["text"] for s in doc["segments"]) == doc["text"]
    for m in doc["marks"]:
        assert any(s["start"] <= m["start"] < s["end"] and m["event"] in s["events"] for s in doc["segments"])
    assert {m["event"] for m in doc["marks"]} == {e["id"] for e in doc["events"]}
    assert "raw" not in doc and "source" not in doc
    assert api.get("/api/documents/nope.txt").status == 404


def test_actors_filters_sorting_paging(api):
    page = api.json("/api/actors?limit=1000&sort=-mentions")
    assert page["total"] == len(page["items"]) > 0
    mentions = [a["mentions"] for a in page["items"]]
    assert mentions == sorted(mentions, reverse=True)
    ltu = api.json("/api/actors?country=ltu&limit=1000")["items"]
    assert ltu and {a["country"] for a in ltu} == {"LTU"}
    assert len(api.json("/api/actors?limit=2")["items"]) == min(2, page["total"])
    name = page["items"][0]["name"]
    assert name in {a["name"] for a in api.json(f"/api/actors?q={quote(name[1:4])}")["items"]}


def test_stories_list_and_detail(api):
    stories = api.json("/api/stories?limit=1000")["items"]
    with Store(api.db) as store:
        assert {s["id"] for s in stories} == {d["story"] for d in query.documents(store)}
    for s in stories:
        detail = api.json(f"/api/stories/{s['id']}")
        assert {d["outlet"] for d in detail["documents"] if d["outlet"]} == set(detail["outlets"])
        assert {e["story"] for e in detail["event_list"]} <= {s["id"]} and len(detail["event_list"]) == detail["events"]
    pozirk = api.json("/api/stories?outlet=pozirk")["items"]
    assert pozirk and all("Pozirk" in s["outlets"] for s in pozirk)
    assert api.get("/api/stories/story-nope").status == 404


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_dyad_series(api, interval):
    data = api.json(f"/api/dyads?a=LTU&b=BLR&interval={interval}")
    between = all_events(api, dyad="LTU,BLR")
    assert data["total"] == len(between)
    assert sum(s["n"] for s in data["series"]) + data["undated"] == data["total"]
    for s in data["series"]:
        assert sum(s["counts"].values()) == s["n"] == s["a_to_b"]["n"] + s["b_to_a"]["n"]
        assert s["mean_score"] is None or -10 <= s["mean_score"] <= 10
        start, end = date.fromisoformat(s["start"]), date.fromisoformat(s["end"])
        assert start <= end
        if interval == "week":
            assert start.weekday() == 0 and (end - start).days == 6
        if interval == "month":
            assert start.day == 1
    periods = [s["period"] for s in data["series"]]
    assert periods == sorted(periods)
    placed = [e for e in between if e["date"] and not e["date"].startswith("X")
              and (len(e["date"]) == 10 or (interval == "month" and len(e["date"]) == 7))]
    assert sum(s["n"] for s in data["series"]) == len(placed)
    for s in data["series"]:  # a period's bar and the events table behind it agree
        assert api.json(f"/api/events?dyad=LTU,BLR&from={s['start']}&to={s['end']}")["total"] == s["n"]
    # an undated event is drawn apart, at the period of its first report, or counted as unplaced
    before = [e for e in between if e not in placed]
    assert sum(s["before"]["n"] for s in data["series"]) + data["unplaced"] == len(before) == data["undated"]
    on_chart = [e for e in before if e["reported_by"] and not e["reported_by"].startswith("X")]
    assert sum(s["before"]["n"] for s in data["series"]) == len(on_chart) >= 1
    for e in on_chart:
        (s,) = [s for s in data["series"] if s["start"] <= e["reported_by"][:10] <= s["end"]]
        assert s["before"]["counts"].get(e["event"], 0) >= 1


def test_reported_by_is_the_earliest_dated_report(api):
    for e in all_events(api):
        published = [r["document"]["published"] for r in api.json(f"/api/events/{e['id']}")["reports"]
                     if r["document"]["published"]]
        full = [p for p in published if not p.startswith("X")]
        assert e["reported_by"] == (min(full or published) if published else None)
    from eventwatch.query import reported_by
    assert reported_by(["XXXX-11-12", "2025-11-27", None]) == "2025-11-27"
    assert reported_by(["2025-11", "2025-11-03"]) == "2025-11-03"
    assert reported_by(["2025-11-28", "2025-11-27"]) == "2025-11-27"
    assert reported_by([None, None]) is None and reported_by(["XXXX-11-12"]) == "XXXX-11-12"


def test_network(api):
    for level in ("actor", "country"):
        net = api.json(f"/api/network?level={level}")
        ids = {n["id"] for n in net["nodes"]}
        assert ids and all(e["source"] in ids and e["target"] in ids and e["n"] >= 1 for e in net["edges"])
    edges = api.json("/api/network?level=country")["edges"]
    assert any(e["source"] == "LTU" and e["target"] == "BLR" for e in edges)
    assert len(api.json("/api/network?nodes=2")["nodes"]) <= 2
    rejects = api.json("/api/network?type=REJECT")["edges"]
    assert all(set(e["counts"]) == {"REJECT"} for e in rejects)


def test_every_list_as_csv(api):
    events = csv_rows(api, "/api/events.csv?country=LTU")
    assert len(events) == api.json("/api/events?country=LTU")["total"] > 0
    # Flat, as `eventwatch export --format flat` writes it: one value per cell.
    assert {"event_id", "event_type", "actor1", "recipient1", "event_date", "score", "n_reports"} <= events[0].keys()
    assert not any(v.startswith(("[", "{")) for r in events for v in r.values())
    assert len(csv_rows(api, "/api/events.csv?type=REJECT&limit=1")) == 1
    assert {r["event_type"] for r in csv_rows(api, "/api/events.csv?type=REJECT")} == {"REJECT"}
    assert len(csv_rows(api, "/api/actors.csv")) == api.json("/api/actors")["total"]
    assert len(csv_rows(api, "/api/stories.csv")) == api.json("/api/stories")["total"]
    assert len(csv_rows(api, "/api/countries.csv")) == api.json("/api/countries")["total"]
    dyads = csv_rows(api, "/api/dyads.csv?a=LTU&b=BLR&interval=week")
    assert [r["period"] for r in dyads] == [s["period"] for s in api.json("/api/dyads?a=LTU&b=BLR&interval=week")["series"]]
    assert len(csv_rows(api, "/api/network.csv?level=country")) == len(api.json("/api/network?level=country")["edges"])


@pytest.mark.parametrize("path", [
    "/api/events?limit=0", "/api/events?limit=5000", "/api/events?offset=-1", "/api/events?type=FOO",
    "/api/events?from=2025-13-01", "/api/events?to=last+week", "/api/events?sort=bogus", "/api/events?country=Lithuania",
    "/api/events.csv?type=FOO", "/api/dyads?a=LTU", "/api/dyads?a=LTU&b=BLR&interval=year", "/api/network?level=planet",
    "/api/actors?sort=age", "/api/stories?limit=-3",
])
def test_bad_parameters_are_422(api, path):
    reply = api.get(path)
    assert reply.status == 422, (path, reply.status)
    assert reply.json()["detail"]


def test_dashboard_and_security_headers(api):
    page = api.get("/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "http" not in page.text  # every asset is local: no CDN
    app_js = api.get("/static/app.js")
    assert app_js.status == 200 and "javascript" in app_js.headers["content-type"]
    static = ROOT / "src" / "eventwatch" / "web" / "static"
    assert sum(p.stat().st_size for p in static.iterdir()) < 500_000
    assert api.get("/docs").status == 404  # Swagger UI would load from a CDN


# --- writes ---------------------------------------------------------------------------------

def test_writes_need_the_token(writable):
    body = {"text": XSS_TEXT}
    assert writable.request("/api/documents", "POST", body).status == 401
    wrong = writable.request("/api/documents", "POST", body, {"Authorization": "Bearer nope"})
    assert wrong.status == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert writable.request("/api/documents", "POST", body, {"Authorization": TOKEN}).status == 401


def test_no_token_configured_refuses_writes(sample_run, tmp_path):
    with serving(copy_store(sample_run.db, tmp_path / "s.db"), token=None) as server:
        reply = server.request("/api/documents", "POST", {"text": XSS_TEXT}, {"Authorization": "Bearer "})
        assert reply.status == 401 and "EVENTWATCH_API_TOKEN" in reply.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"text": "   "}, {"text": "a", "html": "<p>b</p>"}, {"text": "x", "published": "soon"},
                                  {"text": "x", "id": "../etc/passwd"}])
def test_bad_documents_are_422(writable, body):
    assert writable.request("/api/documents", "POST", body, {"Authorization": f"Bearer {TOKEN}"}).status == 422


def test_post_document_runs_the_pipeline(writable):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = {"text": XSS_TEXT, "id": "xss-probe", "title": "<img src=x onerror=alert(1)>", "outlet": "<script>x()</script>",
            "published": "2025-11-12", "url": "javascript:alert(1)"}
    reply = writable.request("/api/documents", "POST", body, auth)
    assert reply.status == 201, reply.body[:500]
    out = reply.json()
    assert out["doc"] == "xss-probe" and out["status"] == "processed"
    assert out["events"] and all(any(r["doc"] == "xss-probe" for r in e["reports"]) for e in out["events"])
    doc = writable.json("/api/documents/xss-probe")
    assert '<img src=x onerror="window.__xss = 2">' in doc["text"]  # kept as data; the dashboard shows it as text
    assert doc["title"] == body["title"] and doc["outlet"] == body["outlet"]
    assert {e["id"] for e in doc["events"]} == {e["id"] for e in out["events"]}
    again = writable.request("/api/documents", "POST", body, auth)
    assert again.status == 200 and again.json()["status"] == "unchanged"
    assert writable.get("/api/documents/xss-probe").headers["content-type"] == "application/json"


# --- the serve command ---------------------------------------------------------------------

def _serve(*args: str, env: dict | None = None) -> subprocess.Popen:
    environ = {k: v for k, v in os.environ.items() if k != "EVENTWATCH_API_TOKEN"}
    environ["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + environ.get("PYTHONPATH", "")
    return subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "serve", *args], env={**environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_refuses_public_address_without_token(api):
    proc = _serve("--db", str(api.db), "--host", "0.0.0.0", "--port", "1")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "EVENTWATCH_API_TOKEN" in err


def test_serve_refuses_missing_store(tmp_path):
    proc = _serve("--db", str(tmp_path / "none.db"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "no store" in err


def test_serve_command_serves(api):
    import urllib.request

    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    proc = _serve("--db", str(api.db), "--port", str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=5) as res:
                    assert res.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "eventwatch serve did not answer"
                time.sleep(0.2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
