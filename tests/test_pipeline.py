"""The whole path on the sample corpus: quality floors, idempotence, bad input, exports."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from eventwatch import export, pipeline
from eventwatch.settings import Options
from eventwatch.store import SCHEMA_VERSION, Store, StoreError

from conftest import GOLD, SAMPLE, SAMPLE_ACTORS, read_jsonl

# Quality floors, a little below the figures measured on the sample gold (see README).
FLOOR_F1 = 0.90
FLOOR_SPEAKERS = 0.85


def test_contract_files_and_fields(sample_run):
    for table in ("events", "quotes", "documents", "actors"):
        assert (sample_run.out / f"{table}.jsonl").exists()
    for e in sample_run.rows("events"):
        assert {"id", "event", "mode", "actor", "recipient", "date", "date_precision", "aux", "confidence", "reports"} <= e.keys()
        assert e["date_precision"] in ("day", "month", "year", "none")
        assert isinstance(e["actor"], list) and isinstance(e["recipient"], list) and 0 <= e["confidence"] <= 1
        for r in e["reports"]:
            doc = next(d for d in sample_run.rows("documents") if d["doc"] == r["doc"])
            for ev in r["evidence"]:
                assert doc["text"][ev["start"]:ev["end"]] == ev["text"]  # offsets point into the cleaned text
    docs = sample_run.rows("documents")
    assert sorted(d["doc"] for d in docs) == sorted(p.name for p in SAMPLE.glob("*.txt"))
    assert all(d["language"] == "en" and d["story"] for d in docs)


def test_sample_gold_quality(sample_run, scorer):
    gold = scorer.load(GOLD / "events.jsonl")
    ev = scorer.score_events(gold, scorer.predicted_tuples(sample_run.rows("events")))
    assert ev["f1"] >= FLOOR_F1, ev
    assert ev["invented_dates"] == 0 and ev["dates"].get("wrong", 0) == 0, ev
    assert ev["sector_accuracy"] >= 0.9
    q = scorer.score_quotes(scorer.load(GOLD / "quotes.jsonl"), sample_run.rows("quotes"), scorer.load(GOLD / "actors.jsonl"))
    assert q["found"] == q["gold"] and q["speaker_accuracy"] >= FLOOR_SPEAKERS, q
    b = scorer.score_boilerplate(scorer.load(GOLD / "boilerplate.jsonl"), sample_run.rows("events"),
                                 sample_run.rows("quotes"), sample_run.rows("documents"))
    assert b["leaks"] == []


def _dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_second_run_adds_nothing(tmp_path):
    opts = Options(db=tmp_path / "s.db", actor_files=(str(SAMPLE_ACTORS),), workers=1)
    first = pipeline.run([SAMPLE], opts)
    before = _dump(opts.db)
    second = pipeline.run([SAMPLE], Options(db=tmp_path / "s.db", workers=1))
    assert len(first.processed) == 5 and first.events > 0
    assert second.processed == [] and sorted(second.skipped) == sorted(first.processed)
    assert _dump(opts.db) == before


def test_two_workers_give_the_same_events(tmp_path, sample_run):
    opts = Options(db=tmp_path / "p.db", actor_files=(str(SAMPLE_ACTORS),), workers=2, batch_size=2)
    result = pipeline.run([SAMPLE], opts)
    with Store(opts.db) as store:
        export.export(store, tmp_path / "out", "jsonl", result.doc_ids)
    ids = lambda rows: sorted((e["id"], e["event"]) for e in rows)  # noqa: E731
    assert ids(read_jsonl(tmp_path / "out" / "events.jsonl")) == ids(sample_run.rows("events"))


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=600)


def test_bad_inputs_are_named_and_the_rest_is_complete(tmp_path, sample_run):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 50)
    (corpus / "latin1.txt").write_bytes("Lithuania’s minister said the border stays closed.".encode("cp1252"))
    with open(corpus / "huge.txt", "wb") as f:
        f.write(b"Lithuania and Belarus. " * (50 * 1024 * 1024 // 23 + 1))
    (corpus / "de.txt").write_text(
        "Die litauische Regierung hat die Grenze zu Belarus geschlossen, und der Minister sagte, dass es keine "
        "Verhandlungen mit der Regierung in Minsk geben wird, die für die Lage an der Grenze verantwortlich ist.", encoding="utf-8")
    (corpus / "feed.jsonl").write_text('{"id": "ok-1", "text": "Poland closed a border crossing with Belarus on Monday, the interior ministry said."}\n{"id": "broken", "text": \n', encoding="utf-8")
    db, out = tmp_path / "bad.db", tmp_path / "out"
    proc = _cli("run", str(corpus), "--out", str(out), "--db", str(db), "--actors", str(SAMPLE_ACTORS), "--quiet")
    assert proc.returncode == 1, proc.stderr
    err = " ".join(proc.stderr.split())
    for name, reason in [("empty.txt", "empty document"), ("scan.txt", "binary file"), ("latin1.txt", "not valid UTF-8"),
                         ("huge.txt", "too large"), ("de.txt", "not English"), ("feed.jsonl:2", "not valid JSON")]:
        assert f"rejected {name}" in err and reason in err, (name, proc.stderr)
    docs = {d["doc"] for d in read_jsonl(out / "documents.jsonl")}
    assert docs == {p.name for p in SAMPLE.glob("*.txt")} | {"ok-1"}
    sample_ids = {e["id"] for e in sample_run.rows("events")}
    got = {e["id"] for e in read_jsonl(out / "events.jsonl") if all(r["doc"] != "ok-1" for r in e["reports"])}
    assert got == sample_ids  # every good document's events are there


def test_cli_summary_and_exit_codes(tmp_path):
    db, out = tmp_path / "c.db", tmp_path / "out"
    proc = _cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--out", str(out), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "documents processed" in proc.stdout and str(db) in proc.stdout and "events.jsonl" in proc.stdout
    again = _cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--out", str(out), "--db", str(db), "--quiet")
    assert again.returncode == 0 and again.stdout == ""
    assert _cli("run", "--out", str(out)).returncode == 2  # usage error: no input
    assert _cli("export", "--out", str(out), "--db", str(tmp_path / "none.db")).returncode == 2
    bad = _cli("export", "--out", str(out), "--db", str(db), "--format", "xml")
    assert bad.returncode == 2 and "unknown format" in bad.stderr


def test_exports_round_trip(sample_run, tmp_path):
    with Store(sample_run.db) as store:
        for fmt in ("csv", "parquet", "jsonl"):
            export.export(store, tmp_path / fmt, fmt)
    n = len(sample_run.rows("events"))
    with open(tmp_path / "csv" / "events.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n and json.loads(rows[0]["actor"])
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "parquet" / "events.parquet")
    assert table.num_rows == n and "event" in table.column_names
    assert len(read_jsonl(tmp_path / "jsonl" / "documents.jsonl")) == 5


def test_store_refuses_foreign_and_newer_files(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not an eventwatch store"):
        Store(junk)
    db = tmp_path / "new.db"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this eventwatch"):
        Store(db)


def test_a_remembered_actor_file_that_is_gone_is_a_warning(tmp_path):
    actors = tmp_path / "people.toml"
    shutil.copy(SAMPLE_ACTORS, actors)
    db = tmp_path / "w.db"
    pipeline.run([SAMPLE / "004_2cb5b01ce5caf802.txt"], Options(db=db, actor_files=(str(actors),), workers=1))
    actors.unlink()
    result = pipeline.run([SAMPLE / "003_f674e547d65f028a.txt"], Options(db=db, workers=1))
    assert result.processed == ["003_f674e547d65f028a.txt"]
    assert any("people.toml" in w and "is gone" in w for w in result.warnings)


def test_a_bug_in_a_stage_costs_one_document_not_the_run(tmp_path, monkeypatch):
    from eventwatch import timex

    real = timex.tag

    def fails_on_ignalina(text, dct):
        if "Ignalina" in text:
            raise KeyError("boom")
        return real(text, dct)

    monkeypatch.setattr(timex, "tag", fails_on_ignalina)  # fault injection: a stage that raises
    result = pipeline.run([SAMPLE], Options(db=tmp_path / "b.db", workers=1))
    assert [r.id for r in result.rejected] == ["000_d8bafd3688d7390b.txt"]
    assert "internal error (KeyError" in result.rejected[0].reason and "test_pipeline.py" in result.rejected[0].reason
    assert len(result.processed) == 4


def test_timex_command_reads_stdin_and_refuses_a_bad_date():
    ok = subprocess.run([sys.executable, "-m", "eventwatch.cli", "timex", "--dct", "2025-11-27"], input="He left on Tuesday.",
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == [{"start": 11, "end": 18, "text": "Tuesday", "type": "DATE", "value": "2025-11-25"}]
    bad = subprocess.run([sys.executable, "-m", "eventwatch.cli", "timex", "--dct", "2025-13-45"], input="He left yesterday.",
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--dct '2025-13-45' is not a day" in bad.stderr


def test_an_unusable_publication_date_is_a_warning_naming_the_document(tmp_path):
    src = tmp_path / "feed.jsonl"
    src.write_text(json.dumps({"id": "a", "published": "2025-13-45",
                               "text": "Lithuania closed its border with Belarus yesterday, the minister said."}) + "\n", "utf-8")
    run = _cli("run", str(src), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "s.db"))
    assert run.returncode == 0, run.stderr
    assert "feed.jsonl:1: publication date '2025-13-45' is not a date" in " ".join(run.stderr.split())
    doc = json.loads((tmp_path / "out" / "documents.jsonl").read_text("utf-8"))
    assert doc["published"] is None
