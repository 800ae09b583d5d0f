"""`run --dask local`: the per-document stages on a real dask.distributed LocalCluster give
exactly a plain run's records, and `--parquet` writes a dataset partitioned by month that
reads back as the same events."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SAMPLE, SAMPLE_ACTORS, read_jsonl

pytest.importorskip("distributed", reason="the 'dask' extra is not installed")

TABLES = ("events", "quotes", "documents", "actors", "claims")


def test_dask_local_gives_the_plain_runs_records(sample_run, tmp_path):
    out, dataset = tmp_path / "out", tmp_path / "dataset"
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", "run", str(SAMPLE), "--actors", str(SAMPLE_ACTORS),
                           "--db", str(tmp_path / "s.db"), "--out", str(out), "--dask", "local", "--workers", "2",
                           "--batch-size", "1", "--dask-min-docs", "0", "--parquet", str(dataset), "--quiet"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    for table in TABLES:  # field for field, in the same order
        assert read_jsonl(out / f"{table}.jsonl") == sample_run.rows(table), table

    import pyarrow.dataset as ds

    events = ds.dataset(dataset / "events", format="parquet", partitioning="hive").to_table().to_pylist()
    assert sorted(e["id"] for e in events) == sorted(e["id"] for e in sample_run.rows("events"))
    plain = {e["id"]: e for e in sample_run.rows("events")}
    for e in events:
        assert json.loads(e["reports"]) == plain[e["id"]]["reports"] and e["score"] == plain[e["id"]]["score"]
        assert e["month"] == (e["date"][:7] if e["date"] and e["date"][:4].isdigit() and len(e["date"]) >= 7 else e["month"])
    months = {p.name for p in (dataset / "events").iterdir()}
    assert months and all(m.startswith("month=") for m in months)
    docs = ds.dataset(dataset / "documents", format="parquet", partitioning="hive").to_table().to_pylist()
    assert sorted(d["doc"] for d in docs) == sorted(d["doc"] for d in sample_run.rows("documents"))
    assert all(d["month"] == (d["published"][:7] if d["published"] and d["published"][:4].isdigit() else "undated")
               for d in docs)


def test_a_small_run_is_read_locally_and_says_so(sample_run, tmp_path):
    """Five documents do not pay for a LocalCluster's start: local processes read them,
    with one note, and the records are the plain run's."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", "run", str(SAMPLE), "--actors", str(SAMPLE_ACTORS),
                           "--db", str(tmp_path / "s.db"), "--out", str(out), "--dask", "local", "--workers", "2"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "5 new document(s), fewer than 256" in notes[0], proc.stderr
    assert read_jsonl(out / "events.jsonl") == sample_run.rows("events")


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", "run", str(SAMPLE), "--db", str(tmp_path / "s.db"),
                           "--out", str(tmp_path / "out"), "--dask", f"tcp://127.0.0.1:{port}", "--quiet"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 2 and "cannot reach the dask scheduler" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
