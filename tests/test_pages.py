"""Pages of invented outlets in the forms scrapers hand over: datelines, bylines, prefixes
followed by junk, captions, share bars. Each asserts title, outlet, publication date (and
where it came from) and that the furniture is gone."""
from __future__ import annotations

import pytest

from eventwatch import clean, furniture
from eventwatch.model import RawDocument


def _page(text: str, **meta):
    return clean.clean(RawDocument(id="page.txt", source="page.txt", raw=text.encode("utf-8"), kind="text", **meta))


def _gone(doc, *lines):
    for line in lines:
        assert line not in doc.text, line


def test_wire_dateline_without_year_keeps_its_date_and_agency():
    doc = _page("Northwire\n\nCanada recalls envoy after embassy protest\n\n"
                "OTTAWA, Sept 18 (Northwire) - Canada recalled its ambassador to Veloria on Thursday after protesters "
                "stormed the embassy compound, the foreign ministry said.\n\n"
                "The ministry said no staff were hurt and demanded that Veloria protect its diplomats.\n\n"
                "Share this article\n\nFacebook Twitter Email\n")
    assert doc.title == "Canada recalls envoy after embassy protest"
    assert doc.outlet == "Northwire"
    assert (doc.published, doc.published_from) == ("XXXX-09-18", "dateline")
    assert doc.text.split("\n\n")[1].startswith("Canada recalled its ambassador")
    _gone(doc, "OTTAWA, Sept 18", "Share this article", "Facebook Twitter Email")


def test_dateline_with_year_and_agency_in_brackets():
    doc = _page("Delhi and Kestra agree to reopen rail link\n\n"
                "New Delhi, September 19, 2023 (Southdesk) - India and Kestra agreed on Tuesday to reopen the rail "
                "link closed since the floods, officials said.\n\n"
                "The first train will run next week, the railway ministry said.\n\n"
                "Trains wait at the border station on Tuesday. (Photo: Southdesk/Ravi Nair)\n")
    assert doc.title == "Delhi and Kestra agree to reopen rail link"
    assert doc.outlet == "Southdesk"
    assert (doc.published, doc.published_from) == ("2023-09-19", "dateline")
    _gone(doc, "(Photo: Southdesk", "Trains wait at the border station")


def test_dateline_year_comes_from_the_url_when_the_dateline_has_none():
    doc = _page("ARLON, Mar 3 (Eastwire) - Belgium closed two border crossings on Monday, the interior ministry said.\n\n"
                "Trucks were turned back at both crossings.\n",
                url="https://eastwire.example/world/2024/03/04/belgium-closes-crossings")  # posted a day later
    assert (doc.published, doc.published_from) == ("2024-03-03", "dateline")


def test_scraper_prefix_with_junk_after_it():
    doc = _page(" date 2025-05-28 Left Menu\nSkip to content\nSearch\n\n"
                "Ministers meet to defuse river dispute\n\n"
                "Listen to this article\n\n3 min read\n\n"
                "The water ministers of Upland and Lowmark met on Wednesday in Geneva to discuss the flow of the "
                "Kiro river, their ministries said.\n\n"
                "They agreed to meet again in June.\n")
    assert doc.title == "Ministers meet to defuse river dispute"
    assert (doc.published, doc.published_from) == ("2025-05-28", "prefix")
    _gone(doc, "Left Menu", "date 2025", "Skip to content", "Listen to this article", "3 min read")


def test_dated_byline_dates_the_page():
    doc = _page("E-Paper | December 08, 2025\n\nTrending:\n\nPresident pardons jailed journalists\n\n"
                "By Amira SolenMay 07, 2025\n\n"
                "President Amara Solen on Saturday pardoned four journalists jailed last year for their reporting, "
                "her office said.\n\n"
                "Press freedom groups welcomed the move but called for the release of two more reporters.\n\n"
                "ALSO READ: Solen names new cabinet after reshuffle\n\n"
                "Advertisement\n")
    assert doc.title == "President pardons jailed journalists"
    assert (doc.published, doc.published_from) == ("2025-05-07", "byline")  # not the e-paper's date
    _gone(doc, "E-Paper", "Trending", "ALSO READ", "Advertisement")


def test_updated_stamp_is_a_byline_date():
    doc = _page("Coast guard seizes tanker in the strait\n\nUpdated: 13 May 2025, 21:36 IST\n\n"
                "The coast guard of Norland seized a tanker on Tuesday, accusing its crew of smuggling fuel, "
                "officials said.\n")
    assert (doc.published, doc.published_from) == ("2025-05-13", "byline")


def test_captions_credits_and_widgets_never_reach_the_text():
    doc = _page("logo\n\n+ ↺ − 16 px\n\nTroops pull back from disputed ridge\n\n"
                "Soldiers leave a post on the ridge on Friday, June 6, 2025. ( AP )\n\n"
                "Soldiers patrol near the ridge. — Reuters/File\n\n"
                "Both armies withdrew their troops from the disputed ridge on Friday under a deal reached last week, "
                "military officials said.\n\n"
                "The deal creates a buffer zone of two kilometres on each side.\n\n"
                "Related\n\nArmy chief visits border posts\n\nTalks on border trade resume\n",
                url="https://www.ridgetimes.example/news/troops-pull-back")
    assert doc.title == "Troops pull back from disputed ridge"
    assert doc.outlet == "ridgetimes.example"  # not "logo"
    _gone(doc, "16 px", "logo", "( AP )", "Soldiers leave a post", "Reuters/File", "Army chief visits", "Talks on border trade")
    assert "Both armies withdrew their troops" in doc.text


def test_url_date_is_the_last_resort():
    doc = _page("Ceasefire holds for a second day\n\nThe ceasefire between the two militias held on Sunday, residents said.\n",
                url="https://example.org/world/20250510-ceasefire-holds")
    assert (doc.published, doc.published_from) == ("2025-05-10", "url")
    meta = _page("Ceasefire holds for a second day\n\nThe ceasefire held on Sunday, residents said.\n",
                 url="https://example.org/2025/05/10/ceasefire", published="2025-05-11")
    assert (meta.published, meta.published_from) == ("2025-05-11", "metadata")


@pytest.mark.parametrize("url, want", [
    ("https://a.example/2025/Jun/18/story", ("2025-06-18", "day")),
    ("https://a.example/news/india/story-2025-05-04-988579", ("2025-05-04", "day")),
    ("https://a.example/2025/05/story", ("2025-05", "month")),
    ("https://a.example/story/2541974/nsc-meets", (None, "none")),
    ("https://a.example/2025/13/40/bad", (None, "none")),
])
def test_dates_in_urls(url, want):
    assert clean.date_in_url(url) == want


def test_a_line_the_sites_other_pages_repeat_is_furniture():
    other = "Kestra Daily\nOur journalism needs your support today\nA different story about the harvest was here.\n"
    page = ("Kestra Daily\nOur journalism needs your support today\n\nFarmers block highway over grain prices\n\n"
            "Farmers blocked the main highway on Monday to protest against low grain prices, police said.\n")
    keys = clean.shared_lines(page.encode(), [other.encode()])
    assert furniture.key("Our journalism needs your support today") in keys
    doc = clean.clean(RawDocument(id="p", source="p", raw=page.encode(), kind="text", site_lines=keys))
    assert doc.title == "Farmers block highway over grain prices"
    _gone(doc, "Our journalism needs your support")
    assert "Farmers blocked the main highway" in doc.text


def test_the_classifier_keeps_article_sentences_and_headlines():
    lines = ["Opposition leader detained at airport",
             "The leader of the opposition was detained at the airport on Thursday as he returned from abroad, his lawyer said.",
             "\"We will not be silenced,\" his deputy told reporters outside the police station.",
             "Police said he was wanted for questioning over a protest last year."]
    assert furniture.is_furniture(lines) == [False, False, False, False]


def test_html_page_keeps_trafilatura_first_then_the_same_line_check():
    body = ("The two governments agreed on Monday to reopen the Tamar crossing for aid convoys, "
                     "their foreign ministries said in a joint statement.")
    html = f"""<html><head><title>Ministers agree to reopen crossing | Lakeside Times</title>
<meta property="og:site_name" content="Lakeside Times">
<meta property="article:published_time" content="2023-08-14T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ministers agree to reopen crossing</h1>
<p>Listen to this article</p>
<p>{body}</p>
<p>Under the agreement, up to 60 trucks a day will pass after inspection by a joint team of customs officers from both sides.</p>
<p>Trucks carrying aid wait at the crossing on Monday. (Photo: Lakeside Times/Ana Reef)</p>
<p>Ostia's minister called the deal a first step and said talks on trade would follow next month in the capital.</p>
<p>Share on Facebook</p></article>
<footer>© 2023 Lakeside Times</footer></body></html>"""
    doc = clean.clean(RawDocument(id="p.html", source="p.html", raw=html.encode(), kind="html"))
    assert "Ministers agree to reopen crossing" in doc.title
    assert doc.outlet == "Lakeside Times"
    assert (doc.published, doc.published_from) == ("2023-08-14", "metadata")
    _gone(doc, "Listen to this article", "(Photo:", "Trucks carrying aid wait", "Share on Facebook", "© 2023")
    assert "up to 60 trucks a day" in doc.text


def test_a_page_cut_off_mid_sentence_keeps_its_last_sentence():
    doc = _page("Two provinces sign water deal\n\n"
                "The governors of Saran and Delta provinces signed an agreement on Sunday to share the river's water.\n\n"
                "Meanwhile, Saran's closure of the canal gates and the expulsion of Delta's inspectors mark the harshest "
                "steps either province has taken since the drought of")
    assert "the expulsion of Delta's inspectors mark the harshest steps" in doc.text


def test_a_related_headline_at_the_end_still_goes():
    doc = _page("Two provinces sign water deal\n\n"
                "The governors of Saran and Delta provinces signed an agreement on Sunday to share the river's water.\n\n"
                "Farmers block highway over water shortage\n")
    _gone(doc, "Farmers block highway")
