"""The learned event typer: shipped, small, deterministic, and typing wordings that no
trigger list names (the sentences here are written for the test, not taken from the
training data)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eventwatch import pipeline
from eventwatch.events import training, typer
from eventwatch.settings import Options

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "src" / "eventwatch" / "data" / "models"


@pytest.fixture(scope="module")
def nlp():
    return pipeline.Reader(Options(workers=1)).nlp


def test_artefacts_ship_and_stay_small():
    total = sum(p.stat().st_size for p in MODELS.glob("*.npz"))
    assert typer.model() is not None and typer.word_vectors() is not None
    assert total < 30e6
    assert typer.model().meta["sentences"] >= 3000


def top(nlp, text: str, word: str) -> tuple[str, float]:
    doc = nlp(text)
    probs = typer.predict(doc)
    tok = next(t for t in doc if t.text == word)
    p = probs[tok.i]
    assert abs(float(p.sum()) - 1.0) < 1e-4
    best = int(p.argmax())
    return typer.TYPES[best], float(p[best])


@pytest.mark.parametrize("text, word, expected", [
    ("Rwanda donated forty tonnes of maize to flood victims in Burundi on Monday.", "donated", "AID"),
    ("Militiamen shelled a camp for displaced families outside Goma overnight.", "shelled", "ASSAULT"),
    ("Border guards in Tallinn detained two Russian citizens on Friday.", "detained", "COERCE"),
    ("The striker's late attack on goal won the cup for Boca Juniors.", "attack", "NONE"),
    ("The label released a new album by the Senegalese singer.", "released", "NONE"),
])
def test_types_wordings(nlp, text, word, expected):
    assert top(nlp, text, word)[0] == expected


def test_fit_is_deterministic(nlp):
    sentences = [s for s in training.load(ROOT / "data" / "training" / "events")][:120]
    built = training.build(nlp, sentences, 1 << 12)
    rows, vecs, labels, _ = built.arrays()
    a = typer.fit(rows, vecs, labels, bits=12, epochs=2, lr=0.01, l2=1e-6, seed=3)
    b = typer.fit(rows, vecs, labels, bits=12, epochs=2, lr=0.01, l2=1e-6, seed=3)
    assert np.array_equal(a.sparse, b.sparse) and np.array_equal(a.dense, b.dense)
    assert (a.logits(rows, vecs).argmax(axis=1) == labels).mean() > 0.8  # it learns its data


def test_without_a_model_the_rules_code_alone(nlp):
    typer.use(None, disabled=True)
    try:
        assert typer.predict(nlp("Rwanda donated maize to Burundi.")) == {}
    finally:
        typer.use(None)
