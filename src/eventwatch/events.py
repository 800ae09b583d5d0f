"""Events: PLOVER 2.0 type, mode, actor, recipient, flags and evidence from the parse.

For every trigger word (``data/events.toml``) the coder reads the dependency parse:
the subject is the actor (through control verbs, passives and noun possessors), the
object or a with/to/against/on phrase is the recipient (through the trigger's
complement: "refused to negotiate *with Belarus*"). Inside a quotation or what
someone said, "we"/"I" are the speaker and speech-only triggers ("cynical") count,
with the speaker as the accuser. Verbs of saying are never events themselves.

Actors are mention ids: the pipeline turns them into entities with the actor stage,
so this module knows nothing about names.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

from .model import Event, Mention, Quote, Report, Span, Timex, best_mention

ARG_PREPS = {"with", "to", "against", "on", "toward", "towards", "from", "at"}
LIGHT_VERBS = {"send", "make", "issue", "announce", "declare", "present", "put", "submit", "extend", "voice", "express", "lodge", "have", "give", "hold", "raise", "launch", "deliver", "lay", "push", "reject", "accept", "consider", "receive"}
SUBJ = ("nsubj", "nsubjpass", "csubj")
PRESENT_TAGS = {"VBP", "VBZ", "MD"}


@dataclass(frozen=True)
class Trigger:
    event: str
    pos: str
    words: frozenset[str]
    mode: str | None = None
    modes: tuple[tuple[str, frozenset[str]], ...] = ()
    mode_by_word: tuple[tuple[str, str], ...] = ()
    needs: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()
    needs_verb: frozenset[str] = frozenset()
    needs_modal: bool = False
    needs_recipient: bool = False
    speech: bool = False
    not_actor_sectors: frozenset[str] = frozenset()


@dataclass
class Rules:
    by_word: dict[str, list[tuple[tuple[str, ...], Trigger]]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    future: frozenset[str] = frozenset()
    intent: frozenset[str] = frozenset()
    hypothetical: frozenset[str] = frozenset()
    negation: frozenset[str] = frozenset()
    historical: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = tomllib.loads((resources.files("eventwatch") / "data" / "events.toml").read_text("utf-8"))
    r = Rules(scores=data.get("scores", {}))
    for row in data["trigger"]:
        trig = Trigger(
            event=row["event"], pos=row.get("pos", "verb"), words=frozenset(row["words"]), mode=row.get("mode"),
            modes=tuple((m, frozenset(ws)) for m, ws in row.get("modes", {}).items()),
            mode_by_word=tuple(row.get("mode_by_word", {}).items()),
            needs=frozenset(row.get("needs", [])), objects=frozenset(row.get("objects", [])),
            needs_verb=frozenset(row.get("needs_verb", [])), needs_modal=row.get("needs_modal", False),
            needs_recipient=row.get("needs_recipient", False), speech=row.get("speech", False),
            not_actor_sectors=frozenset(row.get("not_actor_sectors", [])),
        )
        for w in trig.words:
            parts = tuple(w.split())
            r.by_word.setdefault(parts[0], []).append((parts, trig))
    aux = data["aux"]
    r.future, r.intent, r.hypothetical = frozenset(aux["future"]), frozenset(aux["intent"]), frozenset(aux["hypothetical"])
    r.negation, r.historical = frozenset(aux["negation"]), frozenset(aux["historical"])
    r.speech_verbs = frozenset(data["speech"]["verbs"])
    return r


def score(event: str, r: Rules | None = None) -> float | None:
    return (r or rules()).scores.get(event)


# --- parse helpers ---------------------------------------------------------------------

def _pos_ok(tok, pos: str) -> bool:
    if pos == "verb":
        return tok.pos_ == "VERB"
    if pos == "noun":
        return tok.pos_ in ("NOUN", "PROPN")
    if pos == "adj":
        return tok.pos_ == "ADJ"
    return tok.pos_ in ("VERB", "NOUN", "ADJ", "PROPN")


def _matches(tok, r: Rules) -> list[tuple[Trigger, int]]:
    """Triggers this token starts, longest phrase first, in file order otherwise."""
    cands = r.by_word.get(tok.lemma_.lower(), []) + (r.by_word.get(tok.lower_, []) if tok.lower_ != tok.lemma_.lower() else [])
    doc = tok.doc
    out = []
    for parts, trig in cands:
        n = len(parts)
        if tok.i + n > len(doc) or not _pos_ok(tok, trig.pos):
            continue
        span = doc[tok.i: tok.i + n]
        if n > 1 and [t.lemma_.lower() for t in span][1:] != list(parts[1:]) and [t.lower_ for t in span][1:] != list(parts[1:]):
            continue
        out.append((trig, n))
    out.sort(key=lambda x: -x[1])
    return out


def _children(tok, *deps):
    return [c for c in tok.children if c.dep_ in deps]


def _expand_conj(tok) -> list:
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN", "PRON"):
            out.extend(_expand_conj(c))
    return out


def _verb_of(tok):
    """The clause verb a noun or adjective trigger hangs from."""
    t = tok
    while t.pos_ not in ("VERB", "AUX") and t.head.i != t.i:
        t = t.head
    return t


def _subject(verb, seen=None):
    seen = seen or set()
    if verb.i in seen:
        return None
    seen.add(verb.i)
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if passive:
        for prep in _children(verb, "agent"):
            for p in _children(prep, "pobj"):
                return p
    for c in verb.children:
        if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and not passive):
            return c
    if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        return _subject(verb.head, seen)
    if verb.dep_ == "relcl":
        return None
    return None


def _noun_actor(noun):
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in _children(c, "pobj"):
                return p
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            return c
    head = noun.head
    if noun.dep_ in ("dobj", "attr", "pobj") and head.lemma_.lower() in LIGHT_VERBS | {"be"}:
        verb = head if head.pos_ in ("VERB", "AUX") else head.head
        return _subject(verb)
    return None


def _complement_words(tok) -> set[str]:
    out = set()
    for c in tok.children:
        if c.dep_ in ("dobj", "xcomp", "ccomp", "pobj", "prep", "attr", "nsubjpass", "advcl", "acl", "compound", "amod", "conj"):
            out.add(c.lemma_.lower())
            out.add(c.lower_)
            for g in c.children:
                if g.dep_ in ("dobj", "pobj", "prep", "xcomp", "compound", "nsubj", "amod"):
                    out.add(g.lemma_.lower())
                    out.add(g.lower_)
                    for h in g.children:
                        if h.dep_ in ("pobj", "dobj", "compound"):
                            out.add(h.lemma_.lower())
                            out.add(h.lower_)
    return out


def _recipients(tok, event: str) -> list:
    """Recipient candidates in order of preference."""
    out = []
    frontier = [tok] + _children(tok, "xcomp")
    for t in frontier:
        for c in t.children:
            if c.dep_ in ("dobj", "dative", "iobj") and c.pos_ in ("PROPN", "NOUN", "PRON"):
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in ARG_PREPS | ({"of"} if t.pos_ == "NOUN" else set()):
                out.extend(_children(c, "pobj"))
            elif c.dep_ in ("ccomp",) and event == "REQUEST":
                out.extend(_children(c, "nsubj"))
            elif c.dep_ == "dobj":
                for p in _children(c, "prep"):
                    if p.lower_ in ARG_PREPS | {"of"}:
                        out.extend(_children(p, "pobj"))
                        for q in _children(p, "pobj"):
                            for pp in _children(q, "prep"):
                                if pp.lower_ in ("of", "in"):
                                    out.extend(_children(pp, "pobj"))
    if tok.dep_ == "relcl" and event in ("REJECT", "ACCUSE"):
        out.append(tok.head)
    expanded = []
    for t in out:
        expanded.extend(_expand_conj(t))
    return expanded


def _ancestors(tok, n: int = 4):
    t = tok
    for _ in range(n):
        if t.head.i == t.i:
            return
        t = t.head
        yield t


def _flags(tok, verb, r: Rules, in_speech: bool) -> list[str]:
    """Auxiliary flags from the words around the trigger and the verbs it hangs from
    ("will not consider", "plans to raise the issue of sanctions", "may be considered")."""
    flags = []
    chain = [tok, verb] + [a for a in _ancestors(verb) if a.pos_ in ("VERB", "AUX", "ADJ") and a.lemma_.lower() not in r.speech_verbs][:2]
    words = {c.lower_ for t in chain for c in t.children if c.dep_ in ("aux", "neg", "advmod", "mark", "auxpass", "det")}
    lemmas = {t.lemma_.lower() for t in chain[1:]} - {tok.lemma_.lower()}
    if words & r.negation or any(c.dep_ == "neg" for t in chain[:2] for c in t.children):
        flags.append("negation")
    if words & r.hypothetical or any(c.lower_ in r.hypothetical for c in verb.subtree if c.dep_ == "mark"):
        flags.append("hypothetical")
    elif words & r.future or lemmas & r.intent:
        flags.append("future")
    if "future" not in flags and "hypothetical" not in flags:
        past = verb.tag_ in ("VBD", "VBN") and not in_speech
        if past and (words & r.historical or any(c.lower_ == "had" for c in verb.children)):
            flags.append("historical")
    return flags


def _present(verb) -> bool:
    """Is the clause present, future or modal (a statement dated by its report)?"""
    if verb.tag_ in PRESENT_TAGS or verb.tag_ == "VBG" and any(c.tag_ in PRESENT_TAGS for c in verb.children):
        return True
    if any(c.dep_ in ("aux", "auxpass") and c.tag_ in PRESENT_TAGS for c in verb.children):
        return True
    if verb.dep_ in ("xcomp",) and verb.head.i != verb.i:
        return _present(verb.head)
    return False


# --- the coder -------------------------------------------------------------------------

@dataclass
class Context:
    """What the pipeline hands the coder for one document."""

    doc_id: str
    mentions: list[Mention]
    quotes: list[Quote]
    timexes: list[Timex]
    published: str | None
    outlet: str | None
    describe: Callable  # token -> Mention (creates one on the fly for an unlisted noun phrase)
    country_of: Callable  # mention id -> country code or None


def _speaker_at(ctx: Context, char: int) -> int | None:
    """The mention id of whoever is quoted as saying the words at ``char``."""
    for q in ctx.quotes:
        if q.start <= char < q.end and q.speaker_span is not None:
            m = best_mention(ctx.mentions, q.speaker_span.start, q.speaker_span.end)
            if m is not None:
                return m.id
    return None


def _mention_covering(ctx: Context, char: int) -> Mention | None:
    best = None
    for m in ctx.mentions:
        if m.start <= char < m.end and (best is None or m.end - m.start < best.end - best.start):
            best = m
    return best


def _mention_for(tok, ctx: Context) -> Mention | None:
    m = _mention_covering(ctx, tok.idx)
    if m is None:
        m = ctx.describe(tok)
        if m is not None:
            m.id = len(ctx.mentions)
            ctx.mentions.append(m)
    return m


def _is_actorish(m: Mention | None, ctx: Context) -> bool:
    return m is not None and m.kind != "thing" and (
        m.kind in ("name", "pronoun") or ctx.country_of(m.id) is not None or m.sector is not None)


def _event_date(tok, verb, ctx: Context, sent, statement: bool) -> tuple[str | None, str | None]:
    """(date, where from): the date of the trigger's clause if the text gives one ("timex"),
    else the report's date for a present or future statement ("report"), else nothing: a
    noun for an earlier act ("Minsk's call for talks") takes no date from the verb it hangs
    on, and a date is never invented."""
    in_sent = [t for t in ctx.timexes if sent.start_char <= t.start < sent.end_char and t.type == "DATE"]
    if in_sent:
        clause = {t.idx: t for t in verb.subtree}
        gov = []
        for tx in in_sent:
            toks = [t for i, t in clause.items() if tx.start <= i < tx.end]
            if toks:
                hops = min(_hops(t, verb) for t in toks)
                gov.append((hops, not (tx.value and not tx.value.endswith("REF")), tx))
        gov.sort(key=lambda g: (g[0], g[1]))
        pick = gov[0][2] if gov else (in_sent[0] if len(in_sent) == 1 and verb.dep_ == "ROOT" else None)
        if pick is not None:
            return (pick.value if pick.value and not pick.value.endswith("REF") else None), "timex"
    if verb.i != tok.i and not statement:
        return None, None
    return (ctx.published, "report") if _present(verb) and ctx.published else (None, None)


def _hops(tok, ancestor) -> int:
    """How many heads up from ``tok`` to ``ancestor``: the nearer a time expression hangs
    on the trigger, the more surely it dates it."""
    n, t = 0, tok
    while t.i != ancestor.i and t.head.i != t.i and n < 20:
        t, n = t.head, n + 1
    return n


def _clause_subject(tok):
    """Who the words at ``tok`` are about: the subject of its clause, or the noun a
    participle clause hangs on ("Belarus, ... continuing the hybrid attack")."""
    t = tok
    for _ in range(6):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                return c
        if t.dep_ in ("acl", "relcl", "advcl", "appos") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i != t.i:
            return t.head
        if t.head.i == t.i:
            break
        t = t.head
    return None


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


def _actor_mentions(tok, trig: Trigger, verb, speaker: int | None, ctx: Context) -> list[Mention]:
    if trig.speech and speaker is not None:
        return [ctx.mentions[speaker]]
    if trig.pos == "verb":
        subj = _subject(tok) or (_clause_subject(tok) if tok.tag_ == "VBG" and tok.dep_ in ("pcomp", "pobj", "xcomp") else None)
    elif trig.pos == "adj":
        subj = _subject(verb)
    else:
        subj = _noun_actor(tok)
    found = [m for s in (_expand_conj(subj) if subj is not None else []) if (m := _mention_for(s, ctx)) is not None]
    if speaker is not None and (not found or all(m.kind == "pronoun" and m.text.lower() in FIRST_PERSON for m in found)):
        if found or (trig.pos != "verb" and trig.event in VERBAL):
            return [ctx.mentions[speaker]]
    return found


def _recipient_mentions(tok, trig: Trigger, event: str, verb, actors: list[Mention], ctx: Context) -> list[Mention]:
    cands = _recipients(tok, event)
    if trig.pos != "verb" and verb.i != tok.i and verb.lemma_.lower() in LIGHT_VERBS:
        cands += [c for c in verb.children if c.dep_ in ("dative", "iobj")]
    if trig.speech:
        subj = _clause_subject(tok)
        if subj is not None and subj.lower_ == "you":
            return _main_counterpart(ctx, {ctx.country_of(a.id) for a in actors} - {None})
        if subj is not None:
            cands = [subj] + cands
    actor_ids = {a.id for a in actors}
    actor_countries = {ctx.country_of(a.id) for a in actors} - {None}
    out = []
    for t in cands:
        if t.pos_ == "NOUN" and not _is_actorish(_mention_covering(ctx, t.idx), ctx):
            t = next((c for c in t.children if c.dep_ == "poss"), None)
            if t is None:
                continue
        m = _mention_for(t, ctx)
        if m is None or m.id in actor_ids or not _is_actorish(m, ctx):
            continue
        c = ctx.country_of(m.id)
        if c is None or c in actor_countries:
            continue
        out.append(m)
    return out


def _other_party(sent, tok, ctx: Context, actor_countries: set) -> list[Mention]:
    """The likeliest other party named in the sentence: a subject before an oblique,
    a state before an organisation, the nearer before the farther."""
    best, best_score = None, None
    doc = sent.doc
    for m in ctx.mentions:
        if not (sent.start_char <= m.start < sent.end_char) or m.kind in ("pronoun", "thing"):
            continue
        c = ctx.country_of(m.id)
        if not c or c in actor_countries:
            continue
        head = doc.char_span(m.start, m.end, alignment_mode="expand")
        dep = head.root.dep_ if head is not None else ""
        score = (2 if dep in ("nsubj", "nsubjpass") else 0) + (1 if len(c) == 3 and c not in NON_STATE else 0) \
            - abs(m.start - tok.idx) / 200
        if best_score is None or score > best_score:
            best, best_score = m, score
    return [best] if best is not None else []


def _main_counterpart(ctx: Context, actor_countries: set) -> list[Mention]:
    """The country a document is mostly about besides the actor's: the implicit
    addressee of statements ("We are ready")."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in ctx.mentions:
        c = ctx.country_of(m.id) if m.kind in ("place", "group", "name", "title") else None
        if c and c not in actor_countries and c not in NON_STATE:
            counts[c] = counts.get(c, 0) + 1
            first.setdefault(c, m)
    if not counts:
        return []
    top = max(counts, key=counts.get)
    return [first[top]] if counts[top] >= 2 else []


def _consumed(tok) -> set[int]:
    """Tokens inside the complement of a request, refusal or offer: what is requested
    or refused is part of this event, not an event of its own."""
    out = set()
    deps = ("xcomp", "ccomp") if tok.pos_ == "VERB" else ("xcomp", "ccomp", "prep", "acl")
    stack = [c for c in tok.children if c.dep_ in deps]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children if c.dep_ not in ("relcl", "advcl"))
    return out


FIRST_PERSON = {"we", "i", "us", "our", "my", "me"}
NON_STATE = {"IGO", "NGO", "MNC", "IMG", "EUR"}
VERBAL = {"THREATEN", "REQUEST", "AGREE", "REJECT", "ACCUSE", "SUPPORT", "CONCEDE"}
HEADS_OF_COMPLEMENT = {"REJECT", "REQUEST", "AGREE", "THREATEN", "ACCUSE", "SANCTION"}


def code(doc, ctx: Context) -> list[Event]:
    """Code every event in a parsed document, one per act (same type and dyad merged)."""
    r = rules()
    events: dict[tuple, Event] = {}
    consumed: set[int] = set()
    for sent in doc.sents:
        skip_until = -1
        for tok in sent:
            if tok.i < skip_until or tok.i in consumed:
                continue
            speaker = _speaker_at(ctx, tok.idx)
            for trig, n in _matches(tok, r):
                ev = _try(tok, trig, n, speaker, sent, ctx, r)
                if ev is None:
                    continue
                key = (ev.event, frozenset(ctx.country_of(i) or ctx.mentions[i].text for i in ev.actor_mentions),
                       frozenset(ctx.country_of(i) or ctx.mentions[i].text for i in ev.recipient_mentions))
                if key in events:
                    _merge(events[key], ev)
                else:
                    events[key] = ev
                skip_until = tok.i + n
                if ev.event in HEADS_OF_COMPLEMENT:
                    consumed |= _consumed(tok)
                break
    return list(events.values())


def _try(tok, trig: Trigger, n: int, speaker: int | None, sent, ctx: Context, r: Rules) -> Event | None:
    """One trigger at one token: an event if every condition of the trigger holds."""
    verb = _verb_of(tok) if trig.pos != "verb" else tok
    if verb is tok and verb.lemma_.lower() in r.speech_verbs and trig.event not in ("REQUEST", "ACCUSE", "REJECT"):
        return None
    if trig.speech and speaker is None:
        return None
    comp = _complement_words(tok)
    if trig.needs and not comp & trig.needs:
        return None
    if trig.objects and not comp & trig.objects:
        return None
    if trig.needs_verb and verb.lemma_.lower() not in trig.needs_verb:
        return None
    flags = _flags(tok, verb, r, speaker is not None)
    if trig.needs_modal and not ({"future", "hypothetical"} & set(flags) or verb.lemma_.lower() in r.intent):
        return None
    event = trig.event
    mode = dict(trig.mode_by_word).get(tok.lemma_.lower(), trig.mode)
    for m_name, words in trig.modes:
        if comp & words:
            mode = m_name
            break
    if event == "RETREAT" and _condition(tok):
        event, mode = "REQUEST", "yield"
        flags = [f for f in flags if f not in ("hypothetical", "negation")]
    actors = _actor_mentions(tok, trig, verb, speaker, ctx)
    if not actors or not any(_is_actorish(m, ctx) for m in actors):
        return None
    if trig.not_actor_sectors and any(m.sector in trig.not_actor_sectors or m.kind == "place" for m in actors):
        return None
    actor_countries = {ctx.country_of(m.id) for m in actors} - {None}
    recips = _recipient_mentions(tok, trig, event, verb, actors, ctx)
    if trig.needs_recipient and not recips:
        return None
    if not recips:
        recips = _other_party(sent, tok, ctx, actor_countries)
    if not recips and (speaker is not None or event in ("ACCUSE", "REQUEST", "REJECT", "THREATEN", "AGREE")):
        recips = _main_counterpart(ctx, actor_countries)
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    text = sent.text.strip()
    date, source = _event_date(tok, verb, ctx, sent, trig.speech)
    return Event(
        id="", event=event, mode=mode, actor=[], recipient=[], date=date, date_source=source,
        date_precision="none", aux=flags, confidence=_confidence(trig, actors, recips, speaker),
        reports=[Report(doc=ctx.doc_id, evidence=[Span(start, start + len(text), text)], outlet=ctx.outlet)],
        score=r.scores.get(event), actor_mentions=[m.id for m in actors], recipient_mentions=[m.id for m in recips],
        speaker_mention=speaker, trigger=tok.doc[tok.i: tok.i + n].text,
    )


def _confidence(trig: Trigger, actors: list[Mention], recips: list[Mention], speaker: int | None) -> float:
    """Higher when the parse names both parties; lower for speech-only cues and guesses."""
    c = 0.9 if trig.pos == "verb" else 0.75
    if trig.speech:
        c -= 0.2
    if not recips:
        c -= 0.15
    if any(m.kind == "pronoun" for m in actors):
        c -= 0.05
    return round(max(0.1, c), 2)


def _merge(into: Event, other: Event) -> None:
    """One act told in several sentences of a document: one event, several evidence spans."""
    spans = into.reports[0].evidence
    if all(s.start != other.reports[0].evidence[0].start for s in spans):
        spans.extend(other.reports[0].evidence)
    if into.date != other.date and "timex" not in (into.date_source, other.date_source):
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
