#!/usr/bin/env python3
"""Regenerate the golden files in tests/golden/ from the sample corpus.

One JSON per sample document, one section per stage (clean, mentions, timexes, quotes,
events). tests/test_golden.py compares a fresh run against them section by section, so
a change in any stage shows up as a readable diff. After an intended change, run
`make golden` (this script), read `git diff tests/golden`, and commit both together.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import actors, ingest, pipeline  # noqa: E402
from eventwatch.settings import Options  # noqa: E402

SAMPLE = ROOT / "examples" / "belarus-lithuania-2025"
ACTORS = ROOT / "examples" / "belarus-lithuania-2025.actors.toml"
GOLDEN = ROOT / "tests" / "golden"


def snapshot() -> dict[str, dict]:
    """Every stage's output for every sample document, as plain JSON."""
    opts = Options(actor_files=(str(ACTORS),), workers=1)
    reader = pipeline.Reader(opts)
    analyses = reader.analyse([d for d in ingest.read_inputs([SAMPLE]) if not hasattr(d, "reason")])
    people = actors.resolve_people(analyses, reader.registry.people)
    pipeline.finish(analyses, people)
    out = {}
    for a in analyses:
        d = a.document
        out[d.id] = {
            "clean": {"title": d.title, "outlet": d.outlet, "published": d.published, "language": d.language,
                      "removed": d.removed, "text": d.text},
            "mentions": [[m.text, m.kind, m.actor, m.country, m.sector, m.role] for m in a.mentions],
            "timexes": [[t.text, t.type, t.value, t.mod] for t in a.timexes],
            "quotes": [[q.text[:80], q.direct, q.speaker_span.text if q.speaker_span else None,
                        (q.speaker or {}).get("name"), q.relay, q.claim] for q in a.quotes],
            "events": sorted([[e.event, e.mode, [x["country"] for x in e.actor], [x["country"] for x in e.recipient],
                               e.date, e.aux, e.trigger, (e.reports[0].speaker or {}).get("name"),
                               [s.text[:60] for s in e.reports[0].evidence]] for e in a.events], key=json.dumps),
        }
    return out


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for doc_id, data in snapshot().items():
        path = GOLDEN / f"{doc_id}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
