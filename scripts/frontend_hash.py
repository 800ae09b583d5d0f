"""The content hash of the dashboard's sources and of its built files, recorded by
scripts/build_frontend.sh in src/eventwatch/web/static/BUILD.json. A test recomputes
it (no npm needed) so committed assets that do not come from the committed sources
(an edit under frontend/ without a rebuild, or a hand-edited app.js) fail the suite."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "src" / "eventwatch" / "web" / "static"
BUILT = ("app.js", "app.css", "index.html", "favicon.svg", "THIRD_PARTY_LICENSES.txt")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sources_hash(frontend: Path = FRONTEND) -> str:
    """One hash over every file under frontend/src, package.json and package-lock.json
    (path and content, in path order): what the build reads."""
    files = sorted([*(p for p in (frontend / "src").rglob("*") if p.is_file()),
                    frontend / "package.json", frontend / "package-lock.json"])
    manifest = "".join(f"{_sha(p.read_bytes())}  {p.relative_to(frontend).as_posix()}\n" for p in files)
    return _sha(manifest.encode())


def record(static: Path = STATIC) -> dict:
    return {"sources": sources_hash(), "files": {name: _sha((static / name).read_bytes()) for name in BUILT}}


if __name__ == "__main__":
    out = STATIC / "BUILD.json"
    out.write_text(json.dumps(record(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {out}", file=sys.stderr)
