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
import os
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
    cut_prose_min_words: int
    cut_prose_max_furniture: float
    drop_lines: tuple[re.Pattern, ...]
    list_item: re.Pattern
    outlet_cues: tuple[re.Pattern, ...]
    datelines: tuple[re.Pattern, ...]
    dangling_tail: re.Pattern
    date_ignore: tuple[re.Pattern, ...]
    byline_scan: int
    byline_max_words: int
    dateline_scan: int
    title_scan: int
    title_max_furniture: float
    site_max_words: int
    not_outlet: frozenset[str]
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
        cut_prose_min_words=c.get("cut_prose_min_words", 15),
        cut_prose_max_furniture=c.get("cut_prose_max_furniture", 0.2),
        drop_lines=tuple(re.compile(p) for p in c["drop_lines"]),
        list_item=re.compile(c["list_item"]),
        outlet_cues=tuple(re.compile(p) for p in c["outlet_cues"]),
        datelines=tuple(re.compile(p) for p in c["datelines"]),
        dangling_tail=re.compile(c["dangling_tail"]),
        date_ignore=tuple(re.compile(p) for p in c["date_ignore"]),
        byline_scan=c["byline_scan"],
        byline_max_words=c["byline_max_words"],
        dateline_scan=c["dateline_scan"],
        title_scan=c["title_scan"],
        title_max_furniture=c["title_max_furniture"],
        site_max_words=c["site_max_words"],
        not_outlet=frozenset(c["not_outlet"]),
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


def _drop_furniture(paras: list[str], r: Rules, removed: list[str],
                    site_lines: frozenset[str] = frozenset()) -> tuple[list[str], str | None]:
    """Drop the lines the rules, the learned line classifier or the site's other pages
    (a line they repeat is furniture) say are not article text."""
    from . import furniture

    kept, outlet = [], None
    flags = furniture.is_furniture(paras)
    ruled = [any(rx.search(p) for rx in r.drop_lines) or furniture.key(p) in site_lines for p in paras]
    if all(f or x for f, x in zip(flags, ruled)):
        # the classifier and the repetition check are evidence, not proof: a page they would
        # empty (a one-line text, a sentence said over and over) keeps what the rules keep
        flags = [False] * len(paras)
    for i, p in enumerate(paras):
        for cue in r.outlet_cues:
            m = cue.search(p)
            if m and not outlet:
                outlet = m.group("outlet")
        if flags[i] or any(rx.search(p) for rx in r.drop_lines) or furniture.key(p) in site_lines:
            removed.append(p)
        else:
            kept.append(p)
    return kept, outlet


def _drop_trailing_block(body: list[str], title: str | None, r: Rules, removed: list[str]) -> list[str]:
    """Related headlines, lists and a repeated title at the end are navigation, not article.
    A last line cut off mid-sentence (a scrape that stops at a length) is not a headline when
    it is long and the line classifier reads it as prose."""
    from . import furniture

    while len(body) > 1:
        last = body[-1]
        if _is_headline(last, r) and len(last.split()) >= r.cut_prose_min_words \
                and furniture.scores(body)[-1] < r.cut_prose_max_furniture:
            break
        if r.list_item.search(last) or _is_headline(last, r) or (title and last.strip() == title.strip()):
            removed.append(body.pop())
        else:
            break
    return body


def _dateline(first: str, r: Rules) -> tuple[str, str | None, str | None]:
    """Strip a dateline ("OTTAWA, Sept 18 (Northwire) -", "New Delhi, September 19, 2023
    (Agency) -", "ISLAMABAD, May 16 (APP):"); return (rest, outlet, published), the date
    as YYYY-MM-DD, or XXXX-MM-DD when the dateline gives no year."""
    for rx in r.datelines:
        m = rx.match(first)
        if not m:
            continue
        g = m.groupdict()
        published = g.get("date")
        if g.get("month") and g.get("day"):
            published = _ymd(None, g["month"], None, g["day"])
        if g.get("when"):
            published = find_date(g["when"])
            if not published:
                n = _DATE_NO_YEAR.search(g["when"])
                published = n and _ymd(None, n.group("mon") or n.group("mon2"), None, n.group("d") or n.group("d2"))
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


_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_ORD = r"(?:st|nd|rd|th)?"
# The date forms bylines, datelines and update stamps use (named groups y, m/mon, d).
_DATE_FORMS = (
    re.compile(rf"(?i)(?<![\w-])(?P<mon>{_MON})\s+(?P<d>\d{{1,2}}){_ORD}(?:,\s*|\s+)(?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(rf"(?i)(?<![\w-])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MON})(?:,\s*|\s+)(?P<y>(?:19|20)\d\d)(?!\d)"),
    re.compile(r"(?<![\d.-])(?P<y>(?:19|20)\d\d)[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?![\d])"),
    re.compile(rf"(?i)(?<=[a-z])(?P<mon>{_MON})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>(?:19|20)\d\d)(?!\d)"),  # "By Ann LeeMay 07, 2025"
    # "09.05.2025 | 14:10": with dots the order is day, month, year (slashes stay ambiguous)
    re.compile(r"(?<![\w.])(?P<d>\d\d)\.(?P<m>\d\d)\.(?P<y>(?:19|20)\d\d)(?![\d.])"),
)
_DATE_NO_YEAR = re.compile(rf"(?i)(?<![\w-])(?:(?P<mon>{_MON})\s+(?P<d>\d{{1,2}}){_ORD}|(?P<d2>\d{{1,2}}){_ORD}\s+(?P<mon2>{_MON}))(?![\w])")


def _ymd(y: str | None, mon: str | None, m: str | None, d: str) -> str | None:
    if m:
        month = int(m)
    else:
        key = (mon or "").lower().rstrip(".")
        month = _MONTH_FORMS.get("sept" if key.startswith("sept") else key[:3])
    if not month:
        return None
    try:
        dt.date(int(y) if y else 2004, month, int(d))
    except ValueError:
        return None
    return f"{y or 'XXXX'}-{month:02d}-{int(d):02d}"


def find_date(text: str) -> str | None:
    """The first full date (day, month, year) written in ``text``, as YYYY-MM-DD."""
    hits = []
    for rx in _DATE_FORMS:
        for m in rx.finditer(text):
            g = m.groupdict()
            v = _ymd(g.get("y"), g.get("mon"), g.get("m"), g["d"])
            if v:
                hits.append((m.start(), v))
    return min(hits)[1] if hits else None


def date_in_url(url: str | None) -> tuple[str | None, str]:
    """A date spelled in a URL's path (/2025/05/10/, -2025-05-04-, /20250510-, /2025/Jun/18/),
    with its precision: the last resort for a publication date."""
    if not url:
        return None, "none"
    path = re.sub(r"^[a-z]+://[^/]+", "", url, flags=re.I)
    for rx in (r"/(?P<y>20\d\d)/(?P<m>\d{1,2}|[A-Za-z]{3,9})/(?P<d>\d{1,2})(?:/|$)",
               r"(?<![\d])(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?![\d])",
               r"/(?P<y>20\d\d)(?P<m>\d\d)(?P<d>\d\d)[-_/]"):
        m = re.search(rx, path)
        if m:
            mm = m.group("m")
            v = _ymd(m.group("y"), None if mm.isdigit() else mm, mm if mm.isdigit() else None, m.group("d"))
            if v:
                return v, "day"
    m = re.search(r"/(?P<y>20\d\d)/(?P<m>\d\d)/", path)
    if m and 1 <= int(m.group("m")) <= 12:
        return f"{m.group('y')}-{m.group('m')}", "month"
    return None, "none"


def _with_year(value: str | None, year_from: list[str | None]) -> str | None:
    """Give an ``XXXX-MM-DD`` date the year another source of the same document states,
    stepping back a year when that would put it months after the source (a December
    dateline on a January page)."""
    if not value or not value.startswith("XXXX"):
        return value
    for ref in year_from:
        if ref and ref[:4].isdigit():
            y = int(ref[:4])
            if len(ref) >= 7 and int(value[5:7]) - int(ref[5:7]) > 6:
                y -= 1
            try:
                dt.date(y, int(value[5:7]), int(value[8:10]))
            except ValueError:
                continue
            return f"{y}{value[4:]}"
    return value


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LEAD_WEEKDAY = re.compile(r"(?i)(?:\b(?P<pre>[a-z]+)\s+)?\b(?P<wd>" + "|".join(_WEEKDAY_NAMES) + r")\b(?P<poss>['’]s)?")
# A weekday after these words is not the dateline's own day ("next Friday", "since Monday").
_NOT_THAT_DAY = frozenset({"next", "last", "this", "coming", "since", "until", "till", "before", "after", "by",
                           "previous", "following", "from", "every", "each", "late"})
# Years a year-less dateline may belong to: the run's year and the one before. A month-day's
# weekday differs in any two consecutive years, so at most one fits; an older page whose
# weekday happens to fit one of them is the risk, kept small by the narrow window.
YEAR_WINDOW = 2


def run_date() -> dt.date:
    """Today, or the day ``EVENTWATCH_TODAY`` (YYYY-MM-DD) names: the end of the window a
    year-less date is placed in, pinned by the tests so their result does not age."""
    value = os.environ.get("EVENTWATCH_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def year_from_weekday(value: str | None, lead: str | None, today: dt.date | None = None) -> str | None:
    """A year-less dateline date ("ISLAMABAD, May 16 (APP): Pakistan on Friday said ...")
    given the year in which its month-day falls on the weekday its lead sentence names for
    it: only when the sentence names exactly one weekday, plainly ("on Friday", "Friday"),
    and exactly one year of the window ending at the run date fits. Else None."""
    if not value or not value.startswith("XXXX-") or len(value) != 10 or not lead:
        return None
    first = re.split(r"(?<=[.!?])[\"'”’]?\s+(?=[A-Z\"“])", lead.strip(), maxsplit=1)[0]
    hits = list(_LEAD_WEEKDAY.finditer(first))
    days = {m.group("wd").lower() for m in hits}
    if len(days) != 1 or any((m.group("pre") or "").lower() in _NOT_THAT_DAY or m.group("poss") for m in hits):
        return None  # none, several, or one that names another day ("next Friday", "Friday's attack")
    wd = _WEEKDAY_NAMES.index(days.pop())
    today = today or run_date()
    fits = []
    for y in range(today.year - YEAR_WINDOW + 1, today.year + 1):
        try:
            d = dt.date(y, int(value[5:7]), int(value[8:10]))
        except ValueError:
            continue
        if d <= today and d.weekday() == wd:
            fits.append(d)
    return fits[0].isoformat() if len(fits) == 1 else None


def _byline_date(paras: list[str], r: Rules) -> str | None:
    """A date in a byline or update stamp near the top ("By Ann Lee May 07, 2025",
    "Updated May 13th 2025, 21:36 IST", "Published on 10 May 2025"): a short line, not a
    sentence, not a caption, whose date is its main content."""
    for p in paras[: r.byline_scan]:
        if any(rx.search(p) for rx in r.date_ignore):
            continue
        words = len(p.split())
        if words > r.byline_max_words or _SENTENCE_INSIDE.search(p):
            continue
        v = find_date(p)
        if v:
            return v
    return None


_PREFIX = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})(?!\d)\s*")  # junk may follow glued on


@dataclass
class _Cleaned:
    title: str | None
    paras: list[str]
    outlet: str | None
    dates: dict[str, str]  # where from -> date, every source found
    removed: list[str]
    lead: str | None = None  # the dateline paragraph's text after the dateline


def _clean_text(text: str, r: Rules, site_lines: frozenset[str] = frozenset()) -> _Cleaned:
    removed: list[str] = []
    dates: dict[str, str] = {}
    m = _PREFIX.match(text)
    if m:  # the scraper's " date YYYY-MM-DD " prefix, whatever junk follows it on the line
        if _normalise_published(m.group("date")):
            dates["prefix"] = m.group("date")
        removed.append(m.group(0).strip())
        text = text[m.end():]
    raw_paras = _paragraphs(text)
    byline = _byline_date(raw_paras, r)
    if byline:
        dates["byline"] = byline
    head = _find_title(raw_paras, r, site_lines)
    title_line = raw_paras[head] if head is not None else None
    site = next((p.strip() for p in raw_paras[: head or 0] if len(p.split()) <= r.max_label_words and _looks_like_name(p)
                 and all(w[:1].isupper() for w in p.split()) and p.lower().strip(" :|-") not in r.section_labels
                 and not set(re.findall(r"[a-z]+", p.lower())) & r.not_outlet), None)
    paras, outlet = _drop_furniture([p for i, p in enumerate(raw_paras) if i != head], r, removed, site_lines)
    while len(paras) > 1 and not _ends_sentence(paras[0]) and (
        paras[0].lower().strip(" :|-") in r.section_labels or len(paras[0].split()) <= r.max_label_words
    ):
        label = paras.pop(0)
        removed.append(label)
        if label.lower().strip(" :|-") not in r.section_labels and site is None and _looks_like_name(label):
            site = label
    title = title_line
    lead = None
    if title is None and len(paras) > 1 and _title_shaped(paras[0], r):
        title = paras.pop(0)
    for i in range(min(r.dateline_scan, len(paras))):
        rest, dl_outlet, found = _dateline(paras[i], r)
        if rest != paras[i]:
            removed.append(paras[i][: len(paras[i]) - len(rest)].strip())
            if rest.strip():
                paras[i] = rest
            else:
                paras.pop(i)
            outlet = dl_outlet or outlet
            if found:
                dates["dateline"] = found
                lead = rest
            break
    paras = _drop_trailing_block(paras, title, r, removed)
    paras = [r.dangling_tail.sub(".", p) for p in paras]
    return _Cleaned(title, paras, outlet or site, dates, removed, lead)


def _find_title(paras: list[str], r: Rules, site_lines: frozenset[str]) -> int | None:
    """The headline among the first lines of a page, chosen before furniture is dropped (a
    headline and a related headline look alike; only the page's top tells them apart):
    a headline-shaped line of at least four words with no date, no separators, no widget
    shape, that neither the rules nor the site's other pages call furniture."""
    from . import furniture

    top = paras[: r.title_scan]
    probs = furniture.scores(top)
    for i, p in enumerate(top):
        if _ends_sentence(p) and probs[i] < 0.5:
            return None  # the article has begun: the page names no headline above it
        if _title_shaped(p, r) and probs[i] < r.title_max_furniture and furniture.key(p) not in site_lines:
            return i
    return None


def _title_shaped(p: str, r: Rules) -> bool:
    """A headline: four words or more, no final stop, no date or clock, no separators or
    bullets, no breadcrumb glued to it ("HomeNationalPakistan ...")."""
    return (len(p.split()) >= 4 and _is_headline(p, r) and not re.match(r"^[^\w\"“‘'«]", p) and not re.search(r"\s/\s|[|»•]", p)
            and not find_date(p) and not re.search(r"\d{1,2}:\d\d", p) and not re.match(r"^[A-Z][a-z]+[A-Z][a-z]+[A-Z]", p)
            and not any(rx.search(p) for rx in r.drop_lines) and p.lower().strip(" :|-") not in r.section_labels)


def _looks_like_name(label: str) -> bool:
    """A leading short line that can be a site's name: letters, no digits, no widget glyphs."""
    return bool(re.fullmatch(r"[^\W\d_][\w.&'’ -]*", label.strip())) and label.strip().lower() not in {"logo", "menu", "home"}


def publication_date(dates: dict[str, str], url: str | None) -> tuple[str | None, str | None]:
    """The cascade: metadata (JSONL, feed, HTML), the scraper's prefix, a dateline with its
    year, a byline, a dateline without one (given the year another source states), and
    last the URL's path. Returns (date, where from)."""
    url_date, _ = date_in_url(url)
    if url_date:
        dates = {**dates, "url": url_date}
    full = {k: v for k, v in dates.items() if v and not v.startswith("X")}
    for source in ("metadata", "feed", "prefix", "dateline", "byline"):
        if source in full:
            return full[source], source
    if dates.get("dateline"):
        return _with_year(dates["dateline"], [dates.get(k) for k in ("metadata", "feed", "prefix", "byline", "url")]), "dateline"
    if "url" in full:
        return full["url"], "url"
    for source in ("metadata", "feed"):
        if dates.get(source):
            return dates[source], source
    return None, None


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
    """Turn one raw document into a Document, or raise CleanError saying why not.
    ``raw.site_lines`` are lines other pages of the same site carry (furniture)."""
    r = rules()
    site_lines = raw.site_lines
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
    c = _clean_text(text, r, site_lines)
    title = title or c.title
    outlet = raw.outlet or outlet or c.outlet or _outlet_from_url(raw.url)
    notes = []
    given = _normalise_published(raw.published)
    if raw.published and given is None:
        notes.append(f"publication date {raw.published!r} is not a date; relative dates stay unresolved unless the text dates itself")
    dates = dict(c.dates)
    if given or published:
        dates["metadata"] = given or published
    published, published_from = publication_date(dates, raw.url)
    if published_from == "dateline" and published and published.startswith("XXXX"):
        dated = year_from_weekday(published, c.lead)
        if dated:
            notes.append(f"the dateline's year {dated[:4]} follows from the weekday its lead names")
            published = dated
    title = raw.title or title
    paras = c.paras
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
        outlet=outlet, published=published, published_from=published_from, language=lang, url=raw.url,
        removed=c.removed, notes=notes,
    )


def url_host(url: str | None) -> str | None:
    """The site's host name, ``www.`` dropped."""
    m = re.match(r"^[a-z]+://(?:www\.)?([^/:?#]+)", url or "", re.I)
    return m.group(1).lower() if m else None


def _outlet_from_url(url: str | None) -> str | None:
    """The host is the outlet when nothing else names it."""
    return url_host(url)


def shared_lines(raw: bytes, others: list[bytes], max_words: int | None = None) -> frozenset[str]:
    """Lines of ``raw`` that another page of the same site also carries, as furniture keys.
    Only short lines count (``site_max_words``): two versions of one story share their
    paragraphs, and those are article text."""
    from . import furniture

    limit = max_words or rules().site_max_words

    def keys(data: bytes) -> set[str]:
        try:
            text = data.decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - any bytes: a page that cannot be read shares nothing
            return set()
        return {furniture.key(l) for l in text.splitlines() if l.strip() and len(l.split()) <= limit}

    mine = keys(raw)
    seen: set[str] = set()
    for other in others:
        seen |= mine & keys(other)
    return frozenset(seen)
