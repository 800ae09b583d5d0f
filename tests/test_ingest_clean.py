"""Ingest and clean on the sample corpus and on malformed input."""
from __future__ import annotations

import json

import pytest

from eventwatch import clean, ingest
from eventwatch.model import RawDocument, Rejected

from conftest import GOLD, SAMPLE, read_jsonl


def _docs(paths, **kw):
    return list(ingest.read_inputs(paths, **kw))


def test_folder_yields_every_sample_file_in_order():
    docs = _docs([SAMPLE])
    assert [d.id for d in docs] == sorted(p.name for p in SAMPLE.glob("*.txt"))
    assert all(isinstance(d, RawDocument) and d.kind == "text" for d in docs)
    assert docs[0].raw == (SAMPLE / docs[0].id).read_bytes()  # raw bytes kept as read


def test_jsonl_ids_metadata_and_bad_lines(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "a1", "text": "Lithuania closed the border.", "outlet": "AP", "published": "2025-11-12T08:00:00Z"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "a2", "title": "no body"}),
        json.dumps({"html": "<html><body><p>Body text here.</p></body></html>"}),
    ]), encoding="utf-8")
    items = _docs([f])
    good = [i for i in items if isinstance(i, RawDocument)]
    bad = {i.id: i.reason for i in items if isinstance(i, Rejected)}
    assert [g.id for g in good] == ["a1", "feed.jsonl:5"]
    assert good[0].outlet == "AP" and good[0].published == "2025-11-12T08:00:00Z"
    assert good[1].kind == "html"
    assert "line 2 is not valid JSON" in bad["feed.jsonl:2"]
    assert "not a JSON object" in bad["feed.jsonl:3"]
    assert "no 'text' or 'html'" in bad["a2"]


@pytest.mark.parametrize("content, reason", [
    (b"", "empty document"),
    (b"   \n\n ", "empty document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary file"),
])
def test_unreadable_files_are_rejected_by_name(tmp_path, content, reason):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    (item,) = _docs([p])
    assert isinstance(item, Rejected) and item.id == "bad.txt" and reason in item.reason


def test_too_large_is_rejected_without_reading(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_bytes(b"word " * 300_000)
    (item,) = _docs([p], max_bytes=1_000_000)
    assert isinstance(item, Rejected) and "too large" in item.reason and "--max-bytes" in item.reason


def test_missing_and_unsupported_inputs(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    items = _docs([tmp_path / "nope.txt", tmp_path / "notes.pdf"])
    assert [i.reason for i in items] == ["no such file or folder", "unsupported file type '.pdf'; expected .txt, .html or .jsonl"]


def test_same_file_name_in_two_folders_keeps_both(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "story.txt").write_text(f"Text {sub} about Lithuania and the border.", encoding="utf-8")
    ids = [d.id for d in _docs([tmp_path])]
    assert len(set(ids)) == 2 and ids[0] == "story.txt"


# --- clean -----------------------------------------------------------------------------

def _clean(name: str):
    return clean.clean(RawDocument(id=name, source=name, raw=(SAMPLE / name).read_bytes(), kind="text"))


def test_sample_metadata():
    got = {p.name: _clean(p.name) for p in sorted(SAMPLE.glob("*.txt"))}
    meta = {k: (d.title, d.outlet, d.published, d.language) for k, d in got.items()}
    assert meta["000_d8bafd3688d7390b.txt"] == (None, None, "2025-11-27", "en")  # "according to BelTA" is a relay, not the outlet
    assert meta["001_fe45d5d8b6359ab6.txt"][1:] == ("Bbabo NET", None, "en")
    assert meta["002_85dd2fa22fd9efb4.txt"][1:] == ("Reform.news", None, "en")
    assert meta["003_f674e547d65f028a.txt"] == ("Lithuanian FM rejects Minsk’s call for talks on reopening border", "Pozirk", "XXXX-11-12", "en")
    assert meta["004_2cb5b01ce5caf802.txt"] == ("Lithuania Refuses Border Talks with Belarus Amid Ongoing Tensions", "AP", None, "en")


def test_sample_boilerplate_is_gone_and_article_kept():
    for b in read_jsonl(GOLD / "boilerplate.jsonl"):
        assert b["text"] not in _clean(b["doc"]).text, b
    for q in read_jsonl(GOLD / "quotes.jsonl"):
        assert q["quote"] in _clean(q["doc"]).text, q  # every quoted fragment survives cleaning


def test_paragraphs_are_blank_line_separated():
    text = _clean("003_f674e547d65f028a.txt").text
    assert "\n\n" in text and "\n\n\n" not in text and not text.startswith("\n")


def test_invalid_utf8_names_the_offset():
    raw = RawDocument(id="latin1.txt", source="latin1.txt", raw="Lithuania’s café".encode("cp1252"), kind="text")
    with pytest.raises(clean.CleanError, match=r"not valid UTF-8 \(byte 0x92 at offset 9\)"):
        clean.clean(raw)


def test_non_english_is_refused_with_the_language():
    de = ("Die litauische Regierung hat die Grenze zu Belarus geschlossen, und der Minister sagte, "
          "dass die Verhandlungen nicht mit der Regierung in Minsk geführt werden, die für die Lage verantwortlich ist.")
    with pytest.raises(clean.CleanError, match="not English.*'de'"):
        clean.clean(RawDocument(id="de.txt", source="de.txt", raw=de.encode(), kind="text"))


def test_html_goes_through_trafilatura():
    html = """<html><head><title>Minsk summons envoy | Example News</title>
    <meta property="og:site_name" content="Example News"><meta name="date" content="2025-11-20"></head>
    <body><nav>Home | World | Politics</nav><article><h1>Minsk summons envoy</h1>
    <p>Belarus summoned the Lithuanian envoy on Thursday to protest against the closure of the border crossings.</p>
    <p>The foreign ministry said the decision was a provocation and demanded that Vilnius reopen the checkpoints.</p>
    </article><footer>Subscribe to our newsletter. All rights reserved.</footer></body></html>"""
    d = clean.clean(RawDocument(id="a.html", source="a.html", raw=html.encode(), kind="html"))
    assert "Belarus summoned the Lithuanian envoy" in d.text
    assert "Subscribe" not in d.text and "Home | World" not in d.text
    assert d.published == "2025-11-20" and d.language == "en"
    assert d.title and "Minsk summons envoy" in d.title


def test_markup_in_plain_text_is_kept_as_text():
    raw = RawDocument(id="x.txt", source="x.txt", kind="text",
                      raw=b"Lithuania said <script>alert(1)</script> the border would stay closed, and the minister added that talks are not planned.")
    assert "<script>alert(1)</script>" in clean.clean(raw).text


def test_a_short_headline_like_text_is_not_refused_for_its_few_function_words():
    raw = RawDocument(id="s.txt", source="s.txt", kind="text",
                      raw=b"Recent US Predator attacks in Pakistan's tribal areas have killed dozens of militants.")
    assert clean.clean(raw).language == "en"
    with pytest.raises(clean.CleanError, match="not English"):
        clean.clean(RawDocument(id="d.txt", source="d.txt", kind="text", raw="Die Regierung hat die Grenze geschlossen und das ist nicht gut.".encode()))


def test_jsonl_field_aliases(tmp_path):
    f = tmp_path / "dump.jsonl"
    f.write_text(json.dumps({"doc_id": "x9", "body": "Peru closed its border with Chile on Monday, officials said.",
                             "publication_date": "2016-09-18", "headline": "Border closed", "source": {"name": "not a string"}}),
                 encoding="utf-8")
    (doc,) = _docs([f])
    assert (doc.id, doc.published, doc.title, doc.outlet) == ("x9", "2016-09-18", "Border closed", None)


@pytest.mark.parametrize(
    ("given", "published"),
    [
        ("2025-11-27T10:00:00Z", "2025-11-27"),
        ("Thu, 27 Nov 2025 10:00:00 GMT", "2025-11-27"),  # RSS pubDate
        ("November 27, 2025", "2025-11-27"),
        ("27 November 2025", "2025-11-27"),
        ("XXXX-11-12", "XXXX-11-12"),
        ("2025-11", "2025-11"),
    ],
)
def test_publication_dates_in_common_forms(given, published):
    raw = RawDocument(id="d", source="feed.jsonl:1", raw=b"Lithuania closed the border, the minister said.",
                      kind="text", published=given)
    doc = clean.clean(raw)
    assert doc.published == published and doc.notes == []


@pytest.mark.parametrize("given", ["2025-13-45", "2025-02-29", "next week"])
def test_a_publication_date_that_is_not_a_date_is_dropped_and_said(given):
    raw = RawDocument(id="d", source="feed.jsonl:1", raw=b"Lithuania closed the border yesterday, the minister said.",
                      kind="text", published=given)
    doc = clean.clean(raw)
    assert doc.published is None
    assert doc.notes and repr(given) in doc.notes[0]
