#!/usr/bin/env python3
"""Story clustering score (B-cubed) on any labelled set of documents.

    python eval/stories.py [CORPUS LABELS] [--floor F1]

CORPUS is anything `eventwatch run` reads; LABELS is JSON Lines, either one line per story
(`{"story": ..., "docs": [...]}`, the seed gold's format) or one per document
(`{"doc": ..., "story": ...}`). Documents not in LABELS are stories of their own. Without
arguments it scores the bundled sample corpus against tests/fixtures/gold/stories.jsonl.
B-cubed precision and recall average, over documents, how much of a document's predicted
cluster is in its gold cluster and how much of its gold cluster it was put with.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import pipeline, query  # noqa: E402
from eventwatch.settings import Options  # noqa: E402
from eventwatch.store import Store  # noqa: E402


def read_labels(path: Path) -> dict[str, str]:
    labels = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "docs" in row:
            labels.update({d: row["story"] for d in row["docs"]})
        else:
            labels[row["doc"]] = row["story"]
    return labels


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    docs = sorted(pred)
    gold = {d: gold.get(d, f"alone:{d}") for d in docs}
    p = r = 0.0
    for d in docs:
        same_pred = {x for x in docs if pred[x] == pred[d]}
        same_gold = {x for x in docs if gold[x] == gold[d]}
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(docs), r / len(docs)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT / "examples" / "belarus-lithuania-2025")
    ap.add_argument("labels", nargs="?", type=Path, default=ROOT / "tests" / "fixtures" / "gold" / "stories.jsonl")
    ap.add_argument("--actors", action="append", default=[], help="actor files for the run")
    ap.add_argument("--floor", type=float, default=None, help="exit 1 when B-cubed F1 is below this")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        opts = Options(db=Path(tmp) / "eval.db", actor_files=tuple(args.actors))
        result = pipeline.run([args.corpus], opts)
        with Store(opts.db) as store:
            pred = {d["doc"]: d["story"] for d in query.documents(store, result.doc_ids)}
    p, r, f = bcubed(pred, read_labels(args.labels))
    print(f"documents {len(pred)}  stories {len(set(pred.values()))}")
    print(f"B-cubed  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if args.floor is not None and f < args.floor:
        print(f"below the floor {args.floor}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
