"""Plain dataclasses that every stage reads and writes.

Stages import this module and nothing of each other; ``pipeline`` composes them.
Offsets are character offsets into ``Document.text`` (the cleaned text).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# PLOVER's non-state "country" codes: international and non-governmental organisations,
# multinationals, international militant groups, Europe-wide bodies.
NON_STATE = frozenset({"IGO", "NGO", "MNC", "IMG", "EUR"})


@dataclass
class RawDocument:
    """What ingest found: the bytes as read, and whatever metadata came with them."""

    id: str
    source: str  # file path, URL or "file.jsonl:LINE"
    raw: bytes
    kind: str  # "text" | "html"
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    site_lines: frozenset[str] = frozenset()  # lines other pages of the same site carry (furniture)


@dataclass
class Rejected:
    """An input that could not be processed, with a reason a person can act on."""

    id: str
    source: str
    reason: str


@dataclass
class Known:
    """An input the store already holds (a URL fetched before): nothing to read again."""

    id: str


@dataclass
class Document:
    id: str
    text: str
    content_hash: str
    source: str = ""
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # TIMEX3 value: 2025-11-27, XXXX-11-12, or None
    published_from: str | None = None  # metadata, feed, dateline, byline, prefix, url: where the date was read
    language: str | None = None
    url: str | None = None
    story: str | None = None
    removed: list[str] = field(default_factory=list)  # boilerplate lines taken out
    notes: list[str] = field(default_factory=list)  # what the user should hear about (not stored)


@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Timex:
    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None  # TIMEX3 value, None when it cannot be resolved
    mod: str | None = None


@dataclass
class Mention:
    """A name, title or pronoun in the text that refers to an actor.

    ``hints`` carry what the context says about the referent (country, sector, role)
    so that the actor stage can resolve or create an actor; ``antecedent`` points to
    an earlier mention for pronouns and definite descriptions ("the minister").
    """

    id: int
    start: int
    end: int
    text: str
    kind: str  # "name" | "title" | "pronoun" | "place" | "group"
    label: str = ""  # spaCy / ruler label
    sentence: int = 0
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    antecedent: int | None = None
    actor: str | None = None  # canonical actor name once resolved
    subject: bool = False  # the subject of its sentence's main verb: who the next "he" most likely is


def best_mention(mentions: list[Mention], start: int, end: int) -> Mention | None:
    """The mention a span names: a person's name inside it first, else the widest mention
    inside it, else the narrowest mention around it ("Foreign Minister Budrys" -> Budrys)."""
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    names = [m for m in inside if m.kind == "name"]
    if names or inside:
        return (names or sorted(inside, key=lambda m: m.start - m.end))[0]
    around = [m for m in mentions if m.start <= start < m.end]
    return min(around, key=lambda m: m.end - m.start) if around else None


@dataclass
class Actor:
    name: str
    country: str | None = None
    sector: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    kind: str = "person"  # person | state | organisation | group
    valid_from: str | None = None
    valid_to: str | None = None
    inferred: bool = False
    mentions: int = 0
    reference: bool = False  # from a list spanning decades (people.toml), not the people of one crisis
    terms: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # other offices: (role, from, to)

    def entity(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "sector": self.sector, "role": self.role}


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Quote:
    doc: str
    start: int
    end: int
    text: str
    direct: bool
    speaker_span: Span | None = None  # where the speaker is named ("Budrys", "he", "the minister")
    cue: str | None = None  # the attribution cue: "said", "according to", "claims"
    relay: list[str] = field(default_factory=list)  # relayed media: "Reuters", "BelTA"
    claim: bool = False  # asserts that something happened or is so ("X claims that ...")
    speaker: dict[str, Any] | None = None  # resolved actor entity, filled by the pipeline
    # How the text names the speaker: "named" (a person's name), "title" ("the minister"),
    # "pronoun" ("he", "it"), "institution" ("the Foreign Ministry"), "statement" ("a
    # statement issued by ...": its issuer); an analyst reads it as how sure the speaker is.
    speaker_from: str | None = None
    speaker_mention: int | None = None  # the mention the speaker resolves to (coding detail, not stored)


@dataclass
class Report:
    """One document's telling of one event."""

    doc: str
    evidence: list[Span]
    speaker: dict[str, Any] | None = None
    outlet: str | None = None
    relay: list[str] = field(default_factory=list)
    date: str | None = None  # what this report alone supports; the event's date is what all support


@dataclass
class Event:
    id: str
    event: str
    mode: str | None
    actor: list[dict[str, Any]]
    recipient: list[dict[str, Any]]
    date: str | None
    date_precision: str
    aux: list[str]
    confidence: float
    reports: list[Report]
    score: float | None = None
    # Coding detail kept for merging and explanation; not part of the contract.
    actor_mentions: list[int] = field(default_factory=list)
    recipient_mentions: list[int] = field(default_factory=list)
    speaker_mention: int | None = None
    date_source: str | None = None  # "timex" (the text states it) | "report" (date of a present statement)
    trigger: str | None = None
    story: str | None = None
    sources: int = 1  # independent sources among the reports
    merged_on: list[str] = field(default_factory=list)  # why each further report joined
    coded_ids: list[str] = field(default_factory=list)  # the per-document events merged here

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "mode": self.mode,
            "actor": self.actor,
            "recipient": self.recipient,
            "date": self.date,
            "date_precision": self.date_precision,
            "aux": self.aux,
            "confidence": round(self.confidence, 3),
            "score": self.score,
            "date_source": self.date_source,
            "trigger": self.trigger,
            "story": self.story,
            "sources": self.sources,
            "merged_on": self.merged_on,
            "reports": [asdict(r) for r in self.reports],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Event":
        reports = [Report(doc=r["doc"], evidence=[Span(**s) for s in r["evidence"]], speaker=r.get("speaker"),
                          outlet=r.get("outlet"), relay=list(r.get("relay") or []), date=r.get("date")) for r in d["reports"]]
        return cls(id=d["id"], event=d["event"], mode=d.get("mode"), actor=d["actor"], recipient=d["recipient"],
                   date=d.get("date"), date_precision=d.get("date_precision", "none"), aux=list(d.get("aux") or []),
                   confidence=d.get("confidence", 0.5), reports=reports, score=d.get("score"),
                   trigger=d.get("trigger"), story=d.get("story"), date_source=d.get("date_source"))


@dataclass
class Story:
    id: str
    docs: list[str]
    title: str | None = None


@dataclass
class Analysis:
    """Everything the per-document stages found in one document."""

    document: Document
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    words: int = 0


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16" (with a byte-order mark), "utf-16-le" or "utf-16-be" (without one, seen
    from NUL bytes in every other position, as in ASCII-range text), or None. Windows
    tools save text as UTF-16, whose NUL bytes would otherwise make it look binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, name in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.7 * len(zeros) and other.count(0) == 0:
            return name
    return None
