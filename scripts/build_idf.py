"""Build the background term weights story linking reads (src/eventwatch/data/idf.tsv).

Usage: python scripts/build_idf.py [--out PATH]

Why: documents join a story by the rare words they share, so a word needs a weight that says
how rare it is in news at large. The weight must not come from the store (then a document's
links would depend on what arrived before it), so it is a fixed table. The source is the
WordPiece vocabulary of the bundled all-MiniLM-L6-v2 tokenizer (data/minilm/tokenizer.json):
its whole words are listed from the most frequent in the model's English training text down,
so a word's rank estimates its frequency (Zipf: frequency ~ 1/rank) and ln(1 + rank/50) its
inverse document frequency. Words the vocabulary lacks are rarer still and get the largest
weight (`_unknown_` in the file). Words are stemmed as eventwatch.stories stems them; a stem
keeps the rank of its most frequent form. Deterministic; nothing is downloaded.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eventwatch import stories  # noqa: E402

SCALE = 50  # rank at which the weight reaches ln 2: the commonest ~50 words weigh almost nothing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "eventwatch" / "data" / "idf.tsv")
    args = ap.parse_args()
    vocab = json.loads((ROOT / "src" / "eventwatch" / "data" / "minilm" / "tokenizer.json").read_text("utf-8"))["model"]["vocab"]
    first = vocab["the"]  # whole words start here; before it: special tokens and characters
    ranks: dict[str, int] = {}
    for word, i in sorted(vocab.items(), key=lambda kv: kv[1]):
        if i < first or not word.isalnum() or not word.isascii() or len(word) < (2 if word.isdigit() else 3):
            continue
        key = stories.term(word)
        ranks.setdefault(key, i - first + 1)
    unknown = math.log(1 + (len(vocab) - first + 1) * 2 / SCALE)
    lines = ["# term\tweight: ln(1 + rank/%d) from the MiniLM WordPiece vocabulary (scripts/build_idf.py)" % SCALE,
             f"_unknown_\t{unknown:.3f}"]
    lines += [f"{w}\t{math.log(1 + r / SCALE):.3f}" for w, r in sorted(ranks.items())]
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(ranks)} terms, unknown weight {unknown:.3f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
