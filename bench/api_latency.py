"""API latency on a store of 10,000 events: median time of filtered ``GET /api/events``.

Builds a synthetic store through the store's own write path (``write_batch`` and
``replace_story_events``, as the pipeline calls them),
serves it with uvicorn on a free loopback port, and times real HTTP requests.
Target: under 100 ms median for a filtered events page.

    python bench/api_latency.py [--events 10000] [--repeat 30] [--db PATH]
"""
from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from eventwatch import query
from eventwatch.model import Analysis, Document, Event, Report, Span
from eventwatch.store import Store

TARGET_MS = 100.0
EVENTS_PER_DOC = 5
SIDES = [("Lithuania", "LTU"), ("Belarus", "BLR"), ("Poland", "POL"), ("Latvia", "LVA"), ("Russia", "RUS"),
         ("Ukraine", "UKR"), ("United States", "USA"), ("European Union", "EUR"), ("NATO", "IGO")]
PEOPLE = [("Kęstutis Budrys", "LTU"), ("Alaksandar Łukašenka", "BLR"), ("Gitanas Nausėda", "LTU"),
          ("Maxim Ryzhenkov", "BLR"), ("Radosław Sikorski", "POL")]
TYPES = {"AGREE": 4.0, "CONSULT": 2.0, "SUPPORT": 3.5, "CONCEDE": 5.0, "COOPERATE": 6.0, "AID": 7.0, "RETREAT": 5.0,
         "REQUEST": -1.0, "ACCUSE": -3.0, "REJECT": -4.0, "THREATEN": -6.0, "PROTEST": -5.0, "SANCTION": -5.5,
         "MOBILIZE": -6.5, "COERCE": -7.0, "ASSAULT": -9.0}
OUTLETS = ["Pozirk", "AP", "Reuters", "LRT", "BelTA", "Reform.news", "Delfi"]
QUERIES = {
    "events country=LTU recipient=BLR": "/api/events?country=LTU&recipient=BLR",
    "events type=REJECT sort=-date": "/api/events?type=REJECT&sort=-date",
    "events actor=Lukashenko (alias)": "/api/events?actor=Alaksandar%20%C5%81uka%C5%A1enka",
    "events from/to one month": "/api/events?from=2025-03-01&to=2025-03-31",
    "events q=border": "/api/events?q=border",
    "events dyad=LTU,BLR page 5": "/api/events?dyad=LTU,BLR&offset=200",
    "dyads LTU/BLR by week": "/api/dyads?a=LTU&b=BLR&interval=week",
    "network by country": "/api/network?level=country",
}
HEADLINE = "events country=LTU recipient=BLR"


def entity(name: str, country: str, person: bool) -> dict:
    return {"name": name, "country": country, "sector": "GOV", "role": "Minister" if person else "state"}


def build(db: Path, n_events: int, seed: int = 7) -> None:
    """Write ``n_events`` events (five per synthetic document) through the store's write path."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    with Store(db) as store:
        batch: list[Analysis] = []
        for d in range(n_events // EVENTS_PER_DOC):
            day = start + timedelta(days=rng.randrange(365))
            sentences, events = [], []
            for k in range(EVENTS_PER_DOC):
                who = rng.choice(SIDES + PEOPLE)
                whom = rng.choice([s for s in SIDES if s[1] != who[1]])
                kind = rng.choice(list(TYPES))
                sentence = (f"{who[0]} said {kind.lower()} moves against {whom[0]} at the border "
                            f"were announced on day {k} of the crisis.")
                offset = sum(len(s) + 1 for s in sentences)
                sentences.append(sentence)
                roll = rng.random()
                when = day.isoformat() if roll < 0.7 else day.isoformat()[:7] if roll < 0.8 else None
                events.append(Event(
                    id=f"ev-bench-{d:05d}-{k}", event=kind, mode=None,
                    actor=[entity(who[0], who[1], who in PEOPLE)], recipient=[entity(whom[0], whom[1], False)],
                    date=when, date_precision="day" if when and len(when) == 10 else "month" if when else "none",
                    aux=[], confidence=round(rng.uniform(0.5, 1.0), 2), score=TYPES[kind], story=f"story-{d // 3:05d}",
                    trigger=kind.lower(), reports=[Report(doc=f"bench-{d:05d}", evidence=[Span(offset, offset + len(sentence), sentence)],
                                                          speaker=None, outlet=OUTLETS[d % len(OUTLETS)])]))
            text = "\n".join(sentences)
            doc = Document(id=f"bench-{d:05d}", text=text, content_hash=f"bench{d:010d}", source="bench",
                           title=f"Border report {d}", outlet=OUTLETS[d % len(OUTLETS)], published=day.isoformat(),
                           language="en", story=f"story-{d // 3:05d}")
            batch.append(Analysis(document=doc, events=events, words=len(text.split())))
            if len(batch) == 200:
                write(store, batch)
                batch = []
        if batch:
            write(store, batch)


def write(store: Store, batch: list[Analysis]) -> None:
    """As the pipeline does: the documents and their coded events, then the merged events."""
    store.write_batch(batch, {}, "bench")
    store.replace_story_events([a.document.id for a in batch], [e for a in batch for e in a.events])


def serve(db: Path):
    """uvicorn in a thread on a free loopback port; returns (base URL, server)."""
    import uvicorn

    from eventwatch.api import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(db, token=""), log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def median_ms(url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat + 2):
        t0 = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as res:
            res.read()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[2:])  # the first two warm caches


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--db", type=Path, help="Keep the synthetic store here (default: a temporary file).")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or Path(tmp.name) / "bench.db"
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    build(db, args.events)
    with Store(db) as store:
        n = query.count_events(store, query.EventFilter())
    print(f"synthetic store: {n:,} events written in {time.perf_counter() - t0:.1f} s ({db})")
    base, server = serve(db)
    results = {}
    for label, path in QUERIES.items():
        results[label] = median_ms(base + path, args.repeat)
        print(f"  {label:38} median {results[label]:7.1f} ms")
    server.should_exit = True
    head = results[HEADLINE]
    ok = head < TARGET_MS
    print(f"GET /api/events with a filter: median {head:.1f} ms over {args.repeat} requests "
          f"({'under' if ok else 'OVER'} the {TARGET_MS:.0f} ms target)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
