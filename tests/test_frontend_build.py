"""The dashboard's built assets (committed, so users never run npm) come from the
committed sources: BUILD.json, written by scripts/build_frontend.sh, records the hash of
frontend/src + package.json + package-lock.json and of each built file."""
from __future__ import annotations

import importlib.util
import json
import subprocess

from conftest import ROOT

spec = importlib.util.spec_from_file_location("frontend_hash", ROOT / "scripts" / "frontend_hash.py")
frontend_hash = importlib.util.module_from_spec(spec)
spec.loader.exec_module(frontend_hash)
RECORDED = json.loads((frontend_hash.STATIC / "BUILD.json").read_text(encoding="utf-8"))


def test_built_assets_come_from_the_committed_sources():
    assert RECORDED["sources"] == frontend_hash.sources_hash(), \
        "frontend/ changed since the dashboard was built: run scripts/build_frontend.sh and commit its output"


def test_built_files_are_the_build_output_untouched():
    for name, digest in RECORDED["files"].items():
        assert frontend_hash._sha((frontend_hash.STATIC / name).read_bytes()) == digest, \
            f"{name} differs from what scripts/build_frontend.sh wrote: rebuild instead of editing it"
    assert set(RECORDED["files"]) == set(frontend_hash.BUILT)


def test_the_hash_sees_a_changed_source(tmp_path):
    import shutil

    copy = tmp_path / "frontend"
    shutil.copytree(frontend_hash.FRONTEND / "src", copy / "src")
    for name in ("package.json", "package-lock.json"):
        (copy / name).write_bytes((frontend_hash.FRONTEND / name).read_bytes())
    before = frontend_hash.sources_hash(copy)
    assert before == frontend_hash.sources_hash()
    main = copy / "src" / "main.js"
    main.write_text(main.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    assert frontend_hash.sources_hash(copy) != before


def test_node_modules_is_not_in_the_repository():
    tracked = subprocess.run(["git", "ls-files", "frontend/node_modules"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode == 0:  # a source tarball without .git has nothing to check
        assert tracked.stdout == ""
    assert "frontend/node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
