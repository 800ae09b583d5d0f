"""Time-expression tagger and normaliser (TIMEX3, TimeML / TempEval-3 conventions).

``tag(text, dct)`` finds the time expressions in ``text`` and gives each a TIMEX3 type
(DATE, TIME, DURATION, SET), value and mod, resolved against the document creation time
``dct`` ("YYYY-MM-DD", "XXXX-MM-DD" when the year is unknown, or None). Pure regex; the
word lists (months, numbers, units, hedges, holidays, tense cues) live in data/timex.toml.

The cascade:

1. **Candidates.** Every rule in ``_RULES`` is a regular expression with a handler that turns
   a match into zero or more candidates, each with an extent, a type and a *resolver* (a
   function of the discourse state that returns the value). Rules, from specific to vague:
   ISO and numeric dates; month-day(-year) dates and their lists and ranges ("November 8 and
   10", "November 8-10"); month-year; fiscal quarters and halves; "the year"; clock times;
   holidays; relative calendar units ("last week", "this summer", "next Friday", "the
   following day"); counted units ("three years ago", "the past two weeks", "10 years");
   bare plural units ("for years"); today/yesterday/tomorrow and parts of the day; weekdays;
   bare months; seasons; years and decades; spoken years; frequencies (SET); and
   present/past/future references ("now", "recently").
2. **Selection.** Overlapping candidates are settled longest first (ties: the more specific
   rule).
3. **Modifiers.** A kept expression takes in a position prefix ("the end of", "early",
   "mid-" -> mod END/START/MID) or a quantity hedge ("nearly", "at least", "more than"),
   following TimeBank extents. Hedges TimeBank usually leaves out ("about", "within") are
   left out here too.
4. **Resolution**, left to right. Deictic expressions ("yesterday", "last month", "on
   Tuesday") are anchored on the DCT; anaphoric ones ("the following day", "a year
   earlier") on the reference time, the value of the last resolved date; "the quarter",
   "year-earlier" and "a year ago" on the fiscal period under discussion when there is one.
   Where the text leaves the direction open, the tense of the sentence decides: the cue
   nearest the expression ("will", "is expected to", "planned", "until" vs "was", any "-ed"
   verb), looking back first; a cue after it wins only when three times closer ("on Sunday
   issued"). Fiscal quarters are the one just reported on. Weekdays are
   the last such day on or before the DCT, or the next in a future sentence. Bare months are
   the last occurrence, or the next in a future sentence, or without any cue the next when it
   is at most four months ahead. Month-day dates without a year stay in the DCT's year
   unless they fall more than three months after it in a sentence that is not future.

Unknown years: with a partial DCT ("XXXX-11-12") a resolver is run against two anchor years
with different calendars; where both agree once the year is masked ("XXXX-11-11" for
"yesterday", "XXXX-10" for "last month") that partial value is kept, otherwise (weekdays,
ISO weeks, bare years) the value is None. With no DCT every expression that needs one gets
value None; month-day dates still give "XXXX-MM-DD". Nothing falls back to today's date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from eventwatch.model import Timex

_DATA: dict[str, Any] = tomllib.loads((Path(__file__).parent / "data" / "timex.toml").read_text("utf-8"))

# --------------------------------------------------------------------------- tables

_MONTHS: dict[str, int] = {**_DATA["months"], **_DATA["month_abbreviations"]}
_WEEKDAYS: dict[str, int] = _DATA["weekdays"]
_NUMBERS: dict[str, int] = _DATA["numbers"]
_TENS: dict[str, int] = _DATA["tens"]
_MULTIPLIERS: dict[str, int] = _DATA["multipliers"]
_VAGUE: dict[str, int | str] = {" ".join(k.split()): v for k, v in _DATA["vague_numbers"].items()}
_ORDINALS: dict[str, int] = _DATA["ordinals"]
_UNITS: dict[str, str] = _DATA["units"]
_UNIT_PLURALS: dict[str, str] = _DATA["unit_plurals"]
_SEASONS: dict[str, str] = _DATA["seasons"]
_PARTS: dict[str, str] = _DATA["parts_of_day"]
_REFS: dict[str, str] = {" ".join(k.split()): v for k, v in _DATA["refs"].items()}
_SETS: dict[str, str] = {" ".join(k.split()): v for k, v in _DATA["sets"].items()}
_POS_MODS: dict[str, str] = _DATA["position_mods"]
_QTY_MODS: dict[str, str] = _DATA["quantity_mods"]
_HOLIDAYS: dict[str, str] = _DATA["holidays"]
_WD_HOLIDAYS: dict[str, list[int]] = _DATA["weekday_holidays"]
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _alt(words: Any, cap: bool = False) -> str:
    """Regex alternation, longest first; internal spaces match any whitespace."""
    items = sorted({w.capitalize() if cap else w for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


_MONTH_FULL = _alt(_DATA["months"], cap=True)
_MONTH_ABBR = _alt(_DATA["month_abbreviations"], cap=True)
# Month and weekday names are matched case-sensitively ("may", "march" are common words).
_MONTH = rf"(?-i:{_MONTH_FULL}|(?:{_MONTH_ABBR})\.?)(?![a-z])"
_WEEKDAY = rf"(?-i:{_alt(_WEEKDAYS, cap=True)})"
_DAYNUM = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_ORDWORD = _alt(k for k in _ORDINALS if not k[0].isdigit())
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_U1_9 = _alt(k for k, v in _NUMBERS.items() if 1 <= v <= 9 and k not in ("a", "an", "single"))
_TEENS = _alt(k for k, v in _NUMBERS.items() if 10 <= v <= 19)
_TENS_WORD = rf"(?:{_alt(_TENS)})(?:[-\s](?:{_U1_9}))?"
_CARD_WORD = rf"{_TENS_WORD}|{_alt(k for k in _NUMBERS if k not in ('a', 'an', 'single'))}"
_BIG_WORD = rf"(?:{_CARD_WORD}|a)\s+(?:{_alt(_MULTIPLIERS)})(?:\s+(?:and\s+)?(?:{_CARD_WORD}))?"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_FRACTION = r"(?:\s+1/2|\s+and\s+an?\s+half|½)"
_ONE_QTY = rf"(?:{_alt(_VAGUE)}|{_BIG_WORD}|{_DIGITS}|{_CARD_WORD}|an?|single)(?:{_FRACTION})?"
_QTY = rf"{_ONE_QTY}(?:\s*(?:-|–|to|or)\s*(?:{_DIGITS}|{_CARD_WORD}))?"
_UNIT = rf"(?:{_alt(_UNIT_PLURALS)}|(?:{_alt(_UNITS)})s?)"
_SEASON = _alt(_SEASONS)
_PART = _alt(_PARTS)
_QMOD = _alt(_QTY_MODS)
# Years in words, as broadcast transcripts write them ("nineteen ninety-six").
_SPOKEN_YEAR = (
    rf"(?:(?:nineteen|eighteen|twenty)\s+(?:{_TENS_WORD}|{_TEENS}|hundred|oh[-\s](?:{_U1_9}))"
    rf"|two\s+thousand(?:\s+(?:and\s+)?(?:{_TEENS}|{_TENS_WORD}|{_U1_9}))?)"
)
_ANY_YEAR = rf"(?:{_YEAR}|{_SPOKEN_YEAR})"
_FUTURE_CUE = re.compile(
    rf"\b(?:(?:{_alt(_DATA['tense']['modals'])})(?:\s+(?:not|be|have|been|also|still|soon|never|likely|then|now))*(?:\s+[a-z]+)?"
    rf"|{_alt(_DATA['tense']['future'])})\b(?!\s+to\b)",  # not "next to", "due to"
    re.I,
)
_PAST_CUE = re.compile(rf"\b(?:{_alt(_DATA['tense']['past'])}|(?-i:[a-z]{{3,}}ed))\b", re.I)
_AHEAD_WEIGHT = 3  # a cue after the expression must be this many times closer than one before it
_SENTENCE_END = re.compile(r"[.!?](?:['\"’”)]|'')*\s+(?=[A-Z`'\"(])|\n")


# --------------------------------------------------------------------------- numbers


def _card(s: str) -> int | None:
    """Value of a cardinal written in words ("twenty-four", "two thousand")."""
    total, cur = 0, 0
    for w in re.split(r"[\s-]+", s.lower()):
        if w == "and":
            continue
        if w in _NUMBERS:
            cur += _NUMBERS[w]
        elif w in _TENS:
            cur += _TENS[w]
        elif w in _MULTIPLIERS:
            total += max(cur, 1) * _MULTIPLIERS[w]
            cur = 0
        else:
            return None
    return total + cur


def _qty(s: str) -> float | str | None:
    """A quantity phrase as a number, "X" for vague quantities, or None."""
    s = " ".join(s.lower().split())
    half = 0.0
    for frac in (" 1/2", " and a half", " and an half", "½"):
        if s.endswith(frac):
            s, half = s[: -len(frac)].strip(), 0.5
    if s in _VAGUE:
        v = _VAGUE[s]
        return v if isinstance(v, str) else v + half
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", s):
        return float(s.replace(",", "")) + half
    n = _card(s)
    return None if n is None else n + half


def _year_num(s: str) -> int | None:
    """A year written in digits or in words ("1996", "nineteen ninety-six", "two thousand one")."""
    s = " ".join(s.lower().replace("-", " ").split())
    if s.isdigit():
        return int(s)
    words = s.split()
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + ((_card(" ".join(rest)) or 0) if rest else 0)
    century = _card(words[0])
    rest = [w for w in words[1:] if w != "oh"]
    if century is None or not rest:
        return None
    tail = 0 if rest == ["hundred"] else _card(" ".join(rest))
    return None if tail is None else century * 100 + tail


# --------------------------------------------------------------------------- dates


class _Day(NamedTuple):
    year: int | None
    month: int
    day: int


def _parse_dct(dct: str | None) -> _Day | None:
    if not dct:
        return None
    m = re.match(r"(\d{4}|XXXX)-(\d\d)-(\d\d)", dct)
    if not m:
        return None
    year = None if m.group(1) == "XXXX" else int(m.group(1))
    return _Day(year, int(m.group(2)), int(m.group(3)))


def valid_dct(dct: str) -> bool:
    """A document date the tagger can anchor on: YYYY-MM-DD or XXXX-MM-DD, a real day."""
    day = _parse_dct(dct)
    if day is None:
        return False
    try:
        dt.date(day.year or 2004, day.month, day.day)  # 2004: a leap year, for XXXX-02-29
    except ValueError:
        return False
    return True


def _day_value(d: dt.date) -> str:
    return d.isoformat()


def _week_value(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month_value(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _quarter(m: int) -> int:
    return (m - 1) // 3 + 1


def _nth_weekday(y: int, month: int, wd: int, n: int) -> dt.date:
    """The n-th (or, n = -1, last) given ISO weekday of a month."""
    days = [d for d in range(1, calendar.monthrange(y, month)[1] + 1) if dt.date(y, month, d).isoweekday() == wd]
    return dt.date(y, month, days[n - 1] if n > 0 else days[-1])


_MONTHS_AHEAD = 4
_ANCHOR_YEARS = (2001, 2004)  # a common and a leap year whose calendars differ


Resolver = Callable[[dt.date], str | None]


def _at(anchor: _Day | None, fn: Resolver) -> str | None:
    """Run ``fn`` on the anchor date, masking the year when the anchor's year is unknown.

    With an unknown year ``fn`` runs against two different calendars; the result is kept
    only if both agree once the year is written XXXX and it still says something (a month
    or day), so "yesterday" gives XXXX-11-11 but "on Tuesday" or "last year" give None.
    """
    if anchor is None:
        return None
    if anchor.year is not None:
        try:
            return fn(dt.date(anchor.year, anchor.month, anchor.day))
        except (ValueError, OverflowError):
            return None
    results = set()
    for y in _ANCHOR_YEARS if (anchor.month, anchor.day) != (2, 29) else (2004, 2008):
        try:
            value = fn(dt.date(y, anchor.month, anchor.day))
        except (ValueError, OverflowError):
            return None
        results.add(re.sub(r"^\d{4}", "XXXX", value) if value else value)
    value = results.pop() if len(results) == 1 else None
    if value is None or re.fullmatch(r"XXXX(?:-W\d+.*)?", value):
        return None
    return value


def _cycle_year(d: dt.date, month: int, tense: str | None) -> int:
    """Year of a bare month: the next occurrence in a future sentence, the last one in a past
    sentence; without a cue, the next one if it is at most four months ahead (news announces
    what is coming: "elections in December"), else the last one."""
    ahead = (month - d.month) % 12
    if tense == "future" or (tense is None and 0 < ahead <= _MONTHS_AHEAD):
        return d.year if month >= d.month else d.year + 1
    return d.year if month <= d.month else d.year - 1


def _weekday_date(d: dt.date, wd: int, future: bool, strict: bool = False) -> dt.date:
    """The given weekday on or before ``d`` (on or after it when ``future``)."""
    if future:
        delta = (wd - d.isoweekday()) % 7
        return d + dt.timedelta(days=delta or (7 if strict else 0))
    delta = (d.isoweekday() - wd) % 7
    return d - dt.timedelta(days=delta or (7 if strict else 0))


def _shift(d: dt.date, n: int, unit: str) -> str | None:
    """The calendar period ``n`` units from ``d``, at the granularity of the unit."""
    if unit == "D":
        return _day_value(d + dt.timedelta(days=n))
    if unit == "W":
        return _week_value(d + dt.timedelta(weeks=n))
    if unit == "FN":
        return _week_value(d + dt.timedelta(weeks=2 * n))
    if unit == "M":
        return _month_value(*_add_months(d.year, d.month, n))
    if unit == "Q":
        y, m = _add_months(d.year, (_quarter(d.month) - 1) * 3 + 1, 3 * n)
        return f"{y}-Q{_quarter(m)}"
    if unit == "Y":
        return f"{d.year + n:04d}"
    if unit == "E":
        return f"{(d.year + 10 * n) // 10:03d}"
    if unit == "C":
        return f"{(d.year + 100 * n) // 100:02d}"
    if unit in ("H", "MIN", "S"):
        return _day_value(d)
    return None


def _shift_value(value: str, n: int, unit: str) -> str | None:
    """Shift an already resolved value (a reference time) by ``n`` units, keeping its form."""
    if unit == "Y" and re.match(r"\d{4}", value):
        return f"{int(value[:4]) + n:04d}{value[4:]}"
    m = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", value)
    if m and unit in ("M", "Q") and not m.group(3):
        y, mo = _add_months(int(m.group(1)), int(m.group(2)), n * (3 if unit == "Q" else 1))
        return _month_value(y, mo)
    m = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if m and unit in ("Q", "M") and (unit == "Q" or n % 3 == 0):
        k = int(m.group(1)) * 4 + int(m.group(2)) - 1 + (n if unit == "Q" else n // 3)
        return f"{k // 4}-Q{k % 4 + 1}"
    d = _value_date(value)
    return _shift(d, n, unit) if d else None


def _value_date(value: str | None) -> dt.date | None:
    """The day a day-precision value names (time part dropped)."""
    if value:
        m = re.match(r"(\d{4})-(\d\d)-(\d\d)", value)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def _duration(n: float | str, unit: str) -> str:
    """ISO 8601 duration for a count of units ("P3Y", "PT24H", "PXD", "P2Y6M")."""
    if n == "X":
        return {"MIN": "PTXM", "H": "PTXH", "S": "PTXS", "FN": "PXW"}.get(unit, f"PX{unit}")
    assert isinstance(n, float | int)
    whole, half = int(n), n - int(n) >= 0.5
    if unit == "E":
        return f"P{whole * 10 + (5 if half else 0)}Y"
    if unit == "C":
        return f"P{whole * 100 + (50 if half else 0)}Y"
    if unit == "L":
        return f"P{whole * 1000}Y"
    if unit == "FN":
        return f"P{whole * 2}W"
    if unit in ("H", "MIN", "S"):
        sub = {"H": "M", "MIN": "S", "S": ""}[unit]
        extra = f"30{sub}" if half and sub else ""
        return f"PT{whole}{unit[0]}{extra}"
    extra = {"Y": "6M", "M": "15D", "W": "3D", "D": "T12H", "Q": "1M"}.get(unit, "") if half else ""
    return f"P{whole}{unit}{extra}"


# --------------------------------------------------------------------------- candidates


@dataclass
class _State:
    """Discourse state while resolving left to right."""

    dct: _Day | None
    ref: str | None = None  # value of the last resolved absolute or deictic date
    period: str | None = None  # the fiscal quarter or half under discussion ("1989-Q3")


Value = str | None | Callable[[_State], str | None]


@dataclass
class _Cand:
    start: int
    end: int
    type: str
    value: Value
    mod: str | None = None
    prio: int = 0
    hedge: bool = False  # a counted quantity that may take a hedge ("nearly two years")
    bare: bool = False  # starts with the quantity itself, so "over" can be a hedge ("over a week")
    anaphoric: bool = False  # resolved against the reference time; does not move it
    period: bool = False  # names a fiscal quarter or half that later "the quarter" refers to


class _Ctx:
    """The text being tagged, with the tense of the sentence around a position."""

    def __init__(self, text: str) -> None:
        self.text = text

    def tense(self, start: int, end: int) -> str | None:
        """"future" or "past" from the nearest tense cue in the sentence, looking back first."""
        before = self.text[max(0, start - 80) : start]
        cuts = [m.end() for m in _SENTENCE_END.finditer(before)]
        if cuts:
            before = before[cuts[-1] :]
        after = self.text[end : end + 40]
        if stop := _SENTENCE_END.search(after):
            after = after[: stop.start()]
        back = self._nearest(before, backwards=True)
        ahead = self._nearest(after, backwards=False)
        if ahead and (back is None or ahead[0] * _AHEAD_WEIGHT < back[0]):
            return ahead[2]
        return back[2] if back else None

    @staticmethod
    def _nearest(span: str, backwards: bool) -> tuple[int, int, str] | None:
        best: tuple[int, int, str] | None = None
        for rank, (kind, rx) in enumerate((("future", _FUTURE_CUE), ("past", _PAST_CUE))):
            for m in rx.finditer(span):
                dist = len(span) - m.end() if backwards else m.start()
                if best is None or (dist, rank) < best[:2]:
                    best = (dist, rank, kind)
        return best

    def future(self, start: int, end: int) -> bool:
        return self.tense(start, end) == "future"


def _month_num(s: str) -> int:
    return _MONTHS[s.lower().rstrip(".")]


def _day_num(s: str) -> int:
    s = s.lower()
    if s in _ORDINALS:
        return _ORDINALS[s]
    return int(re.match(r"\d+", s).group())  # type: ignore[union-attr]


def _month_day_year(d: dt.date, month: int, day: int, tense: str | None) -> str | None:
    """Month-day without a year, in the year that makes it plausible news.

    In a future sentence: the next such day (allowing a fortnight back, for loose tense).
    Otherwise: this year's if it is past or at most three months ahead ("the offer was
    extended to Nov. 16"), else last year's. A past verb is weak evidence, since reports
    of decisions often name later dates.
    """
    try:
        same = dt.date(d.year, month, day)
        delta = (same - d).days
        if tense == "future":
            return _day_value(same if delta >= -14 else same.replace(year=d.year + 1))
        return _day_value(same if delta <= 92 else same.replace(year=d.year - 1))
    except ValueError:
        return None


def _month_day(month: int, day: int, year: int | None, tense: str | None = None) -> Callable[[_State], str | None]:
    """Resolver for a month-day date, with or without its year."""

    def resolve(st: _State) -> str | None:
        if year is not None:
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return None
        if st.dct is None:
            return f"XXXX-{month:02d}-{day:02d}" if 1 <= day <= 31 else None
        return _at(st.dct, lambda d: _month_day_year(d, month, day, tense))

    return resolve


def _deictic(fn: Resolver) -> Callable[[_State], str | None]:
    """Resolver anchored on the DCT."""
    return lambda st: _at(st.dct, fn)


def _ref_day(st: _State) -> str | None:
    """The reference day: the last resolved day-precision date, else the DCT."""
    d = _value_date(st.ref)
    return d.isoformat() if d else _at(st.dct, _day_value)


def _position_mod(prefix: str) -> str | None:
    p = " ".join(prefix.lower().replace("-", " ").split())
    return _POS_MODS.get(p) if p else None


# --------------------------------------------------------------------------- rules

Handler = Callable[[re.Match[str], _Ctx], "list[_Cand] | _Cand | None"]
_RULES: list[tuple[re.Pattern[str], Handler]] = []


def _rule(pattern: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _RULES.append((re.compile(pattern, re.I), fn))
        return fn

    return register


@_rule(r"\b(\d{4})-(\d\d)-(\d\d)\b")
def _iso(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """ISO dates ("2025-11-27")."""
    try:
        value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None
    return _Cand(m.start(), m.end(), "DATE", value)


@_rule(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
def _slashed(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Numeric dates: month first (US) unless the first number cannot be a month."""
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if y < 100:
        y += 2000 if y < 50 else 1900
    mo, d = (b, a) if a > 12 else (a, b)
    try:
        value = dt.date(y, mo, d).isoformat()
    except ValueError:
        return None
    return _Cand(m.start(), m.end(), "DATE", value, prio=1)


_NEXT_DAY = re.compile(
    rf"(\s*(?:,\s*)?(?:and|or|-|–|—|to|through|until|thru)\s*|\s*,\s*)({_DAYNUM})\b"
    r"(?!\s*(?:%|percent|per\b|of\b|million|billion|people|[a-z]+s\b)|[.,]\d|:)",
    re.I,
)
_TRAILING_YEAR = re.compile(rf",?\s+({_YEAR})\b(?![-–]?\d|,\d)")


@_rule(
    rf"(?:\b(?P<wd>{_WEEKDAY})(?:,\s*|\s+))?\b(?P<mon>{_MONTH})\s+(?P<day>{_DAYNUM}|{_ORDWORD})\b(?![.,]\d|:\d|\s*%)"
)
def _month_day_rule(m: re.Match[str], ctx: _Ctx) -> list[_Cand]:
    """"November 12, 2025", "Nov. 12", "Friday, Oct. 13", and lists "November 8 and 10"."""
    month = _month_num(m.group("mon"))
    days = [(m.start(), m.end(), _day_num(m.group("day")))]
    pos = m.end()
    while nxt := _NEXT_DAY.match(ctx.text, pos):
        days.append((nxt.start(2), nxt.end(2), _day_num(nxt.group(2))))
        pos = nxt.end()
    # "Nov. 8, 10 people": a comma list must be closed by and/or/to to count as a list
    while len(days) > 1 and not re.search(r"and|or|-|–|—|to|thr|until", ctx.text[days[-2][1] : days[-1][0]]):
        days.pop()
    year = None
    if y := _TRAILING_YEAR.match(ctx.text, days[-1][1]):
        year = int(y.group(1))
        days[-1] = (days[-1][0], y.end(), days[-1][2])
    tense = ctx.tense(m.start(), m.end())
    return [_Cand(s, e, "DATE", _month_day(month, d, year, tense), prio=1) for s, e, d in days if 1 <= d <= 31]


@_rule(
    rf"(?:\b(?P<wd>{_WEEKDAY})(?:,\s*|\s+))?\b(?:the\s+)?(?P<day>{_DAYNUM}|{_ORDWORD})(?:\s+of)?\s+(?P<mon>{_MONTH})(?P<year>,?\s+{_YEAR})?\b(?![-–]?\d)"
)
def _day_month_rule(m: re.Match[str], ctx: _Ctx) -> list[_Cand]:
    """"12 November 2025", "the 8th of March", and lists "8 and 10 November"."""
    if re.match(r"\d+$", m.group("day")) and re.search(r"[$£€]\s*$|\d[.,]$", ctx.text[max(0, m.start() - 2) : m.start()]):
        return []
    month = _month_num(m.group("mon"))
    year = int(m.group("year").strip(", \t\n")) if m.group("year") else None
    day = _day_num(m.group("day"))
    if not 1 <= day <= 31:
        return []
    tense = ctx.tense(m.start(), m.end())
    start = m.start()
    out = [_Cand(start, m.end(), "DATE", _month_day(month, day, year, tense), prio=1)]
    head = ctx.text[max(0, start - 40) : start]
    while prev := re.search(rf"\b({_DAYNUM})(?:\s*,\s*|\s*(?:,\s*)?(?:and|or|-|–|—|to|through)\s*)$", head, re.I):
        s = start - len(head) + prev.start(1)
        out.append(_Cand(s, s + len(prev.group(1)), "DATE", _month_day(month, _day_num(prev.group(1)), year, tense), prio=1))
        start, head = s, head[: prev.start()]
    return out


@_rule(
    rf"\b(?:(?P<pre>early|late|mid)[\s-]+)?(?P<mon>{_MONTH})(?:(?:\s+of|,)?\s+(?P<year>{_ANY_YEAR})\b(?![-–]?\d|,\d)|\s+(?P<rel>this|last|next)\s+year\b)"
)
def _month_year(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"September 2025", "January nineteen ninety-seven", "June last year"."""
    month = _month_num(m.group("mon"))
    mod = _position_mod(m.group("pre") or "")
    if m.group("year"):
        year = _year_num(m.group("year"))
        if year is None:
            return None
        return _Cand(m.start(), m.end(), "DATE", _month_value(year, month), mod=mod, prio=1)
    step = {"this": 0, "last": -1, "next": 1}[m.group("rel").lower()]
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _month_value(d.year + step, month)), mod=mod, prio=1)


@_rule(rf"\bthe\s+week\s+of\s+(?P<mon>{_MONTH})\s+(?P<day>{_DAYNUM})\b")
def _week_of(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """"the week of March 6": the ISO week containing that day."""
    day = _month_day(_month_num(m.group("mon")), _day_num(m.group("day")), None, ctx.tense(m.start(), m.end()))

    def value(st: _State) -> str | None:
        d = _value_date(day(st))
        return _week_value(d) if d else None

    return _Cand(m.start(), m.end(), "DATE", value, prio=1)


_ORD_Q = r"first|second|third|fourth|final|last|1st|2nd|3rd|4th"
_ORD_Q_NUM = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4, "last": 4}


@_rule(
    rf"\b(?:(?P<det>the|its|their|a|this\s+year's|next\s+year's|last\s+year's|(?P<pyear>{_YEAR})'s)\s+)?"
    rf"(?P<adj>(?:(?:latest|current|year-earlier|year-ago|comparable|same|fiscal|calendar|{_YEAR})\s+)*)"
    rf"(?P<fisc>fiscal[\s-]+)?(?P<ord>{_ORD_Q})(?P<sep>[\s-]+)(?:fiscal[\s-]+)?(?P<kind>quarter|half)\b(?!-?\s*(?:point|percent|%))"
    rf"(?:\s+of\s+(?:fiscal\s+)?(?P<year>{_YEAR})|\s+(?P<year2>{_YEAR})\b(?![-–]?\d|,\d))?"
)
def _quarter_rule(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"the third quarter", "third-quarter", "the first half of 1990", "next year's first quarter"."""
    ordinal = m.group("ord").lower()
    kind = m.group("kind").lower()
    n = _ORD_Q_NUM[ordinal] if kind == "quarter" else {"first": 1, "1st": 1, "second": 2, "2nd": 2, "last": 2, "final": 2}.get(ordinal, 0)
    explicit = m.group("year") or m.group("year2") or m.group("pyear") or re.search(_YEAR, m.group("adj") or "")
    if not n:
        return None
    if ordinal in ("last", "final") and kind == "quarter" and not explicit:
        return None  # "last quarter" is relative; see _relative_unit
    det = (m.group("det") or "").lower()
    adj = (m.group("adj") or "").lower()
    label = f"Q{n}" if kind == "quarter" else f"H{n}"
    back = -1 if ("year-earlier" in adj or "year-ago" in adj or det.startswith("last year")) else 1 if det.startswith("next year") else 0
    hyphenated = "-" in m.group("sep")
    if det in ("its", "their", "a") or (det == "the" and hyphenated and not adj):
        start = m.start("adj") if adj else m.start("fisc") if m.group("fisc") else m.start("ord")
    else:
        start = m.start()
    if explicit:
        y = explicit if isinstance(explicit, str) else explicit.group()
        return _Cand(start, m.end(), "DATE", f"{y}-{label}", prio=1, period=True)
    tense = ctx.tense(m.start(), m.end())

    fiscal = bool(m.group("fisc")) or "fiscal" in adj

    def fn(d: dt.date) -> str:
        if back or det.startswith("this year"):
            return f"{d.year + back}-{label}"
        if fiscal and tense != "future":
            # fiscal numbering does not follow the calendar: the quarter just reported on
            return f"{d.year if d.month > 3 else d.year - 1}-{label}"
        per_year = 4 if kind == "quarter" else 2
        current = _quarter(d.month) if kind == "quarter" else (d.month - 1) // 6 + 1
        years = sorted((d.year - 1, d.year, d.year + 1), key=lambda y: (abs((y - d.year) * per_year + n - current), y > d.year))
        if abs((years[0] - d.year) * per_year + n - current) > 1:
            if tense == "future":
                return f"{d.year if n >= current else d.year + 1}-{label}"
            return f"{d.year if n <= current else d.year - 1}-{label}"
        return f"{years[0]}-{label}"

    return _Cand(start, m.end(), "DATE", _deictic(fn), prio=1, period=not back)


@_rule(
    r"\b(?:(?P<det>the|that|this|its|a)\s+)?(?P<adj>(?:(?:latest|current|recent|most\s+recent|year-earlier|year-ago|comparable|same|previous|prior|fiscal|corresponding|"
    + _YEAR
    + r")\s+)+)?(?P<what>quarter|period)\b(?!-|\s+(?:point|percent|of\s+(?:a|the|its|their|all|an|one)\b))(?P<tail>\s+(?:a\s+year\s+(?:ago|earlier)|last\s+year))?"
)
def _the_quarter(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"the quarter", "the latest period", "the year-ago quarter": the fiscal quarter under discussion."""
    adj = " ".join((m.group("adj") or "").lower().split())
    det = (m.group("det") or "").lower()
    if (m.group("what").lower() == "period" and not adj) or (not det and not adj) or (det == "a" and not adj):
        return None
    back = -1 if any(w in adj for w in ("year-earlier", "year-ago", "corresponding")) or m.group("tail") else 0
    year = re.search(_YEAR, adj)
    previous = "previous" in adj or "prior" in adj
    current = "current" in adj or det == "this"
    latest = "latest" in adj or "recent" in adj
    start = m.start("adj") if det in ("its", "a") and adj else m.start()

    def value(st: _State) -> str | None:
        if current:
            return _at(st.dct, lambda d: _shift(d, 0, "Q"))
        ref = None if latest else st.period
        ref = ref or _at(st.dct, lambda d: _shift(d, -1, "Q"))
        if ref is None:
            return None
        if year:
            return f"{year.group()}{ref[4:]}"
        if previous:
            return _shift_value(ref, -1, "Q")
        return _shift_value(ref, back, "Y") if back else ref

    return _Cand(start, m.end(), "DATE", value, prio=2, anaphoric=True, period=not (back or year or previous))


@_rule(r"\b(?P<y>year-earlier|year-ago)\b(?!\s+(?:quarter|period|\w+\s+quarter|nine|six|three))")
def _year_earlier(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """Adjectival "year-earlier" / "year-ago": the period under discussion, a year back."""
    return _Cand(m.start(), m.end(), "DATE", _year_back, prio=3, anaphoric=True)


def _year_back(st: _State) -> str | None:
    """A year before the fiscal period under discussion, or before the DCT's year."""
    if st.period:
        return _shift_value(st.period, -1, "Y")
    return _at(st.dct, lambda d: f"{d.year - 1}")


@_rule(
    r"\b(?P<det>the|this)\s+(?:(?P<adj>full|current|fiscal|calendar|latest\s+fiscal|latest|whole|entire)\s+)?(?:fiscal\s+)?year\b(?![-'])(?P<ended>\s+(?:ended|ending|to|through|that\s+ended))?"
)
def _the_year(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"the year" / "the fiscal year": a one-year duration when it "ended", else the current year."""
    adj = (m.group("adj") or "").lower()
    det = m.group("det").lower()
    if m.group("ended") and det == "the":
        return _Cand(m.start(), m.end("ended") - len(m.group("ended")), "DURATION", "P1Y", prio=2)
    if det == "this" and not adj:
        return None  # "this year" is handled with the other relative units
    back = -1 if adj.startswith("latest") and "fiscal" in adj else 0
    if not adj and not re.search(r"(?:\bof|\bfor|\bend\s+of|\bin|\bthrough|\bduring)\s+$", ctx.text[max(0, m.start() - 12) : m.start()], re.I):
        return None
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: f"{d.year + back}"), prio=3)


@_rule(r"\b(?P<w>year[-\s]end|year's\s+end|the\s+end\s+of\s+the\s+month|month[-\s]end)\b")
def _period_end(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """"year-end", "year's end", "the end of the month": the current period, mod END."""
    w = m.group("w").lower()
    if "month" in w:
        return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _month_value(d.year, d.month)), mod="END", prio=2)
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: f"{d.year}"), mod="END", prio=2)


_CLOCK = (
    r"(?P<h>[01]?\d|2[0-3])(?:[:.](?P<min>[0-5]\d))?\s*(?P<ap>a\.m\.?|p\.m\.?|am\b|pm\b)"
    r"|(?P<h24>[01]\d|2[0-3]):(?P<min24>[0-5]\d)(?=\s*(?:GMT|UTC|hours?|h\b|local))"
    r"|(?P<word>noon|midnight|midday)"
)
_TZ = r"(?:\s+(?:[A-Z][SD]T|GMT|UTC|CET|EET|BST|local\s+time)(?:\s*\([^)]{1,20}\))?)"
_DAY_AFTER_CLOCK = (
    rf"(?:,?\s+(?:on\s+)?(?P<wd>{_WEEKDAY})|,?\s+(?P<rel>today|yesterday|tomorrow)"
    rf"|,?\s+(?P<mon>{_MONTH})\s+(?P<day>{_DAYNUM})\b)?"
)


@_rule(rf"(?<![\w:$£€.])(?:(?P<pre>noon|midnight)\s+(?P<wd0>{_WEEKDAY})|(?:{_CLOCK}){_TZ}?{_DAY_AFTER_CLOCK})")
def _clock(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Clock times ("10:35 a.m.", "noon Thursday", "5 p.m. EST, Nov. 6")."""
    word = (m.group("pre") or m.group("word") or "").lower()
    if word:
        hour, minute = (12, 0) if word in ("noon", "midday") else (24, 0)
    elif m.group("h24"):
        hour, minute = int(m.group("h24")), int(m.group("min24"))
    else:
        hour, minute = int(m.group("h")), int(m.group("min") or 0)
        if hour > 12:
            return None
        hour = (hour % 12) + (12 if m.group("ap").lower().startswith("p") else 0)
    if word in ("noon", "midday") and not m.group("wd0") and not m.group("wd") and re.search(r"high\s+$", ctx.text[max(0, m.start() - 6) : m.start()]):
        return None
    day = _day_after_clock(m, ctx)
    clock = f"T{hour:02d}:{minute:02d}"

    def value(st: _State) -> str | None:
        d = day(st)
        return d + clock if d else None

    return _Cand(m.start(), m.end(), "TIME", value, prio=1)


def _day_after_clock(m: re.Match[str], ctx: _Ctx) -> Callable[[_State], str | None]:
    """The day named with a clock time: a weekday, today/yesterday/tomorrow, a date, or the reference day."""
    wd_name = m.group("wd0") or m.group("wd")
    if wd_name:
        wd, fut = _WEEKDAYS[wd_name.lower()], ctx.future(m.start(), m.end())
        return _deictic(lambda d: _day_value(_weekday_date(d, wd, fut)))
    if m.group("mon"):
        return _month_day(_month_num(m.group("mon")), _day_num(m.group("day")), None, ctx.tense(m.start(), m.end()))
    if not m.group("rel"):
        return _ref_day
    off = {"yesterday": -1, "tomorrow": 1}.get(m.group("rel").lower(), 0)
    return _deictic(lambda d: _day_value(d + dt.timedelta(days=off)))


_HOLIDAY_NAMES = list(_HOLIDAYS) + list(_WD_HOLIDAYS) + ["easter", "easter sunday", "election day"]


@_rule(rf"\b(?P<name>{_alt(_HOLIDAY_NAMES)})(?P<year>\s+{_YEAR})?\b")
def _holiday(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Named holidays, resolved to the occurrence nearest the DCT unless a year is given."""
    if not m.group("name")[0].isupper():
        return None
    name = " ".join(m.group("name").lower().split())

    def on(y: int) -> dt.date:
        if name in _HOLIDAYS:
            mo, d = map(int, _HOLIDAYS[name].split("-"))
            return dt.date(y, mo, d)
        if name in _WD_HOLIDAYS:
            return _nth_weekday(y, *_WD_HOLIDAYS[name])
        if name == "election day":
            return _nth_weekday(y, 11, 1, 1) + dt.timedelta(days=1)
        return _easter(y)

    if m.group("year"):
        return _Cand(m.start(), m.end(), "DATE", on(int(m.group("year"))).isoformat(), prio=1)
    prefix = ctx.text[max(0, m.start() - 5) : m.start()].lower()
    step = -1 if prefix.endswith("last ") else 1 if prefix.endswith("next ") else 0
    start = m.start() - 5 if step else m.start()

    def fn(d: dt.date) -> str:
        if step:
            c = on(d.year)
            if (c >= d) if step < 0 else (c <= d):
                c = on(d.year + step)
            return c.isoformat()
        return min((on(y) for y in (d.year - 1, d.year, d.year + 1)), key=lambda c: abs((c - d).days)).isoformat()

    if name in _HOLIDAYS and not step:
        mo, dd = map(int, _HOLIDAYS[name].split("-"))
        return _Cand(start, m.end(), "DATE", _month_day(mo, dd, None, ctx.tense(m.start(), m.end())), prio=2)
    return _Cand(start, m.end(), "DATE", _deictic(fn), prio=2)


def _easter(y: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    lx = (32 + 2 * e + 2 * i - h - k) % 7
    mx = (a + 11 * h + 22 * lx) // 451
    month = (h + lx - 7 * mx + 114) // 31
    return dt.date(y, month, (h + lx - 7 * mx + 114) % 31 + 1)


_REL_UNIT = r"week|weekend|month|year|quarter|decade|century|fiscal\s+year|calendar\s+year|school\s+year"
_REL_DET = (
    r"this|last|next|past|coming|previous|current|following|this\s+past|this\s+coming"
    r"|the\s+(?:past|last|next|coming|previous|current|following|same|prior|preceding)|that|the"
    r"|(?:earlier|later)\s+(?:this|that|in\s+the)|(?:early|late)\s+(?:this|next|last)"
)
_REL_STEP = {"this": 0, "current": 0, "the current": 0, "last": -1, "past": -1, "previous": -1, "the past": -1, "the last": -1,
             "this past": -1, "next": 1, "coming": 1, "the next": 1, "the coming": 1, "this coming": 1}
_ANAPHORIC_DET = ("the following", "the previous", "the same", "that", "the prior", "the preceding", "the")


@_rule(
    rf"\b(?P<det>{_REL_DET})\s+(?P<what>{_REL_UNIT}|{_SEASON}|{_WEEKDAY}|{_MONTH}|day|morning|afternoon|evening|night)\b(?!-|'s\s+(?:first|second|third|fourth)|\.?\s*\d)"
)
def _relative_unit(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"last week", "this summer", "next Friday", "last September", "the following day"."""
    det = " ".join(m.group("det").lower().split())
    what = " ".join(m.group("what").split())
    wl = what.lower()
    if what[0].isupper() and wl in ("week", "month", "year") and m.start() > 0 and ctx.text[m.start() - 2 : m.start()].strip() not in ("", ".", '"'):
        return None  # a title: ABC's "This Week"
    mod = None
    for pre, md in (("earlier in the", "START"), ("later in the", "END"), ("earlier", "START"), ("later", "END"), ("early", "START"), ("late", "END")):
        if det.startswith(pre):
            det, mod = det[len(pre) :].strip() or "the", md
            break
    if wl.endswith(" year"):
        wl = "year"
    if det == "the" and mod and wl in ("day", "morning", "afternoon", "evening", "night"):
        return None  # "later in the day" is not annotated in TimeBank
    if det in _ANAPHORIC_DET:
        return _anaphoric_unit(m, ctx, det, wl, mod)
    step = _REL_STEP.get(det)
    if step is None:
        return None  # a determiner left over after a position word ("later following ...")
    if wl in _PARTS or wl == "day":
        if det == "this" and wl in _PARTS:
            part = _PARTS[wl]
            return _Cand(m.start(), m.end(), "TIME", _deictic(lambda d: f"{_day_value(d)}T{part}"), mod=mod, prio=2)
        if det == "last" and wl == "night":
            return _Cand(m.start(), m.end(), "TIME", _deictic(lambda d: f"{_day_value(d - dt.timedelta(days=1))}TNI"), prio=2)
        return None
    unit_code = {"week": "W", "month": "M", "year": "Y", "quarter": "Q", "decade": "E", "century": "C"}.get(wl)
    fn: Resolver
    if unit_code:
        fn = lambda d: _shift(d, step, unit_code)  # noqa: E731
    elif wl == "weekend":
        fn = lambda d: f"{_week_value(_weekend_anchor(d) + dt.timedelta(weeks=step))}-WE"  # noqa: E731
    elif wl in _SEASONS:
        code = _SEASONS[wl]
        fn = lambda d: _season(d, code, step)  # noqa: E731
    elif wl in _WEEKDAYS:
        wd = _WEEKDAYS[wl]
        if step == 0:
            fut = ctx.future(m.start(), m.end())
            fn = lambda d: _day_value(_weekday_date(d, wd, fut))  # noqa: E731
        else:
            fn = lambda d: _day_value(_weekday_date(d, wd, step > 0, strict=True))  # noqa: E731
    elif wl.rstrip(".") in _MONTHS:
        mo = _month_num(what)
        if step == 0:
            fn = lambda d: _month_value(d.year, mo)  # noqa: E731
        elif step < 0:
            fn = lambda d: _month_value(d.year if mo < d.month else d.year - 1, mo)  # noqa: E731
        else:
            fn = lambda d: _month_value(d.year if mo > d.month else d.year + 1, mo)  # noqa: E731
    else:
        return None
    return _Cand(m.start(), m.end(), "DATE", _deictic(fn), mod=mod, prio=2)


def _anaphoric_unit(m: re.Match[str], ctx: _Ctx, det: str, wl: str, mod: str | None) -> _Cand | None:
    """"the following day", "that year", "the previous Friday": relative to the reference time."""
    if det == "the":
        return _the_unit(m, ctx, wl, mod)
    if wl in _WEEKDAYS and det in ("the previous", "the following", "the prior", "the preceding"):
        wd, later = _WEEKDAYS[wl], det == "the following"

        def weekday(st: _State) -> str | None:
            ref = _value_date(st.ref)
            if ref:
                return _day_value(_weekday_date(ref, wd, later, strict=True))
            return _at(st.dct, lambda d: _day_value(_weekday_date(d, wd, later, strict=True)))

        return _Cand(m.start(), m.end(), "DATE", weekday, mod=mod, prio=2, anaphoric=True)
    unit_code = {"day": "D", "week": "W", "month": "M", "year": "Y", "quarter": "Q"}.get(wl)
    if unit_code is None or (det == "that" and wl == "day" and not mod):
        return None
    step = 1 if det == "the following" else -1 if det in ("the previous", "the prior", "the preceding") else 0

    def value(st: _State) -> str | None:
        ref = st.ref
        if ref is None or not re.match(r"\d{4}", ref):
            return _at(st.dct, lambda d: _shift(d, step, unit_code)) if wl != "day" and det != "that" else None
        if unit_code == "Y":
            return f"{int(ref[:4]) + step:04d}"
        if unit_code == "M" and re.match(r"\d{4}-\d\d", ref):
            return _month_value(*_add_months(int(ref[:4]), int(ref[5:7]), step))
        d = _value_date(ref)
        return _shift(d, step, unit_code) if d else None

    return _Cand(m.start(), m.end(), "DATE", value, mod=mod, prio=3, anaphoric=True)


def _the_unit(m: re.Match[str], ctx: _Ctx, wl: str, mod: str | None) -> _Cand | None:
    """"the weekend", "the summer", "the morning", "the week", and "the month" after "the end of"."""
    if wl == "week":
        return _Cand(m.start(), m.end(), "DATE", _deictic(_week_value), mod=mod, prio=3)
    if wl == "weekend":
        fut = ctx.future(m.start(), m.end())
        return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: f"{_week_value(d if fut else _weekend_anchor(d))}-WE"), prio=3)
    if wl == "month" and (mod or _POS_PREFIX.search(ctx.text[max(0, m.start() - 24) : m.start()])):
        return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _month_value(d.year, d.month)), mod=mod, prio=3)
    if wl in _SEASONS and wl not in ("fall", "spring"):
        code, fut = _SEASONS[wl], ctx.future(m.start(), m.end())
        return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _season(d, code, 0, fut)), mod=mod, prio=3)
    return None


def _weekend_anchor(d: dt.date) -> dt.date:
    """The week whose weekend "the weekend" means: the one just past early in the week."""
    return d - dt.timedelta(weeks=1) if d.isoweekday() <= 2 else d


def _season(d: dt.date, code: str, step: int, future: bool | None = None) -> str:
    """Season value relative to ``d``: this (0), the previous (-1) or the next (+1) one.

    With ``future`` given, "this"/"the" season is the next one (future) or the last one begun.
    """
    start = dt.date(d.year, _SEASON_START[code], 1)
    if step == 0 and future is None:
        return f"{d.year}-{code}"
    if step == 0:
        if future:
            return f"{d.year if d < start + dt.timedelta(days=91) else d.year + 1}-{code}"
        return f"{d.year if start <= d else d.year - 1}-{code}"
    if step < 0:
        return f"{d.year if start + dt.timedelta(days=91) <= d else d.year - 1}-{code}"
    return f"{d.year if start > d else d.year + 1}-{code}"


_REL_QTY = r"past|last|next|first|coming|previous|following|final|latest|ensuing|remaining|prior|initial|same|preceding|succeeding|subsequent"
_DIRECTION = r"ago|earlier|later|from\s+now|hence|before|after|back|afterwards?|previously|since|before\s+that"


@_rule(
    rf"\b(?P<the>(?:the|this|these|those|its|their)\s+)?(?:(?P<rel>{_REL_QTY})\s+)?(?P<qty>{_QTY})(?P<sep>\s+|-)"
    rf"(?:(?P<extra>more|additional|full|straight|consecutive|long|short|trading|business|calendar|working|extra|whole|further|successive|other)[\s-]+)?"
    rf"(?P<unit>{_UNIT})\b(?P<half>\s+and\s+an?\s+half)?(?P<adj>-(?:old|long))?(?:\s+(?P<dir>{_DIRECTION})\b)?(?P<ahead>\s+ahead)?"
)
def _counted(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Counted units: "three years ago" (DATE), "the past two weeks", "10 years", "24-hour" (DURATION)."""
    unit_text = m.group("unit")
    unit_word = _UNIT_PLURALS.get(unit_text.lower(), unit_text.lower())
    unit = _UNITS.get(unit_word) or _UNITS.get(unit_word[:-1])
    qty_text = " ".join(m.group("qty").lower().split())
    ranged = re.search(r"\s*(?:-|–|\bto\b|\bor\b)\s*(?=[\da-z])", qty_text) and qty_text not in _VAGUE
    n = "X" if ranged else _qty(qty_text)
    if unit is None or n is None:
        return None
    rel = (m.group("rel") or "").lower()
    det = (m.group("the") or "").strip().lower()
    following = ctx.text[m.end() : m.end() + 30]
    hyphenated = m.group("sep") == "-"
    single = qty_text in ("a", "an", "single", "one")
    if m.group("adj") == "-old" or (unit in ("Y", "M", "W", "D") and re.match(r"[\s-]+old\b|\s+of\s+age\b", following)):
        return None  # ages ("a 44-year-old", "52 years old") are not time expressions in TimeBank
    if det and not rel and qty_text in ("a", "an", "single", "one", "some", "many", "few"):
        return None
    if unit == "S" and (single or not re.match(r"\d|[a-z]+$", qty_text)):
        return None  # "a second term"
    if unit == "Q" and (hyphenated or re.match(r"\s*(?:of\b|-?point|percent)", following, re.I)):
        return None  # fractions: "three-quarters", "a quarter of the shares"
    if unit_text[0].isupper() and qty_text[0].isdigit():
        return None  # titles: "60 Minutes"
    if unit_word == "night" and not m.group("dir"):
        return None
    if isinstance(n, float) and n > 10000:
        return None
    if qty_text == "some" and not m.group("dir"):
        return None
    if single and not rel and not m.group("dir") and not m.group("adj") and not hyphenated:
        prev = ctx.text[max(0, m.start() - 30) : m.start()]
        if re.search(r"(?:\d%?|\bpercent|\btimes|\btwice|\bonce|\bmillion|\bbillion|\bcents?|\bdollars?|\bhours)\s+$", prev, re.I):
            return None  # a rate ("$2 million a year", "24 hours a day")
    if det in ("its", "their", "this", "these", "those") or (det == "the" and hyphenated and not rel):
        start = m.start("rel") if rel else m.start("qty")
    else:
        start = m.start()
    direction = " ".join((m.group("dir") or "").lower().split())
    end = m.end()
    if direction in ("before", "after", "since", "before that", "back"):
        direction = ""
        end = m.end("adj") if m.group("adj") else m.end("half") if m.group("half") else m.end("unit")
    if m.group("half") and isinstance(n, float):
        n += 0.5
    if direction:
        return _counted_date(m, start, end, n, unit, direction)
    if m.group("ahead") and not rel:
        end = m.end("ahead")
    return _Cand(start, end, "DURATION", _duration(n, unit), prio=4, hedge=True, bare=start == m.start("qty"))


def _counted_date(m: re.Match[str], start: int, end: int, n: float | str, unit: str, direction: str) -> _Cand:
    """"three years ago" (from the DCT), "a year earlier", "two days later" (from the reference time)."""
    sign = -1 if direction in ("ago", "earlier", "previously") else 1
    anaphoric = direction not in ("ago", "from now", "hence")
    if n == "X":
        return _Cand(start, end, "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", prio=4, hedge=True)
    count = int(n) * sign  # type: ignore[arg-type]
    if unit in ("E", "C", "L"):
        unit, count = "Y", count * {"E": 10, "C": 100, "L": 1000}[unit]
    if unit in ("H", "MIN", "S") and not anaphoric:
        return _Cand(start, end, "TIME", _deictic(_day_value), prio=4, hedge=True)
    one_year = unit == "Y" and abs(count) == 1

    def value(st: _State) -> str | None:
        if one_year and st.period:
            return _shift_value(st.period, count, "Y")
        if anaphoric and st.ref and re.match(r"\d{4}", st.ref):
            return _shift_value(st.ref, count, unit)
        return _at(st.dct, lambda d: _shift(d, count, unit))

    return _Cand(start, end, "DATE", value, prio=4, hedge=True, anaphoric=anaphoric)


_PLURAL_UNITS = "years|months|weeks|days|decades|centuries|hours|minutes|quarters"


@_rule(
    rf"\b(?P<pre>(?:the\s+)?(?:recent|past|last|next|coming|ensuing|early|initial|first|final|last\s+few|past\s+few|next\s+few)\s+|for\s+|in\s+|over\s+)?"
    rf"(?P<unit>{_PLURAL_UNITS})(?P<tail>\s+ago|\s+ahead|-long|-old|\s+to\s+come|\s+and\s+(?:{_PLURAL_UNITS}))?\b"
)
def _plural_unit(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Bare plural units: "for years", "in recent months", "the weeks ahead", "decades-long"."""
    pre = " ".join((m.group("pre") or "").lower().split())
    tail = (m.group("tail") or "").lower().strip()
    unit_word = m.group("unit").lower()
    unit = _UNITS[_UNIT_PLURALS.get(unit_word, unit_word[:-1])]
    start = m.start()
    if tail == "-old":
        return None
    if pre in ("for", "in", "over"):
        start = m.start("unit")
        if pre == "in" and not tail:
            return None  # "in years" is rare; "in days" often means "within days"
    elif not pre and not tail:
        return None
    if not tail and re.match(r"\s+(?:of|old|later|earlier|before|after)\b", ctx.text[m.end() : m.end() + 10]):
        return None
    if tail == "ago":
        return _Cand(start, m.end(), "DATE", "PAST_REF", prio=5)
    if pre.endswith("coming") and unit in ("M", "Q"):
        return _Cand(start, m.end(), "DATE", "FUTURE_REF", prio=5)
    return _Cand(start, m.end(), "DURATION", _duration("X", unit), prio=5)


@_rule(r"\b(?P<w>today|tonight|yesterday|tomorrow)(?:\s+(?P<part>" + _PART + r"))?\b")
def _today(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """today / tonight / yesterday / tomorrow, with a part of the day ("yesterday morning") as TIME."""
    w = m.group("w").lower()
    off = {"yesterday": -1, "tomorrow": 1}.get(w, 0)
    part = "NI" if w == "tonight" else _PARTS[m.group("part").lower()] if m.group("part") else None
    if part:
        return _Cand(m.start(), m.end(), "TIME", _deictic(lambda d: f"{_day_value(d + dt.timedelta(days=off))}T{part}"), prio=2)
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _day_value(d + dt.timedelta(days=off))), prio=2)


@_rule(r"\b(?P<w>overnight|the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow)\b")
def _overnight(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """"overnight" (the night before the DCT) and the days either side of yesterday/tomorrow."""
    w = " ".join(m.group("w").lower().split())
    if w == "overnight":
        return _Cand(m.start(), m.end(), "TIME", _deictic(lambda d: f"{_day_value(d - dt.timedelta(days=1))}TNI"), prio=3)
    off = -2 if "before" in w else 2
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _day_value(d + dt.timedelta(days=off))), prio=1)


@_rule(rf"\b(?:overnight\s+(?:(?P<into>into|to)\s+|on\s+)?(?P<wd>{_WEEKDAY})|(?P<wd2>{_WEEKDAY})\s+overnight)\b(?!-)")
def _overnight_weekday(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """"overnight Tuesday", "Tuesday overnight": Tuesday's night; "overnight into Wednesday":
    the night before Wednesday. One expression, so the bare "overnight" (the night before
    the DCT) does not compete with the weekday for the act it dates."""
    wd = _WEEKDAYS[(m.group("wd") or m.group("wd2")).lower()]
    back = 1 if m.group("into") else 0
    fut = ctx.future(m.start(), m.end())
    return _Cand(m.start(), m.end(), "TIME",
                 _deictic(lambda d: f"{_day_value(_weekday_date(d, wd, fut) - dt.timedelta(days=back))}TNI"), prio=2)


@_rule(rf"\b(?P<wd>{_WEEKDAY})(?:\s+(?P<part>{_PART}))?\b(?!-)")
def _weekday(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """A bare weekday: the most recent one on or before the DCT, the next one in a future sentence."""
    if re.match(r"['’]?s?\s+(?:Times|Post|Telegraph|Herald|Journal|Mail|Express|Star|Night\s+Live)\b", ctx.text[m.end() : m.end() + 20]) and not m.group("part"):
        return None
    wd = _WEEKDAYS[m.group("wd").lower()]
    fut = ctx.future(m.start(), m.end())
    if m.group("part"):
        part = _PARTS[m.group("part").lower()]
        return _Cand(m.start(), m.end(), "TIME", _deictic(lambda d: f"{_day_value(_weekday_date(d, wd, fut))}T{part}"), prio=3)
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _day_value(_weekday_date(d, wd, fut))), prio=3)


@_rule(rf"\b(?P<wd>{_WEEKDAY})s(?:\s+(?P<part>{_PART})s?)?\b")
def _weekdays_plural(m: re.Match[str], ctx: _Ctx) -> _Cand:
    """"on Tuesdays", "Tuesday nights": a weekly set."""
    wd = _WEEKDAYS[m.group("wd").lower()]
    part = f"T{_PARTS[m.group('part').lower()]}" if m.group("part") else ""
    return _Cand(m.start(), m.end(), "SET", f"XXXX-WXX-{wd}{part}", prio=3)


_BARE_MONTH_PREP = re.compile(
    r"(?:\b(?:in|since|until|till|by|from|to|through|during|of|last|next|this|early|late|mid|before|after|between|and|or|for|on|that|each|every|the)\s*-?|^|[(,]\s*)$",
    re.I,
)


@_rule(rf"\b(?P<mon>(?-i:{_MONTH_FULL}|Sept\.|Aug\.|Dec\.|Nov\.|Oct\.|Jan\.|Feb\.))(?![\w-])(?!\s+\d)")
def _bare_month(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """A month without a day or year: the last one on or before the DCT, or the next in a future sentence."""
    word = m.group("mon")
    prev = ctx.text[max(0, m.start() - 25) : m.start()]
    after = ctx.text[m.end() : m.end() + 30]
    preposed = _BARE_MONTH_PREP.search(prev)
    if word == "May" and not preposed:
        return None  # the modal verb, or a surname
    if re.search(r"(?-i:[A-Z][a-z]+)\s+$", prev) and not preposed and not re.search(rf"(?:{_MONTH_FULL}|and|or)\s+$", prev):
        return None  # "Theresa May", "Prime Minister May"
    if re.match(r"\s+(?-i:[A-Z][a-z]+)", after) and not preposed:
        return None  # "April Ryan"
    if re.match(r"\s+(?:of|for)\s+(?:the\s+)?(?-i:[A-Z])", after):
        return None  # "the March of the Combatant Mothers", "the March for Life"
    mo = _month_num(word)
    tense = ctx.tense(m.start(), m.end())
    deictic = _deictic(lambda d: _month_value(_cycle_year(d, mo, tense), mo))
    # Without a DCT the month is still known, the year is not: XXXX-09, as for "20 November".
    return _Cand(m.start(), m.end(), "DATE", lambda st: deictic(st) if st.dct is not None else f"XXXX-{mo:02d}", prio=4)


@_rule(
    rf"\b(?:(?P<det>the|this|that|last|next|early|late|mid)[\s-]+)?(?:(?P<adj>early|late|mid)[\s-]+)?(?P<s>{_SEASON})\b(?:\s+(?:of\s+)?(?P<year>{_ANY_YEAR})\b)?(?!-)"
)
def _season_rule(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Seasons: "summer 2024", "the winter of nineteen ninety-four", "in summer" ("last fall" is relative)."""
    code = _SEASONS[m.group("s").lower()]
    det = (m.group("det") or "").lower()
    adj = (m.group("adj") or "").lower() or (det if det in ("early", "late", "mid") else "")
    mod = {"early": "START", "late": "END", "mid": "MID"}.get(adj)
    if m.group("year"):
        year = _year_num(m.group("year"))
        return _Cand(m.start(), m.end(), "DATE", f"{year}-{code}", mod=mod, prio=3) if year else None
    if det in ("this", "that", "last", "next"):
        return None
    if m.group("s").lower() in ("fall", "spring") and not det:
        return None
    if not det and not re.search(r"\b(?:in|during|since|until|by|over|this)\s+$", ctx.text[max(0, m.start() - 10) : m.start()], re.I):
        return None
    fut = ctx.future(m.start(), m.end())
    return _Cand(m.start(), m.end(), "DATE", _deictic(lambda d: _season(d, code, 0, fut)), mod=mod, prio=5)


@_rule(
    rf"(?<![\w$£€#.,/-])(?:(?P<pre>fiscal|calendar|the\s+year|FY|year)\s+|(?P<pp>mid|post|pre)-)?(?P<y>{_YEAR})(?P<s>'?s)?"
    r"(?![\w%/]|[.,:]\d|\s*(?:%|percent\b|per\s?cent\b))(?P<open>\s+(?:or\s+later|and\s+beyond|and\s+later|or\s+earlier|and\s+earlier))?"
)
def _year(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Four-digit years ("in 2021", "fiscal 1989", "mid-1996", "1990 and beyond") and decades ("the 1990s")."""
    y = m.group("y")
    prev = ctx.text[max(0, m.start() - 12) : m.start()]
    nxt = ctx.text[m.end() : m.end() + 25]
    mod = {"mid": "MID", "post": "AFTER", "pre": "BEFORE"}.get((m.group("pp") or "").lower())
    if m.group("s"):
        start = m.start()
        if the := re.search(r"\bthe\s+$", prev, re.I):
            start -= len(the.group())
        return _Cand(start, m.end(), "DATE", y[:3], mod=mod, prio=5)
    if re.search(r"(?:\$|£|€|No\.|Nos\.|number|page|pages|[Ff]light|[Rr]oute|[Rr]oom|[Mm]odel|version)\s*$", prev):
        return None
    if re.match(r"\s+(?:[a-z]+\s+)?(?:people|persons|troops|soldiers|men|women|children|shares|points|tons|barrels|units|jobs|dollars|yuan|miles|feet|meters|km|kilometers|residents|workers|votes|cases|deaths|times)\b", nxt):
        return None
    if re.search(r"\d\s*[-–]\s*$", prev) and not re.search(rf"{_YEAR}\s*[-–]\s*$", prev):
        return None
    if m.group("open"):
        mod = "ON_OR_BEFORE" if "earlier" in m.group("open") else "ON_OR_AFTER"
    return _Cand(m.start(), m.end(), "DATE", y, mod=mod, prio=5)


@_rule(
    r"\b(?:the\s+)?(?:(?P<adj>early|late|mid)[\s-]+)?'(?P<d>\d)0s\b"
    r"|\b(?:the\s+)?(?:(?P<adj2>early|late|mid)[\s-]+)?(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b"
)
def _decade_short(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"the '80s", "the nineties" (20th century assumed)."""
    if m.group("d"):
        digit = m.group("d")
    else:
        if not m.group(0).lower().startswith("the"):
            return None  # "in his forties" is an age
        digit = str(["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"].index(m.group("w").lower()) + 2)
    mod = {"early": "START", "late": "END", "mid": "MID"}.get((m.group("adj") or m.group("adj2") or "").lower())
    return _Cand(m.start(), m.end(), "DATE", f"19{digit}", mod=mod, prio=5)


@_rule(rf"\b(?:the\s+)?(?P<n>\d{{1,2}}(?:st|nd|rd|th)|{_ORDWORD})\s+century\b")
def _century(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"the 20th century" -> "19"."""
    n = _day_num(m.group("n"))
    return _Cand(m.start(), m.end(), "DATE", f"{n - 1:02d}", prio=3) if 1 <= n <= 21 else None


@_rule(rf"\b(?:the\s+year\s+)?(?P<y>{_SPOKEN_YEAR})\b(?!\s+(?:[a-z]+\s+)?(?:{_UNIT}|people|dollars|of)\b)")
def _spoken_year(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Years in words ("nineteen ninety-six", "the year two thousand")."""
    text = m.group("y").lower()
    if text.startswith("two") and not m.group(0).lower().startswith("the year") and text.split()[-1] == "thousand":
        return None  # "two thousand" is a number
    year = _year_num(text)
    return _Cand(m.start(), m.end(), "DATE", str(year), prio=5) if year else None


_SET_NOUNS = r"newspaper|paper|news|mail|telegraph|express|star|record|beast|show"


@_rule(
    rf"\b(?P<w>{_alt(_SETS)})\b"
    rf"|\b(?P<q>every|each|per)\s+(?:(?P<other>other)\s+)?(?:(?P<n>{_CARD_WORD}|\d+)\s+)?(?P<what>{_UNIT}|{_WEEKDAY}|(?-i:{_MONTH_FULL})|{_SEASON}|morning|afternoon|evening|night)\b"
)
def _set(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """Frequencies: "daily", "annually", "every week", "each Thursday", "every two years"."""
    if m.group("w"):
        w = " ".join(m.group("w").lower().split())
        nxt = ctx.text[m.end() : m.end() + 20]
        prev = ctx.text[max(0, m.start() - 12) : m.start()]
        if w.endswith("ly") and (re.match(r"\s+(?!and\b|or\b|in\b|on\b|at\b|to\b|for\b|from\b|by\b|with\b|since\b|until\b|through\b|during\b|as\b|the\b|a\b|an\b|basis\b)[a-z]", nxt) or re.search(r"\b(?:the|a|an|its|their|average)\s+$", prev, re.I)):
            return None  # an adjective: "quarterly dividend", "average daily volume"
        if re.match(rf"\s+(?:{_SET_NOUNS})\b", nxt, re.I):
            return None
        return _Cand(m.start(), m.end(), "SET", _SETS[w], prio=3)
    what = m.group("what").lower()
    n = 2 if m.group("other") else int(m.group("n")) if m.group("n") and m.group("n").isdigit() else _card(m.group("n")) if m.group("n") else 1
    if what in _WEEKDAYS:
        value = f"XXXX-WXX-{_WEEKDAYS[what]}"
    elif what in _DATA["months"]:
        value = f"XXXX-{_MONTHS[what]:02d}"
    elif what in _SEASONS:
        value = f"XXXX-{_SEASONS[what]}"
    elif what in _PARTS:
        value = f"XXXX-XX-XXT{_PARTS[what]}"
    else:
        unit_word = _UNIT_PLURALS.get(what, what)
        unit = _UNITS.get(unit_word) or _UNITS.get(unit_word[:-1])
        if unit is None or n is None:
            return None
        value = _duration(float(n), unit)
    return _Cand(m.start(), m.end(), "SET", value, prio=3)


@_rule(rf"\b(?P<w>{_alt(_REFS)})\b(?!-)")
def _ref(m: re.Match[str], ctx: _Ctx) -> _Cand | None:
    """"now", "currently", "recently", "the future": PRESENT_REF / PAST_REF / FUTURE_REF."""
    if m.start() > 0 and (ctx.text[m.start() - 1].isalnum() or ctx.text[m.start() - 1] in "-'"):
        return None
    w = " ".join(m.group("w").lower().split())
    nxt = ctx.text[m.end() : m.end() + 20]
    prev = ctx.text[max(0, m.start() - 8) : m.start()].lower()
    if w == "current" and re.match(r"\s+(?:account|affairs|events|assets|liabilities|members?|employees|students|and\s+former|or\s+former)\b", nxt, re.I):
        return None
    if w == "soon" and (re.match(r"\s+(?:after|as)\b", nxt) or prev.endswith("as ")):
        return None
    return _Cand(m.start(), m.end(), "DATE", _REFS[w], prio=6)


# --------------------------------------------------------------------------- assembly

_POS_PREFIX = re.compile(rf"(?:\b(?:{_alt(_POS_MODS)})(?:\s+|-)|\bmid-)$", re.I)
_QTY_PREFIX = re.compile(rf"\b(?:{_QMOD})\s+$", re.I)


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Keep non-overlapping candidates, longest first; ties go to the more specific rule."""
    kept: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.prio, c.start)):
        if c.end > c.start and not any(c.start < k.end and k.start < c.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _attach_modifiers(text: str, kept: list[_Cand]) -> None:
    """Extend extents over a preceding position prefix or quantity hedge, setting ``mod``."""
    prev_end = 0
    for c in kept:
        head = text[max(prev_end, c.start - 24) : c.start]
        if c.type in ("DATE", "TIME") and not c.hedge and (p := _POS_PREFIX.search(head)):
            word = " ".join(p.group().lower().replace("-", " ").split())
            mod = _POS_MODS.get(word) or _POS_MODS.get(word + "-")
            if mod and not (isinstance(c.value, str) and c.value.endswith("_REF")):
                c.start -= len(p.group())
                c.mod = c.mod or mod
        elif c.hedge and (q := _QTY_PREFIX.search(head)):
            word = " ".join(q.group().lower().split())
            if word != "over" or c.bare:
                c.start -= len(q.group())
                c.mod = c.mod or _QTY_MODS.get(word)
        prev_end = c.end


_DAY_VALUE = re.compile(r"(?:\d{4}|XXXX)-\d\d-\d\d")


_SENTINEL_TABLES = ("months", "month_abbreviations", "weekdays", "units", "unit_plurals", "seasons",
                    "parts_of_day", "refs", "sets", "holidays", "weekday_holidays", "numbers", "tens",
                    "ordinals", "vague_numbers", "multipliers", "deictic")


def _sentinel() -> re.Pattern[str]:
    """Any word a time expression can be built from (or a digit). Text far from all of
    them cannot hold one, so the rules only scan windows around these words."""
    words: set[str] = set()
    for name in _SENTINEL_TABLES:
        value = _DATA.get(name, {})
        if isinstance(value, dict):
            for k, v in value.items():
                words.add(str(k))
                words.update(str(x) for x in v if isinstance(x, str)) if isinstance(v, list) else None
        elif isinstance(value, list):
            words.update(str(x) for x in value)
    words = {w.lower() for w in words if len(w) > 2 and not w.isdigit()}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\d|(?i:\b(?:{alternation}))")


_SENTINEL = _sentinel()
_WINDOW = 80


def _windows(text: str) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for m in _SENTINEL.finditer(text):
        lo, hi = max(0, m.start() - _WINDOW), min(len(text), m.end() + _WINDOW)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], hi)
        else:
            spans.append([lo, hi])
    return [(lo, hi) for lo, hi in spans]


def tag(text: str, dct: str | None) -> list[Timex]:
    """Find and normalise the time expressions in ``text`` (offsets are into ``text``)."""
    ctx = _Ctx(text)
    cands: list[_Cand] = []
    windows = _windows(text)
    for pattern, handler in _RULES:
        for lo, hi in windows:
            for m in pattern.finditer(text, lo, hi):
                out = handler(m, ctx)
                if out is not None:
                    cands.extend(out if isinstance(out, list) else [out])
    kept = _select(cands)
    _attach_modifiers(text, kept)
    st = _State(_parse_dct(dct))
    result: list[Timex] = []
    for c in kept:
        value = c.value(st) if callable(c.value) else c.value
        if c.mod in ("START", "END") and value and _DAY_VALUE.fullmatch(value) and text[c.start : c.start + 5].lower() in ("earli", "later"):
            c.mod = None  # "earlier today" says when, not which part of the day
        if value and c.type in ("DATE", "TIME") and not c.anaphoric and re.match(r"\d{4}", value):
            st.ref = value.split("T")[0]
        if value and c.period and re.fullmatch(r"\d{4}-[QH]\d", value):
            st.period = value
        result.append(Timex(c.start, c.end, text[c.start : c.end], c.type, value, c.mod))
    if dct is None:
        _weekdays_the_text_dates(text, result)
    return result


_TIED = re.compile(rf"^(?:on\s+)?(?P<wd>{_WEEKDAY})(?:['’]s)?\b")
_BARE_WEEKDAY = re.compile(rf"^(?P<wd>{_WEEKDAY})$")


def _weekdays_the_text_dates(text: str, found: list[Timex]) -> None:
    """With no document date a bare weekday cannot be resolved, unless the text itself says
    which day it means: a weekday written with its date ("Tuesday, April 22", "on Monday
    (May 12)") ties that weekday to that date, and the text's other bare mentions of it
    take the date too ("Tuesday's attack"). Only when the weekday fits the date's calendar
    (when the year is given) and the text ties it to one date only."""
    ties: dict[int, set[str]] = {}
    for i, t in enumerate(found):
        v = t.value or ""
        if t.type != "DATE" or not re.fullmatch(r"(?:\d{4}|XXXX)-\d\d-\d\d", v):
            continue
        m = _TIED.match(t.text)
        if m is None and i > 0 and _BARE_WEEKDAY.match(found[i - 1].text) \
                and re.fullmatch(r"\s*[(,]?\s*", text[found[i - 1].end : t.start]):
            m = _BARE_WEEKDAY.match(found[i - 1].text)  # "on Monday (May 12)"
        if m is None:
            continue
        wd = _WEEKDAYS[m.group("wd").lower()]
        if v[:4].isdigit() and dt.date.fromisoformat(v).isoweekday() != wd:
            continue  # the text's weekday and date disagree: trust neither for the others
        ties.setdefault(wd, set()).add(v)
    for i, t in enumerate(found):
        m = _BARE_WEEKDAY.match(t.text)
        if m is None or t.value is not None or t.type != "DATE":
            continue
        dates = ties.get(_WEEKDAYS[m.group("wd").lower()], set())
        if len(dates) == 1:
            found[i] = Timex(t.start, t.end, t.text, t.type, next(iter(dates)), t.mod)


_PRECISION = (
    (re.compile(r"(?:\d{4}|XXXX)-\d\d-\d\d(?:T.*)?"), "day"),
    (re.compile(r"(?:\d{4}|XXXX)-(?:\d\d|W\d\d?(?:-\d|-WE)?)"), "month"),
    (re.compile(r"\d{4}(?:-(?:Q[1-4]|H[12]|SP|SU|FA|WI))?"), "year"),
)


def precision(value: str | None) -> str:
    """How precisely a TIMEX3 value dates something: "day", "month", "year" or "none".

    Weeks count as "month" and quarters, halves and seasons as "year": the coarser label, so
    that a date is never claimed to be more precise than it is. Decades, durations, sets and
    PRESENT_REF-style references are "none".
    """
    if not value:
        return "none"
    for pattern, label in _PRECISION:
        if pattern.fullmatch(value):
            return label
    return "none"
