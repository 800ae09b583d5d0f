"""Exports an analyst loads in one line: the flat CSV (pandas, one row per event, never
JSON in a cell), PLOVER JSON records, Parquet with nested types, the export filters
(which must answer what the API answers), and the CLI's conventions around them."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api_fixtures import api  # noqa: F401
from conftest import read_jsonl


@pytest.fixture(scope="module")
def store_backend() -> str:
    """Exports and the API go through the same query layer, whose tests cover both stores."""
    return "sqlite"

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
TIMEX = re.compile(r"^(\d{4}|XXXX)(-\d{2}(-\d{2})?)?$")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=600)


def export(db: Path, out: Path, fmt: str, *filters: str) -> subprocess.CompletedProcess:
    proc = cli("export", "--db", str(db), "--out", str(out), "--format", fmt, *filters)
    assert proc.returncode == 0, proc.stderr
    return proc


def looks_like_json(cell) -> bool:
    if not isinstance(cell, str) or not cell.strip()[:1] in ("[", "{"):
        return False
    try:
        return isinstance(json.loads(cell), (list, dict))
    except ValueError:
        return False


def test_flat_csv_loads_in_pandas_one_row_per_event_no_json_in_cells(sample_run, tmp_path):
    import pandas as pd

    export(sample_run.db, tmp_path, "flat")
    frame = pd.read_csv(tmp_path / "events.csv")
    events = sample_run.rows("events")
    assert len(frame) == len(events) > 5
    assert list(frame["event_id"]) == [e["id"] for e in events]
    assert frame["event_id"].is_unique
    cells = [v for col in frame.columns for v in frame[col]]
    assert not [c for c in cells if looks_like_json(c)]
    by_id = {e["id"]: e for e in events}
    published = {d["doc"]: d["published"] for d in sample_run.rows("documents")}
    for row in frame.to_dict("records"):
        ev = by_id[row["event_id"]]
        assert row["event_type"] == ev["event"] and row["actor1"] == ev["actor"][0]["name"]
        assert row["actor1_country"] == ev["actor"][0]["country"]
        assert row["n_reports"] == len(ev["reports"]) and row["n_actors"] == len(ev["actor"])
        assert row["negation"] == int("negation" in ev["aux"])
        assert row["evidence"] in " … ".join(s["text"] for r in ev["reports"] for s in r["evidence"])
        dates = sorted(published[r["doc"]] for r in ev["reports"] if published[r["doc"]])
        assert (row["reported_by"] if isinstance(row["reported_by"], str) else None) == (dates[0] if dates else None)
    # Numbers stay numbers (a negative score is not defused into text).
    assert frame["score"].dtype.kind == "f" and (frame["score"] < 0).any()


def test_plover_records_carry_the_specification_fields(sample_run, tmp_path):
    export(sample_run.db, tmp_path, "plover")
    records = read_jsonl(tmp_path / "events.plover.jsonl")
    assert len(records) == len(sample_run.rows("events"))
    for r in records:
        assert {"id", "date", "event", "mode", "context", "actor", "recipient", "source_text"} <= r.keys()
        assert r["event"] in PLOVER_TYPES
        assert r["date"] is None or TIMEX.match(r["date"])
        assert isinstance(r["mode"], str) and isinstance(r["context"], list)
        assert r["actor"] and all({"name", "country", "sector"} <= a.keys() for a in r["actor"])
        assert isinstance(r["recipient"], list)
        assert r["source_text"] and r["source"]["doc"]


def test_parquet_has_real_nested_types(sample_run, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    export(sample_run.db, tmp_path, "parquet")
    table = pq.read_table(tmp_path / "events.parquet")
    schema = table.schema
    assert pa.types.is_list(schema.field("actor").type)
    assert pa.types.is_struct(schema.field("actor").type.value_type)
    report = schema.field("reports").type.value_type
    assert pa.types.is_struct(report) and pa.types.is_list(report.field("evidence").type)
    assert pa.types.is_list(schema.field("aux").type)
    # The nested values are the events themselves, not JSON strings of them.
    assert table.to_pylist() == sample_run.rows("events")
    quotes = pq.read_table(tmp_path / "quotes.parquet").schema
    assert pa.types.is_struct(quotes.field("speaker").type)
    for name in ("documents", "actors", "claims"):
        for field in pq.read_table(tmp_path / f"{name}.parquet").schema:
            assert not pa.types.is_null(field.type), (name, field)


FILTERS = [
    {"country": "LTU"},
    {"recipient": "BLR", "type": "REJECT,REQUEST"},
    {"from": "2025-11", "to": "2025-11-30"},
    {"actor": "Lukashenko"},
    {"country": "BLR", "from": "2025"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items()))
def test_a_filtered_export_is_what_the_api_answers(api, tmp_path, filters):  # noqa: F811
    from urllib.parse import urlencode

    args = [x for k, v in filters.items() for x in (f"--{k}", v)]
    export(api.db, tmp_path / "flat", "flat", *args)
    export(api.db, tmp_path / "jsonl", "jsonl", *args)
    wanted = urlencode(filters)
    reply = api.get("/api/events.csv?" + wanted)
    assert reply.status == 200
    assert (tmp_path / "flat" / "events.csv").read_bytes() == reply.body
    answer = api.json(f"/api/events?limit=1000&{wanted}")
    exported = read_jsonl(tmp_path / "jsonl" / "events.jsonl")
    assert exported == answer["items"] and len(exported) == answer["total"]
    everything = api.json("/api/events?limit=1")["total"]
    assert len(exported) < everything  # each filter narrows the sample
    # The other tables keep what the matching events' documents hold.
    docs = {r["doc"] for e in exported for r in e["reports"]}
    assert {d["doc"] for d in read_jsonl(tmp_path / "jsonl" / "documents.jsonl")} == docs


def test_story_filter_and_bad_filters(sample_run, tmp_path):
    story = sample_run.rows("events")[0]["story"]
    export(sample_run.db, tmp_path / "s", "jsonl", "--story", story)
    rows = read_jsonl(tmp_path / "s" / "events.jsonl")
    assert rows and {r["story"] for r in rows} == {story}
    for bad, says in ((["--type", "FIGHT"], "unknown event type FIGHT"), (["--from", "2025-13-01"], "not a calendar date"),
                      (["--to", "yesterday"], "not a calendar date"), (["--country", "Lithuania"], "three-letter")):
        proc = cli("export", "--db", str(sample_run.db), "--out", str(tmp_path / "bad"), *bad)
        assert proc.returncode == 2 and says in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "bad").exists()


def test_version_json_lines_and_tables_for_a_pipe(sample_run):
    from eventwatch import __version__

    proc = cli("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"eventwatch {__version__}"
    for command in (["actors"], ["stories"]):
        js = cli(*command, "--db", str(sample_run.db), "--json")
        assert js.returncode == 0, js.stderr
        lines = js.stdout.splitlines()
        assert lines and all(isinstance(json.loads(line), dict) for line in lines)
        plain = cli(*command, "--db", str(sample_run.db))  # stdout is a pipe here
        rows = [line.split("\t") for line in plain.stdout.splitlines()]
        assert len(rows) == len(lines) + 1 and len({len(r) for r in rows}) == 1
        assert not any("│" in line or "┃" in line for line in plain.stdout.splitlines())
