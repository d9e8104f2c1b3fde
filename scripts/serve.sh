#!/usr/bin/env bash
# Builds the web app (with the built-in sample tenant) and serves it on
# http://127.0.0.1:8080 (set PORT to change). The page is one self-contained file,
# dist/sentinel-readiness.html, which also works opened straight from disk.
# Installs whatever is missing first; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
trunk build --release
node scripts/single-file.mjs
echo "Serving http://127.0.0.1:${PORT:-8080}/ (Ctrl-C to stop)"
exec python3 -m http.server --bind 127.0.0.1 --directory dist "${PORT:-8080}"
