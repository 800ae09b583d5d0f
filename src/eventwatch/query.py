"""The one query layer: the CLI's exports, the HTTP API and the dashboard read the store
only through these functions, so every interface shows the same records."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby
from typing import Iterable, Iterator

from .store import Store


def _in(column: str, values: list[str] | None) -> tuple[str, list]:
    if values is None:
        return "1=1", []
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def documents(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    where, args = _in("id", doc_ids)
    for r in store.db.execute(f"SELECT * FROM documents WHERE {where} ORDER BY id", args):
        yield {"doc": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
               "published_from": r["published_from"], "language": r["language"], "text": r["text"], "story": r["story"], "url": r["url"], "source": r["source"]}


def events(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Events with every report; restricted to events reported by ``doc_ids`` if given."""
    where, args = _in("doc", doc_ids)
    ids = [r[0] for r in store.db.execute(f"SELECT DISTINCT event FROM reports WHERE {where}", args)]
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    rows = store.db.execute(f"SELECT * FROM events WHERE id IN ({marks}) ORDER BY date IS NULL, date, id", ids).fetchall()
    yield from _event_records(store, rows)


def quotes(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    where, args = _in("doc", doc_ids)
    for r in store.db.execute(f'SELECT * FROM quotes WHERE {where} ORDER BY doc, start', args):
        yield {"doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"], "speaker": json.loads(r["speaker"]),
               "speaker_from": r["speaker_from"], "direct": bool(r["direct"]), "cue": r["cue"],
               "relay": json.loads(r["relay"] or "[]"), "claim": bool(r["claim"])}


def actors(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Resolved actors with every spelling seen and how often they are mentioned."""
    where, args = _in("doc", doc_ids)
    seen: dict[str, dict] = {}
    for r in store.db.execute(f"SELECT actor, text, kind FROM mentions WHERE actor IS NOT NULL AND {where}", args):
        a = seen.setdefault(r["actor"], {"aliases": set(), "mentions": 0})
        a["mentions"] += 1
        if r["kind"] == "name":
            a["aliases"].add(r["text"])
    for name in sorted(seen):
        row = store.db.execute("SELECT * FROM actors WHERE name = ?", (name,)).fetchone()
        info = seen[name]
        yield {"name": name, "country": row["country"] if row else None, "sector": row["sector"] if row else None,
               "role": row["role"] if row else None, "kind": row["kind"] if row else None,
               "aliases": sorted(info["aliases"] | ({name} if row and row["kind"] == "person" else set())),
               "mentions": info["mentions"], "inferred": bool(row["inferred"]) if row else False}


def rejected(store: Store) -> Iterable[dict]:
    return [dict(r) for r in store.db.execute("SELECT id, source, reason, at FROM rejected ORDER BY at")]


# --- filtered, paged reads for the HTTP API and the dashboard --------------------------
# Entities live as JSON lists in events.actor / events.recipient; filters look inside
# them with json_each, so the store needs no second copy of who did what to whom.

EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
               "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
EVENT_SORTS = ("date", "score", "confidence", "type", "id")
INTERVALS = ("day", "week", "month")
_SORT_COLUMN = {"date": "e.date", "score": "e.score", "confidence": "e.confidence", "type": "e.event", "id": "e.id"}
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


@dataclass
class EventFilter:
    """What an analyst can narrow events by; every field is optional and they combine with AND.

    ``actor`` is an actor's name (any spelling the store has seen); ``country`` the acting
    side's country code; ``recipient`` and each side of ``dyad`` a country code or a name;
    ``date_from``/``date_to`` (YYYY, YYYY-MM or YYYY-MM-DD) keep events whose whole date
    lies in the range: a month-precision event is in March but not in one week of it,
    just as the dyad series places it; ``q`` searches evidence, trigger, names and outlets."""

    actor: str | None = None
    country: str | None = None
    recipient: str | None = None
    types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None
    doc: str | None = None
    dyad: tuple[str, str] | None = None
    q: str | None = None
    party: str | None = None  # an actor or country on either side


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _conn(store: Store):
    """The store's connection, with SQLite's case folding installed (PostgreSQL's own
    ``lower`` stands in for it there)."""
    if not store.server:
        store.db.create_function("ew_fold", 1, _fold, deterministic=True)
    return store.db


def _spellings(store: Store, name: str) -> list[str]:
    """The folded canonical names an actor query means: the name itself and every
    actor whose name or alias is spelled that way ("Lukashenko" finds "Łukašenka")."""
    want = name.casefold()
    names = {want}
    for r in store.db.execute("SELECT name, aliases FROM actors"):
        if want == r["name"].casefold() or any(want == a.casefold() for a in json.loads(r["aliases"] or "[]")):
            names.add(r["name"].casefold())
    return sorted(names)


def _verbatim(text: str) -> bool:
    """Whether ``text`` appears as is inside any JSON encoding of a string holding it
    (printable ASCII other than quote and backslash is never escaped)."""
    return all(" " <= c <= "~" and c not in '"\\' for c in text)


def _has_entity(column: str, names: list[str] | None, country: str | None) -> tuple[str, list]:
    """An entity in the JSON list ``column`` has this country or one of these folded names.
    For a country alone, a plain LIKE over the raw JSON goes first: the code appears
    there verbatim, and the LIKE spares most rows json_each."""
    tests, args = [], []
    if country:
        tests.append("json_extract(j.value, '$.country') = ?")
        args.append(country.upper())
    if names:
        tests.append(f"ew_fold(json_extract(j.value, '$.name')) IN ({','.join('?' * len(names))})")
        args.extend(names)
    exists = f"EXISTS (SELECT 1 FROM json_each(e.{column}) j WHERE {' OR '.join(tests)})"
    if names or not _verbatim(country or ""):
        return exists, args
    return f"(e.{column} LIKE ? ESCAPE '\\' AND {exists})", [_like(country), *args]


def _side(store: Store, column: str, value: str) -> tuple[str, list]:
    """A country code or a name, on the actor or recipient side."""
    return _has_entity(column, _spellings(store, value), value)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _first_day(value: str) -> str:
    return value + {4: "-01-01", 7: "-01"}.get(len(value), "")


def _last_day(value: str) -> str:
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        start = date.fromisoformat(value + "-01")
        return ((start + timedelta(days=32)).replace(day=1) - timedelta(days=1)).isoformat()
    return value


def _day_after(value: str) -> str:
    try:
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    except ValueError:
        return value


def _event_where(store: Store, f: EventFilter) -> tuple[str, list]:
    parts: list[str] = []
    args: list = []

    def add(sql: str, more: Iterable = ()) -> None:
        parts.append(sql)
        args.extend(more)

    if f.actor:
        add(*_has_entity("actor", _spellings(store, f.actor), None))
    if f.country:
        add(*_has_entity("actor", None, f.country))
    if f.recipient:
        add(*_side(store, "recipient", f.recipient))
    if f.dyad:
        a_act, a_args = _side(store, "actor", f.dyad[0])
        b_rec, b_args = _side(store, "recipient", f.dyad[1])
        b_act, b_args2 = _side(store, "actor", f.dyad[1])
        a_rec, a_args2 = _side(store, "recipient", f.dyad[0])
        add(f"(({a_act} AND {b_rec}) OR ({b_act} AND {a_rec}))", [*a_args, *b_args, *b_args2, *a_args2])
    if f.party:
        act, act_args = _side(store, "actor", f.party)
        rec, rec_args = _side(store, "recipient", f.party)
        add(f"({act} OR {rec})", [*act_args, *rec_args])
    if f.types:
        add(f"e.event IN ({','.join('?' * len(f.types))})", f.types)
    if f.date_from or f.date_to:
        add("e.date IS NOT NULL AND e.date NOT LIKE 'X%'")
    if f.date_from:
        add("CASE length(e.date) WHEN 4 THEN e.date || '-01-01' WHEN 7 THEN e.date || '-01' ELSE e.date END >= ?",
            [_first_day(f.date_from)])
    if f.date_to:
        # A year or month lies wholly before the day after the range ends: plain text
        # comparisons, the same on both engines.
        last = _last_day(f.date_to)
        add("CASE length(e.date) WHEN 4 THEN e.date < ? WHEN 7 THEN e.date < ? ELSE e.date <= ? END",
            [_day_after(last)[:4], _day_after(last)[:7], last])
    if f.story:
        add("e.story = ?", [f.story])
    if f.doc:
        add("EXISTS (SELECT 1 FROM reports r WHERE r.event = e.id AND r.doc = ?)", [f.doc])
    if f.q:
        pat = _like(f.q)
        # A LIKE over the raw JSON first, when it is a safe necessary condition, spares most rows json_each.
        pre = _verbatim(f.q)

        def json_text(column: str, list_expr: str, field: str) -> str:
            found = f"EXISTS (SELECT 1 FROM json_each({list_expr}) j WHERE json_extract(j.value, '$.{field}') LIKE ? ESCAPE '\\')"
            return f"({column} LIKE ? ESCAPE '\\' AND {found})" if pre else found

        add(f"(e.trigger LIKE ? ESCAPE '\\' OR {json_text('e.actor', 'e.actor', 'name')}"
            f" OR {json_text('e.recipient', 'e.recipient', 'name')}"
            f" OR EXISTS (SELECT 1 FROM reports r WHERE r.event = e.id AND (r.outlet LIKE ? ESCAPE '\\'"
            f" OR {json_text('r.evidence', 'r.evidence', 'text')})))", [pat] * (8 if pre else 5))
    return " AND ".join(parts) or "1=1", args


def _order(sort: str) -> str:
    key = sort.lstrip("-")
    if key not in _SORT_COLUMN:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(EVENT_SORTS)} (prefix - for descending)")
    col, desc = _SORT_COLUMN[key], " DESC" if sort.startswith("-") else ""
    unknown = "(e.date IS NULL OR e.date LIKE 'X%')" if key == "date" else f"{col} IS NULL"
    # NULLS FIRST/LAST spelled out: SQLite's default, which PostgreSQL reverses.
    return f"{unknown}, {col}{desc} NULLS {'LAST' if desc else 'FIRST'}, e.id{desc}"


def _event_records(store: Store, rows: list, documents: bool = False) -> list[dict]:
    """The contract's event objects (as ``events`` yields them) for these event rows;
    with ``documents``, each report also carries its document (title, date, text)."""
    ids = [r["id"] for r in rows]
    reports = defaultdict(list)
    if ids:
        marks = ",".join("?" * len(ids))
        for r in store.db.execute(f"SELECT * FROM reports WHERE event IN ({marks}) ORDER BY doc, rowid", ids):
            reports[r["event"]].append({"doc": r["doc"], "evidence": json.loads(r["evidence"]),
                                        "speaker": json.loads(r["speaker"]), "outlet": r["outlet"],
                                        "relay": json.loads(r["relay"] or "[]"), "date": r["date"]})
    published = _published(store, sorted({x["doc"] for rs in reports.values() for x in rs}))
    if documents:
        docs = {d["doc"]: d for d in _document_rows(store, sorted({x["doc"] for rs in reports.values() for x in rs}))}
        for rs in reports.values():
            for x in rs:
                x["document"] = docs.get(x["doc"])
    return [{"id": r["id"], "event": r["event"], "mode": r["mode"], "actor": json.loads(r["actor"]),
             "recipient": json.loads(r["recipient"]), "date": r["date"], "date_precision": r["date_precision"],
             "aux": json.loads(r["aux"]), "reported_by": reported_by([published.get(x["doc"]) for x in reports[r["id"]]]),
             "confidence": r["confidence"], "score": r["score"], "story": r["story"],
             "trigger": r["trigger"], "sources": r["sources"], "merged_on": json.loads(r["merged_on"] or "[]"),
             "reports": reports[r["id"]]} for r in rows]


def _published(store: Store, doc_ids: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for i in range(0, len(doc_ids), 500):
        chunk = doc_ids[i:i + 500]
        out.update((r[0], r[1]) for r in store.db.execute(
            f"SELECT id, published FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def reported_by(published: Iterable[str | None]) -> str | None:
    """The earliest publication date among an event's reports: the act happened on or
    before it. A date with its year beats one without (``XXXX-11-12`` cannot be ordered
    against years), and a day beats a coarser value of the same period."""
    dated = [p for p in published if p]
    full = [p for p in dated if not p.startswith("X")]
    pool = full or dated
    if not pool:
        return None
    # "2025-11" sorts before "2025-11-03" but says less: keep the earliest, preferring the
    # finer value when one is a prefix of the other
    best = min(pool)
    finer = [p for p in pool if p != best and p.startswith(best)]
    return min(finer) if finer else best


def count_events(store: Store, f: EventFilter) -> int:
    where, args = _event_where(store, f)
    return _conn(store).execute(f"SELECT count(*) FROM events e WHERE {where}", args).fetchone()[0]


def find_events(store: Store, f: EventFilter, sort: str = "date", limit: int | None = 50, offset: int = 0) -> list[dict]:
    """One page of events matching ``f``, each with every report. ``sort`` is one of
    EVENT_SORTS, ``-`` first for descending; undated events always come last."""
    where, args = _event_where(store, f)
    # No page size is a limit no store reaches: the offset applies with or without one.
    rows = _conn(store).execute(f"SELECT e.* FROM events e WHERE {where} ORDER BY {_order(sort)} LIMIT ? OFFSET ?",
                                [*args, 2 ** 62 if limit is None else limit, offset]).fetchall()
    return _event_records(store, rows)


def event(store: Store, event_id: str) -> dict | None:
    """One event with every report, and each report's document (for the evidence in context)."""
    rows = store.db.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchall()
    return _event_records(store, rows, documents=True)[0] if rows else None


def _document_rows(store: Store, doc_ids: list[str]) -> list[dict]:
    if not doc_ids:
        return []
    marks = ",".join("?" * len(doc_ids))
    return [{"doc": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
             "published_from": r["published_from"], "language": r["language"], "url": r["url"], "story": r["story"], "text": r["text"]}
            for r in store.db.execute(f"SELECT * FROM documents WHERE id IN ({marks}) ORDER BY id", doc_ids)]


def _segments(text: str, spans: list[tuple[int, int, str, object]]) -> list[dict]:
    """Cut ``text`` at every span edge, so overlapping marks need no nesting: each
    segment lists the ids of the events and quotes that cover it."""
    cuts = sorted({0, len(text), *(max(0, min(len(text), x)) for s, e, _, _ in spans for x in (s, e))})
    out: list[dict] = []
    for a, b in zip(cuts, cuts[1:]):
        cover = [(kind, key) for s, e, kind, key in spans if s <= a and b <= e]
        events_ = sorted({k for kind, k in cover if kind == "event"})
        quotes_ = sorted({k for kind, k in cover if kind == "quote"})
        if out and out[-1]["events"] == events_ and out[-1]["quotes"] == quotes_:
            out[-1]["end"], out[-1]["text"] = b, out[-1]["text"] + text[a:b]
        else:
            out.append({"start": a, "end": b, "text": text[a:b], "events": events_, "quotes": quotes_})
    return out


def document(store: Store, doc_id: str) -> dict | None:
    """A document's cleaned text with the evidence of every event it reports (and its
    quotes) marked, as offsets and as ready-cut segments."""
    found = _document_rows(store, [doc_id])
    if not found:
        return None
    doc = found[0]
    f = EventFilter(doc=doc_id)
    evs = find_events(store, f, limit=None)
    qs = list(quotes(store, [doc_id]))
    marks = [{"start": s["start"], "end": s["end"], "event": e["id"], "type": e["event"], "score": e["score"]}
             for e in evs for r in e["reports"] if r["doc"] == doc_id for s in r["evidence"]]
    spans = [(m["start"], m["end"], "event", m["event"]) for m in marks]
    spans += [(q["start"], q["end"], "quote", i) for i, q in enumerate(qs)]
    doc.update(marks=sorted(marks, key=lambda m: (m["start"], m["end"])), quotes=qs, events=evs,
               segments=_segments(doc["text"], spans))
    return doc


def _story_records(store: Store, story_ids: list[str]) -> list[dict]:
    if not story_ids:
        return []
    marks = ",".join("?" * len(story_ids))
    docs = defaultdict(list)
    for r in store.db.execute(f"SELECT id, title, outlet, published, url, story FROM documents WHERE story IN ({marks})"
                              " ORDER BY published IS NULL, published, id", story_ids):
        docs[r["story"]].append({"doc": r["id"], "title": r["title"], "outlet": r["outlet"],
                                 "published": r["published"], "url": r["url"]})
    stats = {r["story"]: r for r in store.db.execute(
        "SELECT story, count(*) AS n, min(CASE WHEN date NOT LIKE 'X%' THEN date END) AS first,"
        f" max(CASE WHEN date NOT LIKE 'X%' THEN date END) AS last FROM events WHERE story IN ({marks}) GROUP BY story",
        story_ids)}
    out = []
    for sid in story_ids:
        ds, st = docs.get(sid, []), stats.get(sid)
        out.append({"id": sid, "title": next((d["title"] for d in ds if d["title"]), None),
                    "outlets": list(dict.fromkeys(d["outlet"] for d in ds if d["outlet"])),
                    "documents": ds, "events": st["n"] if st else 0,
                    "first_date": st["first"] if st else None, "last_date": st["last"] if st else None})
    return out


def stories(store: Store, q: str | None = None, outlet: str | None = None) -> list[dict]:
    """Stories (clusters of documents telling the same story), newest first, with the
    outlets that reported each and how many events were coded from them."""
    where, args = ["story IS NOT NULL"], []
    if q:
        where.append("story IN (SELECT story FROM documents WHERE title LIKE ? ESCAPE '\\')")
        args.append(_like(q))
    if outlet:
        where.append("story IN (SELECT story FROM documents WHERE lower(outlet) = lower(?))")
        args.append(outlet)
    ids = [r[0] for r in store.db.execute(
        f"SELECT story FROM documents WHERE {' AND '.join(where)} GROUP BY story"
        " ORDER BY max(coalesce(published, '')) DESC, story", args)]
    return _story_records(store, ids)


def story(store: Store, story_id: str) -> dict | None:
    """One story: its documents and outlets, and every event coded from it."""
    found = _story_records(store, [story_id])
    if not found or not found[0]["documents"]:
        return None
    found[0]["event_list"] = find_events(store, EventFilter(story=story_id), limit=None)
    return found[0]


def _country_names(store: Store) -> dict[str, str]:
    return {r["country"]: r["name"] for r in store.db.execute(
        "SELECT name, country FROM actors WHERE kind = 'state' AND country IS NOT NULL ORDER BY inferred DESC, name DESC")}


def countries(store: Store) -> list[dict]:
    """Countries that take part in events, with a name where the actor file has one."""
    names = _country_names(store)
    rows = store.db.execute(
        "SELECT c, count(DISTINCT id) n FROM ("
        " SELECT e.id, json_extract(j.value, '$.country') c FROM events e, json_each(e.actor) j"
        " UNION ALL SELECT e.id, json_extract(j.value, '$.country') c FROM events e, json_each(e.recipient) j"
        ") AS sides WHERE c IS NOT NULL GROUP BY c ORDER BY n DESC, c").fetchall()
    return [{"code": r["c"], "name": names.get(r["c"]), "events": r["n"]} for r in rows]


def actor_list(store: Store) -> list[dict]:
    """The resolved actors (as ``actors`` yields them) with how many events each is party to."""
    counts: dict[str, int] = defaultdict(int)
    for r in store.db.execute(
            "SELECT name, count(DISTINCT id) n FROM ("
            " SELECT e.id, json_extract(j.value, '$.name') name FROM events e, json_each(e.actor) j"
            " UNION ALL SELECT e.id, json_extract(j.value, '$.name') name FROM events e, json_each(e.recipient) j)"
            " AS sides WHERE name IS NOT NULL GROUP BY name"):
        counts[r["name"]] = r["n"]
    return [{**a, "events": counts.get(a["name"], 0)} for a in actors(store)]


def _period(d: str, interval: str) -> tuple[str, str] | None:
    """The (start, end) of the interval holding date value ``d``, or None when the date
    is unknown, has no year, or is coarser than the interval."""
    if not d or d.startswith("X"):
        return None
    precision = {10: "day", 7: "month", 4: "year"}.get(len(d))
    need = "month" if interval == "month" else "day"
    if precision is None or _PRECISION_RANK[precision] < _PRECISION_RANK[need]:
        return None
    try:
        day = date.fromisoformat(d if len(d) == 10 else d + "-01")
    except ValueError:
        return None
    if interval == "day":
        return day.isoformat(), day.isoformat()
    if interval == "week":
        start = day - timedelta(days=day.weekday())
        return start.isoformat(), (start + timedelta(days=6)).isoformat()
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start.isoformat(), (nxt - timedelta(days=1)).isoformat()


def _next_period(start: str, interval: str) -> str:
    d = date.fromisoformat(start)
    if interval == "day":
        return (d + timedelta(days=1)).isoformat()
    if interval == "week":
        return (d + timedelta(days=7)).isoformat()
    return (d + timedelta(days=32)).replace(day=1).isoformat()


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def dyad_series(store: Store, a: str, b: str, interval: str = "week", f: EventFilter | None = None) -> dict:
    """Events between ``a`` and ``b`` (country codes or names, either direction) over
    time: per period, counts by type and the mean conflict-cooperation score, overall
    and for each direction. Events are placed by the date they happened; one whose date
    is unknown or coarser than the interval is counted apart, in ``before`` of the period
    of its ``reported_by`` date (it happened on or before then), never mixed with the
    dated counts; ``unplaced`` counts those no report dates either."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; choose one of {', '.join(INTERVALS)}")
    f = replace(f or EventFilter(), dyad=(a, b))
    where, args = _event_where(store, f)
    a_act, a_args = _side(store, "actor", a)
    b_rec, b_args = _side(store, "recipient", b)
    rows = _conn(store).execute(f"SELECT e.id, e.event, e.date, e.score, ({a_act} AND {b_rec}) AS forward"
                                f" FROM events e WHERE {where}", [*a_args, *b_args, *args]).fetchall()
    docs: dict[str, list[str]] = defaultdict(list)
    if rows:
        ids = [r["id"] for r in rows]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in _conn(store).execute(f"SELECT event, doc FROM reports WHERE event IN ({','.join('?' * len(chunk))})", chunk):
                docs[r["event"]].append(r["doc"])
    published = _published(store, sorted({d for ds in docs.values() for d in ds}))
    buckets: dict[str, dict] = {}
    undated = unplaced = 0

    def bucket(period: tuple[str, str]) -> dict:
        return buckets.setdefault(period[0], {"end": period[1], "counts": defaultdict(int), "all": [], "fwd": [], "back": [],
                                              "n_fwd": 0, "n_back": 0, "before": defaultdict(int)})

    for r in rows:
        period = _period(r["date"], interval)
        if period is None:
            undated += 1
            seen = _period(reported_by(published.get(d) for d in docs.get(r["id"], [])), interval)
            if seen is None:
                unplaced += 1
            else:
                bucket(seen)["before"][r["event"]] += 1
            continue
        bk = bucket(period)
        bk["counts"][r["event"]] += 1
        side = "fwd" if r["forward"] else "back"
        bk["n_" + side] += 1
        if r["score"] is not None:
            bk["all"].append(r["score"])
            bk[side].append(r["score"])
    series = []
    if buckets:
        start, last = min(buckets), max(buckets)
        while start <= last:
            bk = buckets.get(start)
            end = bk["end"] if bk else _period(start, interval)[1]
            series.append({
                "period": start, "start": start, "end": end,
                "n": sum(bk["counts"].values()) if bk else 0,
                "mean_score": _mean(bk["all"]) if bk else None,
                "counts": dict(sorted(bk["counts"].items())) if bk else {},
                "a_to_b": {"n": bk["n_fwd"] if bk else 0, "mean_score": _mean(bk["fwd"]) if bk else None},
                "b_to_a": {"n": bk["n_back"] if bk else 0, "mean_score": _mean(bk["back"]) if bk else None},
                "before": {"n": sum(bk["before"].values()) if bk else 0,
                           "counts": dict(sorted(bk["before"].items())) if bk else {}},
            })
            start = _next_period(start, interval)
    return {"a": a, "b": b, "interval": interval, "total": len(rows), "undated": undated, "unplaced": unplaced,
            "types": [t for t in EVENT_TYPES if any(t in s["counts"] or t in s["before"]["counts"] for s in series)],
            "series": series}


def network(store: Store, f: EventFilter | None = None, level: str = "actor", limit: int = 60) -> dict:
    """Who acts on whom: actors (or countries, ``level="country"``) as nodes and the events
    between them as edges, with each edge's count and mean score. Keeps the ``limit``
    busiest nodes so the graph stays readable."""
    if level not in ("actor", "country"):
        raise ValueError(f"unknown level {level!r}; choose actor or country")
    where, args = _event_where(store, f or EventFilter())
    key = "name" if level == "actor" else "country"
    names = _country_names(store) if level == "country" else {}
    side = ("SELECT e.id, e.event, e.score, {0}, json_extract(j.value, '$.{1}') k, json_extract(j.value, '$.country')"
            " FROM events e, json_each(e.{2}) j WHERE {3} AND json_extract(j.value, '$.{1}') IS NOT NULL")
    if store.server:
        cursor = _conn(store)
    else:
        cursor = _conn(store).cursor()
        cursor.row_factory = None  # plain tuples: this loop sees every party of every event
    rows = cursor.execute(f"{side.format(0, key, 'actor', where)} UNION ALL {side.format(1, key, 'recipient', where)}"
                          " ORDER BY 1", [*args, *args])
    nodes: dict[str, dict] = {}
    pairs: dict[tuple[str, str], list] = defaultdict(list)
    for _, group in groupby(rows, key=lambda r: r[0]):
        group = list(group)
        _, event_type, score, *_ = group[0]
        for k, country in {r[4]: r[5] for r in group}.items():
            n = nodes.setdefault(k, {"id": k, "name": names.get(k, k), "country": country, "events": 0})
            n["events"] += 1
        acts = {r[4] for r in group if r[3] == 0}
        recs = {r[4] for r in group if r[3] == 1}
        for pair in ((a, b) for a in acts for b in recs if a != b):
            pairs[pair].append((event_type, score))
    keep = sorted(nodes.values(), key=lambda n: (-n["events"], n["id"]))[:limit]
    kept = {n["id"] for n in keep}
    edges = [{"source": s, "target": t, "n": len(evs), "mean_score": _mean([x for _, x in evs if x is not None]),
              "counts": dict(sorted(Counter(kind for kind, _ in evs).items()))}
             for (s, t), evs in pairs.items() if s in kept and t in kept]
    return {"level": level, "nodes": keep, "edges": sorted(edges, key=lambda e: (-e["n"], e["source"], e["target"]))}


def story_links(store: Store, story_id: str) -> list[tuple[str, str, str]]:
    """Why a story's documents are together: the links found between them."""
    return [tuple(r) for r in store.db.execute(
        "SELECT a, b, reason FROM links WHERE a IN (SELECT id FROM documents WHERE story = ?) ORDER BY a, b", (story_id,))]


def claims(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Claims with the claims they counter, echo or are echoed by (on the same matter)."""
    where, args = _in("doc", doc_ids)
    rows = store.db.execute(f'SELECT * FROM claims WHERE {where} ORDER BY doc, start', args).fetchall()
    links = defaultdict(list)
    for r in store.db.execute("SELECT * FROM claim_links"):
        for me, other in ((r["a"], r["b"]), (r["b"], r["a"])):
            links[me].append({"claim": other, "relation": r["relation"], "shared": json.loads(r["shared"])})
    for r in rows:
        yield {"id": r["id"], "doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"],
               "claimant": json.loads(r["claimant"]), "target": json.loads(r["target"]),
               "matter": json.loads(r["matter"]), "links": links[r["id"]]}


def confirm_actors(store: Store, names: list[str] | None = None) -> list[dict]:
    """Inferred actors (all of them, or those named) as reviewed: they leave the
    ``--unreviewed`` list and are returned for writing into the analyst's actor file."""
    rows = store.db.execute("SELECT * FROM actors WHERE inferred = 1 ORDER BY name").fetchall()
    chosen = [r for r in rows if names is None or r["name"] in names]
    with store.transaction():
        store.db.executemany("UPDATE actors SET inferred = 0 WHERE name = ?", [(r["name"],) for r in chosen])
    return [{"name": r["name"], "country": r["country"], "sector": r["sector"], "role": r["role"],
             "kind": r["kind"] or "person", "aliases": json.loads(r["aliases"] or "[]")} for r in chosen]


def document_meta(store: Store, doc_ids: Iterable[str]) -> dict[str, dict]:
    """Title, outlet, publication date and URL of these documents (no text), by id: what
    an export needs to name an event's first report and where to read it."""
    ids = sorted(set(doc_ids))
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):  # SQLite's bound-parameter limit
        chunk = ids[i:i + 500]
        for r in store.db.execute(f"SELECT id, title, outlet, published, url FROM documents WHERE id IN "
                                  f"({','.join('?' * len(chunk))})", chunk):
            out[r["id"]] = {"title": r["title"], "outlet": r["outlet"], "published": r["published"], "url": r["url"]}
    return out
