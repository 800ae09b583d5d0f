"""Unit tests for eventwatch.timex: extents, types and values, each against a stated DCT."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventwatch.timex import precision, tag


def found(text: str, dct: str | None) -> dict[str, tuple[str, str | None, str | None]]:
    """Map each tagged extent to (type, value, mod)."""
    return {t.text: (t.type, t.value, t.mod) for t in tag(text, dct)}


def value(text: str, dct: str | None, phrase: str) -> str | None:
    got = found(text, dct)
    assert phrase in got, f"{phrase!r} not tagged in {text!r}: {got}"
    return got[phrase][1]


# --------------------------------------------------------------------------- absolute dates


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("The deal was signed on November 12, 2025 in Vilnius.", "November 12, 2025", "2025-11-12"),
        ("The deal was signed on 12 November 2025 in Vilnius.", "12 November 2025", "2025-11-12"),
        ("Published 2025-11-27.", "2025-11-27", "2025-11-27"),
        ("Talks began on Nov. 12 in Minsk.", "Nov. 12", "2025-11-12"),
        ("The border closed on 20 November.", "20 November", "2025-11-20"),
        ("The summit opened on Sept. 3.", "Sept. 3", "2025-09-03"),
        ("He was born on the 8th of March, 1990.", "the 8th of March, 1990", "1990-03-08"),
        ("Voting ended in September 2025.", "September 2025", "2025-09"),
    ],
)
def test_absolute_dates(text: str, phrase: str, expected: str) -> None:
    assert value(text, "2025-11-27", phrase) == expected


def test_date_without_year_takes_the_plausible_year() -> None:
    # a day far ahead of the DCT in a past-tense report is last year's
    assert value("He was shot on Oct. 23 at home.", "1999-05-05", "Oct. 23") == "1998-10-23"
    # a day shortly ahead of the DCT stays in its year
    assert value("The offer was extended to Nov. 16.", "1989-10-30", "Nov. 16") == "1989-11-16"
    # a future sentence picks the next occurrence
    assert value("The new law will take effect on Jan. 15.", "2025-11-27", "Jan. 15") == "2026-01-15"


def test_years_and_ranges() -> None:
    got = found("Turnout rose in 2021. The plan covers 2026–2030.", "2025-11-27")
    assert got["2021"] == ("DATE", "2021", None)
    assert got["2026"][1] == "2026" and got["2030"][1] == "2030"


def test_year_not_a_quantity() -> None:
    assert not tag("Police said 2000 troops and $1990 were involved.", "2025-11-27")


def test_decade() -> None:
    assert value("Tensions rose in the 1990s.", "2025-11-27", "the 1990s") == "199"


# --------------------------------------------------------------------------- months


def test_bare_month_same_year_when_not_after_dct() -> None:
    assert value("In September talks began.", "2025-11-27", "September") == "2025-09"


def test_bare_month_after_dct_in_past_sentence_is_last_year() -> None:
    assert value("The talks collapsed in December.", "2025-11-27", "December") == "2024-12"


def test_bare_month_after_dct_in_future_sentence_is_next() -> None:
    assert value("Elections will be held in December.", "2025-11-27", "December") == "2025-12"
    assert value("Elections will be held in March.", "2025-11-27", "March") == "2026-03"


def test_last_month_name() -> None:
    assert value("Last September he quit.", "2025-11-27", "Last September") == "2025-09"
    assert value("He quit last September.", "2025-09-10", "last September") == "2024-09"


def test_may_is_not_always_a_month() -> None:
    got = found("Theresa May said she may resign. In May she left.", "2025-11-27")
    assert list(got) == ["May"]
    assert got["May"][1] == "2025-05"


# --------------------------------------------------------------------------- lists and ranges


def test_list_of_days_year_unknown() -> None:
    got = tag("Envoys arrived on November 8 and 10.", "XXXX-11-12")
    assert [(t.text, t.value) for t in got] == [("November 8", "XXXX-11-08"), ("10", "XXXX-11-10")]


def test_list_of_days_with_dct() -> None:
    got = tag("Envoys arrived on November 8 and 10.", "2025-11-12")
    assert [t.value for t in got] == ["2025-11-08", "2025-11-10"]


def test_day_range() -> None:
    got = tag("The fair ran on November 8-10 in Kaunas.", "2025-11-27")
    assert [(t.text, t.value) for t in got] == [("November 8", "2025-11-08"), ("10", "2025-11-10")]


def test_list_with_trailing_year() -> None:
    got = tag("Talks were held on March 3 and 5, 2024.", "2025-11-27")
    assert [t.value for t in got] == ["2024-03-03", "2024-03-05"]


def test_comma_number_is_not_a_list() -> None:
    got = tag("On Nov. 8, 10 people were hurt.", "2025-11-27")
    assert [t.text for t in got] == ["Nov. 8"]


# --------------------------------------------------------------------------- weekdays


def test_weekday_most_recent_on_or_before() -> None:
    # 2025-11-27 is a Thursday
    assert value("On Tuesday he resigned.", "2025-11-27", "Tuesday") == "2025-11-25"


def test_weekday_same_day() -> None:
    assert value("On Tuesday he resigned.", "2025-11-25", "Tuesday") == "2025-11-25"


def test_weekday_future_sentence() -> None:
    assert value("He will meet them on Friday.", "2025-11-27", "Friday") == "2025-11-28"


@pytest.mark.parametrize(
    "text",
    [
        "The team planned to leave Nairobi on Friday.",
        "The group might come to the U.S. as soon as Friday.",
        "The talks were put off until Friday.",
    ],
)
def test_weekday_forward_after_plans_and_deadlines(text: str) -> None:
    assert value(text, "2025-11-27", "Friday") == "2025-11-28"


def test_next_to_and_due_to_are_not_future() -> None:
    # "next to" and "due to" name places and causes, not a coming time
    assert value("Two died in the blast next to the embassy on Friday.", "2025-11-27", "Friday") == "2025-11-21"
    assert value("Flights stopped due to fog on Friday.", "2025-11-27", "Friday") == "2025-11-21"


def test_past_verb_right_after_weekday_outweighs_earlier_cue() -> None:
    text = "Just ahead of the minister's trip, the ministry on Sunday issued a warning."
    assert value(text, "2025-11-27", "Sunday") == "2025-11-23"


def test_last_and_next_weekday() -> None:
    got = found("He left last Friday and returns next Monday.", "2025-11-27")
    assert got["last Friday"][1] == "2025-11-21"
    assert got["next Monday"][1] == "2025-12-01"


def test_weekday_with_part_of_day_is_time() -> None:
    assert found("Protests began Friday night.", "2025-11-29")["Friday night"] == ("TIME", "2025-11-28TNI", None)


# --------------------------------------------------------------------------- relative expressions


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("today", "2025-11-27"),
        ("yesterday", "2025-11-26"),
        ("tomorrow", "2025-11-28"),
        ("last week", "2025-W47"),
        ("this week", "2025-W48"),
        ("next week", "2025-W49"),
        ("last month", "2025-10"),
        ("next month", "2025-12"),
        ("last year", "2024"),
        ("this year", "2025"),
        ("next year", "2026"),
        ("three years ago", "2022"),
        ("two weeks ago", "2025-W46"),
        ("five days ago", "2025-11-22"),
        ("two months ago", "2025-09"),
        ("last quarter", "2025-Q3"),
    ],
)
def test_relative(phrase: str, expected: str) -> None:
    assert value(f"It happened {phrase}, officials said.", "2025-11-27", phrase) == expected


def test_earlier_today() -> None:
    assert found("Earlier today the minister spoke.", "2025-11-27")["Earlier today"] == ("DATE", "2025-11-27", None)


def test_this_morning_is_time() -> None:
    assert found("He arrived this morning.", "2025-11-27")["this morning"] == ("TIME", "2025-11-27TMO", None)


def test_anaphoric_following_day() -> None:
    got = found("The vote was on March 3, 2024. The following day protests began.", "2025-11-27")
    assert got["The following day"][1] == "2024-03-04"


def test_a_year_earlier_follows_the_quarter_under_discussion() -> None:
    text = "Profit rose in the third quarter to $5 million from $4 million a year earlier."
    got = found(text, "1989-10-27")
    assert got["the third quarter"][1] == "1989-Q3"
    assert got["a year earlier"][1] == "1988-Q3"


# --------------------------------------------------------------------------- parts of periods, seasons


def test_end_of_month() -> None:
    assert found("The deal expires at the end of November.", "2025-11-27")["the end of November"] == ("DATE", "2025-11", "END")


def test_mid_month() -> None:
    assert found("Talks resume in mid-November.", "2025-11-27")["mid-November"] == ("DATE", "2025-11", "MID")


def test_early_year() -> None:
    assert found("It started in early 2025.", "2025-11-27")["early 2025"] == ("DATE", "2025", "START")


def test_season() -> None:
    assert value("Protests spread this summer.", "2025-11-27", "this summer") == "2025-SU"
    assert value("Protests spread last winter.", "2025-11-27", "last winter") == "2024-WI"


def test_quarters() -> None:
    got = found("Third-quarter profit fell; the first half of 2024 was worse.", "2025-11-27")
    assert got["Third-quarter"][1] == "2025-Q3"
    assert got["the first half of 2024"][1] == "2024-H1"


def test_fiscal_quarter_is_the_one_just_reported() -> None:
    # fiscal numbering does not follow the calendar: in October, the fiscal first quarter
    # just reported is this year's, not next year's calendar Q1
    assert value("Profit rose in the fiscal first quarter.", "1989-10-26", "the fiscal first quarter") == "1989-Q1"


def test_month_after_expected_is_ahead() -> None:
    assert value("Closing is expected in December.", "1989-11-02", "December") == "1989-12"


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Prices are now higher.", "now", "PRESENT_REF"),
        ("He currently leads the party.", "currently", "PRESENT_REF"),
        ("She recently resigned.", "recently", "PAST_REF"),
        ("It may change in the future.", "the future", "FUTURE_REF"),
    ],
)
def test_refs(text: str, phrase: str, expected: str) -> None:
    assert found(text, "2025-11-27")[phrase] == ("DATE", expected, None)


# --------------------------------------------------------------------------- durations and sets


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("He ruled for three years.", "three years", "P3Y"),
        ("It took 10 years.", "10 years", "P10Y"),
        ("Talks lasted 24 hours.", "24 hours", "PT24H"),
        ("Prices fell over the past two weeks.", "the past two weeks", "P2W"),
        ("They waited a few days.", "a few days", "PXD"),
        ("The talks took 2 1/2 years.", "2 1/2 years", "P2Y6M"),
        ("a two-year term", "two-year", "P2Y"),
        ("Two decades of rule ended.", "Two decades", "P20Y"),
        ("It was annexed for decades.", "decades", "PXE"),
    ],
)
def test_durations(text: str, phrase: str, expected: str) -> None:
    assert found(text, "2025-11-27")[phrase] == ("DURATION", expected, None)


def test_duration_hedge_in_extent() -> None:
    assert found("The siege lasted nearly two years.", "2025-11-27")["nearly two years"] == ("DURATION", "P2Y", "EQUAL_OR_LESS")


def test_ages_are_not_durations() -> None:
    assert not tag("A 44-year-old man and his wife, 52 years old, were hurt.", "2025-11-27")


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("They meet every week.", "every week", "P1W"),
        ("The report is published annually.", "annually", "P1Y"),
        ("Protesters gather daily.", "daily", "P1D"),
        ("The council meets each Tuesday.", "each Tuesday", "XXXX-WXX-2"),
        ("Elections are held every four years.", "every four years", "P4Y"),
    ],
)
def test_sets(text: str, phrase: str, expected: str) -> None:
    assert found(text, "2025-11-27")[phrase] == ("SET", expected, None)


def test_frequency_adjective_is_not_a_set() -> None:
    assert not tag("The company cut its quarterly dividend.", "2025-11-27")


# --------------------------------------------------------------------------- unknown or missing DCT


def test_partial_dct_sample_corpus() -> None:
    got = found("Earlier today the minister met envoys who arrived on November 8 and 10.", "XXXX-11-12")
    assert got["Earlier today"][1] == "XXXX-11-12"
    assert got["November 8"][1] == "XXXX-11-08"
    assert got["10"][1] == "XXXX-11-10"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("yesterday", "XXXX-11-11"),
        ("last month", "XXXX-10"),
        ("in September", "XXXX-09"),
        ("on Tuesday", None),  # the weekday depends on the year
        ("last week", None),  # ISO weeks depend on the year
        ("last year", None),
        ("three years ago", None),
    ],
)
def test_partial_dct(phrase: str, expected: str | None) -> None:
    text = f"It happened {phrase}."
    t = tag(text, "XXXX-11-12")[0]
    assert t.value == expected and phrase.endswith(t.text)


def test_partial_dct_leap_day_ambiguity() -> None:
    # the day before 1 March is 28 or 29 February depending on the year
    assert tag("It happened yesterday.", "XXXX-03-01")[0].value is None


def test_sample_corpus_without_dct() -> None:
    text = (
        "On Tuesday, the ministry said that last week's talks failed. Last month it warned of "
        "closures by the end of November. In September the border closed on 20 November, "
        "and in 2025 trade fell."
    )
    got = found(text, None)
    assert got["Tuesday"][1] is None
    assert got["last week"][1] is None
    assert got["Last month"][1] is None
    assert got["the end of November"] == ("DATE", "XXXX-11", "END")
    assert got["September"][1] == "XXXX-09"  # the month is stated, the year is not
    assert got["20 November"][1] == "XXXX-11-20"
    assert got["2025"][1] == "2025"


def test_sample_corpus_full_dct() -> None:
    got = found("On 20 November the talks resumed; earlier today the envoy left.", "2025-11-27")
    assert got["20 November"][1] == "2025-11-20"
    assert got["earlier today"][1] == "2025-11-27"


def test_no_dct_never_uses_today() -> None:
    for t in tag("Today, yesterday, this year and next week.", None):
        assert t.value is None


# --------------------------------------------------------------------------- precision


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        ("2025-11-12", "day"),
        ("XXXX-11-20", "day"),
        ("2025-11-12T10:30", "day"),
        ("2025-10", "month"),
        ("XXXX-10", "month"),
        ("2025-W46", "month"),
        ("2025", "year"),
        ("2025-Q3", "year"),
        ("2025-SU", "year"),
        (None, "none"),
        ("P3Y", "none"),
        ("PRESENT_REF", "none"),
        ("199", "none"),
    ],
)
def test_precision(v: str | None, expected: str) -> None:
    assert precision(v) == expected


# --------------------------------------------------------------------------- invariants


_WORDS = st.sampled_from(
    "on in last next this the of and to 8 10 2025 1990s November Nov. May may Tuesday week weeks month "
    "year years ago earlier today yesterday , . - three a few for every daily now end mid- early "
    "quarter third-quarter summer 10:30 a.m. noon".split()
)
_DCTS = st.sampled_from([None, "2025-11-27", "XXXX-11-12", "XXXX-02-29", "2024-02-29", "1989-10-27"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=25), _DCTS)
def test_offsets_are_consistent(words: list[str], dct: str | None) -> None:
    text = " ".join(words)
    timexes = tag(text, dct)
    last_end = -1
    for t in timexes:
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end, "timexes overlap or are out of order"
        assert t.type in ("DATE", "TIME", "DURATION", "SET")
        if dct is None and t.value and t.type in ("DATE", "TIME"):
            assert not t.value[:4].isdigit() or t.value[:4] in text or t.value.startswith("19")
        last_end = t.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), _DCTS)
def test_never_raises_on_arbitrary_text(text: str, dct: str | None) -> None:
    for t in tag(text, dct):
        assert text[t.start : t.end] == t.text


def test_a_position_word_before_a_bare_determiner_does_not_crash() -> None:
    # "later following week" once left "following" as a determiner with no step (KeyError).
    assert tag("The talks resumed later following week.", "2025-11-12") == []


# --------------------------------------------------------------------------- a night named by its weekday (issue 12)


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("Drones hit the depot overnight Tuesday, the governor said.", "overnight Tuesday", "2024-03-12TNI"),
        ("Shelling went on Monday overnight near the river.", "Monday overnight", "2024-03-11TNI"),
        ("Missiles struck the port overnight into Wednesday.", "overnight into Wednesday", "2024-03-12TNI"),
        ("Rockets fell on the town overnight.", "overnight", "2024-03-13TNI"),  # the night before the DCT
    ],
)
def test_overnight_with_a_weekday_is_one_night(text: str, phrase: str, expected: str) -> None:
    assert value(text, "2024-03-14", phrase) == expected  # a Thursday


# --------------------------------------------------------------------------- no DCT: weekdays the text dates (issue 12)


def test_without_a_dct_a_weekday_the_text_dates_resolves_its_other_mentions() -> None:
    text = "Envoys met on Monday (March 3) in Geneva. On Monday they also agreed to a prisoner swap."
    assert [t.value for t in tag(text, None)] == ["XXXX-03-03", "XXXX-03-03", "XXXX-03-03"]


def test_without_a_dct_a_weekday_and_full_date_tie_the_weekday() -> None:
    text = "Rebels attacked on Thursday, March 6, 2025. Thursday's attack killed nine."
    assert tag(text, None)[-1].value == "2025-03-06"  # 6 March 2025 was a Thursday


def test_without_a_dct_a_weekday_the_calendar_contradicts_ties_nothing() -> None:
    text = "Rebels attacked on Friday, March 6, 2025. Friday's attack killed nine."
    assert tag(text, None)[-1].value is None


def test_without_a_dct_a_weekday_tied_to_two_dates_stays_unresolved() -> None:
    text = "Talks on Monday, March 3 and Monday, March 10 failed. On Monday the envoy left."
    assert tag(text, None)[-1].value is None


def test_with_a_dct_weekdays_resolve_against_it_as_before() -> None:
    text = "Envoys met on Monday (March 3) in Geneva. On Monday they also agreed to a prisoner swap."
    assert tag(text, "2025-03-12")[0].value == "2025-03-10"  # the DCT's last Monday, not the tie's
