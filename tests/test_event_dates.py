"""The date of an act (issue 12), through the real per-document stages on made-up
sentences: other countries, other wordings than the development set's. Published
2024-03-14, a Thursday, unless a test says otherwise."""
from __future__ import annotations

import pytest


def one(evs, event: str):
    found = [e for e in evs if e.event == event]
    assert found, f"no {event} in {[(e.event, e.date) for e in evs]}"
    return found[0]


# --- a past progressive under a dated saying is the speaker's present ---------------------

def test_a_backshifted_progressive_takes_the_date_of_its_saying(code):
    e = one(code("Chile said on Monday that it was expelling two Peruvian diplomats."), "SANCTION")
    assert e.date == "2024-03-11"


def test_a_simple_past_under_a_dated_saying_stays_undated(code):
    e = one(code("Chile said on Monday that Peruvian troops attacked its border post."), "ASSAULT")
    assert e.date is None  # an earlier act, on a day the text does not give


# --- a quoted accusation is dated by its saying, not by the act it describes -------------

def test_a_time_inside_a_quoted_accusation_dates_the_act_not_the_accusation(code):
    evs = code("“Armenia last night took a blatant military act of aggression against Azerbaijan,” "
               "the defence ministry spokesman said.")
    assert one(evs, "ACCUSE").date is None  # not 2024-03-13: the statement's own day is not given


def test_a_quoted_accusation_takes_the_date_of_its_saying(code):
    evs = code("“Armenia last night took a blatant military act of aggression against Azerbaijan,” "
               "the defence ministry spokesman said on Tuesday.", published="2024-03-15")
    assert one(evs, "ACCUSE").date == "2024-03-12"  # the saying's Tuesday, not the night before publication


# --- relative times of the news day date the act (mechanism 5 of issue 12) ---------------

@pytest.mark.parametrize(("text", "event", "date"), [
    ("Azerbaijani troops shelled Armenian positions overnight Tuesday, officials said.", "ASSAULT", "2024-03-12"),
    ("Russian drones struck Ukrainian power plants in the early hours of Wednesday.", "ASSAULT", "2024-03-13"),
    ("Kenyan police arrested two Ugandan soldiers yesterday.", "COERCE", "2024-03-13"),
    ("Colombia expelled a Venezuelan diplomat earlier today, the ministry said.", "SANCTION", "2024-03-14"),
    ("Serbian police detained a Kosovo official this morning.", "COERCE", "2024-03-14"),
    ("Sudan accused Chad of arming rebels last night.", "ACCUSE", "2024-03-13"),
])
def test_relative_times_of_the_news_day_date_the_act(code, text, event, date):
    assert one(code(text), event).date == date


# --- present statements of a page dated the morning after its news -----------------------

def test_a_quoted_present_statement_takes_the_day_its_lead_dates_the_news(code):
    evs = code("Chile and Peru accused each other of violating the truce on Wednesday, hours after agreeing to it.\n\n"
               "“We call upon Peru to respect the truce,” the Chilean foreign minister told a news conference.")
    assert one(evs, "REQUEST").date == "2024-03-13"  # the page appeared on Thursday


def test_a_lead_dated_days_before_publication_leaves_statements_on_the_publication_date(code):
    evs = code("Chile and Peru accused each other of violating the truce on Monday, hours after agreeing to it.\n\n"
               "“We call upon Peru to respect the truce,” the Chilean foreign minister told a news conference.")
    assert one(evs, "REQUEST").date == "2024-03-14"  # a follow-up page: the statement is its own news


# --- the occasion of a lead's dated saying ------------------------------------------------

LEAD = "Chile on Wednesday said that it was closing two border crossings with Peru.\n\n"


def test_a_later_saying_by_the_same_side_takes_the_leads_day(code):
    e = one(code(LEAD + "Chile warned that it keeps the right to respond."), "THREATEN")
    assert (e.date, e.date_source) == ("2024-03-13", "lead")


@pytest.mark.parametrize(("later", "event"), [
    ("Chile warned that it keeps the right to respond.", "THREATEN"),
    ("Chile's foreign minister accused Peru of arming smugglers.", "ACCUSE"),  # the charge as "of ..."
    ("Chile urged Peru to withdraw its troops.", "REQUEST"),  # what is asked as "to ..."
])
def test_a_later_saying_by_the_same_side_takes_the_leads_day_whatever_its_complement(code, later, event):
    e = one(code(LEAD + later), event)
    assert (e.date, e.date_source) == ("2024-03-13", "lead")


@pytest.mark.parametrize("later", [
    "Peru warned that it keeps the right to respond.",  # another side: another occasion
    "Chile had warned that it keeps the right to respond.",  # past perfect: background
    "Chile warned last month that it keeps the right to respond.",  # a time of its own
])
def test_other_sayings_do_not_take_the_leads_day(code, later):
    evs = [e for e in code(LEAD + later) if e.event == "THREATEN"]
    assert all(e.date != "2024-03-13" for e in evs)


def test_no_dated_saying_in_the_lead_shares_nothing(code):
    e = one(code("Chile is closing two border crossings with Peru.\n\n"
                 "Chile warned that it keeps the right to respond."), "THREATEN")
    assert e.date_source != "lead"


# --- an act announced to take effect at once ------------------------------------------------

@pytest.mark.parametrize(("text", "event", "date"), [
    ("Ghana closes its border with Togo with immediate effect, the interior ministry announced.", "COERCE", "2024-03-14"),
    ("All flights from Chad to Sudan are suspended forthwith.", "SANCTION", "2024-03-14"),
    ("Ghana is closing its border with Togo.", "COERCE", None),  # under way, not announced as done
    ("Ghana closed its border with Togo with immediate effect.", "COERCE", None),  # past: the day is not given
])
def test_a_present_act_with_immediate_effect_is_dated_by_its_report(code, text, event, date):
    assert one(code(text), event).date == date


# --- a judgement in quoted words is a statement, dated as one ------------------------------

@pytest.mark.parametrize(("text", "event"), [
    ('Kenyan President Ruto added, "Uganda is a great friend of Kenya."', "SUPPORT"),
    ('Ruto added: "We are going to make a trade deal with Uganda."', "AGREE"),
])
def test_a_present_judgement_in_quoted_words_is_dated_by_its_report(code, text, event):
    assert one(code(text), event).date == "2024-03-14"


def test_a_night_in_the_lead_does_not_move_the_news_day(code):
    evs = code("Two Chilean soldiers died on Wednesday night after Peruvian shelling.\n\n"
               "“We call upon Peru to stop the shelling,” the Chilean foreign minister told reporters.")
    assert one(evs, "REQUEST").date == "2024-03-14"  # a night's news is told the next day


# --- a lead in the present perfect is the report's news of the day --------------------------

@pytest.mark.parametrize(("text", "date"), [
    ("Chile has expelled two Peruvian diplomats.\n\nThe ministry gave no reason.", "2024-03-14"),
    ("Santiago: Chile has expelled two Peruvian diplomats.\n\nThe ministry gave no reason.", "2024-03-14"),
    ("Chile expelled two Peruvian diplomats.\n\nThe ministry gave no reason.", None),  # simple past: a day not given
    ("Peru recalled its ambassador to Chile on Tuesday.\n\nChile has also expelled two Peruvian diplomats.", None),
    # the news told as what officials say of it; a vague time describing a noun is no date
    ("Chile has expelled two Peruvian diplomats over recent border incidents, officials told Reuters.", "2024-03-14"),
    ("Officials said Chile has expelled two Peruvian diplomats.", "2024-03-14"),
    ("Chile has expelled two Peruvian diplomats since 2019, officials told Reuters.", None),  # a span, not a day
])
def test_a_present_perfect_lead_is_dated_by_its_report(code, text, date):
    chile = [e for e in code(text) if e.event == "SANCTION" and {a["country"] for a in e.actor} == {"CHL"}]
    assert chile and chile[0].date == date


def test_a_lead_dated_by_the_perfect_keeps_its_date_when_retold_undated(code):
    evs = code("Chile has expelled two Peruvian diplomats.\n\nThe expulsion of the diplomats by Chile angered Peru.")
    assert one(evs, "SANCTION").date == "2024-03-14"


# --- no publication date: a weekday the text itself dates ----------------------------------

def test_without_publication_date_a_weekday_tied_to_a_date_dates_the_act(code):
    evs = code("Envoys of Chile and Peru met on Monday (March 3) in Lima.\n\n"
               "Chile expelled two Peruvian diplomats on Monday.", published=None)
    assert one(evs, "SANCTION").date == "XXXX-03-03"


def test_without_publication_date_an_untied_weekday_stays_undated(code):
    evs = code("Envoys of Chile and Peru met on March 3 in Lima.\n\n"
               "Chile expelled two Peruvian diplomats on Monday.", published=None)
    assert one(evs, "SANCTION").date is None  # which Monday the text does not say


@pytest.mark.parametrize("text", [
    "Militias have attacked Malian army posts since 2012.",  # a span: the state of affairs, not the news
    "Chile has suspended the 1984 Beagle Channel Treaty with Argentina.",  # a year naming a thing
])
def test_a_present_perfect_lead_with_any_time_in_it_is_not_dated_by_its_report(code, text):
    assert all(e.date is None for e in code(text))


# --- a quotation's attribution names the saying's time -----------------------------------

@pytest.mark.parametrize(("text", "date"), [
    # the time hangs on the saying through its preposition phrase
    ("“Armenia last night took a blatant military act of aggression against Azerbaijan,” "
     "the defence ministry spokesman said at a news briefing on Tuesday.", "2024-03-12"),
    # an attribution long enough for the parser to make it a sentence of its own
    ("“Armenia last night took yet another blatant act of aggression against Azerbaijan by sending drones,” "
     "Head of the Defence Ministry Press Service (DMPS) Col Anar Eyvazov said in his weekly press conference today.",
     "2024-03-14"),
])
def test_a_quoted_accusation_takes_the_time_its_attribution_names(code, text, date):
    assert one(code(text), "ACCUSE").date == date


def test_a_time_that_dates_the_speaker_not_the_saying_gives_no_date(code):
    evs = code("“Armenia last night took a blatant military act of aggression against Azerbaijan,” "
               "said the spokesman, who was appointed on Tuesday.")
    assert one(evs, "ACCUSE").date is None
