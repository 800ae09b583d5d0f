"""The faults a hostile tester found (issue 14), one test each, on real inputs: the real
pipeline, real SQLite stores, real subprocesses and a real HTTP server on loopback.
Each test is named after the behaviour it guards, with the issue's item number."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwatch import pipeline
from eventwatch.model import RawDocument
from eventwatch.settings import Options

from conftest import SAMPLE, SAMPLE_ACTORS, read_jsonl
from synthetic import write_corpus
from api_fixtures import TOKEN, copy_store, serving

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"Authorization": f"Bearer {TOKEN}"}


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


def _over_the_limit() -> str:
    """A real article, then a run of over a million characters without a space (cheap to
    parse: one token), then a last sentence that must still be read."""
    body = (SAMPLE / "004_2cb5b01ce5caf802.txt").read_text("utf-8")
    return body + "\n\n" + "x" * 1_000_001 + "\n\nLithuania refused talks with Belarus on Tuesday.\n"


def test_01_a_run_with_a_document_over_a_million_characters_stores_every_document(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "huge.txt").write_text(_over_the_limit(), "utf-8")
    (corpus / "small.txt").write_bytes((SAMPLE / "003_f674e547d65f028a.txt").read_bytes())
    run = cli("run", str(corpus), "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "out"), "-j", "1")
    assert run.returncode == 0, run.stderr
    docs = {d["doc"]: d for d in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert set(docs) == {"huge.txt", "small.txt"} and len(docs["huge.txt"]["text"]) > 1_000_000
    reported = {r["doc"] for e in read_jsonl(tmp_path / "out" / "events.jsonl") for r in e["reports"]}
    assert reported == {"huge.txt", "small.txt"}


def test_01_the_api_takes_a_document_over_a_million_characters(sample_run, tmp_path):
    with serving(copy_store(sample_run.db, tmp_path / "s.db"), TOKEN) as server:
        reply = server.request("/api/documents", "POST", {"text": _over_the_limit(), "id": "huge"}, AUTH)
        assert reply.status == 201, reply.body[:300]
        assert reply.json()["events"]


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


# --- the HTTP API (6, 10-13, 17, 18, 20) ------------------------------------------------------

FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def odd_store(tmp_path_factory) -> Path:
    """A store holding a document whose id has slashes and whose title is a spreadsheet formula."""
    tmp = tmp_path_factory.mktemp("odd")
    feed = tmp / "feed.jsonl"
    feed.write_text(json.dumps({"id": "reports/2025/a.txt", "title": FORMULA, "outlet": "+Outlet",
                                "text": (SAMPLE / "004_2cb5b01ce5caf802.txt").read_text("utf-8")}) + "\n", "utf-8")
    pipeline.run([feed], Options(db=tmp / "odd.db", workers=1))
    return tmp / "odd.db"


def _raw_http(port: int, head: str, body: bytes = b"", wait: float = 10) -> tuple[int, bytes]:
    """Send a request by hand (headers promising more than is sent) and read the answer."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data else 0
    return status, data


def test_06_writes_check_the_token_and_size_before_reading_the_body(sample_run, tmp_path):
    with serving(copy_store(sample_run.db, tmp_path / "s.db"), TOKEN) as server:
        port = int(server.url.rsplit(":", 1)[1])
        big = 100 * 1024 * 1024
        # 100 MB promised, nothing sent: the answer comes at once, not after the body
        no_token = _raw_http(port, f"POST /api/documents HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
                                   f"Content-Length: {big}\n")
        assert no_token[0] == 401, no_token
        too_big = _raw_http(port, f"POST /api/documents HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
                                  f"Authorization: Bearer {TOKEN}\nContent-Length: {big}\n")
        assert too_big[0] == 413, too_big
        chunk = b"x" * (1 << 20)
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(14)) + b"0\r\n\r\n"
        streamed = _raw_http(port, f"POST /api/documents HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
                                   f"Authorization: Bearer {TOKEN}\nTransfer-Encoding: chunked\n", chunked)
        assert streamed[0] == 413, streamed
        malformed = server.request("/api/documents", "POST", None, {"Content-Type": "application/json"})
        req = _raw_http(port, "POST /api/documents HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\n"
                              "Content-Length: 5\n", b"{oops")
        assert req[0] == 401 and malformed.status == 401
        assert server.request("/api/documents", "POST", {"text": "Lithuania closed its border."}, AUTH).status == 201


def test_10_document_ids_with_slashes_open_in_the_api(odd_store, tmp_path):
    from urllib.parse import quote

    with serving(copy_store(odd_store, tmp_path / "s.db"), None) as server:
        doc = server.json("/api/documents/" + quote("reports/2025/a.txt", safe=""))
        assert doc["doc"] == "reports/2025/a.txt" and doc["events"]
        assert server.json("/api/documents/reports/2025/a.txt")["doc"] == "reports/2025/a.txt"
        assert server.get("/api/documents/reports/2025/none.txt").status == 404


def test_11_out_of_range_numbers_and_lone_surrogates_are_422(sample_run, tmp_path):
    with serving(copy_store(sample_run.db, tmp_path / "s.db"), TOKEN) as server:
        for path in ("/api/events?offset=9223372036854775808", "/api/events?limit=9223372036854775808",
                     "/api/events.csv?limit=9223372036854775808", "/api/actors?offset=9223372036854775808",
                     "/api/stories.csv?offset=9223372036854775808"):
            reply = server.get(path)
            assert reply.status == 422, (path, reply.status, reply.body[:300])
        reply = server.request("/api/documents", "POST", {"text": "Lithuania closed \ud800 its border."}, AUTH)
        assert reply.status == 422 and "lone surrogate" in reply.text, reply.body[:300]


def _csv(server, path: str) -> list[list[str]]:
    import csv
    import io

    reply = server.get(path)
    assert reply.status == 200, (path, reply.body[:300])
    return list(csv.reader(io.StringIO(reply.text)))


def test_12_csv_offset_without_limit_and_the_same_columns_when_empty(api_server):
    full = _csv(api_server, "/api/events.csv")
    assert len(full) > 5
    assert _csv(api_server, "/api/events.csv?offset=3") == [full[0], *full[4:]]
    empty = _csv(api_server, "/api/events.csv?q=no-such-words-anywhere")
    assert empty == [full[0]]


def test_13_a_nul_in_a_search_is_refused_not_everything(api_server):
    everything = api_server.json("/api/events?limit=1")["total"]
    assert everything > 1
    reply = api_server.get("/api/events?q=%00")
    assert reply.status == 422 and "NUL" in reply.text
    assert api_server.get("/api/events?actor=Lukashenko%00x").status == 422


def test_17_csv_cells_that_would_run_as_formulas_are_defused(odd_store, tmp_path):
    import csv

    from eventwatch import export
    from eventwatch.store import Store

    with Store(odd_store) as store:
        export.export(store, tmp_path / "csv", "csv")
    with open(tmp_path / "csv" / "documents.csv", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert row["title"] == "'" + FORMULA and row["outlet"] == "'+Outlet"
    with serving(copy_store(odd_store, tmp_path / "s.db"), None) as server:
        rows = _csv(server, "/api/stories.csv")
        assert rows[1][rows[0].index("title")] == "'" + FORMULA
        events = _csv(server, "/api/events.csv")
        score = events[0].index("score")
        assert any(r[score].startswith("-") for r in events[1:])  # numbers stay numbers


def test_18_a_foreign_host_header_is_refused(api_server):
    assert api_server.request("/api/events?limit=1", headers={"Host": "evil.example:8000"}).status == 421
    assert api_server.request("/", headers={"Host": "rebind.attacker.test"}).status == 421
    assert api_server.request("/api/events?limit=1", headers={"Host": "localhost:8000"}).status == 200


def test_20_a_public_server_needs_a_token_for_reads_too(sample_run, tmp_path):
    from eventwatch.api import create_app

    db = copy_store(sample_run.db, tmp_path / "s.db")
    with pytest.raises(ValueError, match="at least 16"):
        create_app(db, token="short-token")
    with pytest.raises(ValueError, match="without a token"):
        create_app(db, token="", read_token="", host="0.0.0.0")
    read = "read-token-0123456789abcdef"
    with serving(db, TOKEN, read_token=read, host="0.0.0.0") as server:
        assert server.get("/api/events?limit=1").status == 401
        assert server.get("/api/documents/003_f674e547d65f028a.txt").status == 401
        assert server.get("/api/events.csv").status == 401
        assert server.request("/api/events?limit=1", headers={"Authorization": f"Bearer {read}"}).status == 200
        assert server.request("/api/events?limit=1", headers=AUTH).status == 200  # the write token reads too
        assert server.request("/api/documents", "POST", {"text": "Lithuania closed its border."},
                              {"Authorization": f"Bearer {read}"}).status == 401  # reading is not writing
        assert server.get("/").status == 200  # the page itself holds no data


def test_20_a_422_does_not_echo_a_huge_input(sample_run, tmp_path):
    with serving(copy_store(sample_run.db, tmp_path / "s.db"), TOKEN) as server:
        reply = server.request("/api/documents", "POST", {"text": "x", "id": "y" * 60_000}, AUTH)
        assert reply.status == 422 and "id" in reply.text and len(reply.body) < 2000, len(reply.body)
        reply = server.get("/api/events?actor=" + "z" * 8000)
        assert reply.status == 422 and len(reply.body) < 2000, len(reply.body)


def test_20_serve_refuses_a_short_token(sample_run, tmp_path):
    db = copy_store(sample_run.db, tmp_path / "s.db")
    run = cli("serve", "--db", str(db), "--port", "1", env={"EVENTWATCH_API_TOKEN": "1234"}, timeout=120)
    assert run.returncode == 2 and "at least 16" in one_line(run.stderr)


@pytest.fixture(scope="module")
def api_server(sample_run, tmp_path_factory):
    db = copy_store(sample_run.db, tmp_path_factory.mktemp("hard-api") / "store.db")
    with serving(db, TOKEN) as server:
        yield server


# --- 7. a malformed actor file --------------------------------------------------------------

def test_07_a_malformed_actor_file_is_refused_before_it_is_remembered(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[actor]]\nname = "Kęstutis Budrys"\naliases = [oops\n', "utf-8")
    db, doc = tmp_path / "s.db", str(SAMPLE / "004_2cb5b01ce5caf802.txt")
    first = cli("run", doc, "--actors", str(bad), "--db", str(db), "--out", str(tmp_path / "o1"), "-j", "1", "-q")
    assert first.returncode == 2 and "actor file" in first.stderr and "bad.toml" in first.stderr
    later = cli("run", doc, "--db", str(db), "--out", str(tmp_path / "o2"), "-j", "1", "-q")
    assert later.returncode == 0, later.stderr  # nothing was remembered


def test_07_a_remembered_file_that_broke_is_skipped_and_can_be_forgotten(tmp_path):
    people = tmp_path / "people.toml"
    people.write_bytes(SAMPLE_ACTORS.read_bytes())
    db = tmp_path / "s.db"
    assert cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--actors", str(people), "--db", str(db),
               "--out", str(tmp_path / "o1"), "-j", "1", "-q").returncode == 0
    people.write_text("[[actor]]\nrole = 'no name'\n", "utf-8")  # edited into a broken file afterwards
    later = cli("run", str(SAMPLE / "003_f674e547d65f028a.txt"), "--db", str(db), "--out", str(tmp_path / "o2"), "-j", "1")
    assert later.returncode == 0, later.stderr
    assert "has no name" in one_line(later.stderr) and "actors --forget" in one_line(later.stderr)
    forgot = cli("actors", "--db", str(db), "--forget", str(people))
    assert forgot.returncode == 0 and "forgot" in forgot.stdout
    clean = cli("run", str(SAMPLE / "002_85dd2fa22fd9efb4.txt"), "--db", str(db), "--out", str(tmp_path / "o3"), "-j", "1")
    assert clean.returncode == 0 and "people.toml" not in clean.stderr
    again = cli("actors", "--db", str(db), "--forget", str(people))
    assert again.returncode == 2 and "does not remember" in one_line(again.stderr)


# --- 8. --db ------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["actors"], ["stories"], ["export", "--out", "OUT"], ["split", "ev-000000000000"],
                                     ["confirm-actors", "--to", "OUT/people.toml"]])
def test_08_only_run_creates_a_store(tmp_path, command):
    typo = tmp_path / "typo" / "store.db"
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    proc = cli(*args, "--db", str(typo))
    assert proc.returncode == 2 and "no store at" in one_line(proc.stderr), proc.stderr
    assert not typo.exists() and not typo.parent.exists()


def test_08_a_database_url_is_refused(tmp_path):
    """A URL is a PostgreSQL server or nothing: any other scheme is refused, not made a folder."""
    proc = cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--db", "mysql://user@localhost/events",
               "--out", str(tmp_path / "out"), "-j", "1", "-q")
    assert proc.returncode == 2 and "looks like a URL" in one_line(proc.stderr)
    assert not (Path.cwd() / "mysql:").exists()


def test_08_an_unreachable_server_is_one_line(tmp_path):
    """A PostgreSQL store nobody answers for: a usage error naming it, before any document is read."""
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = cli("run", str(SAMPLE / "004_2cb5b01ce5caf802.txt"), "--db", f"postgresql://user:secret@127.0.0.1:{port}/events",
               "--out", str(tmp_path / "out"), "-j", "1", "-q")
    assert proc.returncode == 2 and "cannot connect to postgresql://user:***@127.0.0.1" in one_line(proc.stderr), proc.stderr
    assert "secret" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (Path.cwd() / "postgresql:").exists()


# --- 9. actors --json -----------------------------------------------------------------------------

def test_09_actors_json_is_json_lines(sample_run):
    proc = cli("actors", "--db", str(sample_run.db), "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) > 3 and all({"name", "country", "aliases"} <= r.keys() for r in rows)


# --- 14. --out is checked before the work --------------------------------------------------------

@pytest.mark.parametrize("where", ["file", "proc"])
def test_14_an_unwritable_out_is_an_error_before_processing(tmp_path, where):
    out = tmp_path / "a-file" if where == "file" else Path("/proc/eventwatch-out")
    if where == "file":
        out.write_text("not a folder")
    db = tmp_path / "s.db"
    start = time.monotonic()
    proc = cli("run", str(SAMPLE), "--db", str(db), "--out", str(out), "-j", "1")
    assert proc.returncode == 2 and "cannot write the results to --out" in one_line(proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr and not db.exists()  # refused before a document was read
    assert time.monotonic() - start < 60


# --- 15. usage errors and empty successes -----------------------------------------------------------

def test_15_split_of_a_one_report_event_is_an_error(sample_run, tmp_path):
    db = copy_store(sample_run.db, tmp_path / "s.db")
    single = next(e for e in sample_run.rows("events") if len(e["reports"]) == 1)
    proc = cli("split", single["id"], "--db", str(db))
    assert proc.returncode == 2 and "nothing to split" in one_line(proc.stderr)


def test_15_export_of_a_missing_document_is_an_error(sample_run, tmp_path):
    proc = cli("export", "--out", str(tmp_path / "out"), "--db", str(sample_run.db), "--doc", "no-such-doc.txt")
    assert proc.returncode == 2 and "no document 'no-such-doc.txt'" in one_line(proc.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("given", ["ftp://news.example/en/news-in-english/19/2718411", "missing-folder/none.txt"])
def test_15_a_non_http_url_or_missing_input_is_a_usage_error(tmp_path, given):
    # http(s) URLs are fetched (tests/test_fetch.py, against a server on loopback only).
    proc = cli("run", given, "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "out"), "-j", "1")
    assert proc.returncode == 2, proc.stderr
    err = one_line(proc.stderr)
    assert given in err and ("http:// and https:// URLs only" in err if "://" in given else "no such file or folder" in err)


# --- 16. short HTML and UTF-16 -------------------------------------------------------------------

def test_16_short_html_and_utf16_text_are_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "short.html").write_text("<p>Lithuania expelled a Belarusian diplomat.</p>", "utf-8")
    text = "Poland closed a border crossing with Belarus on Monday, the interior ministry said.\n"
    (corpus / "bom.txt").write_bytes(text.encode("utf-16"))
    (corpus / "le.txt").write_bytes(("Latvia " + text).encode("utf-16-le"))
    (corpus / "script.html").write_text("<html><script>var a = 1;</script></html>", "utf-8")
    run = cli("run", str(corpus), "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "out"), "-j", "1")
    assert run.returncode == 1, run.stderr  # only the page without any text is refused
    assert "rejected script.html" in one_line(run.stderr) and "no article text" in one_line(run.stderr)
    docs = {d["doc"]: d["text"] for d in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert docs == {"short.html": "Lithuania expelled a Belarusian diplomat.", "bom.txt": text.strip(),
                    "le.txt": "Latvia " + text.strip()}
    events = read_jsonl(tmp_path / "out" / "events.jsonl")
    assert any(r["doc"] == "short.html" for e in events for r in e["reports"])


def test_12_exported_csv_has_the_same_columns_when_empty(sample_run, tmp_path):
    import csv

    from eventwatch import export, query
    from eventwatch.store import Store

    with Store(sample_run.db) as store:
        export.export(store, tmp_path / "full", "csv")
        export.export(store, tmp_path / "none", "csv", doc_ids=[])
        records = {t: next(iter(getattr(query, t)(store)), None) for t in export.TABLES}
    for table in export.TABLES:
        with open(tmp_path / "full" / f"{table}.csv", encoding="utf-8") as f:
            full = next(csv.reader(f))
        with open(tmp_path / "none" / f"{table}.csv", encoding="utf-8") as f:
            empty = list(csv.reader(f))
        assert empty == [full], table
        if records[table] is not None:
            assert full == list(records[table]), table  # the declared columns are the records' own
