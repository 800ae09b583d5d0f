"""The shipped furniture classifier is what its training script makes of the training pages,
and it holds up on sites it never saw (cross-validated by site)."""
from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import numpy as np

from eventwatch import furniture
from eventwatch.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _trainer():
    spec = importlib.util.spec_from_file_location("train_furniture", ROOT / "scripts" / "train_furniture.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_shipped_model_is_reproducible_from_the_training_pages():
    t = _trainer()
    pages = t.read_pages(ROOT / "data" / "training" / "furniture_pages.txt")
    X, y, site = t.matrix(pages)
    assert len(pages) >= 10 and 0 < y.mean() < 1 and len(set(site)) == len(pages)
    w, b, mean, std = t.fit(X, y)
    shipped = furniture.model()
    assert np.allclose(w, shipped["weights"], atol=1e-4) and abs(b - shipped["bias"]) < 1e-4
    assert len(shipped["weights"]) == len(furniture.features(["a line"])[0])


def test_cross_validation_by_site_is_recorded_and_good_enough():
    cv = furniture.model()["cross_validation"]
    assert cv["by"] == "site" and cv["folds"] >= 5
    assert cv["furniture_precision"] >= 0.8 and cv["furniture_recall"] >= 0.7


def test_store_from_schema_3_gains_published_from(tmp_path):
    db = tmp_path / "old.db"
    Store(db).close()
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE documents DROP COLUMN published_from")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with Store(db) as store:
        cols = {r[1] for r in store.db.execute("PRAGMA table_info(documents)")}
        assert "published_from" in cols
        assert store.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "4"
