"""Export: the contract's JSON Lines files, and CSV and Parquet for analysts' tools."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterable

from . import query
from .store import Store

TABLES = ("events", "quotes", "documents", "actors", "claims")
# The columns of each table's records (query.py), so an empty CSV has the same header as a full one.
COLUMNS = {
    "events": ["id", "event", "mode", "actor", "recipient", "date", "date_precision", "aux", "confidence", "score",
               "story", "trigger", "sources", "merged_on", "reports"],
    "quotes": ["doc", "start", "end", "text", "speaker", "speaker_from", "direct", "cue", "relay", "claim"],
    "documents": ["doc", "title", "outlet", "published", "language", "text", "story", "url", "source"],
    "actors": ["name", "country", "sector", "role", "kind", "aliases", "mentions", "inferred"],
    "claims": ["id", "doc", "start", "end", "text", "claimant", "target", "matter", "links"],
}
FORMATS = ("jsonl", "csv", "parquet")


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


def write_jsonl(rows: Iterable[dict], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def write_csv(rows: list[dict], path: Path, columns: list[str] | None = None) -> int:
    fields = list(dict.fromkeys([*(columns or []), *(k for r in rows for k in r)]))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: csv_cell(v) for k, v in r.items()})
    return len(rows)


def write_parquet(rows: list[dict], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = list(dict.fromkeys(k for r in rows for k in r))
    cols = {k: [_flat(r.get(k)) if isinstance(r.get(k), (list, dict)) else r.get(k) for r in rows] for k in fields}
    pq.write_table(pa.table(cols) if rows else pa.table({}), path)
    return len(rows)


def export(store: Store, out: Path, fmt: str = "jsonl", doc_ids: list[str] | None = None,
           tables: Iterable[str] = TABLES) -> dict[str, Path]:
    """Write each table to ``out/<table>.<fmt>``; return the paths written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    writer = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}[fmt]
    written = {}
    for table in tables:
        path = out / f"{table}.{fmt}"
        rows = _rows(store, table, doc_ids)
        if fmt == "csv":
            write_csv(rows, path, COLUMNS.get(table))
        else:
            writer(rows, path)
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
