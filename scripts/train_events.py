"""Train the event typer from the team's labelled sentences.

Usage: python scripts/train_events.py [--data data/training/events] [--config data/training/typer.toml]
                                      [--out src/eventwatch/data/models/event-typer.npz]

Deterministic on a CPU (fixed seed, fixed update order): the same sentences and config
give the same artefact. The temperature that calibrates the probabilities is fitted on
out-of-fold predictions (k-fold over the training sentences), then the final model is
trained on all of them. Run by ``make train``; the artefact ships in the package.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import pipeline  # noqa: E402
from eventwatch.events import training, typer  # noqa: E402
from eventwatch.settings import Options  # noqa: E402


def folds_of(groups: np.ndarray, k: int) -> np.ndarray:
    return groups % k


def out_of_fold(rows, vecs, labels, sent_fold, cfg, log=print) -> np.ndarray:
    """Logits of every row from a model that never saw its sentence."""
    logits = np.zeros((len(rows), len(typer.TYPES)), dtype=np.float32)
    for f in range(cfg["folds"]):
        test = sent_fold == f
        train_ids = np.flatnonzero(~test)
        m = typer.fit([rows[i] for i in train_ids], vecs[train_ids], labels[train_ids], bits=cfg["bits"],
                      epochs=cfg["epochs"], lr=cfg["lr"], l2=cfg["l2"], seed=cfg["seed"],
                      class_weight_none=cfg["class_weight_none"])
        ids = np.flatnonzero(test)
        logits[ids] = m.logits([rows[i] for i in ids], vecs[ids])
        log(f"  fold {f + 1}/{cfg['folds']} done")
    return logits


def prepare(data: Path, cfg: dict):
    sentences = training.load(data)
    nlp = pipeline.Reader(Options(workers=1)).nlp
    built = training.build(nlp, sentences, 1 << cfg["bits"], frozenset(cfg.get("empty_verbs", ())))
    rows, vecs, labels, sent = built.arrays()
    groups = np.array([s.group for s in sentences], dtype=np.int64)
    return sentences, built, rows, vecs, labels, sent, folds_of(groups, cfg["folds"])[sent]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "training" / "events"))
    ap.add_argument("--config", default=str(ROOT / "data" / "training" / "typer.toml"))
    ap.add_argument("--out", default=str(ROOT / "src" / "eventwatch" / "data" / "models" / typer.ARTEFACT))
    args = ap.parse_args(argv)
    cfg = tomllib.loads(Path(args.config).read_text("utf-8"))["typer"]
    t0 = time.perf_counter()
    sentences, built, rows, vecs, labels, sent, sent_fold = prepare(Path(args.data), cfg)
    for line in built.unaligned:
        print("warning:", line, file=sys.stderr)
    pos = int((labels > 0).sum())
    print(f"{len(sentences)} sentences, {len(rows)} candidate words, {pos} events "
          f"({sum(1 for s in sentences if not s.events)} sentences without one)")
    print(f"calibrating on {cfg['folds']}-fold out-of-fold predictions ...")
    logits = out_of_fold(rows, vecs, labels, sent_fold, cfg)
    temperature = typer.calibrate(logits, labels)
    print(f"temperature {temperature}")
    m = typer.fit(rows, vecs, labels, bits=cfg["bits"], epochs=cfg["epochs"], lr=cfg["lr"], l2=cfg["l2"],
                  seed=cfg["seed"], class_weight_none=cfg["class_weight_none"])
    m.temperature = temperature
    digest = hashlib.sha256()
    for f in sorted(Path(args.data).glob("*.jsonl")):
        digest.update(f.read_bytes())
    m.meta = {"version": 1, "config": cfg, "sentences": len(sentences), "rows": len(rows),
              "data_sha256": digest.hexdigest()[:16], "types": list(typer.TYPES), "modes": built.mode_table()}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    m.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
