"""Quotation speakers resolved through the actor stage (issue 18): statements to their
issuer, pronouns and bare titles to the person or body meant, and ``speaker_from`` on
each quote. The articles here are written for these tests: every one runs through the
real pipeline (spaCy, the actor files, the store) and is read back as quotes.jsonl."""
from __future__ import annotations

import json
import sqlite3

import pytest

from eventwatch import export, pipeline
from eventwatch.settings import Options
from eventwatch.store import Store

ARTICLES = {
    "statement": (
        "Oslo, March 3. Norway closed two border crossings on Monday.\n\n"
        "A statement issued by the Norwegian Ministry of Justice said the crossings would stay closed "
        "“until the smuggling of fuel across the border has been brought under control”.\n\n"
        "“Nobody will be allowed through without a permit issued in advance,” the statement added."
    ),
    "it": (
        "Canberra, June 2. Australia's Department of Defence has suspended a training programme with the "
        "Fijian navy. “The programme will resume once the review of its safety rules is complete,” it said."
    ),
    "he": (
        "Foreign Minister Martin Kessler said on Tuesday that talks with the neighbours had failed. "
        "He blamed the other side for the failure.\n\n"
        "“We came with an open hand and they left the table after an hour,” he told reporters in Bern."
    ),
    "ministry": (
        "Lima, May 5. Peru's Foreign Ministry summoned the ambassador of a neighbouring state on Friday.\n\n"
        "In a statement, the ministry said it was “deeply concerned about the repeated incursions of armed groups”."
    ),
    "spokesman": (
        "Accra, July 2. A spokesman for the Ghana Armed Forces said the soldiers “acted within the rules "
        "of engagement at all times”."
    ),
    "cut": (
        "Harare, May 9. The two commanders spoke by telephone on Friday.\n\n"
        "“Both sides agreed to keep the hotline open and to meet again next week,” the Zimbabwe National Army"
    ),
    "who": "The talks were led by Foreign Minister Anna Lindqvist, who said the border would reopen next week.",
    "statement-far": (
        "Nairobi, August 4. Kenya's Ministry of Interior said in a statement on Sunday that the curfew "
        "would be lifted in three counties.\n\nTraders in the counties had complained for weeks. Markets "
        "had stayed shut since June. Several schools were also closed.\n\n"
        "The statement also said that “police patrols will continue along the main highways until further notice”."
    ),
    "it-unresolved": (
        "It is raining in the capital.\n\n"
        "“Nothing has changed on the ground since the talks of last month began,” it said."
    ),
}


@pytest.fixture(scope="module")
def quotes(tmp_path_factory) -> dict[str, list[dict]]:
    tmp = tmp_path_factory.mktemp("speakers")
    feed = tmp / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in ARTICLES.items()), "utf-8")
    opts = Options(db=tmp / "store.db", workers=1)
    result = pipeline.run([feed], opts)
    assert sorted(result.processed) == sorted(ARTICLES)
    with Store(opts.db) as store:
        export.export(store, tmp / "out", tables=("quotes",))
    rows = [json.loads(line) for line in (tmp / "out" / "quotes.jsonl").read_text("utf-8").splitlines()]
    by_doc: dict[str, list[dict]] = {}
    for r in rows:
        by_doc.setdefault(r["doc"], []).append(r)
    return by_doc


def holding(rows: list[dict], words: str) -> dict:
    found = [r for r in rows if words in r["text"]]
    assert found, f"no quotation holds {words!r}: {[r['text'][:50] for r in rows]}"
    return found[0]


def test_a_statement_speaks_for_its_issuer(quotes):
    q = holding(quotes["statement"], "smuggling of fuel")
    assert q["speaker"]["name"] == "Ministry of Justice"  # the body; its state is the country
    assert q["speaker"]["country"] == "NOR"
    assert q["speaker_from"] == "statement"


def test_the_statement_again_is_the_same_issuer(quotes):
    q = holding(quotes["statement"], "Nobody will be allowed through")
    assert q["speaker"]["name"] == "Ministry of Justice" and q["speaker"]["country"] == "NOR"
    assert q["speaker_from"] == "statement"


def test_it_is_the_body_the_sentence_has_as_subject(quotes):
    q = holding(quotes["it"], "The programme will resume")
    assert "Department of Defence" in q["speaker"]["name"]
    assert q["speaker"]["country"] == "AUS"
    assert q["speaker_from"] == "pronoun"


def test_he_is_the_person_quoted_before(quotes):
    q = holding(quotes["he"], "open hand")
    assert q["speaker"]["name"] == "Martin Kessler"
    assert q["speaker_from"] == "pronoun"
    named = holding(quotes["he"], "talks with the neighbours had failed")
    assert named["speaker_from"] == "named"


def test_the_ministry_is_the_ministry_named_before(quotes):
    q = holding(quotes["ministry"], "deeply concerned")
    assert q["speaker"]["name"] == "Foreign Ministry"
    assert q["speaker"]["country"] == "PER"
    assert q["speaker_from"] == "institution"


def test_an_unnamed_official_speaks_for_the_body_named(quotes):
    q = holding(quotes["spokesman"], "rules of engagement")
    assert q["speaker"]["name"] == "Ghana Armed Forces" and q["speaker"]["country"] == "GHA"
    assert q["speaker_from"] == "title"


def test_a_page_cut_before_the_verb_still_names_the_speaker(quotes):
    q = holding(quotes["cut"], "keep the hotline open")
    assert q["speaker"]["name"] == "Zimbabwe National Army"


def test_the_statement_paragraphs_later_is_its_issuer(quotes):
    q = holding(quotes["statement-far"], "police patrols will continue")
    assert q["speaker"]["name"] == "Ministry of Interior" and q["speaker"]["country"] == "KEN"
    assert q["speaker_from"] == "statement"


def test_who_is_the_noun_the_clause_hangs_on(quotes):
    q = holding(quotes["who"], "the border would reopen")
    assert q["speaker"]["name"] == "Anna Lindqvist" and q["speaker_from"] == "pronoun"


def test_words_that_name_nobody_give_no_speaker(quotes):
    q = holding(quotes["it-unresolved"], "Nothing has changed")
    assert q["speaker"] is None  # never "it" or "the statement" as a speaker
    for rows in quotes.values():
        for r in rows:
            name = ((r["speaker"] or {}).get("name") or "").lower()
            assert name not in ("it", "the statement", "a statement", "statement", "he", "she")
            assert (r["speaker"] is None) == (r["speaker_from"] is None)


def test_a_version_2_store_gains_speaker_from(tmp_path):
    """A store written before quotes had speaker_from is upgraded in place and its
    documents are coded again on the next run."""
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "INSERT INTO meta VALUES ('schema_version', '2');"
        "CREATE TABLE documents (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, source TEXT, raw BLOB,"
        " title TEXT, outlet TEXT, published TEXT, language TEXT, url TEXT, text TEXT NOT NULL, story TEXT,"
        " removed TEXT, words INTEGER, features TEXT, pipeline TEXT, added TEXT);"
        "INSERT INTO documents(id, content_hash, text, pipeline) VALUES ('a', 'h', 'x', 'old');"
        "CREATE TABLE quotes (doc TEXT NOT NULL, start INTEGER, \"end\" INTEGER, text TEXT,"
        " speaker TEXT, direct INTEGER, cue TEXT, relay TEXT, claim INTEGER);"
    )
    con.commit()
    con.close()
    with Store(db) as store:
        cols = [r[1] for r in store.db.execute("PRAGMA table_info(quotes)")]
        assert "speaker_from" in cols
        assert store.db.execute("SELECT pipeline FROM documents").fetchone()[0] is None
