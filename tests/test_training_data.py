"""The team's training sentences (data/training/events) are well formed, varied and
balanced as the typer needs: a malformed line would silently teach it nothing."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from eventwatch.events import typer

DATA = Path(__file__).resolve().parent.parent / "data" / "training" / "events"


def rows():
    for f in sorted(DATA.glob("*.jsonl")):
        for n, line in enumerate(f.read_text("utf-8").splitlines(), 1):
            yield f"{f.name}:{n}", json.loads(line)


def test_every_span_is_in_its_sentence_and_every_type_is_plover():
    bad = []
    for where, d in rows():
        for e in d["events"]:
            if e["type"] not in typer.INDEX or e["type"] == "NONE":
                bad.append(f"{where}: type {e['type']}")
            for span in [e["trigger"]] + [a["text"] for a in e["actor"] + e["recipient"]]:
                if span not in d["text"]:
                    bad.append(f"{where}: {span!r} not in the text")
    assert bad == []


def test_size_negatives_and_coverage():
    data = [d for _, d in rows()]
    types = Counter(e["type"] for d in data for e in d["events"])
    assert len(data) >= 3000
    assert sum(1 for d in data if not d["events"]) >= len(data) / 3
    assert set(types) == set(typer.TYPES) - {"NONE"} and min(types.values()) >= 100
    assert len({d["text"] for d in data}) == len(data), "a sentence appears twice"
