"""The one query layer: the CLI's exports (and later the API and dashboard) read the
store only through these functions, so every interface shows the same records."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable, Iterator

from .store import Store


def _in(column: str, values: list[str] | None) -> tuple[str, list]:
    if values is None:
        return "1=1", []
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def documents(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    where, args = _in("id", doc_ids)
    for r in store.db.execute(f"SELECT * FROM documents WHERE {where} ORDER BY id", args):
        yield {"doc": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
               "language": r["language"], "text": r["text"], "story": r["story"], "url": r["url"], "source": r["source"]}


def events(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Events with every report; restricted to events reported by ``doc_ids`` if given."""
    where, args = _in("doc", doc_ids)
    ids = [r[0] for r in store.db.execute(f"SELECT DISTINCT event FROM reports WHERE {where}", args)]
    reports = defaultdict(list)
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    for r in store.db.execute(f"SELECT * FROM reports WHERE event IN ({marks}) ORDER BY doc, rowid", ids):
        reports[r["event"]].append({"doc": r["doc"], "evidence": json.loads(r["evidence"]), "speaker": json.loads(r["speaker"]),
                                    "outlet": r["outlet"], "relay": json.loads(r["relay"] or "[]")})
    for r in store.db.execute(f"SELECT * FROM events WHERE id IN ({marks}) ORDER BY date IS NULL, date, id", ids):
        yield {"id": r["id"], "event": r["event"], "mode": r["mode"], "actor": json.loads(r["actor"]),
               "recipient": json.loads(r["recipient"]), "date": r["date"], "date_precision": r["date_precision"],
               "aux": json.loads(r["aux"]), "confidence": r["confidence"], "score": r["score"], "story": r["story"],
               "trigger": r["trigger"], "reports": reports[r["id"]]}


def quotes(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    where, args = _in("doc", doc_ids)
    for r in store.db.execute(f'SELECT * FROM quotes WHERE {where} ORDER BY doc, start', args):
        yield {"doc": r["doc"], "start": r["start"], "end": r["end"], "text": r["text"], "speaker": json.loads(r["speaker"]),
               "direct": bool(r["direct"]), "cue": r["cue"], "relay": json.loads(r["relay"] or "[]"), "claim": bool(r["claim"])}


def actors(store: Store, doc_ids: list[str] | None = None) -> Iterator[dict]:
    """Resolved actors with every spelling seen and how often they are mentioned."""
    where, args = _in("doc", doc_ids)
    seen: dict[str, dict] = {}
    for r in store.db.execute(f"SELECT actor, text, kind FROM mentions WHERE actor IS NOT NULL AND {where}", args):
        a = seen.setdefault(r["actor"], {"aliases": set(), "mentions": 0})
        a["mentions"] += 1
        if r["kind"] == "name":
            a["aliases"].add(r["text"])
    for name in sorted(seen):
        row = store.db.execute("SELECT * FROM actors WHERE name = ?", (name,)).fetchone()
        info = seen[name]
        yield {"name": name, "country": row["country"] if row else None, "sector": row["sector"] if row else None,
               "role": row["role"] if row else None, "kind": row["kind"] if row else None,
               "aliases": sorted(info["aliases"] | ({name} if row and row["kind"] == "person" else set())),
               "mentions": info["mentions"], "inferred": bool(row["inferred"]) if row else False}


def rejected(store: Store) -> Iterable[dict]:
    return [dict(r) for r in store.db.execute("SELECT id, source, reason, at FROM rejected ORDER BY at")]
