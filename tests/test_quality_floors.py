"""Quality floors on the development sets, like trafilatura's evaluation gate: each eval
script runs on real data and must stay a little below the figures measured when the floor
was set (README, "Measured figures"). The data sit beside the repository in
../shared/data (CI has them there); they are never copied into it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"

# script, arguments with floors (measured figure in the comment)
GATES = {
    "events": ["eval/events.py", str(DATA / "events-dev"), "--no-sample",
               "--floor-recall", "0.88",   # 0.902
               "--floor-extra", "0.15",    # 0.129 (a ceiling)
               "--floor-actor", "0.87",    # 0.890
               "--crisis", str(DATA / "crisis-dev" / "inpk25"),
               "--floor-crisis", "0.65"],  # event F1 0.688
    "timex": ["eval/timex.py", str(DATA / "temporal-dev"), "--floor", "0.80"],  # 0.810
    "attribution": ["eval/attribution.py", str(DATA / "attribution-dev"),
                    "--floor-content", "0.73",   # 0.753
                    "--floor-speaker", "0.89",   # 0.911
                    "--crisis", str(DATA / "crisis-dev" / "inpk25"),
                    "--floor-crisis-speaker", "0.90"],  # 0.964 (53 of 55 quotes)
    "stories": ["eval/stories.py", "--floor", "0.95"],  # 1.000 on the sample
}


@pytest.mark.parametrize("name", sorted(GATES))
def test_quality_floor(name):
    if not DATA.is_dir():
        pytest.fail(f"development data not found at {DATA}: the shared/ folder must sit beside the repository")
    proc = subprocess.run([sys.executable, *GATES[name]], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{name} below its floor:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
