"""Clean: raw bytes to the article text a reader would see, plus its metadata.

The cascade, for plain text (what scrapers hand over):

1. decode as UTF-8 (a BOM is allowed); anything else is refused with the byte offset;
2. split into paragraphs (one per line, or per blank-line block when lines are hard-wrapped);
3. drop furniture lines anywhere (paywall notices, donation appeals, share buttons);
4. drop leading site names and section labels; the first headline-like line is the title;
5. read a dateline off the first body paragraph (outlet, publication date) and remove it;
6. drop the trailing block of related headlines and navigation lists;
7. check the language (English only, for now).

HTML goes through trafilatura (main-text extraction, title, site name, date via
htmldate) and then through steps 3, 6 and 7. Rules live in ``data/clean.toml``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .model import Document, RawDocument, utf16_encoding

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], 1)}
_MONTH_FORMS = {**MONTHS, **{m[:3]: i for m, i in MONTHS.items()}, "sept": 9}
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]»]*$|[\"”’»]$")
_WORD = re.compile(r"[^\W\d_]+")
# A sentence ends inside the line: a lower-case word, a stop, a space, a capital.
# Or a quotation closes on a comma inside it: "“..., ” the army" (an attribution, cut off).
_SENTENCE_INSIDE = re.compile(r"\b[a-z]{2,}[.!?][\"'”’]?\s+[\"“]?[A-Z]|[a-z],[\"”]\s+\w")
SHORT_TEXT_WORDS = 40


class CleanError(ValueError):
    """The document cannot be turned into article text; the message says why."""


@dataclass(frozen=True)
class Rules:
    section_labels: frozenset[str]
    max_label_words: int
    max_title_words: int
    drop_lines: tuple[re.Pattern, ...]
    list_item: re.Pattern
    outlet_cues: tuple[re.Pattern, ...]
    datelines: tuple[re.Pattern, ...]
    dangling_tail: re.Pattern
    language_words: dict[str, frozenset[str]]
    min_language_share: float


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = resources.files("eventwatch") / "data"
    c = tomllib.loads((data / "clean.toml").read_text("utf-8"))
    lang = tomllib.loads((data / "languages.toml").read_text("utf-8"))
    return Rules(
        section_labels=frozenset(s.lower() for s in c["section_labels"]),
        max_label_words=c["max_label_words"],
        max_title_words=c["max_title_words"],
        drop_lines=tuple(re.compile(p) for p in c["drop_lines"]),
        list_item=re.compile(c["list_item"]),
        outlet_cues=tuple(re.compile(p) for p in c["outlet_cues"]),
        datelines=tuple(re.compile(p) for p in c["datelines"]),
        dangling_tail=re.compile(c["dangling_tail"]),
        language_words={k: frozenset(v) for k, v in lang["words"].items()},
        min_language_share=lang["min_share"],
    )


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def decode(raw: bytes) -> str:
    wide = utf16_encoding(raw)
    try:
        text = raw.decode(wide) if wide else raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        what = wide.upper() if wide else "UTF-8"
        raise CleanError(f"not valid {what} (byte 0x{raw[e.start]:02x} at offset {e.start}); re-save it as UTF-8") from None
    text = text.lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")


def _ends_sentence(line: str) -> bool:
    return bool(_TERMINAL.search(line.rstrip()))


def _is_headline(line: str, r: Rules) -> bool:
    """A short line with no final stop, unless it holds whole sentences before it stops: a
    page cut off mid-sentence ("“We are going to ... right now. We are soon going to neg")."""
    return not _ends_sentence(line) and 0 < len(line.split()) <= r.max_title_words and not _SENTENCE_INSIDE.search(line)


def _paragraphs(text: str) -> list[str]:
    """One paragraph per line, unless the lines are hard-wrapped inside blank-line blocks."""
    paras: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [l.strip() for l in block.split("\n") if l.strip()]
        wrapped = len(lines) > 2 and sum(1 for l in lines[:-1] if 50 <= len(l) <= 100 and not _ends_sentence(l)) >= 0.6 * (len(lines) - 1)
        paras.extend([" ".join(lines)] if wrapped else lines)
    return [re.sub(r"[ \t]+", " ", p) for p in paras]


def _drop_furniture(paras: list[str], r: Rules, removed: list[str]) -> tuple[list[str], str | None]:
    kept, outlet = [], None
    for p in paras:
        for cue in r.outlet_cues:
            m = cue.search(p)
            if m and not outlet:
                outlet = m.group("outlet")
        if any(rx.search(p) for rx in r.drop_lines):
            removed.append(p)
        else:
            kept.append(p)
    return kept, outlet


def _drop_trailing_block(body: list[str], title: str | None, r: Rules, removed: list[str]) -> list[str]:
    """Related headlines, lists and a repeated title at the end are navigation, not article."""
    while len(body) > 1:
        last = body[-1]
        if r.list_item.search(last) or _is_headline(last, r) or (title and last.strip() == title.strip()):
            removed.append(body.pop())
        else:
            break
    return body


def _dateline(first: str, r: Rules) -> tuple[str, str | None, str | None]:
    """Strip a dateline; return (rest, outlet, published)."""
    for rx in r.datelines:
        m = rx.match(first)
        if not m:
            continue
        g = m.groupdict()
        published = g.get("date")
        if g.get("month") and g.get("day"):
            published = f"XXXX-{MONTHS[g['month'].lower()]:02d}-{int(g['day']):02d}"
        return first[m.end():], g.get("outlet"), published
    return first, None, None


def language(text: str, r: Rules | None = None) -> tuple[str | None, float]:
    """The best-scoring language by share of its function words, and that share."""
    r = r or rules()
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if not words:
        return None, 0.0
    scores = {lang: sum(1 for w in words if w in vocab) / len(words) for lang, vocab in r.language_words.items()}
    best = max(scores, key=scores.get)
    return (best if scores[best] >= r.min_language_share else None), scores[best]


def _normalise_published(value: str | None) -> str | None:
    """A publication date as a TIMEX3 day or month (2025-11-27, XXXX-11-12, 2025-11), or
    None when the value is not a real date: a wrong date would date every event wrongly."""
    if not value:
        return None
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value) or re.match(r"^\s*(\d{4})(\d{2})(\d{2})\b", value)
    words = re.search(r"\b(?P<a>\d{1,2})\.?\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})\b"
                      r"|\b(?P<mon2>[A-Za-z]{3,9})\.?\s+(?P<b>\d{1,2}),?\s+(?P<y2>\d{4})\b", value)
    month = words and _MONTH_FORMS.get((words.group("mon") or words.group("mon2")).lower())
    if m:
        y, mo, d = m.groups()
    elif month:  # "Thu, 27 Nov 2025 10:00:00 GMT" (RSS), "November 27, 2025"
        y, mo, d = words.group("y") or words.group("y2"), f"{month:02d}", f"{int(words.group('a') or words.group('b')):02d}"
    else:
        m = re.match(r"^\s*(XXXX|\d{4})-(\d{2})(?:-(\d{2}))?\s*$", value)
        if not m:
            return None
        y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        dt.date(2004 if y == "XXXX" else int(y), int(mo), int(d or 1))  # 2004: leap year, for XXXX-02-29
    except ValueError:
        return None
    return f"{y}-{mo}-{d}" if d else f"{y}-{mo}"


def _clean_text(text: str, r: Rules) -> tuple[str | None, list[str], str | None, str | None, list[str]]:
    removed: list[str] = []
    paras, outlet = _drop_furniture(_paragraphs(text), r, removed)
    site = None
    while len(paras) > 1 and not _ends_sentence(paras[0]) and (
        paras[0].lower().strip(" :|-") in r.section_labels or len(paras[0].split()) <= r.max_label_words
    ):
        label = paras.pop(0)
        removed.append(label)
        if label.lower().strip(" :|-") not in r.section_labels and site is None:
            site = label
    title = None
    if len(paras) > 1 and _is_headline(paras[0], r):
        title = paras.pop(0)
    published = None
    if paras:
        rest, dl_outlet, published = _dateline(paras[0], r)
        if rest != paras[0]:
            removed.append(paras[0][: len(paras[0]) - len(rest)].strip())
            paras[0] = rest
        outlet = dl_outlet or outlet
    paras = _drop_trailing_block(paras, title, r, removed)
    paras = [r.dangling_tail.sub(".", p) for p in paras]
    return title, paras, outlet or site, published, removed


def _from_html(html: str) -> tuple[str | None, str, str | None, str | None]:
    import trafilatura

    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    meta = (result.as_dict() if hasattr(result, "as_dict") else dict(result)) if result is not None else {}
    if not (meta.get("text") or "").strip():
        # trafilatura wants a page's worth of text; a short page or a bare fragment
        # ("<p>Lithuania expelled a Belarusian diplomat.</p>") is read as plain markup.
        title, text = _plain_html(html)
        if not text.strip():
            raise CleanError("no article text found in the HTML")
        return meta.get("title") or title, text, meta.get("sitename"), meta.get("date")
    return meta.get("title"), meta.get("text") or "", meta.get("sitename"), meta.get("date")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_TEXT = ("script", "style", "noscript", "template", "head", "nav", "footer", "svg", "form", "button", "iframe")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "tr",
           "title", "header", "main", "pre", "dd", "dt", "figcaption"}


def _plain_html(html: str) -> tuple[str | None, str]:
    """(title, text) of markup trafilatura found no article in: every block a paragraph,
    scripts, styles and navigation dropped."""
    import lxml.etree
    import lxml.html

    html = _CONTROL.sub("", html)  # lxml refuses to hold control characters (found by tests/test_fuzz.py)
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None, ""
    titles = root.xpath("//title")
    title = " ".join(titles[0].text_content().split()) or None if titles else None
    for el in root.xpath("|".join(f"//{t}" for t in _NOT_TEXT)):
        if el.getparent() is not None:
            el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    paras = [" ".join(line.split()) for line in root.text_content().split("\n")]
    return title, "\n".join(p for p in paras if p)


def clean(raw: RawDocument) -> Document:
    """Turn one raw document into a Document, or raise CleanError saying why not."""
    r = rules()
    text = decode(raw.raw)
    if not text.strip():
        raise CleanError("empty document")
    title = outlet = published = None
    if raw.kind == "html":
        # The page's <title> is not put in front of the text: the site's own section labels
        # and name that open an article body ("News", "Bbabo NET") must still lead it, where
        # the label step finds them.
        title, text, outlet, published = _from_html(text)
        published = _normalise_published(published)
    t_title, paras, t_outlet, t_published, removed = _clean_text(text, r)
    title = title or t_title
    outlet = raw.outlet or outlet or t_outlet
    notes = []
    given = _normalise_published(raw.published)
    if raw.published and given is None:
        notes.append(f"publication date {raw.published!r} is not a date; relative dates stay unresolved unless the text dates itself")
    published = given or t_published or published
    title = raw.title or title
    if not paras:
        raise CleanError("no article text left after removing boilerplate")
    body = "\n\n".join(paras)
    lang, share = language(body, r)
    if lang is None and len(body.split()) < SHORT_TEXT_WORDS:
        lang = "en"  # too short to judge by function words; refuse only a clearly foreign text
    if lang != "en":
        what = f"looks like '{lang}'" if lang else f"only {share:.0%} English function words"
        raise CleanError(f"not English ({what}); eventwatch reads English text only")
    full = f"{title}\n\n{body}" if title else body
    return Document(
        id=raw.id, text=full, content_hash=content_hash(raw.raw), source=raw.source, title=title,
        outlet=outlet, published=published, language=lang, url=raw.url, removed=removed, notes=notes,
    )
