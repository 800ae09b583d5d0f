#!/usr/bin/env python3
"""Throughput of `eventwatch run` against spaCy's own `nlp.pipe`, on the same texts.

    python bench/throughput.py CORPUS [--repeat N] [--workers W]

CORPUS is a folder or file eventwatch can read. Its documents are cleaned once and
repeated N times (each copy made distinct so the store does not skip it) to give the
parser enough work. Both sides use the same model and W processes, and both are timed
from a cold start (model load included), alternately, best of --rounds: spaCy as `spacy.load` + `nlp.pipe(n_process=W)`
over the cleaned texts, eventwatch as a whole `pipeline.run` into a fresh store.
The target is eventwatch >= 0.8 x spaCy, since the parser is the floor. Use real,
varied news for the figure (e.g. ../shared/data/temporal-dev/timebank.jsonl --repeat 1):
copies of a few documents are all rewrites of each other, which makes every copy link
to every other in the story and claim stages, a worst case rather than a typical run.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import clean, ingest, nlp, pipeline  # noqa: E402
from eventwatch.model import RawDocument  # noqa: E402
from eventwatch.settings import Options  # noqa: E402


def make_corpus(corpus: Path, repeat: int, folder: Path) -> tuple[Path, list[str]]:
    """A JSONL file of ``repeat`` distinct copies of every document, and the cleaned texts."""
    raws = [d for d in ingest.read_inputs([corpus]) if isinstance(d, RawDocument)]
    texts, path = [], folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(repeat):
            for r in raws:
                body = clean.decode(r.raw) + "\n" + " " * i  # distinct bytes, same cleaned text
                f.write(json.dumps({"id": f"{r.id}#{i}", "text": body}, ensure_ascii=False) + "\n")
                texts.append(clean.clean(RawDocument(r.id, r.source, body.encode(), r.kind)).text)
    return path, texts


def bench_spacy(texts: list[str], workers: int, model: str | None) -> float:
    t0 = time.perf_counter()
    import spacy

    nlp_ = spacy.load(nlp.resolve_model_name(model))
    for _ in nlp_.pipe(texts, batch_size=32, n_process=workers):
        pass
    return time.perf_counter() - t0


def bench_eventwatch(path: Path, workers: int, model: str | None, folder: Path) -> tuple[float, pipeline.RunResult]:
    opts = Options(db=folder / "bench.db", model=model, workers=workers)
    t0 = time.perf_counter()
    result = pipeline.run([path], opts)
    return time.perf_counter() - t0, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--repeat", type=int, default=60)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--model", default=None)
    ap.add_argument("--rounds", type=int, default=2, help="alternate the two sides this many times; keep each side's best")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, texts = make_corpus(args.corpus, args.repeat, folder)
        words = sum(len(t.split()) for t in texts)
        t_spacy = t_ew = float("inf")
        for i in range(args.rounds):
            t_spacy = min(t_spacy, bench_spacy(texts, args.workers, args.model))
            round_dir = folder / f"round{i}"
            round_dir.mkdir()
            t, result = bench_eventwatch(path, args.workers, args.model, round_dir)
            t_ew = min(t_ew, t)
    n = len(texts)
    print(f"corpus: {n} documents, {words:,} words, {args.workers} processes")
    print(f"spaCy nlp.pipe   {n / t_spacy:8.1f} docs/s  {words / t_spacy:10,.0f} words/s  ({t_spacy:.1f} s)")
    print(f"eventwatch run   {n / t_ew:8.1f} docs/s  {words / t_ew:10,.0f} words/s  ({t_ew:.1f} s, {result.events} events)")
    print(f"ratio eventwatch/spaCy: {t_spacy / t_ew:.2f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
