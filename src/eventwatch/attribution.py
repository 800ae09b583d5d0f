"""Attribution: direct quotations and reported speech, each with the words naming its speaker.

Two sources of evidence meet here. Quotation marks are scanned in the raw text (spaCy does
not pair them, and news quotations run across sentences and paragraphs). Cues come from the
dependency parse: a verb whose lemma is listed in ``data/attribution.toml`` with its subject
as speaker and its complement clause as content, or an "according to X" phrase. Each
quotation is then tied to the cue in its own sentence, or failing that to the attribution of
the adjoining sentence, the way news prose carries a speaker across paragraphs. The speaker
is returned as a text span only; resolving it to an actor is the pipeline's job.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Iterator

from .model import Quote, Span

if TYPE_CHECKING:
    from spacy.tokens import Token

_WORD = re.compile(r"\w+")
_NP_LEFT = {"det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "case", "predet", "advmod", "npadvmod"}
_NP_RIGHT = {"compound", "flat", "prep", "nummod", "cc", "conj", "pobj", "nmod"}
# Quotation marks as spaCy tokens, for keeping a content's quotation balanced.
_OPENING = {"“", "\"", "``", "„", "«"}
_CLOSING = {"”", "\"", "''", "»"}
_STRAIGHT = {"\"", "''", "``"}
_MARK_CHARS = "\"“”„«»`'"
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_INHERIT_SUBJECT = {"conj", "advcl", "xcomp", "acl"}


@dataclass(frozen=True)
class Rules:
    """The contents of ``data/attribution.toml``, as sets for fast lookup."""

    open_marks: tuple[str, ...]
    close_marks: tuple[str, ...]
    ambiguous_marks: tuple[str, ...]
    opens_after: str
    byline_dashes: frozenset[str]
    speech: frozenset[str]
    directive: frozenset[str]
    objective: frozenset[str]
    naming: frozenset[str]
    object_preps: frozenset[str]
    according: tuple[tuple[str, ...], ...]
    relay_only: frozenset[tuple[str, ...]]
    nouns: frozenset[str]
    line_max_words: int
    not_speakers: frozenset[str]
    claim: frozenset[str]
    media_names: frozenset[str]
    media_nouns: frozenset[str]
    relay_verbs: frozenset[str]
    statements: frozenset[str]
    min_words: int
    min_words_inline: int
    direct_share: float

    @property
    def cue_lemmas(self) -> frozenset[str]:
        return self.speech | self.directive | self.objective


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Load the rule file once per process."""
    raw = tomllib.loads(resources.files("eventwatch").joinpath("data/attribution.toml").read_text("utf-8"))
    marks, cues, relay, quotes = raw["marks"], raw["cues"], raw["relay"], raw["quotes"]
    low = lambda xs: frozenset(x.lower() for x in xs)  # noqa: E731
    return Rules(
        open_marks=tuple(marks["open"]),
        close_marks=tuple(marks["close"]),
        ambiguous_marks=tuple(marks["ambiguous"]),
        opens_after=marks["opens_after"],
        byline_dashes=frozenset(marks["byline_dashes"]),
        speech=low(cues["speech"]),
        directive=low(cues["directive"]),
        objective=low(cues["object"]),
        naming=low(cues["naming"]),
        object_preps=low(cues["object_preps"]),
        according=tuple(tuple(p.lower().split()) for p in cues["according"] + cues["according_media"]),
        relay_only=frozenset(tuple(p.lower().split()) for p in cues["according_media"]),
        nouns=low(cues["nouns"]),
        line_max_words=int(raw["speaker_lines"]["max_words"]),
        not_speakers=low(raw["speaker_lines"]["not_speakers"]),
        claim=low(raw["claim"]["lemmas"]),
        media_names=low(relay["names"]),
        media_nouns=low(relay["nouns"]),
        relay_verbs=low(relay["verbs"]),
        statements=low(raw["speakers"]["statements"]),
        min_words=int(quotes["min_words_unattributed"]),
        min_words_inline=int(quotes["min_words_inline"]),
        direct_share=float(quotes["direct_share"]),
    )


# ---------------------------------------------------------------- quotation marks


@dataclass
class _Mark:
    pos: int
    length: int
    opens: bool
    straight: bool  # typewriter marks (" '') rather than typographic ones


def _mark_direction(text: str, pos: int, length: int, mark: str, r: Rules) -> bool:
    """True if the mark opens: the context decides, the glyph breaks ties."""
    before = text[pos - 1] if pos > 0 else "\n"
    after = text[pos + length] if pos + length < len(text) else "\n"
    space_before = before in r.opens_after
    space_after = after.isspace() or after in ".,;:!?)]}"
    if space_before and not space_after:
        return True
    if space_after and not space_before:
        return False
    return mark in r.open_marks


def _line_marks(text: str, start: int, end: int, pattern: re.Pattern[str], r: Rules) -> list[_Mark]:
    return [
        _Mark(m.start(), len(m.group()), _mark_direction(text, m.start(), len(m.group()), m.group(), r),
              m.group() in r.ambiguous_marks)
        for m in pattern.finditer(text, start, end)
    ]


@lru_cache(maxsize=1)
def _mark_pattern() -> re.Pattern[str]:
    r = rules()
    marks = sorted(r.open_marks + r.close_marks + r.ambiguous_marks, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in marks))


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Non-blank lines as (start, end): every line break ends a paragraph in this corpus."""
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            yield pos, pos + len(line)
        pos += len(line) + 1


def _first_char(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def scan_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of top-level quotations, marks excluded.

    Marks pair up with a stack inside a paragraph. A quotation left open at the end of a
    paragraph continues if the next paragraph opens with a mark (news style); otherwise it
    ends with its paragraph, so an unbalanced mark never swallows the rest of the text.
    """
    r, pattern = rules(), _mark_pattern()
    spans: list[tuple[int, int]] = []
    carried: _Mark | None = None  # opening mark of a quotation continuing from the last paragraph
    last_end = 0
    for start, end in _lines(text):
        marks = _line_marks(text, start, end, pattern, r)
        stack: list[_Mark] = []
        if carried is not None:
            if marks and _reopens(marks[0], carried, text, start, end):
                stack.append(carried)
                marks = marks[1:]
            elif marks and not marks[0].opens:
                stack.append(carried)  # the closing mark came a paragraph late: “A.\n\nB,” he said.
            else:
                spans.append((carried.pos + carried.length, last_end))
        carried = None
        for mark in marks:
            if mark.opens:
                stack.append(mark)
            elif stack:
                opened = stack.pop()
                if not stack:
                    spans.append((opened.pos + opened.length, mark.pos))
        if stack and _may_continue(stack[0], text, start):
            carried = stack[0]
        elif stack:
            spans.append((stack[0].pos + stack[0].length, end))
        last_end = end
    if carried is not None:
        spans.append((carried.pos + carried.length, last_end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def _may_continue(mark: _Mark, text: str, line_start: int) -> bool:
    """Only a quotation that stands as an utterance (it opens its paragraph or a sentence,
    or follows a colon, comma or dash) runs on into the next paragraph; a phrase quoted inside a
    sentence whose closing mark is missing ("were made “without evidence.") ends with it."""
    before = text[line_start:mark.pos].rstrip()
    return not before or before[-1] in ":,;—–-(.!?" + _MARK_CHARS


def _reopens(mark: _Mark, carried: _Mark, text: str, start: int, end: int) -> bool:
    """A paragraph continues an open quotation when it opens with the same kind of mark."""
    return mark.opens and mark.straight == carried.straight and mark.pos == _first_char(text, start, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and the comma that news style puts before the closing mark."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


# ---------------------------------------------------------------- cues from the parse


@dataclass
class _Cue:
    """One attribution found in the parse: who, by which words, and (if any) what."""

    token: Token  # the cue word: a verb, "according", a noun or a speaker line's colon
    text: str
    kind: str  # "speech" | "according"
    speaker: tuple[int, int] | None  # token range [start, end)
    content: tuple[int, int] | None  # character range
    relay: list[str] = field(default_factory=list)
    claim: bool = False
    used: bool = False
    opens_quote: bool = False  # a speaker line inside the quotation it introduces: "WALLACE: ...


def _np_range(tok) -> tuple[int, int]:
    """The noun phrase headed by ``tok``, without relative clauses or asides in commas."""
    if tok.pos_ == "PRON":
        return tok.i, tok.i + 1
    start = tok.i
    for child in tok.lefts:
        if child.dep_ in _NP_LEFT:
            start = min(start, child.left_edge.i)
    end = tok.i + 1
    for child in tok.rights:
        adjacent_name = child.dep_ == "appos" and child.pos_ == "PROPN" and child.left_edge.i == end
        if child.dep_ not in _NP_RIGHT and not adjacent_name:
            break
        end = child.right_edge.i + 1
    return _strip_punct(tok.doc, start, end)


def _strip_punct(doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _speaker_range(tok) -> tuple[int, int]:
    """Prefer a personal name in apposition to a title: "the head ..., Agne Bilotaite"."""
    if tok.pos_ == "NOUN":
        for child in tok.rights:
            if child.dep_ == "appos" and child.ent_type_ == "PERSON":
                return _np_range(child)
    return _np_range(tok)


def _subject(verb):
    """The speaker of a cue verb: its subject or passive agent, looking through participles
    and conjuncts ("..., adding that ...")."""
    tok = verb
    for _ in range(5):
        for child in tok.children:
            if child.dep_ == "agent":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return _opening_misparse(subject, tok)  # "who" in "X, who said ...": the actor stage follows it to X
        if tok.dep_ not in _INHERIT_SUBJECT or tok.head is tok:
            return None
        tok = _coordinated_head(tok)
    return None


def _opening_misparse(subject, verb):
    """ "Praising Modi and Munir, Trump said": the parser often takes the opening phrase's
    object as subject and the real subject, just before the verb, as its apposition."""
    last = next((c for c in subject.rights if c.dep_ == "appos" and c.right_edge.i + 1 == verb.i), None)
    opening = any(c.dep_ == "advcl" and c.i < subject.i for c in verb.children)
    return last if last is not None and opening else subject


def _coordinated_head(tok):
    """Where to look for a subject next. "claiming that X is ... and accusing Y" is often parsed
    with "accusing" joined to "is": a participle joins the nearest participle above it."""
    if tok.dep_ == "conj" and tok.tag_ == "VBG" and tok.head.tag_ != "VBG":
        above = next((a for a in tok.ancestors if a.tag_ == "VBG"), None)
        if above is not None:
            return above
    return tok.head


def _passive_with_agent(verb) -> bool:
    return any(c.dep_ == "agent" for c in verb.children) and any(c.dep_ == "nsubjpass" for c in verb.children)


def _char_range(doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _subtree_chars(tok, lemmas: frozenset[str] = frozenset()) -> tuple[int, int] | None:
    """A clause's characters, ending before a coordinated cue of its own ("... and accusing")."""
    end = tok.right_edge.i + 1
    for child in tok.rights:
        if child.dep_ == "conj" and child.lemma_.lower() in lemmas and not any(c.dep_ == "nsubj" for c in child.children):
            end = min(end, child.left_edge.i)
    start, end = _strip_edges(tok.doc, tok.left_edge.i, end)
    if end <= start:
        return None
    return _char_range(tok.doc, start, end)


def _strip_edges(doc, start: int, end: int) -> tuple[int, int]:
    """Strip punctuation, spaces and a dangling conjunction from a content range, keeping the
    closing mark of a quotation the content opens."""
    start, end = _strip_punct(doc, start, end)
    while end > start and doc[end - 1].dep_ == "cc":
        end = _strip_punct(doc, start, end - 1)[1]
    open_marks = _open_marks(doc[start:end])
    while open_marks and end < len(doc) and doc[end].is_punct and doc[end].text not in _OPENING - _STRAIGHT:
        open_marks = _open_marks(doc[start:end + 1])
        end += 1
    return start, end


def _open_marks(tokens) -> bool:
    """True if a quotation opened among the tokens is not closed there."""
    texts = [t.text for t in tokens]
    straight = sum(texts.count(m) for m in _STRAIGHT)
    curly_open = sum(texts.count(m) for m in _OPENING - _STRAIGHT)
    curly_close = sum(texts.count(m) for m in _CLOSING - _STRAIGHT)
    return straight % 2 == 1 or curly_open > curly_close


def _clause_content(verb, text: str, r: Rules) -> tuple[int, int] | None:
    """What a cue verb introduces: its complement clause, infinitive or object."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    if clauses:
        return _subtree_chars(max(clauses, key=lambda c: _clause_rank(c, verb)), r.cue_lemmas)
    lemma = verb.lemma_.lower()
    if lemma in r.directive:
        for child in verb.children:
            if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
                return _subtree_chars(child, r.cue_lemmas)
    if lemma in r.objective:
        content = _object_content(verb, r, needs_complement=lemma in r.naming)
        if content is not None:
            return content
    if verb.dep_ == "parataxis" and lemma in r.speech:
        return _host_clause(verb)
    return _after_colon(verb, text)


def _host_clause(verb) -> tuple[int, int] | None:
    """ "The test, North Korea said, was its biggest": the clause the cue interrupts."""
    doc, head = verb.doc, verb.head
    start, end = head.left_edge.i, head.right_edge.i + 1
    if verb.left_edge.i <= start + 1:
        start = verb.right_edge.i + 1
    elif verb.right_edge.i + 2 >= end:
        end = verb.left_edge.i
    start, end = _strip_edges(doc, start, end)
    return _char_range(doc, start, end) if end > start else None


def _after_colon(verb, text: str) -> tuple[int, int] | None:
    """ "Caddell continued:" introduces the rest of the line, or the next paragraph."""
    doc = verb.doc
    k = verb.i + 1
    while k < len(doc) and doc[k].dep_ in ("prt", "advmod", "npadvmod") and doc[k].head is verb:
        k += 1
    if k >= len(doc) or doc[k].text != ":":
        return None
    return _rest_of_line(text, doc[k].idx + 1)


def _rest_of_line(text: str, pos: int) -> tuple[int, int] | None:
    """From ``pos`` to the end of its line; the next non-blank line if nothing follows."""
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    if not text[pos:end].strip():
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
    start, end = _trim(text, pos, end)
    return (start, end) if end > start else None


def _clause_rank(clause, verb) -> tuple[bool, bool]:
    """Of several complement clauses, prefer a "that" clause, then one after the verb:
    "It's unlikely; Clinton's team says she'll continue"."""
    marked = any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in clause.children)
    return marked, clause.i > verb.i


def _object_content(verb, r: Rules, needs_complement: bool = False) -> tuple[int, int] | None:
    """The object with its "of/for/as" complement: "accused Minsk of pushing migrants".
    Naming verbs need the complement: "called it a scam", not "called a meeting"."""
    parts = [c for c in verb.rights if c.dep_ in ("dobj", "oprd", "attr", "xcomp") or (
        c.dep_ in ("prep", "dative") and c.lower_ in r.object_preps)]
    if not parts or needs_complement and all(c.dep_ == "dobj" for c in parts):
        return None
    if all(c.dep_ == "prep" and not any(True for _ in c.children) for c in parts):
        return None
    start = min(c.left_edge.i for c in parts)
    end = max(c.right_edge.i for c in parts) + 1
    if start == verb.i + 1 and verb.doc[start].dep_ == "prep":
        start += 1  # "called for talks": the preposition belongs to the cue
    start, end = _strip_edges(verb.doc, start, end)
    return _char_range(verb.doc, start, end) if end > start else None


def _cue_text(verb) -> str:
    parts = [verb] + [c for c in verb.rights if c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ in ("to", "for", "on", "out") and c.i == verb.i + 1)]
    return " ".join(t.text for t in parts)


def _is_medium(doc, start: int, end: int, r: Rules) -> bool:
    span = doc[start:end]
    words = span.text.lower()
    if words in r.media_names or words.removeprefix("the ") in r.media_names:
        return True
    return any(t.lower_ in r.media_nouns and t.pos_ == "NOUN" for t in span) or any(
        t.text.lower() in r.media_names and t.pos_ == "PROPN" for t in span
    )


def _medium_name(doc, start: int, end: int, r: Rules) -> str:
    """The name in a medium's description: "Belarusian state news agency Belta" -> "Belta"."""
    span = doc[start:end]
    text = span.text.removeprefix("the ").removeprefix("The ")
    if text.lower() in r.media_names:
        return text
    known = [t for t in span if t.lower_ in r.media_names]
    if known:
        return known[-1].text
    names = [t for t in span if t.pos_ == "PROPN"]
    if names:
        first = names[-1].i
        while first - 1 >= span.start and doc[first - 1].pos_ == "PROPN":
            first -= 1
        return doc[first:names[-1].i + 1].text
    return text


def _verb_cue(verb, text: str, r: Rules, inside=None) -> _Cue | None:
    subject = _subject(verb)
    if subject is not None and inside is not None and inside(subject.idx):
        # '"Congratulations ... on using Common Sense," Trump wrote': the parser took a name
        # inside the quotation for the subject; the speaker is the name just before the verb
        before = verb.doc[verb.i - 1] if verb.i > 0 else None
        subject = before if before is not None and not inside(before.idx) and before.pos_ in ("PROPN", "PRON", "NOUN") else None
    if subject is None:
        return None
    speaker = _speaker_range(subject)
    if speaker[1] <= speaker[0]:
        return None
    lemma = verb.lemma_.lower()
    content = _clause_content(verb, text, r)
    if _passive_with_agent(verb) and content is None:
        content = _passive_content(verb)
    cue = _Cue(verb, _cue_text(verb), "speech", speaker, content, claim=lemma in r.claim)
    doc = verb.doc
    if lemma in r.relay_verbs and _is_medium(doc, *speaker, r):
        cue.relay = [_medium_name(doc, *speaker, r)]
        cue.speaker = None
    else:
        told = _told_medium(verb, r)
        if told:
            cue.relay = [told]
    return cue


def _told_medium(verb, r: Rules) -> str | None:
    """ "an official told AFP", "said in an interview with Reuters", "wrote in The Guardian":
    the medium the speaker spoke to relays the statement; the speaker stays the speaker."""
    doc = verb.doc
    for child in verb.children:
        objs = [child] if child.dep_ in ("dobj", "dative") else [
            c for c in child.children if c.dep_ == "pobj"] if child.dep_ == "prep" and child.lower_ in ("to", "with", "in", "on") else []
        for obj in objs:
            inner = [c for c in obj.children if c.dep_ == "prep" and c.lower_ in ("with", "to", "on", "in")]
            for tok in [obj, *(p for i in inner for p in i.children if p.dep_ == "pobj")]:
                start, end = _np_range(tok)
                named = any(t.pos_ == "PROPN" or t.lower_ in r.media_names for t in doc[start:end])
                if end > start and named and _is_medium(doc, start, end, r):  # "told AFP", not "told the media"
                    return _medium_name(doc, start, end, r)
    return None


def _passive_content(verb) -> tuple[int, int] | None:
    """ "This was stated by X": the content is the subject, or the previous sentence for "this"."""
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subj is None:
        return None
    if subj.lower_ in ("this", "that", "it") and verb.sent.start > 0:
        prev = verb.doc[verb.sent.start - 1].sent
        start, end = _strip_punct(verb.doc, prev.start, prev.end)
        if end > start:
            return _char_range(verb.doc, start, end)
    return _subtree_chars(subj)


def _according_at(doc, i: int, r: Rules) -> int:
    """Length of an "according to" phrase starting at token i, or 0."""
    for phrase in r.according:
        n = len(phrase)
        if i + n <= len(doc) and all(doc[i + k].lower_ == w for k, w in enumerate(phrase)):
            return n
    return 0


def _according_cue(doc, i: int, n: int, r: Rules) -> _Cue | None:
    """ "According to X, CLAUSE" or "CLAUSE, according to X": X is a source or a relaying medium."""
    last = doc[i + n - 1]
    pobj = next((c for c in last.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    start, end = _speaker_range(pobj)
    start = max(start, i + n)
    end, name_range = _apposed_name(doc, end)
    sent = doc[i].sent
    content = _according_content(doc, i, end, sent)
    cue = _Cue(doc[i], " ".join(t.text for t in doc[i:i + n]), "according", (start, end), content)
    if _is_medium(doc, start, end, r):
        cue.relay = [_medium_name(doc, start, end, r)]
        cue.speaker = None
    elif tuple(t.lower_ for t in doc[i:i + n]) in r.relay_only:
        return None  # "as per the agreement" attributes nothing; "as per PTI" relays
    elif name_range is not None:
        cue.speaker = name_range
    return cue


def _apposed_name(doc, end: int) -> tuple[int, tuple[int, int] | None]:
    """ "the head of the department, Agne Bilotaite, ..." -> extend past the name and return it."""
    if end < len(doc) and doc[end].text == ",":
        k = end + 1
        while k < len(doc) and doc[k].ent_type_ == "PERSON" and not doc[k].is_punct:
            k += 1
        if k > end + 1 and k < len(doc) and doc[k].text == ",":
            return k, (end + 1, k)
    return end, None


def _according_content(doc, i: int, phrase_end: int, sent) -> tuple[int, int] | None:
    """The rest of the sentence on the side of the phrase that holds the clause."""
    before = _strip_punct(doc, sent.start, i)
    after = _strip_edges(doc, phrase_end, sent.end)
    leading = before[1] - before[0] <= 2 and not any(doc[k].pos_ in ("VERB", "AUX") for k in range(*before))
    start, end = after if leading else before
    if end <= start:
        return None
    return _char_range(doc, start, end)


def _cues(doc, text: str, inside, r: Rules) -> list[_Cue]:
    """Every attribution cue outside quotation marks, in text order."""
    found: list[_Cue] = []
    lemmas = r.cue_lemmas
    for tok in doc:
        if inside(tok.idx):
            continue
        n = _according_at(doc, tok.i, r)
        if n:
            cue = _according_cue(doc, tok.i, n, r)
        elif tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lemmas and tok.dep_ != "amod":
            cue = _verb_cue(tok, text, r, inside)
        elif _misread_verb(tok, lemmas):
            cue = _misread_cue(tok, r)
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in r.nouns:
            cue = _noun_cue(tok, r)
        else:
            continue
        if cue is not None:
            found.append(cue)
    for c, quoted in _speaker_lines(doc, text, r):
        if quoted or not inside(c.token.idx):
            c.opens_quote = quoted
            found.append(c)
    return sorted(found, key=lambda c: c.token.i)


def _noun_cue(noun, r: Rules) -> _Cue | None:
    """ "Lithuania's claim that ...": the owner said the clause."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and any(
        m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if owner is None or clause is None:
        return None
    content = _subtree_chars(clause, r.cue_lemmas)
    speaker = _np_range(owner)
    if content is None or speaker[1] <= speaker[0]:
        return None
    return _Cue(noun, noun.text, "speech", speaker, content, claim=noun.lemma_.lower() in r.claim)


def _speaker_lines(doc, text: str, r: Rules) -> Iterator[tuple[_Cue, bool]]:
    """ "WALLACE: ..." and "Pence: Gennifer Flowers won't be at debate": a name, a colon, a
    line; with whether the line opens a quotation (a transcript quoted paragraph by paragraph)."""
    for start, end in _lines(text):
        start = _first_char(text, start, end)
        quoted = text[start:start + 1] in _OPENING
        start += quoted
        colon = text.find(":", start, min(end, start + 60))
        if colon <= start or not text[colon + 1:colon + 2].isspace():
            continue
        name = doc.char_span(start, colon, alignment_mode="contract")
        content = _trim(text, colon + 1, end)
        if name is None or content[1] <= content[0] or not _is_speaker_name(name, r):
            continue
        if _title_case(text[content[0]:content[1]]) and text[content[0]] not in _MARK_CHARS + "‘’" and not all(
                t.ent_type_ in ("PERSON", "ORG") for t in name if not t.is_punct):
            continue  # a headline ("Stealth Over Health: Clinton Was Headed to ER") quotes no one unless it quotes or names someone
        yield _Cue(doc[name.end] if name.end < len(doc) else name[-1], ":", "speech", (name.start, name.end), content), quoted


def _title_case(line: str) -> bool:
    """Headline style: most longer words capitalised."""
    words = [w for w in _WORD.findall(line) if len(w) > 3 and w.isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _is_speaker_name(name, r: Rules) -> bool:
    """A short run of proper nouns or capitals that is not a place, a date or a section label."""
    words = [t for t in name if not t.is_punct]
    if not words or len(words) > r.line_max_words or words[0].lower_ in r.not_speakers:
        return False
    if any(t.ent_type_ in ("GPE", "LOC", "DATE", "TIME", "CARDINAL") for t in words):
        return False
    return all(t.pos_ == "PROPN" or t.is_upper and t.is_alpha for t in words)


def _misread_verb(tok, lemmas: frozenset[str]) -> bool:
    """ "which Lithuania claims are used ..." is often parsed with "claims" as a plural noun."""
    return tok.tag_ == "NNS" and tok.lower_.endswith("s") and tok.lower_[:-1] in lemmas and tok.dep_ in _SUBJECTS and any(
        c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.children)


def _misread_cue(tok, r: Rules) -> _Cue | None:
    """The misread cue's "compound" is its speaker; the rest of the clause is the content."""
    names = [c for c in tok.children if c.dep_ == "compound"]
    head = tok.head
    start, end = _strip_edges(tok.doc, tok.i + 1, head.right_edge.i + 1)
    if end <= start:
        return None
    speaker = (names[0].left_edge.i, names[-1].right_edge.i + 1)
    lemma = tok.lower_[:-1]
    return _Cue(tok, tok.text, "speech", speaker, _char_range(tok.doc, start, end), claim=lemma in r.claim)


# ---------------------------------------------------------------- tying quotations to cues


class _Index:
    """Token, sentence and quotation lookups, built once per document in linear time."""

    def __init__(self, doc, text: str, spans: list[tuple[int, int]]):
        self.doc = doc
        self.text = text  # Doc.text rebuilds the string on every access
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.sents = [s for s in doc.sents if s.text.strip()]
        self.sent_starts = [s.start_char for s in self.sents]

    def inside(self, char: int) -> bool:
        k = bisect.bisect_right(self.starts, char) - 1
        return k >= 0 and self.spans[k][0] <= char < self.spans[k][1]

    def spans_between(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotations overlapping [start, end)."""
        lo = max(0, bisect.bisect_right(self.starts, start) - 1)
        hi = bisect.bisect_left(self.starts, end)
        return self.spans[lo:hi]

    def sent_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, char) - 1)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _link_cue(k: int, cues: list[_Cue], cue_sents: list[int], idx: _Index) -> _Cue | None:
    """The cue of quotation k in its own sentences: by parse (or a colon in the sentence
    before), then the first cue after it, then the last cue before it."""
    qs, qe = idx.spans[k]
    first, last = idx.sent_of(qs), idx.sent_of(max(qs, qe - 1))
    lo = bisect.bisect_left(cue_sents, first - 1)
    hi = bisect.bisect_right(cue_sents, last + 1)
    near = [c for c in cues[lo:hi] if c.speaker is not None or c.relay]
    for cue in near:
        if cue.content and _overlap(cue.content, (qs, qe)) and not (qs <= cue.token.idx < qe):
            return cue
    near = [c for c in near if c.token.idx >= idx.sents[first].start_char]
    if not _standalone(k, idx):
        return None
    next_start = idx.spans[k + 1][0] if k + 1 < len(idx.spans) else len(idx.text)
    tail_end = min(next_start, idx.sents[last].end_char)
    tail = [c for c in near if qe <= c.token.idx < tail_end]
    if tail:
        return tail[0]
    prev_end = idx.spans[k - 1][1] if k > 0 else 0
    head = [c for c in near if max(prev_end, idx.sents[first].start_char) <= c.token.idx < qs]
    if head:
        return head[-1]
    if last + 1 < len(idx.sents) and idx.sents[last + 1].text.strip()[:1].islower():
        tail = [c for c in near if idx.sent_of(c.token.idx) == last + 1 and c.token.idx < next_start]
        if tail:
            return tail[0]
    return None


def _standalone(k: int, idx: _Index) -> bool:
    """A quotation that stands as an utterance of its own: it opens its sentence or follows
    a colon, comma or dash. "said on “Fox News Sunday”" is a title, not a quotation."""
    text = idx.text
    qs = idx.spans[k][0]
    sent_start = idx.sents[idx.sent_of(qs)].start_char
    before = text[max(sent_start, qs - 12):qs].rstrip(_MARK_CHARS + " \n\t\u00a0")
    return not before or before[-1] in ":,;—–-(" or qs - sent_start <= 2


def _byline(k: int, idx: _Index, r: Rules) -> tuple[int, int] | None:
    """ "“...” ― Sonya Herridge": a dash and a name right after the closing mark."""
    doc = idx.doc
    qe = idx.spans[k][1]
    text = idx.text[qe:qe + 6]
    dash = next((d for d in r.byline_dashes if d in text), None)
    if dash is None:
        return None
    at = idx.text.index(dash, qe) + len(dash)
    span = doc.char_span(at, at, alignment_mode="expand")
    tok_i = span.start if span is not None else None
    if tok_i is None:
        return None
    while tok_i < len(doc) and doc[tok_i].is_space:
        tok_i += 1
    end = tok_i
    while end < len(doc) and doc[end].pos_ == "PROPN":
        end += 1
    return (tok_i, end) if end > tok_i else None


def _cut_cue(k: int, idx: _Index) -> tuple[int, int] | None:
    """ "“...,” the Indian Army" and then nothing: a page cut off before the verb of its last
    attribution still names the speaker after the quotation's comma."""
    text, doc = idx.text, idx.doc
    qe = idx.spans[k][1]
    rest = text[qe:].lstrip(_MARK_CHARS + " ")
    if not rest.startswith(",") or "\n" in rest.strip() or len(rest.split()) > 6:
        return None
    span = doc.char_span(len(text) - len(rest) + 1, len(text.rstrip()), alignment_mode="expand")
    if span is None or not any(t.pos_ in ("PROPN", "NOUN") for t in span) or any(t.pos_ in ("VERB", "AUX") for t in span):
        return None
    start, end = _strip_punct(doc, span.start, span.end)
    return (start, end) if end > start else None


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _starts_sentence(k: int, idx: _Index) -> bool:
    qs = idx.spans[k][0]
    sent = idx.sents[idx.sent_of(qs)]
    return len(idx.text[sent.start_char:qs].strip()) <= 2


def _share(quote: tuple[int, int], content: tuple[int, int], text: str, cue_at: int = -1) -> float:
    """How much of the cue's content the quotation covers, ignoring a leading "that" and
    marks. For a cue after the quotation, a content that starts before the quotation and
    ends inside it is a misparse, not a wider statement ("X said, “...,” said the ministry")."""
    if content[0] < quote[0] < content[1] < quote[1] <= cue_at or content[0] <= cue_at < content[1]:
        return 1.0  # or the cue interrupts its own content: “My hope,” he said, “is that ...”
    start = content[0]
    lead = text[start:quote[0]].strip(" \n\"“”'‘’").lower()
    if lead in ("that", ""):
        start = max(start, quote[0])
        if _words(text[quote[1]:content[1]]) <= 3:
            return 1.0  # the parse often runs a clause a few words past its quotation
    words = _words(text[start:content[1]])
    inner = _words(text[max(quote[0], start):min(quote[1], content[1])])
    return inner / words if words else 0.0


@dataclass
class _Found:
    """A quotation or reported statement before it becomes a ``Quote``."""

    span: tuple[int, int]
    direct: bool
    cue: _Cue | None
    speaker: tuple[int, int] | None  # token range
    sent: int  # last sentence it reaches (content or cue)
    relay: list[str] = field(default_factory=list)


def _found(span: tuple[int, int], direct: bool, cue: _Cue | None, idx: _Index, speaker=None) -> _Found:
    last = idx.sent_of(span[1] - 1)
    if cue is not None:
        last = max(last, idx.sent_of(cue.token.idx))
        speaker = cue.speaker if speaker is None else speaker
    return _Found(span, direct, cue, speaker, last, list(cue.relay) if cue else [])


def _direct_quotes(idx: _Index, cues: list[_Cue], r: Rules) -> tuple[list[_Found], list[int]]:
    """Quotations tied to a cue in their own sentences, and the indices of those without one.

    A quotation that is only a fragment of the cue's clause ("said he would stop “making
    noise”") is left to the clause, which becomes the reported statement.
    """
    cue_sents = [idx.sent_of(c.token.idx) for c in cues]
    found: list[_Found] = []
    pending: list[int] = []
    for k, span in enumerate(idx.spans):
        cue = _link_cue(k, cues, cue_sents, idx)
        if cue is None:
            pending.append(k)
        elif not (cue.content and _overlap(cue.content, span) and _share(span, cue.content, idx.text, cue.token.idx) < r.direct_share):
            cue.used = True
            found.append(_found(span, True, cue, idx))
    return found, pending


def _reported(idx: _Index, cues: list[_Cue]) -> list[_Found]:
    """Cues whose clause is not already given by a direct quotation."""
    found = []
    for cue in cues:
        content = cue.content
        if content is None or content[1] <= content[0]:
            continue
        if cue.used and any(_overlap(content, s) for s in idx.spans_between(*content)):
            continue
        if idx.inside(content[0]) and idx.inside(content[1] - 1):
            continue
        cue.used = True
        found.append(_found(content, False, cue, idx))
    return found


def _start(f: _Found) -> int:
    return f.span[0]


def _attach_unlinked(idx: _Index, pending: list[int], found: list[_Found], cues: list[_Cue], r: Rules) -> list[_Found]:
    """Quotations without a cue take the speaker of the adjoining sentence's attribution.

    Only quotations that open their sentence and have a few words qualify: a short quotation
    inside a narrative sentence is a scare quote, not speech.
    """
    found = sorted(found, key=_start)
    cue_sents = [idx.sent_of(c.token.idx) for c in cues]
    for k in pending:
        span = idx.spans[k]
        byline = _byline(k, idx, r) or _cut_cue(k, idx)
        if byline is not None:
            bisect.insort(found, _found(span, True, None, idx, speaker=byline), key=_start)
        elif _starts_sentence(k, idx) and _words(idx.text[span[0]:span[1]]) >= r.min_words:
            bisect.insort(found, _adjoining(span, idx, found, cues, cue_sents), key=_start)
        elif _words(idx.text[span[0]:span[1]]) >= r.min_words_inline:
            inline = _same_sentence_speaker(span, idx, found)
            if inline is not None:
                bisect.insort(found, inline, key=_start)
    return found


def _same_sentence_speaker(span: tuple[int, int], idx: _Index, found: list[_Found]) -> _Found | None:
    """A long quotation inside a sentence whose statement it does not belong to by the parse
    ("A statement ... expressed concern and termed the measures “unjust, ...”") is said by
    the speaker of that sentence's statement before it."""
    sent = idx.sent_of(span[0])
    before = [f for f in found if f.cue is not None and f.speaker is not None and f.cue.kind == "speech"
              and idx.sent_of(f.cue.token.idx) == sent and f.cue.token.idx < span[0] and not _overlap(f.span, span)]
    if not before:
        return None
    source = before[-1]
    quote = _found(span, True, source.cue, idx, speaker=source.speaker)
    quote.relay = list(source.relay)
    return quote


def _adjoining(span: tuple[int, int], idx: _Index, found: list[_Found], cues: list[_Cue], cue_sents: list[int]) -> _Found:
    """The speaker of the previous sentence's attribution, else of a bare cue ("He said so.")
    in the next sentence."""
    first, last = idx.sent_of(span[0]), idx.sent_of(span[1] - 1)
    pos = bisect.bisect_left(found, span[0], key=_start)
    source = next((f for f in reversed(found[max(0, pos - 6):pos]) if f.sent in (first - 1, first)
                   and (f.speaker is not None or f.relay)), None)
    quote = _found(span, True, None, idx)
    if source is not None:
        quote.cue, quote.speaker, quote.relay = source.cue, source.speaker, list(source.relay)
        return quote
    lo, hi = bisect.bisect_left(cue_sents, last + 1), bisect.bisect_right(cue_sents, last + 1)
    bare = next((c for c in cues[lo:hi] if c.content is None and not c.used and c.speaker is not None), None)
    if bare is not None:
        quote.cue, quote.speaker, quote.relay = bare, bare.speaker, list(bare.relay)
    return quote


def _spread_relays(found: list[_Found], idx: _Index) -> list[_Found]:
    """A medium cited in a sentence with a speaker relays that speaker's statements;
    cited alone it stays a statement of its own, with no speaker."""
    by_sent: dict[int, list[_Found]] = {}
    for f in found:
        if f.cue is not None:
            by_sent.setdefault(idx.sent_of(f.cue.token.idx), []).append(f)
    dropped: set[int] = set()
    for group in by_sent.values():
        media = [f for f in group if f.cue.kind == "according" and f.speaker is None and f.relay]
        speakers = [f for f in group if f.speaker is not None and f.cue.kind == "speech"]
        if not (media and speakers):
            continue
        for f in speakers:
            f.relay.extend(n for m in media for n in m.relay if n not in f.relay)
        dropped.update(id(m) for m in media)
    return [f for f in found if id(f) not in dropped]


def speaker_kind(doc, start: int, end: int, r: Rules | None = None) -> str:
    """How the words ``doc[start:end]`` name a speaker: "pronoun", "statement" (a document:
    its issuer speaks), "named" (a person's name), "institution" (a named body or a state),
    else "title" ("the minister", "officials")."""
    r = r or rules()
    span = doc[start:end]
    head = span.root
    if head.pos_ == "PRON" or len(span) == 1 and span[0].pos_ == "PRON":
        return "pronoun"
    last = next((t for t in reversed(span) if not t.is_punct), head)
    if any(t.lemma_.lower() in r.statements or t.lower_ in r.statements for t in (head, last)):
        return "statement"  # "a statement", "A Directorate General of Foreign Trade notification"
    if any(t.ent_type_ == "PERSON" for t in span):
        return "named"
    if head.ent_type_ in ("ORG", "GPE", "NORP", "FAC") or head.pos_ == "PROPN":
        return "institution"
    return "title"


def _outermost(found: list[_Found]) -> list[_Found]:
    """A reported statement whose cue lies inside another reported statement's content is
    part of what that speaker said ("the campaign said it shows he would be awake")."""
    reported = [f for f in found if not f.direct and f.cue is not None]
    return [f for f in found if f.direct or f.cue is None or not any(
        o is not f and o.span[0] <= f.cue.token.idx < o.span[1] and f.cue.token.pos_ in ("VERB", "AUX")
        and o.cue.token.idx < f.cue.token.idx for o in reported)]


def _quote(doc_id: str, doc, text: str, f: _Found) -> Quote:
    start, end = f.span
    speaker_span = None
    kind = None
    if f.speaker is not None:
        s, e = _char_range(doc, *f.speaker)
        speaker_span = Span(s, e, text[s:e])
        kind = speaker_kind(doc, *f.speaker)
    return Quote(
        doc=doc_id,
        start=start,
        end=end,
        text=text[start:end],
        direct=f.direct,
        speaker_span=speaker_span,
        cue=f.cue.text if f.cue else None,
        relay=f.relay,
        claim=f.cue.claim if f.cue else False,
        speaker_from=kind,
    )


def _after_speaker_names(spans: list[tuple[int, int]], text: str, cues: list[_Cue]) -> list[tuple[int, int]]:
    """A transcript quoted paragraph by paragraph ("WALLACE: Let's start ... / "PENCE: Well,
    ...) is one run of quotation marks but many quotations: each starts after its speaker's
    colon and ends where the next speaker's line begins."""
    lines = sorted((c.token.idx, c.content[0]) for c in cues if c.opens_quote and c.content)
    out = []
    for qs, qe in spans:
        inner = [(colon, start) for colon, start in lines if qs < colon < qe]
        if not inner:
            out.append((qs, qe))
            continue
        first_line = text.rfind("\n", qs, inner[0][0]) + 1
        if first_line > qs and text[qs:first_line].strip():
            out.append(_trim(text, qs, first_line))
        for i, (colon, start) in enumerate(inner):
            end = text.rfind("\n", start, inner[i + 1][0]) if i + 1 < len(inner) else qe
            piece = _trim(text, start, end if end > start else qe)
            if piece[1] > piece[0]:
                out.append(piece)
    return out


def find_quotes(doc, doc_id: str) -> list[Quote]:
    """Direct quotations and reported speech in ``doc``, each with its speaker's words."""
    r = rules()
    text = doc.text
    if not text.strip():
        return []
    idx = _Index(doc, text, scan_quotations(text))
    cues = _cues(doc, text, idx.inside, r)
    if any(c.opens_quote for c in cues):
        idx = _Index(doc, text, _after_speaker_names(idx.spans, text, cues))
    direct, pending = _direct_quotes(idx, cues, r)
    found = _attach_unlinked(idx, pending, direct + _reported(idx, cues), cues, r)
    found = _spread_relays(found, idx)
    found = _outermost(found)
    return [_quote(doc_id, doc, text, f) for f in sorted(found, key=lambda f: f.span[0])]
