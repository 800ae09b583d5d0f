"""The one query layer: the CLI's exports (and later the API and dashboard) read the
store only through these functions, so every interface shows the same records."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
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
               "language": r["language"], "text": r["text"], "story": r["story"], "url": r["url"], "source": r["source"]}


def events(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Events with every report; restricted to events reported by ``doc_ids`` if given."""
    where, args = _in("doc", doc_ids)
    ids = [r[0] for r in store.db.execute(f"SELECT DISTINCT event FROM reports WHERE {where}", args)]
    reports = defaultdict(list)
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    for r in store.db.execute(f"SELECT * FROM reports WHERE event IN ({marks}) ORDER BY doc, rowid", ids):
        reports[r["event"]].append({"doc": r["doc"], "evidence": json.loads(r["evidence"]), "speaker": json.loads(r["speaker"]),
                                    "outlet": r["outlet"], "relay": json.loads(r["relay"] or "[]")})
    for r in store.db.execute(f"SELECT * FROM events WHERE id IN ({marks}) ORDER BY date IS NULL, date, id", ids):
        yield {"id": r["id"], "event": r["event"], "mode": r["mode"], "actor": json.loads(r["actor"]),
               "recipient": json.loads(r["recipient"]), "date": r["date"], "date_precision": r["date_precision"],
               "aux": json.loads(r["aux"]), "confidence": r["confidence"], "score": r["score"], "story": r["story"],
               "trigger": r["trigger"], "reports": reports[r["id"]]}


def quotes(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    where, args = _in("doc", doc_ids)
    for r in store.db.execute(f'SELECT * FROM quotes WHERE {where} ORDER BY doc, start', args):
        yield {"doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"], "speaker": json.loads(r["speaker"]),
               "direct": bool(r["direct"]), "cue": r["cue"], "relay": json.loads(r["relay"] or "[]"), "claim": bool(r["claim"])}


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
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_event ON events(event)",
    "CREATE INDEX IF NOT EXISTS events_story ON events(story)",
    "CREATE INDEX IF NOT EXISTS documents_story ON documents(story)",
)


@dataclass
class EventFilter:
    """What an analyst can narrow events by; every field is optional and they combine with AND.

    ``actor`` is an actor's name (any spelling the store has seen); ``country`` the acting
    side's country code; ``recipient`` and each side of ``dyad`` a country code or a name;
    ``date_from``/``date_to`` keep events whose date overlaps the range (a month-precision
    event is inside a range that touches that month); ``q`` searches evidence, trigger,
    names and outlets."""

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


def prepare(store: Store) -> None:
    """Query-layer set-up for a long-lived reader: the indexes the filters use."""
    with store.db:
        for sql in _INDEXES:
            store.db.execute(sql)


def _fold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _conn(store: Store):
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


def _has_entity(column: str, names: list[str] | None, country: str | None) -> tuple[str, list]:
    tests, args = [], []
    if country:
        tests.append("json_extract(j.value, '$.country') = ?")
        args.append(country.upper())
    if names:
        tests.append(f"ew_fold(json_extract(j.value, '$.name')) IN ({','.join('?' * len(names))})")
        args.extend(names)
    return f"EXISTS (SELECT 1 FROM json_each(e.{column}) j WHERE {' OR '.join(tests)})", args


def _side(store: Store, column: str, value: str) -> tuple[str, list]:
    """A country code or a name, on the actor or recipient side."""
    return _has_entity(column, _spellings(store, value), value)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


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
    if f.types:
        add(f"e.event IN ({','.join('?' * len(f.types))})", f.types)
    if f.date_from or f.date_to:
        add("e.date IS NOT NULL AND e.date NOT LIKE 'X%'")
    if f.date_from:
        add("e.date >= substr(?, 1, length(e.date))", [f.date_from])
    if f.date_to:
        add("e.date <= substr(?, 1, length(e.date))", [f.date_to])
    if f.story:
        add("e.story = ?", [f.story])
    if f.doc:
        add("EXISTS (SELECT 1 FROM reports r WHERE r.event = e.id AND r.doc = ?)", [f.doc])
    if f.q:
        pat = _like(f.q)
        add("(e.trigger LIKE ? ESCAPE '\\'"
            " OR EXISTS (SELECT 1 FROM json_each(e.actor) j WHERE json_extract(j.value, '$.name') LIKE ? ESCAPE '\\')"
            " OR EXISTS (SELECT 1 FROM json_each(e.recipient) j WHERE json_extract(j.value, '$.name') LIKE ? ESCAPE '\\')"
            " OR EXISTS (SELECT 1 FROM reports r WHERE r.event = e.id AND r.outlet LIKE ? ESCAPE '\\')"
            " OR EXISTS (SELECT 1 FROM reports r, json_each(r.evidence) s WHERE r.event = e.id"
            "            AND json_extract(s.value, '$.text') LIKE ? ESCAPE '\\'))", [pat] * 5)
    return " AND ".join(parts) or "1=1", args


def _order(sort: str) -> str:
    key = sort.lstrip("-")
    if key not in _SORT_COLUMN:
        raise ValueError(f"unknown sort {sort!r}; choose one of {', '.join(EVENT_SORTS)} (prefix - for descending)")
    col, desc = _SORT_COLUMN[key], " DESC" if sort.startswith("-") else ""
    unknown = "(e.date IS NULL OR e.date LIKE 'X%')" if key == "date" else f"{col} IS NULL"
    return f"{unknown}, {col}{desc}, e.id{desc}"


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
                                        "relay": json.loads(r["relay"] or "[]")})
    if documents:
        docs = {d["doc"]: d for d in _document_rows(store, sorted({x["doc"] for rs in reports.values() for x in rs}))}
        for rs in reports.values():
            for x in rs:
                x["document"] = docs.get(x["doc"])
    return [{"id": r["id"], "event": r["event"], "mode": r["mode"], "actor": json.loads(r["actor"]),
             "recipient": json.loads(r["recipient"]), "date": r["date"], "date_precision": r["date_precision"],
             "aux": json.loads(r["aux"]), "confidence": r["confidence"], "score": r["score"], "story": r["story"],
             "trigger": r["trigger"], "reports": reports[r["id"]]} for r in rows]


def count_events(store: Store, f: EventFilter) -> int:
    where, args = _event_where(store, f)
    return _conn(store).execute(f"SELECT count(*) FROM events e WHERE {where}", args).fetchone()[0]


def find_events(store: Store, f: EventFilter, sort: str = "date", limit: int | None = 50, offset: int = 0) -> list[dict]:
    """One page of events matching ``f``, each with every report. ``sort`` is one of
    EVENT_SORTS, ``-`` first for descending; undated events always come last."""
    where, args = _event_where(store, f)
    page = " LIMIT ? OFFSET ?" if limit is not None else ""
    rows = _conn(store).execute(f"SELECT e.* FROM events e WHERE {where} ORDER BY {_order(sort)}{page}",
                                [*args, *((limit, offset) if limit is not None else ())]).fetchall()
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
             "language": r["language"], "url": r["url"], "story": r["story"], "text": r["text"]}
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
        "SELECT story, count(*) n, min(CASE WHEN date NOT LIKE 'X%' THEN date END) first,"
        f" max(CASE WHEN date NOT LIKE 'X%' THEN date END) last FROM events WHERE story IN ({marks}) GROUP BY story",
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


def countries(store: Store) -> list[dict]:
    """Countries that take part in events, with a name where the actor file has one."""
    names = {r["country"]: r["name"] for r in store.db.execute(
        "SELECT name, country FROM actors WHERE kind = 'state' AND country IS NOT NULL ORDER BY inferred DESC, name DESC")}
    rows = store.db.execute(
        "SELECT c, count(DISTINCT id) n FROM ("
        " SELECT e.id, json_extract(j.value, '$.country') c FROM events e, json_each(e.actor) j"
        " UNION ALL SELECT e.id, json_extract(j.value, '$.country') c FROM events e, json_each(e.recipient) j)"
        " WHERE c IS NOT NULL GROUP BY c ORDER BY n DESC, c").fetchall()
    return [{"code": r["c"], "name": names.get(r["c"]), "events": r["n"]} for r in rows]


def actor_list(store: Store) -> list[dict]:
    """The resolved actors (as ``actors`` yields them) with how many events each is party to."""
    counts: dict[str, int] = defaultdict(int)
    for r in store.db.execute(
            "SELECT name, count(DISTINCT id) n FROM ("
            " SELECT e.id, json_extract(j.value, '$.name') name FROM events e, json_each(e.actor) j"
            " UNION ALL SELECT e.id, json_extract(j.value, '$.name') name FROM events e, json_each(e.recipient) j)"
            " WHERE name IS NOT NULL GROUP BY name"):
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
    and for each direction. Events are placed by the date they happened; those whose
    date is unknown or coarser than the interval are counted in ``undated``, never
    placed at their publication date."""
    if interval not in INTERVALS:
        raise ValueError(f"unknown interval {interval!r}; choose one of {', '.join(INTERVALS)}")
    f = replace(f or EventFilter(), dyad=(a, b))
    where, args = _event_where(store, f)
    a_act, a_args = _side(store, "actor", a)
    b_rec, b_args = _side(store, "recipient", b)
    rows = _conn(store).execute(f"SELECT e.event, e.date, e.score, ({a_act} AND {b_rec}) AS forward"
                                f" FROM events e WHERE {where}", [*a_args, *b_args, *args]).fetchall()
    buckets: dict[str, dict] = {}
    undated = 0
    for r in rows:
        period = _period(r["date"], interval)
        if period is None:
            undated += 1
            continue
        bk = buckets.setdefault(period[0], {"end": period[1], "counts": defaultdict(int), "all": [], "fwd": [], "back": [],
                                            "n_fwd": 0, "n_back": 0})
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
            })
            start = _next_period(start, interval)
    return {"a": a, "b": b, "interval": interval, "total": len(rows), "undated": undated,
            "types": [t for t in EVENT_TYPES if any(t in s["counts"] for s in series)], "series": series}


def network(store: Store, f: EventFilter | None = None, level: str = "actor", limit: int = 60) -> dict:
    """Who acts on whom: actors (or countries, ``level="country"``) as nodes and the events
    between them as edges, with each edge's count and mean score. Keeps the ``limit``
    busiest nodes so the graph stays readable."""
    if level not in ("actor", "country"):
        raise ValueError(f"unknown level {level!r}; choose actor or country")
    where, args = _event_where(store, f or EventFilter())
    key = "name" if level == "actor" else "country"
    names = {c["code"]: c["name"] for c in countries(store) if c["name"]} if level == "country" else {}
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    for r in _conn(store).execute(f"SELECT e.event, e.score, e.actor, e.recipient FROM events e WHERE {where}", args):
        acts = [x for x in json.loads(r["actor"]) if x.get(key)]
        recs = [x for x in json.loads(r["recipient"]) if x.get(key)]
        for k, x in {x[key]: x for x in acts + recs}.items():
            n = nodes.setdefault(k, {"id": k, "name": names.get(k, k), "country": x.get("country"), "events": 0})
            n["events"] += 1
        for s in {x[key] for x in acts}:
            for t in {x[key] for x in recs}:
                if s == t:
                    continue
                ed = edges.setdefault((s, t), {"source": s, "target": t, "n": 0, "scores": [], "counts": defaultdict(int)})
                ed["n"] += 1
                ed["counts"][r["event"]] += 1
                if r["score"] is not None:
                    ed["scores"].append(r["score"])
    keep = {n["id"] for n in sorted(nodes.values(), key=lambda n: (-n["events"], n["id"]))[:limit]}
    out_edges = [{"source": e["source"], "target": e["target"], "n": e["n"], "mean_score": _mean(e["scores"]),
                  "counts": dict(sorted(e["counts"].items()))}
                 for e in edges.values() if e["source"] in keep and e["target"] in keep]
    return {"level": level, "nodes": sorted((nodes[k] for k in keep), key=lambda n: (-n["events"], n["id"])),
            "edges": sorted(out_edges, key=lambda e: (-e["n"], e["source"], e["target"]))}
