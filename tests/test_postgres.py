"""The PostgreSQL store, on a throwaway cluster these tests start themselves: the same
records as the SQLite store, the same migrations, and writers that run at once without
losing or doubling a document. (The API tests also run against it: test_api.py.)"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from eventwatch import pipeline, query
from eventwatch.settings import Options
from eventwatch.store import SCHEMA_VERSION, Store, StoreError

from api_fixtures import TOKEN, serving
from conftest import ROOT, SAMPLE, SAMPLE_ACTORS, read_jsonl
from synthetic import write_corpus

TABLES = ("events", "quotes", "documents", "actors", "claims")
COUNTED = ("documents", "mentions", "coded", "doc_keys", "links", "claims", "claim_keys", "claim_links", "events",
           "reports", "quotes", "actors", "actor_files", "rejected")


def counts(db) -> dict[str, int]:
    with Store(db, create=False) as store:
        return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)


def test_sample_gives_the_sqlite_runs_records(sample_run, pg_sample_run):
    """Field for field and in the same order: every contract file of the sample run."""
    for table in TABLES:
        assert pg_sample_run.rows(table) == sample_run.rows(table), table
    assert len(pg_sample_run.rows("documents")) == 5 and pg_sample_run.rows("events")


def test_query_layer_reads_the_same_from_both(sample_run, pg_sample_run, pg_cluster):
    url = pg_cluster.create_database("query_same", template="sample")
    with Store(sample_run.db, create=False) as a, Store(url, create=False) as b:
        for f in (query.EventFilter(), query.EventFilter(country="LTU"), query.EventFilter(dyad=("LTU", "BLR")),
                  query.EventFilter(q="border", date_from="2025-11", date_to="2025-11-30"),
                  query.EventFilter(actor="lukashenko"), query.EventFilter(types=("REJECT", "REQUEST"))):
            for sort in ("date", "-score", "type"):
                assert query.find_events(a, f, sort, limit=None) == query.find_events(b, f, sort, limit=None), (f, sort)
            assert query.count_events(a, f) == query.count_events(b, f)
        assert query.countries(a) == query.countries(b)
        assert query.actor_list(a) == query.actor_list(b)
        assert query.stories(a) == query.stories(b)
        assert query.network(a, level="country") == query.network(b, level="country")
        assert query.dyad_series(a, "LTU", "BLR", "week") == query.dyad_series(b, "LTU", "BLR", "week")
        assert [query.document(a, d["doc"]) for d in list(query.documents(a))] == \
            [query.document(b, d["doc"]) for d in list(query.documents(b))]


def test_a_second_run_adds_nothing(pg_sample_run, pg_cluster, tmp_path):
    url = pg_cluster.create_database("second_run", template="sample")
    before = counts(url)
    proc = cli("run", str(SAMPLE), "--actors", str(SAMPLE_ACTORS), "--db", url, "--out", str(tmp_path / "out"), "-j", "1")
    assert proc.returncode == 0, proc.stderr
    summary = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in proc.stdout.splitlines() if line.count("│") == 3}
    assert summary["documents processed"] == "0" and summary["already stored (skipped)"] == "5", proc.stdout
    assert counts(url) == before
    assert read_jsonl(tmp_path / "out" / "events.jsonl") == pg_sample_run.rows("events")


def test_every_command_takes_the_url(pg_sample_run, pg_cluster, tmp_path, monkeypatch):
    url = pg_cluster.create_database("commands", template="sample")
    for args in (["actors", "--json"], ["stories", "--json"], ["export", "--out", str(tmp_path / "x"), "--format", "csv"]):
        proc = cli(*args, "--db", url)
        assert proc.returncode == 0, (args, proc.stderr)
    assert (tmp_path / "x" / "events.csv").read_text("utf-8").count("\n") > 1
    monkeypatch.setenv("EVENTWATCH_DB", url)  # the environment variable names a server store just as well
    proc = cli("export", "--out", str(tmp_path / "y"))
    assert proc.returncode == 0, proc.stderr
    assert read_jsonl(tmp_path / "y" / "events.jsonl") == pg_sample_run.rows("events")
    empty = pg_cluster.create_database("empty")
    proc = cli("actors", "--db", empty)  # only run creates a store
    assert proc.returncode == 2 and "no eventwatch store" in proc.stderr


def test_migrations_upgrade_an_older_store_and_refuse_a_newer(pg_cluster):
    url = pg_cluster.create_database("migrate")
    Store(url).close()
    with Store(url) as store, store.transaction():  # what a version-2 store looked like: no speaker_from
        store.db.execute("ALTER TABLE quotes DROP COLUMN speaker_from")
        store.db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        store.db.execute("INSERT INTO documents(id, content_hash, text, pipeline) VALUES ('d', 'h', 't', 'old')")
    with Store(url) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert store.db.execute("SELECT speaker_from FROM quotes").fetchall() == []
        assert store.db.execute("SELECT pipeline FROM documents WHERE id = 'd'").fetchone()[0] is None  # coded again
        store.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer than this eventwatch"):
        Store(url)


def test_a_watcher_and_the_api_write_at_once(pg_cluster, tmp_path):
    """A watcher-like run over a folder and API clients posting documents (half of them
    the same documents) into one store at once: every document stored once, none lost,
    and the store the same as one writer alone makes."""
    url = pg_cluster.create_database("concurrent")
    corpus = write_corpus(tmp_path / "corpus", 24)
    extra = write_corpus(tmp_path / "extra", 36, seed=99)
    posted = sorted(corpus.glob("*.txt"))[::2] + sorted(extra.glob("*.txt"))[24:]  # 12 shared with the watcher, 12 its own
    Store(url).close()
    errors: list = []
    with serving(url, TOKEN) as server:
        watcher = subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "run", str(corpus), "--db", url, "-j", "1",
                                    "--batch-size", "2", "--quiet", "--out", str(tmp_path / "out")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)

        def post(paths: list[Path]) -> None:
            for p in paths:
                reply = server.request("/api/documents", "POST", {"id": p.name, "text": p.read_text("utf-8")},
                                       {"Authorization": f"Bearer {TOKEN}"})
                if reply.status not in (200, 201):
                    errors.append((p.name, reply.status, reply.body[:300]))

        clients = [threading.Thread(target=post, args=(posted[i::2],)) for i in range(2)]
        for t in clients:
            t.start()
        for t in clients:
            t.join(600)
        _, stderr = watcher.communicate(timeout=600)
    assert watcher.returncode == 0, stderr
    assert not errors, errors
    expected = {p.name for p in corpus.glob("*.txt")} | {p.name for p in posted}
    with Store(url, create=False) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM documents")]
        assert sorted(ids) == sorted(expected)  # each once, none lost
        assert store.db.execute("SELECT count(DISTINCT content_hash) FROM documents").fetchone()[0] == len(expected)
        assert store.db.execute("SELECT count(*) FROM rejected").fetchone()[0] == 0
        coded = {r[0] for r in store.db.execute("SELECT DISTINCT doc FROM coded")}
        reported = {r[0] for r in store.db.execute("SELECT DISTINCT doc FROM reports")}
        assert coded == reported and len(coded) > len(expected) // 2  # every document's events were merged in
        dup = store.db.execute("SELECT event, doc, evidence, count(*) FROM reports GROUP BY event, doc, evidence"
                               " HAVING count(*) > 1").fetchall()
        assert dup == []
        together = per_document(store)
    # The same writers one after the other: each document is coded from its own bytes, so
    # what each holds must not depend on who else was writing.
    alone = pg_cluster.create_database("alone")
    pipeline.run([corpus], Options(db=alone, workers=1, batch_size=2))
    with serving(alone, TOKEN) as server:
        for p in posted:
            assert server.request("/api/documents", "POST", {"id": p.name, "text": p.read_text("utf-8")},
                                  {"Authorization": f"Bearer {TOKEN}"}).status in (200, 201)
    with Store(alone, create=False) as store:
        assert per_document(store) == together


def per_document(store: Store) -> dict:
    """Per document: its bytes' hash and how many mentions, quotes and coded events it holds."""
    out = {r[0]: [r[1]] for r in store.db.execute("SELECT id, content_hash FROM documents")}
    for table in ("mentions", "quotes", "coded"):
        n = dict(store.db.execute(f"SELECT doc, count(*) FROM {table} GROUP BY doc").fetchall())
        for doc in out:
            out[doc].append(n.get(doc, 0))
    return out
