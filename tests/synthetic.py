"""Many distinct documents made from the sample corpus's own paragraphs, for tests that
need volume (kill and resume, worker supervision) without data from outside the project.

Each document is a few paragraphs of the sample picked by a seeded generator under a
title of its own, so no two documents have the same bytes and the store skips none."""
from __future__ import annotations

import random
from pathlib import Path

from conftest import SAMPLE


def paragraphs() -> list[str]:
    """The sample's body paragraphs with at least one full sentence."""
    out = []
    for path in sorted(SAMPLE.glob("*.txt")):
        for para in path.read_text("utf-8").split("\n"):
            para = para.strip()
            if len(para.split()) >= 12 and para.endswith((".", '"', "”")):
                out.append(para)
    return out


def write_corpus(folder: Path, n: int, seed: int = 14, per_doc: int = 3) -> Path:
    """``n`` documents of ``per_doc`` paragraphs each, as .txt files in ``folder``."""
    rng = random.Random(seed)
    paras = paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n\n".join(rng.sample(paras, per_doc))
        (folder / f"doc{i:04d}.txt").write_text(f"Border report number {i}\n\n{body}\n", "utf-8")
    return folder
