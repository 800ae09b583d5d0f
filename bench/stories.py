#!/usr/bin/env python3
"""Story clustering time and memory against the number of documents, on synthetic news.

    python bench/stories.py [--docs 10000,100000] [--batch 50]
    python bench/stories.py --run CORPUS     # the share of a real run spent on stories

Why: a document joins a story by the stored documents it shares blocking keys with (its
heaviest terms, people, min-hashes), never by comparing all pairs, so the time to place one
document should not grow with the store, and the memory of the main process should stay
bounded. Each synthetic story has its own rare words (place and person names, as a real
story has) on top of words drawn from the background vocabulary by frequency, and a date;
documents are written through the real store in batches and linked by
`pipeline.assign_stories`, exactly the path `eventwatch run` takes after reading. Prints,
per slice of the run, the milliseconds per document and the peak RSS, and B-cubed F1
against the synthetic stories (a check that the work done is the real one).
"""
from __future__ import annotations

import argparse
import hashlib
import math
import random
import resource
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "eval"))

from eventwatch import pipeline, stories  # noqa: E402
from eventwatch.model import Analysis, Document  # noqa: E402
from eventwatch.store import Store  # noqa: E402


def vocabulary() -> tuple[list[str], list[float]]:
    """Background words with Zipf weights from their rank (the idf table's inverse)."""
    table, _ = stories.background()
    words = [w for w in table if w.isalpha()]
    weights = [1.0 / (math.exp(table[w]) - 1 + 1e-9) for w in words]
    return words, weights


def _letters(i: int) -> str:
    """A number spelt in letters: a made-up name unique to its story."""
    out = ""
    while True:
        out += "bcdfghjklmnprstvwz"[i % 18] + "aeiou"[(i // 18) % 5]
        i //= 90
        if not i:
            return out


def corpus(n: int, seed: int = 13):
    rnd = random.Random(seed)
    words, weights = vocabulary()
    n_stories = max(1, n // 6)
    for i in range(n):
        s = rnd.randrange(n_stories)
        srnd = random.Random(s * 7919 + seed)
        own = [f"{srnd.choice('bdgkmprstvz')}{srnd.choice('aeiou')}{_letters(s * 8 + j)}" for j in range(8)]
        day = 1 + (s * 37) % 365
        text = " ".join(rnd.choices(own, k=12) + rnd.choices(words, weights, k=120))
        title = " ".join(rnd.sample(own, 3) + rnd.choices(words, weights, k=4))
        published = f"2025-{1 + (day - 1) // 31:02d}-{1 + (day - 1) % 28:02d}" if rnd.random() < 0.7 else None
        doc = Document(id=f"d{i:07d}", text=text, content_hash=hashlib.sha1(text.encode()).hexdigest(), title=title,
                       published=published)
        yield Analysis(doc), f"s{s}"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
        gold, pending = {}, []
        spent, done, slice_t, slice_n = 0.0, 0, 0.0, 0
        report_every = max(n // 5, 1)
        print(f"{'documents':>10} {'ms/doc (slice)':>15} {'peak RSS MB':>12}")

        def flush():
            nonlocal spent, slice_t
            t0 = time.perf_counter()
            feats = {a.document.id: stories.features(a) for a in pending}
            with store.transaction():
                store.write_batch(pending, {}, "bench", [], {d: {**asdict(f), "keys": f.keys()} for d, f in feats.items()})
                pipeline.assign_stories(store, list(feats.values()), set())
            dt = time.perf_counter() - t0
            spent += dt
            slice_t += dt
            pending.clear()

        for a, s in corpus(n):
            gold[a.document.id] = s
            pending.append(a)
            done += 1
            slice_n += 1
            if len(pending) >= batch:
                flush()
            if done % report_every == 0:
                if pending:
                    flush()
                print(f"{done:>10} {slice_t / slice_n * 1e3:>15.2f} {rss_mb():>12.0f}")
                slice_t, slice_n = 0.0, 0
        if pending:
            flush()
        pred = {r[0]: r[1] for r in store.db.execute("SELECT id, story FROM documents")}
    from stories import bcubed  # eval/stories.py

    p, r, f = bcubed(pred, gold)
    print(f"{n} documents: {spent:.1f} s clustering, {spent / n * 1e3:.2f} ms/doc; B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")


def share(corpus: Path) -> None:
    """Wall time of a real run (fresh store, default options) and the part spent on story
    features, linking and merging, which run in the main process after each batch."""
    from eventwatch.settings import Options

    spent = {"features": 0.0, "stories": 0.0}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0
        return wrapper

    pipeline.stories.features = timed("features", stories.features)
    pipeline.assign_stories = timed("stories", pipeline.assign_stories)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = pipeline.run([corpus], Options(db=Path(tmp) / "share.db"))
        wall = time.perf_counter() - t0
    total = spent["features"] + spent["stories"]
    print(f"{len(result.processed)} documents in {wall:.1f} s: story features {spent['features']:.2f} s, linking and "
          f"merging {spent['stories']:.2f} s, together {total / wall:.1%} of the run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", default="10000,100000", help="store sizes, comma-separated (one run each)")
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--run", type=Path, default=None, help="instead: time a real run of this corpus")
    args = ap.parse_args()
    if args.run:
        share(args.run)
        return
    for n in (int(x) for x in args.docs.split(",")):
        run(n, args.batch)


if __name__ == "__main__":
    main()
