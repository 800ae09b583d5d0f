#!/usr/bin/env python3
"""How `eventwatch run` scales: with processes, and in memory with corpus size.

    python bench/scaling.py CORPUS [CORPUS ...] [--sizes 1,2,4] [--workers 1,2]

The CORPUS inputs (folders or files eventwatch reads; real news, e.g.
../shared/data/temporal-dev/timebank.jsonl) are repeated k times for each k in --sizes,
each copy made distinct so the store does not skip it. Every run is a fresh process
writing a fresh store, so its peak memory is its own: the figure is the peak resident
set of the main process and of the largest worker (`getrusage`), which should stay flat
as the corpus grows (documents stream through in batches; only the store grows).
Processes: the smallest corpus is run with each --workers count, and the speed-up over
one process is printed. With --dask, the same corpus also runs on a dask.distributed
LocalCluster of the largest --workers count (`run --dask local`): its speed, and the peak
resident set of each of its worker processes (read from the workers themselves); and
every size runs on it right after its plain run, printing the ratio of the two speeds.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import clean, ingest  # noqa: E402
from eventwatch.model import RawDocument  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from eventwatch import pipeline
from eventwatch.settings import Options
t0 = time.perf_counter()
dask = sys.argv[4] if len(sys.argv) > 4 else None
worker_mb = []
if dask:
    import distributed
    real_close = pipeline._DaskPool.close
    def close(self):  # the workers' own peak resident sets, before the cluster goes
        worker_mb.extend(v / 1024 for v in self.client.run(
            lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
        real_close(self)
    pipeline._DaskPool.close = close
# dask_min_docs=0: the cluster itself is measured, even on corpora a plain `run --dask
# local` would read in local processes (below 256 documents)
result = pipeline.run([Path(sys.argv[1])], Options(db=Path(sys.argv[2]), workers=int(sys.argv[3]), dask=dask,
                                                   dask_min_docs=0))
print(json.dumps({"seconds": time.perf_counter() - t0, "docs": len(result.processed),
                  "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mb": max(worker_mb) if worker_mb else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "workers_mb": worker_mb}))
"""


def make_corpus(inputs: list[Path], repeat: int, path: Path) -> int:
    raws = [d for d in ingest.read_inputs(inputs) if isinstance(d, RawDocument)]
    with path.open("w", encoding="utf-8") as f:
        for i in range(repeat):
            for r in raws:
                body = clean.decode(r.raw) + "\n" + " " * i  # distinct bytes, same cleaned text
                f.write(json.dumps({"id": f"{r.id}#{i}", "text": body}, ensure_ascii=False) + "\n")
    return len(raws) * repeat


def run(corpus: Path, workers: int, folder: Path, dask: str | None = None) -> dict:
    db = folder / f"store-{corpus.stem}-{workers}-{time.monotonic_ns()}.db"
    out = subprocess.run([sys.executable, "-c", CHILD, str(corpus), str(db), str(workers), *([dask] if dask else [])],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if out.returncode != 0:
        raise SystemExit(f"run failed on {corpus}:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, nargs="+")
    ap.add_argument("--sizes", default="1,2,4", help="repeat factors of the corpus")
    ap.add_argument("--workers", default="1,2", help="process counts to compare on the smallest corpus")
    ap.add_argument("--dask", action="store_true",
                    help="also run on a LocalCluster of the largest --workers count, on every size")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpora = {}
        for k in sizes:
            corpora[k] = folder / f"corpus-x{k}.jsonl"
            n = make_corpus(args.corpus, k, corpora[k])
            print(f"corpus x{k}: {n} documents", flush=True)
        print("\nprocesses (smallest corpus)")
        base = None
        for w in workers:
            r = run(corpora[sizes[0]], w, folder)
            base = base or r["seconds"]
            print(f"  {w} process(es): {r['docs'] / r['seconds']:6.1f} docs/s  speed-up {base / r['seconds']:.2f}x", flush=True)
        if args.dask:
            r = run(corpora[sizes[0]], max(workers), folder, "local")
            print(f"  dask LocalCluster, {max(workers)} workers: {r['docs'] / r['seconds']:6.1f} docs/s  speed-up "
                  f"{base / r['seconds']:.2f}x  workers' peak {', '.join(f'{m:.0f}' for m in r['workers_mb'])} MB, "
                  f"client {r['main_mb']:.0f} MB", flush=True)
        print(f"\nmemory ({max(workers)} processes): peak resident set")
        for k in sizes:
            r = run(corpora[k], max(workers), folder)
            print(f"  x{k:<3} {r['docs']:6d} docs  {r['docs'] / r['seconds']:6.1f} docs/s  "
                  f"main {r['main_mb']:6.0f} MB  largest worker {r['worker_mb']:6.0f} MB", flush=True)
            if args.dask:  # the same corpus right after, so both see the same load on the machine
                d = run(corpora[k], max(workers), folder, "local")
                print(f"        dask {d['docs'] / d['seconds']:6.1f} docs/s: {r['seconds'] / d['seconds']:.2f}x "
                      f"the {max(workers)}-process run", flush=True)


if __name__ == "__main__":
    main()
