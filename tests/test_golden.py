"""Golden files: each stage's output on each sample document, as saved by
scripts/regen_golden.py (`make golden`). A failure names the document and the stage."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
STAGES = ("clean", "mentions", "timexes", "quotes", "events")
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="module")
def fresh():
    import regen_golden

    return json.loads(json.dumps(regen_golden.snapshot(), ensure_ascii=False))


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem[:3])
def test_stage_matches_golden(fresh, path, stage):
    saved = json.loads(path.read_text("utf-8"))
    assert fresh[path.stem][stage] == saved[stage], f"{path.name}: {stage} changed; if intended, run `make golden`"


def test_every_sample_document_has_a_golden_file(fresh):
    assert sorted(fresh) == sorted(p.stem for p in GOLDEN.glob("*.json"))
