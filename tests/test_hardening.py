"""The faults a hostile tester found (issue 14), one test each, on real inputs: the real
pipeline, real SQLite stores, real subprocesses and a real HTTP server on loopback.
Each test is named after the behaviour it guards, with the issue's item number."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwatch import pipeline
from eventwatch.model import Analysis, RawDocument, Rejected
from eventwatch.settings import Options

from conftest import SAMPLE, SAMPLE_ACTORS, read_jsonl
from synthetic import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, timeout=timeout)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def reader():
    return pipeline.Reader(Options(workers=1))


# --- 1. a document longer than the parser's limit ---------------------------------------

def test_01_a_document_over_the_parser_limit_is_parsed_in_pieces(reader):
    """spaCy refuses texts over nlp.max_length (E088); that used to cost the whole batch.
    The limit is lowered here so the long document stays quick to read: the mechanism is
    the same at 1,000,000 characters."""
    body = (SAMPLE / "004_2cb5b01ce5caf802.txt").read_text("utf-8")
    long_text = "\n\n".join([body] * 4)
    short = (SAMPLE / "003_f674e547d65f028a.txt").read_bytes()
    saved, limit = reader.nlp.max_length, len(body) + 10
    reader.nlp.max_length = limit
    try:
        out = reader.analyse([RawDocument("long.txt", "long.txt", long_text.encode(), "text"),
                              RawDocument("short.txt", "short.txt", short, "text")])
    finally:
        reader.nlp.max_length = saved
    assert [type(a).__name__ for a in out] == ["Analysis", "Analysis"], out
    long_a = out[0]
    assert len(long_a.document.text) > 3 * limit
    assert long_a.events and long_a.mentions
    for e in long_a.events:  # offsets still point into the whole cleaned text
        for ev in e.reports[0].evidence:
            assert long_a.document.text[ev.start:ev.end] == ev.text
    assert max(m.start for m in long_a.mentions) > 3 * limit  # the last piece was read too


def test_01_pieces_join_back_and_respect_the_limit():
    from eventwatch.nlp import pieces

    text = "One.\n\nTwo words here.\nThree " + "x" * 50 + " four. Five"
    for limit in (3, 7, 12, 30, 1000):
        got = pieces(text, limit)
        assert "".join(got) == text and all(0 < len(p) <= limit for p in got)


# --- 2. workers die with the run -------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_02_workers_die_with_a_killed_run(tmp_path, sig):
    corpus = write_corpus(tmp_path / "corpus", 60)
    proc = subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "run", str(corpus), "--out", str(tmp_path / "out"),
                             "--db", str(tmp_path / "s.db"), "-j", "2", "--batch-size", "2", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before its workers could be seen"
            workers = [c for c in _children(proc.pid) if _alive(c)]
            time.sleep(0.1)
        assert len(workers) >= 2, "no worker processes appeared"
        time.sleep(3)  # let them load the model and take work
        proc.send_signal(sig)
        proc.wait(30)
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
    finally:
        if proc.poll() is None:
            proc.kill()
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert left == [], f"workers {left} outlived the run killed by {sig.name}"


# --- 3. two runs on one store -------------------------------------------------------------

def _check_store(db: Path) -> tuple[int, int]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (con.execute("SELECT count(*) FROM documents").fetchone()[0],
                con.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        con.close()


def test_03_two_runs_on_one_store_wait_for_each_other(tmp_path):
    """Each batch is one BEGIN IMMEDIATE transaction: a run that read "not stored yet"
    cannot have that changed under it by the other run before it writes (it used to fail
    with UNIQUE or FOREIGN KEY constraint errors)."""
    corpus = write_corpus(tmp_path / "corpus", 24)
    db = tmp_path / "shared.db"
    args = ["run", str(corpus), "--db", str(db), "-j", "1", "--batch-size", "1", "--quiet"]
    procs = [subprocess.Popen([sys.executable, "-m", "eventwatch.cli", *args, "--out", str(tmp_path / f"out{i}")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    results = [(p.wait(300), p.stderr.read()) for p in procs]
    assert [rc for rc, _ in results] == [0, 0], results
    alone = tmp_path / "alone.db"
    assert cli("run", str(corpus), "--db", str(alone), "-j", "1", "--quiet", "--out", str(tmp_path / "o3")).returncode == 0
    assert _check_store(db) == _check_store(alone)


def test_03_a_run_waits_for_another_writer_instead_of_failing(tmp_path):
    import sqlite3

    db = tmp_path / "busy.db"
    assert cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--db", str(db), "-j", "1", "-q",
               "--out", str(tmp_path / "o1")).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, busy for longer than sqlite's default 5 s
    proc = subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "run", str(SAMPLE / "003_f674e547d65f028a.txt"),
                             "--db", str(db), "-j", "1", "-q", "--out", str(tmp_path / "o2")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(8)
    holder.execute("COMMIT")
    holder.close()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert _check_store(db)[0] == 2


# --- 4. one id, two texts -----------------------------------------------------------------

def test_04_a_reused_id_with_another_text_is_refused_by_name(tmp_path):
    feed = tmp_path / "feed.jsonl"
    first = "Lithuania closed its border with Belarus on Monday, the interior ministry said."
    second = "Poland expelled a Belarusian diplomat on Tuesday, the foreign ministry said."
    feed.write_text("\n".join(json.dumps({"id": "a", "text": t}) for t in (first, second, first)) + "\n", "utf-8")
    run = cli("run", str(feed), "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "out"), "-j", "1")
    assert run.returncode == 1, run.stderr
    err = one_line(run.stderr)
    assert "rejected a (feed.jsonl:2): id 'a' is already used by feed.jsonl:1 for a different text" in err
    assert "feed.jsonl:3" not in err  # the same text again is no conflict
    docs = read_jsonl(tmp_path / "out" / "documents.jsonl")
    assert [(d["doc"], d["text"]) for d in docs] == [("a", first)]


# --- 5. symbolic links ----------------------------------------------------------------------

def test_05_symbolic_links_are_refused_unless_followed(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\nLithuania closed its border with Belarus.\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.txt").symlink_to(secret / "passwd.txt")
    (corpus / "inner").symlink_to(secret, target_is_directory=True)
    (corpus / "ok.txt").write_bytes((SAMPLE / "004_2cb5b01ce5caf802.txt").read_bytes())
    (tmp_path / "top.txt").symlink_to(secret / "passwd.txt")
    db = tmp_path / "s.db"
    run = cli("run", str(corpus), str(tmp_path / "top.txt"), "--db", str(db), "--out", str(tmp_path / "out"), "-j", "1")
    assert run.returncode == 1, run.stderr
    err = one_line(run.stderr)
    for name in ("x.txt", "inner", "top.txt"):
        assert f"rejected {name} (" in err and "is a symbolic link" in err and "--follow-links" in err, err
    assert [d["doc"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")] == ["ok.txt"]
    followed = cli("run", str(tmp_path / "top.txt"), "--follow-links", "--db", str(tmp_path / "f.db"),
                   "--out", str(tmp_path / "out2"), "-j", "1")
    assert followed.returncode == 0, followed.stderr
    assert [d["doc"] for d in read_jsonl(tmp_path / "out2" / "documents.jsonl")] == ["top.txt"]
