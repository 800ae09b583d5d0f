#!/usr/bin/env python3
"""Event merging time against the number of events, on a synthetic corpus.

    python bench/merge.py [--events 10000]

Builds per-document events for a synthetic story (the worst case: every report in one
story) with 40 countries, 16 types and dates over three months, then times
`stories.merge` at a quarter, a half and all of the events. Merging compares a report only
with events of the same type group and actor countries (blocking), so the time per event
should stay flat: near-linear in the number of events, not quadratic.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import stories  # noqa: E402
from eventwatch.model import Event, Report, Span  # noqa: E402

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]


def synthetic(n: int, seed: int = 7) -> list[Event]:
    rnd = random.Random(seed)
    countries = [f"C{i:02d}" for i in range(40)]
    out = []
    for i in range(n):
        a, b = rnd.sample(countries, 2)
        day = rnd.randrange(90)
        date = None if rnd.random() < 0.3 else f"2025-{9 + day // 30:02d}-{1 + day % 30:02d}"
        ent = lambda c: [{"name": c, "country": c, "sector": "GOV", "role": None}]  # noqa: E731
        out.append(Event(id=f"e{i}", event=rnd.choice(TYPES), mode=None, actor=ent(a), recipient=ent(b), date=date,
                         date_precision="day" if date else "none", aux=[], confidence=0.8,
                         reports=[Report(doc=f"d{i // 8}", evidence=[Span(0, 10, "evidence..")], date=date)],
                         date_source="timex" if date else None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    args = ap.parse_args()
    events = synthetic(args.events)
    print(f"{'events':>8} {'merged':>8} {'seconds':>8} {'µs/event':>9}")
    for share in (4, 2, 1):
        part = events[: args.events // share]
        t0 = time.perf_counter()
        merged = stories.merge(part)
        dt = time.perf_counter() - t0
        print(f"{len(part):>8} {len(merged):>8} {dt:>8.3f} {dt / len(part) * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
