"""PostgreSQL under the store: a thin dialect layer, so the store and the query layer keep
one set of SQL statements (written in SQLite's dialect) for both engines.

``translate`` rewrites a statement for PostgreSQL (placeholders, upserts, JSON lists,
case folding); ``Connection`` gives a psycopg connection (or a pool's connections) the
small part of the sqlite3 connection's surface the store uses: ``execute`` returning
rows that answer both ``row["name"]`` and ``row[0]``, ``executemany``, and transactions.
Writers serialise on one advisory lock per transaction, as SQLite's single writer does,
so a batch reads and writes the stories it touches without another run in between;
readers never wait (MVCC).
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg import pq

Error = psycopg.Error
# Any fixed number: the key of the one advisory lock that eventwatch's writers take.
WRITE_LOCK = 0x6576_6E74  # "evnt"

# The primary key of each table an upsert ("INSERT OR REPLACE") writes.
KEYS = {"meta": ("key",), "documents": ("id",), "coded": ("id",), "links": ("a", "b"), "kept_apart": ("coded",),
        "claims": ("id",), "claim_links": ("a", "b"), "events": ("id",), "actors": ("name",),
        "actor_files": ("path",), "fetch_state": ("url",)}
COLUMNS = {"meta": ("key", "value")}


def schema(sqlite_schema: str) -> list[str]:
    """SQLite's schema as PostgreSQL statements: text compares byte-wise (COLLATE "C", as
    SQLite does, so every list comes out in the same order), blobs are bytea, reals are
    doubles (a float4 would round confidences), and reports keep an explicit ``rowid``
    (the order their reports were written, which SQLite gives implicitly)."""
    s = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', sqlite_schema)
    s = s.replace("BLOB", "BYTEA").replace("REAL", "DOUBLE PRECISION")
    s = s.replace("DEFAULT CURRENT_TIMESTAMP", "DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')")
    s = s.replace("CREATE TABLE IF NOT EXISTS reports (", "CREATE TABLE IF NOT EXISTS reports (rowid BIGSERIAL,")
    return [x.strip() for x in s.split(";") if x.strip()]


_UPSERT = re.compile(r"INSERT OR (REPLACE|IGNORE) INTO (\w+)\s*(\(([^)]*)\))?", re.S)
_JSON_EACH = re.compile(r"json_each\(([\w.]+)\)\s+(\w+)")
_JSON_FIELD = re.compile(r"json_extract\((\w+)\.value,\s*'\$\.(\w+)'\)")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """One SQLite statement in PostgreSQL's dialect."""
    upsert = _UPSERT.search(sql)
    tail = ""
    if upsert:
        kind, table, cols = upsert.group(1), upsert.group(2), upsert.group(4)
        names = [c.strip().strip('"') for c in cols.split(",")] if cols else list(COLUMNS[table])
        sql = sql[:upsert.start()] + f"INSERT INTO {table}({', '.join(_quote(n) for n in names)})" + sql[upsert.end():]
        if kind == "IGNORE":
            tail = " ON CONFLICT DO NOTHING"
        else:
            key = KEYS[table]
            rest = [n for n in names if n not in key]
            tail = f" ON CONFLICT ({', '.join(key)}) DO " + (
                "UPDATE SET " + ", ".join(f"{_quote(n)} = EXCLUDED.{_quote(n)}" for n in rest) if rest else "NOTHING")
    sql = _JSON_EACH.sub(lambda m: f"jsonb_array_elements({m.group(1)}::jsonb) {m.group(2)}(value)", sql)
    sql = _JSON_FIELD.sub(lambda m: f"({m.group(1)}.value ->> '{m.group(2)}')", sql)
    sql = sql.replace("ew_fold(", "lower(")
    sql = re.sub(r"\bLIKE\b", "ILIKE", sql)  # SQLite's LIKE ignores case
    sql = sql.replace("%", "%%").replace("?", "%s")
    return sql + tail


def _quote(name: str) -> str:
    return '"end"' if name == "end" else name


class Row(tuple):
    """A row answering ``row["name"]`` and ``row[0]``, like sqlite3.Row."""

    def __new__(cls, values, index: dict[str, int]):
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self._index)


class Result:
    """A statement's rows, fetched at once (the connection may go back to the pool)."""

    def __init__(self, rows: list, rowcount: int):
        self.rows, self.rowcount = rows, rowcount

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list:
        return self.rows

    def __iter__(self):
        return iter(self.rows)


def _rows(cur) -> list:
    if cur.description is None:
        return []
    index: dict[str, int] = {}
    for i, c in enumerate(cur.description):
        index.setdefault(c.name, i)
    return [Row(v, index) for v in cur.fetchall()]


class Connection:
    """A dedicated connection (the CLI, a run) or a pool's connections (``serve``): outside
    a transaction each statement borrows a pooled connection for itself."""

    def __init__(self, url: str, pool=None, busy_seconds: float = 300):
        self.pool = pool
        self.own = None if pool is not None else psycopg.connect(url, autocommit=True, connect_timeout=10)
        self.pinned = None
        self.busy_ms = int(busy_seconds * 1000)

    @contextmanager
    def _conn(self):
        if self.pinned is not None:
            yield self.pinned
        elif self.own is not None:
            yield self.own
        else:
            with self.pool.connection() as c:
                yield c

    def execute(self, sql: str, params=()) -> Result:
        params = list(params)
        if sql.lstrip().upper().startswith("SELECT"):
            # PostgreSQL text cannot hold NUL, so no stored value has one: a lookup with one
            # (an id from a URL) finds nothing, as in SQLite, instead of failing.
            params = [p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p for p in params]
        with self._conn() as c, c.cursor() as cur:
            cur.execute(translate(sql), params)
            return Result(_rows(cur), cur.rowcount)

    def executemany(self, sql: str, seq) -> Result:
        seq = [list(p) for p in seq]
        if not seq:
            return Result([], 0)
        with self._conn() as c, c.cursor() as cur:
            cur.executemany(translate(sql), seq)
            return Result([], cur.rowcount)

    def script(self, statements: list[str]) -> None:
        with self._conn() as c, c.cursor() as cur:
            for s in statements:
                cur.execute(s)

    @property
    def in_transaction(self) -> bool:
        return self.pinned is not None

    def begin(self) -> None:
        """A write transaction: waits (up to busy_seconds) for any other writer's to end."""
        self.pinned = self.own if self.own is not None else self.pool.getconn()
        try:
            self.pinned.execute("BEGIN")
            self.pinned.execute(f"SET LOCAL lock_timeout = {self.busy_ms}")
            self.pinned.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        except BaseException:
            self._end("ROLLBACK")
            raise

    def commit(self) -> None:
        self._end("COMMIT")

    def rollback(self) -> None:
        self._end("ROLLBACK")

    def _end(self, what: str) -> None:
        conn, self.pinned = self.pinned, None
        if conn is None:
            return
        try:
            if conn.info.transaction_status != pq.TransactionStatus.IDLE:
                conn.execute(what)
        finally:
            if self.pool is not None:
                self.pool.putconn(conn)

    def close(self) -> None:
        if self.pinned is not None:
            self.rollback()
        if self.own is not None:
            self.own.close()


def pool(url: str, size: int):
    """A connection pool for a long-lived server (``serve``)."""
    from psycopg_pool import ConnectionPool

    return ConnectionPool(url, min_size=1, max_size=size, kwargs={"autocommit": True}, open=True, timeout=30)
