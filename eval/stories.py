#!/usr/bin/env python3
"""Story clustering score (B-cubed) on any labelled set of documents.

    python eval/stories.py [CORPUS LABELS] [--floor F1]
    python eval/stories.py CORPUS.jsonl --split train [--keep DB] [--sweep]

CORPUS is anything `eventwatch run` reads; LABELS is JSON Lines, either one line per story
(`{"story": ..., "docs": [...]}`, the seed gold's format) or one per document
(`{"doc": ..., "story": ...}`). Documents not in LABELS are stories of their own. Without
arguments it scores the bundled sample corpus against tests/fixtures/gold/stories.jsonl.
A JSONL corpus whose rows carry their own `story` (and `split`), as stories-dev does, needs
no LABELS; `--split` keeps the rows of one split. `--keep DB` keeps the store (and reuses
it: stored documents are not read again); `--sweep` then re-links the stored documents
under a grid of content thresholds and term settings (data/stories.toml's other rules as
they are), which is how the thresholds in stories.toml were chosen.
B-cubed precision and recall average, over documents, how much of a document's predicted
cluster is in its gold cluster and how much of its gold cluster it was put with.
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import pipeline, query, stories  # noqa: E402
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
    # cluster sizes and overlaps, so 100,000 documents cost no more than their count
    n_pred = Counter(pred[d] for d in docs)
    n_gold = Counter(gold[d] for d in docs)
    n_both = Counter((pred[d], gold[d]) for d in docs)
    p = r = 0.0
    for d in docs:
        both = n_both[(pred[d], gold[d])]
        p += both / n_pred[pred[d]]
        r += both / n_gold[gold[d]]
    p, r = p / len(docs), r / len(docs)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def corpus_split(corpus: Path, split: str | None, tmp: Path) -> tuple[Path, dict[str, str]]:
    """The rows of one split as a corpus of their own, and their labels."""
    rows = [json.loads(line) for line in corpus.read_text("utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if split is None or r.get("split") == split]
    out = tmp / f"{corpus.stem}-{split or 'all'}.jsonl"
    out.write_text("".join(json.dumps({k: r[k] for k in ("id", "text", "title", "published", "url") if k in r}) + "\n"
                           for r in rows), "utf-8")
    return out, {r["id"]: r["story"] for r in rows}


def relink(store: Store, r: stories.Rules) -> dict[str, str]:
    """The stories the stored documents would form under rules ``r``: the pipeline's links
    (blocking keys, a key shared by over 200 documents skipped), as connected components."""
    feats = {}
    for row in store.db.execute("SELECT id, title, text, features FROM documents WHERE features IS NOT NULL ORDER BY id"):
        data = json.loads(row["features"])
        feats[row["id"]] = stories.DocFeatures(row["id"], data.get("people", []), data.get("sketch", []), data.get("published"),
                                               stories.term_vector(row["title"], row["text"] or "", r),
                                               stories.lead_vector(row["title"], row["text"] or "", r))
    index: dict[str, list[str]] = {}
    for d, f in feats.items():
        for k in f.keys(r.key_terms):
            index.setdefault(k, []).append(d)
    parent = {d: d for d in feats}

    def find(d):
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    for d, f in feats.items():
        cands = {o for k in f.keys(r.key_terms) if len(index[k]) <= 200 for o in index[k] if o > d}
        for o in sorted(cands):
            if stories.link(f, feats[o], r):
                parent[find(o)] = find(d)
    return {d: find(d) for d in feats}


def sweep(store: Store, gold: dict[str, str]) -> None:
    base = stories.rules()
    grid = dict(lead_share=[0.0, 0.2, 0.3, 0.4], lead_words=[30, 40, 60], content_similarity=[0.35, 0.38, 0.4, 0.42, 0.45])
    print("lead_share lead_words similarity   P      R      F1")
    for share, lead, sim in itertools.product(*grid.values()):
        r = dataclasses.replace(base, lead_share=share, lead_words=lead, content_similarity=sim,
                                undated_content_similarity=sim)
        p, rec, f = bcubed(relink(store, r), gold)
        print(f"{share:10.1f} {lead:10d} {sim:10.2f}   {p:.3f}  {rec:.3f}  {f:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT / "examples" / "belarus-lithuania-2025")
    ap.add_argument("labels", nargs="?", type=Path, default=ROOT / "tests" / "fixtures" / "gold" / "stories.jsonl")
    ap.add_argument("--actors", action="append", default=[], help="actor files for the run")
    ap.add_argument("--floor", type=float, default=None, help="exit 1 when B-cubed F1 is below this")
    ap.add_argument("--split", default=None, help="only the corpus rows of this split (labels from the rows)")
    ap.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the store at this path")
    ap.add_argument("--sweep", action="store_true", help="also score a grid of content thresholds on the stored documents")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, labels = args.corpus, None
        if args.split is not None or (args.corpus.suffix == ".jsonl" and args.labels == ap.get_default("labels")):
            corpus, labels = corpus_split(args.corpus, args.split, Path(tmp))
        opts = Options(db=args.keep or Path(tmp) / "eval.db", actor_files=tuple(args.actors))
        result = pipeline.run([corpus], opts)
        labels = labels if labels is not None else read_labels(args.labels)
        with Store(opts.db) as store:
            pred = {d["doc"]: d["story"] for d in query.documents(store, result.doc_ids)}
            if args.sweep:
                sweep(store, labels)
    p, r, f = bcubed(pred, labels)
    print(f"documents {len(pred)}  stories {len(set(pred.values()))}")
    print(f"B-cubed  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if args.floor is not None and f < args.floor:
        print(f"below the floor {args.floor}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
