#!/usr/bin/env python3
"""What fetching adds to a run, beyond the time spent waiting on the network.

    python bench/fetch.py [--copies N] [--rounds R] [--workers W]

A news site on 127.0.0.1 (tests/local_site.py, in a process of its own) serves the sample articles as HTML pages
with furniture (N copies of each under distinct addresses) and an RSS feed of them. Two
runs into fresh stores, alternately, best of R:

- files: the very same HTML pages saved to disk, ``pipeline.run`` on the folder;
- fetch: ``pipeline.fetch_and_process`` on the feed (robots.txt, feed, every page), with
  no politeness delay (a real site's delay is waiting, not work).

Three measures of what fetching adds beyond the network wait (the time spent inside HTTP
requests, the server's own time included, as the client measures it); the target is at
most 0.10:

- wall: (fetch - network wait - files) / files, best of R each; noisy on a shared machine;
- CPU: (fetch CPU - files CPU) / files CPU, this process (with --workers 1 the whole run);
  waiting uses no CPU, so this is the stage's work and steady under load;
- stage: time inside the fetch stage less the network wait, over the fetch run's time.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from eventwatch import fetch, pipeline  # noqa: E402
from eventwatch.settings import Options  # noqa: E402
from local_site import SAMPLE  # noqa: E402

ACTORS = SAMPLE.parent / "belarus-lithuania-2025.actors.toml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pages = tmp / "pages"
        pages.mkdir()
        server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "local_site.py"), str(args.copies), str(pages)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            base = server.stdout.readline().strip()
            run(args, tmp, pages, base)
        finally:
            server.terminate()
            server.wait(10)


def run(args, tmp: Path, pages: Path, base: str) -> None:
    n = len(list(pages.iterdir()))
    s = fetch.settings(allow_private=True, host_delay=0.0)

    def opts(name: str) -> Options:
        return Options(db=tmp / f"{name}.db", actor_files=(str(ACTORS),), workers=args.workers)

    # Warm-up: the spaCy model and the typer load once per process (both sides share it).
    pipeline.run([pages], opts("warm"))
    best_files = best_work = cpu_files = cpu_fetch = float("inf")
    stage = []
    for r in range(args.rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        res = pipeline.run([pages], opts(f"files{r}"))
        files, cpu1 = time.perf_counter() - t0, time.process_time() - c0
        assert len(res.processed) == n, res.rejected
        t0, c0 = time.perf_counter(), time.process_time()
        res = pipeline.fetch_and_process([fetch.Source(base + "/feed.xml")], opts(f"fetch{r}"), conditional=False,
                                         fetch_settings=s)
        fetched, cpu2 = time.perf_counter() - t0, time.process_time() - c0
        assert len(res.processed) == n, res.rejected
        stage.append((res.fetching - res.waited) / fetched)
        print(f"round {r + 1}: files {files:.2f} s (CPU {cpu1:.2f}); fetch {fetched:.2f} s (CPU {cpu2:.2f}), network "
              f"{res.waited:.2f} s in {res.requests} requests, fetch stage {res.fetching:.2f} s")
        best_files, best_work = min(best_files, files), min(best_work, fetched - res.waited)
        cpu_files, cpu_fetch = min(cpu_files, cpu1), min(cpu_fetch, cpu2)
    print(f"{n} documents, best of {args.rounds}. Fetching adds, beyond the network wait: "
          f"wall {(best_work - best_files) / best_files:+.3f}, CPU {(cpu_fetch - cpu_files) / cpu_files:+.3f}, "
          f"stage {min(stage):.3f}-{max(stage):.3f} of the run")


if __name__ == "__main__":
    main()
