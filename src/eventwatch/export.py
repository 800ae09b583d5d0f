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
    "events": ["id", "event", "mode", "actor", "recipient", "date", "date_precision", "aux", "reported_by", "confidence", "score",
               "story", "trigger", "sources", "merged_on", "reports"],
    "quotes": ["doc", "start", "end", "text", "speaker", "speaker_from", "direct", "cue", "relay", "claim"],
    "documents": ["doc", "title", "outlet", "published", "published_from", "language", "text", "story", "url", "source"],
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
