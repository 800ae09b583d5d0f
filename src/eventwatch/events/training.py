"""Training examples for the typer: the team's labelled sentences turned into one row per
candidate word (its features and its type, or NONE).

Each labelled event names its trigger ("imposed sanctions", "was arrested"); the word
at the root of that phrase in the parse is the positive example, the other words of the
phrase are left out (neither event nor non-event), and every other candidate word of the
sentence is a NONE example. Shared by ``scripts/train_events.py`` and ``eval/events.py``
so both see the same rows.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import typer


@dataclass
class Sentence:
    text: str
    events: list[dict]
    source: str  # file:line
    group: int = 0  # cross-validation fold key (stable: a hash of the text)


@dataclass
class Rows:
    """The candidate words of many sentences, with their sentence index."""

    rows: list[np.ndarray] = field(default_factory=list)
    vecs: list[np.ndarray] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    lemma: list[str] = field(default_factory=list)  # each row's word, for error analysis
    unaligned: list[str] = field(default_factory=list)
    modes: dict[str, dict[str, int]] = field(default_factory=dict)  # "TYPE|lemma" -> mode -> count

    def mode_table(self) -> dict[str, str]:
        """The most frequent mode of each (type, trigger word); ties go to the name first
        in alphabetical order, so the table is the same on every run."""
        out = {}
        for key, counts in sorted(self.modes.items()):
            mode, n = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if mode:
                out[key] = mode
        return out

    def arrays(self) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
        dims = self.vecs[0].shape[0] if self.vecs else 0
        vecs = np.vstack(self.vecs).astype(np.float32) if self.vecs else np.zeros((0, dims), dtype=np.float32)
        return self.rows, vecs, np.array(self.labels, dtype=np.int64), np.array(self.sentence, dtype=np.int64)


def load(folder: Path) -> list[Sentence]:
    """Every ``*.jsonl`` file of the folder, in name order; a malformed line is an error
    naming file and line (training data must be clean)."""
    out = []
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise SystemExit(f"no *.jsonl training files in {folder}")
    for f in files:
        for n, line in enumerate(f.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"{f.name}:{n}: not valid JSON ({e})") from None
            evs = [e for e in d.get("events") or [] if e.get("type") in typer.INDEX]
            key = int(hashlib.sha1(d["text"].encode("utf-8")).hexdigest()[:8], 16)
            out.append(Sentence(d["text"], evs, f"{f.name}:{n}", key))
    return out


def trigger_tokens(doc, text: str, trigger: str, empty_verbs: frozenset[str] = frozenset()):
    """The root word of the trigger phrase, and every word of the phrase."""
    at = text.find(trigger)
    if at < 0:
        at = text.lower().find(trigger.lower())
    if at < 0:
        return None, set()
    span = doc.char_span(at, at + len(trigger), alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, set()
    root = span.root
    if root.lemma_.lower() in empty_verbs:  # "held talks": the act is the object
        obj = next((t for t in span if t.head.i == root.i and t.dep_ in ("dobj", "attr", "dative")), None)
        if obj is None:
            obj = next((p for c in root.children if c.dep_ == "prt" for p in root.children if p.dep_ == "dobj"), None)
        if obj is not None:
            root = obj
    return root, {t.i for t in span}


def build(nlp, sentences: list[Sentence], size: int, empty_verbs: frozenset[str] = frozenset()) -> Rows:
    """Parse the sentences (as the pipeline does) and lay out one row per candidate;
    ``empty_verbs`` hand their trigger to their object (see ``typer.candidates``)."""
    out = Rows()
    for k, (s, doc) in enumerate(zip(sentences, nlp.pipe((x.text for x in sentences), batch_size=64))):
        label: dict[int, int] = {}
        skip: set[int] = set()
        for e in s.events:
            root, words = trigger_tokens(doc, s.text, e.get("trigger") or "", empty_verbs)
            if root is None:
                out.unaligned.append(f"{s.source}: trigger {e.get('trigger')!r} not in the text")
                continue
            label.setdefault(root.i, typer.INDEX[e["type"]])
            counts = out.modes.setdefault(f"{e['type']}|{root.lemma_.lower()}", {})
            counts[e.get("mode") or ""] = counts.get(e.get("mode") or "", 0) + 1
            skip |= words - {root.i}
        toks = [t for t in typer.candidates(doc, empty_verbs) if t.i not in skip or t.i in label]
        have = {t.i for t in toks}
        toks += [doc[i] for i in sorted(label) if i not in have]  # a trigger the tagger calls PROPN
        if not toks:
            continue
        rows, vecs = typer.encode(doc, toks, size)
        for t, r, v in zip(toks, rows, vecs):
            out.rows.append(r)
            out.vecs.append(v)
            out.labels.append(label.get(t.i, 0))
            out.sentence.append(k)
            out.lemma.append(t.lemma_.lower())
    return out
