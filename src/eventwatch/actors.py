"""Actors: who a name, title or pronoun refers to, with country, sector and role.

Knowledge is all data: the starter files ``data/actors/world.toml`` (states with name
forms, demonyms and capitals; organisations) and ``data/actors/people.toml`` (well-known
leaders with their offices, a reference list: see ``may_be``), ``data/places.tsv`` (towns
and regions that point to one country), ``data/roles.toml`` (titles and institution words
that give sector and role, and words that are never part of a person's name), and the
user's own actor files (people, local organisations), which win on a shared name. The
registry feeds spaCy an entity ruler so that "Belarus" is a place, not an organisation.

Per document (in the workers): spaCy's PERSON entities are completed from the text itself
(a name after a title, a surname repeated without its first name, a first name spaCy cut
off) and each mention gets what its own words, its appositions and its sentence say about
country, sector and role; titles and pronouns point at the most recent compatible person.
Across documents (in the main process): person mentions are grouped by
transliteration-folded name, and an unknown person becomes a provisional actor, marked
inferred, with the country, sector and role most of its mentions support.

Names are compared after transliteration folding (Łukašenka = Lukashenka = Lukashenko):
ASCII folding, digraph folding (sh/zh/ch/kh, ya/yu), Belarusian and Russian endings
(-ka/-ko, -oŭ/-ov), then a consonant skeleton used for blocking and rapidfuzz for the
final decision.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from rapidfuzz import fuzz
from unidecode import unidecode

from .model import NON_STATE, Actor, Analysis, Mention, best_mention

PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}
PRONOUNS_GROUP = {"we", "us", "our", "they", "them", "their", "i", "me", "my"}
_DIGRAPHS = [("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "z"), ("ch", "c"), ("kh", "h"), ("tz", "c"),
             ("ts", "c"), ("x", "ks"), ("ph", "f"), ("w", "v"), ("ya", "a"), ("yu", "u"), ("ye", "e"),
             ("ia", "a"), ("iu", "u"), ("y", "i"), ("j", "i"), ("q", "k"), ("ck", "k")]
_ENDINGS = [("ou", "ov"), ("au", "ov"), ("aw", "ov"), ("ka", "k"), ("ko", "k"), ("ii", "i"), ("iy", "i")]
_VOWELS = set("aeiou")
_SHORT_U = re.compile(r"(?<=[aeo])u(?=[^aeiou])")  # Belarusian ŭ after a vowel is Russian v: Ціханоўская
_POSSESSIVE = re.compile(r"\s*['’‘`´]s?$")
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’‘\-.]*$")
_WORDS = re.compile(r"[\w'’]+(?:-[\w'’]+)*|[^\w\s]")
_NOT_NAME_ENTS = {"DATE", "TIME", "GPE", "NORP", "LOC", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}


# --- transliteration folding -----------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Transliteration-folded form of a name: lower ASCII, digraphs and endings normalised."""
    s = unidecode(name or "").lower()
    s = re.sub(r"[^a-z ]+", " ", s)
    words = []
    for w in s.split():
        for a, b in _DIGRAPHS:
            w = w.replace(a, b)
        w = _SHORT_U.sub("v", w)
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


@lru_cache(maxsize=1 << 16)
def block_key(name: str) -> str:
    """Blocking key of a name: the first consonants of its folded surname. Only names that
    share it are compared with rapidfuzz, so lookups stay cheap in a large actor file."""
    words = fold(name).split()
    if not words:
        return ""
    sk = skeleton(words[-1])
    return sk[:2] if len(sk) >= 2 else words[-1][:2]


def same_word(a: str, b: str) -> bool:
    """Two folded name words that can be the same name in another transliteration.
    A feminine form is another person: Navalnaya is not Navalny, Ivanova not Ivanov."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0] or a.endswith("a") != b.endswith("a"):
        return False
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb and len(sa) >= 2:
        return fuzz.ratio(a, b) >= 70
    return fuzz.ratio(a, b) >= 88 and min(len(a), len(b)) >= 5


@lru_cache(maxsize=1)
def _name_words() -> dict[str, frozenset[str]]:
    """Word lists about names from data/roles.toml ([names]): suffixes, ethnicity words."""
    raw = tomllib.loads((resources.files("eventwatch") / "data" / "roles.toml").read_text("utf-8"))
    names = raw.get("names", {})
    return {k: frozenset(w.lower() for w in names.get(k, [])) for k in ("suffixes", "ethnicity", "provenance")}


def same_person(a: str, b: str) -> bool:
    """Full names (or a surname against a full name) that denote the same person. A
    generational suffix is no surname ("James Baker III"), and only a single letter is
    an initial ("J. Baker"; "Li" in "Li Qiang" is a name)."""
    suffixes = _name_words()["suffixes"]
    fa = [w for w in fold(a).split() if w not in suffixes] or fold(a).split()
    fb = [w for w in fold(b).split() if w not in suffixes] or fold(b).split()
    if not fa or not fb:
        return False
    if not same_word(fa[-1], fb[-1]):
        return False
    if len(fa) > 1 and len(fb) > 1:
        return same_word(fa[0], fb[0]) or fa[0][0] == fb[0][0] and min(len(fa[0]), len(fb[0])) == 1
    return True


def _spelled(word: str) -> str:
    """A word as spelled, less accents and case: stricter than ``fold``."""
    return unidecode(word).lower().strip(" .,'’")


def may_be(name: str, form: str, actor: Actor) -> bool:
    """``name`` can denote ``actor`` known as ``form``. A reference list of many famous
    people lists the surnames that stand alone ("Putin"), in the spellings news uses:
    "Brown" is not Gordon Brown, "Charles Keating" not Paul Keating."""
    if actor.reference and (" " in name.strip()) != (" " in form.strip()):
        return False  # a full name must match a full name, a surname a listed surname
    if actor.reference and " " not in name.strip():
        return _spelled(name) == _spelled(form)  # "Moody" is not "Modi", nor "Crane" "Carney"
    return same_person(name, form)


def clean_name(text: str) -> str:
    """A name as written, without a possessive ending ("Donald Trump‘s" -> "Donald Trump")."""
    return _POSSESSIVE.sub("", text.strip()).strip(" ,.;:")


# --- the registry ---------------------------------------------------------------------

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
    not_name: set[str] = field(default_factory=set)  # lower-case words never part of a person's name
    role_by_name: dict[str, Role] = field(default_factory=dict)
    _blocks: dict[str, list[tuple[str, Actor]]] = field(default_factory=lambda: defaultdict(list))
    _role_of: dict[str, Role] = field(default_factory=dict)
    _role_index: dict[str, list[tuple[tuple[str, ...], Role]]] = field(default_factory=dict)

    def add(self, actor: Actor, demonyms: Iterable[str] = ()) -> None:
        self.actors.append(actor)
        for alias in {actor.name, *actor.aliases}:
            self.by_alias.setdefault(alias, actor)
            self.by_alias.setdefault(alias.lower(), actor)
            if _shouted(alias, actor):
                self.by_alias.setdefault(alias.upper(), actor)  # "INDIA launched ...": a lead in capitals
        for d in demonyms:
            self.by_demonym.setdefault(d.lower(), actor)
        if actor.kind == "person":
            self.people.append(actor)
            for alias in {actor.name, *actor.aliases}:
                self._blocks[block_key(alias)].append((alias, actor))

    def extended(self, extra: Iterable[Actor]) -> "Registry":
        """A copy with ``extra`` actors added (those not known yet); the cached registry
        that ``load_registry`` returns stays as the files say."""
        new = Registry(actors=list(self.actors), roles=self.roles, by_alias=dict(self.by_alias),
                       by_demonym=dict(self.by_demonym), people=list(self.people), not_name=self.not_name,
                       _blocks=defaultdict(list, {k: list(v) for k, v in self._blocks.items()}))
        for a in extra:
            if new.lookup(a.name) is None:
                new.add(a)
        return new.finish()

    def finish(self) -> "Registry":
        """Index the role phrases by their first word (longest phrase first)."""
        self._role_of = {w: r for r in self.roles for w in r.words}
        self.role_by_name = {r.role: r for r in self.roles}
        index: dict[str, list[tuple[tuple[str, ...], Role]]] = defaultdict(list)
        for phrase, role in self._role_of.items():
            words = tuple(_WORDS.findall(phrase))
            if words:
                index[words[0]].append((words, role))
        for cands in index.values():
            cands.sort(key=lambda c: -len(c[0]))
        self._role_index = dict(index)
        return self

    def lookup(self, text: str) -> Actor | None:
        """An actor known by exactly this name or demonym, or a person by folded name."""
        for t in dict.fromkeys((text.strip(), clean_name(text))):
            t = re.sub(r"^(the)\s+", "", t, flags=re.I)
            hit = self.by_alias.get(t) or self.by_alias.get(t.lower()) or self.by_demonym.get(t.lower())
            if hit:
                return hit
        return self.person(clean_name(text))

    def person(self, name: str) -> Actor | None:
        """A known person whose name (or an alias) is this one in another spelling."""
        for alias, actor in self._blocks.get(block_key(name), ()):
            if may_be(name, alias, actor):
                return actor
        return None

    def titled(self, surname: str, title: str) -> list[Actor]:
        """Known people with this surname whose office the title names: "President Bush"
        is one of the two presidents Bush even where "Bush" alone is nobody in particular."""
        want = title.split(",")[0].lower()
        last = fold(surname).split()[-1:] or [""]
        found = []
        for alias, actor in self._blocks.get(block_key(surname), ()):
            if actor not in found and actor.role and actor.role.lower().startswith(want) \
                    and same_word(last[0], (fold(alias).split() or [""])[-1]):
                found.append(actor)
        return found

    def holder(self, role: str, country: str, date: str | None) -> Actor | None:
        """The one known person who held ``role`` for ``country`` at ``date`` (an ISO date;
        an undated document is taken to be current, so a role that has ended is out, and a
        reference list's people, who span decades, are not candidates)."""
        want = role.split(",")[0].lower()
        day = date if date and re.match(r"\d{4}-\d\d-\d\d$", date) else None
        found = []
        for p in self.people:
            if p.country != country:
                continue
            for office, start, end in ((p.role, p.valid_from, p.valid_to), *p.terms):
                if not office or not office.lower().startswith(want):
                    continue  # "President of ..." holds "president"; "Vice President of ..." does not
                if p.reference and (day is None or not start):
                    continue  # an undated text may be from any of the decades the list spans
                if day is None and end or day is not None and (start and start > day or end and end < day):
                    continue
                if p not in found:
                    found.append(p)
        return found[0] if len(found) == 1 else None

    def role_spans(self, text: str) -> list[tuple[int, int, Role]]:
        """Every role phrase in ``text`` as (start, end, role), leftmost-longest; the last
        word may be plural ("border guards", "ministries")."""
        low = text.lower().replace("’", "'").replace("‘", "'")  # "Prime Minister’s Office" as written in the file
        words = [(m.start(), m.end(), m.group()) for m in _WORDS.finditer(low)]
        out = []
        i = 0
        while i < len(words):
            w = words[i][2]
            keys = [w] + ([w[:-1], w[:-2]] if w.endswith("s") else [])
            hit = None
            for key in keys:
                for phrase, role in self._role_index.get(key, ()):
                    n = len(phrase)
                    if i + n <= len(words) and _phrase_at(phrase, words, i):
                        hit = (n, role)
                        break
                if hit:
                    break
            if hit:
                n, role = hit
                out.append((words[i][0], words[i + n - 1][1], role))
                i += n
            else:
                i += 1
        return out

    def role_in(self, text: str) -> Role | None:
        """The longest role phrase in ``text``."""
        spans = self.role_spans(text)
        return max(spans, key=lambda s: s[1] - s[0])[2] if spans else None

    def canonical_role(self, role: str | None) -> str | None:
        """A free-text role in canonical words: "Press Secretary, Ministry of Foreign Affairs
        of Belarus" -> "Spokesperson, ..." (its title part names a role in roles.toml)."""
        if not role:
            return role
        head, _, rest = role.partition(",")
        if head in self.role_by_name:
            return role
        spans = self.role_spans(head)
        if not spans:
            return role
        found = max(spans, key=lambda s: s[1] - s[0])
        if found[0] > 0 and head[:found[0]].strip():
            return role
        return found[2].role + ("," + rest if rest else "") + head[found[1]:]

    def is_person_role(self, role: str | None) -> bool:
        r = self.role_by_name.get((role or "").split(",")[0])
        return bool(r and r.person)

    def ruler_patterns(self) -> list[dict]:
        pats = []
        label = {"state": "GPE", "organisation": "ORG", "group": "NORP", "person": "PERSON"}
        for a in self.actors:
            for alias in {a.name, *a.aliases}:
                if len(alias) > 1 and not (a.reference and " " not in alias):  # "Keating" may be Charles
                    pats.append({"label": label.get(a.kind, "ORG"), "pattern": alias, "id": a.name})
                    if _shouted(alias, a):
                        pats.append({"label": label.get(a.kind, "ORG"), "pattern": alias.upper(), "id": a.name})
        for d, a in self.by_demonym.items():
            for form in {d, d.title(), d.capitalize()}:
                pats.append({"label": "NORP", "pattern": form, "id": a.name})
        return pats


def _shouted(alias: str, actor: Actor) -> bool:
    """Does a state's name also appear in capitals ("INDIA launched air strikes", a
    newspaper's lead)? Its own name only, four letters or more: a capital city in capitals
    opens a dateline ("TEHRAN (Agency) -"), where it names no actor."""
    return actor.kind == "state" and alias == actor.name and len(alias) >= 4 and alias.upper() != alias


def _phrase_at(phrase: tuple[str, ...], words: list[tuple[int, int, str]], i: int) -> bool:
    for k, p in enumerate(phrase):
        w = words[i + k][2]
        if w != p and not (k == len(phrase) - 1 and w in (p + "s", p + "es")):
            return False
    return True


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"actor file {path}: {e}") from None


def _actors_from(data: dict, path: object = "") -> Iterable[tuple[Actor, list[str]]]:
    reference = bool(data.get("reference", False))  # a list spanning decades: see people.toml
    for n, row in enumerate(data.get("actor", []), 1):
        if not isinstance(row, dict) or not row.get("name"):
            raise ValueError(f"actor file {path}: actor #{n} has no name")
        yield Actor(
            name=row["name"], country=row.get("country"), sector=row.get("sector"), role=row.get("role"),
            aliases=list(row.get("aliases", [])), kind=row.get("kind", "person"),
            valid_from=_iso(row.get("valid_from")), valid_to=_iso(row.get("valid_to")), reference=reference,
            terms=[_term(t, path, row["name"]) for t in row.get("terms", [])],
        ), list(row.get("demonyms", []))


def _term(value, path: object, name: str) -> tuple[str, str | None, str | None]:
    """An earlier or other office: {role = "...", valid_from = ..., valid_to = ...}."""
    if not isinstance(value, dict) or not value.get("role"):
        raise ValueError(f"actor file {path}: {name}: each of terms needs a role")
    return value["role"], _iso(value.get("valid_from")), _iso(value.get("valid_to"))


def _iso(value) -> str | None:
    """TOML dates arrive as ``datetime.date`` when unquoted; keep ISO strings throughout."""
    return None if value is None else str(value)


def check_actor_file(path: str | Path) -> None:
    """Raise ValueError naming the file and the fault if ``path`` is not a usable actor
    file: checked before the store remembers it, so one bad file never breaks later runs."""
    try:
        for _ in _actors_from(_read_toml(Path(path)), path):
            pass
    except ValueError:
        raise
    except (TypeError, AttributeError, KeyError) as e:
        raise ValueError(f"actor file {path}: not in the actor file format ({type(e).__name__}: {e}); "
                         "see examples/belarus-lithuania-2025.actors.toml") from None


@lru_cache(maxsize=8)
def load_registry(user_files: tuple[str, ...] = ()) -> Registry:
    """Starter actors and roles, then the user's files (which win on a shared alias)."""
    reg = Registry()
    data = resources.files("eventwatch") / "data"
    for path in user_files:
        for actor, demonyms in _actors_from(_read_toml(Path(path)), path):
            reg.add(actor, demonyms)
    shipped = sorted((f for f in (data / "actors").iterdir() if f.name.endswith(".toml")),
                     key=lambda f: (f.name != "world.toml", f.name))
    for path in shipped:  # world.toml (states, organisations), then people.toml (leaders)
        for actor, demonyms in _actors_from(tomllib.loads(path.read_text("utf-8")), path):
            reg.add(actor, demonyms)
    roles = data / "roles.toml"
    if roles.is_file():
        raw = tomllib.loads(roles.read_text("utf-8"))
        for row in raw.get("role", []):
            reg.roles.append(Role(tuple(w.lower() for w in row["words"]), row["role"], row["sector"], bool(row.get("person", True))))
        reg.not_name = {w.lower() for w in raw.get("names", {}).get("not_name", [])}
    return reg.finish()


def to_toml(actors: Iterable[Actor]) -> str:
    """Actors as ``[[actor]]`` tables of an actor file, for confirming inferred ones."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = []
    for a in actors:
        rows = [f"name = {q(a.name)}", f"kind = {q(a.kind or 'person')}"]
        for key in ("country", "sector", "role", "valid_from", "valid_to"):
            if getattr(a, key):
                rows.append(f"{key} = {q(str(getattr(a, key)))}")
        aliases = [x for x in dict.fromkeys(a.aliases) if x != a.name]
        if aliases:
            rows.append("aliases = [" + ", ".join(q(x) for x in aliases) + "]")
        out.append("[[actor]]\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


# --- names in one parsed document --------------------------------------------------------

def _text(doc) -> str:
    """The Doc's text, kept: ``Doc.text`` joins every token on each access."""
    text = doc.user_data.get("eventwatch.text")
    if text is None:
        text = doc.user_data["eventwatch.text"] = doc.text
    return text


def _ent_at(doc, i: int):
    """The entity covering token ``i``, from an index built once per set of entities."""
    cached = doc.user_data.get("eventwatch.ents")
    if cached is None:
        ents = doc.ents
        at = [None] * len(doc)
        for e in ents:
            for k in range(e.start, e.end):
                at[k] = e
        cached = doc.user_data["eventwatch.ents"] = at
    return cached[i]


def _doc_roles(doc, reg: Registry) -> tuple[list[int], list[tuple[int, int, Role]]]:
    """Role phrases of the whole document, found once and kept on the Doc."""
    cached = doc.user_data.get("eventwatch.roles")
    if cached is None or cached[0] is not reg:
        spans = reg.role_spans(_text(doc))
        cached = (reg, [s[0] for s in spans], spans)
        doc.user_data["eventwatch.roles"] = cached
    return cached[1], cached[2]


def _roles_within(doc, reg: Registry, start: int, end: int) -> list[tuple[int, int, Role]]:
    starts, spans = _doc_roles(doc, reg)
    lo = bisect.bisect_left(starts, start)
    hi = bisect.bisect_left(starts, end)
    return [s for s in spans[lo:hi] if s[1] <= end]


def _name_word(tok, reg: Registry, trust_ner: bool = True) -> bool:
    """A token that can be part of a person's name: capitalised, not a role or place word.
    With ``trust_ner`` false a place label counts only if the actor file gave it (spaCy's
    own NER reads "Łukašenka" as a place)."""
    text = tok.text
    if not _NAME_TOKEN.match(text) or not text[0].isupper() or tok.pos_ not in ("PROPN", "NOUN", "ADJ", "VERB"):
        return False
    low = clean_name(text).lower()
    if low in reg.not_name or low in reg._role_of or low in reg.by_demonym:
        return False
    if tok.ent_type_ in _NOT_NAME_ENTS and (trust_ner or tok.ent_type_ not in ("GPE", "LOC", "NORP") or tok.ent_id_):
        return False
    hit = reg.by_alias.get(clean_name(text))
    return hit is None or hit.kind == "person"


def _titled_names(doc, reg: Registry) -> list[tuple[int, int]]:
    """Token ranges of names right after a person's title: "Deputy Foreign Minister Igor
    Sekreta", "Foreign Minister of the Baltic Republic Gabrielius Landsbergis"."""
    out = []
    _, spans = _doc_roles(doc, reg)
    for start, end, role in spans:
        if not role.person:
            continue
        last = doc.char_span(start, end, alignment_mode="expand")
        if last is None:
            continue
        j = last.end
        if j < len(doc) and doc[j].text in ("-", "–") and not doc[j - 1].whitespace_:
            continue  # "Director General of Inter-Services ...": the title goes on past the hyphen
        run: list[int] = []
        while j < len(doc) and len(run) < 8 and (doc[j].pos_ == "PROPN" or doc[j].lower_ in ("of", "the")) \
                and doc[j].text not in ("-", "–"):  # "Inter-Services ...": a hyphenated body, not a name
            run.append(j)
            j += 1
        name: list[int] = []
        for i in run:
            name = name + [i] if _name_word(doc[i], reg) else []
        if name and name[-1] == run[-1] and len(name) <= 4 and (len(name) > 1 or len(run) == 1):
            out.append((name[0], name[-1] + 1))
    return out


def _listed_place(ent, reg: Registry) -> bool:
    """A "person" that is a town in a list of places or after "in": "drones were downed in
    Lahore, Chakwal and Attock" (spaCy's NER reads unfamiliar towns as people)."""
    if reg.person(ent.text) is not None or len(ent) > 2:
        return False
    listed = ent.text in places()
    root, towns = ent.root, 0
    for _ in range(12):  # up a list: "Lahore, Chakwal, Rawalpindi and Attock"
        if root.dep_ != "conj" or root.head is root:
            break
        root = root.head
        towns += root.ent_type_ in ("GPE", "LOC", "FAC") or root.text in places()
    if towns >= 2 or listed and towns:  # among two towns, or a listed town beside one
        return True
    return listed and root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE | {"from", "to"}


def mark_people(doc, reg: Registry) -> None:
    """Complete spaCy's PERSON entities from the text itself: a name after a title, a
    surname seen elsewhere in the document or known to the actor file, spelled another
    way ("Łukašenka" read as a place, "Budrys" as an organisation), a first name cut off
    ("Alyaksandr Lukashenka")."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    people: list[tuple[int, int]] = []
    for e in doc.ents:
        if e.label_ == "PERSON" and e.start >= 2 and doc[e.start - 1].text in ("-", "–") and not doc[e.start - 2].whitespace_:
            continue  # "Inter-Services Public Relations": the rest of a hyphenated name, not a person
        if e.label_ == "PERSON" and _listed_place(e, reg):
            continue
        if e.label_ == "PERSON" and any(_name_word(t, reg) for t in e):
            hit = reg.by_alias.get(e.text)
            if hit is None or hit.kind == "person":
                start = e.start
                while hit is None and start < e.end - 1 and clean_name(doc[start].text).lower() in reg.not_name:
                    start += 1  # "Gen Ahmed Sharif Chaudhry": the rank is a title, not a name
                people.append((start, e.end))
    people.extend(_titled_names(doc, reg))
    surnames = {fold(clean_name(doc[e - 1].text)) for _, e in people}
    surnames.discard("")
    taken = {i for s, e in people for i in range(s, e)}
    for tok in doc:
        if tok.i in taken or not _name_word(tok, reg, trust_ner=False):
            continue
        f = fold(clean_name(tok.text))
        if f and (any(same_word(f, s) for s in surnames) or reg.person(clean_name(tok.text)) is not None):
            start = tok.i
            while start > 0 and start - 1 not in taken and _name_word(doc[start - 1], reg) and tok.i - start < 3:
                start -= 1
            people.append((start, tok.i + 1))
            taken.update(range(start, tok.i + 1))
    if not people and not any(e.label_ == "PERSON" and _listed_place(e, reg) for e in doc.ents):
        return
    role_chars = [(s, e) for s, e, r in _doc_roles(doc, reg)[1]]
    new = [Span(doc, s, e, label="PERSON") for s, e in people]
    kept = []
    for ent in doc.ents:
        if any(ent.start < e and s < ent.end for s, e in people):
            continue
        if ent.label_ == "PERSON" and _listed_place(ent, reg):
            kept.append(Span(doc, ent.start, ent.end, label="GPE"))
            continue
        if ent.label_ != "PERSON" and reg.by_alias.get(ent.text) is None and any(
                s <= ent.start_char and ent.end_char <= e and (s, e) != (ent.start_char, ent.end_char) for s, e in role_chars):
            continue  # "State" in "Secretary of State" is part of a title, not an organisation
        kept.append(ent)
    doc.ents = filter_spans(new + kept)
    doc.user_data.pop("eventwatch.ents", None)


# --- mentions in one parsed document -------------------------------------------------

EDGE_PUNCT = frozenset({",", ";", ":", "-", "—", "–"})


def np_tokens(head) -> list:
    """The noun phrase of ``head``: its modifiers and of-phrases, not its clauses."""
    out = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "cc"):
            continue
        if child.dep_ == "prep" and child.lower_ not in ("of", "from", "in"):
            continue
        out.extend(np_tokens(child))
    out.sort(key=lambda t: t.i)
    # a comma the parser hung on the phrase is not part of a name ("six Indian diplomats,")
    while len(out) > 1 and out[-1].text in EDGE_PUNCT and out[-1].i != head.i:
        out.pop()
    while len(out) > 1 and out[0].text in EDGE_PUNCT and out[0].i != head.i:
        out.pop(0)
    return out


@lru_cache(maxsize=1)
def places() -> dict[str, str]:
    """Place names that point to one country (data/places.tsv, built from GeoNames and
    ISO 3166-2 by scripts/build_places.py): "Samarra" is Iraq, "Sindh" Pakistan."""
    path = resources.files("eventwatch") / "data" / "places.tsv"
    rows = (line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#"))
    return {name: country for name, country in rows}


def _after_first_name(span) -> bool:
    """ "Kenzo Oshima": a capitalised word outside any entity just before a place-like
    entity makes it a surname, not the Japanese town."""
    if span.start == 0:
        return False
    prev = span.doc[span.start - 1]
    return prev.is_title and prev.is_alpha and prev.ent_type_ == "" and prev.pos_ == "PROPN"


def _provenance(ent) -> bool:
    """"Israeli-made", "US-supplied", "Iran-backed": the country made, supplied or backs the
    thing or group named next, which is not its own (roles.toml [names] provenance)."""
    doc = ent.doc
    i = ent.end
    return i + 1 < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_ \
        and doc[i + 1].lower_ in _name_words()["provenance"]


def _state_of(tok, reg: Registry) -> str | None:
    """The country a single token names: a state or institution entity, a demonym, or a
    town or region the actor files do not list ("Samarra", "the Tyumen region")."""
    doc = tok.doc
    if tok.i + 2 < len(doc) and doc[tok.i + 1].text == "-" and not tok.whitespace_ \
            and doc[tok.i + 2].lower_ in _name_words()["provenance"]:
        return None  # "Israeli-made drones" are not Israel's (see _provenance)
    place = _place_starting(tok) if tok.ent_type_ == "NORP" or tok.lower_ in reg.by_demonym else None
    if place is not None:
        return place  # "British Columbia" is Canada's, not British
    if tok.ent_type_ in ("GPE", "NORP", "ORG", "LOC"):
        span = _ent_at(doc, tok.i)
        name = span.text if span is not None else tok.text
        hit = reg.lookup(name)
        if hit and hit.kind in ("state", "organisation", "group") and hit.country:
            return hit.country
        if hit is None and not _after_first_name(span or doc[tok.i:tok.i + 1]):
            place = places().get(re.sub(r"^the\s+", "", name))  # the whole name: not "Bank" of "West Bank"
            if place:
                # spaCy may call a town a people ("Samarra" as NORP) or an organisation
                # ("Erbil", "Negros Oriental" as ORG); an organisation the actor files know wins
                return place
    hit = reg.by_demonym.get(tok.lower_)
    if hit is None and tok.text[:1].isupper():
        hit = reg.by_alias.get(tok.text)  # "Kenya" inside "the Kenya Anti-Corruption Commission"
        hit = hit if hit is not None and hit.kind == "state" else None
    return hit.country if hit else None


def _mark_places(doc) -> None:
    """A people entity that only begins a gazetteer place ("British" of "British Columbia")
    becomes the place, so the stages after this one see Canada, not Britain."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    ents, changed = [], False
    for ent in doc.ents:
        if ent.label_ == "NORP" and _place_starting(doc[ent.start]) is not None:
            for n in (3, 2):
                if ent.start + n <= len(doc) and places().get(doc[ent.start: ent.start + n].text):
                    ents.append(Span(doc, ent.start, ent.start + n, label="GPE"))
                    changed = True
                    break
        else:
            ents.append(ent)
    if changed:
        doc.ents = filter_spans(ents)


def _place_starting(tok) -> str | None:
    """The country of a gazetteer place whose name a demonym only begins ("British
    Columbia", "Indian Wells"): the parser often tags the demonym alone as a people."""
    doc = tok.doc
    if not tok.text[:1].isupper() or tok.i + 1 >= len(doc):
        return None
    for n in (3, 2):
        if tok.i + n <= len(doc):
            words = doc[tok.i: tok.i + n]
            if all(t.text[:1].isupper() and t.is_alpha for t in words):
                hit = places().get(words.text)
                if hit:
                    return hit
    return None


def _against(tok) -> bool:
    """ "anti-Syria", "pro-Russian": a stance towards a country, not membership of it."""
    doc = tok.doc
    return tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in ("anti", "pro", "non")


def _country_in(tokens, reg: Registry, skip=None) -> str | None:
    for t in tokens:
        if t is skip or t.ent_type_ == "PERSON" or _against(t):
            continue
        c = _state_of(t, reg)
        if c:
            return c
    return None


def _before_comma(first, last) -> list:
    """The noun phrase just before ", NAME," naming a role: "the head of the Lithuanian
    department, Agne Bilotaite, ..." (the parser rarely calls it an apposition). The name
    must close with punctuation: in "According to BelTA, Lukashenko ordered ..." the
    phrase is a source, not a description."""
    doc = first.doc
    if first.i < 2 or doc[first.i - 1].text != "," or last.i + 1 >= len(doc) \
            or doc[last.i + 1].text not in (",", ".", ";", ")", "—", "–"):
        return []
    tok = doc[first.i - 2]
    if tok.pos_ not in ("NOUN", "PROPN") or tok.ent_type_ == "PERSON":
        return []
    while tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head.head  # "special envoy to Belarus, John Coale": the envoy, not Belarus
    return np_tokens(tok)


def _left_words(first, reg: Registry) -> list:
    """The title words just left of a name that the parse put elsewhere: "from U.S.
    President Trump" (where "U.S." may hang on another word)."""
    doc = first.doc
    out = []
    i = first.i - 1
    while i >= 0 and len(out) < 6 and (doc[i].pos_ in ("PROPN", "NOUN", "ADJ") or doc[i].tag_ == "POS") \
            and doc[i].ent_type_ != "PERSON" and "\n" not in doc[i].whitespace_:
        out.append(doc[i])
        i -= 1
    return out[::-1]


_CONTEXT_PREPS = {"including", "like", "among", "as"}


def _context_tokens(head, toks: list, ent, reg: Registry) -> tuple[list, list]:
    """Words beyond a name's own phrase that describe the person: (role words, country
    words). The phrase it is in apposition to (or just after, with a comma) gives both;
    a group it belongs to ("U.S. officials, including Secretary of State Marco Rubio") or
    is coordinated with gives only a country."""
    role_words = list(_before_comma(ent[0], ent[-1]))
    for c in head.children:
        if c.dep_ == "appos":
            role_words.extend(np_tokens(c))
    node = head
    if head.dep_ == "appos":
        node = head.head
        if _state_of(node, reg) and node.dep_ == "pobj" and node.head.head.pos_ in ("NOUN", "PROPN"):
            node = node.head.head  # "special envoy to Belarus, John Coale": the envoy, not Belarus
        if node.pos_ in ("NOUN", "PROPN"):
            role_words.extend(np_tokens(node))
    country_words: list = []
    for _ in range(4):
        if node.dep_ == "conj" or node.dep_ == "appos":
            node = node.head
        elif node.dep_ == "pobj" and node.head.dep_ == "prep" and node.head.lower_ in _CONTEXT_PREPS:
            node = node.head.head
        else:
            break
        if node.pos_ in ("NOUN", "PROPN"):
            country_words.extend(np_tokens(node))
    return [t for t in role_words if t not in toks], [t for t in country_words if t not in toks]


def _subject_states(sent, reg: Registry, skip: set[int]) -> list:
    """State subjects of a sentence: "Belarus has not yet received ...", "Belarusian
    officials said ...", with the subject token they hang on."""
    out = []
    for t in sent:
        if t.i in skip:
            continue
        if t.dep_ in ("nsubj", "nsubjpass"):
            for w in [t, *(c for c in t.children if c.dep_ in ("compound", "amod", "poss"))]:
                c = _state_of(w, reg)
                if c:
                    out.append((t, c))
                    break
    return out


def _tree_distance(a, b) -> int:
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in ids_b:
            return n + ids_b[t.i]
    return 99


def _context_country(head, reg: Registry, skip: set[int]) -> str | None:
    """The country an official named without one acts for, from the sentence around:
    the nearest state subject in the same sentence, else the main state subject of the
    sentence before ("Belarus has not yet received ... This was stated by Foreign Ministry
    Press Secretary Ruslan Varankov")."""
    sent = head.sent
    here = _subject_states(sent, reg, skip)
    if here:
        return min(here, key=lambda x: _tree_distance(head, x[0]))[1]
    doc = head.doc
    if sent.start == 0:
        return None
    before = _subject_states(doc[sent.start - 1].sent, reg, skip)
    countries = {c for _, c in before}
    if len(countries) == 1:
        return countries.pop()
    root = [c for t, c in before if t.head.dep_ == "ROOT"]
    return root[0] if len(set(root)) == 1 else None


def _head_role(doc, reg: Registry, start: int, end: int, head) -> tuple[Role | None, Role | None]:
    """(the role the phrase's head word names, an institution named beside it): in "the
    Foreign Ministry spokesperson" the head is a spokesperson, of the Foreign Ministry."""
    spans = _roles_within(doc, reg, start, end)
    if not spans:
        return None, None
    at_head = [s for s in spans if s[0] <= head.idx < s[1]]
    person = [s for s in spans if s[2].person]
    main = at_head[0] if at_head else (person[-1] if person else max(spans, key=lambda s: s[1] - s[0]))
    inst = next((s[2] for s in spans if not s[2].person and s is not main and s[2].sector == main[2].sector), None)
    return main[2], inst


def _role_text(role: Role, inst: Role | None) -> str:
    return f"{role.role}, {inst.role}" if inst is not None and role.person else role.role


def describe(head, reg: Registry, mid: int) -> Mention:
    """A mention for the noun phrase headed by ``head``, with what the words tell."""
    doc = head.doc
    toks = np_tokens(head)
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = _text(doc)[start:end]
    ent = _ent_at(doc, head.i)
    m = Mention(id=mid, start=start, end=end, text=text, kind="thing", sentence=0)
    if head.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP and head.pos_ == "PRON":
        m.kind = "pronoun"
        m.start, m.end, m.text = head.idx, head.idx + len(head.text), head.text
        return m
    person_name = False
    if ent is not None and ent.label_ in ("PERSON", "GPE", "NORP", "ORG", "FAC", "LOC"):
        m.label = ent.label_
        m.text = clean_name(ent.text) if ent.label_ == "PERSON" else ent.text
        m.start, m.end = ent.start_char, ent.start_char + len(m.text)
        actor = reg.lookup(m.text)
        if actor is not None and actor.reference and " " not in m.text and _namesake_in(doc, m.text, actor):
            actor = None  # "Charles Keating ... Keating": the document's own Keating, not Paul
        if ent.label_ == "PERSON" or (actor and actor.kind == "person"):
            m.kind, person_name = "name", True
            m.label = "PERSON"
        elif actor:
            m.kind = "place" if actor.kind == "state" else "group"
        else:
            m.kind = "group" if ent.label_ in ("ORG", "NORP") else "place"
            m.country = _country_in(list(ent), reg)  # "Bosnian Serbs", "the Serbian Workers' Union"
        if actor:
            m.actor, m.country, m.sector, m.role = actor.name, actor.country, actor.sector, actor.role
        if ent.label_ == "NORP" and not person_name:
            _people_of(m, ent, reg)
    if person_name:
        _describe_person(m, head, ent, toks, reg)
        return m
    lo, hi = (min(start, ent.start_char), max(end, ent.end_char)) if ent is not None else (start, end)
    role, inst = _head_role(doc, reg, lo, hi, head)
    if role is not None and (ent is None or head.ent_type_ == ""):
        m.sector = role.sector
        m.role = m.role or _role_text(role, inst)
        m.kind = "title" if role.person else "group"
        if role.person and not _covers(doc, reg, head) and head.lower_ not in reg._role_of:
            # the title only qualifies the head: "the Prime Minister's Office" is a body and
            # "a refugee camp" its people, but neither is a person a pronoun or title can mean
            m.kind = "group"
            m.role = role.role if head.pos_ == "PROPN" else None
        m.text, m.start, m.end = text, start, end
    elif role is not None and not m.actor and m.kind == "group":
        m.sector, m.role = role.sector, _role_text(role, inst)  # "the State Border Committee": COP by its words
    if not m.country:
        outside = [t for t in toks if ent is None or not (ent.start <= t.i < ent.end)]
        m.country = _country_in(outside, reg)
    return m


def _covers(doc, reg: Registry, tok) -> bool:
    """Is ``tok`` part of a role phrase ("secretary" in "secretary of state")?"""
    starts, spans = _doc_roles(doc, reg)
    k = bisect.bisect_right(starts, tok.idx) - 1
    return k >= 0 and spans[k][0] <= tok.idx < spans[k][1]


def _namesake_in(doc, surname: str, actor: Actor) -> bool:
    """Does the document name someone else with this surname in full?"""
    key = fold(surname)
    forms = {fold(f) for f in (actor.name, *actor.aliases)}
    return any(e.label_ == "PERSON" and len(e) > 1 and fold(e[-1].text) == key and fold(clean_name(e.text)) not in forms
               for e in doc.ents)


def _people_of(m: Mention, ent, reg: Registry) -> None:
    """A people named by where they live: "Bosnian Serbs" are Bosnia's, "the Albanians of
    southern Serbia" Serbia's (PLOVER codes a group by its state, not its ethnicity)."""
    doc = ent.doc
    before = doc[ent.start - 1] if ent.start > 0 else None
    country = None
    if before is not None and before.ent_type_ == "NORP" and before.whitespace_ and _state_of(before, reg):
        country = _state_of(before, reg)
        m.start = before.idx
        m.text = _text(doc)[m.start:m.end]
    for prep in ent.root.children:
        if country is None and prep.dep_ == "prep" and prep.lower_ == "of":
            place = next((c for c in prep.children if c.dep_ == "pobj"), None)
            country = _state_of(place, reg) if place is not None else None
    if country is not None and country != m.country:
        m.country, m.actor, m.kind, m.role = country, None, "group", None
    elif country is None and before is not None and before.lower_ in _name_words()["ethnicity"]:
        # "ethnic Albanians" names an ethnicity, not Albania: the place of the sentence decides
        m.country, m.actor, m.kind, m.role, m.sector = None, None, "group", None, "CVL"


def _describe_person(m: Mention, head, ent, toks: list, reg: Registry) -> None:
    """Role, sector and country of a named person from the title before the name, the
    phrase in apposition, and failing a country, the sentence around it."""
    doc = head.doc
    own = [t for t in toks if not (ent.start <= t.i < ent.end)]
    own += [t for t in _left_words(doc[ent.start], reg) if t not in own]
    own.sort(key=lambda t: t.i)
    role_words, country_words = _context_tokens(head, toks, ent, reg)
    role = inst = None
    if own:
        lo, hi = min(t.idx for t in own), max(t.idx + len(t.text) for t in own)
        role, inst = _head_role(doc, reg, lo, min(hi, ent.start_char), doc[ent.start])
    if role is None and role_words:
        lo, hi = role_words[0].idx, role_words[-1].idx + len(role_words[-1].text)
        role, inst = _head_role(doc, reg, lo, hi, role_words[-1])
    if role is not None and not m.actor:
        m.sector = role.sector
        m.role = _role_text(role, inst) if role.person else None  # works at a ministry: no title known
        known = reg.titled(m.text, role.role) if role.person and " " not in m.text.strip() else []
        if len({a.country for a in known}) == 1 and not m.country:
            m.country = known[0].country
    if m.country:
        return
    m.country = _country_in(own + role_words, reg) or _country_in(country_words, reg)
    speaks = head.dep_ in ("nsubj", "nsubjpass") or head.dep_ == "pobj" and head.head.dep_ == "agent"
    if m.country is None and role is not None and not m.actor and speaks:
        m.country = _context_country(head, reg, {t.i for t in toks})


def find_mentions(doc, reg: Registry, published: str | None = None,
                  quoted: Iterable[tuple[int, int]] = (), text: str | None = None) -> list[Mention]:
    """Every actor-like noun phrase and pronoun, with in-document antecedents for
    pronouns and bare titles ("he", "the minister"). Completes the Doc's PERSON entities
    first (``mark_people``), so the stages after this one see the same people.
    ``published`` is the document's date (for who held a title then); ``quoted`` the
    character spans of its quotations (words inside them are not antecedents outside);
    ``text`` the document's text if the caller has it (it saves rebuilding it)."""
    if text is not None:
        doc.user_data["eventwatch.text"] = text
    mark_people(doc, reg)
    _mark_places(doc)
    mentions: list[Mention] = []
    sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
    heads = [ent.root for ent in doc.ents if ent.label_ in ("PERSON", "GPE", "NORP", "ORG") and not _provenance(ent)]
    role_starts, role_spans = _doc_roles(doc, reg)
    for t in doc:
        if t.pos_ == "PRON" and t.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            heads.append(t)
        elif t.pos_ in ("NOUN", "PROPN") and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "ROOT", "conj", "attr", "dative"):
            k = bisect.bisect_right(role_starts, t.idx) - 1
            covered = k >= 0 and role_spans[k][1] > t.idx
            if covered and t.dep_ == "pobj" and role_spans[k][0] < t.head.idx:
                continue  # "State" in "Secretary of State" is part of the title
            if covered or _has_role(t, reg):
                heads.append(t)
    seen = set()
    for h in sorted(set(heads), key=lambda t: t.i):
        if h.i in seen:
            continue
        seen.add(h.i)
        m = describe(h, reg, len(mentions))
        m.sentence = sent_of.get(h.i, 0)
        m.subject = _main_subject(h)
        mentions.append(m)
    _share_within(mentions)
    link_antecedents(mentions, quoted, lambda role, country: reg.holder(role, country, published), reg.canonical_role)
    _locate(doc, mentions, reg)
    return mentions


def _main_subject(h) -> bool:
    """Is ``h`` the subject of its sentence's main verb? Where the parser left the main
    verb without one ("X, speaking after Y announced ..., said"), the first person named
    before it who is no other verb's argument stands in."""
    for t in (h, h.head) if h.dep_ == "appos" else (h,):  # "Peru's foreign minister Carlos Ruiz, ..., said"
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT":
            return True
    root = h.sent.root
    if h.ent_type_ != "PERSON" or h.i > root.i or root.pos_ not in ("VERB", "AUX") \
            or any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return False
    first = next((t for t in h.sent if t.i < root.i and t.ent_type_ == "PERSON" and t.ent_iob_ != "O"
                  and t.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "compound")), None)
    return first is not None and first.i == h.i


_LOCATIVE = {"in", "at", "near", "inside", "across", "throughout", "around", "outside", "within"}
_LOCATED_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG", "PTY", "OPP", "REB", "UAF", "CVL", "BUS", "JRN", "MED", "CRM"}


def _locus(sent, reg: Registry) -> str | None:
    """The one country a sentence places its events in: "in Baku", "in East Timor's
    capital Dili"; None when there are none or several. A state that is acted on
    ("against Russia") or qualifies another actor ("Chinese authorities") places nothing."""
    found = set()
    for t in sent:
        c = _state_of(t, reg) if t.ent_type_ in ("GPE", "LOC", "NORP", "ORG") else None
        if not c or c in NON_STATE:
            continue
        ent = _ent_at(t.doc, t.i) if t.ent_type_ == "ORG" else None
        if ent is not None and len(ent) > 1 and reg.by_alias.get(ent.text) is None:
            found.add(c)  # a national body: "the Kenya Anti-Corruption Commission"
            continue
        node = t
        while node.head is not node and (node.dep_ in ("compound", "amod", "poss", "nmod", "appos") or (
                node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.dep_ == "pobj")):
            node = node.head if node.dep_ != "pobj" else node.head.head  # "in a sector of eastern Beirut"
        if node.dep_ == "pobj" and node.head.lower_ in _LOCATIVE:
            found.add(c)  # "in Baku", "in East Timor's capital Dili", "in the Syrian Golan Heights"
    return found.pop() if len(found) == 1 else None


def _locate(doc, mentions: list[Mention], reg: Registry) -> None:
    """Officials, groups and titled people the text gives no country take the country of
    the place the sentence happens in (PLOVER codes an unnamed actor by location)."""
    sents = None
    for m in mentions:
        if m.country or m.antecedent is not None or m.actor or m.sector not in _LOCATED_SECTORS:
            continue
        if m.kind not in ("title", "group") and not (m.kind == "name" and m.role):
            continue
        if sents is None:
            sents = list(doc.sents)
        m.country = _locus(sents[m.sentence], reg)


def _share_within(mentions: list[Mention]) -> None:
    """Mentions of one person in one document share what any of them says: "Foreign
    Minister Kestutis Budrys" tells the later "Budrys" his country, sector and role."""
    groups: list[list[Mention]] = []
    for m in sorted((m for m in mentions if m.kind == "name" and m.label == "PERSON"), key=lambda m: -len(m.text.split())):
        group = next((g for g in groups if same_person(m.text, g[0].text)), None)
        if group is None:
            groups.append([m])
        else:
            group.append(m)
    for group in groups:
        for key in ("country", "sector", "role"):
            votes = Counter(getattr(m, key) for m in group if getattr(m, key))
            if votes:
                best = votes.most_common(1)[0][0]
                for m in group:
                    if not getattr(m, key):
                        setattr(m, key, best)


def _has_role(tok, reg: Registry) -> bool:
    toks = np_tokens(tok)
    return bool(_roles_within(tok.doc, reg, toks[0].idx, toks[-1].idx + len(toks[-1].text)))


# --- antecedents within a document -------------------------------------------------------

PRONOUNS_THEY = {"they", "them", "their"}
POSSESSIVE = ("his ", "her ", "their ", "its ")
_INDEFINITE = ("a ", "an ", "another ", "one ", "some ", "any ", "several ", "no ")  # a new referent
STATE_SECTORS = {"GOV", "MIL", "COP", "SPY", "JUD", "LEG"}


def _role_head(role: str | None) -> str:
    """The title part of a role: "Spokesperson, Ministry of Foreign Affairs" -> "spokesperson"."""
    return (role or "").split(",")[0].strip().lower()


def _role_fits(title: str | None, person: str | None) -> bool:
    """Whether a title ("minister", "Minister of Foreign Affairs") can name a person with
    this role (both canonical): the same title, a more or less specific form of it, or no
    known title."""
    t, p = _role_head(title), _role_head(person)
    if not p or not t or t == p or p.startswith(t + " ") or t.startswith(p + " "):
        return True
    tw, pw = t.split(), p.split()
    return (len(tw) == 1 and tw[0] in pw) or (len(pw) == 1 and pw[0] in tw)


def link_antecedents(mentions: list[Mention], quoted: Iterable[tuple[int, int]] = (), holder=None, canon=None) -> None:
    """Pronouns and bare titles point at the most recent compatible person ("he", "the
    minister", "Lithuania's top diplomat"): one of the same country first, then one whose
    country is not known; a title that finds none looks ahead to the person named later
    ("Lithuania's foreign minister ... Foreign Minister Kestutis Budrys"), then asks
    ``holder(role, country)`` for the one person who held it. ``canon`` puts a role in
    canonical words before roles are compared. "His foreign minister" is
    someone else, of the possessor's country. Words inside quotation marks are never
    antecedents of words outside them. An institution named without a country ("the
    Foreign Ministry") takes the country of the officials around it."""
    spans = sorted(quoted)
    starts = [s for s, _ in spans]

    def in_quote(m: Mention) -> bool:
        k = bisect.bisect_right(starts, m.start) - 1
        return k >= 0 and m.start < spans[k][1]

    by_id = {m.id: m for m in mentions}
    canon = canon or (lambda r: r)
    salient: list[Mention] = []  # chain roots of people, least recent first
    last_country: str | None = None
    pending: list[Mention] = []  # titles without an antecedent yet
    groups: list[Mention] = []  # states and groups outside quotations, for "they"
    subjects: dict[int, Mention] = {}  # sentence -> the chain root of its main clause's subject

    def refer(m: Mention, root: Mention) -> None:
        m.antecedent = root.id
        if root in salient:
            salient.remove(root)
        salient.append(root)

    for m in sorted(mentions, key=lambda x: x.start):
        low = m.text.lower()
        quoted_here = in_quote(m)
        if m.kind == "name" and m.label == "PERSON":
            for t in list(pending):
                if _compatible(t, m, canon) and t.start < m.start:
                    refer(t, m)
                    if m.country is None:
                        m.country = t.country
                    pending.remove(t)
            if not quoted_here:
                if m in salient:
                    salient.remove(m)
                salient.append(m)
        elif m.kind == "pronoun" and low in PRONOUNS_PERSON:
            if salient and not quoted_here:
                prev = subjects.get(m.sentence - 1) if m.subject else None
                refer(m, prev if prev in salient else salient[-1])
        elif m.kind == "pronoun" and low in PRONOUNS_THEY and not quoted_here:
            near = [g for g in groups if m.sentence - g.sentence <= 1]
            if near:
                m.antecedent = max(near, key=lambda g: (g.end, g.end - g.start)).id
        elif m.kind == "title" and low.startswith(POSSESSIVE):
            if salient and not m.country:
                m.country = _root(salient[-1], by_id).country
            if not quoted_here:
                salient.append(m)
        elif m.kind == "title":
            inside = next((p for p in mentions if p.kind == "name" and m.start <= p.start and m.end - 3 <= p.end <= m.end), None)
            if inside is not None:
                m.antecedent = inside.id  # "Foreign Minister X": the title of the name inside it
                continue
            match = None if low.startswith(_INDEFINITE) else _best_antecedent(m, salient, by_id, canon)
            if match is not None:
                refer(m, match)
                root = _root(match, by_id)
                if root.country is None and m.country and root.kind == "name":
                    root.country = m.country
            elif not quoted_here:
                pending.append(m)
                salient.append(m)
        elif m.kind == "group" and low.startswith(POSSESSIVE) and not m.country:
            owner = next((p for p in mentions if p.kind == "pronoun" and p.start == m.start), None)
            if owner is not None and owner.antecedent is not None:
                m.country = _root(owner, by_id).country  # "their forces": the forces of whoever "they" are
        elif m.kind == "group" and m.role and not m.country and last_country and low.startswith("the ") \
                and m.sector in STATE_SECTORS:
            m.country = last_country
        if m.kind in ("group", "place") and not quoted_here and m.start < m.end:
            groups.append(m)
        if m.subject and m.kind in ("name", "title", "pronoun") and not quoted_here:
            # "X, speaking after Y announced ..., said ... He said ...": a pronoun that is its
            # sentence's subject continues the previous sentence's subject, not the person
            # named last in a clause inside it
            subjects[m.sentence] = _root(m, by_id)
        if m.country and m.kind in ("name", "title") and m.sector in (None, "GOV") and not quoted_here:
            last_country = m.country
    if holder is not None:
        for t in pending:
            if t.antecedent is None and t.country and t.role:
                who = holder(t.role, t.country)
                if who is not None:
                    t.actor, t.sector, t.role = who.name, who.sector or t.sector, who.role or t.role


def _compatible(title: Mention, person: Mention, canon) -> bool:
    if title.country and person.country and title.country != person.country:
        return False
    if title.sector and person.sector and title.sector != person.sector:
        return False
    return _role_fits(canon(title.role), canon(person.role))


def _best_antecedent(m: Mention, salient: list[Mention], by_id: dict[int, Mention], canon) -> Mention | None:
    """The most recent compatible person: first one of the title's own country, then one of
    unknown country within five sentences."""
    roots = [(p, _root(p, by_id)) for p in reversed(salient)]
    if m.country:
        same = next((p for p, r in roots if r.country == m.country and _compatible(m, r, canon)), None)
        if same is not None:
            return same
    return next((p for p, r in roots if _compatible(m, r, canon) and not (m.country and r.country)
                 and (m.sentence - p.sentence <= 5 or _same_office(m, r, canon))), None)


def _same_office(title: Mention, person: Mention, canon) -> bool:
    """ "The spokesperson" many paragraphs after "spokesperson Shafqat Ali Khan": the same
    office named again refers back however far (a merely compatible title does not)."""
    t, p = _role_head(canon(title.role)), _role_head(canon(person.role))
    return bool(t) and t == p


def _root(m: Mention, by_id: dict[int, Mention]) -> Mention:
    seen = set()
    while m.antecedent is not None and m.id not in seen and m.antecedent in by_id:
        seen.add(m.id)
        m = by_id[m.antecedent]
    return m


def entity_of(m: Mention, by_id: dict[int, Mention], people: dict[str, Actor] | None = None) -> dict:
    """The contract's entity for a mention, following antecedents."""
    m = _root(m, by_id)
    name = m.actor or m.text
    country, sector, role = m.country, m.sector, m.role
    if people and m.kind in ("name", "title") and m.actor in people:
        p = people[m.actor]
        country, sector, role = p.country or country, p.sector or sector, p.role or role
    return {"name": name, "country": country, "sector": sector or ("GOV" if m.kind == "place" else None), "role": role}


# --- across documents (main process) ---------------------------------------------------

def _best_spelling(spellings: Counter) -> str:
    """The canonical name of an actor only the text knows: the fullest spelling, with its
    diacritics if it was ever written with them, then the most frequent."""
    return max(spellings, key=lambda s: (len(s.split()), s != unidecode(s), spellings[s], len(s)))


def _namesakes(surname: str, people: Iterable[Actor]) -> list[Actor]:
    """The people whose name ends in this surname."""
    last = fold(surname).split()[-1:] or [""]
    return [p for p in people if any(same_word(last[0], (fold(x).split() or [""])[-1]) for x in (p.name, *p.aliases))]


def resolve_people(analyses: list[Analysis], known: Iterable[Actor]) -> list[Actor]:
    """Group person mentions across documents by transliteration-folded name; each group
    is one actor with the registry's facts or, failing that, what most of its mentions
    say. Full names are placed first so that a bare surname joins its full name."""
    people: list[Actor] = [a for a in known if a.kind == "person"]
    blocks: dict[str, list[Actor]] = defaultdict(list)
    for p in people:
        for alias in {p.name, *p.aliases}:
            if p not in blocks[block_key(alias)]:
                blocks[block_key(alias)].append(p)
    spellings: dict[int, Counter] = defaultdict(Counter)
    hints: dict[int, Counter] = defaultdict(Counter)
    created: set[int] = set()
    named = [(a.document.id, m) for a in analyses for m in a.mentions if m.kind == "name" and m.label == "PERSON"]
    named.sort(key=lambda dm: -len(dm[1].text.split()))
    names = [m for _, m in named]
    full_in_doc: dict[tuple[str, str], list[Actor]] = defaultdict(list)  # (document, surname) -> its full names
    for doc_id, m in named:
        text = clean_name(m.text)
        m.text = text
        key = block_key(text)
        in_doc = full_in_doc.get((doc_id, _spelled(text)), []) if " " not in text else []
        actor = in_doc[0] if len(in_doc) == 1 else None  # Barack and Michelle both named: the list decides
        if actor is None:
            cands = [p for p in blocks.get(key, ()) if any(may_be(text, x, p) for x in (p.name, *p.aliases))]
            exact = [p for p in cands if _spelled(text) in {_spelled(x) for x in (p.name, *p.aliases)}]
            if " " not in text and not exact and len({_spelled(p.name) for p in _namesakes(text, blocks.get(key, ()))}) > 1:
                cands = []  # "Clinton" alone, with Bill, Hillary and Chelsea known: nobody in particular
            actor = (exact or cands or [None])[0]  # "George W. Bush" is not "George H. W. Bush"
        if actor is None:
            actor = Actor(name=text, aliases=[text], inferred=True)
            people.append(actor)
            blocks[key].append(actor)
            created.add(id(actor))
        elif text not in actor.aliases and text != actor.name and not actor.reference:
            actor.aliases.append(text)  # a curated reference list learns no spelling ("Bush" stays unlisted)
        if " " in text and (not actor.inferred or len(text.split()) <= 3):  # not "Hit Piece Exploits Trump"
            same = full_in_doc[(doc_id, _spelled(text.split()[-1]))]
            if actor not in same:
                same.append(actor)
        spellings[id(actor)][text] += 1
        m.actor = actor
        for k, val in (("country", m.country), ("sector", m.sector), ("role", m.role)):
            if val:
                hints[id(actor)][(k, val)] += 1
    for p in people:
        if id(p) in created:
            p.name = _best_spelling(spellings[id(p)])
            p.aliases = sorted(set(p.aliases) | set(spellings[id(p)]))
        # counted afresh for these documents: a listed person is the same object from one
        # batch (or, in `watch` and `serve`, one run) to the next, and kept an old count
        p.mentions = sum(spellings[id(p)].values())
        c = hints.get(id(p))
        if not c:
            continue
        for k in ("country", "sector", "role"):
            if getattr(p, k) is None:
                best = [v for (kk, v), _ in c.most_common() if kk == k]
                if best:
                    setattr(p, k, best[0])
    for m in names:
        m.actor = m.actor.name
    return people


# --- who said it: quotation speakers through the mentions ----------------------------------

_PERSON_KINDS = ("name", "title")


def _is_person(m: Mention | None, by_id: dict[int, Mention]) -> bool:
    if m is None:
        return False
    r = _root(m, by_id)
    return r.kind == "name" and r.label == "PERSON" or r.kind == "title" and r.sector not in (None, "REB")


def _is_body(m: Mention | None, by_id: dict[int, Mention], doc=None, reg: Registry | None = None) -> bool:
    """An institution or a state that can issue a statement: not a person, not a thing. A
    phrase the parser calls a body only by a modifier ("its military action") is none."""
    if m is None:
        return False
    r = _root(m, by_id)
    if r.kind not in ("group", "place") or r.label not in ("ORG", "GPE", "NORP", ""):
        return False
    if r.label or r.actor:
        return True
    if not r.sector:
        return False
    if doc is None or reg is None:
        return True
    span = doc.char_span(r.start, r.end, alignment_mode="expand")
    return span is not None and (_covers(doc, reg, span.root) or span.root.pos_ == "PROPN")


def link_speakers(doc, quotes, mentions: list[Mention], reg: Registry) -> None:
    """Resolve each quotation's speaker words to a mention, like an event's actor, and keep
    how the words named it (``speaker_from``). The news conventions used, in text order:
    "he"/"she" is the most recent person the text gives an office, else the person quoted
    just before (within two sentences); "who" the noun its clause hangs on; "it" the body
    that is subject of its own or the previous sentence, else the body quoted just before;
    "a statement issued by X" / "X's statement" is X, and "the statement" alone whoever
    spoke just before (or last spoke in a statement); "the ministry" is the last body named
    with that word; a title nobody holds in the text ("the spokesperson") is the person
    quoted just before when the title fits, else the body it names ("a spokesman for the
    army"). Mentions made here (an issuer no list knows) are appended to ``mentions``."""
    if not quotes:
        return
    by_id = {m.id: m for m in mentions}
    sents = [s for s in doc.sents]
    starts = [s.start_char for s in sents]
    quoted = sorted((q.start, q.end) for q in quotes if q.direct)
    q_starts = [s for s, _ in quoted]

    def sent_of(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    def in_quote(m: Mention) -> bool:
        k = bisect.bisect_right(q_starts, m.start) - 1
        return k >= 0 and m.start < quoted[k][1]

    ordered = sorted(mentions, key=lambda m: m.start)
    history: list[tuple[int, int, str | None]] = []  # (sentence, mention id, speaker_from) of speakers so far
    for q in sorted(quotes, key=lambda q: (q.speaker_span.start if q.speaker_span else q.start)):
        sp = q.speaker_span
        if sp is None:
            continue
        at = sent_of(sp.start)
        recent = [mid for s, mid, _ in reversed(history) if 0 <= at - s <= 2]
        kind = q.speaker_from
        m = best_mention(mentions, sp.start, sp.end)
        if m is None and kind in ("title", "institution", "named"):
            span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
            if span is not None:
                m = describe(span.root, reg, len(mentions))  # "the MoD": a body no list knows
                m.sentence = at
                mentions.append(m)
                by_id[m.id] = m
                ordered = sorted(mentions, key=lambda x: x.start)
        mid = None
        if kind == "pronoun":
            low = sp.text.lower()
            if low in PRONOUNS_PERSON:
                root = _root(m, by_id) if m is not None else None
                if root is not None and _is_person(m, by_id) and (root.role or root.kind == "title"):
                    mid = m.id  # the most recent person, one the text gives an office: trusted
                else:
                    mid = next((x for x in recent if _is_person(by_id[x], by_id)), None)
                if mid is None and m is not None and _is_person(m, by_id):
                    mid = m.id
            elif low in ("who", "which", "that", "whom"):
                mid = _relative_antecedent(doc, sp, mentions, reg)
            elif low in ("it", "its"):
                mid = _subject_body(doc, ordered, sp.start, at, sents, by_id, in_quote, same_sentence=True, reg=reg)
                if mid is None:
                    mid = _subject_body(doc, ordered, sp.start, at, sents, by_id, in_quote, subject_only=True, reg=reg)
                if mid is None:
                    mid = next((x for x in recent if _is_body(by_id[x], by_id, doc, reg)), None)
                if mid is None:
                    mid = _subject_body(doc, ordered, sp.start, at, sents, by_id, in_quote, reg=reg)
            elif m is not None:
                mid = m.id
        elif kind == "statement":
            mid = _issuer(doc, sp, mentions, reg)
            if mid is None:
                mid = recent[0] if recent else None
            if mid is None and sp.text.lower().startswith(("the ", "this ", "that ")):
                # "The statement also said", paragraphs after "the ministry said in a statement"
                mid = next((x for _, x, k in reversed(history) if k in ("statement", "institution")), None)
        else:
            mid = m.id if m is not None else None
            if kind == "title" and m is not None and m.kind == "title" and _root(m, by_id) is m and not m.actor:
                mid = next((x for x in recent if _is_person(by_id[x], by_id)
                            and _role_fits(reg.canonical_role(m.role), reg.canonical_role(_root(by_id[x], by_id).role))), None)
                if mid is None:
                    mid = _office_of(doc, m, mentions, reg) or m.id
            elif m is not None and m.kind == "group" and not m.actor:
                mid = _same_body(doc, m, ordered, in_quote) or mid
            elif m is not None and m.kind == "place" and len(sp.text) > len(m.text) + 3 and kind == "institution":
                body = next((x for x in ordered if sp.start <= x.start and x.end <= sp.end and x.kind == "group"), None)
                if body is None:  # "the Indian Army": a body of the state, not the state
                    span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
                    made = describe(span.root, reg, len(mentions)) if span is not None else None
                    if made is not None and made.kind == "group":
                        made.sentence = at
                        mentions.append(made)
                        body = made
                mid = body.id if body is not None else mid
        q.speaker_mention = mid
        if kind == "title" and m is not None and m.kind == "group" and m.end - m.start >= sp.end - sp.start - 4:
            q.speaker_from = "institution"  # "the ministry", "the army": a body, by a common noun
        if mid is not None:
            history.append((at, mid, q.speaker_from))
        if len(by_id) != len(mentions):  # an issuer or a body met for the first time
            by_id = {x.id: x for x in mentions}
            ordered = sorted(mentions, key=lambda x: x.start)


def _relative_antecedent(doc, sp, mentions: list[Mention], reg: Registry) -> int | None:
    """ "the minister, who said ...": the noun the relative clause hangs on."""
    span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
    if span is None or span.root.head.dep_ != "relcl":
        return None
    noun = span.root.head.head
    toks = np_tokens(noun)
    lo, hi = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    m = best_mention([x for x in mentions if x.kind != "pronoun"], lo, hi)
    if m is None:
        m = describe(noun, reg, len(mentions))
        if m.kind == "thing":
            return None
        mentions.append(m)
    return m.id


def _office_of(doc, m: Mention, mentions: list[Mention], reg: Registry) -> int | None:
    """An official the text never names speaks for the body the title names: "a Foreign
    Ministry spokesperson", "a spokesman for the army" (persons when named, otherwise the
    organisation, as event data codes them)."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return None
    head = span.root
    lo, hi = head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
            hi = max(hi, child.right_edge.idx + len(child.right_edge.text))
    bodies = [x for x in mentions if lo <= x.start and x.end <= hi and x.id != m.id and x.kind == "group"
              and x.sector in STATE_SECTORS | {"PTY", "IGO", "NGO", None} and x.label in ("ORG", "")]
    if bodies:
        return max(bodies, key=lambda x: x.end - x.start).id
    tok = next((c for c in head.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
    if tok is not None:  # "a Foreign Ministry spokesperson" with no mention of the ministry yet
        body = describe(tok, reg, len(mentions))
        if body.kind == "group":
            mentions.append(body)
            return body.id
    return None


def _issuer(doc, sp, mentions: list[Mention], reg: Registry) -> int | None:
    """Who issued the statement the speaker words name: the person or body the phrase says
    issued it ("a statement issued by the Prime Minister's Office", "the statement from the
    ministry", "the ministry's statement", "a DGFT notification"); never a place or time
    the phrase merely mentions ("a statement issued after the Islamabad meeting")."""
    span = doc.char_span(sp.start, sp.end, alignment_mode="expand")
    if span is None:
        return None
    head = next((t for t in reversed(span) if t.lemma_.lower() in rules_statements() or t.lower_ in rules_statements()), span.root)
    issuers = [c for c in head.lefts if c.dep_ in ("poss", "compound", "nmod") and c.pos_ in ("PROPN", "NOUN")]
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in ("from", "of", "by"):
            issuers += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "acl":
            for c in child.children:
                if c.dep_ == "agent" or c.dep_ == "prep" and c.lower_ in ("by", "from"):
                    issuers += [p for p in c.children if p.dep_ == "pobj"]
    for tok in issuers:
        toks = np_tokens(tok)
        lo, hi = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        m = best_mention([x for x in mentions if x.kind != "pronoun"], lo, hi)
        if m is None or not (lo <= m.start < hi):
            m = describe(tok, reg, len(mentions))
            if m.kind == "thing":
                continue
            mentions.append(m)
        return m.id
    if span.root is not head and span.root.pos_ == "PROPN" and head.i > span.root.i:
        m = describe(span.root, reg, len(mentions))  # "A Directorate General of Foreign Trade notification"
        m.kind, m.start, m.end = "group", span.root.left_edge.idx, head.idx - 1
        m.text = _text(doc)[m.start:m.end].strip(" (),")
        if m.text.lower().startswith(("a ", "an ", "the ")):
            m.start += len(m.text.split(" ", 1)[0]) + 1
            m.text = m.text.split(" ", 1)[1]
        m.text = re.sub(r"\s*\([^)]*\)?$", "", m.text)  # its abbreviation in brackets
        mentions.append(m)
        return m.id
    return None


@lru_cache(maxsize=1)
def rules_statements() -> frozenset[str]:
    """Head nouns of a document as speaker, from data/attribution.toml ([speakers])."""
    raw = tomllib.loads((resources.files("eventwatch") / "data" / "attribution.toml").read_text("utf-8"))
    return frozenset(w.lower() for w in raw["speakers"]["statements"])


def _subject_body(doc, ordered: list[Mention], before: int, at: int, sents, by_id, in_quote,
                  same_sentence: bool = False, subject_only: bool = False, reg: Registry | None = None) -> int | None:
    """The body "it" stands for: the subject of this or the sentence before, else the last
    body named in them (with ``same_sentence``, only a subject earlier in this sentence)."""
    lo = sents[at if same_sentence else max(0, at - 1)].start_char
    cands = [m for m in ordered if lo <= m.start < before and not in_quote(m) and _is_body(m, by_id, doc, reg)]
    if not cands:
        return None
    subjects = []
    for m in cands:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
            subjects.append(m)
    if same_sentence or subject_only:
        return subjects[-1].id if subjects else None
    return (subjects or cands)[-1].id


def _same_body(doc, m: Mention, ordered: list[Mention], in_quote) -> int | None:
    """ "the ministry", "the committee": the last body named before with that head word,
    one named as a subject first ("The Ministry of X terminated its agreement with the
    Ministry of Y ... The ministry added" is X)."""
    words = m.text.lower().split()
    if not words or words[0] not in ("the", "this", "that") or len(words) > 3:
        return None
    head = words[-1].rstrip(".,")
    cands = [x for x in ordered if x.start < m.start and x.kind == "group" and not in_quote(x)
             and head in x.text.lower().replace("’", " ").split() and x.text.lower() != m.text.lower()]
    subjects = []
    for x in cands:
        span = doc.char_span(x.start, x.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
            subjects.append(x)
    best = (subjects or cands)
    return best[-1].id if best else None
