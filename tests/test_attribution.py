"""Tests for eventwatch.attribution: real sample articles, news conventions, hostile input."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwatch import attribution, nlp
from eventwatch.attribution import find_quotes, scan_quotations
from eventwatch.model import Quote

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "belarus-lithuania-2025"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "quotes.jsonl"

# How each gold quotation's speaker is named in its own article.
SPEAKER_SPANS = {
    ("000_d8bafd3688d7390b.txt", "no official information about this incident"): "a spokesperson",
    ("000_d8bafd3688d7390b.txt", "appears particularly cynical"): "Ruslan Varankov",
    ("000_d8bafd3688d7390b.txt", "They hold others to the highest standards"): "Varankov",
    ("000_d8bafd3688d7390b.txt", "However, there was no response"): "the Foreign Ministry spokesperson",
    ("000_d8bafd3688d7390b.txt", "We demand that Lithuania immediately"): "Ruslan Varankov",
    ("001_fe45d5d8b6359ab6.txt", "does not see opportunities for cooperation"): "Agne Bilotaite",
    ("001_fe45d5d8b6359ab6.txt", "being the closest ally of the Kremlin regime"): "the minister",
    ("001_fe45d5d8b6359ab6.txt", "I consider it necessary to raise the issue"): "the Foreign Minister",
    ("001_fe45d5d8b6359ab6.txt", "Illegals wander almost barefoot"): "the minister",
    ("002_85dd2fa22fd9efb4.txt", "If they lie abandoned on the roadside"): "he",
    ("002_85dd2fa22fd9efb4.txt", "We will always reach an understanding"): "he",
    ("002_85dd2fa22fd9efb4.txt", "We are doing everything to make things normal"): "he",
    ("002_85dd2fa22fd9efb4.txt", "Return the 17 or 20 vehicles you stole"): "he",
    ("002_85dd2fa22fd9efb4.txt", "Experts told me the matter has been studied"): "he",
    ("002_85dd2fa22fd9efb4.txt", "They chose this path and think Americans"): "Lukashenka",
    ("003_f674e547d65f028a.txt", "does not set the rules"): "Budrys",
    ("003_f674e547d65f028a.txt", "We are not left alone, we have full involvement"): "Budrys",
    ("004_2cb5b01ce5caf802.txt", "Lukashenko does not set the rules"): "Foreign Minister Kestutis Budrys",
    ("004_2cb5b01ce5caf802.txt", "We are not left alone; we have full involvement"): "Budrys",
    ("004_2cb5b01ce5caf802.txt", "organize negotiations on the normalization"): "He",
}


@pytest.fixture(scope="module")
def pipeline():
    return nlp.load()


@pytest.fixture(scope="module")
def sample_quotes(pipeline) -> dict[str, tuple[str, list[Quote]]]:
    out = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = (text, find_quotes(pipeline(text), path.name))
    return out


def quotes_of(pipeline, text: str) -> list[Quote]:
    return find_quotes(pipeline(text), "t")


def holding(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in " ".join(q.text.split())]
    assert found, f"no quotation holds {fragment!r}: {[q.text[:60] for q in quotes]}"
    return found[0]


def gold_rows() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- real articles


@pytest.mark.parametrize("row", gold_rows(), ids=lambda r: f"{r['doc'][:3]}:{r['quote'][:30]}")
def test_every_gold_quote_is_found_with_its_speaker_span(sample_quotes, row):
    _, quotes = sample_quotes[row["doc"]]
    quote = holding(quotes, row["quote"])
    expected = next(v for (doc, frag), v in SPEAKER_SPANS.items() if doc == row["doc"] and frag in row["quote"] or doc == row["doc"] and row["quote"] in frag)
    assert quote.speaker_span is not None
    assert quote.speaker_span.text == expected
    assert quote.speaker is None


def test_speaker_table_covers_the_gold_file():
    for row in gold_rows():
        assert any(doc == row["doc"] and (frag in row["quote"] or row["quote"] in frag) for doc, frag in SPEAKER_SPANS)


def test_offsets_point_into_the_text(sample_quotes):
    for name, (text, quotes) in sample_quotes.items():
        assert quotes, name
        for q in quotes:
            assert q.doc == name
            assert text[q.start:q.end] == q.text and q.text.strip() == q.text
            if q.speaker_span is not None:
                assert text[q.speaker_span.start:q.speaker_span.end] == q.speaker_span.text


def test_direct_quotes_exclude_the_marks(sample_quotes):
    for _, quotes in sample_quotes.values():
        for q in (q for q in quotes if q.direct):
            assert q.text[0] not in "\"“”" and q.text[-1] not in "\"“,"


def test_medium_in_according_to_is_a_relay_next_to_a_speaker(sample_quotes):
    _, quotes = sample_quotes["003_f674e547d65f028a.txt"]
    quote = holding(quotes, "does not set the rules")
    assert quote.relay == ["Reuters"] and quote.speaker_span.text == "Budrys" and quote.cue == "said"


def test_medium_alone_is_a_relay_without_speaker(sample_quotes):
    _, quotes = sample_quotes["004_2cb5b01ce5caf802.txt"]
    quote = holding(quotes, "Lukashenko ordered talks")
    assert quote.speaker_span is None and quote.relay == ["Belta"] and not quote.direct


def test_relay_of_a_passive_statement(sample_quotes):
    _, quotes = sample_quotes["000_d8bafd3688d7390b.txt"]
    quote = holding(quotes, "Belarus has not yet received official information")
    assert quote.speaker_span.text.endswith("Ruslan Varankov") and quote.relay == ["BelTA"]


def test_according_to_a_ministry_is_a_speaker(sample_quotes):
    _, quotes = sample_quotes["003_f674e547d65f028a.txt"]
    quote = holding(quotes, "Minsk’s diplomat was called")
    assert quote.speaker_span.text == "the Lithuanian ministry" and quote.relay == []


def test_reported_speech_in_the_samples(sample_quotes):
    _, quotes = sample_quotes["001_fe45d5d8b6359ab6.txt"]
    noted = holding(quotes, "Lithuania plans to raise the issue")
    assert not noted.direct and noted.cue == "noted" and noted.speaker_span.text.endswith("Gabrielius Landsbergis")
    assert holding(quotes, "officials in Belarus keep refugees").speaker_span.text == "her"


def test_claims_in_the_samples(sample_quotes):
    _, quotes = sample_quotes["002_85dd2fa22fd9efb4.txt"]
    claiming = holding(quotes, "such flights are now impossible")
    accusing = holding(quotes, "Lithuania of staging a provocation")
    assert claiming.claim and accusing.claim
    assert claiming.speaker_span.text == accusing.speaker_span.text == "Lukashenka"
    assert "accusing" not in claiming.text
    _, quotes = sample_quotes["004_2cb5b01ce5caf802.txt"]
    smugglers = holding(quotes, "being used by smugglers")
    assert smugglers.claim and smugglers.speaker_span.text == "Lithuania"


def test_multi_sentence_quote_takes_the_next_sentence_speaker(sample_quotes):
    _, quotes = sample_quotes["000_d8bafd3688d7390b.txt"]
    quote = holding(quotes, "This incident is not an isolated omission")
    assert quote.direct and quote.speaker_span.text == "the Foreign Ministry spokesperson"


# ---------------------------------------------------------------- news conventions


def test_speaker_after_the_quote(pipeline):
    [q] = quotes_of(pipeline, "“We are ready to talk,” the minister said.")
    assert (q.text, q.direct, q.speaker_span.text, q.cue) == ("We are ready to talk", True, "the minister", "said")


def test_inverted_speaker(pipeline):
    [q] = quotes_of(pipeline, '"The absence of information is cynical," noted Ruslan Varankov.')
    assert q.speaker_span.text == "Ruslan Varankov" and q.cue == "noted"


def test_speaker_before_a_colon(pipeline):
    [q] = quotes_of(pipeline, "Varankov noted: “Lithuania ignores its obligations.”")
    assert q.direct and q.text == "Lithuania ignores its obligations." and q.speaker_span.text == "Varankov"


def test_colon_introduces_the_next_paragraph(pipeline):
    quotes = quotes_of(pipeline, "Caddell continued:\n\n“The health issue is a partisan issue.”")
    assert holding(quotes, "partisan issue").speaker_span.text == "Caddell"


def test_quote_continues_across_paragraphs(pipeline):
    text = "“First paragraph of the speech.\n\n“Second paragraph of it,” the minister said."
    [q] = quotes_of(pipeline, text)
    assert q.text.startswith("First paragraph") and q.text.endswith("Second paragraph of it")
    assert q.speaker_span.text == "the minister"


def test_quote_paragraph_after_reported_speech_takes_its_speaker(pipeline):
    text = "He noted that the ministry had sent an offer.\n\n“However, there was no response. This is not an isolated omission.”"
    quotes = quotes_of(pipeline, text)
    assert holding(quotes, "However, there was no response").speaker_span.text == "He"
    assert holding(quotes, "the ministry had sent an offer").cue == "noted"


def test_consecutive_quotes_share_the_speaker(pipeline):
    quotes = quotes_of(pipeline, "“We are ready,” he said. “There are no other options.”")
    assert [q.speaker_span.text for q in quotes] == ["he", "he"]


def test_bare_cue_in_the_next_sentence(pipeline):
    quotes = quotes_of(pipeline, "Trade talks begin today.\n\n“We will never give up our sovereignty to anyone.”\n\nThe president said so on Monday.")
    assert holding(quotes, "never give up").speaker_span.text == "The president"


def test_reported_speech_with_and_without_that(pipeline):
    q = quotes_of(pipeline, "Deputy Foreign Minister Igor Sekreta said Belarus had proposed holding consultations.")[0]
    assert not q.direct and q.text.startswith("Belarus had proposed") and q.speaker_span.text == "Deputy Foreign Minister Igor Sekreta"
    [q] = quotes_of(pipeline, "In turn, Foreign Minister Gabrielius Landsbergis stressed that Lithuania plans new sanctions.")
    assert q.text == "that Lithuania plans new sanctions" and q.cue == "stressed"


def test_reported_speech_before_the_cue(pipeline):
    [q] = quotes_of(pipeline, "This behavior is a clear example of double standards, the Ministry of Foreign Affairs noted.")
    assert q.text == "This behavior is a clear example of double standards"
    assert q.speaker_span.text == "the Ministry of Foreign Affairs"


def test_parenthetical_cue(pipeline):
    [q] = quotes_of(pipeline, "The latest test, North Korea said, was its biggest yet.")
    assert "biggest" in q.text and q.speaker_span.text == "North Korea"


def test_scare_quote_inside_reported_speech_stays_in_the_clause(pipeline):
    [q] = quotes_of(pipeline, "He said Lithuanian politicians should stop “making noise” and talk to Minsk.")
    assert not q.direct and "making noise" in q.text and q.speaker_span.text == "He"


def test_quoted_title_is_not_a_quotation(pipeline):
    quotes = quotes_of(pipeline, "Pence said on “Fox News Sunday” that the tweet was a joke.")
    assert all("Fox News Sunday" != q.text for q in quotes)
    assert holding(quotes, "the tweet was a joke").speaker_span.text == "Pence"


def test_lone_scare_quote_is_dropped(pipeline):
    assert quotes_of(pipeline, "Belarus extends its ban on imports from “unfriendly countries” until 2028.") == []


def test_accusation_and_claim(pipeline):
    [q] = quotes_of(pipeline, "Landsbergis accused Minsk of pushing migrants across the border.")
    assert q.claim and q.text.startswith("Minsk of pushing") and q.cue == "accused"
    [q] = quotes_of(pipeline, "Lithuania claims the balloons are used by smugglers.")
    assert q.claim and q.speaker_span.text == "Lithuania" and q.text == "the balloons are used by smugglers"
    q = next(q for q in quotes_of(pipeline, "Vilnius dismissed Minsk’s claim that the border is safe.") if q.cue == "claim")
    assert q.claim and q.speaker_span.text == "Minsk" and q.text == "that the border is safe"


def test_relayed_reports(pipeline):
    [q] = quotes_of(pipeline, "BelTA reports that the border will reopen on Monday.")
    assert q.speaker_span is None and q.relay == ["BelTA"]
    [q] = quotes_of(pipeline, "“We will not negotiate,” Budrys said, according to Reuters.")
    assert q.speaker_span.text == "Budrys" and q.relay == ["Reuters"]


def test_appositive_name_after_a_title(pipeline):
    [q] = quotes_of(pipeline, "According to the head of the department, Agne Bilotaite, the talks failed.")
    assert q.speaker_span.text == "Agne Bilotaite" and q.text == "the talks failed"


def test_speaker_line(pipeline):
    [q] = quotes_of(pipeline, "Lukashenka: Lithuania must start talks now.")
    assert q.speaker_span.text == "Lukashenka" and q.text == "Lithuania must start talks now."
    assert quotes_of(pipeline, "Update: The border stays closed tonight.") == []


def test_transcript_quoted_paragraph_by_paragraph(pipeline):
    # an interview printed as one run of quotation marks: each paragraph reopens the mark
    text = ("Partial transcript as follows:\n\n"
            "\"WALLACE: Will the minister be at the talks tomorrow? We have limited time.\n\n"
            "\"BUDRYS: No. Lithuania will not negotiate under pressure from Minsk.\n\n"
            "\"WALLACE: Then what happens to the trucks?\n\n"
            "\"BUDRYS: They must be allowed to return home first.\"")
    quotes = quotes_of(pipeline, text)
    got = [(q.speaker_span.text if q.speaker_span else None, q.text) for q in quotes]
    assert got == [
        ("WALLACE", "Will the minister be at the talks tomorrow? We have limited time."),
        ("BUDRYS", "No. Lithuania will not negotiate under pressure from Minsk."),
        ("WALLACE", "Then what happens to the trucks?"),
        ("BUDRYS", "They must be allowed to return home first."),
    ]


def test_byline_dash(pipeline):
    [q] = quotes_of(pipeline, "“Maybe we can build a wall around the debate.” ― Steve Quinlan")
    assert q.speaker_span.text == "Steve Quinlan"


def test_double_apostrophe_quotes(pipeline):
    [q] = quotes_of(pipeline, "''That makes me smart,'' Mr. Trump said.")
    assert q.text == "That makes me smart" and q.speaker_span.text == "Mr. Trump"


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize("text", ["", "   ", "\n\n", '"', "“", "”", "''", "““””", "“” “” “”", ", said", "said that", "According to", "according to ,", "Quote: “"])
def test_degenerate_input_gives_nothing(pipeline, text):
    assert quotes_of(pipeline, text) == []


def test_unbalanced_quote_ends_with_its_paragraph(pipeline):
    text = "“He said this and never closed it\n\nThe next paragraph is plain narrative about the border."
    quotes = quotes_of(pipeline, text)
    assert all("next paragraph" not in q.text for q in quotes)


def test_quote_mark_at_the_very_end(pipeline):
    assert quotes_of(pipeline, 'The minister said "') == []


def test_nested_quotes(pipeline):
    [q] = quotes_of(pipeline, "“He told me ‘no way’ yesterday,” she said.")
    assert q.text == "He told me ‘no way’ yesterday" and q.speaker_span.text == "she"
    [q] = quotes_of(pipeline, '"He said "no" to me," she said.')
    assert q.text == 'He said "no" to me'


def test_very_long_quote(pipeline):
    body = " ".join(["The border must reopen and the trucks must return home."] * 400)
    start = time.perf_counter()
    [q] = quotes_of(pipeline, f"“{body}” the minister said.")
    assert q.text == body and q.speaker_span.text == "the minister"
    assert time.perf_counter() - start < 30


def test_many_paragraphs_scale(pipeline):
    para = "“We are ready,” he said. The minister added that talks could start. According to Reuters, nothing changed."
    doc = pipeline("\n\n".join([para] * 150))
    start = time.perf_counter()
    quotes = find_quotes(doc, "t")
    assert time.perf_counter() - start < 2
    assert len(quotes) == 3 * 150


def test_rules_are_loaded_once():
    assert attribution.rules() is attribution.rules()
    assert "say" in attribution.rules().speech and "reuters" in attribution.rules().media_names


# ---------------------------------------------------------------- quotation scanning


def test_scan_pairs_marks_and_continues_paragraphs():
    text = "“One.\n\n“Two,” he said. Plain “scare” text."
    spans = scan_quotations(text)
    assert [text[a:b] for a, b in spans] == ["One.\n\n“Two", "scare"]


def test_scan_does_not_continue_with_another_kind_of_mark():
    text = '"Excerpt without an end.\n\n“Own quote,” she said.'
    assert [text[a:b] for a, b in scan_quotations(text)] == ["Excerpt without an end.", "Own quote"]


def test_scan_straight_marks_take_direction_from_context():
    text = 'He said "yes" and "no," then left.'
    assert [text[a:b] for a, b in scan_quotations(text)] == ["yes", "no"]


_MARKS = st.sampled_from(['"', "“", "”", "‘", "’", "''", "\n", "\n\n", " ", ", ", "said", "he", "Varankov", "."])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKS, max_size=40).map("".join))
def test_scan_spans_are_ordered_and_inside_the_text(text):
    spans = scan_quotations(text)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_MARKS, max_size=30).map("".join))
def test_find_quotes_survives_random_text(pipeline, text):
    for q in quotes_of(pipeline, text):
        assert text[q.start:q.end] == q.text


# ---------------------------------------------------------------- quotations on real pages (issue 18)


def test_scan_closing_mark_one_paragraph_late():
    """A quotation whose closing mark slipped into the next paragraph runs to that mark."""
    text = "“The first drone hit a depot near the river.\n\nA second one was shot down,” the spokesman said."
    assert [text[a:b] for a, b in scan_quotations(text)] == [
        "The first drone hit a depot near the river.\n\nA second one was shot down"]


def test_scan_phrase_quoted_mid_sentence_does_not_run_on():
    """A phrase quoted inside a sentence whose closing mark is missing ends with its paragraph;
    the next paragraph's quotation stands on its own."""
    text = ("The minister called the charges “baseless and made without any evidence.\n\n"
            "“We are ready for a neutral inquiry,” he said.")
    spans = [text[a:b] for a, b in scan_quotations(text)]
    assert spans[-1] == "We are ready for a neutral inquiry"


def test_fragment_after_that_is_left_to_the_reported_clause(pipeline):
    quotes = quotes_of(pipeline, "The navy reported that “hostile” boats were seen by “several” patrols "
                                 "“close to the northern islands” during the night.")
    q = holding(quotes, "close to the northern islands")
    assert not q.direct and q.speaker_span.text == "The navy"


def test_interrupted_quotation_pieces_have_the_speaker(pipeline):
    quotes = quotes_of(pipeline, "“My view,” she said, “is that the talks will resume within the month.”")
    assert holding(quotes, "the talks will resume").speaker_span.text == "she"


def test_long_quotation_inside_a_sentence_takes_its_statement(pipeline):
    quotes = quotes_of(pipeline, "A statement from the council expressed regret and termed the new tariffs "
                                 "“hasty, unfair, damaging to both economies and contrary to the trade treaty.”")
    q = holding(quotes, "hasty, unfair")
    assert q.speaker_span.text.startswith("A statement") and q.speaker_from == "statement"


def test_headline_names_a_speaker_only_when_it_is_a_name(pipeline):
    assert not [q for q in quotes_of(pipeline, "Smoke Over Water: River Towns Were Warned Too Late\n\nThe floods came.")
                if q.speaker_span is not None and q.speaker_span.text == "Smoke Over Water"]
    quotes = quotes_of(pipeline, "Angela Merkel: Europe Must Agree On Asylum Rules\n\nThe summit opened.")
    assert holding(quotes, "Europe Must Agree").speaker_span.text == "Angela Merkel"


@pytest.mark.parametrize("sentence,speaker,relay", [
    ("The minister said in an interview with Reuters that the border would reopen.", "The minister", ["Reuters"]),
    ("An official told AFP that the talks had stalled.", "An official", ["AFP"]),
    ("The minister told reporters that the border would reopen.", "The minister", []),
])
def test_medium_spoken_to_is_the_relay_not_the_speaker(pipeline, sentence, speaker, relay):
    q = quotes_of(pipeline, sentence)[0]
    assert q.speaker_span.text == speaker and q.relay == relay


def test_as_per_relays_only_a_medium(pipeline):
    quotes = quotes_of(pipeline, "Two bridges were closed on Sunday, as per Xinhua.")
    assert holding(quotes, "bridges were closed").relay == ["Xinhua"]
    assert not [q for q in quotes_of(pipeline, "The troops withdrew on Sunday, as per the agreement.") if q.cue == "as per"]


@pytest.mark.parametrize("sentence,kind", [
    ("He said the border would reopen.", "pronoun"),
    ("A statement issued by the cabinet said the border would reopen.", "statement"),
    ("Prime Minister Anna Lindqvist said the border would reopen.", "named"),
    ("The minister said the border would reopen.", "title"),
])
def test_speaker_from_is_how_the_words_name_the_speaker(pipeline, sentence, kind):
    assert quotes_of(pipeline, sentence)[0].speaker_from == kind


def test_statement_reported_inside_another_belongs_to_the_outer_speaker(pipeline):
    """ "The ministry said the footage shows that ...": what the footage shows is part of
    what the ministry said, not a second statement with the footage as speaker."""
    quotes = quotes_of(pipeline, "The ministry said on Monday that the footage shows the convoy crossed the line at night.")
    assert [q.speaker_span.text for q in quotes if q.speaker_span is not None] == ["The ministry"]
    assert "the convoy crossed the line" in quotes[0].text


def test_a_name_inside_the_quotation_is_not_taken_for_its_speaker(pipeline):
    """The parser can take a capitalised phrase inside the quotation for the subject of the
    verb after it; the speaker is the name just before the verb."""
    qs = quotes_of(pipeline, "The deal was signed. \"Congratulations to both Countries on showing Great Wisdom,\" Lula wrote.")
    assert [q.speaker_span.text for q in qs] == ["Lula"]
