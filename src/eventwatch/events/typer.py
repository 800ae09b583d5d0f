"""The learned event typer: for every candidate word of a parsed sentence, a calibrated
probability of each PLOVER type (or of no event).

Why learned: trigger lists fitted sentence by sentence miss everyday wordings ("reached a
consensus", "donated", "lifted a blockade") and fire on other senses ("the striker's
attack"). The typer reads what generalises across wordings: the word and its dictionary
form, its arguments in the dependency parse (object, particle, prepositions and what
they govern, the entity types of subject and object), its head and the words around it,
and the parser's own contextual vector of the word (``doc.tensor``: spaCy's tok2vec, so
no extra model runs). It is a multinomial logistic regression over hashed sparse
features plus that dense vector, trained by ``scripts/train_events.py`` on the
sentences in ``data/training/events/`` and shipped as ``data/models/event-typer.npz``.
Nothing is downloaded; the artefact is rebuilt deterministically on a CPU.

The coder (``coder.py``) asks :func:`predict` once per document; the rules stay where
they are more precise, and the parse still finds actor and recipient.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

TYPES = ("NONE", "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
INDEX = {t: i for i, t in enumerate(TYPES)}
NAMES = frozenset({"PERSON", "GPE", "LOC", "ORG", "FAC", "NORP"})  # "Occupied" in a place's name is no act
PREDICATIVE = frozenset({"acomp", "ROOT", "xcomp", "ccomp", "advcl", "oprd"})
SKIP_DEPS = frozenset({"punct", "det", "cc", "case", "space"})
TENSOR_DIMS = 96  # en_core_web_sm's tok2vec width
ARTEFACT = "event-typer.npz"
WORD_VECTORS = "word-vectors.npz"


def candidates(doc, empty_verbs: frozenset[str] | None = None) -> list:
    """The words that may carry an event: verbs, nouns and predicative adjectives ("is
    opposed"). Nouns and adjectives that only modify another noun ("border" in "border
    closure", "deadly" in "deadly attack") are left out: the noun they modify is the word;
    so are words inside a name ("Illegally Occupied Kashmir", "Defence Ministry"), and verbs
    that carry no act of their own (``empty_verbs``, from the training config: "held talks"
    is coded at "talks"); by default the shipped model's."""
    empty = empty_verbs if empty_verbs is not None else empty_verbs_of(model())
    return [t for t in doc if len(t.text) > 1 and t.ent_type_ not in NAMES and (
        t.pos_ == "VERB" and t.lemma_.lower() not in empty or t.pos_ == "NOUN" and t.dep_ != "compound" or t.pos_ == "ADJ" and t.dep_ in PREDICATIVE)]


class _Words:
    """Per-document look-ups the features need, computed once: dictionary forms and the
    sentence each word is in (``Token.sent`` scans the document on every call)."""

    def __init__(self, doc):
        self.lem = [t.lemma_.lower() for t in doc]
        self.punct = [t.is_punct for t in doc]
        self.bounds = [(0, 0)] * len(doc)
        for s in doc.sents:
            for i in range(s.start, s.end):
                self.bounds[i] = (s.start, s.end)


def features(tok, words: _Words | None = None) -> list[str]:
    """The sparse features of one candidate word. Each is a string hashed into the
    model's weight table; new words still share the syntactic ones."""
    w = words or _Words(tok.doc)
    lem = w.lem
    L = lem[tok.i]
    dep = tok.dep_
    f = [f"l={L}", f"w={tok.lower_}", f"lp={L}|{tok.pos_}", f"t={tok.tag_}", f"d={dep}", f"ld={L}|{dep}",
         f"suf={tok.lower_[-3:]}"]
    head = tok.head
    if head.i != tok.i:
        H = lem[head.i]
        f += [f"h={H}", f"hd={H}|{dep}", f"lh={L}|{H}", f"hp={head.pos_}|{dep}"]
        if head.head.i != head.i:
            f.append(f"hh={lem[head.head.i]}|{head.dep_}")
    else:
        f.append("root")
    for c in tok.children:
        cd = c.dep_
        if cd in SKIP_DEPS:
            continue
        C = lem[c.i]
        if cd in ("prep", "agent"):
            f += [f"prep={C}", f"lprep={L}|{C}"]
            for p in c.children:
                if p.dep_ in ("pobj", "pcomp"):
                    P = lem[p.i]
                    f += [f"pp={C}|{P}", f"lpp={L}|{C}|{P}", f"ppe={C}|{p.ent_type_ or p.pos_}"]
        elif cd == "neg":
            f.append("neg")
        elif cd in ("aux", "auxpass"):
            f.append(f"aux={C}" if c.tag_ == "MD" or cd == "auxpass" else f"auxt={c.tag_}")
            if cd == "auxpass":
                f.append("passive")
        else:
            f += [f"c={cd}|{C}", f"lc={L}|{cd}|{C}", f"ce={cd}|{c.ent_type_ or c.pos_}"]
            if cd in ("dobj", "nsubjpass", "attr", "xcomp"):
                for g in c.children:
                    if g.dep_ in ("compound", "amod", "prep", "dobj"):
                        G = lem[g.i]
                        f.append(f"lg={L}|{G}")
                        if g.dep_ == "prep":
                            for p in g.children:
                                if p.dep_ == "pobj":
                                    f.append(f"lgp={L}|{G}|{lem[p.i]}")
    start, end = w.bounds[tok.i]
    i = tok.i
    for j in (i - 3, i - 2, i - 1, i + 1, i + 2, i + 3):
        if start <= j < end and not w.punct[j]:
            f.append(f"win={lem[j]}")
    if i - 1 >= start:
        f.append(f"prev={lem[i - 1]}")
    if i + 1 < end:
        f.append(f"next={lem[i + 1]}")
    return f


_HASHED: dict[tuple[str, int], int] = {}


def _hash(feats: list[str], size: int) -> np.ndarray:
    """Row indices of the features (crc32, stable across processes and runs). Frequent
    strings are remembered; the memo is bounded so memory stays flat on any corpus."""
    mask = size - 1
    out = np.empty(len(feats), dtype=np.int64)
    memo = _HASHED
    if len(memo) > 500_000:
        memo.clear()
    for k, s in enumerate(feats):
        h = memo.get((s, size))
        if h is None:
            h = memo[(s, size)] = zlib.crc32(s.encode("utf-8")) & mask
        out[k] = h
    return out


@lru_cache(maxsize=1)
def word_vectors() -> tuple[dict[str, int], np.ndarray] | None:
    """The MiniLM vector of each dictionary form (``scripts/build_word_vectors.py``)."""
    path = resources.files("eventwatch") / "data" / "models" / WORD_VECTORS
    if not path.is_file():
        return None
    with resources.as_file(path) as p, np.load(p) as z:
        words = str(z["words"]).split("\n")
        return {w: i for i, w in enumerate(words)}, z["vectors"].astype(np.float32)


def _argument(tok):
    """The word the act is done to: the object, else what the first preposition governs."""
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "xcomp", "dative"):
            return c
    for c in tok.children:
        if c.dep_ in ("prep", "agent"):
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def dense(doc, toks) -> np.ndarray:
    """Per word: the parser's contextual vector, then the word vectors of the word, of
    its object and of its head (zeros where a piece is missing)."""
    t = getattr(doc, "tensor", None)
    tensor = np.asarray(t[[x.i for x in toks]], dtype=np.float32) if t is not None and t.ndim == 2 and len(t) == len(doc) \
        else np.zeros((len(toks), TENSOR_DIMS), dtype=np.float32)
    wv = word_vectors()
    if wv is None:
        return tensor
    index, table = wv
    dims = table.shape[1]
    out = np.zeros((len(toks), 3 * dims), dtype=np.float32)
    for k, tok in enumerate(toks):
        for j, w in enumerate((tok, _argument(tok), tok.head if tok.head.i != tok.i else None)):
            if w is not None:
                row = index.get(w.lemma_.lower())
                if row is not None:
                    out[k, j * dims:(j + 1) * dims] = table[row]
    return np.hstack([tensor, out])


@dataclass
class Model:
    """Weights of the typer: a hashed sparse table, a dense block, a bias, a temperature."""

    sparse: np.ndarray  # (2**bits, len(TYPES))
    dense: np.ndarray  # (dims, len(TYPES))
    bias: np.ndarray  # (len(TYPES),)
    temperature: float = 1.0
    meta: dict | None = None

    @property
    def size(self) -> int:
        return self.sparse.shape[0]

    def logits(self, rows: list[np.ndarray], vecs: np.ndarray) -> np.ndarray:
        if not rows:
            return np.zeros((0, len(TYPES)), dtype=np.float32)
        lens = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        out = np.add.reduceat(self.sparse[np.concatenate(rows)], np.r_[0, np.cumsum(lens)[:-1]], axis=0)
        if vecs.shape[1] == self.dense.shape[0] and vecs.shape[1]:
            out += vecs @ self.dense
        return out + self.bias

    def probabilities(self, rows: list[np.ndarray], vecs: np.ndarray) -> np.ndarray:
        z = self.logits(rows, vecs) / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, sparse=self.sparse.astype(np.float16), dense=self.dense, bias=self.bias,
                            temperature=np.float32(self.temperature),
                            meta=np.frombuffer(json.dumps(self.meta or {}, sort_keys=True).encode(), dtype=np.uint8))

    @staticmethod
    def load(path) -> "Model":
        with np.load(path) as z:
            return Model(sparse=z["sparse"].astype(np.float32), dense=z["dense"], bias=z["bias"],
                         temperature=float(z["temperature"]), meta=json.loads(bytes(z["meta"]).decode() or "{}"))


_override: Model | None = None
_disabled = False


def use(model: Model | None, *, disabled: bool = False) -> None:
    """Code with this model instead of the shipped one (cross-validation), or with none
    (``disabled``: the rules alone, for comparison); ``use(None)`` restores the shipped one."""
    global _override, _disabled
    _override, _disabled = model, disabled


@lru_cache(maxsize=1)
def _shipped() -> Model | None:
    path = resources.files("eventwatch") / "data" / "models" / ARTEFACT
    if not path.is_file():
        return None
    with resources.as_file(path) as p:
        return Model.load(p)


def model() -> Model | None:
    if _disabled:
        return None
    return _override if _override is not None else _shipped()


def empty_verbs_of(m: "Model | None") -> frozenset[str]:
    """The verbs a model was trained not to code at (its config travels in its meta)."""
    return frozenset((m.meta or {}).get("config", {}).get("empty_verbs", ())) if m is not None else frozenset()


def mode_of(event: str, lemma: str) -> str | None:
    """The mode the training sentences gave this word for this type most often."""
    m = model()
    meta = (m.meta or {}) if m is not None else {}
    return meta.get("modes", {}).get(f"{event}|{lemma}")


def encode(doc, toks, size: int) -> tuple[list[np.ndarray], np.ndarray]:
    words = _Words(doc)
    return [_hash(features(t, words), size) for t in toks], dense(doc, toks)


def predict(doc) -> dict[int, np.ndarray]:
    """Token index -> probability of each of ``TYPES``, for every candidate word.
    Empty when no model is installed (the rules then code alone)."""
    m = model()
    if m is None or len(doc) == 0:
        return {}
    toks = candidates(doc, empty_verbs_of(m))
    if not toks:
        return {}
    rows, vecs = encode(doc, toks, m.size)
    probs = m.probabilities(rows, vecs)
    return {t.i: p for t, p in zip(toks, probs)}


# --- training (numpy only, deterministic) ----------------------------------------------

def fit(rows: list[np.ndarray], vecs: np.ndarray, labels: np.ndarray, *, bits: int, epochs: int, lr: float,
        l2: float, seed: int, class_weight_none: float = 1.0, log=None) -> Model:
    """Multinomial logistic regression by mini-batch Adam. Same data, same seed, same
    weights: the order of updates is fixed."""
    n, k = len(rows), len(TYPES)
    size = 1 << bits
    dims = vecs.shape[1]
    Ws = np.zeros((size, k), dtype=np.float32)
    Wd = np.zeros((dims, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    state = {name: (np.zeros_like(a), np.zeros_like(a)) for name, a in (("s", Ws), ("d", Wd), ("b", b))}
    weights = np.where(labels == 0, class_weight_none, 1.0).astype(np.float32)
    rng = np.random.default_rng(seed)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    batch = 64
    for epoch in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for s in range(0, n, batch):
            ids = order[s: s + batch]
            idx = [rows[i] for i in ids]
            lens = np.array([len(x) for x in idx])
            flat = np.concatenate(idx) if len(idx) else np.zeros(0, dtype=np.int64)
            z = np.add.reduceat(Ws[flat], np.r_[0, np.cumsum(lens)[:-1]], axis=0) if len(flat) else np.zeros((len(ids), k))
            z = z + vecs[ids] @ Wd + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            y = labels[ids]
            w = weights[ids][:, None]
            total -= float((np.log(p[np.arange(len(ids)), y] + 1e-12) * w[:, 0]).sum())
            g = p * w
            g[np.arange(len(ids)), y] -= w[:, 0]
            g /= len(ids)
            uniq, inv = np.unique(flat, return_inverse=True)
            gs = np.zeros((len(uniq), k), dtype=np.float32)
            np.add.at(gs, inv, np.repeat(g, lens, axis=0))
            gs += l2 * Ws[uniq]
            gd = vecs[ids].T @ g + l2 * Wd
            gb = g.sum(axis=0)
            step += 1
            c1, c2 = 1 - beta1 ** step, 1 - beta2 ** step
            # sparse Adam: only the rows this batch touched move (lazy, like spaCy's)
            m_s, v_s = state["s"]
            m_s[uniq] = beta1 * m_s[uniq] + (1 - beta1) * gs
            v_s[uniq] = beta2 * v_s[uniq] + (1 - beta2) * gs * gs
            Ws[uniq] -= lr * (m_s[uniq] / c1) / (np.sqrt(v_s[uniq] / c2) + eps)
            for name, W, gW in (("d", Wd, gd), ("b", b, gb)):
                m_, v_ = state[name]
                m_[:] = beta1 * m_ + (1 - beta1) * gW
                v_[:] = beta2 * v_ + (1 - beta2) * gW * gW
                W -= lr * (m_ / c1) / (np.sqrt(v_ / c2) + eps)
        if log:
            log(f"epoch {epoch + 1}/{epochs}  loss {total / n:.4f}")
    return Model(sparse=Ws, dense=Wd, bias=b)


def calibrate(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that makes held-out probabilities honest (least log loss)."""
    best, best_t = float("inf"), 1.0
    for t in np.arange(0.5, 4.01, 0.05):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -float(logp[np.arange(len(labels)), labels].mean())
        if nll < best:
            best, best_t = nll, float(round(t, 2))
    return best_t
