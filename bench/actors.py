"""Actor resolution: what it costs and whether it gets the sample's people right.

Usage: python bench/actors.py [CORPUS] [--actors FILE] [--repeat N] [--gold ACTORS_JSONL]
                              [--max-overhead PCT]

Timing. The per-document stages run in-process on CORPUS (default: the sample corpus),
N times after a warm-up: spaCy without the entity ruler, spaCy with it, then the actor
stage (``find_mentions``, which completes PERSON entities and links titles and
pronouns), timex, attribution and the event coder, and finally ``resolve_people``
across the documents. Resolution's cost is the ruler's extra parse time plus
``find_mentions`` plus ``resolve_people``; it is reported as a share of the same
pipeline's time without them. ``--max-overhead`` makes the script exit 1 above it.

Accuracy. The corpus is run end to end (``pipeline.run`` into a temporary store) with
and without ``--actors``, and ``actors.jsonl`` is checked against ``--gold`` (default
``../shared/gold/actors.jsonl``): every gold actor must be one entry whose aliases hold
every gold spelling, with the gold country and sector; no entry may hold two gold
actors; an actor the gold marks as only in boilerplate must not appear.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import actors as actors_stage  # noqa: E402
from eventwatch import attribution, clean, events, export, ingest, nlp, pipeline, timex  # noqa: E402
from eventwatch.model import Analysis  # noqa: E402
from eventwatch.settings import Options  # noqa: E402
from eventwatch.store import Store  # noqa: E402

SAMPLE = ROOT / "examples" / "belarus-lithuania-2025"
SAMPLE_ACTORS = ROOT / "examples" / "belarus-lithuania-2025.actors.toml"
GOLD = ROOT.parent / "shared" / "gold" / "actors.jsonl"


def _documents(corpus: Path):
    return [clean.clean(r) for r in ingest.read_inputs([corpus], 10 * 1024 * 1024) if not hasattr(r, "reason")]


def timing(corpus: Path, actor_files: tuple[str, ...], repeat: int) -> dict:
    """Seconds per pass of each part, the median of ``repeat`` passes."""
    reg = actors_stage.load_registry(actor_files)
    plain = nlp.load(None, [])
    ruled = nlp.load(None, reg.ruler_patterns())
    docs = _documents(corpus)
    texts = [d.text for d in docs]
    parts: dict[str, list[float]] = {k: [] for k in ("parse", "parse+ruler", "mentions", "stages", "resolve")}
    for n in range(repeat + 1):
        t0 = time.perf_counter()
        list(plain.pipe(texts))
        t1 = time.perf_counter()
        parsed = list(ruled.pipe(texts))
        t2 = time.perf_counter()
        found = [actors_stage.find_mentions(p, reg, d.published, attribution.scan_quotations(d.text), d.text)
                 for p, d in zip(parsed, docs)]
        t3 = time.perf_counter()
        analyses = []
        for p, d, mentions in zip(parsed, docs, found):
            quotes = attribution.find_quotes(p, d.id)
            times = timex.tag(d.text, d.published)
            ctx = events.Context(doc_id=d.id, mentions=mentions, quotes=quotes, timexes=times, published=d.published,
                                 outlet=d.outlet, describe=lambda tok, p=p, m=mentions: actors_stage.describe(tok, reg, len(m)),
                                 country_of=lambda mid, m=mentions: actors_stage.entity_of(m[mid], {x.id: x for x in m})["country"])
            analyses.append(Analysis(document=d, mentions=mentions, quotes=quotes, timexes=times, events=events.code(p, ctx)))
        t4 = time.perf_counter()
        actors_stage.resolve_people(analyses, reg.people)
        t5 = time.perf_counter()
        if n:  # the first pass warms caches
            for key, value in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                parts[key].append(value)
    med = {k: statistics.median(v) for k, v in parts.items()}
    resolution = max(0.0, med["parse+ruler"] - med["parse"]) + med["mentions"] + med["resolve"]
    rest = med["parse"] + med["stages"]
    return {**med, "docs": len(docs), "chars": sum(map(len, texts)), "resolution": resolution,
            "overhead_pct": 100 * resolution / rest if rest else 0.0}


def run_actors(corpus: Path, actor_files: tuple[str, ...]) -> list[dict]:
    """actors.jsonl of an end-to-end run into a temporary store."""
    with tempfile.TemporaryDirectory() as tmp:
        opts = Options(db=Path(tmp) / "store.db", actor_files=actor_files, workers=1)
        result = pipeline.run([corpus], opts)
        with Store(opts.db) as store:
            export.export(store, Path(tmp) / "out", "jsonl", result.doc_ids)
        return [json.loads(x) for x in (Path(tmp) / "out" / "actors.jsonl").read_text("utf-8").splitlines() if x.strip()]


def check(found: list[dict], gold: list[dict]) -> tuple[list[str], float]:
    """Problems with ``found`` against the gold actors, and sector accuracy over them."""
    problems = []
    sectors_ok = sectors_n = 0
    owner: dict[int, str] = {}
    for g in gold:
        spellings = set(g["aliases"])
        if "boilerplate" in (g.get("note") or ""):
            leaked = [a["name"] for a in found if spellings & set(a["aliases"]) or a["name"] in spellings]
            if leaked:
                problems.append(f"{g['name']}: only in boilerplate, yet found as {leaked}")
            continue
        hits = [i for i, a in enumerate(found) if spellings & (set(a["aliases"]) | {a["name"]})]
        if len(hits) != 1:
            problems.append(f"{g['name']}: in {len(hits)} entries {[found[i]['name'] for i in hits]}")
            continue
        a = found[hits[0]]
        if hits[0] in owner:
            problems.append(f"{g['name']} and {owner[hits[0]]} merged into {a['name']}")
        owner[hits[0]] = g["name"]
        missing = spellings - set(a["aliases"]) - {a["name"]}
        if missing:
            problems.append(f"{g['name']}: spellings missing {sorted(missing)}")
        if a["country"] != g["country"]:
            problems.append(f"{g['name']}: country {a['country']} (gold {g['country']})")
        sectors_n += 1
        sectors_ok += a["sector"] == g["sector"]
        if a["sector"] != g["sector"]:
            problems.append(f"{g['name']}: sector {a['sector']} (gold {g['sector']})")
    return problems, sectors_ok / sectors_n if sectors_n else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(SAMPLE))
    ap.add_argument("--actors", default=str(SAMPLE_ACTORS), help="actor file for the 'with' run")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--max-overhead", type=float, help="exit 1 if resolution adds more than this %% of run time")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    failed = False

    t = timing(corpus, (args.actors,), args.repeat)
    print(f"timing on {t['docs']} documents, {t['chars']:,} characters (median of {args.repeat} passes)")
    for key in ("parse", "parse+ruler", "mentions", "stages", "resolve"):
        print(f"  {key:12} {1000 * t[key]:8.1f} ms")
    print(f"  resolution   {1000 * t['resolution']:8.1f} ms = {t['overhead_pct']:.1f}% of the pipeline without it")
    if args.max_overhead is not None and t["overhead_pct"] > args.max_overhead:
        print(f"FAIL: overhead {t['overhead_pct']:.1f}% > {args.max_overhead}%")
        failed = True

    gold_path = Path(args.gold)
    if gold_path.exists():
        gold = [json.loads(x) for x in gold_path.read_text("utf-8").splitlines() if x.strip()]
        for label, files in (("with actor file", (args.actors,)), ("without actor file", ())):
            problems, sector_acc = check(run_actors(corpus, files), gold)
            print(f"gold actors {label}: {'OK' if not problems else f'{len(problems)} problems'}  sector accuracy {sector_acc:.3f}")
            for p in problems:
                print("  " + p)
            failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
