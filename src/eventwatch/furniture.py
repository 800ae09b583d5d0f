"""Furniture: which lines of a scraped page are not article text, judged line by line.

Two kinds of evidence that hold on sites never seen before: a small learned classifier
(logistic regression over the line's shape: length, punctuation, casing, position,
photo-credit and widget words; trained by ``scripts/train_furniture.py`` on the invented
pages of ``data/training/furniture_pages.txt``) and repetition (a line that other pages of
the same site also carry is the site's, not the article's: see ``key``). A caption
repeated inside one page (alt text, then the caption with its credit) is furniture too.
"""
from __future__ import annotations

import json
import math
import re
import zlib
from functools import lru_cache
from importlib import resources

HASH_BUCKETS = 128
_WORD = re.compile(r"[a-z]+|[^\w\s]")
_LETTER = re.compile(r"[^\W\d_]")
_FUNCTION = frozenset("the a an of to in on and that was is were are said has have had for with by at from as it its "
                      "their his her he she they which who after but not will would been be".split())
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]»]*$")
# A credit closing a caption: "(Photo: Reuters)", "— AFP/File", "( AP )", "Photograph: X/Y".
_CREDIT = re.compile(r"(?i)(\(\s*(ap|afp|reuters|pti|ani|ians|getty[\w ]*|file|photo[^)]{0,40}|image[^)]{0,40})\s*\)\s*$"
                     r"|[—–-]\s*[\w .]{0,30}/file\s*$|\b(photo|photograph|image|picture|credit|courtesy)s?\s*(credit)?\s*:"
                     r"|(?:[.!?)]|[—–-]|\|)\s*(ap photo|getty images|associated press|reuters|afp|file photo|file image)\W*$)")


def key(line: str) -> str:
    """A line as pages of one site repeat it: case, spacing and numbers ignored."""
    return re.sub(r"\d+", "0", " ".join(line.lower().split()))


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % HASH_BUCKETS


def features(lines: list[str]) -> list[list[float]]:
    """One feature vector per line; the same function trains and applies the model."""
    n = len(lines)
    seen: dict[str, int] = {}
    for l in lines:
        seen[key(l)] = seen.get(key(l), 0) + 1
    out = []
    for i, line in enumerate(lines):
        s = line.strip()
        words = s.split()
        nw = len(words)
        letters = _LETTER.findall(s)
        lower = [w for w in re.findall(r"[a-z]+", s.lower())]
        caps = sum(1 for w in words if w[:1].isupper())
        vec = [
            math.log1p(nw), math.log1p(len(s)),
            float(nw <= 3), float(nw <= 8), float(nw >= 20),
            float(bool(_TERMINAL.search(s))),
            float(bool(re.search(r"\b[a-z]{2,}[.!?][\"'”’]?\s+[\"“]?[A-Z]", s))),
            len(letters) / max(1, len(s)),
            sum(1 for c in s if c.isdigit()) / max(1, len(s)),
            sum(1 for c in letters if c.isupper()) / max(1, len(letters)),
            caps / max(1, nw),
            sum(1 for w in words if w.isalpha() and w.islower() and len(w) >= 3) / max(1, nw),  # prose is mostly lower case
            float(nw >= 6),
            sum(1 for w in lower if w in _FUNCTION) / max(1, len(lower)),
            float("|" in s or "»" in s or "/" in s),
            float(bool(re.match(r"^\W", s))),
            float(bool(_CREDIT.search(s))),
            float(bool(re.search(r"[\"“”]", s))),
            float(bool(re.search(r"\b(said|says|told|added|according)\b", s))),
            float(i < 3),
            float(seen[key(line)] > 1),
        ]
        bag = [0.0] * HASH_BUCKETS
        for w in _WORD.findall(s.lower())[:40]:
            bag[_bucket(w)] += 1.0
        norm = math.sqrt(sum(v * v for v in bag)) or 1.0
        out.append(vec + [v / norm for v in bag])
    return out


@lru_cache(maxsize=1)
def model() -> dict:
    path = resources.files("eventwatch") / "data" / "models" / "furniture-lines.json"
    return json.loads(path.read_text("utf-8"))


def scores(lines: list[str]) -> list[float]:
    """The probability that each line is furniture."""
    if not lines:
        return []
    m = model()
    w, b, mean, std = m["weights"], m["bias"], m["mean"], m["std"]
    out = []
    for vec in features(lines):
        z = b + sum(wi * (x - mu) / sd for wi, x, mu, sd in zip(w, vec, mean, std))
        out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))))
    return out


def _repeated_caption(lines: list[str]) -> list[bool]:
    """A line of five words or more that another line of the page repeats or extends
    (alt text, then the same caption with its credit) is a caption."""
    keys = [key(l) for l in lines]
    flags = []
    for i, k in enumerate(keys):
        long = len(k.split()) >= 5
        flags.append(long and any(j != i and (keys[j] == k or keys[j].startswith(k) or k.startswith(keys[j]))
                                  and len(keys[j].split()) >= 5 for j in range(len(keys))))
    return flags


def is_furniture(lines: list[str]) -> list[bool]:
    """For each line of one page, whether it is furniture (the model's threshold is in its file)."""
    threshold = model()["threshold"]
    rep = _repeated_caption(lines)
    credit = [bool(_CREDIT.search(l.strip())) for l in lines]  # a caption signs itself
    return [p >= threshold or r or c for p, r, c in zip(scores(lines), rep, credit)]
