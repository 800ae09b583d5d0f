#!/usr/bin/env bash
# Build the dashboard from frontend/ (npm packages, bundled by esbuild) into
# src/eventwatch/web/static, which is committed: users, `make demo` and `make test`
# never run npm. Run this after changing anything under frontend/. node_modules is not
# committed: `npm ci` installs exactly what package-lock.json pins (by integrity hash).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
OUT=../src/eventwatch/web/static
npm ci --no-audit --no-fund
mkdir -p "$OUT"
./node_modules/.bin/esbuild src/main.js --bundle --minify --format=esm --target=es2020 \
  --legal-comments=none --outfile="$OUT/app.js"
cp src/index.html src/app.css src/favicon.svg "$OUT/"
# The bundled packages' licences travel with the bundle.
{
  echo "Third-party code bundled in app.js (built from npm packages by scripts/build_frontend.sh)."
  for pkg in chart.js @kurkle/color d3-force d3-dispatch d3-quadtree d3-timer; do
    dir=node_modules/$pkg
    echo
    echo "== $pkg $(node -p "require('./$dir/package.json').version") =="
    cat "$dir"/LICENSE* 2>/dev/null || cat "$dir"/license* 2>/dev/null
  done
} > "$OUT/THIRD_PARTY_LICENSES.txt"
# What these assets were built from, checked by tests/test_frontend_build.py without npm.
python3 ../scripts/frontend_hash.py
ls -l "$OUT"
