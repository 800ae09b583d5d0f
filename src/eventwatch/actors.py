"""Actors: who a name, title or pronoun refers to, with country, sector and role.

Three sources of knowledge, all data: the starter file ``data/actors/world.toml``
(states with name forms, demonyms and capitals; organisations), ``data/roles.toml``
(titles and institution words that give sector and role), and the user's own actor
files (people, local organisations). The registry feeds spaCy an entity ruler so that
"Belarus" is a place, not an organisation.

Names are compared after transliteration folding (Łukašenka = Lukashenka =
Lukashenko): ASCII folding, digraph folding (sh/zh/ch/kh, ya/yu), Belarusian and
Russian endings (-ka/-ko, -oŭ/-ov), then a consonant skeleton used for blocking and
rapidfuzz for the final decision.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from rapidfuzz import fuzz
from unidecode import unidecode

from .model import Actor, Analysis, Mention

PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}
PRONOUNS_GROUP = {"we", "us", "our", "they", "them", "their", "i", "me", "my"}
_DIGRAPHS = [("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "z"), ("ch", "c"), ("kh", "h"), ("tz", "c"),
             ("ts", "c"), ("x", "ks"), ("ph", "f"), ("w", "v"), ("ya", "a"), ("yu", "u"), ("ye", "e"),
             ("ia", "a"), ("iu", "u"), ("y", "i"), ("j", "i"), ("q", "k"), ("ck", "k")]
_ENDINGS = [("ou", "ov"), ("au", "ov"), ("aw", "ov"), ("ka", "k"), ("ko", "k"), ("ii", "i"), ("iy", "i")]
_VOWELS = set("aeiou")


def fold(name: str) -> str:
    """Transliteration-folded form of a name: lower ASCII, digraphs and endings normalised."""
    s = unidecode(name or "").lower()
    s = re.sub(r"[^a-z ]+", " ", s)
    words = []
    for w in s.split():
        for a, b in _DIGRAPHS:
            w = w.replace(a, b)
        for a, b in _ENDINGS:
            if w.endswith(a) and len(w) > len(a) + 2:
                w = w[: -len(a)] + b
                break
        w = re.sub(r"(.)\1+", r"\1", w)
        words.append(w)
    return " ".join(words)


def skeleton(word: str) -> str:
    """Consonants of a folded word: vowels are what transliterations disagree on most."""
    return "".join(c for c in word if c not in _VOWELS and c != " ")


def same_word(a: str, b: str) -> bool:
    """Two folded name words that can be the same name in another transliteration."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:
        return False
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and len(sa) >= 2:
        return fuzz.ratio(a, b) >= 70
    return fuzz.ratio(a, b) >= 88 and min(len(a), len(b)) >= 5


def same_person(a: str, b: str) -> bool:
    """Full names (or a surname against a full name) that denote the same person."""
    fa, fb = fold(a).split(), fold(b).split()
    if not fa or not fb:
        return False
    if not same_word(fa[-1], fb[-1]):
        return False
    if len(fa) > 1 and len(fb) > 1:
        return same_word(fa[0], fb[0]) or fa[0][0] == fb[0][0] and len(fa[0]) <= 2
    return True


@dataclass
class Role:
    words: tuple[str, ...]
    role: str
    sector: str
    person: bool


@dataclass
class Registry:
    actors: list[Actor] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    by_alias: dict[str, Actor] = field(default_factory=dict)  # exact alias -> actor
    by_demonym: dict[str, Actor] = field(default_factory=dict)
    people: list[Actor] = field(default_factory=list)
    _roles_by_phrase: dict[str, Role] = field(default_factory=dict)
    _max_role_words: int = 1

    def add(self, actor: Actor, demonyms: Iterable[str] = ()) -> None:
        self.actors.append(actor)
        for alias in {actor.name, *actor.aliases}:
            self.by_alias.setdefault(alias, actor)
            self.by_alias.setdefault(alias.lower(), actor)
        for d in demonyms:
            self.by_demonym.setdefault(d.lower(), actor)
        if actor.kind == "person":
            self.people.append(actor)

    def finish(self) -> "Registry":
        self._roles_by_phrase = {}
        for r in self.roles:
            for w in r.words:
                self._roles_by_phrase.setdefault(w, r)
        self._max_role_words = max((len(w.split()) for w in self._roles_by_phrase), default=1)
        return self

    def lookup(self, text: str) -> Actor | None:
        """An actor known by exactly this name or demonym, or a person by folded name."""
        t = text.strip()
        t = re.sub(r"^(the)\s+", "", t, flags=re.I)
        t = re.sub(r"[’']s$", "", t)
        hit = self.by_alias.get(t) or self.by_alias.get(t.lower()) or self.by_demonym.get(t.lower())
        if hit:
            return hit
        return self.person(t)

    def person(self, name: str) -> Actor | None:
        for p in self.people:
            if any(same_person(name, a) for a in (p.name, *p.aliases)):
                return p
        return None

    def role_in(self, text: str) -> Role | None:
        """The longest role phrase in ``text`` (lower-cased, word-bounded, plural allowed).

        Looks up every word n-gram in a dict, so the cost is the text's length, not the
        number of role phrases: this runs for every noun phrase of every document."""
        words = re.findall(r"[\w'’.-]+", text.lower())
        best: tuple[int, Role] | None = None
        for i in range(len(words)):
            for n in range(min(self._max_role_words, len(words) - i), 0, -1):
                gram = " ".join(words[i: i + n])
                r = self._roles_by_phrase.get(gram) or (self._roles_by_phrase.get(gram[:-1]) if gram.endswith("s") else None)
                if r is not None:
                    if best is None or n > best[0]:
                        best = (n, r)
                    break
        return best[1] if best else None

    def ruler_patterns(self) -> list[dict]:
        pats = []
        label = {"state": "GPE", "organisation": "ORG", "group": "NORP", "person": "PERSON"}
        for a in self.actors:
            for alias in {a.name, *a.aliases}:
                if len(alias) > 1:
                    pats.append({"label": label.get(a.kind, "ORG"), "pattern": alias, "id": a.name})
        for d, a in self.by_demonym.items():
            for form in {d, d.title(), d.capitalize()}:
                pats.append({"label": "NORP", "pattern": form, "id": a.name})
        return pats


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"actor file {path}: {e}") from None


def _actors_from(data: dict) -> Iterable[tuple[Actor, list[str]]]:
    for row in data.get("actor", []):
        yield Actor(
            name=row["name"], country=row.get("country"), sector=row.get("sector"), role=row.get("role"),
            aliases=list(row.get("aliases", [])), kind=row.get("kind", "person"),
            valid_from=row.get("valid_from"), valid_to=row.get("valid_to"),
        ), list(row.get("demonyms", []))


@lru_cache(maxsize=8)
def load_registry(user_files: tuple[str, ...] = ()) -> Registry:
    """Starter actors and roles, then the user's files (which win on a shared alias)."""
    reg = Registry()
    data = resources.files("eventwatch") / "data"
    for path in user_files:
        for actor, demonyms in _actors_from(_read_toml(Path(path))):
            reg.add(actor, demonyms)
    world = data / "actors" / "world.toml"
    if world.is_file():
        for actor, demonyms in _actors_from(tomllib.loads(world.read_text("utf-8"))):
            reg.add(actor, demonyms)
    roles = data / "roles.toml"
    if roles.is_file():
        for row in tomllib.loads(roles.read_text("utf-8")).get("role", []):
            reg.roles.append(Role(tuple(w.lower() for w in row["words"]), row["role"], row["sector"], bool(row.get("person", True))))
    return reg.finish()


# --- mentions in one parsed document -------------------------------------------------

_NP_DEPS = {"compound", "amod", "poss", "det", "nmod", "appos", "prep", "pobj", "case", "nummod", "punct", "cc", "conj"}


def np_tokens(head) -> list:
    """The noun phrase of ``head``: its modifiers and of-phrases, not its clauses."""
    out = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "cc") :
            continue
        if child.dep_ == "prep" and child.lower_ not in ("of", "from", "in"):
            continue
        out.extend(np_tokens(child))
    return sorted(out, key=lambda t: t.i)


def entity_at(doc, i: int):
    """The named entity covering token ``i`` (``doc.ents`` rebuilds its tuple on every
    access, so the token-to-entity map is built once per document and cached on it)."""
    index = doc.user_data.get("eventwatch_ents")
    if index is None:
        index = {t: e for e in doc.ents for t in range(e.start, e.end)}
        doc.user_data["eventwatch_ents"] = index
    return index.get(i)


def _country_in(tokens, reg: Registry, skip=None) -> str | None:
    doc = tokens[0].doc if tokens else None
    for t in tokens:
        if t is skip:
            continue
        if t.ent_type_ in ("GPE", "NORP", "ORG") and doc is not None:
            span = entity_at(doc, t.i)
            hit = reg.lookup(span.text if span is not None else t.text)
            if hit and hit.kind in ("state", "organisation") and hit.country:
                return hit.country
        hit = reg.by_demonym.get(t.lower_)
        if hit:
            return hit.country
    return None


def _hint_tokens(head, toks: list) -> list:
    """Words beyond the phrase that describe a named person: the noun it is in apposition
    to ("the head of the Lithuanian department, Agne Bilotaite") or its own apposition."""
    extra = []
    if head.dep_ == "appos" and head.head.pos_ in ("NOUN", "PROPN"):
        extra = np_tokens(head.head)
    for c in head.children:
        if c.dep_ == "appos":
            extra.extend(np_tokens(c))
    return [t for t in extra if t not in toks]


def describe(head, reg: Registry, mid: int) -> Mention:
    """A mention for the noun phrase headed by ``head``, with what the words tell."""
    doc = head.doc
    toks = np_tokens(head)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = doc[toks[0].i: toks[-1].i + 1].text
    ent = entity_at(doc, head.i)
    m = Mention(id=mid, start=start, end=end, text=text, kind="thing", sentence=0)
    if head.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP and head.pos_ == "PRON":
        m.kind = "pronoun"
        m.start, m.end, m.text = head.idx, head.idx + len(head.text), head.text
        return m
    person_name = False
    if ent is not None and ent.label_ in ("PERSON", "GPE", "NORP", "ORG", "FAC", "LOC"):
        m.label = ent.label_
        m.text = ent.text
        m.start, m.end = ent.start_char, ent.end_char
        actor = reg.lookup(ent.text)
        if ent.label_ == "PERSON" or (actor and actor.kind == "person"):
            m.kind, person_name = "name", True
            m.label = "PERSON"
        elif actor:
            m.kind = "place" if actor.kind == "state" else "group"
        else:
            m.kind = "group" if ent.label_ in ("ORG", "NORP") else "place"
        if actor:
            m.actor, m.country, m.sector, m.role = actor.name, actor.country, actor.sector, actor.role
    hint = toks + (_hint_tokens(head, toks) if person_name else [])
    role = reg.role_in(" ".join(t.text for t in hint))
    if role is not None and (ent is None or person_name or head.ent_type_ == ""):
        if not (m.actor and person_name):
            m.sector = role.sector
            m.role = m.role or role.role
        if ent is None or head.ent_type_ == "":
            m.kind = "title" if role.person else "group"
            m.text, m.start, m.end = text, start, end
    if not m.country:
        outside = [t for t in hint if ent is None or not (ent.start <= t.i < ent.end)]
        m.country = _country_in(outside, reg)
    return m


def find_mentions(doc, reg: Registry) -> list[Mention]:
    """Every actor-like noun phrase and pronoun, with in-document antecedents for
    pronouns and bare titles ("he", "the minister")."""
    mentions: list[Mention] = []
    sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
    heads = [ent.root for ent in doc.ents if ent.label_ in ("PERSON", "GPE", "NORP", "ORG")]
    for t in doc:
        if t.pos_ == "PRON" and t.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            heads.append(t)
        elif t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "ROOT", "conj", "attr", "dative"):
            if reg.role_in(t.text) or reg.role_in(" ".join(x.text for x in np_tokens(t))):
                heads.append(t)
    seen = set()
    for h in sorted(set(heads), key=lambda t: t.i):
        if h.i in seen:
            continue
        seen.add(h.i)
        m = describe(h, reg, len(mentions))
        m.sentence = sent_of.get(h.i, 0)
        mentions.append(m)
    link_antecedents(mentions)
    return mentions


def _role_word(role: str | None) -> str:
    """The head word of a role: "Minister of Foreign Affairs" -> "minister"."""
    words = (role or "").lower().split(",")[0].split(" of ")[0].split()
    return words[-1] if words else ""


POSSESSIVE = ("his ", "her ", "their ", "its ")
STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG"}


def link_antecedents(mentions: list[Mention]) -> None:
    """Pronouns and bare titles point at the most recent compatible person ("he", "the
    minister", "Lithuania's top diplomat"): same country, and a role that contains the
    title's word, else the same sector within three sentences. "His foreign minister" is
    someone else, of the possessor's country. An institution named without a country
    ("the Foreign Ministry") takes the country of the officials around it."""
    people: list[Mention] = []
    last_country: str | None = None
    for m in mentions:
        low = m.text.lower()
        if m.kind == "name" and m.label == "PERSON":
            people.append(m)
        elif m.kind == "pronoun" and low in PRONOUNS_PERSON:
            if people:
                m.antecedent = people[-1].id
        elif m.kind == "title" and low.startswith(POSSESSIVE):
            if people and not m.country:
                m.country = people[-1].country or _country_of_chain(people[-1], mentions)
            people.append(m)
        elif m.kind == "title":
            if people and m.start <= people[-1].start < m.end:
                continue  # "Foreign Minister X": the title of the name inside it
            same = [p for p in reversed(people) if not (m.country and p.country and m.country != p.country)]
            want = _role_word(m.role)
            match = next((p for p in same if want and p.role and want in p.role.lower()), None)
            if match is None:
                match = next((p for p in same if p.sector == m.sector and m.sentence - p.sentence <= 5), None)
            if match is None:
                match = next((p for p in same if p.sector is None and m.sentence - p.sentence <= 3), None)
            if match is not None:
                m.antecedent = match.id
            else:
                people.append(m)
        elif m.kind == "group" and m.role and not m.country and last_country and low.startswith("the ") \
                and m.sector in STATE_SECTORS:
            m.country = last_country
        if m.country and m.kind in ("name", "title") and m.sector in (None, "GOV"):
            last_country = m.country


def _country_of_chain(m: Mention, mentions: list[Mention]) -> str | None:
    seen = set()
    while m.antecedent is not None and m.id not in seen:
        seen.add(m.id)
        m = mentions[m.antecedent]
    return m.country


def entity_of(m: Mention, by_id: dict[int, Mention], people: dict[str, Actor] | None = None) -> dict:
    """The contract's entity for a mention, following antecedents."""
    seen = set()
    while m.antecedent is not None and m.antecedent not in seen:
        seen.add(m.id)
        m = by_id[m.antecedent]
    name = m.actor or m.text
    country, sector, role = m.country, m.sector, m.role
    if people and m.kind == "name" and m.actor in people:
        p = people[m.actor]
        country, sector, role = p.country or country, p.sector or sector, p.role or role
    return {"name": name, "country": country, "sector": sector or ("GOV" if m.kind == "place" else None), "role": role}


# --- across documents (main process) ---------------------------------------------------

def resolve_people(analyses: list[Analysis], known: Iterable[Actor]) -> list[Actor]:
    """Group person mentions across documents by transliteration-folded name; each group
    is one actor with the registry's facts or, failing that, what the titles say."""
    people: list[Actor] = [a for a in known if a.kind == "person"]
    hints: dict[str, Counter] = {}
    for a in analyses:
        for m in a.mentions:
            if m.kind != "name" or m.label != "PERSON":
                continue
            actor = next((p for p in people if any(same_person(m.text, x) for x in (p.name, *p.aliases))), None)
            if actor is None:
                actor = Actor(name=m.text, aliases=[m.text], inferred=True)
                people.append(actor)
            elif m.text not in actor.aliases and m.text != actor.name:
                actor.aliases.append(m.text)
                if actor.inferred and len(m.text.split()) > len(actor.name.split()):
                    actor.name = m.text
            m.actor = actor.name
            c = hints.setdefault(id(actor), Counter())
            for key, val in (("country", m.country), ("sector", m.sector), ("role", m.role)):
                if val:
                    c[(key, val)] += 1
    for p in people:
        c = hints.get(id(p))
        if not c:
            continue
        for key in ("country", "sector", "role"):
            if getattr(p, key) is None:
                best = [v for (k, v), _ in c.most_common() if k == key]
                if best:
                    setattr(p, key, best[0])
    by_alias = {x: p for p in people for x in (p.name, *p.aliases)}
    for a in analyses:
        for m in a.mentions:
            if m.kind == "name" and m.label == "PERSON":
                m.actor = by_alias.get(m.actor, None).name if by_alias.get(m.actor) else m.actor
    return people
