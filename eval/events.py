"""Evaluate the event coder on PLOVER example sentences and on the sample gold.

Usage: python eval/events.py [DATA_DIR] [--errors N] [--floor-f1 F] [--floor-recall R]
                             [--floor-extra E] [--floor-actor A] [--gold DIR] [--no-sample]

DATA_DIR (default ../shared/data/events-dev relative to the repository root) holds
``*.jsonl`` files, one sentence a line: {id, text, event_plover_2_0, mode, actor:
[{actorText, code, sector}], recipient}. Each sentence is run through the real
pipeline (clean -> nlp -> actors -> timex -> attribution -> events, then actor
resolution and ``pipeline.finish``) as a one-sentence document, with only the starter
actor file. Figures:

- type recall: share of sentences whose gold type is among the predicted types;
- extra types per sentence: predicted types other than the gold one, averaged;
- actor country accuracy: over sentences whose gold type was found and which have a
  gold actor, the share where every gold actor code is among the actor countries of
  the predicted events of that type (for CONSULT and COOPERATE, which are symmetric,
  among actors or recipients); recipient country accuracy likewise over sentences
  with a gold recipient.

Gold codes are CAMEO codes. Most are ISO 3166-1 alpha-3, as eventwatch writes; the
CAMEO-only ones are mapped in ``CAMEO_TO_ISO`` (JAP -> JPN, ITL -> ITA, VTN -> VNM,
ROM -> ROU, ISM "radical Islamist" -> IMG). Non-state codes (IGO, NGO, IMG, MNC) are
compared as they are.

Then the sample corpus (``examples/belarus-lithuania-2025``) is run into a temporary
store with and without the example actor file and scored with the shared scorer
(``../shared/tools/score_events.py``, gold in ``../shared/gold``).

``--floor-f1`` (sample gold F1 with the actor file) and ``--floor-recall`` (type
recall), ``--floor-extra`` (a ceiling on extra types per sentence) and
``--floor-actor`` (actor country accuracy) make the script exit 1 when a figure is
worse: CI calls it with floors a little below the measured figures.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import actors as actors_stage  # noqa: E402
from eventwatch import pipeline  # noqa: E402
from eventwatch.model import Analysis, RawDocument  # noqa: E402
from eventwatch.settings import Options  # noqa: E402

CAMEO_TO_ISO = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "ROM": "ROU", "ISM": "IMG"}
SYMMETRIC = {"CONSULT", "COOPERATE"}
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "belarus-lithuania-2025"


def iso(code: str | None) -> str | None:
    return CAMEO_TO_ISO.get(code, code) if code else None


def load_rows(data: Path) -> list[dict]:
    files = sorted(data.glob("*.jsonl")) if data.is_dir() else [data]
    if not files:
        raise SystemExit(f"no *.jsonl files in {data}")
    rows = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def code_sentences(rows: list[dict], opts: Options) -> tuple[list[list], float]:
    """The events of every sentence, coded as a one-sentence document each."""
    reader = pipeline.Reader(opts)
    raws = [RawDocument(id=f"s{i:04d}", source=r.get("id", str(i)), raw=r["text"].strip().encode("utf-8"), kind="text")
            for i, r in enumerate(rows)]
    t0 = time.perf_counter()
    out = reader.analyse(raws)
    seconds = time.perf_counter() - t0
    analyses = [a for a in out if isinstance(a, Analysis)]
    people = actors_stage.resolve_people(analyses, reader.registry.people)
    pipeline.finish(analyses, people)
    by_id = {a.document.id: a.events for a in analyses}
    return [by_id.get(raw.id, []) for raw in raws], seconds


def countries(entities: list[dict]) -> set[str]:
    return {e["country"] for e in entities if e.get("country")}


def evaluate(rows: list[dict], events: list[list]) -> dict:
    n = len(rows)
    found = extra = 0
    actor_ok = actor_n = recip_ok = recip_n = 0
    per_type: dict[str, Counter] = defaultdict(Counter)
    misses, extras, wrong_actor, wrong_recip = [], [], [], []
    for row, evs in zip(rows, events):
        gold = row["event_plover_2_0"]
        types = {e.event for e in evs}
        per_type[gold]["n"] += 1
        got = [e for e in evs if e.event == gold]
        summary = "; ".join(f"{e.event}/{e.mode} {'+'.join(sorted(countries(e.actor))) or '-'}>"
                            f"{'+'.join(sorted(countries(e.recipient))) or '-'} [{e.trigger}]" for e in evs) or "nothing"
        if got:
            found += 1
            per_type[gold]["found"] += 1
        else:
            misses.append(f"{gold:9} {row['text'][:150]}\n          got: {summary}")
        for t in sorted(types - {gold}):
            extra += 1
            per_type[t]["extra"] += 1
            extras.append(f"{t:9} (gold {gold}) {row['text'][:150]}\n          got: {summary}")
        if not got:
            continue
        pa = set().union(*(countries(e.actor) for e in got))
        pr = set().union(*(countries(e.recipient) for e in got))
        both = pa | pr if gold in SYMMETRIC else None
        gold_a = {iso(a.get("code")) for a in row.get("actor") or []} - {None}
        gold_r = {iso(a.get("code")) for a in row.get("recipient") or []} - {None}
        if gold_a:
            actor_n += 1
            if gold_a <= (both or pa):
                actor_ok += 1
            else:
                wrong_actor.append(f"want {'+'.join(sorted(gold_a))} got {'+'.join(sorted(pa)) or '-'}: {row['text'][:140]}")
        if gold_r:
            recip_n += 1
            if gold_r <= (both or pr):
                recip_ok += 1
            else:
                wrong_recip.append(f"want {'+'.join(sorted(gold_r))} got {'+'.join(sorted(pr)) or '-'}: {row['text'][:140]}")
    return dict(n=n, recall=found / n if n else 0.0, extra=extra / n if n else 0.0,
                actor=actor_ok / actor_n if actor_n else 0.0, actor_n=actor_n,
                recipient=recip_ok / recip_n if recip_n else 0.0, recipient_n=recip_n,
                per_type=per_type, misses=misses, extras=extras, wrong_actor=wrong_actor, wrong_recipient=wrong_recip)


def _scorer():
    path = SHARED / "tools" / "score_events.py"
    spec = importlib.util.spec_from_file_location("score_events", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sample_gold(gold_dir: Path, actor_file: Path | None) -> dict:
    """Run the sample corpus into a temporary store and score it against the gold."""
    from eventwatch import export as export_stage
    from eventwatch.store import Store

    scorer = _scorer()
    with tempfile.TemporaryDirectory() as tmp:
        opts = Options(db=Path(tmp) / "ew.db", actor_files=(str(actor_file),) if actor_file else (), workers=1)
        result = pipeline.run([EXAMPLE], opts)
        with Store(opts.db) as store:
            export_stage.export(store, Path(tmp) / "out", "jsonl", result.doc_ids)
        events = scorer.load(Path(tmp) / "out" / "events.jsonl")
    return scorer.score_events(scorer.load(gold_dir / "events.jsonl"), scorer.predicted_tuples(events))


def crisis(folder: Path) -> dict:
    """The whole pipeline on a crisis set (``docs.jsonl`` and ``gold/``), scored by the
    shared scorer: event F1 end to end, with per-type counts."""
    from eventwatch import export as export_stage
    from eventwatch.store import Store

    scorer = _scorer()
    with tempfile.TemporaryDirectory() as tmp:
        opts = Options(db=Path(tmp) / "ew.db", workers=1)
        result = pipeline.run([folder / "docs.jsonl"], opts)
        with Store(opts.db) as store:
            export_stage.export(store, Path(tmp) / "out", "jsonl", result.doc_ids)
        events = scorer.load(Path(tmp) / "out" / "events.jsonl")
    return scorer.score_events(scorer.load(folder / "gold" / "events.jsonl"), scorer.predicted_tuples(events))


def print_per_type(per_type: dict) -> None:
    print("  per type               tp  fp  fn  precision recall")
    for t, c in sorted(per_type.items()):
        tp, fp, fn = c.get("tp", 0), c.get("fp", 0), c.get("fn", 0)
        print(f"    {t:10} {tp:10d} {fp:3d} {fn:3d}  {tp / (tp + fp) if tp + fp else 0:9.2f} {tp / (tp + fn) if tp + fn else 0:6.2f}")


# --- k-fold cross-validation on the training sentences ------------------------------------

def _train_script():
    spec = importlib.util.spec_from_file_location("train_events", ROOT / "scripts" / "train_events.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _accepted(e: dict) -> set[str]:
    """The types a labelled event may be coded as: its own, and what the ontology file
    makes of it when it is promised, planned or negated ("will send aid" is an offer)."""
    r = rules()
    out = {e["type"]}
    aux = set(e.get("aux") or [])
    if aux & {"future", "hypothetical"} and e["type"] in r.future_as:
        out.add(r.future_as[e["type"]][0])
    if "negation" in aux and e["type"] in r.negated_as:
        out.add(r.negated_as[e["type"]][0])
    return out


def evaluate_training(sentences, events: list[list]) -> dict:
    """Type recall over labelled events, extra types per sentence, events coded in
    sentences that hold none, and actor/recipient country accuracy, on sentences the
    typer never saw."""
    n_events = found = extra = neg = neg_hit = 0
    actor_ok = actor_n = recip_ok = recip_n = 0
    per_type: dict[str, Counter] = defaultdict(Counter)
    misses, extras = [], []
    for s, evs in zip(sentences, events):
        gold_types = {e["type"] for e in s.events}
        accept = {e["type"]: _accepted(e) for e in s.events}
        got_types = {e.event for e in evs}
        summary = "; ".join(f"{e.event} {'+'.join(sorted(countries(e.actor))) or '-'}>"
                            f"{'+'.join(sorted(countries(e.recipient))) or '-'} [{e.trigger}]" for e in evs) or "nothing"
        if not s.events:
            neg += 1
            neg_hit += bool(evs)
        for t in sorted(gold_types):
            n_events += 1
            per_type[t]["n"] += 1
            if accept[t] & got_types:
                found += 1
                per_type[t]["found"] += 1
            else:
                misses.append(f"{t:9} {s.text[:150]}\n          got: {summary}")
        for t in sorted(got_types - set().union(gold_types, *accept.values())):
            extra += 1
            per_type[t]["extra"] += 1
            extras.append(f"{t:9} (gold {'+'.join(sorted(gold_types)) or '-'}) {s.text[:150]}\n          got: {summary}")
        for g in s.events:
            got = [e for e in evs if e.event in accept[g["type"]]]
            if not got:
                continue
            pa = set().union(*(countries(e.actor) for e in got))
            pr = set().union(*(countries(e.recipient) for e in got))
            both = pa | pr if g["type"] in SYMMETRIC or len(g.get("actor") or []) > 1 else None
            ga = {a.get("country") for a in g.get("actor") or []} - {None}
            gr = {a.get("country") for a in g.get("recipient") or []} - {None}
            if ga:
                actor_n += 1
                actor_ok += ga <= (both or pa)
            if gr:
                recip_n += 1
                recip_ok += gr <= (both or pr)
    return dict(n=len(sentences), events=n_events, recall=found / n_events if n_events else 0.0,
                extra=extra / len(sentences) if sentences else 0.0, negatives=neg,
                negative_hit=neg_hit / neg if neg else 0.0, actor=actor_ok / actor_n if actor_n else 0.0,
                recipient=recip_ok / recip_n if recip_n else 0.0, per_type=per_type, misses=misses, extras=extras)


def cross_validate(data: Path, settings: list[tuple[float, float]], errors: int = 0, floors: tuple[float, ...] = ()) -> None:
    """Train the typer k times, each time without one fold of the training sentences, and
    code that fold through the real pipeline: rules alone, then rules with the typer at
    each (add, veto) setting. Nothing here saw the sentences it is scored on."""
    import tomllib

    import numpy as np

    from eventwatch.events import coder, typer

    train = _train_script()
    cfg = tomllib.loads((ROOT / "data" / "training" / "typer.toml").read_text("utf-8"))["typer"]
    sentences, built, rows, vecs, labels, sent, sent_fold = train.prepare(data, cfg)
    folds = np.array([s.group % cfg["folds"] for s in sentences])
    models = []
    for f in range(cfg["folds"]):
        ids = np.flatnonzero(sent_fold != f)
        models.append(typer.fit([rows[i] for i in ids], vecs[ids], labels[ids], bits=cfg["bits"], epochs=cfg["epochs"],
                                lr=cfg["lr"], l2=cfg["l2"], seed=cfg["seed"], class_weight_none=cfg["class_weight_none"]))
    # word level: how well the typer alone separates event words from the rest
    logits = np.zeros((len(rows), len(typer.TYPES)), dtype=np.float32)
    for f, m in enumerate(models):
        ids = np.flatnonzero(sent_fold == f)
        logits[ids] = m.logits([rows[i] for i in ids], vecs[ids])
    pred = logits.argmax(axis=1)
    pos = labels > 0
    print(f"training sentences: {len(sentences)} ({sum(1 for s in sentences if not s.events)} without an event), "
          f"{int(pos.sum())} labelled events, {cfg['folds']}-fold")
    tp = int(((pred == labels) & pos).sum())
    print(f"  typer alone, per word: precision {tp / max(1, int((pred > 0).sum())):.3f} "
          f"recall {tp / max(1, int(pos.sum())):.3f}")
    r = rules()
    keep = (r.learned_add, r.learned_veto, r.learned_override)
    runs = [("rules alone", None, None, None)] + [(f"rules + typer add {a} veto {v} override {o}", a, v, o)
                                                  for a, v, o in settings]
    for label, add, veto, override in runs:
        events: list[list] = [[] for _ in sentences]
        for f, m in enumerate(models):
            ids = np.flatnonzero(folds == f)
            typer.use(m, disabled=add is None)
            if add is not None:
                r.learned_add, r.learned_veto, r.learned_override = add, veto, override
            rows_f = [{"text": sentences[i].text, "id": sentences[i].source} for i in ids]
            coded, _ = code_sentences(rows_f, Options(workers=1))
            for i, evs in zip(ids, coded):
                events[i] = evs
        typer.use(None)
        r.learned_add, r.learned_veto, r.learned_override = keep
        res = evaluate_training(sentences, events)
        print(f"{label}:")
        print(f"  type recall {res['recall']:.3f}  extra types/sentence {res['extra']:.3f}  "
              f"sentences without an event coded with one {res['negative_hit']:.3f}  "
              f"actor country {res['actor']:.3f}  recipient country {res['recipient']:.3f}")
        print("    " + "  ".join(f"{t} {c['found']}/{c['n']}+{c['extra']}" for t, c in sorted(res["per_type"].items())))
        for floor in floors if add is not None else ():
            kept = [[e for e in evs if e.confidence is None or e.confidence >= floor] for evs in events]
            f = evaluate_training(sentences, kept)
            print(f"  keeping confidence >= {floor}: type recall {f['recall']:.3f}  extra types/sentence {f['extra']:.3f}  "
                  f"negatives coded {f['negative_hit']:.3f}")
        if errors and add is not None:
            for title, items in (("misses", res["misses"]), ("extras", res["extras"])):
                print(f"  {title} ({len(items)}):")
                for line in items[:errors]:
                    print("    " + line)


def rules():
    from eventwatch.events import rules as _rules

    return _rules()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=str(SHARED / "data" / "events-dev"))
    ap.add_argument("--gold", default=str(SHARED / "gold"), help="sample gold directory")
    ap.add_argument("--errors", type=int, default=0, help="list up to N misses, extras and wrong countries")
    ap.add_argument("--no-sample", action="store_true", help="skip the sample-gold run")
    ap.add_argument("--cv", nargs="?", const=str(ROOT / "data" / "training" / "events"), metavar="TRAINING_DIR",
                    help="k-fold cross-validation of the typer on the training sentences, then exit")
    ap.add_argument("--crisis", metavar="DIR", help="also run a crisis set (docs.jsonl + gold/) end to end")
    ap.add_argument("--floor-crisis", type=float, help="exit 1 if the crisis set's event F1 is below")
    ap.add_argument("--settings", default="0.5:0.9:0.7",
                    help="with --cv: add:veto:override settings to compare, comma-separated")
    ap.add_argument("--min-confidence", default="",
                    help="with --cv: also score keeping only events of at least these confidences, comma-separated")
    ap.add_argument("--floor-f1", type=float, help="exit 1 if sample-gold event F1 (with the actor file) is below")
    ap.add_argument("--floor-recall", type=float, help="exit 1 if events-dev type recall is below")
    ap.add_argument("--floor-extra", type=float, help="exit 1 if extra types per sentence is above")
    ap.add_argument("--floor-actor", type=float, help="exit 1 if actor country accuracy is below")
    args = ap.parse_args(argv)

    if args.cv:
        settings = [tuple(float(x) for x in trio.split(":")) for trio in args.settings.split(",")]
        floors = tuple(float(x) for x in args.min_confidence.split(",") if x)
        cross_validate(Path(args.cv), settings, args.errors, floors)
        return 0
    rows = load_rows(Path(args.data))
    events, seconds = code_sentences(rows, Options(workers=1))
    r = evaluate(rows, events)
    print(f"events-dev  {r['n']} sentences  ({r['n'] / seconds:.0f} sentences/s through the per-document stages)")
    print(f"  type recall            {r['recall']:.3f}")
    print(f"  extra types / sentence {r['extra']:.3f}")
    print(f"  actor country acc.     {r['actor']:.3f}  (of {r['actor_n']})")
    print(f"  recipient country acc. {r['recipient']:.3f}  (of {r['recipient_n']})")
    print("  per type               found/n  extra")
    for t, c in sorted(r["per_type"].items()):
        print(f"    {t:10} {c['found']:3d}/{c['n']:<3d} {c['found'] / c['n'] if c['n'] else 0:5.2f}  {c['extra']:3d}")
    if args.errors:
        for title, items in (("misses", r["misses"]), ("extras", r["extras"]),
                             ("wrong actor", r["wrong_actor"]), ("wrong recipient", r["wrong_recipient"])):
            print(f"\n{title} ({len(items)}):")
            for line in items[: args.errors]:
                print("  " + line)

    failed = []
    if args.crisis:
        c = crisis(Path(args.crisis))
        print(f"crisis {Path(args.crisis).name}: P {c['precision']:.3f} R {c['recall']:.3f} F1 {c['f1']:.3f} "
              f"(tp {c['tp']} fp {c['fp']} fn {c['fn']})  sector {c['sector_accuracy']}  "
              f"dates {c['dates']} invented {c['invented_dates']}")
        print_per_type(c["per_type"])
        if args.floor_crisis is not None and c["f1"] < args.floor_crisis:
            failed.append(f"crisis event F1 {c['f1']:.3f} < {args.floor_crisis}")
    if not args.no_sample:
        actor_file = EXAMPLE.with_name(EXAMPLE.name + ".actors.toml")
        for label, af in (("with actor file", actor_file), ("starter actors only", None)):
            s = sample_gold(Path(args.gold), af)
            print(f"sample gold ({label}): P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
                  f"(tp {s['tp']} fp {s['fp']} fn {s['fn']})  sector {s['sector_accuracy']}  "
                  f"dates {s['dates']} invented {s['invented_dates']}")
            if args.errors and (s["missed"] or s["false_positives"]):
                print("  missed:", ", ".join(s["missed"]) or "-")
                print("  extra: ", ", ".join(s["false_positives"]) or "-")
            if af is not None and args.floor_f1 is not None and s["f1"] < args.floor_f1:
                failed.append(f"sample-gold F1 {s['f1']:.3f} < {args.floor_f1}")
    if args.floor_recall is not None and r["recall"] < args.floor_recall:
        failed.append(f"type recall {r['recall']:.3f} < {args.floor_recall}")
    if args.floor_extra is not None and r["extra"] > args.floor_extra:
        failed.append(f"extra types {r['extra']:.3f} > {args.floor_extra}")
    if args.floor_actor is not None and r["actor"] < args.floor_actor:
        failed.append(f"actor country accuracy {r['actor']:.3f} < {args.floor_actor}")
    for f in failed:
        print("BELOW FLOOR:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
