"""Evaluate eventwatch.timex on TimeML-style JSONL (TempEval-3 task A figures).

Usage: python eval/timex.py [DATA_DIR] [--errors N] [--floor VALUE_F1]

DATA_DIR (default ../shared/data/temporal-dev relative to the repository root) holds
``*.jsonl`` files, one document a line: {doc_id, dct, text, timexes: [{start, end, text,
type, value, mod?}]}.

Figures, per file and overall:
- strict extent P/R/F1: system and gold extents identical;
- relaxed extent P/R/F1: extents overlap (one-to-one matching, largest overlap first);
- value F1 and type F1 as TempEval-3 computes attribute F1: a relaxed match counts only if
  the attribute is also equal, so P = correct / system, R = correct / gold;
- value and type accuracy over relaxed matches; documents per second.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch.timex import tag  # noqa: E402


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0
    docs: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)
    false_pos: list[str] = field(default_factory=list)
    wrong_value: list[str] = field(default_factory=list)
    wrong_extent: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in ("gold", "system", "strict", "relaxed", "value", "type", "docs", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("misses", "false_pos", "wrong_value", "wrong_extent"):
            getattr(self, name).extend(getattr(other, name))


def prf(correct: int, system: int, gold: int) -> tuple[float, float, float]:
    p = correct / system if system else 0.0
    r = correct / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def context(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"...{left}[[{text[start:end]}]]{right}..."


def match(gold: list[dict], system: list) -> list[tuple[int, int]]:
    """One-to-one relaxed matching: pairs (gold index, system index), largest overlap first."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            overlap = min(g["end"], s.end) - max(g["start"], s.start)
            if overlap > 0:
                pairs.append((overlap, gi, si))
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = []
    for _, gi, si in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            out.append((gi, si))
    return out


def evaluate_doc(doc: dict) -> Counts:
    c = Counts(docs=1)
    t0 = time.perf_counter()
    system = tag(doc["text"], doc.get("dct"))
    c.seconds = time.perf_counter() - t0
    gold = doc["timexes"]
    text = doc["text"]
    c.gold, c.system = len(gold), len(system)
    pairs = match(gold, system)
    c.relaxed = len(pairs)
    for gi, si in pairs:
        g, s = gold[gi], system[si]
        strict = g["start"] == s.start and g["end"] == s.end
        c.strict += strict
        c.value += g["value"] == s.value
        c.type += g["type"] == s.type
        tag_line = f"{doc['doc_id']} dct={doc.get('dct')}"
        if g["value"] != s.value or g["type"] != s.type:
            c.wrong_value.append(
                f"{tag_line} gold {g['type']} {g['value']!r} sys {s.type} {s.value!r}: {context(text, s.start, s.end)}"
            )
        if not strict:
            c.wrong_extent.append(f"{tag_line} gold {g['text']!r} sys {s.text!r}: {context(text, g['start'], g['end'])}")
    matched_g = {gi for gi, _ in pairs}
    matched_s = {si for _, si in pairs}
    for gi, g in enumerate(gold):
        if gi not in matched_g:
            c.misses.append(f"{doc['doc_id']} {g['type']} {g['value']!r}: {context(text, g['start'], g['end'])}")
    for si, s in enumerate(system):
        if si not in matched_s:
            c.false_pos.append(f"{doc['doc_id']} {s.type} {s.value!r}: {context(text, s.start, s.end)}")
    return c


def report(name: str, c: Counts) -> float:
    sp, sr, sf = prf(c.strict, c.system, c.gold)
    rp, rr, rf = prf(c.relaxed, c.system, c.gold)
    vp, vr, vf = prf(c.value, c.system, c.gold)
    _, _, tf = prf(c.type, c.system, c.gold)
    vacc = c.value / c.relaxed if c.relaxed else 0.0
    tacc = c.type / c.relaxed if c.relaxed else 0.0
    dps = c.docs / c.seconds if c.seconds else float("inf")
    print(f"== {name}: {c.docs} docs, {c.gold} gold, {c.system} system timexes")
    print(f"  strict extent   P {sp:.3f}  R {sr:.3f}  F1 {sf:.3f}")
    print(f"  relaxed extent  P {rp:.3f}  R {rr:.3f}  F1 {rf:.3f}")
    print(f"  value           P {vp:.3f}  R {vr:.3f}  F1 {vf:.3f}  (accuracy on relaxed matches {vacc:.3f})")
    print(f"  type            F1 {tf:.3f}  (accuracy on relaxed matches {tacc:.3f})")
    print(f"  speed           {dps:.0f} docs/s")
    return vf


def sample(title: str, lines: list[str], n: int, rng: random.Random) -> None:
    if not n or not lines:
        return
    print(f"\n-- {title} ({len(lines)}; showing {min(n, len(lines))})")
    for line in rng.sample(lines, min(n, len(lines))):
        print("  " + line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data_dir", nargs="?", default=str(ROOT.parent / "shared" / "data" / "temporal-dev"))
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N sampled errors of each kind")
    ap.add_argument("--floor", type=float, default=None, metavar="VALUE_F1", help="exit 1 if overall value F1 is below this")
    ap.add_argument("--seed", type=int, default=0, help="seed for sampling errors")
    args = ap.parse_args(argv)

    files = sorted(Path(args.data_dir).glob("*.jsonl"))
    if not files:
        print(f"no *.jsonl files in {args.data_dir}", file=sys.stderr)
        return 2
    total = Counts()
    for path in files:
        counts = Counts()
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    counts.add(evaluate_doc(json.loads(line)))
        report(path.name, counts)
        total.add(counts)
    value_f1 = report("overall", total)
    rng = random.Random(args.seed)
    sample("missed (gold not found)", total.misses, args.errors, rng)
    sample("false positives", total.false_pos, args.errors, rng)
    sample("wrong value or type", total.wrong_value, args.errors, rng)
    sample("extent differs", total.wrong_extent, args.errors, rng)
    if args.floor is not None and value_f1 < args.floor:
        print(f"\nvalue F1 {value_f1:.3f} is below the floor {args.floor:.3f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
