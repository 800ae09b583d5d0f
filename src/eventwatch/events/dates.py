"""When an act happened, from the time expressions of its sentence: the one its clause
governs, the announcement a present clause hangs on, a when-clause's antecedent; never a
time that names a thing ("the 1972 Simla Agreement") or bounds a span ("since 1989"),
and never a date the text does not give."""
from __future__ import annotations

from .grammar import PRESENT_TAGS, SPAN_PREPS, Context, _ancestors, _present, rules


def _event_date(tok, verb, ctx: Context, sent, statement: bool) -> tuple[str | None, str | None]:
    """(date, where from): the date of the trigger's clause if the text gives one ("timex"),
    else the report's date for a present or future statement ("report"), else nothing: a
    noun for an earlier act ("X's call for talks") takes no date from the verb it hangs
    on, and a date is never invented."""
    in_sent = [t for t in ctx.timexes if sent.start_char <= t.start < sent.end_char and t.type in ("DATE", "TIME")
               and not (t.value or "").endswith("_REF")  # "recently", "now" say nothing of the date
               and not _names_a_thing(t, sent, tok)]
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
        if said is not None and (_present(verb) or _perfect(verb)):
            return _day_of(said), "timex"  # "India declared on Saturday that it is freezing imports"
    if verb.i != tok.i and not statement:
        return None, None
    return (ctx.published, "report") if _present(verb) and ctx.published else (None, None)


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
            own = {t.idx for t in a.subtree} - {t.idx for t in child.subtree}
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
