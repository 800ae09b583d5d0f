"""Export: the contract's JSON Lines files, and the forms analysts load in one line: a flat
CSV (one value per cell, ACLED-like columns), PLOVER JSON records, and Parquet with real
nested types."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable

from . import query
from .query import EventFilter
from .store import Store

TABLES = ("events", "quotes", "documents", "actors", "claims")
# The columns of each table's records (query.py), so an empty CSV has the same header as a full one.
COLUMNS = {
    "events": ["id", "event", "mode", "actor", "recipient", "date", "date_precision", "aux", "reported_by", "confidence", "score",
               "story", "trigger", "sources", "merged_on", "reports"],
    "quotes": ["doc", "start", "end", "text", "speaker", "speaker_from", "direct", "cue", "relay", "claim"],
    "documents": ["doc", "title", "outlet", "published", "published_from", "language", "text", "story", "url", "source"],
    "actors": ["name", "country", "sector", "role", "kind", "aliases", "mentions", "inferred"],
    "claims": ["id", "doc", "start", "end", "text", "claimant", "target", "matter", "links"],
}
# jsonl/csv/parquet write every table; flat and plover are one file of events each.
FORMATS = ("jsonl", "csv", "flat", "plover", "parquet")
EVENT_ONLY = {"flat": "events.csv", "plover": "events.plover.jsonl"}
AUX_FLAGS = ("historical", "future", "hypothetical", "negation")

# The flat CSV: one row per event, one value per cell, in the spirit of ACLED's columns.
# Two actors and two recipients get columns of their own (n_actors/n_recipients say when
# there were more: PLOVER allows compound sides, a cell never holds a list).
FLAT_COLUMNS = [
    "event_id", "event_date", "date_precision", "reported_by", "event_type", "mode",
    *(f"{side}{i}{part}" for side in ("actor", "recipient") for i in (1, 2) for part in ("", "_country", "_sector")),
    "n_actors", "n_recipients", *AUX_FLAGS, "confidence", "score", "n_reports", "n_sources",
    "first_outlet", "source_url", "first_doc", "evidence", "story", "trigger",
]


def _rows(store: Store, table: str, doc_ids: list[str] | None) -> list[dict]:
    return list(getattr(query, table)(store, doc_ids))


def _flat(value):
    """CSV cells hold scalars: lists and objects become JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


# A spreadsheet runs a cell that starts with one of these as a formula ("=cmd|' /C calc'!A0").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """One CSV cell: lists and objects as JSON text, and text that a spreadsheet would run
    as a formula led by an apostrophe (OWASP's advice), so it is shown, never run."""
    value = _flat(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _first_report(ev: dict, meta: dict[str, dict]) -> dict | None:
    """The report published first (dated documents before undated ones, then by id)."""
    def key(r):
        pub = (meta.get(r["doc"]) or {}).get("published") or ""
        return (not pub or pub.startswith("X"), pub, r["doc"])
    return min(ev["reports"], key=key) if ev["reports"] else None


def _reported_by(ev: dict, meta: dict[str, dict]) -> str | None:
    if "reported_by" in ev:  # the store's own figure, where the event record carries it
        return ev["reported_by"]
    dates = [(meta.get(r["doc"]) or {}).get("published") for r in ev["reports"]]
    full = sorted(d for d in dates if d and not d.startswith("X"))
    return full[0] if full else min((d for d in dates if d), default=None)


def flat_event(ev: dict, meta: dict[str, dict]) -> dict:
    """One event as one flat row of scalars (FLAT_COLUMNS); ``meta`` is query.document_meta
    for its reports' documents."""
    first = _first_report(ev, meta)
    doc = (meta.get(first["doc"]) or {}) if first else {}
    row = {"event_id": ev["id"], "event_date": ev["date"], "date_precision": ev["date_precision"],
           "reported_by": _reported_by(ev, meta), "event_type": ev["event"], "mode": ev["mode"]}
    for side in ("actor", "recipient"):
        for i in (1, 2):
            ent = ev[side][i - 1] if len(ev[side]) >= i else {}
            row[f"{side}{i}"] = ent.get("name")
            row[f"{side}{i}_country"] = ent.get("country")
            row[f"{side}{i}_sector"] = ent.get("sector")
    row.update(n_actors=len(ev["actor"]), n_recipients=len(ev["recipient"]),
               **{flag: int(flag in ev["aux"]) for flag in AUX_FLAGS},
               confidence=ev["confidence"], score=ev["score"], n_reports=len(ev["reports"]),
               n_sources=ev.get("sources") or len({r["doc"] for r in ev["reports"]}),
               first_outlet=(first or {}).get("outlet") or doc.get("outlet"), source_url=doc.get("url"),
               first_doc=(first or {}).get("doc"),
               evidence=" … ".join(s["text"] for s in first["evidence"]) if first else None,
               story=ev.get("story"), trigger=ev.get("trigger"))
    return row


def flat_events(store: Store, events: list[dict]) -> list[dict]:
    meta = query.document_meta(store, (r["doc"] for ev in events for r in ev["reports"]))
    return [flat_event(ev, meta) for ev in events]


def plover_event(ev: dict, meta: dict[str, dict]) -> dict:
    """One event as a PLOVER JSON record: the specification's id, date, event, mode,
    context, actor and recipient, and the source text with where it was published.
    ``context`` is coded by nobody here yet: an empty list, never invented."""
    first = _first_report(ev, meta)
    doc = (meta.get(first["doc"]) or {}) if first else {}

    def side(ents):
        return [{"name": e.get("name"), "country": e.get("country"), "sector": e.get("sector"), "role": e.get("role")}
                for e in ents]
    return {"id": ev["id"], "date": ev["date"], "date_precision": ev["date_precision"],
            "event": ev["event"], "mode": ev["mode"] or "", "context": [],
            "actor": side(ev["actor"]), "recipient": side(ev["recipient"]),
            "aux": list(ev["aux"]), "confidence": ev["confidence"],
            "source_text": " … ".join(s["text"] for s in first["evidence"]) if first else None,
            "source": {"doc": (first or {}).get("doc"), "outlet": (first or {}).get("outlet") or doc.get("outlet"),
                       "url": doc.get("url"), "published": doc.get("published"),
                       "reports": len(ev["reports"]), "sources": ev.get("sources")}}


def plover_events(store: Store, events: list[dict]) -> list[dict]:
    meta = query.document_meta(store, (r["doc"] for ev in events for r in ev["reports"]))
    return [plover_event(ev, meta) for ev in events]


def write_jsonl(rows: Iterable[dict], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def csv_text(rows: list[dict], columns: list[str] | None = None) -> str:
    import io

    buf = io.StringIO()
    _write_csv(rows, buf, columns)
    return buf.getvalue()


def _write_csv(rows: list[dict], f, columns: list[str] | None) -> None:
    fields = list(dict.fromkeys([*(columns or []), *(k for r in rows for k in r)]))
    w = csv.DictWriter(f, fieldnames=fields)
    w.writeheader()
    for r in rows:
        w.writerow({k: csv_cell(v) for k, v in r.items()})


def write_csv(rows: list[dict], path: Path, columns: list[str] | None = None) -> int:
    with path.open("w", encoding="utf-8", newline="") as f:
        _write_csv(rows, f, columns)
    return len(rows)


def _arrow_types():
    import pyarrow as pa

    entity = pa.struct([("name", pa.string()), ("country", pa.string()), ("sector", pa.string()), ("role", pa.string())])
    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
    report = pa.struct([("doc", pa.string()), ("evidence", pa.list_(span)), ("speaker", entity),
                        ("outlet", pa.string()), ("relay", pa.list_(pa.string())), ("date", pa.string())])
    return entity, report


def _event_schema():
    """The events table's Parquet schema: sides as lists of entity structs, reports as a
    list of structs holding their evidence spans, so readers get real nested values."""
    import pyarrow as pa

    entity, report = _arrow_types()
    return pa.schema([("id", pa.string()), ("event", pa.string()), ("mode", pa.string()),
                      ("actor", pa.list_(entity)), ("recipient", pa.list_(entity)), ("date", pa.string()),
                      ("date_precision", pa.string()), ("aux", pa.list_(pa.string())), ("confidence", pa.float64()),
                      ("score", pa.float64()), ("story", pa.string()), ("trigger", pa.string()),
                      ("sources", pa.int64()), ("merged_on", pa.list_(pa.string())), ("reports", pa.list_(report))])


def write_parquet(rows: list[dict], path: Path, table: str | None = None) -> int:
    """Lists stay lists and objects structs (never JSON text). Events have a fixed schema;
    other tables take the one their values imply."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if table == "events":
        schema = _event_schema()
        extra = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in schema.names]
        if extra:  # fields added to the records later keep their own inferred types
            inferred = pa.Table.from_pylist([{k: r.get(k) for k in extra} for r in rows]).schema
            schema = pa.schema([*schema, *inferred])
        data = pa.Table.from_pylist(rows, schema=schema)
    elif rows:
        fields = list(dict.fromkeys(k for r in rows for k in r))
        data = pa.Table.from_pylist([{k: r.get(k) for k in fields} for r in rows])
        # A column that is empty in every row (no document has a URL) is text, not "null".
        data = data.cast(pa.schema([pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                                    for f in data.schema]))
    else:
        data = pa.table({c: pa.array([], pa.string()) for c in COLUMNS.get(table or "", [])})
    pq.write_table(data, path)
    return len(rows)


def filtered_events(store: Store, f: EventFilter) -> list[dict]:
    """Events matching ``f`` in the API's order (query.find_events, sorted by date, no page)."""
    return query.find_events(store, f, "date", None, 0)


def export(store: Store, out: Path, fmt: str = "jsonl", doc_ids: list[str] | None = None,
           tables: Iterable[str] = TABLES, where: EventFilter | None = None) -> dict[str, Path]:
    """Write each table to ``out/<table>.<fmt>`` (flat: ``events.csv``; plover:
    ``events.plover.jsonl``); return the paths written. ``where`` narrows the events as
    the API's filters do; the other tables then keep what the matching events' documents hold."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    events = None
    if where is not None:
        events = filtered_events(store, where)
        if doc_ids is not None:
            keep = set(doc_ids)
            events = [e for e in events if any(r["doc"] in keep for r in e["reports"])]
        doc_ids = sorted({r["doc"] for e in events for r in e["reports"]})
    if fmt in EVENT_ONLY:
        evs = events if events is not None else _rows(store, "events", doc_ids)
        path = out / EVENT_ONLY[fmt]
        if fmt == "flat":
            write_csv(flat_events(store, evs), path, FLAT_COLUMNS)
        else:
            write_jsonl(plover_events(store, evs), path)
        return {"events": path}
    written = {}
    for table in tables:
        path = out / f"{table}.{'jsonl' if fmt == 'jsonl' else fmt}"
        rows = events if table == "events" and events is not None else _rows(store, table, doc_ids)
        if fmt == "csv":
            write_csv(rows, path, COLUMNS.get(table))
        elif fmt == "parquet":
            write_parquet(rows, path, table)
        else:
            write_jsonl(rows, path)
        written[table] = path
    return written


# --- a Parquet dataset partitioned by month, for analysis in any engine -------------------
# Types of the columns that are not text (lists and objects are JSON text, as in CSV).
_NUMBERS = {"confidence": "float64", "score": "float64", "start": "int64", "end": "int64", "sources": "int64",
            "mentions": "int64"}
_FLAGS = {"direct", "claim", "inferred"}
DATASET_CHUNK = 20_000  # rows per file written: memory stays flat in the size of the store


def _month(value) -> str:
    """The partition of a date value: its YYYY-MM, or "undated" (unknown, year only, no year)."""
    return value[:7] if isinstance(value, str) and len(value) >= 7 and value[:4].isdigit() else "undated"


def _event_month(event: dict, published: dict) -> str:
    month = _month(event["date"])
    if month == "undated":
        month = _month(min((published.get(r["doc"]) or "~" for r in event["reports"]), default=None))
    return month


def write_parquet_dataset(store: Store, out: Path, doc_ids: list[str] | None = None) -> dict[str, Path]:
    """The contract's tables as a Parquet dataset under ``out``, hive-partitioned by month
    (``events/month=2025-11/…``): events by the month they happened or, where the text
    gives no year and month ("on Tuesday"), by the month their first report was published
    (a storage place only: the ``date`` column stays what the text supports); documents,
    quotes and claims by their document's publication month; actors, which have no date,
    in one file.
    Any engine that reads Parquet (DuckDB, Spark, pandas, Dask) reads it as it is."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    published = {d["doc"]: d["published"] for d in query.documents(store, doc_ids)}

    def schema(table: str, partitioned: bool) -> pa.Schema:
        fields = [pa.field(c, pa.bool_() if c in _FLAGS else pa.type_for_alias(_NUMBERS.get(c, "string")))
                  for c in COLUMNS[table]]
        return pa.schema(fields + ([pa.field("month", pa.string())] if partitioned else []))

    def batch(rows: list[dict], sch: pa.Schema) -> pa.Table:
        cols = {}
        for f in sch:
            vals = [r.get(f.name) for r in rows]
            cols[f.name] = [_flat(v) if isinstance(v, (list, dict)) else v for v in vals]
            if pa.types.is_string(f.type):
                cols[f.name] = [v if v is None or isinstance(v, str) else json.dumps(v) for v in cols[f.name]]
        return pa.table(cols, schema=sch)

    written: dict[str, Path] = {}
    for table in TABLES:
        target = out / table
        if target.exists():
            import shutil

            shutil.rmtree(target)
        if table == "actors":
            target.mkdir(parents=True)
            pq.write_table(batch(list(query.actors(store, doc_ids)), schema(table, False)), target / "part-0.parquet")
            written[table] = target
            continue
        sch = schema(table, True)
        key = (lambda r: _event_month(r, published)) if table == "events" else \
            (lambda r: _month(r["published"])) if table == "documents" else (lambda r: _month(published.get(r["doc"])))
        rows: list[dict] = []
        part = 0

        def flush() -> None:
            nonlocal rows, part
            if rows:
                ds.write_dataset(batch(rows, sch), target, format="parquet", partitioning=["month"],
                                 partitioning_flavor="hive", basename_template=f"part-{part}-{{i}}.parquet",
                                 existing_data_behavior="overwrite_or_ignore")
                part += 1
                rows = []

        for r in getattr(query, table)(store, doc_ids):
            rows.append({**r, "month": key(r)})
            if len(rows) >= DATASET_CHUNK:
                flush()
        flush()
        target.mkdir(parents=True, exist_ok=True)
        written[table] = target
    return written
