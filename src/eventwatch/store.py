"""Store: the embedded SQLite database every other interface reads.

The schema is versioned (``meta.schema_version``); each batch of documents is written
in one transaction, so an interrupted run leaves whole documents or none. A document
is keyed by the hash of its raw bytes: the same bytes are never processed twice unless
the pipeline itself changed (``documents.pipeline`` records which version coded them).
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Iterable

from .model import Actor, Analysis, Event, Quote, Rejected

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, source TEXT, raw BLOB, title TEXT, outlet TEXT,
  published TEXT, language TEXT, url TEXT, text TEXT NOT NULL, story TEXT, removed TEXT, words INTEGER,
  pipeline TEXT, added TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS mentions (
  doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, id INTEGER NOT NULL, start INTEGER, "end" INTEGER,
  text TEXT, kind TEXT, actor TEXT, country TEXT, sector TEXT, role TEXT, PRIMARY KEY (doc, id));
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, event TEXT NOT NULL, mode TEXT, actor TEXT, recipient TEXT, date TEXT, date_precision TEXT,
  aux TEXT, confidence REAL, score REAL, story TEXT, trigger TEXT);
CREATE TABLE IF NOT EXISTS reports (
  event TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  evidence TEXT, speaker TEXT, outlet TEXT, relay TEXT);
CREATE TABLE IF NOT EXISTS quotes (
  doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER, "end" INTEGER, text TEXT,
  speaker TEXT, direct INTEGER, cue TEXT, relay TEXT, claim INTEGER);
CREATE TABLE IF NOT EXISTS actors (
  name TEXT PRIMARY KEY, country TEXT, sector TEXT, role TEXT, kind TEXT, aliases TEXT, inferred INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS actor_files (path TEXT PRIMARY KEY, added TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS rejected (
  id TEXT, source TEXT, reason TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX IF NOT EXISTS reports_doc ON reports(doc);
CREATE INDEX IF NOT EXISTS reports_event ON reports(event);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE INDEX IF NOT EXISTS mentions_actor ON mentions(actor);
"""


class StoreError(RuntimeError):
    pass


def _j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not an eventwatch store ({e})") from None
        self.db.row_factory = sqlite3.Row
        self._migrate()

    def _migrate(self) -> None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            row = None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not an eventwatch store ({e})") from None
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {row[0]} is newer than this eventwatch ({SCHEMA_VERSION}); upgrade eventwatch")
        with self.db:
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def close(self) -> None:
        self.db.close()

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
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO actor_files(path) VALUES (?)", [(str(Path(p).resolve()),) for p in paths])

    def inferred_actors(self) -> list[Actor]:
        rows = self.db.execute("SELECT * FROM actors WHERE inferred = 1").fetchall()
        return [Actor(name=r["name"], country=r["country"], sector=r["sector"], role=r["role"], kind=r["kind"] or "person",
                      aliases=json.loads(r["aliases"] or "[]"), inferred=True) for r in rows]

    # --- writing -----------------------------------------------------------------------
    def write_batch(self, analyses: list[Analysis], raws: dict[str, bytes], pipeline: str, rejected: list[Rejected] = ()) -> None:
        """Replace these documents and everything coded from them, in one transaction."""
        with self.db:
            for a in analyses:
                d = a.document
                old = self.db.execute("SELECT id FROM documents WHERE id = ? OR content_hash = ?", (d.id, d.content_hash)).fetchall()
                for (old_id,) in old:
                    self._delete_doc(old_id)
                self.db.execute(
                    "INSERT INTO documents(id, content_hash, source, raw, title, outlet, published, language, url, text, story, removed, words, pipeline)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (d.id, d.content_hash, d.source, raws.get(d.id), d.title, d.outlet, d.published, d.language, d.url,
                     d.text, d.story, _j(d.removed), a.words, pipeline))
                self.db.executemany(
                    'INSERT INTO mentions(doc, id, start, "end", text, kind, actor, country, sector, role) VALUES (?,?,?,?,?,?,?,?,?,?)',
                    [(d.id, m.id, m.start, m.end, m.text, m.kind, m.actor, m.country, m.sector, m.role) for m in a.mentions])
                self.db.executemany(
                    'INSERT INTO quotes(doc, start, "end", text, speaker, direct, cue, relay, claim) VALUES (?,?,?,?,?,?,?,?,?)',
                    [(d.id, q.start, q.end, q.text, _j(q.speaker), int(q.direct), q.cue, _j(q.relay), int(q.claim)) for q in a.quotes])
                for e in a.events:
                    self._insert_event(e)
            self.db.executemany("INSERT INTO rejected(id, source, reason) VALUES (?,?,?)", [(r.id, r.source, r.reason) for r in rejected])

    def _delete_doc(self, doc_id: str) -> None:
        events = [r[0] for r in self.db.execute("SELECT DISTINCT event FROM reports WHERE doc = ?", (doc_id,))]
        self.db.execute("DELETE FROM reports WHERE doc = ?", (doc_id,))
        for ev in events:
            if not self.db.execute("SELECT 1 FROM reports WHERE event = ? LIMIT 1", (ev,)).fetchone():
                self.db.execute("DELETE FROM events WHERE id = ?", (ev,))
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def _insert_event(self, e: Event) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO events(id, event, mode, actor, recipient, date, date_precision, aux, confidence, score, story, trigger)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (e.id, e.event, e.mode, _j(e.actor), _j(e.recipient), e.date, e.date_precision, _j(e.aux), e.confidence,
             e.score, e.story, e.trigger))
        self.db.execute("DELETE FROM reports WHERE event = ?", (e.id,))
        self.db.executemany(
            "INSERT INTO reports(event, doc, evidence, speaker, outlet, relay) VALUES (?,?,?,?,?,?)",
            [(e.id, r.doc, _j([asdict(s) for s in r.evidence]), _j(r.speaker), r.outlet, _j(r.relay)) for r in e.reports])

    def save_actors(self, actors: Iterable[Actor]) -> None:
        with self.db:
            for a in actors:
                row = self.db.execute("SELECT aliases FROM actors WHERE name = ?", (a.name,)).fetchone()
                aliases = sorted(set(json.loads(row["aliases"]) if row else []) | set(a.aliases))
                self.db.execute(
                    "INSERT OR REPLACE INTO actors(name, country, sector, role, kind, aliases, inferred) VALUES (?,?,?,?,?,?,?)",
                    (a.name, a.country, a.sector, a.role, a.kind, _j(aliases), int(a.inferred)))
