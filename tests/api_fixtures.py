"""Fixtures for the API and dashboard tests: real servers on loopback over copies of the
sample store (built once per session by conftest's ``sample_run``), and a small HTTP client.

Imported by test_api.py and test_web.py (conftest.py belongs to the pipeline tests)."""
from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

TOKEN = "test-token-7f3a-0123456789"
# An article carrying markup that must reach the reader as text.
XSS_TEXT = (
    "Lithuania rejects talks with Belarus <script>window.__xss = 1</script>\n\n"
    "Vilnius, November 12. Lithuanian Foreign Minister Kęstutis Budrys said on Wednesday that Lithuania will refuse "
    "to negotiate with Belarus on reopening the border <img src=x onerror=\"window.__xss = 2\">, according to Reuters. "
    "Belarus demanded that Lithuania start talks on the border crossings.\n"
)


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Server:
    url: str
    db: Path | str  # a SQLite file or a postgresql:// URL

    def request(self, path: str, method: str = "GET", body: dict | None = None, headers: dict | None = None) -> Reply:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={**({"Content-Type": "application/json"} if data else {}), **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=60) as res:
                return Reply(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())

    def get(self, path: str) -> Reply:
        return self.request(path)

    def json(self, path: str):
        reply = self.get(path)
        assert reply.status == 200, (path, reply.status, reply.body[:500])
        return reply.json()


def copy_store(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite store (the backup API copies WAL content too)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(db: Path, token: str | None, **options) -> Iterator[Server]:
    """uvicorn in a thread on a free loopback port, serving the real application
    (``options`` go to create_app: read_token, host, allowed_hosts)."""
    import uvicorn

    from eventwatch.api import create_app

    app = create_app(db, token=token or "", **{"read_token": "", **options})
    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", db)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


_copies = iter(range(10**6))


def sample_store(request, backend: str, tmp_path_factory, name: str) -> Path | str:
    """A fresh copy of the sample store on ``backend``: a SQLite file, or a PostgreSQL
    database made from the sample's."""
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        request.getfixturevalue("pg_sample_run")
        return cluster.create_database(f"{name}_{next(_copies)}", template="sample")
    return copy_store(request.getfixturevalue("sample_run").db, tmp_path_factory.mktemp(name) / "store.db")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_backend(request) -> str:
    """The API tests run against both stores; a module may narrow this by defining its own."""
    return request.param


@pytest.fixture(scope="module")
def api(request, store_backend, tmp_path_factory) -> Iterator[Server]:
    """A read server over a copy of the sample store, with a write token configured."""
    with serving(sample_store(request, store_backend, tmp_path_factory, "api"), TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def writable(request, store_backend, tmp_path_factory) -> Iterator[Server]:
    """A server whose store the write tests may change, kept apart from ``api``."""
    with serving(sample_store(request, store_backend, tmp_path_factory, "api_write"), TOKEN) as server:
        yield server
