"""The coder's grammar: the trigger table (``data/events.toml``) as typed rules, the
words lists the other parts share, the context a document is coded in, and small
readings of the dependency parse (the clause verb, its subject, flags, tense).

Used by ``roles.py`` (who did it to whom), ``dates.py`` (when) and ``coder.py``
(what: triggers, the learned typer, one event per act)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

from ..model import Mention, Quote, Timex, best_mention


_GRAMMAR = tomllib.loads((resources.files("eventwatch") / "data" / "events.toml").read_text("utf-8"))["grammar"]
ARG_PREPS = frozenset(_GRAMMAR["recipient_prepositions"])
LIGHT_VERBS = frozenset(_GRAMMAR["light_verbs"])
MEASURES = frozenset(_GRAMMAR["measure_nouns"])
BACKGROUND_MARKS = frozenset(_GRAMMAR["background_conjunctions"])
FIRST_PERSON = frozenset(_GRAMMAR["first_person"])
LOCATIVE = frozenset(_GRAMMAR["locative_prepositions"])
SUBJ = ("nsubj", "nsubjpass", "csubj")
PRESENT_TAGS = {"VBP", "VBZ", "MD"}
FROM = frozenset({"from"})
PEOPLE_WORDS = frozenset(_GRAMMAR.get("people_words", []))
SPAN_PREPS = frozenset(_GRAMMAR.get("span_preps", []))
RECIPROCAL_VERBS = frozenset(_GRAMMAR.get("reciprocal_verbs", []))
RETALIATION = frozenset(_GRAMMAR.get("retaliation_words", []))
RETALIATION_MARKS = frozenset(_GRAMMAR.get("retaliation_marks", []))
CONTRAST_MARKS = frozenset(_GRAMMAR.get("contrast_conjunctions", []))
NO_ACT_DETERMINERS = frozenset(_GRAMMAR.get("no_act_determiners", []))
BULLETS = frozenset(_GRAMMAR.get("bullets", []))
ENDING_VERBS = frozenset(_GRAMMAR.get("ending_verbs", []))
REFERENCE_HEADS = frozenset(_GRAMMAR.get("reference_heads", []))
PLEDGE_NOUNS = frozenset(_GRAMMAR.get("pledge_nouns", []))
HABITUAL = frozenset(_GRAMMAR.get("habitual_adverbs", []))
WARNING_VERBS = frozenset(_GRAMMAR.get("warning_verbs", []))
CHARGE_PREPS = frozenset(_GRAMMAR.get("charge_prepositions", []))
MATERIAL_CONFLICT = {"ASSAULT", "COERCE", "MOBILIZE", "COOPERATE", "PROTEST"}
PLACE_RECIPIENT = {"COERCE"}  # with no party named, sabotage or a blockade falls on the place it is in
VERBAL = {"THREATEN", "REQUEST", "AGREE", "REJECT", "ACCUSE", "SUPPORT", "CONCEDE"}
HEADS_OF_COMPLEMENT = {"REJECT", "REQUEST", "AGREE", "THREATEN", "ACCUSE", "SANCTION", "CONCEDE"}


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
    passive: bool = False
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
    symmetric: frozenset[str] = frozenset({"CONSULT", "COOPERATE"})
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
            passive=row.get("passive", False),
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
    r.symmetric = frozenset(_GRAMMAR.get("symmetric", r.symmetric))
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


def _headline_passive(verb) -> bool:
    """"All trade with Peru suspended", "Border crossing closed to all transit": a headline's
    or bulletin's passive without its auxiliary, which the parser reads as a past tense with
    the measure as its subject: no auxiliary, no object, in a bulleted line or one that does
    not end as a sentence does ("Talks with Peru ended." is a report, not a headline)."""
    if verb.tag_ not in ("VBD", "VBN") or any(c.dep_ in ("aux", "auxpass", "dobj", "ccomp", "xcomp") for c in verb.children):
        return False
    sent = verb.sent
    words = [t for t in sent if not t.is_space]
    if words and words[0].text in BULLETS or sent.start > 0 and sent.doc[sent.start - 1].text in BULLETS:
        return True  # "• Visa scheme for Peruvians cancelled.": a bulleted list keeps headline grammar
    return not (words and words[-1].is_punct and words[-1].text in ".!?\"”'’")


def _complement_words(tok, skip: frozenset = frozenset()) -> set[str]:
    """Words of the trigger's objects and complements, two levels down; ``skip``:
    prepositions whose phrases are left out."""
    out = set()
    for c in tok.children:
        if c.lower_ in skip:
            continue
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and tok.pos_ in ("VERB", "AUX"):
            continue  # "closed the border and cancelled the visas": the second act's object is its own
        if c.dep_ == "advcl" and c.tag_ == "VBG" and not any(g.dep_ in ("mark", "aux") for g in c.children):
            continue  # "revoked the scheme, effectively banning travel": a consequence, not the object
        patient = c.dep_ == "nsubj" and _headline_passive(tok)  # "Visa scheme for Peruvians cancelled"
        if patient or c.dep_ in ("dobj", "xcomp", "ccomp", "pobj", "prep", "attr", "nsubjpass", "advcl", "acl", "compound", "amod", "conj", "prt", "dative", "oprd", "acomp"):
            out.add(c.lemma_.lower())
            out.add(c.lower_)
            for g in c.children:
                if g.dep_ in ("dobj", "pobj", "prep", "xcomp", "compound", "nsubj", "amod"):
                    out.add(g.lemma_.lower())
                    out.add(g.lower_)
                    if g.dep_ == "amod":
                        out |= {x.lower_ for x in g.conjuncts}  # "measures unilateral, unjust and irresponsible"
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
            elif c.dep_ == "prep" and c.lower_ in ARG_PREPS | ({"of", "over"} if t.pos_ == "NOUN" else set()):
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
        if _in_reference(t):
            continue  # "in accordance with the UN Charter": a reference, not a party
        expanded.extend(_expand_conj(t))
    return expanded


def _in_reference(tok) -> bool:
    """Is the word inside a phrase that cites rather than names a party ("in accordance
    with the UN Charter", "according to Chinese media")?"""
    t = tok
    for _ in range(4):
        if t.dep_ == "prep" and t.head.lower_ in REFERENCE_HEADS or t.lower_ in REFERENCE_HEADS and t.dep_ == "prep":
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _ancestors(tok, n: int = 4):
    t = tok
    for _ in range(n):
        if t.head.i == t.i:
            return
        t = t.head
        yield t


def _governors(verb):
    """The verbs a clause hangs from ("plans to raise", "may be considered"), stopping at
    a coordinated or juxtaposed clause or a semicolon: in "agreed on steps; both must not
    fire", the second clause's negation is not the first one's."""
    t = verb
    for a in _ancestors(verb):
        lo, hi = sorted((t.i, a.i))
        if t.dep_ in ("conj", "parataxis") or any(x.text == ";" for x in verb.doc[lo:hi]):
            return
        yield a
        t = a


def _flags(tok, verb, r: Rules, in_speech: bool) -> list[str]:
    """Auxiliary flags from the words around the trigger and the verbs it hangs from
    ("will not consider", "plans to raise the issue of sanctions", "may be considered")."""
    flags = []
    chain = [tok, verb] + [a for a in _governors(verb) if a.pos_ in ("VERB", "AUX", "ADJ") and a.lemma_.lower() not in r.speech_verbs][:2]
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


def r_state_sectors() -> frozenset[str]:
    return rules().state_sectors
