"""When an act happened, from the time expressions of its sentence: the one its clause
governs, the announcement a present clause hangs on, a when-clause's antecedent; never a
time that names a thing ("the 1972 Simla Agreement") or bounds a span ("since 1989"),
and never a date the text does not give."""
from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from importlib import resources

from .grammar import CHARGE_PREPS, PRESENT_TAGS, SPAN_PREPS, VERBAL, Context, _ancestors, _mention_covering, _present, _subject, rules


def _event_date(tok, verb, ctx: Context, sent, statement: bool, event: str | None = None) -> tuple[str | None, str | None]:
    """(date, where from): the date of the trigger's clause if the text gives one ("timex"),
    else the report's date for a present or future statement ("report"), else nothing: a
    noun for an earlier act ("X's call for talks") takes no date from the verb it hangs
    on, and a date is never invented."""
    in_sent = [t for t in ctx.timexes if sent.start_char <= t.start < sent.end_char and t.type in ("DATE", "TIME")
               and not (t.value or "").endswith("_REF")  # "recently", "now" say nothing of the date
               and not _names_a_thing(t, sent, tok)]
    # a speech trigger, or a judgement in words quoted ("a blatant act of aggression", "a
    # fantastic man", "a trade deal"): the saying is the act
    judgement = event in VERBAL and tok.pos_ in ("NOUN", "ADJ") and _quote_at(ctx, tok.idx) is not None
    statement = statement or judgement
    quote = _quote_at(ctx, tok.idx) if statement else None
    if quote is not None:
        # an accusation made in a quotation ("'India last night attacked us,' the army said")
        # is dated by its saying, not by the time of the act it describes
        said = _said_on(verb, [t for t in in_sent if not quote.start <= t.start < quote.end]) \
            or _attribution_time(quote, sent.doc, ctx)
        if said is not None and _day_of(said):
            return _day_of(said), "timex"
        in_sent = []
    if verb.dep_ == "relcl" and any(c.lower_ == "when" for c in verb.children):
        when = next((t for t in ctx.timexes if t.start <= verb.head.idx < t.end and t.type in ("DATE", "TIME")), None)
        if when is not None:
            return _day_of(when), "timex"  # "since April 22, when gunmen killed 26 people"
    if in_sent:
        clause = {t.idx: t for t in verb.subtree}
        gov, elsewhere = [], []
        for tx in in_sent:
            mine = [t for i, t in clause.items() if tx.start <= i < tx.end]
            toks = [t for t in mine if not _in_other_clause(t, verb)]
            if toks:
                hops = min(_hops(t, verb) for t in toks)
                gov.append((hops, not (tx.value and not tx.value.endswith("REF")), tx))
            elif not mine:
                elsewhere.append(tx)
        gov.sort(key=lambda g: (g[0], g[1]))
        # a main verb with the sentence's only time hanging outside its clause (a parse that
        # put "on Friday" under the wrong word) still takes it
        pick = gov[0][2] if gov else (in_sent[0] if len(in_sent) == 1 and elsewhere and verb.dep_ == "ROOT" else None)
        if pick is not None:
            return _day_of(pick), "timex"
        shared = _shared_by_conjuncts(verb, in_sent)
        if shared is not None:
            return _day_of(shared), "timex"  # "the DGMOs on Monday deliberated ... and agreed ..."
        said = _said_on(verb, in_sent)
        if said is not None and (_present(verb) or _perfect(verb) or _backshifted(verb)):
            return _day_of(said), "timex"  # "India declared on Saturday that it is freezing imports"
    if verb.i != tok.i and not statement:
        return None, None
    day = _news_day(ctx, sent.doc)
    # no time at all ("since 2012" too), but a vague one describing a thing ("recent strikes")
    timeless = not any(sent.start_char <= t.start < sent.end_char and not _describes_a_thing(t, sent) for t in ctx.timexes)
    if day and timeless and verb.i == tok.i and _perfect(verb) and _leads(verb, sent):
        return day, "perfect"  # "India has expelled a Pakistani official." opening the report
    if not (_present(verb) and day):
        return None, None
    return (day, "immediate") if _immediate(verb) else (day, "report")


def _describes_a_thing(tx, sent) -> bool:
    """A vague time as an adjective of a noun ("recent strikes", "the current crisis"):
    it says nothing of when the clause's act happened."""
    toks = [t for t in sent if tx.start <= t.idx < tx.end]
    return bool(toks) and (tx.value or "").endswith("_REF") and all(t.dep_ == "amod" and t.head.pos_ == "NOUN" for t in toks)


def _leads(verb, sent) -> bool:
    """Is ``verb`` the main verb of the report's lead sentence (its first full sentence,
    a place-name dateline before it allowed: "New Delhi: India has expelled ...")? A lead
    in the present perfect is the report's news, of its day; the same tense later in the
    text is often background ("Pakistan has closed its airspace")."""
    lead = _lead(sent.doc)
    if lead is None or lead.start != sent.start:
        return False
    root = sent.root
    if verb.i == root.i or (verb.head.i == root.i and root.pos_ == "PROPN" and verb.dep_ in ("acl", "appos", "dep", "parataxis")):
        return True
    # the news told as what someone says of it: "X has launched Y, officials told Z"
    return verb.head.i == root.i and verb.dep_ in ("ccomp", "parataxis") and root.lemma_.lower() in rules().speech_verbs


@lru_cache(maxsize=1)
def _immediate_phrases() -> tuple[str, ...]:
    data = tomllib.loads((resources.files("eventwatch") / "data" / "dates.toml").read_text("utf-8"))
    return tuple(data["immediate"])


def _immediate(verb) -> bool:
    """Does the act's own clause say it takes effect at once ("is suspended forthwith",
    "closes its airspace with immediate effect")? Then it happened when it was announced."""
    words = " ".join(t.lower_ for t in verb.subtree if not _in_other_clause(t, verb))
    return any(f" {p} " in f" {words} " for p in _immediate_phrases())


_NEWS_DAY_SPAN = 1  # a page dated the morning after its news (time zones, overnight editions)


def _news_day(ctx: Context, doc) -> str | None:
    """The day a report's present statements are dated by: its publication date, unless its
    lead sentence dates its own act to the day before ("accused each other on Saturday" in
    a page dated Sunday): the statements it quotes without a day of their own were made at
    that news, not on the day the page appeared. A lead time that dates something else (a
    clause of its own, an earlier attack) or a day further back changes nothing."""
    pub = ctx.published
    if not pub or len(pub) != 10 or not pub[:4].isdigit():
        return pub
    lead = next((s for s in doc.sents if s.text.rstrip().endswith((".", "!", "?", '"', "”"))), None)
    if lead is None:
        return pub
    root = lead.root
    for tx in ctx.timexes:
        if not lead.start_char <= tx.start < lead.end_char or tx.type != "DATE":
            continue  # a night or an evening ("died on Wednesday night") is told the next day
        toks = [t for t in lead if tx.start <= t.idx < tx.end]
        v = _day_of(tx)
        if toks and v and len(v) == 10 and v[:4].isdigit() and v < pub and _days_between(v, pub) <= _NEWS_DAY_SPAN \
                and any(t.i in {x.i for x in root.subtree} and _hops(t, root) <= 4 for t in toks) \
                and not any(_in_other_clause(t, root) for t in toks):
            return v
    return pub


def _days_between(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _quote_at(ctx: Context, char: int):
    """The direct quotation the character at ``char`` is in, if any."""
    return next((q for q in ctx.quotes if q.direct and q.start <= char < q.end), None)


def _attribution_time(quote, doc, ctx: Context):
    """The time of the saying a direct quotation is attributed to, where the attribution
    names it: "'... last night,' the army spokesman said in a press conference today". The
    verb the speaker is subject of, and a time expression hanging on it (directly, or
    through its preposition), outside the quotation. The parser often makes the words said
    and their attribution two sentences, so the speaker's verb is looked for in the doc."""
    span = quote.speaker_span
    if span is None or quote.start <= span.start < quote.end:
        return None
    named = doc.char_span(span.start, span.end, alignment_mode="expand")
    verb = next((t.head for t in named or () if t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_.lower() not in rules().speech_verbs:
        return None
    for tx in ctx.timexes:
        if quote.start <= tx.start < quote.end or tx.type not in ("DATE", "TIME"):
            continue
        on = [t for t in doc[verb.left_edge.i: verb.right_edge.i + 1] if tx.start <= t.idx < tx.end]
        if any(t.head.i == verb.i or (t.head.head.i == verb.i and t.head.dep_ == "prep") for t in on):
            return tx
    return None


def _shared_by_conjuncts(verb, timexes):
    """A time said once for coordinated acts ("Russia on Tuesday closed the embassy and
    expelled ten diplomats"): a conjoined verb with no time of its own takes the one
    its first conjunct has before it or directly on it."""
    if verb.dep_ != "conj" or verb.head.pos_ not in ("VERB", "AUX"):
        return None
    head = verb.head
    mine = {t.idx for t in verb.subtree}
    found = []
    for tx in timexes:
        toks = [t for t in head.subtree if tx.start <= t.idx < tx.end and t.idx not in mine]
        if toks and not any(_in_other_clause(t, head) for t in toks) \
                and (toks[0].i < head.i or min(_hops(t, head) for t in toks) <= 2):
            found.append(tx)
    # "on Monday (May 12)" with no publication date: the one that resolves
    return next((tx for tx in found if _day_of(tx)), found[0] if found else None)


def _said_on(verb, timexes):
    """The time expression dating the saying a clause is reported by ("declared on Saturday
    that ..."), if the clause hangs on a verb of saying or deciding within a few heads."""
    r = rules()
    child = verb
    for a in _ancestors(verb, 4):
        if a.pos_ == "VERB" and a.lemma_.lower() in r.speech_verbs | r.decision_verbs | {"announce", "declare"}:
            mine = {t.idx for t in child.subtree}
            # a time in a clause of its own ("the spokesman, who was appointed on Tuesday")
            # dates that clause, not the saying
            own = [t.idx for t in a.subtree if t.idx not in mine and not _in_other_clause(t, a)]
            for tx in timexes:
                if any(tx.start <= i < tx.end for i in own):
                    return tx
            # "the army on Thursday said ... and claimed that ...": the first saying's time
            # (the parser often hangs the second saying on the first one's complement)
            shared = _shared_by_conjuncts(a, timexes)
            if shared is not None or a.dep_ != "conj":
                return shared
        child = a
    return None


def _perfect(verb) -> bool:
    """"has expelled", "have agreed": a present perfect, news's form for a fresh act."""
    return any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in PRESENT_TAGS for c in verb.children)


def _backshifted(verb) -> bool:
    """"said on Friday that it was maintaining its readiness": a past progressive reported
    by a past saying is the speaker's present (sequence of tenses), dated by the saying.
    Only reached under a verb of saying; a simple past there ("said that India attacked")
    is an earlier act and stays undated."""
    return verb.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" and c.tag_ == "VBD" for c in verb.children)


def _day_of(tx) -> str | None:
    """The date a time expression puts an act on: "overnight" (2025-05-07TNI) dates it
    2025-05-07; a value left relative ("…REF") dates nothing."""
    v = tx.value
    if not v or v.endswith("REF"):
        return None
    return v.split("T", 1)[0] if tx.type == "TIME" else v


def _names_a_thing(tx, sent, trigger) -> bool:
    """Is the time expression part of a name or a span rather than the act's date? "the
    1972 Simla Agreement" and "the April 22 attack" date the treaty and the attack, not a
    verb that mentions them (unless the noun is the trigger itself); "fighting since 1989"
    and "until June" bound a state of affairs rather than date an act."""
    toks = [t for t in sent if tx.start <= t.idx < tx.end]
    if not toks:
        return False
    inside = {t.i for t in toks}
    tops = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    for t in tops:
        if t.dep_ in ("nummod", "compound", "amod", "nmod", "poss") and t.head.pos_ in ("NOUN", "PROPN") \
                and t.head.i != trigger.i and t.head.i not in inside:
            return True
        if t.dep_ == "pobj" and t.head.lower_ in SPAN_PREPS:
            return True
        if t.dep_ == "pobj" and t.head.dep_ == "prep" and t.head.head.pos_ in ("NOUN", "PROPN") \
                and t.head.head.i != trigger.i and t.head.head.lower_ in rules().event_nouns:
            return True  # "accuses Islamabad ... following a deadly attack on Tuesday"
    return False


def _in_other_clause(tok, ancestor) -> bool:
    """Does ``tok`` hang on ``ancestor`` through a clause of its own: one that describes a
    noun ("a disregard which was recently demonstrated") or has its own verb ("halted the
    treaty since it was signed in 1960")? Such a time dates that clause, not the trigger."""
    t = tok
    while t.i != ancestor.i and t.head.i != t.i:
        if t.dep_ in ("relcl", "acl"):
            return True
        if t.dep_ in ("advcl", "ccomp", "csubj", "parataxis") and t.pos_ in ("VERB", "AUX"):
            return True
        t = t.head
    return False


def _hops(tok, ancestor) -> int:
    """How many heads up from ``tok`` to ``ancestor``: the nearer a time expression hangs
    on the trigger, the more surely it dates it."""
    n, t = 0, tok
    while t.i != ancestor.i and t.head.i != t.i and n < 20:
        t, n = t.head, n + 1
    return n


def _lead(doc):
    """The first sentence that ends as a sentence does (a headline has no final stop)."""
    return next((s for s in doc.sents if s.text.rstrip().endswith((".", "!", "?", '"', "”"))), None)


def _dated_saying(sent, ctx: Context) -> tuple[str, str] | None:
    """(day, speaker's country) of a sentence that opens with a dated saying ("Pakistan on
    Friday said that ...", "Islamabad: The army said on Thursday ..."): a verb of saying
    with a time of its own that resolves to a day and a subject of a known country."""
    r = rules()
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in r.speech_verbs:
            continue
        subj = _subject(verb)
        m = _mention_covering(ctx, subj.idx) if subj is not None else None
        country = ctx.country_of(m.id) if m is not None else None
        if not country:
            return None
        for tx in ctx.timexes:
            toks = [t for t in sent if tx.start <= t.idx < tx.end]
            if toks and tx.type in ("DATE", "TIME") and any(t.head.i == verb.i or t.head.head.i == verb.i for t in toks):
                day = _day_of(tx)
                if day and len(day) == 10 and day[:4].isdigit():
                    return day, country
        return None
    return None


def _a_saying(sent, trigger: str | None) -> bool:
    """Is the sentence itself a saying whose words are the act: a verb of saying at its root
    ("He said that ... India's aggression"), or a verbal act that takes a clause ("he warned
    that ...")? Not a reported act under it ("noted that the two sides agreed")."""
    root = sent.root
    if root.tag_ != "VBD" or any(c.dep_ in ("aux", "auxpass") for c in root.children):
        return False  # not a simple past: "had accused", "would warn", "was told"
    trig = next((t for t in sent if t.text == trigger), None) if trigger else None
    if trig is None:
        return False
    if trig.i == root.i:
        # what was said, as a clause ("warned that ...", "urged X to ...") or as the
        # charge of an accusation ("accused X of attacking")
        return any(c.dep_ in ("ccomp", "xcomp") or c.dep_ == "prep" and c.lower_ in CHARGE_PREPS for c in root.children)
    if root.lemma_.lower() not in rules().speech_verbs:
        return False
    return trig.pos_ != "VERB"  # a judgement in the words said ("aggression"), not an act told


def share_the_leads_saying(events, doc, ctx: Context) -> None:
    """A wire report that opens with a dated saying ("Pakistan on Friday said ...") goes on
    to tell what the same side said on that occasion: a saying by that side told in the
    simple past with no time of its own ("He said that ...", "he warned that ...") takes
    the opening saying's day. A statement by another side, in another tense (background),
    a planned or denied one, or an act reported inside a saying, takes nothing."""
    lead = _lead(doc)
    said = _dated_saying(lead, ctx) if lead is not None else None
    if said is None:
        return
    day, country = said
    for ev in events:
        if ev.date or ev.date_source or ev.event not in VERBAL or {"future", "hypothetical", "negation"} & set(ev.aux):
            continue
        if {ctx.country_of(m) for m in ev.actor_mentions} != {country}:
            continue
        if len(ev.reports[0].evidence) != 1:
            continue  # told in several sentences: which one the trigger is in is not kept
        start = ev.reports[0].evidence[0].start
        sent = next((s for s in doc.sents if s.start_char <= start < s.end_char), None)
        if sent is None or sent.start == lead.start or not _a_saying(sent, ev.trigger):
            continue
        if any(sent.start_char <= tx.start < sent.end_char for tx in ctx.timexes):
            continue  # a time of its own, resolved or not, is the sentence's to give
        ev.date, ev.date_source = day, "lead"
