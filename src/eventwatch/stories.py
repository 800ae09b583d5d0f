"""Stories: which documents report the same news story, and which reports tell the same event.

Two documents share a story when they are rewrites of each other (their 5-word shingles
resemble, estimated from bottom-k min-hash sketches), name the same people on nearby days,
or report the same thing in their own words: the cosine of their weighted terms (title and
lead count twice; each word weighs by its rarity in news at large, a fixed table, never the
store's counts), with a share for the cosine of their leads alone, is high, and they are not
far apart in time. Stories are the connected
components of those links, each link a function of its two documents alone, so adding
documents one by one gives the same stories as adding them at once. Candidate pairs come
from blocking keys (people, the smallest shingle hashes, the heaviest terms), never from
all pairs.

Within a story, reports from different documents merge into one event when they are the
same act: the same or a compatible type, the same actor countries, recipient countries
that agree (or one report leaves the recipient implicit), and dates that do not
contradict (an undated report's document published on or shortly after the other's date).
The most alike pairs join first; every report of an event must fit every other, and an
event has at most one report per document. The merged event keeps every report, takes the most precise date the reports
support together, says which features matched, and counts independent sources (rewrites
of one text, or reports relaying the same agency, count once).
"""
from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import tomllib
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .model import Analysis, Event

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Terms: words, and numbers (a toll, a magnitude, a year tell two like stories apart).
_TERM = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Rules:
    shingle_words: int
    sketch_size: int
    rewrite_resemblance: float
    min_shared_people: int
    people_jaccard: float
    undated_people_jaccard: float
    max_days_apart: int
    undated_report_days: int
    lead_words: int
    top_terms: int
    key_terms: int
    content_similarity: float
    undated_content_similarity: float
    name_weight: float
    lead_weight: int
    lead_share: float
    key_min_weight: float
    max_candidates: int
    compatible: dict[str, frozenset[str]]
    mutual: frozenset[str]
    stopwords: frozenset[str]
    matter_stopwords: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = tomllib.loads((resources.files("eventwatch") / "data" / "stories.toml").read_text("utf-8"))
    compatible: dict[str, set[str]] = {}
    for group in data["compatible_types"]:
        for t in group:
            compatible.setdefault(t, set()).update(group)
    return Rules(data["shingle_words"], data["sketch_size"], data["rewrite_resemblance"], data["min_shared_people"],
                 data["people_jaccard"], data["undated_people_jaccard"], data["max_days_apart"], data["undated_report_days"], data["lead_words"], data["top_terms"],
                 data["key_terms"], data["content_similarity"], data["undated_content_similarity"],
                 data["name_weight"], data["lead_weight"], data["lead_share"], data["key_min_weight"], data["max_candidates"], {k: frozenset(v) for k, v in compatible.items()},
                 frozenset(data.get("mutual_types", ())), frozenset(data["stopwords"]), frozenset(stem(w) for w in data["matter_stopwords"]))


# --- documents into stories ------------------------------------------------------------

@dataclass
class DocFeatures:
    doc: str
    people: list[str] = field(default_factory=list)
    sketch: list[int] = field(default_factory=list)
    published: str | None = None
    terms: dict[str, float] = field(default_factory=dict)  # unit vector over the heaviest terms
    lead: dict[str, float] = field(default_factory=dict)  # the same over the title and first lead_words words

    def keys(self, key_terms: int | None = None) -> list[str]:
        """Blocking keys: documents sharing none are never compared."""
        r = rules()
        n = r.key_terms if key_terms is None else key_terms
        table, unknown = background()
        # Only a rare word blocks: a common one would bring half the store as candidates.
        rare = [t for t in list(self.terms)[:n] if table.get(t, unknown) >= r.key_min_weight]
        return [f"p:{p}" for p in self.people] + [f"h:{h}" for h in self.sketch[:8]] + [f"t:{t}" for t in rare]


@lru_cache(maxsize=1)
def background() -> tuple[dict[str, float], float]:
    """Term weights by rarity in news at large (data/idf.tsv, built by scripts/build_idf.py)."""
    table: dict[str, float] = {}
    for line in (resources.files("eventwatch") / "data" / "idf.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, weight = line.split("\t")
            table[word] = float(weight)
    return table, table.pop("_unknown_")


def term(word: str) -> str:
    """The form a word is weighed and compared in (possessives dropped: "India’s" is "india")."""
    return stem(re.sub(r"['’]s?$", "", word.lower()))


def term_vector(title: str | None, text: str, r: Rules | None = None) -> dict[str, float]:
    """The document's heaviest terms as a unit vector, heaviest first (ties by term).

    A term weighs (1 + ln count) times its background rarity; the title and the first
    ``lead_words`` words count ``lead_weight`` more times: they say what the document reports,
    where the rest often retells the background every article of a crisis shares."""
    r = r or rules()
    table, unknown = background()
    keep = lambda w: (len(w) > 2 or w.isdigit() and len(w) > 1) and w.lower() not in r.stopwords  # noqa: E731
    body = [w for w in _TERM.findall(text) if keep(w)]
    lead = ([w for w in _TERM.findall(title or "") if keep(w)] + body[: r.lead_words]) * r.lead_weight
    counts: dict[str, float] = {}
    names: set[str] = set()
    for w in body + lead:
        t = term(w)
        counts[t] = counts.get(t, 0) + 1
        if w[:1].isupper() or w[:1].isdigit():
            names.add(t)
    weights = {t: (1 + math.log(c)) * table.get(t, unknown) * (r.name_weight if t in names else 1.0) for t, c in counts.items()}
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[: r.top_terms]
    norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
    return {t: round(v / norm, 4) for t, v in top if v > 0}


def lead_vector(title: str | None, text: str, r: Rules | None = None) -> dict[str, float]:
    """The term vector of the title and the first ``lead_words`` words alone (title twice).

    Articles of one crisis retell the same background further down; what a document
    reports is in its headline and first sentences, so two leads that differ keep two
    stories of one crisis apart where the whole texts look alike."""
    r = r or rules()
    return term_vector(title, " ".join(text.split()[: r.lead_words]), dataclasses.replace(r, lead_words=0))


def similarity(a: DocFeatures, b: DocFeatures, r: Rules | None = None) -> float:
    """Content similarity: the whole texts' cosine, with a share ``lead_share`` given to the leads'."""
    r = r or rules()
    return (1 - r.lead_share) * cosine(a.terms, b.terms) + r.lead_share * cosine(a.lead, b.lead)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def features(a: Analysis, r: Rules | None = None) -> DocFeatures:
    r = r or rules()
    words = [w.lower() for w in _WORD.findall(a.document.text)]
    content = [w for w in words if w not in r.stopwords]
    n = r.shingle_words
    hashes = {zlib.crc32(" ".join(content[i:i + n]).encode()) for i in range(max(0, len(content) - n + 1))}
    people = sorted({m.actor for m in a.mentions if m.kind == "name" and m.label == "PERSON" and m.actor})
    return DocFeatures(a.document.id, people, sorted(hashes)[: r.sketch_size], a.document.published,
                       term_vector(a.document.title, a.document.text, r), lead_vector(a.document.title, a.document.text, r))


def resemblance(a: list[int], b: list[int], k: int) -> float:
    """Estimated Jaccard of two shingle sets from their bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def _days(value: str | None) -> tuple[int | None, int] | None:
    m = re.match(r"^(\d{4}|XXXX)-(\d{2})-(\d{2})$", value or "")
    if not m:
        return None
    year = None if m.group(1) == "XXXX" else int(m.group(1))
    return year, int(m.group(2)) * 31 + int(m.group(3))


def near_in_time(a: str | None, b: str | None, max_days: int) -> bool:
    da, db = _days(a), _days(b)
    if da is None or db is None:
        return True
    if da[0] is not None and db[0] is not None and da[0] != db[0]:
        return False
    return abs(da[1] - db[1]) <= max_days


def link(a: DocFeatures, b: DocFeatures, r: Rules | None = None) -> str | None:
    """Why two documents belong to one story, or None. Symmetric and deterministic."""
    r = r or rules()
    res = resemblance(a.sketch, b.sketch, r.sketch_size)
    if res >= r.rewrite_resemblance:
        return f"rewrite ({res:.2f})"
    if not near_in_time(a.published, b.published, r.max_days_apart):
        return None
    shared = set(a.people) & set(b.people)
    union = set(a.people) | set(b.people)
    # Without both dates nothing keeps a long-running topic apart: ask for more shared people.
    need = r.people_jaccard if _days(a.published) and _days(b.published) else r.undated_people_jaccard
    if len(shared) >= r.min_shared_people and len(shared) / len(union) >= need:
        return "people: " + ", ".join(sorted(shared))
    sim = similarity(a, b, r)
    dated = _days(a.published) is not None and _days(b.published) is not None
    if sim >= (r.content_similarity if dated else r.undated_content_similarity):
        top = sorted(set(a.terms) & set(b.terms), key=lambda t: (-a.terms[t] * b.terms[t], t))[:5]
        return f"content ({sim:.2f}): " + ", ".join(top)
    return None


def story_id(doc_ids) -> str:
    return "story-" + hashlib.sha1(min(doc_ids).encode()).hexdigest()[:10]


# --- reports into events ---------------------------------------------------------------

def _countries(entities: list[dict]) -> frozenset[str]:
    return frozenset(e.get("country") for e in entities if e.get("country"))


def _date_parts(value: str | None) -> list[str] | None:
    return value.split("-") if value else None


def dates_agree(a: str | None, b: str | None) -> bool:
    """Two TIMEX values that can name the same day: equal where both say something
    (XXXX matches any year; 2025-11 agrees with 2025-11-12)."""
    pa, pb = _date_parts(a), _date_parts(b)
    if pa is None or pb is None:
        return True
    return all(x == y or "XXXX" in (x, y) for x, y in zip(pa, pb))


def _precision(value: str | None) -> int:
    return sum(1 for p in _date_parts(value) or [] if p != "XXXX")


def combine_dates(a: str | None, b: str | None) -> str | None:
    """The most precise value two agreeing dates support together."""
    if a is None or b is None:
        return a or b
    pa, pb = a.split("-"), b.split("-")
    longer, shorter = (pa, pb) if len(pa) >= len(pb) else (pb, pa)
    return "-".join(x if x != "XXXX" else (shorter[i] if i < len(shorter) else x) for i, x in enumerate(longer))


def consensus_date(tellings: list[tuple[str | None, str | None]]) -> str | None:
    """The date every report of an event supports, or None.

    Each telling is (date, source): "timex" when the text states the time (its value may be
    None: "on Tuesday" with no year), "report" when a present statement is dated by its
    publication. A date stated in one report resolves a report that gives no time at all;
    a publication date does not speak for another outlet's report, and a stated time that
    could not be resolved may contradict any date, so either leaves the event undated."""
    dates = [d for d, _ in tellings if d]
    if not dates:
        return None
    out = dates[0]
    for d in dates[1:]:
        out = combine_dates(out, d)
    undated = [src for d, src in tellings if not d]
    if not undated:
        return out
    if any(src == "timex" for src in undated) or any(src != "timex" for d, src in tellings if d):
        return None
    return out


def same_act(a: Event, b: Event, r: Rules) -> list[str] | None:
    """The features on which two reports are one act, or None."""
    why = []
    if a.event == b.event:
        why.append(f"type {a.event}")
    elif b.event in r.compatible.get(a.event, ()):
        why.append(f"types {a.event}~{b.event}")
    else:
        return None
    (aa, ra), (ab, rb) = _sides(a, r), _sides(b, r)
    if aa != ab or not aa:
        return None
    if a.event in r.mutual and b.event in r.mutual:
        why.append("between " + "+".join(sorted(aa)))
    else:
        why.append("actor " + "+".join(sorted(aa)))
    if ra and rb and ra != rb:
        return None
    if ra or rb or a.event not in r.mutual:
        why.append("recipient " + ("+".join(sorted(ra or rb)) if ra or rb else "none") + ("" if ra == rb else " (implicit in one)"))
    if not dates_agree(a.date, b.date):
        return None
    why.append("dates agree" if a.date and b.date else "no date conflict")
    return why


def _sides(e: Event, r: Rules) -> tuple[frozenset[str], frozenset[str]]:
    """(actor, recipient) countries as merging compares them. A mutual act (a meeting, a
    call: ``mutual_types``) is the same whichever side a report names first, so its sides
    are the countries taking part, as one set, and no recipient."""
    if e.event in r.mutual:
        return _countries(e.actor) | _countries(e.recipient), frozenset()
    return _countries(e.actor), _countries(e.recipient)


def report_dates_fit(a: Event, b: Event, published: dict[str, str | None], max_days: int) -> bool:
    """Whether two reports' dates allow one act. Both dated: they agree (same_act checks).
    One dated: the undated report's document was published on or after that date (an act is
    reported after it happens) and within ``max_days`` of it, when the document has a date;
    a later act of the same kind told without a date would otherwise join an earlier one."""
    if bool(a.date) == bool(b.date):
        return True
    dated, undated = (a, b) if a.date else (b, a)
    pub = _days(published.get(undated.reports[0].doc))
    when = _days(dated.date)
    if pub is None or when is None:
        return True
    if pub[0] is not None and when[0] is not None and pub[0] != when[0]:
        return pub[0] > when[0] and pub[1] + 372 - when[1] <= max_days
    return 0 <= pub[1] - when[1] <= max_days


def _evidence_terms(e: Event) -> frozenset[str]:
    return frozenset(stem(w) for sp in e.reports[0].evidence for w in _WORD.findall(sp.text) if len(w) > 3)


def _affinity(a: Event, b: Event, why: list[str]) -> float:
    """How alike two compatible reports are, to pick the best partner when several fit:
    the same type, a named common recipient, a common date and trigger count most, then the
    overlap of their evidence words."""
    score = 2.0 * (a.event == b.event) + 2.0 * bool(_countries(a.recipient) and _countries(b.recipient))
    score += 2.0 * bool(a.date and b.date) + 1.0 * bool(a.trigger and a.trigger.lower() == (b.trigger or "").lower())
    ta, tb = _evidence_terms(a), _evidence_terms(b)
    return score + (len(ta & tb) / len(ta | tb) if ta | tb else 0.0)


def merge(coded: list[Event], rewrites: set[frozenset[str]] = frozenset(), r: Rules | None = None,
          alone: bool = False, published: dict[str, str | None] | None = None) -> list[Event]:
    """Merge the per-document events of one story into one event per act.

    Every pair of reports from different documents that can be one act (``same_act``, and
    dates that fit the documents' publication dates) is a candidate; the most alike pairs
    join first, and two groups join only when every report of one can be one act with every
    report of the other and no document would report the act twice. So a report joins at
    most one event per other document (its best match), two acts of one document never fall
    into one event, and A~B, B~C cannot bring A and C together when A and C differ (10 May
    and 12 May). The result depends only on the story's reports, never on their arrival order.
    With ``alone`` (events an analyst split apart) nothing merges.
    """
    r = r or rules()
    published = published or {}
    evs = sorted(_known_countries(coded), key=_reading_order)
    group = list(range(len(evs)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(evs))}
    why: dict[tuple[int, int], list[str]] = {}
    if not alone:
        # Blocking: only reports of one type group and actor countries, whose recipients are
        # equal or implicit in one, and whose days are equal or unknown in one, are compared.
        buckets: dict[tuple, list[int]] = {}
        for i, ev in enumerate(evs):
            buckets.setdefault((min(r.compatible.get(ev.event, {ev.event})), _sides(ev, r)[0]), []).append(i)
        scored = []
        for idx in buckets.values():
            by_key: dict[tuple, list[int]] = {}
            for i in idx:
                by_key.setdefault((_sides(evs[i], r)[1], _day_key(evs[i].date)), []).append(i)
            for (rec, day), mine in by_key.items():
                others = [j for (rec2, day2), js in by_key.items() for j in js
                          if (rec2 == rec or not rec or not rec2) and (day2 == day or day is None or day2 is None)]
                for i in mine:
                    for j in others:
                        if j <= i or evs[i].reports[0].doc == evs[j].reports[0].doc:
                            continue
                        reasons = same_act(evs[i], evs[j], r)
                        if reasons is None or not report_dates_fit(evs[i], evs[j], published, r.undated_report_days):
                            continue
                        why[(i, j)] = reasons
                        scored.append((-_affinity(evs[i], evs[j], reasons), i, j))
        for _, i, j in sorted(scored):
            gi, gj = group[i], group[j]
            if gi == gj:
                continue
            a, b = members[gi], members[gj]
            if {evs[x].reports[0].doc for x in a} & {evs[y].reports[0].doc for y in b}:
                continue
            if not all((min(x, y), max(x, y)) in why for x in a for y in b):
                continue
            for y in b:
                group[y] = gi
            members[gi] = sorted(a + b)
            del members[gj]
    merged: list[Event] = []
    for g in sorted(members, key=lambda g: members[g][0]):
        first, *rest = members[g]
        target = _copy(evs[first])
        dated = [(evs[first].date, evs[first].date_source)]
        for k in rest:
            ev = evs[k]
            target.reports.extend(ev.reports)
            target.coded_ids.append(ev.id)
            target.merged_on.append(f"{ev.reports[0].doc}: " + ", ".join(why[(first, k)]))
            dated.append((ev.date, ev.date_source))
            target.confidence = max(target.confidence, ev.confidence)
            if not target.recipient and ev.recipient:
                target.recipient = ev.recipient
            target.aux = sorted(set(target.aux) & set(ev.aux))
        target.date = consensus_date(dated)
        target.sources = independent_sources(target, rewrites)
        if len(target.coded_ids) > 1:
            target.id = "ev-" + hashlib.sha1("|".join(sorted(target.coded_ids)).encode()).hexdigest()[:12]
        merged.append(target)
    return merged


def _day_key(value: str | None) -> str | None:
    """A day-precise date's month and day (the blocking key of dates), else None (any day)."""
    m = re.match(r"^(?:\d{4}|XXXX)-(\d{2})-(\d{2})$", value or "")
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _name_key(name: str | None) -> str:
    folded = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().strip()


def _known_countries(coded: list[Event]) -> list[Event]:
    """Give an actor or recipient the country another report of the story gives the same name.

    Whether a document's people have a country can depend on what the store had learnt
    when it was read (a document read before the one that says "Belarusian spokesman
    Ruslan Varankov" leaves him without one), so two runs in different orders would merge
    differently. A name (diacritics folded) with one country in the story decides it; a
    name given two countries decides nothing. Events are copied, never changed in place."""
    seen: dict[str, set[str]] = {}
    for e in coded:
        for x in [*e.actor, *e.recipient]:
            if x.get("country") and x.get("name"):
                seen.setdefault(_name_key(x["name"]), set()).add(x["country"])
    known = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    out = []
    for e in coded:
        fill = lambda side: [{**x, "country": known[_name_key(x.get("name"))]}  # noqa: E731
                             if not x.get("country") and _name_key(x.get("name")) in known else x for x in side]
        actor, recipient = fill(e.actor), fill(e.recipient)
        if actor != e.actor or recipient != e.recipient:
            e = Event(**{**e.__dict__, "actor": actor, "recipient": recipient})
        out.append(e)
    return out


def _reading_order(e: Event) -> tuple:
    """Document, then place in it: never the event id, which hashes actor names, and a name
    can be spelled as another document spelt it first (Kęstutis, Kestutis), so ids depend on
    arrival order and a merge in id order would too."""
    rep = e.reports[0]
    return (rep.doc, rep.evidence[0].start if rep.evidence else -1, e.event, sorted(_countries(e.actor)),
            sorted(_countries(e.recipient)), e.id)


def _copy(ev: Event) -> Event:
    out = Event(**{k: v for k, v in ev.__dict__.items()})
    out.reports = list(ev.reports)
    out.coded_ids = [ev.id]
    out.merged_on = []
    return out


def independent_sources(ev: Event, rewrites: set[frozenset[str]]) -> int:
    """Reports that are rewrites of one another, or relay the same agency, count once."""
    docs = {rep.doc for rep in ev.reports}
    parent = {d: d for d in docs}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    relays: dict[str, str] = {}
    for rep in ev.reports:
        for agency in rep.relay:
            key = agency.lower()
            if key in relays:
                parent[find(rep.doc)] = find(relays[key])
            else:
                relays[key] = rep.doc
    for pair in rewrites:
        if pair <= docs:
            a, b = tuple(pair)
            parent[find(a)] = find(b)
    return len({find(d) for d in docs})


# --- claims and counter-claims ---------------------------------------------------------

_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ies", "es", "ed", "s")


def stem(word: str) -> str:
    """A crude stem, enough to see that "smugglers" and "smuggling" are one matter."""
    w = word.lower()
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def matter(text: str, exclude: set[str] = frozenset(), r: Rules | None = None) -> list[str]:
    """The content stems of a claim's sentence: what the claim is about."""
    r = r or rules()
    words = {stem(w) for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in r.stopwords}
    return sorted(words - exclude - r.matter_stopwords)


@dataclass
class Claim:
    id: str
    doc: str
    text: str
    claimant: dict | None
    target: list[str]  # countries the claim is about or against
    matter: list[str]
    start: int = 0
    end: int = 0


def claim_id(doc: str, start: int) -> str:
    return "cl-" + hashlib.sha1(f"{doc}|{start}".encode()).hexdigest()[:12]


def relation(a: Claim, b: Claim, min_shared: int = 2) -> tuple[str, list[str]] | None:
    """How two claims about the same matter relate: "counter" when made by opposing sides
    (each side's claimant country is the other's target, or they simply differ), "echo"
    from the same side, "third party" when one claimant is neither side."""
    shared = sorted(set(a.matter) & set(b.matter))
    if len(shared) < min_shared or a.doc == b.doc:
        return None
    ca, cb = (a.claimant or {}).get("country"), (b.claimant or {}).get("country")
    if not ca or not cb:
        return None
    if ca == cb:
        return "echo", shared
    if (a.target and cb not in a.target) and (b.target and ca not in b.target):
        return "third party", shared
    return "counter", shared
