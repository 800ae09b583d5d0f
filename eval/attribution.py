"""Evaluate eventwatch.attribution on PolNeAR-style data.

Usage: eval/attribution.py [DATA_DIR] [--floor-content F] [--floor-speaker S] [--errors N]
                           [--crisis CRISIS_DIR]

DATA_DIR holds ``polnear-dev.jsonl`` (default: <repo>/../shared/data/attribution-dev).
Speaker accuracy is also given by ``speaker_from``, the kind of words naming the speaker
(named, title, pronoun, institution, statement). ``--crisis`` runs the whole pipeline on a
crisis set (``docs.jsonl`` and ``gold/``, e.g. ../shared/data/crisis-dev/inpk25) and scores
its quotes with the project's scorer (speaker resolved to the gold actor), by the same kinds.

Conventions, chosen so that the figures measure what the pipeline needs:
- Content spans are matched one to one, largest overlap first. PolNeAR keeps the quotation
  marks and a "that" in content; ``find_quotes`` returns direct quotations without marks.
  "Exact" therefore compares spans after stripping surrounding spaces, quotation marks,
  punctuation and a leading "that".
- PolNeAR joins the pieces of an interrupted quotation ("“A,” she said. “B.”") into one
  attribution with several spans; ``find_quotes`` returns one quotation per piece. A
  prediction that falls on another piece of an already matched attribution is a
  continuation: neither a true nor a false positive.
- Speaker accuracy is over matched attributions: right when the predicted speaker span
  overlaps the gold source, when a relayed medium is named in the gold source and no
  speaker is predicted, or when both are absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from eventwatch import nlp as nlp_mod  # noqa: E402
from eventwatch.attribution import find_quotes  # noqa: E402
from eventwatch.model import Quote  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "attribution-dev"
_EDGE = " \t\n\u00a0\"“”‘’'`.,;:!?…—–-()[]"


@dataclass
class Gold:
    spans: list[tuple[int, int]]
    source: list[tuple[int, int]] | None
    source_text: str
    cue: str

    @property
    def extent(self) -> tuple[int, int]:
        return min(s for s, _ in self.spans), max(e for _, e in self.spans)


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    continuations: int = 0
    overlap: int = 0
    exact: int = 0
    speaker_right: int = 0
    cue_right: int = 0
    docs: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)
    false_pos: list[str] = field(default_factory=list)
    wrong_speaker: list[str] = field(default_factory=list)
    by_cue: dict[str, list[int]] = field(default_factory=dict)  # cue -> [matched, unmatched]
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # speaker_from -> [right, matched]


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gold_of(record: dict) -> list[Gold]:
    out = []
    for a in record["attributions"]:
        content = a.get("content")
        if not content or not content.get("spans"):
            continue
        src = a.get("source")
        out.append(Gold(
            spans=[(int(s), int(e)) for s, e in content["spans"]],
            source=[(int(s), int(e)) for s, e in src["spans"]] if src else None,
            source_text=src["text"] if src else "",
            cue=(a.get("cue") or {}).get("text", "") or "",
        ))
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def normal(text: str, start: int, end: int) -> str:
    piece = text[start:end].strip(_EDGE)
    if piece.lower().startswith("that "):
        piece = piece[5:].strip(_EDGE)
    return " ".join(piece.split())


def gold_overlap(q: Quote, g: Gold) -> int:
    return sum(overlap((q.start, q.end), s) for s in g.spans)


def match(quotes: list[Quote], golds: list[Gold]) -> dict[int, int]:
    """One-to-one matching of predictions to gold attributions, largest overlap first."""
    pairs = sorted(
        ((gold_overlap(q, g), i, j) for i, q in enumerate(quotes) for j, g in enumerate(golds) if gold_overlap(q, g)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for _, i, j in pairs:
        if i in used_q or j in used_g:
            continue
        used_q.add(i)
        used_g.add(j)
        out[i] = j
    return out


def is_continuation(q: Quote, golds: list[Gold], matched: dict[int, int], quotes: list[Quote]) -> bool:
    """Falls on a piece of a matched multi-span attribution that its match does not cover."""
    for i, j in matched.items():
        g = golds[j]
        if len(g.spans) < 2:
            continue
        other = quotes[i]
        for s in g.spans:
            if overlap((q.start, q.end), s) and not overlap((other.start, other.end), s):
                return True
    return False


def exact(text: str, q: Quote, g: Gold) -> bool:
    mine = normal(text, q.start, q.end)
    return mine == normal(text, *g.extent) or any(mine == normal(text, *s) for s in g.spans)


def speaker_right(text: str, q: Quote, g: Gold) -> bool:
    if g.source is None:
        return q.speaker_span is None and not q.relay
    if q.speaker_span is not None:
        return any(overlap((q.speaker_span.start, q.speaker_span.end), s) for s in g.source)
    return any(name.lower() in g.source_text.lower() for name in q.relay)


def cue_right(q: Quote, g: Gold) -> bool:
    if not q.cue or not g.cue:
        return False
    mine, theirs = q.cue.lower(), g.cue.lower()
    return mine in theirs or theirs in mine


def show(text: str, start: int, end: int, width: int = 110) -> str:
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= width else piece[: width - 3] + "..."


def score_doc(record: dict, quotes: list[Quote], t: Tally) -> None:
    text = record["text"]
    golds = gold_of(record)
    matched = match(quotes, golds)
    t.gold += len(golds)
    for i, q in enumerate(quotes):
        if i in matched:
            g = golds[matched[i]]
            t.pred += 1
            t.overlap += 1
            t.exact += exact(text, q, g)
            ok = speaker_right(text, q, g)
            t.speaker_right += ok
            kind = t.by_kind.setdefault(q.speaker_from or "none", [0, 0])
            kind[0] += ok
            kind[1] += 1
            t.cue_right += cue_right(q, g)
            t.by_cue.setdefault((q.cue or "-").lower(), [0, 0])[0] += 1
            if not ok:
                got = q.speaker_span.text if q.speaker_span else f"relay={q.relay}"
                t.wrong_speaker.append(f"{record['doc_id']}: gold {g.source_text!r} got {got!r} :: {show(text, q.start, q.end, 80)}")
        elif is_continuation(q, golds, matched, quotes):
            t.continuations += 1
        else:
            t.pred += 1
            t.by_cue.setdefault((q.cue or "-").lower(), [0, 0])[1] += 1
            who = q.speaker_span.text if q.speaker_span else None
            t.false_pos.append(f"{record['doc_id']}: [{who} / {q.cue}] {show(text, q.start, q.end)}")
    hit = set(matched.values())
    for j, g in enumerate(golds):
        if j not in hit:
            t.misses.append(f"{record['doc_id']}: [{g.source_text} / {g.cue}] {show(text, *g.extent)}")


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(t: Tally, errors: int, by_cue: bool = False) -> tuple[float, float]:
    print(f"documents {t.docs}  gold attributions {t.gold}  predictions {t.pred} (+{t.continuations} continuations)")
    for name, tp in (("exact", t.exact), ("overlap", t.overlap)):
        p, r, f = prf(tp, t.pred, t.gold)
        print(f"content {name:8s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    speaker = t.speaker_right / t.overlap if t.overlap else 0.0
    cue = t.cue_right / t.overlap if t.overlap else 0.0
    print(f"speaker accuracy {speaker:.3f} ({t.speaker_right}/{t.overlap} matched)")
    print(f"cue accuracy     {cue:.3f}")
    print(f"speed            {t.docs / t.seconds if t.seconds else 0:.1f} docs/s (parse + find_quotes)")
    print_kinds(t.by_kind)
    if by_cue:
        print("\n== predictions by cue: matched / unmatched")
        for cue, (hit, miss) in sorted(t.by_cue.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {cue:24s} {hit:4d} {miss:4d}")
    if errors:
        for title, items in (("misses", t.misses), ("false positives", t.false_pos), ("wrong speakers", t.wrong_speaker)):
            print(f"\n== {title} ({len(items)}), first {min(errors, len(items))}")
            for line in items[:errors]:
                print("  " + line)
    return prf(t.overlap, t.pred, t.gold)[2], speaker


def print_kinds(by_kind: dict[str, list[int]]) -> None:
    print("speaker by kind  " + "  ".join(f"{k} {r}/{n}" for k, (r, n) in sorted(by_kind.items(), key=lambda kv: -kv[1][1])))


def crisis(path: Path, errors: int) -> float:
    """The whole pipeline on a crisis set, its quotes scored by the project's scorer."""
    import importlib.util
    import tempfile

    from eventwatch import export, pipeline
    from eventwatch.settings import Options
    from eventwatch.store import Store

    spec = importlib.util.spec_from_file_location("score_events", REPO.parent / "shared" / "tools" / "score_events.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    with tempfile.TemporaryDirectory() as tmp:
        opts = Options(db=Path(tmp) / "store.db", workers=1)
        pipeline.run([path / "docs.jsonl"], opts)
        with Store(opts.db) as store:
            export.export(store, Path(tmp) / "out", tables=("quotes",))
        quotes = scorer.load(Path(tmp) / "out" / "quotes.jsonl")
    gold, actors = scorer.load(path / "gold" / "quotes.jsonl"), scorer.load(path / "gold" / "actors.jsonl")
    result = scorer.score_quotes(gold, quotes, actors)
    canon = {scorer.fold(al): a["name"] for a in actors for al in a["aliases"] + [a["name"]]}
    by_kind: dict[str, list[int]] = {}
    wrong = []
    for g in gold:
        cands = [q for q in quotes if scorer.doc_key(q.get("doc")) == g["doc"] and g["quote"] in (q.get("text") or "")]
        if not cands:
            wrong.append(f"{g['doc']}: not found :: {g['quote'][:70]}")
            continue
        q = cands[0]
        name = (q.get("speaker") or {}).get("name")
        ok = canon.get(scorer.fold(name)) == g["speaker"]
        kind = by_kind.setdefault(q.get("speaker_from") or "none", [0, 0])
        kind[0] += ok
        kind[1] += 1
        if not ok:
            wrong.append(f"{g['doc']}: gold {g['speaker']!r} got {name!r} ({q.get('speaker_from')}) :: {g['quote'][:60]}")
    print(f"\ncrisis {path.name}: quotes found {result['found']}/{result['gold']}  speaker right {result['speaker_right']}/{result['gold']}")
    print_kinds(by_kind)
    if errors:
        print(f"\n== crisis errors ({len(wrong)})")
        for line in wrong[:errors]:
            print("  " + line)
    return result["speaker_right"] / result["gold"] if result["gold"] else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--floor-content", type=float, default=None, help="exit 1 if content F1 (overlap) is below")
    ap.add_argument("--floor-speaker", type=float, default=None, help="exit 1 if speaker accuracy is below")
    ap.add_argument("--errors", type=int, default=0, help="print this many misses, false positives and wrong speakers")
    ap.add_argument("--by-cue", action="store_true", help="print matched and unmatched predictions per cue word")
    ap.add_argument("--crisis", type=Path, default=None, help="also score the quotes of a crisis set through the pipeline")
    ap.add_argument("--floor-crisis-speaker", type=float, default=None,
                    help="exit 1 if the crisis set's share of quotes with the right speaker is below")
    args = ap.parse_args(argv)
    path = args.data_dir / "polnear-dev.jsonl"
    if not path.exists():
        print(f"no data at {path}", file=sys.stderr)
        return 2
    records = load(path)
    nlp = nlp_mod.load()
    t = Tally()
    start = time.perf_counter()
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        score_doc(record, find_quotes(doc, record["doc_id"]), t)
        t.docs += 1
    t.seconds = time.perf_counter() - start
    content_f1, speaker = report(t, args.errors, args.by_cue)
    crisis_speaker = crisis(args.crisis, args.errors) if args.crisis is not None else None
    failed = []
    if args.floor_content is not None and content_f1 < args.floor_content:
        failed.append(f"content F1 {content_f1:.3f} < {args.floor_content}")
    if args.floor_speaker is not None and speaker < args.floor_speaker:
        failed.append(f"speaker accuracy {speaker:.3f} < {args.floor_speaker}")
    if args.floor_crisis_speaker is not None and (crisis_speaker or 0.0) < args.floor_crisis_speaker:
        failed.append(f"crisis speakers {crisis_speaker or 0.0:.3f} < {args.floor_crisis_speaker}")
    for line in failed:
        print("FAIL: " + line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
