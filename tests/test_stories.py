"""Stories and merged events: order independence, explanations, sources, dates, splitting."""
from __future__ import annotations

import json
import shutil

from eventwatch import export, pipeline, stories
from eventwatch.model import Event, Report, Span
from eventwatch.settings import Options
from eventwatch.store import Store

from conftest import SAMPLE, SAMPLE_ACTORS, read_jsonl

DOCS = sorted(p.name for p in SAMPLE.glob("*.txt"))


def _state(db) -> tuple[dict, list]:
    """Stories (as sets of documents) and events (type, documents, date) in a store."""
    with Store(db) as store:
        docs = list(export.query.documents(store))
        evs = list(export.query.events(store))
    groups: dict[str, set] = {}
    for d in docs:
        groups.setdefault(d["story"], set()).add(d["doc"])
    story_sets = sorted(sorted(g) for g in groups.values())
    events = sorted((e["event"], tuple(sorted(r["doc"] for r in e["reports"])), e["date"], e["id"]) for e in evs)
    return story_sets, events


def _run(db, paths):
    return pipeline.run(paths, Options(db=db, actor_files=(str(SAMPLE_ACTORS),), workers=1))


def test_sample_stories(sample_run):
    by_story: dict[str, set] = {}
    for d in sample_run.rows("documents"):
        by_story.setdefault(d["story"], set()).add(d["doc"][:3])
    assert sorted(map(sorted, by_story.values())) == [["000"], ["001"], ["002"], ["003", "004"]]


def test_cross_document_events_merge_with_reasons(sample_run):
    merged = [e for e in sample_run.rows("events") if len({r["doc"] for r in e["reports"]}) > 1]
    kinds = {(e["event"], e["actor"][0]["country"]) for e in merged}
    assert {("REJECT", "LTU"), ("CONSULT", "LTU")} <= kinds
    for e in merged:
        # a mutual act (a meeting) names the countries taking part, any other its actor
        want = "between " if e["event"] == "CONSULT" else "actor "
        assert e["merged_on"] and want in e["merged_on"][0] and e["sources"] == 2
        assert {r["doc"][:3] for r in e["reports"]} == {"003", "004"}


def test_event_precision_follows_its_date(sample_run):
    # a merged event whose reports disagree on the date is undated, and says so
    from eventwatch.timex import precision

    for e in sample_run.rows("events"):
        assert e["date_precision"] == precision(e["date"]), e["id"]
    reject = next(e for e in sample_run.rows("events") if e["event"] == "REJECT" and len(e["reports"]) > 1)
    assert reject["date"] is None and reject["date_precision"] == "none"


def test_one_by_one_equals_all_at_once(tmp_path):
    _run(tmp_path / "all.db", [SAMPLE])
    for name in DOCS:
        _run(tmp_path / "one.db", [SAMPLE / name])
    for name in reversed(DOCS):
        _run(tmp_path / "rev.db", [SAMPLE / name])
    assert _state(tmp_path / "one.db") == _state(tmp_path / "all.db")
    assert _state(tmp_path / "rev.db") == _state(tmp_path / "all.db")


def test_a_rewrite_joins_the_story_and_counts_as_one_source(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(SAMPLE, corpus)
    text = (SAMPLE / "004_2cb5b01ce5caf802.txt").read_text("utf-8")
    (corpus / "004b_rewrite.txt").write_text(text.replace("News\n", "World\n").replace("(AP)", "(Wire)")
                                             .replace("Notably, ", "").replace("In a recent context, ", ""), encoding="utf-8")
    _run(tmp_path / "r.db", [corpus])
    with Store(tmp_path / "r.db") as store:
        links = store.db.execute("SELECT a, b, reason FROM links WHERE b = '004b_rewrite.txt' OR a = '004b_rewrite.txt'").fetchall()
        evs = list(export.query.events(store))
    assert any(r[2].startswith("rewrite") for r in links)
    reject = next(e for e in evs if e["event"] == "REJECT" and len(e["reports"]) == 3)
    assert reject["sources"] == 2  # 003 and the 004 wire story, however many rewrites of it


def test_split_is_kept_on_later_runs(tmp_path):
    db = tmp_path / "s.db"
    _run(db, [SAMPLE])
    with Store(db) as store:
        merged = next(e for e in export.query.events(store) if e["event"] == "REJECT" and len(e["reports"]) == 2)
        new_ids = pipeline.split_event(store, merged["id"])
        assert len(new_ids) == 2
        rejects = [e for e in export.query.events(store) if e["event"] == "REJECT" and e["story"] == merged["story"]]
    assert sorted(len(e["reports"]) for e in rejects) == [1, 1]
    pipeline.run([SAMPLE], Options(db=db, workers=1, reprocess=True))
    with Store(db) as store:
        again = [e for e in export.query.events(store) if e["event"] == "REJECT" and e["story"] == merged["story"]]
    assert sorted(len(e["reports"]) for e in again) == [1, 1]


def _ev(doc: str, event: str, actor: str, recipient: str | None, date: str | None, source: str | None, eid: str) -> Event:
    ent = lambda c: [{"name": c, "country": c, "sector": "GOV", "role": None}] if c else []  # noqa: E731
    return Event(id=eid, event=event, mode=None, actor=ent(actor), recipient=ent(recipient), date=date,
                 date_precision="none", aux=[], confidence=0.8, reports=[Report(doc=doc, evidence=[Span(0, 4, "text")], date=date)],
                 date_source=source)


def test_merge_rules():
    evs = [
        _ev("a", "REJECT", "LTU", "BLR", "XXXX-11-12", "timex", "1"),
        _ev("b", "REJECT", "LTU", None, None, None, "2"),          # implicit recipient, no time at all: joins, takes the date
        _ev("c", "REJECT", "LTU", "RUS", None, None, "3"),         # another recipient: another act
        _ev("d", "REJECT", "LTU", "BLR", "XXXX-11-14", "timex", "4"),  # another day: another act
        _ev("e", "COERCE", "BLR", "LTU", None, None, "5"),
        _ev("f", "SANCTION", "BLR", "LTU", None, None, "6"),      # compatible types merge
    ]
    out = stories.merge(evs)
    groups = sorted(sorted(r.doc for r in e.reports) for e in out)
    assert groups == [["a", "b"], ["c"], ["d"], ["e", "f"]]
    ab = next(e for e in out if len(e.reports) == 2 and e.event == "REJECT")
    assert ab.date == "XXXX-11-12" and "implicit" in ab.merged_on[0]
    # an offer and a demand are different acts, however alike their dyads
    offer_demand = stories.merge([_ev("g", "AGREE", "BLR", "LTU", None, None, "7"),
                                  _ev("h", "REQUEST", "BLR", "LTU", None, None, "8")])
    assert len(offer_demand) == 2


def test_a_meeting_merges_whichever_side_each_report_names_first():
    evs = [_ev("a", "CONSULT", "AAA", "BBB", "2031-03-10", "timex", "1"),
           _ev("b", "CONSULT", "BBB", "AAA", "2031-03-10", "timex", "2"),   # the other side's account of the call
           _ev("c", "CONSULT", "BBB", "CCC", "2031-03-10", "timex", "3"),   # another pair: another meeting
           _ev("d", "REJECT", "AAA", "BBB", None, None, "4"),
           _ev("e", "REJECT", "BBB", "AAA", None, None, "5")]               # a rejection is not mutual
    groups = sorted(sorted(r.doc for r in e.reports) for e in stories.merge(evs))
    assert groups == [["a", "b"], ["c"], ["d"], ["e"]]
    call = next(e for e in stories.merge(evs) if len(e.reports) == 2)
    assert "between AAA+BBB" in call.merged_on[0]


def test_a_report_joins_its_best_match_and_never_links_two_acts():
    evs = [
        _ev("a", "COERCE", "AAA", "BBB", "2031-03-10", "timex", "1"),
        _ev("a", "COERCE", "AAA", "BBB", "2031-03-12", "timex", "2"),   # a second act of the kind in one document
        _ev("b", "COERCE", "AAA", "BBB", "2031-03-12", "timex", "3"),   # the 12th: joins the 12th, not the first read
        _ev("c", "COERCE", "AAA", None, None, None, "4"),               # fits either, joins one of them only
    ]
    out = stories.merge(evs)
    groups = sorted(sorted((r.doc, r.date) for r in e.reports) for e in out)
    assert [("a", "2031-03-12"), ("b", "2031-03-12")] in [[x for x in g if x[0] != "c"] for g in groups]
    assert sum(1 for g in groups for x in g if x[0] == "c") == 1
    assert not any({("a", "2031-03-10"), ("a", "2031-03-12")} <= set(g) for g in groups)


def test_no_chain_through_an_undated_report():
    # 10th ~ undated ~ 12th: the undated report may join one, but the two days never meet
    evs = [_ev("a", "AGREE", "AAA", "BBB", "2031-03-10", "timex", "1"), _ev("b", "AGREE", "AAA", "BBB", None, None, "2"),
           _ev("c", "AGREE", "AAA", "BBB", "2031-03-12", "timex", "3")]
    out = stories.merge(evs)
    assert not any({"a", "c"} <= {r.doc for r in e.reports} for e in out)
    assert len(out) == 2


def test_an_undated_report_is_published_after_the_act():
    dated = _ev("a", "SANCTION", "AAA", "BBB", "2031-03-10", "timex", "1")
    later = _ev("b", "SANCTION", "AAA", "BBB", None, None, "2")
    for pub, joins in [("2031-03-11", True), ("2031-03-10", True), ("2031-03-09", False), ("2031-03-30", False), (None, True)]:
        out = stories.merge([dated, later], published={"a": "2031-03-10", "b": pub})
        assert (len(out) == 1) is joins, pub


def test_leads_keep_stories_of_one_crisis_apart():
    background = ("The dispute over the Velora river began when upstream dams cut the flow to Marrow province. "
                  "Talks in Ostrand collapsed last year and both capitals recalled envoys. ") * 3
    a = "Farmers in Marrow blockade the Ostrand highway over water quotas. " + background
    b = "Marrow farmers block the Ostrand highway in protest at water quotas. " + background
    c = "Ostrand parliament votes to expel the Velora envoy after spy arrests. " + background

    def feats(doc, text):
        return stories.DocFeatures(doc, [], [], None, stories.term_vector(None, text), stories.lead_vector(None, text))

    fa, fb, fc = feats("a", a), feats("b", b), feats("c", c)
    assert stories.similarity(fa, fb) > stories.similarity(fa, fc)
    assert stories.cosine(fa.lead, fb.lead) > stories.cosine(fa.lead, fc.lead)


def test_consensus_dates():
    c = stories.consensus_date
    assert c([("XXXX-11-12", "timex"), ("2025-11-12", "timex")]) == "2025-11-12"   # most precise both support
    assert c([("2025-11", "timex"), ("XXXX-11-12", "timex")]) == "2025-11-12"
    assert c([("XXXX-11-12", "timex"), (None, None)]) == "XXXX-11-12"               # stated date resolves a silent report
    assert c([("XXXX-11-12", "report"), (None, "timex")]) is None                 # "on Tuesday" may contradict it
    assert c([("XXXX-11-12", "report"), (None, "report")]) is None                # one outlet's publication date is not another's
    assert stories.dates_agree("XXXX-11-12", "2025-11-12") and not stories.dates_agree("2025-11-11", "XXXX-11-12")


def test_links_need_shared_people_and_nearby_days():
    f = lambda doc, people, pub: stories.DocFeatures(doc, people, [ord(doc) * 100 + i for i in range(8)], pub)  # noqa: E731
    a = f("a", ["P1", "P2", "P3", "P4"], "2025-11-12")
    assert stories.link(a, f("b", ["P1", "P2", "P3"], "2025-11-13")).startswith("people")
    assert stories.link(a, f("c", ["P1", "P2", "P3"], "2025-12-20")) is None      # a different day's news
    assert stories.link(a, f("d", ["P1", "P9"], None)) is None                     # too few shared people


def test_blocking_keys_are_stable():
    assert json.dumps(stories.DocFeatures("a", ["X"], list(range(20))).keys()) == json.dumps(["p:X"] + [f"h:{i}" for i in range(8)])


def test_claims_and_counter_claims(sample_run):
    claims = {c["id"]: c for c in sample_run.rows("claims")}
    lt = [c for c in claims.values() if c["doc"].startswith("004") and "smugglers" in c["text"]]
    assert lt and lt[0]["claimant"]["country"] == "LTU"
    counters = [claims[x["claim"]] for x in lt[0]["links"] if x["relation"] == "counter"]
    assert any(c["doc"].startswith("002") and c["claimant"]["country"] == "BLR" for c in counters)
    assert all("balloon" in x["shared"] for x in lt[0]["links"])


def test_claim_relations():
    c = lambda doc, country, target, words: stories.Claim(doc, doc, "", {"country": country}, target, words)  # noqa: E731
    a = c("a", "LTU", ["BLR"], ["balloon", "smuggl", "airspace"])
    assert stories.relation(a, c("b", "BLR", [], ["balloon", "smuggl"])) == ("counter", ["balloon", "smuggl"])
    assert stories.relation(a, c("d", "LTU", [], ["balloon", "airspace"]))[0] == "echo"
    assert stories.relation(a, c("e", "USA", ["RUS"], ["balloon", "airspace"]))[0] == "third party"
    assert stories.relation(a, c("f", "BLR", [], ["balloon"])) is None  # one shared word is not a matter


def test_candidates_take_the_rarest_keys_within_a_budget(tmp_path):
    from eventwatch.model import Analysis, Document

    def doc(i: int, keys: list[str]):
        d = Document(id=f"d{i:03d}", text=f"text {i}", content_hash=f"h{i}")
        return Analysis(d), {"keys": keys, "terms": {}}

    rows = [doc(0, ["t:common", "t:rare"]), doc(1, ["t:rare"])] + [doc(i, ["t:common"]) for i in range(2, 40)]
    with Store(tmp_path / "k.db") as store, store.transaction():
        store.write_batch([a for a, _ in rows], {}, "test", [], {a.document.id: f for a, f in rows})
        near = [d for d, _ in store.candidates(["t:common", "t:rare"], "new", max_candidates=10)]
        assert near == ["d000", "d001"]  # the rare key's documents; the common key would pass the budget
        assert len(store.candidates(["t:common", "t:rare"], "new", max_candidates=100)) == 40
        assert store.candidates(["t:common"], "new", max_docs_per_key=20) == []  # a key too common to say anything
