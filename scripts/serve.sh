#!/usr/bin/env bash
# Builds and serves the web app with the built-in sample tenant on http://127.0.0.1:8080
# (set PORT to change). Installs whatever is missing first; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
