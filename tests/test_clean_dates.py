"""Publication dates of invented pages (issue 12): a year-less dateline given its year by
the weekday its lead names, and the cascade's other gaps. Outlets, places and acts are made
up; the run date is pinned for each test, so the results do not age."""
from __future__ import annotations

import datetime as dt

import pytest

from eventwatch import clean
from eventwatch.model import RawDocument


def _page(text: str, **meta):
    return clean.clean(RawDocument(id="page.txt", source="page.txt", raw=text.encode("utf-8"), kind="text", **meta))


@pytest.fixture
def today(monkeypatch):
    def pin(day: str):
        monkeypatch.setenv("EVENTWATCH_TODAY", day)
    return pin


# --- a year-less dateline and the weekday its lead gives (2025-03-07 is a Friday) --------

def test_weekday_of_the_lead_gives_a_yearless_dateline_its_year(today):
    today("2025-11-20")
    doc = _page("Uganda shuts lake crossing\n\n"
                "KAMPALA, Mar 7 (Lakewire): Uganda on Friday closed the ferry crossing to Kisumu, the transport "
                "ministry said.\n\nTraders were stranded at the pier.\n")
    assert (doc.published, doc.published_from) == ("2025-03-07", "dateline")
    assert any("weekday" in n for n in doc.notes)


def test_a_weekday_no_year_of_the_window_fits_leaves_the_year_unknown(today):
    today("2025-11-20")  # Mar 7 was a Thursday in 2024 and a Friday in 2025: no Sunday fits
    doc = _page("KAMPALA, Mar 7 (Lakewire) - Uganda on Sunday closed the ferry crossing, officials said.\n\n"
                "Traders were stranded.\n")
    assert doc.published == "XXXX-03-07"


def test_the_window_ends_at_the_run_date(today):
    today("2025-03-01")  # a Friday 7 March after the run date is no candidate; 2024's was a Thursday
    doc = _page("KAMPALA, Mar 7 (Lakewire) - Uganda on Friday closed the ferry crossing, officials said.\n\n"
                "Traders were stranded.\n")
    assert doc.published == "XXXX-03-07"


def test_an_old_page_outside_the_window_stays_yearless(today):
    today("2029-06-30")  # 7 March 2025 is years back: 2028's was a Tuesday, 2029's a Wednesday
    doc = _page("KAMPALA, Mar 7 (Lakewire) - Uganda on Friday closed the ferry crossing, officials said.\n\n"
                "Traders were stranded.\n")
    assert doc.published == "XXXX-03-07"


@pytest.mark.parametrize("lead", [
    "Uganda said it would close the ferry crossing next Friday, officials said.",  # another day
    "Uganda on Friday closed the crossing after Kenyan boats entered its waters on Thursday.",  # two days
    "Uganda blamed Friday's storm for the closure of the ferry crossing, officials said.",  # a thing's day
])
def test_a_weekday_that_is_not_plainly_the_datelines_day_gives_no_year(today, lead):
    today("2025-11-20")
    doc = _page(f"KAMPALA, Mar 7 (Lakewire) - {lead}\n\nTraders were stranded.\n")
    assert doc.published == "XXXX-03-07"


def test_the_weekday_is_read_from_the_lead_sentence_only(today):
    today("2025-11-20")
    doc = _page("ACCRA, Oct 2 (Gulfwire) - Ghana recalled its envoy to Lome, the ministry said. The envoy "
                "will return on Thursday.\n\nNo reason was given.\n")
    assert doc.published == "XXXX-10-02"


def test_year_from_weekday_directly():
    day = dt.date(2025, 11, 20)
    assert clean.year_from_weekday("XXXX-07-21", "Peru on Monday expelled two diplomats.", day) == "2025-07-21"
    assert clean.year_from_weekday("XXXX-07-21", "Peru on Sunday expelled two diplomats.", day) == "2024-07-21"
    assert clean.year_from_weekday("XXXX-07-21", "Peru on Tuesday expelled two diplomats.", day) is None
    assert clean.year_from_weekday("XXXX-02-29", "Peru on Thursday expelled two diplomats.", day) == "2024-02-29"
    assert clean.year_from_weekday("XXXX-02-29", "Peru on Friday expelled two diplomats.", day) is None  # no 2025-02-29
    assert clean.year_from_weekday("2025-07-21", "Peru on Monday expelled two diplomats.", day) is None  # a year already


# --- the cascade's other forms -------------------------------------------------------------

BODY = ("Ghana closed its border with Togo on Friday, the interior ministry said in a statement issued in Accra.\n\n"
        "Traders were stranded at the Aflao crossing for hours.\n")


def test_scraper_prefix_with_junk_glued_to_the_date():
    doc = _page(" date 2025-05-07Skip to content\n\n" + BODY)
    assert (doc.published, doc.published_from) == ("2025-05-07", "prefix")
    assert "date 2025" not in doc.text and doc.text.startswith("Ghana closed")


@pytest.mark.parametrize(("head", "published", "outlet"), [
    ("ACCRA (Gulfwire), May 9, 2025 — ", "2025-05-09", "Gulfwire"),
    ("NAIROBI (Eastwire), Sept 18, 2024: ", "2024-09-18", "Eastwire"),
])
def test_wire_dateline_with_the_agency_before_the_date(head, published, outlet):
    doc = _page(head + BODY)
    assert (doc.published, doc.published_from, doc.outlet) == (published, "dateline", outlet)
    assert doc.text.startswith("Ghana closed")


def test_dotted_day_month_year_stamp_is_a_byline_date():
    doc = _page("Border row deepens as Ghana shuts crossing\n\n09.05.2025 | 14:10\n\n" + BODY)
    assert (doc.published, doc.published_from) == ("2025-05-09", "byline")


def test_a_version_number_is_no_date():
    doc = _page("Border row deepens as Ghana shuts crossing\n\nApp version 1.2.2025 released\n\n" + BODY)
    assert doc.published is None


@pytest.mark.parametrize("stamp", ["Published on 10 May 2025", "Last Updated: May 10, 2025, 09:12 IST",
                                   "PUBLISHED: 10 May 2025", "Updated - May 10, 2025 11:20 pm IST",
                                   "By Staff Reporter | Published May 10, 2025", "Saturday, May 10, 2025"])
def test_update_and_publication_stamps(stamp):
    doc = _page(f"Border row deepens as Ghana shuts crossing\n\n{stamp}\n\n" + BODY)
    assert (doc.published, doc.published_from) == ("2025-05-10", "byline")


def test_a_dated_url_is_the_last_resort_after_a_yearless_dateline_without_weekday(today):
    today("2025-11-20")
    doc = _page("ACCRA, May 9 (Gulfwire) - Ghana closed its border with Togo, officials said.\n\nTraders waited.\n",
                url="https://gulfwire.example/2025/05/10/ghana-closes-border")
    assert (doc.published, doc.published_from) == ("2025-05-09", "dateline")  # the URL gives the year only
