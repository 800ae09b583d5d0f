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

from .model import Event, Mention, Quote, Report, Span, Timex

ARG_PREPS = {"with", "to", "against", "on", "toward", "towards", "from", "at"}
LIGHT_VERBS = {"send", "make", "issue", "announce", "declare", "present", "put", "submit", "extend", "voice", "express", "lodge", "have", "give", "hold", "raise", "launch", "deliver", "lay", "push", "reject", "accept", "consider", "receive", "describe"}
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


def _match(tok, r: Rules) -> tuple[Trigger, int] | None:
    """The trigger this token starts, and how many tokens the phrase spans."""
    cands = r.by_word.get(tok.lemma_.lower(), []) + (r.by_word.get(tok.lower_, []) if tok.lower_ != tok.lemma_.lower() else [])
    doc = tok.doc
    best = None
    for parts, trig in cands:
        n = len(parts)
        if tok.i + n > len(doc):
            continue
        span = doc[tok.i: tok.i + n]
        if n > 1 and [t.lemma_.lower() for t in span][1:] != list(parts[1:]) and [t.lower_ for t in span][1:] != list(parts[1:]):
            continue
        if not _pos_ok(tok, trig.pos):
            continue
        if best is None or n > best[1]:
            best = (trig, n)
    return best


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


def _flags(tok, verb, r: Rules, in_speech: bool) -> list[str]:
    flags = []
    chain = [tok, verb] + ([verb.head] if verb.dep_ in ("xcomp", "ccomp") else [])
    words = {c.lower_ for t in chain for c in t.children if c.dep_ in ("aux", "neg", "advmod", "mark", "auxpass", "det")}
    lemmas = {t.lemma_.lower() for t in chain}
    if words & r.negation or any(c.dep_ == "neg" for t in chain for c in t.children):
        flags.append("negation")
    if words & r.hypothetical or any(c.lower_ in r.hypothetical for c in verb.subtree if c.dep_ == "mark"):
        flags.append("hypothetical")
    elif words & r.future or lemmas & r.intent - {tok.lemma_.lower()}:
        flags.append("future")
    if "future" not in flags and "hypothetical" not in flags:
        past = verb.tag_ in ("VBD", "VBN") and not in_speech
        if past and (words & r.historical or any(c.lower_ in ("had",) for c in verb.children)):
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


def _speaker_at(ctx: Context, char: int, by_span: dict) -> int | None:
    for q in ctx.quotes:
        if q.start <= char < q.end and q.speaker_span is not None:
            m = by_span.get((q.speaker_span.start, q.speaker_span.end)) or _mention_covering(ctx, q.speaker_span.start)
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
    return m is not None and (m.kind in ("name", "pronoun") or ctx.country_of(m.id) is not None or m.sector is not None)


def _event_date(tok, verb, ctx: Context, sent) -> tuple[str | None, bool]:
    """(value, governed): the timex of the trigger's clause, else the report date for present
    statements, else nothing."""
    in_sent = [t for t in ctx.timexes if sent.start_char <= t.start < sent.end_char and t.type == "DATE"]
    if in_sent:
        clause = {t.idx for t in verb.subtree}
        gov = [t for t in in_sent if any(sent.start_char <= i < sent.end_char and t.start <= i < t.end for i in clause)]
        pick = gov[0] if gov else None
        if pick is None and len(in_sent) == 1 and verb.dep_ == "ROOT":
            pick = in_sent[0]
        if pick is not None:
            return pick.value if pick.value and not pick.value.endswith("REF") else None, True
    return (ctx.published if _present(verb) else None), False


def code(doc, ctx: Context) -> list[Event]:
    """Code every event in a parsed document, one per act (same type and dyad merged)."""
    r = rules()
    by_span = {(m.start, m.end): m for m in ctx.mentions}
    events: dict[tuple, Event] = {}
    skip_until = -1
    for sent in doc.sents:
        for tok in sent:
            if tok.i < skip_until:
                continue
            hit = _match(tok, r)
            if hit is None:
                continue
            trig, n = hit
            verb = _verb_of(tok) if trig.pos != "verb" else tok
            if verb.lemma_.lower() in r.speech_verbs and verb is tok:
                continue
            speaker = _speaker_at(ctx, tok.idx, by_span)
            in_speech = speaker is not None
            if trig.speech and not in_speech:
                continue
            comp = _complement_words(tok)
            if trig.needs and not comp & trig.needs:
                continue
            if trig.objects and not comp & trig.objects:
                continue
            if trig.needs_verb and verb.lemma_.lower() not in trig.needs_verb:
                continue
            flags = _flags(tok, verb, r, in_speech)
            if trig.needs_modal and not ({"future", "hypothetical"} & set(flags) or verb.lemma_.lower() in r.intent):
                continue
            event, mode = trig.event, trig.mode
            mode = dict(trig.mode_by_word).get(tok.lemma_.lower(), mode)
            for m_name, words in trig.modes:
                if comp & words:
                    mode = m_name
                    break
            if event == "RETREAT" and any(c.dep_ == "advcl" and any(g.lower_ in ("if", "until", "unless") for g in c.children) for c in tok.children):
                event, mode = "REQUEST", "yield"
                flags = [f for f in flags if f != "hypothetical"]
            # actor
            if trig.pos == "verb":
                subj = _subject(tok)
            elif trig.pos == "adj":
                subj = _subject(verb)
            else:
                subj = _noun_actor(tok) or (None if not in_speech else None)
            actors = []
            if subj is not None:
                for s in _expand_conj(subj):
                    m = _mention_for(s, ctx)
                    if m is not None:
                        actors.append(m)
            if actors and all(m.kind == "pronoun" and m.text.lower() in ("we", "i", "us", "our", "my") for m in actors) and speaker is not None:
                actors = [ctx.mentions[speaker]]
            if not actors and in_speech and trig.speech:
                actors = [ctx.mentions[speaker]]
            if not actors or not any(_is_actorish(m, ctx) for m in actors):
                continue
            actor_countries = {ctx.country_of(m.id) for m in actors} - {None}
            # recipient
            recips = []
            for t in _recipients(tok, event):
                m = _mention_for(t, ctx)
                if m is not None and _is_actorish(m, ctx) and m.id not in {a.id for a in actors}:
                    c = ctx.country_of(m.id)
                    if c and c in actor_countries:
                        continue
                    recips.append(m)
            if not recips and (trig.speech or event in ("ACCUSE", "REQUEST", "THREATEN", "REJECT")):
                recips = _other_party(sent, tok, ctx, actor_countries)
            if trig.needs_recipient and not recips:
                continue
            date, _ = _event_date(tok, verb, ctx, sent)
            start, end = sent.start_char, sent.end_char
            text = doc.text[start:end].strip()
            start = start + (len(doc.text[start:end]) - len(doc.text[start:end].lstrip()))
            ev = Event(
                id="", event=event, mode=mode, actor=[], recipient=[], date=date,
                date_precision="none", aux=flags, confidence=0.8 if subj is not None and recips else 0.6,
                reports=[], score=r.scores.get(event), actor_mentions=[m.id for m in actors],
                recipient_mentions=[m.id for m in recips], speaker_mention=speaker, trigger=doc[tok.i: tok.i + n].text,
            )
            ev.reports = [_report(ctx, start, start + len(text), text)]
            key = (event, frozenset(actor_countries) or frozenset(m.text for m in actors),
                   frozenset(ctx.country_of(m.id) or m.text for m in recips))
            if key in events:
                _merge(events[key], ev)
            else:
                events[key] = ev
            skip_until = tok.i + n
    return list(events.values())


def _other_party(sent, tok, ctx: Context, actor_countries: set) -> list[Mention]:
    """A country or organisation named in the sentence that is not the actor's own."""
    best = None
    for m in ctx.mentions:
        if sent.start_char <= m.start < sent.end_char and m.kind in ("place", "group", "name", "title"):
            c = ctx.country_of(m.id)
            if c and c not in actor_countries:
                if best is None or abs(m.start - tok.idx) < abs(best.start - tok.idx):
                    best = m
    return [best] if best is not None else []


def _report(ctx: Context, start: int, end: int, text: str) -> Report:
    return Report(doc=ctx.doc_id, evidence=[Span(start, end, text)], outlet=ctx.outlet)


def _merge(into: Event, other: Event) -> None:
    """One act told in several sentences of a document: one event, several evidence spans."""
    spans = into.reports[0].evidence
    if all(s.start != other.reports[0].evidence[0].start for s in spans):
        spans.extend(other.reports[0].evidence)
    into.date = into.date or other.date
    into.mode = into.mode or other.mode
    into.confidence = max(into.confidence, other.confidence)
    if into.speaker_mention is None:
        into.speaker_mention = other.speaker_mention
