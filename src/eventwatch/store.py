"""Store: the database every other interface reads. An embedded SQLite file by default;
a PostgreSQL server (``postgresql://user@host/dbname``) for a desk that shares one store
between a watcher, the API and several analysts. One set of statements serves both
(written in SQLite's dialect, translated by ``pg.py``).

The schema is versioned (``meta.schema_version``) and upgraded by the same numbered
migrations on both engines; each batch of documents is written in one transaction, so an
interrupted run leaves whole documents or none. A document is keyed by the hash of its
raw bytes: the same bytes are never processed twice unless the pipeline itself changed
(``documents.pipeline`` records which version coded them).
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Iterable

from . import limits
from .model import Actor, Analysis, Event, Quote, Rejected

SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, source TEXT, raw BLOB, title TEXT, outlet TEXT,
  published TEXT, language TEXT, url TEXT, text TEXT NOT NULL, story TEXT, removed TEXT, words INTEGER,
  features TEXT, pipeline TEXT, added TEXT DEFAULT CURRENT_TIMESTAMP, published_from TEXT);
CREATE TABLE IF NOT EXISTS mentions (
  doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, id INTEGER NOT NULL, start INTEGER, "end" INTEGER,
  text TEXT, kind TEXT, actor TEXT, country TEXT, sector TEXT, role TEXT, PRIMARY KEY (doc, id));
CREATE TABLE IF NOT EXISTS coded (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS doc_keys (doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS links (a TEXT NOT NULL, b TEXT NOT NULL, reason TEXT, PRIMARY KEY (a, b));
CREATE TABLE IF NOT EXISTS kept_apart (coded TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS claims (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER, "end" INTEGER,
  text TEXT, claimant TEXT, target TEXT, matter TEXT);
CREATE TABLE IF NOT EXISTS claim_keys (claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claim_links (
  a TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE, b TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
  relation TEXT, shared TEXT, PRIMARY KEY (a, b));
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, event TEXT NOT NULL, mode TEXT, actor TEXT, recipient TEXT, date TEXT, date_precision TEXT,
  aux TEXT, confidence REAL, score REAL, story TEXT, trigger TEXT, sources INTEGER, merged_on TEXT, coded TEXT);
CREATE TABLE IF NOT EXISTS reports (
  event TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  evidence TEXT, speaker TEXT, outlet TEXT, relay TEXT, date TEXT);
CREATE TABLE IF NOT EXISTS quotes (
  doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER, "end" INTEGER, text TEXT,
  speaker TEXT, direct INTEGER, cue TEXT, relay TEXT, claim INTEGER, speaker_from TEXT);
CREATE TABLE IF NOT EXISTS actors (
  name TEXT PRIMARY KEY, country TEXT, sector TEXT, role TEXT, kind TEXT, aliases TEXT, inferred INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS actor_files (path TEXT PRIMARY KEY, added TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS rejected (
  id TEXT, source TEXT, reason TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS fetch_state (
  url TEXT PRIMARY KEY, kind TEXT, doc TEXT, etag TEXT, last_modified TEXT, body BLOB, checked REAL);
CREATE INDEX IF NOT EXISTS reports_doc ON reports(doc);
CREATE INDEX IF NOT EXISTS reports_event ON reports(event);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS events_event ON events(event);
CREATE INDEX IF NOT EXISTS events_story ON events(story);
CREATE INDEX IF NOT EXISTS mentions_actor ON mentions(actor);
CREATE INDEX IF NOT EXISTS doc_keys_key ON doc_keys(key);
CREATE INDEX IF NOT EXISTS documents_story ON documents(story);
CREATE INDEX IF NOT EXISTS coded_doc ON coded(doc);
CREATE INDEX IF NOT EXISTS claim_keys_key ON claim_keys(key);
"""


# What each schema version added, applied in order to a store of an older version (on
# either engine): version 1 had no per-document events or story features (keep the
# documents, raw bytes included, drop what was derived from them and code them again);
# version 2 had no ``quotes.speaker_from`` (code the documents again to fill it).
MIGRATIONS: dict[int, list[str]] = {
    1: ["DROP TABLE IF EXISTS events", "DROP TABLE IF EXISTS reports", "DROP TABLE IF EXISTS mentions",
        "DROP TABLE IF EXISTS quotes", "ALTER TABLE documents ADD COLUMN features TEXT", "UPDATE documents SET pipeline = NULL"],
    2: ["ALTER TABLE quotes ADD COLUMN speaker_from TEXT", "UPDATE documents SET pipeline = NULL"],
    # documents gained published_from (issue 12): clean and code them again to fill it
    3: ["ALTER TABLE documents ADD COLUMN published_from TEXT", "UPDATE documents SET pipeline = NULL"],
}

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")
POSTGRES = re.compile(r"^postgres(ql)?://", re.I)


class StoreError(RuntimeError):
    pass


def is_server(location) -> bool:
    """Whether ``location`` names a PostgreSQL server store rather than a SQLite file."""
    return bool(POSTGRES.match(str(location)))


def location(value):
    """A --db value or $EVENTWATCH_DB as the store's location: a URL stays text (a Path
    would fold its '//'), anything else is a file path."""
    if value is None or isinstance(value, Path):
        return value
    return str(value) if URL.match(str(value)) else Path(value)


def shown(location) -> str:
    """The location for messages, without a password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(location))


def server_pool(location):
    """A connection pool for a long-lived reader of a PostgreSQL store (``serve``)."""
    from . import pg

    return pg.pool(str(location), limits.store("pool_size"))


def _db_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


DB_ERRORS = _db_errors()  # what a failing database raises, on either engine


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path, create: bool = True, pool=None):
        """Open the store at ``path`` (a SQLite file, or a ``postgresql://`` URL); with
        ``create``, make it (and its folder) if missing. Only ``run`` creates a store: every
        other command refuses a path that holds none. ``pool`` (from ``server_pool``) lends
        a PostgreSQL store its connections."""
        self._depth = 0
        self.server = is_server(path)
        if self.server:
            self.path = str(path)
            self._open_server(create, pool)
            return
        if URL.match(str(path)):
            raise StoreError(f"{path} looks like a URL; the store is a SQLite file or a postgresql:// URL")
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"no store at {self.path}; run 'eventwatch run' first or pass --db")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=limits.store("busy_seconds"))
            self.db.execute("PRAGMA foreign_keys = ON")
            self._wal(limits.store("busy_seconds"))
        except sqlite3.OperationalError as e:
            if "locked" in str(e):
                raise StoreError(f"{self.path}: busy, another process held it for more than "
                                 f"{limits.store('busy_seconds'):g} s") from None
            raise StoreError(f"{self.path}: not an eventwatch store ({e})") from None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not an eventwatch store ({e})") from None
        self.db.row_factory = sqlite3.Row
        self._migrate()

    def _open_server(self, create: bool, pool) -> None:
        try:
            from . import pg
        except ImportError:
            raise StoreError("a PostgreSQL store needs the 'postgres' extra: pip install 'eventwatch[postgres]'") from None
        where = shown(self.path)
        try:
            self.db = pg.Connection(self.path, pool, limits.store("busy_seconds"))
        except pg.Error as e:
            raise StoreError(f"cannot connect to {where}: {str(e).strip().splitlines()[0] if str(e).strip() else e}") from None
        try:
            with self.transaction():  # the write lock: two first runs do not both create the schema
                row = self.db.execute("SELECT to_regclass('meta') IS NOT NULL AS present").fetchone()
                version = None
                if row["present"]:
                    found = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                    version = int(found[0]) if found else None
                if version is None and not create:
                    raise StoreError(f"no eventwatch store in {where}; run 'eventwatch run' first or pass --db")
                self._check_version(version)
                if version is not None and version < SCHEMA_VERSION:
                    self._upgrade(version)
                self.db.script(pg.schema(SCHEMA))
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except pg.Error as e:
            self.db.close()
            raise StoreError(f"{where}: not an eventwatch store ({str(e).strip()})") from None
        except StoreError:
            self.db.close()
            raise

    def _wal(self, seconds: float) -> None:
        """Switch to write-ahead logging. The switch needs the file to itself and SQLite
        answers "database is locked" at once, without waiting, while another run is
        creating or writing the store: wait for it as for any other writer."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _check_version(self, version: int | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise StoreError(f"{shown(self.path)}: schema version {version} is newer than this eventwatch ({SCHEMA_VERSION}); "
                             "upgrade eventwatch")

    def _migrate(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            row = None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not an eventwatch store ({e})") from None
        self._check_version(int(row[0]) if row is not None else None)
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            self._upgrade(int(row[0]))
        with self.db:
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _upgrade(self, version: int) -> None:
        """Apply the migrations after ``version``, in order; the schema's CREATE ... IF NOT
        EXISTS then makes what a migration dropped."""
        with self.transaction():
            v = version
            while v < SCHEMA_VERSION:
                for statement in MIGRATIONS.get(v, []):
                    if statement.startswith("ALTER TABLE quotes") and not self._has_table("quotes"):
                        continue  # dropped by an earlier step: the schema makes it whole
                    added = re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", statement)
                    if added and self._has_column(*added.groups()):
                        continue  # a later version's column, already made by the schema
                    self.db.execute(statement)
                v += 1

    def _has_column(self, table: str, column: str) -> bool:
        if self.server:
            return self.db.execute("SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                                   (table, column)).fetchone() is not None
        return any(r[1] == column for r in self.db.execute(f"PRAGMA table_info({table})").fetchall())

    def _has_table(self, name: str) -> bool:
        if self.server:
            return self.db.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        """One write transaction, re-entrant: the outermost takes the write lock at once
        (BEGIN IMMEDIATE), so what it reads cannot be changed by another run before it
        writes (two runs on one store wait for each other instead of colliding); inner
        ones join it. Commits at the outermost exit, rolls back on an error."""
        if self._depth == 0:
            if self.server:
                self.db.begin()
            else:
                if self.db.in_transaction:
                    self.db.commit()
                self.db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self.db
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.db.rollback()
            raise
        self._depth -= 1
        if self._depth == 0:
            self.db.commit()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading what is there ---------------------------------------------------------
    def known(self, content_hash: str) -> tuple[str, str | None] | None:
        """(doc id, pipeline version) of a document with these bytes, if stored."""
        row = self.db.execute("SELECT id, pipeline FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return (row["id"], row["pipeline"]) if row else None

    def actor_files(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT path FROM actor_files ORDER BY added, path")]

    def remember_actor_files(self, paths: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO actor_files(path) VALUES (?)", [(str(Path(p).resolve()),) for p in paths])

    def forget_actor_file(self, path: str | Path) -> bool:
        """Stop using a remembered actor file; False if the store did not remember it."""
        with self.transaction():
            gone = self.db.execute("DELETE FROM actor_files WHERE path IN (?, ?)", (str(path), str(Path(path).resolve())))
        return gone.rowcount > 0

    # --- what fetching learnt (eventwatch watch / run URL) -------------------------------
    def fetch_state(self, url: str) -> dict | None:
        """A URL's fetch state: the document it gave (an article), its validators (a feed's
        ETag and Last-Modified), robots.txt's body, when it was last checked."""
        row = self.db.execute("SELECT * FROM fetch_state WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def save_fetch_state(self, rows: dict[str, dict]) -> None:
        """Saved after the documents they led to: a pass that dies is done again, not skipped."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO fetch_state(url, kind, doc, etag, last_modified, body, checked) VALUES (?,?,?,?,?,?,?)",
                [(u, r.get("kind"), r.get("doc"), r.get("etag"), r.get("last_modified"), r.get("body"), r.get("checked"))
                 for u, r in rows.items()])

    def has_document(self, id_or_url: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ? OR url = ? LIMIT 1", (id_or_url, id_or_url)).fetchone() is not None

    def inferred_actors(self) -> list[Actor]:
        rows = self.db.execute("SELECT * FROM actors WHERE inferred = 1").fetchall()
        return [Actor(name=r["name"], country=r["country"], sector=r["sector"], role=r["role"], kind=r["kind"] or "person",
                      aliases=json.loads(r["aliases"] or "[]"), inferred=True) for r in rows]

    # --- writing -----------------------------------------------------------------------
    def write_batch(self, analyses: list[Analysis], raws: dict[str, bytes], pipeline: str, rejected: list[Rejected] = (),
                    features: dict[str, dict] | None = None) -> None:
        """Replace these documents and everything coded from them, in one transaction.
        Their events are stored per document ("coded"); ``replace_story_events`` writes the
        merged events once the documents' stories are known."""
        features = features or {}
        with self.transaction():
            for a in analyses:
                d = a.document
                old = self.db.execute("SELECT id FROM documents WHERE id = ? OR content_hash = ?", (d.id, d.content_hash)).fetchall()
                for (old_id,) in old:
                    self._delete_doc(old_id)
                self.db.execute(
                    "INSERT INTO documents(id, content_hash, source, raw, title, outlet, published, language, url, text, story, removed, words, features, pipeline, published_from)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (d.id, d.content_hash, d.source, raws.get(d.id), d.title, d.outlet, d.published, d.language, d.url,
                     d.text, d.story, _j(d.removed), a.words, _j(features.get(d.id)), pipeline, d.published_from))
                f = features.get(d.id) or {}
                self.db.executemany("INSERT INTO doc_keys(doc, key) VALUES (?,?)", [(d.id, k) for k in f.get("keys", [])])
                self.db.executemany(
                    'INSERT INTO mentions(doc, id, start, "end", text, kind, actor, country, sector, role) VALUES (?,?,?,?,?,?,?,?,?,?)',
                    [(d.id, m.id, m.start, m.end, m.text, m.kind, m.actor, m.country, m.sector, m.role) for m in a.mentions])
                self.db.executemany(
                    'INSERT INTO quotes(doc, start, "end", text, speaker, direct, cue, relay, claim, speaker_from) VALUES (?,?,?,?,?,?,?,?,?,?)',
                    [(d.id, q.start, q.end, q.text, _j(q.speaker), int(q.direct), q.cue, _j(q.relay), int(q.claim),
                      q.speaker_from if q.speaker is not None else None) for q in a.quotes])
                self.db.executemany("INSERT OR REPLACE INTO coded(id, doc, data) VALUES (?,?,?)",
                                    [(e.id, d.id, _j(e.to_json())) for e in a.events])
            self.db.executemany("INSERT INTO rejected(id, source, reason) VALUES (?,?,?)", [(r.id, r.source, r.reason) for r in rejected])

    def _delete_doc(self, doc_id: str) -> None:
        events = [r[0] for r in self.db.execute("SELECT DISTINCT event FROM reports WHERE doc = ?", (doc_id,))]
        self.db.execute("DELETE FROM reports WHERE doc = ?", (doc_id,))
        for ev in events:
            if not self.db.execute("SELECT 1 FROM reports WHERE event = ? LIMIT 1", (ev,)).fetchone():
                self.db.execute("DELETE FROM events WHERE id = ?", (ev,))
        self.db.execute("DELETE FROM links WHERE a = ? OR b = ?", (doc_id, doc_id))
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    # --- stories and merged events ------------------------------------------------------
    def stories_of(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        return self._documents_column("story", doc_ids)

    def published_of(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """Each document's publication date (what dates its undated reports' acts from above)."""
        return self._documents_column("published", doc_ids)

    def _documents_column(self, column: str, doc_ids: Iterable[str]) -> dict[str, str | None]:
        ids = list(doc_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {r[0]: r[1] for r in self.db.execute(f"SELECT id, {column} FROM documents WHERE id IN ({marks})", ids)}

    def site_pages(self, host: str, limit: int = 50) -> list[bytes]:
        """The raw bytes of stored pages from one site (by the host of their URL), the
        latest first: what a page shares with them is the site's furniture."""
        like = host.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.execute("SELECT raw FROM documents WHERE raw IS NOT NULL AND (url LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')"
                               " ORDER BY added DESC LIMIT ?", (f"%://{like}/%", f"%://www.{like}/%", limit))
        return [r[0] for r in rows]

    def candidates(self, keys: list[str], exclude: str, max_docs_per_key: int = 200,
                   max_candidates: int = 400) -> list[tuple[str, dict]]:
        """Stored documents sharing a blocking key with a document, with their features.

        A key shared by very many documents (a site's stock phrase) says nothing and is
        skipped; the rarest keys are taken first, up to ``max_candidates`` documents in all,
        so the work per document stays flat however large the store grows (the documents of
        one story share its rarest keys: names, a toll, their own shingles). Each key's count
        stops at max_docs_per_key + 1 rows, as counting a common key's every row would grow too."""
        counted = []
        for k in dict.fromkeys(keys):
            n = self.db.execute("SELECT count(*) FROM (SELECT 1 FROM doc_keys WHERE key = ? LIMIT ?) AS firsts",
                                (k, max_docs_per_key + 1)).fetchone()[0]
            if 0 < n <= max_docs_per_key:
                counted.append((n, k))
        chosen, total = [], 0
        for n, k in sorted(counted):
            if chosen and total + n > max_candidates:
                break
            chosen.append(k)
            total += n
        if not chosen:
            return []
        marks = ",".join("?" * len(chosen))
        ids = [r[0] for r in self.db.execute(f"SELECT DISTINCT doc FROM doc_keys WHERE key IN ({marks}) AND doc != ?",
                                             [*chosen, exclude])]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, features FROM documents WHERE id IN ({marks}) ORDER BY id", ids)
        return [(r[0], json.loads(r[1] or "{}")) for r in rows]

    def story_members(self, stories: set[str]) -> list[str]:
        """The documents of these stories, in id order."""
        ids = sorted(s for s in stories if s)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return [r[0] for r in self.db.execute(f"SELECT id FROM documents WHERE story IN ({marks}) ORDER BY id", ids)]

    def set_story(self, doc_ids: list[str], story: str) -> None:
        """Within the caller's transaction (``with store.transaction()``)."""
        marks = ",".join("?" * len(doc_ids))
        self.db.execute(f"UPDATE documents SET story = ? WHERE id IN ({marks})", [story, *doc_ids])

    def add_link(self, a: str, b: str, reason: str) -> None:
        """Within the caller's transaction (``with store.transaction()``)."""
        a, b = sorted((a, b))
        self.db.execute("INSERT OR REPLACE INTO links(a, b, reason) VALUES (?,?,?)", (a, b, reason))

    def rewrites(self, doc_ids: list[str]) -> set[frozenset[str]]:
        marks = ",".join("?" * len(doc_ids))
        rows = self.db.execute(f"SELECT a, b FROM links WHERE reason LIKE 'rewrite%' AND a IN ({marks})", doc_ids)
        return {frozenset(r) for r in rows}

    def coded_events(self, doc_ids: list[str]) -> list[Event]:
        marks = ",".join("?" * len(doc_ids))
        rows = self.db.execute(f"SELECT data FROM coded WHERE doc IN ({marks}) ORDER BY doc, id", doc_ids)
        return [Event.from_json(json.loads(r[0])) for r in rows]

    def save_claims(self, claims: list, links: list[tuple[str, str, str, list[str]]]) -> None:
        with self.transaction():
            for c in claims:
                self.db.execute('INSERT OR REPLACE INTO claims(id, doc, start, "end", text, claimant, target, matter) VALUES (?,?,?,?,?,?,?,?)',
                                (c.id, c.doc, c.start, c.end, c.text, _j(c.claimant), _j(c.target), _j(c.matter)))
                self.db.execute("DELETE FROM claim_keys WHERE claim = ?", (c.id,))
                self.db.executemany("INSERT INTO claim_keys(claim, key) VALUES (?,?)", [(c.id, k) for k in c.matter])
            self.db.executemany("INSERT OR REPLACE INTO claim_links(a, b, relation, shared) VALUES (?,?,?,?)",
                                [(a, b, rel, _j(shared)) for a, b, rel, shared in links])

    def claims_by_key(self, keys: set[str], max_per_key: int = 500) -> tuple[dict[str, dict], dict[str, set[str]]]:
        """Stored claims sharing a matter stem with ``keys``, and which claims each stem names
        (stems shared by very many claims say nothing and are skipped). One query for a batch."""
        if not keys:
            return {}, {}
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT k.key, c.* FROM claim_keys k JOIN claims c ON c.id = k.claim WHERE k.key IN"
            f" (SELECT key FROM claim_keys WHERE key IN ({marks}) GROUP BY key HAVING count(*) <= ?)",
            [*sorted(keys), max_per_key]).fetchall()
        claims: dict[str, dict] = {}
        index: dict[str, set[str]] = {}
        for r in rows:
            index.setdefault(r["key"], set()).add(r["id"])
            if r["id"] not in claims:
                claims[r["id"]] = {"id": r["id"], "doc": r["doc"], "text": r["text"], "claimant": json.loads(r["claimant"]),
                                   "target": json.loads(r["target"]), "matter": json.loads(r["matter"])}
        return claims, index

    def kept_apart(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT coded FROM kept_apart")}

    def keep_apart(self, coded_ids: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("INSERT OR IGNORE INTO kept_apart(coded) VALUES (?)", [(c,) for c in coded_ids])

    def replace_story_events(self, doc_ids: list[str], events: list[Event]) -> None:
        """Replace every event reported by these documents (one story) with ``events``."""
        marks = ",".join("?" * len(doc_ids))
        with self.transaction():
            old = [r[0] for r in self.db.execute(f"SELECT DISTINCT event FROM reports WHERE doc IN ({marks})", doc_ids)]
            self.db.executemany("DELETE FROM events WHERE id = ?", [(e,) for e in old])
            for e in events:
                self._insert_event(e)

    def _insert_event(self, e: Event) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO events(id, event, mode, actor, recipient, date, date_precision, aux, confidence, score,"
            " story, trigger, sources, merged_on, coded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (e.id, e.event, e.mode, _j(e.actor), _j(e.recipient), e.date, e.date_precision, _j(e.aux), e.confidence,
             e.score, e.story, e.trigger, e.sources, _j(e.merged_on), _j(e.coded_ids or [e.id])))
        self.db.execute("DELETE FROM reports WHERE event = ?", (e.id,))
        self.db.executemany(
            "INSERT INTO reports(event, doc, evidence, speaker, outlet, relay, date) VALUES (?,?,?,?,?,?,?)",
            [(e.id, r.doc, _j([asdict(s) for s in r.evidence]), _j(r.speaker), r.outlet, _j(r.relay), r.date) for r in e.reports])

    def save_actors(self, actors: Iterable[Actor]) -> None:
        with self.transaction():
            for a in actors:
                row = self.db.execute("SELECT aliases FROM actors WHERE name = ?", (a.name,)).fetchone()
                aliases = sorted(set(json.loads(row["aliases"]) if row else []) | set(a.aliases))
                self.db.execute(
                    "INSERT OR REPLACE INTO actors(name, country, sector, role, kind, aliases, inferred) VALUES (?,?,?,?,?,?,?)",
                    (a.name, a.country, a.sector, a.role, a.kind, _j(aliases), int(a.inferred)))
